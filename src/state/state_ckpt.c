/* state_ckpt.c - saving and loading stores (format in state_ckpt.h). A delta
 * walks only the dirty lists and tombstones, so its cost follows the number
 * of changed keys, not the size of the state. */
#include "state/state_ckpt.h"

#include "base/arena.h"

#include <stdio.h>

enum { FORMAT_VERSION = 1 };

static void put_entry(sp_ckpt_out *w, const sp_state_entry *e)
{
    sp_ckpt_put_value(w, e->key);
    sp_ckpt_put_value(w, e->val);
    sp_ckpt_put_i64(w, e->time);
}

static void save_full(sp_state_store **stores, int n, sp_ckpt_out *w)
{
    size_t total = 0;
    for (int p = 0; p < n; p++)
        total += sp_state_store_len(stores[p]);
    sp_ckpt_put_u64(w, 0);
    sp_ckpt_put_u64(w, total);
    for (int p = 0; p < n; p++) {
        size_t it = 0;
        sp_state_entry *e;
        while ((e = sp_state_next(stores[p], &it)))
            put_entry(w, e);
    }
}

static void save_delta(sp_state_store **stores, int n, sp_ckpt_out *w)
{
    size_t removed = 0, changed = 0;
    for (int p = 0; p < n; p++) {
        removed += sp_state_ntombstones(stores[p]);
        changed += sp_state_ndirty(stores[p]);
    }
    sp_ckpt_put_u64(w, removed);
    for (int p = 0; p < n; p++)
        for (size_t i = 0; i < sp_state_ntombstones(stores[p]); i++)
            sp_ckpt_put_value(w, sp_state_tombstone(stores[p], i));
    sp_ckpt_put_u64(w, changed);
    for (int p = 0; p < n; p++)
        for (size_t i = 0; i < sp_state_ndirty(stores[p]); i++)
            put_entry(w, sp_state_take_dirty(stores[p], i));
}

void sp_state_save(sp_state_store **stores, int n, bool full, sp_ckpt_out *w)
{
    sp_ckpt_put_u8(w, FORMAT_VERSION);
    sp_ckpt_put_u8(w, full ? 1 : 0);
    if (full)
        save_full(stores, n, w);
    else
        save_delta(stores, n, w);
    for (int p = 0; p < n; p++)
        sp_state_mark_clean(stores[p]);
}

/* ---- loading ---- */

typedef struct loader {
    sp_state_store **stores;
    int n;
    sp_state_place_fn place;
    void *ud;
    sp_ckpt_in *r;
    spate_arena *tmp; /* values as read, recycled per record */
    char *errstr;
    size_t errstr_size;
} loader;

static spate_err damaged(loader *l, const char *what)
{
    snprintf(l->errstr, l->errstr_size, "state checkpoint %s: %s at byte %zu",
             l->r->path[0] ? l->r->path : "(memory)", what, l->r->pos);
    return SPATE_ERR_CORRUPT;
}

static sp_state_store *store_of(loader *l, spate_value key)
{
    int p = l->place(key, l->ud);
    return p >= 0 && p < l->n ? l->stores[p] : NULL;
}

static spate_err load_removal(loader *l)
{
    spate_value key;
    if (!sp_ckpt_get_value(l->r, l->tmp, &key)) return damaged(l, "truncated removed key");
    sp_state_store *s = store_of(l, key);
    if (!s) return damaged(l, "the partitioner gives no partition for a key");
    sp_state_entry *e = sp_state_find(s, key, sp_state_hash(key));
    if (e) sp_state_remove(s, e);
    return SPATE_OK;
}

static spate_err load_entry(loader *l)
{
    spate_value key, val;
    int64_t time;
    if (!sp_ckpt_get_value(l->r, l->tmp, &key) || !sp_ckpt_get_value(l->r, l->tmp, &val) ||
        !sp_ckpt_get_i64(l->r, &time))
        return damaged(l, "truncated entry");
    sp_state_store *s = store_of(l, key);
    if (!s) return damaged(l, "the partitioner gives no partition for a key");
    sp_state_entry *e = sp_state_upsert(s, key, sp_state_hash(key), NULL);
    sp_state_set(s, e, val);
    sp_state_touch(s, e, time, false); /* time order: relinked at the end */
    return SPATE_OK;
}

/* count records read by one, each on recycled temporary memory. */
static spate_err load_records(loader *l, spate_err (*one)(loader *))
{
    uint64_t count;
    if (!sp_ckpt_get_u64(l->r, &count)) return damaged(l, "truncated count");
    for (uint64_t i = 0; i < count; i++) {
        sp_arena_mark mark = sp_arena_get_mark(l->tmp);
        spate_err err = one(l);
        sp_arena_release(l->tmp, mark);
        if (err) return err;
    }
    return SPATE_OK;
}

static spate_err load_body(loader *l, bool full)
{
    uint8_t version, kind;
    if (!sp_ckpt_get_u8(l->r, &version) || !sp_ckpt_get_u8(l->r, &kind))
        return damaged(l, "truncated header");
    if (version != FORMAT_VERSION) return damaged(l, "unknown state format version");
    if (kind != (full ? 1 : 0))
        return damaged(l, full ? "a delta where a full snapshot was expected"
                               : "a full snapshot where a delta was expected");
    if (full)
        for (int p = 0; p < l->n; p++)
            sp_state_store_clear(l->stores[p]);
    spate_err err = load_records(l, load_removal);
    if (!err) err = load_records(l, load_entry);
    return err;
}

spate_err sp_state_load(sp_state_store **stores, int n, bool full, sp_ckpt_in *r,
                        sp_state_place_fn place, void *ud, char *errstr, size_t errstr_size)
{
    loader l = {stores, n, place, ud, r, spate_arena_new(), errstr, errstr_size};
    for (int p = 0; p < n; p++)
        sp_state_begin_load(stores[p]);
    spate_err err = load_body(&l, full);
    spate_arena_destroy(l.tmp);
    for (int p = 0; p < n; p++) {
        sp_state_rebuild_time_order(stores[p]);
        sp_state_mark_clean(stores[p]);
    }
    return err;
}
