/* bench_pipeline.c - throughput of a stateless DStream pipeline.
 *
 *   queueStream(20M Long values) -> map(x * 3) -> filter(even) -> count
 *
 * on local[1] and local[2], each batch driven by a manual clock; the figure is
 * elements per second per executor thread (target: >= 20 M). Peers measured
 * in the same run: a plain C loop doing the same work over the same values
 * (the upper bound: no engine at all), and awk doing it in a BEGIN loop.
 *
 * Usage: bench_pipeline [--n N] [--batches B] [--no-awk]
 * Prints one RESULT line per measurement for bench/run.sh. Not a test. */
#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static spate_value times3(spate_task *t, spate_value v, void *ud)
{
    (void)t;
    (void)ud;
    return spate_i64(v.u.i * 3);
}

static bool is_even(spate_task *t, spate_value v, void *ud)
{
    (void)t;
    (void)ud;
    return (v.u.i & 1) == 0;
}

typedef struct measure {
    double best_s; /* the fastest batch */
    int64_t count;
    int batches;
} measure;

/* foreachRDD: counts the batch, timing only the job (not the scheduling). */
static spate_err count_batch(spate_rdd *rdd, int64_t time_ms, void *ud)
{
    (void)time_ms;
    measure *m = ud;
    double t0 = now_s();
    spate_err err = spate_rdd_count(rdd, &m->count);
    double s = now_s() - t0;
    if (err == SPATE_OK && (m->batches == 0 || s < m->best_s)) m->best_s = s;
    m->batches++;
    return err;
}

static spate_ctx *make_ctx(const char *master)
{
    char err[256];
    spate_conf *conf = spate_conf_new();
    if (spate_conf_set(conf, "spate.master", master, err, sizeof err) != SPATE_OK ||
        spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err) != SPATE_OK) {
        fprintf(stderr, "bench_pipeline: %s\n", err);
        spate_conf_destroy(conf);
        return NULL;
    }
    spate_ctx *ssc = spate_ctx_new(conf, spate_seconds(1), err, sizeof err);
    if (!ssc) fprintf(stderr, "bench_pipeline: %s\n", err);
    return ssc;
}

/* Runs `batches` batches of the pipeline over values on master. */
static int run_spate(const char *master, const spate_value *values, size_t n, int batches,
                     measure *m)
{
    spate_ctx *ssc = make_ctx(master);
    if (!ssc) return -1;
    spate_rdd *data = spate_ctx_parallelize(ssc, values, n, 0);
    spate_stream *in = spate_queue_stream(ssc, true, data);
    spate_stream *out = spate_stream_filter(spate_stream_map(in, times3, NULL), is_even, NULL);
    int rc = -1;
    if (!out || spate_stream_foreach_rdd(out, count_batch, m) != SPATE_OK ||
        spate_ctx_start(ssc) != SPATE_OK) {
        fprintf(stderr, "bench_pipeline: %s\n", spate_ctx_last_error(ssc));
        goto done;
    }
    for (int b = 1; b <= batches; b++) {
        spate_clock_advance(spate_ctx_clock(ssc), 1000);
        if (spate_ctx_await_batch(ssc, (int64_t)b * 1000, 600000) != SPATE_OK) {
            fprintf(stderr, "bench_pipeline: batch %d: %s\n", b, spate_ctx_last_error(ssc));
            goto done;
        }
    }
    rc = m->batches == batches ? 0 : -1;
done:
    spate_ctx_destroy(ssc);
    return rc;
}

/* The same work as a plain loop over the same values: the no-engine bound. */
__attribute__((noinline)) static int64_t c_loop(const spate_value *volatile v, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].type != SPATE_I64) continue;
        int64_t x = v[i].u.i * 3;
        c += (x & 1) == 0;
    }
    return c;
}

static double time_c_loop(const spate_value *v, size_t n, int64_t *count)
{
    double best = 0;
    for (int r = 0; r < 3; r++) {
        double t0 = now_s();
        *count = c_loop(v, n);
        double s = now_s() - t0;
        if (r == 0 || s < best) best = s;
    }
    return best;
}

static double time_awk(size_t n)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "awk 'BEGIN { c = 0; for (i = 0; i < %zu; i++) { x = i * 3; if (x %% 2 == 0) c++ }"
             " print c }' >/dev/null",
             n);
    double t0 = now_s();
    int rc = system(cmd);
    return rc == 0 ? now_s() - t0 : -1;
}

static void report(const char *what, int threads, size_t n, double s)
{
    double rate = (double)n / s;
    printf("%-28s %8.3f s  %8.1f M elements/s  %8.1f M/s per thread\n", what, s, rate / 1e6,
           rate / 1e6 / threads);
    printf("RESULT name=%s threads=%d seconds=%.6f per_thread=%.0f\n", what, threads, s,
           rate / threads);
}

int main(int argc, char **argv)
{
    size_t n = 20000000;
    int batches = 5;
    bool awk = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--n") && i + 1 < argc)
            n = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--batches") && i + 1 < argc)
            batches = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-awk"))
            awk = false;
        else {
            fprintf(stderr, "usage: bench_pipeline [--n N] [--batches B] [--no-awk]\n");
            return 2;
        }
    }
    if (n == 0 || batches < 1) return 2;
    spate_value *values = malloc(n * sizeof *values);
    if (!values) return 1;
    for (size_t i = 0; i < n; i++)
        values[i] = spate_i64((int64_t)i);
    printf("pipeline: %zu Long values, map(x * 3) -> filter(even) -> count, best of %d batches\n",
           n, batches);
    double spate1 = 0;
    for (int threads = 1; threads <= 2; threads++) {
        char master[32], name[48];
        snprintf(master, sizeof master, "local[%d]", threads);
        snprintf(name, sizeof name, "spate_%s", master);
        measure m = {0, 0, 0};
        if (run_spate(master, values, n, batches, &m) != 0) return 1;
        if (m.count != (int64_t)(n + 1) / 2) {
            fprintf(stderr, "bench_pipeline: wrong count %lld\n", (long long)m.count);
            return 1;
        }
        report(name, threads, n, m.best_s);
        if (threads == 1) spate1 = m.best_s;
    }
    int64_t c = 0;
    double cs = time_c_loop(values, n, &c);
    if (c != (int64_t)(n + 1) / 2) fprintf(stderr, "bench_pipeline: wrong loop count\n");
    report("c_loop", 1, n, cs);
    printf("spate local[1] vs plain C loop: %.2fx the loop's time\n", spate1 / cs);
    if (awk) {
        double as = time_awk(n);
        if (as > 0) {
            report("awk", 1, n, as);
            printf("spate local[1] vs awk: %.1fx faster\n", as / spate1);
        }
    }
    free(values);
    return 0;
}
