/* test_sink_format.c - the text of rows as Spark's file sinks write them
 * (src/sql/sink_format*.c): CSV as UnivocityGenerator with CSVOptions'
 * write defaults (nulls empty, empty strings "", quotes escaped with a
 * backslash, timestamps yyyy-MM-dd'T'HH:mm:ss.SSSXXX, doubles as
 * Double.toString, decimals as BigDecimal.toString), JSON as
 * JacksonGenerator (nulls left out, NaN quoted), text lines. */
#include <criterion/criterion.h>

#include "sql/sink_format.h"
#include "sql/sink_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static spate_arena *arena;
static char err[512];
static sp_sql_sbuf out;

static void setup(void) { arena = spate_arena_new(); }
static void teardown(void)
{
    sp_sql_sbuf_free(&out);
    spate_arena_destroy(arena);
}

TestSuite(sql_sink_format, .init = setup, .fini = teardown);

enum { NROWS = 3 };

/* (i INT, s STRING, d DOUBLE, ts TIMESTAMP, dec DECIMAL(10,2), dt DATE,
 * b BOOLEAN, n TIMESTAMP_NTZ), three rows with nulls in each column. */
static sp_colbatch *mixed(void)
{
    sp_colspec specs[] = {{SP_COL_I32, 0, 0},         {SP_COL_UTF8, 0, 0},
                          {SP_COL_F64, 0, 0},         {SP_COL_TIMESTAMP, 0, 0},
                          {SP_COL_DECIMAL128, 10, 2}, {SP_COL_DATE32, 0, 0},
                          {SP_COL_BOOL, 0, 0},        {SP_COL_TIMESTAMP_NTZ, 0, 0}};
    const char *names[] = {"i", "s", "d", "ts", "dec", "dt", "b", "n"};
    sp_colbatch *b = sp_colbatch_new_spec(arena, 8, specs, names, NROWS);
    const int32_t iv[] = {1, 0, 3};
    const char *sv[] = {"a,b", "he said \"hi\"", ""};
    const double dv[] = {1e7, NAN, -0.0};
    const int64_t tv[] = {1609495200000000LL, 0, 1609495200123000LL};
    const int64_t decv[] = {150, -5, 0};
    const int32_t dtv[] = {18628, 0, 0};
    for (int r = 0; r < NROWS; r++) {
        sp_column_i32(&b->cols[0])[r] = iv[r];
        sp_column_append_str(b, 1, sv[r], strlen(sv[r]));
        sp_column_f64(&b->cols[2])[r] = dv[r];
        sp_column_i64(&b->cols[3])[r] = tv[r];
        sp_column_set_decimal128(&b->cols[4], r, (uint64_t)decv[r], decv[r] < 0 ? -1 : 0);
        sp_column_date32(&b->cols[5])[r] = dtv[r];
        sp_column_set_bool(&b->cols[6], r, r == 0);
        sp_column_i64(&b->cols[7])[r] = tv[r];
    }
    sp_column_set_null(b, 0, 1);
    sp_column_set_null(b, 3, 1);
    sp_column_set_null(b, 5, 1);
    sp_column_set_null(b, 4, 2);
    sp_column_set_null(b, 6, 2);
    sp_column_set_null(b, 7, 1);
    sp_colbatch_set_length(b, NROWS);
    return b;
}

static const char *write_rows(sp_sink_fmt fmt, const char *k, const char *v, const sp_tz *tz,
                              const sp_colbatch *b)
{
    const char *keys[] = {k}, *vals[] = {v};
    sp_sink_writer *w = sp_sink_writer_new(fmt, keys, vals, k ? 1 : 0, NULL, tz, err, sizeof err);
    cr_assert_not_null(w, "%s", err);
    sp_sql_sbuf_clear(&out);
    sp_sink_writer_begin(w, b, &out);
    sp_sink_writer_rows(w, b, &out);
    sp_sink_writer_free(w);
    return sp_sql_sbuf_str(&out);
}

Test(sql_sink_format, csv_defaults)
{
    cr_expect_str_eq(write_rows(SP_SINK_FMT_CSV, NULL, NULL, NULL, mixed()),
                     "1,\"a,b\",1.0E7,2021-01-01T10:00:00.000Z,1.50,2021-01-01,true,"
                     "2021-01-01T10:00:00.000\n"
                     ",\"he said \\\"hi\\\"\",NaN,,-0.05,,false,\n"
                     "3,\"\",-0.0,2021-01-01T10:00:00.123Z,,1970-01-01,,"
                     "2021-01-01T10:00:00.123\n");
}

