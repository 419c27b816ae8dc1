/* infer_json.c - Spark's JsonInferSchema over every line of the files
 * (infer.h): a small JSON walker gives each value's type, and the types of
 * all lines are merged (compatibleType): numbers widen (BIGINT, DECIMAL,
 * DOUBLE), structs merge their fields by name, arrays their elements,
 * anything else that differs is STRING; then nulls become STRING. */
#include "sql/infer.h"

#include "base/arena.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct walker {
    const char *p, *end;
    spate_arena *a;
    bool strings; /* primitivesAsString */
    int depth;
} walker;

static void skip_ws(walker *w)
{
    while (w->p < w->end && isspace((unsigned char)*w->p))
        w->p++;
}

/* A quoted string (double or single quotes); its text unescaped into a
 * (the \u escapes of the BMP as UTF-8) when out is not NULL. */
static bool string_token(walker *w, const char **out)
{
    char q = *w->p++;
    char *buf = out ? spate_arena_alloc(w->a, (size_t)(w->end - w->p) + 1) : NULL;
    size_t n = 0;
    while (w->p < w->end && *w->p != q) {
        char ch = *w->p++;
        if (ch == '\\' && w->p < w->end) {
            ch = *w->p++;
            if (ch == 'u' && w->end - w->p >= 4) {
                unsigned cp =
                    (unsigned)strtoul((char[5]){w->p[0], w->p[1], w->p[2], w->p[3], 0}, NULL, 16);
                w->p += 4;
                if (buf && cp < 0x80)
                    buf[n++] = (char)cp;
                else if (buf && cp < 0x800)
                    buf[n++] = (char)(0xC0 | cp >> 6), buf[n++] = (char)(0x80 | (cp & 0x3F));
                else if (buf)
                    buf[n++] = (char)(0xE0 | cp >> 12), buf[n++] = (char)(0x80 | (cp >> 6 & 0x3F)),
                    buf[n++] = (char)(0x80 | (cp & 0x3F));
                continue;
            }
            ch = ch == 'n'   ? '\n'
                 : ch == 't' ? '\t'
                 : ch == 'r' ? '\r'
                 : ch == 'b' ? '\b'
                 : ch == 'f' ? '\f'
                             : ch;
        }
        if (buf) buf[n++] = ch;
    }
    if (w->p == w->end) return false;
    w->p++;
    if (buf) buf[n] = 0, *out = buf;
    return true;
}

/* A number's type: integers BIGINT, DECIMAL(digits, 0) past it (DOUBLE past
 * 38 digits), anything with a fraction or exponent DOUBLE. */
static const sp_sql_type *number_type(walker *w)
{
    const char *s = w->p;
    if (*w->p == '-' || *w->p == '+') w->p++;
    int digits = 0;
    bool frac = false;
    for (; w->p < w->end; w->p++) {
        if (isdigit((unsigned char)*w->p))
            digits++;
        else if (strchr(".eE+-", *w->p))
            frac = true;
        else
            break;
    }
    if (w->p == s || !digits) return NULL;
    if (w->strings) return sp_sql_prim(SP_SQL_STRING);
    if (frac || digits > 38) return sp_sql_prim(SP_SQL_DOUBLE);
    if (digits < 19) return sp_sql_prim(SP_SQL_BIGINT);
    char buf[48];
    snprintf(buf, sizeof buf, "%.*s", (int)(w->p - s), s);
    char *end;
    strtoll(buf, &end, 10);
    bool fits = digits == 19 && *end == 0 && strtoll(buf, NULL, 10) != INT64_MAX &&
                strtoll(buf, NULL, 10) != INT64_MIN;
    return fits ? sp_sql_prim(SP_SQL_BIGINT) : sp_sql_decimal(w->a, digits, 0);
}

static const sp_sql_type *value_type(walker *w);

static int cmp_field(const void *x, const void *y)
{
    return strcmp(((const sp_sql_field *)x)->name, ((const sp_sql_field *)y)->name);
}

static const sp_sql_type *merge(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y);

/* STRUCT of two structs' fields, merged by name, sorted. */
static const sp_sql_type *merge_structs(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y)
{
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(x->nfields + y->nfields + 1));
    int n = 0;
    for (int i = 0; i < x->nfields; i++)
        f[n++] = x->fields[i];
    for (int i = 0; i < y->nfields; i++) {
        int k = 0;
        while (k < n && strcmp(f[k].name, y->fields[i].name))
            k++;
        if (k < n)
            f[k].type = merge(a, f[k].type, y->fields[i].type);
        else
            f[n++] = y->fields[i];
    }
    qsort(f, (size_t)n, sizeof *f, cmp_field);
    return sp_sql_struct(a, f, n);
}

static const sp_sql_type *merge(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y)
{
    if (x->id == SP_SQL_NULL) return y;
    if (y->id == SP_SQL_NULL || sp_sql_type_equal_ignore_nullable(x, y)) return x;
    if (x->id == SP_SQL_STRUCT && y->id == SP_SQL_STRUCT) return merge_structs(a, x, y);
    if (x->id == SP_SQL_ARRAY && y->id == SP_SQL_ARRAY)
        return sp_sql_array(a, merge(a, x->elem, y->elem), true);
    if (sp_sql_type_is_numeric(x) && sp_sql_type_is_numeric(y)) {
        if (x->id == SP_SQL_DOUBLE || y->id == SP_SQL_DOUBLE) return sp_sql_prim(SP_SQL_DOUBLE);
        int px = x->id == SP_SQL_DECIMAL ? x->precision : 20;
        int py = y->id == SP_SQL_DECIMAL ? y->precision : 20;
        return sp_sql_decimal(a, px > py ? px : py, 0);
    }
    return sp_sql_prim(SP_SQL_STRING);
}

