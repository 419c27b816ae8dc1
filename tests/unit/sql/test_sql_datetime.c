/* test_sql_datetime.c - DATE/TIMESTAMP values (src/sql/civil.c,
 * datetime.c, datetime_cast.c, datetime_funcs.c): Spark's string forms in
 * and out (facts from DateTimeUtilsSuite and CastSuite), the calendar, and
 * the scalar functions (facts from DateFunctionsSuite and the SQL
 * reference's examples). */
#include <criterion/criterion.h>

#include "sql/datetime.h"
#include "sql/datetime_funcs.h"

#include <string.h>

static int32_t D(int y, int m, int d) { return (int32_t)sp_sql_days_from_civil(y, m, d); }

static int64_t TS(int y, int mo, int d, int h, int mi, int s, int us)
{
    sp_sql_dt_fields f = {y, mo, d, h, mi, s, us, 0};
    int64_t r = 0;
    cr_assert(sp_sql_us_from_fields(&f, &r));
    return r;
}

static const sp_tz *zone(const char *id)
{
    const sp_tz *tz = sp_tz_get(id, NULL, 0);
    cr_assert_not_null(tz, "%s", id);
    return tz;
}

Test(sql_datetime, calendar_round_trips_and_leap_years)
{
    cr_expect_eq(D(1970, 1, 1), 0);
    cr_expect_eq(D(2000, 3, 1) - D(2000, 2, 28), 2);
    cr_expect_eq(D(1900, 3, 1) - D(1900, 2, 28), 1);
    cr_expect_eq(D(1, 1, 1), -719162);
    cr_expect_eq(D(9999, 12, 31), 2932896);
    for (int64_t d = -800000; d < 3000000; d += 997) {
        int64_t y;
        int m, dd;
        sp_sql_civil_from_days(d, &y, &m, &dd);
        cr_assert_eq(sp_sql_days_from_civil(y, m, dd), d);
    }
    cr_expect(sp_sql_is_leap(2000) && !sp_sql_is_leap(1900) && sp_sql_is_leap(2024));
    cr_expect(!sp_sql_valid_ymd(2015, 2, 29) && sp_sql_valid_ymd(2016, 2, 29));
}

typedef struct str_case {
    const char *in;
    bool ok;
    int y, m, d;
} str_case;

