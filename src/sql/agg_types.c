/* agg_types.c - the aggregate functions' names and Spark 4.0's typing of
 * their calls: the implicit cast of the argument (ImplicitCastInputTypes
 * under both type coercions), the result type, and the DATATYPE_MISMATCH
 * message for an argument a function does not take. Any thread. */
#include "sql/agg.h"

#include "sql/coercion.h"

#include <stdio.h>
#include <strings.h>

static const struct {
    const char *name;
    sp_agg_fn fn;
} agg_names[] = {
    {"count", SP_AGG_COUNT},
    {"sum", SP_AGG_SUM},
    {"avg", SP_AGG_AVG},
    {"mean", SP_AGG_AVG},
    {"min", SP_AGG_MIN},
    {"max", SP_AGG_MAX},
    {"first", SP_AGG_FIRST},
    {"first_value", SP_AGG_FIRST},
    {"last", SP_AGG_LAST},
    {"last_value", SP_AGG_LAST},
    {"stddev", SP_AGG_STDDEV_SAMP},
    {"std", SP_AGG_STDDEV_SAMP},
    {"stddev_samp", SP_AGG_STDDEV_SAMP},
    {"stddev_pop", SP_AGG_STDDEV_POP},
    {"variance", SP_AGG_VAR_SAMP},
    {"var_samp", SP_AGG_VAR_SAMP},
    {"var_pop", SP_AGG_VAR_POP},
    {"approx_count_distinct", SP_AGG_APPROX_COUNT_DISTINCT},
    {"collect_list", SP_AGG_COLLECT_LIST},
    {"array_agg", SP_AGG_COLLECT_LIST},
    {"collect_set", SP_AGG_COLLECT_SET},
};

static const char *const fn_names[SP_AGG_FN_COUNT_] = {
    [SP_AGG_COUNT] = "count",
    [SP_AGG_SUM] = "sum",
    [SP_AGG_AVG] = "avg",
    [SP_AGG_MIN] = "min",
    [SP_AGG_MAX] = "max",
    [SP_AGG_FIRST] = "first",
    [SP_AGG_LAST] = "last",
    [SP_AGG_STDDEV_SAMP] = "stddev_samp",
    [SP_AGG_STDDEV_POP] = "stddev_pop",
    [SP_AGG_VAR_SAMP] = "var_samp",
    [SP_AGG_VAR_POP] = "var_pop",
    [SP_AGG_APPROX_COUNT_DISTINCT] = "approx_count_distinct",
    [SP_AGG_COLLECT_LIST] = "collect_list",
    [SP_AGG_COLLECT_SET] = "collect_set",
};

bool sp_agg_lookup(const char *name, sp_agg_fn *fn)
{
    for (size_t i = 0; i < sizeof agg_names / sizeof agg_names[0]; i++) {
        if (strcasecmp(name, agg_names[i].name) == 0) {
            *fn = agg_names[i].fn;
            return true;
        }
    }
    return false;
}

const char *sp_agg_fn_name(sp_agg_fn fn)
{
    return (unsigned)fn < SP_AGG_FN_COUNT_ ? fn_names[fn] : "?";
}

static bool is_central_moment(sp_agg_fn fn)
{
    return fn == SP_AGG_STDDEV_SAMP || fn == SP_AGG_STDDEV_POP || fn == SP_AGG_VAR_SAMP ||
           fn == SP_AGG_VAR_POP;
}

const sp_sql_type *sp_agg_input_type(sp_agg_fn fn, const sp_sql_type *arg)
{
    if (!arg) return NULL;
    bool str_or_null = arg->id == SP_SQL_STRING || arg->id == SP_SQL_NULL;
    if (fn == SP_AGG_SUM || fn == SP_AGG_AVG) {
        /* TypeCollection(NumericType, intervals): a string (both coercions)
         * or a NULL becomes NumericType's default, DOUBLE */
        if (str_or_null) return sp_sql_prim(SP_SQL_DOUBLE);
        return sp_sql_type_is_numeric(arg) ? arg : NULL;
    }
    if (is_central_moment(fn)) {
        if (str_or_null || sp_sql_type_is_numeric(arg)) return sp_sql_prim(SP_SQL_DOUBLE);
        return NULL;
    }
    if ((fn == SP_AGG_MIN || fn == SP_AGG_MAX) && arg->id == SP_SQL_MAP) return NULL;
    return arg;
}

