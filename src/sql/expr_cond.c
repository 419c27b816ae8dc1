/* expr_cond.c - CASE WHEN, if, coalesce, nvl, nullif, greatest and least.
 * Each branch is evaluated only for the rows that reach it (Spark's
 * conditionals are lazy: CASE WHEN b <> 0 THEN a / b END raises nothing in
 * ANSI mode), then every row is copied from the column it picked in one
 * pass. greatest/least skip NULLs (NULL only when all are). Any thread with
 * its own context. */
#include "sql/expr_int.h"

#include <string.h>

/* Copies row r of src (same physical type) into v; varlen rows in order. */
static void copy_row(sp_sql_vec *v, const sp_column *src, int64_t r)
{
    sp_column *c = v->c;
    bool varlen = sp_coltype_is_varlen(c->type);
    if (!src || !sp_column_valid(src, r)) {
        if (varlen)
            sp_sql_vec_str_null(v, r);
        else
            sp_sql_vec_null(v, r);
        return;
    }
    switch (c->type) {
    case SP_COL_BOOL:
        sp_column_set_bool(c, r, sp_column_get_bool(src, r));
        break;
    case SP_COL_I8:
        sp_column_i8(c)[r] = sp_column_i8(src)[r];
        break;
    case SP_COL_I16:
        sp_column_i16(c)[r] = sp_column_i16(src)[r];
        break;
    case SP_COL_I32:
    case SP_COL_DATE32:
        sp_column_i32(c)[r] = sp_column_i32(src)[r];
        break;
    case SP_COL_F32:
        sp_column_f32(c)[r] = sp_column_f32(src)[r];
        break;
    case SP_COL_DECIMAL128:
        sp_sql_col_set_dec(c, r, sp_sql_col_dec(src, r));
        break;
    case SP_COL_UTF8:
    case SP_COL_BINARY: {
        size_t n;
        const char *s = sp_sql_col_str(src, r, &n);
        sp_sql_vec_str(v, s, n);
        break;
    }
    default:
        sp_column_i64(c)[r] = sp_column_i64(src)[r];
    }
}

/* The result: row r from cols[pick[r]] (-1: NULL). */
static sp_column *gather(const sp_sql_expr *e, int64_t n, sp_column **cols, const int16_t *pick,
                         sp_sql_eval_ctx *ctx)
{
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, n, &v);
    for (int64_t r = 0; r < n; r++)
        copy_row(&v, pick[r] >= 0 ? cols[pick[r]] : NULL, r);
    return sp_sql_vec_done(&v);
}

typedef struct cond_state {
    const sp_colbatch *in;
    sp_sql_eval_ctx *ctx;
    uint8_t *open; /* rows not decided yet */
    int16_t *pick;
    sp_column **cols;
    size_t nb;
} cond_state;

static bool cond_init(cond_state *s, const sp_sql_expr *e, const sp_colbatch *in,
                      sp_sql_eval_ctx *ctx)
{
    s->in = in;
    s->ctx = ctx;
    s->nb = (size_t)(in->length + 7) / 8;
    s->open = spate_arena_alloc(ctx->arena, s->nb ? s->nb : 1);
    memset(s->open, 0xff, s->nb ? s->nb : 1);
    s->pick = spate_arena_alloc(ctx->arena, sizeof(int16_t) * (size_t)(in->length + 1));
    for (int64_t r = 0; r < in->length; r++)
        s->pick[r] = -1;
    s->cols = spate_arena_alloc(ctx->arena, sizeof(sp_column *) * (size_t)(e->nchildren + 1));
    return true;
}

/* Value k for the open rows where cond (may be NULL: all open rows) is
 * TRUE; those rows close. */
