/* state_changes.c - what a state store remembers beside its entries: the
 * entries changed and the keys removed since the last checkpoint (for
 * deltas), and the order of the entries by update time (for timeouts). */
#include "state/store_int.h"

#include "base/arena.h"
#include "state/owned_value.h"

#include <stdlib.h>

/* ---- dirty list ---- */

void sp_store_mark_dirty(sp_state_store *s, sp_state_entry *e, uint32_t i)
{
    if (e->dirty & DIRTY_POS) return;
    if (s->ndirty == s->dirty_cap) {
        s->dirty_cap = s->dirty_cap ? s->dirty_cap * 2 : 64;
        s->dirty = sp_xrealloc(s->dirty, s->dirty_cap * sizeof *s->dirty);
    }
    s->dirty[s->ndirty++] = i;
    e->dirty |= (uint32_t)s->ndirty;
}

/* Takes e out of the dirty list (swapping the last one into its place). */
void sp_store_unlist_dirty(sp_state_store *s, sp_state_entry *e)
{
    uint32_t pos = (e->dirty & DIRTY_POS) - 1;
    uint32_t last = s->dirty[--s->ndirty];
    if (pos < s->ndirty) {
        s->dirty[pos] = last;
        sp_state_entry *moved = entry_at(s, last);
        moved->dirty = (moved->dirty & DIRTY_NEW) | (pos + 1);
    }
    e->dirty = 0;
}

void sp_store_add_tombstone(sp_state_store *s, spate_value key)
{
    if (s->ntombs == s->tombs_cap) {
        s->tombs_cap = s->tombs_cap ? s->tombs_cap * 2 : 16;
        s->tombs = sp_xrealloc(s->tombs, s->tombs_cap * sizeof *s->tombs);
    }
    s->tombs[s->ntombs++] = key;
}

size_t sp_state_ndirty(const sp_state_store *s) { return s->ndirty; }
/* Dirty entries lie anywhere in memory: readers go through the list in
 * order, so fetch a few ahead (a delta of a big store is cache misses). */
enum { DIRTY_AHEAD = 32 };

sp_state_entry *sp_state_dirty_entry(const sp_state_store *s, size_t i)
{
    if (i + DIRTY_AHEAD < s->ndirty) {
        const char *ahead = (const char *)entry_at(s, s->dirty[i + DIRTY_AHEAD]);
        __builtin_prefetch(ahead); /* an entry may span two cache lines */
        __builtin_prefetch(ahead + sizeof(sp_state_entry) - 1);
    }
    return entry_at(s, s->dirty[i]);
}

const sp_state_entry *sp_state_take_dirty(sp_state_store *s, size_t i)
{
    sp_state_entry *e = sp_state_dirty_entry(s, i);
    e->dirty = 0;
    s->taken++;
    return e;
}
size_t sp_state_ntombstones(const sp_state_store *s) { return s->ntombs; }
spate_value sp_state_tombstone(const sp_state_store *s, size_t i) { return s->tombs[i]; }

void sp_state_mark_clean(sp_state_store *s)
{
    if (s->taken != s->ndirty) /* else the saver cleared them on its way */
        for (size_t i = 0; i < s->ndirty; i++)
            sp_state_dirty_entry(s, i)->dirty = 0;
    s->ndirty = s->taken = 0;
    for (size_t i = 0; i < s->ntombs; i++)
        s->owned_bytes -= sp_owned_free(s->tombs[i]);
    s->ntombs = 0;
    /* A burst of changes leaves no big arrays behind. */
    if (s->dirty_cap > 1024) {
        free(s->dirty);
        s->dirty = NULL;
        s->dirty_cap = 0;
    }
    if (s->tombs_cap > 1024) {
        free(s->tombs);
        s->tombs = NULL;
        s->tombs_cap = 0;
    }
}

/* ---- time order ---- */

void sp_store_unlink_time(sp_state_store *s, uint32_t i)
{
    tlink *l = link_at(s, i);
    if (l->prev != NONE)
        link_at(s, l->prev)->next = l->next;
    else
        s->oldest = l->next;
    if (l->next != NONE)
        link_at(s, l->next)->prev = l->prev;
    else
        s->newest = l->prev;
}

void sp_store_append_time(sp_state_store *s, uint32_t i)
{
    tlink *l = link_at(s, i);
    l->prev = s->newest;
    l->next = NONE;
    if (s->newest != NONE)
        link_at(s, s->newest)->next = i;
    else
        s->oldest = i;
    s->newest = i;
}

sp_state_entry *sp_state_oldest(const sp_state_store *s)
{
    return s->time_order && s->oldest != NONE ? entry_at(s, s->oldest) : NULL;
}

typedef struct timed {
    int64_t time;
    uint32_t index;
} timed;

static int cmp_timed(const void *a, const void *b)
{
    const timed *x = a, *y = b;
    if (x->time != y->time) return x->time < y->time ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

void sp_state_begin_load(sp_state_store *s)
{
    s->order_stale = true;
    s->oldest = s->newest = NONE;
}

void sp_state_rebuild_time_order(sp_state_store *s)
{
    s->order_stale = false;
    if (!s->time_order) return;
    timed *all = sp_xmalloc((s->len ? s->len : 1) * sizeof *all);
    size_t n = 0;
    for (uint32_t i = 0; i < s->used; i++) {
        sp_state_entry *e = entry_at(s, i);
        if (e->key.type != FREE_TYPE && e->time != SP_STATE_NO_TIME) all[n++] = (timed){e->time, i};
    }
    qsort(all, n, sizeof *all, cmp_timed);
    s->oldest = s->newest = NONE;
    for (size_t k = 0; k < n; k++)
        sp_store_append_time(s, all[k].index);
    free(all);
}
