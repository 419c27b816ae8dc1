/* test_sql_cast_rules.c - which CASTs exist (src/sql/cast_rules.h): Spark
 * 4.0's Cast.canCast (ANSI off), canAnsiCast, canTryCast, UpCastRule.
 * canUpCast, canANSIStoreAssign and forceNullable, and the DATATYPE_MISMATCH
 * errors Cast.typeCheckFailureMessage gives. Types are DDL. */
#include <criterion/criterion.h>

#include "sql/cast_rules.h"

#include <stdio.h>

static const sp_sql_type *ty(spate_arena *a, const char *ddl)
{
    sp_sql_type_error err;
    const sp_sql_type *t = sp_sql_type_parse(a, ddl, &err);
    cr_assert_not_null(t, "%s: %s", ddl, err.message);
    return t;
}

/* ARRAY, MAP and STRUCT of DDL are nullable inside; these make the
 * non-nullable ones. */
static const sp_sql_type *arr(spate_arena *a, const char *elem, bool contains_null)
{
    return sp_sql_array(a, ty(a, elem), contains_null);
}

static const struct {
    const char *from, *to;
    bool legacy, ansi, try_;
} CASTS[] = {
    {"int", "string", 1, 1, 1},
    {"array<int>", "string", 1, 1, 1},
    {"struct<a: int>", "string", 1, 1, 1},
    {"binary", "string", 1, 1, 1},
    {"void", "date", 1, 1, 1},
    {"void", "array<int>", 1, 1, 1},
    {"string", "binary", 1, 1, 1},
    {"int", "binary", 1, 0, 0},
    {"tinyint", "binary", 1, 0, 0},
    {"double", "binary", 0, 0, 0},
    {"decimal(3,1)", "binary", 0, 0, 0},
    {"boolean", "binary", 0, 0, 0},
    {"string", "boolean", 1, 1, 1},
    {"int", "boolean", 1, 1, 1},
    {"double", "boolean", 1, 1, 1},
    {"date", "boolean", 1, 0, 0},
    {"timestamp", "boolean", 1, 0, 0},
    {"binary", "boolean", 0, 0, 0},
    {"string", "timestamp", 1, 1, 1},
    {"boolean", "timestamp", 1, 0, 0},
    {"date", "timestamp", 1, 1, 1},
    {"int", "timestamp", 1, 1, 1},
    {"double", "timestamp", 1, 1, 1},
    {"timestamp_ntz", "timestamp", 1, 1, 1},
    {"string", "timestamp_ntz", 1, 1, 1},
    {"date", "timestamp_ntz", 1, 1, 1},
    {"timestamp", "timestamp_ntz", 1, 1, 1},
    {"int", "timestamp_ntz", 0, 0, 0},
    {"string", "date", 1, 1, 1},
    {"timestamp", "date", 1, 1, 1},
    {"timestamp_ntz", "date", 1, 1, 1},
    {"int", "date", 0, 0, 0},
    {"boolean", "date", 0, 0, 0},
    {"string", "int", 1, 1, 1},
    {"boolean", "int", 1, 1, 1},
    {"date", "int", 1, 0, 0},
    {"date", "decimal(18,2)", 1, 0, 0},
    {"timestamp", "bigint", 1, 1, 1},
    {"timestamp_ntz", "bigint", 0, 0, 0},
    {"double", "decimal(10,2)", 1, 1, 1},
    {"decimal(10,2)", "tinyint", 1, 1, 1},
    {"binary", "int", 0, 0, 0},
    {"int", "array<int>", 0, 0, 0},
    {"array<int>", "array<string>", 1, 1, 1},
    {"array<int>", "array<date>", 0, 0, 0},
    {"map<string, int>", "map<int, int>", 0, 1, 0}, /* a key may become NULL */
    {"map<int, string>", "map<bigint, int>", 1, 1, 1},
    {"struct<a: int>", "struct<b: bigint>", 1, 1, 1},
    {"struct<a: int, b: int>", "struct<a: int>", 0, 0, 0},
    {"struct<a: string>", "struct<a: int not null>", 0, 0, 0},
    {"struct<a: string not null>", "struct<a: int not null>", 0, 1, 0},
    {"struct<a: int not null>", "struct<a: bigint not null>", 1, 1, 1},
    {"struct<a: int>", "int", 0, 0, 0},
};

