/* analyze_datetime.c - function calls to_timestamp, to_date, unix_timestamp
 * (to_unix_timestamp), from_unixtime, date_format, date_trunc, trunc,
 * current_timestamp (now) and current_date, as Spark 4.0 resolves them:
 *   - to_timestamp(s) and to_date(s) are CAST(s AS TIMESTAMP / DATE)
 *     (Spark's ParseToTimestamp / ParseToDate without a format);
 *   - unix_timestamp() is unix_timestamp(current_timestamp()); a missing
 *     format of unix_timestamp / from_unixtime is "yyyy-MM-dd HH:mm:ss";
 *   - a constant format is compiled here, once, into the plan's arena
 *     (e->aux): every task thread then shares the immutable program, and a
 *     bad constant pattern is an analysis error ([INVALID_DATETIME_PATTERN.*],
 *     [INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION]);
 *     a format computed per row is compiled per distinct value when the
 *     batch runs, and a bad one fails the query then;
 *   - from_utc_timestamp / to_utc_timestamp: a constant zone is resolved
 *     here (e->aux: the cached sp_tz), a bad one left to fail at run time.
 * Threads: the analyzer's. */
#include "sql/analyze_dt_int.h"

#include "sql/expr_datetime_int.h"

#include <string.h>

/* The analysis error for the dtf message msg about pattern pat. */
static void *pattern_error(sp_analyzer *az, const sp_sql_node *n, const char *pat, const char *msg,
                           sp_sql_error *err)
{
    if (strncmp(msg, "[INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER]", 44) == 0) {
        const char *c = strstr(msg, "datetime pattern: ");
        c = c ? c + strlen("datetime pattern: ") : "?";
        return sp_az_fail(az, err, n->off, "INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER", "pattern",
                          pat, "c", sp_az_printf(az, "%c", *c), NULL);
    }
    if (strncmp(msg, "[INCONSISTENT_BEHAVIOR_CROSS_VERSION", 36) == 0)
        return sp_az_fail(az, err, n->off,
                          "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION",
                          "pattern", sp_az_printf(az, "'%s'", pat), "config",
                          "\"spark.sql.legacy.timeParserPolicy\"", "docroot",
                          "https://spark.apache.org/docs/latest", NULL);
    return sp_az_fail(az, err, n->off, "INVALID_DATETIME_PATTERN", "pattern",
                      sp_az_printf(az, "%.64s...", pat), NULL);
}

/* Casts the format v[i] to STRING and compiles it into *aux when it is a
 * non-NULL literal; false with err set on a bad pattern. */
static bool prepare_format(sp_analyzer *az, const sp_sql_node *n, sp_sql_expr **v, int i,
                           bool parsing, const void **aux, sp_sql_error *err)
{
    v[i] = sp_az_cast(az, v[i], sp_sql_prim(SP_SQL_STRING));
    if (v[i]->kind != SP_SQL_E_LITERAL || v[i]->lit.is_null) return true;
    char msg[1024];
    sp_dtf *f = sp_dtf_compile(v[i]->lit.str, v[i]->lit.len, parsing, msg, sizeof msg);
    if (!f) {
        const char *pat = sp_az_printf(az, "%.*s", (int)v[i]->lit.len, v[i]->lit.str);
        pattern_error(az, n, pat, msg, err);
        return false;
    }
    *aux = sp_sql_dtf_in_arena(az->arena, f);
    sp_dtf_free(f);
    return true;
}

/* The value argument of the parsing functions: DATE and TIMESTAMP stay,
 * TIMESTAMP_NTZ becomes TIMESTAMP, NULL STRING. Another type is cast to
 * STRING for to_timestamp and to_date (Spark's ParseToTimestamp/ParseToDate
 * are ImplicitCastInputTypes) and is DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE
 * for unix_timestamp (ToTimestamp expects its types, without casts). NULL
 * with err set. */
static sp_sql_expr *parse_input(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn,
                                sp_sql_expr *x, sp_sql_error *err)
{
    sp_sql_type_id t = x->type->id;
    if (t == SP_SQL_DATE || t == SP_SQL_TIMESTAMP) return x;
    if (t == SP_SQL_TIMESTAMP_NTZ) return sp_az_cast(az, x, sp_sql_prim(SP_SQL_TIMESTAMP));
    if (t == SP_SQL_STRING || t == SP_SQL_NULL || fn != SP_SQL_F_UNIX_TIMESTAMP)
        return sp_az_cast(az, x, sp_sql_prim(SP_SQL_STRING));
    return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "sqlExpr",
                      sp_az_sql_expr(az, n), "paramIndex", "first", "requiredType",
                      "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\")", "inputSql",
                      sp_az_sql_expr(az, n->list2.items[0]), "inputType",
                      sp_az_type_sql(az, x->type), NULL);
}

