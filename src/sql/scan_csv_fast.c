/* scan_csv_fast.c - the CSV scanner's hot path (scan_csv_int.h): a buffer of
 * lines tokenized in one pass per line (separator and line end found by the
 * same loop) while no token is quoted, the required fields converted with
 * the common types inline, pruned fields made null in bulk per call. A line
 * the fast loop cannot take (a quoted token, leading white space, a comment,
 * the header, a limit reached) goes through the general tokenizer. One task
 * at a time. */
#include "sql/scan_csv_int.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- pruned fields: null in bulk ---- */

static void clear_bit(sp_column *c, int64_t r)
{
    uint8_t bit = (uint8_t)(1u << (r & 7));
    if (c->validity[r >> 3] & bit) {
        c->validity[r >> 3] &= (uint8_t)~bit;
        c->null_count++;
    }
}

/* Rows [from, to) of column f null; a string column gets "" first for the
 * rows not appended yet. */
static void null_rows(sp_colbatch *b, int f, int64_t from, int64_t to)
{
    sp_column *c = &b->cols[f];
    if (sp_coltype_is_varlen(c->type) && c->str_rows < to) {
        int32_t at = c->offsets[c->str_rows];
        for (int64_t r = c->str_rows; r < to; r++)
            c->offsets[r + 1] = at;
        c->str_rows = to;
    }
    sp_column_set_null(b, f, from); /* makes the bitmap */
    int64_t r = from + 1;
    for (; r < to && (r & 7); r++)
        clear_bit(c, r);
    for (; r + 64 <= to; r += 64) { /* 8 bytes of the bitmap at a time */
        uint64_t w;
        memcpy(&w, c->validity + (r >> 3), 8);
        c->null_count += __builtin_popcountll(w);
        memset(c->validity + (r >> 3), 0, 8);
    }
    for (; r + 8 <= to; r += 8) {
        c->null_count += __builtin_popcount(c->validity[r >> 3]);
        c->validity[r >> 3] = 0;
    }
    for (; r < to; r++)
        clear_bit(c, r);
}

void sp_sql_csv_fill_pruned(const sp_sql_csv_scanner *s, sp_colbatch *b, int64_t from, int64_t to)
{
    if (from >= to) return;
    for (int k = 0; k < s->npruned; k++)
        null_rows(b, s->pruned[k], from, to);
}

/* ---- a row's required fields ---- */

static bool is_text(const sp_sql_csv_tok *t, const char *z, size_t zn)
{
    return t->n == zn && (zn == 0 || (t->p[0] == z[0] && !memcmp(t->p, z, zn)));
}

/* Integer.parseInt / Long.parseLong of 1 to 9 digits after an optional
 * sign (no overflow possible); false: sp_sql_scan_int decides. */
static inline bool short_int(const char *p, size_t n, int64_t *out)
{
    const char *e = p + n;
    bool neg = n && *p == '-';
    if (n && (*p == '-' || *p == '+')) p++;
    if (e - p < 1 || e - p > 9) return false;
    int64_t v = 0;
    for (; p < e; p++) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d > 9) return false;
        v = v * 10 + d;
    }
    *out = neg ? -v : v;
    return true;
}

uint8_t sp_sql_csv_put_kind(sp_sql_type_id t)
{
    switch (t) {
    case SP_SQL_STRING:
        return SP_CSV_PUT_STRING;
    case SP_SQL_INT:
        return SP_CSV_PUT_INT;
    case SP_SQL_BIGINT:
        return SP_CSV_PUT_BIGINT;
    case SP_SQL_DOUBLE:
        return SP_CSV_PUT_DOUBLE;
    default:
        return SP_CSV_PUT_OTHER;
    }
}

static bool put_string(sp_sql_csv_scanner *s, sp_colbatch *b, int f, const sp_sql_csv_tok *t)
{
    (void)s;
    sp_column *c = &b->cols[f];
    int64_t at = c->offsets[c->str_rows];
    if (at + (int64_t)t->n > c->chars_cap) {
        sp_column_append_bytes(b, f, t->p, t->n); /* grows chars */
        return true;
    }
    memcpy(c->chars + at, t->p, t->n);
    c->offsets[++c->str_rows] = (int32_t)(at + (int64_t)t->n);
    return true;
}

/* A DOUBLE token: Double.parseDouble, or the nanValue / infinity spellings
 * (which the common case, a token starting with a digit, cannot be). */
static bool put_double(sp_sql_csv_scanner *s, sp_colbatch *b, int f, int64_t row,
                       const sp_sql_csv_tok *t)
{
    double *out = &sp_column_f64(&b->cols[f])[row];
    if (s->digit_is_number && (unsigned)(t->p[0] - '0') <= 9 &&
        sp_sql_scan_double_simple(t->p, t->n, out))
        return true;
    if (is_text(t, s->o.nan_value, s->nan_len) || is_text(t, s->o.positive_inf, s->pinf_len) ||
        is_text(t, s->o.negative_inf, s->ninf_len))
        return sp_sql_scan_put_text(&s->base, b, f, row, t->p, t->n);
    return sp_sql_scan_double(t->p, t->n, out);
}

