/* window_int.h - what the window operators share: argument checks with
 * Spark's messages, how far back their parents must remember RDDs, the
 * ReducedWindowedDStream constructor, and hooks for tests.
 *
 * window_ops.c: WindowedDStream and the operations Spark composes from it
 * (reduceByWindow, groupByKeyAndWindow, reduceByKeyAndWindow without inverse).
 * reduce_window.c: ReducedWindowedDStream (the inverse forms). */
#ifndef SP_WINDOW_INT_H
#define SP_WINDOW_INT_H

#include "stream/dstream_int.h"

extern const sp_stream_ops sp_windowed_ops;         /* WindowedDStream */
extern const sp_stream_ops sp_reduced_windowed_ops; /* ReducedWindowedDStream */

/* Checks window and *slide against parent's slide, as Spark's constructors
 * require: both multiples of it (and positive). *slide 0 becomes the parent's
 * slide. On failure sets the context's error - "The window duration of <what>
 * (4500 ms) must be a multiple of the slide duration of parent DStream
 * (1000 ms)" - and returns false. what: "windowed DStream" or
 * "ReducedWindowedDStream" (whose message Spark words "must be multiple of"). */
bool sp_window_check(spate_stream *parent, spate_duration window, spate_duration *slide,
                     const char *what);

/* A window operator computes its RDD of time t from its parent's RDDs of the
 * batches since its previous slide, i.e. down to t - slide: s's ancestors
 * must remember their RDDs that long, and longer where an ancestor is itself
 * a window computed at an earlier time. Raises their remember durations
 * (never the window's length: the batches in the window live in the
 * operator's slices, not in the batches' scopes). Program thread, before
 * start. */
void sp_window_remember_parents(spate_stream *s, spate_duration d);

/* The batch times whose scopes may already be freed when batch t's job runs
 * are <= this (batch scopes live for the graph's remember duration after the
 * last completed batch). */
int64_t sp_window_alive_after(spate_ctx *ctx, int64_t t);

/* reduce_window.c: Spark's ReducedWindowedDStream over a pair stream.
 * fn/inv/filter/ud as spate_stream_reduce_by_key_and_window; inv required;
 * nparts > 0; window and slide already checked. */
spate_stream *sp_reduced_window_new(spate_stream *parent, spate_reduce_fn fn, spate_reduce_fn inv,
                                    spate_filter_fn filter, void *ud, spate_duration window,
                                    spate_duration slide, int nparts);

/* Tests: how many per-batch slices a windowed stream holds (-1 for another
 * kind of stream), and how many keys the window map of a reduced one has. */
int sp_window_slice_count(spate_stream *s);
int sp_reduced_window_slice_count(spate_stream *s);
int64_t sp_window_key_count(spate_stream *s);

#endif
