/* test_query.c - streaming queries end to end in a session, in the style of
 * Spark's StreamTest: add data to a memory stream, process all available,
 * check the memory sink's table, stop and restart from the checkpoint,
 * check again (cases from StreamingAggregationSuite and
 * UnsupportedOperationsSuite). */
#include <criterion/criterion.h>

#include "base/fsutil.h"
#include "sql/session_int.h"
#include "sql/sink.h"
#include "sql/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct harness {
    sp_session *s;
    sp_memory_stream *m;
    char ckpt[64];
    spate_arena *a;
} harness;

static void harness_start(harness *h, const char *schema)
{
    spate_conf *conf = spate_conf_new();
    char why[256];
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", why, sizeof why), SPATE_OK);
    cr_assert_eq(spate_conf_set(conf, "spate.sql.shuffle.partitions", "3", why, sizeof why),
                 SPATE_OK);
    h->s = sp_session_new(conf, why, sizeof why);
    cr_assert(h->s, "%s", why);
    spate_conf_destroy(conf);
    h->a = spate_arena_new();
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_schema_parse(h->a, schema, &te);
    cr_assert(t);
    if (!h->m) h->m = sp_memory_stream_new(t);
    sp_catalog_table tab = {.kind = SP_TABLE_MEMORY,
                            .name = "events",
                            .schema = t,
                            .memory = h->m,
                            .memory_is_stream = true};
    cr_assert_eq(sp_catalog_put(h->s->catalog, &tab, true), SPATE_OK);
}

static void harness_stop(harness *h)
{
    sp_session_free(h->s);
    spate_arena_destroy(h->a);
    h->s = NULL;
}

static void run_ok(harness *h, const char *sql)
{
    char *err = NULL;
    bool ok = sp_session_run(h->s, sql, stdout, &err);
    cr_assert(ok, "%s: %s", sql, err ? err : "");
    free(err);
}

static char *run_err(harness *h, const char *sql)
{
    char *err = NULL;
    cr_assert_not(sp_session_run(h->s, sql, stdout, &err), "%s succeeded", sql);
    return err;
}

/* Adds one batch of BIGINT values to the stream. */
static void add_longs(harness *h, int n, const int64_t *v)
{
    spate_arena *a = spate_arena_new();
    sp_coltype t = SP_COL_I64;
    const char *name = "value";
    sp_colbatch *b = sp_colbatch_new(a, 1, &t, &name, n);
    for (int i = 0; i < n; i++)
        sp_column_i64(&b->cols[0])[i] = v[i];
    sp_colbatch_set_length(b, n);
    sp_memory_stream_add(h->m, b);
    spate_arena_destroy(a);
}

