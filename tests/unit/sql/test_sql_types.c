/* test_sql_types.c - Spark SQL types (src/sql/types.h): DDL parsing with
 * Spark's aliases (facts from DataTypeParserSuite), the printed names
 * (DataType.simpleString / catalogString / sql, StructField.sql, toDDL),
 * equality, the parse errors in Spark's error classes, and the column each
 * type is stored in (type_column.h). */
#include <criterion/criterion.h>

#include "sql/type_column.h"
#include "sql/types.h"

#include <stdio.h>
#include <string.h>

static const sp_sql_type *parse_ok(spate_arena *a, const char *text)
{
    sp_sql_type_error err;
    const sp_sql_type *t = sp_sql_type_parse(a, text, &err);
    cr_assert_not_null(t, "%s: [%s] %s at %d", text, err.error_class, err.message, err.position);
    return t;
}

static const struct {
    const char *text, *simple, *sql;
} NAMES[] = {
    {"int", "int", "INT"},
    {"integer", "int", "INT"},
    {"BooLean", "boolean", "BOOLEAN"},
    {"tinYint", "tinyint", "TINYINT"},
    {"byte", "tinyint", "TINYINT"},
    {"smallINT", "smallint", "SMALLINT"},
    {"short", "smallint", "SMALLINT"},
    {"bigint", "bigint", "BIGINT"},
    {"long", "bigint", "BIGINT"},
    {"float", "float", "FLOAT"},
    {"real", "float", "FLOAT"},
    {"dOUBle", "double", "DOUBLE"},
    {"decimal(10, 5)", "decimal(10,5)", "DECIMAL(10,5)"},
    {"decimal", "decimal(10,0)", "DECIMAL(10,0)"},
    {"Dec(10, 5)", "decimal(10,5)", "DECIMAL(10,5)"},
    {"deC", "decimal(10,0)", "DECIMAL(10,0)"},
    {"numeric", "decimal(10,0)", "DECIMAL(10,0)"},
    {"numeric(12)", "decimal(12,0)", "DECIMAL(12,0)"},
    {"DATE", "date", "DATE"},
    {"timestamp", "timestamp", "TIMESTAMP"},
    {"timestamp_ltz", "timestamp", "TIMESTAMP"},
    {"timestamp_ntz", "timestamp_ntz", "TIMESTAMP_NTZ"},
    {"string", "string", "STRING"},
    {"ChaR(5)", "string", "STRING"},
    {"varchAr(20)", "string", "STRING"},
    {"cHaRacter(27)", "string", "STRING"},
    {"BINARY", "binary", "BINARY"},
    {"void", "void", "VOID"},
    {"array<doublE>", "array<double>", "ARRAY<DOUBLE>"},
    {"Array<map<int, tinYint>>", "array<map<int,tinyint>>", "ARRAY<MAP<INT, TINYINT>>"},
    {"array<struct<tinYint:tinyint>>", "array<struct<tinYint:tinyint>>",
     "ARRAY<STRUCT<tinYint: TINYINT>>"},
    {"MAP<int, STRING>", "map<int,string>", "MAP<INT, STRING>"},
    {"MAp<int, ARRAY<double>>", "map<int,array<double>>", "MAP<INT, ARRAY<DOUBLE>>"},
    {"MAP<int, struct<varchar:string>>", "map<int,struct<varchar:string>>",
     "MAP<INT, STRUCT<varchar: STRING>>"},
    {"struct<intType: int, ts:timestamp>", "struct<intType:int,ts:timestamp>",
     "STRUCT<intType: INT, ts: TIMESTAMP>"},
    {"Struct<int: int, timestamp:timestamp>", "struct<int:int,timestamp:timestamp>",
     "STRUCT<int: INT, timestamp: TIMESTAMP>"},
    {"struct<\n  struct:struct<deciMal:DECimal, anotherDecimal:decimaL(5,2)>,\n"
     "  MAP:Map<timestamp, varchar(10)>,\n  arrAy:Array<double>,\n"
     "  anotherArray:Array<char(9)>>",
     "struct<struct:struct<deciMal:decimal(10,0),anotherDecimal:decimal(5,2)>,"
     "MAP:map<timestamp,string>,arrAy:array<double>,anotherArray:array<string>>",
     "STRUCT<struct: STRUCT<deciMal: DECIMAL(10,0), anotherDecimal: DECIMAL(5,2)>, "
     "MAP: MAP<TIMESTAMP, STRING>, arrAy: ARRAY<DOUBLE>, anotherArray: ARRAY<STRING>>"},
    {"struct<`x+y`:int, `!@#$%^&*()`:string, `1_2.345<>:\"`:varchar(20)>",
     "struct<x+y:int,!@#$%^&*():string,1_2.345<>:\":string>",
     "STRUCT<`x+y`: INT, `!@#$%^&*()`: STRING, `1_2.345<>:\"`: STRING>"},
    {"strUCt<>", "struct<>", "STRUCT<>"},
    {"Struct<TABLE: string, DATE:boolean>", "struct<TABLE:string,DATE:boolean>",
     "STRUCT<TABLE: STRING, DATE: BOOLEAN>"},
    {"struct<end: long, select: int, from: string>", "struct<end:bigint,select:int,from:string>",
     "STRUCT<end: BIGINT, select: INT, from: STRING>"},
    {"Struct<x: INT, y: STRING COMMENT 'test'>", "struct<x:int,y:string>",
     "STRUCT<x: INT, y: STRING COMMENT 'test'>"},
    {"struct<a: int not null, `b``c` string>", "struct<a:int,b`c:string>",
     "STRUCT<a: INT NOT NULL, `b``c`: STRING>"},
    {"struct<`123`: int, _x1: int>", "struct<123:int,_x1:int>", "STRUCT<`123`: INT, _x1: INT>"},
    {"map<string, array<int>> -- a comment", "map<string,array<int>>", "MAP<STRING, ARRAY<INT>>"},
};

