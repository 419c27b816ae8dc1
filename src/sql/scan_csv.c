/* scan_csv.c - the CSV scanner (scan_csv.h): a tokenizer with univocity's
 * rules as Spark sets them up (separator of one or more characters, quote,
 * escape, charToEscapeQuoteEscaping, white space trimming, nullValue and
 * emptyValue), then each token converted into its column (scan_row.c).
 * Unquoted tokens point into the line; quoted ones are unescaped into one
 * buffer of the scanner. One task at a time. */
#include "sql/scan_csv.h"

#include "base/errbuf.h"
#include "sql/scan_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct csv_tok {
    const char *p;
    size_t n;
    bool is_null; /* an empty unquoted token: univocity's nullValue */
} csv_tok;

struct sp_sql_csv_scanner {
    sp_sql_scan_base base;
    sp_sql_csv_options o;
    bool at_file_start;
    csv_tok *toks; /* room for ndata + 1 */
    int ntoks;     /* tokens of the line, counted past those stored */
    char *unesc;   /* unescaped quoted tokens of the line */
    size_t unesc_cap;
    bool *skip; /* per data field: not required, left NULL (NULL: none) */
};

sp_sql_csv_scanner *sp_sql_csv_scanner_new(const sp_sql_type *schema, const sp_sql_csv_options *o,
                                           char *errstr, size_t en)
{
    if (o->multi_line) {
        sp_errf(errstr, en, "option 'multiLine': true is not supported yet (records are lines)");
        return NULL;
    }
    sp_sql_csv_scanner *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->o = *o;
    if (!sp_sql_scan_base_init(&s->base, schema, o->mode, o->corrupt_column, o->date_format,
                               o->ts_format, o->ts_ntz_format, o->time_zone, errstr, en)) {
        free(s);
        return NULL;
    }
    s->base.nan = s->o.nan_value;
    s->base.pinf = s->o.positive_inf;
    s->base.ninf = s->o.negative_inf;
    s->toks = calloc((size_t)s->base.ndata + 1, sizeof *s->toks);
    if (!s->toks) {
        sp_sql_csv_scanner_free(s);
        return NULL;
    }
    s->at_file_start = true;
    return s;
}

void sp_sql_csv_scanner_free(sp_sql_csv_scanner *s)
{
    if (!s) return;
    sp_sql_scan_base_free(&s->base);
    free(s->toks);
    free(s->unesc);
    free(s->skip);
    free(s);
}

void sp_sql_csv_scanner_require(sp_sql_csv_scanner *s, const bool *required)
{
    free(s->skip);
    s->skip = NULL;
    if (!required) return;
    s->skip = calloc((size_t)s->base.ndata + 1, sizeof *s->skip);
    if (!s->skip) abort();
    for (int i = 0; i < s->base.ndata; i++)
        s->skip[i] = !required[s->base.data[i]];
}

sp_colbatch *sp_sql_csv_batch_new(const sp_sql_csv_scanner *s, spate_arena *a, int64_t capacity)
{
    return sp_sql_scan_batch_new(&s->base, a, capacity);
}

void sp_sql_csv_start_file(sp_sql_csv_scanner *s) { s->at_file_start = true; }
void sp_sql_csv_continue_file(sp_sql_csv_scanner *s) { s->at_file_start = false; }

int64_t sp_sql_csv_malformed(const sp_sql_csv_scanner *s) { return s->base.malformed; }

static bool is_sep(const sp_sql_csv_scanner *s, const char *p, const char *end)
{
    size_t k = s->o.sep_len;
    return (size_t)(end - p) >= k && p[0] == s->o.sep[0] && (k == 1 || !memcmp(p, s->o.sep, k));
}

/* The end of an unquoted token starting at p. */
static const char *find_sep(const sp_sql_csv_scanner *s, const char *p, const char *end)
{
    if (s->o.sep_len == 1) { /* fields are short: a plain loop beats memchr's set-up */
        char c = s->o.sep[0];
        while (p < end && *p != c)
            p++;
        return p;
    }
    for (;;) {
        const char *q = memchr(p, s->o.sep[0], (size_t)(end - p));
        if (!q || is_sep(s, q, end)) return q ? q : end;
        p = q + 1;
    }
}

/* A quoted token from p (at the opening quote) into out; returns where it
 * stops (at a separator or the end of the line). */
static const char *quoted(const sp_sql_csv_scanner *s, const char *p, const char *end, char *out,
                          size_t *n)
{
    char q = s->o.quote, esc = s->o.escape, qe = s->o.quote_escape;
    size_t w = 0;
    for (p++; p < end;) {
        char c = *p;
        if (c == esc && esc != q && p + 1 < end && p[1] == q) {
            out[w++] = q, p += 2;
        } else if (qe && c == qe && p + 2 < end && p[1] == esc && p[2] == q) {
            out[w++] = esc, p += 2; /* the escape escaped: the quote closes */
        } else if (c == q) {
            if (esc == q && p + 1 < end && p[1] == q) {
                out[w++] = q, p += 2;
                continue;
            }
            p++;
            if (p < end && !is_sep(s, p, end)) { /* an unescaped quote: kept as text */
                out[w++] = q;
                const char *e = find_sep(s, p, end);
                memcpy(out + w, p, (size_t)(e - p));
                w += (size_t)(e - p);
                p = e;
            }
            break;
        } else
            out[w++] = c, p++;
    }
    *n = w;
    return p;
}

