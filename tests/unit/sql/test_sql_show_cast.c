/* test_sql_show_cast.c - values as Dataset.show() prints them
 * (src/sql/java_num.c, show_cast.c): Java's Double.toString and
 * Float.toString (facts from the JDK's documented outputs and Spark's
 * suites), decimals' plain strings, binary, dates, timestamps in the session
 * zone, and nested values (DataFrameShowSuite: "[1, 2, 3]",
 * "{1 -> a, 2 -> b}", "{1, a}"). */
#include <criterion/criterion.h>

#include "sql/java_num.h"
#include "sql/show_cast.h"

#include <spate/value.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    double v;
    const char *s;
} doubles[] = {
    {1.0, "1.0"},
    {100.0, "100.0"},
    {-1.5, "-1.5"},
    {0.1, "0.1"},
    {0.1 + 0.2, "0.30000000000000004"},
    {1.0 / 3, "0.3333333333333333"},
    {2.0 / 3, "0.6666666666666666"},
    {0.001, "0.001"},
    {0.00123, "0.00123"},
    {1.0e-4, "1.0E-4"},
    {1.0e-5, "1.0E-5"},
    {1.234e-5, "1.234E-5"},
    {9999999.0, "9999999.0"},
    {1.0e7, "1.0E7"},
    {12345678.0, "1.2345678E7"},
    {1.0e10, "1.0E10"},
    {123456789.0, "1.23456789E8"},
    {12345.678, "12345.678"},
    {1.0e16, "1.0E16"},
    {1.0e21, "1.0E21"},
    {1.0e23, "1.0E23"},
    {9007199254740992.0, "9.007199254740992E15"},
    {9223372036854775807.0, "9.223372036854776E18"},
    {3.141592653589793, "3.141592653589793"},
    {2.718281828459045, "2.718281828459045"},
    {DBL_MAX, "1.7976931348623157E308"},
    {-DBL_MAX, "-1.7976931348623157E308"},
    {DBL_MIN, "2.2250738585072014E-308"},
    {4.9e-324, "4.9E-324"}, /* Double.MIN_VALUE: the closest of 1 or 2 digits */
    {1.0e-323, "9.9E-324"},
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {NAN, "NaN"},
    {INFINITY, "Infinity"},
    {-INFINITY, "-Infinity"},
    {1.1, "1.1"},
    {4.35, "4.35"},
    {100.5, "100.5"},
    {0.5, "0.5"},
    {1234567.0, "1234567.0"},
    {-0.001, "-0.001"},
};

Test(sql_show_cast, double_to_string_as_java)
{
    char s[SP_SQL_JAVA_NUM_MAX];
    for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
        size_t n = sp_sql_java_double_str(doubles[i].v, s);
        cr_expect_str_eq(s, doubles[i].s, "case %zu", i);
        cr_expect_eq(n, strlen(doubles[i].s));
    }
}

static const struct {
    float v;
    const char *s;
} floats[] = {
    {1.0f, "1.0"},
    {0.1f, "0.1"},
    {1.1f, "1.1"},
    {-2.5f, "-2.5"},
    {100.0f, "100.0"},
    {1.0f / 3, "0.33333334"},
    {3.14159f, "3.14159"},
    {123456.7f, "123456.7"},
    {16777216.0f, "1.6777216E7"},
    {1.0e10f, "1.0E10"},
    {1.0e-5f, "1.0E-5"},
    {0.001f, "0.001"},
    {FLT_MAX, "3.4028235E38"},
    {1.4e-45f, "1.4E-45"}, /* Float.MIN_VALUE */
    {0.0f, "0.0"},
    {-0.0f, "-0.0"},
    {NAN, "NaN"},
    {-INFINITY, "-Infinity"},
};

Test(sql_show_cast, float_to_string_as_java)
{
    char s[SP_SQL_JAVA_NUM_MAX];
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
        sp_sql_java_float_str(floats[i].v, s);
        cr_expect_str_eq(s, floats[i].s, "case %zu", i);
    }
}

