/* sink_format.c - the file sinks' writer options (Spark's CSVOptions and
 * JSONOptions as they apply to writing) and each value's text as Spark's
 * UnivocityGenerator and JacksonGenerator make it. The rows themselves are
 * written in sink_format_rows.c.
 *
 * Threads: sp_sink_writer_new/free on the query's thread; the value text
 * functions are pure (any thread). */
#include "sql/sink_int.h"

#include "base/arena.h"
#include "sql/java_num.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_TS_WRITE "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
#define DEFAULT_NTZ_WRITE "yyyy-MM-dd'T'HH:mm:ss.SSS"

sp_sink_fmt sp_sink_writer_fmt_of(int sink_kind)
{
    return sink_kind == SP_SINK_JSON   ? SP_SINK_FMT_JSON
           : sink_kind == SP_SINK_TEXT ? SP_SINK_FMT_TEXT
                                       : SP_SINK_FMT_CSV;
}

static bool bad_value(const char *key, const char *v, const char *why, char *errstr, size_t size)
{
    sp_sink_errf(errstr, size, "Invalid value for the option %s: '%s' (%s).", key, v, why);
    return false;
}

static bool parse_bool(const char *key, const char *v, bool *out, char *errstr, size_t size)
{
    if (!strcasecmp(v, "true") || !strcasecmp(v, "false")) {
        *out = !strcasecmp(v, "true");
        return true;
    }
    return bad_value(key, v, "expected true or false", errstr, size);
}

static bool parse_char(const char *key, const char *v, char *out, char *errstr, size_t size)
{
    if (strlen(v) == 1 || (!strcmp(key, "quote") && !v[0])) {
        *out = v[0];
        return true;
    }
    if (v[0] == '\\' && v[1] == 't' && !v[2]) {
        *out = '\t';
        return true;
    }
    return bad_value(key, v, "expected one character", errstr, size);
}

static bool copy_str(const char *key, const char *v, char *out, char *errstr, size_t size)
{
    if (strlen(v) >= SP_SINK_OPT_MAX) return bad_value(key, v, "too long", errstr, size);
    strcpy(out, v);
    return true;
}

static bool set_pattern(sp_dtf **f, const char *key, const char *v, char *errstr, size_t size)
{
    char err[256];
    sp_dtf *n = sp_dtf_compile(v, strlen(v), false, err, sizeof err);
    if (!n) {
        sp_sink_errf(errstr, size, "Invalid value for the option %s: %s", key, err);
        return false;
    }
    sp_dtf_free(*f);
    *f = n;
    return true;
}

/* One option (key, value) into w; unknown keys are not the writer's. */
static bool set_option(sp_sink_writer *w, const char *k, const char *v, char *e, size_t es)
{
    bool csv = w->fmt == SP_SINK_FMT_CSV;
    if (csv && (!strcasecmp(k, "sep") || !strcasecmp(k, "delimiter")))
        return parse_char(k, v, &w->sep, e, es);
    if (csv && !strcasecmp(k, "header")) return parse_bool(k, v, &w->header, e, es);
    if (csv && !strcasecmp(k, "quote")) return parse_char(k, v, &w->quote, e, es);
    if (csv && !strcasecmp(k, "escape")) return parse_char(k, v, &w->escape, e, es);
    if (csv && !strcasecmp(k, "quoteAll")) return parse_bool(k, v, &w->quote_all, e, es);
    if (csv && !strcasecmp(k, "escapeQuotes")) return parse_bool(k, v, &w->escape_quotes, e, es);
    if (csv && !strcasecmp(k, "ignoreLeadingWhiteSpace"))
        return parse_bool(k, v, &w->trim_leading, e, es);
    if (csv && !strcasecmp(k, "ignoreTrailingWhiteSpace"))
        return parse_bool(k, v, &w->trim_trailing, e, es);
    if (csv && !strcasecmp(k, "nullValue")) return copy_str(k, v, w->null_value, e, es);
    if (csv && !strcasecmp(k, "emptyValue")) return copy_str(k, v, w->empty_value, e, es);
    if (!strcasecmp(k, "ignoreNullFields") && w->fmt == SP_SINK_FMT_JSON)
        return parse_bool(k, v, &w->ignore_null_fields, e, es);
    if (!strcasecmp(k, "lineSep")) {
        if (!v[0]) return bad_value(k, v, "'lineSep' cannot be an empty string", e, es);
        if (csv && strlen(v) > 2) /* CSVOptions: up to 2, for Windows' CRLF */
            return bad_value(k, v, "'lineSep' can contain only 1 character", e, es);
        return copy_str(k, v, w->line_sep, e, es);
    }
    if (w->fmt != SP_SINK_FMT_TEXT && !strcasecmp(k, "dateFormat"))
        return set_pattern(&w->date_fmt, k, v, e, es);
    if (w->fmt != SP_SINK_FMT_TEXT && !strcasecmp(k, "timestampFormat"))
        return set_pattern(&w->ts_fmt, k, v, e, es);
    if (w->fmt != SP_SINK_FMT_TEXT && !strcasecmp(k, "timestampNTZFormat"))
        return set_pattern(&w->ntz_fmt, k, v, e, es);
    if (!strcasecmp(k, "compression") && strcasecmp(v, "none") && strcasecmp(v, "uncompressed"))
        return bad_value(k, v, "spate writes uncompressed files only: none", e, es);
    if (!strcasecmp(k, "encoding") && strcasecmp(v, "UTF-8") && strcasecmp(v, "UTF8"))
        return bad_value(k, v, "spate writes UTF-8 only", e, es);
    return true;
}

