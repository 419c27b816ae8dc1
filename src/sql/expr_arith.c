/* expr_arith.c - +, -, *, /, DIV, %, pmod and unary minus over integral,
 * floating and decimal columns, with Spark 4.0's semantics: ANSI mode
 * raises ARITHMETIC_OVERFLOW and DIVIDE_BY_ZERO, otherwise integers wrap
 * and a zero divisor gives NULL; '%' takes the dividend's sign, pmod is
 * never negative; decimals round HALF_UP into the node's DECIMAL(p,s) and
 * overflow to NULL (or NUMERIC_VALUE_OUT_OF_RANGE in ANSI mode). Any thread
 * with its own context. */
#include "sql/expr_int.h"

#include "sql/cast_rules.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *op_symbol[] = {"+", "-", "*", "/", "%", "pmod", "div"};
static const char *op_hint[] = {"try_add", "try_subtract", "try_multiply", "try_divide",
                                "try_mod", "try_pmod",     "try_divide"};

static bool raise_div_zero(sp_sql_eval_ctx *ctx, int64_t r)
{
    return sp_sql_raise(ctx, r, "DIVIDE_BY_ZERO", "22012",
                        "Division by zero. Use `try_divide` to tolerate divisor being 0 and return "
                        "NULL instead. If necessary set \"%s\" to \"false\" to bypass this error.",
                        SP_SQL_ANSI_CONF);
}

/* Spark's overflow error of an integral op: Math.*Exact's messages for
 * INT and BIGINT, BINARY_ARITHMETIC_OVERFLOW for TINYINT and SMALLINT. */
static bool raise_int_overflow(sp_sql_eval_ctx *ctx, int64_t r, int op, sp_coltype t, int64_t a,
                               int64_t b)
{
    if (t == SP_COL_I32 || t == SP_COL_I64) {
        const char *msg = op == SP_SQL_OP_INT_DIV ? "Overflow in integral divide"
                          : t == SP_COL_I32       ? "integer overflow"
                                                  : "long overflow";
        return sp_sql_raise_overflow(ctx, r, msg, op_hint[op]);
    }
    const char *suf = t == SP_COL_I8 ? "Y" : "S";
    return sp_sql_raise(ctx, r, "BINARY_ARITHMETIC_OVERFLOW", "22003",
                        "%lld%s %s %lld%s caused overflow. Use `%s` to ignore overflow problem "
                        "and return NULL.",
                        (long long)a, suf, op_symbol[op], (long long)b, suf, op_hint[op]);
}

/* One integral op on int64 operands; *res wraps as Java does. Returns
 * 0 ok, 1 overflow (of the int64 op itself), 2 division by zero. */
static int int_op(int op, int64_t a, int64_t b, int64_t *res)
{
    switch (op) {
    case SP_SQL_OP_ADD:
        return __builtin_add_overflow(a, b, res);
    case SP_SQL_OP_SUB:
        return __builtin_sub_overflow(a, b, res);
    case SP_SQL_OP_MUL:
        return __builtin_mul_overflow(a, b, res);
    case SP_SQL_OP_INT_DIV:
        if (b == 0) return 2;
        if (a == INT64_MIN && b == -1) return *res = INT64_MIN, 1;
        return *res = a / b, 0;
    default: { /* MOD, PMOD */
        if (b == 0) return 2;
        int64_t m = b == -1 ? 0 : a % b;
        if (op == SP_SQL_OP_PMOD && m < 0)
            m = b == -1 ? 0 : (int64_t)((uint64_t)m + (uint64_t)b) % b;
        return *res = m, 0;
    }
    }
}

static void int_min_max(sp_coltype t, int64_t *lo, int64_t *hi)
{
    int bits = t == SP_COL_I8 ? 8 : t == SP_COL_I16 ? 16 : t == SP_COL_I32 ? 32 : 64;
    *hi = bits == 64 ? INT64_MAX : (INT64_C(1) << (bits - 1)) - 1;
    *lo = -*hi - 1;
}

/* Wraps v to t's width, as Java's narrowing does. */
static int64_t wrap(sp_coltype t, int64_t v)
{
    switch (t) {
    case SP_COL_I8:
        return (int8_t)v;
    case SP_COL_I16:
        return (int16_t)v;
    case SP_COL_I32:
        return (int32_t)v;
    default:
        return v;
    }
}

