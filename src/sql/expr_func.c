/* expr_func.c - function-call nodes: Spark's function names and the result
 * type and nullability of each function when the caller gives none. Any
 * thread. */
#include "sql/expr.h"

#include "base/arena.h"

#include <string.h>

static const char *const names[SP_SQL_F_COUNT_] = {
    [SP_SQL_F_COALESCE] = "coalesce",
    [SP_SQL_F_IF] = "if",
    [SP_SQL_F_NVL] = "nvl",
    [SP_SQL_F_NULLIF] = "nullif",
    [SP_SQL_F_LENGTH] = "length",
    [SP_SQL_F_UPPER] = "upper",
    [SP_SQL_F_LOWER] = "lower",
    [SP_SQL_F_TRIM] = "trim",
    [SP_SQL_F_LTRIM] = "ltrim",
    [SP_SQL_F_RTRIM] = "rtrim",
    [SP_SQL_F_SUBSTRING] = "substring",
    [SP_SQL_F_CONCAT] = "concat",
    [SP_SQL_F_CONCAT_WS] = "concat_ws",
    [SP_SQL_F_INSTR] = "instr",
    [SP_SQL_F_REPLACE] = "replace",
    [SP_SQL_F_LPAD] = "lpad",
    [SP_SQL_F_RPAD] = "rpad",
    [SP_SQL_F_REGEXP_EXTRACT] = "regexp_extract",
    [SP_SQL_F_REGEXP_REPLACE] = "regexp_replace",
    [SP_SQL_F_ABS] = "abs",
    [SP_SQL_F_ROUND] = "round",
    [SP_SQL_F_BROUND] = "bround",
    [SP_SQL_F_FLOOR] = "FLOOR",
    [SP_SQL_F_CEIL] = "CEIL",
    [SP_SQL_F_SQRT] = "SQRT",
    [SP_SQL_F_POW] = "POWER",
    [SP_SQL_F_GREATEST] = "greatest",
    [SP_SQL_F_LEAST] = "least",
    [SP_SQL_F_YEAR] = "year",
    [SP_SQL_F_MONTH] = "month",
    [SP_SQL_F_DAYOFMONTH] = "dayofmonth",
    [SP_SQL_F_HOUR] = "hour",
    [SP_SQL_F_MINUTE] = "minute",
    [SP_SQL_F_SECOND] = "second",
    [SP_SQL_F_DATE_ADD] = "date_add",
    [SP_SQL_F_DATE_SUB] = "date_sub",
    [SP_SQL_F_DATEDIFF] = "datediff",
    [SP_SQL_F_QUARTER] = "quarter",
    [SP_SQL_F_DAYOFYEAR] = "dayofyear",
    [SP_SQL_F_DAYOFWEEK] = "dayofweek",
    [SP_SQL_F_WEEKDAY] = "weekday",
    [SP_SQL_F_ADD_MONTHS] = "add_months",
    [SP_SQL_F_LAST_DAY] = "last_day",
    [SP_SQL_F_DATE_TRUNC] = "date_trunc",
    [SP_SQL_F_TRUNC] = "trunc",
    [SP_SQL_F_CURRENT_TIMESTAMP] = "current_timestamp",
    [SP_SQL_F_CURRENT_DATE] = "current_date",
    [SP_SQL_F_TO_TIMESTAMP] = "to_timestamp",
    [SP_SQL_F_TO_DATE] = "to_date",
    [SP_SQL_F_UNIX_TIMESTAMP] = "unix_timestamp",
    [SP_SQL_F_FROM_UNIXTIME] = "from_unixtime",
    [SP_SQL_F_DATE_FORMAT] = "date_format",
    [SP_SQL_F_FROM_UTC_TS] = "from_utc_timestamp",
    [SP_SQL_F_TO_UTC_TS] = "to_utc_timestamp",
    [SP_SQL_F_TRY_TO_TIMESTAMP] = "try_to_timestamp",
    [SP_SQL_F_FROM_JSON] = "from_json",
    [SP_SQL_F_TO_JSON] = "to_json",
    [SP_SQL_F_GET_JSON_OBJECT] = "get_json_object",
    [SP_SQL_F_SPLIT] = "split",
    [SP_SQL_F_WINDOW_START] = "__window_start",
    [SP_SQL_F_WINDOW_END] = "__window_end",
    [SP_SQL_F_WINDOW_STARTS] = "__window_starts",
    [SP_SQL_F_SESSION_END] = "__session_end",
    [SP_SQL_F_TS_ADD_INTERVAL] = "__ts_add_interval",
    [SP_SQL_F_SIZE] = "size",
    [SP_SQL_F_ELEMENT_AT] = "element_at",
    [SP_SQL_F_SUBSCRIPT] = "subscript",
    [SP_SQL_F_GET_FIELD] = "get_field",
    [SP_SQL_F_ARRAY] = "array",
    [SP_SQL_F_NAMED_STRUCT] = "named_struct",
    [SP_SQL_F_MAP] = "map",
    [SP_SQL_F_ARRAY_CONTAINS] = "array_contains",
};

const char *sp_sql_func_name(sp_sql_func fn)
{
    return fn >= 0 && fn < SP_SQL_F_COUNT_ ? names[fn] : "?";
}