/* Spark's verifySchema: text takes one string column; CSV no binary. */
static bool check_schema(sp_sink_writer *w, const sp_sql_type *schema, char *e, size_t es)
{
    if (w->fmt == SP_SINK_FMT_TEXT && schema->nfields != 1) {
        sp_sink_errf(e, es,
                     "Text data source supports only a single column, and you have %d columns.",
                     schema->nfields);
        return false;
    }
    for (int i = 0; i < schema->nfields; i++) {
        const sp_sql_field *f = &schema->fields[i];
        bool bad = w->fmt == SP_SINK_FMT_TEXT  ? f->type->id != SP_SQL_STRING
                   : w->fmt == SP_SINK_FMT_CSV ? f->type->id == SP_SQL_BINARY
                                               : false;
        /* JSON writes arrays, maps and structs (JsonFileFormat.supportDataType). */
        bool nested = f->type->id >= SP_SQL_ARRAY;
        bad = bad || (nested && w->fmt != SP_SINK_FMT_JSON) || f->type->id == SP_SQL_NULL;
        if (bad) {
            spate_arena *a = spate_arena_new();
            sp_sink_errf(e, es,
                         "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The %s datasource doesn't support "
                         "the column `%s` of the type \"%s\". SQLSTATE: 0A000",
                         w->fmt == SP_SINK_FMT_TEXT  ? "Text"
                         : w->fmt == SP_SINK_FMT_CSV ? "CSV"
                                                     : "JSON",
                         f->name, sp_sql_type_sql(a, f->type));
            spate_arena_destroy(a);
            return false;
        }
    }
    w->nnames = schema->nfields;
    w->names = sp_xcalloc((size_t)(schema->nfields ? schema->nfields : 1), sizeof(char *));
    for (int i = 0; i < schema->nfields; i++)
        w->names[i] = sp_xstrdup(schema->fields[i].name);
    return true;
}

sp_sink_writer *sp_sink_writer_new(sp_sink_fmt fmt, const char *const *keys,
                                   const char *const *vals, size_t n, const sp_sql_type *schema,
                                   const sp_tz *tz, char *errstr, size_t errstr_size)
{
    sp_sink_writer *w = sp_xcalloc(1, sizeof *w);
    w->fmt = fmt;
    w->sep = ',';
    w->quote = '"';
    w->escape = '\\';
    w->escape_quotes = w->trim_leading = w->trim_trailing = w->ignore_null_fields = true;
    strcpy(w->empty_value, "\"\"");
    strcpy(w->line_sep, "\n");
    w->tz = tz ? tz : sp_tz_utc();
    bool ok =
        set_pattern(&w->date_fmt, "dateFormat", "yyyy-MM-dd", errstr, errstr_size) &&
        set_pattern(&w->ts_fmt, "timestampFormat", DEFAULT_TS_WRITE, errstr, errstr_size) &&
        set_pattern(&w->ntz_fmt, "timestampNTZFormat", DEFAULT_NTZ_WRITE, errstr, errstr_size);
    for (size_t i = 0; ok && i < n; i++)
        ok = set_option(w, keys[i], vals[i] ? vals[i] : "", errstr, errstr_size);
    if (ok && schema) ok = check_schema(w, schema, errstr, errstr_size);
    if (!ok) {
        sp_sink_writer_free(w);
        return NULL;
    }
    return w;
}

void sp_sink_writer_free(sp_sink_writer *w)
{
    if (!w) return;
    sp_dtf_free(w->date_fmt);
    sp_dtf_free(w->ts_fmt);
    sp_dtf_free(w->ntz_fmt);
    for (int i = 0; i < w->nnames; i++)
        free(w->names[i]);
    free(w->names);
    free(w);
}

