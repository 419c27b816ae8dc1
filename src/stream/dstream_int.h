/* dstream_int.h - the DStream graph's internals, shared by the stream layer
 * and the sources in connect/.
 *
 * A stream is a node with an ops table. compute(s, t) builds the RDD of batch
 * time t (lazily: lineage only), normally from its parents' RDDs obtained with
 * sp_stream_get_or_compute. Input streams have no parents and also start and
 * stop. All of it runs on the context's generator thread, under the graph
 * lock, except start/stop which run on the thread calling ctx start/stop. */
#ifndef SP_DSTREAM_INT_H
#define SP_DSTREAM_INT_H

#include <spate/stream.h>

#include "logs/ckpt_io.h"
#include "exec/rdd.h"

typedef struct sp_batch sp_batch;

typedef struct sp_stream_ops {
    const char *name; /* Spark's class-like name for logs: "FileInputDStream" */
    /* The RDD for time t in the batch's scope (sp_batch_scope), or NULL for
     * "no RDD this time" (not an error: Spark's compute returning None; an
     * input says so by returning NULL without sp_batch_fail). Streams made
     * from it element-wise have none either and outputs skip the batch;
     * union and the transform family fail the batch (ops.c), as Spark's
     * UnionDStream and TransformedDStream do. Failures: sp_batch_fail, then
     * NULL (the first failure of a batch is the one reported). */
    spate_rdd *(*compute)(spate_stream *s, int64_t t, sp_batch *b);
    /* Inputs: called by spate_ctx_start before the first batch, with the
     * context's zero time (start time aligned to the interval). */
    spate_err (*start)(spate_stream *s, int64_t zero_time);
    /* Inputs: stop receiving. graceful: keep what was received for the
     * remaining batches (sp_input_has_pending tells when it is drained). */
    void (*stop)(spate_stream *s, bool graceful);
    /* Inputs with receivers: true while received data awaits a batch. */
    bool (*has_pending)(spate_stream *s);
    /* Frees s->impl (the stream itself is freed by the context). */
    void (*destroy)(spate_stream *s);

    /* ---- checkpointing (NULL where a stream has nothing to save) ---- */
    /* Stateful streams (state stores, inverse windows): writes the state as
     * of batch t - all of it (full) or what changed since the previous call.
     * Job thread, after batch t's jobs completed. */
    spate_err (*save_state)(spate_stream *s, int64_t t, bool full, sp_ckpt_out *w);
    /* Recovery, before start: the latest full snapshot, then each later
     * delta in order (t is the batch time each was written at). */
    spate_err (*load_state)(spate_stream *s, int64_t t, bool full, sp_ckpt_in *r);
    /* Inputs: what batch t took (file names, block ids), written into the
     * metadata checkpoint when the batch is generated. Generator thread,
     * right after compute(t). */
    void (*save_batch_input)(spate_stream *s, int64_t t, sp_ckpt_out *w);
    /* Recovery, before start: when batch t is computed again it must take
     * exactly what was saved. */
    spate_err (*restore_batch_input)(spate_stream *s, int64_t t, sp_ckpt_in *r);
    /* Inputs: the position beyond single batches (the files already taken),
     * in every metadata checkpoint; restored before start. */
    void (*save_position)(spate_stream *s, sp_ckpt_out *w);
    spate_err (*load_position)(spate_stream *s, sp_ckpt_in *r);
} sp_stream_ops;

enum { SP_MAX_PARENTS = 8 };

struct spate_stream {
    spate_ctx *ctx;
    const sp_stream_ops *ops;
    int id;
    bool is_input;
    spate_stream *parents[SP_MAX_PARENTS];
    int nparents;
    spate_duration slide;
    /* How long this stream's RDDs must be kept (Spark's rememberDuration). */
    spate_duration remember;
    /* Generated RDDs by time: a small ring, oldest first. */
    int64_t *gen_times;
    spate_rdd **gen_rdds;
    int gen_len, gen_cap;
    /* Records that entered through this input in the current batch. */
    int64_t last_records_in;
    /* Spark's mustCheckpoint: start fails without a checkpoint directory. */
    bool needs_checkpoint;
    /* spate_stream_checkpoint's interval, 0 for the default. */
    spate_duration checkpoint_interval;
    /* spate_stream_persist (persist.c): each batch's RDD is cached. */
    spate_storage_level storage_level;
    /* The operator's parameters (window, slide, partitions...) as text, part
     * of the graph's fingerprint: "window=3600000 slide=5000 nparts=2". */
    char params[128];
    void *impl;
};

/* Makes a stream of ctx and registers it in the graph. NULL (with the
 * context's error set) when the context is not INITIALIZED. On failure impl
 * stays the caller's to free; on success the stream owns it (ops->destroy). */
spate_stream *sp_stream_new(spate_ctx *ctx, const sp_stream_ops *ops, void *impl);
/* Same, for an input stream. */
spate_stream *sp_input_stream_new(spate_ctx *ctx, const sp_stream_ops *ops, void *impl);
/* Makes a derived stream of parent(s), with the parent's slide. NULL if any
 * parent is NULL. Takes ownership of impl in every case (freed by
 * ops->destroy on failure). */
spate_stream *sp_stream_derive(spate_stream *parent, const sp_stream_ops *ops, void *impl);
spate_stream *sp_stream_derive2(spate_stream *a, spate_stream *b, const sp_stream_ops *ops,
                                void *impl);

/* The RDD of s at time t, computed once and remembered; NULL when t is not a
 * batch time of s or s has none for t. */
spate_rdd *sp_stream_get_or_compute(spate_stream *s, int64_t t, sp_batch *b);

/* The batch being generated. */
int64_t sp_batch_time(const sp_batch *b);
sp_scope *sp_batch_scope(sp_batch *b);
/* Records a failure of the batch (input unreadable, callback failed). */
void sp_batch_fail(sp_batch *b, spate_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Inputs report how many records they put in the batch. */
void sp_batch_add_records(sp_batch *b, spate_stream *input, int64_t n);
/* Inputs that only know their count once a task has read the data (file
 * streams): the batch's counter for input, to which tasks add with
 * atomic_fetch_add while the batch's scope lives; the batch's completion
 * metrics include it. Generator thread (compute). */
atomic_llong *sp_batch_task_records(sp_batch *b, spate_stream *input);

/* Context services for sources. */
sp_exec *sp_ctx_exec(spate_ctx *ctx);
spate_clock *sp_ctx_clock(spate_ctx *ctx);
/* The context's logger: a thread working for the context binds it with
 * sp_log_bind (base/log.h) so that its sp_log records are the context's. */
struct sp_logger *sp_ctx_logger(spate_ctx *ctx);
/* Sets the context's error for a failure outside a batch (a receiver, an
 * input) and wakes awaitTermination. Thread-safe. Logs it. */
void sp_ctx_report_error(spate_ctx *ctx, spate_err err, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sets last_error for a misuse (no state change). Thread-safe. */
void sp_ctx_set_error(spate_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when new streams may be added (INITIALIZED); else sets the error. */
bool sp_ctx_check_initialized(spate_ctx *ctx);

#endif
