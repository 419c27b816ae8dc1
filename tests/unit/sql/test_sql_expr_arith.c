/* test_sql_expr_arith.c - arithmetic kernels (src/sql/expr_arith.c) against
 * facts from Spark 4.0's ArithmeticExpressionSuite and the ANSI error
 * messages (ARITHMETIC_OVERFLOW, DIVIDE_BY_ZERO,
 * NUMERIC_VALUE_OUT_OF_RANGE), in ANSI mode and legacy mode. */
#include "expr_test_util.h"

#define OVF(m, h)                                                                                  \
    "ERR:[ARITHMETIC_OVERFLOW] " m ". Use '" h "' to tolerate overflow and return NULL instead. "  \
    "If necessary set \"spate.sql.ansi.enabled\" to \"false\" to bypass this error. SQLSTATE: "    \
    "22003"
#define DBZ                                                                                        \
    "ERR:[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and "     \
    "return NULL instead. If necessary set \"spate.sql.ansi.enabled\" to \"false\" to bypass "     \
    "this error. SQLSTATE: 22012"

typedef struct arith_case {
    sp_sql_arith_op op;
    const char *tx, *x, *ty, *y;
    const char *ansi, *legacy;
} arith_case;

static const arith_case cases[] = {
    {SP_SQL_OP_ADD, "int", "1", "int", "2", "3", "3"},
    {SP_SQL_OP_ADD, "int", "2147483647", "int", "1", OVF("integer overflow", "try_add"),
     "-2147483648"},
    {SP_SQL_OP_ADD, "bigint", "9223372036854775807", "bigint", "1", OVF("long overflow", "try_add"),
     "-9223372036854775808"},
    {SP_SQL_OP_SUB, "int", "-2147483648", "int", "1", OVF("integer overflow", "try_subtract"),
     "2147483647"},
    {SP_SQL_OP_MUL, "int", "65536", "int", "65536", OVF("integer overflow", "try_multiply"), "0"},
    {SP_SQL_OP_MUL, "bigint", "-3", "bigint", "7", "-21", "-21"},
    {SP_SQL_OP_ADD, "int", NULL, "int", "1", "NULL", "NULL"},
    {SP_SQL_OP_DIV, "double", "7", "double", "2", "3.5", "3.5"},
    {SP_SQL_OP_DIV, "double", "1", "double", "0", DBZ, "NULL"},
    {SP_SQL_OP_DIV, "double", "1", "double", "3", "0.3333333333333333", "0.3333333333333333"},
    {SP_SQL_OP_INT_DIV, "bigint", "7", "bigint", "2", "3", "3"},
    {SP_SQL_OP_INT_DIV, "bigint", "-7", "bigint", "2", "-3", "-3"},
    {SP_SQL_OP_INT_DIV, "bigint", "7", "bigint", "0", DBZ, "NULL"},
    {SP_SQL_OP_INT_DIV, "bigint", "-9223372036854775808", "bigint", "-1",
     OVF("Overflow in integral divide", "try_divide"), "-9223372036854775808"},
    {SP_SQL_OP_MOD, "int", "-7", "int", "2", "-1", "-1"},
    {SP_SQL_OP_MOD, "int", "7", "int", "-2", "1", "1"},
    {SP_SQL_OP_MOD, "int", "5", "int", "0", DBZ, "NULL"},
    {SP_SQL_OP_MOD, "int", "-2147483648", "int", "-1", "0", "0"},
    {SP_SQL_OP_PMOD, "int", "-7", "int", "2", "1", "1"},
    {SP_SQL_OP_PMOD, "int", "7", "int", "-2", "1", "1"},
    {SP_SQL_OP_PMOD, "int", "-7", "int", "-2", "-1", "-1"},
    {SP_SQL_OP_MOD, "double", "-7.5", "double", "2", "-1.5", "-1.5"},
    {SP_SQL_OP_PMOD, "double", "-7.5", "double", "2", "0.5", "0.5"},
    {SP_SQL_OP_ADD, "tinyint", "100", "tinyint", "27", "127", "127"},
    {SP_SQL_OP_ADD, "tinyint", "100", "tinyint", "100",
     "ERR:[BINARY_ARITHMETIC_OVERFLOW] 100Y + 100Y caused overflow. Use `try_add` to ignore "
     "overflow problem and return NULL. SQLSTATE: 22003",
     "-56"},
    {SP_SQL_OP_ADD, "decimal(3,1)", "1.5", "decimal(3,1)", "2.5", "4.0", "4.0"},
    {SP_SQL_OP_SUB, "decimal(3,1)", "1.5", "decimal(4,2)", "2.25", "-0.75", "-0.75"},
    {SP_SQL_OP_MUL, "decimal(3,1)", "1.5", "decimal(3,1)", "-2.5", "-3.75", "-3.75"},
    {SP_SQL_OP_DIV, "decimal(10,2)", "1.00", "decimal(10,2)", "3.00", "0.3333333333333",
     "0.3333333333333"},
    {SP_SQL_OP_DIV, "decimal(10,2)", "2.00", "decimal(10,2)", "3.00", "0.6666666666667",
     "0.6666666666667"},
    {SP_SQL_OP_DIV, "decimal(10,2)", "2.00", "decimal(10,2)", "0", DBZ, "NULL"},
    {SP_SQL_OP_MOD, "decimal(5,2)", "-7.50", "decimal(3,1)", "2.0", "-1.50", "-1.50"},
    {SP_SQL_OP_ADD, "decimal(38,0)", "99999999999999999999999999999999999999", "decimal(38,0)", "1",
     "ERR:[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] 100000000000000000000000000000000000000 "
     "cannot be represented as Decimal(38, 0). If necessary set \"spate.sql.ansi.enabled\" to "
     "\"false\" to bypass this error, and return NULL instead. SQLSTATE: 22003",
     "NULL"},
};