/* Fills err with Spark's "[DATATYPE_MISMATCH.<sub>] Cannot resolve ..."
 * for fn's argument of type arg. */
static void type_error(spate_arena *a, sp_agg_fn fn, const sp_sql_type *arg, const char *call_sql,
                       const char *arg_sql, char *err, size_t err_size)
{
    if (!err || !err_size) return;
    const char *ts = sp_sql_type_sql(a, arg);
    char call_buf[128];
    if (!call_sql) {
        snprintf(call_buf, sizeof call_buf, "%s(%s)", sp_agg_fn_name(fn), arg_sql ? arg_sql : "x");
        call_sql = call_buf;
    }
    if (!arg_sql) arg_sql = "x";
    if (fn == SP_AGG_MIN || fn == SP_AGG_MAX) {
        snprintf(err, err_size,
                 "[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve \"%s\" due to data type "
                 "mismatch: The `%s` does not support ordering on type \"%s\". SQLSTATE: 42K09",
                 call_sql, sp_agg_fn_name(fn), ts);
        return;
    }
    const char *req = is_central_moment(fn) ? "\"DOUBLE\"" : "(\"NUMERIC\" or \"ANSI INTERVAL\")";
    snprintf(err, err_size,
             "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to data type "
             "mismatch: The first parameter requires the %s type, however \"%s\" has the type "
             "\"%s\". SQLSTATE: 42K09",
             call_sql, req, arg_sql, ts);
}

/* The result type over an argument already of fn's input type. */
static const sp_sql_type *result_of(spate_arena *a, sp_agg_fn fn, const sp_sql_type *in)
{
    switch (fn) {
    case SP_AGG_COUNT:
    case SP_AGG_APPROX_COUNT_DISTINCT:
        return sp_sql_prim(SP_SQL_BIGINT);
    case SP_AGG_SUM:
        if (in->id == SP_SQL_DECIMAL)
            return sp_sql_decimal_bounded(a, in->precision + 10, in->scale);
        return sp_sql_prim(sp_sql_type_is_integral(in) ? SP_SQL_BIGINT : SP_SQL_DOUBLE);
    case SP_AGG_AVG:
        if (in->id == SP_SQL_DECIMAL)
            return sp_sql_decimal_bounded(a, in->precision + 4, in->scale + 4);
        return sp_sql_prim(SP_SQL_DOUBLE);
    case SP_AGG_COLLECT_LIST:
    case SP_AGG_COLLECT_SET:
        return sp_sql_array(a, in, false);
    case SP_AGG_STDDEV_SAMP:
    case SP_AGG_STDDEV_POP:
    case SP_AGG_VAR_SAMP:
    case SP_AGG_VAR_POP:
        return sp_sql_prim(SP_SQL_DOUBLE);
    default:
        return in;
    }
}

const sp_sql_type *sp_agg_result_type_named(spate_arena *a, sp_agg_fn fn, const sp_sql_type *arg,
                                            bool ansi, const char *call_sql, const char *arg_sql,
                                            char *err, size_t err_size)
{
    (void)ansi; /* both coercions cast STRING to DOUBLE for these functions */
    if (err && err_size) err[0] = '\0';
    if (!arg) return fn == SP_AGG_COUNT ? sp_sql_prim(SP_SQL_BIGINT) : NULL;
    const sp_sql_type *in = sp_agg_input_type(fn, arg);
    if (!in) {
        type_error(a, fn, arg, call_sql, arg_sql, err, err_size);
        return NULL;
    }
    return result_of(a, fn, in);
}

const sp_sql_type *sp_agg_result_type(spate_arena *a, sp_agg_fn fn, const sp_sql_type *arg,
                                      bool ansi, char *err, size_t err_size)
{
    return sp_agg_result_type_named(a, fn, arg, ansi, NULL, NULL, err, err_size);
}
