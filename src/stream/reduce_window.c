/* reduce_window.c - Spark's ReducedWindowedDStream: reduceByKeyAndWindow with
 * an inverse function (and countByWindow, countByValueAndWindow and
 * reduceByWindow with an inverse, which Spark builds on it).
 *
 * Each parent batch is reduced by key into the operator's nparts hash
 * partitions and kept as a slice (window_slices.h) until it leaves the
 * window. The window's result per key lives in a window map (window_map.h).
 * At each slide, per partition, in its own task:
 *
 *     old = fn over the slices leaving the window, per key
 *     new = fn over the slices entering it, per key
 *     value = inv(previous, old), then fn(value, new)   (Spark's order)
 *     a key not in the previous window takes fn over its new values
 *
 * then filter runs over every (k, v) of the result, and the keys it rejects
 * leave the map, since Spark's next window starts from the filtered result.
 * A slide therefore costs what enters and leaves the window plus one pass over
 * its keys (the output RDD), never the window's length in batches.
 *
 * A key that only has leaving values and no previous value (possible only
 * when filter removed it while it still had values in the window) stays out:
 * Spark fails the job there ("Neither previous window has value for key, nor
 * new values found"); here the window keeps going without it.
 *
 * The operator is stateful (needs_checkpoint): the scheduler computes and
 * prepares its RDD at every slide, so the map sees every slide exactly once,
 * in order. If a slide fails half way (a callback failed), the map is rebuilt
 * from the slices at the next slide. */
#include "stream/window_int.h"

#include "base/arena.h"
#include "exec/rdd.h"
#include "stream/ctx_impl.h"
#include "stream/window_map.h"
#include "stream/window_slices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rwin {
    spate_reduce_fn fn, inv;
    spate_filter_fn filter;
    void *ud;
    spate_duration window;
    int nparts;
    sp_wslices slices; /* per-batch reductions, SP_WSLICE_PAIRS */
    sp_wmap map;       /* the window ending at state_time */
    int64_t state_time;
    bool state_valid; /* false before the first slide and after a failed one */
} rwin;

/* One slide's RDD (ud of its K_PREPARED callback, in the batch's arena). */
typedef struct rwin_rdd {
    rwin *w;
    spate_ctx *ctx;
    int64_t time;
} rwin_rdd;

/* One slide's merge job: partition j is task j. */
typedef struct merge_job {
    rwin *w;
    sp_wslice **leaving, **entering;
    int nleaving, nentering;
    spate_value **parts;
    size_t *lens;
} merge_job;

/* fn over the values of key in the slices, per key, for partition j. Keys
 * are borrowed from the slices, which outlive the job. */
static void accumulate(spate_task *t, rwin *w, sp_wslice **slices, int n, int j, sp_vmap *acc)
{
    for (int s = 0; s < n && !spate_task_failed(t); s++) {
        sp_wslice *sl = slices[s];
        if (sl->state != SP_WSLICE_READY || j >= sl->nparts) continue;
        const spate_value *kv = sl->parts[j];
        for (size_t i = 0; i + 1 < sl->lens[j]; i += 2) {
            bool fresh;
            spate_value *slot = sp_vmap_upsert(acc, kv[i], spate_value_hash(kv[i]), &fresh);
            *slot = fresh ? kv[i + 1] : w->fn(t, *slot, kv[i + 1], w->ud);
        }
    }
}

/* Applies the leaving and entering values of partition j to the map. */
static void merge_part(spate_task *t, rwin *w, sp_wmap_part *p, sp_vmap *olds, sp_vmap *news)
{
    size_t it = 0;
    spate_value key, *val;
    while (sp_vmap_next(olds, &it, &key, &val) && !spate_task_failed(t)) {
        uint64_t h = spate_value_hash(key);
        spate_value *cur = sp_wmap_find(p, key, h);
        if (!cur) continue; /* no previous value: new values (below) or nothing */
        spate_value v = w->inv(t, *cur, *val, w->ud);
        spate_value *nv = sp_vmap_find(news, key, h);
        if (nv) {
            v = w->fn(t, v, *nv, w->ud);
            sp_vmap_remove(news, key, h);
        }
        sp_wmap_put(&w->map, p, key, h, v);
    }
    it = 0;
    while (sp_vmap_next(news, &it, &key, &val) && !spate_task_failed(t)) {
        uint64_t h = spate_value_hash(key);
        spate_value *cur = sp_wmap_find(p, key, h);
        sp_wmap_put(&w->map, p, key, h, cur ? w->fn(t, *cur, *val, w->ud) : *val);
    }
}

