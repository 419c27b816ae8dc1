/* scan_json.c - the JSON Lines scanner (scan_json.h): a small lexer with
 * Jackson's feature switches as Spark sets them (comments, single quotes,
 * unquoted names, leading zeros, NaN/Infinity, any-character escapes), then
 * JacksonParser's per-type rules into the columns (scan_row.c). Strings are
 * unescaped (\u surrogate pairs to UTF-8; an unpaired one becomes '?', as
 * Java's encoder does) into one buffer of the scanner; invalid UTF-8 is a
 * syntax error. One task at a time. */
#include "sql/scan_json.h"

#include "base/errbuf.h"
#include "sql/scan_int.h"

#include <stdlib.h>
#include <string.h>

typedef enum jtok {
    J_ERR,
    J_STR,
    J_INT,
    J_FLOAT,
    J_NONNUM,
    J_TRUE,
    J_FALSE,
    J_NULL,
    J_OBJ,
    J_ARR
} jtok;

struct sp_sql_json_scanner {
    sp_sql_scan_base base;
    sp_sql_json_options o;
    uint8_t *seen; /* per field: put in this row */
    char *buf;     /* unescaped strings, minified values */
    size_t cap;
};

typedef struct jcur {
    const char *p, *end;
    const sp_sql_json_options *o;
} jcur;

static void ws(jcur *c)
{
    for (;;) {
        while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
            c->p++;
        if (!c->o->allow_comments || c->end - c->p < 2 || *c->p != '/') return;
        if (c->p[1] == '/') {
            c->p = c->end;
        } else if (c->p[1] == '*') {
            const char *q = c->p + 2;
            while (q + 1 < c->end && !(q[0] == '*' && q[1] == '/'))
                q++;
            c->p = q + 1 < c->end ? q + 2 : c->end;
        } else
            return;
    }
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) return o[0] = (char)cp, 1;
    if (cp < 0x800) return o[0] = (char)(0xC0 | cp >> 6), o[1] = (char)(0x80 | (cp & 0x3F)), 2;
    if (cp < 0x10000)
        return o[0] = (char)(0xE0 | cp >> 12), o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
               o[2] = (char)(0x80 | (cp & 0x3F)), 3;
    o[0] = (char)(0xF0 | cp >> 18), o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hex4(const char *p, const char *end)
{
    int v = 0;
    if (end - p < 4) return -1;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        int d = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Length of a valid UTF-8 sequence at p, 0 when invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n = c < 0x80                ? 1
               : c >= 0xC2 && c < 0xE0 ? 2
               : c >= 0xE0 && c < 0xF0 ? 3
               : c >= 0xF0 && c < 0xF5 ? 4
                                       : 0;
    if (!n || (size_t)(end - p) < n) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))) return 0;
    if (n == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))) return 0;
    return n;
}

static bool escape(jcur *c, char **w)
{
    char e = *c->p++;
    const char *m = strchr("\"\\/bfnrt", e);
    if (e && m) {
        *(*w)++ = "\"\\/\b\f\n\r\t"[m - "\"\\/bfnrt"];
        return true;
    }
    if (e != 'u') {
        if (!c->o->allow_backslash_escaping_any) return false;
        *(*w)++ = e;
        return true;
    }
    int u = hex4(c->p, c->end);
    if (u < 0) return false;
    c->p += 4;
    uint32_t cp = (uint32_t)u;
    if (u >= 0xD800 && u < 0xDC00 && c->end - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u') {
        int lo = hex4(c->p + 2, c->end);
        if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + (((uint32_t)u - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
            c->p += 6;
        }
    }
    if (cp >= 0xD800 && cp < 0xE000) cp = '?';
    *w += put_utf8(*w, cp);
    return true;
}

/* A string at c->p (its opening quote) unescaped into out; its length or -1. */
static long string(jcur *c, char *out)
{
    char q = *c->p++, *w = out;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == (unsigned char)q) {
            c->p++;
            return (long)(w - out);
        }
        if (ch == '\\') {
            c->p++;
            if (c->p >= c->end || !escape(c, &w)) return -1;
        } else if (ch < 0x20 && !c->o->allow_unquoted_control_chars) {
            return -1;
        } else {
            size_t n = utf8_len((const unsigned char *)c->p, (const unsigned char *)c->end);
            if (!n) return -1;
            memcpy(w, c->p, n), w += n, c->p += n;
        }
    }
    return -1;
}

