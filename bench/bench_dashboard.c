/* bench_dashboard.c - the stock-orders dashboard (examples/orders_dashboard_graph.h,
 * the very graph of the example) over a directory of order files, one file
 * per batch:
 *
 *   textFileStream -> parse -> BUYS/SELLS (reduceByKey), TOP5CLIENTS
 *   (mapWithState + stateSnapshots), TOP5STOCKS (reduceByKeyAndWindow with
 *   its inverse) -> union -> repartition(1) -> saveAsTextFiles
 *
 * The files of DIR (made by `spate gen orders --out DIR --files 50
 * --interval 0`) are hard-linked into a fresh directory beside DIR (so the
 * files' own mtimes change too) with the mtime of
 * file i set to batch i of a manual clock; the clock is advanced one batch at
 * a time and each batch awaited, checkpoints included. The figure is lines
 * per second from the first advance to the last batch's end, and the peak
 * RSS. bench/bench_dashboard.sh runs it and compares the output with DuckDB
 * (bench/duckdb_dashboard.mjs) on the same files in the same run.
 *
 * Usage: bench_dashboard DIR [--output PREFIX] [--batch D (5s)] [--window D (1h)]
 *                            [--master local[N]]
 * Without --output the batches are written to a temporary directory and
 * removed. Prints a RESULT line. Not a test. */
#include <spate/spate.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../examples/orders_dashboard_graph.h"
#include "../examples/orders_dashboard_metrics.h"
#include "../examples/orders_parse.h"

#define PROG "bench_dashboard"

typedef struct bench_args {
    const char *dir, *output, *master;
    spate_duration batch, window;
} bench_args;

/* The staged input: a temporary directory of links, one file per batch. */
typedef struct staged {
    char root[PATH_MAX]; /* holds in/, ckpt/ and (without --output) out/ */
    char in[PATH_MAX + 8], ckpt[PATH_MAX + 8], out[PATH_MAX + 16];
    int nfiles;
} staged;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_tree(const char *path) { nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the regular, visible files of dir, sorted (malloc'd). */
static char **list_files(const char *dir, int *n)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **names = NULL;
    int cap = 0;
    *n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || de->d_name[0] == '_') continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, (size_t)cap * sizeof *names);
            if (!grown) abort();
            names = grown;
        }
        names[(*n)++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)*n, sizeof *names, name_cmp);
    return names;
}

/* Hard-links src to dst (the staging directory is beside DIR, on the same
 * file system) and sets its mtime to ms of the manual clock. */
static int stage_file(const char *src, const char *dst, int64_t ms)
{
    if (link(src, dst) != 0) return -1;
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    struct timespec times[2] = {t, t};
    return utimensat(AT_FDCWD, dst, times, 0);
}

