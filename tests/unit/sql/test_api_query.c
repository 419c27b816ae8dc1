/* test_api_query.c - streaming queries through the public DataFrame API
 * (include/spate/sql.h only), in the style of Spark's StreamTest: a memory
 * stream, groupBy().agg() to a memory sink queried with SQL, foreachBatch's
 * batch ids, foreach's rows, stop / awaitTermination / exception, the
 * manager and a listener's events. */
#include "api_test_util.h"

#include <pthread.h>

static spate_query *start_memory(spate_dataframe *df, const char *name, const char *mode)
{
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    cr_assert(w);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_output_mode(w, mode), SPATE_OK);
    cr_assert_eq(spate_stream_writer_query_name(w, name), SPATE_OK);
    spate_query *q = spate_stream_writer_start(w);
    return q;
}

static void add(spate_session *s, spate_memory_stream *m, const char *csv)
{
    cr_assert_eq(spate_memory_stream_add_csv(m, csv, NULL), SPATE_OK, "%s",
                 spate_session_last_error(s));
}

static void process(spate_session *s, spate_query *q)
{
    cr_assert_eq(spate_query_process_all_available(q), SPATE_OK, "%s", spate_session_last_error(s));
}

/* StreamingAggregationSuite's count in complete mode, through groupBy().agg(). */
Test(sql_api_query, group_by_agg_to_memory_sink)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "kind STRING, amount INT, price DOUBLE");
    cr_assert(m, "%s", spate_session_last_error(s));
    spate_dataframe *in = spate_memory_stream_to_df(m);
    cr_assert(spate_dataframe_is_streaming(in));
    spate_grouped_data *g = spate_dataframe_group_by(in, (const char *[]){"kind"}, 1);
    spate_dataframe *agg =
        spate_grouped_agg(g, (const char *[]){"count(*) AS n", "sum(amount * price) AS total"}, 2);
    cr_assert(agg, "%s", spate_session_last_error(s));
    cr_expect_str_eq(spate_dataframe_schema(agg), "kind STRING,n BIGINT NOT NULL,total DOUBLE");
    spate_query *q = start_memory(agg, "totals", "complete");
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, m, "buy,2,10.5\nsell,1,3.0\nbuy,1,1.0");
    process(s, q);
    api_expect_rows(s, "SELECT * FROM totals", "buy,2,22.0;sell,1,3.0");
    add(s, m, "sell,4,0.5\nhold,1,1.0");
    process(s, q);
    api_expect_rows(s, "SELECT * FROM totals", "buy,2,22.0;hold,1,1.0;sell,2,5.0");
    cr_expect_str_eq(spate_query_name(q), "totals");
    cr_expect(spate_query_is_active(q));
    spate_session_free(s);
}

/* groupBy().count() and a filter / withColumn before it, update mode. */
Test(sql_api_query, filter_with_column_count_update)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "v BIGINT");
    spate_dataframe *df = spate_memory_stream_to_df(m);
    df = spate_dataframe_filter(df, "v > 0");
    df = spate_dataframe_with_column(df, "parity", "v % 2");
    spate_dataframe *counts =
        spate_grouped_count(spate_dataframe_group_by(df, (const char *[]){"parity"}, 1));
    cr_assert(counts, "%s", spate_session_last_error(s));
    spate_query *q = start_memory(counts, "parity", "update");
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, m, "1\n2\n3\n-1");
    process(s, q);
    api_expect_rows(s, "SELECT * FROM parity", "0,1;1,2");
    add(s, m, "5");
    process(s, q);
    api_expect_rows(s, "SELECT * FROM parity", "0,1;1,2;1,3");
    spate_session_free(s);
}

typedef struct fb_log {
    pthread_mutex_t mu;
    int64_t ids[16];
    int64_t rows[16];
    int n;
    int fail_at; /* -1: never */
} fb_log;

static spate_err record_batch(spate_dataframe *batch, int64_t id, void *ud)
{
    fb_log *l = ud;
    spate_rows *r = spate_dataframe_collect(batch);
    pthread_mutex_lock(&l->mu);
    if (l->n < 16) l->ids[l->n] = id, l->rows[l->n++] = r ? spate_rows_count(r) : -1;
    pthread_mutex_unlock(&l->mu);
    spate_rows_free(r);
    return id == l->fail_at ? SPATE_ERR_USER : SPATE_OK;
}

