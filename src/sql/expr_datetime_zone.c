/* expr_datetime_zone.c - from_utc_timestamp(ts, zone) and
 * to_utc_timestamp(ts, zone) over columns, as Spark's convertTz: the first
 * reads ts's wall time in UTC as a wall time in zone (ts plus zone's offset
 * at ts), the second reads ts's wall time in zone as one in UTC (java.time's
 * gap and overlap rules). A constant zone was resolved at analysis (e->aux);
 * another is resolved per distinct row value, and one that is not a zone
 * fails the query with [INVALID_TIMEZONE]. Any thread, own context. */
#include "sql/expr_datetime_int.h"

#include <stdio.h>
#include <string.h>

/* The zone for row r of z: e->aux, or the cached last one, or resolved
 * (NULL: a NULL row, or *bad with the error raised in ctx). */
static const sp_tz *row_zone(const sp_sql_expr *e, const sp_column *z, int64_t r,
                             const sp_tz **last, char *last_id, sp_sql_eval_ctx *ctx, bool *bad)
{
    *bad = false;
    if (e->aux) return e->aux;
    if (!sp_column_valid(z, r)) return NULL;
    size_t n;
    const char *s = sp_sql_col_str(z, r, &n);
    char id[128], why[512];
    snprintf(id, sizeof id, "%.*s", (int)(n < sizeof id ? n : sizeof id - 1), s);
    if (*last && strcmp(id, last_id) == 0) return *last;
    const sp_tz *tz = n < sizeof id ? sp_tz_get(id, why, sizeof why) : NULL;
    if (!tz) {
        if (n >= sizeof id) snprintf(why, sizeof why, "[INVALID_TIMEZONE] %s SQLSTATE: 22009", id);
        *bad = sp_sql_raise_msg(ctx, r, why);
        return NULL;
    }
    snprintf(last_id, 128, "%s", id);
    return *last = tz;
}

/* One value; false on overflow (NULL). */
static bool shift(sp_sql_func fn, int64_t us, const sp_tz *tz, int64_t *out)
{
    if (fn == SP_SQL_F_TO_UTC_TS) return sp_tz_local_to_utc(tz, us, out);
    int64_t off = (int64_t)sp_tz_offset_at(tz, sp_sql_floordiv(us, SP_SQL_US_PER_SEC));
    return !__builtin_add_overflow(us, off * SP_SQL_US_PER_SEC, out);
}

sp_column *sp_sql_eval_dt_zone(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx), *z = NULL;
    if (!x || !(z = sp_sql_expr_eval(e->children[1], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    const sp_tz *last = NULL;
    char last_id[128] = "";
    for (int64_t r = 0; r < in->length; r++) {
        bool bad = false, ok = false;
        const sp_tz *tz = NULL;
        if (sp_column_valid(x, r) && (tz = row_zone(e, z, r, &last, last_id, ctx, &bad)))
            ok = shift((sp_sql_func)e->op, sp_column_i64(x)[r], tz, &sp_column_i64(v.c)[r]);
        if (bad) return NULL;
        if (!ok) sp_sql_vec_null(&v, r);
    }
    return sp_sql_vec_done(&v);
}
