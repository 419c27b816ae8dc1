/* ckpt_writer.c - Spark's CheckpointWriter and the data checkpoints of
 * stateful streams: the hooks the scheduler calls when a batch is generated
 * and when it completes (ckpt.h says what is written when and why that
 * order makes every crash point recoverable). */
#include "stream/ckpt/ckpt_int.h"

#include "base/arena.h"
#include "base/conf.h"
#include "base/log.h"

#include <stdlib.h>
#include <string.h>

#define COMPONENT "CheckpointWriter"

sp_ckpt *sp_ckpt_new(const char *dir)
{
    sp_ckpt *c = sp_xcalloc(1, sizeof *c);
    c->dir = sp_xstrdup(dir);
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

void sp_ckpt_destroy(sp_ckpt *c)
{
    if (!c) return;
    sp_ckpt_meta_free(&c->meta);
    free(c->members);
    pthread_mutex_destroy(&c->mu);
    free(c->dir);
    free(c);
}

/* ---- conf ------------------------------------------------------------------ */

static void add_kv(sp_ckpt_meta *m, const char *key, const char *value)
{
    m->conf = sp_xrealloc(m->conf, sizeof *m->conf * (size_t)(m->nconf + 1));
    m->conf[m->nconf++] = (sp_ckpt_kv){sp_xstrdup(key), sp_xstrdup(value)};
}

static void add_extra(const char *key, const char *value, void *ud) { add_kv(ud, key, value); }

void sp_ckpt_capture_conf(const spate_conf *conf, sp_ckpt_meta *m)
{
    spate_conf *defaults = spate_conf_new();
    for (size_t i = 0; i < sp_conf_noptions; i++) {
        const char *name = sp_conf_options[i].name;
        const char *v = spate_conf_get(conf, name), *d = spate_conf_get(defaults, name);
        if (v && (!d || strcmp(v, d) != 0)) add_kv(m, name, v);
    }
    spate_conf_destroy(defaults);
    sp_conf_foreach_prefix(conf, "", add_extra, m);
}

/* ---- capturing what inputs took (generator thread) ------------------------- */

static sp_ckpt_blob blob_of(int stream, sp_ckpt_out *w)
{
    sp_ckpt_blob b = {.stream = stream, .data = w->buf, .len = w->len};
    if (!b.data) b.data = sp_xmalloc(1);
    *w = (sp_ckpt_out){0}; /* the blob took the buffer */
    return b;
}

static sp_ckpt_blob *capture_inputs(const sp_ckpt *c, int64_t t, int *n)
{
    sp_ckpt_blob *v = sp_xcalloc((size_t)c->nmembers + 1, sizeof *v);
    *n = 0;
    for (int i = 0; i < c->nmembers; i++) {
        const sp_ckpt_member *m = &c->members[i];
        if (!m->save_batch_input) continue;
        sp_ckpt_out w;
        sp_ckpt_out_init(&w);
        m->save_batch_input(m->self, t, &w);
        v[(*n)++] = blob_of(m->id, &w);
    }
    return v;
}

static sp_ckpt_blob *capture_positions(const sp_ckpt *c, int *n)
{
    sp_ckpt_blob *v = sp_xcalloc((size_t)c->nmembers + 1, sizeof *v);
    *n = 0;
    for (int i = 0; i < c->nmembers; i++) {
        const sp_ckpt_member *m = &c->members[i];
        if (!m->save_position) continue;
        sp_ckpt_out w;
        sp_ckpt_out_init(&w);
        m->save_position(m->self, &w);
        v[(*n)++] = blob_of(m->id, &w);
    }
    return v;
}

/* ---- writing metadata (lock held) ------------------------------------------ */

int64_t sp_ckpt_oldest_state(const sp_ckpt_meta *m)
{
    int64_t oldest = INT64_MAX;
    for (int i = 0; i < m->nchains; i++)
        if (m->chains[i].n > 0 && m->chains[i].v[0].time < oldest) oldest = m->chains[i].v[0].time;
    return oldest;
}

/* The ring follows the kept files (the newest SP_CKPT_KEEP_METADATA). */
void sp_ckpt_note_written(sp_ckpt *c, int64_t time, int64_t oldest)
{
    if (c->nwritten > 0 && c->written[c->nwritten - 1].time == time) {
        c->written[c->nwritten - 1].oldest_state = oldest;
        return;
    }
    if (c->nwritten == SP_CKPT_KEEP_METADATA) {
        memmove(c->written, c->written + 1, sizeof *c->written * (SP_CKPT_KEEP_METADATA - 1));
        c->nwritten--;
    }
    c->written[c->nwritten++] = (sp_ckpt_written){time, oldest};
}

/* Deletes the state files no kept metadata file names any more. */
static void prune_state_files(sp_ckpt *c)
{
    int64_t cutoff = INT64_MAX;
    for (int i = 0; i < c->nwritten; i++)
        if (c->written[i].oldest_state < cutoff) cutoff = c->written[i].oldest_state;
    if (cutoff == INT64_MAX || cutoff <= c->state_pruned_before) return;
    for (int i = 0; i < c->meta.nchains; i++)
        sp_ckpt_state_prune(c->dir, c->meta.chains[i].stream, cutoff);
    c->state_pruned_before = cutoff;
}

static void write_metadata(sp_ckpt *c)
{
    char err[512];
    sp_ckpt_meta *m = &c->meta;
    if (sp_ckpt_meta_write(c->dir, m, err, sizeof err) != SPATE_OK) {
        /* As Spark: a metadata checkpoint that cannot be written is a
         * warning; the next batch writes the whole picture again. */
        sp_log(SP_LOG_WARN, COMPONENT, "Could not write checkpoint for time %lld ms: %s",
               (long long)m->time, err);
        return;
    }
    sp_log(SP_LOG_DEBUG, COMPONENT,
           "Checkpoint for time %lld ms saved in %s (restart point %lld ms)", (long long)m->time,
           c->dir, (long long)m->restart);
    sp_ckpt_note_written(c, m->time, sp_ckpt_oldest_state(m));
    sp_ckpt_meta_prune(c->dir, SP_CKPT_KEEP_METADATA);
    prune_state_files(c);
}

/* ---- the hooks -------------------------------------------------------------- */

void sp_ckpt_batch_generated(spate_ctx *ctx, sp_batch *b)
{
    sp_ckpt *c = ctx->ckpt;
    if (!c || !c->started) return;
    int ninputs, npositions;
    sp_ckpt_blob *inputs = capture_inputs(c, b->time, &ninputs);
    sp_ckpt_blob *positions = capture_positions(c, &npositions);
    pthread_mutex_lock(&c->mu);
    sp_ckpt_meta *m = &c->meta;
    sp_ckpt_meta_set_inputs(m, b->time, inputs, ninputs);
    sp_ckpt_meta_set_positions(m, positions, npositions);
    sp_ckpt_meta_add_pending(m, b->time);
    if (b->time > m->time) m->time = b->time;
    write_metadata(c);
    pthread_mutex_unlock(&c->mu);
}

/* Whether stream s's next data checkpoint is a full snapshot. */
static bool next_is_full(const sp_ckpt *c, const sp_ckpt_chain *chain)
{
    return !chain || chain->n == 0 || chain->force_full || chain->n - 1 >= c->snapshot_every;
}

/* Writes every stateful stream's state file for t (job thread; the chains
 * only change on this thread, so reading them unlocked is safe). On success
 * the chains name the new files; on failure nothing is named and every
 * stream's next checkpoint is full (a delta after an unsaved one would miss
 * changes). */
static bool save_states(spate_ctx *ctx, sp_ckpt *c, int64_t t)
{
    char err[512] = "";
    bool ok = true;
    bool *full = sp_xcalloc((size_t)c->nmembers + 1, sizeof *full);
    for (int i = 0; i < c->nmembers && ok; i++) {
        const sp_ckpt_member *m = &c->members[i];
        if (!sp_ckpt_is_stateful(m)) continue;
        full[i] = next_is_full(c, sp_ckpt_meta_chain(&c->meta, m->id, false));
        ok = sp_ckpt_state_write(c->dir, m, t, full[i], err, sizeof err) == SPATE_OK;
    }
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < c->nmembers; i++) {
        const sp_ckpt_member *m = &c->members[i];
        if (!sp_ckpt_is_stateful(m)) continue;
        sp_ckpt_chain *chain = sp_ckpt_meta_chain(&c->meta, m->id, true);
        if (ok) {
            sp_ckpt_chain_add(chain, t, full[i]);
            chain->force_full = false;
        } else {
            chain->force_full = true;
        }
    }
    pthread_mutex_unlock(&c->mu);
    free(full);
    if (!ok)
        sp_ctx_report_error(ctx, SPATE_ERR_IO, COMPONENT,
                            "Data checkpoint for time %lld ms failed: %s", (long long)t, err);
    return ok;
}

void sp_ckpt_batch_completed(spate_ctx *ctx, sp_batch *b)
{
    sp_ckpt *c = ctx->ckpt;
    if (!c || !c->started) return;
    int64_t t = b->time;
    bool checkpoint_time = c->data_interval > 0 && (t - ctx->zero_time) % c->data_interval == 0;
    /* A failed batch may have left its state half updated: no checkpoint. */
    bool saved = checkpoint_time && !b->err && save_states(ctx, c, t);
    pthread_mutex_lock(&c->mu);
    sp_ckpt_meta *m = &c->meta;
    sp_ckpt_meta_remove_pending(m, t);
    if (t > m->last_completed) m->last_completed = t;
    if (c->data_interval == 0 || saved) m->restart = t;
    sp_ckpt_meta_drop_inputs(m, m->restart - c->remember);
    write_metadata(c);
    pthread_mutex_unlock(&c->mu);
}
