/* expr_cast.c - CAST(x AS t) a batch at a time, with Spark 4.0's rules:
 * numbers to numbers (ANSI: CAST_OVERFLOW; otherwise integers wrap,
 * fractions truncate toward zero and saturate as Java's (long) does),
 * strings to numbers, booleans, decimals, dates and timestamps (ANSI:
 * CAST_INVALID_INPUT; otherwise NULL), anything atomic to a string, dates
 * and timestamps among themselves in the session zone. Any thread with its
 * own context. */
#include "sql/expr_cast_int.h"

#include "sql/datetime.h"
#include "sql/datetime_funcs.h"
#include "sql/type_column.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct cast_job {
    const sp_sql_expr *e;
    const sp_column *x;
    sp_sql_vec *v;
    sp_sql_eval_ctx *ctx;
} cast_job;

static const char *type_sql(cast_job *j, const sp_sql_type *t)
{
    return sp_sql_type_sql(j->ctx->arena, t);
}

/* [CAST_INVALID_INPUT] for a string row. */
static bool invalid(cast_job *j, int64_t r)
{
    if (!sp_sql_row_active(j->ctx, r) || j->ctx->failed) return sp_sql_row_active(j->ctx, r);
    size_t n;
    const char *s = sp_sql_col_str(j->x, r, &n);
    j->ctx->failed = true;
    snprintf(j->ctx->error_class, sizeof j->ctx->error_class, "CAST_INVALID_INPUT");
    sp_sql_cast_invalid_msg(j->ctx->error, sizeof j->ctx->error, s, n, type_sql(j, j->e->type));
    return true;
}

/* A string row that does not parse as the target type: ANSI raises
 * CAST_INVALID_INPUT (false: stop), otherwise the row is NULL (true). */
static bool unparsable(cast_job *j, int64_t r)
{
    if (j->ctx->ansi && invalid(j, r)) return false;
    sp_sql_vec_null(j->v, r);
    return true;
}

/* [CAST_OVERFLOW] for row r, the value written as Spark's SQL literal. */
static bool overflow(cast_job *j, int64_t r)
{
    char txt[64], lit[80];
    const char *p;
    size_t n = sp_sql_value_text(j->x, r, j->ctx->tz, txt, &p);
    const char *suf = "";
    switch (j->x->type) {
    case SP_COL_I8:
        suf = "Y";
        break;
    case SP_COL_I16:
        suf = "S";
        break;
    case SP_COL_I64:
        suf = "L";
        break;
    case SP_COL_F64:
        suf = "D";
        break;
    case SP_COL_DECIMAL128:
        suf = "BD";
        break;
    default:
        break;
    }
    bool special = (j->x->type == SP_COL_F32 || j->x->type == SP_COL_F64) &&
                   !isfinite(sp_sql_col_double(j->x, r));
    if (special) /* Literal.sql of NaN and infinities */
        snprintf(lit, sizeof lit, "CAST('%.*s' AS %s)", (int)n, p,
                 j->x->type == SP_COL_F32 ? "FLOAT" : "DOUBLE");
    else if (j->x->type == SP_COL_F32)
        snprintf(lit, sizeof lit, "CAST(%.*s AS FLOAT)", (int)n, p);
    else
        snprintf(lit, sizeof lit, "%.*s%s", (int)n, p, suf);
    return sp_sql_raise(j->ctx, r, "CAST_OVERFLOW", "22003",
                        "The value %s of the type \"%s\" cannot be cast to \"%s\" due to an "
                        "overflow. Use `try_cast` to tolerate overflow and return NULL instead.",
                        lit, type_sql(j, j->e->children[0]->type), type_sql(j, j->e->type));
}

