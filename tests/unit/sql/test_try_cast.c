/* test_try_cast.c - TRY_CAST through SQL (Spark's TryCastSuite): ANSI's
 * rules, a value that cannot be cast NULL instead of an error, in ANSI mode
 * and out of it, while an error of its argument still raises. */
#include "api_test_util.h"

typedef struct try_case {
    const char *sql, *rows;
} try_case;

static const try_case cases[] = {
    {"SELECT try_cast('abc' AS INT), try_cast(' 12 ' AS INT)", "NULL,12"},
    {"SELECT try_cast(x AS TINYINT) FROM VALUES 300, -129, 127 AS t(x)", "127;NULL;NULL"},
    {"SELECT try_cast(12345.6 AS DECIMAL(3,1))", "NULL"},
    {"SELECT try_cast('2020-13-01' AS DATE), try_cast('2020-12-01' AS DATE)", "NULL,2020-12-01"},
    {"SELECT try_cast('1e400' AS DOUBLE) IS NULL, try_cast('tru' AS BOOLEAN)", "false,NULL"},
    {"SELECT try_cast(NULL AS INT)", "NULL"},
};

Test(sql_try_cast, null_for_what_cannot_be_cast)
{
    for (int ansi = 0; ansi < 2; ansi++) {
        spate_session *s = api_session();
        cr_assert(spate_session_sql(s, ansi ? "SET spark.sql.ansi.enabled = true"
                                            : "SET spark.sql.ansi.enabled = false"));
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
            api_expect_rows(s, cases[i].sql, cases[i].rows);
        spate_session_free(s);
    }
}

Test(sql_try_cast, argument_errors_still_raise)
{
    spate_session *s = api_session();
    spate_dataframe *df = spate_session_sql(s, "SELECT try_cast(x / 0 AS INT) FROM VALUES 1 t(x)");
    cr_assert(df, "%s", spate_session_last_error(s));
    cr_expect_null(spate_dataframe_collect(df));
    cr_expect(strstr(spate_session_last_error(s), "[DIVIDE_BY_ZERO]"), "%s",
              spate_session_last_error(s));
    spate_session_free(s);
}
