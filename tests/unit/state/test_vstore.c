/* test_vstore.c - the versioned state store (src/state/vstore.c): versions,
 * rollback, snapshots and purging as Spark's HDFSBackedStateStoreProvider
 * does them (StateStoreSuite: "snapshotting", "cleaning"), damaged and
 * missing files named in the error, flat memory, and the figures. */
#include <criterion/criterion.h>

#include <spate/value.h>

#include "state/vstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_dir[256];

static void make_dir(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/spate-vstore-XXXXXX");
    cr_assert_not_null(mkdtemp(g_dir));
}

static void remove_dir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(vstore, .init = make_dir, .fini = remove_dir);

static sp_vstore *open_store(int min_deltas, int retain)
{
    sp_vstore_conf conf = {min_deltas, retain};
    return sp_vstore_open(g_dir, &conf);
}

static void put(sp_vstore *v, const char *key, int64_t val)
{
    sp_state_store *s = sp_vstore_store(v);
    spate_value k = spate_cstr(key);
    sp_state_entry *e = sp_state_upsert(s, k, sp_state_hash(k), NULL);
    sp_state_set(s, e, spate_i64(val));
}

static void del(sp_vstore *v, const char *key)
{
    sp_state_store *s = sp_vstore_store(v);
    spate_value k = spate_cstr(key);
    sp_state_entry *e = sp_state_find(s, k, sp_state_hash(k));
    cr_assert_not_null(e, "key %s", key);
    sp_state_remove(s, e);
}

/* The state of key, or -1 when absent. */
static int64_t get(sp_vstore *v, const char *key)
{
    spate_value k = spate_cstr(key);
    sp_state_entry *e = sp_state_find(sp_vstore_store(v), k, sp_state_hash(k));
    return e ? e->val.u.i : -1;
}

static void load(sp_vstore *v, int64_t version)
{
    char err[512] = "";
    cr_assert_eq(sp_vstore_load(v, version, err, sizeof err), SPATE_OK, "load %lld: %s",
                 (long long)version, err);
}

static void commit(sp_vstore *v)
{
    char err[512] = "";
    cr_assert_eq(sp_vstore_commit(v, err, sizeof err), SPATE_OK, "commit: %s", err);
}

static bool file_exists(int64_t version, const char *ext)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%lld.%s", g_dir, (long long)version, ext);
    return access(path, F_OK) == 0;
}

/* Versions 1..n, each setting "a" to its version (StateStoreSuite's
 * updateVersionTo). */
static void commit_versions(sp_vstore *v, int64_t n)
{
    int64_t from = sp_vstore_version(v) < 0 ? 1 : sp_vstore_version(v) + 1;
    for (int64_t i = from; i <= n; i++) {
        load(v, i - 1);
        put(v, "a", i);
        commit(v);
        cr_assert_eq(sp_vstore_version(v), i);
    }
}

Test(vstore, commit_reload_and_rollback)
{
    sp_vstore *v = open_store(10, 100);
    cr_expect_eq(sp_vstore_version(v), -1);
    load(v, 0);
    cr_expect_eq(sp_state_store_len(sp_vstore_store(v)), 0, "version 0 is empty");
    put(v, "a", 1);
    put(v, "b", 2);
    commit(v);
    cr_expect_eq(sp_vstore_version(v), 1);
    cr_expect(file_exists(1, "delta"), "batch 0 writes 1.delta");
    put(v, "a", 3);
    del(v, "b");
    put(v, "c", 4);
    commit(v);
    cr_expect(file_exists(2, "delta"));
    sp_vstore_close(v);

    v = open_store(10, 100);
    load(v, 2);
    cr_expect_eq(get(v, "a"), 3);
    cr_expect_eq(get(v, "b"), -1);
    cr_expect_eq(get(v, "c"), 4);
    load(v, 1); /* rollback */
    cr_expect_eq(get(v, "a"), 1);
    cr_expect_eq(get(v, "b"), 2);
    cr_expect_eq(get(v, "c"), -1);
    load(v, 2); /* forward again, from version 1's store */
    cr_expect_eq(get(v, "a"), 3);
    cr_expect_eq(sp_state_store_len(sp_vstore_store(v)), 2);
    load(v, 0);
    cr_expect_eq(sp_state_store_len(sp_vstore_store(v)), 0);
    sp_vstore_close(v);
}

Test(vstore, load_drops_uncommitted_changes)
{
    sp_vstore *v = open_store(10, 100);
    load(v, 0);
    put(v, "a", 1);
    commit(v);
    put(v, "a", 99);
    put(v, "z", 5);
    load(v, 1);
    cr_expect_eq(get(v, "a"), 1);
    cr_expect_eq(get(v, "z"), -1);
    sp_vstore_close(v);
}

