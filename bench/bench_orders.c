/* bench_orders.c - the dashboard's first query on a file of orders:
 *
 *   textFileStream(dir) -> flatMap(parse order) -> map(o => (o.buy, 1L))
 *                       -> reduceByKey(_ + _)
 *
 * The file (made by `spate gen orders --count 5000000`) is linked into a fresh
 * directory with its mtime set to the first batch time of a manual clock;
 * the clock is advanced and the batch awaited. The figure is lines per second
 * from the advance to the batch's end (reading, parsing into typed tuples,
 * the shuffle), and the peak RSS. bench/run.sh compares it with awk and
 * DuckDB on the same file in the same run.
 *
 * Usage: bench_orders FILE [--master local[N]]
 * Prints a RESULT line for bench/run.sh. Not a test. */
#include <spate/spate.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../examples/orders_parse.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* o => (o.buy, 1L) */
static spate_value buy_and_one(spate_task *t, spate_value o, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), spate_item(o, ORDER_BUY), spate_i64(1));
}

typedef struct result {
    char text[256]; /* the batch's pairs, as Scala prints them */
    int64_t total;  /* the sum of the counts */
} result;

static spate_err collect_counts(spate_rdd *rdd, int64_t time_ms, void *ud)
{
    (void)time_ms;
    result *r = ud;
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    if (err != SPATE_OK) return err;
    size_t len = 0;
    for (size_t i = 0; i < n && len < sizeof r->text; i++) {
        len += spate_value_format(v[i], r->text + len, sizeof r->text - len);
        if (len < sizeof r->text - 1) r->text[len++] = ' ';
        r->total += spate_as_i64(spate_val(v[i]));
    }
    r->text[len < sizeof r->text ? len : sizeof r->text - 1] = '\0';
    return SPATE_OK;
}

/* Puts FILE into a new directory beside it (a hard link, or a copy when
 * linking fails) with mtime = 1 s after the epoch: the manual clock's first
 * batch. Fills dir and path. */
static int stage_file(const char *file, char *dir, size_t dir_size, char *path, size_t path_size)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", file);
    snprintf(dir, dir_size, "%s/bench-orders-XXXXXX", dirname(tmp));
    if (!mkdtemp(dir)) return -1;
    snprintf(path, path_size, "%s/orders.txt", dir);
    if (link(file, path) != 0) {
        char cmd[9000];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", file, path);
        if (system(cmd) != 0) return -1;
    }
    struct timespec times[2] = {{1, 0}, {1, 0}};
    return utimensat(AT_FDCWD, path, times, 0);
}

static spate_ctx *make_ctx(const char *master)
{
    char err[256];
    spate_conf *conf = spate_conf_new();
    if (spate_conf_set(conf, "spate.master", master, err, sizeof err) != SPATE_OK ||
        spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err) != SPATE_OK) {
        fprintf(stderr, "bench_orders: %s\n", err);
        spate_conf_destroy(conf);
        return NULL;
    }
    spate_ctx *ssc = spate_ctx_new(conf, spate_seconds(1), err, sizeof err);
    if (!ssc) fprintf(stderr, "bench_orders: %s\n", err);
    return ssc;
}

/* Runs the one batch. Returns its seconds, or -1. */
static double run_batch(spate_ctx *ssc, const char *dir, result *res)
{
    spate_stream *lines = spate_text_file_stream(ssc, dir);
    spate_stream *orders = spate_stream_flat_map(lines, orders_parse_fn, NULL);
    spate_stream *kinds = spate_stream_map(orders, buy_and_one, NULL);
    spate_stream *counts = spate_stream_reduce_by_key(kinds, spate_fn_sum, NULL, 0);
    if (!counts || spate_stream_foreach_rdd(counts, collect_counts, res) != SPATE_OK ||
        spate_ctx_start(ssc) != SPATE_OK) {
        fprintf(stderr, "bench_orders: %s\n", spate_ctx_last_error(ssc));
        return -1;
    }
    double t0 = now_s();
    spate_clock_advance(spate_ctx_clock(ssc), 1000);
    if (spate_ctx_await_batch(ssc, 1000, 600000) != SPATE_OK) {
        fprintf(stderr, "bench_orders: the batch failed: %s\n", spate_ctx_last_error(ssc));
        return -1;
    }
    return now_s() - t0;
}

static void report(const char *master, double s, const result *res, const spate_ctx_stats *st)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rate = (double)st->records_in / s;
    printf("orders: %lld lines (%lld bad) on %s in %.3f s = %.2f M lines/s, peak RSS %.0f MB\n",
           (long long)st->records_in, (long long)st->bad_records, master, s, rate / 1e6,
           (double)ru.ru_maxrss / 1024.0);
    printf("numPerType: %s\n", res->text);
    printf("RESULT name=spate_orders master=%s seconds=%.6f lines=%lld rate=%.0f rss_kb=%ld\n",
           master, s, (long long)st->records_in, rate, ru.ru_maxrss);
}

int main(int argc, char **argv)
{
    const char *master = "local[*]";
    if (argc == 4 && !strcmp(argv[2], "--master"))
        master = argv[3];
    else if (argc != 2) {
        fprintf(stderr, "usage: bench_orders FILE [--master local[N]]\n");
        return 2;
    }
    char dir[4096], path[4200];
    if (stage_file(argv[1], dir, sizeof dir, path, sizeof path) != 0) {
        fprintf(stderr, "bench_orders: cannot stage %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    spate_ctx *ssc = make_ctx(master);
    result res = {{0}, 0};
    double s = ssc ? run_batch(ssc, dir, &res) : -1;
    int rc = 1;
    if (s > 0) {
        spate_ctx_stats st;
        spate_ctx_get_stats(ssc, &st);
        report(master, s, &res, &st);
        rc = res.total + st.bad_records == st.records_in ? 0 : 1;
        if (rc) fprintf(stderr, "bench_orders: counts do not add up to the lines read\n");
    }
    spate_ctx_destroy(ssc);
    unlink(path);
    rmdir(dir);
    return rc;
}
