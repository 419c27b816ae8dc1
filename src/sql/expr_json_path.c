/* expr_json_path.c - get_json_object(json, path) as Spark's
 * GetJsonObject: path `$` followed by `.name`, `['name']` or `[index]`
 * steps; the value found is returned as text: a string without its quotes
 * (escapes resolved), anything else as its JSON without white space; a JSON
 * null, a step that matches nothing, invalid JSON or an invalid path give
 * NULL. Wildcards (`[*]`, `.*`) are not supported and give NULL. Any
 * thread, with its own context. */
#include "sql/expr_json_int.h"

#include "base/arena.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct step {
    const char *name; /* member name (NULL: an index) */
    size_t len;
    long index;
} step;

typedef struct jpath {
    step *steps;
    int n;
    bool ok;
} jpath;

/* Parses path (its text p[0..n)) into steps made in a. */
static jpath parse_path(const char *p, size_t n, spate_arena *a)
{
    jpath jp = {spate_arena_alloc(a, sizeof(step) * (n + 1)), 0, false};
    if (!n || p[0] != '$') return jp;
    for (size_t i = 1; i < n;) {
        step *s = &jp.steps[jp.n++];
        if (p[i] == '.') {
            size_t b = ++i;
            while (i < n && p[i] != '.' && p[i] != '[')
                i++;
            if (i == b || (i - b == 1 && p[b] == '*')) return jp;
            *s = (step){p + b, i - b, 0};
        } else if (p[i] == '[' && i + 1 < n && p[i + 1] == '\'') {
            size_t b = i + 2, e = b;
            while (e < n && p[e] != '\'')
                e++;
            if (e + 1 >= n || p[e + 1] != ']') return jp;
            *s = (step){p + b, e - b, 0};
            i = e + 2;
        } else if (p[i] == '[') {
            char *end;
            long v = strtol(p + i + 1, &end, 10);
            if (end == p + i + 1 || (size_t)(end - p) >= n || *end != ']' || v < 0) return jp;
            *s = (step){NULL, 0, v};
            i = (size_t)(end - p) + 1;
        } else {
            return jp;
        }
    }
    jp.ok = true;
    return jp;
}

static const char *ws(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p;
}

/* The end of the string starting at p (its opening quote), or NULL. */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* The end of the value at p, or NULL when it is not JSON. */
static const char *skip_value(const char *p, const char *end, int depth)
{
    p = ws(p, end);
    if (p == end || depth > 1000) return NULL;
    if (*p == '"') return skip_string(p, end);
    if (*p != '{' && *p != '[') {
        const char *b = p;
        while (p < end && (isalnum((unsigned char)*p) || strchr("+-.", *p)))
            p++;
        return p > b ? p : NULL;
    }
    char close = *p == '{' ? '}' : ']';
    p = ws(p + 1, end);
    if (p < end && *p == close) return p + 1;
    for (;;) {
        if (close == '}') {
            if (p == end || *p != '"' || !(p = skip_string(p, end))) return NULL;
            p = ws(p, end);
            if (p == end || *p++ != ':') return NULL;
        }
        if (!(p = skip_value(p, end, depth + 1))) return NULL;
        p = ws(p, end);
        if (p < end && *p == ',') {
            p = ws(p + 1, end);
            continue;
        }
        return p < end && *p == close ? p + 1 : NULL;
    }
}

/* Whether the quoted key at k (its opening quote) is name. */
static bool key_is(const char *k, const char *kend, const step *s)
{
    return (size_t)(kend - k - 2) == s->len && !memcmp(k + 1, s->name, s->len);
}

/* The value that step s selects in the container at p, or NULL. */
static const char *select_step(const char *p, const char *end, const step *s)
{
    p = ws(p, end);
    if (p == end || *p != (s->name ? '{' : '[')) return NULL;
    p = ws(p + 1, end);
    for (long i = 0; p < end && *p != '}' && *p != ']'; i++) {
        const char *kend = NULL;
        if (s->name) {
            if (*p != '"' || !(kend = skip_string(p, end))) return NULL;
            const char *colon = ws(kend, end);
            if (colon == end || *colon != ':') return NULL;
            if (key_is(p, kend, s)) return ws(colon + 1, end);
            p = colon + 1;
        } else if (i == s->index) {
            return p;
        }
        if (!(p = skip_value(p, end, 0))) return NULL;
        p = ws(p, end);
        if (p < end && *p == ',') p = ws(p + 1, end);
    }
    return NULL;
}

/* Appends the value [p, e) to v as get_json_object returns it. */
static void emit(sp_sql_vec *v, int64_t r, const char *p, const char *e, spate_arena *a)
{
    if (e - p == 4 && !memcmp(p, "null", 4)) {
        sp_sql_vec_str_null(v, r);
        return;
    }
    char *out = spate_arena_alloc(a, (size_t)(e - p) + 1);
    size_t n = 0;
    bool str = *p == '"';
    for (const char *q = p + str; q < e - str; q++) {
        if (str && *q == '\\' && q + 1 < e) {
            char c = *++q;
            out[n++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
        } else if (!str && *q == '"') {
            const char *s = skip_string(q, e);
            memcpy(out + n, q, (size_t)(s - q));
            n += (size_t)(s - q);
            q = s - 1;
        } else if (str || !isspace((unsigned char)*q)) {
            out[n++] = *q;
        }
    }
    sp_sql_vec_str(v, out, n);
}

/* The value path selects in the document s[0..n), or NULL. */
static const char *find(const jpath *jp, const char *s, size_t n, const char **vend)
{
    const char *end = s + n, *p = ws(s, end);
    if (!skip_value(p, end, 0) || ws(skip_value(p, end, 0), end) != end) return NULL;
    for (int i = 0; i < jp->n && p; i++)
        p = select_step(p, end, &jp->steps[i]);
    if (!p || !(*vend = skip_value(p, end, 0))) return NULL;
    return p;
}

static const char *cell(const sp_column *c, int64_t r, size_t *n)
{
    *n = (size_t)(c->offsets[r + 1] - c->offsets[r]);
    return c->chars + c->offsets[r];
}

sp_column *sp_sql_eval_json_path(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx), *y;
    if (!x || !(y = sp_sql_expr_eval(e->children[1], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    bool constant = e->children[1]->kind == SP_SQL_E_LITERAL;
    jpath jp = {0};
    for (int64_t r = 0; r < in->length; r++) {
        size_t n, pn;
        if (!sp_column_valid(x, r) || !sp_column_valid(y, r)) {
            sp_sql_vec_str_null(&v, r);
            continue;
        }
        if (!constant || !jp.steps) {
            const char *path = cell(y, r, &pn);
            jp = parse_path(path, pn, ctx->arena);
        }
        const char *doc = cell(x, r, &n), *vend = NULL;
        const char *p = jp.ok ? find(&jp, doc, n, &vend) : NULL;
        if (p)
            emit(&v, r, p, vend, ctx->arena);
        else
            sp_sql_vec_str_null(&v, r);
    }
    return sp_sql_vec_done(&v);
}
