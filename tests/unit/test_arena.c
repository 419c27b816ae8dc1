/* test_arena.c - the arena's chunk cache (src/base/arena.c): a destroyed
 * arena's chunks serve the next arenas (last in, first out, so they are
 * still mapped and in the caches), big one-off chunks included; the cache
 * never holds more than SP_ARENA_CACHE_LIMIT; trimming empties it; and
 * reused memory behaves like fresh memory (alignment, contents written by
 * the new owner, marks and releases). Criterion runs each test in its own
 * process, so each starts with an empty cache. */
#include <criterion/criterion.h>

#include "base/arena.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define MIB ((size_t)1 << 20)

/* An arena of n chunks of 1 MiB (n allocations of 1 MiB each); their
 * addresses in got[] when got is not NULL. */
static spate_arena *arena_with_mib_chunks(int n, void **got)
{
    spate_arena *a = spate_arena_new();
    for (int i = 0; i < n; i++) {
        void *p = spate_arena_alloc(a, MIB);
        if (got) got[i] = p;
    }
    return a;
}

Test(arena_cache, destroyed_chunks_are_cached_and_reused_last_in_first_out)
{
    sp_arena_cache_trim();
    cr_assert_eq(sp_arena_cache_bytes(), 0);
    void *got[3];
    spate_arena_destroy(arena_with_mib_chunks(3, got));
    cr_assert_eq(sp_arena_cache_bytes(), 3 * MIB, "the three 1 MiB chunks are kept");

    /* A request of a whole MiB is a chunk of its own, of the 1 MiB class:
     * the chunk cached last comes back first, then the others. */
    void *again[3];
    spate_arena *b = arena_with_mib_chunks(3, again);
    cr_assert_eq(sp_arena_cache_bytes(), 0);
    for (int i = 0; i < 3; i++)
        cr_assert(again[i] == got[0] || again[i] == got[1] || again[i] == got[2],
                  "chunk %d is one of the destroyed arena's", i);
    spate_arena_destroy(b);
    spate_arena_destroy(arena_with_mib_chunks(1, got));
    cr_assert_eq(sp_arena_cache_bytes(), 3 * MIB);
    spate_arena *c = arena_with_mib_chunks(1, again);
    cr_assert_eq(again[0], got[0], "last in, first out");
    spate_arena_destroy(c);
}

Test(arena_cache, small_chunks_come_back_to_a_new_arena)
{
    sp_arena_cache_trim();
    spate_arena *a = spate_arena_new();
    void *first = spate_arena_alloc(a, 100);
    spate_arena_destroy(a);
    size_t cached = sp_arena_cache_bytes();
    cr_assert_gt(cached, 0);
    spate_arena *b = spate_arena_new();
    cr_assert_eq(spate_arena_alloc(b, 100), first, "the 4 KiB first chunk is reused");
    cr_assert_lt(sp_arena_cache_bytes(), cached);
    spate_arena_destroy(b);
}

Test(arena_cache, big_one_off_chunks_are_rounded_to_whole_mib_and_reused)
{
    sp_arena_cache_trim();
    spate_arena *a = spate_arena_new();
    spate_arena_alloc(a, 64); /* a head chunk first: the big block goes behind it */
    void *big = spate_arena_alloc(a, 4 * MIB + 400000);
    memset(big, 1, 4 * MIB + 400000);
    spate_arena_destroy(a);
    cr_assert_geq(sp_arena_cache_bytes(), 5 * MIB);

    /* A file split of a slightly different size finds the same 5 MiB chunk. */
    spate_arena *b = spate_arena_new();
    spate_arena_alloc(b, 64);
    unsigned char *again = spate_arena_alloc(b, 4 * MIB + 500000);
    cr_assert_eq((void *)again, big);
    memset(again, 2, 4 * MIB + 500000);
    cr_assert_eq(again[4 * MIB + 499999], 2);
    spate_arena_destroy(b);
}

Test(arena_cache, never_holds_more_than_its_limit)
{
    sp_arena_cache_trim();
    /* Arenas holding more than the limit between them, destroyed together
     * (allocations are never touched: no pages are used). */
    int n = (int)(SP_ARENA_CACHE_LIMIT / MIB) + 20;
    spate_arena *a = arena_with_mib_chunks(n / 2, NULL);
    spate_arena *b = arena_with_mib_chunks(n - n / 2, NULL);
    spate_arena_destroy(a);
    spate_arena_destroy(b);
    cr_assert_leq(sp_arena_cache_bytes(), SP_ARENA_CACHE_LIMIT);
    cr_assert_geq(sp_arena_cache_bytes(), SP_ARENA_CACHE_LIMIT - 2 * MIB, "filled up to the limit");
    sp_arena_cache_trim();
    cr_assert_eq(sp_arena_cache_bytes(), 0);
}

Test(arena_cache, reused_memory_is_aligned_and_marks_still_release)
{
    sp_arena_cache_trim();
    spate_arena_destroy(arena_with_mib_chunks(2, NULL));
    spate_arena *a = spate_arena_new();
    for (size_t n = 1; n < 70000; n = n * 3 + 1) {
        unsigned char *p = spate_arena_alloc(a, n);
        cr_assert_eq((uintptr_t)p % 16, 0, "16-byte aligned for %zu bytes", n);
        memset(p, 0xab, n);
    }
    sp_arena_mark mark = sp_arena_get_mark(a);
    void *after = spate_arena_alloc(a, 3000);
    for (int i = 0; i < 1000; i++)
        spate_arena_alloc(a, 5000);
    sp_arena_release(a, mark);
    cr_assert_eq(spate_arena_alloc(a, 3000), after, "released space is handed out again");
    spate_arena_destroy(a);
}

Test(arena_cache, arenas_and_line_blocks_sit_on_cache_lines_of_their_own)
{
    /* Arenas of different threads and the stores of different partitions
     * are made one after the other: none may share a 64-byte line. */
    for (size_t size = 1; size < 300; size += 37) {
        unsigned char *p = sp_xcalloc_line(size), *q = sp_xcalloc_line(size);
        cr_assert_eq((uintptr_t)p % SP_CACHE_LINE, 0);
        cr_assert_eq((uintptr_t)q % SP_CACHE_LINE, 0);
        for (size_t i = 0; i < size; i++)
            cr_assert_eq(p[i], 0, "zeroed");
        free(p);
        free(q);
    }
    spate_arena *a = spate_arena_new(), *b = spate_arena_new();
    cr_assert_eq((uintptr_t)a % SP_CACHE_LINE, 0);
    cr_assert_eq((uintptr_t)b % SP_CACHE_LINE, 0);
    spate_arena_destroy(a);
    spate_arena_destroy(b);
}