Test(sql_types, parses_spark_type_names_and_prints_them_as_spark)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        const sp_sql_type *t = parse_ok(a, NAMES[i].text);
        cr_expect_str_eq(sp_sql_type_simple_string(a, t), NAMES[i].simple, "%s", NAMES[i].text);
        cr_expect_str_eq(sp_sql_type_catalog_string(a, t), NAMES[i].simple, "%s", NAMES[i].text);
        cr_expect_str_eq(sp_sql_type_sql(a, t), NAMES[i].sql, "%s", NAMES[i].text);
        /* the sql form parses back to the same type */
        const sp_sql_type *back = parse_ok(a, NAMES[i].sql);
        cr_expect(sp_sql_type_equal(t, back), "%s round trip", NAMES[i].text);
    }
    spate_arena_destroy(a);
}

Test(sql_types, nested_nullability_and_comments)
{
    spate_arena *a = spate_arena_new();
    const sp_sql_type *t = parse_ok(a, "array<struct<x: int not null comment 'it\\'s'>>");
    cr_assert_eq(t->id, SP_SQL_ARRAY);
    cr_expect(t->contains_null, "ARRAY<...> in DDL has containsNull = true");
    const sp_sql_type *s = t->elem;
    cr_assert_eq(s->id, SP_SQL_STRUCT);
    cr_assert_eq(s->nfields, 1);
    cr_expect_str_eq(s->fields[0].name, "x");
    cr_expect(!s->fields[0].nullable);
    cr_expect_str_eq(s->fields[0].comment, "it's");
    cr_expect_str_eq(sp_sql_type_sql(a, t), "ARRAY<STRUCT<x: INT NOT NULL COMMENT 'it\\'s'>>");
    const sp_sql_type *m = parse_ok(a, "map<string, int>");
    cr_expect(m->contains_null && m->elem->id == SP_SQL_STRING && m->value->id == SP_SQL_INT);
    spate_arena_destroy(a);
}

Test(sql_types, equality_is_sparks)
{
    spate_arena *a = spate_arena_new();
    const sp_sql_type *x = parse_ok(a, "struct<a: int, b: array<string>>");
    cr_expect(sp_sql_type_equal(x, parse_ok(a, "STRUCT<a INT, b ARRAY<STRING>>")));
    cr_expect(!sp_sql_type_equal(x, parse_ok(a, "struct<A: int, b: array<string>>")));
    const sp_sql_type *nn = parse_ok(a, "struct<a: int not null, b: array<string>>");
    cr_expect(!sp_sql_type_equal(x, nn));
    cr_expect(sp_sql_type_equal_ignore_nullable(x, nn));
    cr_expect(!sp_sql_type_equal(x, parse_ok(a, "struct<a: int comment 'c', b: array<string>>")));
    cr_expect(!sp_sql_type_equal(sp_sql_decimal(a, 10, 2), sp_sql_decimal(a, 10, 3)));
    cr_expect(sp_sql_type_equal(sp_sql_decimal(a, 10, 0), sp_sql_prim(SP_SQL_DECIMAL)));
    const sp_sql_type *i = sp_sql_prim(SP_SQL_INT);
    cr_expect(!sp_sql_type_equal(sp_sql_array(a, i, true), sp_sql_array(a, i, false)));
    cr_expect(
        sp_sql_type_equal_ignore_nullable(sp_sql_array(a, i, true), sp_sql_array(a, i, false)));
    cr_expect(!sp_sql_type_equal(sp_sql_map(a, i, i, true), sp_sql_array(a, i, true)));
    spate_arena_destroy(a);
}