static void add_tok(sp_sql_csv_scanner *s, const char *p, size_t n, bool is_null)
{
    if (s->ntoks < s->base.ndata) s->toks[s->ntoks] = (csv_tok){p, n, is_null};
    s->ntoks++;
}

static bool tokenize(sp_sql_csv_scanner *s, const char *line, size_t len, char *err, size_t en)
{
    const char *p = line, *end = line + len;
    char *out = s->unesc;
    s->ntoks = 0;
    for (;;) {
        if (s->o.ignore_leading_ws)
            while (p < end && (unsigned char)*p <= ' ' && !is_sep(s, p, end))
                p++;
        const char *tp, *e;
        size_t n;
        bool quoted_tok = s->o.quote && p < end && *p == s->o.quote;
        if (quoted_tok) {
            e = quoted(s, p, end, out, &n);
            tp = out, out += n;
        } else {
            e = find_sep(s, p, end);
            tp = p, n = (size_t)(e - p);
            if (s->o.ignore_trailing_ws)
                while (n && (unsigned char)tp[n - 1] <= ' ')
                    n--;
        }
        if (s->o.max_chars_per_column >= 0 && n > (size_t)s->o.max_chars_per_column) {
            sp_errf(err, en, "a token of %zu characters is longer than maxCharsPerColumn (%d)", n,
                    s->o.max_chars_per_column);
            return false;
        }
        if (quoted_tok && n == 0)
            add_tok(s, s->o.empty_value, strlen(s->o.empty_value), false);
        else
            add_tok(s, tp, n, !quoted_tok && n == 0);
        if (s->ntoks > s->o.max_columns) {
            sp_errf(err, en,
                    "Number of columns processed may have exceeded limit of %d columns "
                    "(maxColumns)",
                    s->o.max_columns);
            return false;
        }
        if (e >= end) return true;
        p = e + s->o.sep_len;
        if (p >= end) { /* the line ends with a separator: one more, empty token */
            add_tok(s, p, 0, true);
            return true;
        }
    }
}

/* Blank lines (white space only) and comment lines are not records. */
static bool skip_line(const sp_sql_csv_scanner *s, const char *line, size_t len)
{
    if (s->o.comment && len && line[0] == s->o.comment) return true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] > ' ') return false;
    return true;
}

static bool fill_row(sp_sql_csv_scanner *s, sp_colbatch *b, int64_t row)
{
    bool bad = s->ntoks != s->base.ndata;
    size_t null_len = strlen(s->o.null_value);
    for (int i = 0; i < s->base.ndata; i++) {
        int f = s->base.data[i];
        const csv_tok *t = &s->toks[i];
        if (s->skip && s->skip[i]) {
            sp_sql_scan_put_null(b, f, row);
        } else if (i >= s->ntoks || t->is_null ||
                   (t->n == null_len && !memcmp(t->p, s->o.null_value, t->n))) {
            sp_sql_scan_put_null(b, f, row);
        } else if (!sp_sql_scan_put_text(&s->base, b, f, row, t->p, t->n)) {
            sp_sql_scan_put_null(b, f, row);
            bad = true;
        }
    }
    return bad;
}

int sp_sql_csv_scan_line(sp_sql_csv_scanner *s, sp_colbatch *b, const char *line, size_t len,
                         char *errstr, size_t en)
{
    if (skip_line(s, line, len)) return 0;
    if (s->at_file_start) {
        s->at_file_start = false;
        if (s->o.header) return 0;
    }
    if (b->length >= b->capacity) return SP_SQL_SCAN_FULL;
    if (len + 1 > s->unesc_cap) {
        size_t cap = s->unesc_cap ? s->unesc_cap : 256;
        while (cap < len + 1)
            cap *= 2;
        char *u = realloc(s->unesc, cap);
        if (!u) {
            sp_errf(errstr, en, "out of memory for a line of %zu bytes", len);
            return SP_SQL_SCAN_ERROR;
        }
        s->unesc = u, s->unesc_cap = cap;
    }
    if (!tokenize(s, line, len, errstr, en)) return SP_SQL_SCAN_ERROR;
    int64_t row = b->length;
    bool bad = fill_row(s, b, row);
    return sp_sql_scan_end_row(&s->base, b, row, bad, line, len, errstr, en);
}

int64_t sp_sql_csv_scan(sp_sql_csv_scanner *s, sp_colbatch *b, const char *buf, size_t len,
                        size_t *consumed, char *errstr, size_t en)
{
    size_t pos = 0;
    int64_t rows = 0;
    char sep = s->o.line_sep ? s->o.line_sep : '\n';
    while (pos < len) {
        const char *nl = memchr(buf + pos, sep, len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len, n = end - pos;
        if (sep == '\n' && n && buf[end - 1] == '\r' && s->o.line_sep != '\n') n--;
        int r = sp_sql_csv_scan_line(s, b, buf + pos, n, errstr, en);
        if (r == SP_SQL_SCAN_FULL) break;
        if (r == SP_SQL_SCAN_ERROR) {
            *consumed = pos;
            return SP_SQL_SCAN_ERROR;
        }
        rows += r;
        pos = nl ? end + 1 : len;
    }
    *consumed = pos;
    return rows;
}
