/* vstore.h - a versioned state store: the state of one stateful operator's
 * partition in a streaming query, as Spark's HDFSBackedStateStoreProvider
 * keeps it. Version 0 is empty; committing after batch N writes version
 * N + 1. In the partition's directory (<checkpoint>/state/<op>/<part>/):
 *   <v>.delta     the keys changed and removed by version v (a checkpoint
 *                 file, ckpt_io.h: checksummed, written atomically);
 *   <v>.snapshot  every live key of version v, written once
 *                 min_deltas_for_snapshot deltas have followed the last one.
 * Loading version v reads the newest snapshot at or below v and the deltas
 * after it. Committing purges the files no version at or above
 * (latest - min_versions_to_retain + 1) needs.
 *
 * The live store (state_store.h) is the operator's to read and change
 * between a load and a commit; its dirty list is the next delta. Memory
 * holds the live keys only: never one copy per version.
 *
 * Threads: one thread at a time (the task of the partition). */
#ifndef SP_STATE_VSTORE_H
#define SP_STATE_VSTORE_H

#include "state/state_store.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_vstore_conf {
    int min_deltas_for_snapshot; /* spate.sql.streaming.stateStore.minDeltasForSnapshot */
    int min_versions_to_retain;  /* spate.sql.streaming.minBatchesToRetain */
} sp_vstore_conf;

typedef struct sp_vstore_metrics {
    int64_t num_keys;       /* live keys */
    int64_t memory_bytes;   /* sp_state_store_bytes */
    int64_t num_updated;    /* keys inserted or changed since the load */
    int64_t num_removed;    /* keys removed since the load */
    int64_t commit_time_ms; /* the last commit's duration */
    int64_t files_written;  /* by the last commit (delta, snapshot) */
    /* Loads of a version above 0 since open: served by the kept store, or
     * read from the files (Spark's loadedMapCacheHitCount and
     * loadedMapCacheMissCount custom metrics). */
    int64_t cache_hits, cache_misses;
} sp_vstore_metrics;

typedef struct sp_vstore sp_vstore;

/* The store of directory dir (made on the first commit). Nothing is read
 * until sp_vstore_load. */
sp_vstore *sp_vstore_open(const char *dir, const sp_vstore_conf *conf);
void sp_vstore_close(sp_vstore *v);

/* Makes the live store the state of version (0: empty). Loading the version
 * last committed or loaded costs nothing (its store is kept); any other is
 * rebuilt from the files. SPATE_ERR_NOT_FOUND naming the missing file when a
 * version's files are gone; SPATE_ERR_CORRUPT naming the damaged file. Any
 * uncommitted change is dropped. */
spate_err sp_vstore_load(sp_vstore *v, int64_t version, char *errstr, size_t errstr_size);
/* The live store (valid until close). */
sp_state_store *sp_vstore_store(sp_vstore *v);
/* The version loaded or committed last; -1 before the first load. */
int64_t sp_vstore_version(const sp_vstore *v);

/* Writes version + 1 from the live store's changes (a delta; a snapshot too
 * when due), purges what is no longer needed, and makes version + 1 the
 * current one. A version that already exists on disk is replaced (a batch
 * run again after a crash writes the same changes). SPATE_ERR_IO naming the
 * file. */
spate_err sp_vstore_commit(sp_vstore *v, char *errstr, size_t errstr_size);

/* Deferred durability: commits write their files atomically but without
 * fsync (a crash of the process loses nothing; a power failure may), and
 * purging keeps one more version, so the version before the last commit
 * stays loadable from files made durable earlier. The caller makes the
 * files durable (one syncfs for every partition) before it records the
 * batch as committed. Off by default. */
void sp_vstore_defer_sync(sp_vstore *v, bool defer);

/* Figures of the live store and the last commit. */
sp_vstore_metrics sp_vstore_get_metrics(const sp_vstore *v);

#endif