/* A constant zone argument's zone (the process-wide cached one), or NULL:
 * not a constant, or not a zone (the rows then fail with INVALID_TIMEZONE
 * when the query runs, as Spark's do). */
static const sp_tz *constant_zone(sp_analyzer *az, const sp_sql_expr *x)
{
    if (x->kind != SP_SQL_E_LITERAL || x->lit.is_null) return NULL;
    const char *id = sp_az_printf(az, "%.*s", (int)x->lit.len, x->lit.str);
    char why[256];
    return sp_tz_get(id, why, sizeof why);
}

static sp_sql_expr *func(sp_analyzer *az, sp_sql_func fn, sp_sql_expr **v, int k)
{
    return sp_sql_expr_func(az->arena, fn, v, k, NULL);
}

/* unix_timestamp, from_unixtime: the default format appended when absent. */
static sp_sql_expr **with_default(sp_analyzer *az, sp_sql_expr **v, int *k)
{
    sp_sql_expr **w = spate_arena_alloc(az->arena, sizeof *w * 2);
    w[0] = *k > 0 ? v[0] : func(az, SP_SQL_F_CURRENT_TIMESTAMP, NULL, 0);
    w[1] = *k > 1 ? v[1] : sp_sql_expr_lit_string(az->arena, SP_SQL_DEFAULT_TS_PATTERN);
    *k = 2;
    return w;
}

sp_sql_expr *sp_az_datetime_call(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn,
                                 sp_sql_expr **v, int k, sp_sql_error *err)
{
    const sp_sql_type *ts = sp_sql_prim(SP_SQL_TIMESTAMP), *date = sp_sql_prim(SP_SQL_DATE);
    const sp_sql_type *str = sp_sql_prim(SP_SQL_STRING);
    const void *aux = NULL;
    switch (fn) {
    case SP_SQL_F_TO_TIMESTAMP:
    case SP_SQL_F_TO_DATE:
        if (k == 1) return sp_az_cast(az, v[0], fn == SP_SQL_F_TO_DATE ? date : ts);
        /* fall through */
    case SP_SQL_F_TRY_TO_TIMESTAMP:
    case SP_SQL_F_UNIX_TIMESTAMP:
        if (fn == SP_SQL_F_UNIX_TIMESTAMP) v = with_default(az, v, &k);
        if (!(v[0] = parse_input(az, n, fn, v[0], err))) return NULL;
        if (k > 1 && !prepare_format(az, n, v, 1, true, &aux, err)) return NULL;
        break;
    case SP_SQL_F_FROM_UNIXTIME:
    case SP_SQL_F_DATE_FORMAT:
        if (fn == SP_SQL_F_FROM_UNIXTIME) v = with_default(az, v, &k);
        v[0] = sp_az_cast(az, v[0], fn == SP_SQL_F_DATE_FORMAT ? ts : sp_sql_prim(SP_SQL_BIGINT));
        if (!prepare_format(az, n, v, 1, false, &aux, err)) return NULL;
        break;
    case SP_SQL_F_DATE_TRUNC:
        v[0] = sp_az_cast(az, v[0], str);
        v[1] = sp_az_cast(az, v[1], ts);
        break;
    case SP_SQL_F_TRUNC:
        v[0] = sp_az_cast(az, v[0], date);
        v[1] = sp_az_cast(az, v[1], str);
        break;
    case SP_SQL_F_FROM_UTC_TS:
    case SP_SQL_F_TO_UTC_TS:
        v[0] = sp_az_cast(az, v[0], ts);
        v[1] = sp_az_cast(az, v[1], str);
        aux = constant_zone(az, v[1]);
        break;
    default: /* current_timestamp, current_date */
        break;
    }
    sp_sql_expr *e = func(az, fn, v, k);
    e->aux = aux;
    if (fn >= SP_SQL_F_TO_TIMESTAMP && fn <= SP_SQL_F_UNIX_TIMESTAMP && az->ansi)
        e->nullable = v[0]->nullable || v[1]->nullable; /* Spark's ToTimestamp */
    return e;
}
