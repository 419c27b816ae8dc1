/* test_expr_datetime.c - Spark 4.0's date and time functions through SQL
 * (parse, analyze, evaluate): to_timestamp, to_date, unix_timestamp,
 * to_unix_timestamp, from_unixtime, date_format, date_trunc, trunc, quarter,
 * dayofyear, dayofweek, weekday, add_months, last_day, current_timestamp.
 * Expected values are those of Spark's SQL function reference and
 * DateFunctionsSuite / DateExpressionsSuite, in the session zone set. */
#include "api_test_util.h"

typedef struct dt_case {
    const char *expr;
    const char *want; /* show()'s text of the value */
} dt_case;

#include <unistd.h>

/* Tables made for a test: CSV directories removed by drop_tables. */
static char table_dirs[8][64];
static int ntables;

/* CREATE TABLE name (ddl) over a CSV file holding rows. */
static void make_table(spate_session *s, const char *name, const char *ddl, const char *rows)
{
    char *dir = table_dirs[ntables++];
    strcpy(dir, "/tmp/spate-dt-XXXXXX");
    cr_assert(mkdtemp(dir));
    char path[128], sql[768];
    snprintf(path, sizeof path, "%s/part-0.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(rows, f);
    fclose(f);
    snprintf(sql, sizeof sql, "CREATE TABLE %s (%s) USING csv OPTIONS (path '%s')", name, ddl, dir);
    cr_assert(spate_session_sql(s, sql), "%s", spate_session_last_error(s));
}

static void drop_tables(void)
{
    for (int i = 0; i < ntables; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/part-0.csv", table_dirs[i]);
        unlink(path);
        rmdir(table_dirs[i]);
    }
    ntables = 0;
}

/* A session in zone with ANSI on or off and a one-row table "one". */
static spate_session *session_in(const char *zone, bool ansi)
{
    spate_conf *conf = spate_conf_new();
    char why[256] = "";
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", why, sizeof why), SPATE_OK);
    cr_assert_eq(spate_conf_set(conf, "spate.sql.shuffle.partitions", "2", why, sizeof why),
                 SPATE_OK);
    cr_assert_eq(spate_conf_set(conf, "spate.sql.session.timeZone", zone, why, sizeof why),
                 SPATE_OK, "%s", why);
    cr_assert_eq(
        spate_conf_set(conf, "spate.sql.ansi.enabled", ansi ? "true" : "false", why, sizeof why),
        SPATE_OK, "%s", why);
    spate_session *s = spate_session_new(conf, why, sizeof why);
    cr_assert(s, "%s", why);
    spate_conf_destroy(conf);
    make_table(s, "one", "x INT", "1\n");
    return s;
}

static void close_session(spate_session *s)
{
    spate_session_free(s);
    drop_tables();
}

/* SELECT sql's rows (api_rows_string) are want. */
static void expect_rows(spate_session *s, const char *sql, const char *want)
{
    char *got = api_sql_rows(s, sql);
    cr_expect_str_eq(got, want, "%s: got %s, want %s", sql, got, want);
    free(got);
}

static void expect_cases(spate_session *s, const dt_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT %s FROM one", c[i].expr);
        expect_rows(s, sql, c[i].want);
    }
}

/* The message of the error SELECT expr gives (at analysis or at collect). */
static char *error_of(spate_session *s, const char *expr)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s%s", expr, strstr(expr, " FROM ") ? "" : " FROM one");
    spate_dataframe *df = spate_session_sql(s, sql);
    if (df) {
        spate_rows *r = spate_dataframe_collect(df);
        cr_expect_null(r, "%s: no error", expr);
        if (r) spate_rows_free(r);
    }
    return strdup(spate_session_last_error(s));
}