/* BIGINT + BIGINT and friends: the tight loop of the common case. */
static bool long_add_sub(int op, const sp_column *x, const sp_column *y, sp_sql_vec *v,
                         sp_sql_eval_ctx *ctx)
{
    const int64_t *a = sp_column_i64(x), *b = sp_column_i64(y);
    int64_t *o = sp_column_i64(v->c);
    for (int64_t r = 0; r < v->n; r++) {
        bool ovf = op == SP_SQL_OP_ADD ? __builtin_add_overflow(a[r], b[r], &o[r])
                                       : __builtin_sub_overflow(a[r], b[r], &o[r]);
        if (ovf && ctx->ansi && sp_column_valid(x, r) && sp_column_valid(y, r) &&
            raise_int_overflow(ctx, r, op, SP_COL_I64, a[r], b[r]))
            return false;
    }
    return true;
}

static bool int_loop(int op, const sp_column *x, const sp_column *y, sp_sql_vec *v,
                     sp_sql_eval_ctx *ctx)
{
    sp_coltype t = v->c->type;
    if (t == SP_COL_I64 && (op == SP_SQL_OP_ADD || op == SP_SQL_OP_SUB) && x->type == SP_COL_I64 &&
        y->type == SP_COL_I64)
        return long_add_sub(op, x, y, v, ctx);
    int64_t lo, hi;
    int_min_max(t, &lo, &hi);
    for (int64_t r = 0; r < v->n; r++) {
        if (!sp_column_valid(x, r) || !sp_column_valid(y, r)) continue;
        int64_t a = sp_sql_col_int(x, r), b = sp_sql_col_int(y, r), res = 0;
        int st = int_op(op, a, b, &res);
        if (st == 2) {
            if (ctx->ansi && raise_div_zero(ctx, r)) return false;
            sp_sql_vec_null(v, r);
            continue;
        }
        if (st == 1 || res < lo || res > hi) {
            if (ctx->ansi && raise_int_overflow(ctx, r, op, t, a, b)) return false;
            res = wrap(t, res);
        }
        sp_sql_put_int(v->c, r, res);
    }
    return true;
}

/* DOUBLE + - * DOUBLE: one loop the compiler vectorizes (a NULL row gets
 * a value its validity, already merged, hides). */
static bool f64_loop(int op, const sp_column *x, const sp_column *y, sp_sql_vec *v)
{
    const double *a = sp_column_f64(x), *b = sp_column_f64(y);
    double *o = sp_column_f64(v->c);
    if (op == SP_SQL_OP_ADD)
        for (int64_t r = 0; r < v->n; r++)
            o[r] = a[r] + b[r];
    else if (op == SP_SQL_OP_SUB)
        for (int64_t r = 0; r < v->n; r++)
            o[r] = a[r] - b[r];
    else
        for (int64_t r = 0; r < v->n; r++)
            o[r] = a[r] * b[r];
    return true;
}

static bool float_loop(int op, const sp_column *x, const sp_column *y, sp_sql_vec *v,
                       sp_sql_eval_ctx *ctx)
{
    if (x->type == SP_COL_F64 && y->type == SP_COL_F64 && v->c->type == SP_COL_F64 &&
        (op == SP_SQL_OP_ADD || op == SP_SQL_OP_SUB || op == SP_SQL_OP_MUL))
        return f64_loop(op, x, y, v);
    bool f32 = v->c->type == SP_COL_F32;
    for (int64_t r = 0; r < v->n; r++) {
        if (!sp_column_valid(x, r) || !sp_column_valid(y, r)) continue;
        double a = sp_sql_col_double(x, r), b = sp_sql_col_double(y, r), res;
        if (b == 0 && op != SP_SQL_OP_ADD && op != SP_SQL_OP_SUB && op != SP_SQL_OP_MUL) {
            if (ctx->ansi && raise_div_zero(ctx, r)) return false;
            sp_sql_vec_null(v, r);
            continue;
        }
        switch (op) {
        case SP_SQL_OP_ADD:
            res = a + b;
            break;
        case SP_SQL_OP_SUB:
            res = a - b;
            break;
        case SP_SQL_OP_MUL:
            res = a * b;
            break;
        case SP_SQL_OP_DIV:
            res = a / b;
            break;
        case SP_SQL_OP_MOD:
            res = fmod(a, b);
            break;
        case SP_SQL_OP_PMOD:
            res = fmod(a, b);
            if (res < 0) res = fmod(res + b, b);
            break;
        default: { /* DIV on doubles: Spark casts to BIGINT first */
            double q = trunc(a / b);
            sp_column_i64(v->c)[r] = (int64_t)q;
            continue;
        }
        }
        if (f32)
            sp_column_f32(v->c)[r] = (float)res;
        else
            sp_column_f64(v->c)[r] = res;
    }
    return true;
}

/* Spark's NUMERIC_VALUE_OUT_OF_RANGE for a decimal result that does not fit. */
bool sp_sql_raise_dec_range(sp_sql_eval_ctx *ctx, int64_t r, const char *value, int p, int s)
{
    return sp_sql_raise(ctx, r, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION", "22003",
                        "%s cannot be represented as Decimal(%d, %d). If necessary set \"%s\" to "
                        "\"false\" to bypass this error, and return NULL instead.",
                        value, p, s, SP_SQL_ANSI_CONF);
}

