/* test_duration.c - Spark's duration strings (JavaUtils.timeStringAsMs,
 * CalendarInterval words of trigger intervals, the Scala Durations) and
 * Duration.toString. */
#include <criterion/criterion.h>

#include <spate/core.h>

#include <string.h>

static spate_duration ok(const char *text)
{
    char err[256] = "";
    spate_duration d = -1;
    spate_err rc = spate_duration_parse(text, &d, err, sizeof err);
    cr_assert_eq(rc, SPATE_OK, "\"%s\" failed: %s", text, err);
    return d;
}

static void bad(const char *text, const char *want_in_msg)
{
    char err[256] = "";
    spate_duration d = 12345;
    spate_err rc = spate_duration_parse(text, &d, err, sizeof err);
    cr_assert_eq(rc, SPATE_ERR_INVALID_ARG, "\"%s\" parsed as %lld", text, (long long)d);
    cr_assert_eq(d, 12345, "output written on error");
    cr_assert(strstr(err, want_in_msg), "\"%s\": message \"%s\" lacks \"%s\"", text, err,
              want_in_msg);
}

Test(duration, spark_suffixes)
{
    cr_assert_eq(ok("5s"), 5000);
    cr_assert_eq(ok("500ms"), 500);
    cr_assert_eq(ok("3m"), 180000);
    cr_assert_eq(ok("3min"), 180000);
    cr_assert_eq(ok("2h"), 7200000);
    cr_assert_eq(ok("1d"), 86400000);
    cr_assert_eq(ok("2000us"), 2);
    cr_assert_eq(ok("200ms"), 200);
}

Test(duration, words_and_blanks)
{
    cr_assert_eq(ok("5 seconds"), 5000);
    cr_assert_eq(ok("1 second"), 1000);
    cr_assert_eq(ok("5 s"), 5000);
    cr_assert_eq(ok("500 milliseconds"), 500);
    cr_assert_eq(ok("500 ms"), 500);
    cr_assert_eq(ok("1 hour"), 3600000);
    cr_assert_eq(ok("3 minutes"), 180000);
    cr_assert_eq(ok("1 minute"), 60000);
    cr_assert_eq(ok("1 day"), 86400000);
    cr_assert_eq(ok("2 days"), 172800000);
    cr_assert_eq(ok("1 week"), 604800000);
    cr_assert_eq(ok("3000 microseconds"), 3);
    cr_assert_eq(ok("  10   Seconds \t"), 10000);
    cr_assert_eq(ok("5 SECONDS"), 5000);
    cr_assert_eq(ok("5MS"), 5);
}

Test(duration, plain_number_is_milliseconds)
{
    cr_assert_eq(ok("100"), 100);
    cr_assert_eq(ok(" 0 "), 0);
    cr_assert_eq(ok("9223372036854775807"), INT64_MAX);
}

Test(duration, interval_sums)
{
    cr_assert_eq(ok("interval 10 seconds"), 10000);
    cr_assert_eq(ok("1 minute 30 seconds"), 90000);
    cr_assert_eq(ok("INTERVAL 1 hour 1ms"), 3600001);
}

Test(duration, scala_constructors)
{
    cr_assert_eq(ok("Seconds(5)"), 5000);
    cr_assert_eq(ok("Milliseconds(500)"), 500);
    cr_assert_eq(ok("Minutes(1)"), 60000);
    cr_assert_eq(ok(" Seconds ( 2 ) "), 2000);
    bad("Hours(1)", "unknown constructor");
    bad("Seconds(5", "expected \")\"");
    bad("Seconds(x)", "expected a number");
    bad("Seconds(5) x", "unexpected text \"x\" at position 11");
}

Test(duration, errors_name_position_and_text)
{
    bad("5 secs", "invalid duration \"5 secs\": unknown unit \"secs\" at position 2 (expected");
    bad("", "empty");
    bad("   ", "empty");
    bad("-5s", "negative durations are not allowed: \"-5s\" at position 0");
    bad("seconds", "expected a number, found \"seconds\" at position 0");
    bad("1.5s", "fractions are not supported");
    bad("5s x", "unexpected text \"x\" at position 3");
    bad("5 10s", "missing unit after \"5\" at position 0");
    bad("1500us", "whole milliseconds");
    bad("interval", "nothing after \"interval\"");
    bad("5s!", "unexpected text \"!\" at position 2");
}

Test(duration, overflow)
{
    bad("99999999999999999999", "number too large");
    bad("9223372036854775807 s", "duration too large");
    bad("106751991167301 days", "duration too large");
    bad("9223372036854775807 ms 1ms", "duration too large");
}

Test(duration, null_errstr_is_fine)
{
    spate_duration d;
    cr_assert_eq(spate_duration_parse("nope", &d, NULL, 0), SPATE_ERR_INVALID_ARG);
    cr_assert_eq(spate_duration_parse(NULL, &d, NULL, 0), SPATE_ERR_INVALID_ARG);
}

Test(duration, format_like_spark_duration_tostring)
{
    char buf[32];
    cr_assert_str_eq(spate_duration_format(5000, buf, sizeof buf), "5000 ms");
    cr_assert_str_eq(spate_duration_format(spate_seconds(1), buf, sizeof buf), "1000 ms");
    cr_assert_str_eq(spate_duration_format(0, buf, sizeof buf), "0 ms");
}