Test(sql_datetime, string_to_date_as_spark_stringToDate)
{
    static const str_case cases[] = {
        {"2015-01-28", true, 2015, 1, 28},
        {"2015", true, 2015, 1, 1},
        {"0001", true, 1, 1, 1},
        {"2015-03", true, 2015, 3, 1},
        {"2015-3-8", true, 2015, 3, 8},
        {" 2015-03-18 \t", true, 2015, 3, 18},
        {"2015-03-18 123142", true, 2015, 3, 18},
        {"2015-03-18T123123", true, 2015, 3, 18},
        {"2015-03-18T", true, 2015, 3, 18},
        {"2016-02-29", true, 2016, 2, 29},
        {"-0001-01-01", true, -1, 1, 1},
        {"+1000000-01-01", true, 1000000, 1, 1},
        {"2015-03-18X", false, 0, 0, 0},
        {"2015/03/18", false, 0, 0, 0},
        {"2015.03.18", false, 0, 0, 0},
        {"20150318", false, 0, 0, 0},
        {"2015-031-8", false, 0, 0, 0},
        {"015-03-18", false, 0, 0, 0},
        {"1999 08 01", false, 0, 0, 0},
        {"1999-08 01", false, 0, 0, 0},
        {"2015-02-29", false, 0, 0, 0},
        {"2015-13-01", false, 0, 0, 0},
        {"", false, 0, 0, 0},
        {"   ", false, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t got = 0;
        bool ok = sp_sql_string_to_date(cases[i].in, strlen(cases[i].in), &got);
        cr_expect_eq(ok, cases[i].ok, "'%s'", cases[i].in);
        if (ok && cases[i].ok)
            cr_expect_eq(got, D(cases[i].y, cases[i].m, cases[i].d), "'%s'", cases[i].in);
    }
}

typedef struct ts_case {
    const char *in;
    const char *zone; /* the zone the expected wall time is in (NULL: invalid) */
    int f[7];
} ts_case;

Test(sql_datetime, string_to_timestamp_as_spark_stringToTimestamp)
{
    /* session zone: America/Los_Angeles; a zone in the string wins */
    static const ts_case cases[] = {
        {"2015-03-18", "America/Los_Angeles", {2015, 3, 18, 0, 0, 0, 0}},
        {"2015-03-18T", "America/Los_Angeles", {2015, 3, 18, 0, 0, 0, 0}},
        {"2015-03", "America/Los_Angeles", {2015, 3, 1, 0, 0, 0, 0}},
        {"2015-03-18 12:03:17", "America/Los_Angeles", {2015, 3, 18, 12, 3, 17, 0}},
        {"2015-03-18T12:03:17", "America/Los_Angeles", {2015, 3, 18, 12, 3, 17, 0}},
        {"2015-03-18T12:03:17Z", "UTC", {2015, 3, 18, 12, 3, 17, 0}},
        {"2015-03-18 12:03:17Z", "UTC", {2015, 3, 18, 12, 3, 17, 0}},
        {"2015-03-18T12:03:17-13:53", "-13:53", {2015, 3, 18, 12, 3, 17, 0}},
        {"2015-03-18T12:03:17.456Z", "UTC", {2015, 3, 18, 12, 3, 17, 456000}},
        {"2015-03-18T12:03:17.123-1:0", "-01:00", {2015, 3, 18, 12, 3, 17, 123000}},
        {"2015-03-18T12:03:17.123-01:00", "-01:00", {2015, 3, 18, 12, 3, 17, 123000}},
        {"2015-03-18T12:03:17.123+07:30", "+07:30", {2015, 3, 18, 12, 3, 17, 123000}},
        {"2015-03-18T12:03:17.123+7:3", "+07:03", {2015, 3, 18, 12, 3, 17, 123000}},
        {"2015-03-18T12:03:17.123456789Z", "UTC", {2015, 3, 18, 12, 3, 17, 123456}},
        {"2015-03-18 12:03:17.123456 Asia/Kolkata",
         "Asia/Kolkata",
         {2015, 3, 18, 12, 3, 17, 123456}},
        {"2015-03-18T12:03:17 UTC+01:00", "+01:00", {2015, 3, 18, 12, 3, 17, 0}},
        {"2019-03-10 02:30:00", "America/Los_Angeles", {2019, 3, 10, 3, 30, 0, 0}},
        {"2015-03-18 123142", NULL, {0}},
        {"2015-03-18T123123", NULL, {0}},
        {"2015-03-18X", NULL, {0}},
        {"2015/03/18", NULL, {0}},
        {"2015.03.18", NULL, {0}},
        {"20150318", NULL, {0}},
        {"2015-031-8", NULL, {0}},
        {"2015-03-18T12:03:17-0:70", NULL, {0}},
        {"2015-02-29 00:00:00", NULL, {0}},
        {"2015-03-18 24:00:00", NULL, {0}},
        {"2015-03-18 12:03:17 Mars/Olympus", NULL, {0}},
        {"", NULL, {0}},
    };
    const sp_tz *la = zone("America/Los_Angeles");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ts_case *c = &cases[i];
        int64_t got = 0, want = 0;
        bool ok = sp_sql_string_to_ts(c->in, strlen(c->in), la, 0, &got);
        cr_expect_eq(ok, c->zone != NULL, "'%s'", c->in);
        if (!ok || !c->zone) continue;
        int64_t wall = TS(c->f[0], c->f[1], c->f[2], c->f[3], c->f[4], c->f[5], c->f[6]);
        if (strcmp(c->zone, "America/Los_Angeles") == 0) {
            /* the expected wall time is the one after the gap */
            cr_assert(sp_tz_local_to_utc(la, wall, &want));
        } else {
            cr_assert(sp_tz_local_to_utc(zone(c->zone), wall, &want));
        }
        cr_expect_eq(got, want, "'%s': %lld vs %lld", c->in, (long long)got, (long long)want);
    }
}

