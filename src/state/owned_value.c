/* owned_value.c - one-block deep copies (see owned_value.h). The block holds
 * the value's own storage first (so the top-level pointer is the block to
 * free), then what its elements point at, depth first; every piece is padded
 * to 8 bytes so item arrays stay aligned. */
#include "state/owned_value.h"

#include "base/arena.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

static const spate_value EMPTY_ITEMS[1];

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static size_t item_count(spate_value v)
{
    switch ((spate_type)v.type) {
    case SPATE_TUPLE:
    case SPATE_LIST:
    case SPATE_ARRAY:
        return v.len;
    case SPATE_SOME:
        return 1;
    default:
        return 0;
    }
}

static bool has_block(spate_value v)
{
    if (v.type == SPATE_STR || v.type == SPATE_BYTES) return v.len > 0;
    return item_count(v) > 0;
}

/* Bytes of the block of v (0 for values without one). */
static size_t block_size(spate_value v)
{
    if (v.type == SPATE_STR) return v.len ? pad8((size_t)v.len + 1) : 0;
    if (v.type == SPATE_BYTES) return pad8(v.len);
    size_t n = item_count(v), size = n * sizeof(spate_value);
    for (size_t i = 0; i < n; i++)
        size += block_size(v.u.items[i]);
    return size;
}

/* Copies what v points at to *at (advancing it) and returns the copy. */
static spate_value copy_into(spate_value v, char **at)
{
    if (!has_block(v)) {
        /* Empty strings and lists point at static memory, never at NULL
         * (memcmp and memcpy must not see NULL even for 0 bytes). */
        if (v.type == SPATE_STR || v.type == SPATE_BYTES)
            v.u.s = "";
        else if (v.type == SPATE_TUPLE || v.type == SPATE_LIST || v.type == SPATE_ARRAY)
            v.u.items = EMPTY_ITEMS;
        return v;
    }
    if (v.type == SPATE_STR || v.type == SPATE_BYTES) {
        char *p = *at;
        memcpy(p, v.u.s, v.len);
        if (v.type == SPATE_STR) p[v.len] = '\0';
        *at += v.type == SPATE_STR ? pad8((size_t)v.len + 1) : pad8(v.len);
        v.u.s = p;
        return v;
    }
    size_t n = item_count(v);
    spate_value *items = (spate_value *)*at;
    *at += n * sizeof(spate_value);
    for (size_t i = 0; i < n; i++)
        items[i] = copy_into(v.u.items[i], at);
    v.u.items = items;
    return v;
}

spate_value sp_owned_copy(spate_value v, size_t *bytes)
{
    if (bytes) *bytes = 0;
    if (!has_block(v)) {
        char *none = NULL;
        return copy_into(v, &none);
    }
    char *block = sp_xmalloc(block_size(v)), *at = block;
    spate_value copy = copy_into(v, &at);
    if (bytes) *bytes = malloc_usable_size(block);
    return copy;
}

size_t sp_owned_free(spate_value v)
{
    if (!has_block(v)) return 0;
    void *block = (void *)v.u.items;
    size_t size = malloc_usable_size(block);
    free(block);
    return size;
}
