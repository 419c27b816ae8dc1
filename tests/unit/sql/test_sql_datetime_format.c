/* test_sql_datetime_format.c - Spark datetime patterns (src/sql/dtf_*.c):
 * formatting every supported letter, strict parsing with Spark's defaults
 * for missing fields, zones in the text, optional sections, and Spark 4's
 * errors for bad patterns. Facts from the SQL reference's examples,
 * DateFunctionsSuite, TimestampFormatterSuite and DateFormatterSuite. */
#include <criterion/criterion.h>

#include "sql/datetime.h"
#include "sql/datetime_format.h"

#include <string.h>

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

static sp_dtf *compile(const char *pat, bool parsing)
{
    char err[600];
    sp_dtf *f = sp_dtf_compile(pat, strlen(pat), parsing, err, sizeof err);
    cr_assert_not_null(f, "%s: %s", pat, err);
    return f;
}

typedef struct fmt_case {
    const char *zone, *pattern, *want;
} fmt_case;

Test(sql_dtf, formats_each_letter_as_java_time)
{
    /* 2016-04-08 13:10:15.123456 local time (a Friday, day 99 of the year) */
    static const fmt_case cases[] = {
        {"UTC", "yyyy-MM-dd HH:mm:ss", "2016-04-08 13:10:15"},
        {"UTC", "y", "2016"},
        {"UTC", "yy", "16"},
        {"UTC", "yyyyy", "02016"},
        {"UTC", "M", "4"},
        {"UTC", "MM", "04"},
        {"UTC", "MMM", "Apr"},
        {"UTC", "MMMM", "April"},
        {"UTC", "LLLL", "April"},
        {"UTC", "d", "8"},
        {"UTC", "D", "99"},
        {"UTC", "DDD", "099"},
        {"UTC", "Q", "2"},
        {"UTC", "QQ", "02"},
        {"UTC", "QQQ", "Q2"},
        {"UTC", "QQQQ", "2nd quarter"},
        {"UTC", "E", "Fri"},
        {"UTC", "EEEE", "Friday"},
        {"UTC", "a", "PM"},
        {"UTC", "h", "1"},
        {"UTC", "hh", "01"},
        {"UTC", "K", "1"},
        {"UTC", "k", "13"},
        {"UTC", "G", "AD"},
        {"UTC", "GGGG", "Anno Domini"},
        {"UTC", "S", "1"},
        {"UTC", "SSS", "123"},
        {"UTC", "SSSSSS", "123456"},
        {"UTC", "SSSSSSSSS", "123456000"},
        {"UTC", "yyyy-MM-dd'T'HH:mm:ss.SSS", "2016-04-08T13:10:15.123"},
        {"UTC", "'o''clock' HH", "o'clock 13"},
        {"UTC", "''", "'"},
        {"UTC", "yyyy[-MM]", "2016-04"},
        {"UTC", "X", "Z"},
        {"UTC", "x", "+00"},
        {"UTC", "Z", "+0000"},
        {"UTC", "ZZZZZ", "Z"},
        {"UTC", "O", "GMT"},
        {"UTC", "VV", "UTC"},
        {"America/Los_Angeles", "VV", "America/Los_Angeles"},
        {"America/Los_Angeles", "z", "PDT"},
        {"America/Los_Angeles", "X", "-07"},
        {"America/Los_Angeles", "XX", "-0700"},
        {"America/Los_Angeles", "XXX", "-07:00"},
        {"America/Los_Angeles", "xx", "-0700"},
        {"America/Los_Angeles", "Z", "-0700"},
        {"America/Los_Angeles", "ZZZZ", "GMT-07:00"},
        {"America/Los_Angeles", "ZZZZZ", "-07:00"},
        {"America/Los_Angeles", "O", "GMT-7"},
        {"America/Los_Angeles", "OOOO", "GMT-07:00"},
        {"Asia/Kolkata", "O", "GMT+5:30"},
        {"Asia/Kolkata", "X", "+0530"},
        {"Asia/Kolkata", "xxx", "+05:30"},
        {"Asia/Kolkata", "z", "IST"},
        {"+08:00", "z", "+08:00"},
        {"+08:00", "VV", "+08:00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const fmt_case *c = &cases[i];
        const sp_tz *tz = zone(c->zone);
        int64_t wall = TS(2016, 4, 8, 13, 10, 15, 123456), us;
        cr_assert(sp_tz_local_to_utc(tz, wall, &us));
        sp_dtf *f = compile(c->pattern, false);
        char out[128];
        size_t n = sp_dtf_format(f, us, tz, out, sizeof out);
        cr_expect_str_eq(out, c->want, "'%s' in %s", c->pattern, c->zone);
        cr_expect_eq(n, strlen(c->want));
        cr_expect(n <= sp_dtf_max_len(f));
        sp_dtf_free(f);
    }
}

Test(sql_dtf, formats_years_and_hours_at_their_edges)
{
    sp_dtf *f = compile("yyyy-MM-dd hh a k", false);
    char out[64];
    sp_dtf_format(f, TS(10000, 1, 1, 0, 5, 0, 0), sp_tz_utc(), out, sizeof out);
    cr_expect_str_eq(out, "+10000-01-01 12 AM 24");
    sp_dtf_format(f, TS(0, 1, 1, 12, 0, 0, 0), sp_tz_utc(), out, sizeof out);
    cr_expect_str_eq(out, "0000-01-01 12 PM 12");
    sp_dtf_free(f);
    f = compile("yyyy G", false);
    sp_dtf_format(f, TS(0, 1, 1, 0, 0, 0, 0), sp_tz_utc(), out, sizeof out);
    cr_expect_str_eq(out, "0001 BC");
    /* a short buffer is cut, never overrun */
    cr_expect_eq(sp_dtf_format(f, 0, sp_tz_utc(), out, 3), 2u);
    cr_expect_str_eq(out, "19");
    sp_dtf_free(f);
}

typedef struct parse_case {
    const char *pattern, *in;
    bool ok;
    const char *zone; /* zone of the expected wall time (session: LA) */
    int w[7];
} parse_case;

Test(sql_dtf, parses_strictly_with_spark_defaults)
{
    static const parse_case cases[] = {
        {"yyyy-MM-dd", "2016-12-31", true, NULL, {2016, 12, 31, 0, 0, 0, 0}},
        {"yyyy-MM-dd HH:mm:ss", "2016-12-31 23:59:58", true, NULL, {2016, 12, 31, 23, 59, 58, 0}},
        {"MM", "12", true, NULL, {1970, 12, 1, 0, 0, 0, 0}},
        {"yyyy", "2020", true, NULL, {2020, 1, 1, 0, 0, 0, 0}},
        {"HH:mm", "10:20", true, NULL, {1970, 1, 1, 10, 20, 0, 0}},
        {"yyyyMMdd", "20200101", true, NULL, {2020, 1, 1, 0, 0, 0, 0}},
        {"yyyyMMddHHmmss", "20200102030405", true, NULL, {2020, 1, 2, 3, 4, 5, 0}},
        {"yyyy-MM-dd HH:mm:ss.SSSSSS",
         "2019-10-14 09:39:07.1",
         true,
         NULL,
         {2019, 10, 14, 9, 39, 7, 100000}},
        {"yyyy-MM-dd HH:mm:ss.SSSSSS",
         "2019-10-14 09:39:07.123456",
         true,
         NULL,
         {2019, 10, 14, 9, 39, 7, 123456}},
        {"yyyy-MM-dd HH:mm:ss.SSSSSSSSS",
         "2019-10-14 09:39:07.123456789",
         true,
         NULL,
         {2019, 10, 14, 9, 39, 7, 123456}},
        {"hh:mm a", "12:30 PM", true, NULL, {1970, 1, 1, 12, 30, 0, 0}},
        {"hh:mm a", "12:30 am", true, NULL, {1970, 1, 1, 0, 30, 0, 0}},
        {"hh:mm", "03:30", true, NULL, {1970, 1, 1, 3, 30, 0, 0}},
        {"k:mm", "24:00", true, NULL, {1970, 1, 1, 0, 0, 0, 0}},
        {"MMM yyyy", "jan 2020", true, NULL, {2020, 1, 1, 0, 0, 0, 0}},
        {"d MMMM yyyy", "5 DECEMBER 2020", true, NULL, {2020, 12, 5, 0, 0, 0, 0}},
        {"yyyy DDD", "2020 100", true, NULL, {2020, 4, 9, 0, 0, 0, 0}},
        {"yy-MM-dd", "99-01-02", true, NULL, {2099, 1, 2, 0, 0, 0, 0}},
        {"yyyy-MM-dd[ HH:mm:ss]", "2020-01-01", true, NULL, {2020, 1, 1, 0, 0, 0, 0}},
        {"yyyy-MM-dd[ HH:mm:ss]", "2020-01-01 10:11:12", true, NULL, {2020, 1, 1, 10, 11, 12, 0}},
        {"yyyy-MM-dd'T'HH:mm:ss", "2020-01-01t10:11:12", true, NULL, {2020, 1, 1, 10, 11, 12, 0}},
        {"yyyy-MM-dd HH:mm:ss XXX",
         "2020-01-01 10:00:00 +08:00",
         true,
         "+08:00",
         {2020, 1, 1, 10, 0, 0, 0}},
        {"yyyy-MM-dd HH:mm:ss X", "2020-01-01 10:00:00 Z", true, "UTC", {2020, 1, 1, 10, 0, 0, 0}},
        {"yyyy-MM-dd HH:mm:ss Z",
         "2020-01-01 10:00:00 -0530",
         true,
         "-05:30",
         {2020, 1, 1, 10, 0, 0, 0}},
        {"yyyy-MM-dd HH:mm VV",
         "2020-01-01 10:00 Asia/Kolkata",
         true,
         "Asia/Kolkata",
         {2020, 1, 1, 10, 0, 0, 0}},
        {"yyyy-MM-dd HH:mm z", "2020-07-01 10:00 UTC", true, "UTC", {2020, 7, 1, 10, 0, 0, 0}},
        {"yyyy-MM-dd HH:mm O", "2020-07-01 10:00 GMT+8", true, "+08:00", {2020, 7, 1, 10, 0, 0, 0}},
        {"yyyy-MM-dd HH:mm", "2019-03-10 02:30", true, NULL, {2019, 3, 10, 3, 30, 0, 0}},
        {"yyyy-MM-dd", "2016-12-31 abc", false, NULL, {0}},
        {"yyyy-MM-dd", "2019-02-30", false, NULL, {0}},
        {"yyyy-MM-dd", "2019-2-3", false, NULL, {0}},
        {"yyyy-M-d", "2019-2-3", true, NULL, {2019, 2, 3, 0, 0, 0, 0}},
        {"yyyy-MM-dd", "12345-01-01", false, NULL, {0}},
        {"yyyy-MM-dd", "", false, NULL, {0}},
        {"HH:mm", "24:00", false, NULL, {0}},
        {"HH:mm:ss", "10:61:00", false, NULL, {0}},
        {"hh:mm", "13:00", false, NULL, {0}},
        {"HH a", "10 PM", false, NULL, {0}},
        {"yyyy DDD", "2019 366", false, NULL, {0}},
        {"MMM", "Foo", false, NULL, {0}},
    };
    const sp_tz *la = zone("America/Los_Angeles");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const parse_case *c = &cases[i];
        sp_dtf *f = compile(c->pattern, true);
        int64_t got = 0, want = 0;
        char err[600] = "";
        bool ok = sp_dtf_parse(f, c->in, strlen(c->in), la, &got, err, sizeof err);
        cr_expect_eq(ok, c->ok, "'%s' with '%s': %s", c->in, c->pattern, err);
        if (ok && c->ok) {
            int64_t wall = TS(c->w[0], c->w[1], c->w[2], c->w[3], c->w[4], c->w[5], c->w[6]);
            cr_assert(sp_tz_local_to_utc(c->zone ? zone(c->zone) : la, wall, &want));
            cr_expect_eq(got, want, "'%s' with '%s'", c->in, c->pattern);
        }
        if (!ok && !c->ok)
            cr_expect(strstr(err, "[CANNOT_PARSE_TIMESTAMP] Text '") == err, "%s", err);
        sp_dtf_free(f);
    }
}

