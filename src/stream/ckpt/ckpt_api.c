/* ckpt_api.c - StreamingContext.checkpoint(dir) and Spark's checks at start
 * (a stream that needs a checkpoint needs a directory), on the members the
 * graph hands over (ckpt.h). */
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

spate_duration sp_ckpt_default_interval(spate_duration slide)
{
    int64_t n = (spate_seconds(10) + slide - 1) / slide;
    return slide * (n > 0 ? n : 1);
}

spate_err spate_ctx_checkpoint(spate_ctx *ctx, const char *dir)
{
    if (!ctx) return SPATE_ERR_INVALID_ARG;
    if (spate_ctx_get_state(ctx) != SPATE_CTX_INITIALIZED) {
        sp_ctx_set_error(ctx,
                         "checkpoint(%s): the checkpoint directory can only be set before "
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

bool spate_ctx_recovered(const spate_ctx *ctx) { return ctx && ctx->ckpt && ctx->ckpt->recovered; }

/* ---- at start -------------------------------------------------------------- */

void sp_ckpt_take_members(sp_ckpt *c, spate_ctx *ctx)
{
    free(c->members);
    c->members = sp_graph_ckpt_members(ctx, &c->nmembers);
}

sp_ckpt_member *sp_ckpt_member_by_id(sp_ckpt *c, int id)
{
    for (int i = 0; i < c->nmembers; i++)
        if (c->members[i].id == id) return &c->members[i];
    return NULL;
}

static bool needs_directory(spate_ctx *ctx)
{
    int n;
    sp_ckpt_member *v = sp_graph_ckpt_members(ctx, &n);
    bool needs = false;
    for (int i = 0; i < n; i++)
        needs |= v[i].needs_directory;
    free(v);
    return needs;
}

/* The smallest checkpoint interval of any stateful member; 0 when none. */
static int64_t data_interval(const sp_ckpt *c)
{
    int64_t best = 0;
    for (int i = 0; i < c->nmembers; i++) {
        const sp_ckpt_member *m = &c->members[i];
        if (!sp_ckpt_is_stateful(m)) continue;
        int64_t d = m->interval > 0 ? m->interval : sp_ckpt_default_interval(m->slide);
        if (best == 0 || d < best) best = d;
    }
    return best;
}

/* Inputs whose batches cannot be re-run after a restart (queue streams,
 * receivers without a write-ahead log): said once, as a warning. Spark
 * refuses queueStream with checkpointing; spate lets it run, at-most-once. */
static void warn_unrecoverable_inputs(const sp_ckpt *c)
{
    for (int i = 0; i < c->nmembers; i++) {
        const sp_ckpt_member *m = &c->members[i];
        if (m->is_input && !m->save_batch_input)
            sp_log(SP_LOG_WARN, "CheckpointWriter",
                   "%s (stream %d) does not support checkpointing: after a restart its batches "
                   "cannot be re-run with the same data",
                   m->name, m->id);
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
    m->graph = sp_graph_describe(ctx);
    m->fingerprint = sp_ckpt_fingerprint(m->graph);
    for (int i = 0; i < c->nmembers; i++)
        if (sp_ckpt_is_stateful(&c->members[i])) sp_ckpt_meta_chain(m, c->members[i].id, true);
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
    sp_ckpt_take_members(c, ctx);
    c->data_interval = data_interval(c);
    c->snapshot_every = sp_conf_i64(ctx->conf, "spate.streaming.checkpoint.snapshotEvery");
    c->remember = sp_graph_remember(ctx);
    warn_unrecoverable_inputs(c);
    pthread_mutex_lock(&c->mu);
    prepare_meta(ctx, c);
    c->started = true;
    pthread_mutex_unlock(&c->mu);
    return SPATE_OK;
}

const char *sp_ckpt_dir(const sp_ckpt *c) { return c ? c->dir : NULL; }

spate_duration sp_ckpt_replay_span(const sp_ckpt *c) { return c->remember + c->data_interval; }