/* a (scale sa) op b (scale sb) into scale s; 0 ok, 1 overflow, 2 by zero. */
static int dec_op(int op, sp_i128 a, int sa, sp_i128 b, int sb, int s, sp_i128 *out, int *oscale)
{
    int m = sa > sb ? sa : sb;
    sp_i128 x, y, res;
    *oscale = s;
    if (op == SP_SQL_OP_MUL) {
        if (__builtin_mul_overflow(a, b, &res)) return 1;
        return sp_sql_dec_rescale(res, sa + sb, s, false, out) ? 0 : 1;
    }
    if (!sp_sql_dec_rescale(a, sa, m, false, &x) || !sp_sql_dec_rescale(b, sb, m, false, &y))
        return 1;
    switch (op) {
    case SP_SQL_OP_ADD:
        if (__builtin_add_overflow(x, y, &res)) return 1;
        break;
    case SP_SQL_OP_SUB:
        if (__builtin_sub_overflow(x, y, &res)) return 1;
        break;
    case SP_SQL_OP_DIV: {
        if (y == 0) return 2;
        sp_i128 num, q, rem;
        if (!sp_sql_dec_rescale(x, 0, s, false, &num)) return 1; /* x / y * 10^s */
        q = num / y;
        rem = num % y;
        sp_i128 ar = rem < 0 ? -rem : rem, ay = y < 0 ? -y : y;
        if (ar >= ay - ar) q += ((num < 0) != (y < 0)) ? -1 : 1;
        *out = q;
        return 0;
    }
    case SP_SQL_OP_INT_DIV:
        if (y == 0) return 2;
        *oscale = 0;
        *out = x / y;
        return 0;
    default:
        if (y == 0) return 2;
        res = x % y;
        if (op == SP_SQL_OP_PMOD && res < 0) res = (res + y) % y;
    }
    return sp_sql_dec_rescale(res, m, s, false, out) ? 0 : 1;
}

static bool dec_loop(const sp_sql_expr *e, const sp_column *x, const sp_column *y, sp_sql_vec *v,
                     sp_sql_eval_ctx *ctx)
{
    bool to_long = v->c->type == SP_COL_I64;
    int p = to_long ? 19 : v->c->precision, s = to_long ? 0 : v->c->scale;
    for (int64_t r = 0; r < v->n; r++) {
        if (!sp_column_valid(x, r) || !sp_column_valid(y, r)) continue;
        sp_i128 res = 0;
        int os, st = dec_op(e->op, sp_sql_col_dec(x, r), x->scale, sp_sql_col_dec(y, r), y->scale,
                            s, &res, &os);
        if (st == 2) {
            if (ctx->ansi && raise_div_zero(ctx, r)) return false;
        } else if (to_long && st == 0 && res >= INT64_MIN && res <= INT64_MAX) {
            sp_column_i64(v->c)[r] = (int64_t)res;
            continue;
        } else if (st == 0 && !to_long && sp_sql_dec_fits(res, p)) {
            sp_sql_col_set_dec(v->c, r, res);
            continue;
        } else if (ctx->ansi) {
            char buf[48] = "overflow";
            if (st == 0) sp_sql_format_decimal(res, s, buf);
            if (to_long ? raise_int_overflow(ctx, r, SP_SQL_OP_INT_DIV, SP_COL_I64, 0, 0)
                        : sp_sql_raise_dec_range(ctx, r, buf, p, s))
                return false;
        }
        sp_sql_vec_null(v, r);
    }
    return true;
}

/* Copies the union of both inputs' nulls into v. */
static void merge_nulls(sp_sql_vec *v, const sp_column *x, const sp_column *y)
{
    if (!x->validity && !y->validity) return;
    for (int64_t r = 0; r < v->n; r++)
        if (!sp_column_valid(x, r) || !sp_column_valid(y, r)) sp_sql_vec_null(v, r);
}

/* Whether BIGINT op c has a scalar loop (% 0 takes the general one, which
 * raises the error). */
static bool has_scalar_loop(int op, int64_t c)
{
    return op == SP_SQL_OP_ADD || op == SP_SQL_OP_SUB || op == SP_SQL_OP_MUL ||
           (op == SP_SQL_OP_MOD && c != 0);
}

/* BIGINT op an integral literal c (value * 2, value % 3): one loop with no
 * second column. False (with ctx's error) on an ANSI overflow. */
