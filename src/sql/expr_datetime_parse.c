/* expr_datetime_parse.c - to_timestamp(s, fmt), to_date(s, fmt) and
 * unix_timestamp(s, fmt) over columns (Spark's GetTimestamp, ParseToDate and
 * UnixTimestamp with a format). The analyzer made the first argument STRING,
 * DATE or TIMESTAMP and the second STRING; without a format to_timestamp and
 * to_date are CASTs and never come here. A constant format was compiled at
 * analysis (e->aux); another is compiled per distinct row value. Text that
 * does not match fails the query with [CANNOT_PARSE_TIMESTAMP] under ANSI
 * mode, else gives NULL (Spark 4.0: the three functions alike). Any thread,
 * with its own context. */
#include "sql/civil.h"
#include "sql/datetime.h"
#include "sql/datetime_funcs.h"
#include "sql/expr_datetime_int.h"

#include <string.h>

/* One value already a DATE or TIMESTAMP (or parsed), as fn's result; false
 * on overflow. unix_timestamp divides toward zero, as Spark's ToTimestamp
 * does (parsed micros / 1000000 in Java). */
static bool from_datetime(sp_sql_func fn, bool date, int64_t x, const sp_tz *tz, int64_t *out)
{
    int64_t us = x;
    if (date && fn == SP_SQL_F_TO_DATE) {
        *out = x;
        return true;
    }
    if (date && !sp_sql_date_to_ts((int32_t)x, tz, &us)) return false;
    if (fn == SP_SQL_F_TO_DATE)
        *out = sp_sql_ts_to_date(us, tz);
    else if (fn == SP_SQL_F_UNIX_TIMESTAMP)
        *out = us / SP_SQL_US_PER_SEC; /* Spark's Long division: toward zero */
    else
        *out = us;
    return true;
}

/* One string parsed with f as fn's result; false with err set. */
static bool from_text(sp_sql_func fn, const sp_dtf *f, const char *s, size_t n, const sp_tz *tz,
                      int64_t *out, char *err, size_t en)
{
    int64_t us;
    if (!sp_dtf_parse(f, s, n, tz, &us, err, en)) return false;
    return from_datetime(fn, false, us, tz, out);
}

/* The parse error err with Spark's try_ function for fn: to_date's
 * suggests try_to_date (its GetTimestamp's suggestedFuncOnFail). */
static const char *hint(sp_sql_func fn, char *err)
{
    static const char ts[] = "`try_to_timestamp`", d[] = "`try_to_date`";
    char *p = fn == SP_SQL_F_TO_DATE ? strstr(err, ts) : NULL;
    if (p) {
        memmove(p + strlen(d), p + strlen(ts), strlen(p + strlen(ts)) + 1);
        memcpy(p, d, strlen(d));
    }
    return err;
}

static void put(sp_column *c, int64_t r, int64_t v)
{
    if (c->type == SP_COL_DATE32 || c->type == SP_COL_I32)
        sp_column_i32(c)[r] = (int32_t)v;
    else
        sp_column_i64(c)[r] = v;
}

/* The rows of x (and fmt) into v; false when a row failed the query. */
static bool parse_rows(const sp_sql_expr *e, const sp_column *x, const sp_column *fmt,
                       sp_sql_vec *v, sp_sql_eval_ctx *ctx)
{
    sp_sql_func fn = (sp_sql_func)e->op;
    sp_sql_type_id in = e->children[0]->type->id;
    bool text = in != SP_SQL_DATE && in != SP_SQL_TIMESTAMP && in != SP_SQL_TIMESTAMP_NTZ;
    const sp_tz *tz = ctx->tz ? ctx->tz : sp_tz_utc();
    sp_sql_dtf_cache cache = {0};
    bool ok = true;
    char err[512];
    for (int64_t r = 0; ok && r < v->n; r++) {
        int64_t out = 0;
        bool bad = false, got = false;
        const sp_dtf *f = NULL;
        if (!sp_column_valid(x, r)) {
        } else if (!text) {
            int64_t val = in == SP_SQL_DATE ? sp_column_date32(x)[r] : sp_column_i64(x)[r];
            got = from_datetime(fn, in == SP_SQL_DATE, val, tz, &out);
        } else if (fmt && (f = sp_sql_dtf_for_row(e, fmt, r, true, &cache, ctx, &bad))) {
            size_t n;
            const char *s = sp_sql_col_str(x, r, &n);
            got = from_text(fn, f, s, n, tz, &out, err, sizeof err);
            if (!got && ctx->ansi && fn != SP_SQL_F_TRY_TO_TIMESTAMP &&
                sp_sql_raise_msg(ctx, r, hint(fn, err)))
                ok = false;
        } else if (!fmt && fn == SP_SQL_F_TRY_TO_TIMESTAMP) { /* a cast that gives NULL */
            size_t n;
            const char *s = sp_sql_col_str(x, r, &n);
            got = sp_sql_string_to_ts(s, n, tz, ctx->now_us, &out);
        } else if (bad && ctx->failed) {
            ok = false;
        }
        if (got)
            put(v->c, r, out);
        else
            sp_sql_vec_null(v, r);
    }
    sp_sql_dtf_cache_free(&cache);
    return ok;
}

sp_column *sp_sql_eval_dt_parse(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_column *fmt = NULL;
    if (e->nchildren > 1 && !(fmt = sp_sql_expr_eval(e->children[1], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    if (!parse_rows(e, x, fmt, &v, ctx)) return NULL;
    return sp_sql_vec_done(&v);
}
