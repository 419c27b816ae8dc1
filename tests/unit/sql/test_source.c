/* test_source.c - the memory, rate and rate-micro-batch sources and the
 * option checks of every format (src/sql/source*.c), driven through their
 * ops with a manual clock. Facts from Spark's RateSourceSuite
 * (valueAtSecond, rows and timestamps), RatePerMicroBatchProviderSuite
 * and MemoryStream. */
#include "test_source_util.h"

#include "sql/source_int.h"

/* ---- memory ---- */

static sp_colbatch *mem_batch(spate_arena *a, int n, const int *ids, const char *const *strs)
{
    sp_coltype types[2] = {SP_COL_I32, SP_COL_UTF8};
    const char *names[2] = {"a", "s"};
    sp_colbatch *b = sp_colbatch_new(a, 2, types, names, n);
    for (int i = 0; i < n; i++) {
        sp_column_i32(&b->cols[0])[i] = ids[i];
        sp_column_append_str(b, 1, strs[i] ? strs[i] : "", strs[i] ? strlen(strs[i]) : 0);
        if (!strs[i]) sp_column_set_null(b, 1, i);
    }
    sp_colbatch_set_length(b, n);
    return b;
}

Test(source_memory, each_add_is_the_next_offset)
{
    spate_arena *a = spate_arena_new();
    sp_sql_type_error te;
    sp_memory_stream *m = sp_memory_stream_new(sp_sql_schema_parse(a, "a INT, s STRING", &te));
    sp_source_def *d = sp_memory_stream_def(m);
    char err[512], buf[64];
    sp_source_env env = tsu_env(NULL);
    sp_source *s = sp_source_open(d, &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    cr_expect_str_eq(s->ops->description(s), "MemoryStream[a,s]");
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "<none>");

    int ids1[] = {1, 2};
    const char *s1[] = {"x", NULL};
    sp_colbatch *b1 = mem_batch(a, 2, ids1, s1);
    cr_expect_eq(sp_memory_stream_add(m, b1), 0);
    sp_column_i32(&b1->cols[0])[0] = 99; /* the stream copied the rows */
    int ids2[] = {3};
    const char *s2[] = {"yz"};
    cr_expect_eq(sp_memory_stream_add(m, mem_batch(a, 1, ids2, s2)), 1);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "1");

    tsu_rows rs = {0};
    sp_source_counters c = {0};
    int np;
    cr_assert_eq(tsu_run(s, NULL, "0", &rs, &c, &np, err, sizeof err), SPATE_OK, "%s", err);
    tsu_expect_rows(&rs, (const char *const[]){"1,x", "2,<null>"}, 2);
    cr_expect_eq(c.rows, 2);
    tsu_rows_free(&rs);
    cr_assert_eq(tsu_run(s, NULL, "1", &rs, &c, &np, err, sizeof err), SPATE_OK, "%s", err);
    cr_expect_eq(np, 2);
    tsu_expect_rows(&rs, (const char *const[]){"1,x", "2,<null>", "3,yz"}, 3);
    tsu_rows_free(&rs);

    s->ops->commit(s, "0");
    cr_expect_neq(tsu_run(s, NULL, "1", &rs, &c, &np, err, sizeof err), SPATE_OK);
    cr_expect(strstr(err, "not buffered"), "%s", err);
    tsu_rows_free(&rs);
    cr_assert_eq(tsu_run(s, "0", "1", &rs, &c, &np, err, sizeof err), SPATE_OK, "%s", err);
    tsu_expect_rows(&rs, (const char *const[]){"3,yz"}, 1);
    tsu_rows_free(&rs);

    s->ops->close(s);
    sp_source_def_free(d);
    sp_memory_stream_free(m);
    spate_arena_destroy(a);
}

/* ---- rate ---- */

