/* state_store.c - a partition's state store (see state_store.h): life cycle,
 * memory, the entries in their chunks, and the operations that change them.
 * The index is in state_index.c, dirty tracking and time order in
 * state_changes.c. */
#include "state/store_int.h"

#include "base/arena.h"
#include "state/owned_value.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *sp_store_big_alloc(size_t bytes, bool zero)
{
    void *p = NULL;
    if (bytes >= HUGE_PAGE && posix_memalign(&p, HUGE_PAGE, bytes) == 0) {
        madvise(p, bytes, MADV_HUGEPAGE); /* only a hint: ignore a refusal */
        if (zero) memset(p, 0, bytes);
        return p;
    }
    return zero ? sp_xcalloc(1, bytes) : sp_xmalloc(bytes);
}

sp_state_store *sp_state_store_new(bool time_order)
{
    /* The stores of a stream's partitions are made together and updated by
     * different threads at once (the last-hit fields at every lookup): on
     * lines of their own, they do not bounce a shared line between cores. */
    sp_state_store *s = sp_xcalloc_line(sizeof *s);
    s->time_order = time_order;
    s->free_head = s->oldest = s->newest = NONE;
    return s;
}

static void free_values(sp_state_store *s)
{
    for (uint32_t i = 0; i < s->used; i++) {
        sp_state_entry *e = entry_at(s, i);
        if (e->key.type == FREE_TYPE) continue;
        sp_owned_free(e->key);
        sp_owned_free(e->val);
    }
    for (size_t i = 0; i < s->ntombs; i++)
        sp_owned_free(s->tombs[i]);
}

static void free_memory(sp_state_store *s)
{
    free_values(s);
    for (size_t i = 0; i < s->nchunks; i++) {
        free(s->chunks[i]);
        if (s->links) free(s->links[i]);
    }
    free(s->chunks);
    free(s->links);
    free(s->slots);
    free(s->dirty);
    free(s->tombs);
}

void sp_state_store_destroy(sp_state_store *s)
{
    if (!s) return;
    free_memory(s);
    free(s);
}

void sp_state_store_clear(sp_state_store *s)
{
    bool time_order = s->time_order, stale = s->order_stale;
    free_memory(s);
    memset(s, 0, sizeof *s);
    s->time_order = time_order;
    s->order_stale = stale;
    s->free_head = s->oldest = s->newest = NONE;
}

size_t sp_state_store_len(const sp_state_store *s) { return s->len; }

size_t sp_state_store_bytes(const sp_state_store *s)
{
    size_t per_entry = sizeof(sp_state_entry) + (s->time_order ? sizeof(tlink) : 0), entries = 0;
    for (size_t k = 0; k < s->nchunks; k++)
        entries += chunk_size(k);
    return sizeof *s + entries * per_entry +
           s->chunks_cap * (sizeof *s->chunks + (s->time_order ? sizeof *s->links : 0)) +
           s->cap * sizeof *s->slots + s->dirty_cap * sizeof *s->dirty +
           s->tombs_cap * sizeof *s->tombs + s->owned_bytes;
}

/* ---- entries ---- */

static void add_chunk(sp_state_store *s)
{
    if (s->nchunks == s->chunks_cap) {
        s->chunks_cap = s->chunks_cap ? s->chunks_cap * 2 : 4;
        s->chunks = sp_xrealloc(s->chunks, s->chunks_cap * sizeof *s->chunks);
        if (s->time_order) s->links = sp_xrealloc(s->links, s->chunks_cap * sizeof *s->links);
    }
    size_t n = chunk_size(s->nchunks);
    s->chunks[s->nchunks] = sp_store_big_alloc(n * sizeof(sp_state_entry), false);
    if (s->time_order) s->links[s->nchunks] = sp_xmalloc(n * sizeof(tlink));
    s->capacity += n;
    s->nchunks++;
}

static uint32_t alloc_entry(sp_state_store *s)
{
    if (s->free_head != NONE) {
        uint32_t i = s->free_head;
        s->free_head = (uint32_t)entry_at(s, i)->val.u.i;
        return i;
    }
    if (s->used == s->capacity) add_chunk(s);
    return s->used++;
}

static void free_entry(sp_state_store *s, uint32_t i)
{
    sp_state_entry *e = entry_at(s, i);
    e->key.type = FREE_TYPE;
    e->val.u.i = s->free_head;
    s->free_head = i;
}

sp_state_entry *sp_state_next(const sp_state_store *s, size_t *it)
{
    for (size_t i = *it; i < s->used; i++) {
        sp_state_entry *e = entry_at(s, (uint32_t)i);
        if (e->key.type == FREE_TYPE) continue;
        *it = i + 1;
        return e;
    }
    *it = s->used;
    return NULL;
}

