/* infer_csv.c - Spark's CSVInferSchema over every line of the files
 * (infer.h). The first line is split here for its column count and header
 * names; the rows are read by the CSV scanner itself (as all-STRING
 * columns), so quoting, comments, nullValue and the header line follow the
 * reader's own rules. */
#include "sql/infer.h"

#include "base/arena.h"
#include "sql/datetime.h"
#include "sql/scan_csv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The types CSV inference tries, in the order it tries them. */
enum { T_NULL, T_INT, T_LONG, T_DOUBLE, T_DATE, T_TS, T_BOOL, T_STR };

typedef struct infer_ctx {
    const sp_sql_csv_options *o;
    const sp_tz *tz;
    bool prefer_date;
} infer_ctx;

/* Java's Integer.parseInt / Long.parseLong: a sign and digits. */
static bool java_integral(const char *s, size_t n, int64_t lo, int64_t hi)
{
    size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i == n || n - i > 19) return false;
    for (size_t k = i; k < n; k++)
        if (!isdigit((unsigned char)s[k])) return false;
    char buf[24];
    memcpy(buf, s, n);
    buf[n] = 0;
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    return errno == 0 && v >= lo && v <= hi;
}

/* Java's Double.parseDouble (decimal forms, an optional d/f suffix, NaN,
 * Infinity; white space around), or the reader's nan/inf spellings. */
static bool java_double(const infer_ctx *c, const char *s, size_t n)
{
    if ((n == strlen(c->o->nan_value) && !memcmp(s, c->o->nan_value, n)) ||
        (n == strlen(c->o->positive_inf) && !memcmp(s, c->o->positive_inf, n)) ||
        (n == strlen(c->o->negative_inf) && !memcmp(s, c->o->negative_inf, n)))
        return true;
    char buf[128];
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    const char *p = buf;
    while (isspace((unsigned char)*p))
        p++;
    const char *body = p + (*p == '+' || *p == '-');
    if (!strncmp(body, "NaN", 3) || !strncmp(body, "Infinity", 8)) {
        body += body[0] == 'N' ? 3 : 8;
        while (isspace((unsigned char)*body))
            body++;
        return *body == 0;
    }
    for (const char *q = body; *q; q++)
        if (isalpha((unsigned char)*q) && !strchr("eEdDfF", *q)) return false;
    char *end;
    strtod(p, &end);
    if (end == p) return false;
    if (*end == 'd' || *end == 'D' || *end == 'f' || *end == 'F') end++;
    while (isspace((unsigned char)*end))
        end++;
    return *end == 0;
}