Test(source_rate, value_at_second)
{
    /* RateSourceSuite "valueAtSecond" */
    static const int64_t cases[][4] = {
        {0, 5, 0, 0},  {1, 5, 0, 5},  {0, 5, 2, 0},  {1, 5, 2, 1},   {2, 5, 2, 3},   {3, 5, 2, 8},
        {0, 10, 4, 0}, {1, 10, 4, 2}, {2, 10, 4, 6}, {3, 10, 4, 12}, {4, 10, 4, 20}, {5, 10, 4, 30},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        cr_expect_eq(sp_source_rate_value_at_second(cases[i][0], cases[i][1], cases[i][2]),
                     cases[i][3], "case %zu", i);
}

static sp_source *open_src(const char *format, const char *opts, const char *ckpt)
{
    char err[512];
    sp_source_def *d = tsu_resolve(format, NULL, opts, NULL, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    sp_source_env env = tsu_env(ckpt);
    sp_source *s = sp_source_open(d, &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    return s;
}

static void close_src(sp_source *s)
{
    sp_source_def *d = (sp_source_def *)s->def;
    s->ops->close(s);
    sp_source_def_free(d);
}

/* Reads (start, end] and checks the rows "timestamp_us,value". */
static void expect_read(sp_source *s, const char *start, const char *end, const char *const *want,
                        int n)
{
    tsu_rows rs = {0};
    sp_source_counters c = {0};
    char err[256];
    cr_assert_eq(tsu_run(s, start, end, &rs, &c, NULL, err, sizeof err), SPATE_OK, "%s", err);
    tsu_expect_rows(&rs, want, n);
    cr_expect_eq(c.rows, n);
    tsu_rows_free(&rs);
}

Test(source_rate, rows_and_timestamps_follow_the_clock)
{
    tsu_now = 0;
    sp_source *s = open_src("rate", "rowsPerSecond=10&numPartitions=1", NULL);
    char buf[64];
    cr_expect_str_eq(s->ops->description(s),
                     "RateStreamV2[rowsPerSecond=10, rampUpTimeSeconds=0, numPartitions=1");
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "<none>");
    tsu_now = 999;
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "<none>");
    tsu_now = 1000;
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "1");
    expect_read(s, NULL, "1",
                (const char *const[]){"0,0", "100000,1", "200000,2", "300000,3", "400000,4",
                                      "500000,5", "600000,6", "700000,7", "800000,8", "900000,9"},
                10);
    tsu_now = 2500;
    cr_expect_str_eq(tsu_latest(s, "1", buf, sizeof buf), "2");
    expect_read(s, "1", "2",
                (const char *const[]){"1000000,10", "1100000,11", "1200000,12", "1300000,13",
                                      "1400000,14", "1500000,15", "1600000,16", "1700000,17",
                                      "1800000,18", "1900000,19"},
                10);
    expect_read(s, "2", "2", NULL, 0);
    tsu_now = 100; /* a clock going back does not move the offset back */
    cr_expect_str_eq(tsu_latest(s, "2", buf, sizeof buf), "2");
    close_src(s);
}

Test(source_rate, partitions_interleave_values)
{
    tsu_now = 5000; /* the stream starts when it opens */
    sp_source *s = open_src("rate", "rowsPerSecond=6&numPartitions=3", NULL);
    tsu_now = 6000;
    /* partition p reads p, p + 3; timestamps round(v * 1000 / 6) ms after 5 s */
    expect_read(s, NULL, "1",
                (const char *const[]){"5000000,0", "5500000,3", "5167000,1", "5667000,4",
                                      "5333000,2", "5833000,5"},
                6);
    close_src(s);
}

Test(source_rate, ramp_up_and_uniform_timestamps)
{
    tsu_now = 0;
    sp_source *s = open_src("rate", "rowsPerSecond=10&rampUpTime=4s&numPartitions=1", NULL);
    /* 6 rows in the first two seconds, 2000/6 ms apart */
    expect_read(
        s, NULL, "2",
        (const char *const[]){"0,0", "333000,1", "667000,2", "1000000,3", "1333000,4", "1667000,5"},
        6);
    close_src(s);
    s = open_src("rate", "rowsPerSecond=1500&numPartitions=1", NULL);
    tsu_rows rs = {0};
    sp_source_counters c = {0};
    char err[256];
    cr_assert_eq(tsu_run(s, NULL, "1", &rs, &c, NULL, err, sizeof err), SPATE_OK, "%s", err);
    cr_assert_eq(rs.n, 1500);
    cr_expect_str_eq(rs.rows[1], "1000,1");         /* 0.667 ms rounds to 1 */
    cr_expect_str_eq(rs.rows[2], "1000,2");         /* 1.333 ms rounds to 1 */
    cr_expect_str_eq(rs.rows[1499], "999000,1499"); /* 999.33 ms */
    tsu_rows_free(&rs);
    close_src(s);
}

