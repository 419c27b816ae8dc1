/* graph.c - the DStream graph: making streams, computing and remembering each
 * stream's RDD per batch time, forgetting old ones, slice. */
#include "stream/ctx_impl.h"

#include "base/arena.h"
#include "exec/rdd.h"

#include <stdlib.h>
#include <string.h>

static spate_stream *register_stream(spate_ctx *ctx, const sp_stream_ops *ops, void *impl,
                                     bool input)
{
    if (!sp_ctx_check_initialized(ctx)) return NULL;
    spate_stream *s = sp_xcalloc(1, sizeof *s);
    s->ctx = ctx;
    s->ops = ops;
    s->impl = impl;
    s->is_input = input;
    s->slide = ctx->batch;
    s->remember = ctx->batch;
    s->id = ctx->nstreams;
    ctx->streams = sp_xrealloc(ctx->streams, sizeof *ctx->streams * (size_t)(ctx->nstreams + 1));
    ctx->streams[ctx->nstreams++] = s;
    return s;
}

spate_stream *sp_stream_new(spate_ctx *ctx, const sp_stream_ops *ops, void *impl)
{
    return register_stream(ctx, ops, impl, false);
}

spate_stream *sp_input_stream_new(spate_ctx *ctx, const sp_stream_ops *ops, void *impl)
{
    return register_stream(ctx, ops, impl, true);
}

static void destroy_impl(const sp_stream_ops *ops, void *impl)
{
    spate_stream tmp = {.ops = ops, .impl = impl};
    if (ops->destroy) ops->destroy(&tmp);
}

spate_stream *sp_stream_derive(spate_stream *parent, const sp_stream_ops *ops, void *impl)
{
    spate_stream *s = parent ? sp_stream_new(parent->ctx, ops, impl) : NULL;
    if (!s) {
        destroy_impl(ops, impl);
        return NULL;
    }
    s->parents[s->nparents++] = parent;
    s->slide = parent->slide;
    s->remember = parent->slide;
    return s;
}

spate_stream *sp_stream_derive2(spate_stream *a, spate_stream *b, const sp_stream_ops *ops,
                                void *impl)
{
    if (a && b && (a->ctx != b->ctx || a->slide != b->slide)) {
        sp_ctx_set_error(a->ctx,
                         a->ctx != b->ctx
                             ? "streams belong to different StreamingContexts"
                             : "streams have different slide durations (%lld ms and %lld ms)",
                         (long long)a->slide, (long long)b->slide);
        b = NULL;
    }
    spate_stream *s = sp_stream_derive(b ? a : NULL, ops, impl);
    if (s) s->parents[s->nparents++] = b;
    return s;
}

spate_ctx *spate_stream_ctx(const spate_stream *s) { return s->ctx; }
spate_duration spate_stream_slide(const spate_stream *s) { return s->slide; }

static spate_rdd *find_generated(spate_stream *s, int64_t t)
{
    for (int i = s->gen_len - 1; i >= 0; i--)
        if (s->gen_times[i] == t) return s->gen_rdds[i];
    return NULL;
}

static void remember_generated(spate_stream *s, int64_t t, spate_rdd *r)
{
    if (s->gen_len == s->gen_cap) {
        s->gen_cap = s->gen_cap ? s->gen_cap * 2 : 8;
        s->gen_times = sp_xrealloc(s->gen_times, sizeof *s->gen_times * (size_t)s->gen_cap);
        s->gen_rdds = sp_xrealloc(s->gen_rdds, sizeof *s->gen_rdds * (size_t)s->gen_cap);
    }
    s->gen_times[s->gen_len] = t;
    s->gen_rdds[s->gen_len++] = r;
}

static bool is_time_valid(const spate_stream *s, int64_t t)
{
    int64_t since = t - s->ctx->zero_time;
    return since > 0 && since % s->slide == 0;
}

spate_rdd *sp_stream_get_or_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    if (!s || !is_time_valid(s, t)) return NULL;
    spate_rdd *r = find_generated(s, t);
    if (r) return r;
    r = s->ops->compute(s, t, b);
    if (r && s->storage_level != SPATE_STORAGE_NONE)
        r = sp_rdd_persist_for_batch(r, sp_batch_scope(b), s->storage_level);
    if (r) remember_generated(s, t, r);
    return r;
}

spate_duration sp_graph_remember(spate_ctx *ctx)
{
    spate_duration longest = ctx->remember > ctx->batch ? ctx->remember : ctx->batch;
    for (int i = 0; i < ctx->nstreams; i++)
        if (ctx->streams[i]->remember > longest) longest = ctx->streams[i]->remember;
    return longest;
}

