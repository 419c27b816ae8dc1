/* bench_wal.c - a receiver with the write-ahead log
 * (spate.streaming.receiver.writeAheadLog.enable): records stored per second
 * when every record is synced before store returns.
 *
 *   - store: spate_receiver_store of one record at a time (one fsync each);
 *     the peer, measured in the same run.
 *   - store_many: spate_receiver_store_many of CHUNK records at a time
 *     (Spark's store(ArrayBuffer)), all synced once before it returns.
 *
 * Records are 40-byte strings; the log is in DIR (default: bench/data), so
 * the sync is the cost of that file system. The figure runs from the first
 * store to the return of the last, on the receiver's thread.
 *
 * Usage: bench_wal [DIR] [CHUNK]
 * Prints RESULT lines and the ratio. Not a test. */
#include <spate/spate.h>

#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { SINGLE_RECORDS = 5000, MANY_RECORDS = 500000, DEFAULT_CHUNK = 500, MAX_CHUNK = 100000 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct run {
    int records, chunk; /* chunk 0: spate_receiver_store */
    double seconds;
    atomic_bool done;
} run;

static void store_all(spate_receiver *r, void *ud)
{
    run *u = ud;
    static const char record[] = "2026-11-21 10:00:00,1234,5678,S,XYZ,10";
    spate_value *vs = calloc((size_t)(u->chunk ? u->chunk : 1), sizeof *vs);
    for (int i = 0; i < (u->chunk ? u->chunk : 1); i++)
        vs[i] = spate_cstr(record);
    double t0 = now_s();
    for (int stored = 0; stored < u->records && !spate_receiver_is_stopped(r);) {
        if (u->chunk) {
            int n = u->records - stored < u->chunk ? u->records - stored : u->chunk;
            spate_receiver_store_many(r, vs, (size_t)n);
            stored += n;
        } else {
            spate_receiver_store(r, vs[0]);
            stored++;
        }
    }
    u->seconds = now_s() - t0;
    free(vs);
    atomic_store(&u->done, true);
    while (!spate_receiver_is_stopped(r))
        usleep(1000);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static spate_err count_batch(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)rdd, (void)t, (void)ud;
    return SPATE_OK;
}

/* One context with the log under dir; false when it could not run. */
static bool measure(const char *dir, run *u)
{
    char err[256], ckpt[4096];
    snprintf(ckpt, sizeof ckpt, "%s/bench_wal-XXXXXX", dir);
    if (!mkdtemp(ckpt)) {
        perror("bench_wal: mkdtemp");
        return false;
    }
    spate_conf *conf = spate_conf_new();
    spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err);
    spate_conf_set(conf, "spate.log.level", "WARN", err, sizeof err);
    spate_conf_set(conf, "spate.streaming.receiver.writeAheadLog.enable", "true", err, sizeof err);
    spate_ctx *ssc = spate_ctx_new(conf, 1000, err, sizeof err);
    spate_receiver_def def = {"WalBench", store_all, NULL, u};
    bool ok =
        ssc && spate_ctx_checkpoint(ssc, ckpt) == SPATE_OK &&
        spate_stream_foreach_rdd(spate_receiver_stream(ssc, &def), count_batch, NULL) == SPATE_OK &&
        spate_ctx_start(ssc) == SPATE_OK;
    if (!ok) fprintf(stderr, "bench_wal: %s\n", ssc ? spate_ctx_last_error(ssc) : err);
    while (ok && !atomic_load(&u->done))
        usleep(1000);
    if (ssc) spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    nftw(ckpt, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return ok;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "bench/data";
    int chunk = argc > 2 ? atoi(argv[2]) : DEFAULT_CHUNK;
    if (chunk < 1 || chunk > MAX_CHUNK) {
        fprintf(stderr, "Usage: bench_wal [DIR] [CHUNK (1..%d)]\n", MAX_CHUNK);
        return 2;
    }
    run single = {SINGLE_RECORDS, 0, 0, false}, many = {MANY_RECORDS, chunk, 0, false};
    if (!measure(dir, &single) || !measure(dir, &many)) return 1;
    double r1 = single.records / single.seconds, rn = many.records / many.seconds;
    printf("RESULT name=wal_store seconds=%.3f records=%d rate=%.0f\n", single.seconds,
           single.records, r1);
    printf("RESULT name=wal_store_many seconds=%.3f records=%d rate=%.0f chunk=%d\n", many.seconds,
           many.records, rn, chunk);
    printf("wal summary: store_many (chunks of %d) %.0f records/s, store %.0f records/s: %.1fx\n",
           chunk, rn, r1, rn / r1);
    return 0;
}
