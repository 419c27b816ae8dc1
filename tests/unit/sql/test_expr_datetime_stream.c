/* test_expr_datetime_stream.c - current_timestamp() in a streaming query:
 * every row of a micro-batch sees the batch's timestamp (Spark: the
 * trigger's batchTimestampMs), and a batch re-run after a crash (offsets/N
 * written, commits/N not) sees the timestamp its offsets/N recorded, not
 * the time of the restart. A manual clock sets the times; a CSV file source
 * replays the re-run batch. */
#include <criterion/criterion.h>

#include "base/fsutil.h"
#include "sql/session_int.h"
#include "sql/sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct harness {
    sp_session *s;
    char ckpt[64], data[64];
    int nfiles;
} harness;

static void start(harness *h, int64_t now_ms)
{
    spate_conf *conf = spate_conf_new();
    char why[256];
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", why, sizeof why), SPATE_OK);
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.clock", "manual", why, sizeof why), SPATE_OK,
                 "%s", why);
    h->s = sp_session_new(conf, why, sizeof why);
    cr_assert(h->s, "%s", why);
    spate_conf_destroy(conf);
    spate_clock *c = sp_session_clock(h->s);
    cr_assert_eq(spate_clock_advance(c, now_ms - spate_clock_now(c)), SPATE_OK);
    char sql[768], *err = NULL;
    snprintf(sql, sizeof sql,
             "CREATE TABLE src (value BIGINT) USING csv OPTIONS (path '%s');"
             "CREATE TABLE out USING memory OPTIONS (checkpointLocation '%s');"
             "INSERT INTO out SELECT value, unix_timestamp(current_timestamp) AS s, "
             "date_format(now(), 'yyyy-MM-dd HH:mm:ss.SSS') AS t, "
             "date_format(current_date, 'yyyy-MM-dd') AS d FROM STREAM(src)",
             h->data, h->ckpt);
    cr_assert(sp_session_run(h->s, sql, stdout, &err), "%s", err ? err : "");
    free(err);
}

static void stop(harness *h)
{
    sp_session_free(h->s);
    h->s = NULL;
}

/* A new CSV file of rows in the source directory. */
static void add_file(harness *h, const char *rows)
{
    char path[128];
    snprintf(path, sizeof path, "%s/part-%d.csv", h->data, h->nfiles++);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(rows, f);
    fclose(f);
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

/* The rows of table out as "a,b,c,d", sorted, joined by ';'. */
static char *out_rows(harness *h)
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
            char buf[256] = "";
            for (int c = 0; c < bs[i]->ncols; c++) {
                char v[64];
                spate_value_format(sp_colbatch_get(bs[i], c, r), v, sizeof v);
                strcat(buf, c ? "," : "");
                strcat(buf, v);
            }
            rows[nr++] = strdup(buf);
        }
    qsort(rows, nr, sizeof *rows, cmp_str);
    char *out = calloc(1, 64 * 256);
    for (size_t i = 0; i < nr; i++) {
        strcat(out, i ? ";" : "");
        strcat(out, rows[i]);
        free(rows[i]);
    }
    spate_arena_destroy(a);
    sp_catalog_table_unref(t);
    return out;
}

static void expect_out(harness *h, const char *want)
{
    char *got = out_rows(h);
    cr_expect_str_eq(got, want, "got %s, want %s", got, want);
    free(got);
}

Test(sql_expr_datetime_stream, one_timestamp_per_batch_kept_across_a_restart)
{
    harness h = {0};
    snprintf(h.ckpt, sizeof h.ckpt, "/tmp/spate-dtq-XXXXXX");
    snprintf(h.data, sizeof h.data, "/tmp/spate-dtd-XXXXXX");
    cr_assert(mkdtemp(h.ckpt) && mkdtemp(h.data));
    start(&h, 1460073600123); /* 2016-04-08 00:00:00.123 UTC */
    add_file(&h, "1\n2\n3\n");
    process_all(&h);
    expect_out(&h, "1,1460073600,2016-04-08 00:00:00.123,2016-04-08;"
                   "2,1460073600,2016-04-08 00:00:00.123,2016-04-08;"
                   "3,1460073600,2016-04-08 00:00:00.123,2016-04-08");
    cr_assert_eq(spate_clock_advance(sp_session_clock(h.s), 86400000), SPATE_OK);
    add_file(&h, "4\n5\n");
    process_all(&h);
    /* The query thread may have read the clock for its next trigger before
     * the advance: batch 1 has either day's timestamp, one for both rows. */
    const char *batch0 = "1,1460073600,2016-04-08 00:00:00.123,2016-04-08;"
                         "2,1460073600,2016-04-08 00:00:00.123,2016-04-08;"
                         "3,1460073600,2016-04-08 00:00:00.123,2016-04-08;";
    char *got = out_rows(&h);
    cr_assert(strncmp(got, batch0, strlen(batch0)) == 0, "%s", got);
    char batch1[256];
    snprintf(batch1, sizeof batch1, "%s", got + strlen(batch0));
    free(got);
    char *row5 = strchr(batch1, ';');
    cr_assert(row5 && batch1[0] == '4' && row5[1] == '5', "%s", batch1);
    char row4[128];
    snprintf(row4, sizeof row4, "%.*s", (int)(row5 - batch1), batch1);
    cr_expect_str_eq(row4 + 1, row5 + 2, "rows of one batch differ: %s", batch1);
    cr_expect(strcmp(row4, "4,1460073600,2016-04-08 00:00:00.123,2016-04-08") == 0 ||
                  strcmp(row4, "4,1460160000,2016-04-09 00:00:00.123,2016-04-09") == 0,
              "%s", batch1);
    stop(&h);
    /* A crash after offsets/1: its commit never written. */
    char path[128];
    snprintf(path, sizeof path, "%s/commits/1", h.ckpt);
    cr_assert_eq(unlink(path), 0);
    start(&h, 1460332800000); /* two days later: the re-run keeps its time */
    process_all(&h);
    expect_out(&h, batch1);
    stop(&h);
    sp_remove_tree(h.ckpt);
    sp_remove_tree(h.data);
}
