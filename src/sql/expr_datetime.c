/* expr_datetime.c - the date and time field functions and date arithmetic
 * over columns (year, month, dayofmonth of a DATE; hour, minute, second of a
 * TIMESTAMP in the session time zone; date_add, date_sub, datediff), through
 * the scalar rules of datetime_funcs.h. The analyzer has cast the arguments
 * (DATE or TIMESTAMP, INT). NULL in, NULL out; a date_add leaving DATE's
 * range is NULL. Any thread, with its own context. */
#include "sql/datetime_funcs.h"
#include "sql/expr_int.h"

static int32_t date_field(sp_sql_func fn, int32_t days)
{
    switch (fn) {
    case SP_SQL_F_YEAR:
        return sp_sql_year(days);
    case SP_SQL_F_MONTH:
        return sp_sql_month(days);
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

/* The field functions: one argument, an INT per row. */
static void fields(sp_sql_func fn, const sp_column *x, sp_sql_vec *v, const sp_tz *tz)
{
    int32_t *o = sp_column_i32(v->c);
    bool date = fn <= SP_SQL_F_DAYOFMONTH;
    for (int64_t r = 0; r < v->n; r++) {
        if (!sp_column_valid(x, r)) {
            sp_sql_vec_null(v, r);
            continue;
        }
        o[r] =
            date ? date_field(fn, sp_column_date32(x)[r]) : time_field(fn, sp_column_i64(x)[r], tz);
    }
}

/* date_add, date_sub, datediff: two arguments. */
static void arith(sp_sql_func fn, const sp_column *x, const sp_column *y, sp_sql_vec *v)
{
    int32_t *o = sp_column_i32(v->c);
    const int32_t *a = sp_column_date32(x), *b = sp_column_i32(y);
    for (int64_t r = 0; r < v->n; r++) {
        bool ok = sp_column_valid(x, r) && sp_column_valid(y, r);
        if (ok && fn == SP_SQL_F_DATEDIFF)
            o[r] = sp_sql_datediff(a[r], b[r]);
        else if (ok)
            ok = fn == SP_SQL_F_DATE_ADD ? sp_sql_date_add(a[r], b[r], &o[r])
                                         : sp_sql_date_sub(a[r], b[r], &o[r]);
        if (!ok) sp_sql_vec_null(v, r);
    }
}

sp_column *sp_sql_eval_datetime(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_sql_func fn = (sp_sql_func)e->op;
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_column *y = NULL;
    if (e->nchildren > 1 && !(y = sp_sql_expr_eval(e->children[1], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    if (y)
        arith(fn, x, y, &v);
    else
        fields(fn, x, &v, ctx->tz ? ctx->tz : sp_tz_utc());
    return sp_sql_vec_done(&v);
}
