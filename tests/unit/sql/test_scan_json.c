/* test_scan_json.c - the JSON Lines scanner (src/sql/scan_json.c): facts
 * from Spark's JsonSuite and JacksonParser (schema-directed fields, wrong
 * JSON types as malformed records with partial results, escapes, modes),
 * table-driven. */
#include <criterion/criterion.h>

#include "sql/scan_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct jrun {
    spate_arena *a;
    sp_sql_json_scanner *s;
    sp_colbatch *b;
    int64_t rows;
    char err[1024];
} jrun;

static void run(jrun *r, const char *schema, const char *key, const char *val, const char *text)
{
    memset(r, 0, sizeof *r);
    r->a = spate_arena_new();
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_schema_parse(r->a, schema, &te);
    cr_assert_not_null(t, "%s", te.message);
    sp_sql_json_options o;
    sp_sql_json_options_init(&o);
    if (key) cr_assert(sp_sql_json_options_parse(&o, &key, &val, 1, r->err, sizeof r->err));
    r->s = sp_sql_json_scanner_new(t, &o, r->err, sizeof r->err);
    cr_assert_not_null(r->s, "%s", r->err);
    r->b = sp_sql_json_batch_new(r->s, r->a, 64);
    size_t used;
    r->rows = sp_sql_json_scan(r->s, r->b, text, strlen(text), &used, r->err, sizeof r->err);
}

static void done(jrun *r)
{
    sp_sql_json_scanner_free(r->s);
    spate_arena_destroy(r->a);
}

static const char *str_at(const sp_colbatch *b, int col, int64_t row, char *buf)
{
    const sp_column *c = &b->cols[col];
    if (!sp_column_valid(c, row)) return "<null>";
    int n = c->offsets[row + 1] - c->offsets[row];
    memcpy(buf, c->chars + c->offsets[row], (size_t)n);
    buf[n] = '\0';
    return buf;
}

Test(scan_json, fields_by_name_and_skipped_values)
{
    jrun r;
    run(&r, "a BIGINT, b STRING, c DOUBLE, d BOOLEAN", NULL, NULL,
        "{\"b\":\"x\",\"zz\":{\"q\":[1,{\"r\":\"}\"}]},\"a\":12,\"c\":-1.5e2,\"d\":true}\n"
        "\n"
        "{\"A\":1,\"a\":null}\n"
        "{\"b\":{\"k\": [1, 2]},\"c\":3}\n");
    cr_assert_eq(r.rows, 3, "%s", r.err);
    cr_expect_eq(sp_sql_json_malformed(r.s), 0);
    char buf[64];
    const sp_column *a = &r.b->cols[0], *c = &r.b->cols[2];
    cr_expect_eq(sp_column_i64(a)[0], 12);
    cr_expect_str_eq(str_at(r.b, 1, 0, buf), "x");
    cr_expect_eq(sp_column_f64(c)[0], -150);
    cr_expect(sp_column_get_bool(&r.b->cols[3], 0));
    cr_expect_not(sp_column_valid(a, 1)); /* names are case-sensitive */
    cr_expect_str_eq(str_at(r.b, 1, 1, buf), "<null>");
    cr_expect_str_eq(str_at(r.b, 1, 2, buf), "{\"k\":[1,2]}"); /* any value into a STRING */
    cr_expect_eq(sp_column_f64(c)[2], 3);
    done(&r);
}

