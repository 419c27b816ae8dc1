/* test_sql_coercion.c - Spark 4.0's type coercion (src/sql/coercion.h):
 * findTightestCommonType and findWiderTypeForTwo (facts from
 * TypeCoercionSuite and AnsiTypeCoercionSuite), comparison types, the
 * DecimalPrecision rules (DecimalPrecisionSuite) and the result type of the
 * arithmetic operators. Types are written as DDL; "-" means no type. */
#include <criterion/criterion.h>

#include "sql/coercion.h"

#include <stdio.h>

static const sp_sql_type *ty(spate_arena *a, const char *ddl)
{
    sp_sql_type_error err;
    const sp_sql_type *t = sp_sql_type_parse(a, ddl, &err);
    cr_assert_not_null(t, "%s: %s", ddl, err.message);
    return t;
}

/* want is DDL or "-" (NULL expected). */
static void expect_type(spate_arena *a, const sp_sql_type *got, const char *want, const char *what)
{
    if (want[0] == '-') {
        cr_expect_null(got, "%s: got %s", what, got ? sp_sql_type_sql(a, got) : "");
        return;
    }
    cr_expect(got && sp_sql_type_equal(got, ty(a, want)), "%s: want %s, got %s", what, want,
              got ? sp_sql_type_sql(a, got) : "none");
}

typedef struct pair_case {
    const char *x, *y, *legacy, *ansi;
} pair_case;

static void run_pairs(const pair_case *cases, size_t n,
                      const sp_sql_type *(*fn)(spate_arena *, const sp_sql_type *,
                                               const sp_sql_type *, bool))
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < n; i++) {
        const sp_sql_type *x = ty(a, cases[i].x), *y = ty(a, cases[i].y);
        char what[256];
        for (int ansi = 0; ansi < 2; ansi++) {
            const char *want = ansi ? cases[i].ansi : cases[i].legacy;
            snprintf(what, sizeof what, "%s, %s (ansi %d)", cases[i].x, cases[i].y, ansi);
            expect_type(a, fn(a, x, y, ansi), want, what);
            snprintf(what, sizeof what, "%s, %s (ansi %d)", cases[i].y, cases[i].x, ansi);
            expect_type(a, fn(a, y, x, ansi), want, what); /* symmetric */
        }
    }
    spate_arena_destroy(a);
}

static const pair_case TIGHTEST[] = {
    {"void", "void", "void", "void"},
    {"void", "boolean", "boolean", "boolean"},
    {"boolean", "boolean", "boolean", "boolean"},
    {"int", "boolean", "-", "-"},
    {"bigint", "boolean", "-", "-"},
    {"void", "tinyint", "tinyint", "tinyint"},
    {"smallint", "int", "int", "int"},
    {"smallint", "bigint", "bigint", "bigint"},
    {"int", "bigint", "bigint", "bigint"},
    {"tinyint", "smallint", "smallint", "smallint"},
    {"float", "double", "double", "double"},
    {"float", "float", "float", "float"},
    {"int", "float", "float", "double"}, /* ANSI: no precision loss to FLOAT */
    {"bigint", "float", "float", "double"},
    {"int", "double", "double", "double"},
    {"decimal(2,1)", "decimal(3,2)", "-", "-"},
    {"decimal(2,1)", "double", "-", "-"},
    {"decimal(2,1)", "int", "-", "-"},
    {"decimal(11,1)", "int", "decimal(11,1)", "decimal(11,1)"},
    {"decimal(20,0)", "bigint", "decimal(20,0)", "decimal(20,0)"},
    {"decimal(19,0)", "bigint", "-", "-"},
    {"void", "string", "string", "string"},
    {"string", "string", "string", "string"},
    {"int", "string", "-", "-"},
    {"void", "timestamp", "timestamp", "timestamp"},
    {"date", "timestamp", "timestamp", "timestamp"},
    {"date", "timestamp_ntz", "timestamp_ntz", "timestamp_ntz"},
    {"timestamp", "timestamp_ntz", "timestamp", "timestamp"},
    {"int", "timestamp", "-", "-"},
    {"string", "timestamp", "-", "-"},
    {"void", "map<int, string>", "map<int, string>", "map<int, string>"},
    {"void", "struct<>", "struct<>", "struct<>"},
    {"string", "map<int, string>", "-", "-"},
    {"array<int>", "struct<>", "-", "-"},
    {"array<string>", "array<string>", "array<string>", "array<string>"},
    {"array<int>", "array<bigint>", "array<bigint>", "array<bigint>"},
    {"map<int, string>", "map<bigint, string>", "map<bigint, string>", "map<bigint, string>"},
    {"struct<a: int>", "struct<a: bigint>", "struct<a: bigint>", "struct<a: bigint>"},
    {"struct<a: int>", "struct<b: int>", "-", "-"},
    {"struct<a: int not null>", "struct<a: bigint not null>", "struct<a: bigint not null>",
     "struct<a: bigint not null>"},
    {"struct<a: int>", "struct<a: int, b: int>", "-", "-"},
};

