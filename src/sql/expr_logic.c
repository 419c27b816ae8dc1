/* expr_logic.c - AND, OR and NOT with SQL's three-valued logic:
 * NULL AND FALSE = FALSE, NULL AND TRUE = NULL, NULL OR TRUE = TRUE,
 * NULL OR FALSE = NULL, NOT NULL = NULL. The right side is evaluated only
 * for the rows the left side does not decide (Spark short-circuits: FALSE
 * AND 1/0 is FALSE in ANSI mode), word by word over the bitmaps. Any thread
 * with its own context. */
#include "sql/expr_int.h"

#include <string.h>

/* Byte i of c's validity (all valid without a bitmap). */
static inline uint8_t valid_byte(const sp_column *c, size_t i)
{
    return c->validity ? c->validity[i] : 0xff;
}

static sp_column *eval_not(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    size_t nb = (size_t)(v.n + 7) / 8;
    const uint8_t *a = x->values;
    uint8_t *o = v.c->values;
    for (size_t i = 0; i < nb; i++)
        o[i] = (uint8_t)~a[i];
    for (int64_t r = 0; x->validity && r < v.n; r++)
        if (!sp_column_valid(x, r)) sp_sql_vec_null(&v, r);
    return sp_sql_vec_done(&v);
}

sp_column *sp_sql_eval_logic(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    if (e->kind == SP_SQL_E_NOT) return eval_not(e, in, ctx);
    bool is_and = e->kind == SP_SQL_E_AND;
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    size_t nb = (size_t)(in->length + 7) / 8;
    /* The rows the left side leaves open: AND where not FALSE, OR where
     * not TRUE. */
    uint8_t *open = spate_arena_alloc(ctx->arena, nb ? nb : 1);
    const uint8_t *xv = x->values;
    for (size_t i = 0; i < nb; i++) {
        uint8_t known = valid_byte(x, i);
        open[i] = (uint8_t)(is_and ? ~(known & ~xv[i]) : ~(known & xv[i]));
    }
    sp_column *y = sp_sql_eval_masked(e->children[1], in, ctx, open);
    if (!y) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    const uint8_t *yv = y->values;
    uint8_t *o = v.c->values;
    for (size_t i = 0; i < nb; i++) {
        uint8_t xk = valid_byte(x, i), yk = valid_byte(y, i);
        uint8_t xt = xk & xv[i], xf = xk & (uint8_t)~xv[i];
        uint8_t yt = yk & yv[i], yf = yk & (uint8_t)~yv[i];
        uint8_t val, known;
        if (is_and) {
            val = xt & yt;
            known = xf | yf | (xt & yt);
        } else {
            val = xt | yt;
            known = xt | yt | (xf & yf);
        }
        o[i] = val;
        for (int b = 0; b < 8 && (int64_t)(i * 8 + (size_t)b) < v.n; b++)
            if (!((known >> b) & 1)) sp_sql_vec_null(&v, (int64_t)(i * 8 + (size_t)b));
    }
    return sp_sql_vec_done(&v);
}
