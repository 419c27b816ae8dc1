/* window_ops.c - Spark's WindowedDStream and the window operations Spark
 * composes from it: window, reduceByWindow, groupByKeyAndWindow,
 * reduceByKeyAndWindow without an inverse; the inverse forms (countByWindow,
 * countByValueAndWindow, reduceBy*Window with inv) go to reduce_window.c.
 *
 * WindowedDStream: its RDD of time t is the union of the parent's RDDs of the
 * batches in (t - window, t]. Spark keeps those parent RDDs alive (persisted,
 * remembered for the whole window); here each parent batch is materialized
 * once, in the job of the first window that covers it, and deep-copied into a
 * slice the operator owns (window_slices.h), so batch scopes are freed after
 * the usual remember duration, not after the window. Window RDDs hand out the
 * slices' partitions without copying, so a slice is kept until no remembered
 * RDD can point at it: window + the graph's remember duration. */
#include "stream/window_int.h"

#include <spate/functions.h>
#include <spate/window.h>

#include "base/arena.h"
#include "stream/ctx_impl.h"
#include "stream/window_slices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared checks ---- */

bool sp_window_check(spate_stream *parent, spate_duration window, spate_duration *slide,
                     const char *what)
{
    if (!parent) return false;
    if (*slide == 0) *slide = parent->slide;
    char wb[32], sb[32], pb[32];
    spate_duration_format(window, wb, sizeof wb);
    spate_duration_format(*slide, sb, sizeof sb);
    spate_duration_format(parent->slide, pb, sizeof pb);
    const char *multiple = strcmp(what, "windowed DStream") ? "multiple" : "a multiple";
    if (window <= 0 || *slide < 0) {
        sp_ctx_set_error(parent->ctx,
                         "The window duration (%s) and slide duration (%s) of %s "
                         "must be positive",
                         wb, sb, what);
        return false;
    }
    if (window % parent->slide) {
        sp_ctx_set_error(parent->ctx,
                         "The window duration of %s (%s) must be %s of the slide "
                         "duration of parent DStream (%s)",
                         what, wb, multiple, pb);
        return false;
    }
    if (*slide % parent->slide) {
        sp_ctx_set_error(parent->ctx,
                         "The slide duration of %s (%s) must be %s of the slide "
                         "duration of parent DStream (%s)",
                         what, sb, multiple, pb);
        return false;
    }
    return true;
}

static spate_duration reach_of(const spate_stream *s)
{
    return s->ops == &sp_windowed_ops || s->ops == &sp_reduced_windowed_ops ? s->slide : 0;
}

void sp_window_remember_parents(spate_stream *s, spate_duration d)
{
    for (int i = 0; i < s->nparents; i++) {
        spate_stream *p = s->parents[i];
        if (p->remember < d) p->remember = d;
        sp_window_remember_parents(p, d + reach_of(p));
    }
}

int64_t sp_window_alive_after(spate_ctx *ctx, int64_t t)
{
    return t - ctx->batch - sp_graph_remember(ctx);
}

/* ---- WindowedDStream ---- */

typedef struct windowed {
    spate_duration window;
    sp_wslices slices; /* SP_WSLICE_ELEMENTS */
} windowed;

/* One window RDD: the slices it covers, listed when the batch is generated. */
typedef struct window_rdd {
    windowed *w;
    spate_ctx *ctx;
    int64_t time;
    int nslices;
    sp_wslice **slices;
} window_rdd;

/* Job thread: ingests the new batches, hands out the covered slices'
 * partitions, drops slices no remembered RDD can reach any more. */
static spate_err windowed_prepare(spate_rdd *r, spate_value **parts, size_t *lens, void *ud)
{
    window_rdd *j = ud;
    char msg[512] = "";
    spate_err err = sp_wslices_ingest(&j->w->slices, j->time,
                                      sp_window_alive_after(j->ctx, j->time), msg, sizeof msg);
    int at = 0;
    for (int i = 0; i < j->nslices; i++) {
        sp_wslice *sl = j->slices[i];
        bool ready = sl->state == SP_WSLICE_READY;
        for (int p = 0; p < sl->nparts; p++, at++) {
            parts[at] = ready ? sl->parts[p] : NULL;
            lens[at] = ready ? sl->lens[p] : 0;
        }
    }
    sp_wslices_evict(&j->w->slices, j->time - j->w->window - sp_graph_remember(j->ctx));
    if (err) sp_scope_fail(sp_rdd_scope(r), err, "%s", msg);
    return err;
}