Test(sql_cast_rules, can_cast_per_mode)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof CASTS / sizeof CASTS[0]; i++) {
        const sp_sql_type *f = ty(a, CASTS[i].from), *t = ty(a, CASTS[i].to);
        cr_expect_eq(sp_sql_can_cast(f, t, false), CASTS[i].legacy, "legacy %s -> %s",
                     CASTS[i].from, CASTS[i].to);
        cr_expect_eq(sp_sql_can_cast(f, t, true), CASTS[i].ansi, "ansi %s -> %s", CASTS[i].from,
                     CASTS[i].to);
        cr_expect_eq(sp_sql_can_cast_mode(f, t, SP_SQL_CAST_TRY), CASTS[i].try_, "try %s -> %s",
                     CASTS[i].from, CASTS[i].to);
        cr_expect_eq(sp_sql_can_cast_mode(f, t, SP_SQL_CAST_ANSI), CASTS[i].ansi);
        cr_expect_eq(sp_sql_can_cast_mode(f, t, SP_SQL_CAST_LEGACY), CASTS[i].legacy);
    }
    spate_arena_destroy(a);
}

Test(sql_cast_rules, nested_nullability)
{
    spate_arena *a = spate_arena_new();
    /* containsNull may not be dropped */
    cr_expect(!sp_sql_can_cast(arr(a, "int", true), arr(a, "int", false), false));
    cr_expect(!sp_sql_can_cast(arr(a, "int", true), arr(a, "int", false), true));
    cr_expect(sp_sql_can_cast(arr(a, "int", false), arr(a, "bigint", false), false));
    /* STRING -> INT may give NULL: not into a non-null array without ANSI */
    cr_expect(!sp_sql_can_cast(arr(a, "string", false), arr(a, "int", false), false));
    cr_expect(sp_sql_can_cast(arr(a, "string", false), arr(a, "int", false), true));
    cr_expect(
        !sp_sql_can_cast_mode(arr(a, "string", false), arr(a, "int", false), SP_SQL_CAST_TRY));
    cr_expect(sp_sql_can_cast(arr(a, "string", false), arr(a, "int", true), false));
    spate_arena_destroy(a);
}

static const struct {
    const char *from, *to;
    bool up, store;
} UPCASTS[] = {
    {"int", "bigint", 1, 1},
    {"bigint", "int", 0, 1},
    {"tinyint", "double", 1, 1},
    {"bigint", "float", 1, 1},
    {"double", "float", 0, 1},
    {"int", "decimal(10,0)", 1, 1},
    {"int", "decimal(9,0)", 0, 1},
    {"bigint", "decimal(20,0)", 1, 1},
    {"decimal(5,0)", "int", 1, 1},
    {"decimal(5,1)", "int", 0, 1},
    {"decimal(10,2)", "decimal(12,2)", 1, 1},
    {"decimal(10,2)", "decimal(10,3)", 0, 1},
    {"string", "int", 0, 0},
    {"int", "string", 1, 1},
    {"date", "string", 1, 1},
    {"binary", "string", 1, 1},
    {"date", "timestamp", 1, 1},
    {"date", "timestamp_ntz", 1, 1},
    {"timestamp_ntz", "timestamp", 1, 1},
    {"timestamp", "timestamp_ntz", 1, 1},
    {"timestamp", "date", 0, 1},
    {"timestamp", "bigint", 1, 0},
    {"bigint", "timestamp", 1, 0},
    {"int", "timestamp", 0, 0},
    {"boolean", "int", 0, 0},
    {"void", "map<int, int>", 1, 1},
    {"array<int>", "array<bigint>", 1, 1},
    {"array<bigint>", "array<int>", 0, 1},
    {"struct<a: int>", "struct<x: bigint>", 1, 1},
    {"struct<a: int>", "struct<a: int not null>", 0, 0},
    {"array<int>", "string", 0, 0},
};

Test(sql_cast_rules, up_cast_and_ansi_store_assignment)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof UPCASTS / sizeof UPCASTS[0]; i++) {
        const sp_sql_type *f = ty(a, UPCASTS[i].from), *t = ty(a, UPCASTS[i].to);
        cr_expect_eq(sp_sql_can_up_cast(f, t), UPCASTS[i].up, "up %s -> %s", UPCASTS[i].from,
                     UPCASTS[i].to);
        cr_expect_eq(sp_sql_can_ansi_store_assign(f, t), UPCASTS[i].store, "store %s -> %s",
                     UPCASTS[i].from, UPCASTS[i].to);
    }
    cr_expect(!sp_sql_can_up_cast(arr(a, "int", true), arr(a, "bigint", false)));
    cr_expect(sp_sql_can_up_cast(arr(a, "int", false), arr(a, "bigint", true)));
    spate_arena_destroy(a);
}