static void process_all(harness *h)
{
    char err[1024] = "";
    for (int i = 0; i < sp_session_nqueries(h->s); i++) {
        sp_query *q = sp_session_query(h->s, i);
        if (sp_query_is_active(q))
            cr_assert_eq(sp_query_process_all_available(q, err, sizeof err), SPATE_OK, "%s", err);
    }
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The rows of memory table `name` as "a,b" strings, sorted, joined by ';'. */
static char *table_rows(harness *h, const char *name)
{
    sp_catalog_table *t = sp_catalog_get(h->s->catalog, name);
    cr_assert(t, "no table %s", name);
    spate_arena *a = spate_arena_new();
    size_t nb = 0;
    sp_colbatch **bs = sp_memory_table_snapshot(t->memory, a, &nb);
    char *rows[256];
    size_t nr = 0;
    for (size_t i = 0; i < nb; i++)
        for (int64_t r = 0; r < bs[i]->length && nr < 256; r++) {
            char buf[256] = "";
            for (int c = 0; c < bs[i]->ncols; c++) {
                char v[64];
                spate_value x = sp_colbatch_get(bs[i], c, r);
                spate_value_format(x, v, sizeof v);
                if (!sp_column_valid(&bs[i]->cols[c], r)) snprintf(v, sizeof v, "null");
                strcat(buf, c ? "," : "");
                strcat(buf, v);
            }
            rows[nr++] = strdup(buf);
        }
    qsort(rows, nr, sizeof *rows, cmp_str);
    char *out = calloc(1, 256 * 64);
    for (size_t i = 0; i < nr; i++) {
        strcat(out, i ? ";" : "");
        strcat(out, rows[i]);
        free(rows[i]);
    }
    spate_arena_destroy(a);
    sp_catalog_table_unref(t);
    return out;
}

static void check_rows(harness *h, const char *name, const char *expected)
{
    char *got = table_rows(h, name);
    cr_expect_str_eq(got, expected);
    free(got);
}

static void make_ckpt(harness *h)
{
    snprintf(h->ckpt, sizeof h->ckpt, "/tmp/spate-query-XXXXXX");
    cr_assert(mkdtemp(h->ckpt));
}

/* StreamingAggregationSuite "simple count, complete mode". */
Test(sql_query, count_complete_mode)
{
    harness h = {0};
    harness_start(&h, "value BIGINT");
    run_ok(&h, "CREATE TABLE out USING memory OPTIONS (outputMode 'complete');"
               "INSERT INTO out SELECT value, count(*) AS c FROM STREAM(events) GROUP BY value");
    add_longs(&h, 1, (int64_t[]){3});
    process_all(&h);
    check_rows(&h, "out", "3,1");
    add_longs(&h, 1, (int64_t[]){2});
    process_all(&h);
    check_rows(&h, "out", "2,1;3,1");
    add_longs(&h, 3, (int64_t[]){3, 2, 1});
    process_all(&h);
    check_rows(&h, "out", "1,1;2,2;3,2");
    harness_stop(&h);
    sp_memory_stream_free(h.m);
}

/* "simple count, update mode": each batch adds only the keys it changed. */
Test(sql_query, count_update_mode)
{
    harness h = {0};
    harness_start(&h, "value BIGINT");
    run_ok(&h, "CREATE TABLE out USING memory OPTIONS (outputMode 'update');"
               "INSERT INTO out SELECT value, count(*) AS c FROM STREAM(events) GROUP BY value");
    add_longs(&h, 1, (int64_t[]){3});
    process_all(&h);
    check_rows(&h, "out", "3,1");
    add_longs(&h, 2, (int64_t[]){3, 2});
    process_all(&h);
    check_rows(&h, "out", "2,1;3,1;3,2");
    add_longs(&h, 3, (int64_t[]){3, 3, 2});
    process_all(&h);
    check_rows(&h, "out", "2,1;2,2;3,1;3,2;3,4");
    harness_stop(&h);
    sp_memory_stream_free(h.m);
}

/* A stateless query appends its rows; filter and projection run per batch. */
Test(sql_query, stateless_append)
{
    harness h = {0};
    harness_start(&h, "value BIGINT");
    run_ok(&h, "CREATE TABLE out USING memory;"
               "INSERT INTO out SELECT value * 10 AS v FROM STREAM(events) WHERE value % 2 = 1");
    add_longs(&h, 4, (int64_t[]){1, 2, 3, 4});
    process_all(&h);
    check_rows(&h, "out", "10;30");
    add_longs(&h, 2, (int64_t[]){5, 6});
    process_all(&h);
    check_rows(&h, "out", "10;30;50");
    harness_stop(&h);
    sp_memory_stream_free(h.m);
}

/* Stop and restart from the checkpoint: the state carries over, committed
 * batches are not run again. */
Test(sql_query, restart_from_checkpoint)
{
    harness h = {0};
    make_ckpt(&h);
    char sql[512];
    snprintf(sql, sizeof sql,
             "CREATE TABLE out USING memory OPTIONS (outputMode 'complete', "
             "checkpointLocation '%s');"
             "INSERT INTO out SELECT value, count(*) AS c FROM STREAM(events) GROUP BY value",
             h.ckpt);
    harness_start(&h, "value BIGINT");
    run_ok(&h, sql);
    add_longs(&h, 2, (int64_t[]){1, 2});
    process_all(&h);
    check_rows(&h, "out", "1,1;2,1");
    harness_stop(&h);
    harness_start(&h, "value BIGINT");
    run_ok(&h, sql);
    add_longs(&h, 2, (int64_t[]){2, 5});
    process_all(&h);
    check_rows(&h, "out", "1,1;2,2;5,1");
    harness_stop(&h);
    char path[128];
    snprintf(path, sizeof path, "%s/commits/1", h.ckpt);
    FILE *f = fopen(path, "r");
    cr_expect(f, "commits/1 missing");
    if (f) fclose(f);
    sp_remove_tree(h.ckpt);
    sp_memory_stream_free(h.m);
}

/* UnsupportedOperationsSuite: the output modes a plan refuses. */
Test(sql_query, output_mode_refusals)
{
    harness h = {0};
    harness_start(&h, "value BIGINT");
    char *e = run_err(&h, "CREATE TABLE c USING memory OPTIONS (outputMode 'complete');"
                          "INSERT INTO c SELECT value FROM STREAM(events)");
    cr_expect(strstr(e, "Complete output mode not supported when there are no streaming "
                        "aggregations on streaming DataFrames/Datasets"),
              "%s", e);
    free(e);
    e = run_err(&h, "CREATE TABLE a USING memory OPTIONS (outputMode 'append');"
                    "INSERT INTO a SELECT value, count(*) FROM STREAM(events) GROUP BY value");
    cr_expect(strstr(e, "Append output mode not supported when there are streaming aggregations "
                        "on streaming DataFrames/DataSets without watermark"),
              "%s", e);
    free(e);
    e = run_err(&h, "CREATE TABLE s USING memory OPTIONS (outputMode 'append');"
                    "INSERT INTO s SELECT value FROM STREAM(events) ORDER BY value");
    cr_expect(strstr(e, "Sorting is not supported on streaming DataFrames/Datasets"), "%s", e);
    free(e);
    harness_stop(&h);
    sp_memory_stream_free(h.m);
}

/* Sorting and a limit are allowed over a complete-mode aggregation. */
Test(sql_query, top_n_complete_mode)
{
    harness h = {0};
    harness_start(&h, "value BIGINT");
    run_ok(&h, "CREATE TABLE top USING memory OPTIONS (outputMode 'complete');"
               "INSERT INTO top SELECT value, count(*) AS c FROM STREAM(events) GROUP BY value "
               "ORDER BY c DESC, value LIMIT 2");
    add_longs(&h, 6, (int64_t[]){1, 2, 2, 3, 3, 3});
    process_all(&h);
    check_rows(&h, "top", "2,2;3,3");
    harness_stop(&h);
    sp_memory_stream_free(h.m);
}

/* The progress report of the last batch: Spark's field names and figures. */
Test(sql_query, progress_report)
{
    harness h = {0};
    harness_start(&h, "value BIGINT");
    run_ok(&h, "CREATE TABLE out USING memory OPTIONS (outputMode 'complete', queryName 'cnt');"
               "INSERT INTO out SELECT value, count(*) AS c FROM STREAM(events) GROUP BY value");
    add_longs(&h, 3, (int64_t[]){7, 7, 8});
    process_all(&h);
    char *p = sp_query_last_progress(sp_session_query(h.s, 0), false);
    cr_assert(p);
    cr_expect(strstr(p, "\"name\":\"cnt\""), "%s", p);
    cr_expect(strstr(p, "\"batchId\":0"), "%s", p);
    cr_expect(strstr(p, "\"numInputRows\":3"), "%s", p);
    cr_expect(strstr(p, "\"operatorName\":\"stateStoreSave\""), "%s", p);
    cr_expect(strstr(p, "\"numRowsTotal\":2"), "%s", p);
    cr_expect(strstr(p, "\"numOutputRows\":2"), "%s", p);
    free(p);
    check_rows(&h, "cnt", "7,2;8,1");
    harness_stop(&h);
    sp_memory_stream_free(h.m);
}