/* foreachBatch gets batch ids 0, 1, 2 and each batch's rows as a dataframe. */
Test(sql_api_query, foreach_batch_ids)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "v INT");
    spate_dataframe *df = spate_memory_stream_to_df(m);
    fb_log log = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}, 0, -1};
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    cr_assert_eq(spate_stream_writer_foreach_batch(w, record_batch, &log), SPATE_OK);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, m, "1\n2");
    process(s, q);
    add(s, m, "3");
    process(s, q);
    add(s, m, "4\n5\n6");
    process(s, q);
    cr_assert_eq(spate_query_stop(q), SPATE_OK);
    cr_assert_eq(log.n, 3);
    for (int i = 0; i < 3; i++)
        cr_expect_eq(log.ids[i], i);
    cr_expect_eq(log.rows[0], 2);
    cr_expect_eq(log.rows[1], 1);
    cr_expect_eq(log.rows[2], 3);
    spate_session_free(s);
}

/* Inside foreachBatch the batch's dataframe transforms and registers as a
 * view that spate_session_sql reads (the Spark idiom). */
typedef struct batch_ctx {
    spate_session *s;
    char *result;
} batch_ctx;

static spate_err batch_sql(spate_dataframe *batch, int64_t id, void *ud)
{
    batch_ctx *c = ud;
    (void)id;
    spate_dataframe *d = spate_dataframe_select_expr(batch, (const char *[]){"v * 10 AS w"}, 1);
    if (!d || spate_dataframe_create_or_replace_temp_view(d, "b") != SPATE_OK)
        return SPATE_ERR_USER;
    spate_dataframe *r = spate_session_sql(c->s, "SELECT sum(w) AS t FROM b");
    spate_rows *rows = r ? spate_dataframe_collect(r) : NULL;
    if (!rows) return SPATE_ERR_USER;
    free(c->result);
    c->result = api_rows_string(rows);
    spate_rows_free(rows);
    return SPATE_OK;
}

Test(sql_api_query, foreach_batch_view_and_sql)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "v INT");
    batch_ctx c = {s, NULL};
    spate_stream_writer *w = spate_dataframe_write_stream(spate_memory_stream_to_df(m));
    spate_stream_writer_foreach_batch(w, batch_sql, &c);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, m, "1\n2\n3");
    process(s, q);
    cr_assert(c.result, "%s", spate_session_last_error(s));
    cr_expect_str_eq(c.result, "60");
    free(c.result);
    /* the batch's view went with its batch */
    cr_expect_null(spate_session_sql(s, "SELECT * FROM b"));
    spate_session_free(s);
}

/* A failing foreachBatch ends the query: awaitTermination returns the
 * failure, exception() has it, the manager sees the query ended. */
Test(sql_api_query, exception_await_and_manager)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "v INT");
    fb_log log = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}, 0, 1};
    spate_stream_writer *w = spate_dataframe_write_stream(spate_memory_stream_to_df(m));
    spate_stream_writer_foreach_batch(w, record_batch, &log);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    spate_query *active[4];
    cr_expect_eq(spate_session_active_queries(s, active, 4), 1);
    cr_expect_eq(active[0], q);
    cr_expect_eq(spate_session_get_query(s, spate_query_id(q)), q);
    cr_expect_eq(spate_query_await_termination(q, 50), SPATE_ERR_TIMEOUT);
    cr_expect_eq(spate_session_await_any_termination(s, 20), SPATE_ERR_TIMEOUT);
    add(s, m, "1");
    process(s, q);
    add(s, m, "2");
    cr_expect_eq(spate_query_await_termination(q, 10000), SPATE_ERR_STATE);
    cr_expect(strstr(spate_session_last_error(s), "foreachBatch function failed on batch 1"), "%s",
              spate_session_last_error(s));
    char *ex = spate_query_exception(q);
    cr_assert(ex);
    cr_expect(strstr(ex, "batch 1"), "%s", ex);
    free(ex);
    cr_expect_not(spate_query_is_active(q));
    cr_expect_eq(spate_session_active_queries(s, NULL, 0), 0);
    cr_expect_eq(spate_session_await_any_termination(s, 1000), SPATE_ERR_STATE);
    spate_session_reset_terminated(s);
    cr_expect_eq(spate_session_await_any_termination(s, 10), SPATE_ERR_TIMEOUT);
    spate_session_free(s);
}

