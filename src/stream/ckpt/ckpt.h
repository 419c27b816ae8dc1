/* ckpt.h - what the stream layer calls to checkpoint a StreamingContext
 * (src/stream/context.c and scheduler.c call these and nothing else; the
 * checkpoint logic stays in src/stream/ckpt/).
 *
 * The coordinator (ckpt_meta, ckpt_data, ckpt_writer, ckpt_recover,
 * fingerprint) reads the context's clock, times and conf, but never its
 * streams: what it saves and restores comes through the members below,
 * which the graph hands over (src/stream/ckpt_members.c). Its files go
 * through src/logs/ (checksummed atomic files, the entry log).
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

#include "logs/ckpt_io.h"

#include <spate/checkpoint.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct sp_ckpt sp_ckpt;
typedef struct sp_batch sp_batch;

/* What the coordinator checkpoints, as the graph hands it over: one member
 * per stream with something to save or something that needs a directory.
 * The coordinator never reads the graph itself; it calls these hooks on
 * `self` (each may be NULL: a member has only the ones it supports).
 *   save_state/load_state        a stateful stream's state, full or the delta
 *                                since its previous save (data checkpoints);
 *   save_batch_input/restore_... what an input took for batch t (metadata);
 *   save_position/load_position  where an input stands (metadata).
 * Hooks run on the thread the coordinator calls from: generator (inputs),
 * job thread (state), or the program's thread during recovery. */
typedef struct sp_ckpt_member {
    int id;           /* stable across runs of the same graph: names files and records */
    const char *name; /* the operator, for messages */
    bool is_input;
    bool needs_directory; /* cannot run without a checkpoint directory */
    int64_t interval;     /* the data checkpoint interval asked for (0: Spark's default) */
    int64_t slide;        /* its slide, from which the default interval follows */
    void *self;
    spate_err (*save_state)(void *self, int64_t t, bool full, sp_ckpt_out *w);
    spate_err (*load_state)(void *self, int64_t t, bool full, sp_ckpt_in *in);
    void (*save_batch_input)(void *self, int64_t t, sp_ckpt_out *w);
    spate_err (*restore_batch_input)(void *self, int64_t t, sp_ckpt_in *in);
    void (*save_position)(void *self, sp_ckpt_out *w);
    spate_err (*load_position)(void *self, sp_ckpt_in *in);
} sp_ckpt_member;

/* ---- the graph's side (src/stream/ckpt_members.c) ---- */
/* The members of ctx's graph, in id order (malloc'd; *n gets the count).
 * Program thread, while the graph cannot change (setup or start). */
sp_ckpt_member *sp_graph_ckpt_members(spate_ctx *ctx, int *n);
/* The graph as text, one line per stream (id order) then per output
 * operation: what the fingerprint hashes (malloc'd). */
char *sp_graph_describe(spate_ctx *ctx);

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
