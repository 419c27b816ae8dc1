/* test_dedup.c - dropDuplicates and dropDuplicatesWithinWatermark on
 * streams through the public API, with the inputs and expected rows of
 * Spark's StreamingDeduplicationSuite and
 * StreamingDeduplicationWithinWatermarkSuite: all columns or some as the
 * key, a watermark on a key column (late rows dropped, keys forgotten once
 * the watermark passes them), a watermark on a column that is not a key
 * (ignored), the within-watermark expiry, the state figures and the
 * refusals. */
#include "api_test_util.h"

static spate_session *session;

static void setup(void) { session = api_session(); }
static void teardown(void) { spate_session_free(session); }

TestSuite(sql_dedup, .init = setup, .fini = teardown);

static spate_query *start(spate_dataframe *df, const char *mode)
{
    return api_start_memory(session, df, mode, NULL);
}

static void add(spate_query *q, spate_memory_stream *m, const char *csv)
{
    cr_assert_eq(spate_memory_stream_add_csv(m, csv, NULL), SPATE_OK, "%s",
                 spate_session_last_error(session));
    cr_assert_eq(spate_query_process_all_available(q), SPATE_OK, "%s",
                 spate_session_last_error(session));
}

/* The value after "key" in the last progress report that read rows. */
static long long figure(spate_query *q, const char *key)
{
    return api_progress_figure(q, key, false);
}

/* value INT as seconds of eventTime, with a watermark of delay. */
static spate_dataframe *timed(spate_memory_stream *m, const char *col, const char *delay)
{
    spate_dataframe *df = spate_memory_stream_to_df(m);
    char expr[64];
    snprintf(expr, sizeof expr, "CAST(%s AS TIMESTAMP)", col);
    df = spate_dataframe_with_column(df, "eventTime", expr);
    return spate_dataframe_with_watermark(df, "eventTime", delay);
}

static spate_dataframe *select_expr(spate_dataframe *df, const char *a, const char *b)
{
    const char *cols[] = {a, b};
    return spate_dataframe_select_expr(df, cols, b ? 2 : 1);
}

Test(sql_dedup, all_columns)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "v STRING");
    spate_query *q =
        start(spate_dataframe_drop_duplicates(spate_memory_stream_to_df(m), NULL, 0), "append");
    add(q, m, "a");
    api_expect_rows(session, "SELECT * FROM out", "a");
    cr_expect_eq(figure(q, "numRowsTotal"), 1);
    cr_expect_eq(figure(q, "numRowsUpdated"), 1);
    add(q, m, "a");
    api_expect_rows(session, "SELECT * FROM out", "a");
    cr_expect_eq(figure(q, "numRowsUpdated"), 0);
    add(q, m, "b");
    api_expect_rows(session, "SELECT * FROM out", "a;b");
    cr_expect_eq(figure(q, "numRowsTotal"), 2);
}

Test(sql_dedup, some_columns_and_the_dropped_duplicates_metric)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "k STRING, v INT");
    const char *key = "k";
    spate_query *q =
        start(spate_dataframe_drop_duplicates(spate_memory_stream_to_df(m), &key, 1), "append");
    add(q, m, "a,1");
    cr_expect_eq(figure(q, "numDroppedDuplicateRows"), 0);
    add(q, m, "a,2\nb,3");
    cr_expect_eq(figure(q, "numDroppedDuplicateRows"), 1);
    add(q, m, "a,5\nb,2\nc,9");
    cr_expect_eq(figure(q, "numDroppedDuplicateRows"), 2);
    api_expect_rows(session, "SELECT * FROM out", "a,1;b,3;c,9");
    char *last = spate_query_last_progress(q);
    cr_expect(strstr(last, "\"operatorName\" : \"dedupe\""), "%s", last);
    free(last);
}

Test(sql_dedup, with_a_watermark_on_the_key)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "value INT");
    spate_dataframe *df = spate_dataframe_drop_duplicates(timed(m, "value", "10 seconds"), NULL, 0);
    spate_query *q = start(select_expr(df, "CAST(eventTime AS BIGINT) AS t", NULL), "append");
    char five_times[256] = "";
    for (int k = 0; k < 5; k++)
        for (int s = 10; s <= 15; s++)
            snprintf(five_times + strlen(five_times), sizeof five_times - strlen(five_times),
                     "%d\n", s);
    add(q, m, five_times);
    api_expect_rows(session, "SELECT * FROM out", "10;11;12;13;14;15");
    cr_expect_eq(figure(q, "numRowsTotal"), 6);
    cr_expect_eq(figure(q, "numDroppedDuplicateRows"), 24);
    add(q, m, "25"); /* the watermark moves to 15: a batch without data forgets 10..15 */
    api_expect_rows(session, "SELECT * FROM out", "10;11;12;13;14;15;25");
    char *last = spate_query_last_progress(q);
    cr_expect(strstr(last, "\"numRowsTotal\" : 1,"), "%s", last);
    cr_expect(strstr(last, "\"numRowsRemoved\" : 6,"), "%s", last);
    free(last);
    add(q, m, "10"); /* older than the watermark */
    cr_expect_eq(figure(q, "numRowsDroppedByWatermark"), 1);
    add(q, m, "45");
    api_expect_rows(session, "SELECT * FROM out", "10;11;12;13;14;15;25;45");
}