/* Token t into field f of row row by kind (sp_sql_csv_put_kind): strings,
 * integers and doubles here, the rest through scan_row.c. False when it
 * does not convert. */
static inline bool put_token(sp_sql_csv_scanner *s, sp_colbatch *b, int f, int64_t row,
                             uint8_t kind, const sp_sql_csv_tok *t)
{
    sp_column *c = &b->cols[f];
    int64_t v;
    switch (kind) {
    case SP_CSV_PUT_STRING:
        return put_string(s, b, f, t);
    case SP_CSV_PUT_INT:
        if (!short_int(t->p, t->n, &v) && !sp_sql_scan_int(t->p, t->n, INT32_MIN, INT32_MAX, &v))
            return false;
        sp_column_i32(c)[row] = (int32_t)v;
        return true;
    case SP_CSV_PUT_BIGINT:
        if (short_int(t->p, t->n, &sp_column_i64(c)[row])) return true;
        return sp_sql_scan_int(t->p, t->n, INT64_MIN, INT64_MAX, &sp_column_i64(c)[row]);
    case SP_CSV_PUT_DOUBLE:
        return put_double(s, b, f, row, t);
    default:
        return sp_sql_scan_put_text(&s->base, b, f, row, t->p, t->n);
    }
}

int sp_sql_csv_finish_row(sp_sql_csv_scanner *s, sp_colbatch *b, const char *line, size_t len,
                          char *err, size_t en)
{
    int64_t row = b->length;
    bool bad = s->count_check && s->ntoks != s->base.ndata;
    for (int k = 0; k < s->nneed; k++) {
        int i = s->need[k], f = s->base.data[i];
        const sp_sql_csv_tok *t = &s->toks[i];
        if (i >= s->ntoks || t->is_null || is_text(t, s->o.null_value, s->null_len)) {
            sp_sql_scan_put_null(b, f, row);
        } else if (!put_token(s, b, f, row, s->need_kind[k], t)) {
            sp_sql_scan_put_null(b, f, row);
            bad = true;
        }
    }
    if (!bad) {
        if (s->base.corrupt >= 0) sp_sql_scan_put_null(b, s->base.corrupt, row);
        b->length = row + 1; /* pruned strings are appended later: no set_length */
        return 1;
    }
    sp_sql_csv_fill_pruned(s, b, row, row + 1); /* the row as the mode sees it */
    return sp_sql_scan_end_row(&s->base, b, row, true, line, len, err, en);
}

/* ---- the fast tokenizer ---- */

/* The separators and line ends of the 64 bytes from blk (fewer at the end
 * of the buffer), consumed in order: bit i of m is set while blk[i] is one
 * not taken yet, bit i of nl_m when blk[i] is a line end. Taking the next
 * one clears the lowest bit of m, so the loop over a line's tokens carries
 * no dependency longer than that. */
typedef struct bounds {
    const char *blk, *end;
    uint64_t m, nl_m;
    char sep, nl;
} bounds;

static void bounds_at(bounds *k, const char *blk)
{
    k->blk = blk;
    k->m = k->nl_m = 0;
#if defined(__SSE2__)
    if (k->end - blk >= 64) {
        __m128i vs = _mm_set1_epi8(k->sep), vn = _mm_set1_epi8(k->nl);
        for (int i = 0; i < 4; i++) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(blk + 16 * i));
            uint64_t s = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vs));
            uint64_t n = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn));
            k->m |= (s | n) << (16 * i);
            k->nl_m |= n << (16 * i);
        }
        return;
    }
#endif
    size_t n = (size_t)(k->end - blk) < 64 ? (size_t)(k->end - blk) : 64;
    for (size_t i = 0; i < n; i++) {
        if (blk[i] == k->nl) k->nl_m |= (uint64_t)1 << i;
        if (blk[i] == k->sep || blk[i] == k->nl) k->m |= (uint64_t)1 << i;
    }
}

/* Loads the blocks after the one in hand until one holds a bound; false
 * at the end of the buffer. */
static bool next_block(bounds *k)
{
    while (!k->m) {
        if (k->blk + 64 >= k->end) return false;
        bounds_at(k, k->blk + 64);
    }
    return true;
}

/* Takes the next separator or line end (end when none is left). */
static inline const char *take_bound(bounds *k)
{
    if (!k->m && !next_block(k)) return k->end;
    const char *q = k->blk + __builtin_ctzll(k->m);
    k->m &= k->m - 1;
    return q;
}

/* Takes the bounds up to the next line end and returns it (end when
 * none). */
