/* expr_eval.c - evaluating a resolved expression over a column batch: the
 * dispatch to the kernel families (expr_*.c), column references, literals,
 * output columns, error raising and the selection vector of a predicate.
 * Any thread, each with its own context. */
#include "sql/expr_int.h"

#include "sql/cast_rules.h"
#include "sql/type_column.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp_sql_eval_ctx_init(sp_sql_eval_ctx *ctx, spate_arena *a, const sp_tz *tz, bool ansi)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->arena = a;
    ctx->tz = tz ? tz : sp_tz_utc();
    ctx->ansi = ansi;
}

void sp_sql_vec_new_spec(sp_sql_eval_ctx *ctx, sp_colspec spec, int64_t n, sp_sql_vec *v)
{
    v->b = sp_colbatch_new_spec(ctx->arena, 1, &spec, NULL, n > 0 ? n : 1);
    v->c = &v->b->cols[0];
    v->n = n;
}

void sp_sql_vec_new(sp_sql_eval_ctx *ctx, const sp_sql_type *t, int64_t n, sp_sql_vec *v)
{
    sp_colspec spec = {.type = SP_COL_BOOL};
    if (!sp_sql_type_column(t, &spec)) spec = (sp_colspec){.type = SP_COL_BOOL};
    sp_sql_vec_new_spec(ctx, spec, n, v);
}

sp_column *sp_sql_vec_done(sp_sql_vec *v)
{
    sp_colbatch_set_length(v->b, v->n);
    return v->c;
}

bool sp_sql_raise(sp_sql_eval_ctx *ctx, int64_t row, const char *cls, const char *state,
                  const char *fmt, ...)
{
    if (!sp_sql_row_active(ctx, row)) return false;
    if (ctx->failed) return true;
    ctx->failed = true;
    snprintf(ctx->error_class, sizeof ctx->error_class, "%s", cls);
    int k = snprintf(ctx->error, sizeof ctx->error, "[%s] ", cls);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(ctx->error + k, sizeof ctx->error - (size_t)k, fmt, ap);
    va_end(ap);
    if (m >= 0 && (size_t)(k + m) < sizeof ctx->error)
        snprintf(ctx->error + k + m, sizeof ctx->error - (size_t)(k + m), " SQLSTATE: %s", state);
    return true;
}

bool sp_sql_raise_overflow(sp_sql_eval_ctx *ctx, int64_t row, const char *msg, const char *hint)
{
    char alt[96] = "";
    if (hint)
        snprintf(alt, sizeof alt, " Use '%s' to tolerate overflow and return NULL instead.", hint);
    return sp_sql_raise(ctx, row, "ARITHMETIC_OVERFLOW", "22003",
                        "%s.%s If necessary set \"%s\" to \"false\" to bypass this error.", msg,
                        alt, SP_SQL_ANSI_CONF);
}

int64_t sp_sql_col_int(const sp_column *c, int64_t row)
{
    switch (c->type) {
    case SP_COL_BOOL:
        return sp_column_get_bool(c, row);
    case SP_COL_I8:
        return sp_column_i8(c)[row];
    case SP_COL_I16:
        return sp_column_i16(c)[row];
    case SP_COL_I32:
    case SP_COL_DATE32:
        return sp_column_i32(c)[row];
    default:
        return sp_column_i64(c)[row];
    }
}

double sp_sql_col_double(const sp_column *c, int64_t row)
{
    switch (c->type) {
    case SP_COL_F32:
        return sp_column_f32(c)[row];
    case SP_COL_F64:
        return sp_column_f64(c)[row];
    case SP_COL_DECIMAL128: {
        char buf[48];
        sp_sql_format_decimal(sp_sql_col_dec(c, row), c->scale, buf);
        return strtod(buf, NULL); /* correctly rounded, as BigDecimal.doubleValue */
    }
    default:
        return (double)sp_sql_col_int(c, row);
    }
}

sp_i128 sp_sql_col_dec(const sp_column *c, int64_t row)
{
    uint64_t lo;
    int64_t hi;
    sp_column_get_decimal128(c, row, &lo, &hi);
    return (sp_i128)(((unsigned __int128)(uint64_t)hi << 64) | lo);
}

void sp_sql_col_set_dec(sp_column *c, int64_t row, sp_i128 v)
{
    sp_column_set_decimal128(c, row, (uint64_t)v, (int64_t)(v >> 64));
}

/* A literal repeated over n rows. */
static sp_column *eval_literal(const sp_sql_expr *e, int64_t n, sp_sql_eval_ctx *ctx)
{
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, n, &v);
    const sp_sql_lit *l = &e->lit;
    sp_column *c = v.c;
    for (int64_t r = 0; r < n; r++) {
        if (l->is_null) {
            if (sp_coltype_is_varlen(c->type)) sp_sql_vec_str(&v, "", 0);
            sp_sql_vec_null(&v, r);
            continue;
        }
        switch (c->type) {
        case SP_COL_BOOL:
            sp_column_set_bool(c, r, l->b);
            break;
        case SP_COL_I8:
            sp_column_i8(c)[r] = (int8_t)l->i;
            break;
        case SP_COL_I16:
            sp_column_i16(c)[r] = (int16_t)l->i;
            break;
        case SP_COL_I32:
        case SP_COL_DATE32:
            sp_column_i32(c)[r] = (int32_t)l->i;
            break;
        case SP_COL_F32:
            sp_column_f32(c)[r] = (float)l->d;
            break;
        case SP_COL_F64:
            sp_column_f64(c)[r] = l->d;
            break;
        case SP_COL_DECIMAL128:
            sp_column_set_decimal128(c, r, l->dec_lo, l->dec_hi);
            break;
        case SP_COL_UTF8:
        case SP_COL_BINARY:
            sp_sql_vec_str(&v, l->str, l->len);
            break;
        default:
            sp_column_i64(c)[r] = l->i;
        }
    }
    return sp_sql_vec_done(&v);
}

