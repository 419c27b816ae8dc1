/* state_ops.c - updateStateByKey (Spark's StateDStream): each batch groups
 * the new values by key into the state's partitions, then one task per
 * partition calls the update function for every key with new values and for
 * every other live key (with an empty List), as Spark does. The output is
 * the (key, state) pair of every key left. The function comes in Spark's
 * three forms: (values, state), (time, key, values, state), and the
 * iterator over a partition's (key, values, state) triples. */
#include "stream/state_int.h"

#include "base/arena.h"
#include "exec/rdd.h"

#include <stdio.h>
#include <stdlib.h>

/* The update function, in one of its forms (the others NULL). */
typedef struct usk_fns {
    spate_update_state_fn fn;
    spate_update_state_time_fn fn_time;
    spate_update_state_iter_fn iter;
} usk_fns;

typedef struct usk {
    sp_keyed_state state; /* first: see sp_state_stream_keyed */
    usk_fns f;
    void *ud;
} usk;

/* One batch of one stream, in the batch's memory. */
typedef struct usk_batch {
    usk *u;
    int64_t time;
    spate_rdd *groups; /* (key, List(values)) in the state's partitions, or NULL */
    spate_value **parts;
    size_t *lens;
    bool done;
    spate_err err;
} usk_batch;

static const spate_value NO_ITEMS[1];
static const spate_value EMPTY_LIST = {SPATE_LIST, 0, {.items = NO_ITEMS}};

/* Iterator form: marks keys that had values this batch (the store is not
 * time-ordered, so the time field is free to use as a mark; never a batch
 * time, never SP_STATE_NO_TIME). */
#define SEEN_MARK (INT64_MIN + 1)

static void batch_groups(const usk_batch *ub, int part, const spate_value **g, size_t *n)
{
    *g = sp_rdd_partition(ub->groups, part, n);
}

static bool check_option(spate_task *t, spate_value r)
{
    if (r.type == SPATE_SOME || r.type == SPATE_NONE) return true;
    char text[128];
    spate_value_format(r, text, sizeof text);
    spate_task_fail(t,
                    "updateStateByKey: the update function must return Some(state) or None, "
                    "got %s",
                    text);
    return false;
}

/* Calls the function for one key and applies its answer (e: the key's entry
 * or NULL; key: in batch or task memory). */
static void update_key(spate_task *t, usk_batch *ub, sp_state_store *st, sp_state_entry *e,
                       spate_value key, uint32_t h, spate_value values, sp_vvec *out)
{
    spate_arena *a = spate_task_arena(t);
    spate_value state = e ? spate_some(a, spate_value_copy(a, e->val)) : spate_none();
    const usk *u = ub->u;
    spate_value r = u->f.fn ? u->f.fn(t, values, state, u->ud)
                            : u->f.fn_time(t, ub->time, key, values, state, u->ud);
    if (spate_task_failed(t) || !check_option(t, r)) return;
    if (r.type == SPATE_NONE) {
        if (e) sp_state_remove(st, e);
        return;
    }
    if (!e) e = sp_state_upsert(st, key, h, NULL);
    sp_state_set(st, e, r.u.items[0]);
    sp_state_touch(st, e, ub->time, false);
    sp_vvec_push(out, spate_tuple2(a, key, r.u.items[0]));
}

static void usk_task(spate_task *t, int part, void *ud)
{
    usk_batch *ub = ud;
    sp_state_store *st = ub->u->state.stores[part];
    sp_vvec out = {0};
    const spate_value *g;
    size_t n;
    batch_groups(ub, part, &g, &n);
    for (size_t i = 0; i < n && !spate_task_failed(t); i++) {
        spate_value key = spate_key(g[i]);
        uint32_t h = sp_state_hash(key);
        update_key(t, ub, st, sp_state_find(st, key, h), key, h, spate_val(g[i]), &out);
    }
    /* Every other key: its entry was not touched at this batch's time. */
    size_t it = 0;
    sp_state_entry *e;
    while (!spate_task_failed(t) && (e = sp_state_next(st, &it))) {
        if (e->time == ub->time) continue;
        update_key(t, ub, st, e, spate_value_copy(spate_task_arena(t), e->key), e->hash, EMPTY_LIST,
                   &out);
    }
    sp_state_emit_part(t, &out, ub->parts, ub->lens, part);
}

