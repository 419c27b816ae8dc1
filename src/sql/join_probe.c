/* join_probe.c - the probe step of a join (join.h): a probe batch's rows
 * are looked up in the build table a slice at a time (so that a many-match
 * or keyless join never holds more than about SLICE_PAIRS candidate pairs),
 * the candidates gathered into one batch, the residual condition applied,
 * then the join type: inner keeps the pairs, left outer adds each probe row
 * without a pair against the build's null row, semi and anti keep the
 * probe rows with and without a pair. Output rows follow the probe rows'
 * order, and each row's matches the build rows' order. Any thread, with
 * its own context. */
#include "sql/join_int.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

enum { SLICE_PAIRS = 1 << 16 };

typedef struct pairs {
    int32_t *p, *b; /* probe row, build row */
    int64_t n, cap;
} pairs;

static void push(pairs *v, int32_t p, int32_t b)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 1024;
        v->p = realloc(v->p, sizeof *v->p * (size_t)v->cap);
        v->b = realloc(v->b, sizeof *v->b * (size_t)v->cap);
        if (!v->p || !v->b) abort();
    }
    v->p[v->n] = p;
    v->b[v->n++] = b;
}

/* Appends row r's candidate pairs: every build row when there is no key. */
static void candidates(const sp_join_table *t, const sp_column *const *keys, int32_t r, pairs *v)
{
    if (!t->nkeys) {
        for (int32_t b = 0; b < t->null_row; b++)
            push(v, r, b);
        return;
    }
    bool has_null;
    uint64_t h = sp_join_row_hash(keys, t->null_safe, t->nkeys, r, &has_null);
    if (has_null) return;
    const sp_column *const *bk = (const sp_column *const *)t->keys;
    for (int32_t b = t->head[h & t->mask]; b >= 0; b = t->next[b])
        if (sp_join_keys_equal(keys, r, bk, b, t->nkeys)) push(v, r, b);
}

/* The pairs as one batch in the join's column order (left's, right's). */
static sp_colbatch *gather(const sp_join_spec *s, const sp_join_table *t, const sp_colbatch *b,
                           const pairs *v, spate_arena *a)
{
    sp_colbatch *pb = sp_colbatch_take(b, v->p, v->n, a);
    sp_colbatch *bb = sp_colbatch_take(t->rows, v->b, v->n, a);
    const sp_colbatch *l = s->probe_is_left ? pb : bb, *r = s->probe_is_left ? bb : pb;
    int n = l->ncols + r->ncols;
    const sp_column **cols = spate_arena_alloc(a, sizeof *cols * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        cols[i] = i < l->ncols ? &l->cols[i] : &r->cols[i - l->ncols];
    return sp_colbatch_view(a, v->n, n, cols, s->names);
}

/* Keeps the pairs where the residual condition is TRUE. */
static bool apply_residual(const sp_join_spec *s, const sp_join_table *t, const sp_colbatch *b,
                           pairs *v, sp_sql_eval_ctx *ctx)
{
    if (!s->residual || !v->n) return true;
    int64_t n = 0;
    int32_t *sel = sp_sql_expr_select(s->residual, gather(s, t, b, v, ctx->arena), ctx, &n);
    if (!sel) return false;
    for (int64_t i = 0; i < n; i++) {
        v->p[i] = v->p[sel[i]];
        v->b[i] = v->b[sel[i]];
    }
    v->n = n;
    return true;
}

/* Left outer: the pairs (sorted by probe row) with each probe row of
 * [from, to) that has none paired with the null row. */
static void add_unmatched(const sp_join_table *t, const pairs *v, int32_t from, int32_t to,
                          pairs *out)
{
    int64_t i = 0;
    for (int32_t r = from; r < to; r++) {
        if (i == v->n || v->p[i] != r) push(out, r, t->null_row);
        for (; i < v->n && v->p[i] == r; i++)
            push(out, r, v->b[i]);
    }
}

/* Semi (keep) or anti (!keep): the probe rows of [from, to) with a pair. */
static sp_colbatch *semi_rows(const sp_colbatch *b, const pairs *v, int32_t from, int32_t to,
                              bool keep, spate_arena *a)
{
    int32_t *rows = spate_arena_alloc(a, sizeof *rows * (size_t)(to - from + 1));
    int64_t n = 0, i = 0;
    for (int32_t r = from; r < to; r++) {
        bool paired = i < v->n && v->p[i] == r;
        for (; i < v->n && v->p[i] == r; i++) {
        }
        if (paired == keep) rows[n++] = r;
    }
    return sp_colbatch_take(b, rows, n, a);
}

/* Joins probe rows [from, to) whose candidates are v. */
static sp_colbatch *join_slice(const sp_join_spec *s, const sp_join_table *t, const sp_colbatch *b,
                               pairs *v, int32_t from, int32_t to, sp_sql_eval_ctx *ctx)
{
    if (!apply_residual(s, t, b, v, ctx)) return NULL;
    switch (s->kind) {
    case SP_JOIN_LEFT_SEMI:
    case SP_JOIN_LEFT_ANTI:
        return semi_rows(b, v, from, to, s->kind == SP_JOIN_LEFT_SEMI, ctx->arena);
    case SP_JOIN_LEFT_OUTER: {
        pairs all = {0};
        add_unmatched(t, v, from, to, &all);
        sp_colbatch *out = gather(s, t, b, &all, ctx->arena);
        free(all.p);
        free(all.b);
        return out;
    }
    default:
        return gather(s, t, b, v, ctx->arena);
    }
}

/* The probe keys of b, evaluated once per batch. */
static const sp_column **probe_keys(const sp_join_spec *s, const sp_colbatch *b,
                                    sp_sql_eval_ctx *ctx)
{
    const sp_column **keys = spate_arena_alloc(ctx->arena, sizeof *keys * (size_t)(s->nkeys + 1));
    for (int k = 0; k < s->nkeys; k++)
        if (!(keys[k] = sp_sql_expr_eval(s->probe_keys[k], b, ctx))) return NULL;
    return keys;
}

typedef struct outputs {
    sp_colbatch **v;
    size_t n, cap;
} outputs;

static void keep(outputs *o, sp_colbatch *b, spate_arena *a)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 4;
        sp_colbatch **v = spate_arena_alloc(a, sizeof *v * cap);
        if (o->n) memcpy(v, o->v, sizeof *v * o->n);
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = b;
}

sp_colbatch *sp_join_probe(const sp_join_spec *s, const sp_join_table *t, sp_colbatch *b,
                           sp_sql_eval_ctx *ctx)
{
    const sp_column **keys = probe_keys(s, b, ctx);
    if (!keys) return NULL;
    outputs out = {0};
    pairs v = {0};
    int32_t from = 0, len = (int32_t)b->length;
    bool ok = true;
    while (ok && (from < len || !out.n)) {
        int32_t to = from;
        v.n = 0;
        while (to < len && v.n < SLICE_PAIRS)
            candidates(t, keys, to++, &v);
        sp_colbatch *o = join_slice(s, t, b, &v, from, to, ctx);
        if ((ok = o != NULL)) keep(&out, o, ctx->arena);
        from = to;
    }
    free(v.p);
    free(v.b);
    if (!ok) return NULL;
    return out.n == 1 ? out.v[0]
                      : sp_colbatch_concat((const sp_colbatch *const *)out.v, out.n, ctx->arena);
}