Test(sql_datetime, time_alone_takes_the_current_date_in_the_zone)
{
    const sp_tz *k = zone("Asia/Kolkata");
    int64_t now = TS(2020, 6, 30, 20, 0, 0, 0); /* 2020-07-01 01:30 in Kolkata */
    int64_t got = 0, want = 0;
    cr_assert(sp_sql_string_to_ts("12:03:17", 8, k, now, &got));
    cr_assert(sp_tz_local_to_utc(k, TS(2020, 7, 1, 12, 3, 17, 0), &want));
    cr_expect_eq(got, want);
    cr_assert(sp_sql_string_to_ts("T12:03:17.5", 11, k, now, &got));
    cr_expect_eq(got, want + 500000);
    cr_expect(!sp_sql_string_to_ntz("12:03:17", 8, true, &got), "NTZ: no date to take");
    cr_assert(sp_sql_string_to_ntz("2015-03-18 12:03:17.1Z", 22, true, &got));
    cr_expect_eq(got, TS(2015, 3, 18, 12, 3, 17, 100000), "CAST ignores the zone");
    cr_expect(!sp_sql_string_to_ntz("2015-03-18 12:03:17.1Z", 22, false, &got));
}

Test(sql_datetime, values_to_strings_as_spark_casts_them)
{
    char buf[SP_SQL_DT_STR_MAX];
    sp_sql_date_to_string(D(2026, 12, 7), buf);
    cr_expect_str_eq(buf, "2026-12-07");
    sp_sql_date_to_string(D(10000, 1, 1), buf);
    cr_expect_str_eq(buf, "+10000-01-01");
    sp_sql_date_to_string(D(0, 1, 1), buf);
    cr_expect_str_eq(buf, "0000-01-01");
    sp_sql_date_to_string(D(-1, 1, 1), buf);
    cr_expect_str_eq(buf, "-0001-01-01");
    const sp_tz *utc = sp_tz_utc();
    sp_sql_ts_to_string(TS(2026, 12, 7, 14, 11, 3, 0), utc, buf);
    cr_expect_str_eq(buf, "2026-12-07 14:11:03");
    sp_sql_ts_to_string(TS(2026, 12, 7, 14, 11, 3, 123456), utc, buf);
    cr_expect_str_eq(buf, "2026-12-07 14:11:03.123456");
    sp_sql_ts_to_string(TS(2026, 12, 7, 14, 11, 3, 100000), utc, buf);
    cr_expect_str_eq(buf, "2026-12-07 14:11:03.1");
    sp_sql_ts_to_string(TS(2026, 12, 7, 14, 11, 3, 1230), utc, buf);
    cr_expect_str_eq(buf, "2026-12-07 14:11:03.00123");
    sp_sql_ts_to_string(-1, utc, buf);
    cr_expect_str_eq(buf, "1969-12-31 23:59:59.999999");
    sp_sql_ts_to_string(TS(2019, 11, 3, 9, 30, 0, 0), zone("America/Los_Angeles"), buf);
    cr_expect_str_eq(buf, "2019-11-03 01:30:00");
    sp_sql_ntz_to_string(TS(2019, 11, 3, 9, 30, 0, 0), buf);
    cr_expect_str_eq(buf, "2019-11-03 09:30:00");
    char msg[400];
    sp_sql_cast_invalid_msg(msg, sizeof msg, "abc", 3, "DATE");
    cr_expect_str_eq(msg, "[CAST_INVALID_INPUT] The value 'abc' of the type \"STRING\" cannot be "
                          "cast to \"DATE\" because it is malformed. Correct the value as per "
                          "the syntax, or change its target type. Use `try_cast` to tolerate "
                          "malformed input and return NULL instead. SQLSTATE: 22018");
}