/* ---- the iterator form ---- */

/* Every (key, List(values), Option(state)) of the partition. */
static void make_triples(spate_task *t, usk_batch *ub, sp_state_store *st, int part,
                         sp_vvec *triples)
{
    spate_arena *a = spate_task_arena(t);
    const spate_value *g;
    size_t n;
    batch_groups(ub, part, &g, &n);
    for (size_t i = 0; i < n; i++) {
        spate_value key = spate_key(g[i]);
        sp_state_entry *e = sp_state_find(st, key, sp_state_hash(key));
        spate_value state = e ? spate_some(a, spate_value_copy(a, e->val)) : spate_none();
        if (e) e->time = SEEN_MARK;
        sp_vvec_push(triples, spate_tuple3(a, key, spate_val(g[i]), state));
    }
    size_t it = 0;
    sp_state_entry *e;
    while ((e = sp_state_next(st, &it))) {
        if (e->time == SEEN_MARK) continue;
        sp_vvec_push(triples, spate_tuple3(a, spate_value_copy(a, e->key), EMPTY_LIST,
                                           spate_some(a, spate_value_copy(a, e->val))));
    }
}

/* The store becomes exactly the pairs the function pushed. */
static void keep_pushed(spate_task *t, usk_batch *ub, sp_state_store *st, const sp_vvec *kept)
{
    for (size_t i = 0; i < kept->len && !spate_task_failed(t); i++) {
        spate_value v = kept->data[i];
        if (v.type != SPATE_TUPLE || v.len != 2) {
            char text[128];
            spate_value_format(v, text, sizeof text);
            spate_task_fail(t,
                            "updateStateByKey: the update function must push (key, state) "
                            "pairs, got %s",
                            text);
            return;
        }
        spate_value key = spate_key(v);
        sp_state_entry *e = sp_state_upsert(st, key, sp_state_hash(key), NULL);
        sp_state_set(st, e, spate_val(v));
        e->time = ub->time;
    }
    size_t it = 0;
    sp_state_entry *e;
    while ((e = sp_state_next(st, &it)))
        if (e->time != ub->time) sp_state_remove(st, e);
}

static void usk_iter_task(spate_task *t, int part, void *ud)
{
    usk_batch *ub = ud;
    sp_state_store *st = ub->u->state.stores[part];
    sp_vvec triples = {0}, kept = {0};
    make_triples(t, ub, st, part, &triples);
    sp_collect_sink sink;
    sp_collect_sink_init(&sink, t, &kept);
    ub->u->f.iter(t, triples.data, triples.len, &sink.base, ub->u->ud);
    if (!spate_task_failed(t)) keep_pushed(t, ub, st, &kept);
    sp_vvec_free(&triples);
    sp_state_emit_part(t, &kept, ub->parts, ub->lens, part);
}

/* ---- the stream ---- */

static spate_err usk_prepare(spate_rdd *r, spate_value **parts, size_t *lens, void *ud)
{
    usk_batch *ub = ud;
    if (ub->done) return ub->err; /* tried once: never apply a batch twice */
    ub->done = true;
    ub->parts = parts;
    ub->lens = lens;
    usk *u = ub->u;
    spate_err err = sp_keyed_state_begin_batch(&u->state, ub->time, false, sp_rdd_scope(r));
    sp_job_task_fn task = u->f.iter ? usk_iter_task : usk_task;
    if (!err) err = sp_job_run(sp_rdd_scope(r), u->state.nparts, task, ub);
    ub->err = err;
    return err;
}