Test(sql_expr_datetime, parse_and_format_in_utc)
{
    static const dt_case cases[] = {
        {"to_timestamp('2016-12-31 00:12:00')", "2016-12-31 00:12:00"},
        {"to_timestamp('2016-12-31', 'yyyy-MM-dd')", "2016-12-31 00:00:00"},
        {"to_timestamp('31/12/2016 10:20', 'dd/MM/yyyy HH:mm')", "2016-12-31 10:20:00"},
        {"to_date('2009-07-30 04:17:52')", "2009-07-30"},
        {"to_date('2016-12-31', 'yyyy-MM-dd')", "2016-12-31"},
        {"to_date('12/31/2016', 'MM/dd/yyyy')", "2016-12-31"},
        {"to_date(20161231, 'yyyyMMdd')", "2016-12-31"}, /* implicitly a STRING */
        {"unix_timestamp('2016-04-08', 'yyyy-MM-dd')", "1460073600"},
        {"to_unix_timestamp('2016-04-08', 'yyyy-MM-dd')", "1460073600"},
        {"unix_timestamp('2016-04-08 12:00:00')", "1460116800"},
        {"unix_timestamp(TIMESTAMP '2016-04-08 12:00:00.9')", "1460116800"},
        {"unix_timestamp(DATE '2016-04-08')", "1460073600"},
        /* Spark divides the microseconds by 10^6 toward zero */
        {"unix_timestamp(TIMESTAMP '1969-12-31 23:59:59.5')", "0"},
        {"unix_timestamp('1969-12-31 23:59:58.5', 'yyyy-MM-dd HH:mm:ss.S')", "-1"},
        {"from_unixtime(-1)", "1969-12-31 23:59:59"},
        {"from_unixtime(0, 'yyyy-MM-dd HH:mm:ss')", "1970-01-01 00:00:00"},
        {"from_unixtime(1460073600)", "2016-04-08 00:00:00"},
        {"date_format('2016-04-08', 'y')", "2016"},
        {"date_format(TIMESTAMP '2016-04-08 13:05:09', 'yyyy/MM/dd HH:mm:ss')",
         "2016/04/08 13:05:09"},
        {"date_format(DATE '2016-04-08', 'EEE, d MMM yyyy')", "Fri, 8 Apr 2016"},
        {"to_timestamp(NULL, 'yyyy')", "NULL"},
        /* try_to_timestamp: NULL for bad text even under ANSI mode */
        {"try_to_timestamp('2016-12-31 00:12:00')", "2016-12-31 00:12:00"},
        {"try_to_timestamp('2016-12-31', 'yyyy-MM-dd')", "2016-12-31 00:00:00"},
        {"try_to_timestamp('foo', 'yyyy-MM-dd')", "NULL"},
        {"try_to_timestamp('foo')", "NULL"},
        {"to_date('2016-12-31', NULL)", "NULL"},
        {"date_format(NULL, 'y')", "NULL"},
        {"from_unixtime(NULL)", "NULL"},
    };
    spate_session *s = session_in("UTC", true);
    expect_cases(s, cases, sizeof cases / sizeof cases[0]);
    close_session(s);
}

/* The docs' examples are in America/Los_Angeles. */
Test(sql_expr_datetime, session_zone_other_than_utc)
{
    static const dt_case cases[] = {
        {"unix_timestamp('2016-04-08', 'yyyy-MM-dd')", "1460098800"},
        {"from_unixtime(0, 'yyyy-MM-dd HH:mm:ss')", "1969-12-31 16:00:00"},
        {"date_format(to_timestamp('2016-04-08 00:00:00+00:00', 'yyyy-MM-dd HH:mm:ssXXX'), "
         "'yyyy-MM-dd HH:mm')",
         "2016-04-07 17:00"},
        {"unix_timestamp(to_timestamp('1970-01-01 00:00:00', 'yyyy-MM-dd HH:mm:ss'))", "28800"},
        {"to_date(to_timestamp('2016-04-08 03:00:00 UTC', 'yyyy-MM-dd HH:mm:ss z'), "
         "'yyyy-MM-dd')",
         "2016-04-07"},
        {"date_trunc('DAY', to_timestamp('2016-04-08 01:00:00', 'yyyy-MM-dd HH:mm:ss'))",
         "2016-04-08 00:00:00"},
    };
    spate_session *s = session_in("America/Los_Angeles", true);
    expect_cases(s, cases, sizeof cases / sizeof cases[0]);
    close_session(s);
}

