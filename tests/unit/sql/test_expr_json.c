/* test_expr_json.c - from_json, to_json and get_json_object through SQL,
 * with cases from Spark's JsonExpressionsSuite and JsonFunctionsSuite: the
 * paths of get_json_object over the suite's store document, from_json's
 * partial results for malformed text and its schema errors, to_json of
 * structs with nulls and timestamps. */
#include "api_test_util.h"

typedef struct json_case {
    const char *sql;
    const char *rows; /* or, for an error, the start of its message */
} json_case;

#define STORE                                                                                      \
    "'{\"store\":{\"fruit\":[{\"weight\":8,\"type\":\"apple\"},{\"weight\":9,\"type\":\"pear\"}]," \
    "\"basket\":[[1,2,{\"b\":\"y\",\"a\":\"x\"}],[3,4],[5,6]],\"bicycle\":{\"price\":19.95,"       \
    "\"color\":\"red\"}},\"owner\":\"amy\",\"zip code\":\"94025\",\"n\":null}'"

static const json_case cases[] = {
    {"SELECT get_json_object(" STORE ", '$.owner')", "amy"},
    {"SELECT get_json_object(" STORE ", '$.store.bicycle')", "{\"price\":19.95,\"color\":\"red\"}"},
    {"SELECT get_json_object(" STORE ", \"$['store'].bicycle.price\")", "19.95"},
    {"SELECT get_json_object(" STORE ", '$.store.fruit[0]')", "{\"weight\":8,\"type\":\"apple\"}"},
    {"SELECT get_json_object(" STORE ", '$.store.fruit[1].weight')", "9"},
    {"SELECT get_json_object(" STORE ", '$.store.basket[0][2].b')", "y"},
    {"SELECT get_json_object(" STORE ", \"$['zip code']\")", "94025"},
    {"SELECT get_json_object(" STORE ", '$.n')", "NULL"},
    {"SELECT get_json_object(" STORE ", '$.nonexist')", "NULL"},
    {"SELECT get_json_object(" STORE ", '$.store.fruit[5]')", "NULL"},
    {"SELECT get_json_object(' [1, 2 ,3] ', '$')", "[1,2,3]"},
    {"SELECT get_json_object('{\"a\": 1', '$.a')", "NULL"},
    {"SELECT get_json_object('{\"a\": 1}', 'a')", "NULL"},
    {"SELECT get_json_object(NULL, '$.a')", "NULL"},
    /* from_json: fields by name, partial results, NULL in NULL out */
    {"SELECT from_json('{\"a\": 1, \"c\": 3}', 'a INT, b STRING')", "{1, NULL}"},
    {"SELECT from_json('{\"a\": \"x\", \"b\": \"y\"}', 'a INT, b STRING')", "{NULL, y}"},
    {"SELECT from_json('{\"a\" 1}', 'a INT')", "{NULL}"},
    {"SELECT from_json(NULL, 'a INT') IS NULL", "true"},
    {"SELECT from_json('{\"t\":\"2016-01-01 10:00:00\"}', 'STRUCT<t: TIMESTAMP>').t",
     "2016-01-01 10:00:00"},
    {"SELECT s.a + 1 FROM (SELECT from_json('{\"a\":41}', 'a BIGINT') AS s)", "42"},
    /* to_json: null fields left out, timestamps as Jackson writes them */
    {"SELECT to_json(named_struct('a', 1, 'b', CAST(NULL AS STRING)))", "{\"a\":1}"},
    {"SELECT to_json(named_struct('t', TIMESTAMP '2016-01-01 00:00:00', 's', 'q\"'))",
     "{\"t\":\"2016-01-01T00:00:00.000Z\",\"s\":\"q\\\"\"}"},
    {"SELECT to_json(from_json('{\"a\":1,\"b\":[1]}', 'a INT'))", "{\"a\":1}"},
    /* errors */
    {"SELECT from_json('{}', 1)", "[INVALID_SCHEMA.NON_STRING_LITERAL] The input schema \"1\""},
    {"SELECT from_json('{}', 'a INT,,')", "[INVALID_SCHEMA.PARSE_ERROR]"},
    {"SELECT from_json('{}', 'INT')", "[INVALID_SCHEMA.NON_STRUCT_TYPE]"},
    {"SELECT to_json(1)", "[DATATYPE_MISMATCH.INVALID_JSON_SCHEMA]"},
};

Test(sql_expr_json, table)
{
    spate_session *s = api_session();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (cases[i].rows[0] != '[' || cases[i].rows[1] == '1') {
            api_expect_rows(s, cases[i].sql, cases[i].rows);
            continue;
        }
        cr_expect_null(spate_session_sql(s, cases[i].sql), "%s", cases[i].sql);
        cr_expect(strstr(spate_session_last_error(s), cases[i].rows) == spate_session_last_error(s),
                  "%s: %s", cases[i].sql, spate_session_last_error(s));
    }
    spate_session_free(s);
}

/* Spark's auto-generated names leave from_json's schema out. */
Test(sql_expr_json, column_names)
{
    spate_session *s = api_session();
    spate_dataframe *df = spate_session_sql(
        s, "SELECT from_json('{\"a\":1}', 'a INT'), get_json_object('{}', '$.a'), "
           "to_json(named_struct('a', 1))");
    cr_assert(df, "%s", spate_session_last_error(s));
    cr_expect_str_eq(spate_dataframe_schema(df),
                     "`from_json({\"a\":1})` STRUCT<a: INT>,`get_json_object({}, $.a)` STRING,"
                     "`to_json(named_struct(a, 1))` STRING");
    spate_session_free(s);
}
