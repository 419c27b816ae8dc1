/* window_slices.c - per-batch slices of window operators (see window_slices.h). */
#include "stream/window_slices.h"

#include "base/arena.h"
#include "base/log.h"
#include "exec/rdd.h"
#include "stream/ctx_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SLICES_FORMAT = 1 };

void sp_wslices_init(sp_wslices *r, sp_wslice_layout layout)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->layout = layout;
    r->captured_until = INT64_MIN;
}

static void slice_free(sp_wslice *sl)
{
    spate_arena_destroy(sl->arena);
    free(sl);
}

void sp_wslices_free(sp_wslices *r)
{
    for (int i = 0; i < r->len; i++)
        slice_free(r->items[i]);
    free(r->items);
    pthread_mutex_destroy(&r->mu);
    memset(r, 0, sizeof *r);
}

/* Inserts sl in time order (mu held); a slice of the same time is replaced. */
static void insert_locked(sp_wslices *r, sp_wslice *sl)
{
    int at = r->len;
    while (at > 0 && r->items[at - 1]->time >= sl->time)
        at--;
    if (at < r->len && r->items[at]->time == sl->time) {
        slice_free(r->items[at]);
        r->items[at] = sl;
        return;
    }
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->items = sp_xrealloc(r->items, sizeof *r->items * (size_t)r->cap);
    }
    memmove(r->items + at + 1, r->items + at, sizeof *r->items * (size_t)(r->len - at));
    r->items[at] = sl;
    r->len++;
}

static sp_wslice *slice_new(int64_t time, int nparts, sp_wslice_state state)
{
    sp_wslice *sl = sp_xcalloc(1, sizeof *sl);
    sl->time = time;
    sl->nparts = nparts;
    sl->state = state;
    return sl;
}

void sp_wslices_capture(sp_wslices *r, spate_stream *parent, int64_t t, spate_duration reach,
                        sp_batch *b, sp_wslice_prep_fn prep, void *ud)
{
    int64_t from = t - reach;
    if (r->captured_until > from) from = r->captured_until;
    if (parent->ctx->zero_time > from) from = parent->ctx->zero_time;
    /* Parent batch times are zero + k * slide: start at the first one after from. */
    int64_t p = parent->slide, zero = parent->ctx->zero_time;
    int64_t first = from + (p - (from - zero) % p) % p;
    if (first == from) first += p;
    for (int64_t ti = first; ti <= t; ti += p) {
        spate_rdd *src = sp_stream_get_or_compute(parent, ti, b);
        if (src && prep) src = prep(src, ud);
        if (!src) continue; /* no RDD that time: an empty batch */
        sp_wslice *sl = slice_new(ti, spate_rdd_num_partitions(src), SP_WSLICE_PENDING);
        sl->source = src;
        pthread_mutex_lock(&r->mu);
        insert_locked(r, sl);
        pthread_mutex_unlock(&r->mu);
    }
    if (t > r->captured_until) r->captured_until = t;
}

/* Copies one materialized partition into the slice's arena. */
static void copy_part(sp_wslice *sl, sp_wslice_layout layout, int i, const spate_value *v, size_t n)
{
    size_t out_n = layout == SP_WSLICE_PAIRS ? 2 * n : n;
    sl->lens[i] = out_n;
    if (!out_n) return;
    spate_value *dst = spate_arena_alloc(sl->arena, sizeof *dst * out_n);
    for (size_t j = 0; j < n; j++) {
        if (layout == SP_WSLICE_PAIRS) {
            dst[2 * j] = spate_value_copy(sl->arena, spate_key(v[j]));
            dst[2 * j + 1] = spate_value_copy(sl->arena, spate_val(v[j]));
        } else {
            dst[j] = spate_value_copy(sl->arena, v[j]);
        }
    }
    sl->parts[i] = dst;
}

static void alloc_parts(sp_wslice *sl)
{
    sl->arena = spate_arena_new();
    size_t n = (size_t)(sl->nparts ? sl->nparts : 1);
    sl->parts = spate_arena_alloc(sl->arena, sizeof *sl->parts * n);
    sl->lens = spate_arena_alloc(sl->arena, sizeof *sl->lens * n);
    memset(sl->parts, 0, sizeof *sl->parts * n);
    memset(sl->lens, 0, sizeof *sl->lens * n);
}

static spate_err ingest_one(sp_wslices *r, sp_wslice *sl, char *err, size_t err_size)
{
    spate_value **parts;
    size_t *lens;
    spate_rdd *src = sl->source;
    sl->source = NULL;
    alloc_parts(sl);
    spate_err e = sp_rdd_materialize(src, &parts, &lens);
    if (e) {
        sl->state = SP_WSLICE_LOST;
        char msg[400];
        sp_scope_error(sp_rdd_scope(src), msg, sizeof msg);
        snprintf(err, err_size, "the batch of %lld ms could not be computed for the window: %s",
                 (long long)sl->time, msg[0] ? msg : spate_err_str(e));
        return e;
    }
    for (int i = 0; i < sl->nparts; i++)
        copy_part(sl, r->layout, i, parts[i], lens[i]);
    sl->state = SP_WSLICE_READY;
    return SPATE_OK;
}