static jtok number(jcur *c)
{
    const char *p = c->p, *e = c->end;
    bool frac = false;
    if (p < e && *p == '-') p++;
    if (p >= e || (unsigned)(*p - '0') > 9) return J_ERR;
    if (*p == '0' && p + 1 < e && (unsigned)(p[1] - '0') <= 9 && !c->o->allow_numeric_leading_zeros)
        return J_ERR;
    while (p < e && (unsigned)(*p - '0') <= 9)
        p++;
    if (p < e && *p == '.') {
        frac = true;
        if (++p >= e || (unsigned)(*p - '0') > 9) return J_ERR;
        while (p < e && (unsigned)(*p - '0') <= 9)
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        frac = true;
        if (++p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || (unsigned)(*p - '0') > 9) return J_ERR;
        while (p < e && (unsigned)(*p - '0') <= 9)
            p++;
    }
    c->p = p;
    return frac ? J_FLOAT : J_INT;
}

static bool word(jcur *c, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n)) return false;
    c->p += n;
    return true;
}

/* The kind of the value at c->p; scalars are consumed (strings into out,
 * *len), objects and arrays are not. */
static jtok value(jcur *c, char *out, long *len)
{
    ws(c);
    if (c->p >= c->end) return J_ERR;
    char ch = *c->p;
    if (ch == '"' || (ch == '\'' && c->o->allow_single_quotes))
        return (*len = string(c, out)) < 0 ? J_ERR : J_STR;
    if (ch == '{') return J_OBJ;
    if (ch == '[') return J_ARR;
    if (word(c, "true")) return J_TRUE;
    if (word(c, "false")) return J_FALSE;
    if (word(c, "null")) return J_NULL;
    if (c->o->allow_non_numeric_numbers &&
        (word(c, "NaN") || word(c, "Infinity") || word(c, "+Infinity") || word(c, "-Infinity")))
        return J_NONNUM;
    return number(c);
}

/* Skips the value at c->p (objects and arrays by depth, strings by their
 * escapes); false on bad syntax. */
static bool skip(jcur *c, char *scratch, int depth)
{
    long n;
    if (depth > 1000) return false; /* Jackson's default nesting limit */
    jtok t = value(c, scratch, &n);
    if (t == J_ERR) return false;
    if (t != J_OBJ && t != J_ARR) return true;
    char close = t == J_OBJ ? '}' : ']';
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == close) return c->p++, true;
    for (;;) {
        if (t == J_OBJ) {
            ws(c);
            if (value(c, scratch, &n) != J_STR) return false;
            ws(c);
            if (c->p >= c->end || *c->p++ != ':') return false;
        }
        if (!skip(c, scratch, depth + 1)) return false;
        ws(c);
        if (c->p >= c->end) return false;
        char ch = *c->p++;
        if (ch == close) return true;
        if (ch != ',') return false;
    }
}

sp_sql_json_scanner *sp_sql_json_scanner_new(const sp_sql_type *schema,
                                             const sp_sql_json_options *o, char *errstr, size_t en)
{
    if (o->multi_line) {
        sp_errf(errstr, en, "option 'multiLine': true is not supported yet (records are lines)");
        return NULL;
    }
    sp_sql_json_scanner *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->o = *o;
    if (!sp_sql_scan_base_init(&s->base, schema, o->mode, o->corrupt_column, o->date_format,
                               o->ts_format, o->ts_ntz_format, o->time_zone, errstr, en)) {
        free(s);
        return NULL;
    }
    s->seen = calloc((size_t)s->base.nfields + 1, 1);
    if (!s->seen) {
        sp_sql_json_scanner_free(s);
        return NULL;
    }
    return s;
}

void sp_sql_json_scanner_free(sp_sql_json_scanner *s)
{
    if (!s) return;
    sp_sql_scan_base_free(&s->base);
    free(s->seen);
    free(s->buf);
    free(s);
}

sp_colbatch *sp_sql_json_batch_new(const sp_sql_json_scanner *s, spate_arena *a, int64_t capacity)
{
    return sp_sql_scan_batch_new(&s->base, a, capacity);
}

int64_t sp_sql_json_malformed(const sp_sql_json_scanner *s) { return s->base.malformed; }