/* stop: awaitTermination returns at once without an exception. */
Test(sql_api_query, stop_then_await)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "v INT");
    spate_stream_writer *w = spate_dataframe_write_stream(spate_memory_stream_to_df(m));
    spate_stream_writer_format(w, "noop");
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    cr_expect_neq(strcmp(spate_query_id(q), spate_query_run_id(q)), 0);
    cr_expect_eq(strlen(spate_query_id(q)), 36);
    cr_expect_null(spate_query_name(q));
    cr_expect_eq(spate_query_stop(q), SPATE_OK);
    cr_expect_eq(spate_query_stop(q), SPATE_OK);
    cr_expect_eq(spate_query_await_termination(q, -1), SPATE_OK);
    cr_expect_null(spate_query_exception(q));
    cr_expect_not(spate_query_is_active(q));
    char *st = spate_query_status(q);
    cr_assert(st);
    cr_expect(strstr(st, "\"isTriggerActive\":false"), "%s", st);
    free(st);
    spate_session_free(s);
}

typedef struct events {
    pthread_mutex_t mu;
    int started, progress, terminated;
    char id[64];
    bool progress_has_id;
} events;

static void ev_started(const char *id, const char *run_id, const char *name, void *ud)
{
    events *e = ud;
    (void)run_id, (void)name;
    pthread_mutex_lock(&e->mu);
    e->started++;
    snprintf(e->id, sizeof e->id, "%s", id);
    pthread_mutex_unlock(&e->mu);
}

static void ev_progress(const char *json, void *ud)
{
    events *e = ud;
    pthread_mutex_lock(&e->mu);
    e->progress++;
    e->progress_has_id = strstr(json, "\"batchId\":") && strstr(json, e->id);
    pthread_mutex_unlock(&e->mu);
}

static void ev_terminated(const char *id, const char *run_id, const char *ex, void *ud)
{
    events *e = ud;
    (void)id, (void)run_id, (void)ex;
    pthread_mutex_lock(&e->mu);
    e->terminated++;
    pthread_mutex_unlock(&e->mu);
}

/* StreamingQueryListenerSuite: started, progress per batch, terminated. */
Test(sql_api_query, listener_events)
{
    spate_session *s = api_session();
    events ev = {.mu = PTHREAD_MUTEX_INITIALIZER};
    spate_query_listener l = {ev_started, ev_progress, NULL, ev_terminated, &ev};
    int id = spate_session_add_listener(s, &l);
    cr_assert_gt(id, 0);
    spate_memory_stream *m = spate_memory_stream_new(s, "v INT");
    spate_dataframe *c = spate_grouped_count(
        spate_dataframe_group_by(spate_memory_stream_to_df(m), (const char *[]){"v"}, 1));
    spate_query *q = start_memory(c, "lc", "complete");
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, m, "1\n1");
    process(s, q);
    spate_query_stop(q);
    cr_expect_eq(ev.started, 1);
    cr_expect_geq(ev.progress, 1);
    cr_expect(ev.progress_has_id);
    cr_expect_eq(ev.terminated, 1);
    cr_expect_str_eq(ev.id, spate_query_id(q));
    char *lp = spate_query_last_progress(q);
    cr_assert(lp);
    cr_expect(strstr(lp, "\"name\" : \"lc\""), "%s", lp);
    free(lp);
    cr_expect_eq(spate_session_remove_listener(s, id), SPATE_OK);
    cr_expect_eq(spate_session_remove_listener(s, id), SPATE_ERR_NOT_FOUND);
    spate_session_free(s);
}

/* A query that SQL starts (INSERT INTO) reports to the listeners too. */
Test(sql_api_query, listener_hears_sql_queries)
{
    spate_session *s = api_session();
    events ev = {.mu = PTHREAD_MUTEX_INITIALIZER};
    spate_query_listener l = {ev_started, NULL, NULL, ev_terminated, &ev};
    cr_assert_gt(spate_session_add_listener(s, &l), 0);
    spate_memory_stream *m = spate_memory_stream_new(s, "v INT");
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(m), "ls"),
                 SPATE_OK);
    cr_assert(spate_session_sql(s, "CREATE TABLE snk USING memory OPTIONS (queryName 'sqlq');"
                                   "INSERT INTO snk SELECT v FROM STREAM(ls)"),
              "%s", spate_session_last_error(s));
    pthread_mutex_lock(&ev.mu);
    cr_expect_eq(ev.started, 1);
    pthread_mutex_unlock(&ev.mu);
    spate_session_free(s);
    cr_expect_eq(ev.terminated, 1);
}

