/* ckpt_meta.h - the metadata checkpoint of a StreamingContext (Spark's
 * Checkpoint object): what a restarted program needs, besides the state
 * files, to carry on exactly where the crashed one stopped.
 *
 * On disk: <dir>/checkpoint-<ms>, an entry log (logs/entry_log.h) of files
 * of kind "metadata" (ckpt_io.h), where <ms> is the newest batch generated when it was written.
 * Each write holds the whole current picture (not a change), so the file
 * with the highest time is the one to load; a few older ones are kept
 * (SP_CKPT_KEEP_METADATA) and older ones deleted.
 *
 * Body, format version 1, in this order:
 *   i64 time, i64 batch interval, i64 zero time
 *   u64 nconf, then nconf (str key, str value)      keys set to a non-default value
 *   str graph description, u64 fingerprint          fingerprint.c
 *   i64 restart time R, i64 last completed batch
 *   u64 nchains, then (u64 stream id, u64 nfiles, nfiles (i64 time, u8 full))
 *   u64 npending, then npending i64 times            generated, not completed
 *   u64 nbatches, then (i64 time, u64 n, n (u64 input id, bytes save_batch_input))
 *   u64 npositions, then (u64 input id, bytes save_position)
 *
 * R is the point a restart resumes from: every stateful stream's state as of
 * batch R is in its chain (the latest full snapshot and the deltas after it,
 * the last one written at R); every batch after R runs again. Without
 * stateful streams R is the last completed batch. `batches` holds what each
 * input took for every batch after R - remember (the graph's longest remember
 * duration: windows re-run after R read batches before it).
 *
 * Not thread-safe: the live copy is guarded by the checkpoint writer's lock. */
#ifndef SP_CKPT_META_H
#define SP_CKPT_META_H

#include <spate/core.h>

#include "logs/ckpt_io.h"

enum { SP_CKPT_META_VERSION = 1, SP_CKPT_KEEP_METADATA = 10 };

/* Bytes one stream wrote through a checkpoint hook (malloc'd). */
typedef struct sp_ckpt_blob {
    int stream;
    char *data;
    size_t len;
} sp_ckpt_blob;

/* What every input took for one batch. */
typedef struct sp_ckpt_inputs {
    int64_t time;
    sp_ckpt_blob *v;
    int n;
} sp_ckpt_inputs;

typedef struct sp_ckpt_file {
    int64_t time;
    bool full;
} sp_ckpt_file;

/* A stateful stream's state files since its latest full snapshot. */
typedef struct sp_ckpt_chain {
    int stream;
    sp_ckpt_file *v;
    int n, cap;
    /* Not written: the next data checkpoint must be full (after a failed
     * write, or the first after a recovery). */
    bool force_full;
} sp_ckpt_chain;

typedef struct sp_ckpt_kv {
    char *key, *value;
} sp_ckpt_kv;

typedef struct sp_ckpt_meta {
    int64_t time;
    int64_t batch, zero_time;
    sp_ckpt_kv *conf;
    int nconf;
    char *graph;
    uint64_t fingerprint;
    int64_t restart, last_completed;
    sp_ckpt_chain *chains;
    int nchains;
    int64_t *pending;
    int npending, pending_cap;
    sp_ckpt_inputs *batches; /* by time */
    int nbatches, batches_cap;
    sp_ckpt_blob *positions;
    int npositions;
} sp_ckpt_meta;

void sp_ckpt_meta_free(sp_ckpt_meta *m);
void sp_ckpt_blobs_free(sp_ckpt_blob *v, int n);

void sp_ckpt_meta_encode(const sp_ckpt_meta *m, sp_ckpt_out *w);
/* Fills m (free with sp_ckpt_meta_free, also on failure). SPATE_ERR_CORRUPT
 * with in->path and what is malformed in errstr. */
spate_err sp_ckpt_meta_decode(sp_ckpt_in *in, sp_ckpt_meta *m, char *errstr, size_t errstr_size);

/* <dir>/checkpoint-<time>. */
void sp_ckpt_meta_path(char *buf, size_t size, const char *dir, int64_t time);
spate_err sp_ckpt_meta_write(const char *dir, const sp_ckpt_meta *m, char *errstr,
                             size_t errstr_size);
/* Reads and checks one metadata file. */
spate_err sp_ckpt_meta_read(const char *path, sp_ckpt_meta *m, char *errstr, size_t errstr_size);
/* The time of the newest metadata file in dir; SPATE_ERR_NOT_FOUND when dir
 * has none (or does not exist). Names are checkpoint-<digits> exactly:
 * temporary files are ignored. */
spate_err sp_ckpt_meta_latest(const char *dir, int64_t *time);
/* The times of dir's metadata files, ascending (*times malloc'd); 0 when
 * dir does not exist, -1 when it cannot be read. */
int sp_ckpt_meta_list(const char *dir, int64_t **times);
/* Deletes all but the newest `keep` metadata files of dir. */
void sp_ckpt_meta_prune(const char *dir, int keep);

/* Editing the live copy. */
sp_ckpt_chain *sp_ckpt_meta_chain(sp_ckpt_meta *m, int stream, bool create);
void sp_ckpt_chain_add(sp_ckpt_chain *c, int64_t time, bool full);
/* Replaces the record of batch t (or inserts it in time order); takes v. */
void sp_ckpt_meta_set_inputs(sp_ckpt_meta *m, int64_t t, sp_ckpt_blob *v, int n);
/* Drops the input records of batches at or before t. */
void sp_ckpt_meta_drop_inputs(sp_ckpt_meta *m, int64_t t);
void sp_ckpt_meta_add_pending(sp_ckpt_meta *m, int64_t t);
void sp_ckpt_meta_remove_pending(sp_ckpt_meta *m, int64_t t);
/* Replaces the positions; takes v. */
void sp_ckpt_meta_set_positions(sp_ckpt_meta *m, sp_ckpt_blob *v, int n);

#endif
