/* bench_window.c - reduceByKeyAndWindow over a 1 hour window sliding every
 * 5 s (720 batches in the window), with and without an inverse function.
 *
 *   pairs = 50 000 (key, 1L) records per batch over 10 000 keys
 *   inverse: pairs.reduceByKeyAndWindow(_ + _, _ - _, 1 h, 5 s, 2 partitions)
 *   plain:   pairs.reduceByKey(_ + _).window(1 h, 5 s).reduceByKey(_ + _)
 *            (what reduceByKeyAndWindow without an inverse is, in Spark and in spate)
 *
 * Both run in one StreamingContext on the same input, batches driven by a
 * manual clock. The figure is each output's job time per batch in the steady
 * state (window full), median of the measured batches; the target is the
 * inverse form at least 50x cheaper. While the window fills, the plain form's
 * output only prepares the window (ingesting each batch once), so filling
 * takes minutes instead of hours; it reduces the whole window from the first
 * measured batch on.
 *
 * The inverse form needs a checkpoint directory (a temporary one); the data
 * checkpoint interval of both windows is set to a day so the checkpoint
 * writer stays out of the measurement (the metadata checkpoint is still
 * written every batch, outside the timed jobs).
 *
 * Usage: bench_window [--keys N] [--records N] [--window-batches N]
 *                     [--measure N] [--master local[N]] [--int-keys]
 * Prints RESULT lines for bench/run.sh. Not a test. */
#include <spate/spate.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { SLIDE_MS = 5000, MAX_MEASURE = 1000 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct gen {
    int keys, records;
    bool int_keys;
    char (*names)[16]; /* "key00042" for string keys */
} gen;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* flatMap of one seed: half of the batch's records, keys drawn uniformly. */
static void emit_records(spate_task *t, spate_value seed, spate_sink *out, void *ud)
{
    const gen *g = ud;
    uint64_t x = (uint64_t)seed.u.i;
    spate_arena *a = spate_task_arena(t);
    for (int i = 0; i < g->records / 2; i++) {
        int k = (int)(splitmix(&x) % (uint64_t)g->keys);
        spate_value key = g->int_keys ? spate_i64(k) : spate_str(g->names[k], 8);
        spate_sink_push(out, spate_tuple2(a, key, spate_i64(1)));
    }
}

/* transform: the batch's records, different every batch (seeded by its time). */
static spate_rdd *make_batch(spate_rdd *rdd, int64_t time_ms, void *ud)
{
    spate_value seeds[2] = {spate_i64(time_ms * 2), spate_i64(time_ms * 2 + 1)};
    return spate_rdd_flat_map(spate_rdd_parallelize_like(rdd, seeds, 2, 2), emit_records, ud);
}

typedef struct arm {
    const char *name;
    bool *measuring;
    int n;
    double seconds[MAX_MEASURE];
    int64_t elements, total; /* of the last measured batch */
    bool check;              /* sum the values once (outside the timing) */
    bool idle_while_filling; /* the plain form: see fill_window */
} arm;

static spate_value value_of(spate_task *t, spate_value kv, void *ud)
{
    (void)t, (void)ud;
    return spate_val(kv);
}

/* foreachRDD of an arm's output: times the job that computes the window. */
static spate_err time_batch(spate_rdd *rdd, int64_t time_ms, void *ud)
{
    (void)time_ms;
    arm *a = ud;
    if (!*a->measuring && a->idle_while_filling) return SPATE_OK;
    double t0 = now_s();
    spate_err err = spate_rdd_count(rdd, &a->elements);
    double s = now_s() - t0;
    if (err || !*a->measuring) return err;
    if (a->n < MAX_MEASURE) a->seconds[a->n++] = s;
    if (a->check) {
        spate_value sum;
        err = spate_rdd_reduce(spate_rdd_map(rdd, value_of, NULL), spate_fn_sum, NULL, &sum);
        a->total = sum.u.i;
        a->check = false;
    }
    return err;
}

/* While the window fills: prepare the plain form's window (each batch is
 * ingested once, as it would be by the full job) without reducing it. */
static spate_err fill_window(spate_rdd *rdd, int64_t time_ms, void *ud)
{
    (void)time_ms;
    bool empty;
    return *(bool *)ud ? SPATE_OK : spate_rdd_is_empty(rdd, &empty);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

typedef struct opts {
    int keys, records, window_batches, measure;
    const char *master;
    bool int_keys;
} opts;

static int parse_args(int argc, char **argv, opts *o)
{
    *o = (opts){10000, 50000, 720, 10, "local[2]", false};
    for (int i = 1; i < argc; i++) {
        bool more = i + 1 < argc;
        if (!strcmp(argv[i], "--keys") && more)
            o->keys = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--records") && more)
            o->records = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--window-batches") && more)
            o->window_batches = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--measure") && more)
            o->measure = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--master") && more)
            o->master = argv[++i];
        else if (!strcmp(argv[i], "--int-keys"))
            o->int_keys = true;
        else
            return -1;
    }
    if (o->keys < 1 || o->keys > 99999 || o->records < 2 || o->window_batches < 1 ||
        o->measure < 1 || o->measure > MAX_MEASURE)
        return -1;
    return 0;
}

static spate_ctx *make_ctx(const char *master, const char *dir)
{
    char err[256];
    spate_conf *conf = spate_conf_new();
    if (spate_conf_set(conf, "spate.master", master, err, sizeof err) ||
        spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err) ||
        spate_conf_set(conf, "spate.log.level", "ERROR", err, sizeof err)) {
        fprintf(stderr, "bench_window: %s\n", err);
        spate_conf_destroy(conf);
        return NULL;
    }
    spate_ctx *ssc = spate_ctx_new(conf, SLIDE_MS, err, sizeof err);
    if (!ssc) fprintf(stderr, "bench_window: %s\n", err);
    if (ssc && spate_ctx_checkpoint(ssc, dir) != SPATE_OK) {
        fprintf(stderr, "bench_window: %s\n", spate_ctx_last_error(ssc));
        spate_ctx_destroy(ssc);
        return NULL;
    }
    return ssc;
}