typedef struct fe_log {
    int opens, closes, rows;
    char text[256];
} fe_log;

static bool fe_open(int64_t p, int64_t epoch, void *ud)
{
    (void)p, (void)epoch;
    ((fe_log *)ud)->opens++;
    return true;
}

static void fe_process(const spate_row *row, void *ud)
{
    fe_log *l = ud;
    char v[64];
    spate_row_format(row, 1, v, sizeof v);
    l->rows++;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s%s=%s", n ? ";" : "", spate_row_col_name(row, 1),
             v);
}

static void fe_close(const char *err, void *ud)
{
    (void)err;
    ((fe_log *)ud)->closes++;
}

/* foreach: open / process per row / close, the row read through its accessor. */
Test(sql_api_query, foreach_rows)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "k STRING, v INT");
    fe_log log = {0};
    spate_foreach_writer fw = {fe_open, fe_process, fe_close, &log};
    spate_stream_writer *w = spate_dataframe_write_stream(spate_memory_stream_to_df(m));
    cr_assert_eq(spate_stream_writer_foreach(w, &fw), SPATE_OK);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, m, "a,1\nb,");
    process(s, q);
    spate_query_stop(q);
    cr_expect_eq(log.rows, 2);
    cr_expect_geq(log.opens, 1);
    cr_expect_eq(log.opens, log.closes);
    cr_expect_str_eq(log.text, "v=1;v=NULL");
    spate_session_free(s);
}

/* Spark's refusals at start: complete mode without an aggregation; a memory
 * sink without queryName; writeStream on a static dataframe. */
Test(sql_api_query, start_refusals)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "v INT");
    spate_dataframe *df = spate_memory_stream_to_df(m);
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    spate_stream_writer_output_mode(w, "complete");
    cr_expect_null(spate_stream_writer_start(w));
    cr_expect(strstr(spate_session_last_error(s), "Complete output mode not supported"), "%s",
              spate_session_last_error(s));
    w = spate_dataframe_write_stream(df);
    spate_stream_writer_format(w, "memory");
    cr_expect_null(spate_stream_writer_start(w));
    cr_expect_str_eq(spate_session_last_error(s), "queryName must be specified for memory sink.");
    cr_expect_eq(spate_stream_writer_output_mode(w, "sometimes"), SPATE_ERR_INVALID_ARG);
    cr_expect_str_eq(spate_session_last_error(s), "Unknown output mode sometimes. Accepted output "
                                                  "modes are 'append', 'complete', 'update'");
    spate_dataframe *st = spate_session_sql(s, "SELECT 1 AS one");
    cr_assert(st, "%s", spate_session_last_error(s));
    cr_expect_null(spate_dataframe_write_stream(st));
    cr_expect_str_eq(spate_session_last_error(s),
                     "'writeStream' can be called only on streaming Dataset/DataFrame");
    spate_session_free(s);
}

/* The console sink prints to the session's output: Spark's "Batch: N"
 * frame and show()'s table. */
Test(sql_api_query, console_to_session_output)
{
    spate_session *s = api_session();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    spate_session_set_output(s, f);
    spate_memory_stream *m = spate_memory_stream_new(s, "k STRING, v INT");
    spate_dataframe *df = spate_dataframe_select_expr(spate_memory_stream_to_df(m),
                                                      (const char *[]){"k", "v * 2 AS w"}, 2);
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    cr_assert_eq(spate_stream_writer_format(w, "console"), SPATE_OK);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, m, "a,1\nb,2");
    process(s, q);
    spate_query_stop(q);
    fflush(f);
    cr_expect_str_eq(buf, "-------------------------------------------\n"
                          "Batch: 0\n"
                          "-------------------------------------------\n"
                          "+---+---+\n"
                          "|  k|  w|\n"
                          "+---+---+\n"
                          "|  a|  2|\n"
                          "|  b|  4|\n"
                          "+---+---+\n"
                          "\n");
    spate_session_free(s);
    fclose(f);
    free(buf);
}

