/* test_expr_regexp.c - RLIKE, regexp_extract and regexp_replace through SQL
 * (Spark's RegexpExpressionsSuite and its function reference): matches
 * anywhere, groups, Java's replacement syntax, zero-width matches, NULLs,
 * and the errors for a bad pattern or group index. */
#include "api_test_util.h"

typedef struct re_case {
    const char *sql, *rows; /* rows, or an error's start when it begins with '[' and a letter */
} re_case;

static const re_case cases[] = {
    {"SELECT 'abc' RLIKE '^a', 'abc' RLIKE 'z', 'abc' RLIKE 'b', NULL RLIKE 'a'",
     "true,false,true,NULL"},
    {"SELECT x FROM VALUES 'spark', 'flink', 'sparse' t(x) WHERE x RLIKE '^spar'", "spark;sparse"},
    {"SELECT regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 1)", "100"},
    {"SELECT regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 2)", "200"},
    {"SELECT regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 0)", "100-200"},
    {"SELECT regexp_extract('100-200', '(\\\\d+)-(\\\\d+)')", "100"},
    {"SELECT regexp_extract('foo', '(\\\\d+)', 1) = ''", "true"},
    {"SELECT regexp_extract('a', '(a)|(b)', 2) = ''", "true"},
    {"SELECT regexp_replace('100-200', '(\\\\d+)', 'num')", "num-num"},
    {"SELECT regexp_replace('John Smith', '(\\\\w+) (\\\\w+)', '$2, $1')", "Smith, John"},
    {"SELECT regexp_replace('abc', '', '-')", "-a-b-c-"},
    {"SELECT regexp_replace('a.b', '\\\\.', '\\\\$')", "a$b"},
    {"SELECT regexp_replace(NULL, 'a', 'b') IS NULL", "true"},
    {"SELECT regexp_extract('100-200', '(\\\\d+)', 3)",
     "[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of parameter(s) `idx` in "
     "`regexp_extract` is invalid: Expects group index between 0 and 1, but got 3."},
    {"SELECT 'a' RLIKE '('", "[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) "
                             "`regexp` in `rlike` is invalid: '('"},
};

Test(sql_expr_regexp, table)
{
    spate_session *s = api_session();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (cases[i].rows[0] != '[' || cases[i].rows[1] < 'A') {
            api_expect_rows(s, cases[i].sql, cases[i].rows);
            continue;
        }
        spate_dataframe *df = spate_session_sql(s, cases[i].sql);
        cr_assert(df, "%s: %s", cases[i].sql, spate_session_last_error(s));
        cr_expect_null(spate_dataframe_collect(df), "%s", cases[i].sql);
        cr_expect(strstr(spate_session_last_error(s), cases[i].rows) == spate_session_last_error(s),
                  "%s: %s", cases[i].sql, spate_session_last_error(s));
    }
    spate_session_free(s);
}