Test(sql_sink_format, csv_header_sep_null_value)
{
    const char *keys[] = {"header", "sep", "nullValue"}, *vals[] = {"true", ";", "NULL"};
    sp_sink_writer *w =
        sp_sink_writer_new(SP_SINK_FMT_CSV, keys, vals, 3, NULL, NULL, err, sizeof err);
    cr_assert_not_null(w, "%s", err);
    sp_colbatch *b = mixed();
    sp_sink_writer_begin(w, b, &out);
    sp_sink_writer_rows(w, b, &out);
    sp_sink_writer_free(w);
    cr_expect_str_eq(sp_sql_sbuf_str(&out),
                     "i;s;d;ts;dec;dt;b;n\n"
                     "1;a,b;1.0E7;2021-01-01T10:00:00.000Z;1.50;2021-01-01;true;"
                     "2021-01-01T10:00:00.000\n"
                     "NULL;\"he said \\\"hi\\\"\";NaN;NULL;-0.05;NULL;false;NULL\n"
                     "3;\"\";-0.0;2021-01-01T10:00:00.123Z;NULL;1970-01-01;NULL;"
                     "2021-01-01T10:00:00.123\n");
}

Test(sql_sink_format, csv_timestamps_in_session_zone)
{
    const sp_tz *la = sp_tz_get("America/Los_Angeles", err, sizeof err);
    cr_assert_not_null(la, "%s", err);
    sp_coltype t = SP_COL_TIMESTAMP;
    const char *name = "ts";
    sp_colbatch *b = sp_colbatch_new(arena, 1, &t, &name, 1);
    sp_column_i64(&b->cols[0])[0] = 1609495200000000LL;
    sp_colbatch_set_length(b, 1);
    cr_expect_str_eq(write_rows(SP_SINK_FMT_CSV, NULL, NULL, la, b),
                     "2021-01-01T02:00:00.000-08:00\n");
    cr_expect_str_eq(write_rows(SP_SINK_FMT_CSV, "timestampFormat", "yyyy/MM/dd HH:mm", la, b),
                     "2021/01/01 02:00\n");
}

Test(sql_sink_format, csv_trims_and_quotes_line_breaks)
{
    sp_coltype t = SP_COL_UTF8;
    const char *name = "s";
    const char *v[] = {"  padded  ", "two\nlines", "back\\slash", "quoteAll"};
    sp_colbatch *b = sp_colbatch_new(arena, 1, &t, &name, 4);
    for (int i = 0; i < 4; i++)
        sp_column_append_str(b, 0, v[i], strlen(v[i]));
    sp_colbatch_set_length(b, 4);
    cr_expect_str_eq(write_rows(SP_SINK_FMT_CSV, NULL, NULL, NULL, b),
                     "padded\n\"two\nlines\"\nback\\slash\nquoteAll\n");
    cr_expect_str_eq(write_rows(SP_SINK_FMT_CSV, "quoteAll", "true", NULL, b),
                     "\"padded\"\n\"two\nlines\"\n\"back\\slash\"\n\"quoteAll\"\n");
}

Test(sql_sink_format, json_defaults)
{
    cr_expect_str_eq(write_rows(SP_SINK_FMT_JSON, NULL, NULL, NULL, mixed()),
                     "{\"i\":1,\"s\":\"a,b\",\"d\":1.0E7,\"ts\":\"2021-01-01T10:00:00.000Z\","
                     "\"dec\":1.50,\"dt\":\"2021-01-01\",\"b\":true,"
                     "\"n\":\"2021-01-01T10:00:00.000\"}\n"
                     "{\"s\":\"he said \\\"hi\\\"\",\"d\":\"NaN\",\"dec\":-0.05,\"b\":false}\n"
                     "{\"i\":3,\"s\":\"\",\"d\":-0.0,\"ts\":\"2021-01-01T10:00:00.123Z\","
                     "\"dt\":\"1970-01-01\",\"n\":\"2021-01-01T10:00:00.123\"}\n");
}