Test(scan_json, wrong_types_are_malformed_with_partial_results)
{
    static const struct {
        const char *type, *json;
        bool ok;
    } cases[] = {
        {"INT", "\"12\"", false}, /* JacksonParser: a string into INT fails */
        {"INT", "12", true},
        {"INT", "1.5", false},
        {"INT", "2147483648", false},
        {"BOOLEAN", "\"true\"", false},
        {"BOOLEAN", "1", false},
        {"DOUBLE", "\"NaN\"", true},
        {"DOUBLE", "\"-INF\"", true},
        {"DOUBLE", "\"1.5\"", false},
        {"DOUBLE", "NaN", true},
        {"DOUBLE", "[1]", false},
        {"DATE", "\"\"", false}, /* SPARK-25040: no empty strings but for strings */
        {"DATE", "\"2020-01-02\"", true},
        {"TIMESTAMP", "1", true},
        {"DECIMAL(5,2)", "\"1.25\"", true},
        {"DECIMAL(5,2)", "1.255", true},
        {"STRING", "1.50", true},
        {"STRING", "\"\"", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char schema[64], line[128];
        snprintf(schema, sizeof schema, "v %s, k INT, _corrupt_record STRING", cases[i].type);
        snprintf(line, sizeof line, "{\"v\":%s,\"k\":7}", cases[i].json);
        jrun r;
        run(&r, schema, NULL, NULL, line);
        cr_assert_eq(r.rows, 1);
        cr_expect_eq(sp_column_valid(&r.b->cols[0], 0), cases[i].ok, "%s %s", cases[i].type,
                     cases[i].json);
        cr_expect_eq(sp_column_i32(&r.b->cols[1])[0], 7, "%s", cases[i].json);
        char buf[160];
        cr_expect_str_eq(str_at(r.b, 2, 0, buf), cases[i].ok ? "<null>" : line, "%s",
                         cases[i].json);
        done(&r);
    }
}

Test(scan_json, strings_escapes_and_utf8)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"\"a\\\"b\\\\c\\/\\n\"", "a\"b\\c/\n"},
        {"\"\\u00e9\\u4e2d\"", "\xc3\xa9\xe4\xb8\xad"},
        {"\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80"}, /* a surrogate pair */
        {"\"\\ud83d!\"", "?!"},                     /* an unpaired surrogate */
        {"'single'", "single"},                     /* allowSingleQuotes */
        {"\"h\xc3\xa9\"", "h\xc3\xa9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char line[128], buf[64];
        snprintf(line, sizeof line, "{\"s\":%s}", cases[i].json);
        jrun r;
        run(&r, "s STRING", NULL, NULL, line);
        cr_assert_eq(r.rows, 1);
        cr_expect_str_eq(str_at(r.b, 0, 0, buf), cases[i].want, "%s", cases[i].json);
        cr_expect_eq(sp_sql_json_malformed(r.s), 0);
        done(&r);
    }
    jrun r;
    /* invalid UTF-8, a raw control character, a bad escape: not JSON */
    run(&r, "s STRING, _corrupt_record STRING", NULL, NULL,
        "{\"s\":\"\xff\"}\n{\"s\":\"a\tb\"}\n{\"s\":\"\\q\"}\n");
    cr_expect_eq(r.rows, 3);
    cr_expect_eq(sp_sql_json_malformed(r.s), 3);
    done(&r);
    run(&r, "s STRING", "allowBackslashEscapingAnyCharacter", "true", "{\"s\":\"\\q\"}");
    char buf[8];
    cr_expect_str_eq(str_at(r.b, 0, 0, buf), "q");
    done(&r);
}

Test(scan_json, modes_and_bad_syntax)
{
    jrun r;
    const char *text = "{\"a\":1}\n{\"a\":\n[1,2]\n{\"a\":\"x\"}\n{\"a\":3}\n";
    run(&r, "a INT, _corrupt_record STRING", NULL, NULL, text);
    cr_assert_eq(r.rows, 5);
    char buf[64];
    cr_expect_str_eq(str_at(r.b, 1, 1, buf), "{\"a\":");
    cr_expect_not(sp_column_valid(&r.b->cols[0], 1));
    cr_expect_eq(sp_sql_json_malformed(r.s), 3);
    done(&r);
    run(&r, "a INT", "mode", "DROPMALFORMED", text);
    cr_expect_eq(r.rows, 2);
    cr_expect_eq(sp_column_i32(&r.b->cols[0])[1], 3);
    done(&r);
    run(&r, "a INT, b STRING", "mode", "FAILFAST", "{\"a\":1}\n{\"a\":\"x\",\"b\":\"y\"}\n");
    cr_expect_eq(r.rows, SP_SQL_SCAN_ERROR);
    cr_expect(strstr(r.err, "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records "
                            "are detected in record parsing: [null,y].\nParse Mode: FAILFAST."),
              "%s", r.err);
    done(&r);
}

Test(scan_json, jackson_features)
{
    jrun r;
    run(&r, "a INT", NULL, NULL, "{\"a\":01}");
    cr_expect_eq(sp_sql_json_malformed(r.s), 1); /* leading zeros refused by default */
    done(&r);
    run(&r, "a INT", "allowNumericLeadingZeros", "true", "{\"a\":01}");
    cr_expect_eq(sp_column_i32(&r.b->cols[0])[0], 1);
    done(&r);
    run(&r, "a INT", "allowUnquotedFieldNames", "true", "{a:5}");
    cr_expect_eq(sp_column_i32(&r.b->cols[0])[0], 5);
    done(&r);
    run(&r, "a INT", "allowComments", "true", "{/* c */\"a\":6} // end");
    cr_expect_eq(sp_column_i32(&r.b->cols[0])[0], 6);
    cr_expect_eq(sp_sql_json_malformed(r.s), 0);
    done(&r);
    run(&r, "a DOUBLE", "allowNonNumericNumbers", "false", "{\"a\":NaN}");
    cr_expect_eq(sp_sql_json_malformed(r.s), 1);
    done(&r);
}