/* DateFormatter("yyyy-MM-dd") as preferDate uses it: four-digit year. */
static bool iso_date(const char *s, size_t n)
{
    int32_t days;
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    for (size_t i = 0; i < n; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return false;
    return sp_sql_string_to_date(s, n, &days);
}

/* Spark's inferField chain, started at the type seen so far. */
static int value_type(const infer_ctx *c, const char *s, size_t n, int from)
{
    int64_t us;
    switch (from) {
    case T_NULL:
    case T_INT:
        if (java_integral(s, n, INT32_MIN, INT32_MAX)) return T_INT;
        /* fall through */
    case T_LONG:
        if (java_integral(s, n, INT64_MIN, INT64_MAX)) return T_LONG;
        /* fall through */
    case T_DOUBLE:
        if (java_double(c, s, n)) return T_DOUBLE;
        /* fall through */
    case T_DATE:
        if (c->prefer_date && iso_date(s, n)) return T_DATE;
        /* fall through */
    case T_TS:
        if (sp_sql_string_to_ts(s, n, c->tz, 0, &us)) return T_TS;
        /* fall through */
    case T_BOOL:
        if ((n == 4 && !strncasecmp(s, "true", 4)) || (n == 5 && !strncasecmp(s, "false", 5)))
            return T_BOOL;
        /* fall through */
    default:
        return T_STR;
    }
}

/* compatibleType: numbers widen, a date meets a timestamp as one, anything
 * else that differs is a string. */
static int merge(int seen, int found)
{
    if (seen == T_NULL || seen == found) return found;
    if (seen <= T_DOUBLE && found <= T_DOUBLE) return seen > found ? seen : found;
    if ((seen == T_DATE && found == T_TS) || (seen == T_TS && found == T_DATE)) return T_TS;
    return T_STR;
}

/* Splits a line into its fields (quotes and escapes as the reader's);
 * returns the count, the unquoted fields in out (made in a). */
static int split_line(const sp_sql_csv_options *o, const char *s, size_t n, const char ***out,
                      spate_arena *a)
{
    int cap = 16, cnt = 0;
    const char **f = spate_arena_alloc(a, sizeof *f * (size_t)cap);
    char *buf = spate_arena_alloc(a, n + 1);
    size_t i = 0;
    for (;;) {
        size_t len = 0;
        bool quoted = o->quote && i < n && s[i] == o->quote;
        for (i += quoted; i < n; i++) {
            if (quoted && s[i] == o->escape && o->escape != o->quote && i + 1 < n) {
                buf[len++] = s[++i];
            } else if (quoted && s[i] == o->quote) {
                if (i + 1 < n && s[i + 1] == o->quote) {
                    buf[len++] = s[++i];
                } else {
                    quoted = false;
                }
            } else if (!quoted && n - i >= o->sep_len && !memcmp(s + i, o->sep, o->sep_len)) {
                break;
            } else {
                buf[len++] = s[i];
            }
        }
        if (cnt == cap) {
            const char **g = spate_arena_alloc(a, sizeof *g * (size_t)(cap *= 2));
            memcpy(g, f, sizeof *g * (size_t)cnt);
            f = g;
        }
        buf[len] = 0;
        f[cnt++] = buf;
        buf += len + 1;
        if (i >= n) break;
        i += o->sep_len;
    }
    *out = f;
    return cnt;
}

/* The first line that is not blank nor a comment, in the first file that
 * has one. */
static bool first_line(char **files, size_t nf, const sp_sql_csv_options *o, char **text,
                       size_t *len)
{
    for (size_t k = 0; k < nf; k++) {
        size_t n = 0;
        char *buf = sp_sql_infer_read(files[k], &n);
        if (!buf) continue;
        for (size_t i = 0; i < n;) {
            size_t e = i;
            while (e < n && buf[e] != '\n' && buf[e] != '\r')
                e++;
            bool blank = e == i, comment = o->comment && buf[i] == o->comment;
            if (!blank && !comment) {
                *text = sp_xmalloc(e - i + 1);
                memcpy(*text, buf + i, e - i);
                *len = e - i;
                free(buf);
                return true;
            }
            i = e + 1;
        }
        free(buf);
    }
    return false;
}

/* CSVUtils.makeSafeHeader: empty names are _c<i>, duplicates (ignoring
 * case) get their index appended. */
static const char **column_names(const sp_sql_csv_options *o, const char **tok, int n, bool header,
                                 spate_arena *a)
{
    const char **names = spate_arena_alloc(a, sizeof *names * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        char b[32];
        snprintf(b, sizeof b, "_c%d", i);
        bool empty = !header || !tok[i][0] || !strcmp(tok[i], o->null_value);
        bool dup = false;
        for (int k = 0; header && !empty && k < n && !dup; k++)
            dup = k != i && !strcasecmp(tok[k], tok[i]);
        if (empty) {
            names[i] = sp_arena_memdup(a, b, strlen(b) + 1);
        } else if (dup) {
            char *d = spate_arena_alloc(a, strlen(tok[i]) + 16);
            sprintf(d, "%s%d", tok[i], i);
            names[i] = d;
        } else {
            names[i] = tok[i];
        }
    }
    return names;
}

static const sp_sql_type *type_of(int t)
{
    static const sp_sql_type_id ids[] = {
        [T_NULL] = SP_SQL_STRING,   [T_INT] = SP_SQL_INT,    [T_LONG] = SP_SQL_BIGINT,
        [T_DOUBLE] = SP_SQL_DOUBLE, [T_DATE] = SP_SQL_DATE,  [T_TS] = SP_SQL_TIMESTAMP,
        [T_BOOL] = SP_SQL_BOOLEAN,  [T_STR] = SP_SQL_STRING,
    };
    return sp_sql_prim(ids[t]);
}

static const sp_sql_type *strings_schema(const char **names, int n, spate_arena *a)
{
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        f[i] = (sp_sql_field){names[i], sp_sql_prim(SP_SQL_STRING), true, NULL};
    return sp_sql_struct(a, f, n);
}

/* Widens types[] over the rows of batch b. */
static void infer_batch(const infer_ctx *c, const sp_colbatch *b, int *types)
{
    for (int k = 0; k < b->ncols; k++) {
        const sp_column *col = &b->cols[k];
        for (int64_t r = 0; r < b->length && types[k] != T_STR; r++) {
            if (!sp_column_valid(col, r)) continue;
            const char *s = col->chars + col->offsets[r];
            size_t n = (size_t)(col->offsets[r + 1] - col->offsets[r]);
            types[k] = merge(types[k], value_type(c, s, n, types[k]));
        }
    }
}

/* Reads every row of the files as strings, widening types[]. */
static bool scan_files(const infer_ctx *c, char **files, size_t nf, const sp_sql_type *strings,
                       int *types, char *err, size_t err_size)
{
    sp_sql_csv_scanner *sc = sp_sql_csv_scanner_new(strings, c->o, err, err_size);
    if (!sc) return false;
    spate_arena *a = spate_arena_new();
    bool ok = true;
    for (size_t k = 0; k < nf && ok; k++) {
        size_t len = 0, at = 0;
        char *buf = sp_sql_infer_read(files[k], &len);
        if (!buf) continue;
        sp_sql_csv_start_file(sc);
        while (ok && at < len) {
            sp_arena_mark m = sp_arena_get_mark(a);
            sp_colbatch *b = sp_sql_csv_batch_new(sc, a, 4096);
            size_t used = 0;
            ok = sp_sql_csv_scan(sc, b, buf + at, len - at, &used, err, err_size) >= 0;
            infer_batch(c, b, types);
            sp_arena_release(a, m);
            if (!used) break;
            at += used;
        }
        free(buf);
    }
    spate_arena_destroy(a);
    sp_sql_csv_scanner_free(sc);
    return ok;
}

static bool option_true(const char *const *keys, const char *const *vals, int n, const char *key,
                        bool dflt)
{
    for (int i = 0; i < n; i++)
        if (!strcasecmp(keys[i], key)) return !strcasecmp(vals[i], "true");
    return dflt;
}

const sp_sql_type *sp_sql_infer_csv(char **files, size_t nfiles, const char *const *keys,
                                    const char *const *vals, int n, const sp_tz *tz, spate_arena *a,
                                    char *err, size_t err_size)
{
    sp_sql_csv_options o;
    sp_sql_csv_options_init(&o);
    if (!sp_sql_csv_options_parse(&o, keys, vals, n, err, err_size)) return NULL;
    char *line = NULL;
    size_t len = 0;
    if (!first_line(files, nfiles, &o, &line, &len)) {
        snprintf(err, err_size,
                 "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for CSV. It must be specified "
                 "manually. SQLSTATE: 42KD9");
        return NULL;
    }
    const char **tok;
    int ncols = split_line(&o, line, len, &tok, a);
    free(line);
    const char **names = column_names(&o, tok, ncols, o.header, a);
    const sp_sql_type *strings = strings_schema(names, ncols, a);
    if (!option_true(keys, vals, n, "inferSchema", false)) return strings;
    infer_ctx c = {&o, tz, option_true(keys, vals, n, "preferDate", true)};
    int *types = spate_arena_alloc(a, sizeof *types * (size_t)(ncols + 1));
    memset(types, 0, sizeof *types * (size_t)(ncols + 1));
    o.mode = SP_SQL_MODE_PERMISSIVE;
    if (!scan_files(&c, files, nfiles, strings, types, err, err_size)) return NULL;
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(ncols + 1));
    for (int i = 0; i < ncols; i++)
        f[i] = (sp_sql_field){names[i], type_of(types[i]), true, NULL};
    return sp_sql_struct(a, f, ncols);
}