static spate_rdd *usk_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    usk *u = s->impl;
    spate_rdd *data = sp_stream_get_or_compute(s->parents[0], t, b);
    sp_scope *scope = sp_batch_scope(b);
    usk_batch *ub = spate_arena_alloc(sp_scope_arena(scope), sizeof *ub);
    *ub = (usk_batch){.u = u, .time = t};
    /* Without new data the function still runs for every key. */
    ub->groups = data ? sp_keyed_state_shuffle(&u->state, data, SH_GROUP) : NULL;
    return sp_rdd_prepared(scope, u->state.nparts, &ub->groups, 1, usk_prepare, ub);
}

static void usk_destroy(spate_stream *s)
{
    usk *u = s->impl;
    sp_keyed_state_free(&u->state);
    free(u);
}

static spate_err usk_save(spate_stream *s, int64_t t, bool full, sp_ckpt_out *w)
{
    (void)t;
    return sp_keyed_state_save(&((usk *)s->impl)->state, full, w);
}

static spate_err usk_load(spate_stream *s, int64_t t, bool full, sp_ckpt_in *r)
{
    return sp_keyed_state_load(&((usk *)s->impl)->state, s->ctx, t, full, r);
}

const sp_stream_ops sp_state_dstream_ops = {.name = "StateDStream",
                                            .compute = usk_compute,
                                            .destroy = usk_destroy,
                                            .save_state = usk_save,
                                            .load_state = usk_load};

static const char *form_name(const usk_fns *f)
{
    return f->iter ? "iterator" : f->fn_time ? "time" : "values";
}

static spate_stream *new_state_stream(spate_stream *s, usk_fns f, void *ud,
                                      const spate_partitioner *p, int nparts, spate_rdd *initial)
{
    if (!s) return NULL;
    if (!f.fn && !f.fn_time && !f.iter) {
        sp_ctx_set_error(s->ctx, "updateStateByKey: the update function must not be NULL");
        return NULL;
    }
    usk *u = sp_xcalloc(1, sizeof *u);
    if (!sp_keyed_state_init(&u->state, s->ctx, p, nparts, initial, false)) {
        free(u);
        return NULL;
    }
    u->f = f;
    u->ud = ud;
    spate_stream *out = sp_stream_derive(s, &sp_state_dstream_ops, u);
    if (!out) return NULL;
    out->needs_checkpoint = true;
    u->state.slide = out->slide;
    int n = sp_keyed_state_params(&u->state, out->params, sizeof out->params);
    if (n >= 0 && (size_t)n < sizeof out->params)
        snprintf(out->params + n, sizeof out->params - (size_t)n, " fn=%s", form_name(&f));
    return out;
}

spate_stream *spate_stream_update_state_by_key(spate_stream *s, spate_update_state_fn fn, void *ud,
                                               int nparts)
{
    return new_state_stream(s, (usk_fns){.fn = fn}, ud, NULL, nparts, NULL);
}

spate_stream *spate_stream_update_state_by_key_with(spate_stream *s, spate_update_state_fn fn,
                                                    void *ud, const spate_partitioner *p,
                                                    spate_rdd *initial)
{
    return new_state_stream(s, (usk_fns){.fn = fn}, ud, p, 0, initial);
}

spate_stream *spate_stream_update_state_by_key_iter(spate_stream *s, spate_update_state_iter_fn fn,
                                                    void *ud, const spate_partitioner *p,
                                                    spate_rdd *initial)
{
    return new_state_stream(s, (usk_fns){.iter = fn}, ud, p, 0, initial);
}

spate_stream *spate_stream_update_state_by_key_time(spate_stream *s, spate_update_state_time_fn fn,
                                                    void *ud, const spate_partitioner *p,
                                                    spate_rdd *initial)
{
    return new_state_stream(s, (usk_fns){.fn_time = fn}, ud, p, 0, initial);
}
