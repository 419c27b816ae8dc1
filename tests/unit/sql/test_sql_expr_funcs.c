/* test_sql_expr_funcs.c - string, math, conditional and LIKE kernels
 * against facts from Spark 4.0's StringExpressionsSuite,
 * MathExpressionsSuite, ConditionalExpressionSuite and
 * RegexpExpressionsSuite (LIKE). */
#include "expr_test_util.h"

static sp_sql_expr *fn(spate_arena *a, sp_sql_func f, int n, sp_sql_expr *x, sp_sql_expr *y,
                       sp_sql_expr *z)
{
    sp_sql_expr *args[] = {x, y, z};
    return sp_sql_expr_func(a, f, args, n, NULL);
}

#define S(v) lit(a, "string", v)
#define I(v) lit(a, "int", v)
#define D(v) lit(a, "double", v)

Test(sql_expr_funcs, strings)
{
    spate_arena *a = spate_arena_new();
    struct {
        sp_sql_expr *e;
        const char *want;
    } cases[] = {
        {fn(a, SP_SQL_F_LENGTH, 1, S("a\xc3\xa9z"), 0, 0), "3"},
        {fn(a, SP_SQL_F_UPPER, 1, S("aBc"), 0, 0), "ABC"},
        {fn(a, SP_SQL_F_LOWER, 1, S("aBc"), 0, 0), "abc"},
        {fn(a, SP_SQL_F_TRIM, 1, S("  a b  "), 0, 0), "a b"},
        {fn(a, SP_SQL_F_LTRIM, 1, S("  a "), 0, 0), "a "},
        {fn(a, SP_SQL_F_RTRIM, 1, S("  a "), 0, 0), "  a"},
        {fn(a, SP_SQL_F_SUBSTRING, 3, S("example"), I("1"), I("3")), "exa"},
        {fn(a, SP_SQL_F_SUBSTRING, 3, S("example"), I("0"), I("3")), "exa"},
        {fn(a, SP_SQL_F_SUBSTRING, 3, S("example"), I("-3"), I("2")), "pl"},
        {fn(a, SP_SQL_F_SUBSTRING, 2, S("example"), I("3"), 0), "ample"},
        {fn(a, SP_SQL_F_SUBSTRING, 3, S("example"), I("-100"), I("3")), ""},
        {fn(a, SP_SQL_F_SUBSTRING, 3, S("example"), I("-8"), I("3")), "ex"},
        {fn(a, SP_SQL_F_SUBSTRING, 3, S("example"), I(NULL), I("3")), "NULL"},
        {fn(a, SP_SQL_F_CONCAT, 3, S("ab"), S("c"), S("de")), "abcde"},
        {fn(a, SP_SQL_F_CONCAT, 2, S("ab"), S(NULL), 0), "NULL"},
        {fn(a, SP_SQL_F_CONCAT_WS, 3, S("-"), S("a"), S("b")), "a-b"},
        {fn(a, SP_SQL_F_CONCAT_WS, 3, S("-"), S(NULL), S("b")), "b"},
        {fn(a, SP_SQL_F_CONCAT_WS, 3, S(NULL), S("a"), S("b")), "NULL"},
        {fn(a, SP_SQL_F_INSTR, 2, S("aaads"), S("ds"), 0), "4"},
        {fn(a, SP_SQL_F_INSTR, 2, S("aaads"), S("x"), 0), "0"},
        /* StringExpressionsSuite "replace" */
        {fn(a, SP_SQL_F_REPLACE, 3, S("replace"), S("pl"), S("123")), "re123ace"},
        {fn(a, SP_SQL_F_REPLACE, 2, S("replace"), S("pl"), 0), "reace"},
        {fn(a, SP_SQL_F_REPLACE, 3, S("replace"), S(""), S("123")), "replace"},
        {fn(a, SP_SQL_F_REPLACE, 3, S("abcabc"), S("b"), S("12")), "a12ca12c"},
        {fn(a, SP_SQL_F_REPLACE, 3, S("abcdabcd"), S("bc"), S("")), "adad"},
        {fn(a, SP_SQL_F_REPLACE, 3, S("aaa"), S("aa"), S("b")), "ba"},
        {fn(a, SP_SQL_F_REPLACE, 3, S("\xe6\x95\xb0\xe6\x8d\xae\xe7\xa0\x96"), S("\xe6\x95\xb0"),
            S("x")),
         "x\xe6\x8d\xae\xe7\xa0\x96"},
        {fn(a, SP_SQL_F_REPLACE, 3, S(NULL), S("a"), S("b")), "NULL"},
        {fn(a, SP_SQL_F_LPAD, 3, S("hi"), I("5"), S("??")), "???hi"},
        {fn(a, SP_SQL_F_LPAD, 3, S("hi"), I("1"), S("??")), "h"},
        {fn(a, SP_SQL_F_RPAD, 3, S("hi"), I("5"), S("ab")), "hiaba"},
        {fn(a, SP_SQL_F_RPAD, 2, S("hi"), I("4"), 0), "hi  "},
        {fn(a, SP_SQL_F_LPAD, 3, S("hi"), I("-1"), S("?")), ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_str_eq(eval1(a, cases[i].e, true), cases[i].want, "case %zu %s: %s", i,
                         sp_sql_expr_print(a, cases[i].e), eval1(a, cases[i].e, true));
    spate_arena_destroy(a);
}

Test(sql_expr_funcs, math)
{
    spate_arena *a = spate_arena_new();
    struct {
        sp_sql_expr *e;
        const char *want;
    } cases[] = {
        {fn(a, SP_SQL_F_ABS, 1, I("-3"), 0, 0), "3"},
        {fn(a, SP_SQL_F_ABS, 1, D("-1.5"), 0, 0), "1.5"},
        {fn(a, SP_SQL_F_ROUND, 2, D("2.5"), I("0"), 0), "3.0"},
        {fn(a, SP_SQL_F_ROUND, 2, D("-2.5"), I("0"), 0), "-3.0"},
        {fn(a, SP_SQL_F_BROUND, 2, D("2.5"), I("0"), 0), "2.0"},
        {fn(a, SP_SQL_F_BROUND, 2, D("3.5"), I("0"), 0), "4.0"},
        {fn(a, SP_SQL_F_ROUND, 2, D("2.675"), I("2"), 0), "2.68"},
        {fn(a, SP_SQL_F_ROUND, 2, D("3.1415926"), I("3"), 0), "3.142"},
        {fn(a, SP_SQL_F_ROUND, 2, D("9.99"), I("1"), 0), "10.0"},
        {fn(a, SP_SQL_F_ROUND, 2, I("125"), I("-1"), 0), "130"},
        {fn(a, SP_SQL_F_BROUND, 2, I("125"), I("-1"), 0), "120"},
        {fn(a, SP_SQL_F_ROUND, 2, lit(a, "decimal(5,3)", "1.005"), I("2"), 0), "1.010"},
        {fn(a, SP_SQL_F_FLOOR, 1, D("-1.5"), 0, 0), "-2"},
        {fn(a, SP_SQL_F_CEIL, 1, D("1.2"), 0, 0), "2"},
        {fn(a, SP_SQL_F_FLOOR, 1, lit(a, "decimal(5,2)", "-1.25"), 0, 0), "-2"},
        {fn(a, SP_SQL_F_CEIL, 1, lit(a, "decimal(5,2)", "1.25"), 0, 0), "2"},
        {fn(a, SP_SQL_F_SQRT, 1, D("4"), 0, 0), "2.0"},
        {fn(a, SP_SQL_F_SQRT, 1, D("-1"), 0, 0), "NaN"},
        {fn(a, SP_SQL_F_POW, 2, D("2"), D("10"), 0), "1024.0"},
        {fn(a, SP_SQL_F_GREATEST, 3, I("1"), I(NULL), I("3")), "3"},
        {fn(a, SP_SQL_F_LEAST, 3, I("1"), I(NULL), I("3")), "1"},
        {fn(a, SP_SQL_F_GREATEST, 2, I(NULL), I(NULL), 0), "NULL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_str_eq(eval1(a, cases[i].e, true), cases[i].want, "case %zu %s: %s", i,
                         sp_sql_expr_print(a, cases[i].e), eval1(a, cases[i].e, true));
    spate_arena_destroy(a);
}

Test(sql_expr_funcs, conditionals)
{
    spate_arena *a = spate_arena_new();
    sp_sql_expr *dz = sp_sql_expr_arith(a, SP_SQL_OP_DIV, D("1"), D("0"), tt(a, "double"));
    sp_sql_expr *c1[] = {sp_sql_expr_lit_bool(a, false), sp_sql_expr_lit_bool(a, true)};
    sp_sql_expr *v1[] = {dz, D("2")};
    sp_sql_expr *cw = sp_sql_expr_case(a, c1, v1, 2, D("3"), tt(a, "double"));
    cr_expect_str_eq(eval1(a, cw, true), "2.0"); /* the 1/0 branch is not taken */
    sp_sql_expr *c2[] = {
        sp_sql_expr_cmp(a, SP_SQL_CMP_GT, sp_sql_expr_lit_int(a, 1), sp_sql_expr_lit_int(a, 2))};
    sp_sql_expr *v2[] = {sp_sql_expr_lit_int(a, 1)};
    cr_expect_str_eq(eval1(a, sp_sql_expr_case(a, c2, v2, 1, NULL, tt(a, "int")), true), "NULL");
    cr_expect_str_eq(sp_sql_expr_print(a, sp_sql_expr_case(a, c2, v2, 1, sp_sql_expr_lit_int(a, 0),
                                                           tt(a, "int"))),
                     "CASE WHEN (1 > 2) THEN 1 ELSE 0 END");
    cr_expect_str_eq(eval1(a, fn(a, SP_SQL_F_COALESCE, 3, I(NULL), I("2"), I("3")), true), "2");
    cr_expect_str_eq(eval1(a, fn(a, SP_SQL_F_COALESCE, 2, S(NULL), S("x"), 0), true), "x");
    cr_expect_str_eq(eval1(a, fn(a, SP_SQL_F_COALESCE, 2, D("1"), dz, 0), true), "1.0");
    cr_expect_str_eq(eval1(a, fn(a, SP_SQL_F_NVL, 2, I(NULL), I("7"), 0), true), "7");
    cr_expect_str_eq(eval1(a, fn(a, SP_SQL_F_NULLIF, 2, I("7"), I("7"), 0), true), "NULL");
    cr_expect_str_eq(eval1(a, fn(a, SP_SQL_F_NULLIF, 2, I("7"), I("8"), 0), true), "7");
    sp_sql_expr *iff = fn(a, SP_SQL_F_IF, 3, sp_sql_expr_lit_bool(a, true), S("y"), S("n"));
    cr_expect_str_eq(eval1(a, iff, true), "y");
    cr_expect_str_eq(eval1(a, fn(a, SP_SQL_F_IF, 3, lit(a, "boolean", NULL), S("y"), S("n")), true),
                     "n");
    spate_arena_destroy(a);
}

Test(sql_expr_funcs, like)
{
    spate_arena *a = spate_arena_new();
    struct {
        const char *s, *p;
        char esc;
        const char *want;
    } cases[] = {
        {"abc", "abc", '\\', "true"},     {"abc", "a%", '\\', "true"},
        {"abc", "%c", '\\', "true"},      {"abc", "a_c", '\\', "true"},
        {"abc", "a_", '\\', "false"},     {"a\xc3\xa9", "a_", '\\', "true"},
        {"a%c", "a\\%c", '\\', "true"},   {"abc", "a\\%c", '\\', "false"},
        {"a_c", "a/_c", '/', "true"},     {"", "%", '\\', "true"},
        {"abcabd", "%ab_", '\\', "true"}, {NULL, "a", '\\', "NULL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_sql_expr *e = sp_sql_expr_like(a, S(cases[i].s), S(cases[i].p), cases[i].esc);
        cr_expect_str_eq(eval1(a, e, true), cases[i].want, "case %zu", i);
    }
    spate_arena_destroy(a);
}