static const struct {
    const char *text, *cls, *message;
    int position;
} ERRORS[] = {
    {"unknown", "UNSUPPORTED_DATATYPE", "Unsupported data type \"UNKNOWN\".", 0},
    {"unknown(1,2,3)", "UNSUPPORTED_DATATYPE", "Unsupported data type \"UNKNOWN(1,2,3)\".", 0},
    {"array<int(3)>", "UNSUPPORTED_DATATYPE", "Unsupported data type \"INT(3)\".", 6},
    {"decimal(1,2,3)", "UNSUPPORTED_DATATYPE", "Unsupported data type \"DECIMAL(1,2,3)\".", 0},
    {"interval", "UNSUPPORTED_DATATYPE", "Unsupported data type \"INTERVAL\".", 0},
    {"decimal(39, 0)", "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
     "Decimal precision 39 exceeds max precision 38.", 0},
    {"map<int, dec(5, 6)>", "_LEGACY_ERROR_TEMP_1228",
     "Decimal scale (6) cannot be greater than precision (5).", 9},
    {"char", "DATATYPE_MISSING_SIZE",
     "DataType \"CHAR\" requires a length parameter, for example \"CHAR\"(10). Please specify "
     "the length.",
     0},
    {"struct<a: VarChar>", "DATATYPE_MISSING_SIZE",
     "DataType \"VARCHAR\" requires a length parameter, for example \"VARCHAR\"(10). Please "
     "specify the length.",
     10},
    {"struct<x: int", "PARSE_SYNTAX_ERROR", "Syntax error at or near end of input.", 13},
    {"array<int", "PARSE_SYNTAX_ERROR", "Syntax error at or near end of input.", 9},
    {"map<int>", "PARSE_SYNTAX_ERROR", "Syntax error at or near '>'.", 7},
    {"struct<x+y: int, 1.1:timestamp>", "PARSE_SYNTAX_ERROR", "Syntax error at or near '+'.", 8},
    /* the syntax error wins over an unknown type before it, as in Spark */
    {"it is not a data type", "PARSE_SYNTAX_ERROR", "Syntax error at or near 'is'.", 3},
    {"", "PARSE_SYNTAX_ERROR", "Syntax error at or near end of input.", 0},
    {"int,", "PARSE_SYNTAX_ERROR", "Syntax error at or near ','.", 3},
    {"struct<`a: int>", "PARSE_SYNTAX_ERROR", "Syntax error at or near '`a: int>'.", 7},
};

Test(sql_types, parse_errors_have_sparks_class_message_and_position)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof ERRORS / sizeof ERRORS[0]; i++) {
        sp_sql_type_error err;
        cr_expect_null(sp_sql_type_parse(a, ERRORS[i].text, &err), "%s", ERRORS[i].text);
        cr_expect_str_eq(err.error_class, ERRORS[i].cls, "%s", ERRORS[i].text);
        cr_expect_str_eq(err.message, ERRORS[i].message, "%s", ERRORS[i].text);
        cr_expect_eq(err.position, ERRORS[i].position, "%s: %d", ERRORS[i].text, err.position);
    }
    sp_sql_type_error err;
    sp_sql_type_parse(a, "foo", &err);
    char buf[128];
    sp_sql_type_error_format(&err, buf, sizeof buf);
    cr_expect_str_eq(buf, "[UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\".");
    spate_arena_destroy(a);
}

