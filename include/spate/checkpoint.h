/* spate/checkpoint.h - checkpoints and recovery (Spark's
 * StreamingContext.checkpoint, DStream.checkpoint and getOrCreate).
 *
 * With a checkpoint directory, spate writes after every batch's generation
 * and completion a metadata checkpoint (conf, batch interval, the graph's
 * fingerprint, pending and completed batch times, what each input took for
 * each batch and its position), and at every checkpoint interval a data
 * checkpoint of each stateful stream (its changed keys as a delta, with a
 * full snapshot every spate.streaming.checkpoint.snapshotEvery deltas).
 * Files are versioned, checksummed and written atomically (temporary file,
 * fsync, rename); a corrupt or truncated file is named in the error, never
 * loaded.
 *
 * A C program cannot serialise its callbacks, so recovery runs the program's
 * setup function again: spate_ctx_get_or_create builds a context, lets setup
 * define the same graph, then restores state, input positions and the
 * batches that were pending, which run again with the same input. A graph
 * whose fingerprint differs from the checkpoint's is refused.
 */
#ifndef SPATE_CHECKPOINT_H
#define SPATE_CHECKPOINT_H

#include <spate/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sets the checkpoint directory (created if missing). Before start. */
spate_err spate_ctx_checkpoint(spate_ctx *ssc, const char *dir);
/* How often s (a stateful stream) writes a data checkpoint: a multiple of its
 * slide. Default: Spark's, the smallest multiple of the slide >= 10 s. */
spate_err spate_stream_checkpoint(spate_stream *s, spate_duration interval);

/* Defines the graph (input streams, transformations, outputs) on ssc. Runs
 * once for a new context and again on every recovery; it must build the same
 * graph each time. Return SPATE_OK, or an error to abandon. */
typedef spate_err (*spate_setup_fn)(spate_ctx *ssc, void *ud);

/* Spark's StreamingContext.getOrCreate(dir, creatingFunc). When dir holds a
 * checkpoint, the context takes the conf and batch interval from it (conf and
 * batch_interval are ignored, conf is freed) and is restored after setup;
 * otherwise it is created from conf (taken) and batch_interval. In both cases
 * setup builds the graph and the checkpoint directory is set to dir. Returns
 * NULL with the reason in errstr on failure (a corrupt checkpoint, a graph
 * that does not match, setup failing). Start the context as usual. */
spate_ctx *spate_ctx_get_or_create(const char *dir, spate_conf *conf,
                                   spate_duration batch_interval, spate_setup_fn setup, void *ud,
                                   char *errstr, size_t errstr_size);
/* True when the context was restored from a checkpoint. */
bool spate_ctx_recovered(const spate_ctx *ssc);

#ifdef __cplusplus
}
#endif
#endif