/* The output partition: a copy of every (k, v) the filter keeps, in the
 * batch's memory; rejected keys leave the map. */
static void emit_part(spate_task *t, rwin *w, sp_wmap_part *p, spate_value **out, size_t *len)
{
    spate_arena *a = spate_task_arena(t);
    size_t n = sp_vmap_len(&p->map), k = 0;
    spate_value *kvs = spate_arena_alloc(a, sizeof *kvs * (n ? n : 1));
    sp_vvec rejected = {0};
    size_t it = 0;
    spate_value key, *val;
    while (sp_vmap_next(&p->map, &it, &key, &val) && !spate_task_failed(t)) {
        spate_value kv = spate_tuple2(a, spate_value_copy(a, key), spate_value_copy(a, *val));
        if (w->filter && !w->filter(t, kv, w->ud))
            sp_vvec_push(&rejected, key);
        else
            kvs[k++] = kv;
    }
    for (size_t i = 0; i < rejected.len; i++)
        sp_wmap_remove(&w->map, p, rejected.data[i], spate_value_hash(rejected.data[i]));
    sp_vvec_free(&rejected);
    sp_wmap_compact(p);
    *out = kvs;
    *len = k;
}

static void merge_task(spate_task *t, int j, void *ud)
{
    merge_job *m = ud;
    sp_vmap olds, news;
    sp_vmap_init(&olds, 0);
    sp_vmap_init(&news, 0);
    accumulate(t, m->w, m->leaving, m->nleaving, j, &olds);
    accumulate(t, m->w, m->entering, m->nentering, j, &news);
    if (!spate_task_failed(t)) merge_part(t, m->w, &m->w->map.parts[j], &olds, &news);
    if (!spate_task_failed(t)) emit_part(t, m->w, &m->w->map.parts[j], &m->parts[j], &m->lens[j]);
    sp_vmap_free(&olds);
    sp_vmap_free(&news);
}

/* The slices with from < time <= to (malloc'd array, may be NULL). */
static int slices_between(rwin *w, int64_t from, int64_t to, sp_wslice ***out)
{
    int n = sp_wslices_range(&w->slices, from, to, NULL, 0);
    *out = sp_xcalloc((size_t)(n ? n : 1), sizeof **out);
    int got = sp_wslices_range(&w->slices, from, to, *out, n);
    return got < n ? got : n;
}

/* Moves the map from the window ending at state_time to the one ending at t. */
static spate_err slide_to(rwin *w, spate_rdd *r, int64_t t, spate_value **parts, size_t *lens)
{
    merge_job m = {.w = w, .parts = parts, .lens = lens};
    if (!w->state_valid) {
        sp_wmap_clear(&w->map);
        m.leaving = sp_xcalloc(1, sizeof *m.leaving);
        m.nentering = slices_between(w, t - w->window, t, &m.entering);
    } else {
        int64_t enter_from = w->state_time > t - w->window ? w->state_time : t - w->window;
        m.nleaving = slices_between(w, w->state_time - w->window, t - w->window, &m.leaving);
        m.nentering = slices_between(w, enter_from, t, &m.entering);
    }
    spate_err err = sp_job_run(sp_rdd_scope(r), w->nparts, merge_task, &m);
    free(m.leaving);
    free(m.entering);
    w->state_valid = err == SPATE_OK;
    if (!err) w->state_time = t;
    return err;
}

static spate_err rwin_prepare(spate_rdd *r, spate_value **parts, size_t *lens, void *ud)
{
    rwin_rdd *j = ud;
    rwin *w = j->w;
    if (w->state_valid && j->time <= w->state_time) {
        sp_scope_fail(sp_rdd_scope(r), SPATE_ERR_STATE,
                      "ReducedWindowedDStream: the window is "
                      "already at %lld ms, it cannot go back to %lld ms",
                      (long long)w->state_time, (long long)j->time);
        return SPATE_ERR_STATE;
    }
    char msg[512] = "";
    spate_err err = sp_wslices_ingest(&w->slices, j->time, sp_window_alive_after(j->ctx, j->time),
                                      msg, sizeof msg);
    spate_err merge_err = slide_to(w, r, j->time, parts, lens);
    sp_wslices_evict(&w->slices, j->time - w->window);
    if (err) sp_scope_fail(sp_rdd_scope(r), err, "%s", msg);
    return err ? err : merge_err;
}