Test(sql_datetime, field_functions)
{
    int32_t d = D(2009, 7, 30);
    cr_expect_eq(sp_sql_year(d), 2009);
    cr_expect_eq(sp_sql_month(d), 7);
    cr_expect_eq(sp_sql_dayofmonth(d), 30);
    cr_expect_eq(sp_sql_dayofweek(d), 5); /* Thursday; SQL reference example */
    cr_expect_eq(sp_sql_weekday(d), 3);
    cr_expect_eq(sp_sql_quarter(D(2016, 8, 31)), 3);
    cr_expect_eq(sp_sql_dayofyear(D(2016, 4, 9)), 100);
    cr_expect_eq(sp_sql_dayofweek(D(2015, 4, 12)), 1); /* a Sunday */
    const sp_tz *la = zone("America/Los_Angeles");
    int64_t t = TS(2009, 7, 30, 19, 53, 59, 0); /* 12:53:59 PDT */
    cr_expect_eq(sp_sql_hour(t, la), 12);
    cr_expect_eq(sp_sql_minute(t, la), 53);
    cr_expect_eq(sp_sql_second(t, la), 59);
    cr_expect_eq(sp_sql_hour(t, sp_tz_utc()), 19);
    cr_expect_eq(sp_sql_ts_to_date(TS(2009, 7, 31, 3, 0, 0, 0), la), D(2009, 7, 30));
}

Test(sql_datetime, date_arithmetic)
{
    int32_t out;
    cr_assert(sp_sql_date_add(D(2016, 7, 30), 1, &out));
    cr_expect_eq(out, D(2016, 7, 31));
    cr_assert(sp_sql_date_sub(D(2016, 7, 30), 1, &out));
    cr_expect_eq(out, D(2016, 7, 29));
    cr_expect(!sp_sql_date_add(INT32_MAX, 1, &out));
    cr_expect_eq(sp_sql_datediff(D(2009, 7, 31), D(2009, 7, 30)), 1);
    cr_expect_eq(sp_sql_datediff(D(2009, 7, 30), D(2009, 7, 31)), -1);
    cr_assert(sp_sql_add_months(D(2016, 8, 31), 1, &out));
    cr_expect_eq(out, D(2016, 9, 30));
    cr_assert(sp_sql_add_months(D(2015, 1, 30), 1, &out));
    cr_expect_eq(out, D(2015, 2, 28));
    cr_assert(sp_sql_add_months(D(2016, 2, 29), 12, &out));
    cr_expect_eq(out, D(2017, 2, 28));
    cr_assert(sp_sql_add_months(D(2015, 3, 31), -1, &out));
    cr_expect_eq(out, D(2015, 2, 28));
    cr_assert(sp_sql_add_months(D(2015, 1, 15), -13, &out));
    cr_expect_eq(out, D(2013, 12, 15));
    cr_expect_eq(sp_sql_last_day(D(2009, 1, 12)), D(2009, 1, 31));
    cr_expect_eq(sp_sql_last_day(D(2016, 2, 1)), D(2016, 2, 29));
}

typedef struct trunc_case {
    const char *fmt;
    int in[3], want[3];
    bool ok;
} trunc_case;

