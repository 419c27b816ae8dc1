/* window_map.c - per-partition key -> value maps in owned memory (see
 * window_map.h). */
#include "stream/window_map.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

enum { MAP_FORMAT = 1, COMPACT_MIN_GARBAGE = 1 << 20 };

/* Roughly what spate_value_copy allocates for v (16-byte granules). */
static size_t deep_bytes(spate_value v)
{
    switch (v.type) {
    case SPATE_STR:
    case SPATE_BYTES:
        return ((size_t)v.len + 15) & ~(size_t)15;
    case SPATE_SOME:
        return 16 + deep_bytes(v.u.items[0]);
    case SPATE_TUPLE:
    case SPATE_LIST:
    case SPATE_ARRAY: {
        size_t n = 16 * (size_t)(v.len ? v.len : 1);
        for (uint32_t i = 0; i < v.len; i++)
            n += deep_bytes(v.u.items[i]);
        return n;
    }
    default:
        return 0;
    }
}

static void part_init(sp_wmap_part *p)
{
    sp_vmap_init(&p->map, 0);
    sp_vmap_init(&p->changed, 0);
    p->arena = spate_arena_new();
    p->changed_arena = spate_arena_new();
    p->garbage = 0;
}

static void part_free(sp_wmap_part *p)
{
    sp_vmap_free(&p->map);
    sp_vmap_free(&p->changed);
    spate_arena_destroy(p->arena);
    spate_arena_destroy(p->changed_arena);
}

void sp_wmap_init(sp_wmap *m, int nparts)
{
    memset(m, 0, sizeof *m);
    m->nparts = nparts;
    m->parts = sp_xcalloc((size_t)nparts, sizeof *m->parts);
    for (int i = 0; i < nparts; i++)
        part_init(&m->parts[i]);
}

void sp_wmap_free(sp_wmap *m)
{
    for (int i = 0; i < m->nparts; i++)
        part_free(&m->parts[i]);
    free(m->parts);
    memset(m, 0, sizeof *m);
}

static void forget_changes(sp_wmap_part *p)
{
    sp_vmap_clear(&p->changed);
    spate_arena_destroy(p->changed_arena);
    p->changed_arena = spate_arena_new();
}

void sp_wmap_clear(sp_wmap *m)
{
    for (int i = 0; i < m->nparts; i++) {
        sp_wmap_part *p = &m->parts[i];
        sp_vmap_clear(&p->map);
        spate_arena_destroy(p->arena);
        p->arena = spate_arena_new();
        p->garbage = 0;
        forget_changes(p);
    }
    m->reset = true;
}

int64_t sp_wmap_len(const sp_wmap *m)
{
    int64_t n = 0;
    for (int i = 0; i < m->nparts; i++)
        n += (int64_t)sp_vmap_len(&m->parts[i].map);
    return n;
}

spate_value *sp_wmap_find(sp_wmap_part *p, spate_value key, uint64_t hash)
{
    return sp_vmap_find(&p->map, key, hash);
}

static void note_change(sp_wmap *m, sp_wmap_part *p, spate_value key, uint64_t hash)
{
    if (!m->tracking) return;
    bool fresh;
    spate_value *slot = sp_vmap_upsert(&p->changed, key, hash, &fresh);
    if (fresh) sp_vmap_set_key(&p->changed, slot, spate_value_copy(p->changed_arena, key));
}

void sp_wmap_put(sp_wmap *m, sp_wmap_part *p, spate_value key, uint64_t hash, spate_value val)
{
    bool fresh;
    spate_value *slot = sp_vmap_upsert(&p->map, key, hash, &fresh);
    if (fresh)
        sp_vmap_set_key(&p->map, slot, spate_value_copy(p->arena, key));
    else
        p->garbage += deep_bytes(*slot);
    *slot = spate_value_copy(p->arena, val);
    note_change(m, p, key, hash);
}

void sp_wmap_remove(sp_wmap *m, sp_wmap_part *p, spate_value key, uint64_t hash)
{
    spate_value *slot = sp_vmap_find(&p->map, key, hash);
    if (!slot) return;
    p->garbage += deep_bytes(*slot) + deep_bytes(key);
    note_change(m, p, key, hash); /* before the removal: key may point into the entry */
    sp_vmap_remove(&p->map, key, hash);
}