/* The value's JSON text without white space outside strings. */
static size_t minify(const char *p, const char *end, char *out)
{
    size_t w = 0;
    char q = 0;
    for (; p < end; p++) {
        char ch = *p;
        if (q) {
            out[w++] = ch;
            if (ch == '\\' && p + 1 < end)
                out[w++] = *++p;
            else if (ch == q)
                q = 0;
        } else if (ch == '"' || ch == '\'') {
            q = ch, out[w++] = ch;
        } else if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
            out[w++] = ch;
    }
    return w;
}

static bool nonnum_string(const char *t, long n)
{
    static const char *const ok[] = {"NaN", "+INF", "+Infinity", "Infinity", "-INF", "-Infinity"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if ((size_t)n == strlen(ok[i]) && !memcmp(t, ok[i], (size_t)n)) return true;
    return false;
}

/* JacksonParser's converter of field f for a value of kind t (a scalar
 * already consumed: raw text [raw, c->p), a string's text in str). False
 * when the value does not convert. */
static bool convert(sp_sql_json_scanner *s, sp_colbatch *b, int f, int64_t row, jtok t,
                    const char *raw, size_t rawn, const char *str, long sn)
{
    sp_sql_scan_base *base = &s->base;
    switch (base->fields[f].type) {
    case SP_SQL_STRING:
        sp_column_append_str(b, f, t == J_STR ? str : raw, t == J_STR ? (size_t)sn : rawn);
        return true;
    case SP_SQL_BOOLEAN:
        if (t != J_TRUE && t != J_FALSE) return false;
        sp_column_set_bool(&b->cols[f], row, t == J_TRUE);
        return true;
    case SP_SQL_TINYINT:
    case SP_SQL_SMALLINT:
    case SP_SQL_INT:
    case SP_SQL_BIGINT:
        return t == J_INT && sp_sql_scan_put_text(base, b, f, row, raw, rawn);
    case SP_SQL_FLOAT:
    case SP_SQL_DOUBLE:
        if (t == J_INT || t == J_FLOAT || t == J_NONNUM)
            return sp_sql_scan_put_text(base, b, f, row, raw, rawn);
        if (t != J_STR || !s->o.allow_non_numeric_numbers || !nonnum_string(str, sn)) return false;
        if (sn == 4) /* "+INF", "-INF" */
            return sp_sql_scan_put_text(base, b, f, row, str[0] == '-' ? "-Infinity" : "Infinity",
                                        str[0] == '-' ? 9 : 8);
        return sp_sql_scan_put_text(base, b, f, row, str, (size_t)sn);
    case SP_SQL_TIMESTAMP:
        if (t == J_INT) { /* seconds since the epoch */
            int64_t secs;
            if (!sp_sql_scan_int(raw, rawn, INT64_MIN / 1000000, INT64_MAX / 1000000, &secs))
                return false;
            sp_column_i64(&b->cols[f])[row] = secs * 1000000;
            return true;
        }
        /* fall through */
    case SP_SQL_DATE:
    case SP_SQL_TIMESTAMP_NTZ:
    case SP_SQL_BINARY:
        return t == J_STR && sn > 0 && sp_sql_scan_put_text(base, b, f, row, str, (size_t)sn);
    case SP_SQL_DECIMAL:
        if (t == J_INT || t == J_FLOAT) return sp_sql_scan_put_text(base, b, f, row, raw, rawn);
        return t == J_STR && sn > 0 && sp_sql_scan_put_text(base, b, f, row, str, (size_t)sn);
    default:
        return false;
    }
}

static int find_field(const sp_sql_scan_base *s, const char *name, size_t n)
{
    for (int i = 0; i < s->ndata; i++) {
        const sp_sql_scan_field *f = &s->fields[s->data[i]];
        if (f->name_len == n && !memcmp(f->name, name, n)) return s->data[i];
    }
    return -1;
}

static bool is_ident(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '$';
}

/* A field name into s->buf; its length or -1. */
static long field_name(sp_sql_json_scanner *s, jcur *c)
{
    ws(c);
    if (c->p < c->end && (*c->p == '"' || (*c->p == '\'' && s->o.allow_single_quotes)))
        return string(c, s->buf);
    if (!s->o.allow_unquoted_field_names || c->p >= c->end || !is_ident(*c->p)) return -1;
    const char *st = c->p;
    while (c->p < c->end && is_ident(*c->p))
        c->p++;
    memcpy(s->buf, st, (size_t)(c->p - st));
    return (long)(c->p - st);
}

/* One field's value into field f (-1: not in the schema, skipped). */
static bool field_value(sp_sql_json_scanner *s, sp_colbatch *b, int f, int64_t row, jcur *c,
                        bool *bad)
{
    char *scratch = s->buf + s->cap / 2;
    ws(c);
    const char *raw = c->p;
    long sn = 0;
    if (f < 0) return skip(c, scratch, 0);
    if (s->seen[f]) sp_sql_scan_unset(b, f, row); /* a repeated key: the last one wins */
    s->seen[f] = 1;
    jtok t = value(c, s->buf, &sn);
    if (t == J_ERR) return false;
    if (t == J_NULL) {
        sp_sql_scan_put_null(b, f, row);
        return true;
    }
    if (t == J_OBJ || t == J_ARR) {
        if (!skip(c, scratch, 0)) return false;
        if (s->base.fields[f].type == SP_SQL_STRING) {
            size_t n = minify(raw, c->p, s->buf);
            sp_column_append_str(b, f, s->buf, n);
            return true;
        }
    } else if (convert(s, b, f, row, t, raw, (size_t)(c->p - raw), s->buf, sn))
        return true;
    sp_sql_scan_put_null(b, f, row);
    *bad = true;
    return true;
}

/* The root object of a line into row; false on a syntax error or a root
 * that is not an object. */
static bool object(sp_sql_json_scanner *s, sp_colbatch *b, int64_t row, jcur *c, bool *bad)
{
    ws(c);
    if (c->p >= c->end || *c->p != '{') return false;
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == '}') return true;
    for (;;) {
        long n = field_name(s, c);
        if (n < 0) return false;
        int f = find_field(&s->base, s->buf, (size_t)n);
        ws(c);
        if (c->p >= c->end || *c->p++ != ':') return false;
        if (!field_value(s, b, f, row, c, bad)) return false;
        ws(c);
        if (c->p >= c->end) return false;
        char ch = *c->p++;
        if (ch == '}') return true;
        if (ch != ',') return false;
    }
}

