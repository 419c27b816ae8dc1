/* bench_sql_latency.c - the latency of a one-row micro-batch from the memory
 * source to the memory sink, with a checkpoint, against the durable writes
 * such a batch cannot avoid, measured in the same run.
 *
 *   bench_sql_latency [BATCHES] [DIR]      (default 300, a temporary dir)
 *
 * spate: a session runs SELECT value * 2 AS v FROM STREAM(events) into a
 * memory sink with checkpointLocation in DIR; each iteration adds one row to
 * the memory stream and times until processAllAvailable returns (the row is
 * in the sink and commits/N is written).
 * floor: the two checkpoint files a batch writes, as logs/ckpt_io writes
 * them, timed per pair: offsets/N durably (written, fsynced, renamed, the
 * directory fsynced), commits/N atomically without fsync (a lost commit
 * only runs the batch again).
 *
 * Prints the median and p99 of each and the ratio of spate's p99 to the
 * floor's; target: p99 under 10 ms (Spark's micro-batch floor is about
 * 100 ms). */
#include <spate/spate.h>

#include "base/fsutil.h"
#include "logs/ckpt_io.h"
#include "sql/session_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *name, double *v, int n, double *p99)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double med = v[n / 2];
    *p99 = v[(int)((double)n * 0.99) < n ? (int)((double)n * 0.99) : n - 1];
    printf("%-6s median %.2f ms  p99 %.2f ms  max %.2f ms\n", name, med, *p99, v[n - 1]);
    printf("RESULT name=%s median_ms=%.3f p99_ms=%.3f\n", name, med, *p99);
}

static void add_row(sp_memory_stream *m, int64_t v)
{
    spate_arena *a = spate_arena_new();
    sp_coltype t = SP_COL_I64;
    const char *name = "value";
    sp_colbatch *b = sp_colbatch_new(a, 1, &t, &name, 1);
    sp_column_i64(&b->cols[0])[0] = v;
    sp_colbatch_set_length(b, 1);
    sp_memory_stream_add(m, b);
    spate_arena_destroy(a);
}

static int run_spate(const char *dir, int n, double *lat)
{
    char why[512], sql[1024], *err = NULL;
    sp_session *s = sp_session_new(NULL, why, sizeof why);
    if (!s) return fprintf(stderr, "%s\n", why), 1;
    spate_arena *a = spate_arena_new();
    sp_sql_type_error te;
    sp_memory_stream *m = sp_memory_stream_new(sp_sql_schema_parse(a, "value BIGINT", &te));
    sp_catalog_table t = {.kind = SP_TABLE_MEMORY,
                          .name = "events",
                          .schema = sp_sql_schema_parse(a, "value BIGINT", &te),
                          .memory = m,
                          .memory_is_stream = true};
    sp_catalog_put(s->catalog, &t, true);
    snprintf(sql, sizeof sql,
             "CREATE TABLE out USING memory OPTIONS (checkpointLocation '%s/query');"
             "INSERT INTO out SELECT value * 2 AS v FROM STREAM(events)",
             dir);
    if (!sp_session_run(s, sql, stdout, &err)) return fprintf(stderr, "%s\n", err), 1;
    sp_query *q = sp_session_query(s, 0);
    for (int i = -10; i < n; i++) { /* 10 warm-up batches */
        double t0 = now_ms();
        add_row(m, i);
        if (sp_query_process_all_available(q, why, sizeof why) != SPATE_OK)
            return fprintf(stderr, "%s\n", why), 1;
        if (i >= 0) lat[i] = now_ms() - t0;
    }
    sp_session_free(s);
    sp_memory_stream_free(m);
    spate_arena_destroy(a);
    return 0;
}

static int run_floor(const char *dir, int n, double *lat)
{
    char path[4200], why[512];
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_put_str(&w, "v1");
    sp_ckpt_put_str(&w, "{\"batchWatermarkMs\":0,\"batchTimestampMs\":0}");
    snprintf(path, sizeof path, "%s/floor", dir);
    sp_mkdirs(path);
    for (int i = 0; i < n; i++) {
        double t0 = now_ms();
        for (int k = 0; k < 2; k++) {
            snprintf(path, sizeof path, "%s/floor/%c%d", dir, k ? 'c' : 'o', i);
            spate_err e = k ? sp_ckpt_write_file_nosync(path, "bench", 1, &w, why, sizeof why)
                            : sp_ckpt_write_file(path, "bench", 1, &w, why, sizeof why);
            if (e != SPATE_OK) return fprintf(stderr, "%s\n", why), 1;
        }
        lat[i] = now_ms() - t0;
    }
    sp_ckpt_out_free(&w);
    return 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 300;
    char tmp[] = "/tmp/spate-latency-XXXXXX";
    const char *dir = argc > 2 ? argv[2] : mkdtemp(tmp);
    if (n < 10 || !dir) return fprintf(stderr, "usage: bench_sql_latency [BATCHES>=10] [DIR]\n"), 2;
    double *a = calloc((size_t)n, sizeof *a), *b = calloc((size_t)n, sizeof *b), pa, pb;
    printf("== memory -> memory, one-row batches with a checkpoint, %d batches\n", n);
    int rc = run_spate(dir, n, a) || run_floor(dir, n, b);
    if (!rc) {
        report("spate", a, n, &pa);
        report("floor", b, n, &pb);
        printf("p99 spate / floor (offsets/N durable, commits/N atomic): %.2f; target p99 < 10 ms: "
               "%s\n",
               pa / pb, pa < 10.0 ? "meets" : "BELOW");
    }
    if (argc <= 2) sp_remove_tree(dir);
    free(a);
    free(b);
    return rc;
}
