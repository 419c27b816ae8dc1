/* test_sql_expr_cast.c - CAST kernels (src/sql/expr_cast*.c) against facts
 * from Spark 4.0's CastSuite and CastWithAnsiOnSuite, and Java's
 * Double.toString/Float.toString as Spark prints doubles. */
#include "expr_test_util.h"

#define INVALID(v, t)                                                                              \
    "ERR:[CAST_INVALID_INPUT] The value '" v "' of the type \"STRING\" cannot be cast to \"" t     \
    "\" because it is malformed. Correct the value as per the syntax, or change its target "       \
    "type. Use `try_cast` to tolerate malformed input and return NULL instead. SQLSTATE: 22018"
#define OVERFLOW(v, f, t)                                                                          \
    "ERR:[CAST_OVERFLOW] The value " v " of the type \"" f "\" cannot be cast to \"" t             \
    "\" due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. "         \
    "SQLSTATE: 22003"

typedef struct cast_case {
    const char *from, *value, *to;
    const char *ansi, *legacy;
} cast_case;

static const cast_case cases[] = {
    {"string", "123", "int", "123", "123"},
    {"string", " 123 ", "int", "123", "123"},
    {"string", "-0042", "bigint", "-42", "-42"},
    {"string", "1.9", "int", INVALID("1.9", "INT"), "1"},
    {"string", "abc", "int", INVALID("abc", "INT"), "NULL"},
    {"string", "128", "tinyint", INVALID("128", "TINYINT"), "NULL"},
    {"string", "9223372036854775808", "bigint", INVALID("9223372036854775808", "BIGINT"), "NULL"},
    {"int", "128", "tinyint", OVERFLOW("128", "INT", "TINYINT"), "-128"},
    {"bigint", "2147483648", "int", OVERFLOW("2147483648L", "BIGINT", "INT"), "-2147483648"},
    {"double", "1.9", "int", "1", "1"},
    {"double", "-1.9", "int", "-1", "-1"},
    {"double", "1e10", "int", OVERFLOW("1.0E10D", "DOUBLE", "INT"), "2147483647"},
    {"double", "NaN", "bigint", OVERFLOW("CAST('NaN' AS DOUBLE)", "DOUBLE", "BIGINT"), "0"},
    {"decimal(5,2)", "-123.99", "int", "-123", "-123"},
    {"boolean", "true", "int", "1", "1"},
    {"int", "0", "boolean", "false", "false"},
    {"string", " Yes ", "boolean", "true", "true"},
    {"string", "abc", "boolean", INVALID("abc", "BOOLEAN"), "NULL"},
    {"string", "1.5", "double", "1.5", "1.5"},
    {"string", "-Infinity", "double", "-Infinity", "-Infinity"},
    {"string", "1e3", "double", "1000.0", "1000.0"},
    {"string", "x1", "double", INVALID("x1", "DOUBLE"), "NULL"},
    {"string", "123.456", "decimal(5,2)", "123.46", "123.46"},
    {"string", "-1.005", "decimal(4,2)", "-1.01", "-1.01"},
    {"double", "0.1", "decimal(3,2)", "0.10", "0.10"},
    {"decimal(4,3)", "1.005", "decimal(3,2)", "1.01", "1.01"},
    {"int", "12", "decimal(3,1)", "12.0", "12.0"},
    {"tinyint", "-5", "decimal(3,2)", "-5.00", "-5.00"},
    {"smallint", "123", "decimal(5,2)", "123.00", "123.00"},
    {"bigint", "-9223372036854775808", "decimal(20,0)", "-9223372036854775808",
     "-9223372036854775808"},
    {"bigint", "7", "decimal(38,20)", "7.00000000000000000000", "7.00000000000000000000"},
    {"decimal(5,2)", "1.50", "string", "1.50", "1.50"},
    {"double", "1e10", "string", "1.0E10", "1.0E10"},
    {"double", "0.1", "string", "0.1", "0.1"},
    {"double", "1e-5", "string", "1.0E-5", "1.0E-5"},
    {"double", "1234567", "string", "1234567.0", "1234567.0"},
    {"double", "10000000", "string", "1.0E7", "1.0E7"},
    {"double", "0.001", "string", "0.001", "0.001"},
    {"double", "0.0001", "string", "1.0E-4", "1.0E-4"},
    {"double", "-0.0", "string", "-0.0", "-0.0"},
    {"double", "4.9E-324", "string", "4.9E-324", "4.9E-324"},
    {"double", "1.7976931348623157E308", "string", "1.7976931348623157E308",
     "1.7976931348623157E308"},
    {"double", "123456789.125", "string", "1.23456789125E8", "1.23456789125E8"},
    {"float", "1.1", "string", "1.1", "1.1"},
    {"float", "1e10", "string", "1.0E10", "1.0E10"},
    {"float", "3.4028235e38", "string", "3.4028235E38", "3.4028235E38"},
    {"boolean", "false", "string", "false", "false"},
    {"string", "2015-03-18", "date", "2015-03-18", "2015-03-18"},
    {"string", "2015-03-18 12:03:17", "timestamp", "2015-03-18 12:03:17", "2015-03-18 12:03:17"},
    {"date", "2015-03-18", "timestamp", "2015-03-18 00:00:00", "2015-03-18 00:00:00"},
    {"timestamp", "2015-03-18 12:03:17", "date", "2015-03-18", "2015-03-18"},
    {"string", "2015-13-18", "date",
     "ERR:[CAST_INVALID_INPUT] The value '2015-13-18' of the type \"STRING\" cannot be cast to "
     "\"DATE\" because it is malformed. Correct the value as per the syntax, or change its "
     "target type. Use `try_cast` to tolerate malformed input and return NULL instead. "
     "SQLSTATE: 22018",
     "NULL"},
};

Test(sql_expr_cast, spark_facts)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const cast_case *c = &cases[i];
        for (int ansi = 0; ansi < 2; ansi++) {
            sp_sql_expr *e = sp_sql_expr_cast(a, lit(a, c->from, c->value), tt(a, c->to));
            const char *want = ansi ? c->ansi : c->legacy, *got = eval1(a, e, ansi);
            cr_expect_str_eq(got, want, "case %zu %s ansi=%d: got %s", i, sp_sql_expr_print(a, e),
                             ansi, got);
        }
    }
    spate_arena_destroy(a);
}

Test(sql_expr_cast, decimal_out_of_range)
{
    spate_arena *a = spate_arena_new();
    sp_sql_expr *e = sp_sql_expr_cast(a, lit(a, "string", "1234.5"), tt(a, "decimal(5,2)"));
    cr_expect_str_eq(eval1(a, e, false), "NULL");
    const char *got = eval1(a, e, true);
    cr_expect(strstr(got, "[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] ") &&
                  strstr(got, "cannot be represented as Decimal(5, 2)"),
              "%s", got);
    spate_arena_destroy(a);
}

Test(sql_expr_cast, plan_string)
{
    spate_arena *a = spate_arena_new();
    sp_sql_expr *x = sp_sql_expr_column(a, 0, "x", 2, sp_sql_prim(SP_SQL_INT), true);
    cr_expect_str_eq(sp_sql_expr_print(a, sp_sql_expr_cast(a, x, tt(a, "bigint"))),
                     "cast(x#2 as bigint)");
    spate_arena_destroy(a);
}