/* Java's (long) d: NaN 0, saturating. */
static int64_t java_d2l(double d)
{
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

/* Row r to an integral target. Returns false to stop (error raised). */
static bool to_integral(cast_job *j, int64_t r)
{
    sp_coltype t = j->v->c->type;
    int bits = t == SP_COL_I8 ? 8 : t == SP_COL_I16 ? 16 : t == SP_COL_I32 ? 32 : 64;
    int64_t hi = bits == 64 ? INT64_MAX : (INT64_C(1) << (bits - 1)) - 1, lo = -hi - 1, v = 0;
    bool ok = true;
    switch (j->x->type) {
    case SP_COL_F32:
    case SP_COL_F64: {
        double d = sp_sql_col_double(j->x, r);
        ok = floor(d) <= (double)hi && ceil(d) >= (double)lo;
        /* Java narrows through int: (byte)(int)d */
        v = java_d2l(d);
        if (bits < 64 && !ok) v = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v;
        break;
    }
    case SP_COL_DECIMAL128: {
        sp_i128 q = sp_sql_col_dec(j->x, r) / sp_sql_pow10(j->x->scale);
        ok = q >= lo && q <= hi;
        v = (int64_t)q;
        break;
    }
    case SP_COL_UTF8: {
        size_t n;
        const char *s = sp_sql_col_str(j->x, r, &n);
        if (!sp_sql_parse_long(s, n, !j->ctx->ansi, &v) || v < lo || v > hi) {
            return unparsable(j, r);
        }
        break;
    }
    case SP_COL_TIMESTAMP:
    case SP_COL_TIMESTAMP_NTZ:
        v = sp_sql_floordiv(sp_column_i64(j->x)[r], SP_SQL_US_PER_SEC);
        ok = v >= lo && v <= hi;
        break;
    default:
        v = sp_sql_col_int(j->x, r);
        ok = v >= lo && v <= hi;
    }
    if (!ok && j->ctx->ansi) {
        if (overflow(j, r)) return false;
        sp_sql_vec_null(j->v, r); /* a row whose error does not count: TRY_CAST */
        return true;
    }
    sp_sql_put_int(j->v->c, r, v);
    return true;
}

static bool to_fraction(cast_job *j, int64_t r)
{
    double d;
    switch (j->x->type) {
    case SP_COL_UTF8: {
        size_t n;
        const char *s = sp_sql_col_str(j->x, r, &n);
        if (!sp_sql_parse_double(s, n, &d)) {
            return unparsable(j, r);
        }
        break;
    }
    case SP_COL_TIMESTAMP:
    case SP_COL_TIMESTAMP_NTZ:
        d = (double)sp_column_i64(j->x)[r] / 1e6;
        break;
    default:
        d = sp_sql_col_double(j->x, r);
    }
    if (j->v->c->type == SP_COL_F32)
        sp_column_f32(j->v->c)[r] = (float)d;
    else
        sp_column_f64(j->v->c)[r] = d;
    return true;
}

static bool is_int_column(sp_coltype t)
{
    return t == SP_COL_I8 || t == SP_COL_I16 || t == SP_COL_I32 || t == SP_COL_I64;
}

/* An integer into DECIMAL(p, s) without text: x * 10^s, when s <= 18 (no
 * i128 overflow) and it fits; false: the general path decides. */
static bool int_to_decimal(cast_job *j, int64_t r)
{
    sp_column *c = j->v->c;
    if (c->scale > 18) return false;
    int64_t scale = 1;
    for (int i = 0; i < c->scale; i++)
        scale *= 10;
    sp_i128 v = (sp_i128)sp_sql_col_int(j->x, r) * scale;
    if (!sp_sql_dec_fits(v, c->precision)) return false;
    sp_sql_col_set_dec(c, r, v);
    return true;
}

static bool to_decimal(cast_job *j, int64_t r)
{
    sp_column *c = j->v->c;
    char buf[64];
    const char *p;
    size_t n;
    if (is_int_column(j->x->type) && int_to_decimal(j, r)) return true;
    if (j->x->type == SP_COL_DECIMAL128) {
        sp_i128 v;
        if (sp_sql_dec_rescale(sp_sql_col_dec(j->x, r), j->x->scale, c->scale, false, &v) &&
            sp_sql_dec_fits(v, c->precision)) {
            sp_sql_col_set_dec(c, r, v);
            return true;
        }
        n = sp_sql_format_decimal(sp_sql_col_dec(j->x, r), j->x->scale, buf);
        p = buf;
    } else if (j->x->type == SP_COL_BOOL) {
        n = (size_t)sprintf(buf, "%d", sp_column_get_bool(j->x, r));
        p = buf;
    } else {
        n = sp_sql_value_text(j->x, r, j->ctx->tz, buf, &p);
    }
    sp_i128 v = 0;
    int st = sp_sql_parse_decimal(p, n, c->precision, c->scale, &v);
    if (st == 0) {
        sp_sql_col_set_dec(c, r, v);
        return true;
    }
    if (j->ctx->ansi) {
        char val[64];
        snprintf(val, sizeof val, "%.*s", (int)n, p);
        bool stop = st == 1 ? (j->x->type == SP_COL_UTF8 ? invalid(j, r) : overflow(j, r))
                            : sp_sql_raise_dec_range(j->ctx, r, val, c->precision, c->scale);
        if (stop) return false;
    }
    sp_sql_vec_null(j->v, r);
    return true;
}

static bool to_bool(cast_job *j, int64_t r)
{
    bool b;
    switch (j->x->type) {
    case SP_COL_UTF8: {
        size_t n;
        const char *s = sp_sql_col_str(j->x, r, &n);
        if (!sp_sql_parse_bool(s, n, &b)) {
            return unparsable(j, r);
        }
        break;
    }
    case SP_COL_F32:
    case SP_COL_F64:
        b = sp_sql_col_double(j->x, r) != 0;
        break;
    case SP_COL_DECIMAL128:
        b = sp_sql_col_dec(j->x, r) != 0;
        break;
    default:
        b = sp_sql_col_int(j->x, r) != 0;
    }
    sp_column_set_bool(j->v->c, r, b);
    return true;
}

/* A string row to a date, timestamp or timestamp_ntz. */
static bool from_string_dt(cast_job *j, int64_t r)
{
    size_t n;
    const char *s = sp_sql_col_str(j->x, r, &n);
    sp_column *c = j->v->c;
    int32_t days;
    int64_t us;
    bool ok;
    if (c->type == SP_COL_DATE32) {
        if ((ok = sp_sql_string_to_date(s, n, &days))) sp_column_date32(c)[r] = days;
    } else if (c->type == SP_COL_TIMESTAMP) {
        if ((ok = sp_sql_string_to_ts(s, n, j->ctx->tz, j->ctx->now_us, &us)))
            sp_column_i64(c)[r] = us;
    } else {
        if ((ok = sp_sql_string_to_ntz(s, n, true, &us))) sp_column_i64(c)[r] = us;
    }
    return ok || unparsable(j, r);
}

/* Dates and timestamps among themselves, and numbers to timestamps
 * (seconds, non-ANSI). */
static bool to_datetime(cast_job *j, int64_t r)
{
    sp_column *c = j->v->c;
    const sp_column *x = j->x;
    const sp_tz *tz = j->ctx->tz;
    if (x->type == SP_COL_UTF8) return from_string_dt(j, r);
    int64_t us = 0;
    sp_sql_dt_fields f;
    bool ok = true;
    switch (x->type) {
    case SP_COL_DATE32: {
        int32_t d = sp_column_date32(x)[r];
        if (c->type == SP_COL_DATE32) return sp_column_date32(c)[r] = d, true;
        if (c->type == SP_COL_TIMESTAMP)
            ok = sp_sql_date_to_ts(d, tz, &us);
        else
            us = (int64_t)d * SP_SQL_US_PER_DAY;
        break;
    }
    case SP_COL_TIMESTAMP:
        us = sp_column_i64(x)[r];
        if (c->type == SP_COL_DATE32)
            return sp_column_date32(c)[r] = sp_sql_ts_to_date(us, tz), true;
        if (c->type == SP_COL_TIMESTAMP_NTZ) {
            sp_tz_utc_to_local(tz, us, &f);
            ok = sp_sql_us_from_fields(&f, &us);
        }
        break;
    case SP_COL_TIMESTAMP_NTZ:
        us = sp_column_i64(x)[r];
        if (c->type == SP_COL_DATE32)
            return sp_column_date32(c)[r] = (int32_t)sp_sql_floordiv(us, SP_SQL_US_PER_DAY), true;
        if (c->type == SP_COL_TIMESTAMP) ok = sp_tz_local_to_utc(tz, us, &us);
        break;
    case SP_COL_F32:
    case SP_COL_F64: {
        double d = sp_sql_col_double(x, r) * 1e6;
        ok = d == d && !isinf(d);
        us = java_d2l(d);
        break;
    }
    default:
        ok = !__builtin_mul_overflow(sp_sql_col_int(x, r), SP_SQL_US_PER_SEC, &us);
    }
    if (ok && c->type != SP_COL_DATE32) {
        sp_column_i64(c)[r] = us;
        return true;
    }
    sp_sql_vec_null(j->v, r);
    return true;
}

static bool cast_row(cast_job *j, int64_t r)
{
    switch (j->v->c->type) {
    case SP_COL_I8:
    case SP_COL_I16:
    case SP_COL_I32:
    case SP_COL_I64:
        return to_integral(j, r);
    case SP_COL_F32:
    case SP_COL_F64:
        return to_fraction(j, r);
    case SP_COL_DECIMAL128:
        return to_decimal(j, r);
    case SP_COL_BOOL:
        return to_bool(j, r);
    default:
        return to_datetime(j, r);
    }
}

/* To STRING or BINARY: every row appended in order. */
static sp_column *to_text(cast_job *j)
{
    char buf[64];
    for (int64_t r = 0; r < j->v->n; r++) {
        if (!sp_column_valid(j->x, r)) {
            sp_sql_vec_str_null(j->v, r);
            continue;
        }
        const char *p;
        size_t n = sp_sql_value_text(j->x, r, j->ctx->tz, buf, &p);
        sp_sql_vec_str(j->v, p, n);
    }
    return sp_sql_vec_done(j->v);
}

/* INT or BIGINT to DOUBLE (never fails): one loop, NULLs copied. */
static bool widen_to_double(const sp_column *x, sp_sql_vec *v)
{
    if (v->c->type != SP_COL_F64 || (x->type != SP_COL_I32 && x->type != SP_COL_I64)) return false;
    double *o = sp_column_f64(v->c);
    if (x->type == SP_COL_I32)
        for (int64_t r = 0; r < v->n; r++)
            o[r] = (double)sp_column_i32(x)[r];
    else
        for (int64_t r = 0; r < v->n; r++)
            o[r] = (double)sp_column_i64(x)[r];
    for (int64_t r = 0; x->validity && r < v->n; r++)
        if (!sp_column_valid(x, r)) sp_sql_vec_null(v, r);
    return true;
}

/* STRING or BINARY to STRING or BINARY keeps the bytes (Spark's
 * UTF8String.fromBytes / getBytes, no check): a view of x's buffers with
 * the target's type, nothing copied (the bytes live as long as x's, as a
 * column reference's do). NULL when the cast is another one. */
static sp_column *text_view(const sp_sql_expr *e, const sp_column *x, spate_arena *a)
{
    sp_colspec to;
    if (!sp_coltype_is_varlen(x->type) || !sp_sql_type_column(e->type, &to) ||
        !sp_coltype_is_varlen(to.type))
        return NULL;
    sp_column *c = spate_arena_alloc(a, sizeof *c);
    *c = *x;
    c->type = to.type;
    c->spare_validity = NULL;
    snprintf(c->format, sizeof c->format, "%s", sp_coltype_arrow_format(to.type));
    return c;
}

sp_column *sp_sql_eval_cast(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_column *view = text_view(e, x, ctx->arena);
    if (view) return view;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    sp_sql_eval_ctx tctx; /* TRY_CAST: ANSI rules, no row's error counts */
    if (e->op == SP_SQL_CAST_OP_TRY) {
        tctx = *ctx;
        tctx.ansi = true;
        uint8_t *none = spate_arena_alloc(ctx->arena, (size_t)(in->length / 8 + 1));
        memset(none, 0, (size_t)(in->length / 8 + 1));
        tctx.active = none;
        ctx = &tctx;
    }
    cast_job j = {e, x, &v, ctx};
    if (sp_coltype_is_varlen(v.c->type)) return to_text(&j);
    if (widen_to_double(x, &v)) return sp_sql_vec_done(&v);
    if (e->children[0]->type->id == SP_SQL_NULL) {
        for (int64_t r = 0; r < v.n; r++)
            sp_sql_vec_null(&v, r);
        return sp_sql_vec_done(&v);
    }
    for (int64_t r = 0; r < v.n; r++) {
        if (!sp_column_valid(x, r)) {
            sp_sql_vec_null(&v, r);
            continue;
        }
        if (!cast_row(&j, r)) return NULL;
    }
    return sp_sql_vec_done(&v);
}
