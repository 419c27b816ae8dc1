/* spate/state.h - state that lives across batches: updateStateByKey and
 * mapWithState (Spark's PairDStreamFunctions and StateSpec).
 *
 * State is kept per key in a state store owned by the stream (not by a
 * batch): its memory grows with the number of live keys, never with the
 * number of batches. Keys and state values are deep-copied into the store;
 * values a callback returns are made in spate_task_arena as usual. Values
 * handed to callbacks (keys, states, Some(value)) live in the batch's memory,
 * so a callback may return them or put them in its result.
 *
 * A batch updates the state once, however many outputs read it. When a
 * callback fails its task, the batch fails; the partitions and records it had
 * already updated keep their new state (there is no rollback).
 *
 * Stateful streams need a checkpoint directory (spate_ctx_checkpoint):
 * spate_ctx_start fails with a clear error without one, as Spark does.
 *
 * Threads: the state callbacks run on executor threads, one task per state
 * partition; keys are hash partitioned (or by the given partitioner) the same
 * way every batch, so one key is only ever seen by one task at a time.
 */
#ifndef SPATE_STATE_H
#define SPATE_STATE_H

#include <spate/export.h>

#include <spate/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Spark's Partitioner: nparts partitions, and partition(key) in [0, nparts)
 * (an answer out of range fails the batch). partition NULL means Spark's
 * HashPartitioner(nparts). partition runs on executor threads, several at
 * once, and on the job thread: it must not write shared memory. */
typedef struct spate_partitioner {
    int nparts;
    int (*partition)(spate_value key, int nparts, void *ud);
    void *ud;
} spate_partitioner;

/* ---- updateStateByKey ---------------------------------------------------- */
/* Spark's (Seq[V], Option[S]) => Option[S]. values is a SPATE_LIST of the
 * batch's values for the key, in arrival order (an empty list when the key
 * had none this batch: the function runs for every key every batch); state is
 * SPATE_SOME(s) or SPATE_NONE. Return SPATE_SOME(new state), or SPATE_NONE to
 * remove the key; anything else fails the task. The output stream has a
 * (key, state) pair for every live key. */
typedef spate_value (*spate_update_state_fn)(spate_task *t, spate_value values, spate_value state,
                                             void *ud);
/* nparts <= 0: the default parallelism. */
SPATE_API spate_stream *spate_stream_update_state_by_key(spate_stream *s, spate_update_state_fn fn,
                                                         void *ud, int nparts);
/* With a partitioner (copied) and an initial state: an RDD of (key, state)
 * pairs made by spate_ctx_parallelize (taken; may be NULL). */
SPATE_API spate_stream *spate_stream_update_state_by_key_with(spate_stream *s,
                                                              spate_update_state_fn fn, void *ud,
                                                              const spate_partitioner *p,
                                                              spate_rdd *initial);
/* The time-aware form, Spark's updateStateByKey(updateFunc: (Time, K, Seq[V],
 * Option[S]) => Option[S], partitioner, rememberPartitioner, initialRDD):
 * the same calls and rules as spate_update_state_fn (every live key, every
 * batch), also given the batch time in ms and the key. key, values and state
 * live in the batch's memory (fn may return them or put them in its
 * result). p may be NULL (hash, default parallelism); initial may be NULL
 * (else taken, as above). The state always keeps its partitioner from batch
 * to batch, as Spark's rememberPartitioner = true (with false, Spark
 * reshuffles the state every batch, for the same results). Program thread, before
 * start; fn runs on executor threads, one task per state partition. NULL
 * (with spate_ctx_last_error) when fn is NULL or p is invalid. */
typedef spate_value (*spate_update_state_time_fn)(spate_task *t, int64_t time_ms, spate_value key,
                                                  spate_value values, spate_value state, void *ud);
SPATE_API spate_stream *spate_stream_update_state_by_key_time(spate_stream *s,
                                                              spate_update_state_time_fn fn,
                                                              void *ud, const spate_partitioner *p,
                                                              spate_rdd *initial);
/* The iterator form, Iterator[(K, Seq[V], Option[S])] => Iterator[(K, S)]:
 * fn gets every (key, List(values), Option(state)) 3-tuple of one partition
 * and pushes the (key, state) pairs to keep to out; keys it does not push are
 * removed. The output is what fn pushed; a key pushed twice keeps the last
 * state. p may be NULL (hash, default parallelism); initial may be NULL. */
