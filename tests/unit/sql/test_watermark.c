/* test_watermark.c - event-time watermarks through the public API, with the
 * inputs and expected rows of Spark's EventTimeWatermarkSuite: append mode
 * emits a window once the watermark passes its end (in a batch without new
 * data when needed), update mode drops late rows, complete mode keeps all,
 * grouping by the raw event time, the progress report's eventTime and
 * state figures, recovery of the watermark from the checkpoint, and the
 * refusals of a bad column, type or delay. */
#include "api_test_util.h"

#include <unistd.h>

static spate_session *session;

/* value INT as the event time (seconds), with a 10 second watermark, as the
 * suite's inputData.toDF().withColumn("eventTime", ...).withWatermark(...),
 * registered as the view `ev`. */
static spate_memory_stream *events(spate_session *s)
{
    spate_memory_stream *m = spate_memory_stream_new(s, "value INT");
    spate_dataframe *df = spate_memory_stream_to_df(m);
    df = spate_dataframe_with_column(df, "eventTime", "CAST(value AS TIMESTAMP)");
    df = spate_dataframe_with_watermark(df, "eventTime", "10 seconds");
    cr_assert(df, "%s", spate_session_last_error(s));
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(df, "ev"), SPATE_OK);
    return m;
}

static const char *WINDOWED = "SELECT CAST(window.start AS BIGINT) AS start, count(*) AS count "
                              "FROM STREAM(ev) GROUP BY window(eventTime, '5 seconds')";

static spate_query *start(spate_session *s, const char *sql, const char *mode, const char *ckpt)
{
    return api_start_memory(s, spate_session_sql(s, sql), mode, ckpt);
}

static void add(spate_memory_stream *m, const char *csv) { api_add_csv(session, m, csv); }
static void process(spate_query *q) { api_process(session, q); }

/* A state operator's figure in the last report with input rows (or the
 * last report), or -1. */
static long long figure(spate_query *q, const char *key, bool with_input)
{
    return api_progress_figure(q, key, !with_input);
}

/* eventTime's key ("max", "watermark"...) in the last report with input. */
static void expect_event_time(spate_query *q, const char *key, const char *iso)
{
    char *all = spate_query_recent_progress(q), *best = api_last_report(all, false);
    cr_assert(best, "no report with input rows");
    char *et = strstr(best, "\"eventTime\"");
    cr_assert(et, "no eventTime in %s", best);
    *strchr(et, '}') = 0;
    char *v = api_json_value(et, key);
    cr_expect(v && !strncmp(v, "\"", 1) && !strncmp(v + 1, iso, strlen(iso)), "%s: %s not in %s",
              key, iso, et);
    free(all);
}

static void setup(void) { session = api_session(); }
static void teardown(void) { spate_session_free(session); }

TestSuite(sql_watermark, .init = setup, .fini = teardown);

Test(sql_watermark, append_mode_emits_a_window_once_the_watermark_passes_it)
{
    spate_memory_stream *m = events(session);
    spate_query *q = start(session, WINDOWED, "append", NULL);
    add(m, "10\n11\n12\n13\n14\n15");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "");
    add(m, "25"); /* the watermark moves to 15: a batch without data emits [10, 15) */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,5");
    cr_expect_eq(figure(q, "numRowsTotal", false), 2);
    add(m, "10"); /* older than the watermark: dropped */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,5");
    cr_expect_eq(figure(q, "numRowsTotal", true), 2);
    cr_expect_eq(figure(q, "numRowsDroppedByWatermark", true), 1);
}

Test(sql_watermark, update_mode_drops_rows_older_than_the_watermark)
{
    spate_memory_stream *m = events(session);
    spate_query *q = start(session, WINDOWED, "update", NULL);
    add(m, "10\n11\n12\n13\n14\n15");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,5;15,1");
    add(m, "25");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,5;15,1;25,1");
    cr_expect_eq(figure(q, "numRowsTotal", false), 2); /* [10, 15) removed */
    add(m, "10\n25");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,5;15,1;25,1;25,2");
    add(m, "10");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,5;15,1;25,1;25,2");
    cr_expect_eq(figure(q, "numRowsTotal", true), 2);
}

