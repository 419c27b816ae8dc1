/* test_sql_tz.c - time zones (src/sql/tz*.c): Spark's session time zone
 * strings, TZif zones with real DST transitions (America/Los_Angeles's
 * 2019 gap and overlap, Asia/Kolkata's half-hour offset, Australia/Lord_Howe's
 * 30-minute DST, instants after the last transition that need the footer
 * rule) and java.time's gap/overlap rules for local -> UTC. */
#include <criterion/criterion.h>

#include "sql/tz.h"

#include <string.h>

/* UTC µs of a wall time given as fields (no zone). */
static int64_t wall(int y, int mo, int d, int h, int mi, int s)
{
    sp_sql_dt_fields f = {y, mo, d, h, mi, s, 0, 0};
    int64_t us = 0;
    cr_assert(sp_sql_us_from_fields(&f, &us));
    return us;
}

static const sp_tz *zone(const char *id)
{
    char err[512] = "";
    const sp_tz *tz = sp_tz_get(id, err, sizeof err);
    cr_assert_not_null(tz, "zone %s: %s", id, err);
    return tz;
}

typedef struct id_case {
    const char *in, *id;
    int32_t off; /* for fixed zones */
} id_case;

Test(sql_tz, session_time_zone_strings_resolve_as_spark_getZoneId)
{
    static const id_case cases[] = {
        {"+08:00", "+08:00", 28800},
        {"+8", "+08:00", 28800},
        {"+8:00", "+08:00", 28800},
        {"-0830", "-08:30", -30600},
        {"+05:30:15", "+05:30:15", 19815},
        {"Z", "Z", 0},
        {"+00:00", "Z", 0},
        {"UTC", "UTC", 0},
        {"GMT", "GMT", 0},
        {"GMT+1", "GMT+01:00", 3600},
        {"UTC-08:00", "UTC-08:00", -28800},
        {"UT+0", "UT", 0},
        {"EST", "-05:00", -18000},
        {"+18:00", "+18:00", 64800},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const sp_tz *tz = zone(cases[i].in);
        int32_t off = 99;
        cr_expect_str_eq(sp_tz_id(tz), cases[i].id, "%s", cases[i].in);
        cr_expect(sp_tz_is_fixed(tz, &off), "%s", cases[i].in);
        cr_expect_eq(off, cases[i].off, "%s: %d", cases[i].in, off);
    }
    cr_expect_str_eq(sp_tz_id(zone("PST")), "America/Los_Angeles");
    cr_expect_str_eq(sp_tz_id(zone("Asia/Kolkata")), "Asia/Kolkata");
    cr_expect_eq(zone("Europe/Paris"), zone("Europe/Paris"), "cached: one shared zone");
}

Test(sql_tz, invalid_session_time_zones_fail_with_spark_error)
{
    static const char *bad[] = {"+18:01",
                                "+19",
                                "Foo/Bar",
                                "",
                                "+",
                                "+1:0:0",
                                "../etc/passwd",
                                "/etc/passwd",
                                "GMT+25",
                                "+08:60",
                                "america/los_angeles"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[512] = "";
        cr_expect_null(sp_tz_get(bad[i], err, sizeof err), "%s", bad[i]);
        cr_expect(strstr(err, "[INVALID_TIMEZONE] The timezone: ") == err, "%s: %s", bad[i], err);
    }
}

typedef struct conv_case {
    const char *zone;
    int lt[6];   /* local wall time */
    int utc[6];  /* the instant java.time picks */
    int32_t off; /* offset at that instant */
} conv_case;