static bool ensure_buf(sp_sql_json_scanner *s, size_t len)
{
    if (2 * len + 16 <= s->cap) return true;
    size_t cap = s->cap ? s->cap : 512;
    while (cap < 2 * len + 16)
        cap *= 2;
    char *p = realloc(s->buf, cap);
    if (!p) return false;
    s->buf = p, s->cap = cap;
    return true;
}

int sp_sql_json_scan_line(sp_sql_json_scanner *s, sp_colbatch *b, const char *line, size_t len,
                          char *errstr, size_t en)
{
    jcur c = {line, line + len, &s->o};
    ws(&c);
    if (c.p >= c.end) return 0;
    if (b->length >= b->capacity) return SP_SQL_SCAN_FULL;
    if (!ensure_buf(s, len)) {
        sp_errf(errstr, en, "out of memory for a line of %zu bytes", len);
        return SP_SQL_SCAN_ERROR;
    }
    int64_t row = b->length;
    bool bad = false;
    memset(s->seen, 0, (size_t)s->base.nfields);
    if (!object(s, b, row, &c, &bad)) { /* not JSON: no partial result */
        for (int f = 0; f < s->base.nfields; f++)
            if (s->seen[f]) sp_sql_scan_unset(b, f, row), s->seen[f] = 0;
        bad = true;
    }
    for (int i = 0; i < s->base.ndata; i++)
        if (!s->seen[s->base.data[i]]) sp_sql_scan_put_null(b, s->base.data[i], row);
    return sp_sql_scan_end_row(&s->base, b, row, bad, line, len, errstr, en);
}

int64_t sp_sql_json_scan(sp_sql_json_scanner *s, sp_colbatch *b, const char *buf, size_t len,
                         size_t *consumed, char *errstr, size_t en)
{
    size_t pos = 0;
    int64_t rows = 0;
    char sep = s->o.line_sep ? s->o.line_sep : '\n';
    while (pos < len) {
        const char *nl = memchr(buf + pos, sep, len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        int r = sp_sql_json_scan_line(s, b, buf + pos, end - pos, errstr, en);
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
