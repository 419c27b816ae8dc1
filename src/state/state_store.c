/* state_store.c - entries in chunks, the tag index, the time order and the
 * dirty list of a partition's state (see state_store.h). */
#include "state/state_store.h"

#include "base/arena.h"
#include "state/owned_value.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
    size_t capacity; /* entries the chunks hold */
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
 * at least one huge page (free() releases it either way). */
static void *big_alloc(size_t bytes, bool zero)
{
    void *p = NULL;
    if (bytes >= HUGE_PAGE && posix_memalign(&p, HUGE_PAGE, bytes) == 0) {
        madvise(p, bytes, MADV_HUGEPAGE); /* only a hint: ignore a refusal */
        if (zero) memset(p, 0, bytes);
        return p;
    }
    return zero ? sp_xcalloc(1, bytes) : sp_xmalloc(bytes);
}

static inline size_t home(const sp_state_store *s, uint32_t h)
{
    return (uint32_t)(h * 0x9E3779B9u) >> (32 - s->bits);
}

static inline bool keys_equal(spate_value a, spate_value b)
{
    if (a.type != b.type) return false;
    switch (a.type) {
    case SPATE_BOOL: return a.u.b == b.u.b;
    case SPATE_I64:
    case SPATE_TIMESTAMP: return a.u.i == b.u.i;
    default: return spate_value_eq(a, b);
    }
}

sp_state_store *sp_state_store_new(bool time_order)
{
    sp_state_store *s = sp_xcalloc(1, sizeof *s);
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
    s->chunks[s->nchunks] = big_alloc(n * sizeof(sp_state_entry), false);
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

/* ---- index ---- */

static void alloc_slots(sp_state_store *s, size_t cap)
{
    unsigned bits = 0;
    while (((size_t)1 << bits) < cap)
        bits++;
    s->cap = (size_t)1 << bits;
    s->bits = bits;
    s->slots = big_alloc(s->cap * sizeof *s->slots, true);
}

static void grow_index(sp_state_store *s)
{
    s->hit = NULL;
    uint64_t *old = s->slots;
    size_t old_cap = s->cap;
    alloc_slots(s, old_cap ? old_cap * 2 : MIN_SLOTS);
    size_t mask = s->cap - 1;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i]) continue;
        size_t j = home(s, (uint32_t)(old[i] >> 32));
        while (s->slots[j])
            j = (j + 1) & mask;
        s->slots[j] = old[i];
    }
    free(old);
}

/* The slot of key, or the empty slot where it would go. */
static size_t probe(const sp_state_store *s, spate_value key, uint32_t h)
{
    size_t mask = s->cap - 1;
    for (size_t i = home(s, h);; i = (i + 1) & mask) {
        uint64_t slot = s->slots[i];
        if (!slot) return i;
        if ((uint32_t)(slot >> 32) == h && keys_equal(entry_at(s, (uint32_t)slot - 1)->key, key))
            return i;
    }
}

static sp_state_entry *remember_hit(sp_state_store *s, size_t slot)
{
    s->hit_slot = slot;
    s->hit_index = (uint32_t)s->slots[slot] - 1;
    sp_state_entry *e = entry_at(s, s->hit_index);
    s->hit = e;
    return e;
}

sp_state_entry *sp_state_find(sp_state_store *s, spate_value key, uint32_t hash)
{
    if (!s->len) return NULL;
    size_t j = probe(s, key, hash);
    return s->slots[j] ? remember_hit(s, j) : NULL;
}

/* Backward shift: later slots of the run move into the hole unless their
 * home lies between the hole and where they are. */
static void unindex(sp_state_store *s, size_t hole)
{
    s->hit = NULL;
    size_t mask = s->cap - 1;
    for (size_t j = (hole + 1) & mask; s->slots[j]; j = (j + 1) & mask) {
        size_t want = home(s, (uint32_t)(s->slots[j] >> 32));
        if (((j - want) & mask) >= ((j - hole) & mask)) {
            s->slots[hole] = s->slots[j];
            hole = j;
        }
    }
    s->slots[hole] = 0;
}

void sp_state_prefetch_slot(const sp_state_store *s, uint32_t hash)
{
    if (s->cap) __builtin_prefetch(&s->slots[home(s, hash)]);
}