Test(sql_watermark, complete_mode_keeps_every_window)
{
    spate_memory_stream *m = events(session);
    spate_query *q = start(session, WINDOWED, "complete", NULL);
    add(m, "10\n11\n12");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,3");
    add(m, "25");
    process(q);
    add(m, "25");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,3;25,2");
    add(m, "10"); /* not late for complete mode */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,4;25,2");
}

Test(sql_watermark, group_by_the_raw_event_time)
{
    spate_memory_stream *m = events(session);
    spate_query *q = start(session,
                           "SELECT CAST(eventTime AS BIGINT) AS t, count(*) AS count FROM "
                           "STREAM(ev) GROUP BY eventTime",
                           "append", NULL);
    add(m, "10");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "");
    add(m, "25");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,1");
}

Test(sql_watermark, event_time_stats_in_the_progress_report)
{
    spate_memory_stream *m = events(session);
    spate_query *q = start(session, WINDOWED, "append", NULL);
    add(m, "15");
    process(q);
    expect_event_time(q, "min", "1970-01-01T00:00:15.000Z");
    expect_event_time(q, "max", "1970-01-01T00:00:15.000Z");
    expect_event_time(q, "avg", "1970-01-01T00:00:15.000Z");
    expect_event_time(q, "watermark", "1970-01-01T00:00:00.000Z");
    add(m, "10\n12\n14");
    process(q);
    expect_event_time(q, "min", "1970-01-01T00:00:10.000Z");
    expect_event_time(q, "max", "1970-01-01T00:00:14.000Z");
    expect_event_time(q, "avg", "1970-01-01T00:00:12.000Z");
    expect_event_time(q, "watermark", "1970-01-01T00:00:05.000Z");
    add(m, "25");
    process(q);
    expect_event_time(q, "max", "1970-01-01T00:00:25.000Z");
    expect_event_time(q, "watermark", "1970-01-01T00:00:05.000Z");
    api_expect_rows(session, "SELECT * FROM out", "10,3");
}

/* The suite's "recovery": the watermark comes back from the checkpoint. */
Test(sql_watermark, the_watermark_survives_a_restart)
{
    char dir[] = "/tmp/spate-wm-XXXXXX";
    cr_assert(mkdtemp(dir));
    spate_memory_stream *m = events(session);
    spate_query *q = start(session, WINDOWED, "append", dir);
    add(m, "10\n11\n12\n13\n14\n15");
    process(q);
    add(m, "25");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,5");
    spate_query_stop(q);
    q = start(session, WINDOWED, "append", dir);
    add(m, "10\n27\n30"); /* 10 is late; the watermark moves to 20 */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "15,1");
    spate_query_stop(q);
    q = start(session, WINDOWED, "append", dir);
    add(m, "17"); /* the watermark is still 20 */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "");
    add(m, "40"); /* 30: [25, 30) closes with 25 and 27 */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "25,2");
    spate_query_stop(q);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

Test(sql_watermark, no_data_batches_can_be_turned_off)
{
    cr_assert(
        spate_session_sql(session, "SET spate.sql.streaming.noDataMicroBatches.enabled=false"),
        "%s", spate_session_last_error(session));
    spate_memory_stream *m = events(session);
    spate_query *q = start(session, WINDOWED, "append", NULL);
    add(m, "10\n11\n12\n13\n14\n15");
    process(q);
    add(m, "25");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "");
}

Test(sql_watermark, append_without_a_watermark_is_refused)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "value INT");
    spate_dataframe *df = spate_dataframe_with_column(spate_memory_stream_to_df(m), "eventTime",
                                                      "CAST(value AS TIMESTAMP)");
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(df, "ev"), SPATE_OK);
    spate_dataframe *agg = spate_session_sql(session, WINDOWED);
    spate_stream_writer *w = spate_dataframe_write_stream(agg);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_output_mode(w, "append"), SPATE_OK);
    cr_assert_null(spate_stream_writer_start(w));
    cr_expect(strstr(spate_session_last_error(session), "without watermark"), "%s",
              spate_session_last_error(session));
}