Test(sql_types, schema_ddl_parses_and_prints_as_to_ddl)
{
    spate_arena *a = spate_arena_new();
    sp_sql_type_error err;
    const sp_sql_type *s = sp_sql_schema_parse(
        a, "a INT, b STRING NOT NULL, c ARRAY<STRUCT<x: INT>>, d DECIMAL(10,2) COMMENT 'x'", &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_eq(s->nfields, 4);
    cr_expect(s->fields[0].nullable && !s->fields[1].nullable);
    cr_expect_str_eq(s->fields[3].comment, "x");
    cr_expect_str_eq(sp_sql_schema_ddl(a, s),
                     "a INT,b STRING NOT NULL,c ARRAY<STRUCT<x: INT>>,d DECIMAL(10,2) COMMENT 'x'");
    cr_expect_str_eq(sp_sql_type_simple_string(a, s),
                     "struct<a:int,b:string,c:array<struct<x:int>>,d:decimal(10,2)>");
    s = sp_sql_schema_parse(a, "`a b` long, `select` integer", &err);
    cr_assert_not_null(s);
    cr_expect_str_eq(sp_sql_schema_ddl(a, s), "`a b` BIGINT,select INT");
    s = sp_sql_schema_parse(a, "  ", &err);
    cr_assert_not_null(s);
    cr_expect_eq(s->nfields, 0);

    cr_expect_null(sp_sql_schema_parse(a, "a int b string", &err));
    cr_expect_str_eq(err.error_class, "PARSE_SYNTAX_ERROR");
    cr_expect_str_eq(err.message, "Syntax error at or near 'b'.");
    cr_expect_eq(err.position, 6);
    cr_expect_null(sp_sql_schema_parse(a, "a int, b foo", &err));
    cr_expect_str_eq(err.error_class, "UNSUPPORTED_DATATYPE");
    cr_expect_eq(err.position, 9);
    cr_expect_null(sp_sql_schema_parse(a, "a int not", &err));
    cr_expect_str_eq(err.message, "Syntax error at or near end of input.");
    spate_arena_destroy(a);
}

Test(sql_types, simple_string_truncates_wide_structs_catalog_string_does_not)
{
    spate_arena *a = spate_arena_new();
    sp_sql_field f[30];
    char names[30][8];
    for (int i = 0; i < 30; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        f[i] = (sp_sql_field){names[i], sp_sql_prim(SP_SQL_INT), true, NULL};
    }
    const sp_sql_type *s = sp_sql_struct(a, f, 30);
    const char *simple = sp_sql_type_simple_string(a, s);
    const char *tail = ",c23:int,... 6 more fields>";
    cr_expect(strlen(simple) > strlen(tail) &&
                  strcmp(simple + strlen(simple) - strlen(tail), tail) == 0,
              "%s", simple);
    const char *catalog = sp_sql_type_catalog_string(a, s);
    const char *ctail = ",c28:int,c29:int>";
    cr_expect(strcmp(catalog + strlen(catalog) - strlen(ctail), ctail) == 0, "%s", catalog);
    const sp_sql_type *s25 = sp_sql_struct(a, f, 25);
    cr_expect_str_eq(sp_sql_type_simple_string(a, s25), sp_sql_type_catalog_string(a, s25));
    spate_arena_destroy(a);
}

static const struct {
    const char *type;
    sp_coltype col;
    const char *format;
} COLUMNS[] = {
    {"boolean", SP_COL_BOOL, "b"},
    {"tinyint", SP_COL_I8, "c"},
    {"smallint", SP_COL_I16, "s"},
    {"int", SP_COL_I32, "i"},
    {"bigint", SP_COL_I64, "l"},
    {"float", SP_COL_F32, "f"},
    {"double", SP_COL_F64, "g"},
    {"decimal(10,2)", SP_COL_DECIMAL128, "d:10,2"},
    {"string", SP_COL_UTF8, "u"},
    {"binary", SP_COL_BINARY, "z"},
    {"date", SP_COL_DATE32, "tdD"},
    {"timestamp", SP_COL_TIMESTAMP, "tsu:UTC"},
    {"timestamp_ntz", SP_COL_TIMESTAMP_NTZ, "tsu:"},
};

Test(sql_types, each_type_has_its_column)
{
    spate_arena *a = spate_arena_new();
    for (size_t i = 0; i < sizeof COLUMNS / sizeof COLUMNS[0]; i++) {
        sp_colspec spec;
        cr_assert(sp_sql_type_column(parse_ok(a, COLUMNS[i].type), &spec), "%s", COLUMNS[i].type);
        cr_expect_eq(spec.type, COLUMNS[i].col, "%s", COLUMNS[i].type);
        sp_colbatch *b = sp_colbatch_new_spec(a, 1, &spec, NULL, 4);
        cr_expect_str_eq(b->cols[0].format, COLUMNS[i].format, "%s", COLUMNS[i].type);
    }
    sp_colspec spec;
    cr_expect(!sp_sql_type_column(parse_ok(a, "array<int>"), &spec), "nested: not yet");
    cr_expect(!sp_sql_type_column(parse_ok(a, "void"), &spec));
    spate_arena_destroy(a);
}
