/* ckpt_api.c - StreamingContext.checkpoint(dir), DStream.checkpoint(interval)
 * and Spark's checks at start (a stream that needs a checkpoint needs a
 * directory). */
#include "stream/ckpt/ckpt_int.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/fsutil.h"
#include "base/log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool sp_ckpt_is_stateful(const spate_stream *s) { return s->ops->save_state != NULL; }

spate_duration sp_ckpt_default_interval(spate_duration slide)
{
    int64_t n = (spate_seconds(10) + slide - 1) / slide;
    return slide * (n > 0 ? n : 1);
}

spate_err spate_ctx_checkpoint(spate_ctx *ctx, const char *dir)
{
    if (!ctx) return SPATE_ERR_INVALID_ARG;
    if (spate_ctx_get_state(ctx) != SPATE_CTX_INITIALIZED) {
        sp_ctx_set_error(ctx, "checkpoint(%s): the checkpoint directory can only be set before "
                              "the StreamingContext starts",
                         dir ? dir : "null");
        return SPATE_ERR_STATE;
    }
    if (!dir || !*dir) {
        sp_ctx_set_error(ctx, "checkpoint: the checkpoint directory must not be empty");
        return SPATE_ERR_INVALID_ARG;
    }
    if (sp_mkdirs(dir) != 0) {
        sp_ctx_set_error(ctx, "checkpoint: cannot create the checkpoint directory %s: %s", dir,
                         strerror(errno));
        return SPATE_ERR_IO;
    }
    if (!ctx->ckpt) {
        ctx->ckpt = sp_ckpt_new(dir);
    } else { /* a recovered context's setup sets it again: keep what was restored */
        free(ctx->ckpt->dir);
        ctx->ckpt->dir = sp_xstrdup(dir);
    }
    return SPATE_OK;
}

spate_err spate_stream_checkpoint(spate_stream *s, spate_duration interval)
{
    if (!s) return SPATE_ERR_INVALID_ARG;
    if (spate_ctx_get_state(s->ctx) != SPATE_CTX_INITIALIZED) {
        sp_ctx_set_error(s->ctx, "Cannot change checkpoint interval of a DStream after streaming "
                                 "context has started");
        return SPATE_ERR_STATE;
    }
    if (interval < s->slide) {
        sp_ctx_set_error(s->ctx,
                         "The checkpoint interval for %s has been set to %lld ms which is lower "
                         "than its slide time (%lld ms). Please set it to at least %lld ms.",
                         s->ops->name, (long long)interval, (long long)s->slide,
                         (long long)s->slide);
        return SPATE_ERR_INVALID_ARG;
    }
    if (interval % s->slide != 0) {
        sp_ctx_set_error(s->ctx,
                         "The checkpoint interval for %s has been set to %lld ms which is not a "
                         "multiple of its slide time (%lld ms). Please set it to a multiple of "
                         "%lld ms.",
                         s->ops->name, (long long)interval, (long long)s->slide,
                         (long long)s->slide);
        return SPATE_ERR_INVALID_ARG;
    }
    s->checkpoint_interval = interval;
    return SPATE_OK;
}

bool spate_ctx_recovered(const spate_ctx *ctx) { return ctx && ctx->ckpt && ctx->ckpt->recovered; }

/* ---- at start -------------------------------------------------------------- */

static bool needs_directory(const spate_ctx *ctx)
{
    for (int i = 0; i < ctx->nstreams; i++)
        if (ctx->streams[i]->needs_checkpoint || ctx->streams[i]->checkpoint_interval > 0)
            return true;
    return false;
}

/* The smallest checkpoint interval of any stateful stream; 0 when none. */
static int64_t data_interval(const spate_ctx *ctx)
{
    int64_t best = 0;
    for (int i = 0; i < ctx->nstreams; i++) {
        const spate_stream *s = ctx->streams[i];
        if (!sp_ckpt_is_stateful(s)) continue;
        int64_t d = s->checkpoint_interval > 0 ? s->checkpoint_interval
                                               : sp_ckpt_default_interval(s->slide);
        if (best == 0 || d < best) best = d;
    }
    return best;
}

/* Inputs whose batches cannot be re-run after a restart (queue streams,
 * receivers without a write-ahead log): said once, as a warning. Spark
 * refuses queueStream with checkpointing; spate lets it run, at-most-once. */
static void warn_unrecoverable_inputs(const spate_ctx *ctx)
{
    for (int i = 0; i < ctx->nstreams; i++) {
        const spate_stream *s = ctx->streams[i];
        if (s->is_input && !s->ops->save_batch_input)
            sp_log(SP_LOG_WARN, "CheckpointWriter",
                   "%s (stream %d) does not support checkpointing: after a restart its batches "
                   "cannot be re-run with the same data",
                   s->ops->name, s->id);
    }
}

static void prepare_meta(spate_ctx *ctx, sp_ckpt *c)
{
    sp_ckpt_meta *m = &c->meta;
    if (c->recovered) {
        ctx->zero_time = m->zero_time;
        ctx->next_time = m->restart + ctx->batch;
        for (int i = 0; i < m->nchains; i++)
            m->chains[i].force_full = true;
        sp_log(SP_LOG_INFO, "JobGenerator",
               "Restarting from the checkpoint of time %lld ms: batches after %lld ms run again "
               "(%d pending), then the batches of the down time",
               (long long)m->time, (long long)m->restart, m->npending);
    } else {
        sp_ckpt_meta_free(m);
        m->zero_time = ctx->zero_time;
        m->time = m->restart = m->last_completed = ctx->zero_time;
    }
    m->batch = ctx->batch;
    for (int i = 0; i < m->nconf; i++) {
        free(m->conf[i].key);
        free(m->conf[i].value);
    }
    free(m->conf);
    m->conf = NULL;
    m->nconf = 0;
    sp_ckpt_capture_conf(ctx->conf, m);
    free(m->graph);
    m->graph = sp_ckpt_graph_describe(ctx);
    m->fingerprint = sp_ckpt_fingerprint(m->graph);
    for (int i = 0; i < ctx->nstreams; i++)
        if (sp_ckpt_is_stateful(ctx->streams[i])) sp_ckpt_meta_chain(m, ctx->streams[i]->id, true);
}

spate_err sp_ckpt_start(spate_ctx *ctx)
{
    sp_ckpt *c = ctx->ckpt;
    if (!c) {
        if (!needs_directory(ctx)) return SPATE_OK;
        sp_ctx_set_error(ctx, "The checkpoint directory has not been set. Please set it by "
                              "StreamingContext.checkpoint().");
        return SPATE_ERR_INVALID_ARG;
    }
    c->data_interval = data_interval(ctx);
    c->snapshot_every =
        sp_conf_i64(ctx->conf, "spate.streaming.checkpoint.snapshotEvery");
    c->remember = sp_graph_remember(ctx);
    warn_unrecoverable_inputs(ctx);
    pthread_mutex_lock(&c->mu);
    prepare_meta(ctx, c);
    c->started = true;
    pthread_mutex_unlock(&c->mu);
    return SPATE_OK;
}

const char *sp_ckpt_dir(const sp_ckpt *c)
{
    return c ? c->dir : NULL;
}

spate_duration sp_ckpt_replay_span(const sp_ckpt *c)
{
    return c->remember + c->data_interval;
}