/* Shortest and exact: every double's string reads back to it, and has no
 * more digits than %.17g needs; it agrees with base/format.c's separate
 * Double.toString (Scala's printing of DStream elements). */
Test(sql_show_cast, double_strings_read_back_and_agree_with_base)
{
    uint64_t x = 88172645463325252ull;
    char s[SP_SQL_JAVA_NUM_MAX], base[64];
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double d;
        memcpy(&d, &x, sizeof d);
        if (!isfinite(d)) continue;
        sp_sql_java_double_str(d, s);
        cr_assert_eq(strtod(s, NULL), d, "%s", s);
        size_t n = spate_value_format(spate_f64(d), base, sizeof base);
        base[n < sizeof base ? n : sizeof base - 1] = '\0';
        cr_assert_str_eq(s, base);
    }
}

Test(sql_show_cast, float_strings_read_back_and_are_short)
{
    uint32_t x = 2463534242u;
    char s[SP_SQL_JAVA_NUM_MAX];
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        float f;
        memcpy(&f, &x, sizeof f);
        if (!isfinite(f)) continue;
        sp_sql_java_float_str(f, s);
        cr_assert_eq(strtof(s, NULL), f, "%s", s);
        char sig[SP_SQL_JAVA_NUM_MAX];
        int n = 0, lead = 0;
        for (const char *c = s; *c && *c != 'E'; c++)
            if (*c >= '0' && *c <= '9') sig[n++] = *c;
        while (lead < n && sig[lead] == '0')
            lead++;
        while (n > lead && sig[n - 1] == '0')
            n--;
        cr_assert_leq(n - lead, 9, "%s", s); /* a float needs 9 digits at most */
    }
}

static void dec(int64_t unscaled, int scale, const char *want)
{
    char s[SP_SQL_JAVA_NUM_MAX];
    sp_sql_decimal_plain_str((uint64_t)unscaled, unscaled < 0 ? -1 : 0, scale, s);
    cr_expect_str_eq(s, want);
}

Test(sql_show_cast, decimals_plain_with_their_scale)
{
    dec(150, 2, "1.50");
    dec(-150, 2, "-1.50");
    dec(0, 2, "0.00");
    dec(0, 0, "0");
    dec(5, 2, "0.05");
    dec(-5, 3, "-0.005");
    dec(12, 0, "12");
    dec(1, 18, "0.000000000000000001");
    dec(1000000000000000000, 18, "1.000000000000000000");
    char s[SP_SQL_JAVA_NUM_MAX];
    /* 10^38 - 1, decimal(38,0) at its largest, and its negative */
    uint64_t lo = 0x098a223fffffffffull;
    int64_t hi = 0x4b3b4ca85a86c47a;
    sp_sql_decimal_plain_str(lo, hi, 0, s);
    cr_expect_str_eq(s, "99999999999999999999999999999999999999");
    sp_sql_decimal_plain_str(~lo + 1, ~hi + (lo == 0), 38, s);
    cr_expect_str_eq(s, "-0.99999999999999999999999999999999999999");
}

static const char *show(const sp_sql_showval *v, const sp_tz *tz)
{
    static sp_sql_sbuf b;
    sp_sql_sbuf_clear(&b);
    sp_sql_show_value(&b, v, tz);
    return sp_sql_sbuf_str(&b);
}