/* The first argument whose type is not void, or the first. */
static const sp_sql_type *first_typed(sp_sql_expr *const *args, int n, int from)
{
    for (int i = from; i < n; i++)
        if (args[i]->type->id != SP_SQL_NULL) return args[i]->type;
    return n > from ? args[from]->type : sp_sql_prim(SP_SQL_NULL);
}

/* Spark's result type of fn when the caller gives none. */
static const sp_sql_type *func_type(spate_arena *a, sp_sql_func fn, sp_sql_expr *const *args, int n)
{
    switch (fn) {
    case SP_SQL_F_LENGTH:
    case SP_SQL_F_INSTR:
    case SP_SQL_F_YEAR ... SP_SQL_F_SECOND:
    case SP_SQL_F_DATEDIFF:
    case SP_SQL_F_QUARTER ... SP_SQL_F_WEEKDAY:
        return sp_sql_prim(SP_SQL_INT);
    case SP_SQL_F_DATE_ADD:
    case SP_SQL_F_DATE_SUB:
    case SP_SQL_F_ADD_MONTHS:
    case SP_SQL_F_LAST_DAY:
    case SP_SQL_F_TRUNC:
    case SP_SQL_F_CURRENT_DATE:
    case SP_SQL_F_TO_DATE:
        return sp_sql_prim(SP_SQL_DATE);
    case SP_SQL_F_DATE_TRUNC:
    case SP_SQL_F_CURRENT_TIMESTAMP:
    case SP_SQL_F_TO_TIMESTAMP:
    case SP_SQL_F_TRY_TO_TIMESTAMP:
    case SP_SQL_F_FROM_UTC_TS:
    case SP_SQL_F_TO_UTC_TS:
        return sp_sql_prim(SP_SQL_TIMESTAMP);
    case SP_SQL_F_UNIX_TIMESTAMP:
        return sp_sql_prim(SP_SQL_BIGINT);
    case SP_SQL_F_FROM_UNIXTIME:
    case SP_SQL_F_DATE_FORMAT:
    case SP_SQL_F_TO_JSON:
    case SP_SQL_F_GET_JSON_OBJECT:
        return sp_sql_prim(SP_SQL_STRING);
    case SP_SQL_F_UPPER ... SP_SQL_F_RTRIM:
    case SP_SQL_F_SUBSTRING ... SP_SQL_F_CONCAT_WS:
    case SP_SQL_F_LPAD ... SP_SQL_F_REGEXP_REPLACE:
        return sp_sql_prim(SP_SQL_STRING);
    case SP_SQL_F_SQRT:
    case SP_SQL_F_POW:
        return sp_sql_prim(SP_SQL_DOUBLE);
    case SP_SQL_F_FLOOR:
    case SP_SQL_F_CEIL: {
        const sp_sql_type *t = args[0]->type;
        if (t->id == SP_SQL_DECIMAL)
            return sp_sql_decimal_bounded(a, t->precision - t->scale + 1, 0);
        return sp_sql_prim(SP_SQL_BIGINT);
    }
    case SP_SQL_F_IF:
        return first_typed(args, n, 1);
    default:
        return first_typed(args, n, 0);
    }
}

static bool func_nullable(sp_sql_func fn, sp_sql_expr *const *args, int n)
{
    bool all = true, any = false;
    for (int i = 0; i < n; i++) {
        all = all && args[i]->nullable;
        any = any || args[i]->nullable;
    }
    switch (fn) {
    case SP_SQL_F_COALESCE:
    case SP_SQL_F_NVL:
    case SP_SQL_F_GREATEST:
    case SP_SQL_F_LEAST:
        return all;
    case SP_SQL_F_IF:
        return n == 3 && (args[1]->nullable || args[2]->nullable);
    case SP_SQL_F_NULLIF:
    case SP_SQL_F_REGEXP_EXTRACT:
    case SP_SQL_F_SQRT:
    case SP_SQL_F_CONCAT_WS:
    case SP_SQL_F_DATE_TRUNC ... SP_SQL_F_TRUNC:           /* an invalid level gives NULL */
    case SP_SQL_F_TO_TIMESTAMP ... SP_SQL_F_FROM_UNIXTIME: /* bad text (ANSI off) */
    case SP_SQL_F_TRY_TO_TIMESTAMP:
    case SP_SQL_F_GET_JSON_OBJECT: /* a path that matches nothing */
        return true;
    case SP_SQL_F_CURRENT_TIMESTAMP:
    case SP_SQL_F_CURRENT_DATE:
        return false;
    default:
        return any;
    }
}

sp_sql_expr *sp_sql_expr_func(spate_arena *a, sp_sql_func fn, sp_sql_expr *const *args, int n,
                              const sp_sql_type *t)
{
    sp_sql_expr *e = spate_arena_alloc(a, sizeof *e);
    memset(e, 0, sizeof *e);
    e->kind = SP_SQL_E_FUNC;
    e->op = (int)fn;
    e->name = sp_sql_func_name(fn);
    e->nchildren = n;
    e->children = n ? spate_arena_alloc(a, sizeof(sp_sql_expr *) * (size_t)n) : NULL;
    for (int i = 0; i < n; i++)
        e->children[i] = args[i];
    e->type = t ? t : func_type(a, fn, args, n);
    e->nullable = func_nullable(fn, args, n);
    return e;
}