static const char *take_line_end(bounds *k)
{
    for (;;) {
        uint64_t mm = k->m & k->nl_m;
        if (mm) {
            int at = __builtin_ctzll(mm);
            k->m &= at == 63 ? 0 : ~(uint64_t)0 << (at + 1);
            return k->blk + at;
        }
        k->m = 0;
        if (!next_block(k)) return k->end;
    }
}

/* Drops the bounds before p (a line start the general path moved to). */
static void bounds_skip_to(bounds *k, const char *p)
{
    size_t off = (size_t)(p - k->blk);
    if (off < 64)
        k->m &= ~(uint64_t)0 << off;
    else if (p < k->end)
        bounds_at(k, p);
    else
        k->m = 0, k->blk = k->end;
}

/* Tokenizes the line at p (the next bound of k is its first) when no token
 * is quoted and no limit is reached; *line_end is where its terminator is
 * (or the end), all of its bounds taken. False: the general tokenizer must
 * take the line (the caller then skips k to the next line). */
static bool fast_tokens(sp_sql_csv_scanner *s, bounds *k, const char *p, bool strip_cr,
                        const char **line_end)
{
    char quote = s->o.quote, nl = k->nl;
    /* A line of more than ndata tokens is malformed: the general path takes
     * it, so the tokens stored here stay within toks[0, ndata]. */
    int limit = s->count_check ? s->base.ndata + 1 : s->last_tok + 1, nt = 0;
    size_t max_chars =
        s->o.max_chars_per_column < 0 ? (size_t)-1 : (size_t)s->o.max_chars_per_column;
    const char *t = p, *q, *end = k->end;
    sp_sql_csv_tok *tok = s->toks;
    if (limit == 0 && !s->count_check) { /* no field is read */
        *line_end = take_line_end(k);
        s->ntoks = 0;
        return true;
    }
    for (;;) { /* the tokens before the last */
        if (t < end && *t == quote) return false;
        q = take_bound(k);
        if (q == end || *q == nl) break;
        size_t n = (size_t)(q - t);
        if (n > max_chars) return false;
        tok[nt++] = (sp_sql_csv_tok){t, n, n == 0};
        if (nt == limit) {
            if (s->count_check) return false; /* too many tokens, or maxColumns */
            s->ntoks = nt;
            *line_end = take_line_end(k); /* the rest of the line, unread */
            return true;
        }
        t = q + 1;
    }
    size_t n = (size_t)(q - t);
    if (strip_cr && n && t[n - 1] == '\r') n--;
    if (n > max_chars) return false;
    tok[nt++] = (sp_sql_csv_tok){t, n, n == 0};
    s->ntoks = nt;
    *line_end = q;
    return true;
}

/* Whether a line starting at p may go through fast_tokens. */
static bool fast_start(const sp_sql_csv_scanner *s, const char *p, const char *end)
{
    return s->fast_ok && !s->at_file_start && p < end && (unsigned char)*p > ' ' &&
           *p != s->o.comment;
}

int64_t sp_sql_csv_scan(sp_sql_csv_scanner *s, sp_colbatch *b, const char *buf, size_t len,
                        size_t *consumed, char *errstr, size_t en)
{
    const char *p = buf, *end = buf + len;
    int64_t rows = 0, row0 = b->length;
    char nl = s->o.line_sep ? s->o.line_sep : '\n';
    bool strip_cr = !s->o.line_sep;
    bounds k = {.blk = buf, .end = end, .sep = s->o.sep[0], .nl = nl};
    if (s->fast_ok) bounds_at(&k, buf);
    while (p < end) {
        const char *le;
        int r;
        if (fast_start(s, p, end) && b->length < b->capacity &&
            fast_tokens(s, &k, p, strip_cr, &le)) {
            size_t n = (size_t)(le - p);
            if (strip_cr && n && p[n - 1] == '\r') n--;
            r = sp_sql_csv_finish_row(s, b, p, n, errstr, en);
        } else {
            le = memchr(p, nl, (size_t)(end - p));
            if (!le) le = end;
            size_t n = (size_t)(le - p);
            if (strip_cr && n && p[n - 1] == '\r') n--;
            r = sp_sql_csv_scan_line(s, b, p, n, errstr, en);
            if (s->fast_ok && r >= 0) bounds_skip_to(&k, le < end ? le + 1 : end);
        }
        if (r == SP_SQL_SCAN_FULL) break;
        if (r == SP_SQL_SCAN_ERROR) {
            sp_sql_csv_fill_pruned(s, b, row0, b->length);
            *consumed = (size_t)(p - buf);
            return SP_SQL_SCAN_ERROR;
        }
        rows += r;
        p = le < end ? le + 1 : end;
    }
    sp_sql_csv_fill_pruned(s, b, row0, b->length);
    *consumed = (size_t)(p - buf);
    return rows;
}