int main(int argc, char **argv)
{
    opts o;
    if (parse_args(argc, argv, &o)) {
        fprintf(stderr, "usage: bench_window [--keys N<=99999] [--records N] "
                        "[--window-batches N] [--measure N] [--master local[N]] [--int-keys]\n");
        return 2;
    }
    gen g = {o.keys, o.records, o.int_keys, calloc((size_t)o.keys, 16)};
    for (int k = 0; k < o.keys; k++)
        snprintf(g.names[k], 16, "key%05d", k);
    char dir[] = "/tmp/spate-bench-window-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    spate_ctx *ssc = make_ctx(o.master, dir);
    if (!ssc) return 1;
    spate_duration window = (spate_duration)o.window_batches * SLIDE_MS;
    bool measuring = false;
    arm inv = {.name = "inverse", .measuring = &measuring, .check = true};
    arm plain = {
        .name = "plain", .measuring = &measuring, .check = true, .idle_while_filling = true};

    spate_value seed = spate_i64(0);
    spate_stream *q = spate_queue_stream(ssc, true, spate_ctx_parallelize(ssc, &seed, 1, 1));
    spate_stream *pairs = spate_stream_transform(q, make_batch, &g);
    spate_stream *rw = spate_stream_reduce_by_key_and_window(pairs, spate_fn_sum, spate_fn_subtract,
                                                             NULL, NULL, window, SLIDE_MS, 2);
    spate_stream *win = spate_stream_window(
        spate_stream_reduce_by_key(pairs, spate_fn_sum, NULL, 2), window, SLIDE_MS);
    spate_stream *reduced = spate_stream_reduce_by_key(win, spate_fn_sum, NULL, 2);
    int rc = 1;
    if (!rw || !reduced || spate_stream_checkpoint(rw, spate_hours(24)) ||
        spate_stream_checkpoint(win, spate_hours(24)) ||
        spate_stream_foreach_rdd(rw, time_batch, &inv) ||
        spate_stream_foreach_rdd(win, fill_window, &measuring) ||
        spate_stream_foreach_rdd(reduced, time_batch, &plain) || spate_ctx_start(ssc)) {
        fprintf(stderr, "bench_window: %s\n", spate_ctx_last_error(ssc));
        goto done;
    }
    printf("reduceByKeyAndWindow: window %d batches of %d ms, %d records per batch over %d %s "
           "keys, %s\n",
           o.window_batches, SLIDE_MS, o.records, o.keys, o.int_keys ? "Long" : "String", o.master);
    double fill0 = now_s();
    int total = o.window_batches + 1 + o.measure;
    for (int b = 1; b <= total; b++) {
        if (b == o.window_batches + 2) {
            measuring = true;
            printf("window filled in %.1f s\n", now_s() - fill0);
        }
        spate_clock_advance(spate_ctx_clock(ssc), SLIDE_MS);
        if (spate_ctx_await_batch(ssc, (int64_t)b * SLIDE_MS, 3600000) != SPATE_OK) {
            fprintf(stderr, "bench_window: batch %d: %s\n", b, spate_ctx_last_error(ssc));
            goto done;
        }
    }
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    if (st.batches_failed || inv.n != o.measure || plain.n != o.measure) {
        fprintf(stderr, "bench_window: %lld failed batches: %s\n", (long long)st.batches_failed,
                spate_ctx_last_error(ssc));
        goto done;
    }
    int64_t expect = (int64_t)o.window_batches * (o.records / 2 * 2);
    if (inv.total != expect || plain.total != expect) {
        fprintf(stderr,
                "bench_window: window sums %lld (inverse) and %lld (plain), expected %lld\n",
                (long long)inv.total, (long long)plain.total, (long long)expect);
        goto done;
    }
    double si = median(inv.seconds, inv.n), sp = median(plain.seconds, plain.n);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("with inverse:    %9.2f ms per batch (median of %d, %lld keys in the window)\n",
           si * 1e3, inv.n, (long long)inv.elements);
    printf("without inverse: %9.2f ms per batch (median of %d)\n", sp * 1e3, plain.n);
    printf("ratio: %.1fx cheaper with the inverse (%s the 50x target); peak RSS %ld MB\n", sp / si,
           sp / si >= 50 ? "meets" : "BELOW", ru.ru_maxrss / 1024);
    printf("RESULT name=window_inverse seconds=%.6f\n", si);
    printf("RESULT name=window_plain seconds=%.6f\n", sp);
    printf("RESULT name=window_ratio ratio=%.2f\n", sp / si);
    rc = 0;
done:
    spate_ctx_destroy(ssc);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(g.names);
    return rc;
}
