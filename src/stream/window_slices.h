/* window_slices.h - the per-batch data a window operator keeps: one slice per
 * parent batch, in memory the operator owns, so the batches' own scopes can be
 * freed long before the batch leaves an hour-long window.
 *
 * Life of a slice:
 *   1. generator thread: compute() hands the parent's RDD of batch time t to
 *      the ring (sp_wslices_capture); the slice is PENDING and remembers that
 *      RDD, which lives in batch t's scope.
 *   2. job thread, inside a job of a batch >= t: sp_wslices_ingest
 *      materializes the RDD once and deep-copies its values into the slice's
 *      own arena (READY). Pending slices are ingested oldest first, each
 *      exactly once. A slice whose batch scope may already be gone, or whose
 *      RDD failed, becomes LOST: it counts as an empty batch.
 *   3. job thread: sp_wslices_evict frees slices the operator no longer needs.
 *
 * Layout: SP_WSLICE_ELEMENTS keeps the RDD's partitions as they are (a plain
 * window hands them out again); SP_WSLICE_PAIRS keeps (k, v) pairs flat,
 * parts[i] = k0, v0, k1, v1... (lens counts values, twice the pairs), for the
 * per-batch reductions of reduceByKeyAndWindow with an inverse.
 *
 * Threads: the ring's list is guarded by `mu` (the generator appends and lists,
 * the job thread ingests and evicts). A slice's contents are touched only by
 * the job thread; a slice pointer stays valid until the job thread evicts it.
 */
#ifndef SP_WINDOW_SLICES_H
#define SP_WINDOW_SLICES_H

#include "stream/dstream_int.h"

#include <pthread.h>

typedef enum sp_wslice_state {
    SP_WSLICE_PENDING, /* captured, not yet materialized */
    SP_WSLICE_READY,   /* parts hold the batch's values */
    SP_WSLICE_LOST,    /* empty: its RDD failed or expired before ingestion */
} sp_wslice_state;

typedef enum sp_wslice_layout { SP_WSLICE_ELEMENTS, SP_WSLICE_PAIRS } sp_wslice_layout;

typedef struct sp_wslice {
    int64_t time;        /* the parent batch's time */
    int nparts;          /* fixed when captured (the source RDD's partition count) */
    spate_value **parts; /* READY: nparts arrays in arena (NULL where empty) */
    size_t *lens;
    spate_arena *arena; /* the slice's memory, NULL until ingested */
    spate_rdd *source;  /* PENDING only: the batch's RDD */
    sp_wslice_state state;
    bool saved; /* already written by a checkpoint (deltas skip it) */
} sp_wslice;

typedef struct sp_wslices {
    pthread_mutex_t mu;
    sp_wslice **items; /* oldest first, distinct times */
    int len, cap;
    sp_wslice_layout layout;
    int64_t captured_until; /* generator: the newest parent time captured */
} sp_wslices;

void sp_wslices_init(sp_wslices *r, sp_wslice_layout layout);
/* Frees every slice. No other thread may use r. */
void sp_wslices_free(sp_wslices *r);

/* Maps the parent's batch RDD to what the slice keeps (reduceByKey for the
 * inverse forms); NULL ud-less identity when the slice keeps it as is. */
typedef spate_rdd *(*sp_wslice_prep_fn)(spate_rdd *parent_rdd, void *ud);

/* Generator thread, from compute(s, t): captures the parent's RDDs of the
 * batch times in (t - reach, t] not captured yet, as pending slices. reach is
 * how far back the parent's RDDs are guaranteed to be remembered (the
 * windowed stream's slide: see sp_window_remember_parents). Parent batch
 * times at or before the context's zero time are skipped. */
void sp_wslices_capture(sp_wslices *r, spate_stream *parent, int64_t t, spate_duration reach,
                        sp_batch *b, sp_wslice_prep_fn prep, void *ud);

/* Job thread, with the run lock held (inside a K_PREPARED callback):
 * materializes the pending slices with time <= upto, oldest first. Those with
 * time <= alive_after are marked LOST without touching their RDD (its batch
 * scope may be freed). Returns the first failure (the slice is LOST, later
 * ones are still ingested) with its message in err. */
spate_err sp_wslices_ingest(sp_wslices *r, int64_t upto, int64_t alive_after, char *err,
                            size_t err_size);

/* Job thread: frees the slices with time <= horizon. */
void sp_wslices_evict(sp_wslices *r, int64_t horizon);

/* The slices with from < time <= to, oldest first: up to cap pointers into
 * out; returns how many there are (which may exceed cap). Any thread. */
int sp_wslices_range(sp_wslices *r, int64_t from, int64_t to, sp_wslice **out, int cap);

/* How many slices the ring holds (tests, memory checks). Any thread. */
int sp_wslices_count(sp_wslices *r);

/* Checkpointing, job thread. Writes the READY/LOST slices with
 * from < time <= to (all of them when full, else only those not saved yet)
 * and marks them saved. */
void sp_wslices_save(sp_wslices *r, int64_t from, int64_t to, bool full, sp_ckpt_out *w);
/* Reads slices written by sp_wslices_save and adds them (replacing a slice of
 * the same time). Before start. false when the body is damaged. */
bool sp_wslices_load(sp_wslices *r, sp_ckpt_in *in);

#endif
