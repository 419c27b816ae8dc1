/* test_expr_nested_agg.c - collect_list and collect_set emitting ARRAY
 * columns through a streaming aggregation in complete mode on the memory
 * source, StreamTest style (StreamingAggregationSuite's shape with
 * DataFrameAggregateSuite's facts: nulls skipped, collect_set without
 * duplicates, the list growing batch after batch as the state merges). */
#include <criterion/criterion.h>

#include "sql/session_int.h"
#include "sql/type_column.h"
#include "sql/show_cast.h"
#include "sql/sink.h"
#include "sql/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct harness {
    sp_session *s;
    sp_memory_stream *m;
    spate_arena *a;
} harness;

static void harness_start(harness *h)
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
    const sp_sql_type *t = sp_sql_schema_parse(h->a, "k INT, v STRING", &te);
    cr_assert(t);
    h->m = sp_memory_stream_new(t);
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
    sp_memory_stream_free(h->m);
}

static void run_ok(harness *h, const char *sql)
{
    char *err = NULL;
    bool ok = sp_session_run(h->s, sql, stdout, &err);
    cr_assert(ok, "%s: %s", sql, err ? err : "");
    free(err);
}

/* Adds one batch of (k, v) rows; v NULL: a null. */
static void add_rows(harness *h, int n, const int *k, const char *const *v)
{
    spate_arena *a = spate_arena_new();
    sp_coltype t[] = {SP_COL_I32, SP_COL_UTF8};
    const char *names[] = {"k", "v"};
    sp_colbatch *b = sp_colbatch_new(a, 2, t, names, n);
    for (int i = 0; i < n; i++) {
        sp_column_i32(&b->cols[0])[i] = k[i];
        sp_column_append_str(b, 1, v[i] ? v[i] : "", v[i] ? strlen(v[i]) : 0);
        if (!v[i]) sp_column_set_null(b, 1, i);
    }
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

/* The rows of memory table out as show() prints cells, "a|b" per row,
 * sorted, joined by ';'. */
static void check_rows(harness *h, const char *expected)
{
    sp_catalog_table *t = sp_catalog_get(h->s->catalog, "out");
    cr_assert(t);
    spate_arena *a = spate_arena_new();
    size_t nb = 0;
    sp_colbatch **bs = sp_memory_table_snapshot(t->memory, a, &nb);
    char *rows[64];
    size_t nr = 0;
    for (size_t i = 0; i < nb; i++)
        for (int64_t r = 0; r < bs[i]->length && nr < 64; r++) {
            sp_sql_sbuf sb = {0};
            for (int c = 0; c < bs[i]->ncols; c++) {
                if (c) sp_sql_sbuf_put(&sb, "|", 1);
                sp_sql_show_cell(&sb, &bs[i]->cols[c], r, NULL);
            }
            rows[nr++] = strdup(sp_sql_sbuf_str(&sb));
            sp_sql_sbuf_free(&sb);
        }
    qsort(rows, nr, sizeof *rows, cmp_str);
    char got[2048] = "";
    for (size_t i = 0; i < nr; i++) {
        strcat(got, i ? ";" : "");
        strcat(got, rows[i]);
        free(rows[i]);
    }
    cr_expect_str_eq(got, expected);
    spate_arena_destroy(a);
    sp_catalog_table_unref(t);
}

Test(sql_expr_nested_agg, collect_list_and_set_complete_mode)
{
    harness h = {0};
    harness_start(&h);
    run_ok(&h, "CREATE TABLE out USING memory OPTIONS (outputMode 'complete');"
               "INSERT INTO out SELECT k, collect_list(v) AS l, collect_set(v) AS s, "
               "size(collect_list(v)) AS n FROM STREAM(events) GROUP BY k");
    add_rows(&h, 1, (int[]){1}, (const char *[]){"a"});
    process_all(&h);
    check_rows(&h, "1|[a]|[a]|1");
    add_rows(&h, 2, (int[]){2, 2}, (const char *[]){NULL, "c"});
    process_all(&h);
    check_rows(&h, "1|[a]|[a]|1;2|[c]|[c]|1");
    add_rows(&h, 1, (int[]){1}, (const char *[]){"a"});
    process_all(&h);
    check_rows(&h, "1|[a, a]|[a]|2;2|[c]|[c]|1");
    add_rows(&h, 1, (int[]){1}, (const char *[]){"b"});
    process_all(&h);
    check_rows(&h, "1|[a, a, b]|[a, b]|3;2|[c]|[c]|1");
    add_rows(&h, 1, (int[]){3}, (const char *[]){NULL});
    process_all(&h);
    check_rows(&h, "1|[a, a, b]|[a, b]|3;2|[c]|[c]|1;3|[]|[]|0");
    harness_stop(&h);
}

/* The word count of the programming guide: split, explode (a Generate step
 * in the pre-aggregate pipeline), then a streaming count in complete mode. */
Test(sql_expr_nested_agg, explode_split_word_count)
{
    harness h = {0};
    harness_start(&h);
    run_ok(&h, "CREATE TABLE out USING memory OPTIONS (outputMode 'complete');"
               "INSERT INTO out SELECT word, count(*) AS n FROM "
               "(SELECT explode(split(v, ' ')) AS word FROM STREAM(events)) GROUP BY word");
    add_rows(&h, 2, (int[]){1, 2}, (const char *[]){"a b", NULL});
    process_all(&h);
    check_rows(&h, "a|1;b|1");
    add_rows(&h, 2, (int[]){1, 2}, (const char *[]){"b c b", "a"});
    process_all(&h);
    check_rows(&h, "a|2;b|3;c|1");
    harness_stop(&h);
}

/* posexplode in append mode keeps the input's columns beside pos and col. */
Test(sql_expr_nested_agg, posexplode_append_mode)
{
    harness h = {0};
    harness_start(&h);
    run_ok(&h, "CREATE TABLE out USING memory;"
               "INSERT INTO out SELECT k, posexplode(split(v, ',')) FROM STREAM(events)");
    add_rows(&h, 3, (int[]){1, 2, 3}, (const char *[]){"x,y", NULL, ""});
    process_all(&h);
    check_rows(&h, "1|0|x;1|1|y;3|0|");
    harness_stop(&h);
}

/* A memory stream of an ARRAY column keeps its arrays (MemoryStream of
 * Seq[Int] rows), read by a streaming explode. */
Test(sql_expr_nested_agg, memory_stream_of_arrays)
{
    harness h = {0};
    harness_start(&h);
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_schema_parse(h.a, "xs ARRAY<INT>", &te);
    cr_assert(t);
    sp_memory_stream *m = sp_memory_stream_new(t);
    sp_catalog_table tab = {.kind = SP_TABLE_MEMORY,
                            .name = "arrs",
                            .schema = t,
                            .memory = m,
                            .memory_is_stream = true};
    cr_assert_eq(sp_catalog_put(h.s->catalog, &tab, true), SPATE_OK);
    run_ok(&h, "CREATE TABLE out USING memory;"
               "INSERT INTO out SELECT explode(xs) AS x FROM STREAM(arrs)");
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = sp_sql_batch_new(a, t, 2);
    sp_column *l = &b->cols[0];
    for (int r = 0; r < 2; r++) {
        int64_t f = sp_col_list_begin(b, l, r + 1);
        for (int i = 0; i <= r; i++)
            sp_column_i32(&l->children[0])[f + i] = 10 * r + i;
        sp_col_list_end(l, r + 1);
    }
    sp_colbatch_set_length(b, 2);
    sp_memory_stream_add(m, b);
    spate_arena_destroy(a);
    process_all(&h);
    check_rows(&h, "0;10;11");
    harness_stop(&h);
    sp_memory_stream_free(m);
}