Test(sql_show_cast, scalars)
{
    sp_sql_showval v = {.kind = SP_SQL_SV_NULL};
    cr_expect_str_eq(show(&v, NULL), "NULL");
    v = (sp_sql_showval){.kind = SP_SQL_SV_BOOL, .u.b = true};
    cr_expect_str_eq(show(&v, NULL), "true");
    v.u.b = false;
    cr_expect_str_eq(show(&v, NULL), "false");
    v = (sp_sql_showval){.kind = SP_SQL_SV_INT, .u.i = INT64_MIN};
    cr_expect_str_eq(show(&v, NULL), "-9223372036854775808");
    v = (sp_sql_showval){.kind = SP_SQL_SV_STRING, .u.str = {"a\tb", 3}};
    cr_expect_str_eq(show(&v, NULL), "a\tb"); /* escaping is showString's job */
    /* DataFrameShowSuite "showString: binary": "12" and "ABC." */
    v = (sp_sql_showval){.kind = SP_SQL_SV_BINARY, .u.str = {"12", 2}};
    cr_expect_str_eq(show(&v, NULL), "[31 32]");
    v.u.str.p = "ABC.", v.u.str.n = 4;
    cr_expect_str_eq(show(&v, NULL), "[41 42 43 2E]");
    v.u.str.p = "\x01\x02\xff", v.u.str.n = 3;
    cr_expect_str_eq(show(&v, NULL), "[01 02 FF]");
    v.u.str.n = 0;
    cr_expect_str_eq(show(&v, NULL), "[]");
    v = (sp_sql_showval){.kind = SP_SQL_SV_DOUBLE, .u.d = 1e10};
    cr_expect_str_eq(show(&v, NULL), "1.0E10");
    v = (sp_sql_showval){.kind = SP_SQL_SV_DECIMAL, .u.dec = {150, 0, 2}};
    cr_expect_str_eq(show(&v, NULL), "1.50");
}

Test(sql_show_cast, dates_and_timestamps_in_the_session_zone)
{
    /* 2026-12-07 and 2026-12-07 14:11:03.123 UTC */
    sp_sql_showval v = {.kind = SP_SQL_SV_DATE, .u.days = 20794};
    cr_expect_str_eq(show(&v, NULL), "2026-12-07");
    int64_t us = (20794LL * 86400 + 14 * 3600 + 11 * 60 + 3) * 1000000 + 123000;
    v = (sp_sql_showval){.kind = SP_SQL_SV_TIMESTAMP, .u.us = us};
    cr_expect_str_eq(show(&v, sp_tz_utc()), "2026-12-07 14:11:03.123");
    const sp_tz *la = sp_tz_get("America/Los_Angeles", NULL, 0);
    cr_assert_not_null(la);
    cr_expect_str_eq(show(&v, la), "2026-12-07 06:11:03.123");
    v.u.us = us - 123000;
    cr_expect_str_eq(show(&v, sp_tz_utc()), "2026-12-07 14:11:03");
    v = (sp_sql_showval){.kind = SP_SQL_SV_TIMESTAMP_NTZ, .u.us = us + 400};
    cr_expect_str_eq(show(&v, la), "2026-12-07 14:11:03.1234");
    /* DataFrameShowSuite SPARK-18350: 2016-12-01 00:00:00 in
     * America/Los_Angeles shows as 2016-12-01 08:00:00 in UTC */
    int64_t pst = (17136LL * 86400 + 8 * 3600) * 1000000;
    v = (sp_sql_showval){.kind = SP_SQL_SV_TIMESTAMP, .u.us = pst};
    cr_expect_str_eq(show(&v, la), "2016-12-01 00:00:00");
    cr_expect_str_eq(show(&v, sp_tz_utc()), "2016-12-01 08:00:00");
}

#define I(x)                                                                                       \
    {                                                                                              \
        .kind = SP_SQL_SV_INT, .u.i = (x)                                                          \
    }
#define S(x)                                                                                       \
    {                                                                                              \
        .kind = SP_SQL_SV_STRING, .u.str = {(x), sizeof(x) - 1 }                                   \
    }
#define N                                                                                          \
    {                                                                                              \
        .kind = SP_SQL_SV_NULL                                                                     \
    }

