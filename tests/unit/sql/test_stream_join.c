/* test_stream_join.c - joins of two streams through the public API (the
 * cases of Spark's StreamingInnerJoinSuite and StreamingOuterJoinSuite):
 * every new row joins what the other side kept, across batches and a
 * restart; the watermark and a time-range condition evict state; outer
 * sides output their unmatched rows once evicted; a semi join outputs a
 * left row once; and Spark's refusals. */
#include "api_test_util.h"

#include <unistd.h>

static spate_session *session;

static void setup(void) { session = api_session(); }
static void teardown(void) { spate_session_free(session); }

TestSuite(sql_stream_join, .init = setup, .fini = teardown);

static void add(spate_memory_stream *m, const char *csv) { api_add_csv(session, m, csv); }
static void process(spate_query *q) { api_process(session, q); }

/* A memory stream of schema registered as view name, after select (a
 * selectExpr list, or NULL) and a watermark on wm_col (or none). */
static spate_memory_stream *stream(const char *name, const char *schema, const char *const *select,
                                   size_t nselect, const char *wm_col, const char *delay)
{
    spate_memory_stream *m = spate_memory_stream_new(session, schema);
    spate_dataframe *df = spate_memory_stream_to_df(m);
    if (select) df = spate_dataframe_select_expr(df, select, nselect);
    if (wm_col) df = spate_dataframe_with_watermark(df, wm_col, delay);
    cr_assert(df, "%s", spate_session_last_error(session));
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(df, name), SPATE_OK);
    return m;
}

static spate_query *start(const char *sql, const char *ckpt)
{
    return api_start_memory(session, spate_session_sql(session, sql), "append", ckpt);
}

/* Two plain streams without watermarks, views l (k, v) and r (k, w). */
static void plain_streams(spate_memory_stream **l, spate_memory_stream **r)
{
    *l = stream("l", "k INT, v INT", NULL, 0, NULL, NULL);
    *r = stream("r", "k INT, w INT", NULL, 0, NULL, NULL);
}

static void expect_out(const char *rows)
{
    char *got = api_sql_rows(session, "SELECT * FROM out");
    cr_expect_str_eq(got, rows, "got [%s], want [%s]", got, rows);
    free(got);
}

/* StreamingInnerJoinSuite "stream stream inner join on non-time column":
 * key, leftValue = 2 * key, rightValue = 3 * key. */
Test(sql_stream_join, inner_join_on_a_non_time_column_across_a_restart)
{
    char ckpt[] = "/tmp/spate_sjoin_XXXXXX";
    cr_assert(mkdtemp(ckpt));
    spate_memory_stream *in1 =
        stream("l", "value INT", (const char *[]){"value AS key", "value * 2 AS leftValue"}, 2,
               NULL, NULL);
    spate_memory_stream *in2 =
        stream("r", "value INT", (const char *[]){"value AS key", "value * 3 AS rightValue"}, 2,
               NULL, NULL);
    const char *sql = "SELECT * FROM STREAM(l) JOIN STREAM(r) USING (key)";
    spate_query *q = start(sql, ckpt);
    add(in1, "1");
    process(q);
    expect_out("");
    add(in2, "1\n10");
    process(q);
    expect_out("1,2,3");
    add(in1, "10");
    process(q);
    expect_out("1,2,3;10,20,30");
    add(in2, "1"); /* joins the left row kept since the first batch */
    process(q);
    expect_out("1,2,3;1,2,3;10,20,30");
    cr_expect_eq(api_progress_figure(q, "numRowsTotal", false), 5);
    cr_assert_eq(spate_query_stop(q), SPATE_OK);

    q = start(sql, ckpt); /* a new sink; the state comes back from the checkpoint */
    add(in1, "100");
    add(in2, "100\n10");
    process(q);
    expect_out("10,20,30;100,200,300");
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", ckpt);
    cr_expect_eq(system(cmd), 0);
}

/* Impressions and clicks (Spark's guide): a click joins its ad's
 * impression within the hour after it; a 10 s watermark on both. Times in
 * seconds. */
static const char *const IMP[] = {"id AS adId", "CAST(t AS TIMESTAMP) AS impTime"};
static const char *const CLK[] = {"id AS clickAdId", "CAST(t AS TIMESTAMP) AS clickTime"};