void sp_state_prefetch_entry(const sp_state_store *s, uint32_t hash)
{
    if (!s->cap) return;
    uint64_t slot = s->slots[home(s, hash)];
    if (slot && (uint32_t)(slot >> 32) == hash) {
        const char *e = (const char *)entry_at(s, (uint32_t)slot - 1);
        __builtin_prefetch(e, 1); /* an entry may span two cache lines */
        __builtin_prefetch(e + sizeof(sp_state_entry) - 1, 1);
    }
}

/* ---- dirty list ---- */

static void mark_dirty(sp_state_store *s, sp_state_entry *e, uint32_t i)
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
static void unlist_dirty(sp_state_store *s, sp_state_entry *e)
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

static void add_tombstone(sp_state_store *s, spate_value key)
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

static void unlink_time(sp_state_store *s, uint32_t i)
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

static void append_time(sp_state_store *s, uint32_t i)
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
        if (e->key.type != FREE_TYPE && e->time != SP_STATE_NO_TIME)
            all[n++] = (timed){e->time, i};
    }
    qsort(all, n, sizeof *all, cmp_timed);
    s->oldest = s->newest = NONE;
    for (size_t k = 0; k < n; k++)
        append_time(s, all[k].index);
    free(all);
}

/* ---- changing entries ---- */

sp_state_entry *sp_state_upsert(sp_state_store *s, spate_value key, uint32_t hash, bool *inserted)
{
    if (s->len + 1 > s->cap / 4 * 3) grow_index(s);
    size_t j = probe(s, key, hash);
    if (s->slots[j]) {
        if (inserted) *inserted = false;
        return remember_hit(s, j);
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
    mark_dirty(s, e, i);
    s->slots[j] = ((uint64_t)hash << 32) | ((uint64_t)i + 1);
    s->len++;
    if (inserted) *inserted = true;
    return remember_hit(s, j);
}

/* Entry number of e, found through the index. */
static uint32_t index_of(const sp_state_store *s, const sp_state_entry *e, size_t *slot)
{
    if (e == s->hit) {
        *slot = s->hit_slot;
        return s->hit_index;
    }
    size_t j = probe(s, e->key, e->hash);
    *slot = j;
    return (uint32_t)s->slots[j] - 1;
}

/* Same value, bit for bit at the top (equality calls -0.0 and 0.0 equal). */
static inline bool same_value(spate_value a, spate_value b)
{
    if (a.type != b.type) return false;
    if (sp_owned_is_inline(a)) return a.type == SPATE_BOOL ? a.u.b == b.u.b : a.u.i == b.u.i;
    if (a.type == SPATE_F64 && b.type == SPATE_F64) return memcmp(&a.u.f, &b.u.f, sizeof a.u.f) == 0;
    return spate_value_eq(a, b);
}

void sp_state_set(sp_state_store *s, sp_state_entry *e, spate_value v)
{
    if (same_value(e->val, v)) return;
    if (sp_owned_is_inline(v) && sp_owned_is_inline(e->val)) {
        e->val = v;
    } else {
        size_t bytes;
        spate_value copy = sp_owned_copy(v, &bytes);
        s->owned_bytes += bytes;
        s->owned_bytes -= sp_owned_free(e->val);
        e->val = copy;
    }
    if (!(e->dirty & DIRTY_POS)) {
        size_t slot;
        mark_dirty(s, e, index_of(s, e, &slot));
    }
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
        if (linked) unlink_time(s, i);
        append_time(s, i);
    }
    if (dirty) mark_dirty(s, e, i);
}

void sp_state_remove(sp_state_store *s, sp_state_entry *e)
{
    size_t slot;
    uint32_t i = index_of(s, e, &slot);
    unindex(s, slot);
    if (s->time_order && !s->order_stale && e->time != SP_STATE_NO_TIME) unlink_time(s, i);
    bool fresh = e->dirty & DIRTY_NEW;
    if (e->dirty & DIRTY_POS) unlist_dirty(s, e);
    if (fresh)
        s->owned_bytes -= sp_owned_free(e->key);
    else
        add_tombstone(s, e->key);
    s->owned_bytes -= sp_owned_free(e->val);
    e->dirty = 0;
    free_entry(s, i);
    s->len--;
}