Test(sql_show_cast, arrays_maps_structs)
{
    sp_sql_showval items[] = {I(1), I(2), N};
    sp_sql_showval arr = {.kind = SP_SQL_SV_ARRAY, .u.list = {items, 3}};
    cr_expect_str_eq(show(&arr, NULL), "[1, 2, NULL]");
    arr.u.list.n = 0;
    cr_expect_str_eq(show(&arr, NULL), "[]");
    sp_sql_showval first_null[] = {N, I(2)};
    arr.u.list.items = first_null;
    arr.u.list.n = 2;
    cr_expect_str_eq(show(&arr, NULL), "[NULL, 2]");

    sp_sql_showval kv[] = {S("a"), I(1), S("b"), N};
    sp_sql_showval map = {.kind = SP_SQL_SV_MAP, .u.list = {kv, 2}};
    cr_expect_str_eq(show(&map, NULL), "{a -> 1, b -> NULL}");
    sp_sql_showval kv2[] = {I(1), S("a"), I(2), S("b")}; /* SPARK-23023 */
    map.u.list.items = kv2;
    cr_expect_str_eq(show(&map, NULL), "{1 -> a, 2 -> b}");
    map.u.list.n = 0;
    cr_expect_str_eq(show(&map, NULL), "{}");

    sp_sql_showval fields[] = {I(1), S("a")};
    sp_sql_showval st = {.kind = SP_SQL_SV_STRUCT, .u.list = {fields, 2}};
    cr_expect_str_eq(show(&st, NULL), "{1, a}");
    sp_sql_showval nested_fields[] = {N, arr, st};
    sp_sql_showval nested = {.kind = SP_SQL_SV_STRUCT, .u.list = {nested_fields, 3}};
    nested_fields[1] = (sp_sql_showval){.kind = SP_SQL_SV_ARRAY, .u.list = {items, 3}};
    cr_expect_str_eq(show(&nested, NULL), "{NULL, [1, 2, NULL], {1, a}}");
}

Test(sql_show_cast, column_cells)
{
    spate_arena *a = spate_arena_new();
    sp_colspec specs[] = {{SP_COL_I8, 0, 0},   {SP_COL_F32, 0, 0},         {SP_COL_F64, 0, 0},
                          {SP_COL_BOOL, 0, 0}, {SP_COL_DECIMAL128, 10, 2}, {SP_COL_BINARY, 0, 0},
                          {SP_COL_UTF8, 0, 0}, {SP_COL_DATE32, 0, 0}};
    sp_colbatch *b = sp_colbatch_new_spec(a, 8, specs, NULL, 2);
    sp_column_i8(&b->cols[0])[0] = -128;
    sp_column_f32(&b->cols[1])[0] = 0.1f;
    sp_column_f64(&b->cols[2])[0] = 1e-5;
    sp_column_set_bool(&b->cols[3], 0, true);
    sp_column_set_decimal128(&b->cols[4], 0, (uint64_t)-5, -1);
    sp_column_append_bytes(b, 5, "\xab", 1);
    sp_column_append_str(b, 6, "x", 1);
    sp_column_date32(&b->cols[7])[0] = 0;
    sp_column_append_bytes(b, 5, "", 0);
    sp_column_append_str(b, 6, "", 0);
    for (int c = 0; c < 8; c++)
        sp_column_set_null(b, c, 1);
    sp_colbatch_set_length(b, 2);
    const char *want[] = {"-128", "0.1", "1.0E-5", "true", "-0.05", "[AB]", "x", "1970-01-01"};
    sp_sql_sbuf s = {0};
    for (int c = 0; c < 8; c++) {
        sp_sql_sbuf_clear(&s);
        sp_sql_show_cell(&s, &b->cols[c], 0, NULL);
        cr_expect_str_eq(sp_sql_sbuf_str(&s), want[c], "column %d", c);
        sp_sql_sbuf_clear(&s);
        sp_sql_show_cell(&s, &b->cols[c], 1, NULL);
        cr_expect_str_eq(sp_sql_sbuf_str(&s), "NULL", "column %d", c);
    }
    sp_sql_sbuf_free(&s);
    spate_arena_destroy(a);
}