Test(sql_dtf, parse_errors_name_the_index)
{
    sp_dtf *f = compile("yyyy-MM-dd", true);
    char err[600];
    int64_t us;
    cr_expect(!sp_dtf_parse(f, "2016-12-31 abc", 14, sp_tz_utc(), &us, err, sizeof err));
    cr_expect(
        strstr(err, "Text '2016-12-31 abc' could not be parsed, unparsed text found at index 10"),
        "%s", err);
    cr_expect(!sp_dtf_parse(f, "2016-1x-31", 10, sp_tz_utc(), &us, err, sizeof err));
    cr_expect(strstr(err, "could not be parsed at index 5"), "%s", err);
    sp_dtf_free(f);
}

Test(sql_dtf, unix_time_and_to_date)
{
    const sp_tz *la = zone("America/Los_Angeles");
    sp_dtf *f = compile(SP_SQL_DEFAULT_TS_PATTERN, false);
    char out[64];
    size_t n = 0;
    cr_assert(sp_sql_from_unixtime(f, 0, la, out, sizeof out, &n));
    cr_expect_str_eq(out, "1969-12-31 16:00:00"); /* SQL reference example */
    cr_expect(!sp_sql_from_unixtime(f, INT64_MAX / 1000, la, out, sizeof out, &n));
    sp_dtf_free(f);
    f = compile("yyyy-MM-dd", true);
    int64_t secs = 0;
    cr_assert(sp_sql_unix_timestamp(f, "2016-04-08", 10, la, &secs, NULL, 0));
    cr_expect_eq(secs, 1460098800); /* SQL reference example */
    int32_t days = 0;
    cr_assert(sp_sql_to_date(f, "2016-12-31", 10, la, &days, NULL, 0));
    cr_expect_eq(days, (int32_t)sp_sql_days_from_civil(2016, 12, 31));
    sp_dtf_free(f);
    /* to_date of a timestamp with an offset: the date in the session zone */
    f = compile("yyyy-MM-dd HH:mm XXX", true);
    cr_assert(sp_sql_to_date(f, "2020-01-02 03:00 +08:00", 23, la, &days, NULL, 0));
    cr_expect_eq(days, (int32_t)sp_sql_days_from_civil(2020, 1, 1));
    sp_dtf_free(f);
}

