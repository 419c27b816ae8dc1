/* expr_math.c - abs, round (HALF_UP), bround (HALF_EVEN), floor and ceil
 * (BIGINT for doubles and integers, DECIMAL(p-s+1,0) for decimals, as Spark
 * 4.0), sqrt and pow (DOUBLE). The scale of round/bround is its second
 * argument's value in row 0 (Spark requires a foldable scale). Any thread
 * with its own context. */
#include "sql/expr_int.h"

#include <math.h>

static int64_t d2l(double d)
{
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

/* Row r of an integral or decimal x rounded to scale (negative: tens). */
static sp_i128 round_dec(sp_i128 v, int from, int scale, int to, bool half_even)
{
    sp_i128 q = v;
    if (scale < from)
        sp_sql_dec_rescale(v, from, scale, half_even, &q);
    else
        scale = from;
    sp_sql_dec_rescale(q, scale, to, half_even, &q);
    return q;
}

static bool math_row(const sp_sql_expr *e, sp_column *x, sp_column *y, int64_t r, sp_sql_vec *v,
                     int scale, sp_sql_eval_ctx *ctx)
{
    sp_column *o = v->c;
    int fn = e->op;
    bool half_even = fn == SP_SQL_F_BROUND, dbl = x->type == SP_COL_F64 || x->type == SP_COL_F32;
    if (fn == SP_SQL_F_SQRT || fn == SP_SQL_F_POW) {
        double a = sp_sql_col_double(x, r);
        sp_column_f64(o)[r] = fn == SP_SQL_F_SQRT ? sqrt(a) : pow(a, sp_sql_col_double(y, r));
    } else if (dbl) {
        double a = sp_sql_col_double(x, r), res;
        if (fn == SP_SQL_F_FLOOR || fn == SP_SQL_F_CEIL) {
            sp_column_i64(o)[r] = d2l(fn == SP_SQL_F_FLOOR ? floor(a) : ceil(a));
            return true;
        }
        res = fn == SP_SQL_F_ABS ? fabs(a) : sp_sql_round_double(a, scale, half_even);
        if (o->type == SP_COL_F32)
            sp_column_f32(o)[r] = (float)res;
        else
            sp_column_f64(o)[r] = res;
    } else if (x->type == SP_COL_DECIMAL128) {
        sp_i128 a = sp_sql_col_dec(x, r), res;
        if (fn == SP_SQL_F_ABS)
            res = a < 0 ? -a : a;
        else if (fn == SP_SQL_F_FLOOR || fn == SP_SQL_F_CEIL) {
            sp_i128 p = sp_sql_pow10(x->scale), q = a / p;
            if (a % p && (a < 0) == (fn == SP_SQL_F_FLOOR)) q += fn == SP_SQL_F_FLOOR ? -1 : 1;
            res = q;
        } else
            res = round_dec(a, x->scale, scale, o->scale, half_even);
        if (o->type == SP_COL_I64)
            sp_column_i64(o)[r] = (int64_t)res;
        else
            sp_sql_col_set_dec(o, r, res);
    } else {
        int64_t a = sp_sql_col_int(x, r), res = a;
        if (fn == SP_SQL_F_ABS) {
            int64_t lo = x->type == SP_COL_I64   ? INT64_MIN
                         : x->type == SP_COL_I32 ? INT32_MIN
                         : x->type == SP_COL_I16 ? INT16_MIN
                                                 : INT8_MIN;
            if (a == lo && ctx->ansi) {
                const char *m = x->type == SP_COL_I64 ? "long overflow" : "integer overflow";
                if (sp_sql_raise_overflow(ctx, r, m, NULL)) return false;
            }
            res = a == lo ? a : (a < 0 ? -a : a);
        } else if (fn == SP_SQL_F_ROUND || fn == SP_SQL_F_BROUND) {
            res = (int64_t)round_dec(a, 0, scale, 0, half_even);
        }
        switch (o->type) {
        case SP_COL_I8:
            sp_column_i8(o)[r] = (int8_t)res;
            break;
        case SP_COL_I16:
            sp_column_i16(o)[r] = (int16_t)res;
            break;
        case SP_COL_I32:
            sp_column_i32(o)[r] = (int32_t)res;
            break;
        default:
            sp_column_i64(o)[r] = res;
        }
    }
    return true;
}

sp_column *sp_sql_eval_math(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx), *y = NULL;
    if (!x) return NULL;
    if (e->nchildren > 1 && !(y = sp_sql_expr_eval(e->children[1], in, ctx))) return NULL;
    int scale = 0;
    if (y && e->op != SP_SQL_F_POW && in->length > 0 && sp_column_valid(y, 0))
        scale = (int)sp_sql_col_int(y, 0);
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    for (int64_t r = 0; r < v.n; r++) {
        if (!sp_column_valid(x, r) || (y && !sp_column_valid(y, r))) {
            sp_sql_vec_null(&v, r);
            continue;
        }
        if (!math_row(e, x, y, r, &v, scale, ctx)) return NULL;
    }
    return sp_sql_vec_done(&v);
}