/* A csv file sink with a checkpoint: its part files hold the rows; an
 * option set twice keeps the last value. */
Test(sql_api_query, csv_file_sink)
{
    char out[] = "/tmp/spate-api-out-XXXXXX", ckpt[] = "/tmp/spate-api-ckpt-XXXXXX";
    cr_assert(mkdtemp(out) && mkdtemp(ckpt));
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "k STRING, v INT");
    spate_stream_writer *w = spate_dataframe_write_stream(spate_memory_stream_to_df(m));
    spate_stream_writer_format(w, "csv");
    spate_stream_writer_option(w, "path", "/nonexistent/first");
    spate_stream_writer_option(w, "PATH", out);
    spate_stream_writer_option(w, "checkpointLocation", ckpt);
    cr_assert_eq(spate_stream_writer_trigger(w, "100 milliseconds"), SPATE_OK);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, m, "a,1\nb,2");
    process(s, q);
    spate_query_stop(q);
    /* read it back as a static csv dataframe */
    spate_stream_reader *r = spate_session_read(s);
    spate_stream_reader_format(r, "csv");
    spate_stream_reader_schema(r, "k STRING, v INT");
    spate_dataframe *back = spate_stream_reader_load(r, out);
    cr_assert(back, "%s", spate_session_last_error(s));
    spate_rows *rows = spate_dataframe_collect(back);
    cr_assert(rows, "%s", spate_session_last_error(s));
    char *got = api_rows_string(rows);
    cr_expect_str_eq(got, "a,1;b,2");
    free(got);
    spate_rows_free(rows);
    spate_session_free(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", out, ckpt);
    cr_expect_eq(system(cmd), 0);
}

/* A listener added after the query started hears its later events. */
Test(sql_api_query, listener_added_late)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "v INT");
    spate_stream_writer *w = spate_dataframe_write_stream(spate_memory_stream_to_df(m));
    spate_stream_writer_format(w, "noop");
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    events ev = {.mu = PTHREAD_MUTEX_INITIALIZER};
    snprintf(ev.id, sizeof ev.id, "%s", spate_query_id(q));
    spate_query_listener l = {NULL, ev_progress, NULL, ev_terminated, &ev};
    cr_assert_gt(spate_session_add_listener(s, &l), 0);
    add(s, m, "1");
    process(s, q);
    spate_query_stop(q);
    cr_expect_geq(ev.progress, 1);
    cr_expect(ev.progress_has_id);
    cr_expect_eq(ev.terminated, 1);
    cr_expect_eq(spate_stream_writer_trigger(w, "soon"), SPATE_ERR_INVALID_ARG);
    cr_expect_neq(spate_session_last_error(s)[0], '\0');
    spate_session_free(s);
}

/* The top clients of the dashboard: groupBy().agg(), orderBy, limit in
 * complete mode; sorting without an aggregation is refused at start. */
Test(sql_api_query, top_n_complete_mode)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "client BIGINT, amount INT, price DOUBLE");
    spate_dataframe *in = spate_memory_stream_to_df(m);
    spate_dataframe *t =
        spate_grouped_agg(spate_dataframe_group_by(in, (const char *[]){"client"}, 1),
                          (const char *[]){"sum(amount * price) AS total"}, 1);
    t = spate_dataframe_limit(spate_dataframe_order_by(t, (const char *[]){"total DESC"}, 1), 2);
    spate_query *q = start_memory(t, "top", "complete");
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, m, "1,1,1.0\n2,5,2.0\n3,2,2.0");
    process(s, q);
    api_expect_rows(s, "SELECT * FROM top", "2,10.0;3,4.0");
    add(s, m, "1,20,1.0");
    process(s, q);
    api_expect_rows(s, "SELECT * FROM top", "1,21.0;2,10.0");
    spate_dataframe *sorted = spate_dataframe_order_by(in, (const char *[]){"amount"}, 1);
    cr_expect_null(start_memory(sorted, "sorted", "append"));
    cr_expect(strstr(spate_session_last_error(s), "Sorting is not supported"), "%s",
              spate_session_last_error(s));
    spate_session_free(s);
}
