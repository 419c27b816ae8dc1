/* spate/checkpoint.h - checkpoints and recovery (Spark's
 * StreamingContext.checkpoint, DStream.checkpoint and getOrCreate).
 *
 * With a checkpoint directory, spate writes a metadata checkpoint
 * (<dir>/checkpoint-<ms>) when each batch is generated - before it runs, so
 * its input is durable - and when it completes: the conf, the batch interval,
 * the zero time, the graph's fingerprint, the batches generated but not
 * completed, what each input took for each batch that may run again, and each
 * input's position. The last 10 are kept. Every stateful stream (state
 * stores, windows) writes a data checkpoint (<dir>/state/<stream id>/<ms>.full
 * or .delta) at the batch times that are multiples of the smallest checkpoint
 * interval of any of them: the keys changed since the previous one, with a
 * full snapshot every spate.streaming.checkpoint.snapshotEvery deltas. State
 * files are written before the metadata naming them, so every crash point is
 * recoverable. Files are versioned, checksummed and written atomically
 * (temporary file, fsync, rename); a corrupt or truncated file is named in
 * the error, never loaded.
 *
 * Exactly once: a restart resumes from the last data checkpoint R. The
 * batches after R run again with exactly the input they had (file streams:
 * the same files, read as they were then), then the batches of the down time,
 * then batches follow the clock as usual. Outputs of re-run batches are
 * rewritten with the same content (saveAsTextFiles replaces a batch's
 * directory atomically), so each batch's output appears once. Inputs that
 * cannot replay a batch (queueStream; receivers without a write-ahead log) are
 * logged as a warning at start and give at-most-once batches after a restart.
 *
 * A C program cannot serialise its callbacks, so recovery runs the program's
 * setup function again: spate_ctx_get_or_create builds a context, lets setup
 * define the same graph, then restores state, input positions and the
 * batches that will run again. A graph whose fingerprint differs from the
 * checkpoint's (other operators, parameters or outputs) is refused; a setup
 * passing other callbacks to the same operators cannot be detected.
 *
 * Threads: all of these are called from the program's thread, before
 * spate_ctx_start.
 */
#ifndef SPATE_CHECKPOINT_H
#define SPATE_CHECKPOINT_H

#include <spate/export.h>

#include <spate/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sets the checkpoint directory, created with its parents if missing.
 * SPATE_ERR_INVALID_ARG for NULL or "", SPATE_ERR_IO when it cannot be
 * created, SPATE_ERR_STATE after start (reason in spate_ctx_last_error).
 * Required when the graph has a stateful stream or a stream with a checkpoint
 * interval: spate_ctx_start fails otherwise with SPATE_ERR_INVALID_ARG and
 * Spark's "The checkpoint directory has not been set. Please set it by
 * StreamingContext.checkpoint()." A restored context's setup may call it
 * again with its directory. */
SPATE_API spate_err spate_ctx_checkpoint(spate_ctx *ssc, const char *dir);
/* How often s (a stateful stream) writes a data checkpoint: a positive
 * multiple of its slide (SPATE_ERR_INVALID_ARG with Spark's message
 * otherwise), before start (SPATE_ERR_STATE after). Default: Spark's, the
 * smallest multiple of the slide >= 10 s. All stateful streams write at the
 * smallest interval of any of them, so that recovery has one point to restart
 * from: a stream may be saved more often than asked, never less. The
 * interval bounds how many batches run again after a crash. */
SPATE_API spate_err spate_stream_checkpoint(spate_stream *s, spate_duration interval);

/* Defines the graph (input streams, transformations, outputs) on ssc. Runs
 * once for a new context and again on every recovery; it must build the same
 * graph each time. Return SPATE_OK, or an error to abandon. */
typedef spate_err (*spate_setup_fn)(spate_ctx *ssc, void *ud);

/* Spark's StreamingContext.getOrCreate(dir, creatingFunc). When dir holds a
 * checkpoint, the context takes the conf and batch interval from its newest
 * metadata file (batch_interval is ignored; of conf only spate.master and
 * spate.log.level are used, when set to a non-default value: they describe
 * the machine, not the computation) and is restored after setup; a manual
 * clock is set to the checkpoint's time. Otherwise the context is created
 * from conf and batch_interval. conf is taken in every case. In both cases
 * the checkpoint directory is set to dir before setup runs. Returns NULL with
 * the reason in errstr on failure: a corrupt or truncated checkpoint file
 * (named, with the problem), a graph that does not match the checkpoint's,
 * setup failing. Only the newest metadata file is read: if it is damaged,
 * removing it makes the next call recover from the previous one. Start the
 * context as usual. */
SPATE_API spate_ctx *spate_ctx_get_or_create(const char *dir, spate_conf *conf,
                                             spate_duration batch_interval, spate_setup_fn setup,
                                             void *ud, char *errstr, size_t errstr_size);
/* True when the context was restored from a checkpoint by
 * spate_ctx_get_or_create. */
SPATE_API bool spate_ctx_recovered(const spate_ctx *ssc);

#ifdef __cplusplus
}
#endif
#endif
