/* test_sql_show.c - Dataset.showString (src/sql/show.c, show_text.c)
 * byte for byte against the expected strings of Spark's own suites
 * (DataFrameShowSuite, DatasetSuite's SPARK-25108 and SPARK-15550), with
 * their inputs: long strings truncated, nulls, numbers, more rows than
 * numRows, truncate = 0 and small truncates, vertical, escaped control
 * characters, full-width characters, the empty result. */
#include <criterion/criterion.h>

#include "sql/show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static spate_arena *arena;
static sp_sql_sbuf out;

static void setup(void) { arena = spate_arena_new(); }
static void teardown(void)
{
    sp_sql_sbuf_free(&out);
    spate_arena_destroy(arena);
}

TestSuite(sql_show, .init = setup, .fini = teardown);

static const char *show(const sp_colbatch *b, int num_rows, int truncate, bool vertical,
                        const sp_tz *tz)
{
    sp_sql_sbuf_clear(&out);
    sp_sql_show_string(&out, b, num_rows, truncate, vertical, tz);
    return sp_sql_sbuf_str(&out);
}

/* One utf8 column "value"; a NULL string is a null row. */
static sp_colbatch *strings(const char *const *v, int n)
{
    sp_coltype t = SP_COL_UTF8;
    const char *name = "value";
    sp_colbatch *b = sp_colbatch_new(arena, 1, &t, &name, n);
    for (int i = 0; i < n; i++) {
        sp_column_append_str(b, 0, v[i] ? v[i] : "", v[i] ? strlen(v[i]) : 0);
        if (!v[i]) sp_column_set_null(b, 0, i);
    }
    sp_colbatch_set_length(b, n);
    return b;
}

/* Spark's testData: (key int, value string) = (i, "i") for i in 1..n. */
static sp_colbatch *test_data(int n)
{
    sp_coltype t[] = {SP_COL_I32, SP_COL_UTF8};
    const char *names[] = {"key", "value"};
    sp_colbatch *b = sp_colbatch_new(arena, 2, t, names, n ? n : 1);
    for (int i = 0; i < n; i++) {
        char s[16];
        sp_column_i32(&b->cols[0])[i] = i + 1;
        sp_column_append_str(b, 1, s, (size_t)snprintf(s, sizeof s, "%d", i + 1));
    }
    sp_colbatch_set_length(b, n);
    return b;
}

static sp_colbatch *ints2(const char *a, const char *bname, const int *v, int rows)
{
    sp_coltype t[] = {SP_COL_I32, SP_COL_I32};
    const char *names[] = {a, bname};
    sp_colbatch *b = sp_colbatch_new(arena, 2, t, names, rows);
    for (int i = 0; i < rows; i++) {
        sp_column_i32(&b->cols[0])[i] = v[2 * i];
        sp_column_i32(&b->cols[1])[i] = v[2 * i + 1];
    }
    sp_colbatch_set_length(b, rows);
    return b;
}

static const char *long_21 = "111111111111111111111";

Test(sql_show, truncate_0_and_20)
{
    const char *v[] = {"1", long_21};
    sp_colbatch *b = strings(v, 2);
    cr_expect_str_eq(show(b, 10, 0, false, NULL), "+---------------------+\n"
                                                  "|value                |\n"
                                                  "+---------------------+\n"
                                                  "|1                    |\n"
                                                  "|111111111111111111111|\n"
                                                  "+---------------------+\n");
    cr_expect_str_eq(show(b, 10, 20, false, NULL), "+--------------------+\n"
                                                   "|               value|\n"
                                                   "+--------------------+\n"
                                                   "|                   1|\n"
                                                   "|11111111111111111...|\n"
                                                   "+--------------------+\n");
}

Test(sql_show, truncate_0_and_20_vertical)
{
    const char *v[] = {"1", long_21};
    sp_colbatch *b = strings(v, 2);
    cr_expect_str_eq(show(b, 10, 0, true, NULL), "-RECORD 0----------------------\n"
                                                 " value | 1                     \n"
                                                 "-RECORD 1----------------------\n"
                                                 " value | 111111111111111111111 \n");
    cr_expect_str_eq(show(b, 10, 20, true, NULL), "-RECORD 0---------------------\n"
                                                  " value | 1                    \n"
                                                  "-RECORD 1---------------------\n"
                                                  " value | 11111111111111111... \n");
}