Test(sql_datetime, trunc_dates)
{
    static const trunc_case cases[] = {
        {"week", {2019, 8, 4}, {2019, 7, 29}, true},  {"quarter", {2019, 8, 4}, {2019, 7, 1}, true},
        {"MM", {2009, 2, 12}, {2009, 2, 1}, true},    {"MON", {2009, 2, 12}, {2009, 2, 1}, true},
        {"month", {2009, 2, 12}, {2009, 2, 1}, true}, {"YEAR", {2015, 10, 27}, {2015, 1, 1}, true},
        {"yyyy", {2015, 10, 27}, {2015, 1, 1}, true}, {"yy", {2015, 10, 27}, {2015, 1, 1}, true},
        {"DD", {2015, 10, 27}, {0, 0, 0}, false},     {"HOUR", {2015, 10, 27}, {0, 0, 0}, false},
        {"decade", {2015, 10, 27}, {0, 0, 0}, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const trunc_case *c = &cases[i];
        int32_t out = 0;
        sp_sql_trunc_level lv = sp_sql_trunc_level_parse(c->fmt, strlen(c->fmt));
        bool ok = sp_sql_trunc_date(D(c->in[0], c->in[1], c->in[2]), lv, &out);
        cr_expect_eq(ok, c->ok, "%s", c->fmt);
        if (ok) cr_expect_eq(out, D(c->want[0], c->want[1], c->want[2]), "%s", c->fmt);
    }
}

typedef struct dtrunc_case {
    const char *fmt;
    int want[7];
} dtrunc_case;

Test(sql_datetime, date_trunc_timestamps)
{
    /* SQL reference examples on 2015-03-05T09:32:05.123456 (UTC session) */
    static const dtrunc_case cases[] = {
        {"YEAR", {2015, 1, 1, 0, 0, 0, 0}},
        {"yy", {2015, 1, 1, 0, 0, 0, 0}},
        {"QUARTER", {2015, 1, 1, 0, 0, 0, 0}},
        {"MM", {2015, 3, 1, 0, 0, 0, 0}},
        {"WEEK", {2015, 3, 2, 0, 0, 0, 0}},
        {"DD", {2015, 3, 5, 0, 0, 0, 0}},
        {"HOUR", {2015, 3, 5, 9, 0, 0, 0}},
        {"MINUTE", {2015, 3, 5, 9, 32, 0, 0}},
        {"SECOND", {2015, 3, 5, 9, 32, 5, 0}},
        {"MILLISECOND", {2015, 3, 5, 9, 32, 5, 123000}},
        {"MICROSECOND", {2015, 3, 5, 9, 32, 5, 123456}},
    };
    int64_t in = TS(2015, 3, 5, 9, 32, 5, 123456), out;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const int *w = cases[i].want;
        sp_sql_trunc_level lv = sp_sql_trunc_level_parse(cases[i].fmt, strlen(cases[i].fmt));
        cr_assert(sp_sql_date_trunc(lv, in, sp_tz_utc(), &out), "%s", cases[i].fmt);
        cr_expect_eq(out, TS(w[0], w[1], w[2], w[3], w[4], w[5], w[6]), "%s", cases[i].fmt);
    }
    cr_expect(!sp_sql_date_trunc(sp_sql_trunc_level_parse("decade", 6), in, sp_tz_utc(), &out));
    /* LA: the second 01:30 of 2019-11-03 (PST) truncates to 01:00 PST */
    const sp_tz *la = zone("America/Los_Angeles");
    cr_assert(sp_sql_date_trunc(SP_SQL_TRUNC_HOUR, TS(2019, 11, 3, 9, 30, 0, 0), la, &out));
    cr_expect_eq(out, TS(2019, 11, 3, 9, 0, 0, 0));
    cr_assert(sp_sql_date_trunc(SP_SQL_TRUNC_DAY, TS(2019, 11, 3, 9, 30, 0, 0), la, &out));
    cr_expect_eq(out, TS(2019, 11, 3, 7, 0, 0, 0)); /* midnight PDT */
    /* Kolkata's half-hour offset: hours are local */
    cr_assert(sp_sql_date_trunc(SP_SQL_TRUNC_HOUR, TS(2015, 3, 5, 9, 32, 5, 0),
                                zone("Asia/Kolkata"), &out));
    cr_expect_eq(out, TS(2015, 3, 5, 9, 30, 0, 0));
}