Test(sql_watermark, bad_column_type_and_delay_are_refused)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "value INT");
    spate_dataframe *df = spate_memory_stream_to_df(m);
    cr_expect_null(spate_dataframe_with_watermark(df, "badColumn", "1 minute"));
    cr_expect(strstr(spate_session_last_error(session), "badColumn"));
    cr_expect_null(spate_dataframe_with_watermark(df, "value", "1 minute"));
    cr_expect(strstr(spate_session_last_error(session),
                     "[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time `value` has the "
                     "invalid type \"INT\""),
              "%s", spate_session_last_error(session));
    df = spate_dataframe_with_column(df, "t", "CAST(value AS TIMESTAMP)");
    static const char *const negative[] = {"-1 year", "1 year -13 months", "1 month -40 days",
                                           "-10 seconds"};
    for (size_t i = 0; i < sizeof negative / sizeof negative[0]; i++) {
        cr_expect_null(spate_dataframe_with_watermark(df, "t", negative[i]));
        cr_expect(strstr(spate_session_last_error(session), "should not be negative."), "%s: %s",
                  negative[i], spate_session_last_error(session));
    }
    cr_expect_null(spate_dataframe_with_watermark(df, "t", "ten seconds"));
    cr_expect(strstr(spate_session_last_error(session), "INVALID_INTERVAL_FORMAT"));
    cr_expect(spate_dataframe_with_watermark(df, "t", "2 years 5 months"));
}

/* withWatermark on a batch dataframe leaves it as it is (Spark ignores it). */
Test(sql_watermark, ignored_in_a_batch_query)
{
    spate_dataframe *df = spate_session_sql(session, "SELECT CAST(1 AS TIMESTAMP) AS t, 2 AS v");
    cr_assert(df, "%s", spate_session_last_error(session));
    spate_dataframe *w = spate_dataframe_with_watermark(df, "t", "1 minute");
    cr_assert(w, "%s", spate_session_last_error(session));
    cr_expect_eq(w, df);
}

/* lateRowsTable (beyond Spark): the rows dropped as late, in a json table. */
Test(sql_watermark, late_rows_to_a_table)
{
    char dir[] = "/tmp/spate-late-XXXXXX", sql[256];
    cr_assert(mkdtemp(dir));
    snprintf(sql, sizeof sql, "CREATE TABLE late USING json OPTIONS (path '%s/late')", dir);
    cr_assert(spate_session_sql(session, sql), "%s", spate_session_last_error(session));
    spate_memory_stream *m = events(session);
    spate_dataframe *df = spate_session_sql(session, WINDOWED);
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_output_mode(w, "append"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_query_name(w, "out"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_option(w, "lateRowsTable", "late"), SPATE_OK);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(session));
    add(m, "10\n25");
    process(q);
    add(m, "11\n26"); /* 11 is late: the watermark is 15 */
    process(q);
    snprintf(sql, sizeof sql, "CREATE TABLE lr USING json OPTIONS (path '%s/late')", dir);
    cr_assert(spate_session_sql(session, sql), "%s", spate_session_last_error(session));
    api_expect_rows(session, "SELECT value FROM lr", "11");
    spate_query_stop(q);
    snprintf(sql, sizeof sql, "rm -rf %s", dir);
    cr_expect_eq(system(sql), 0);
}

static const char *SESSIONS =
    "SELECT CAST(value / 10 AS INT) AS g, CAST(session_window.start AS BIGINT) AS s, "
    "CAST(session_window.end AS BIGINT) AS e, count(*) AS n, sum(value) AS total FROM STREAM(ev) "
    "GROUP BY session_window(eventTime, '5 seconds'), CAST(value / 10 AS INT)";

/* The suite's "append mode - session": a key's session is emitted once the
 * watermark passes its end. */