Test(source_rate, restart_keeps_the_start_time)
{
    char dir[] = "/tmp/spate_rate_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    tsu_now = 1000;
    sp_source *s = open_src("rate", "rowsPerSecond=1&numPartitions=1", dir);
    close_src(s);
    tsu_now = 5000;
    s = open_src("rate", "rowsPerSecond=1&numPartitions=1", dir);
    char buf[64];
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "4");
    expect_read(s, "2", "3", (const char *const[]){"3000000,2"}, 1);
    close_src(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* ---- rate-micro-batch ---- */

Test(source_rate_micro_batch, offsets_values_and_timestamps)
{
    sp_source *s = open_src("rate-micro-batch",
                            "rowsPerBatch=10&numPartitions=2&startTimestamp=1000&"
                            "advanceMillisPerBatch=50",
                            NULL);
    cr_expect_str_eq(s->ops->description(s),
                     "RatePerMicroBatchStream[rowsPerBatch=10, numPartitions=2, "
                     "startTimestamp=1000, advanceMsPerBatch=50]");
    char o1[64], o2[64];
    cr_expect_str_eq(tsu_latest(s, NULL, o1, sizeof o1), "{\"offset\":10,\"timestamp\":1050}");
    expect_read(s, NULL, o1,
                (const char *const[]){"1000000,0", "1000000,2", "1000000,4", "1000000,6",
                                      "1000000,8", "1000000,1", "1000000,3", "1000000,5",
                                      "1000000,7", "1000000,9"},
                10);
    tsu_now = 123456; /* the clock plays no part */
    cr_expect_str_eq(tsu_latest(s, o1, o2, sizeof o2), "{\"offset\":20,\"timestamp\":1100}");
    expect_read(s, o1, o2,
                (const char *const[]){"1050000,10", "1050000,12", "1050000,14", "1050000,16",
                                      "1050000,18", "1050000,11", "1050000,13", "1050000,15",
                                      "1050000,17", "1050000,19"},
                10);
    close_src(s);
}

typedef struct kept {
    sp_colbatch *b[64];
    int n;
} kept;

/* Keeps each batch: a consumer may hold on to what it was given. */
static bool keep_emit(sp_colbatch *b, void *ud)
{
    kept *k = ud;
    if (k->n == (int)(sizeof k->b / sizeof *k->b)) return false;
    k->b[k->n++] = b;
    return true;
}

Test(source_rate_micro_batch, large_batches_fill_in_chunks)
{
    sp_source *s = open_src("rate-micro-batch", "rowsPerBatch=200000&numPartitions=1", NULL);
    spate_arena *a = spate_arena_new();
    void **parts;
    int np;
    char err[256];
    cr_assert_eq(s->ops->plan(s, "{\"offset\":5,\"timestamp\":0}",
                              "{\"offset\":200005,\"timestamp\":1000}", a, &parts, &np, err,
                              sizeof err),
                 SPATE_OK, "%s", err);
    kept k = {0};
    sp_source_counters c = {0};
    cr_assert_eq(s->ops->read(s, parts[0], a, keep_emit, &k, &c, err, sizeof err), SPATE_OK);
    cr_expect_eq(c.rows, 200000);
    cr_assert_eq(k.n, (200000 + SP_SOURCE_BATCH_ROWS - 1) /
                          SP_SOURCE_BATCH_ROWS); /* full, then the rest */
    int64_t next = 5;
    for (int i = 0; i < k.n; i++) {
        const int64_t *v = sp_column_i64(&k.b[i]->cols[1]);
        for (int64_t r = 0; r < k.b[i]->length; r++)
            cr_assert_eq(v[r], next++, "batch %d row %ld", i, (long)r);
    }
    cr_expect_eq(next, 200005);
    spate_arena_destroy(a);
    close_src(s);
}

/* ---- option errors ---- */

Test(source_options, errors_name_the_option_and_value)
{
    static const struct {
        const char *format, *schema, *opts, *msg;
    } cases[] = {
        {"parquetx", NULL, "",
         "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: parquetx. Make sure the "
         "provider name is correct and the package is properly registered and compatible with "
         "your Spark version. SQLSTATE: 42K02"},
        {"memory", NULL, "", "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: memory."},
        {"rate", NULL, "rowsPerSecond=0",
         "Invalid value '0'. The option 'rowsPerSecond' must be positive"},
        {"rate", NULL, "rowsPerSecond=ten",
         "Invalid value 'ten' for option 'rowsPerSecond': expected a long"},
        {"rate", NULL, "rampUpTime=-2",
         "Invalid value '-2'. The option 'rampUpTime' must not be negative"},
        {"rate", NULL, "rampUpTime=soon", "Invalid value 'soon' for option 'rampUpTime'"},
        {"rate", NULL, "numPartitions=0",
         "Invalid value '0'. The option 'numPartitions' must be positive"},
        {"rate", NULL, "rowsPerBatch=3",
         "Unknown option 'rowsPerBatch' for the rate source: it takes rowsPerSecond, "
         "rampUpTime, numPartitions"},
        {"rate", "a INT", "", "The rate source does not support a user-specified schema."},
        {"rate", NULL, "rowsPerSecond=9223372036854775807&rampUpTime=2",
         "Integer overflow. Max offset with 9223372036854775807 rowsPerSecond is 1, but "
         "'rampUpTimeSeconds' is 2."},
        {"rate-micro-batch", NULL, "",
         "Invalid value '0'. The option 'rowsPerBatch' must be positive"},
        {"rate-micro-batch", NULL, "rowsPerBatch=-1",
         "Invalid value '-1'. The option 'rowsPerBatch' must be positive"},
        {"rate-micro-batch", NULL, "rowsPerBatch=1&startTimestamp=-1",
         "Invalid value '-1'. The option 'startTimestamp' must be non-negative"},
        {"rate-micro-batch", NULL, "rowsPerBatch=1&advanceMillisPerBatch=-5",
         "Invalid value '-5'. The option 'advanceMillisPerBatch' must be non-negative"},
        {"rate-micro-batch", NULL, "rowsPerBatch=1&numPartitions=x",
         "Invalid value 'x' for option 'numPartitions': expected a long"},
        {"rate-micro-batch", NULL, "rowsPerBatch=1&rowsPerSecond=1",
         "Unknown option 'rowsPerSecond' for the rate-micro-batch source"},
        {"socket", NULL, "port=9999", "Set a host to read from with option(\"host\", ...)."},
        {"socket", NULL, "host=localhost", "Set a port to read from with option(\"port\", ...)."},
        {"socket", NULL, "host=localhost&port=99a", "Port is not an integer: '99a'"},
        {"socket", NULL, "host=localhost&port=1&includeTimestamp=yes",
         "includeTimestamp must be set to either \"true\" or \"false\" (not 'yes')"},
        {"socket", NULL, "host=localhost&port=1&numPartitions=0",
         "Invalid value '0'. The option 'numPartitions' must be positive"},
        {"socket", NULL, "host=localhost&port=1&path=/x",
         "Unknown option 'path' for the socket source"},
        {"socket", "value STRING", "host=localhost&port=1",
         "The socket source does not support a user-specified schema."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char err[1024] = "";
        sp_source_def *d =
            tsu_resolve(cases[i].format, cases[i].schema, cases[i].opts, NULL, err, sizeof err);
        cr_expect_null(d, "case %zu resolved", i);
        sp_source_def_free(d);
        cr_expect(!strncmp(err, cases[i].msg, strlen(cases[i].msg)), "case %zu: %s", i, err);
    }
}

Test(source_options, schemas_of_the_built_in_sources)
{
    static const struct {
        const char *format, *opts, *ddl;
    } cases[] = {
        {"rate", "ROWSPERSECOND=5", "timestamp TIMESTAMP,value BIGINT"},
        {"RATE-MICRO-BATCH", "rowsPerBatch=5", "timestamp TIMESTAMP,value BIGINT"},
        {"socket", "host=localhost&port=9", "value STRING"},
        {"socket", "host=localhost&port=9&includeTimestamp=TRUE",
         "value STRING,timestamp TIMESTAMP"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char err[512];
        sp_source_def *d = tsu_resolve(cases[i].format, NULL, cases[i].opts, NULL, err, sizeof err);
        cr_assert_not_null(d, "case %zu: %s", i, err);
        spate_arena *a = spate_arena_new();
        cr_expect_str_eq(sp_sql_schema_ddl(a, d->schema), cases[i].ddl, "case %zu", i);
        spate_arena_destroy(a);
        sp_source_def_free(d);
    }
}

Test(source_options, num_partitions_default_is_the_master_threads)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[3]", err, sizeof err), SPATE_OK);
    cr_expect_eq(sp_source_default_partitions(conf), 3);
    sp_source_def *d =
        tsu_resolve("rate-micro-batch", NULL, "rowsPerBatch=1", conf, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    sp_source_env env = tsu_env(NULL);
    env.conf = conf;
    sp_source *s = sp_source_open(d, &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    cr_expect(strstr(s->ops->description(s), "numPartitions=3"), "%s", s->ops->description(s));
    s->ops->close(s);
    sp_source_def_free(d);
    spate_conf_destroy(conf);
}

static bool same_emit(sp_colbatch *b, void *ud)
{
    sp_colbatch **first = ud;
    if (!*first) *first = b;
    return *first == b && sp_column_i64(&b->cols[1])[0] % SP_SOURCE_BATCH_ROWS == 0;
}

Test(source_rate_micro_batch, reuse_batches_refills_one_batch)
{
    sp_source *s = open_src("rate-micro-batch", "rowsPerBatch=200000&numPartitions=1", NULL);
    s->reuse_batches = true;
    spate_arena *a = spate_arena_new();
    void **parts;
    int np;
    char err[256];
    char *end = NULL;
    cr_assert_eq(s->ops->latest(s, NULL, &end, err, sizeof err), SPATE_OK);
    cr_assert_eq(s->ops->plan(s, NULL, end, a, &parts, &np, err, sizeof err), SPATE_OK, "%s", err);
    sp_colbatch *first = NULL;
    sp_source_counters c = {0};
    cr_expect_eq(s->ops->read(s, parts[0], a, same_emit, &first, &c, err, sizeof err), SPATE_OK);
    cr_expect_eq(c.rows, 200000);
    free(end);
    spate_arena_destroy(a);
    close_src(s);
}

Test(source_rate_micro_batch, available_now_fixes_one_end_and_bad_ranges_fail)
{
    sp_source *s = open_src("rate-micro-batch", "rowsPerBatch=5&numPartitions=1", NULL);
    char o1[64], o2[64], err[256];
    s->ops->prepare_available_now(s);
    cr_expect_str_eq(tsu_latest(s, NULL, o1, sizeof o1), "{\"offset\":5,\"timestamp\":1000}");
    cr_expect_str_eq(tsu_latest(s, o1, o2, sizeof o2), "{\"offset\":5,\"timestamp\":1000}");
    spate_arena *a = spate_arena_new();
    void **parts;
    int np = -1;
    cr_expect_eq(s->ops->plan(s, o1, o1, a, &parts, &np, err, sizeof err), SPATE_OK);
    cr_expect_eq(np, 0);
    cr_expect_neq(
        s->ops->plan(s, o1, "{\"offset\":2,\"timestamp\":2000}", a, &parts, &np, err, sizeof err),
        SPATE_OK);
    cr_expect_str_eq(err, "startOffset(5) > endOffset(2)");
    spate_arena_destroy(a);
    close_src(s);
}

Test(source_rate, rerun_batch_moves_the_clock_to_its_end)
{
    tsu_now = 0;
    sp_source *s = open_src("rate", "rowsPerSecond=2&numPartitions=1", NULL);
    /* a batch planned before a restart, read while the clock is behind */
    expect_read(s, "2", "3", (const char *const[]){"2000000,4", "2500000,5"}, 2);
    char buf[64];
    cr_expect_str_eq(tsu_latest(s, "3", buf, sizeof buf), "3");
    char err[256];
    tsu_rows rs = {0};
    cr_expect_neq(tsu_run(s, "3", "2", &rs, NULL, NULL, err, sizeof err), SPATE_OK);
    cr_expect_str_eq(err, "startSeconds(3) > endSeconds(2)");
    cr_expect_neq(tsu_run(s, "3", "9223372036854775807", &rs, NULL, NULL, err, sizeof err),
                  SPATE_OK);
    cr_expect_str_eq(err, "Integer overflow. Max offset with 2 rowsPerSecond is "
                          "4611686018427387903, but it's 9223372036854775807 now.");
    close_src(s);
}