Test(vstore, recommit_replaces_the_version)
{
    sp_vstore *v = open_store(10, 100);
    commit_versions(v, 3);
    load(v, 2); /* batch 2 runs again */
    put(v, "a", 30);
    put(v, "b", 7);
    commit(v);
    cr_expect_eq(sp_vstore_version(v), 3);
    sp_vstore_close(v);
    v = open_store(10, 100);
    load(v, 3);
    cr_expect_eq(get(v, "a"), 30);
    cr_expect_eq(get(v, "b"), 7);
    sp_vstore_close(v);
}

/* A re-run version that had a snapshot (the query restarted with another
 * minDeltasForSnapshot): the snapshot is rewritten, never left holding the
 * earlier run's state. */
Test(vstore, recommit_rewrites_the_snapshot)
{
    sp_vstore *v = open_store(5, 100);
    commit_versions(v, 6);
    cr_assert(file_exists(6, "snapshot"));
    sp_vstore_close(v);
    v = open_store(10, 100);
    load(v, 5);
    put(v, "a", 60);
    commit(v);
    sp_vstore_close(v);
    v = open_store(10, 100);
    load(v, 6);
    cr_expect_eq(get(v, "a"), 60);
    sp_vstore_close(v);
}

Test(vstore, commit_before_load_fails)
{
    sp_vstore *v = open_store(10, 100);
    char err[256] = "";
    cr_expect_eq(sp_vstore_commit(v, err, sizeof err), SPATE_ERR_STATE);
    cr_expect_neq(strstr(err, "no version is loaded"), NULL, "%s", err);
    cr_expect_eq(sp_vstore_load(v, -1, err, sizeof err), SPATE_ERR_INVALID_ARG);
    sp_vstore_close(v);
}

/* StateStoreSuite "snapshotting" (minDeltasForSnapshot = 5): a snapshot once
 * more than 5 deltas follow the last one: versions 6, 12, 18. */
Test(vstore, snapshots_at_the_right_versions)
{
    sp_vstore *v = open_store(5, 100);
    commit_versions(v, 20);
    for (int64_t i = 1; i <= 20; i++) {
        cr_expect(file_exists(i, "delta"), "%lld.delta", (long long)i);
        bool want = i == 6 || i == 12 || i == 18;
        cr_expect_eq(file_exists(i, "snapshot"), want, "%lld.snapshot", (long long)i);
    }
    sp_vstore_close(v);

    /* Loading 20 needs snapshot 18 and deltas 19, 20 only. */
    for (int64_t i = 1; i < 18; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s/%lld.delta", g_dir, (long long)i);
        cr_assert_eq(unlink(path), 0);
    }
    v = open_store(5, 100);
    load(v, 20);
    cr_expect_eq(get(v, "a"), 20);
    load(v, 18);
    cr_expect_eq(get(v, "a"), 18);
    sp_vstore_close(v);
}

/* StateStoreSuite "cleaning", with minBatchesToRetain = 2: versions 19 and
 * 20 stay loadable; they need snapshot 18 and the deltas after it. */
Test(vstore, purge_keeps_what_retained_versions_need)
{
    sp_vstore *v = open_store(5, 2);
    commit_versions(v, 20);
    for (int64_t i = 1; i <= 20; i++) {
        cr_expect_eq(file_exists(i, "delta"), i >= 18, "%lld.delta", (long long)i);
        cr_expect_eq(file_exists(i, "snapshot"), i == 18, "%lld.snapshot", (long long)i);
    }
    sp_vstore_close(v);
    v = open_store(5, 2);
    load(v, 20);
    cr_expect_eq(get(v, "a"), 20);
    load(v, 19);
    cr_expect_eq(get(v, "a"), 19);
    char err[512] = "";
    cr_expect_eq(sp_vstore_load(v, 17, err, sizeof err), SPATE_ERR_NOT_FOUND);
    cr_expect_neq(strstr(err, "/1.delta does not exist"), NULL, "%s", err);
    sp_vstore_close(v);
}

static void damage(int64_t version, bool cut)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%lld.delta", g_dir, (long long)version);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    if (cut) {
        cr_assert_eq(truncate(path, st.st_size - 3), 0);
        return;
    }
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    fseek(f, (long)st.st_size - 2, SEEK_SET);
    int c = fgetc(f);
    fseek(f, (long)st.st_size - 2, SEEK_SET);
    fputc(c ^ 0x10, f);
    fclose(f);
}

static void expect_corrupt_delta_2(bool truncate)
{
    sp_vstore *v = open_store(10, 100);
    commit_versions(v, 3);
    sp_vstore_close(v);
    damage(2, truncate);
    v = open_store(10, 100);
    char err[512] = "";
    cr_expect_eq(sp_vstore_load(v, 3, err, sizeof err), SPATE_ERR_CORRUPT);
    cr_expect_neq(strstr(err, "/2.delta"), NULL, "the error names the file: %s", err);
    cr_expect_eq(sp_vstore_version(v), -1);
    load(v, 1); /* the versions before it still load */
    cr_expect_eq(get(v, "a"), 1);
    sp_vstore_close(v);
}

Test(vstore, truncated_delta_is_named) { expect_corrupt_delta_2(true); }

