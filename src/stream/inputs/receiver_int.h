/* receiver_int.h - the receiver input streams' DStream side, shared by
 * receiverStream and the socket streams: an adapter over the supervisor core
 * (Spark's ReceiverSupervisorImpl + BlockGenerator + RateLimiter) in
 * connect/receiver_supervisor.h.
 *
 * One supervisor per receiver input stream. ops->start starts a thread that
 * runs def->on_start; spate_receiver_store appends deep copies to the current
 * block; compute() at batch time swaps the block out and makes it the batch's
 * RDD. A receiver source defines its own sp_stream_ops (for its log name) from
 * the sp_receiver_* functions below. */
#ifndef SP_RECEIVER_INT_H
#define SP_RECEIVER_INT_H

#include "stream/dstream_int.h"

/* Program thread. Makes an input stream driven by def (copied; def->name may
 * be NULL). ops must use the sp_receiver_* functions for compute, start,
 * stop, has_pending and destroy. free_ud (may be NULL) frees def->ud when the
 * stream is destroyed (and when this fails). NULL when the context is not
 * INITIALIZED. */
spate_stream *sp_receiver_stream_new(spate_ctx *ctx, const sp_stream_ops *ops,
                                     const spate_receiver_def *def, void (*free_ud)(void *));

/* The ops of a receiver stream (see sp_stream_ops for threads). */
spate_rdd *sp_receiver_compute(spate_stream *s, int64_t t, sp_batch *b);
spate_err sp_receiver_start(spate_stream *s, int64_t zero_time);
void sp_receiver_stop(spate_stream *s, bool graceful);
bool sp_receiver_has_pending(spate_stream *s);
void sp_receiver_destroy(spate_stream *s);
/* Checkpoint hooks: the write-ahead log's record ranges each batch took
 * (ckpt/receiver_wal.h); with the log off they write and restore nothing. */
void sp_receiver_save_batch_input(spate_stream *s, int64_t t, sp_ckpt_out *w);
spate_err sp_receiver_restore_batch_input(spate_stream *s, int64_t t, sp_ckpt_in *in);
void sp_receiver_save_position(spate_stream *s, sp_ckpt_out *w);
spate_err sp_receiver_load_position(spate_stream *s, sp_ckpt_in *in);

/* The receiver of a receiver stream (for tests and tools). */
spate_receiver *sp_receiver_of(spate_stream *s);
spate_ctx *sp_receiver_ctx(spate_receiver *r);
/* Elements stored since start (all blocks). Thread-safe. */
int64_t sp_receiver_stored(spate_receiver *r);
/* Times on_start has been called since start (1 + restarts). Thread-safe. */
int sp_receiver_starts(spate_receiver *r);
/* Records/s store accepts now (maxRate, or the backpressure rate); 0:
 * unlimited. Thread-safe. */
int64_t sp_receiver_rate(spate_receiver *r);
/* Its write-ahead log, NULL when off (for tests). */
struct sp_rwal *sp_receiver_wal(spate_receiver *r);

#endif
