/* arena.c - chunked bump allocator. Chunks grow geometrically up to 1 MiB;
 * a request larger than a chunk gets a chunk of its own. The free space of
 * the head chunk is kept in the arena itself (cur, end), so the usual
 * allocation is one compare and one add: every tuple a task makes comes from
 * here (two per line in the orders benchmark).
 *
 * Chunk cache: a batch's arenas take tens of MiB and give them all back when
 * the batch is forgotten; freed, those chunks went back to the kernel and the
 * next batch faulted fresh zeroed pages in again (page clearing was ~19% of
 * the orders dashboard) and paid munmap at the end. Destroyed arenas instead
 * hand their chunks to a process-wide cache, bounded by SP_ARENA_CACHE_LIMIT bytes,
 * that new chunks are taken from first - last in, first out, so a reused
 * chunk is still in the caches and its pages are mapped. Chunks come in size
 * classes for that: 4 KiB .. 1 MiB by powers of two, then whole MiBs up to
 * MAX_CACHED (a chunk of its own for a big request, such as a file split
 * read at once, is rounded up to a whole MiB). Chunks beyond the bound or
 * the classes are freed. sp_arena_cache_trim empties the cache (the last
 * context going away). */
#include "base/arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SP_ASAN 1
#endif
#endif
#ifdef SP_ASAN
#include <sanitizer/asan_interface.h>
/* A cached chunk is poisoned, so use of a destroyed arena's memory is still
 * reported (as it was when the chunk was freed). */
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

enum { FIRST_CHUNK = 4096, MAX_CHUNK = 1 << 20, ALIGN = 16 };
/* Size classes: 4 KiB << k for k < NPOW2 (up to MAX_CHUNK), then k - NPOW2 + 2
 * MiB up to MAX_CACHED MiB. */
enum { NPOW2 = 9, MAX_CACHED_MIB = 32, NCLASSES = NPOW2 + MAX_CACHED_MIB - 1 };

typedef struct chunk {
    struct chunk *next;
    size_t size;
    size_t used; /* of the head chunk: only up to date when it stops being the head */
    _Alignas(16) unsigned char data[];
} chunk;

struct spate_arena {
    unsigned char *cur, *end; /* the head chunk's free space (NULL, NULL: no head) */
    chunk *head;
    chunk *big;   /* big one-off blocks, newest first (their own list, so a
                   * mark can tell the ones made after it) */
    chunk *spare; /* released chunks, reused before asking malloc */
    size_t next_size;
    size_t bytes;
};

/* The process-wide cache of free chunks, one LIFO list per size class. */
static struct {
    pthread_mutex_t mu;
    chunk *list[NCLASSES];
    size_t bytes; /* data bytes of the cached chunks */
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* The class of a chunk of `size` data bytes, or -1 for a size not cached. */
static int size_class(size_t size)
{
    if (size > MAX_CHUNK) {
        size_t mib = size / MAX_CHUNK;
        return size % MAX_CHUNK == 0 && mib <= MAX_CACHED_MIB ? NPOW2 + (int)mib - 2 : -1;
    }
    for (int k = 0; k < NPOW2; k++)
        if (size == (size_t)FIRST_CHUNK << k) return k;
    return -1;
}

/* A cached chunk of class k, or NULL. */
static struct chunk *cache_take(int k)
{
    pthread_mutex_lock(&cache.mu);
    struct chunk *c = cache.list[k];
    if (c) {
        cache.list[k] = c->next;
        cache.bytes -= c->size;
    }
    pthread_mutex_unlock(&cache.mu);
    if (c) UNPOISON(c->data, c->size);
    return c;
}

/* Keeps c for reuse, or frees it when the cache is full or c is oversize. */
static void cache_put(struct chunk *c)
{
    int k = size_class(c->size);
    bool kept = false;
    if (k >= 0) {
        pthread_mutex_lock(&cache.mu);
        if (cache.bytes + c->size <= SP_ARENA_CACHE_LIMIT) {
            c->next = cache.list[k];
            cache.list[k] = c;
            cache.bytes += c->size;
            kept = true;
            POISON(c->data, c->size);
        }
        pthread_mutex_unlock(&cache.mu);
    }
    if (!kept) free(c);
}

void sp_arena_cache_trim(void)
{
    pthread_mutex_lock(&cache.mu);
    for (int k = 0; k < NCLASSES; k++) {
        for (struct chunk *c = cache.list[k], *next; c; c = next) {
            next = c->next;
            UNPOISON(c->data, c->size);
            free(c);
        }
        cache.list[k] = NULL;
    }
    cache.bytes = 0;
    pthread_mutex_unlock(&cache.mu);
}

size_t sp_arena_cache_bytes(void)
{
    pthread_mutex_lock(&cache.mu);
    size_t n = cache.bytes;
    pthread_mutex_unlock(&cache.mu);
    return n;
}

static void out_of_memory(size_t n)
{
    fprintf(stderr, "spate: out of memory allocating %zu bytes\n", n);
    abort();
}

void *sp_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory(n);
    return p;
}

