/* state_index.c - the tag index of a state store: open addressing with
 * linear probing over 8-byte slots {32-bit hash tag, entry number + 1}, at
 * most 3/4 full, Fibonacci-hashed home slots, backward-shift removal. */
#include "state/store_int.h"

#include <stdlib.h>

void sp_store_alloc_slots(sp_state_store *s, size_t cap)
{
    unsigned bits = 0;
    while (((size_t)1 << bits) < cap)
        bits++;
    s->cap = (size_t)1 << bits;
    s->bits = bits;
    s->slots = sp_store_big_alloc(s->cap * sizeof *s->slots, true);
}

void sp_store_grow_index(sp_state_store *s)
{
    s->hit = NULL;
    uint64_t *old = s->slots;
    size_t old_cap = s->cap;
    sp_store_alloc_slots(s, old_cap ? old_cap * 2 : MIN_SLOTS);
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

sp_state_entry *sp_state_find(sp_state_store *s, spate_value key, uint32_t hash)
{
    if (!s->len) return NULL;
    size_t j = sp_store_probe(s, key, hash);
    return s->slots[j] ? sp_store_remember_hit(s, j) : NULL;
}

/* Backward shift: later slots of the run move into the hole unless their
 * home lies between the hole and where they are. */
void sp_store_unindex(sp_state_store *s, size_t hole)
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