Test(sql_show, truncate_3_and_17)
{
    const char *v[] = {"1", long_21};
    sp_colbatch *b = strings(v, 2);
    /* the name is not truncated; the data cells are cut to 3 without "..." */
    cr_expect_str_eq(show(b, 10, 3, false, NULL), "+-----+\n"
                                                  "|value|\n"
                                                  "+-----+\n"
                                                  "|    1|\n"
                                                  "|  111|\n"
                                                  "+-----+\n");
    cr_expect_str_eq(show(b, 10, 17, false, NULL), "+-----------------+\n"
                                                   "|            value|\n"
                                                   "+-----------------+\n"
                                                   "|                1|\n"
                                                   "|11111111111111...|\n"
                                                   "+-----------------+\n");
    cr_expect_str_eq(show(b, 10, 17, true, NULL), "-RECORD 0------------------\n"
                                                  " value | 1                 \n"
                                                  "-RECORD 1------------------\n"
                                                  " value | 11111111111111... \n");
}

/* DataFrameShowSuite's "truncate = [3, 17]" names its column "val" (the
 * header then is 3 wide); the same shapes with that name. */
Test(sql_show, truncate_3_with_a_short_name)
{
    const char *v[] = {"1", long_21};
    sp_colbatch *b = strings(v, 2);
    b->cols[0].name = "val";
    cr_expect_str_eq(show(b, 10, 3, false, NULL), "+---+\n"
                                                  "|val|\n"
                                                  "+---+\n"
                                                  "|  1|\n"
                                                  "|111|\n"
                                                  "+---+\n");
    cr_expect_str_eq(show(b, 10, 3, true, NULL), "-RECORD 0--\n"
                                                 " val | 1   \n"
                                                 "-RECORD 1--\n"
                                                 " val | 111 \n");
}

Test(sql_show, negative_and_zero_rows)
{
    sp_colbatch *b = test_data(100);
    const char *want = "+---+-----+\n"
                       "|key|value|\n"
                       "+---+-----+\n"
                       "+---+-----+\n"
                       "only showing top 0 rows\n";
    cr_expect_str_eq(show(b, -1, 20, false, NULL), want);
    cr_expect_str_eq(show(b, 0, 20, false, NULL), want);
    cr_expect_str_eq(show(b, -1, 20, true, NULL), "(0 rows)\n");
    cr_expect_str_eq(show(b, 0, 20, true, NULL), "(0 rows)\n");
}

Test(sql_show, more_rows_than_num_rows)
{
    sp_colbatch *b = test_data(100);
    cr_expect_str_eq(show(b, 1, 20, false, NULL), "+---+-----+\n"
                                                  "|key|value|\n"
                                                  "+---+-----+\n"
                                                  "|  1|    1|\n"
                                                  "+---+-----+\n"
                                                  "only showing top 1 row\n");
    cr_expect_str_eq(show(b, 1, 20, true, NULL), "-RECORD 0----\n"
                                                 " key   | 1   \n"
                                                 " value | 1   \n"
                                                 "only showing top 1 row\n");
    /* show()'s default: 20 of the 100 rows, then the plural footer */
    char want[2048] = "+---+-----+\n|key|value|\n+---+-----+\n";
    for (int i = 1; i <= 20; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "|%3d|%5d|\n", i, i);
    strcat(want, "+---+-----+\nonly showing top 20 rows\n");
    cr_expect_str_eq(show(b, SP_SQL_SHOW_DEFAULT_ROWS, SP_SQL_SHOW_DEFAULT_TRUNCATE, false, NULL),
                     want);
    /* exactly numRows rows: no footer */
    sp_colbatch *two = test_data(2);
    cr_expect_str_eq(show(two, 2, 20, false, NULL), "+---+-----+\n"
                                                    "|key|value|\n"
                                                    "+---+-----+\n"
                                                    "|  1|    1|\n"
                                                    "|  2|    2|\n"
                                                    "+---+-----+\n");
}