static spate_rdd *windowed_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    windowed *w = s->impl;
    sp_wslices_capture(&w->slices, s->parents[0], t, s->slide, b, NULL, NULL);
    spate_arena *a = sp_scope_arena(sp_batch_scope(b));
    window_rdd *j = spate_arena_alloc(a, sizeof *j);
    *j = (window_rdd){.w = w, .ctx = s->ctx, .time = t};
    int n = sp_wslices_range(&w->slices, t - w->window, t, NULL, 0);
    j->slices = spate_arena_alloc(a, sizeof *j->slices * (size_t)(n ? n : 1));
    j->nslices = sp_wslices_range(&w->slices, t - w->window, t, j->slices, n);
    if (j->nslices > n) j->nslices = n;
    int nparts = 0;
    for (int i = 0; i < j->nslices; i++)
        nparts += j->slices[i]->nparts;
    return sp_rdd_prepared(sp_batch_scope(b), nparts, NULL, 0, windowed_prepare, j);
}

static void windowed_destroy(spate_stream *s)
{
    windowed *w = s->impl;
    if (!w) return;
    sp_wslices_free(&w->slices);
    free(w);
}

enum { WINDOW_STATE_FORMAT = 1 };

/* The slices later windows still need: those in (t - window, t]. */
static spate_err windowed_save(spate_stream *s, int64_t t, bool full, sp_ckpt_out *out)
{
    windowed *w = s->impl;
    sp_ckpt_put_u8(out, WINDOW_STATE_FORMAT);
    sp_ckpt_put_i64(out, t);
    sp_wslices_save(&w->slices, t - w->window, t, full, out);
    return SPATE_OK;
}

static spate_err windowed_load(spate_stream *s, int64_t t, bool full, sp_ckpt_in *in)
{
    windowed *w = s->impl;
    uint8_t format;
    int64_t saved_t;
    if (full) {
        sp_wslices_free(&w->slices);
        sp_wslices_init(&w->slices, SP_WSLICE_ELEMENTS);
    }
    if (!sp_ckpt_get_u8(in, &format) || format != WINDOW_STATE_FORMAT ||
        !sp_ckpt_get_i64(in, &saved_t) || !sp_wslices_load(&w->slices, in)) {
        sp_ctx_set_error(s->ctx,
                         "WindowedDStream: the checkpointed window of %lld ms is damaged "
                         "or of another format (%s)",
                         (long long)t, in->path);
        return SPATE_ERR_CORRUPT;
    }
    sp_wslices_evict(&w->slices, saved_t - w->window);
    if (saved_t > w->slices.captured_until) w->slices.captured_until = saved_t;
    return SPATE_OK;
}

const sp_stream_ops sp_windowed_ops = {.name = "WindowedDStream",
                                       .compute = windowed_compute,
                                       .destroy = windowed_destroy,
                                       .save_state = windowed_save,
                                       .load_state = windowed_load};

spate_stream *spate_stream_window(spate_stream *s, spate_duration window, spate_duration slide)
{
    if (!sp_window_check(s, window, &slide, "windowed DStream")) return NULL;
    windowed *w = sp_xcalloc(1, sizeof *w);
    w->window = window;
    sp_wslices_init(&w->slices, SP_WSLICE_ELEMENTS);
    spate_stream *ws = sp_stream_derive(s, &sp_windowed_ops, w);
    if (!ws) return NULL;
    ws->slide = slide;
    ws->remember = slide;
    snprintf(ws->params, sizeof ws->params, "window=%lld slide=%lld", (long long)window,
             (long long)slide);
    sp_window_remember_parents(ws, slide);
    return ws;
}

int sp_window_slice_count(spate_stream *s)
{
    if (s->ops == &sp_windowed_ops) return sp_wslices_count(&((windowed *)s->impl)->slices);
    return sp_reduced_window_slice_count(s);
}

/* ---- operations Spark builds on window ---- */

static int default_parts(spate_stream *s, int nparts)
{
    return nparts > 0 ? nparts : s->ctx->exec.default_parallelism;
}

