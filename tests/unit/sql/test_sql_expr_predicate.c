/* test_sql_expr_predicate.c - comparisons, AND/OR/NOT, IS [NOT] NULL, IN,
 * BETWEEN and the selection vector (src/sql/expr_compare.c, expr_logic.c)
 * against facts from Spark 4.0's PredicateSuite: three-valued logic, NaN
 * and -0.0, binary string order, null-safe equality. */
#include "expr_test_util.h"

static sp_sql_expr *cmp(spate_arena *a, sp_sql_cmp_op op, const char *t, const char *x,
                        const char *y)
{
    return sp_sql_expr_cmp(a, op, lit(a, t, x), lit(a, t, y));
}

Test(sql_expr_predicate, comparisons)
{
    spate_arena *a = spate_arena_new();
    struct {
        sp_sql_cmp_op op;
        const char *t, *x, *y, *want;
    } cases[] = {
        {SP_SQL_CMP_LT, "int", "1", "2", "true"},
        {SP_SQL_CMP_GE, "bigint", "-1", "2", "false"},
        {SP_SQL_CMP_LT, "string", "abc", "abd", "true"},
        {SP_SQL_CMP_LT, "string", "a", "B", "false"},
        {SP_SQL_CMP_LT, "string", "ab", "abc", "true"},
        {SP_SQL_CMP_EQ, "double", "NaN", "NaN", "true"},
        {SP_SQL_CMP_GT, "double", "NaN", "1e308", "true"},
        {SP_SQL_CMP_EQ, "double", "-0.0", "0.0", "true"},
        {SP_SQL_CMP_EQ, "int", NULL, "1", "NULL"},
        {SP_SQL_CMP_NE, "int", "1", "2", "true"},
        {SP_SQL_CMP_EQ_NULL_SAFE, "int", NULL, NULL, "true"},
        {SP_SQL_CMP_EQ_NULL_SAFE, "int", "1", NULL, "false"},
        {SP_SQL_CMP_LT, "date", "2020-01-01", "2020-01-02", "true"},
        {SP_SQL_CMP_LE, "timestamp", "2020-01-01 10:00:00", "2020-01-01 09:59:59", "false"},
        {SP_SQL_CMP_LT, "boolean", "false", "true", "true"},
        {SP_SQL_CMP_EQ, "decimal(5,2)", "1.50", "1.5", "true"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_sql_expr *e = cmp(a, cases[i].op, cases[i].t, cases[i].x, cases[i].y);
        cr_expect_str_eq(eval1(a, e, true), cases[i].want, "case %zu %s", i,
                         sp_sql_expr_print(a, e));
    }
    spate_arena_destroy(a);
}

/* Rows of (x, y) over {true, false, null}^2 and the answers of SQL's
 * three-valued AND, OR, NOT x. */
Test(sql_expr_predicate, three_valued_logic)
{
    spate_arena *a = spate_arena_new();
    const char *xs[] = {"true", "true", "true", "false", "false", "false", NULL, NULL, NULL};
    const char *ys[] = {"true", "false", NULL, "true", "false", NULL, "true", "false", NULL};
    const char *and_[] = {"true",  "false", "NULL",  "false", "false",
                          "false", "NULL",  "false", "NULL"};
    const char *or_[] = {"true", "true", "true", "true", "false", "NULL", "true", "NULL", "NULL"};
    const char *not_[] = {"false", "false", "false", "true", "true",
                          "true",  "NULL",  "NULL",  "NULL"};
    sp_colbatch *bx = batch1(a, "boolean", xs, 9), *by = batch1(a, "boolean", ys, 9);
    sp_colbatch *b = sp_colbatch_new(a, 2, (sp_coltype[]){SP_COL_BOOL, SP_COL_BOOL}, NULL, 9);
    b->cols[0] = bx->cols[0];
    b->cols[1] = by->cols[0];
    b->length = 9;
    const sp_sql_type *bt = sp_sql_prim(SP_SQL_BOOLEAN);
    sp_sql_expr *x = sp_sql_expr_column(a, 0, "x", 1, bt, true);
    sp_sql_expr *y = sp_sql_expr_column(a, 1, "y", 2, bt, true);
    sp_sql_expr *ea = sp_sql_expr_and(a, x, y), *eo = sp_sql_expr_or(a, x, y);
    sp_sql_expr *en = sp_sql_expr_not(a, x);
    for (int r = 0; r < 9; r++) {
        cr_expect_str_eq(eval_row(a, ea, b, r, true), and_[r], "AND row %d", r);
        cr_expect_str_eq(eval_row(a, eo, b, r, true), or_[r], "OR row %d", r);
        cr_expect_str_eq(eval_row(a, en, b, r, true), not_[r], "NOT row %d", r);
    }
    cr_expect_str_eq(sp_sql_expr_print(a, ea), "(x#1 AND y#2)");
    /* selection: rows where x AND y is TRUE; x OR y */
    sp_sql_eval_ctx ctx;
    sp_sql_eval_ctx_init(&ctx, a, NULL, true);
    int64_t n;
    int32_t *sel = sp_sql_expr_select(eo, b, &ctx, &n);
    cr_assert_eq(n, 5);
    int32_t want[] = {0, 1, 2, 3, 6};
    for (int i = 0; i < 5; i++)
        cr_expect_eq(sel[i], want[i]);
    spate_arena_destroy(a);
}

Test(sql_expr_predicate, short_circuit_in_ansi)
{
    spate_arena *a = spate_arena_new();
    const sp_sql_type *dt = sp_sql_prim(SP_SQL_DOUBLE);
    sp_sql_expr *div =
        sp_sql_expr_arith(a, SP_SQL_OP_DIV, lit(a, "double", "1"), lit(a, "double", "0"), dt);
    sp_sql_expr *bad = sp_sql_expr_cmp(a, SP_SQL_CMP_EQ, div, lit(a, "double", "1"));
    cr_expect_str_eq(eval1(a, sp_sql_expr_and(a, sp_sql_expr_lit_bool(a, false), bad), true),
                     "false");
    cr_expect_str_eq(eval1(a, sp_sql_expr_or(a, sp_sql_expr_lit_bool(a, true), bad), true), "true");
    cr_expect(!strncmp(eval1(a, sp_sql_expr_and(a, sp_sql_expr_lit_bool(a, true), bad), true),
                       "ERR:[DIVIDE_BY_ZERO]", 20));
    spate_arena_destroy(a);
}

Test(sql_expr_predicate, in_between_null_checks)
{
    spate_arena *a = spate_arena_new();
    struct {
        const char *x, *l1, *l2, *want;
    } cases[] = {
        {"1", "1", "2", "true"},  {"3", "1", "2", "false"}, {"3", "1", NULL, "NULL"},
        {NULL, "1", "2", "NULL"}, {"1", "1", NULL, "true"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_sql_expr *list[] = {lit(a, "int", cases[i].l1), lit(a, "int", cases[i].l2)};
        sp_sql_expr *e = sp_sql_expr_in(a, lit(a, "int", cases[i].x), list, 2);
        cr_expect_str_eq(eval1(a, e, true), cases[i].want, "IN case %zu", i);
    }
    sp_sql_expr *x = sp_sql_expr_column(a, 0, "a", 1, sp_sql_prim(SP_SQL_INT), true);
    sp_sql_expr *list[] = {sp_sql_expr_lit_int(a, 1), sp_sql_expr_lit_int(a, 2)};
    cr_expect_str_eq(sp_sql_expr_print(a, sp_sql_expr_in(a, x, list, 2)), "a#1 IN (1,2)");
    cr_expect_str_eq(
        eval1(a, sp_sql_expr_between(a, lit(a, "int", "2"), lit(a, "int", "1"), lit(a, "int", "3")),
              true),
        "true");
    cr_expect_str_eq(eval1(a, sp_sql_expr_is_null(a, lit(a, "int", NULL), false), true), "true");
    cr_expect_str_eq(eval1(a, sp_sql_expr_is_null(a, lit(a, "int", "1"), true), true), "true");
    cr_expect_str_eq(sp_sql_expr_print(a, sp_sql_expr_is_null(a, x, true)), "isnotnull(a#1)");
    cr_expect_str_eq(
        sp_sql_expr_print(a, sp_sql_expr_cmp(a, SP_SQL_CMP_NE, x, sp_sql_expr_lit_int(a, 2))),
        "NOT (a#1 = 2)");
    spate_arena_destroy(a);
}