Test(sql_show, int_max_rows_and_minimum_width)
{
    int v[] = {1, 2, 3, 4};
    cr_expect_str_eq(show(ints2("a", "b", v, 2), 2147483647, 20, false, NULL), "+---+---+\n"
                                                                               "|  a|  b|\n"
                                                                               "+---+---+\n"
                                                                               "|  1|  2|\n"
                                                                               "|  3|  4|\n"
                                                                               "+---+---+\n");
    int w[] = {1, 1, 2, 2};
    sp_colbatch *b = ints2("_1", "_2", w, 2);
    cr_expect_str_eq(show(b, 10, 20, false, NULL), "+---+---+\n"
                                                   "| _1| _2|\n"
                                                   "+---+---+\n"
                                                   "|  1|  1|\n"
                                                   "|  2|  2|\n"
                                                   "+---+---+\n");
    cr_expect_str_eq(show(b, 10, 20, true, NULL), "-RECORD 0--\n"
                                                  " _1  | 1   \n"
                                                  " _2  | 1   \n"
                                                  "-RECORD 1--\n"
                                                  " _1  | 2   \n"
                                                  " _2  | 2   \n");
}

Test(sql_show, empty_result)
{
    sp_colbatch *b = test_data(0);
    cr_expect_str_eq(show(b, 1, 20, false, NULL), "+---+-----+\n"
                                                  "|key|value|\n"
                                                  "+---+-----+\n"
                                                  "+---+-----+\n");
    cr_expect_str_eq(show(b, 1, 20, true, NULL), "(0 rows)\n");
    /* spark.emptyDataFrame: no columns, no rows */
    sp_colbatch *none = sp_colbatch_new(arena, 0, NULL, NULL, 1);
    cr_expect_str_eq(show(none, 20, 20, false, NULL), "++\n||\n++\n++\n");
}

Test(sql_show, binary_default_style)
{
    sp_coltype t[] = {SP_COL_BINARY, SP_COL_BINARY};
    const char *names[] = {"_1", "_2"};
    sp_colbatch *b = sp_colbatch_new(arena, 2, t, names, 2);
    sp_column_append_bytes(b, 0, "12", 2);
    sp_column_append_bytes(b, 0, "34", 2);
    sp_column_append_bytes(b, 1, "ABC.", 4);
    sp_column_append_bytes(b, 1, "12346", 5);
    sp_colbatch_set_length(b, 2);
    cr_expect_str_eq(show(b, 10, 20, false, NULL), "+-------+----------------+\n"
                                                   "|     _1|              _2|\n"
                                                   "+-------+----------------+\n"
                                                   "|[31 32]|   [41 42 43 2E]|\n"
                                                   "|[33 34]|[31 32 33 34 36]|\n"
                                                   "+-------+----------------+\n");
    cr_expect_str_eq(show(b, 10, 20, true, NULL), "-RECORD 0---------------\n"
                                                  " _1  | [31 32]          \n"
                                                  " _2  | [41 42 43 2E]    \n"
                                                  "-RECORD 1---------------\n"
                                                  " _1  | [33 34]          \n"
                                                  " _2  | [31 32 33 34 36] \n");
}

#define I(x)                                                                                       \
    {                                                                                              \
        .kind = SP_SQL_SV_INT, .u.i = (x)                                                          \
    }
#define S(x)                                                                                       \
    {                                                                                              \
        .kind = SP_SQL_SV_STRING, .u.str = {(x), sizeof(x) - 1 }                                   \
    }
#define LIST(k, items, n)                                                                          \
    {                                                                                              \
        .kind = (k), .u.list = {(items), (n) }                                                     \
    }

static const char *show_values(int ncols, const char *const *names, const sp_sql_showval *rows,
                               int nrows, int num_rows, int truncate, bool vertical)
{
    sp_sql_sbuf_clear(&out);
    sp_sql_show_string_values(&out, ncols, names, rows, nrows, num_rows, truncate, vertical, NULL);
    return sp_sql_sbuf_str(&out);
}

