/* test_wal.c - the receivers' write-ahead log
 * (spate.streaming.receiver.writeAheadLog.enable): Spark's
 * WriteAheadLogBasedBlockHandler stores a block in the log before the
 * receiver's store returns, so acknowledged data survives a driver crash;
 * ReceiverSupervisorImpl refuses the log without a checkpoint directory;
 * a restart runs every record exactly once.
 *
 * The log file format is tested directly (records, rolling, damage); the
 * receiver's use of it through contexts on the manual clock; the crash is a
 * real one: a forked child dies (_exit) in the middle of a batch. */
#include <spate/spate.h>

#include "stream/inputs/receiver_wal.h"
#include "logs/wal.h"
#include "stream/inputs/receiver_int.h"

#include <criterion/criterion.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------- */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/spate_wal_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void remove_dir(char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* Payloads read back, joined with ",". */
typedef struct replayed {
    char text[4096];
    int n;
    uint64_t files[64];
} replayed;

static bool collect_record(uint64_t file, const void *p, size_t len, void *ud)
{
    replayed *r = ud;
    size_t used = strlen(r->text);
    snprintf(r->text + used, sizeof r->text - used, "%s%.*s", r->n ? "," : "", (int)len,
             (const char *)p);
    if (r->n < 64) r->files[r->n] = file;
    r->n++;
    return true;
}

static void append(sp_wal *w, const char *payload)
{
    uint64_t file, pos;
    char err[256];
    cr_assert_eq(sp_wal_append(w, payload, strlen(payload), &file, &pos, err, sizeof err), SPATE_OK,
                 "%s", err);
    cr_assert_eq(sp_wal_sync(w, pos, err, sizeof err), SPATE_OK, "%s", err);
    cr_assert_geq(sp_wal_synced(w), pos);
}

static replayed replay(const char *dir, bool repair, char *damage, size_t size, bool *torn)
{
    sp_wal *w;
    char err[256];
    cr_assert_eq(sp_wal_open(dir, &w, err, sizeof err), SPATE_OK, "%s", err);
    replayed r = {"", 0, {0}};
    cr_assert_eq(sp_wal_replay(w, repair, collect_record, &r, damage, size, torn), SPATE_OK);
    sp_wal_close(w);
    return r;
}

static void file_path(const char *dir, uint64_t num, char *buf, size_t size)
{
    snprintf(buf, size, "%s/log-%020llu", dir, (unsigned long long)num);
}

static off_t file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    return st.st_size;
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += strncmp(de->d_name, "log-", 4) == 0;
    closedir(d);
    return n;
}

/* ---- the log files ------------------------------------------------------- */

Test(wal, records_round_trip_across_files, .timeout = 10)
{
    char *dir = temp_dir();
    char sub[512];
    snprintf(sub, sizeof sub, "%s/receivedData/0", dir); /* made with its parents */
    sp_wal *w;
    char err[256];
    cr_assert_eq(sp_wal_open(sub, &w, err, sizeof err), SPATE_OK, "%s", err);
    append(w, "a");
    append(w, "bb");
    cr_assert_eq(sp_wal_roll(w, err, sizeof err), SPATE_OK);
    append(w, "ccc");
    sp_wal_close(w);

    char damage[512];
    bool torn = true;
    replayed r = replay(sub, false, damage, sizeof damage, &torn);
    cr_expect_str_eq(r.text, "a,bb,ccc");
    cr_expect_str_eq(damage, "");
    cr_expect(!torn);
    cr_expect_eq(r.files[0], 1);
    cr_expect_eq(r.files[1], 1);
    cr_expect_eq(r.files[2], 2, "a roll starts a new file");
    cr_expect_eq(count_files(sub), 2);

    /* A reopened log goes on in a new file and can drop the old ones. */
    cr_assert_eq(sp_wal_open(sub, &w, err, sizeof err), SPATE_OK);
    append(w, "d");
    cr_expect_eq(sp_wal_delete_before(w, 3), 2);
    cr_expect_eq(sp_wal_delete_before(w, 99), 0, "the file being written stays");
    sp_wal_close(w);
    r = replay(sub, false, damage, sizeof damage, NULL);
    cr_expect_str_eq(r.text, "d");
    cr_expect_eq(r.files[0], 3);
    remove_dir(dir);
}

