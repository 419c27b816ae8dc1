/* store_int.h - the layout of a state store, shared by its files:
 * state_store.c (life cycle, entries, changing them), state_index.c (the tag
 * index) and state_changes.c (dirty list, tombstones, time order). */
#ifndef SP_STORE_INT_H
#define SP_STORE_INT_H

#include "state/state_store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entries live in 32 small chunks of 4096 first (a small store stays
 * small), then in big chunks of 2^17 entries: 6 MiB, exactly three 2 MiB
 * pages, allocated aligned and offered to the kernel as huge pages, as is
 * a big index. At millions of keys every lookup is a random access; with
 * 4 KiB pages each also misses the TLB: dependent lookups in a 10 M-key
 * store took about half the time on huge pages (250 -> 120 ns, loaded
 * machine). */
enum {
    SMALL_BITS = 12,
    SMALL = 1 << SMALL_BITS,
    NSMALL = 32,
    SMALL_TOTAL = SMALL * NSMALL,
    BIG_BITS = 17,
    BIG = 1 << BIG_BITS,
    MIN_SLOTS = 16,
};
#define HUGE_PAGE ((size_t)2 << 20)

#define NONE UINT32_MAX
/* entry.dirty: bit 31 = inserted since the last clean, bits 0-30 = 1 + the
 * entry's position in the dirty list (0: not listed). */
#define DIRTY_NEW 0x80000000u
#define DIRTY_POS 0x7fffffffu
/* A free entry: key of this type, val.u.i = the next free entry or NONE. */
#define FREE_TYPE 0xff

typedef struct tlink {
    uint32_t prev, next;
} tlink;

struct sp_state_store {
    sp_state_entry **chunks;
    tlink **links; /* time order: one array per chunk */
    size_t nchunks, chunks_cap;
    size_t capacity;    /* entries the chunks hold */
    uint32_t used;      /* entries [0, used) were handed out at least once */
    uint32_t free_head; /* first free entry, NONE */
    size_t len;
    uint64_t *slots; /* (tag << 32) | (entry + 1); 0 is empty */
    size_t cap;
    unsigned bits;
    bool time_order;
    bool order_stale; /* loading: the time order is rebuilt at the end */
    uint32_t oldest, newest;
    uint32_t *dirty;
    size_t ndirty, dirty_cap;
    size_t taken; /* sp_state_take_dirty calls since the last clean */
    spate_value *tombs;
    size_t ntombs, tombs_cap;
    size_t owned_bytes;
    /* The entry the last lookup found, and where: saves a second probe when
     * the caller then changes it. Dropped when slots move. */
    const sp_state_entry *hit;
    uint32_t hit_index;
    size_t hit_slot;
};

/* Chunk of entry i, and i's place in it. */
static inline size_t chunk_of(uint32_t i, uint32_t *at)
{
    if (i < SMALL_TOTAL) {
        *at = i & (SMALL - 1);
        return i >> SMALL_BITS;
    }
    i -= SMALL_TOTAL;
    *at = i & (BIG - 1);
    return NSMALL + (i >> BIG_BITS);
}

static inline size_t chunk_size(size_t k) { return k < NSMALL ? SMALL : BIG; }

static inline sp_state_entry *entry_at(const sp_state_store *s, uint32_t i)
{
    uint32_t at;
    size_t k = chunk_of(i, &at);
    return &s->chunks[k][at];
}

static inline tlink *link_at(const sp_state_store *s, uint32_t i)
{
    uint32_t at;
    size_t k = chunk_of(i, &at);
    return &s->links[k][at];
}

/* Memory for big arrays: 2 MiB-aligned with huge pages advised when it is
 * at least one huge page (free() releases it either way). Never NULL. */
void *sp_store_big_alloc(size_t bytes, bool zero);

static inline size_t home(const sp_state_store *s, uint32_t h)
{
    return (uint32_t)(h * 0x9E3779B9u) >> (32 - s->bits);
}

static inline bool keys_equal(spate_value a, spate_value b)
{
    if (a.type != b.type) return false;
    switch (a.type) {
    case SPATE_BOOL:
        return a.u.b == b.u.b;
    case SPATE_I64:
    case SPATE_TIMESTAMP:
        return a.u.i == b.u.i;
    default:
        return spate_value_eq(a, b);
    }
}

/* state_index.c */
void sp_store_alloc_slots(sp_state_store *s, size_t cap);
void sp_store_grow_index(sp_state_store *s);
/* The slot of key, or the empty slot where it would go (s->cap > 0).
 * Inline: every record of a stateful batch probes once. */
static inline size_t sp_store_probe(const sp_state_store *s, spate_value key, uint32_t h)
{
    size_t mask = s->cap - 1;
    for (size_t i = home(s, h);; i = (i + 1) & mask) {
        uint64_t slot = s->slots[i];
        if (!slot) return i;
        if ((uint32_t)(slot >> 32) == h && keys_equal(entry_at(s, (uint32_t)slot - 1)->key, key))
            return i;
    }
}

/* The entry of a full slot, remembered as the last hit. */
static inline sp_state_entry *sp_store_remember_hit(sp_state_store *s, size_t slot)
{
    s->hit_slot = slot;
    s->hit_index = (uint32_t)s->slots[slot] - 1;
    sp_state_entry *e = entry_at(s, s->hit_index);
    s->hit = e;
    return e;
}
/* Empties slot hole, shifting later slots of its run back. */
void sp_store_unindex(sp_state_store *s, size_t hole);

/* state_changes.c */
/* Lists entry e (number i) as changed, once. */
void sp_store_mark_dirty(sp_state_store *s, sp_state_entry *e, uint32_t i);
/* Takes e out of the changed list (it is being removed). */
void sp_store_unlist_dirty(sp_state_store *s, sp_state_entry *e);
/* Keeps key (an owned copy, now the list's) as removed for the next delta. */
void sp_store_add_tombstone(sp_state_store *s, spate_value key);
/* Time order: takes entry i out / puts it at the newest end. */
void sp_store_unlink_time(sp_state_store *s, uint32_t i);
void sp_store_append_time(sp_state_store *s, uint32_t i);

#endif