Test(sql_show, arrays)
{
    sp_sql_showval a123[] = {I(1), I(2), I(3)}, a234[] = {I(2), I(3), I(4)};
    sp_sql_showval rows[] = {LIST(SP_SQL_SV_ARRAY, a123, 3), LIST(SP_SQL_SV_ARRAY, a123, 3),
                             LIST(SP_SQL_SV_ARRAY, a234, 3), LIST(SP_SQL_SV_ARRAY, a234, 3)};
    const char *names[] = {"_1", "_2"};
    cr_expect_str_eq(show_values(2, names, rows, 2, 10, 20, false), "+---------+---------+\n"
                                                                    "|       _1|       _2|\n"
                                                                    "+---------+---------+\n"
                                                                    "|[1, 2, 3]|[1, 2, 3]|\n"
                                                                    "|[2, 3, 4]|[2, 3, 4]|\n"
                                                                    "+---------+---------+\n");
    cr_expect_str_eq(show_values(2, names, rows, 2, 10, 20, true), "-RECORD 0--------\n"
                                                                   " _1  | [1, 2, 3] \n"
                                                                   " _2  | [1, 2, 3] \n"
                                                                   "-RECORD 1--------\n"
                                                                   " _1  | [2, 3, 4] \n"
                                                                   " _2  | [2, 3, 4] \n");
}

/* SPARK-23023 Cast rows to strings in showString; SPARK-15550 nested. */
Test(sql_show, arrays_maps_structs)
{
    const char *a[] = {"a"}, *ab[] = {"a", "b"}, *f[] = {"f"};
    sp_sql_showval ints[] = {I(1), I(2), I(3), I(4)};
    sp_sql_showval r1[] = {LIST(SP_SQL_SV_ARRAY, ints, 4)};
    cr_expect_str_eq(show_values(1, a, r1, 1, 10, 20, false), "+------------+\n"
                                                              "|           a|\n"
                                                              "+------------+\n"
                                                              "|[1, 2, 3, 4]|\n"
                                                              "+------------+\n");
    sp_sql_showval kv[] = {I(1), S("a"), I(2), S("b")};
    sp_sql_showval r2[] = {LIST(SP_SQL_SV_MAP, kv, 2)};
    cr_expect_str_eq(show_values(1, a, r2, 1, 10, 20, false), "+----------------+\n"
                                                              "|               a|\n"
                                                              "+----------------+\n"
                                                              "|{1 -> a, 2 -> b}|\n"
                                                              "+----------------+\n");
    sp_sql_showval s1[] = {I(1), S("a")}, s2[] = {I(2), S("b")};
    sp_sql_showval r3[] = {LIST(SP_SQL_SV_STRUCT, s1, 2), I(0), LIST(SP_SQL_SV_STRUCT, s2, 2),
                           I(0)};
    cr_expect_str_eq(show_values(2, ab, r3, 2, 10, 20, false), "+------+---+\n"
                                                               "|     a|  b|\n"
                                                               "+------+---+\n"
                                                               "|{1, a}|  0|\n"
                                                               "|{2, b}|  0|\n"
                                                               "+------+---+\n");
    sp_sql_showval foo[] = {S("foo"), I(1)}, bar[] = {S("bar"), I(2)};
    sp_sql_showval r4[] = {LIST(SP_SQL_SV_STRUCT, foo, 2), LIST(SP_SQL_SV_STRUCT, bar, 2)};
    cr_expect_str_eq(show_values(1, f, r4, 2, 20, 20, false), "+--------+\n"
                                                              "|       f|\n"
                                                              "+--------+\n"
                                                              "|{foo, 1}|\n"
                                                              "|{bar, 2}|\n"
                                                              "+--------+\n");
}

