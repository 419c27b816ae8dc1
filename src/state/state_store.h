/* state_store.h - the state of one partition of a stateful stream
 * (updateStateByKey, mapWithState): key -> (state, last update time), owned
 * by the store and kept across batches.
 *
 * Layout, chosen for the per-entry overhead (bench/bench_state.c measures it):
 *   entries  fixed 48-byte records {key, state, time, hash, dirty} in chunks
 *            that never move (4096 entries, then 2^17 on huge pages), so an
 *            entry pointer stays valid until its key is removed. Removed
 *            entries go on a free list and are reused.
 *   index    open addressing (linear probing, at most 3/4 full) of 8-byte
 *            slots {32-bit hash tag, entry number}: a probe compares tags
 *            without touching the entries; removal shifts back (no tombstones).
 *   values   keys and states are deep copies (owned_value.h): scalars inside
 *            the entry, strings/tuples/lists in one malloc'd block each.
 * About 48 + 8 / load (10.7..21.3) bytes per key plus the out-of-line blocks.
 *
 * Time order (optional, for mapWithState's timeout): a doubly linked list of
 * the entries by last update time, in parallel arrays (8 bytes per entry,
 * only when asked for). Updating a key moves it to the newest end, so the
 * idle keys of a batch are found at the oldest end without scanning.
 *
 * Dirty tracking, for delta checkpoints: the entries inserted or changed since
 * the last sp_state_mark_clean are listed (entry field `dirty`), and the keys
 * removed since then are kept as tombstones - except keys that were inserted
 * after it, which the last checkpoint never saw.
 *
 * Threads: a store is used by one thread at a time (the task of its
 * partition, or the job thread between tasks). */
#ifndef SP_STATE_STORE_H
#define SP_STATE_STORE_H

#include <spate/value.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The key's hash as the store uses it (the low half of spate_value_hash: the
 * shuffle partitions by the high half, so keys of one partition still differ
 * here). */
static inline uint32_t sp_state_hash(spate_value key) { return (uint32_t)spate_value_hash(key); }

/* Time of an entry that was never touched (not in the time order). */
#define SP_STATE_NO_TIME INT64_MIN

typedef struct sp_state_entry {
    spate_value key; /* owned copy */
    spate_value val; /* owned copy: the state */
    int64_t time;    /* last update (batch time, ms), SP_STATE_NO_TIME */
    uint32_t hash;   /* sp_state_hash(key) */
    uint32_t dirty;  /* store-private: position in the dirty list */
} sp_state_entry;

typedef struct sp_state_store sp_state_store;

/* An empty store; time_order keeps the entries ordered by time. */
sp_state_store *sp_state_store_new(bool time_order);
void sp_state_store_destroy(sp_state_store *s);
/* Removes everything, tombstones included (a full checkpoint is loaded next). */
void sp_state_store_clear(sp_state_store *s);
size_t sp_state_store_len(const sp_state_store *s);
/* Bytes of memory the store holds: entries, index, time order, dirty list,
 * tombstones and the out-of-line copies. */
size_t sp_state_store_bytes(const sp_state_store *s);

/* The entry of key, or NULL. hash = sp_state_hash(key). */
sp_state_entry *sp_state_find(sp_state_store *s, spate_value key, uint32_t hash);
/* The entry of key; when absent inserts a copy of key with state SPATE_NULL
 * and time SP_STATE_NO_TIME (*inserted true), counted as a change. */
sp_state_entry *sp_state_upsert(sp_state_store *s, spate_value key, uint32_t hash, bool *inserted);
/* Replaces the state with a copy of v (the old one is freed) - unless it is
 * the same value, which keeps the entry clean. */
void sp_state_set(sp_state_store *s, sp_state_entry *e, spate_value v);
/* Sets the update time (with time order: moves e to the newest end; times
 * must not go backwards). mark_dirty: the time is part of the state (it is
 * with timeouts), so the entry is changed. */
void sp_state_touch(sp_state_store *s, sp_state_entry *e, int64_t time, bool mark_dirty);
/* Removes e (a tombstone remembers the key for the next delta). */
void sp_state_remove(sp_state_store *s, sp_state_entry *e);
/* Time order only: the entry updated longest ago (smallest time), or NULL. */
sp_state_entry *sp_state_oldest(const sp_state_store *s);
/* Loading many entries in any time order: the time order is left alone
 * until sp_state_rebuild_time_order relinks every touched entry by time. */
void sp_state_begin_load(sp_state_store *s);
void sp_state_rebuild_time_order(sp_state_store *s);

/* Iteration over the live entries: start with *it = 0. Removing the entry
 * just returned is allowed; entries inserted meanwhile may or may not show. */
sp_state_entry *sp_state_next(const sp_state_store *s, size_t *it);

/* Hints for a loop over many keys: bring the index slot (then the entry) of
 * hash into the cache ahead of sp_state_find. No effect on the contents. */
void sp_state_prefetch_slot(const sp_state_store *s, uint32_t hash);
void sp_state_prefetch_entry(const sp_state_store *s, uint32_t hash);

/* ---- changes since the last sp_state_mark_clean ---- */
size_t sp_state_ndirty(const sp_state_store *s);
sp_state_entry *sp_state_dirty_entry(const sp_state_store *s, size_t i);
/* The same, also forgetting that entry i changed (a saver walking the list
 * once, before sp_state_mark_clean; nothing else may change the store in
 * between). Saves the clean's second pass over entries spread in memory. */
const sp_state_entry *sp_state_take_dirty(sp_state_store *s, size_t i);
size_t sp_state_ntombstones(const sp_state_store *s);
spate_value sp_state_tombstone(const sp_state_store *s, size_t i);
/* Forgets the changes (after a checkpoint saved them, or a load). */
void sp_state_mark_clean(sp_state_store *s);

#endif