/* Writes three records into file 1 and "z" into file 2 (when two_files). */
static void three_records(const char *dir, bool two_files)
{
    sp_wal *w;
    char err[256];
    cr_assert_eq(sp_wal_open(dir, &w, err, sizeof err), SPATE_OK);
    append(w, "first");
    append(w, "second");
    append(w, "third");
    if (two_files) {
        cr_assert_eq(sp_wal_roll(w, err, sizeof err), SPATE_OK);
        append(w, "z");
    }
    sp_wal_close(w);
}

Test(wal, truncated_record_keeps_the_records_before, .timeout = 10)
{
    char *dir = temp_dir();
    three_records(dir, false);
    char path[512];
    file_path(dir, 1, path, sizeof path);
    cr_assert_eq(truncate(path, file_size(path) - 3), 0); /* in the middle of "third" */

    char damage[1024];
    bool torn = false;
    replayed r = replay(dir, false, damage, sizeof damage, &torn);
    cr_expect_str_eq(r.text, "first,second");
    cr_expect(strstr(damage, path), "damage names the file: %s", damage);
    cr_expect(strstr(damage, "truncated record"), "%s", damage);
    cr_expect(strstr(damage, "2 complete records"), "%s", damage);
    cr_expect(torn, "the last record of the last file: what a crash leaves");

    /* Repair cuts the torn record off; the next reading is clean. */
    replay(dir, true, damage, sizeof damage, &torn);
    r = replay(dir, false, damage, sizeof damage, &torn);
    cr_expect_str_eq(r.text, "first,second");
    cr_expect_str_eq(damage, "");
    remove_dir(dir);
}

Test(wal, damage_before_the_end_is_not_a_torn_tail, .timeout = 10)
{
    char *dir = temp_dir();
    three_records(dir, true);
    char path[512];
    file_path(dir, 1, path, sizeof path);
    off_t damaged = file_size(path) - 3;
    cr_assert_eq(truncate(path, damaged), 0);
    char damage[1024];
    bool torn = true;
    replayed r = replay(dir, true, damage, sizeof damage, &torn);
    cr_expect_str_eq(r.text, "first,second,z", "later files are still read");
    cr_expect(strstr(damage, path), "%s", damage);
    cr_expect(!torn, "acknowledged records were lost");
    cr_expect_eq(file_size(path), damaged, "left as found: only a torn tail is cut");
    remove_dir(dir);
}

Test(wal, checksum_mismatch_detected, .timeout = 10)
{
    char *dir = temp_dir();
    three_records(dir, false);
    char path[512];
    file_path(dir, 1, path, sizeof path);
    /* header 12 + record "first" (12 + 5) + record header 12: "second" starts at 41 */
    int fd = open(path, O_RDWR);
    cr_assert_geq(fd, 0);
    cr_assert_eq(pwrite(fd, "X", 1, 41 + 2), 1);
    close(fd);
    char damage[1024];
    bool torn = true;
    replayed r = replay(dir, true, damage, sizeof damage, &torn);
    cr_expect_str_eq(r.text, "first");
    cr_expect(strstr(damage, "checksum mismatch"), "%s", damage);
    cr_expect(strstr(damage, path), "%s", damage);
    cr_expect(!torn);
    remove_dir(dir);
}

/* ---- receivers ----------------------------------------------------------- */

static spate_conf *wal_conf(bool wal)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.log.level", "OFF", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.receiver.writeAheadLog.enable",
                                wal ? "true" : "false", err, sizeof err),
                 0);
    return conf;
}

/* A receiver the test feeds: it stores what it is given, then waits. */
typedef struct feeder {
    pthread_mutex_t mu;
    int64_t next, until; /* stores next..until-1 */
    atomic_llong stored;
    atomic_int unsynced; /* stores that returned before their record was on disk */
    atomic_int missing;  /* stores that returned before their record was in the log */
    const char *log_dir; /* checked after each store when set */
    int chunk;           /* > 1: store_many of up to chunk values */
} feeder;

static void feeder_init(feeder *f)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
}

static bool count_any(uint64_t file, const void *p, size_t len, void *ud)
{
    (void)file, (void)p, (void)len;
    (*(int *)ud)++;
    return true;
}

/* After a store returned: its record is in the log and synced. */
static void check_acknowledged(spate_receiver *r, feeder *f, int64_t stored)
{
    uint64_t logged, synced;
    sp_rwal_counts(sp_receiver_wal(r), &logged, &synced);
    if (synced < logged) atomic_fetch_add(&f->unsynced, 1);
    sp_wal *w;
    char err[256], damage[256];
    int n = 0;
    if (sp_wal_open(f->log_dir, &w, err, sizeof err) == SPATE_OK) {
        sp_wal_replay(w, false, count_any, &n, damage, sizeof damage, NULL);
        sp_wal_close(w);
    }
    if (n < stored) atomic_fetch_add(&f->missing, 1);
}