void sp_graph_forget(spate_ctx *ctx, int64_t now_batch)
{
    for (int i = 0; i < ctx->nstreams; i++) {
        spate_stream *s = ctx->streams[i];
        spate_duration keep = s->remember > ctx->remember ? s->remember : ctx->remember;
        int kept = 0;
        for (int j = 0; j < s->gen_len; j++) {
            if (s->gen_times[j] <= now_batch - keep) continue;
            s->gen_times[kept] = s->gen_times[j];
            s->gen_rdds[kept++] = s->gen_rdds[j];
        }
        s->gen_len = kept;
    }
}

void sp_graph_destroy(spate_ctx *ctx)
{
    for (int i = 0; i < ctx->noutputs; i++)
        sp_output_destroy(ctx->outputs[i]);
    free(ctx->outputs);
    for (int i = 0; i < ctx->nstreams; i++) {
        spate_stream *s = ctx->streams[i];
        if (s->ops->destroy) s->ops->destroy(s);
        free(s->gen_times);
        free(s->gen_rdds);
        free(s);
    }
    free(ctx->streams);
    ctx->streams = NULL;
    ctx->outputs = NULL;
    ctx->nstreams = ctx->noutputs = 0;
}

/* Spark's DStream.isInitialized: the graph has a zero time from the start of
 * the context on, and keeps it after stop. A context stopped before it ever
 * started has none (its generator never ran). */
static bool graph_has_zero_time(spate_ctx *ctx)
{
    pthread_mutex_lock(&ctx->mu);
    bool started =
        ctx->state == SPATE_CTX_ACTIVE || (ctx->state == SPATE_CTX_STOPPED && ctx->generator_done);
    pthread_mutex_unlock(&ctx->mu);
    return started;
}

/* A time Spark's slice takes as it is: on the stream's grid of slides from
 * the zero time, before or after it. */
static bool is_time_aligned(const spate_stream *s, int64_t t)
{
    return (t - s->ctx->zero_time) % s->slide == 0;
}

spate_err spate_stream_slice(spate_stream *s, int64_t from_ms, int64_t to_ms, spate_rdd ***out,
                             int *n)
{
    *out = NULL;
    *n = 0;
    if (!s) return SPATE_ERR_INVALID_ARG;
    if (!graph_has_zero_time(s->ctx)) {
        sp_ctx_set_error(s->ctx, "%s has not been initialized", s->ops->name);
        return SPATE_ERR_STATE;
    }
    if (!is_time_aligned(s, from_ms) || !is_time_aligned(s, to_ms)) {
        sp_ctx_set_error(s->ctx,
                         "slice(%lld ms, %lld ms): times must be aligned to the stream's slide "
                         "(multiples of %lld ms from the zero time %lld ms)",
                         (long long)from_ms, (long long)to_ms, (long long)s->slide,
                         (long long)s->ctx->zero_time);
        return SPATE_ERR_INVALID_ARG;
    }
    /* Only remembered RDDs count, and each is after the zero time: times at
     * or before it simply match none (Spark: "if (time >= zeroTime)
     * getOrCompute(time) else None", and getOrCompute has none at zero). */
    pthread_mutex_lock(&s->ctx->graph_lock);
    int count = 0, newest = -1;
    for (int i = 0; i < s->gen_len; i++) {
        int64_t t = s->gen_times[i];
        if (t < from_ms || t > to_ms) continue;
        count++;
        if (newest < 0 || t > s->gen_times[newest]) newest = i;
    }
    /* The array lives as long as the newest batch it lists. */
    spate_rdd **rdds = NULL;
    if (count) {
        rdds =
            spate_arena_alloc(spate_rdd_arena(s->gen_rdds[newest]), sizeof *rdds * (size_t)count);
        int64_t *times = sp_xmalloc(sizeof *times * (size_t)count);
        for (int i = 0; i < s->gen_len; i++) {
            int64_t t = s->gen_times[i];
            if (t < from_ms || t > to_ms) continue;
            /* Insertion in time order (a window may have computed older times later). */
            int j = (*n)++;
            for (; j > 0 && times[j - 1] > t; j--) {
                times[j] = times[j - 1];
                rdds[j] = rdds[j - 1];
            }
            times[j] = t;
            rdds[j] = s->gen_rdds[i];
        }
        free(times);
    }
    pthread_mutex_unlock(&s->ctx->graph_lock);
    *out = rdds;
    return SPATE_OK;
}