Test(sql_expr_datetime, date_trunc_levels)
{
    static const dt_case cases[] = {
        {"date_trunc('YEAR', '2015-03-05T09:32:05.359')", "2015-01-01 00:00:00"},
        {"date_trunc('yyyy', '2015-03-05T09:32:05.359')", "2015-01-01 00:00:00"},
        {"date_trunc('YY', '2015-03-05T09:32:05.359')", "2015-01-01 00:00:00"},
        {"date_trunc('QUARTER', '2015-05-05T09:32:05.359')", "2015-04-01 00:00:00"},
        {"date_trunc('MONTH', '2015-03-05T09:32:05.359')", "2015-03-01 00:00:00"},
        {"date_trunc('MM', '2015-03-05T09:32:05.359')", "2015-03-01 00:00:00"},
        {"date_trunc('MON', '2015-03-05T09:32:05.359')", "2015-03-01 00:00:00"},
        {"date_trunc('WEEK', '2015-03-05T09:32:05.359')", "2015-03-02 00:00:00"},
        {"date_trunc('DAY', '2015-03-05T09:32:05.359')", "2015-03-05 00:00:00"},
        {"date_trunc('DD', '2015-03-05T09:32:05.359')", "2015-03-05 00:00:00"},
        {"date_trunc('HOUR', '2015-03-05T09:32:05.359')", "2015-03-05 09:00:00"},
        {"date_trunc('MINUTE', '2015-03-05T09:32:05.359')", "2015-03-05 09:32:00"},
        {"date_trunc('SECOND', '2015-03-05T09:32:05.359')", "2015-03-05 09:32:05"},
        {"date_trunc('MILLISECOND', '2015-03-05T09:32:05.359123')", "2015-03-05 09:32:05.359"},
        {"date_trunc('MICROSECOND', '2015-03-05T09:32:05.359123')", "2015-03-05 09:32:05.359123"},
        {"date_trunc('DECADE', '2015-03-05T09:32:05.359')", "NULL"},
        {"date_trunc(NULL, '2015-03-05T09:32:05.359')", "NULL"},
        {"trunc('2019-08-04', 'week')", "2019-07-29"},
        {"trunc('2019-08-04', 'quarter')", "2019-07-01"},
        {"trunc('2009-02-12', 'MM')", "2009-02-01"},
        {"trunc('2015-10-27', 'YEAR')", "2015-01-01"},
        {"trunc('2015-10-27', 'DD')", "NULL"},
        {"trunc('2015-10-27', 'HOUR')", "NULL"},
    };
    spate_session *s = session_in("UTC", true);
    expect_cases(s, cases, sizeof cases / sizeof cases[0]);
    close_session(s);
}

Test(sql_expr_datetime, fields_and_month_arithmetic)
{
    static const dt_case cases[] = {
        {"quarter('2016-08-31')", "3"},
        {"dayofyear('2016-04-09')", "100"},
        {"dayofweek('2009-07-30')", "5"},
        {"weekday('2009-07-30')", "3"},
        {"add_months('2016-08-31', 1)", "2016-09-30"},
        {"add_months('2016-01-31', -2)", "2015-11-30"},
        {"last_day('2009-01-12')", "2009-01-31"},
        {"last_day('2016-02-03')", "2016-02-29"},
        {"quarter(NULL)", "NULL"},
        {"from_utc_timestamp('2016-08-31', 'Asia/Seoul')", "2016-08-31 09:00:00"},
        {"to_utc_timestamp('2016-08-31', 'Asia/Seoul')", "2016-08-30 15:00:00"},
        {"from_utc_timestamp('2016-08-31 12:00:00', '-08:00')", "2016-08-31 04:00:00"},
        {"to_utc_timestamp(NULL, 'Asia/Seoul')", "NULL"},
        {"from_utc_timestamp('2016-08-31', NULL)", "NULL"},
    };
    spate_session *s = session_in("UTC", true);
    expect_cases(s, cases, sizeof cases / sizeof cases[0]);
    close_session(s);
}