static void feeder_on_start(spate_receiver *r, void *ud)
{
    feeder *f = ud;
    enum { MAX_CHUNK = 64 };
    spate_value vs[MAX_CHUNK];
    while (!spate_receiver_is_stopped(r)) {
        int n = 0, chunk = f->chunk > 1 ? f->chunk : 1;
        pthread_mutex_lock(&f->mu);
        while (n < chunk && n < MAX_CHUNK && f->next < f->until)
            vs[n++] = spate_i64(f->next++);
        pthread_mutex_unlock(&f->mu);
        if (n == 0) {
            sleep_ms(1);
            continue;
        }
        if (f->chunk > 1)
            spate_receiver_store_many(r, vs, (size_t)n);
        else
            spate_receiver_store(r, vs[0]);
        int64_t stored = atomic_fetch_add(&f->stored, n) + n;
        if (f->log_dir) check_acknowledged(r, f, stored);
    }
}

/* Has the receiver store from..to-1 and waits until it has. */
static void feed(feeder *f, int64_t from, int64_t to)
{
    int64_t before = atomic_load(&f->stored);
    pthread_mutex_lock(&f->mu);
    f->next = from;
    f->until = to;
    pthread_mutex_unlock(&f->mu);
    for (int i = 0; i < 5000 && atomic_load(&f->stored) < before + (to - from); i++)
        sleep_ms(1);
    cr_assert_eq(atomic_load(&f->stored), before + (to - from));
}

/* foreachRDD: every batch's integers, sorted, as "t:v v v;". */
typedef struct outputs {
    pthread_mutex_t mu;
    char text[8192];
    int64_t crash_at; /* _exit(0) in this batch (child processes only) */
} outputs;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static spate_err record_fn(spate_rdd *rdd, int64_t t, void *ud)
{
    outputs *o = ud;
    if (t == o->crash_at) _exit(0); /* the driver dies in the middle of the batch */
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    if (err) return err;
    int64_t *xs = calloc(n + 1, sizeof *xs);
    for (size_t i = 0; i < n; i++)
        xs[i] = v[i].u.i;
    qsort(xs, n, sizeof *xs, cmp_i64);
    pthread_mutex_lock(&o->mu);
    size_t used = strlen(o->text);
    used += (size_t)snprintf(o->text + used, sizeof o->text - used, "%lld:", (long long)t);
    for (size_t i = 0; i < n && used < sizeof o->text; i++)
        used += (size_t)snprintf(o->text + used, sizeof o->text - used, "%s%lld", i ? " " : "",
                                 (long long)xs[i]);
    if (used < sizeof o->text) snprintf(o->text + used, sizeof o->text - used, ";");
    pthread_mutex_unlock(&o->mu);
    free(xs);
    return SPATE_OK;
}

typedef struct graph {
    feeder *f;
    outputs *o;
    spate_stream *s;
} graph;

static spate_err setup(spate_ctx *ssc, void *ud)
{
    graph *g = ud;
    spate_receiver_def def = {"Feeder", feeder_on_start, NULL, g->f};
    g->s = spate_receiver_stream(ssc, &def);
    return spate_stream_foreach_rdd(g->s, record_fn, g->o);
}