static int stage(const bench_args *a, staged *s)
{
    snprintf(s->root, sizeof s->root, "%s/../bench-dashboard-XXXXXX", a->dir);
    if (!mkdtemp(s->root)) return -1;
    snprintf(s->in, sizeof s->in, "%s/in", s->root);
    snprintf(s->ckpt, sizeof s->ckpt, "%s/ckpt", s->root);
    snprintf(s->out, sizeof s->out, "%s/out/output", s->root);
    if (mkdir(s->in, 0755) != 0) return -1;
    char **names = list_files(a->dir, &s->nfiles);
    if (!names) return -1;
    int rc = s->nfiles > 0 ? 0 : -1;
    for (int i = 0; i < s->nfiles; i++) {
        char src[2 * PATH_MAX], dst[2 * PATH_MAX];
        snprintf(src, sizeof src, "%s/%s", a->dir, names[i]);
        snprintf(dst, sizeof dst, "%s/%s", s->in, names[i]);
        if (rc == 0 && stage_file(src, dst, (int64_t)(i + 1) * a->batch) != 0) rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

static spate_err setup(spate_ctx *ssc, void *ud)
{
    const dash_graph_opts *o = ud;
    return dash_define_graph(ssc, o);
}

static spate_ctx *make_ctx(const bench_args *a, const staged *s, dash_graph_opts *o)
{
    char err[512];
    spate_conf *conf = spate_conf_new();
    if (spate_conf_set(conf, "spate.master", a->master, err, sizeof err) != SPATE_OK ||
        spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err) != SPATE_OK) {
        fprintf(stderr, PROG ": %s\n", err);
        spate_conf_destroy(conf);
        return NULL;
    }
    spate_ctx *ssc = spate_ctx_get_or_create(s->ckpt, conf, a->batch, setup, o, err, sizeof err);
    if (!ssc) fprintf(stderr, PROG ": %s\n", err);
    return ssc;
}

/* Runs one batch per file. Returns the seconds, or -1. */
static double run_batches(spate_ctx *ssc, const bench_args *a, int nfiles)
{
    double t0 = now_s();
    for (int i = 1; i <= nfiles; i++) {
        spate_clock_advance(spate_ctx_clock(ssc), a->batch);
        if (spate_ctx_await_batch(ssc, (int64_t)i * a->batch, 600000) != SPATE_OK) {
            fprintf(stderr, PROG ": batch %d failed: %s\n", i, spate_ctx_last_error(ssc));
            return -1;
        }
    }
    return now_s() - t0;
}

static void report(const bench_args *a, double s, spate_ctx *ssc, const dash_metrics *m)
{
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rate = (double)st.records_in / s;
    printf("dashboard: %lld lines in %lld batches on %s in %.3f s = %.2f M lines/s, "
           "peak RSS %.0f MB\n",
           (long long)atomic_load(&m->records), (long long)atomic_load(&m->batches), a->master, s,
           rate / 1e6, (double)ru.ru_maxrss / 1024.0);
    printf("RESULT name=spate_dashboard master=%s seconds=%.6f lines=%lld rate=%.0f rss_kb=%ld\n",
           a->master, s, (long long)st.records_in, rate, ru.ru_maxrss);
}

static int usage(void)
{
    fprintf(stderr, "usage: " PROG " DIR [--output PREFIX] [--batch D] [--window D] "
                    "[--master local[N]]\n");
    return 2;
}

static int parse_args(int argc, char **argv, bench_args *a)
{
    if (argc < 2 || argc % 2 != 0) return usage();
    a->dir = argv[1];
    for (int i = 2; i < argc; i += 2) {
        char err[256];
        spate_duration *d = !strcmp(argv[i], "--batch")    ? &a->batch
                            : !strcmp(argv[i], "--window") ? &a->window
                                                           : NULL;
        if (d && spate_duration_parse(argv[i + 1], d, err, sizeof err) != SPATE_OK) {
            fprintf(stderr, PROG ": %s: %s\n", argv[i], err);
            return 2;
        } else if (!strcmp(argv[i], "--output")) {
            a->output = argv[i + 1];
        } else if (!strcmp(argv[i], "--master")) {
            a->master = argv[i + 1];
        } else if (!d) {
            return usage();
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_args a = {.master = "local[*]", .batch = spate_seconds(5), .window = spate_hours(1)};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) return rc;
    staged s;
    if (stage(&a, &s) != 0) {
        fprintf(stderr, PROG ": cannot stage the files of %s: %s\n", a.dir, strerror(errno));
        return 1;
    }
    dash_graph_opts o = {
        .input = s.in, .output_prefix = a.output ? a.output : s.out, .window = a.window};
    dash_metrics m;
    spate_ctx *ssc = make_ctx(&a, &s, &o);
    rc = 1;
    if (ssc) dash_metrics_init(&m, ssc, NULL);
    if (ssc && dash_metrics_listen(ssc, &m) == SPATE_OK && spate_ctx_start(ssc) == SPATE_OK) {
        double secs = run_batches(ssc, &a, s.nfiles);
        if (secs > 0) {
            report(&a, secs, ssc, &m);
            rc = 0;
        }
    } else if (ssc) {
        fprintf(stderr, PROG ": %s\n", spate_ctx_last_error(ssc));
    }
    spate_ctx_destroy(ssc);
    remove_tree(s.root);
    return rc;
}
