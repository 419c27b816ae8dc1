/* state_int.h - what updateStateByKey (state_ops.c) and mapWithState
 * (map_with_state.c) share: the per-partition stores of a stateful stream,
 * how keys are placed into partitions, the batch ordering rules, the initial
 * state, the checkpoint hooks, and the State handle of mapping functions.
 *
 * How a batch runs: compute(t) (generator thread) builds the batch's data
 * shuffled by the state's partitioner and a K_PREPARED RDD over it; when the
 * job thread first needs that RDD, its prepare callback runs one task per
 * state partition, which updates stores[part] and leaves the partition's
 * output values in the batch's memory. The scheduler prepares stateful RDDs
 * every batch, in batch order, so each store sees each batch once. */
#ifndef SP_STATE_INT_H
#define SP_STATE_INT_H

#include <spate/state.h>

#include "exec/shuffle.h"
#include "state/state_store.h"
#include "stream/dstream_int.h"

typedef struct sp_keyed_state {
    int nparts;
    spate_partitioner part;  /* part.partition NULL: hash partitioning */
    sp_state_store **stores; /* one per partition */
    spate_rdd *initial;      /* (key, state) pairs for the first batch, or NULL */
    bool initialized;        /* initial state applied, or state loaded */
    int64_t last_time;       /* the last batch applied, INT64_MIN before any */
    spate_duration slide;
} sp_keyed_state;

/* Sets up k for a stream of ctx: p (copied) or, when NULL, hash partitioning
 * into nparts (<= 0: the default parallelism). time_order: stores keep their
 * entries by update time (timeouts). Takes initial (may be NULL). Returns
 * false with the context's error set when p is invalid. */
bool sp_keyed_state_init(sp_keyed_state *k, spate_ctx *ctx, const spate_partitioner *p, int nparts,
                         spate_rdd *initial, bool time_order);
void sp_keyed_state_free(sp_keyed_state *k);
/* The partition of key (-1 when a custom partitioner answers out of range). */
int sp_keyed_state_place(const sp_keyed_state *k, spate_value key);
/* data moved to the state's partitions: group (k, List(v...)) or
 * partitionBy (the pairs in order). */
spate_rdd *sp_keyed_state_shuffle(const sp_keyed_state *k, spate_rdd *data, sh_kind kind);
/* "nparts=2 partitioner=hash initial=0" for the graph fingerprint. */
int sp_keyed_state_params(const sp_keyed_state *k, char *buf, size_t size);

/* Before batch t's tasks (job thread): refuses a batch older than one
 * already applied (its state is gone), warns about skipped batches, and at
 * the first batch copies the initial state into the stores (touched at t
 * when touch_initial). Errors go to scope. */
spate_err sp_keyed_state_begin_batch(sp_keyed_state *k, int64_t t, bool touch_initial,
                                     sp_scope *scope);

/* The checkpoint hooks' work (sp_stream_ops.save_state / load_state). */
spate_err sp_keyed_state_save(sp_keyed_state *k, bool full, sp_ckpt_out *w);
spate_err sp_keyed_state_load(sp_keyed_state *k, spate_ctx *ctx, int64_t t, bool full,
                              sp_ckpt_in *r);

/* Live keys and bytes held by every store of a stateful stream (made by
 * updateStateByKey or mapWithState; 0 for other streams). For benchmarks and
 * tests; job thread or while the context is not running. */
void sp_state_stream_usage(spate_stream *s, size_t *keys, size_t *bytes);
/* The stateful streams' ops (state_ops.c, map_with_state.c); their impls
 * start with their sp_keyed_state. */
extern const sp_stream_ops sp_state_dstream_ops;
extern const sp_stream_ops sp_map_with_state_ops;
/* The keyed state of a stateful stream, NULL for other streams. */
sp_keyed_state *sp_state_stream_keyed(spate_stream *s);

/* A task's output vector becomes partition part of a prepared RDD. */
void sp_state_emit_part(spate_task *t, sp_vvec *out, spate_value **parts, size_t *lens, int part);

/* ---- mapWithState's State handle (state_api.c) ---- */
struct spate_state {
    spate_task *task;
    spate_value stored; /* the store's state (store memory) when defined */
    spate_value value;  /* what get returns: a task copy of stored, or the update */
    bool defined, have_value, updated, removed, timing_out;
};

struct spate_state_spec {
    spate_state_mapping_fn fn;
    spate_state_mapping_time_fn fn_time;
    void *ud;
    spate_rdd *initial;
    int nparts;
    spate_partitioner part;
    bool has_part;
    spate_duration timeout;
    bool has_timeout;
};

#endif
