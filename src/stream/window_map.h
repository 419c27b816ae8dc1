/* window_map.h - the current window's result per key, as
 * ReducedWindowedDStream keeps it between slides: one hash table per
 * partition (the operator's hash partitioning, so each partition is updated
 * by its own task), keys and values deep-copied into the partition's own
 * arena.
 *
 * Memory: replaced values and removed keys stay in the arena as garbage until
 * it outweighs the live entries; then the partition is copied into a fresh
 * arena (sp_wmap_compact). Scalar values (counts, sums) take no arena memory.
 *
 * Checkpoints: once the map has been saved or loaded, it records which keys
 * changed in each partition, so the next save can be a delta: the changed
 * keys with their value or a removal mark. A save that cannot be a delta
 * (nothing saved yet, or the map was cleared since) writes the map in full,
 * and the record says which it is.
 *
 * Threads: partition p is used by one task at a time (the job thread's
 * merge job); the rest on the job thread, or before start. */
#ifndef SP_WINDOW_MAP_H
#define SP_WINDOW_MAP_H

#include "base/vmap.h"
#include "logs/ckpt_io.h"

typedef struct sp_wmap_part {
    sp_vmap map; /* key -> value, both in arena */
    spate_arena *arena;
    size_t garbage;  /* bytes of arena no entry uses any more (estimate) */
    sp_vmap changed; /* keys changed since the last save (values unused) */
    spate_arena *changed_arena;
} sp_wmap_part;

typedef struct sp_wmap {
    int nparts;
    sp_wmap_part *parts;
    bool tracking; /* record changed keys (after the first save or load) */
    bool reset;    /* cleared since the last save: the next one is full */
} sp_wmap;

void sp_wmap_init(sp_wmap *m, int nparts);
void sp_wmap_free(sp_wmap *m);
/* Removes every key of every partition. */
void sp_wmap_clear(sp_wmap *m);
int64_t sp_wmap_len(const sp_wmap *m);

/* The value slot of key in p, or NULL. Valid until p changes. */
spate_value *sp_wmap_find(sp_wmap_part *p, spate_value key, uint64_t hash);
/* Sets key's value; key and val are copied into p's arena as needed (the
 * caller's copies may be freed afterwards). */
void sp_wmap_put(sp_wmap *m, sp_wmap_part *p, spate_value key, uint64_t hash, spate_value val);
/* Removes key (a no-op when absent). */
void sp_wmap_remove(sp_wmap *m, sp_wmap_part *p, spate_value key, uint64_t hash);
/* Copies p's entries into a fresh arena when garbage outweighs them. */
void sp_wmap_compact(sp_wmap_part *p);

/* Writes the map in full, or (when !full and it can) the changes since the
 * previous save; starts change tracking. */
void sp_wmap_save(sp_wmap *m, bool full, sp_ckpt_out *w);
/* Applies a record written by sp_wmap_save (a full one replaces the map).
 * false when the body is damaged or was written with another partition
 * count. */
bool sp_wmap_load(sp_wmap *m, sp_ckpt_in *in);

#endif
