/* expr_datetime.c - the date and time field functions and date arithmetic
 * over columns (year, month, dayofmonth, quarter, dayofyear, dayofweek,
 * weekday of a DATE; hour, minute, second of a TIMESTAMP in the session time
 * zone; date_add, date_sub, datediff, add_months, last_day; trunc and
 * date_trunc; current_timestamp and current_date, the context's now_us: the
 * batch's timestamp in a streaming query, the statement's start in a static
 * one), through the scalar rules of datetime_funcs.h. The analyzer has cast
 * the arguments (DATE or TIMESTAMP, INT, STRING levels). NULL in, NULL out;
 * a result leaving DATE's range or an invalid trunc level is NULL. Parsing
 * and formatting functions go to expr_datetime_parse.c / _format.c. Any
 * thread, with its own context. */
#include "sql/datetime_funcs.h"
#include "sql/expr_datetime_int.h"

static int32_t date_field(sp_sql_func fn, int32_t days)
{
    switch (fn) {
    case SP_SQL_F_YEAR:
        return sp_sql_year(days);
    case SP_SQL_F_MONTH:
        return sp_sql_month(days);
    case SP_SQL_F_QUARTER:
        return sp_sql_quarter(days);
    case SP_SQL_F_DAYOFYEAR:
        return sp_sql_dayofyear(days);
    case SP_SQL_F_DAYOFWEEK:
        return sp_sql_dayofweek(days);
    case SP_SQL_F_WEEKDAY:
        return sp_sql_weekday(days);
    case SP_SQL_F_LAST_DAY:
        return sp_sql_last_day(days);
    default:
        return sp_sql_dayofmonth(days);
    }
}

static int32_t time_field(sp_sql_func fn, int64_t us, const sp_tz *tz)
{
    switch (fn) {
    case SP_SQL_F_HOUR:
        return sp_sql_hour(us, tz);
    case SP_SQL_F_MINUTE:
        return sp_sql_minute(us, tz);
    default:
        return sp_sql_second(us, tz);
    }
}

/* The field functions and last_day: one argument, an INT (or DATE) per
 * row. */
static void fields(sp_sql_func fn, const sp_column *x, sp_sql_vec *v, const sp_tz *tz)
{
    int32_t *o = sp_column_i32(v->c);
    bool date = fn < SP_SQL_F_HOUR || fn > SP_SQL_F_SECOND;
    for (int64_t r = 0; r < v->n; r++) {
        if (!sp_column_valid(x, r)) {
            sp_sql_vec_null(v, r);
            continue;
        }
        o[r] =
            date ? date_field(fn, sp_column_date32(x)[r]) : time_field(fn, sp_column_i64(x)[r], tz);
    }
}

/* date_add, date_sub, datediff, add_months: two arguments. */
static void arith(sp_sql_func fn, const sp_column *x, const sp_column *y, sp_sql_vec *v)
{
    int32_t *o = sp_column_i32(v->c);
    const int32_t *a = sp_column_date32(x), *b = sp_column_i32(y);
    for (int64_t r = 0; r < v->n; r++) {
        bool ok = sp_column_valid(x, r) && sp_column_valid(y, r);
        if (ok && fn == SP_SQL_F_DATEDIFF)
            o[r] = sp_sql_datediff(a[r], b[r]);
        else if (ok && fn == SP_SQL_F_ADD_MONTHS)
            ok = sp_sql_add_months(a[r], b[r], &o[r]);
        else if (ok)
            ok = fn == SP_SQL_F_DATE_ADD ? sp_sql_date_add(a[r], b[r], &o[r])
                                         : sp_sql_date_sub(a[r], b[r], &o[r]);
        if (!ok) sp_sql_vec_null(v, r);
    }
}

/* trunc(date, level) and date_trunc(level, ts): the level per row (a
 * string compare, no allocation). */
static void truncs(sp_sql_func fn, const sp_column *x, const sp_column *y, sp_sql_vec *v,
                   const sp_tz *tz)
{
    const sp_column *val = fn == SP_SQL_F_TRUNC ? x : y, *lv = fn == SP_SQL_F_TRUNC ? y : x;
    for (int64_t r = 0; r < v->n; r++) {
        bool ok = sp_column_valid(val, r) && sp_column_valid(lv, r);
        if (ok) {
            size_t n;
            const char *s = sp_sql_col_str(lv, r, &n);
            sp_sql_trunc_level level = sp_sql_trunc_level_parse(s, n);
            ok = fn == SP_SQL_F_TRUNC
                     ? sp_sql_trunc_date(sp_column_date32(val)[r], level, &sp_column_i32(v->c)[r])
                     : sp_sql_date_trunc(level, sp_column_i64(val)[r], tz, &sp_column_i64(v->c)[r]);
        }
        if (!ok) sp_sql_vec_null(v, r);
    }
}

/* current_timestamp() / current_date(): one value for every row. */
static sp_column *current(sp_sql_func fn, int64_t n, sp_sql_eval_ctx *ctx, const sp_sql_type *t,
                          const sp_tz *tz)
{
    sp_sql_vec v;
    sp_sql_vec_new(ctx, t, n, &v);
    for (int64_t r = 0; r < n; r++)
        if (fn == SP_SQL_F_CURRENT_DATE)
            sp_column_i32(v.c)[r] = sp_sql_ts_to_date(ctx->now_us, tz);
        else
            sp_column_i64(v.c)[r] = ctx->now_us;
    return sp_sql_vec_done(&v);
}

sp_column *sp_sql_eval_datetime(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_sql_func fn = (sp_sql_func)e->op;
    const sp_tz *tz = ctx->tz ? ctx->tz : sp_tz_utc();
    if ((fn >= SP_SQL_F_TO_TIMESTAMP && fn <= SP_SQL_F_UNIX_TIMESTAMP) ||
        fn == SP_SQL_F_TRY_TO_TIMESTAMP)
        return sp_sql_eval_dt_parse(e, in, ctx);
    if (fn == SP_SQL_F_FROM_UNIXTIME || fn == SP_SQL_F_DATE_FORMAT)
        return sp_sql_eval_dt_format(e, in, ctx);
    if (fn == SP_SQL_F_FROM_UTC_TS || fn == SP_SQL_F_TO_UTC_TS)
        return sp_sql_eval_dt_zone(e, in, ctx);
    if (fn == SP_SQL_F_CURRENT_TIMESTAMP || fn == SP_SQL_F_CURRENT_DATE)
        return current(fn, in->length, ctx, e->type, tz);
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_column *y = NULL;
    if (e->nchildren > 1 && !(y = sp_sql_expr_eval(e->children[1], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    if (fn == SP_SQL_F_TRUNC || fn == SP_SQL_F_DATE_TRUNC)
        truncs(fn, x, y, &v, tz);
    else if (y)
        arith(fn, x, y, &v);
    else
        fields(fn, x, &v, tz);
    return sp_sql_vec_done(&v);
}