Test(sql_tz, local_to_utc_follows_java_gap_and_overlap_rules)
{
    static const conv_case cases[] = {
        /* LA spring forward 2019-03-10 02:00 -> 03:00: 02:30 becomes 03:30 PDT */
        {"America/Los_Angeles", {2019, 3, 10, 2, 30, 0}, {2019, 3, 10, 10, 30, 0}, -25200},
        {"America/Los_Angeles", {2019, 3, 10, 1, 59, 59}, {2019, 3, 10, 9, 59, 59}, -28800},
        {"America/Los_Angeles", {2019, 3, 10, 3, 0, 0}, {2019, 3, 10, 10, 0, 0}, -25200},
        /* fall back 2019-11-03 02:00 -> 01:00: 01:30 takes the earlier offset, PDT */
        {"America/Los_Angeles", {2019, 11, 3, 1, 30, 0}, {2019, 11, 3, 8, 30, 0}, -25200},
        {"America/Los_Angeles", {2019, 11, 3, 2, 0, 0}, {2019, 11, 3, 10, 0, 0}, -28800},
        {"Asia/Kolkata", {2019, 1, 1, 5, 30, 0}, {2019, 1, 1, 0, 0, 0}, 19800},
        /* Lord Howe: +10:30 standard, +11 DST from 2019-10-06 02:00 (30-minute gap) */
        {"Australia/Lord_Howe", {2019, 10, 6, 2, 15, 0}, {2019, 10, 5, 15, 45, 0}, 39600},
        {"Australia/Lord_Howe", {2019, 7, 1, 12, 0, 0}, {2019, 7, 1, 1, 30, 0}, 37800},
        /* and back at 2020-04-05 02:00 -> 01:30: 01:45 is ambiguous, +11 first */
        {"Australia/Lord_Howe", {2020, 4, 5, 1, 45, 0}, {2020, 4, 4, 14, 45, 0}, 39600},
        /* after the last transition of the file: the footer's rule */
        {"America/Los_Angeles", {2100, 3, 14, 2, 30, 0}, {2100, 3, 14, 10, 30, 0}, -25200},
        {"America/Los_Angeles", {2100, 7, 1, 12, 0, 0}, {2100, 7, 1, 19, 0, 0}, -25200},
        {"America/Los_Angeles", {2100, 12, 1, 12, 0, 0}, {2100, 12, 1, 20, 0, 0}, -28800},
        {"Australia/Lord_Howe", {2100, 1, 1, 12, 0, 0}, {2100, 1, 1, 1, 0, 0}, 39600},
        {"Europe/Paris", {2200, 3, 30, 2, 30, 0}, {2200, 3, 30, 1, 30, 0}, 7200},
        {"+08:00", {2019, 1, 1, 8, 0, 0}, {2019, 1, 1, 0, 0, 0}, 28800},
        /* before the first transition: local mean time (LMT -7:52:58) */
        {"America/Los_Angeles", {1800, 1, 1, 0, 0, 0}, {1800, 1, 1, 7, 52, 58}, -28378},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const conv_case *c = &cases[i];
        const sp_tz *tz = zone(c->zone);
        int64_t got = 0,
                want = wall(c->utc[0], c->utc[1], c->utc[2], c->utc[3], c->utc[4], c->utc[5]);
        int64_t local = wall(c->lt[0], c->lt[1], c->lt[2], c->lt[3], c->lt[4], c->lt[5]);
        cr_assert(sp_tz_local_to_utc(tz, local, &got));
        cr_expect_eq(got, want, "case %zu (%s): got %lld want %lld", i, c->zone, (long long)got,
                     (long long)want);
        cr_expect_eq(sp_tz_offset_at(tz, want / 1000000), c->off, "case %zu offset", i);
    }
}

Test(sql_tz, utc_to_local_fields_and_abbreviations)
{
    const sp_tz *la = zone("America/Los_Angeles");
    sp_sql_dt_fields f;
    /* both 01:30s of 2019-11-03: PDT then PST */
    sp_tz_utc_to_local(la, wall(2019, 11, 3, 8, 30, 0) + 123456, &f);
    cr_expect(f.year == 2019 && f.month == 11 && f.day == 3 && f.hour == 1 && f.minute == 30);
    cr_expect_eq(f.micros, 123456);
    cr_expect_eq(f.offset_s, -25200);
    sp_tz_utc_to_local(la, wall(2019, 11, 3, 9, 30, 0), &f);
    cr_expect(f.hour == 1 && f.minute == 30 && f.offset_s == -28800);
    cr_expect_str_eq(sp_tz_abbrev_at(la, wall(2019, 11, 3, 9, 30, 0) / 1000000), "PST");
    cr_expect_str_eq(sp_tz_abbrev_at(la, wall(2100, 7, 1, 0, 0, 0) / 1000000), "PDT");
    cr_expect_str_eq(sp_tz_abbrev_at(zone("Asia/Kolkata"), 0), "IST");
    /* negative instants floor, not truncate */
    sp_tz_utc_to_local(sp_tz_utc(), -1, &f);
    cr_expect(f.year == 1969 && f.month == 12 && f.day == 31 && f.hour == 23 && f.second == 59 &&
              f.micros == 999999);
    /* an overlap keeps a preferred offset that is valid there */
    int64_t got;
    cr_assert(sp_tz_local_to_utc_prefer(la, wall(2019, 11, 3, 1, 0, 0), -28800, &got));
    cr_expect_eq(got, wall(2019, 11, 3, 9, 0, 0));
}

Test(sql_tz, malformed_tzif_data_is_an_error_not_a_crash)
{
    static const uint8_t junk[] = "TZif2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    char err[256] = "";
    cr_expect_null(sp_tz_from_tzif("x", junk, sizeof junk, err, sizeof err));
    cr_expect(strstr(err, "time zone x: ") == err, "%s", err);
    cr_expect_null(sp_tz_from_tzif("x", (const uint8_t *)"nope", 4, err, sizeof err));
    cr_expect(strstr(err, "not a TZif file"), "%s", err);
}
