/* state_keyed.c - the partitioned stores of a stateful stream: placing keys,
 * shuffling a batch's data to the stores' partitions, the first batch's
 * initial state, batch ordering and the checkpoint hooks' work. */
#include "stream/state_int.h"

#include "base/arena.h"
#include "base/log.h"
#include "exec/rdd.h"
#include "state/state_ckpt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sp_keyed_state_init(sp_keyed_state *k, spate_ctx *ctx, const spate_partitioner *p, int nparts,
                         spate_rdd *initial, bool time_order)
{
    memset(k, 0, sizeof *k);
    if (p && (p->nparts <= 0)) {
        sp_ctx_set_error(ctx, "a partitioner needs at least one partition, got %d", p->nparts);
        return false;
    }
    if (p) {
        k->part = *p;
    } else {
        k->part.nparts = nparts > 0 ? nparts : sp_ctx_exec(ctx)->default_parallelism;
        if (k->part.nparts <= 0) k->part.nparts = 1;
    }
    k->nparts = k->part.nparts;
    k->stores = sp_xcalloc((size_t)k->nparts, sizeof *k->stores);
    for (int i = 0; i < k->nparts; i++)
        k->stores[i] = sp_state_store_new(time_order);
    k->initial = initial;
    k->last_time = INT64_MIN;
    k->slide = spate_ctx_batch_interval(ctx); /* the stream's, once it exists */
    return true;
}

void sp_keyed_state_free(sp_keyed_state *k)
{
    for (int i = 0; k->stores && i < k->nparts; i++)
        sp_state_store_destroy(k->stores[i]);
    free(k->stores);
    k->stores = NULL;
}

int sp_keyed_state_place(const sp_keyed_state *k, spate_value key)
{
    if (!k->part.partition) return sp_shuffle_hash_partition(key, k->nparts);
    int p = k->part.partition(key, k->nparts, k->part.ud);
    return p >= 0 && p < k->nparts ? p : -1;
}

spate_rdd *sp_keyed_state_shuffle(const sp_keyed_state *k, spate_rdd *data, sh_kind kind)
{
    sh_funcs f = {.partition = k->part.partition, .partition_ud = k->part.ud};
    return sp_shuffle_new(kind, data, NULL, k->nparts, &f);
}

int sp_keyed_state_params(const sp_keyed_state *k, char *buf, size_t size)
{
    return snprintf(buf, size, "nparts=%d partitioner=%s initial=%d", k->nparts,
                    k->part.partition ? "custom" : "hash", k->initial ? 1 : 0);
}

/* ---- the first batch: the initial state ---- */

typedef struct initial_load {
    sp_keyed_state *k;
    int64_t time;
    bool touch;
    char error[256];
} initial_load;

static void load_initial_part(int part, const spate_value *v, size_t n, void *ud)
{
    (void)part;
    initial_load *l = ud;
    for (size_t i = 0; i < n && !l->error[0]; i++) {
        spate_value key = spate_key(v[i]);
        int p = sp_keyed_state_place(l->k, key);
        if (v[i].type != SPATE_TUPLE || v[i].len != 2 || p < 0) {
            char text[128];
            spate_value_format(v[i], text, sizeof text);
            snprintf(l->error, sizeof l->error, "initial state: %s %s", text,
                     p < 0 ? "has a key the partitioner places in no partition"
                           : "is not a (key, state) pair");
            return;
        }
        sp_state_store *s = l->k->stores[p];
        sp_state_entry *e = sp_state_upsert(s, key, sp_state_hash(key), NULL);
        sp_state_set(s, e, spate_val(v[i]));
        if (l->touch) sp_state_touch(s, e, l->time, true);
    }
}

static spate_err apply_initial(sp_keyed_state *k, int64_t t, bool touch, sp_scope *scope)
{
    initial_load l = {.k = k, .time = t, .touch = touch};
    spate_err err = sp_rdd_run_partitions(k->initial, load_initial_part, &l);
    if (err) {
        sp_scope_fail(scope, err, "initial state RDD failed: %s", spate_rdd_last_error(k->initial));
        return err;
    }
    if (l.error[0]) {
        sp_scope_fail(scope, SPATE_ERR_INVALID_ARG, "%s", l.error);
        return SPATE_ERR_INVALID_ARG;
    }
    return SPATE_OK;
}

spate_err sp_keyed_state_begin_batch(sp_keyed_state *k, int64_t t, bool touch_initial,
                                     sp_scope *scope)
{
    if (t <= k->last_time) {
        sp_scope_fail(scope, SPATE_ERR_STATE,
                      "the state of batch %lld ms can no longer be computed: batch %lld ms "
                      "already updated it",
                      (long long)t, (long long)k->last_time);
        return SPATE_ERR_STATE;
    }
    if (k->last_time != INT64_MIN && t - k->last_time > k->slide)
        sp_log(SP_LOG_WARN, "StateDStream",
               "batch %lld ms updates the state after batch %lld ms: the batches between did "
               "not run their jobs and are not in the state",
               (long long)t, (long long)k->last_time);
    k->last_time = t;
    if (k->initialized) return SPATE_OK;
    k->initialized = true;
    return k->initial ? apply_initial(k, t, touch_initial, scope) : SPATE_OK;
}

/* ---- checkpoints ---- */

spate_err sp_keyed_state_save(sp_keyed_state *k, bool full, sp_ckpt_out *w)
{
    sp_state_save(k->stores, k->nparts, full, w);
    return SPATE_OK;
}

static int place_loaded(spate_value key, void *ud) { return sp_keyed_state_place(ud, key); }

spate_err sp_keyed_state_load(sp_keyed_state *k, spate_ctx *ctx, int64_t t, bool full,
                              sp_ckpt_in *r)
{
    char errstr[512];
    spate_err err =
        sp_state_load(k->stores, k->nparts, full, r, place_loaded, k, errstr, sizeof errstr);
    if (err) {
        sp_ctx_set_error(ctx, "%s", errstr);
        return err;
    }
    /* The checkpoint replaces the initial state, and later batches follow t. */
    k->initialized = true;
    k->last_time = t;
    return SPATE_OK;
}

void sp_state_emit_part(spate_task *t, sp_vvec *out, spate_value **parts, size_t *lens, int part)
{
    sp_scope_own(t->scope, out->data);
    parts[part] = out->data;
    lens[part] = t->failed ? 0 : out->len;
}

sp_keyed_state *sp_state_stream_keyed(spate_stream *s)
{
    /* Both stateful streams' impls start with their sp_keyed_state. */
    if (!s || (s->ops != &sp_state_dstream_ops && s->ops != &sp_map_with_state_ops)) return NULL;
    return s->impl;
}

void sp_state_stream_usage(spate_stream *s, size_t *keys, size_t *bytes)
{
    *keys = *bytes = 0;
    sp_keyed_state *k = sp_state_stream_keyed(s);
    for (int i = 0; k && i < k->nparts; i++) {
        *keys += sp_state_store_len(k->stores[i]);
        *bytes += sp_state_store_bytes(k->stores[i]);
    }
}
