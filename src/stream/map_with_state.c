/* map_with_state.c - mapWithState (Spark's MapWithStateDStream) and
 * stateSnapshots.
 *
 * Each batch moves the new (key, value) pairs to the state's partitions in
 * order (partitionBy), then one task per partition calls the mapping function
 * once per record, in record order, with the key's State. Only keys with new
 * data cost work. With a timeout, the keys idle for longer than it get one
 * last call (value None, isTimingOut true) and are removed.
 *
 * Timeouts are checked at every batch, not only at checkpoint batches as in
 * Spark (whose full scan is too costly to run more often): the stores keep
 * their entries ordered by last update, so the check reads just the idle
 * keys at the old end. A key updated at time u times out at the first batch t
 * with u < t - timeout (Spark's getByTime threshold).
 *
 * Values handed to the function (the key, Some(value), the state from get)
 * live in the batch's memory, so the function may return them. */
#include "stream/state_int.h"

#include "base/arena.h"
#include "exec/rdd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mws {
    sp_keyed_state state; /* first: see sp_state_stream_keyed */
    spate_state_spec spec;
    bool snapshots; /* a stateSnapshots stream reads the state after each batch */
} mws;

/* One batch of one stream, in the batch's memory. */
typedef struct mws_batch {
    mws *m;
    int64_t time;
    spate_rdd *data; /* the pairs in the state's partitions, or NULL */
    spate_value **parts, **snap_parts;
    size_t *lens, *snap_lens;
    bool done;
    spate_err err;
} mws_batch;

/* A partition's output, in the task's arena: sized for one result per
 * record up front, so the usual batch never grows it (timeouts may). */
typedef struct mws_out {
    spate_value *data;
    size_t len, cap;
} mws_out;

/* One task's work on its partition. */
typedef struct mws_run {
    spate_task *t;
    mws_batch *mb;
    const spate_state_spec *spec;
    sp_state_store *st;
    mws_out out;
} mws_run;

/* Prefetch distance (records) for the index slot, then the entry. */
enum { AHEAD = 16 };
/* Keys below which a store is taken to stay in the caches (entries and
 * index well under 1 MiB): no prefetching, which would cost more than the
 * misses it hides. */
enum { PREFETCH_MIN_KEYS = 16384 };

static void fail_with_value(spate_task *t, const char *what, spate_value v)
{
    char text[128];
    spate_value_format(v, text, sizeof text);
    spate_task_fail(t, "mapWithState: %s, got %s", what, text);
}

static spate_value call(mws_run *r, spate_value key, spate_value value, spate_state *st)
{
    if (r->spec->fn) return r->spec->fn(r->t, key, value, st, r->spec->ud);
    return r->spec->fn_time(r->t, r->mb->time, key, value, st, r->spec->ud);
}

static void out_reserve(mws_run *r, size_t cap)
{
    spate_value *data = spate_arena_alloc(spate_task_arena(r->t), sizeof *data * (cap ? cap : 1));
    if (r->out.len) memcpy(data, r->out.data, sizeof *data * r->out.len);
    r->out.data = data;
    r->out.cap = cap;
}

static inline void out_push(mws_run *r, spate_value v)
{
    if (r->out.len == r->out.cap) out_reserve(r, r->out.cap ? 2 * r->out.cap : 64);
    r->out.data[r->out.len++] = v;
}

/* The function's result into the output: every result of the plain form, m
 * of Some(m) for the form with time. */
static inline void emit(mws_run *r, spate_value ret)
{
    if (r->spec->fn)
        out_push(r, ret);
    else if (ret.type == SPATE_SOME)
        out_push(r, ret.u.items[0]);
    else if (ret.type != SPATE_NONE)
        fail_with_value(r->t, "the mapping function must return Some(value) or None", ret);
}

static inline void map_record(mws_run *r, spate_value rec, uint32_t h)
{
    if (rec.type != SPATE_TUPLE || rec.len != 2) {
        fail_with_value(r->t, "the stream must hold (key, value) pairs", rec);
        return;
    }
    spate_value key = rec.u.items[0];
    sp_state_entry *e = sp_state_find(r->st, key, h);
    spate_state st = {.task = r->t, .defined = e != NULL, .stored = e ? e->val : spate_null()};
    /* Some(value) over the record's own second item: no allocation, and it
     * lives as long as the key handed over beside it (the batch). */
    spate_value some = {.type = SPATE_SOME, .len = 1, .u.items = rec.u.items + 1};
    spate_value ret = call(r, key, some, &st);
    if (r->t->failed) return;
    bool timeouts = r->spec->has_timeout;
    if (st.removed) {
        if (e) sp_state_remove(r->st, e);
    } else if (st.updated || (st.defined && timeouts)) {
        /* With a timeout, data alone keeps the key alive (Spark puts it back
         * with the batch time). */
        if (!e) e = sp_state_upsert(r->st, key, h, NULL);
        if (st.updated) sp_state_set(r->st, e, st.value);
        sp_state_touch(r->st, e, r->mb->time, timeouts);
    }
    emit(r, ret);
}