Test(sql_expr_datetime, bad_text_under_ansi_on_and_off)
{
    static const char *const exprs[] = {
        "to_timestamp('2016-13-45', 'yyyy-MM-dd')",
        "to_date('not a date', 'yyyy-MM-dd')",
        "unix_timestamp('2016/04/08', 'yyyy-MM-dd')",
        "to_unix_timestamp('x', 'yyyy-MM-dd')",
    };
    spate_session *on = session_in("UTC", true), *off = session_in("UTC", false);
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        char *msg = error_of(on, exprs[i]);
        cr_expect(strstr(msg, "[CANNOT_PARSE_TIMESTAMP] Text '") == msg, "%s: %s", exprs[i], msg);
        const char *try_fn = strstr(exprs[i], "to_date") ? "try_to_date" : "try_to_timestamp";
        char hint[160];
        snprintf(hint, sizeof hint,
                 "Use `%s` to tolerate invalid input string and return NULL instead. SQLSTATE: "
                 "22007",
                 try_fn);
        cr_expect(strstr(msg, hint), "%s: %s", exprs[i], msg);
        free(msg);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT %s FROM one", exprs[i]);
        expect_rows(off, sql, "NULL");
    }
    char *msg = error_of(on, "to_timestamp('abc')"); /* a CAST without a format */
    cr_expect(strstr(msg, "[CAST_INVALID_INPUT]") == msg, "%s", msg);
    free(msg);
    expect_rows(off, "SELECT to_timestamp('abc') FROM one", "NULL");
    spate_session_free(on);
    close_session(off);
}

Test(sql_expr_datetime, bad_constant_pattern_fails_analysis)
{
    spate_session *s = session_in("UTC", false);
    cr_expect_null(
        spate_session_sql(s, "SELECT date_format('2016-04-08', 'yyyy-MM-dd b') FROM one"));
    const char *msg = spate_session_last_error(s);
    cr_expect(strstr(msg, "[INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER] Unrecognized datetime "
                          "pattern: yyyy-MM-dd b. Illegal pattern character found in datetime "
                          "pattern: b. Please provide legal character. SQLSTATE: 22007") == msg,
              "%s", msg);
    cr_expect_null(spate_session_sql(s, "SELECT to_timestamp('2016', 'yyyy-MM-dd-u') FROM one"));
    msg = spate_session_last_error(s);
    cr_expect(strstr(msg,
                     "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION] You "
                     "may get a different result due to the upgrading to Spark >= 3.0:\n"
                     "Fail to recognize 'yyyy-MM-dd-u' pattern in the DateTimeFormatter.") == msg,
              "%s", msg);
    cr_expect_null(spate_session_sql(s, "SELECT to_unix_timestamp(x, 'yyyy') FROM one"));
    msg = spate_session_last_error(s);
    cr_expect(strstr(msg, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "
                          "\"to_unix_timestamp(x, yyyy)\" due to data type mismatch: The first "
                          "parameter requires the (\"STRING\" or \"DATE\" or \"TIMESTAMP\" or "
                          "\"TIMESTAMP_NTZ\") type, however \"x\" has the type \"INT\".") == msg,
              "%s", msg);
    cr_expect_null(spate_session_sql(s, "SELECT to_date('x', 'yyyy', 1) FROM one"));
    msg = spate_session_last_error(s);
    cr_expect(strstr(msg, "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION]") == msg, "%s", msg);
    close_session(s);
}