static spate_ctx *wal_ctx(const char *dir, graph *g)
{
    char err[512];
    spate_ctx *ssc = spate_ctx_new(wal_conf(true), 1000, err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    cr_assert_eq(setup(ssc, g), SPATE_OK);
    if (dir)
        cr_assert_eq(spate_ctx_checkpoint(ssc, dir), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    return ssc;
}

static void run_batch(spate_ctx *ssc, int64_t t)
{
    spate_clock_set(spate_ctx_clock(ssc), t);
    cr_assert_eq(spate_ctx_await_batch(ssc, t, 5000), SPATE_OK, "batch %lld", (long long)t);
}

Test(wal, receiver_refuses_to_start_without_checkpoint_directory, .timeout = 10)
{
    feeder f;
    feeder_init(&f);
    outputs o = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    graph g = {&f, &o, NULL};
    spate_ctx *ssc = wal_ctx(NULL, &g);
    cr_expect_eq(spate_ctx_start(ssc), SPATE_ERR_INVALID_ARG);
    cr_expect(strstr(spate_ctx_last_error(ssc),
                     "Cannot enable receiver write-ahead log without checkpoint directory set. "
                     "Please use spate_ctx_checkpoint() to set the checkpoint directory."),
              "%s", spate_ctx_last_error(ssc));
    cr_expect_eq(spate_ctx_get_state(ssc), SPATE_CTX_INITIALIZED);
    spate_ctx_destroy(ssc);
}

/* store (chunk 1) and store_many (chunks of 10, 10 and 5): every record is
 * logged and synced when the call returns. */
Test(wal, records_are_on_disk_before_store_returns, .timeout = 20)
{
    const int chunks[] = {1, 10};
    for (int c = 0; c < 2; c++) {
        char *dir = temp_dir();
        feeder f;
        feeder_init(&f);
        f.chunk = chunks[c];
        char log_dir[512];
        snprintf(log_dir, sizeof log_dir, "%s/receivedData/0", dir);
        f.log_dir = log_dir;
        outputs o = {PTHREAD_MUTEX_INITIALIZER, "", -1};
        graph g = {&f, &o, NULL};
        spate_ctx *ssc = wal_ctx(dir, &g);
        cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
        feed(&f, 1, 26);
        cr_expect_eq(atomic_load(&f.missing), 0, "chunk %d: returned before the log had it",
                     chunks[c]);
        cr_expect_eq(atomic_load(&f.unsynced), 0, "chunk %d: returned before the sync", chunks[c]);
        run_batch(ssc, 1000);
        char want[256] = "1000:";
        for (int v = 1; v < 26; v++)
            snprintf(want + strlen(want), sizeof want - strlen(want), v < 25 ? "%d " : "%d;", v);
        cr_expect_str_eq(o.text, want, "chunk %d", chunks[c]);
        spate_ctx_destroy(ssc);
        remove_dir(dir);
    }
}

Test(wal, restart_replays_unprocessed_records_exactly_once, .timeout = 30)
{
    char *dir = temp_dir();
    feeder f;
    feeder_init(&f);
    outputs o = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    graph g = {&f, &o, NULL};
    spate_ctx *ssc = wal_ctx(dir, &g);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    feed(&f, 1, 4);
    run_batch(ssc, 1000); /* 1..3 processed */
    feed(&f, 10, 60);     /* stored and acknowledged, never processed */
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    cr_expect_str_eq(o.text, "1000:1 2 3;");

    /* A new context on the same directory: the 50 go to its first batch,
     * once; what batch 1000 processed is not seen again. */
    outputs o2 = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    feeder f2;
    feeder_init(&f2);
    graph g2 = {&f2, &o2, NULL};
    ssc = wal_ctx(dir, &g2);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    feed(&f2, 100, 102);
    run_batch(ssc, 1000);
    run_batch(ssc, 2000);
    char want[1024] = "1000:";
    for (int v = 10; v < 60; v++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%d ", v);
    strcat(want, "100 101;2000:;");
    cr_expect_str_eq(o2.text, want);
    spate_ctx_destroy(ssc);

    /* And a third context finds nothing left to replay. */
    outputs o3 = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    feeder f3;
    feeder_init(&f3);
    graph g3 = {&f3, &o3, NULL};
    ssc = wal_ctx(dir, &g3);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    run_batch(ssc, 1000);
    cr_expect_str_eq(o3.text, "1000:;");
    spate_ctx_destroy(ssc);
    remove_dir(dir);
}

Test(wal, torn_last_record_after_a_crash_is_dropped, .timeout = 30)
{
    char *dir = temp_dir();
    feeder f;
    feeder_init(&f);
    outputs o = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    graph g = {&f, &o, NULL};
    spate_ctx *ssc = wal_ctx(dir, &g);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    feed(&f, 1, 4);
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    char log_dir[512], path[600];
    snprintf(log_dir, sizeof log_dir, "%s/receivedData/0", dir);
    file_path(log_dir, 1, path, sizeof path);
    cr_assert_eq(truncate(path, file_size(path) - 2), 0); /* the write of 3 cut short */

    outputs o2 = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    graph g2 = {&f, &o2, NULL};
    ssc = wal_ctx(dir, &g2);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    run_batch(ssc, 1000);
    cr_expect_str_eq(o2.text, "1000:1 2;");
    cr_expect_str_eq(spate_ctx_last_error(ssc), "", "a torn tail is only a warning");
    spate_ctx_destroy(ssc);
    remove_dir(dir);
}

Test(wal, damaged_log_is_reported_with_the_file_name, .timeout = 30)
{
    char *dir = temp_dir();
    feeder f;
    feeder_init(&f);
    outputs o = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    graph g = {&f, &o, NULL};
    spate_ctx *ssc = wal_ctx(dir, &g);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    feed(&f, 1, 4);
    run_batch(ssc, 1000); /* file 1 closed */
    feed(&f, 7, 9);       /* file 2, never processed */
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    char log_dir[512], path[600];
    snprintf(log_dir, sizeof log_dir, "%s/receivedData/0", dir);
    file_path(log_dir, 2, path, sizeof path);
    int fd = open(path, O_RDWR);
    cr_assert_geq(fd, 0);
    cr_assert_eq(pwrite(fd, "\xff", 1, file_size(path) - 1), 1); /* the last value's byte */
    close(fd);

    outputs o2 = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    graph g2 = {&f, &o2, NULL};
    ssc = wal_ctx(dir, &g2);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    run_batch(ssc, 1000);
    cr_expect_str_eq(o2.text, "1000:7;", "the record before the damage is kept");
    cr_expect(strstr(spate_ctx_last_error(ssc), path), "%s", spate_ctx_last_error(ssc));
    cr_expect(strstr(spate_ctx_last_error(ssc), "checksum mismatch"), "%s",
              spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    remove_dir(dir);
}

Test(wal, old_files_deleted_after_their_batches, .timeout = 30)
{
    char *dir = temp_dir();
    feeder f;
    feeder_init(&f);
    outputs o = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    graph g = {&f, &o, NULL};
    spate_ctx *ssc = wal_ctx(dir, &g);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    char log_dir[512], first[600];
    snprintf(log_dir, sizeof log_dir, "%s/receivedData/0", dir);
    file_path(log_dir, 1, first, sizeof first);
    int most = 0;
    for (int64_t t = 1000; t <= 6000; t += 1000) {
        feed(&f, t, t + 3);
        run_batch(ssc, t);
        int n = count_files(log_dir);
        if (n > most) most = n;
    }
    /* one file per batch with records; a batch's file goes once the batch
     * left the remember window (one interval here) */
    cr_expect_leq(most, 3, "files kept: %d", most);
    cr_expect_neq(access(first, F_OK), 0, "batch 1000's file is gone");
    cr_expect_eq(strlen(o.text) > 0, true);
    spate_ctx_destroy(ssc);
    remove_dir(dir);
}

/* ---- a real crash, then getOrCreate ---------------------------------------- */

static spate_conf *recover_conf(void) { return wal_conf(true); }

/* The child: batch 1000 processes 1..3; 101..104 are stored and batch 2000
 * is generated (its input checkpointed) but the process dies in it. */
static void crashing_child(const char *dir)
{
    feeder f;
    feeder_init(&f);
    outputs o = {PTHREAD_MUTEX_INITIALIZER, "", 2000};
    graph g = {&f, &o, NULL};
    char err[512];
    spate_ctx *ssc = spate_ctx_get_or_create(dir, recover_conf(), 1000, setup, &g, err, sizeof err);
    if (!ssc || spate_ctx_start(ssc) != SPATE_OK) _exit(2);
    f.next = 1, f.until = 4;
    while (atomic_load(&f.stored) < 3)
        sleep_ms(1);
    spate_clock_set(spate_ctx_clock(ssc), 1000);
    if (spate_ctx_await_batch(ssc, 1000, 5000) != SPATE_OK) _exit(3);
    pthread_mutex_lock(&f.mu);
    f.next = 101, f.until = 105;
    pthread_mutex_unlock(&f.mu);
    while (atomic_load(&f.stored) < 7)
        sleep_ms(1);
    spate_clock_set(spate_ctx_clock(ssc), 2000);
    sleep_ms(5000); /* record_fn exits the process in batch 2000 */
    _exit(4);
}

Test(wal, crash_in_a_batch_recovers_exactly_once, .timeout = 30)
{
    char *dir = temp_dir();
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) crashing_child(dir);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);

    feeder f;
    feeder_init(&f);
    outputs o = {PTHREAD_MUTEX_INITIALIZER, "", -1};
    graph g = {&f, &o, NULL};
    char err[512];
    spate_ctx *ssc = spate_ctx_get_or_create(dir, recover_conf(), 1000, setup, &g, err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    cr_assert(spate_ctx_recovered(ssc));
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    run_batch(ssc, 2000);
    run_batch(ssc, 3000);
    /* batch 2000 runs again with exactly what it took; nothing else */
    cr_expect_str_eq(o.text, "2000:101 102 103 104;3000:;");
    spate_ctx_destroy(ssc);
    remove_dir(dir);
}
