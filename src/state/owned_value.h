/* owned_value.h - values the state store owns: a deep copy of a value in one
 * malloc'd block (strings, bytes, tuples, lists, options and everything they
 * point at), freed as one block when the value is replaced or removed.
 *
 * Scalars (null, bool, numbers, timestamps, None) and empty strings or lists
 * need no block: copying them allocates nothing, so a store of scalar keys
 * and states makes no allocation per key beyond its entry.
 *
 * Not thread-safe on shared values; any thread may copy or free its own. */
#ifndef SP_OWNED_VALUE_H
#define SP_OWNED_VALUE_H

#include <spate/value.h>

#include <stdbool.h>
#include <stddef.h>

/* True for values that live entirely inside the spate_value (no block):
 * copying them is an assignment, freeing them nothing. */
static inline bool sp_owned_is_inline(spate_value v)
{
    switch ((spate_type)v.type) {
    case SPATE_NULL:
    case SPATE_BOOL:
    case SPATE_I64:
    case SPATE_F64:
    case SPATE_TIMESTAMP:
    case SPATE_NONE:
        return true;
    default:
        return false;
    }
}

/* A deep copy of v in one new block (none for scalars). *bytes (may be NULL)
 * gets the block's usable size, 0 when there is none. Never fails: out of
 * memory aborts (src/base/arena.h). */
spate_value sp_owned_copy(spate_value v, size_t *bytes);
/* Frees the block of a value made by sp_owned_copy; returns its usable size
 * (what sp_owned_copy reported). Scalars: nothing, 0. */
size_t sp_owned_free(spate_value v);

#endif