/* SPARK-33690: control characters are escaped in names and cells. */
Test(sql_show, escape_meta_characters)
{
    const char *raw = "aaa\nbbb\tccc\rddd\feee\bfff\vggg\ahhh";
    const char *esc = "aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh";
    sp_coltype t = SP_COL_UTF8;
    sp_colbatch *b = sp_colbatch_new(arena, 1, &t, &raw, 1);
    sp_column_append_str(b, 0, raw, strlen(raw));
    sp_colbatch_set_length(b, 1);
    char want[512];
    snprintf(want, sizeof want,
             "+--------------------------------------+\n|%s|\n"
             "+--------------------------------------+\n|%s|\n"
             "+--------------------------------------+\n",
             esc, esc);
    cr_expect_str_eq(show(b, 1, 0, false, NULL), want);

    char name[128];
    snprintf(name, sizeof name, "array(%s)", raw);
    const char *names[] = {name};
    sp_sql_showval item[] = {{.kind = SP_SQL_SV_STRING, .u.str = {raw, strlen(raw)}}};
    sp_sql_showval row[] = {LIST(SP_SQL_SV_ARRAY, item, 1)};
    cr_expect_str_eq(show_values(1, names, row, 1, 1, 0, false),
                     "+---------------------------------------------+\n"
                     "|array(aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh)|\n"
                     "+---------------------------------------------+\n"
                     "|[aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh]     |\n"
                     "+---------------------------------------------+\n");
    sp_sql_showval kv[] = {{.kind = SP_SQL_SV_STRING, .u.str = {raw, 11}},
                           {.kind = SP_SQL_SV_STRING, .u.str = {raw, strlen(raw)}}};
    sp_sql_showval mrow[] = {LIST(SP_SQL_SV_MAP, kv, 1)};
    snprintf(name, sizeof name, "map(%.11s, %s)", raw, raw);
    cr_expect_str_eq(show_values(1, names, mrow, 1, 1, 0, false),
                     "+----------------------------------------------------------+\n"
                     "|map(aaa\\nbbb\\tccc, aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh)|\n"
                     "+----------------------------------------------------------+\n"
                     "|{aaa\\nbbb\\tccc -> aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh} |\n"
                     "+----------------------------------------------------------+\n");
}

/* SPARK-18350: dates and timestamps in the session time zone. */
Test(sql_show, session_time_zone)
{
    sp_coltype t[] = {SP_COL_DATE32, SP_COL_TIMESTAMP};
    const char *names[] = {"d", "ts"};
    sp_colbatch *b = sp_colbatch_new(arena, 2, t, names, 1);
    sp_column_date32(&b->cols[0])[0] = 17136;                               /* 2016-12-01 */
    sp_column_i64(&b->cols[1])[0] = (17136LL * 86400 + 8 * 3600) * 1000000; /* 00:00 PST */
    sp_colbatch_set_length(b, 1);
    const sp_tz *la = sp_tz_get("America/Los_Angeles", NULL, 0);
    cr_assert_not_null(la);
    cr_expect_str_eq(show(b, 1, 0, false, la), "+----------+-------------------+\n"
                                               "|d         |ts                 |\n"
                                               "+----------+-------------------+\n"
                                               "|2016-12-01|2016-12-01 00:00:00|\n"
                                               "+----------+-------------------+\n");
    cr_expect_str_eq(show(b, 1, 0, false, sp_tz_utc()), "+----------+-------------------+\n"
                                                        "|d         |ts                 |\n"
                                                        "+----------+-------------------+\n"
                                                        "|2016-12-01|2016-12-01 08:00:00|\n"
                                                        "+----------+-------------------+\n");
    cr_expect_str_eq(show(b, 1, 0, true, sp_tz_utc()), "-RECORD 0------------------\n"
                                                       " d   | 2016-12-01          \n"
                                                       " ts  | 2016-12-01 08:00:00 \n");
}

/* DatasetSuite SPARK-25108: full-width characters count two columns. */
Test(sql_show, full_width_characters)
{
    const char *a[] = {NULL, "",   "ab c", "1098", "mø", "γύρ",  "pê",  "ー",
                       "测", "か", "걸",   "à",    "焼", "羍む", "뺭ᾘ", "१२३"};
    enum { N = 16 };
    sp_coltype t[] = {SP_COL_I32, SP_COL_UTF8, SP_COL_I32};
    const char *names[] = {"b", "a", "c"};
    sp_colbatch *b = sp_colbatch_new(arena, 3, t, names, N);
    for (int i = 0; i < N; i++) {
        sp_column_i32(&b->cols[0])[i] = 0;
        sp_column_i32(&b->cols[2])[i] = 1;
        sp_column_append_str(b, 1, a[i] ? a[i] : "", a[i] ? strlen(a[i]) : 0);
    }
    sp_column_set_null(b, 1, 0);
    sp_colbatch_set_length(b, N);
    cr_expect_str_eq(show(b, N, 20, false, NULL), "+---+----+---+\n"
                                                  "|  b|   a|  c|\n"
                                                  "+---+----+---+\n"
                                                  "|  0|NULL|  1|\n"
                                                  "|  0|    |  1|\n"
                                                  "|  0|ab c|  1|\n"
                                                  "|  0|1098|  1|\n"
                                                  "|  0|  mø|  1|\n"
                                                  "|  0| γύρ|  1|\n"
                                                  "|  0|  pê|  1|\n"
                                                  "|  0|  ー|  1|\n"
                                                  "|  0|  测|  1|\n"
                                                  "|  0|  か|  1|\n"
                                                  "|  0|  걸|  1|\n"
                                                  "|  0|   à|  1|\n"
                                                  "|  0|  焼|  1|\n"
                                                  "|  0|羍む|  1|\n"
                                                  "|  0| 뺭ᾘ|  1|\n"
                                                  "|  0| १२३|  1|\n"
                                                  "+---+----+---+\n");
}

