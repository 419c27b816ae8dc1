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

static bool text_is(const char *p, size_t n, const char *z, size_t zn)
{
    return n == zn && (zn == 0 || (p[0] == z[0] && !memcmp(p, z, zn)));
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

static void put_string(sp_colbatch *b, int f, const char *p, size_t n)
{
    sp_column *c = &b->cols[f];
    int64_t at = c->offsets[c->str_rows];
    if (at + (int64_t)n > c->chars_cap) {
        sp_column_append_bytes(b, f, p, n); /* grows chars */
        return;
    }
    memcpy(c->chars + at, p, n);
    c->offsets[++c->str_rows] = (int32_t)(at + (int64_t)n);
}

/* A DOUBLE token other than digits in the simple form: Double.parseDouble,
 * or the nanValue / infinity spellings. */
static __attribute__((noinline)) bool put_double_slow(sp_sql_csv_scanner *s, sp_colbatch *b, int f,
                                                      int64_t row, const char *p, size_t n)
{
    double *out = &sp_column_f64(&b->cols[f])[row];
    if (text_is(p, n, s->o.nan_value, s->nan_len) ||
        text_is(p, n, s->o.positive_inf, s->pinf_len) ||
        text_is(p, n, s->o.negative_inf, s->ninf_len))
        return sp_sql_scan_put_text(&s->base, b, f, row, p, n);
    return sp_sql_scan_double(p, n, out);
}

/* A DOUBLE token: the simple form inline when it starts with a digit (no
 * nanValue or infinity spelling can then match: digit_is_number). */
static inline bool put_double(sp_sql_csv_scanner *s, sp_colbatch *b, int f, int64_t row,
                              const char *p, size_t n)
{
    if (s->digit_is_number && (unsigned)(p[0] - '0') <= 9 &&
        sp_sql_scan_double_simple(p, n, &sp_column_f64(&b->cols[f])[row]))
        return true;
    return put_double_slow(s, b, f, row, p, n);
}

/* Token p[0, n) into field f of row row by kind (sp_sql_csv_put_kind):
 * strings, integers and doubles here, the rest through scan_row.c. False
 * when it does not convert. */
static inline __attribute__((always_inline)) bool put_token(sp_sql_csv_scanner *s, sp_colbatch *b,
                                                            int f, int64_t row, uint8_t kind,
                                                            const char *p, size_t n)
{
    sp_column *c = &b->cols[f];
    int64_t v;
    switch (kind) {
    case SP_CSV_PUT_STRING:
        put_string(b, f, p, n);
        return true;
    case SP_CSV_PUT_INT:
        if (!short_int(p, n, &v) && !sp_sql_scan_int(p, n, INT32_MIN, INT32_MAX, &v)) return false;
        sp_column_i32(c)[row] = (int32_t)v;
        return true;
    case SP_CSV_PUT_BIGINT:
        if (short_int(p, n, &sp_column_i64(c)[row])) return true;
        return sp_sql_scan_int(p, n, INT64_MIN, INT64_MAX, &sp_column_i64(c)[row]);
    case SP_CSV_PUT_DOUBLE:
        return put_double(s, b, f, row, p, n);
    default:
        return sp_sql_scan_put_text(&s->base, b, f, row, p, n);
    }
}

/* Converts one required token (null when it spells nullValue; an empty
 * unquoted token is univocity's null too); false when it does not convert
 * (the field is then null). */
static inline __attribute__((always_inline)) bool put_field(sp_sql_csv_scanner *s, sp_colbatch *b,
                                                            const sp_sql_csv_need *d, int64_t row,
                                                            const char *p, size_t n, bool is_null)
{
    bool null =
        n == 0 ? is_null || s->null_len == 0 : n == s->null_len && !memcmp(p, s->o.null_value, n);
    if (!null && put_token(s, b, d->field, row, d->kind, p, n)) return true;
    sp_sql_scan_put_null(b, d->field, row);
    return null;
}

/* Ends row row whose required fields are all put: a good row is kept, a
 * bad one goes to the parse mode. */
static int end_row(sp_sql_csv_scanner *s, sp_colbatch *b, int64_t row, bool bad, const char *line,
                   size_t len, char *err, size_t en)
{
    if (!bad) {
        if (s->base.corrupt >= 0) sp_sql_scan_put_null(b, s->base.corrupt, row);
        b->length = row + 1; /* pruned strings are appended later: no set_length */
        return 1;
    }
    sp_sql_csv_fill_pruned(s, b, row, row + 1); /* the row as the mode sees it */
    return sp_sql_scan_end_row(&s->base, b, row, true, line, len, err, en);
}

int sp_sql_csv_finish_row(sp_sql_csv_scanner *s, sp_colbatch *b, const char *line, size_t len,
                          char *err, size_t en)
{
    int64_t row = b->length;
    bool bad = s->count_check && s->ntoks != s->base.ndata;
    for (int k = 0; k < s->nneed; k++) {
        const sp_sql_csv_need *d = &s->need[k];
        const sp_sql_csv_tok *t = &s->toks[d->tok];
        if (d->tok >= s->ntoks)
            sp_sql_scan_put_null(b, d->field, row);
        else if (!put_field(s, b, d, row, t->p, t->n, t->is_null))
            bad = true;
    }
    return end_row(s, b, row, bad, line, len, err, en);
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

/* What fast_line checks, fixed for a call of sp_sql_csv_scan. */
typedef struct line_rules {
    int limit;        /* tokens read at most (pruning); without, one more than ndata */
    size_t max_chars; /* maxCharsPerColumn */
    char quote;
    bool strip_cr;
} line_rules;

static line_rules rules_of(const sp_sql_csv_scanner *s, bool strip_cr)
{
    /* A line of more than ndata tokens is malformed: the general path takes
     * it when the fast one meets a token past ndata. */
    return (line_rules){
        .limit = s->count_check ? s->base.ndata + 1 : s->last_tok + 1,
        .max_chars = s->o.max_chars_per_column < 0 ? (size_t)-1 : (size_t)s->o.max_chars_per_column,
        .quote = s->o.quote,
        .strip_cr = strip_cr,
    };
}

enum { FAST_NO = -3 }; /* fast_line: the general tokenizer must take the line */

/* Undoes the required fields need[0, k) put in row. */
static int give_up(sp_sql_csv_scanner *s, sp_colbatch *b, int64_t row, int k)
{
    for (int j = 0; j < k; j++)
        sp_sql_scan_unset(b, s->need[j].field, row);
    return FAST_NO;
}

/* Tokens of the line at p (the next bound of k is its first) up to the last
 * required one, each converted as it is found. *line_end: where the line's
 * terminator is (or the end), its bounds all taken. Returns as
 * sp_sql_csv_scan_line, or FAST_NO when a token is quoted or a limit is
 * reached (the row is then left as it was). */
static int fast_line(sp_sql_csv_scanner *s, bounds *k, const line_rules *r, sp_colbatch *b,
                     const char *p, const char **line_end, char *err, size_t en)
{
    const sp_sql_csv_need *need = s->need;
    int nneed = s->nneed, kn = 0, nt = 0, next = nneed ? need[0].tok : -1;
    int64_t row = b->length;
    bool bad = false;
    const char *t = p, *q = p, *end = k->end;
    if (r->limit == 0) { /* no field is read (so no count either) */
        q = take_line_end(k);
        t = NULL;
    }
    while (t) {
        if (t < end && *t == r->quote) return give_up(s, b, row, kn);
        q = take_bound(k);
        bool last = q == end || *q == k->nl;
        size_t n = (size_t)(q - t);
        if (last && r->strip_cr && n && t[n - 1] == '\r') n--;
        if (n > r->max_chars) return give_up(s, b, row, kn);
        if (nt == next) {
            bad |= !put_field(s, b, &need[kn], row, t, n, n == 0);
            next = ++kn < nneed ? need[kn].tok : -1;
        }
        nt++;
        if (last) break;
        if (nt == r->limit) {
            if (s->count_check) return give_up(s, b, row, kn); /* too many tokens */
            q = take_line_end(k);                              /* the rest, unread */
            break;
        }
        t = q + 1;
    }
    *line_end = q;
    for (; kn < nneed; kn++) /* past the line's end */
        sp_sql_scan_put_null(b, need[kn].field, row);
    bad |= s->count_check && nt != s->base.ndata;
    size_t len = (size_t)(q - p);
    if (r->strip_cr && len && p[len - 1] == '\r') len--;
    return end_row(s, b, row, bad, p, len, err, en);
}

/* Whether a line starting at p may go through fast_line. */
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
    line_rules rules = rules_of(s, strip_cr);
    if (s->fast_ok) bounds_at(&k, buf);
    while (p < end) {
        const char *le = NULL;
        int r = FAST_NO;
        if (fast_start(s, p, end) && b->length < b->capacity)
            r = fast_line(s, &k, &rules, b, p, &le, errstr, en);
        if (r == FAST_NO) {
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