void *sp_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *sp_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory(n);
    return q;
}

char *sp_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(sp_xmalloc(n), s, n);
}

void *sp_xcalloc_line(size_t size)
{
    size = (size + SP_CACHE_LINE - 1) & ~(size_t)(SP_CACHE_LINE - 1);
    void *p = aligned_alloc(SP_CACHE_LINE, size);
    if (!p) out_of_memory(size);
    return memset(p, 0, size);
}

spate_arena *spate_arena_new(void)
{
    /* Arenas of different threads are made one after the other (a scope's,
     * the executors' scratch arenas): on lines of their own, bumping one
     * never invalidates another thread's cache line. */
    spate_arena *a = sp_xcalloc_line(sizeof *a);
    a->next_size = FIRST_CHUNK;
    return a;
}

void spate_arena_destroy(spate_arena *a)
{
    if (!a) return;
    for (int list = 0; list < 3; list++) {
        for (chunk *c = list == 2 ? a->big : list ? a->spare : a->head, *next; c; c = next) {
            next = c->next;
            cache_put(c);
        }
    }
    free(a);
}

static chunk *new_chunk(spate_arena *a, size_t need)
{
    /* The first spare chunk big enough (released big blocks come in a few
     * sizes: a batch's columns). */
    for (chunk **pp = &a->spare; *pp; pp = &(*pp)->next) {
        if ((*pp)->size < need) continue;
        chunk *c = *pp;
        *pp = c->next;
        c->used = 0;
        return c;
    }
    size_t size = a->next_size;
    /* a big one-off: whole MiBs, so that the next one of about that size
     * finds it in the cache */
    if (size < need) size = (need + MAX_CHUNK - 1) & ~(size_t)(MAX_CHUNK - 1);
    int k = size_class(size);
    chunk *c = k >= 0 ? cache_take(k) : NULL;
    if (!c) c = sp_xmalloc(sizeof(chunk) + size);
    c->size = size;
    c->used = 0;
    a->bytes += sizeof(chunk) + size;
    if (a->next_size < MAX_CHUNK) a->next_size *= 2;
    return c;
}

/* Makes c the head chunk, with `used` bytes of it taken. */
static void set_head(spate_arena *a, chunk *c, size_t used)
{
    if (a->head) a->head->used = (size_t)(a->cur - a->head->data);
    a->head = c;
    a->cur = c ? c->data + used : NULL;
    a->end = c ? c->data + c->size : NULL;
}

/* Out of line, so that the fast path in spate_arena_alloc saves no registers. */
__attribute__((noinline)) static void *alloc_slow(spate_arena *a, size_t size)
{
    if (size == 0 && a->cur) return a->cur;
    chunk *fresh = new_chunk(a, size);
    if (a->head && size > a->next_size / 2) {
        /* A big one-off block goes on its own list so the head keeps serving. */
        fresh->next = a->big;
        a->big = fresh;
        fresh->used = size;
        return fresh->data;
    }
    fresh->next = a->head;
    set_head(a, fresh, size);
    return fresh->data;
}

void *spate_arena_alloc(spate_arena *a, size_t size)
{
    size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    /* size > free space; size 0 wraps round and takes the slow path too,
     * which never returns NULL (integers: cur and end may both be NULL) */
    if (size - 1 >= (size_t)((uintptr_t)a->end - (uintptr_t)a->cur)) return alloc_slow(a, size);
    void *p = a->cur;
    a->cur += size;
    return p;
}

size_t sp_arena_bytes(const spate_arena *a) { return a->bytes; }

void *sp_arena_memdup(spate_arena *a, const void *p, size_t n)
{
    void *q = spate_arena_alloc(a, n ? n : 1);
    if (n) memcpy(q, p, n);
    return q;
}

sp_arena_mark sp_arena_get_mark(const spate_arena *a)
{
    return (sp_arena_mark){a->head, a->head ? (size_t)(a->cur - a->head->data) : 0, a->big};
}

void sp_arena_release(spate_arena *a, sp_arena_mark mark)
{
    chunk *c = a->head;
    while (c && c != (chunk *)mark.chunk) {
        chunk *next = c->next;
        c->next = a->spare;
        a->spare = c;
        c = next;
    }
    a->head = NULL; /* nothing to write back: the chunks above were let go */
    set_head(a, c, mark.used);
    while (a->big && a->big != (chunk *)mark.big) {
        chunk *b = a->big;
        a->big = b->next;
        b->next = a->spare;
        a->spare = b;
    }
}
