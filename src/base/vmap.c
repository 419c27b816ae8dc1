/* vmap.c - open addressing with linear probing; see vmap.h. */
#include "base/vmap.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

enum { MIN_CAP = 16 };

static uint64_t stored_hash(uint64_t h) { return h ? h : 1; }

static size_t home(const sp_vmap *m, uint64_t h)
{
    return (size_t)((h * 0x9E3779B97F4A7C15ull) >> m->shift);
}

static void alloc_entries(sp_vmap *m, size_t cap)
{
    unsigned bits = 0;
    while (((size_t)1 << bits) < cap)
        bits++;
    m->cap = (size_t)1 << bits;
    m->shift = 64 - bits;
    m->entries = sp_xcalloc(m->cap, sizeof *m->entries);
}

/* The capacity that holds n entries under the 3/4 load limit. */
static size_t cap_for(size_t n)
{
    size_t cap = MIN_CAP;
    while (cap / 4 * 3 < n)
        cap *= 2;
    return cap;
}

void sp_vmap_init(sp_vmap *m, size_t cap_hint)
{
    memset(m, 0, sizeof *m);
    if (cap_hint) alloc_entries(m, cap_for(cap_hint));
}

void sp_vmap_free(sp_vmap *m)
{
    free(m->entries);
    memset(m, 0, sizeof *m);
}

void sp_vmap_clear(sp_vmap *m)
{
    if (m->entries) memset(m->entries, 0, m->cap * sizeof *m->entries);
    m->len = 0;
}

static void grow(sp_vmap *m)
{
    sp_vmap_entry *old = m->entries;
    size_t old_cap = m->cap;
    alloc_entries(m, old_cap ? old_cap * 2 : MIN_CAP);
    size_t mask = m->cap - 1;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].hash) continue;
        size_t j = home(m, old[i].hash);
        while (m->entries[j].hash)
            j = (j + 1) & mask;
        m->entries[j] = old[i];
    }
    free(old);
}

/* The entry of key, or the empty entry where it would go. */
/* Integer-like keys compare inline; everything else through spate_value_eq. */
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

static sp_vmap_entry *probe(const sp_vmap *m, spate_value key, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = home(m, h);; i = (i + 1) & mask) {
        sp_vmap_entry *e = &m->entries[i];
        if (!e->hash || (e->hash == h && keys_equal(e->key, key))) return e;
    }
}

spate_value *sp_vmap_upsert(sp_vmap *m, spate_value key, uint64_t hash, bool *inserted)
{
    uint64_t h = stored_hash(hash);
    if ((m->len + 1) > m->cap / 4 * 3) {
        sp_vmap_entry *e = m->cap ? probe(m, key, h) : NULL;
        if (e && e->hash) {
            if (inserted) *inserted = false;
            return &e->val;
        }
        grow(m);
    }
    sp_vmap_entry *e = probe(m, key, h);
    bool fresh = e->hash == 0;
    if (fresh) {
        e->hash = h;
        e->key = key;
        e->val = spate_null();
        m->len++;
    }
    if (inserted) *inserted = fresh;
    return &e->val;
}

spate_value *sp_vmap_find(const sp_vmap *m, spate_value key, uint64_t hash)
{
    if (!m->len) return NULL;
    sp_vmap_entry *e = probe(m, key, stored_hash(hash));
    return e->hash ? &e->val : NULL;
}

bool sp_vmap_remove(sp_vmap *m, spate_value key, uint64_t hash)
{
    if (!m->len) return false;
    sp_vmap_entry *e = probe(m, key, stored_hash(hash));
    if (!e->hash) return false;
    size_t mask = m->cap - 1, hole = (size_t)(e - m->entries);
    /* Backward shift: move later entries of the run into the hole when their
     * home is not between the hole and their slot. */
    for (size_t j = (hole + 1) & mask; m->entries[j].hash; j = (j + 1) & mask) {
        size_t want = home(m, m->entries[j].hash);
        if (((j - want) & mask) >= ((j - hole) & mask)) {
            m->entries[hole] = m->entries[j];
            hole = j;
        }
    }
    memset(&m->entries[hole], 0, sizeof m->entries[hole]);
    m->len--;
    return true;
}

bool sp_vmap_next(const sp_vmap *m, size_t *idx, spate_value *key, spate_value **val)
{
    for (size_t i = *idx; i < m->cap; i++) {
        if (!m->entries[i].hash) continue;
        if (key) *key = m->entries[i].key;
        if (val) *val = &m->entries[i].val;
        *idx = i + 1;
        return true;
    }
    *idx = m->cap;
    return false;
}