/* A format column: compiled per distinct value; a bad one fails the query. */
Test(sql_expr_datetime, per_row_formats)
{
    spate_session *s = session_in("UTC", true);
    make_table(s, "fmts", "f STRING, k INT", "yyyy,1\nHH:mm,2\nHH:mm,3\n,4\n");
    make_table(s, "texts", "d STRING, f STRING", "2016-12-31,yyyy-MM-dd\n31/12/2016,dd/MM/yyyy\n");
    make_table(s, "bad", "f STRING", "yyyy\nA\n");
    expect_rows(s, "SELECT date_format(TIMESTAMP '2016-04-08 13:05:09', f) FROM fmts",
                "13:05;13:05;2016;NULL");
    expect_rows(s, "SELECT to_date(d, f) FROM texts", "2016-12-31;2016-12-31");
    char *msg = error_of(s, "date_format(TIMESTAMP '2016-04-08 13:05:09', f) FROM bad");
    cr_expect(strstr(msg, "[INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER]") == msg, "%s", msg);
    free(msg);
    make_table(s, "zones", "z STRING, k INT", "Asia/Seoul,1\nUTC,2\nAsia/Seoul,3\n,4\n");
    expect_rows(s, "SELECT from_utc_timestamp(TIMESTAMP '2016-08-31 00:00:00', z) FROM zones",
                "2016-08-31 00:00:00;2016-08-31 09:00:00;2016-08-31 09:00:00;NULL");
    msg = error_of(s, "to_utc_timestamp(TIMESTAMP '2016-08-31 00:00:00', 'Mars/Base')");
    cr_expect(strstr(msg, "[INVALID_TIMEZONE] The timezone: Mars/Base is invalid.") == msg, "%s",
              msg);
    free(msg);
    close_session(s);
}

Test(sql_expr_datetime, column_names)
{
    spate_session *s = session_in("UTC", true);
    make_table(s, "ts", "t TIMESTAMP", "2016-04-08 13:05:09\n");
    spate_dataframe *df =
        spate_session_sql(s, "SELECT date_format(t, 'yyyy-MM-dd'), current_timestamp, now(), "
                             "date_trunc('HOUR', t), to_date(t), unix_timestamp(t), "
                             "from_unixtime(0) FROM ts");
    cr_assert(df, "%s", spate_session_last_error(s));
    cr_expect_str_eq(spate_dataframe_schema(df),
                     "`date_format(t, yyyy-MM-dd)` STRING,`current_timestamp()` TIMESTAMP NOT "
                     "NULL,`now()` TIMESTAMP NOT NULL,`date_trunc(HOUR, t)` TIMESTAMP,`to_date(t)` "
                     "DATE,`unix_timestamp(t, yyyy-MM-dd HH:mm:ss)` BIGINT,"
                     "`from_unixtime(0, yyyy-MM-dd HH:mm:ss)` STRING");
    close_session(s);
}

/* A datetime call in GROUP BY matches the same call in SELECT; every row of
 * a static query sees one current_timestamp() (the statement's start). */
Test(sql_expr_datetime, group_by_and_one_now_per_statement)
{
    spate_session *s = session_in("UTC", true);
    make_table(s, "ts", "t TIMESTAMP",
               "2016-04-08 13:05:09\n2016-04-30 00:00:00\n2016-05-01 10:00:00\n"
               "2016-04-01 00:00:00\n");
    expect_rows(s,
                "SELECT date_format(t, 'yyyy-MM') AS m, count(*) FROM ts "
                "GROUP BY date_format(t, 'yyyy-MM')",
                "2016-04,3;2016-05,1");
    expect_rows(s,
                "SELECT count(DISTINCT current_timestamp()), count(DISTINCT now()), "
                "min(current_timestamp) = max(now()), min(current_date()) = max(current_date) "
                "FROM ts",
                "1,1,true,true");
    close_session(s);
}