/* Widths and cuts in UTF-16 code units, as Java's String.length: a
 * character past U+FFFF counts 2, and a cut through it leaves '?'. */
Test(sql_show, half_width_and_utf16_lengths)
{
    cr_expect_eq(sp_sql_show_half_width("abc", 3), 3);
    cr_expect_eq(sp_sql_show_half_width("测试", strlen("测试")), 4);
    cr_expect_eq(sp_sql_show_half_width("\xF0\x9F\x98\x80", 4), 2);  /* U+1F600 */
    cr_expect_eq(sp_sql_show_half_width("ＡＢ", strlen("ＡＢ")), 4); /* U+FF21 */
    cr_expect_eq(sp_sql_show_half_width("\xFF", 1), 1);
    const char *v[] = {"\xF0\x9F\x98\x80\xF0\x9F\x98\x80", "测试测试测试"};
    sp_colbatch *b = strings(v, 2);
    cr_expect_str_eq(show(b, 10, 3, false, NULL), "+------+\n"
                                                  "| value|\n"
                                                  "+------+\n"
                                                  "|   \xF0\x9F\x98\x80?|\n"
                                                  "|测试测|\n"
                                                  "+------+\n");
}

/* ---- the console sink (src/sql/console_sink_format.c): Spark's
 * ConsoleWriteSupportSuite, byte for byte ---- */

#include "sql/console_sink_format.h"

static sp_colbatch *ints(const char *name, const int *v, int n)
{
    sp_coltype t = SP_COL_I32;
    sp_colbatch *b = sp_colbatch_new(arena, 1, &t, &name, n ? n : 1);
    for (int i = 0; i < n; i++)
        sp_column_i32(&b->cols[0])[i] = v[i];
    sp_colbatch_set_length(b, n);
    return b;
}

Test(sql_show, console_microbatch_default)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    cr_assert_not_null(f);
    int v1[] = {1, 2, 3}, v2[] = {4, 5, 6};
    const sp_colbatch *b0 = ints("value", v1, 3), *b1 = ints("value", v2, 3),
                      *b2 = ints("value", NULL, 0);
    sp_sql_console_opts o = sp_sql_console_opts_default();
    cr_assert_eq(sp_sql_console_write(f, 0, &b0, 1, &o, NULL), 0);
    cr_assert_eq(sp_sql_console_write(f, 1, &b1, 1, &o, NULL), 0);
    cr_assert_eq(sp_sql_console_write(f, 2, &b2, 1, &o, NULL), 0);
    fclose(f);
    cr_expect_str_eq(text, "-------------------------------------------\n"
                           "Batch: 0\n"
                           "-------------------------------------------\n"
                           "+-----+\n"
                           "|value|\n"
                           "+-----+\n"
                           "|    1|\n"
                           "|    2|\n"
                           "|    3|\n"
                           "+-----+\n"
                           "\n"
                           "-------------------------------------------\n"
                           "Batch: 1\n"
                           "-------------------------------------------\n"
                           "+-----+\n"
                           "|value|\n"
                           "+-----+\n"
                           "|    4|\n"
                           "|    5|\n"
                           "|    6|\n"
                           "+-----+\n"
                           "\n"
                           "-------------------------------------------\n"
                           "Batch: 2\n"
                           "-------------------------------------------\n"
                           "+-----+\n"
                           "|value|\n"
                           "+-----+\n"
                           "+-----+\n"
                           "\n");
    free(text);
}