void sp_wmap_compact(sp_wmap_part *p)
{
    size_t total = sp_arena_bytes(p->arena);
    if (p->garbage < COMPACT_MIN_GARBAGE || p->garbage * 2 < total) return;
    spate_arena *fresh = spate_arena_new();
    size_t it = 0;
    spate_value key, *val;
    while (sp_vmap_next(&p->map, &it, &key, &val)) {
        sp_vmap_set_key(&p->map, val, spate_value_copy(fresh, key));
        *val = spate_value_copy(fresh, *val);
    }
    spate_arena_destroy(p->arena);
    p->arena = fresh;
    p->garbage = 0;
}

/* ---- checkpoints ---- */

static void save_full(sp_wmap_part *p, sp_ckpt_out *w)
{
    sp_ckpt_put_u64(w, sp_vmap_len(&p->map));
    size_t it = 0;
    spate_value key, *val;
    while (sp_vmap_next(&p->map, &it, &key, &val)) {
        sp_ckpt_put_value(w, key);
        sp_ckpt_put_value(w, *val);
    }
}

static void save_changes(sp_wmap_part *p, sp_ckpt_out *w)
{
    sp_ckpt_put_u64(w, sp_vmap_len(&p->changed));
    size_t it = 0;
    spate_value key;
    while (sp_vmap_next(&p->changed, &it, &key, NULL)) {
        spate_value *val = sp_vmap_find(&p->map, key, spate_value_hash(key));
        sp_ckpt_put_value(w, key);
        sp_ckpt_put_u8(w, val != NULL);
        if (val) sp_ckpt_put_value(w, *val);
    }
}

void sp_wmap_save(sp_wmap *m, bool full, sp_ckpt_out *w)
{
    if (!m->tracking || m->reset) full = true;
    sp_ckpt_put_u8(w, MAP_FORMAT);
    sp_ckpt_put_u8(w, full);
    sp_ckpt_put_u64(w, (uint64_t)m->nparts);
    for (int i = 0; i < m->nparts; i++) {
        if (full)
            save_full(&m->parts[i], w);
        else
            save_changes(&m->parts[i], w);
        forget_changes(&m->parts[i]);
    }
    m->tracking = true;
    m->reset = false;
}

/* One entry of a record: key, then (delta) a presence mark, then the value. */
static bool load_entry(sp_wmap *m, sp_wmap_part *p, bool full, sp_ckpt_in *in, spate_arena *tmp)
{
    spate_value key, val;
    uint8_t present = 1;
    if (!sp_ckpt_get_value(in, tmp, &key)) return false;
    if (!full && !sp_ckpt_get_u8(in, &present)) return false;
    uint64_t h = spate_value_hash(key);
    if (!present) {
        sp_wmap_remove(m, p, key, h);
        return true;
    }
    if (!sp_ckpt_get_value(in, tmp, &val)) return false;
    sp_wmap_put(m, p, key, h, val);
    return true;
}

bool sp_wmap_load(sp_wmap *m, sp_ckpt_in *in)
{
    uint8_t format, full;
    uint64_t nparts;
    if (!sp_ckpt_get_u8(in, &format) || format != MAP_FORMAT || !sp_ckpt_get_u8(in, &full) ||
        !sp_ckpt_get_u64(in, &nparts) || nparts != (uint64_t)m->nparts)
        return false;
    if (full) sp_wmap_clear(m);
    m->tracking = false; /* loading is not a change to save again */
    spate_arena *tmp = spate_arena_new();
    bool ok = true;
    for (int i = 0; ok && i < m->nparts; i++) {
        uint64_t n;
        ok = sp_ckpt_get_u64(in, &n) && n <= in->len - in->pos;
        for (uint64_t j = 0; ok && j < n; j++)
            ok = load_entry(m, &m->parts[i], full, in, tmp);
    }
    spate_arena_destroy(tmp);
    m->tracking = true;
    m->reset = false;
    return ok;
}
