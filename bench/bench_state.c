/* bench_state.c - mapWithState with many live keys.
 *
 *   queueStream((Long key, 1)) -> mapWithState(running sum) -> count
 *
 * For each state size (1 M and 10 M live Long keys by default, filled by
 * batches of new keys first), measures batches of 100 k updates to random
 * live keys on local[2] with 2 state partitions:
 *   - ns per updated key: the batch's job (shuffle to the state partitions,
 *     state update, mapped output), best and median of the batches, and the
 *     CPU time of all threads per update (steadier on a busy machine);
 *     target <= 200 ns. Peer: the same updates in a plain loop straight on
 *     one store, no engine, one thread, no prefetching.
 *   - bytes per live key the stores hold, and the overhead beyond the key
 *     and state themselves (two 16-byte spate_values); target <= 64.
 * Checkpoints: a full snapshot after the fill (so the measured updates find
 * clean entries, as in steady state); at the largest size, after a batch that
 * changes 1 % of the keys, a delta and then a full snapshot of the same
 * state, each through the stream's save_state hook and then written as a
 * checkpoint file (fsync'd); target: the delta >= 20x faster than the full.
 *
 * Usage: bench_state [--keys N,...] [--updates U] [--batches B]
 * Prints RESULT lines for bench/run.sh. Not a test. */
#include <spate/spate.h>

#include "logs/ckpt_io.h"
#include "state/state_store.h"
#include "stream/state_int.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