Test(sql_coercion, tightest_common_type)
{
    run_pairs(TIGHTEST, sizeof TIGHTEST / sizeof TIGHTEST[0], sp_sql_tightest_common_type);
}

static const pair_case WIDER[] = {
    {"int", "bigint", "bigint", "bigint"},
    {"decimal(2,1)", "decimal(3,2)", "decimal(3,2)", "decimal(3,2)"},
    {"decimal(2,1)", "double", "double", "double"},
    {"decimal(2,1)", "float", "double", "double"},
    {"decimal(2,1)", "int", "decimal(11,1)", "decimal(11,1)"},
    {"decimal(2,1)", "bigint", "decimal(21,1)", "decimal(21,1)"},
    {"decimal(38,10)", "bigint", "decimal(38,10)", "decimal(38,10)"},
    {"int", "string", "string", "bigint"},
    {"tinyint", "string", "string", "bigint"},
    {"double", "string", "string", "double"},
    {"decimal(10,2)", "string", "string", "double"},
    {"timestamp", "string", "string", "timestamp"},
    {"date", "string", "string", "date"},
    {"boolean", "string", "-", "boolean"},
    {"binary", "string", "-", "binary"},
    {"void", "string", "string", "string"},
    {"boolean", "int", "-", "-"},
    {"array<smallint>", "array<double>", "array<double>", "array<double>"},
    {"array<timestamp>", "array<string>", "array<string>", "array<timestamp>"},
    {"array<array<int>>", "array<array<bigint>>", "array<array<bigint>>", "array<array<bigint>>"},
    {"array<map<int, float>>", "array<map<bigint, double>>", "array<map<bigint, double>>",
     "array<map<bigint, double>>"},
    {"struct<a: decimal(2,1)>", "struct<a: int>", "struct<a: decimal(11,1)>",
     "struct<a: decimal(11,1)>"},
};

Test(sql_coercion, wider_type_for_two)
{
    run_pairs(WIDER, sizeof WIDER / sizeof WIDER[0], sp_sql_wider_type);
}

Test(sql_coercion, wider_type_keeps_nullability_of_nested_types)
{
    spate_arena *a = spate_arena_new();
    const sp_sql_type *x = sp_sql_array(a, sp_sql_prim(SP_SQL_SMALLINT), true);
    const sp_sql_type *y = sp_sql_array(a, sp_sql_prim(SP_SQL_DOUBLE), false);
    const sp_sql_type *w = sp_sql_wider_type(a, x, y, false);
    cr_assert_not_null(w);
    cr_expect(w->contains_null && w->elem->id == SP_SQL_DOUBLE);
    x = sp_sql_array(a, sp_sql_prim(SP_SQL_INT), false);
    y = sp_sql_array(a, sp_sql_prim(SP_SQL_BIGINT), false);
    cr_expect(!sp_sql_wider_type(a, x, y, false)->contains_null);
    /* a STRING element widened to BIGINT (ANSI) may fail to cast: nullable */
    x = sp_sql_array(a, sp_sql_prim(SP_SQL_STRING), false);
    y = sp_sql_array(a, sp_sql_prim(SP_SQL_INT), false);
    w = sp_sql_wider_type(a, x, y, true);
    cr_expect(w && w->elem->id == SP_SQL_BIGINT && w->contains_null);
    spate_arena_destroy(a);
}

Test(sql_coercion, wider_common_type_folds_from_void)
{
    spate_arena *a = spate_arena_new();
    const sp_sql_type *t1[] = {ty(a, "int"), ty(a, "bigint"), ty(a, "void")};
    expect_type(a, sp_sql_wider_common_type(a, t1, 3, true), "bigint", "int, bigint, void");
    const sp_sql_type *t2[] = {ty(a, "decimal(2,1)"), ty(a, "int"), ty(a, "double")};
    expect_type(a, sp_sql_wider_common_type(a, t2, 3, true), "double", "dec, int, double");
    const sp_sql_type *t3[] = {ty(a, "decimal(2,1)"), ty(a, "int")};
    expect_type(a, sp_sql_wider_common_type(a, t3, 2, false), "decimal(11,1)", "dec, int");
    const sp_sql_type *t4[] = {ty(a, "int"), ty(a, "string"), ty(a, "date")};
    expect_type(a, sp_sql_wider_common_type(a, t4, 3, false), "string", "legacy int, str, date");
    expect_type(a, sp_sql_wider_common_type(a, t4, 3, true), "-", "ansi int, str, date");
    const sp_sql_type *t5[] = {ty(a, "int"), ty(a, "boolean")};
    expect_type(a, sp_sql_wider_common_type(a, t5, 2, false), "-", "int, boolean");
    expect_type(a, sp_sql_wider_common_type(a, NULL, 0, true), "void", "none");
    spate_arena_destroy(a);
}