static const char *RANGE = "clickAdId = adId AND clickTime >= impTime AND "
                           "clickTime <= impTime + INTERVAL 60 SECONDS";

static spate_query *ads(const char *join, spate_memory_stream **imp, spate_memory_stream **clk)
{
    *imp = stream("imp", "id INT, t INT", IMP, 2, "impTime", "10 seconds");
    *clk = stream("clk", "id INT, t INT", CLK, 2, "clickTime", "10 seconds");
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT adId, CAST(impTime AS INT), clickAdId, CAST(clickTime AS INT) "
             "FROM STREAM(imp) %s STREAM(clk) ON %s",
             join, RANGE);
    return start(sql, NULL);
}

Test(sql_stream_join, time_range_inner_join_evicts_what_cannot_match)
{
    spate_memory_stream *imp, *clk;
    spate_query *q = ads("JOIN", &imp, &clk);
    add(imp, "1,100\n2,110");
    add(clk, "1,130\n2,300"); /* 2's click is too late for its impression */
    process(q);
    expect_out("1,100,1,130");
    add(imp, "3,400\n2,290");
    add(clk, "3,410\n9,420");
    process(q);
    /* the watermark is 390 now (the impressions': 400 - 10): a batch
     * without data evicts the impressions up to 330 and the clicks up to
     * 390 */
    expect_out("1,100,1,130;2,290,2,300;3,400,3,410");
    long long with_input = api_progress_figure(q, "numRowsTotal", false);
    long long last = api_progress_figure(q, "numRowsTotal", true);
    cr_expect(with_input == 8 && last == 3, "numRowsTotal %lld then %lld", with_input, last);
    add(clk, "1,150"); /* late: below the watermark, dropped */
    process(q);
    expect_out("1,100,1,130;2,290,2,300;3,400,3,410");
    cr_expect_eq(api_progress_figure(q, "numRowsDroppedByWatermark", false), 1);
    char *all = spate_query_recent_progress(q);
    cr_expect(strstr(all, "\"operatorName\":\"symmetricHashJoin\""), "%s", all);
    free(all);
}

Test(sql_stream_join, left_outer_outputs_unmatched_rows_once_evicted)
{
    spate_memory_stream *imp, *clk;
    spate_query *q = ads("LEFT JOIN", &imp, &clk);
    add(imp, "1,100\n2,110");
    add(clk, "1,130");
    process(q);
    expect_out("1,100,1,130");
    add(imp, "5,300");
    add(clk, "5,310"); /* watermark 290: impressions up to 230 are done */
    process(q);
    expect_out("1,100,1,130;2,110,NULL,NULL;5,300,5,310");
}

Test(sql_stream_join, right_and_full_outer)
{
    spate_memory_stream *imp, *clk;
    spate_query *q = ads("RIGHT JOIN", &imp, &clk);
    add(imp, "1,100");
    add(clk, "1,130\n7,140");
    process(q);
    expect_out("1,100,1,130");
    add(imp, "5,300");
    add(clk, "5,310");
    process(q);
    expect_out("1,100,1,130;5,300,5,310;NULL,NULL,7,140");
    spate_query_stop(q);

    q = ads("FULL OUTER JOIN", &imp, &clk);
    add(imp, "1,100\n2,105");
    add(clk, "1,130\n7,140");
    process(q);
    add(imp, "5,300");
    add(clk, "5,310");
    process(q);
    expect_out("1,100,1,130;2,105,NULL,NULL;5,300,5,310;NULL,NULL,7,140");
}

Test(sql_stream_join, left_semi_outputs_each_left_row_once)
{
    spate_memory_stream *imp = stream("imp", "id INT, t INT", IMP, 2, "impTime", "10 seconds");
    spate_memory_stream *clk = stream("clk", "id INT, t INT", CLK, 2, "clickTime", "10 seconds");
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT adId, CAST(impTime AS INT) FROM STREAM(imp) LEFT SEMI JOIN STREAM(clk) ON %s",
             RANGE);
    spate_query *q = start(sql, NULL);
    add(imp, "1,100\n2,110");
    add(clk, "1,120");
    process(q);
    expect_out("1,100");
    add(clk, "1,125\n2,130\n2,131"); /* 1 is out already; 2 once */
    process(q);
    expect_out("1,100;2,110");
}

