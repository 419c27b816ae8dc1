/* test_agg_types.c - aggregate names and Spark 4.0's result types and
 * DATATYPE_MISMATCH messages (src/sql/agg_types.c). Result types follow
 * Sum/Average/CentralMomentAgg's dataType and DecimalType.bounded; types
 * are DDL, "-" means the call is refused. */
#include <criterion/criterion.h>

#include "sql/agg.h"

#include <stdio.h>
#include <string.h>

static const sp_sql_type *ty(spate_arena *a, const char *ddl)
{
    sp_sql_type_error err;
    const sp_sql_type *t = sp_sql_type_parse(a, ddl, &err);
    cr_assert_not_null(t, "%s: %s", ddl, err.message);
    return t;
}

Test(agg_types, lookup_and_names)
{
    static const struct {
        const char *name;
        sp_agg_fn fn;
        const char *printed;
    } cases[] = {
        {"COUNT", SP_AGG_COUNT, "count"},
        {"mean", SP_AGG_AVG, "avg"},
        {"std", SP_AGG_STDDEV_SAMP, "stddev_samp"},
        {"variance", SP_AGG_VAR_SAMP, "var_samp"},
        {"first_value", SP_AGG_FIRST, "first"},
        {"last_value", SP_AGG_LAST, "last"},
        {"array_agg", SP_AGG_COLLECT_LIST, "collect_list"},
        {"Approx_Count_Distinct", SP_AGG_APPROX_COUNT_DISTINCT, "approx_count_distinct"},
        {"var_pop", SP_AGG_VAR_POP, "var_pop"},
        {"collect_set", SP_AGG_COLLECT_SET, "collect_set"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_agg_fn fn;
        cr_assert(sp_agg_lookup(cases[i].name, &fn), "%s", cases[i].name);
        cr_expect_eq(fn, cases[i].fn, "%s", cases[i].name);
        cr_expect_str_eq(sp_agg_fn_name(fn), cases[i].printed);
    }
    sp_agg_fn fn;
    cr_expect_not(sp_agg_lookup("upper", &fn));
    cr_expect_not(sp_agg_lookup("counts", &fn));
}

static const struct {
    sp_agg_fn fn;
    const char *arg, *want;
} RESULT_CASES[] = {
    {SP_AGG_COUNT, "string", "bigint"},
    {SP_AGG_SUM, "int", "bigint"},
    {SP_AGG_SUM, "tinyint", "bigint"},
    {SP_AGG_SUM, "float", "double"},
    {SP_AGG_SUM, "decimal(10,2)", "decimal(20,2)"},
    {SP_AGG_SUM, "decimal(38,2)", "decimal(38,2)"},
    {SP_AGG_SUM, "decimal(30,5)", "decimal(38,5)"},
    {SP_AGG_SUM, "string", "double"},
    {SP_AGG_SUM, "void", "double"},
    {SP_AGG_SUM, "boolean", "-"},
    {SP_AGG_SUM, "date", "-"},
    {SP_AGG_AVG, "bigint", "double"},
    {SP_AGG_AVG, "decimal(10,2)", "decimal(14,6)"},
    {SP_AGG_AVG, "decimal(38,2)", "decimal(38,6)"},
    {SP_AGG_AVG, "decimal(36,35)", "decimal(38,38)"},
    {SP_AGG_AVG, "timestamp", "-"},
    {SP_AGG_MIN, "string", "string"},
    {SP_AGG_MAX, "decimal(5,1)", "decimal(5,1)"},
    {SP_AGG_MAX, "array<int>", "array<int>"},
    {SP_AGG_MAX, "map<string,int>", "-"},
    {SP_AGG_FIRST, "map<string,int>", "map<string,int>"},
    {SP_AGG_STDDEV_SAMP, "int", "double"},
    {SP_AGG_VAR_POP, "decimal(10,2)", "double"},
    {SP_AGG_VAR_SAMP, "string", "double"},
    {SP_AGG_STDDEV_POP, "boolean", "-"},
    {SP_AGG_APPROX_COUNT_DISTINCT, "string", "bigint"},
    {SP_AGG_COLLECT_LIST, "int", "array<int>"},
};

Test(agg_types, result_types)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof RESULT_CASES / sizeof RESULT_CASES[0]; i++) {
        char err[512];
        const sp_sql_type *got = sp_agg_result_type(
            a, RESULT_CASES[i].fn, ty(a, RESULT_CASES[i].arg), true, err, sizeof err);
        const char *fname = sp_agg_fn_name(RESULT_CASES[i].fn);
        if (RESULT_CASES[i].want[0] == '-') {
            cr_expect_null(got, "%s(%s)", fname, RESULT_CASES[i].arg);
            cr_expect(strstr(err, "[DATATYPE_MISMATCH."), "%s(%s): %s", fname, RESULT_CASES[i].arg,
                      err);
            continue;
        }
        cr_expect(got && sp_sql_type_equal_ignore_nullable(got, ty(a, RESULT_CASES[i].want)),
                  "%s(%s): want %s", fname, RESULT_CASES[i].arg, RESULT_CASES[i].want);
    }
    char err[16];
    cr_expect(sp_sql_type_equal(sp_agg_result_type(a, SP_AGG_COUNT, NULL, false, err, sizeof err),
                                sp_sql_prim(SP_SQL_BIGINT)));
    spate_arena_destroy(a);
}

Test(agg_types, messages)
{
    spate_arena *a = spate_arena_new();
    char err[512];
    cr_expect_null(sp_agg_result_type_named(a, SP_AGG_SUM, ty(a, "boolean"), true, "sum(b)", "b",
                                            err, sizeof err));
    cr_expect_str_eq(err, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"sum(b)\" due "
                          "to data type mismatch: The first parameter requires the (\"NUMERIC\" "
                          "or \"ANSI INTERVAL\") type, however \"b\" has the type \"BOOLEAN\". "
                          "SQLSTATE: 42K09");
    cr_expect_null(sp_agg_result_type_named(a, SP_AGG_STDDEV_SAMP, ty(a, "date"), false,
                                            "stddev_samp(d)", "d", err, sizeof err));
    cr_expect_str_eq(err, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "
                          "\"stddev_samp(d)\" due to data type mismatch: The first parameter "
                          "requires the \"DOUBLE\" type, however \"d\" has the type \"DATE\". "
                          "SQLSTATE: 42K09");
    cr_expect_null(sp_agg_result_type_named(a, SP_AGG_MAX, ty(a, "map<string,int>"), false,
                                            "max(m)", "m", err, sizeof err));
    cr_expect_str_eq(err, "[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve \"max(m)\" "
                          "due to data type mismatch: The `max` does not support ordering on "
                          "type \"MAP<STRING, INT>\". SQLSTATE: 42K09");
    cr_expect(sp_sql_type_equal(sp_agg_input_type(SP_AGG_SUM, ty(a, "string")),
                                sp_sql_prim(SP_SQL_DOUBLE)));
    cr_expect(sp_sql_type_equal(sp_agg_input_type(SP_AGG_VAR_POP, ty(a, "int")),
                                sp_sql_prim(SP_SQL_DOUBLE)));
    cr_expect(
        sp_sql_type_equal(sp_agg_input_type(SP_AGG_SUM, ty(a, "int")), sp_sql_prim(SP_SQL_INT)));
    spate_arena_destroy(a);
}