static void map_records(mws_run *r, const spate_value *recs, size_t n)
{
    /* The hashes go in the thread's scratch memory (warm, given back here). */
    spate_arena *scratch = sp_exec_scratch(sp_scope_exec(r->t->scope), r->t->thread);
    spate_arena *tmp = scratch ? scratch : spate_task_arena(r->t);
    sp_arena_mark mark = sp_arena_get_mark(tmp);
    uint32_t *hashes = spate_arena_alloc(tmp, (n ? n : 1) * sizeof *hashes);
    for (size_t i = 0; i < n; i++)
        hashes[i] = sp_state_hash(spate_key(recs[i]));
    out_reserve(r, n);
    /* A big store misses the cache on the index and again on the entry:
     * fetch both ahead so the misses overlap instead of adding up. */
    size_t ahead = sp_state_store_len(r->st) >= PREFETCH_MIN_KEYS ? n : 0;
    for (size_t i = 0; i < n && !r->t->failed; i++) {
        if (i + 2 * AHEAD < ahead) sp_state_prefetch_slot(r->st, hashes[i + 2 * AHEAD]);
        if (i + AHEAD < ahead) sp_state_prefetch_entry(r->st, hashes[i + AHEAD]);
        map_record(r, recs[i], hashes[i]);
    }
    if (scratch) sp_arena_release(scratch, mark);
}

static void time_out_idle(mws_run *r)
{
    int64_t threshold = r->mb->time - r->spec->timeout;
    sp_state_entry *e;
    while (!r->t->failed && (e = sp_state_oldest(r->st)) && e->time < threshold) {
        spate_state st = {.task = r->t, .defined = true, .timing_out = true, .stored = e->val};
        spate_value key = spate_value_copy(spate_task_arena(r->t), e->key);
        spate_value ret = call(r, key, spate_none(), &st);
        if (r->t->failed) break;
        sp_state_remove(r->st, e);
        emit(r, ret);
    }
}

/* stateSnapshots: every (key, state) of the partition, copied into the batch. */
static void snapshot(mws_run *r, int part)
{
    spate_arena *a = spate_task_arena(r->t);
    size_t n = 0, it = 0;
    spate_value *snap = spate_arena_alloc(a, sizeof *snap * (sp_state_store_len(r->st) + 1));
    sp_state_entry *e;
    while ((e = sp_state_next(r->st, &it)))
        snap[n++] = spate_tuple2(a, spate_value_copy(a, e->key), spate_value_copy(a, e->val));
    r->mb->snap_parts[part] = snap;
    r->mb->snap_lens[part] = r->t->failed ? 0 : n;
}

static void mws_task(spate_task *t, int part, void *ud)
{
    mws_batch *mb = ud;
    mws_run r = {.t = t, .mb = mb, .spec = &mb->m->spec, .st = mb->m->state.stores[part]};
    size_t n;
    const spate_value *in = sp_rdd_partition(mb->data, part, &n);
    if (in) map_records(&r, in, n);
    if (r.spec->has_timeout && !t->failed) time_out_idle(&r);
    mb->parts[part] = r.out.data;
    mb->lens[part] = t->failed ? 0 : r.out.len;
    if (mb->snap_parts) snapshot(&r, part);
}

/* ---- the mapped stream ---- */

static spate_err mws_prepare(spate_rdd *r, spate_value **parts, size_t *lens, void *ud)
{
    mws_batch *mb = ud;
    if (mb->done) return mb->err; /* tried once: never apply a batch twice */
    mb->done = true;
    mb->parts = parts;
    mb->lens = lens;
    sp_keyed_state *k = &mb->m->state;
    spate_err err = sp_keyed_state_begin_batch(k, mb->time, true, sp_rdd_scope(r));
    if (!err) err = sp_job_run(sp_rdd_scope(r), k->nparts, mws_task, mb);
    mb->err = err;
    return err;
}

static spate_rdd *mws_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    mws *m = s->impl;
    int n = m->state.nparts;
    spate_rdd *data = sp_stream_get_or_compute(s->parents[0], t, b);
    sp_scope *scope = sp_batch_scope(b);
    spate_arena *a = sp_scope_arena(scope);
    mws_batch *mb = spate_arena_alloc(a, sizeof *mb);
    *mb = (mws_batch){.m = m, .time = t};
    /* Without new data the batch still runs: timeouts, snapshots. */
    mb->data = data ? sp_keyed_state_shuffle(&m->state, data, SH_PARTITION_BY) : NULL;
    if (m->snapshots) {
        mb->snap_parts = spate_arena_alloc(a, sizeof *mb->snap_parts * (size_t)n);
        mb->snap_lens = spate_arena_alloc(a, sizeof *mb->snap_lens * (size_t)n);
        for (int i = 0; i < n; i++) {
            mb->snap_parts[i] = NULL;
            mb->snap_lens[i] = 0;
        }
    }
    return sp_rdd_prepared(scope, n, &mb->data, 1, mws_prepare, mb);
}

