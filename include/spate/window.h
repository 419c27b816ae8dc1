/* spate/window.h - window operations (Spark's DStream and
 * PairDStreamFunctions *Window methods).
 *
 * A window covers the batches with time in (t - window, t]; a windowed stream
 * makes an RDD every slide. window and slide must be multiples of the parent
 * stream's slide (a clear error at definition time otherwise); slide 0 means
 * the parent's slide. Before the window has filled, it covers the batches
 * there are, as in Spark.
 *
 * The forms with an inverse function keep the previous window's result and
 * update it with the batches entering and leaving the window, so a batch
 * costs what enters and leaves, not the window's length. Like Spark, they
 * need a checkpoint directory (spate_ctx_checkpoint). Keys whose value the
 * inverse brings back to a "zero" stay unless filter removes them.
 *
 * Errors: as the other transformations (stream.h): NULL when an argument is
 * invalid, with Spark's message in spate_ctx_last_error, e.g. "The window
 * duration of windowed DStream (4500 ms) must be a multiple of the slide
 * duration of parent DStream (1000 ms)".
 *
 * Memory: each parent batch in a window is computed once, in the job of the
 * first window that covers it, and copied into memory the window operator
 * owns; the batch's own memory is freed as usual (after the graph's remember
 * duration, raised by at most the window's slide), not kept for the window's
 * length. The window's RDDs and the values in them stay valid as long as the
 * batch that made them (as for any RDD).
 *
 * Threads: callbacks run on executor threads, as for the other
 * transformations; ud is shared by all of them.
 */
#ifndef SPATE_WINDOW_H
#define SPATE_WINDOW_H

#include <spate/export.h>

#include <spate/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The union of the parent's RDDs in the window. */
SPATE_API spate_stream *spate_stream_window(spate_stream *s, spate_duration window,
                                            spate_duration slide);
/* One element per slide: the number of elements in the window (Spark uses
 * reduceByWindow with an inverse, so it needs a checkpoint directory). */
SPATE_API spate_stream *spate_stream_count_by_window(spate_stream *s, spate_duration window,
                                                     spate_duration slide);
/* (value, count) over the window; values whose count drops to 0 are removed.
 * nparts <= 0: the default parallelism. */
SPATE_API spate_stream *spate_stream_count_by_value_and_window(spate_stream *s,
                                                               spate_duration window,
                                                               spate_duration slide, int nparts);
/* One element per slide: fn over the window's elements (none when empty).
 * inv may be NULL (no inverse: each slide reduces the whole window). With an
 * inverse, as in Spark, the result is kept under a single key: once the
 * window has seen an element it gives one element per slide, the inverse's
 * "zero" when the window is empty again. */
SPATE_API spate_stream *spate_stream_reduce_by_window(spate_stream *s, spate_reduce_fn fn,
                                                      spate_reduce_fn inv, void *ud,
                                                      spate_duration window, spate_duration slide);
/* (k, List(v...)) over the window (Spark's Iterable; values in batch order
 * per partition). nparts <= 0: the default parallelism. */
SPATE_API spate_stream *spate_stream_group_by_key_and_window(spate_stream *s, spate_duration window,
                                                             spate_duration slide, int nparts);
/* (k, fn over the window's values of k). inv may be NULL (no inverse);
 * filter (may be NULL) gets each (k, v) of the result and keeps it when it
 * returns true (Spark's filterFunc, only with an inverse). nparts <= 0: the
 * default parallelism. */
SPATE_API spate_stream *spate_stream_reduce_by_key_and_window(spate_stream *s, spate_reduce_fn fn,
                                                              spate_reduce_fn inv,
                                                              spate_filter_fn filter, void *ud,
                                                              spate_duration window,
                                                              spate_duration slide, int nparts);

#ifdef __cplusplus
}
#endif
#endif