static const pair_case COMPARISON[] = {
    {"string", "int", "int", "bigint"},
    {"string", "bigint", "bigint", "bigint"},
    {"string", "double", "double", "double"},
    {"string", "decimal(10,2)", "double", "double"},
    {"string", "date", "date", "date"},
    {"string", "timestamp", "timestamp", "timestamp"},
    {"string", "boolean", "boolean", "boolean"},
    {"string", "void", "string", "string"},
    {"date", "timestamp", "timestamp", "timestamp"},
    {"int", "bigint", "bigint", "bigint"},
    {"decimal(5,2)", "int", "decimal(12,2)", "decimal(12,2)"},
    {"decimal(5,2)", "double", "double", "double"},
    {"boolean", "int", "-", "-"},
};

Test(sql_coercion, comparison_type)
{
    run_pairs(COMPARISON, sizeof COMPARISON / sizeof COMPARISON[0], sp_sql_comparison_type);
}

Test(sql_coercion, decimal_for_type_and_bounds)
{
    spate_arena *a = spate_arena_new();
    static const struct {
        const char *t, *d;
    } FOR[] = {{"tinyint", "decimal(3,0)"},      {"smallint", "decimal(5,0)"},
               {"int", "decimal(10,0)"},         {"bigint", "decimal(20,0)"},
               {"float", "decimal(14,7)"},       {"double", "decimal(30,15)"},
               {"decimal(7,3)", "decimal(7,3)"}, {"string", "-"}};
    for (size_t i = 0; i < sizeof FOR / sizeof FOR[0]; i++)
        expect_type(a, sp_sql_decimal_for_type(a, ty(a, FOR[i].t)), FOR[i].d, FOR[i].t);
    expect_type(a, sp_sql_decimal_bounded(a, 77, 20), "decimal(38,20)", "bounded");
    expect_type(a, sp_sql_decimal_adjust(a, 77, 20), "decimal(38,6)", "adjust 77,20");
    expect_type(a, sp_sql_decimal_adjust(a, 40, 2), "decimal(38,2)", "adjust 40,2");
    expect_type(a, sp_sql_decimal_adjust(a, 40, 10), "decimal(38,8)", "adjust 40,10");
    expect_type(a, sp_sql_decimal_adjust(a, 38, 30), "decimal(38,30)", "adjust 38,30");
    spate_arena_destroy(a);
}

static const struct {
    sp_sql_arith_op op;
    const char *x, *y, *loss, *exact;
} DECIMALS[] = {
    /* DecimalPrecisionSuite: d1 = decimal(2,1), d2 = decimal(5,2) */
    {SP_SQL_OP_ADD, "decimal(2,1)", "decimal(5,2)", "decimal(6,2)", "decimal(6,2)"},
    {SP_SQL_OP_SUB, "decimal(2,1)", "decimal(5,2)", "decimal(6,2)", "decimal(6,2)"},
    {SP_SQL_OP_MUL, "decimal(2,1)", "decimal(5,2)", "decimal(8,3)", "decimal(8,3)"},
    {SP_SQL_OP_DIV, "decimal(2,1)", "decimal(5,2)", "decimal(10,7)", "decimal(10,7)"},
    {SP_SQL_OP_DIV, "decimal(5,2)", "decimal(2,1)", "decimal(10,6)", "decimal(10,6)"},
    {SP_SQL_OP_MOD, "decimal(2,1)", "decimal(5,2)", "decimal(3,2)", "decimal(3,2)"},
    {SP_SQL_OP_MOD, "decimal(5,2)", "decimal(2,1)", "decimal(3,2)", "decimal(3,2)"},
    {SP_SQL_OP_ADD, "decimal(6,2)", "decimal(2,1)", "decimal(7,2)", "decimal(7,2)"},
    {SP_SQL_OP_ADD, "decimal(2,1)", "decimal(2,1)", "decimal(3,1)", "decimal(3,1)"},
    {SP_SQL_OP_MUL, "decimal(5,2)", "decimal(5,2)", "decimal(11,4)", "decimal(11,4)"},
    {SP_SQL_OP_DIV, "decimal(5,2)", "decimal(3,1)", "decimal(10,6)", "decimal(10,6)"},
    /* past 38 digits: adjusted with allowPrecisionLoss, bounded without */
    {SP_SQL_OP_MUL, "decimal(38,10)", "decimal(38,10)", "decimal(38,6)", "decimal(38,20)"},
    {SP_SQL_OP_DIV, "decimal(38,18)", "decimal(38,18)", "decimal(38,6)", "decimal(38,18)"},
    {SP_SQL_OP_ADD, "decimal(38,18)", "decimal(38,18)", "decimal(38,17)", "decimal(38,18)"},
    {SP_SQL_OP_INT_DIV, "decimal(10,2)", "decimal(5,1)", "bigint", "bigint"},
};