Test(vstore, bit_flipped_delta_is_named) { expect_corrupt_delta_2(false); }

Test(vstore, missing_version_is_named)
{
    sp_vstore *v = open_store(10, 100);
    commit_versions(v, 3);
    char err[512] = "";
    cr_expect_eq(sp_vstore_load(v, 5, err, sizeof err), SPATE_ERR_NOT_FOUND);
    cr_expect_neq(strstr(err, "/4.delta does not exist"), NULL, "%s", err);
    cr_expect_neq(strstr(err, "version 5"), NULL, "%s", err);
    sp_vstore_close(v);
}

/* 200 versions of the same 100 keys: memory holds the live keys only. */
Test(vstore, memory_stays_flat_over_versions)
{
    sp_vstore *v = open_store(10, 5);
    spate_arena *a = spate_arena_new();
    size_t bytes_at_10 = 0;
    for (int i = 0; i < 200; i++) {
        load(v, i);
        for (int k = 0; k < 100; k++) {
            spate_value key = spate_str_printf(a, "key-%03d", k);
            sp_state_store *s = sp_vstore_store(v);
            sp_state_entry *e = sp_state_upsert(s, key, sp_state_hash(key), NULL);
            sp_state_set(s, e, spate_str_printf(a, "value-%08d", i * 1000 + k));
        }
        commit(v);
        if (i == 10) bytes_at_10 = sp_state_store_bytes(sp_vstore_store(v));
    }
    cr_expect_eq(sp_state_store_bytes(sp_vstore_store(v)), bytes_at_10);
    cr_expect_eq(sp_vstore_get_metrics(v).memory_bytes, (int64_t)bytes_at_10);
    int files = 0;
    for (int64_t i = 1; i <= 200; i++)
        files += file_exists(i, "delta") + file_exists(i, "snapshot");
    cr_expect_leq(files, 5 + 11 + 1, "old files are purged (%d left)", files);
    spate_arena_destroy(a);
    sp_vstore_close(v);
}

Test(vstore, metrics)
{
    sp_vstore *v = open_store(1, 100);
    load(v, 0);
    put(v, "a", 1);
    put(v, "b", 2);
    put(v, "c", 3);
    sp_vstore_metrics m = sp_vstore_get_metrics(v);
    cr_expect_eq(m.num_updated, 3, "before the commit: the changes so far");
    commit(v);
    m = sp_vstore_get_metrics(v);
    cr_expect_eq(m.num_keys, 3);
    cr_expect_eq(m.num_updated, 3);
    cr_expect_eq(m.num_removed, 0);
    cr_expect_eq(m.files_written, 1, "version 1: a delta");
    cr_expect_gt(m.memory_bytes, 0);
    cr_expect_geq(m.commit_time_ms, 0);

    put(v, "a", 10);
    put(v, "b", 2); /* the same state: not an update */
    del(v, "c");
    put(v, "d", 4);
    commit(v);
    m = sp_vstore_get_metrics(v);
    cr_expect_eq(m.num_keys, 3);
    cr_expect_eq(m.num_updated, 2);
    cr_expect_eq(m.num_removed, 1);
    cr_expect_eq(m.files_written, 2, "version 2: a delta and a snapshot");

    load(v, 2);
    m = sp_vstore_get_metrics(v);
    cr_expect_eq(m.num_updated, 0, "after a load: nothing changed yet");
    cr_expect_eq(m.num_removed, 0);
    cr_expect_eq(m.cache_hits, 1, "version 2 is the store kept");
    cr_expect_eq(m.cache_misses, 0, "version 0 reads nothing");
    load(v, 1);
    load(v, 1);
    m = sp_vstore_get_metrics(v);
    cr_expect_eq(m.cache_hits, 2);
    cr_expect_eq(m.cache_misses, 1);
    sp_vstore_close(v);
}

/* A directory that cannot be made: the commit fails naming it, and the
 * store must be loaded again before the next commit. */
Test(vstore, commit_io_error_names_the_directory)
{
    char file[300], dir[320];
    snprintf(file, sizeof file, "%s/plain", g_dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fclose(f);
    snprintf(dir, sizeof dir, "%s/state", file);
    sp_vstore_conf conf = {10, 100};
    sp_vstore *v = sp_vstore_open(dir, &conf);
    load(v, 0);
    put(v, "a", 1);
    char err[512] = "";
    cr_expect_eq(sp_vstore_commit(v, err, sizeof err), SPATE_ERR_IO);
    cr_expect_neq(strstr(err, dir), NULL, "%s", err);
    cr_expect_eq(sp_vstore_commit(v, err, sizeof err), SPATE_ERR_STATE);
    load(v, 0);
    cr_expect_eq(get(v, "a"), -1, "the failed commit's change is gone");
    cr_expect_eq(sp_vstore_load(v, 1, err, sizeof err), SPATE_ERR_NOT_FOUND);
    cr_expect_neq(strstr(err, "/1.delta does not exist"), NULL, "%s", err);
    sp_vstore_close(v);
}