Test(sql_stream_join, a_residual_condition_filters_pairs)
{
    spate_memory_stream *l, *r;
    plain_streams(&l, &r);
    spate_query *q = start("SELECT l.k, v, w FROM STREAM(l) JOIN STREAM(r) "
                           "ON l.k = r.k AND v < w",
                           NULL);
    add(l, "1,5\n1,50\n2,7\n,1");
    add(r, "1,10\n2,3\n,9"); /* NULL keys match nothing */
    process(q);
    expect_out("1,5,10");
    add(r, "1,60\n2,8");
    process(q);
    expect_out("1,5,10;1,5,60;1,50,60;2,7,8");
}

static void expect_refused(const char *sql, const char *mode, const char *message)
{
    spate_dataframe *df = spate_session_sql(session, sql);
    cr_assert(df, "%s", spate_session_last_error(session));
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_output_mode(w, mode), SPATE_OK);
    cr_assert_eq(spate_stream_writer_query_name(w, "out"), SPATE_OK);
    cr_expect_null(spate_stream_writer_start(w), "%s started", sql);
    cr_expect(strstr(spate_session_last_error(session), message), "%s: %s", sql,
              spate_session_last_error(session));
}

Test(sql_stream_join, spark_refusals)
{
    stream("imp", "id INT, t INT", IMP, 2, "impTime", "10 seconds");
    stream("clk", "id INT, t INT", CLK, 2, "clickTime", "10 seconds");
    expect_refused("SELECT * FROM STREAM(imp) LEFT JOIN STREAM(clk) ON clickAdId = adId", "append",
                   "Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not "
                   "supported without a watermark in the join keys, or a watermark on the "
                   "nullable side and an appropriate range condition");
    expect_refused("SELECT * FROM STREAM(imp) FULL JOIN STREAM(clk) ON clickAdId = adId AND "
                   "clickTime >= impTime",
                   "append", "Stream-stream FullOuter join");
    expect_refused("SELECT * FROM STREAM(imp) JOIN STREAM(clk) ON clickAdId = adId", "update",
                   "Join between two streaming DataFrames/Datasets is not supported in Update "
                   "output mode, only in Append output mode");
    expect_refused("SELECT * FROM STREAM(imp) LEFT ANTI JOIN STREAM(clk) ON clickAdId = adId",
                   "append",
                   "LeftAnti joins with a streaming DataFrame/Dataset on the right are not "
                   "supported");
}

/* A stream joined with itself reads it twice (two sources), and the
 * DataFrame API's join runs the same way. */
Test(sql_stream_join, self_join_and_the_dataframe_api)
{
    spate_memory_stream *m = stream("o", "oid BIGINT, client BIGINT", NULL, 0, NULL, NULL);
    spate_query *q = start("SELECT a.oid, b.client FROM STREAM(o) a JOIN STREAM(o) b "
                           "ON a.client = b.oid",
                           NULL);
    add(m, "1,2\n2,7");
    process(q);
    expect_out("1,7");
    add(m, "3,1");
    process(q);
    expect_out("1,7;3,2");
    spate_query_stop(q);

    spate_memory_stream *l, *r;
    plain_streams(&l, &r);
    spate_dataframe *ldf = spate_memory_stream_to_df(l), *rdf = spate_memory_stream_to_df(r);
    q = api_start_memory(session, spate_dataframe_join(ldf, rdf, "l.k = r.k", "inner"), "append",
                         NULL);
    add(l, "1,10\n2,20");
    add(r, "2,0\n2,1");
    process(q);
    expect_out("2,20,2,0;2,20,2,1");
}

Test(sql_stream_join, nested_columns_and_a_second_stateful_operator_are_refused)
{
    spate_memory_stream *m = spate_memory_stream_new(session, "k INT, a ARRAY<INT>");
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(m), "n"),
                 SPATE_OK);
    stream("p", "k INT, t INT", (const char *[]){"k", "CAST(t AS TIMESTAMP) AS t"}, 2, "t",
           "1 second");
    expect_refused("SELECT * FROM STREAM(n) x JOIN STREAM(n) y ON x.k = y.k", "append",
                   "a join of two streams keeping the nested column `a` in its state");
    expect_refused("SELECT x.k, count(*) FROM STREAM(p) x JOIN STREAM(p) y ON x.k = y.k "
                   "GROUP BY x.k, window(x.t, '1 second')",
                   "append", "a join of two streams with another stateful operator");
}