static const char *console(int64_t id, const sp_colbatch *const *b, size_t n,
                           const sp_sql_console_opts *o)
{
    sp_sql_sbuf_clear(&out);
    sp_sql_console_format(&out, id, b, n, o, NULL);
    return sp_sql_sbuf_str(&out);
}

Test(sql_show, console_num_rows_and_truncate_options)
{
    sp_sql_console_opts o;
    const char *k1[] = {"NUMROWS"}, *v1[] = {"2"};
    cr_assert(sp_sql_console_opts_parse(&o, k1, v1, 1, NULL, 0));
    cr_expect_eq(o.num_rows, 2);
    cr_expect(o.truncate);
    /* a micro-batch of two partitions shows as one result */
    int p0[] = {1}, p1[] = {2, 3};
    const sp_colbatch *parts[] = {ints("value", p0, 1), ints("value", p1, 2)};
    cr_expect_str_eq(console(0, parts, 2, &o), "-------------------------------------------\n"
                                               "Batch: 0\n"
                                               "-------------------------------------------\n"
                                               "+-----+\n"
                                               "|value|\n"
                                               "+-----+\n"
                                               "|    1|\n"
                                               "|    2|\n"
                                               "+-----+\n"
                                               "only showing top 2 rows\n"
                                               "\n");

    const char *k2[] = {"TRUNCATE"}, *v2[] = {"true"};
    cr_assert(sp_sql_console_opts_parse(&o, k2, v2, 1, NULL, 0));
    const char *s[] = {"123456789012345678901234567890"};
    const sp_colbatch *b = strings(s, 1);
    cr_expect_str_eq(console(0, &b, 1, &o), "-------------------------------------------\n"
                                            "Batch: 0\n"
                                            "-------------------------------------------\n"
                                            "+--------------------+\n"
                                            "|               value|\n"
                                            "+--------------------+\n"
                                            "|12345678901234567...|\n"
                                            "+--------------------+\n"
                                            "\n");
    const char *v3[] = {"FaLsE"};
    cr_assert(sp_sql_console_opts_parse(&o, k2, v3, 1, NULL, 0));
    cr_expect_not(o.truncate);
    cr_expect_str_eq(console(7, &b, 1, &o), "-------------------------------------------\n"
                                            "Batch: 7\n"
                                            "-------------------------------------------\n"
                                            "+------------------------------+\n"
                                            "|value                         |\n"
                                            "+------------------------------+\n"
                                            "|123456789012345678901234567890|\n"
                                            "+------------------------------+\n"
                                            "\n");
}

Test(sql_show, console_invalid_options_name_the_option)
{
    sp_sql_console_opts o = sp_sql_console_opts_default();
    char err[256];
    const char *k[] = {"numRows"};
    const char *bad_rows[] = {"ten", "", "2147483648", "1.5", " 2", "+"};
    for (size_t i = 0; i < sizeof bad_rows / sizeof bad_rows[0]; i++) {
        cr_expect_not(sp_sql_console_opts_parse(&o, k, &bad_rows[i], 1, err, sizeof err));
        char want[128];
        snprintf(want, sizeof want,
                 "Invalid value for the console sink's option numRows: For input string: \"%s\"",
                 bad_rows[i]);
        cr_expect_str_eq(err, want);
    }
    cr_expect_eq(o.num_rows, 20); /* unchanged */
    const char *good[] = {"-2147483648", "+5", "007"};
    int want_rows[] = {-2147483647 - 1, 5, 7};
    for (int i = 0; i < 3; i++) {
        cr_expect(sp_sql_console_opts_parse(&o, k, &good[i], 1, err, sizeof err), "%s", err);
        cr_expect_eq(o.num_rows, want_rows[i]);
    }
    const char *kt[] = {"truncate"}, *vt[] = {"yes"};
    cr_expect_not(sp_sql_console_opts_parse(&o, kt, vt, 1, err, sizeof err));
    cr_expect_str_eq(err,
                     "Invalid value for the console sink's option truncate: yes is not a boolean "
                     "string.");
    /* other options are not the sink's */
    const char *ko[] = {"checkpointLocation"}, *vo[] = {"/tmp/x"};
    cr_expect(sp_sql_console_opts_parse(&o, ko, vo, 1, err, sizeof err));
    cr_expect_eq(o.num_rows, 20);
}