static void mws_destroy(spate_stream *s)
{
    mws *m = s->impl;
    sp_keyed_state_free(&m->state);
    free(m);
}

static spate_err mws_save(spate_stream *s, int64_t t, bool full, sp_ckpt_out *w)
{
    (void)t;
    return sp_keyed_state_save(&((mws *)s->impl)->state, full, w);
}

static spate_err mws_load(spate_stream *s, int64_t t, bool full, sp_ckpt_in *r)
{
    return sp_keyed_state_load(&((mws *)s->impl)->state, s->ctx, t, full, r);
}

const sp_stream_ops sp_map_with_state_ops = {.name = "MapWithStateDStream",
                                             .compute = mws_compute,
                                             .destroy = mws_destroy,
                                             .save_state = mws_save,
                                             .load_state = mws_load};

static bool check_spec(spate_ctx *ctx, const spate_state_spec *spec)
{
    if (!spec->fn && !spec->fn_time) {
        sp_ctx_set_error(ctx, "mapWithState: the mapping function must not be NULL");
        return false;
    }
    if (spec->has_timeout && spec->timeout < 0) {
        sp_ctx_set_error(ctx, "mapWithState: the timeout must not be negative, got %lld ms",
                         (long long)spec->timeout);
        return false;
    }
    return true;
}

spate_stream *spate_stream_map_with_state(spate_stream *pairs, spate_state_spec *spec)
{
    if (!pairs || !spec || !check_spec(pairs->ctx, spec)) {
        if (pairs && !spec) sp_ctx_set_error(pairs->ctx, "mapWithState: the StateSpec is NULL");
        spate_state_spec_destroy(spec);
        return NULL;
    }
    mws *m = sp_xcalloc(1, sizeof *m);
    m->spec = *spec;
    spate_state_spec_destroy(spec);
    if (!sp_keyed_state_init(&m->state, pairs->ctx, m->spec.has_part ? &m->spec.part : NULL,
                             m->spec.nparts, m->spec.initial, m->spec.has_timeout)) {
        free(m);
        return NULL;
    }
    spate_stream *out = sp_stream_derive(pairs, &sp_map_with_state_ops, m);
    if (!out) return NULL;
    out->needs_checkpoint = true;
    m->state.slide = out->slide;
    /* Spark's InternalMapWithStateDStream checkpoints every 10 slides unless
     * told otherwise (spate_stream_checkpoint replaces this). */
    out->checkpoint_interval = 10 * out->slide;
    int n = sp_keyed_state_params(&m->state, out->params, sizeof out->params);
    if (n >= 0 && (size_t)n < sizeof out->params)
        snprintf(out->params + n, sizeof out->params - (size_t)n, " timeout=%lld fn=%s",
                 m->spec.has_timeout ? (long long)m->spec.timeout : -1LL,
                 m->spec.fn ? "plain" : "time");
    return out;
}

/* ---- stateSnapshots ---- */

static spate_err snap_prepare(spate_rdd *r, spate_value **parts, size_t *lens, void *ud)
{
    (void)r;
    mws_batch *mb = ud; /* its RDD, our dependency, is prepared: the copies are made */
    for (int i = 0; i < mb->m->state.nparts; i++) {
        parts[i] = mb->snap_parts[i];
        lens[i] = mb->snap_lens[i];
    }
    return mb->err;
}

static spate_rdd *snap_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    spate_rdd *mapped = sp_stream_get_or_compute(s->parents[0], t, b);
    if (!mapped) return NULL;
    return sp_rdd_prepared(sp_batch_scope(b), spate_rdd_num_partitions(mapped), &mapped, 1,
                           snap_prepare, sp_rdd_prepared_ud(mapped));
}

static const sp_stream_ops SNAPSHOT_OPS = {.name = "StateSnapshotsDStream",
                                           .compute = snap_compute};

spate_stream *spate_stream_state_snapshots(spate_stream *mapped)
{
    if (!mapped) return NULL;
    if (mapped->ops != &sp_map_with_state_ops) {
        sp_ctx_set_error(mapped->ctx, "stateSnapshots: the stream was not made by mapWithState");
        return NULL;
    }
    /* Before start only (derive checks): every batch from the first copies. */
    if (!sp_ctx_check_initialized(mapped->ctx)) return NULL;
    ((mws *)mapped->impl)->snapshots = true;
    return sp_stream_derive(mapped, &SNAPSHOT_OPS, NULL);
}