static bool take(cond_state *s, const sp_column *cond, const sp_sql_expr *val, int k)
{
    uint8_t *hit = spate_arena_alloc(s->ctx->arena, s->nb ? s->nb : 1);
    for (size_t i = 0; i < s->nb; i++) {
        uint8_t t = cond ? (uint8_t)(((const uint8_t *)cond->values)[i] &
                                     (cond->validity ? cond->validity[i] : 0xff))
                         : 0xff;
        hit[i] = (uint8_t)(t & s->open[i]);
        s->open[i] = (uint8_t)(s->open[i] & ~hit[i]);
    }
    if (!(s->cols[k] = sp_sql_eval_masked(val, s->in, s->ctx, hit))) return false;
    for (int64_t r = 0; r < s->in->length; r++)
        if ((hit[r >> 3] >> (r & 7)) & 1) s->pick[r] = (int16_t)k;
    return true;
}

static sp_column *eval_case(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    cond_state s;
    cond_init(&s, e, in, ctx);
    int i = 0;
    for (; i + 1 < e->nchildren; i += 2) {
        sp_column *c = sp_sql_eval_masked(e->children[i], in, ctx, s.open);
        if (!c || !take(&s, c, e->children[i + 1], i + 1)) return NULL;
    }
    if (i < e->nchildren && !take(&s, NULL, e->children[i], i)) return NULL;
    return gather(e, in->length, s.cols, s.pick, ctx);
}

/* if(c, a, b): CASE WHEN c THEN a ELSE b END. */
static sp_column *eval_if(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    cond_state s;
    cond_init(&s, e, in, ctx);
    sp_column *c = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!c || !take(&s, c, e->children[1], 1) || !take(&s, NULL, e->children[2], 2)) return NULL;
    return gather(e, in->length, s.cols, s.pick, ctx);
}

/* coalesce / nvl: each argument for the rows still NULL. */
static sp_column *eval_coalesce(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    cond_state s;
    cond_init(&s, e, in, ctx);
    for (int k = 0; k < e->nchildren; k++) {
        sp_column *c = sp_sql_eval_masked(e->children[k], in, ctx, s.open);
        if (!c) return NULL;
        s.cols[k] = c;
        for (int64_t r = 0; r < in->length; r++)
            if (((s.open[r >> 3] >> (r & 7)) & 1) && sp_column_valid(c, r)) {
                s.pick[r] = (int16_t)k;
                s.open[r >> 3] = (uint8_t)(s.open[r >> 3] & ~(1u << (r & 7)));
            }
    }
    return gather(e, in->length, s.cols, s.pick, ctx);
}

/* nullif(a, b): NULL where a = b, else a; greatest/least: the largest or
 * smallest non-null argument. */
static sp_column *eval_pick(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    cond_state s;
    cond_init(&s, e, in, ctx);
    for (int k = 0; k < e->nchildren; k++)
        if (!(s.cols[k] = sp_sql_expr_eval(e->children[k], in, ctx))) return NULL;
    bool greatest = e->op == SP_SQL_F_GREATEST;
    for (int64_t r = 0; r < in->length; r++) {
        if (e->op == SP_SQL_F_NULLIF) {
            bool eq = sp_column_valid(s.cols[0], r) && sp_column_valid(s.cols[1], r) &&
                      sp_sql_cmp_rows(s.cols[0], r, s.cols[1], r) == 0;
            s.pick[r] = eq ? -1 : 0;
            continue;
        }
        int best = -1;
        for (int k = 0; k < e->nchildren; k++) {
            if (!sp_column_valid(s.cols[k], r)) continue;
            int c = best < 0 ? 1 : sp_sql_cmp_rows(s.cols[k], r, s.cols[best], r);
            if (best < 0 || (greatest ? c > 0 : c < 0)) best = k;
        }
        s.pick[r] = (int16_t)best;
    }
    return gather(e, in->length, s.cols, s.pick, ctx);
}

sp_column *sp_sql_eval_cond(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    if (e->kind == SP_SQL_E_CASE) return eval_case(e, in, ctx);
    switch ((sp_sql_func)e->op) {
    case SP_SQL_F_IF:
        return eval_if(e, in, ctx);
    case SP_SQL_F_COALESCE:
    case SP_SQL_F_NVL:
        return eval_coalesce(e, in, ctx);
    default:
        return eval_pick(e, in, ctx);
    }
}