spate_err sp_wslices_ingest(sp_wslices *r, int64_t upto, int64_t alive_after, char *err,
                            size_t err_size)
{
    spate_err first = SPATE_OK;
    for (int i = 0;; i++) {
        pthread_mutex_lock(&r->mu);
        sp_wslice *sl = i < r->len && r->items[i]->time <= upto ? r->items[i] : NULL;
        pthread_mutex_unlock(&r->mu);
        if (!sl) break;
        if (sl->state != SP_WSLICE_PENDING) continue;
        if (sl->time <= alive_after) {
            sp_log(SP_LOG_WARN, "WindowedDStream",
                   "the batch of %lld ms was forgotten before a window used it; the window "
                   "counts it as empty",
                   (long long)sl->time);
            sl->source = NULL;
            sl->state = SP_WSLICE_LOST;
            continue;
        }
        char msg[512];
        spate_err e = ingest_one(r, sl, msg, sizeof msg);
        if (e && !first) {
            first = e;
            snprintf(err, err_size, "%s", msg);
        }
    }
    return first;
}

void sp_wslices_evict(sp_wslices *r, int64_t horizon)
{
    pthread_mutex_lock(&r->mu);
    int gone = 0;
    while (gone < r->len && r->items[gone]->time <= horizon)
        slice_free(r->items[gone++]);
    memmove(r->items, r->items + gone, sizeof *r->items * (size_t)(r->len - gone));
    r->len -= gone;
    pthread_mutex_unlock(&r->mu);
}

int sp_wslices_range(sp_wslices *r, int64_t from, int64_t to, sp_wslice **out, int cap)
{
    int n = 0;
    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < r->len; i++) {
        sp_wslice *sl = r->items[i];
        if (sl->time <= from || sl->time > to) continue;
        if (n < cap) out[n] = sl;
        n++;
    }
    pthread_mutex_unlock(&r->mu);
    return n;
}

int sp_wslices_count(sp_wslices *r)
{
    pthread_mutex_lock(&r->mu);
    int n = r->len;
    pthread_mutex_unlock(&r->mu);
    return n;
}

/* ---- checkpoints ---- */

static void save_slice(const sp_wslice *sl, sp_ckpt_out *w)
{
    bool ready = sl->state == SP_WSLICE_READY;
    sp_ckpt_put_i64(w, sl->time);
    sp_ckpt_put_u64(w, ready ? (uint64_t)sl->nparts : 0);
    for (int i = 0; ready && i < sl->nparts; i++) {
        sp_ckpt_put_u64(w, sl->lens[i]);
        for (size_t j = 0; j < sl->lens[i]; j++)
            sp_ckpt_put_value(w, sl->parts[i][j]);
    }
}

void sp_wslices_save(sp_wslices *r, int64_t from, int64_t to, bool full, sp_ckpt_out *w)
{
    pthread_mutex_lock(&r->mu);
    int n = 0;
    for (int i = 0; i < r->len; i++) {
        sp_wslice *sl = r->items[i];
        if (sl->time > from && sl->time <= to && sl->state != SP_WSLICE_PENDING &&
            (full || !sl->saved))
            n++;
    }
    sp_ckpt_put_u8(w, SLICES_FORMAT);
    sp_ckpt_put_u64(w, (uint64_t)n);
    for (int i = 0; i < r->len; i++) {
        sp_wslice *sl = r->items[i];
        if (sl->time <= from || sl->time > to || sl->state == SP_WSLICE_PENDING) continue;
        if (!full && sl->saved) continue;
        save_slice(sl, w);
        sl->saved = true;
    }
    pthread_mutex_unlock(&r->mu);
}

/* A bound on counts read from a body, so damage cannot ask for huge arrays. */
static bool plausible(const sp_ckpt_in *in, uint64_t count) { return count <= in->len - in->pos; }

static sp_wslice *load_slice(sp_ckpt_in *in)
{
    int64_t time;
    uint64_t nparts;
    if (!sp_ckpt_get_i64(in, &time) || !sp_ckpt_get_u64(in, &nparts) || !plausible(in, nparts) ||
        nparts > INT32_MAX)
        return NULL;
    sp_wslice *sl = slice_new(time, (int)nparts, SP_WSLICE_READY);
    alloc_parts(sl);
    for (int i = 0; i < sl->nparts; i++) {
        uint64_t n;
        if (!sp_ckpt_get_u64(in, &n) || !plausible(in, n)) goto bad;
        sl->lens[i] = (size_t)n;
        if (!n) continue;
        sl->parts[i] = spate_arena_alloc(sl->arena, sizeof(spate_value) * (size_t)n);
        for (uint64_t j = 0; j < n; j++)
            if (!sp_ckpt_get_value(in, sl->arena, &sl->parts[i][j])) goto bad;
    }
    sl->saved = true;
    return sl;
bad:
    slice_free(sl);
    return NULL;
}

bool sp_wslices_load(sp_wslices *r, sp_ckpt_in *in)
{
    uint8_t format;
    uint64_t n;
    if (!sp_ckpt_get_u8(in, &format) || format != SLICES_FORMAT || !sp_ckpt_get_u64(in, &n) ||
        !plausible(in, n))
        return false;
    for (uint64_t i = 0; i < n; i++) {
        sp_wslice *sl = load_slice(in);
        if (!sl) return false;
        pthread_mutex_lock(&r->mu);
        insert_locked(r, sl);
        pthread_mutex_unlock(&r->mu);
    }
    return true;
}