Test(sql_expr_arith, spark_facts)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const arith_case *c = &cases[i];
        const sp_sql_type *tx = tt(a, c->tx), *ty = tt(a, c->ty);
        const sp_sql_type *rt = sp_sql_arith_result_type(a, c->op, tx, ty, true, true);
        cr_assert_not_null(rt, "case %zu", i);
        for (int ansi = 0; ansi < 2; ansi++) {
            sp_sql_expr *e =
                sp_sql_expr_arith(a, c->op, lit(a, c->tx, c->x), lit(a, c->ty, c->y), rt);
            const char *want = ansi ? c->ansi : c->legacy, *got = eval1(a, e, ansi);
            cr_expect_str_eq(got, want, "case %zu (%s) ansi=%d: got %s", i, sp_sql_expr_print(a, e),
                             ansi, got);
        }
    }
    spate_arena_destroy(a);
}

Test(sql_expr_arith, columns_with_nulls)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = batch1(a, "bigint", (const char *[]){"1", NULL, "-5", "40"}, 4);
    sp_sql_expr *x = sp_sql_expr_column(a, 0, "a", 1, sp_sql_prim(SP_SQL_BIGINT), true);
    sp_sql_expr *e = sp_sql_expr_arith(a, SP_SQL_OP_ADD, x, sp_sql_expr_lit_long(a, 2),
                                       sp_sql_prim(SP_SQL_BIGINT));
    const char *want[] = {"3", "NULL", "-3", "42"};
    for (int r = 0; r < 4; r++)
        cr_expect_str_eq(eval_row(a, e, b, r, true), want[r], "row %d", r);
    sp_sql_expr *n = sp_sql_expr_neg(a, x);
    cr_expect_str_eq(eval_row(a, n, b, 2, true), "5");
    /* a null row's garbage never overflows: legacy and ANSI agree */
    cr_expect_str_eq(sp_sql_expr_print(a, e), "(a#1 + 2)");
    spate_arena_destroy(a);
}

Test(sql_expr_arith, unary_minus)
{
    spate_arena *a = spate_arena_new();
    sp_sql_expr *e = sp_sql_expr_neg(a, lit(a, "int", "-2147483648"));
    cr_expect_str_eq(eval1(a, e, false), "-2147483648");
    cr_expect(strncmp(eval1(a, e, true), "ERR:[ARITHMETIC_OVERFLOW]", 25) == 0);
    cr_expect_str_eq(eval1(a, sp_sql_expr_neg(a, lit(a, "decimal(3,1)", "1.5")), true), "-1.5");
    spate_arena_destroy(a);
}