/* reduceByKey(fn).window(...).reduceByKey(fn), or ReducedWindowedDStream. */
spate_stream *spate_stream_reduce_by_key_and_window(spate_stream *s, spate_reduce_fn fn,
                                                    spate_reduce_fn inv, spate_filter_fn filter,
                                                    void *ud, spate_duration window,
                                                    spate_duration slide, int nparts)
{
    if (!s) return NULL;
    nparts = default_parts(s, nparts);
    if (inv) {
        if (!sp_window_check(s, window, &slide, "ReducedWindowedDStream")) return NULL;
        return sp_reduced_window_new(s, fn, inv, filter, ud, window, slide, nparts);
    }
    if (!sp_window_check(s, window, &slide, "windowed DStream")) return NULL;
    spate_stream *per_batch = spate_stream_reduce_by_key(s, fn, ud, nparts);
    return spate_stream_reduce_by_key(spate_stream_window(per_batch, window, slide), fn, ud,
                                      nparts);
}

/* x -> (1, x): reduceByWindow with an inverse runs by key, on a single key. */
static spate_value keyed_by_one(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), spate_i64(1), v);
}

spate_stream *spate_stream_reduce_by_window(spate_stream *s, spate_reduce_fn fn,
                                            spate_reduce_fn inv, void *ud, spate_duration window,
                                            spate_duration slide)
{
    if (!s) return NULL;
    if (inv) {
        if (!sp_window_check(s, window, &slide, "ReducedWindowedDStream")) return NULL;
        spate_stream *keyed = spate_stream_map(s, keyed_by_one, NULL);
        spate_stream *r =
            keyed ? sp_reduced_window_new(keyed, fn, inv, NULL, ud, window, slide, 1) : NULL;
        return spate_stream_map(r, spate_fn_value, NULL);
    }
    if (!sp_window_check(s, window, &slide, "windowed DStream")) return NULL;
    spate_stream *per_batch = spate_stream_reduce(s, fn, ud);
    return spate_stream_reduce(spate_stream_window(per_batch, window, slide), fn, ud);
}

spate_stream *spate_stream_count_by_window(spate_stream *s, spate_duration window,
                                           spate_duration slide)
{
    /* checked first, so that bad durations leave no stray map in the graph */
    if (!sp_window_check(s, window, &slide, "ReducedWindowedDStream")) return NULL;
    return spate_stream_reduce_by_window(spate_stream_map(s, spate_fn_one, NULL), spate_fn_sum,
                                         spate_fn_subtract, NULL, window, slide);
}

static bool count_non_zero(spate_task *t, spate_value kv, void *ud)
{
    (void)t, (void)ud;
    return spate_as_i64(spate_val(kv)) != 0;
}

spate_stream *spate_stream_count_by_value_and_window(spate_stream *s, spate_duration window,
                                                     spate_duration slide, int nparts)
{
    if (!sp_window_check(s, window, &slide, "ReducedWindowedDStream")) return NULL;
    return spate_stream_reduce_by_key_and_window(spate_stream_map(s, spate_fn_pair_with_one, NULL),
                                                 spate_fn_sum, spate_fn_subtract, count_non_zero,
                                                 NULL, window, slide, nparts);
}

/* groupByKeyAndWindow's combiners: the per-batch groups, concatenated. */
static spate_value concat_lists(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)ud;
    spate_value all = spate_list_of(spate_task_arena(t), NULL, (size_t)a.len + b.len);
    spate_value *items = spate_items_mut(all);
    for (uint32_t i = 0; i < a.len; i++)
        items[i] = a.u.items[i];
    for (uint32_t i = 0; i < b.len; i++)
        items[a.len + i] = b.u.items[i];
    return all;
}

/* groupByKey.window.combineByKey(concatenating the groups), as Spark. */
spate_stream *spate_stream_group_by_key_and_window(spate_stream *s, spate_duration window,
                                                   spate_duration slide, int nparts)
{
    if (!s || !sp_window_check(s, window, &slide, "windowed DStream")) return NULL;
    nparts = default_parts(s, nparts);
    spate_stream *w = spate_stream_window(spate_stream_group_by_key(s, nparts), window, slide);
    return spate_stream_combine_by_key(w, spate_fn_identity, concat_lists, concat_lists, NULL,
                                       nparts);
}
