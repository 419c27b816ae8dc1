/* ckpt.h - what the stream layer calls to checkpoint a StreamingContext
 * (src/stream/context.c and scheduler.c call these and nothing else; the
 * checkpoint logic stays in src/ckpt/).
 *
 * The DStream checkpoint (ckpt_meta, ckpt_data, ckpt_writer, ckpt_recover,
 * fingerprint) works on the context's internals; only ckpt_io (files and
 * records) is independent of the stream layer.
 *
 * When things are written (so that every crash point is recoverable):
 *   - batch t generated (generator thread, after its inputs computed, before
 *     it is queued): what each input took for t and each input's position go
 *     into the metadata checkpoint, which is written: t's input is durable
 *     before t runs;
 *   - batch t completed (job thread, after its outputs): when t is a data
 *     checkpoint time, each stateful stream's state files first, then the
 *     metadata that names them (the restart point R moves to t); otherwise the
 *     metadata alone (t leaves the pending list).
 * A crash before a metadata write leaves the previous one, which names only
 * files that exist: the batches after its R run again with the same input.
 *
 * Data checkpoint times: every stateful stream (one with a save_state hook)
 * writes at the batch times t with
 * (t - zero time) a multiple of the context's data checkpoint interval, the
 * smallest interval of any of them (spate_stream_checkpoint, default Spark's:
 * the smallest multiple of the slide >= 10 s). Writing them all at the same
 * times gives recovery one consistent point R to restart from; a stream
 * whose own interval is longer is saved more often than asked, never less. */
#ifndef SP_CKPT_H
#define SP_CKPT_H

#include <spate/checkpoint.h>

typedef struct sp_ckpt sp_ckpt;
typedef struct sp_batch sp_batch;

/* spate_ctx_start, program thread, after the zero time and first batch time
 * are set and before the inputs start: applies Spark's rule (a stream that
 * needs a checkpoint and no directory: SPATE_ERR_INVALID_ARG with Spark's
 * message in the context's error), prepares the writer, and on a recovered
 * context moves ctx->zero_time to the checkpoint's and ctx->next_time to the
 * first batch to run again. */
spate_err sp_ckpt_start(spate_ctx *ctx);
/* Generator thread, batch b generated, before it is queued. */
void sp_ckpt_batch_generated(spate_ctx *ctx, sp_batch *b);
/* Job thread, batch b's outputs done, before it is reported completed. */
void sp_ckpt_batch_completed(spate_ctx *ctx, sp_batch *b);
/* spate_ctx_destroy. NULL is fine. */
void sp_ckpt_destroy(sp_ckpt *c);
/* The checkpoint directory (NULL for a NULL c or before one is set); owned
 * by c. Any thread once the context started. */
const char *sp_ckpt_dir(const sp_ckpt *c);
/* How far back recovery may run batches again: the graph's longest remember
 * duration plus the data checkpoint interval (valid after sp_ckpt_start). */
spate_duration sp_ckpt_replay_span(const sp_ckpt *c);

#endif