Test(sql_watermark, session_windows_in_append_mode)
{
    spate_memory_stream *m = events(session);
    spate_query *q = start(session, SESSIONS, "append", NULL);
    add(m, "10\n11"); /* key 1: [10, 16) */
    process(q);
    add(m, "17"); /* key 1: [10, 16), [17, 22) */
    process(q);
    add(m, "25"); /* the watermark moves to 15 */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "");
    add(m, "35"); /* 25: both of key 1's sessions end */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "1,10,16,2,21;1,17,22,1,17");
    add(m, "10"); /* late */
    process(q);
    add(m, "40"); /* 30: key 2's [25, 30) ends */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "1,10,16,2,21;1,17,22,1,17;2,25,30,1,25");
}

/* Sessions of a key merge when a row bridges them; complete mode shows
 * every session, late rows included (no eviction). */
Test(sql_watermark, session_windows_merge_across_batches)
{
    spate_memory_stream *m = events(session);
    spate_query *q = start(session, SESSIONS, "complete", NULL);
    add(m, "10\n18"); /* key 1: [10, 15), [18, 23) */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "1,10,15,1,10;1,18,23,1,18");
    add(m, "14"); /* [14, 19) touches both: one session */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "1,10,23,3,42");
}

Test(sql_watermark, session_windows_refuse_update_mode)
{
    events(session);
    spate_dataframe *df = spate_session_sql(session, SESSIONS);
    cr_assert(df, "%s", spate_session_last_error(session));
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_output_mode(w, "update"), SPATE_OK);
    cr_assert_null(spate_stream_writer_start(w));
    cr_expect(strstr(spate_session_last_error(session),
                     "Update output mode not supported for session window on streaming "
                     "DataFrames/DataSets"),
              "%s", spate_session_last_error(session));
}

/* groupBy(window(...)).agg(...) through the DataFrame API, as Spark's
 * groupBy(window($"eventTime", "5 seconds")). */
Test(sql_watermark, dataframe_group_by_window)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "value INT");
    spate_dataframe *df = spate_memory_stream_to_df(m);
    df = spate_dataframe_with_column(df, "eventTime", "CAST(value AS TIMESTAMP)");
    df = spate_dataframe_with_watermark(df, "eventTime", "10 seconds");
    spate_grouped_data *g =
        spate_dataframe_group_by(df, (const char *[]){"window(eventTime, '5 seconds')"}, 1);
    spate_dataframe *agg = spate_grouped_agg(g, (const char *[]){"count(*) AS n"}, 1);
    cr_assert(agg, "%s", spate_session_last_error(session));
    cr_expect_str_eq(spate_dataframe_schema(agg),
                     "window STRUCT<start: TIMESTAMP, end: TIMESTAMP> NOT NULL,n BIGINT NOT NULL");
    const char *cols[] = {"CAST(window.start AS BIGINT) AS start", "n"};
    spate_query *q =
        api_start_memory(session, spate_dataframe_select_expr(agg, cols, 2), "append", NULL);
    add(m, "10\n11\n12\n13\n14\n15");
    process(q);
    add(m, "25");
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,5");
}

/* A run stopped (or killed) after a batch whose watermark calls for a batch
 * without data: the next run starts with that batch, without waiting for
 * new data. */
Test(sql_watermark, a_restart_runs_the_pending_batch_without_data)
{
    char dir[] = "/tmp/spate-wm-nodata-XXXXXX";
    cr_assert(mkdtemp(dir));
    FILE *quiet = fopen("/dev/null", "w");
    spate_session_set_output(session, quiet);
    cr_assert(
        spate_session_sql(session, "SET spate.sql.streaming.noDataMicroBatches.enabled=false"));
    spate_memory_stream *m = events(session);
    spate_query *q = start(session, WINDOWED, "append", dir);
    add(m, "10\n11\n12\n13\n14\n15");
    process(q);
    add(m, "25"); /* the watermark moves to 15; no batch without data in this run */
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "");
    spate_query_stop(q);
    cr_assert(
        spate_session_sql(session, "SET spate.sql.streaming.noDataMicroBatches.enabled=true"));
    q = start(session, WINDOWED, "append", dir);
    process(q);
    api_expect_rows(session, "SELECT * FROM out", "10,5");
    spate_query_stop(q);
    fclose(quiet);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}
