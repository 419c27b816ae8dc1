/* test_union.c - a union of streams (Spark's StreamSuite "union of two
 * streams" and its checkpoint cases): each stream keeps its own offsets,
 * a batch reads whichever has new data, an aggregation sees both, the
 * progress report names every source, and a checkpoint written for one
 * shape of query refuses another. */
#include "api_test_util.h"

#include <unistd.h>

static spate_query *start(spate_session *s, const char *sql, const char *name, const char *mode,
                          const char *ckpt)
{
    spate_dataframe *df = spate_session_sql(s, sql);
    cr_assert(df, "%s", spate_session_last_error(s));
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_output_mode(w, mode), SPATE_OK);
    cr_assert_eq(spate_stream_writer_query_name(w, name), SPATE_OK);
    if (ckpt) cr_assert_eq(spate_stream_writer_option(w, "checkpointLocation", ckpt), SPATE_OK);
    return spate_stream_writer_start(w);
}

static void add(spate_session *s, spate_memory_stream *m, spate_query *q, const char *csv)
{
    cr_assert_eq(spate_memory_stream_add_csv(m, csv, NULL), SPATE_OK);
    cr_assert_eq(spate_query_process_all_available(q), SPATE_OK, "%s", spate_session_last_error(s));
}

static void streams(spate_session *s, spate_memory_stream **a, spate_memory_stream **b)
{
    *a = spate_memory_stream_new(s, "k STRING, v INT");
    *b = spate_memory_stream_new(s, "key STRING, n BIGINT");
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(*a), "a"),
                 SPATE_OK);
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(*b), "b"),
                 SPATE_OK);
}

Test(sql_union, union_all_of_two_streams)
{
    spate_session *s = api_session();
    spate_memory_stream *a, *b;
    streams(s, &a, &b);
    spate_query *q = start(s,
                           "SELECT k, v FROM STREAM(a) WHERE v > 0 "
                           "UNION ALL SELECT upper(key), n * 10 FROM STREAM(b)",
                           "u", "append", NULL);
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, a, q, "x,1\ny,0");
    api_expect_rows(s, "SELECT * FROM u", "x,1");
    add(s, b, q, "z,2");
    api_expect_rows(s, "SELECT * FROM u", "Z,20;x,1");
    cr_assert_eq(spate_memory_stream_add_csv(a, "w,5", NULL), SPATE_OK);
    add(s, b, q, "q,3");
    api_expect_rows(s, "SELECT * FROM u", "Q,30;Z,20;w,5;x,1");
    char *p = spate_query_last_progress(q);
    cr_assert(p);
    cr_expect(strstr(p, "\"numInputRows\" : 2"), "%s", p);
    const char *second = strstr(p, "\"description\" : \"MemoryStream");
    cr_expect(second && strstr(second + 1, "\"description\" : \"MemoryStream"), "%s", p);
    free(p);
    spate_session_free(s);
}

/* An aggregation over the union, complete mode, restarted from its
 * checkpoint; a checkpoint of a one-stream query refuses the union. */
Test(sql_union, aggregation_and_checkpoint)
{
    char ckpt[64] = "/tmp/spate-union-XXXXXX";
    cr_assert(mkdtemp(ckpt));
    const char *sql = "SELECT k, sum(v) AS t FROM (SELECT k, v FROM STREAM(a) "
                      "UNION ALL SELECT key, n FROM STREAM(b)) GROUP BY k";
    spate_session *s = api_session();
    spate_memory_stream *a, *b;
    streams(s, &a, &b);
    spate_query *q = start(s, sql, "t", "complete", ckpt);
    cr_assert(q, "%s", spate_session_last_error(s));
    add(s, a, q, "x,1\ny,2");
    add(s, b, q, "x,10");
    api_expect_rows(s, "SELECT * FROM t", "x,11;y,2");
    spate_session_free(s);

    char offsets[128];
    snprintf(offsets, sizeof offsets, "%s/offsets/1", ckpt);
    cr_expect_eq(access(offsets, F_OK), 0);
    s = api_session();
    streams(s, &a, &b);
    q = start(s, "SELECT k, count(*) AS t FROM STREAM(a) GROUP BY k", "t", "complete", ckpt);
    cr_assert(q, "%s", spate_session_last_error(s));
    cr_expect_neq(spate_query_await_termination(q, 5000), SPATE_OK);
    char *ex = spate_query_exception(q);
    cr_expect(ex && strstr(ex, "has 2 sources but the query reads 1"), "%s", ex ? ex : "");
    free(ex);
    spate_session_free(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", ckpt);
    cr_assert_eq(system(cmd), 0);
}
