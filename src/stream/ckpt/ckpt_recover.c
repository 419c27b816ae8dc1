/* ckpt_recover.c - StreamingContext.getOrCreate: a new context when the
 * directory holds no checkpoint; otherwise a context rebuilt from the newest
 * metadata checkpoint (its conf and batch interval), the graph defined again
 * by setup and checked against the checkpoint's fingerprint, each stateful
 * stream's state loaded (the latest full snapshot and the deltas up to the
 * restart point R), each input's position and what it took for the batches
 * that will run again. Starting it runs the batches after R with the same
 * input, then the batches of the down time, then goes on as usual
 * (sp_ckpt_start). A damaged file is an error naming it, never skipped. */
#include "stream/ckpt/ckpt_int.h"

#include "base/errbuf.h"
#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options that describe the machine, not the computation: a restarted
 * program may change them (as Spark reloads spark.master and the like). */
static const char *const RELOADED[] = {"spate.master", "spate.log.level"};

static spate_ctx *create_new(const char *dir, spate_conf *conf, spate_duration batch,
                             spate_setup_fn setup, void *ud, char *errstr, size_t errstr_size)
{
    spate_ctx *ctx = spate_ctx_new(conf, batch, errstr, errstr_size);
    if (!ctx) return NULL;
    if (spate_ctx_checkpoint(ctx, dir) != SPATE_OK) {
        sp_errf(errstr, errstr_size, "%s", spate_ctx_last_error(ctx));
        spate_ctx_destroy(ctx);
        return NULL;
    }
    spate_err err = setup(ctx, ud);
    if (err) {
        sp_errf(errstr, errstr_size, "setup failed: %s%s%s", spate_err_str(err),
                spate_ctx_last_error(ctx)[0] ? ": " : "", spate_ctx_last_error(ctx));
        spate_ctx_destroy(ctx);
        return NULL;
    }
    return ctx;
}

/* The checkpoint's conf, with the reloaded options of the caller's conf. */
static spate_conf *conf_from(const sp_ckpt_meta *m, const char *path, const spate_conf *given,
                             char *errstr, size_t errstr_size)
{
    spate_conf *conf = spate_conf_new(), *defaults = spate_conf_new();
    char err[256];
    for (int i = 0; i < m->nconf; i++) {
        if (spate_conf_set(conf, m->conf[i].key, m->conf[i].value, err, sizeof err) != SPATE_OK) {
            sp_errf(errstr, errstr_size, "checkpoint %s holds an option this spate rejects: %s",
                    path, err);
            spate_conf_destroy(conf);
            conf = NULL;
            break;
        }
    }
    for (size_t i = 0; conf && given && i < sizeof RELOADED / sizeof *RELOADED; i++) {
        const char *v = spate_conf_get(given, RELOADED[i]);
        if (v && strcmp(v, spate_conf_get(defaults, RELOADED[i])) != 0)
            spate_conf_set(conf, RELOADED[i], v, NULL, 0);
    }
    spate_conf_destroy(defaults);
    return conf;
}

static spate_err check_meta(const sp_ckpt_meta *m, const char *path, char *errstr,
                            size_t errstr_size)
{
    bool ok = m->restart >= m->zero_time && m->restart <= m->time &&
              (m->restart - m->zero_time) % m->batch == 0;
    for (int i = 0; ok && i < m->npending; i++)
        ok = m->pending[i] > m->restart;
    if (ok) return SPATE_OK;
    sp_errf(errstr, errstr_size,
            "corrupt checkpoint file %s: inconsistent times (zero %lld ms, restart %lld ms, "
            "checkpoint %lld ms, batch %lld ms)",
            path, (long long)m->zero_time, (long long)m->restart, (long long)m->time,
            (long long)m->batch);
    return SPATE_ERR_CORRUPT;
}

static spate_err check_graph(spate_ctx *ctx, const sp_ckpt_meta *m, const char *dir, char *errstr,
                             size_t errstr_size)
{
    char *now = sp_graph_describe(ctx);
    spate_err err = SPATE_OK;
    if (sp_ckpt_fingerprint(now) != m->fingerprint) {
        char diff[700];
        sp_ckpt_graph_diff(m->graph, now, diff, sizeof diff);
        sp_errf(errstr, errstr_size,
                "cannot recover from the checkpoint in %s: the graph defined by setup differs "
                "from the checkpoint's (%s); a changed program needs a new checkpoint directory",
                dir, diff);
        err = SPATE_ERR_INVALID_ARG;
    }
    free(now);
    return err;
}

static spate_err restore_states(spate_ctx *ctx, const sp_ckpt_meta *m, const char *dir,
                                char *errstr, size_t errstr_size)
{
    for (int i = 0; i < m->nchains; i++) {
        const sp_ckpt_member *s = sp_ckpt_member_by_id(ctx->ckpt, m->chains[i].stream);
        if (m->chains[i].n == 0) continue;
        if (!s || !s->load_state) {
            sp_errf(errstr, errstr_size,
                    "cannot recover from the checkpoint in %s: it holds the state of stream %d, "
                    "which cannot load state",
                    dir, m->chains[i].stream);
            return SPATE_ERR_CORRUPT;
        }
        spate_err err = sp_ckpt_state_load(dir, s, &m->chains[i], errstr, errstr_size);
        if (err) return err;
    }
    return SPATE_OK;
}