typedef void (*spate_update_state_iter_fn)(spate_task *t, const spate_value *triples, size_t n,
                                           spate_sink *out, void *ud);
SPATE_API spate_stream *spate_stream_update_state_by_key_iter(spate_stream *s,
                                                              spate_update_state_iter_fn fn,
                                                              void *ud, const spate_partitioner *p,
                                                              spate_rdd *initial);

/* ---- mapWithState --------------------------------------------------------- */
/* Spark's State[S]: the state of one key inside a mapping function call,
 * valid only during that call. */
typedef struct spate_state spate_state;
SPATE_API bool spate_state_exists(const spate_state *st);
/* SPATE_ERR_STATE when there is none ("State is not set"); the task fails. */
SPATE_API spate_err spate_state_get(spate_state *st, spate_value *out);
/* SPATE_SOME(state) or SPATE_NONE. */
SPATE_API spate_value spate_state_get_option(const spate_state *st);
/* SPATE_ERR_STATE (and the task fails) after remove ("Cannot update the state
 * after it has been removed") or while timing out ("Cannot update the state
 * that is timing out"). v is deep-copied into the store. */
SPATE_API spate_err spate_state_update(spate_state *st, spate_value v);
/* SPATE_ERR_STATE while timing out or when already removed. */
SPATE_API spate_err spate_state_remove(spate_state *st);
/* True in the last call for a key that stayed idle longer than the timeout. */
SPATE_API bool spate_state_is_timing_out(const spate_state *st);

/* Spark's (K, Option[V], State[S]) => M: called once per record of the batch,
 * in the records' order within the key's partition, with value SPATE_SOME(v),
 * and once with SPATE_NONE for a key timing out. Every call's result is an
 * element of the mapped stream. */
typedef spate_value (*spate_state_mapping_fn)(spate_task *t, spate_value key, spate_value value,
                                              spate_state *state, void *ud);
/* Spark's (Time, K, Option[V], State[S]) => Option[M]: the same with the
 * batch time; return SPATE_SOME(m) to emit m, SPATE_NONE to emit nothing. */
typedef spate_value (*spate_state_mapping_time_fn)(spate_task *t, int64_t time_ms, spate_value key,
                                                   spate_value value, spate_state *state, void *ud);

typedef struct spate_state_spec spate_state_spec;
SPATE_API spate_state_spec *spate_state_spec_function(spate_state_mapping_fn fn, void *ud);
SPATE_API spate_state_spec *spate_state_spec_function_time(spate_state_mapping_time_fn fn,
                                                           void *ud);
/* (key, state) pairs to start from; an RDD made by spate_ctx_parallelize (taken). */
SPATE_API void spate_state_spec_initial_state(spate_state_spec *spec, spate_rdd *initial);
SPATE_API void spate_state_spec_num_partitions(spate_state_spec *spec, int nparts);
SPATE_API void spate_state_spec_partitioner(spate_state_spec *spec, const spate_partitioner *p);
/* Keys without data for longer than idle get one last call with
 * spate_state_is_timing_out true (value SPATE_NONE), then are removed: a key
 * whose last data came at batch time u times out at the first batch t with
 * u < t - idle. Spark checks this only at batches that checkpoint the state;
 * spate checks at every batch, at the cost of the idle keys only. Data keeps
 * a key alive even when the function does not update its state. */
SPATE_API void spate_state_spec_timeout(spate_state_spec *spec, spate_duration idle);
/* Frees a spec that was not passed to spate_stream_map_with_state. */
SPATE_API void spate_state_spec_destroy(spate_state_spec *spec);

/* mapWithState: takes spec (freed by the stream, also on failure). Only keys
 * with data in the batch (and, with a timeout, keys timing out) cost work.
 * Default partitions: the default parallelism, hash partitioned; the data
 * checkpoint interval defaults to 10 slides, as in Spark. */
SPATE_API spate_stream *spate_stream_map_with_state(spate_stream *pairs, spate_state_spec *spec);
/* stateSnapshots(): every (key, state) pair after each batch. mapped must be
 * a stream returned by spate_stream_map_with_state; before start. Costs a copy
 * of the whole state per batch. */
SPATE_API spate_stream *spate_stream_state_snapshots(spate_stream *mapped);

#ifdef __cplusplus
}
#endif
#endif
