/* queue_stream.c - queueStream (Spark's QueueInputDStream).
 *
 * A FIFO of RDDs made by spate_ctx_parallelize. Each batch takes the oldest
 * one (one_at_a_time) or the union of all of them; the taken RDDs' scopes are
 * adopted by the batch scope, so their memory goes with the batch.
 *
 * The default RDD (used when the queue is empty) stays in its own scope, which
 * the context owns (as it owns every RDD made by spate_ctx_parallelize until a
 * batch adopts it) and frees at spate_ctx_destroy. It is materialized once,
 * when the stream is made, and every empty batch gets a fresh RDD node over
 * those values in the batch's own scope (sp_rdd_from_parts): nothing built on
 * it by later operators accumulates in the context's memory, and its values
 * are shared, not copied.
 *
 * Record counts: like Spark's QueueInputDStream, which reports no input info,
 * the queue stream does not add to records_in: a queued RDD's size is only
 * known by running it, and compute never runs jobs.
 *
 * Threads: spate_queue_stream and destroy on the program's thread, push on any
 * thread, compute on the generator thread; the queue is guarded by `lock`. */
#include "stream/dstream_int.h"

#include "base/arena.h"
#include "base/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct queue_impl {
    pthread_mutex_t lock; /* guards items/head/len/cap */
    spate_rdd **items;    /* ring buffer */
    size_t head, len, cap;
    bool one_at_a_time;
    spate_rdd *default_rdd; /* in a scope the context owns */
    int default_nparts;     /* the materialized default RDD */
    spate_value **default_parts;
    size_t *default_lens;
} queue_impl;

static const sp_stream_ops queue_ops;

/* Generator thread, lock held. */
static spate_rdd *queue_pop(queue_impl *q)
{
    spate_rdd *r = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    return r;
}

/* Generator thread: the queued RDDs for one batch, their scopes adopted by b. */
static spate_rdd *queue_take(queue_impl *q, sp_batch *b)
{
    pthread_mutex_lock(&q->lock);
    size_t n = q->one_at_a_time ? (q->len ? 1 : 0) : q->len;
    spate_rdd **taken = NULL;
    if (n) {
        taken = sp_xmalloc(n * sizeof *taken);
        for (size_t i = 0; i < n; i++)
            taken[i] = queue_pop(q);
    }
    pthread_mutex_unlock(&q->lock);
    if (!n) return NULL;
    for (size_t i = 0; i < n; i++)
        sp_scope_adopt(sp_batch_scope(b), sp_rdd_scope(taken[i]));
    spate_rdd *r = n == 1 ? taken[0] : spate_rdd_union_n(taken, (int)n);
    free(taken);
    if (!r) sp_batch_fail(b, SPATE_ERR_STATE, "queueStream: cannot union %zu queued RDDs", n);
    return r;
}

static spate_rdd *queue_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    (void)t;
    queue_impl *q = s->impl;
    spate_rdd *r = queue_take(q, b);
    if (r) return r;
    if (q->default_rdd)
        return sp_rdd_from_parts(sp_batch_scope(b), q->default_nparts, q->default_parts,
                                 q->default_lens);
    return sp_rdd_empty(sp_batch_scope(b));
}

static spate_err queue_start(spate_stream *s, int64_t zero_time)
{
    (void)s;
    (void)zero_time;
    return SPATE_OK;
}

static void queue_stop(spate_stream *s, bool graceful)
{
    (void)s;
    (void)graceful;
}

/* Spark's graceful stop drains receivers only, not queues. */
static bool queue_has_pending(spate_stream *s)
{
    (void)s;
    return false;
}

/* Program thread. The RDDs still queued and the default RDD are not freed
 * here: spate_ctx_parallelize's scopes belong to the context until a batch
 * adopts them, and the context frees the rest after its streams. */
static void queue_destroy(spate_stream *s)
{
    queue_impl *q = s->impl;
    if (!q) return;
    free(q->items);
    free(q->default_parts);
    free(q->default_lens);
    pthread_mutex_destroy(&q->lock);
    free(q);
    s->impl = NULL;
}

static const sp_stream_ops queue_ops = {
    .name = "QueueInputDStream",
    .compute = queue_compute,
    .start = queue_start,
    .stop = queue_stop,
    .has_pending = queue_has_pending,
    .destroy = queue_destroy,
};

static void default_part(int part, const spate_value *v, size_t n, void *ud)
{
    queue_impl *q = ud;
    q->default_parts[part] = (spate_value *)v;
    q->default_lens[part] = n;
}

/* Program thread: runs the default RDD once so that batches can share its
 * values. */
static spate_err queue_materialize_default(queue_impl *q)
{
    int n = spate_rdd_num_partitions(q->default_rdd);
    q->default_nparts = n;
    q->default_parts = sp_xcalloc(n > 0 ? (size_t)n : 1, sizeof *q->default_parts);
    q->default_lens = sp_xcalloc(n > 0 ? (size_t)n : 1, sizeof *q->default_lens);
    return sp_rdd_run_partitions(q->default_rdd, default_part, q);
}

spate_stream *spate_queue_stream(spate_ctx *ssc, bool one_at_a_time, spate_rdd *default_rdd)
{
    if (!ssc) return NULL;
    queue_impl *q = sp_xcalloc(1, sizeof *q);
    pthread_mutex_init(&q->lock, NULL);
    q->one_at_a_time = one_at_a_time;
    q->default_rdd = default_rdd;
    if (default_rdd && sp_scope_exec(sp_rdd_scope(default_rdd)) != sp_ctx_exec(ssc)) {
        sp_ctx_set_error(ssc, "queueStream: the default RDD belongs to another context");
        queue_destroy(&(spate_stream){.impl = q});
        return NULL;
    }
    if (default_rdd && sp_ctx_check_initialized(ssc)) {
        spate_err err = queue_materialize_default(q);
        if (err != SPATE_OK) {
            sp_ctx_set_error(ssc, "queueStream: the default RDD failed: %s",
                             spate_rdd_last_error(default_rdd));
            queue_destroy(&(spate_stream){.impl = q});
            return NULL;
        }
    }
    spate_stream *s = sp_input_stream_new(ssc, &queue_ops, q);
    if (!s) queue_destroy(&(spate_stream){.impl = q});
    return s;
}

/* Any thread. */
spate_err spate_queue_stream_push(spate_stream *queue, spate_rdd *rdd)
{
    if (!queue || !rdd || queue->ops != &queue_ops) return SPATE_ERR_INVALID_ARG;
    if (sp_scope_exec(sp_rdd_scope(rdd)) != sp_ctx_exec(queue->ctx)) {
        sp_ctx_set_error(queue->ctx, "queueStream: the pushed RDD belongs to another context");
        return SPATE_ERR_INVALID_ARG;
    }
    queue_impl *q = queue->impl;
    pthread_mutex_lock(&q->lock);
    if (q->len == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        spate_rdd **items = sp_xmalloc(cap * sizeof *items);
        for (size_t i = 0; i < q->len; i++)
            items[i] = q->items[(q->head + i) % q->cap];
        free(q->items);
        q->items = items;
        q->cap = cap;
        q->head = 0;
    }
    q->items[(q->head + q->len) % q->cap] = rdd;
    q->len++;
    pthread_mutex_unlock(&q->lock);
    return SPATE_OK;
}