const char *sp_sink_writer_ext(const sp_sink_writer *w)
{
    return w->fmt == SP_SINK_FMT_CSV ? ".csv" : w->fmt == SP_SINK_FMT_JSON ? ".json" : ".txt";
}

size_t sp_sink_decimal_str(uint64_t lo, int64_t hi, int scale, char *out)
{
    char digits[SP_SQL_JAVA_NUM_MAX];
    size_t n = sp_sql_decimal_plain_str(lo, hi, 0, digits);
    bool neg = digits[0] == '-';
    const char *d = digits + neg;
    int nd = (int)(n - neg), adjusted = -scale + (nd - 1);
    if (adjusted >= -6) return sp_sql_decimal_plain_str(lo, hi, scale, out);
    size_t len = 0;
    if (neg) out[len++] = '-';
    out[len++] = d[0];
    if (nd > 1) {
        out[len++] = '.';
        memcpy(out + len, d + 1, (size_t)nd - 1);
        len += (size_t)nd - 1;
    }
    len += (size_t)sprintf(out + len, "E%d", adjusted);
    return len;
}

/* Java's Long.toString into buf (no printf: this runs for every value). */
static size_t int_text(int64_t v, char *buf)
{
    char tmp[24];
    int k = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0) buf[len++] = '-';
    while (k)
        buf[len++] = tmp[--k];
    buf[len] = '\0';
    return len;
}

static sp_sink_vt num_text(const char *p, size_t n, char *buf, const char **s, size_t *len)
{
    (void)buf;
    *s = p;
    *len = n;
    /* NaN and the infinities are no JSON numbers: Jackson quotes them. */
    return (p[0] == 'N' || p[0] == 'I' || (p[0] == '-' && p[1] == 'I')) ? SP_SINK_VT_QUOTED
                                                                        : SP_SINK_VT_BARE;
}

sp_sink_vt sp_sink_value_text(const sp_sink_writer *w, const sp_column *c, int64_t row,
                              char buf[SP_SINK_VAL_MAX], const char **s, size_t *n)
{
    *s = buf;
    switch (c->type) {
    case SP_COL_BOOL:
        *s = sp_column_get_bool(c, row) ? "true" : "false";
        *n = strlen(*s);
        return SP_SINK_VT_BARE;
    case SP_COL_I8:
        *n = int_text(sp_column_i8(c)[row], buf);
        return SP_SINK_VT_BARE;
    case SP_COL_I16:
        *n = int_text(sp_column_i16(c)[row], buf);
        return SP_SINK_VT_BARE;
    case SP_COL_I32:
        *n = int_text(sp_column_i32(c)[row], buf);
        return SP_SINK_VT_BARE;
    case SP_COL_I64:
        *n = int_text(sp_column_i64(c)[row], buf);
        return SP_SINK_VT_BARE;
    case SP_COL_F32:
        return num_text(buf, sp_sql_java_float_str(sp_column_f32(c)[row], buf), buf, s, n);
    case SP_COL_F64:
        return num_text(buf, sp_sql_java_double_str(sp_column_f64(c)[row], buf), buf, s, n);
    case SP_COL_DECIMAL128: {
        uint64_t lo;
        int64_t hi;
        sp_column_get_decimal128(c, row, &lo, &hi);
        *n = sp_sink_decimal_str(lo, hi, c->scale, buf);
        return SP_SINK_VT_BARE;
    }
    case SP_COL_DATE32:
        *n = sp_dtf_format(w->date_fmt, (int64_t)sp_column_date32(c)[row] * 86400000000LL,
                           sp_tz_utc(), buf, SP_SINK_VAL_MAX);
        return SP_SINK_VT_QUOTED;
    case SP_COL_TIMESTAMP:
        *n = sp_dtf_format(w->ts_fmt, sp_column_i64(c)[row], w->tz, buf, SP_SINK_VAL_MAX);
        return SP_SINK_VT_QUOTED;
    case SP_COL_TIMESTAMP_NTZ:
        *n = sp_dtf_format(w->ntz_fmt, sp_column_i64(c)[row], sp_tz_utc(), buf, SP_SINK_VAL_MAX);
        return SP_SINK_VT_QUOTED;
    case SP_COL_UTF8:
    case SP_COL_BINARY:
        *s = c->chars + c->offsets[row];
        *n = (size_t)(c->offsets[row + 1] - c->offsets[row]);
        return SP_SINK_VT_QUOTED;
    case SP_COL_LIST: /* nested: the JSON writer writes them itself */
    case SP_COL_STRUCT:
    case SP_COL_MAP:
        break;
    }
    *n = 0;
    return SP_SINK_VT_QUOTED;
}
