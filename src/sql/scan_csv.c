/* scan_csv.c - the CSV scanner (scan_csv.h): making it, column pruning,
 * and the general tokenizer with univocity's rules as Spark sets them up
 * (separator of one or more characters, quote, escape,
 * charToEscapeQuoteEscaping, white space trimming, nullValue and
 * emptyValue); each token is then converted into its column
 * (scan_csv_fast.c, scan_row.c). Unquoted tokens point into the line; quoted
 * ones are unescaped into one buffer of the scanner. Lines without quoted
 * tokens take scan_csv_fast.c's tokenizer. One task at a time. */
#include "sql/scan_csv.h"

#include "base/errbuf.h"
#include "sql/scan_csv_int.h"

#include <stdlib.h>
#include <string.h>

/* Whether spelling z (nanValue, positiveInf, negativeInf) could be taken
 * for a number by its first character. */
static bool starts_with_digit(const char *z) { return (unsigned)(z[0] - '0') <= 9 || z[0] == '.'; }

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
    s->null_len = strlen(s->o.null_value);
    s->nan_len = strlen(s->o.nan_value);
    s->pinf_len = strlen(s->o.positive_inf);
    s->ninf_len = strlen(s->o.negative_inf);
    s->digit_is_number = !starts_with_digit(s->o.nan_value) &&
                         !starts_with_digit(s->o.positive_inf) &&
                         !starts_with_digit(s->o.negative_inf);
    s->at_file_start = true;
    if (!s->toks) {
        sp_sql_csv_scanner_free(s);
        return NULL;
    }
    sp_sql_csv_scanner_require(s, NULL);
    return s;
}

void sp_sql_csv_scanner_free(sp_sql_csv_scanner *s)
{
    if (!s) return;
    sp_sql_scan_base_free(&s->base);
    free(s->toks);
    free(s->unesc);
    free(s->need);
    free(s->pruned);
    free(s);
}

/* Spark: CSVScan turns pruning off when the corrupt-record column is read
 * (columnPruning && !readDataSchema.exists(_.name == corrupt)); univocity's
 * selectIndexes then returns exactly the required fields. */
void sp_sql_csv_scanner_require(sp_sql_csv_scanner *s, const bool *required)
{
    int nd = s->base.ndata;
    if (required && s->base.corrupt >= 0 && required[s->base.corrupt]) required = NULL;
    free(s->need);
    free(s->pruned);
    s->need = calloc((size_t)nd + 1, sizeof *s->need);
    s->pruned = calloc((size_t)nd + 1, sizeof *s->pruned);
    if (!s->need || !s->pruned) abort();
    s->nneed = s->npruned = 0;
    s->last_tok = -1;
    for (int i = 0; i < nd; i++) {
        if (!required || required[s->base.data[i]]) {
            int f = s->base.data[i];
            s->need[s->nneed++] =
                (sp_sql_csv_need){i, f, sp_sql_csv_put_kind(s->base.fields[f].type)};
            s->last_tok = i;
        } else
            s->pruned[s->npruned++] = s->base.data[i];
    }
    s->count_check = !required;
    if (s->count_check) s->last_tok = nd; /* every token is read */
    s->fast_ok = s->o.sep_len == 1 && !s->o.ignore_leading_ws && !s->o.ignore_trailing_ws &&
                 s->last_tok < s->o.max_columns && s->base.ndata < s->o.max_columns;
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
    if (s->ntoks < s->base.ndata) s->toks[s->ntoks] = (sp_sql_csv_tok){p, n, is_null};
    s->ntoks++;
}

bool sp_sql_csv_tokenize(sp_sql_csv_scanner *s, const char *line, size_t len, char *err, size_t en)
{
    const char *p = line, *end = line + len;
    char *out = s->unesc;
    s->ntoks = 0;
    for (;;) {
        if (!s->count_check && s->ntoks > s->last_tok) return true; /* pruning: enough read */
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
bool sp_sql_csv_skip_line(const sp_sql_csv_scanner *s, const char *line, size_t len)
{
    if (s->o.comment && len && line[0] == s->o.comment) return true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] > ' ') return false;
    return true;
}

int sp_sql_csv_scan_line(sp_sql_csv_scanner *s, sp_colbatch *b, const char *line, size_t len,
                         char *errstr, size_t en)
{
    if (sp_sql_csv_skip_line(s, line, len)) return 0;
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
    if (!sp_sql_csv_tokenize(s, line, len, errstr, en)) return SP_SQL_SCAN_ERROR;
    int64_t row = b->length;
    int r = sp_sql_csv_finish_row(s, b, line, len, errstr, en);
    if (r == 1) sp_sql_csv_fill_pruned(s, b, row, row + 1);
    return r;
}
