/* batch_exec.h - running one batch of a physical plan (physical.h) on the
 * executor pool:
 *
 *   stage 1, one task per input partition: read the partition's batches,
 *     run `pre` on each; a stateless plan keeps the results, an aggregating
 *     one adds them to the task's partial table (agg.h);
 *   stage 2 (aggregating plans), one task per shuffle partition p: merge the
 *     partial groups whose key hash falls in p into p's state store, then
 *     emit p's rows for the output mode (complete: every key; update: the
 *     keys this batch changed; append: the keys the watermark expired)
 *     and run `post` on them; with a watermark, remove the expired keys;
 *   driver: the driver steps (SORT, LIMIT, narrow nodes above them) over the
 *     whole output.
 * Streaming and static queries run the same way: a static aggregation gets
 * fresh stores and complete mode.
 *
 * Threads: sp_batch_run on the query's (or the caller's) thread; the hooks
 * on executor threads, one partition each. */
#ifndef SP_SQL_BATCH_EXEC_H
#define SP_SQL_BATCH_EXEC_H

#include "exec/pool.h"
#include "sql/physical.h"
#include "sql/sink.h"
#include "sql/source.h"
#include "state/state_store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where stage 1 reads from: nparts partitions, read(ud, part, ...) pushes a
 * partition's batches (made in a) to emit. */
typedef struct sp_batch_input {
    int nparts;
    spate_err (*read)(void *ud, int part, spate_arena *a, sp_source_emit_fn emit, void *emit_ud,
                      sp_source_counters *c, char *err, size_t err_size);
    void *ud;
    /* The physical input (ph->inputs) each partition reads; NULL: all 0. */
    const int *part_input;
    /* When not NULL: the rows read per input, added to by the run. */
    int64_t *input_rows;
} sp_batch_input;

/* The state stores of an aggregation, one per shuffle partition: begin
 * hands over store p ready for this batch (a versioned store loaded at the
 * batch's version), end commits it when ok (or drops its changes). Executor
 * threads, partition p's task. */
typedef struct sp_batch_state {
    int nparts;
    spate_err (*begin)(void *ud, int part, sp_state_store **store, char *err, size_t err_size);
    spate_err (*end)(void *ud, int part, bool ok, char *err, size_t err_size);
    void *ud;
} sp_batch_state;

typedef struct sp_batch_env {
    sp_pool *pool;
    const sp_tz *tz;
    bool ansi;
    int64_t now_us; /* current_timestamp() of the batch */
    sp_output_mode mode;
    /* A static query: an aggregation without GROUP BY gives its one row
     * even over no input (count 0, sum NULL), as Spark's batch plans do. */
    bool global_row;
    const sp_batch_state *state; /* aggregating plans */
    /* The plan's join tables, built for this batch (sp_join_tables_build). */
    struct sp_join_table *const *join_tables;
    /* Optional, stateless plans: takes each output batch of partition part
     * in the task that made it (executor threads, several at once), which
     * then keeps nothing: the result has no rows. False fails the batch
     * with the message in err. */
    bool (*consume)(void *ud, int part, const sp_colbatch *b, char *err, size_t err_size);
    void *consume_ud;
    /* Event time (ph->agg_wm_key >= 0, append or update mode): stage 1
     * drops the rows whose group expired (key + span <= watermark_us) and
     * counts them; stage 2 emits (append) and removes the expired groups. */
    bool use_watermark;
    int64_t watermark_us;
    /* Keep the rows dropped as late (the stateful operator's input
     * columns) in the result's late batches. */
    bool keep_late;
    /* Optional: ph->nwm stats the run adds what its WATERMARK steps saw to. */
    struct sp_event_time_stats *event_time;
} sp_batch_env;

/* Figures of one run, for the progress report. */
typedef struct sp_batch_stats {
    int64_t input_rows, malformed, input_bytes;
    int64_t state_rows_total, state_rows_updated, state_memory_bytes;
    int64_t state_rows_removed, rows_dropped_by_watermark;
    int64_t dedup_rows; /* rows into the stateful operator (dropDuplicates' input) */
    int64_t state_update_ms, state_removal_ms, state_commit_ms; /* summed over partitions */
    int64_t output_rows;                                        /* rows in the result */
    int64_t consumed_rows; /* rows handed to env->consume instead */
} sp_batch_stats;

typedef struct sp_batch_result {
    sp_colbatch **batches; /* the output, in order (>= 1; an empty one when no row) */
    size_t nbatches;
    sp_batch_stats stats;
    sp_colbatch **late; /* env->keep_late: the rows dropped as late, nlate batches */
    size_t nlate;
    char error[1024]; /* when the run failed */
    /* private: the memory of the output */
    spate_arena **arenas;
    int narenas;
} sp_batch_result;

/* Runs ph over in. SPATE_OK with the output in *r, or an error with the
 * message in r->error. Free r with sp_batch_result_free either way. */
spate_err sp_batch_run(const sp_physical *ph, const sp_batch_input *in, const sp_batch_env *env,
                       sp_batch_result *r);
void sp_batch_result_free(sp_batch_result *r);

#endif
