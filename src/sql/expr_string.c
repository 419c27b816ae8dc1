/* expr_string.c - length (characters), upper, lower (ASCII letters only for
 * now), trim/ltrim/rtrim (spaces, as Spark's default), substring (1-based;
 * negative positions count from the end; UTF8String.substringSQL), concat
 * (NULL if any argument is), concat_ws (skips NULLs), instr (1-based, 0 if
 * absent), lpad/rpad, replace. Results go into the output column's arena; nothing is
 * allocated per row. Any thread with its own context. */
#include "sql/expr_int.h"

#include <string.h>

/* Byte offset of character k of s (n bytes); n if past the end. */
static size_t char_off(const char *s, size_t n, int64_t k)
{
    size_t i = 0;
    for (; i < n && k > 0; k--)
        for (i++; i < n && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
            ;
    return i;
}

static int64_t nchars(const char *s, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

typedef struct sargs {
    sp_column **c;
    int n;
} sargs;

static const char *arg_str(const sargs *a, int k, int64_t r, size_t *n)
{
    return sp_sql_col_str(a->c[k], r, n);
}

/* Appends n bytes of p to the last row appended to v. */
static void extend(sp_sql_vec *v, const char *p, size_t n)
{
    sp_column *c = v->c;
    int64_t row = c->str_rows - 1;
    int32_t start = c->offsets[row];
    c->offsets[row] = c->offsets[row + 1];
    c->str_rows--;
    sp_column_append_bytes(v->b, 0, p, n);
    c->offsets[row] = start;
}

/* Appends pad repeated to fill `fill` characters to the last row. */
static void put_pad(sp_sql_vec *v, const char *pad, size_t pn, int64_t fill)
{
    int64_t pc = nchars(pad, pn);
    while (fill > 0) {
        int64_t k = fill < pc ? fill : pc;
        extend(v, pad, char_off(pad, pn, k));
        fill -= k;
    }
}

/* replace(str, search[, replace]): every occurrence of search, left to
 * right, by replace ('' by default); an empty search leaves str as it is
 * (UTF8String.replace). */
static void replace_row(const sargs *a, const char *s, size_t n, int64_t r, sp_sql_vec *v)
{
    size_t sn, rn = 0;
    const char *search = arg_str(a, 1, r, &sn), *rep = "";
    if (a->n > 2) rep = arg_str(a, 2, r, &rn);
    if (sn == 0) return sp_sql_vec_str(v, s, n);
    sp_sql_vec_str(v, "", 0);
    const char *p = s, *end = s + n, *hit;
    while ((hit = memmem(p, (size_t)(end - p), search, sn))) {
        extend(v, p, (size_t)(hit - p));
        extend(v, rep, rn);
        p = hit + sn;
    }
    extend(v, p, (size_t)(end - p));
}

static void string_row(const sp_sql_expr *e, const sargs *a, int64_t r, sp_sql_vec *v)
{
    size_t n, m;
    const char *s = arg_str(a, 0, r, &n);
    switch (e->op) {
    case SP_SQL_F_UPPER:
    case SP_SQL_F_LOWER: {
        sp_sql_vec_str(v, s, n);
        char *o = v->c->chars + v->c->offsets[r];
        for (size_t i = 0; i < n; i++) {
            char ch = o[i];
            if (e->op == SP_SQL_F_UPPER && ch >= 'a' && ch <= 'z') o[i] = (char)(ch - 32);
            if (e->op == SP_SQL_F_LOWER && ch >= 'A' && ch <= 'Z') o[i] = (char)(ch + 32);
        }
        return;
    }
    case SP_SQL_F_TRIM:
    case SP_SQL_F_LTRIM:
    case SP_SQL_F_RTRIM:
        while (e->op != SP_SQL_F_RTRIM && n && *s == ' ')
            s++, n--;
        while (e->op != SP_SQL_F_LTRIM && n && s[n - 1] == ' ')
            n--;
        return sp_sql_vec_str(v, s, n);
    case SP_SQL_F_SUBSTRING: {
        int64_t len = nchars(s, n), pos = sp_sql_col_int(a->c[1], r);
        int64_t cnt = a->n > 2 ? sp_sql_col_int(a->c[2], r) : INT32_MAX;
        int64_t start = pos > 0 ? pos - 1 : pos < 0 ? len + pos : 0, end = start + cnt;
        if (start < 0) start = 0;
        if (start >= end) return sp_sql_vec_str(v, "", 0);
        size_t b0 = char_off(s, n, start), b1 = char_off(s, n, end);
        return sp_sql_vec_str(v, s + b0, b1 - b0);
    }
    case SP_SQL_F_CONCAT:
    case SP_SQL_F_CONCAT_WS: {
        bool ws = e->op == SP_SQL_F_CONCAT_WS, first = true;
        sp_sql_vec_str(v, "", 0);
        for (int k = ws ? 1 : 0; k < a->n; k++) {
            if (!sp_column_valid(a->c[k], r)) continue;
            const char *p = arg_str(a, k, r, &m);
            if (ws && !first) extend(v, s, n);
            extend(v, p, m);
            first = false;
        }
        return;
    }
    case SP_SQL_F_LPAD:
    case SP_SQL_F_RPAD: {
        int64_t want = sp_sql_col_int(a->c[1], r), have = nchars(s, n);
        const char *pad = " ";
        size_t pn = 1;
        if (a->n > 2) pad = arg_str(a, 2, r, &pn);
        if (want <= 0) return sp_sql_vec_str(v, "", 0);
        if (have >= want || pn == 0) return sp_sql_vec_str(v, s, char_off(s, n, want));
        sp_sql_vec_str(v, e->op == SP_SQL_F_RPAD ? s : "", e->op == SP_SQL_F_RPAD ? n : 0);
        put_pad(v, pad, pn, want - have);
        if (e->op == SP_SQL_F_LPAD) extend(v, s, n);
        return;
    }
    case SP_SQL_F_REPLACE:
        return replace_row(a, s, n, r, v);
    }
}

static void int_row(const sp_sql_expr *e, const sargs *a, int64_t r, sp_sql_vec *v)
{
    size_t n, m;
    const char *s = arg_str(a, 0, r, &n);
    if (e->op == SP_SQL_F_LENGTH) {
        sp_column_i32(v->c)[r] = (int32_t)nchars(s, n);
        return;
    }
    const char *t = arg_str(a, 1, r, &m);
    const char *hit = m == 0 ? s : memmem(s, n, t, m);
    sp_column_i32(v->c)[r] = hit ? (int32_t)nchars(s, (size_t)(hit - s)) + 1 : 0;
}

sp_column *sp_sql_eval_string(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sargs a = {spate_arena_alloc(ctx->arena, sizeof(sp_column *) * (size_t)(e->nchildren + 1)),
               e->nchildren};
    for (int k = 0; k < a.n; k++)
        if (!(a.c[k] = sp_sql_expr_eval(e->children[k], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    bool varlen = sp_coltype_is_varlen(v.c->type);
    for (int64_t r = 0; r < v.n; r++) {
        bool null = false;
        for (int k = 0; k < a.n; k++)
            if (!sp_column_valid(a.c[k], r) && !(e->op == SP_SQL_F_CONCAT_WS && k > 0)) null = true;
        if (null) {
            if (varlen)
                sp_sql_vec_str_null(&v, r);
            else
                sp_sql_vec_null(&v, r);
        } else if (varlen) {
            string_row(e, &a, r, &v);
        } else {
            int_row(e, &a, r, &v);
        }
    }
    return sp_sql_vec_done(&v);
}