Test(sql_sink_format, json_nulls_escapes_binary)
{
    sp_coltype t[] = {SP_COL_UTF8, SP_COL_BINARY, SP_COL_I64};
    const char *names[] = {"k\"ey", "bin", "l"};
    sp_colbatch *b = sp_colbatch_new(arena, 3, t, names, 2);
    sp_column_append_str(b, 0, "t\tab\x01/\xc3\xa9\\", 9);
    sp_column_append_bytes(b, 1, "\x01\x02\xff", 3);
    sp_column_i64(&b->cols[2])[0] = -9223372036854775807LL - 1;
    sp_column_append_str(b, 0, "", 0);
    sp_column_set_null(b, 0, 1);
    sp_column_append_bytes(b, 1, "ab", 2);
    sp_column_set_null(b, 2, 1);
    sp_colbatch_set_length(b, 2);
    cr_expect_str_eq(write_rows(SP_SINK_FMT_JSON, NULL, NULL, NULL, b),
                     "{\"k\\\"ey\":\"t\\tab\\u0001/\xc3\xa9\\\\\",\"bin\":\"AQL/\","
                     "\"l\":-9223372036854775808}\n"
                     "{\"bin\":\"YWI=\"}\n");
    cr_expect_str_eq(write_rows(SP_SINK_FMT_JSON, "ignoreNullFields", "false", NULL, b),
                     "{\"k\\\"ey\":\"t\\tab\\u0001/\xc3\xa9\\\\\",\"bin\":\"AQL/\","
                     "\"l\":-9223372036854775808}\n"
                     "{\"k\\\"ey\":null,\"bin\":\"YWI=\",\"l\":null}\n");
}

Test(sql_sink_format, text_lines)
{
    sp_coltype t = SP_COL_UTF8;
    const char *name = "value";
    sp_colbatch *b = sp_colbatch_new(arena, 1, &t, &name, 3);
    sp_column_append_str(b, 0, "one, \"two\"", 10);
    sp_column_append_str(b, 0, "", 0);
    sp_column_set_null(b, 0, 1);
    sp_column_append_str(b, 0, "three", 5);
    sp_colbatch_set_length(b, 3);
    cr_expect_str_eq(write_rows(SP_SINK_FMT_TEXT, NULL, NULL, NULL, b), "one, \"two\"\n\nthree\n");
    cr_expect_str_eq(write_rows(SP_SINK_FMT_TEXT, "lineSep", "\r\n", NULL, b),
                     "one, \"two\"\r\n\r\nthree\r\n");
}

/* Java's BigDecimal.toString: plain unless the adjusted exponent is below -6. */
Test(sql_sink_format, decimal_to_string)
{
    static const struct {
        int64_t unscaled;
        int scale;
        const char *want;
    } cases[] = {
        {150, 2, "1.50"},
        {12, 0, "12"},
        {-5, 2, "-0.05"},
        {0, 2, "0.00"},
        {1, 18, "1E-18"},
        {0, 20, "0E-20"},
        {-12345, 10, "-0.0000012345"},
        {-12345, 11, "-1.2345E-7"},
        {123, 8, "0.00000123"},
        {123, 9, "1.23E-7"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        size_t n = sp_sink_decimal_str((uint64_t)cases[i].unscaled, cases[i].unscaled < 0 ? -1 : 0,
                                       cases[i].scale, buf);
        buf[n] = '\0';
        cr_expect_str_eq(buf, cases[i].want, "case %zu", i);
    }
}

Test(sql_sink_format, bad_options)
{
    static const struct {
        sp_sink_fmt fmt;
        const char *k, *v, *msg;
    } cases[] = {
        {SP_SINK_FMT_CSV, "sep", ";;",
         "Invalid value for the option sep: ';;' (expected one character)."},
        {SP_SINK_FMT_CSV, "quoteAll", "1",
         "Invalid value for the option quoteAll: '1' (expected true or false)."},
        {SP_SINK_FMT_JSON, "compression", "gzip",
         "Invalid value for the option compression: 'gzip' (spate writes uncompressed files only: "
         "none)."},
        {SP_SINK_FMT_CSV, "lineSep", "abc",
         "Invalid value for the option lineSep: 'abc' ('lineSep' can contain only 1 character)."},
        {SP_SINK_FMT_TEXT, "lineSep", "",
         "Invalid value for the option lineSep: '' ('lineSep' cannot be an empty string)."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *keys[] = {cases[i].k}, *vals[] = {cases[i].v};
        err[0] = '\0';
        cr_expect_null(
            sp_sink_writer_new(cases[i].fmt, keys, vals, 1, NULL, NULL, err, sizeof err));
        cr_expect_str_eq(err, cases[i].msg, "case %zu", i);
    }
}