static bool long_scalar(int op, const sp_column *x, int64_t c, sp_sql_vec *v, sp_sql_eval_ctx *ctx)
{
    const int64_t *a = sp_column_i64(x);
    int64_t *o = sp_column_i64(v->c), n = v->n;
    bool ovf = false;
    switch (op) {
    case SP_SQL_OP_ADD:
        for (int64_t r = 0; r < n; r++)
            ovf |= __builtin_add_overflow(a[r], c, &o[r]);
        break;
    case SP_SQL_OP_SUB:
        for (int64_t r = 0; r < n; r++)
            ovf |= __builtin_sub_overflow(a[r], c, &o[r]);
        break;
    case SP_SQL_OP_MUL:
        for (int64_t r = 0; r < n; r++)
            ovf |= __builtin_mul_overflow(a[r], c, &o[r]);
        break;
    case SP_SQL_OP_MOD:
        if (c == -1)
            memset(o, 0, sizeof *o * (size_t)n); /* and no INT64_MIN % -1 trap */
        else
            for (int64_t r = 0; r < n; r++)
                o[r] = a[r] % c;
        break;
    }
    if (!ovf || !ctx->ansi) return true;
    for (int64_t r = 0; r < n; r++) { /* find the row for the message */
        int64_t t;
        bool bad = op == SP_SQL_OP_ADD   ? __builtin_add_overflow(a[r], c, &t)
                   : op == SP_SQL_OP_SUB ? __builtin_sub_overflow(a[r], c, &t)
                                         : __builtin_mul_overflow(a[r], c, &t);
        if (bad && sp_column_valid(x, r) && raise_int_overflow(ctx, r, op, SP_COL_I64, a[r], c))
            return false;
    }
    return true;
}

/* The scalar path of sp_sql_eval_arith, when it applies: NULL with *done
 * false otherwise. */
static sp_column *arith_scalar(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx,
                               bool *done)
{
    *done = false;
    const sp_sql_expr *k = e->children[1];
    if (k->kind != SP_SQL_E_LITERAL || k->lit.is_null || e->type->id != SP_SQL_BIGINT ||
        k->type->id != SP_SQL_BIGINT || e->children[0]->type->id != SP_SQL_BIGINT ||
        !has_scalar_loop(e->op, k->lit.i))
        return NULL;
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    *done = true;
    if (!x) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    bool ok = long_scalar(e->op, x, k->lit.i, &v, ctx);
    if (x->validity)
        for (int64_t r = 0; r < v.n; r++)
            if (!sp_column_valid(x, r)) sp_sql_vec_null(&v, r);
    return ok ? sp_sql_vec_done(&v) : NULL;
}

sp_column *sp_sql_eval_arith(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    bool done;
    sp_column *fast = arith_scalar(e, in, ctx, &done);
    if (done) return fast;
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    sp_column *y = x ? sp_sql_expr_eval(e->children[1], in, ctx) : NULL;
    if (!y) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    merge_nulls(&v, x, y);
    bool ok;
    if (x->type == SP_COL_DECIMAL128 && y->type == SP_COL_DECIMAL128)
        ok = dec_loop(e, x, y, &v, ctx);
    else if (x->type == SP_COL_F64 || x->type == SP_COL_F32 || y->type == SP_COL_F64 ||
             y->type == SP_COL_F32 || v.c->type == SP_COL_F64 || v.c->type == SP_COL_F32)
        ok = float_loop(e->op, x, y, &v, ctx);
    else
        ok = int_loop(e->op, x, y, &v, ctx);
    return ok ? sp_sql_vec_done(&v) : NULL;
}

sp_column *sp_sql_eval_neg(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    int64_t lo, hi;
    int_min_max(x->type, &lo, &hi);
    for (int64_t r = 0; r < v.n; r++) {
        if (!sp_column_valid(x, r)) {
            sp_sql_vec_null(&v, r);
            continue;
        }
        switch (x->type) {
        case SP_COL_F32:
            sp_column_f32(v.c)[r] = -sp_column_f32(x)[r];
            break;
        case SP_COL_F64:
            sp_column_f64(v.c)[r] = -sp_column_f64(x)[r];
            break;
        case SP_COL_DECIMAL128:
            sp_sql_col_set_dec(v.c, r, -sp_sql_col_dec(x, r));
            break;
        default: {
            int64_t a = sp_sql_col_int(x, r);
            if (a == lo && ctx->ansi) {
                const char *suf = x->type == SP_COL_I64   ? "L"
                                  : x->type == SP_COL_I16 ? "S"
                                  : x->type == SP_COL_I8  ? "Y"
                                                          : "";
                char msg[64];
                snprintf(msg, sizeof msg, "- %lld%s caused overflow", (long long)a, suf);
                if (sp_sql_raise_overflow(ctx, r, msg, NULL)) return NULL;
            }
            sp_sql_put_int(v.c, r, a == lo ? lo : -a);
        }
        }
    }
    return sp_sql_vec_done(&v);
}