/* Hands blob to a position (t < 0) or batch input hook of its stream. */
static spate_err restore_blob(spate_ctx *ctx, const sp_ckpt_blob *blob, int64_t t, const char *path,
                              char *errstr, size_t errstr_size)
{
    const sp_ckpt_member *s = sp_ckpt_member_by_id(ctx->ckpt, blob->stream);
    bool position = t < 0;
    bool can = s && (position ? s->load_position != NULL : s->restore_batch_input != NULL);
    spate_err err = SPATE_ERR_CORRUPT;
    sp_ckpt_in in;
    sp_ckpt_in_init(&in, blob->data, blob->len);
    if (can) {
        err = position ? s->load_position(s->self, &in) : s->restore_batch_input(s->self, t, &in);
        if (!err && !sp_ckpt_in_done(&in)) err = SPATE_ERR_CORRUPT;
    }
    if (err && position)
        sp_errf(errstr, errstr_size,
                "corrupt checkpoint file %s: the position of input stream %d cannot be loaded (%s)",
                path, blob->stream, spate_err_str(err));
    else if (err)
        sp_errf(errstr, errstr_size,
                "corrupt checkpoint file %s: what input stream %d took for batch %lld ms cannot "
                "be restored (%s)",
                path, blob->stream, (long long)t, spate_err_str(err));
    return err;
}

static spate_err restore_inputs(spate_ctx *ctx, const sp_ckpt_meta *m, const char *path,
                                char *errstr, size_t errstr_size)
{
    spate_err err = SPATE_OK;
    for (int i = 0; i < m->npositions && !err; i++)
        err = restore_blob(ctx, &m->positions[i], -1, path, errstr, errstr_size);
    for (int i = 0; i < m->nbatches && !err; i++)
        for (int j = 0; j < m->batches[i].n && !err; j++)
            err = restore_blob(ctx, &m->batches[i].v[j], m->batches[i].time, path, errstr,
                               errstr_size);
    return err;
}

/* The older metadata files still kept name state files too: they stay until
 * those files are deleted (a damaged one counts as naming nothing). */
static void note_kept_files(sp_ckpt *c, int64_t newest)
{
    int64_t *times;
    int n = sp_ckpt_meta_list(c->dir, &times);
    for (int i = 0; i < n; i++) {
        if (times[i] >= newest) continue;
        char path[4096];
        sp_ckpt_meta_path(path, sizeof path, c->dir, times[i]);
        sp_ckpt_meta old;
        if (sp_ckpt_meta_read(path, &old, NULL, 0) == SPATE_OK)
            sp_ckpt_note_written(c, times[i], sp_ckpt_oldest_state(&old));
        sp_ckpt_meta_free(&old);
    }
    free(times);
}

/* Moves m into the context's checkpoint writer: the restored context goes on
 * from there. A manual clock is set to the checkpoint's time (as Spark's
 * JobGenerator does on restart); tests move it further. */
static void install(spate_ctx *ctx, sp_ckpt_meta *m)
{
    sp_ckpt *c = ctx->ckpt;
    sp_ckpt_meta_free(&c->meta);
    c->meta = *m;
    *m = (sp_ckpt_meta){0};
    c->recovered = true;
    note_kept_files(c, c->meta.time);
    sp_ckpt_note_written(c, c->meta.time, sp_ckpt_oldest_state(&c->meta));
    const char *clock = spate_conf_get(ctx->conf, "spate.streaming.clock");
    if (clock && strcmp(clock, "manual") == 0) spate_clock_set(ctx->clock, c->meta.time);
}

static spate_ctx *recover(const char *dir, const char *path, sp_ckpt_meta *m, spate_conf *conf,
                          spate_setup_fn setup, void *ud, char *errstr, size_t errstr_size)
{
    spate_ctx *ctx = spate_ctx_new(conf, m->batch, errstr, errstr_size);
    if (!ctx) return NULL;
    spate_err err = spate_ctx_checkpoint(ctx, dir);
    if (err) sp_errf(errstr, errstr_size, "%s", spate_ctx_last_error(ctx));
    if (!err && (err = setup(ctx, ud)) != SPATE_OK)
        sp_errf(errstr, errstr_size, "setup failed: %s%s%s", spate_err_str(err),
                spate_ctx_last_error(ctx)[0] ? ": " : "", spate_ctx_last_error(ctx));
    if (!err) err = check_graph(ctx, m, dir, errstr, errstr_size);
    if (!err) sp_ckpt_take_members(ctx->ckpt, ctx);
    if (!err) err = restore_states(ctx, m, dir, errstr, errstr_size);
    if (!err) err = restore_inputs(ctx, m, path, errstr, errstr_size);
    if (err) {
        spate_ctx_destroy(ctx);
        return NULL;
    }
    sp_log(SP_LOG_INFO, "StreamingContext", "Recovered from the checkpoint %s", path);
    install(ctx, m);
    return ctx;
}

spate_ctx *spate_ctx_get_or_create(const char *dir, spate_conf *conf, spate_duration batch_interval,
                                   spate_setup_fn setup, void *ud, char *errstr, size_t errstr_size)
{
    if (!dir || !*dir || !setup) {
        sp_errf(errstr, errstr_size, "getOrCreate: %s",
                !setup ? "no setup function given" : "no checkpoint directory given");
        spate_conf_destroy(conf);
        return NULL;
    }
    int64_t time;
    if (sp_ckpt_meta_latest(dir, &time) != SPATE_OK)
        return create_new(dir, conf, batch_interval, setup, ud, errstr, errstr_size);
    char path[4096];
    sp_ckpt_meta_path(path, sizeof path, dir, time);
    sp_ckpt_meta m;
    spate_err err = sp_ckpt_meta_read(path, &m, errstr, errstr_size);
    if (!err) err = check_meta(&m, path, errstr, errstr_size);
    spate_conf *restored = err ? NULL : conf_from(&m, path, conf, errstr, errstr_size);
    spate_conf_destroy(conf);
    spate_ctx *ctx =
        restored ? recover(dir, path, &m, restored, setup, ud, errstr, errstr_size) : NULL;
    sp_ckpt_meta_free(&m);
    return ctx;
}
