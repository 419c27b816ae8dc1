/* arena.h - bump allocator behind spate_arena, and the out-of-memory policy.
 *
 * Out-of-memory policy (one for the whole library): an allocation that fails
 * prints "spate: out of memory allocating N bytes" to stderr and aborts. Input
 * size never decides allocation size without a bound, so this only happens
 * when the machine is truly out of memory; unwinding every caller for that
 * case would add error paths that are never tested. */
#ifndef SP_ARENA_H
#define SP_ARENA_H

#include <spate/value.h>

#include <stddef.h>

void *sp_xmalloc(size_t n);
void *sp_xcalloc(size_t count, size_t size);
void *sp_xrealloc(void *p, size_t n);
char *sp_xstrdup(const char *s);
/* Zeroed memory on cache lines of its own (64-byte aligned, size rounded up
 * to whole lines), for a structure one thread writes at a high rate while
 * others write its neighbours. Freed with free(). */
enum { SP_CACHE_LINE = 64 };
void *sp_xcalloc_line(size_t size);

/* Bytes the arena has taken from malloc (for memory accounting in tests). */
size_t sp_arena_bytes(const spate_arena *a);
/* A position in an arena: everything allocated after it can be released at
 * once (scratch memory that a task reuses element after element). */
typedef struct sp_arena_mark {
    void *chunk;
    size_t used;
    void *big; /* the newest big block then */
} sp_arena_mark;

sp_arena_mark sp_arena_get_mark(const spate_arena *a);
/* Releases what was allocated after mark. The chunks are kept for reuse, so
 * steady-state scratch use takes no new pages from the kernel. */
void sp_arena_release(spate_arena *a, sp_arena_mark mark);

/* The process-wide cache of free arena chunks (arena.c): destroyed arenas
 * leave their chunks there, bounded, for the next arenas to reuse warm.
 * trim frees every cached chunk (when no context is left to reuse them);
 * bytes is what the cache holds now. Thread-safe. */
/* Bytes of chunk data the cache keeps at most: a few batches' arenas of the
 * orders dashboard (100 k orders per batch take about 20 MiB). */
#define SP_ARENA_CACHE_LIMIT ((size_t)96 << 20)
void sp_arena_cache_trim(void);
size_t sp_arena_cache_bytes(void);

/* Copies n bytes into the arena. */
void *sp_arena_memdup(spate_arena *a, const void *p, size_t n);

#endif
