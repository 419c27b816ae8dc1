/* vmap.h - a typed open-addressing hash table from spate_value to spate_value,
 * for shuffles, reduceByKey and state.
 *
 * Linear probing over a power-of-two array of entries; each entry keeps the
 * key's 64-bit hash beside it, so a probe compares hashes first and calls
 * spate_value_eq only on a hash match. The slot index comes from the hash's
 * high bits (Fibonacci hashing), so a table holding one partition of a
 * hash-partitioned shuffle (keys agreeing in hash % N) does not cluster.
 * The table grows at 3/4 load. Removal shifts entries back (no tombstones).
 *
 * Memory: the entry array is malloc'd (sp_xmalloc; out of memory aborts).
 * Keys and values are stored as given (shallow): the memory they point at
 * (strings, tuples) must outlive the table or be copied by the caller.
 *
 * The hash passed in must be spate_value_hash(key) (or another function
 * consistent with spate_value_eq, the same for every call on one table).
 *
 * Not thread-safe: one table per task or one writer at a time.
 *
 *   sp_vmap m;
 *   sp_vmap_init(&m, 0);
 *   bool fresh;
 *   spate_value *slot = sp_vmap_upsert(&m, k, spate_value_hash(k), &fresh);
 *   *slot = fresh ? v : spate_fn_sum(t, *slot, v, NULL);
 *   size_t it = 0; spate_value key, *val;
 *   while (sp_vmap_next(&m, &it, &key, &val)) ... *val ...
 *   sp_vmap_free(&m);
 */
#ifndef SP_VMAP_H
#define SP_VMAP_H

#include <spate/value.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_vmap_entry {
    uint64_t hash; /* 0 marks an empty entry (a key hashing to 0 is stored as 1) */
    spate_value key;
    spate_value val;
} sp_vmap_entry;

typedef struct sp_vmap {
    sp_vmap_entry *entries; /* cap entries, NULL until the first insert */
    size_t cap;             /* 0 or a power of two */
    size_t len;             /* live entries */
    unsigned shift;         /* 64 - log2(cap) */
} sp_vmap;

/* An empty table sized to hold cap_hint entries without growing (0: allocate
 * on the first insert). */
void sp_vmap_init(sp_vmap *m, size_t cap_hint);
/* Frees the entries; m can be initialised again. */
void sp_vmap_free(sp_vmap *m);
/* Removes every entry, keeping the capacity. */
void sp_vmap_clear(sp_vmap *m);

/* The value slot of key, inserting key with value SPATE_NULL when absent
 * (*inserted says which; inserted may be NULL). The pointer is valid until the
 * next upsert, remove, clear or free of m. */
spate_value *sp_vmap_upsert(sp_vmap *m, spate_value key, uint64_t hash, bool *inserted);
/* The value slot of key, or NULL. Valid as for upsert. */
spate_value *sp_vmap_find(const sp_vmap *m, spate_value key, uint64_t hash);
/* Removes key; true when it was there. */
bool sp_vmap_remove(sp_vmap *m, spate_value key, uint64_t hash);

static inline size_t sp_vmap_len(const sp_vmap *m) { return m->len; }

/* Replaces the stored key of the entry whose value slot upsert returned with
 * an equal key (a copy that lives longer than the one inserted). */
static inline void sp_vmap_set_key(sp_vmap *m, spate_value *val_slot, spate_value key)
{
    (void)m;
    sp_vmap_entry *e = (sp_vmap_entry *)((char *)val_slot - offsetof(sp_vmap_entry, val));
    e->key = key;
}

/* Iteration in slot order: start with *idx = 0; each call that returns true
 * gives one entry: *key a copy of the key, *val a pointer to its value slot
 * (writable; key or val may be NULL if not wanted). Entries must not be
 * inserted or removed while iterating.
 *
 *   size_t it = 0; spate_value key, *val;
 *   while (sp_vmap_next(&m, &it, &key, &val)) use(key, *val);
 */
bool sp_vmap_next(const sp_vmap *m, size_t *idx, spate_value *key, spate_value **val);

#endif