static sp_column *eval_null_check(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    bool want_null = e->kind == SP_SQL_E_IS_NULL;
    for (int64_t r = 0; r < in->length; r++)
        sp_column_set_bool(v.c, r, sp_column_valid(x, r) != want_null);
    return sp_sql_vec_done(&v);
}

static sp_column *eval_func(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    switch ((sp_sql_func)e->op) {
    case SP_SQL_F_COALESCE:
    case SP_SQL_F_IF:
    case SP_SQL_F_NVL:
    case SP_SQL_F_NULLIF:
    case SP_SQL_F_GREATEST:
    case SP_SQL_F_LEAST:
        return sp_sql_eval_cond(e, in, ctx);
    case SP_SQL_F_REGEXP_EXTRACT:
    case SP_SQL_F_REGEXP_REPLACE:
        return sp_sql_eval_regexp(e, in, ctx);
    case SP_SQL_F_ABS:
    case SP_SQL_F_ROUND:
    case SP_SQL_F_BROUND:
    case SP_SQL_F_FLOOR:
    case SP_SQL_F_CEIL:
    case SP_SQL_F_SQRT:
    case SP_SQL_F_POW:
        return sp_sql_eval_math(e, in, ctx);
    case SP_SQL_F_YEAR ... SP_SQL_F_TRY_TO_TIMESTAMP:
        return sp_sql_eval_datetime(e, in, ctx);
    case SP_SQL_F_FROM_JSON ... SP_SQL_F_GET_JSON_OBJECT:
        return sp_sql_eval_json(e, in, ctx);
    case SP_SQL_F_SPLIT ... SP_SQL_F_ARRAY_CONTAINS:
        return sp_sql_eval_nested(e, in, ctx);
    case SP_SQL_F_WINDOW_START ... SP_SQL_F_TS_ADD_INTERVAL:
        return sp_sql_eval_window(e, in, ctx);
    default:
        return sp_sql_eval_string(e, in, ctx);
    }
}

sp_column *sp_sql_expr_eval(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    if (ctx->failed) return NULL;
    switch (e->kind) {
    case SP_SQL_E_COLUMN:
        return (e->ordinal >= 0 && e->ordinal < in->ncols) ? &in->cols[e->ordinal] : NULL;
    case SP_SQL_E_LITERAL:
        return eval_literal(e, in->length, ctx);
    case SP_SQL_E_CAST:
        return sp_sql_eval_cast(e, in, ctx);
    case SP_SQL_E_NEG:
        return sp_sql_eval_neg(e, in, ctx);
    case SP_SQL_E_ARITH:
        return sp_sql_eval_arith(e, in, ctx);
    case SP_SQL_E_CMP:
        return sp_sql_eval_cmp(e, in, ctx);
    case SP_SQL_E_IN:
        return sp_sql_eval_in(e, in, ctx);
    case SP_SQL_E_AND:
    case SP_SQL_E_OR:
    case SP_SQL_E_NOT:
        return sp_sql_eval_logic(e, in, ctx);
    case SP_SQL_E_IS_NULL:
    case SP_SQL_E_IS_NOT_NULL:
        return eval_null_check(e, in, ctx);
    case SP_SQL_E_CASE:
        return sp_sql_eval_cond(e, in, ctx);
    case SP_SQL_E_LIKE:
        return sp_sql_eval_like(e, in, ctx);
    case SP_SQL_E_RLIKE:
        return sp_sql_eval_regexp(e, in, ctx);
    case SP_SQL_E_FUNC:
        return eval_func(e, in, ctx);
    }
    return NULL;
}

sp_column *sp_sql_eval_masked(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx,
                              const uint8_t *mask)
{
    const uint8_t *saved = ctx->active;
    size_t nb = (size_t)(in->length + 7) / 8;
    uint8_t *m = spate_arena_alloc(ctx->arena, nb ? nb : 1);
    for (size_t i = 0; i < nb; i++)
        m[i] = (uint8_t)(mask[i] & (saved ? saved[i] : 0xff));
    ctx->active = m;
    sp_column *c = sp_sql_expr_eval(e, in, ctx);
    ctx->active = saved;
    return c;
}

int32_t *sp_sql_expr_select(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx,
                            int64_t *n)
{
    *n = 0;
    sp_column *c = sp_sql_expr_eval(e, in, ctx);
    if (!c) return NULL;
    int32_t *sel = spate_arena_alloc(ctx->arena, sizeof(int32_t) * (size_t)(in->length + 1));
    const uint8_t *bits = c->values, *valid = c->validity;
    int64_t k = 0;
    for (int64_t r = 0; r < in->length; r++) {
        uint8_t m = (uint8_t)(bits[r >> 3] & (valid ? valid[r >> 3] : 0xff));
        sel[k] = (int32_t)r;
        k += (m >> (r & 7)) & 1;
    }
    *n = k;
    return sel;
}