/* SPARK-19841: the watermark filters on the key (time, id in another order). */
Test(sql_dedup, watermark_filters_on_keys)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "t INT, id INT");
    const char *keys[] = {"id", "eventTime"};
    spate_dataframe *df = spate_dataframe_drop_duplicates(timed(m, "t", "1 second"), keys, 2);
    spate_query *q = start(select_expr(df, "id", NULL), "append");
    add(q, m, "1,1\n1,1\n1,2");
    api_expect_rows(session, "SELECT * FROM out", "1;2");
    add(q, m, "1,1\n2,3\n2,4");
    api_expect_rows(session, "SELECT * FROM out", "1;2;3;4");
    add(q, m, "1,0\n1,1\n3,5\n3,6"); /* (1, 0) and (1, 1) are late */
    api_expect_rows(session, "SELECT * FROM out", "1;2;3;4;5;6");
    add(q, m, "1,0\n4,7");
    api_expect_rows(session, "SELECT * FROM out", "1;2;3;4;5;6;7");
}

/* SPARK-21546: a watermark on a column that is not a key is ignored. */
Test(sql_dedup, watermark_on_a_non_key_is_ignored)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "id INT, t INT");
    const char *key = "id";
    spate_dataframe *df = spate_dataframe_drop_duplicates(timed(m, "t", "1 second"), &key, 1);
    spate_query *q = start(select_expr(df, "id", "CAST(eventTime AS BIGINT) AS t"), "append");
    add(q, m, "1,1\n1,2\n2,2");
    api_expect_rows(session, "SELECT * FROM out", "1,1;2,2");
    add(q, m, "1,100\n3,1"); /* 1 is remembered; 3 at 1 s is not late for this operator */
    api_expect_rows(session, "SELECT * FROM out", "1,1;2,2;3,1");
}

Test(sql_dedup, within_watermark_by_a_subset_of_columns)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "k STRING, s INT");
    const char *key = "k";
    spate_dataframe *df =
        spate_dataframe_drop_duplicates_within_watermark(timed(m, "s", "2 seconds"), &key, 1);
    spate_query *q = start(select_expr(df, "k", "CAST(eventTime AS BIGINT) AS t"), "append");
    add(q, m, "a,17"); /* expires at 19; the watermark moves to 15 */
    api_expect_rows(session, "SELECT * FROM out", "a,17");
    add(q, m, "a,16");
    add(q, m, "a,13"); /* late */
    cr_expect_eq(figure(q, "numRowsDroppedByWatermark"), 1);
    api_expect_rows(session, "SELECT * FROM out", "a,17");
    add(q, m, "b,22\nc,21"); /* the watermark moves to 20: a (19) is forgotten */
    api_expect_rows(session, "SELECT * FROM out", "a,17;b,22;c,21");
    add(q, m, "a,21");
    api_expect_rows(session, "SELECT * FROM out", "a,17;a,21;b,22;c,21");
    add(q, m, "d,25"); /* read with the watermark at 20; then 23: a and c expire */
    cr_expect_eq(figure(q, "numRowsTotal"), 4);
    char *last = spate_query_last_progress(q);
    cr_expect(strstr(last, "\"numRowsTotal\" : 2,"), "%s", last);
    free(last);
}

Test(sql_dedup, refusals)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "v STRING");
    spate_dataframe *df = spate_memory_stream_to_df(m);
    const char *bad = "w";
    cr_expect_null(spate_dataframe_drop_duplicates(df, &bad, 1));
    cr_expect(strstr(spate_session_last_error(session),
                     "[UNRESOLVED_COLUMN_AMONG_FIELD_NAMES] Cannot resolve column name \"w\" "
                     "among (\"v\")."),
              "%s", spate_session_last_error(session));
    cr_expect_null(spate_dataframe_drop_duplicates_within_watermark(df, NULL, 0));
    cr_expect(strstr(spate_session_last_error(session),
                     "dropDuplicatesWithinWatermark is not supported with streaming "
                     "DataFrames/DataSets without watermark"));
    spate_dataframe *d = spate_dataframe_drop_duplicates(df, NULL, 0);
    spate_stream_writer *w = spate_dataframe_write_stream(d);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_output_mode(w, "complete"), SPATE_OK);
    cr_expect_null(spate_stream_writer_start(w));
    cr_expect(strstr(spate_session_last_error(session), "no streaming aggregations"), "%s",
              spate_session_last_error(session));
}

/* A batch dataframe deduplicates in one go. */
Test(sql_dedup, batch)
{
    spate_dataframe *df =
        spate_session_sql(session, "SELECT * FROM VALUES (1, 'a'), (1, 'b'), (2, 'c') AS t(k, v)");
    cr_assert(df, "%s", spate_session_last_error(session));
    const char *key = "k";
    spate_dataframe *d = spate_dataframe_drop_duplicates(df, &key, 1);
    cr_assert(d, "%s", spate_session_last_error(session));
    spate_rows *r = spate_dataframe_collect(d);
    cr_assert(r, "%s", spate_session_last_error(session));
    cr_expect_eq(spate_rows_count(r), 2);
    spate_rows_free(r);
    cr_expect_null(spate_dataframe_drop_duplicates_within_watermark(df, &key, 1));
    cr_expect(strstr(spate_session_last_error(session),
                     "dropDuplicatesWithinWatermark is not supported with batch "
                     "DataFrames/DataSets"));
    cr_expect(strstr(spate_dataframe_plan_string(d), "Deduplicate [k#"), "%s",
              spate_dataframe_plan_string(d));
}