enum { NPARTS = 2, FILL_BATCH = 1000000 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* state = state + value; returns the new sum. */
static spate_value running_sum(spate_task *t, spate_value key, spate_value value, spate_state *st,
                               void *ud)
{
    (void)t, (void)key, (void)ud;
    spate_value old = spate_i64(0);
    if (spate_state_exists(st)) spate_state_get(st, &old);
    spate_value sum = spate_i64(old.u.i + value.u.items[0].u.i);
    spate_state_update(st, sum);
    return sum;
}

/* CPU seconds of the whole process (every thread), user + system. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

typedef struct job_time {
    double last_s, last_cpu_s;
    int64_t count;
} job_time;

/* foreachRDD: runs the batch (the state update happens inside) and times it. */
static spate_err time_job(spate_rdd *rdd, int64_t time_ms, void *ud)
{
    (void)time_ms;
    job_time *j = ud;
    double t0 = now_s(), c0 = cpu_s();
    spate_err err = spate_rdd_count(rdd, &j->count);
    j->last_s = now_s() - t0;
    j->last_cpu_s = cpu_s() - c0;
    return err;
}

typedef struct bench {
    spate_ctx *ssc;
    spate_stream *queue, *mapped;
    job_time job;
    char dir[64];
    int64_t batch;
} bench;

static spate_rdd *pairs_rdd(spate_ctx *ssc, const int64_t *keys, size_t n)
{
    spate_arena *a = spate_arena_new();
    spate_value *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = spate_tuple2(a, spate_i64(keys[i]), spate_i64(1));
    spate_rdd *r = spate_ctx_parallelize(ssc, v, n, NPARTS);
    free(v);
    spate_arena_destroy(a);
    return r;
}

/* Pushes one batch of keys and runs it; false on failure. */
static bool run_batch(bench *b, const int64_t *keys, size_t n)
{
    spate_queue_stream_push(b->queue, pairs_rdd(b->ssc, keys, n));
    b->batch++;
    spate_clock_advance(spate_ctx_clock(b->ssc), 1000);
    if (spate_ctx_await_batch(b->ssc, b->batch * 1000, 600000) != SPATE_OK ||
        b->job.count != (int64_t)n) {
        fprintf(stderr, "bench_state: batch %lld: %s\n", (long long)b->batch,
                spate_ctx_last_error(b->ssc));
        return false;
    }
    return true;
}

static bool bench_open(bench *b)
{
    memset(b, 0, sizeof *b);
    char err[256];
    spate_conf *conf = spate_conf_new();
    if (spate_conf_set(conf, "spate.master", "local[2]", err, sizeof err) ||
        spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err) ||
        spate_conf_set(conf, "spate.log.level", "WARN", err, sizeof err)) {
        fprintf(stderr, "bench_state: %s\n", err);
        spate_conf_destroy(conf);
        return false;
    }
    b->ssc = spate_ctx_new(conf, spate_seconds(1), err, sizeof err);
    if (!b->ssc) {
        fprintf(stderr, "bench_state: %s\n", err);
        return false;
    }
    snprintf(b->dir, sizeof b->dir, "/tmp/spate-bench-state-XXXXXX");
    if (!mkdtemp(b->dir)) return false;
    spate_ctx_checkpoint(b->ssc, b->dir);
    b->queue = spate_queue_stream(b->ssc, true, NULL);
    spate_state_spec *spec = spate_state_spec_function(running_sum, NULL);
    spate_state_spec_num_partitions(spec, NPARTS);
    b->mapped = spate_stream_map_with_state(b->queue, spec);
    /* The bench saves checkpoints itself: keep the context's writer away. */
    spate_stream_checkpoint(b->mapped, spate_hours(1000));
    if (!b->mapped || spate_stream_foreach_rdd(b->mapped, time_job, &b->job) ||
        spate_ctx_start(b->ssc)) {
        fprintf(stderr, "bench_state: %s\n", spate_ctx_last_error(b->ssc));
        return false;
    }
    return true;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void bench_close(bench *b)
{
    if (b->ssc) spate_ctx_destroy(b->ssc);
    if (b->dir[0]) nftw(b->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The same updates on one bare store (no engine, one thread): the bound. */
static double store_only_ns(size_t nkeys, size_t updates)
{
    sp_state_store *s = sp_state_store_new(false);
    for (size_t k = 0; k < nkeys; k++) {
        spate_value key = spate_i64((int64_t)k);
        sp_state_set(s, sp_state_upsert(s, key, sp_state_hash(key), NULL), spate_i64(1));
    }
    double t0 = now_s();
    for (size_t i = 0; i < updates; i++) {
        spate_value key = spate_i64((int64_t)(next_random() % nkeys));
        sp_state_entry *e = sp_state_find(s, key, sp_state_hash(key));
        sp_state_set(s, e, spate_i64(e->val.u.i + 1));
    }
    double ns = (now_s() - t0) * 1e9 / (double)updates;
    sp_state_store_destroy(s);
    return ns;
}

static bool fill(bench *b, size_t nkeys, int64_t *keys)
{
    for (size_t from = 0; from < nkeys; from += FILL_BATCH) {
        size_t n = nkeys - from < FILL_BATCH ? nkeys - from : FILL_BATCH;
        for (size_t i = 0; i < n; i++)
            keys[i] = (int64_t)(from + i);
        if (!run_batch(b, keys, n)) return false;
    }
    return true;
}

static bool measure_updates(bench *b, size_t nkeys, size_t updates, int batches, int64_t *keys)
{
    double *s = calloc((size_t)batches, sizeof *s), *c = calloc((size_t)batches, sizeof *c);
    for (int i = 0; i < batches; i++) {
        for (size_t k = 0; k < updates; k++)
            keys[k] = (int64_t)(next_random() % nkeys);
        if (!run_batch(b, keys, updates)) return false;
        s[i] = b->job.last_s;
        c[i] = b->job.last_cpu_s;
    }
    qsort(s, (size_t)batches, sizeof *s, cmp_double);
    qsort(c, (size_t)batches, sizeof *c, cmp_double);
    double best = s[0] * 1e9 / (double)updates, median = s[batches / 2] * 1e9 / (double)updates;
    double cpu = c[batches / 2] * 1e9 / (double)updates;
    free(s);
    free(c);
    size_t live, bytes;
    sp_state_stream_usage(b->mapped, &live, &bytes);
    double per_key = (double)bytes / (double)live;
    double overhead = per_key - 2 * (double)sizeof(spate_value);
    double bound = store_only_ns(nkeys, updates);
    printf("%zu live keys, %zu updates/batch: %.0f ns per updated key (median %.0f; target <= "
           "200: %s), %.0f ns of CPU (all threads); bare store loop (one thread, no prefetch) "
           "%.0f ns (engine = %.1fx its time)\n",
           live, updates, best, median, best <= 200 ? "meets" : "BELOW", cpu, bound, best / bound);
    printf("  store memory %.1f MB: %.1f bytes per live key, %.1f beyond the key and state "
           "values (target <= 64: %s)\n",
           (double)bytes / 1e6, per_key, overhead, overhead <= 64 ? "meets" : "BELOW");
    printf("RESULT name=state_update keys=%zu updates=%zu ns_per_update=%.0f median_ns=%.0f "
           "cpu_ns=%.0f bare_store_ns=%.0f bytes_per_key=%.1f overhead_per_key=%.1f\n",
           live, updates, best, median, cpu, bound, per_key, overhead);
    return live == nkeys;
}

/* One save through the hook, then as a checkpoint file; seconds of each. */
static bool timed_save(bench *b, bool full, double *hook_s, double *file_s, size_t *len)
{
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    double t0 = now_s();
    spate_err err = b->mapped->ops->save_state(b->mapped, b->batch * 1000, full, &w);
    *hook_s = now_s() - t0;
    char path[128], errstr[256];
    snprintf(path, sizeof path, "%s/state-%s", b->dir, full ? "full" : "delta");
    if (!err) err = sp_ckpt_write_file(path, "state", 1, &w, errstr, sizeof errstr);
    *file_s = now_s() - t0;
    *len = w.len;
    sp_ckpt_out_free(&w);
    if (err) fprintf(stderr, "bench_state: save: %s\n", spate_err_str(err));
    return err == SPATE_OK;
}

/* After the fill, as the context's writer would: a full snapshot, so that
 * the updates measured next find clean entries and pay for marking them. */
static bool save_full(bench *b)
{
    double hook_s, file_s;
    size_t len;
    return timed_save(b, true, &hook_s, &file_s, &len);
}

static bool measure_checkpoint(bench *b, size_t nkeys, int64_t *keys)
{
    double full_hook, full_file, delta_hook, delta_file;
    size_t full_len, delta_len;
    /* a delta of the measured batches first (not timed), then one of a batch
     * that changes 1 % of the keys, then a full snapshot of the same state */
    if (!timed_save(b, false, &delta_hook, &delta_file, &delta_len)) return false;
    size_t changed = nkeys / 100;
    for (size_t k = 0; k < changed; k++) /* 1 % of the keys, each once */
        keys[k] = (int64_t)((k * 97) % nkeys);
    if (!run_batch(b, keys, changed)) return false;
    if (!timed_save(b, false, &delta_hook, &delta_file, &delta_len) ||
        !timed_save(b, true, &full_hook, &full_file, &full_len))
        return false;
    double ratio = full_hook / delta_hook, file_ratio = full_file / delta_file;
    printf("checkpoint of %zu keys, %zu changed: full %.3f s (%.1f MB; %.3f s with the file), "
           "delta %.4f s (%.1f MB; %.4f s with the file): delta %.0fx faster (%.0fx with "
           "files; target >= 20: %s)\n",
           nkeys, changed, full_hook, (double)full_len / 1e6, full_file, delta_hook,
           (double)delta_len / 1e6, delta_file, ratio, file_ratio,
           ratio >= 20 && file_ratio >= 20 ? "meets" : "BELOW");
    printf("RESULT name=state_checkpoint keys=%zu changed=%zu full_s=%.6f delta_s=%.6f "
           "ratio=%.1f full_file_s=%.6f delta_file_s=%.6f file_ratio=%.1f\n",
           nkeys, changed, full_hook, delta_hook, ratio, full_file, delta_file, file_ratio);
    return true;
}

static bool run_size(size_t nkeys, size_t updates, int batches, bool checkpoint)
{
    bench b;
    size_t cap = nkeys > FILL_BATCH ? FILL_BATCH : nkeys;
    if (updates > cap) cap = updates;
    int64_t *keys = malloc(cap * sizeof *keys);
    bool ok = keys && bench_open(&b) && fill(&b, nkeys, keys) && save_full(&b) &&
              measure_updates(&b, nkeys, updates, batches, keys) &&
              (!checkpoint || measure_checkpoint(&b, nkeys, keys));
    bench_close(&b);
    free(keys);
    return ok;
}

int main(int argc, char **argv)
{
    size_t sizes[8] = {1000000, 10000000}, nsizes = 2, updates = 100000;
    int batches = 10;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--keys") && i + 1 < argc) {
            nsizes = 0;
            for (char *p = argv[++i]; *p && nsizes < 8; p += *p == ',')
                sizes[nsizes++] = strtoull(p, &p, 10);
        } else if (!strcmp(argv[i], "--updates") && i + 1 < argc) {
            updates = strtoull(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--batches") && i + 1 < argc) {
            batches = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: bench_state [--keys N,...] [--updates U] [--batches B]\n");
            return 2;
        }
    }
    if (!nsizes || !updates || batches < 1) return 2;
    printf("mapWithState: running sum per Long key, local[2], %d state partitions\n", NPARTS);
    for (size_t i = 0; i < nsizes; i++)
        if (sizes[i] < 100 || !run_size(sizes[i], updates, batches, i == nsizes - 1)) return 1;
    return 0;
}