typedef struct bad_case {
    const char *pattern;
    bool parsing;
    const char *prefix;
} bad_case;

Test(sql_dtf, bad_patterns_fail_with_spark_errors)
{
#define recog "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION]"
#define illegal                                                                                    \
    "[INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER] Illegal pattern character found in datetime "    \
    "pattern: "
    static const bad_case cases[] = {
        {"yyyy-MM-dd-u", false, recog},
        {"MMMMM", false, recog},
        {"GGGGG", false, recog},
        {"yyyyyyyyyyy", false, recog},
        {"ddd", false, recog},
        {"'unclosed", false, recog},
        {"yyyy]", false, recog},
        {"[yyyy", false, recog},
        {"yyyy-MM-dd E", true, recog},
        {"yyyy-MM-dd b", false, illegal},
        {"A", false, illegal},
        {"n", false, illegal},
        {"{", false, recog},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[600] = "";
        const char *p = cases[i].pattern;
        cr_expect_null(sp_dtf_compile(p, strlen(p), cases[i].parsing, err, sizeof err), "%s", p);
        cr_expect(strstr(err, cases[i].prefix) == err, "%s: %s", p, err);
    }
    char err[600];
    cr_assert_null(sp_dtf_compile("yyyy-MM-dd-u", 12, false, err, sizeof err));
    cr_expect(strstr(err, "Fail to recognize 'yyyy-MM-dd-u' pattern in the DateTimeFormatter. 1) "
                          "You can set \"spark.sql.legacy.timeParserPolicy\" to \"LEGACY\""),
              "%s", err);
    cr_assert_null(sp_dtf_compile("b", 1, false, err, sizeof err));
    cr_expect(strstr(err, "pattern: b. Please provide legal character."), "%s", err);
    /* E formats but does not parse (SPARK-31892) */
    sp_dtf_free(compile("EEE", false));
}