/* ---- changing entries ---- */

sp_state_entry *sp_state_upsert(sp_state_store *s, spate_value key, uint32_t hash, bool *inserted)
{
    if (s->len + 1 > s->cap / 4 * 3) sp_store_grow_index(s);
    size_t j = sp_store_probe(s, key, hash);
    if (s->slots[j]) {
        if (inserted) *inserted = false;
        return sp_store_remember_hit(s, j);
    }
    uint32_t i = alloc_entry(s);
    sp_state_entry *e = entry_at(s, i);
    size_t bytes;
    e->key = sp_owned_copy(key, &bytes);
    s->owned_bytes += bytes;
    e->val = spate_null();
    e->time = SP_STATE_NO_TIME;
    e->hash = hash;
    e->dirty = DIRTY_NEW;
    sp_store_mark_dirty(s, e, i);
    s->slots[j] = ((uint64_t)hash << 32) | ((uint64_t)i + 1);
    s->len++;
    if (inserted) *inserted = true;
    return sp_store_remember_hit(s, j);
}

/* Entry number of e, found through the index. */
static uint32_t index_of(const sp_state_store *s, const sp_state_entry *e, size_t *slot)
{
    if (e == s->hit) {
        *slot = s->hit_slot;
        return s->hit_index;
    }
    size_t j = sp_store_probe(s, e->key, e->hash);
    *slot = j;
    return (uint32_t)s->slots[j] - 1;
}

/* Same value, bit for bit at the top (equality calls -0.0 and 0.0 equal). */
static inline bool same_value(spate_value a, spate_value b)
{
    if (a.type != b.type) return false;
    if (sp_owned_is_inline(a)) return a.type == SPATE_BOOL ? a.u.b == b.u.b : a.u.i == b.u.i;
    if (a.type == SPATE_F64 && b.type == SPATE_F64)
        return memcmp(&a.u.f, &b.u.f, sizeof a.u.f) == 0;
    return spate_value_eq(a, b);
}

/* Replaces e's state with an owned copy of v (out of line: strings,
 * tuples and lists; scalars take the fast path in sp_state_set). */
__attribute__((noinline)) static void replace_owned(sp_state_store *s, sp_state_entry *e,
                                                    spate_value v)
{
    size_t bytes;
    spate_value copy = sp_owned_copy(v, &bytes);
    s->owned_bytes += bytes;
    s->owned_bytes -= sp_owned_free(e->val);
    e->val = copy;
}

/* Lists e as changed (once per checkpoint interval: out of line). */
__attribute__((noinline)) static void list_changed(sp_state_store *s, sp_state_entry *e)
{
    size_t slot;
    sp_store_mark_dirty(s, e, index_of(s, e, &slot));
}

void sp_state_set(sp_state_store *s, sp_state_entry *e, spate_value v)
{
    if (same_value(e->val, v)) return;
    if (sp_owned_is_inline(v) && sp_owned_is_inline(e->val))
        e->val = v;
    else
        replace_owned(s, e, v);
    if (!(e->dirty & DIRTY_POS)) list_changed(s, e);
}

void sp_state_touch(sp_state_store *s, sp_state_entry *e, int64_t time, bool dirty)
{
    if (e->time == time) return;
    bool linked = e->time != SP_STATE_NO_TIME;
    e->time = time;
    bool ordered = s->time_order && !s->order_stale;
    uint32_t i = NONE;
    size_t slot;
    if (ordered || (dirty && !(e->dirty & DIRTY_POS))) i = index_of(s, e, &slot);
    if (ordered) {
        if (linked) sp_store_unlink_time(s, i);
        sp_store_append_time(s, i);
    }
    if (dirty) sp_store_mark_dirty(s, e, i);
}

void sp_state_remove(sp_state_store *s, sp_state_entry *e)
{
    size_t slot;
    uint32_t i = index_of(s, e, &slot);
    sp_store_unindex(s, slot);
    if (s->time_order && !s->order_stale && e->time != SP_STATE_NO_TIME) sp_store_unlink_time(s, i);
    bool fresh = e->dirty & DIRTY_NEW;
    if (e->dirty & DIRTY_POS) sp_store_unlist_dirty(s, e);
    if (fresh)
        s->owned_bytes -= sp_owned_free(e->key);
    else
        sp_store_add_tombstone(s, e->key);
    s->owned_bytes -= sp_owned_free(e->val);
    e->dirty = 0;
    free_entry(s, i);
    s->len--;
}