static const struct {
    const char *from, *to;
    bool force;
} FORCE[] = {
    {"string", "int", 1},
    {"string", "binary", 0},
    {"int", "string", 0},
    {"double", "int", 1},
    {"int", "bigint", 0},
    {"bigint", "int", 0},
    {"int", "decimal(5,0)", 1},
    {"int", "decimal(10,0)", 0},
    {"decimal(5,2)", "decimal(6,2)", 0},
    {"decimal(5,2)", "decimal(5,2)", 0},
    {"decimal(6,2)", "decimal(5,2)", 1},
    {"boolean", "decimal(1,0)", 0},
    {"boolean", "decimal(1,1)", 1},
    {"date", "timestamp", 0},
    {"timestamp", "date", 0},
    {"timestamp", "int", 1},
    {"timestamp", "bigint", 0},
    {"double", "timestamp", 1},
    {"int", "timestamp", 0},
    {"date", "int", 1},
    {"void", "int", 0},
};

Test(sql_cast_rules, force_nullable)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof FORCE / sizeof FORCE[0]; i++)
        cr_expect_eq(sp_sql_cast_force_nullable(ty(a, FORCE[i].from), ty(a, FORCE[i].to)),
                     FORCE[i].force, "%s -> %s", FORCE[i].from, FORCE[i].to);
    spate_arena_destroy(a);
}

static const struct {
    const char *child, *from, *to;
    sp_sql_cast_mode mode;
    const char *cls, *message;
} ERRORS[] = {
    {"a", "int", "date", SP_SQL_CAST_LEGACY, "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
     "Cannot resolve \"CAST(a AS DATE)\" due to data type mismatch: cannot cast \"INT\" to "
     "\"DATE\"."},
    {"a", "int", "date", SP_SQL_CAST_ANSI, "DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION",
     "Cannot resolve \"CAST(a AS DATE)\" due to data type mismatch: cannot cast \"INT\" to "
     "\"DATE\". To convert values from \"INT\" to \"DATE\", you can use the functions "
     "`DATE_FROM_UNIX_DATE` instead."},
    {"o_orderdate", "date", "decimal(18,2)", SP_SQL_CAST_ANSI,
     "DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION",
     "Cannot resolve \"CAST(o_orderdate AS DECIMAL(18,2))\" due to data type mismatch: cannot "
     "cast \"DATE\" to \"DECIMAL(18,2)\". To convert values from \"DATE\" to \"DECIMAL(18,2)\", "
     "you can use the functions `UNIX_DATE` instead."},
    {"1", "int", "binary", SP_SQL_CAST_ANSI, "DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION",
     "Cannot resolve \"CAST(1 AS BINARY)\" due to data type mismatch: cannot cast \"INT\" to "
     "\"BINARY\" with ANSI mode on. If you have to cast \"INT\" to \"BINARY\", you can set "
     "\"spate.sql.ansi.enabled\" as 'false'."},
    {"1", "int", "binary", SP_SQL_CAST_TRY, "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
     "Cannot resolve \"TRY_CAST(1 AS BINARY)\" due to data type mismatch: cannot cast \"INT\" "
     "to \"BINARY\"."},
    {"true", "boolean", "date", SP_SQL_CAST_ANSI, "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
     "Cannot resolve \"CAST(true AS DATE)\" due to data type mismatch: cannot cast \"BOOLEAN\" "
     "to \"DATE\"."},
    {"s", "struct<a: int>", "array<int>", SP_SQL_CAST_LEGACY,
     "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
     "Cannot resolve \"CAST(s AS ARRAY<INT>)\" due to data type mismatch: cannot cast "
     "\"STRUCT<a: INT>\" to \"ARRAY<INT>\"."},
};

Test(sql_cast_rules, refused_casts_give_sparks_datatype_mismatch)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof ERRORS / sizeof ERRORS[0]; i++) {
        const sp_sql_type *f = ty(a, ERRORS[i].from), *t = ty(a, ERRORS[i].to);
        cr_expect(!sp_sql_can_cast_mode(f, t, ERRORS[i].mode), "%s -> %s refused", ERRORS[i].from,
                  ERRORS[i].to);
        sp_sql_type_error err;
        sp_sql_cast_error(a, ERRORS[i].child, f, t, ERRORS[i].mode, 7, &err);
        cr_expect_str_eq(err.error_class, ERRORS[i].cls, "%s -> %s", ERRORS[i].from, ERRORS[i].to);
        cr_expect_str_eq(err.message, ERRORS[i].message);
        cr_expect_eq(err.position, 7);
    }
    spate_arena_destroy(a);
}