static spate_rdd *reduce_batch(spate_rdd *batch, void *ud)
{
    rwin *w = ud;
    return spate_rdd_reduce_by_key(batch, w->fn, w->ud, w->nparts);
}

static spate_rdd *rwin_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    rwin *w = s->impl;
    sp_wslices_capture(&w->slices, s->parents[0], t, s->slide, b, reduce_batch, w);
    rwin_rdd *j = spate_arena_alloc(sp_scope_arena(sp_batch_scope(b)), sizeof *j);
    *j = (rwin_rdd){.w = w, .ctx = s->ctx, .time = t};
    return sp_rdd_prepared(sp_batch_scope(b), w->nparts, NULL, 0, rwin_prepare, j);
}

static void rwin_destroy(spate_stream *s)
{
    rwin *w = s->impl;
    if (!w) return;
    sp_wslices_free(&w->slices);
    sp_wmap_free(&w->map);
    free(w);
}

/* ---- checkpoints: the map (full or changed keys) and the slices the next
 * slides will subtract ---- */

enum { RWIN_STATE_FORMAT = 1 };

static spate_err rwin_save(spate_stream *s, int64_t t, bool full, sp_ckpt_out *out)
{
    rwin *w = s->impl;
    int64_t at = w->state_valid ? w->state_time : t;
    sp_ckpt_put_u8(out, RWIN_STATE_FORMAT);
    sp_ckpt_put_i64(out, at);
    sp_ckpt_put_u8(out, w->state_valid);
    sp_wmap_save(&w->map, full, out);
    sp_wslices_save(&w->slices, at - w->window, at, full, out);
    return SPATE_OK;
}

static spate_err rwin_load(spate_stream *s, int64_t t, bool full, sp_ckpt_in *in)
{
    rwin *w = s->impl;
    uint8_t format, valid;
    int64_t at;
    if (full) {
        sp_wslices_free(&w->slices);
        sp_wslices_init(&w->slices, SP_WSLICE_PAIRS);
    }
    if (!sp_ckpt_get_u8(in, &format) || format != RWIN_STATE_FORMAT || !sp_ckpt_get_i64(in, &at) ||
        !sp_ckpt_get_u8(in, &valid) || !sp_wmap_load(&w->map, in) ||
        !sp_wslices_load(&w->slices, in)) {
        sp_ctx_set_error(s->ctx,
                         "ReducedWindowedDStream: the checkpointed window of %lld ms is "
                         "damaged or does not match this stream (%s)",
                         (long long)t, in->path);
        return SPATE_ERR_CORRUPT;
    }
    w->state_time = at;
    w->state_valid = valid;
    sp_wslices_evict(&w->slices, at - w->window);
    if (at > w->slices.captured_until) w->slices.captured_until = at;
    return SPATE_OK;
}

const sp_stream_ops sp_reduced_windowed_ops = {.name = "ReducedWindowedDStream",
                                               .compute = rwin_compute,
                                               .destroy = rwin_destroy,
                                               .save_state = rwin_save,
                                               .load_state = rwin_load};

spate_stream *sp_reduced_window_new(spate_stream *parent, spate_reduce_fn fn, spate_reduce_fn inv,
                                    spate_filter_fn filter, void *ud, spate_duration window,
                                    spate_duration slide, int nparts)
{
    rwin *w = sp_xcalloc(1, sizeof *w);
    *w = (rwin){
        .fn = fn, .inv = inv, .filter = filter, .ud = ud, .window = window, .nparts = nparts};
    sp_wslices_init(&w->slices, SP_WSLICE_PAIRS);
    sp_wmap_init(&w->map, nparts);
    spate_stream *s = sp_stream_derive(parent, &sp_reduced_windowed_ops, w);
    if (!s) return NULL;
    s->slide = slide;
    s->remember = slide;
    s->needs_checkpoint = true; /* Spark's mustCheckpoint */
    snprintf(s->params, sizeof s->params, "window=%lld slide=%lld nparts=%d inverse=1 filter=%d",
             (long long)window, (long long)slide, nparts, filter != NULL);
    sp_window_remember_parents(s, slide);
    return s;
}

int sp_reduced_window_slice_count(spate_stream *s)
{
    return s->ops == &sp_reduced_windowed_ops ? sp_wslices_count(&((rwin *)s->impl)->slices) : -1;
}

int64_t sp_window_key_count(spate_stream *s)
{
    return s->ops == &sp_reduced_windowed_ops ? sp_wmap_len(&((rwin *)s->impl)->map) : -1;
}