static const sp_sql_type *object_type(walker *w)
{
    const sp_sql_type *t = sp_sql_struct(w->a, NULL, 0);
    w->p++;
    skip_ws(w);
    if (w->p < w->end && *w->p == '}') return w->p++, t;
    for (;;) {
        skip_ws(w);
        const char *name;
        if (w->p >= w->end || (*w->p != '"' && *w->p != '\'') || !string_token(w, &name))
            return NULL;
        skip_ws(w);
        if (w->p >= w->end || *w->p++ != ':') return NULL;
        const sp_sql_type *v = value_type(w);
        if (!v) return NULL;
        sp_sql_field f = {name, v, true, NULL};
        t = merge_structs(w->a, t, sp_sql_struct(w->a, &f, 1));
        skip_ws(w);
        if (w->p < w->end && *w->p == ',') {
            w->p++;
            continue;
        }
        if (w->p < w->end && *w->p == '}') return w->p++, t;
        return NULL;
    }
}

static const sp_sql_type *array_type(walker *w)
{
    const sp_sql_type *elem = sp_sql_prim(SP_SQL_NULL);
    w->p++;
    skip_ws(w);
    if (w->p < w->end && *w->p == ']') return w->p++, sp_sql_array(w->a, elem, true);
    for (;;) {
        const sp_sql_type *v = value_type(w);
        if (!v) return NULL;
        elem = merge(w->a, elem, v);
        skip_ws(w);
        if (w->p < w->end && *w->p == ',') {
            w->p++;
            continue;
        }
        if (w->p < w->end && *w->p == ']') return w->p++, sp_sql_array(w->a, elem, true);
        return NULL;
    }
}

static bool word(walker *w, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(w->end - w->p) < n || memcmp(w->p, s, n)) return false;
    w->p += n;
    return true;
}

static const sp_sql_type *value_type(walker *w)
{
    skip_ws(w);
    if (w->p >= w->end || ++w->depth > 1000) return NULL;
    const sp_sql_type *t = NULL;
    if (*w->p == '{')
        t = object_type(w);
    else if (*w->p == '[')
        t = array_type(w);
    else if (*w->p == '"' || *w->p == '\'')
        t = string_token(w, NULL) ? sp_sql_prim(SP_SQL_STRING) : NULL;
    else if (word(w, "null"))
        t = sp_sql_prim(SP_SQL_NULL);
    else if (word(w, "true") || word(w, "false"))
        t = sp_sql_prim(w->strings ? SP_SQL_STRING : SP_SQL_BOOLEAN);
    else
        t = number_type(w);
    w->depth--;
    return t;
}

/* Nulls left (a field never seen with a value) become STRING. */
static const sp_sql_type *canonical(spate_arena *a, const sp_sql_type *t)
{
    if (t->id == SP_SQL_NULL) return sp_sql_prim(SP_SQL_STRING);
    if (t->id == SP_SQL_ARRAY) return sp_sql_array(a, canonical(a, t->elem), true);
    if (t->id != SP_SQL_STRUCT) return t;
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(t->nfields + 1));
    for (int i = 0; i < t->nfields; i++) {
        f[i] = t->fields[i];
        f[i].type = canonical(a, f[i].type);
    }
    return sp_sql_struct(a, f, t->nfields);
}

/* Merges the type of each line of buf into *t; *corrupt when a line is
 * not a JSON object. */
static void infer_lines(walker *w, const char *buf, size_t len, const sp_sql_type **t,
                        bool *corrupt)
{
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && buf[e] != '\n')
            e++;
        w->p = buf + i;
        w->end = buf + e;
        skip_ws(w);
        if (w->p < w->end) {
            const sp_sql_type *v = *w->p == '{' ? value_type(w) : NULL;
            if (v) skip_ws(w);
            if (v && w->p == w->end)
                *t = merge(w->a, *t, v);
            else
                *corrupt = true;
        }
        i = e + 1;
    }
}

const sp_sql_type *sp_sql_infer_json(char **files, size_t nfiles, const char *const *keys,
                                     const char *const *vals, int n, spate_arena *a, char *err,
                                     size_t err_size)
{
    walker w = {.a = a};
    const char *corrupt_name = "_corrupt_record";
    for (int i = 0; i < n; i++) {
        if (!strcasecmp(keys[i], "primitivesAsString")) w.strings = !strcasecmp(vals[i], "true");
        if (!strcasecmp(keys[i], "columnNameOfCorruptRecord")) corrupt_name = vals[i];
    }
    const sp_sql_type *t = sp_sql_struct(a, NULL, 0);
    bool corrupt = false;
    for (size_t k = 0; k < nfiles; k++) {
        size_t len = 0;
        char *buf = sp_sql_infer_read(files[k], &len);
        if (!buf) continue;
        infer_lines(&w, buf, len, &t, &corrupt);
        free(buf);
    }
    if (!t->nfields && !corrupt) {
        snprintf(err, err_size,
                 "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for JSON. It must be specified "
                 "manually. SQLSTATE: 42KD9");
        return NULL;
    }
    if (corrupt) {
        sp_sql_field f = {corrupt_name, sp_sql_prim(SP_SQL_STRING), true, NULL};
        t = merge_structs(a, t, sp_sql_struct(a, &f, 1));
    }
    return canonical(a, t);
}
