/* test_interval_arith.c - dates and timestamps plus or minus interval
 * literals (analyze_interval.c), with Spark's results: months clamp the
 * day to the month's end and move the local date (a DST gap shifts the
 * time later, as java.time does), day-time intervals add exact time, a
 * DATE plus whole days stays a DATE, and an interval with anything else
 * is refused. */
#include "api_test_util.h"

typedef struct interval_case {
    const char *zone, *expr, *want;
} interval_case;

static const interval_case cases[] = {
    {"UTC", "TIMESTAMP '2024-01-01 00:00:00' - INTERVAL '10' SECOND", "2023-12-31 23:59:50"},
    {"UTC", "TIMESTAMP '2024-01-31 10:00:00' + INTERVAL 1 MONTH", "2024-02-29 10:00:00"},
    {"UTC", "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1 HOUR 30 MINUTES", "2024-01-01 01:30:00"},
    {"UTC", "INTERVAL '1 day 2 hours' + TIMESTAMP '2024-01-01 00:00:00'", "2024-01-02 02:00:00"},
    {"UTC", "TIMESTAMP '2024-01-01 00:00:00' - INTERVAL '1' YEAR", "2023-01-01 00:00:00"},
    {"UTC", "DATE '2024-01-31' + INTERVAL 1 MONTH", "2024-02-29"},
    {"UTC", "DATE '2024-01-31' + INTERVAL '1' DAY", "2024-02-01"},
    {"UTC", "DATE '2024-03-01' - INTERVAL 1 WEEK", "2024-02-23"},
    {"UTC", "DATE '2024-01-31' + INTERVAL 2 HOURS", "2024-01-31 02:00:00"},
    {"UTC", "TIMESTAMP_NTZ '2024-03-31 01:00:00' - INTERVAL 1 MONTH", "2024-02-29 01:00:00"},
    {"America/Los_Angeles", "TIMESTAMP '2024-03-09 02:30:00' + INTERVAL 1 DAY",
     "2024-03-10 03:30:00"},
    {"America/Los_Angeles", "TIMESTAMP '2024-02-10 02:30:00' + INTERVAL 1 MONTH",
     "2024-03-10 03:30:00"},
    {"UTC", "CAST(NULL AS TIMESTAMP) + INTERVAL 1 DAY", "NULL"},
};

Test(sql_interval_arith, datetime_plus_interval_as_spark)
{
    spate_session *s = api_session();
    FILE *quiet = fopen("/dev/null", "w");
    spate_session_set_output(s, quiet); /* SET prints the setting */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SET spate.sql.session.timeZone=%s", cases[i].zone);
        cr_assert(spate_session_sql(s, sql), "%s", spate_session_last_error(s));
        snprintf(sql, sizeof sql, "SELECT CAST(%s AS STRING)", cases[i].expr);
        api_expect_rows(s, sql, cases[i].want);
    }
    spate_session_free(s);
    fclose(quiet);
}

Test(sql_interval_arith, refusals)
{
    spate_session *s = api_session();
    static const char *const bad[][2] = {
        {"SELECT 1 - INTERVAL 1 DAY", "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES]"},
        {"SELECT INTERVAL 1 DAY - TIMESTAMP '2024-01-01 00:00:00'", "[UNSUPPORTED_FEATURE]"},
        {"SELECT TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 'ten' DAY",
         "[INVALID_INTERVAL_FORMAT]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_null(spate_session_sql(s, bad[i][0]), "%s", bad[i][0]);
        cr_expect(strstr(spate_session_last_error(s), bad[i][1]), "%s: %s", bad[i][0],
                  spate_session_last_error(s));
    }
    spate_session_free(s);
}