Test(sql_coercion, decimal_precision_rules)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof DECIMALS / sizeof DECIMALS[0]; i++) {
        const sp_sql_type *x = ty(a, DECIMALS[i].x), *y = ty(a, DECIMALS[i].y);
        char what[128];
        snprintf(what, sizeof what, "op %d: %s, %s", DECIMALS[i].op, DECIMALS[i].x, DECIMALS[i].y);
        expect_type(a, sp_sql_decimal_result(a, DECIMALS[i].op, x, y, true), DECIMALS[i].loss,
                    what);
        expect_type(a, sp_sql_decimal_result(a, DECIMALS[i].op, x, y, false), DECIMALS[i].exact,
                    what);
    }
    spate_arena_destroy(a);
}

static const struct {
    sp_sql_arith_op op;
    const char *x, *y, *legacy, *ansi;
} ARITH[] = {
    {SP_SQL_OP_ADD, "int", "int", "int", "int"},
    {SP_SQL_OP_ADD, "tinyint", "smallint", "smallint", "smallint"},
    {SP_SQL_OP_MUL, "int", "bigint", "bigint", "bigint"},
    {SP_SQL_OP_DIV, "int", "int", "double", "double"},
    {SP_SQL_OP_DIV, "bigint", "tinyint", "double", "double"},
    {SP_SQL_OP_INT_DIV, "int", "int", "bigint", "bigint"},
    {SP_SQL_OP_INT_DIV, "tinyint", "tinyint", "bigint", "bigint"},
    {SP_SQL_OP_MOD, "bigint", "int", "bigint", "bigint"},
    {SP_SQL_OP_ADD, "int", "float", "float", "double"},
    {SP_SQL_OP_ADD, "float", "float", "float", "float"},
    {SP_SQL_OP_SUB, "double", "int", "double", "double"},
    {SP_SQL_OP_ADD, "string", "int", "double", "bigint"},
    {SP_SQL_OP_ADD, "string", "double", "double", "double"},
    {SP_SQL_OP_ADD, "string", "string", "double", "double"},
    {SP_SQL_OP_DIV, "string", "int", "double", "double"},
    /* DecimalPrecisionSuite "bringing in primitive types", d1 = decimal(2,1) */
    {SP_SQL_OP_ADD, "int", "decimal(2,1)", "decimal(12,1)", "decimal(12,1)"},
    {SP_SQL_OP_ADD, "decimal(2,1)", "float", "double", "double"},
    {SP_SQL_OP_ADD, "decimal(2,1)", "double", "double", "double"},
    {SP_SQL_OP_ADD, "decimal(2,1)", "bigint", "decimal(22,1)", "decimal(22,1)"},
    {SP_SQL_OP_ADD, "decimal(2,1)", "smallint", "decimal(7,1)", "decimal(7,1)"},
    {SP_SQL_OP_ADD, "decimal(2,1)", "tinyint", "decimal(5,1)", "decimal(5,1)"},
    {SP_SQL_OP_DIV, "decimal(5,2)", "int", "decimal(16,13)", "decimal(16,13)"},
    {SP_SQL_OP_ADD, "void", "int", "int", "int"},
    {SP_SQL_OP_ADD, "boolean", "int", "-", "-"},
    {SP_SQL_OP_ADD, "date", "int", "-", "-"},
    {SP_SQL_OP_ADD, "string", "boolean", "-", "-"},
    {SP_SQL_OP_MUL, "binary", "int", "-", "-"},
    {SP_SQL_OP_ADD, "array<int>", "int", "-", "-"},
};

Test(sql_coercion, arithmetic_result_types)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof ARITH / sizeof ARITH[0]; i++) {
        const sp_sql_type *x = ty(a, ARITH[i].x), *y = ty(a, ARITH[i].y);
        for (int ansi = 0; ansi < 2; ansi++) {
            char what[128];
            snprintf(what, sizeof what, "op %d: %s, %s (ansi %d)", ARITH[i].op, ARITH[i].x,
                     ARITH[i].y, ansi);
            const char *want = ansi ? ARITH[i].ansi : ARITH[i].legacy;
            expect_type(a, sp_sql_arith_result_type(a, ARITH[i].op, x, y, ansi, true), want, what);
            if (ARITH[i].op != SP_SQL_OP_DIV) /* the others are symmetric in type */
                expect_type(a, sp_sql_arith_result_type(a, ARITH[i].op, y, x, ansi, true), want,
                            what);
        }
    }
    spate_arena_destroy(a);
}
