/* combine_cache.h - a small write-back cache in front of the hash maps of a
 * map-side combine (reduceByKey, combineByKey, countByValue), for scalar keys
 * (Boolean, Long, Timestamp).
 *
 * Counting by a key of few values (B/S, a client id) looks the same keys up
 * again and again: hashing the key and probing the map cost more than the
 * merge itself. A key seen before whose line is still in the cache is merged
 * into the line's combiner with no hash and no probe. The map still gets
 * every key at its first sight (so it holds the same keys in the same order
 * as without the cache); while a key sits in a line, its map slot is stale
 * and the line's combiner is the truth. A line is written back to the map
 * when another key takes it and when the map task ends. merge_value runs on
 * the same combiners in the same order as without the cache, so even a
 * floating-point sum comes out bit for bit the same.
 *
 * Direct-mapped, SP_COMBINE_CACHE_LINES lines; one per map task (not
 * thread-safe, like the task's maps). */
#ifndef SP_COMBINE_CACHE_H
#define SP_COMBINE_CACHE_H

#include <spate/value.h>

#include <stdbool.h>
#include <stdint.h>

enum { SP_COMBINE_CACHE_LINES = 64 };

typedef struct sp_combine_line {
    spate_value key;  /* a cacheable scalar */
    spate_value comb; /* the key's combiner so far (kept: outlives the task) */
    bool used;
} sp_combine_line;

typedef struct sp_combine_cache {
    sp_combine_line line[SP_COMBINE_CACHE_LINES];
} sp_combine_cache;

/* The bits that tell two cacheable keys of one type apart. */
static inline uint64_t sp_combine_key_bits(spate_value k)
{
    return k.type == SPATE_BOOL ? (uint64_t)k.u.b : (uint64_t)k.u.i;
}

/* The line k belongs in, or NULL when k is not cacheable. Equal keys (by
 * spate_value_eq) of these types have equal bits, so they share a line. */
static inline sp_combine_line *sp_combine_cache_line(sp_combine_cache *c, spate_value k)
{
    if (k.type != SPATE_BOOL && k.type != SPATE_I64 && k.type != SPATE_TIMESTAMP) return NULL;
    uint64_t x = (sp_combine_key_bits(k) ^ ((uint64_t)k.type << 56)) * 0x9E3779B97F4A7C15ULL;
    return &c->line[x >> 58]; /* the top 6 bits: 64 lines */
}

/* Whether line l holds key k. */
static inline bool sp_combine_line_holds(const sp_combine_line *l, spate_value k)
{
    return l->used && l->key.type == k.type &&
           sp_combine_key_bits(l->key) == sp_combine_key_bits(k);
}

#endif