/* A filter over an inner join also filters each side before it (Spark's
 * PushPredicateThroughJoin): the rows it drops are never kept. Over a left
 * outer join only the left side's conjuncts move; the others stay above. */
Test(sql_stream_join, filters_above_the_join_keep_less_state)
{
    spate_memory_stream *l, *r;
    plain_streams(&l, &r);
    spate_query *q = start("SELECT l.k, v, w FROM STREAM(l) JOIN STREAM(r) ON l.k = r.k "
                           "WHERE w > 5 AND v < 100 AND v + w <> 17",
                           NULL);
    add(l, "1,1\n1,200\n2,2");
    add(r, "1,10\n1,3\n2,15");
    process(q);
    expect_out("1,1,10");
    cr_expect_eq(api_progress_figure(q, "numRowsTotal", false), 4); /* 1,1 2,2 | 1,10 2,15 */
}

/* StreamingInnerJoinSuite "stream stream inner join with time range - with
 * watermark - two side conditions": its inputs, outputs and state row
 * counts. Left delay 20 s, right 30 s; a left row matches right rows
 * between leftTime - 5 s and leftTime + 10 s; Spark keeps state one
 * millisecond past the bound of a non-strict comparison. */
Test(sql_stream_join, spark_two_side_time_range_case)
{
    spate_memory_stream *l =
        stream("l", "k INT, t INT", (const char *[]){"k AS leftKey", "CAST(t AS TIMESTAMP) AS lt"},
               2, "lt", "20 seconds");
    spate_memory_stream *r =
        stream("r", "k INT, t INT", (const char *[]){"k AS rightKey", "CAST(t AS TIMESTAMP) AS rt"},
               2, "rt", "30 seconds");
    spate_query *q = start("SELECT leftKey, CAST(lt AS INT), CAST(rt AS INT) FROM STREAM(l) "
                           "JOIN STREAM(r) ON leftKey = rightKey AND "
                           "lt BETWEEN rt - INTERVAL 10 SECONDS AND rt + INTERVAL 5 SECONDS",
                           NULL);
    static const struct {
        int side; /* 0 left, 1 right */
        const char *add, *out;
        long long total; /* numRowsTotal of the last batch */
    } steps[] = {
        {0, "1,20", "", 1},
        {1, "1,14\n1,15\n1,25\n1,26\n1,30\n1,31", "1,20,15;1,20,25;1,20,26;1,20,30", 7},
        {1, "1,60", "1,20,15;1,20,25;1,20,26;1,20,30", 8},
        /* the watermark becomes min(66 - 20, 60 - 30) = 30: a batch
         * without data drops the right rows below 25 (14, 15) */
        {0, "1,49\n1,50\n1,65\n1,66", "1,20,15;1,20,25;1,20,26;1,20,30;1,50,60;1,65,60", 10},
        {0, "1,30\n1,31", /* 30 is late */
         "1,20,15;1,20,25;1,20,26;1,20,30;1,31,26;1,31,30;1,31,31;1,50,60;1,65,60", 11},
        /* watermark 46: left rows below 36 (20, 31), right below 41 go */
        {1, "1,80", "1,20,15;1,20,25;1,20,26;1,20,30;1,31,26;1,31,30;1,31,31;1,50,60;1,65,60", 6},
        {1, "1,46\n1,50", /* 46 is late */
         "1,20,15;1,20,25;1,20,26;1,20,30;1,31,26;1,31,30;1,31,31;1,49,50;1,50,50;1,50,60;"
         "1,65,60",
         7},
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        add(steps[i].side ? r : l, steps[i].add);
        process(q);
        expect_out(steps[i].out);
        long long total = api_progress_figure(q, "numRowsTotal", true);
        cr_expect_eq(total, steps[i].total, "step %zu: numRowsTotal %lld, want %lld", i, total,
                     steps[i].total);
    }
}
