/* cache.c - persisted RDDs (Spark's RDD.persist / cache / unpersist).
 *
 * A persisted RDD is a cache node over its parent: preparing it (on the
 * driver, run lock held, before any task of a job that reads it) runs one job
 * that computes every partition of the parent into vectors owned by the
 * cached rdd's scope; then every job reads those vectors. The fill job's tasks
 * are ordinary (not transient) tasks of that scope, so what the parent's
 * callbacks allocate lives in the scope's arenas, never in an executor's
 * scratch arena, even when the first job to need the data only counts it.
 *
 * spate_rdd_persist turns the rdd node itself into the cached node (its old
 * content moves to a new node, the cache's parent), so RDDs already made from
 * it read the cache too, as in Spark. The stream layer instead wraps each
 * batch's RDD of a persisted DStream (sp_rdd_persist_for_batch). */
#include "exec/rdd_impl.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

static const char *const LEVEL_NAMES[] = {
    [SPATE_STORAGE_NONE] = "NONE",
    [SPATE_STORAGE_MEMORY_ONLY] = "MEMORY_ONLY",
    [SPATE_STORAGE_MEMORY_ONLY_2] = "MEMORY_ONLY_2",
    [SPATE_STORAGE_MEMORY_ONLY_SER] = "MEMORY_ONLY_SER",
    [SPATE_STORAGE_MEMORY_ONLY_SER_2] = "MEMORY_ONLY_SER_2",
    [SPATE_STORAGE_MEMORY_AND_DISK] = "MEMORY_AND_DISK",
    [SPATE_STORAGE_MEMORY_AND_DISK_2] = "MEMORY_AND_DISK_2",
    [SPATE_STORAGE_MEMORY_AND_DISK_SER] = "MEMORY_AND_DISK_SER",
    [SPATE_STORAGE_MEMORY_AND_DISK_SER_2] = "MEMORY_AND_DISK_SER_2",
    [SPATE_STORAGE_DISK_ONLY] = "DISK_ONLY",
    [SPATE_STORAGE_DISK_ONLY_2] = "DISK_ONLY_2",
    [SPATE_STORAGE_DISK_ONLY_3] = "DISK_ONLY_3",
    [SPATE_STORAGE_OFF_HEAP] = "OFF_HEAP",
};
enum { NLEVELS = sizeof LEVEL_NAMES / sizeof LEVEL_NAMES[0] };

static bool level_known(spate_storage_level level) { return (unsigned)level < (unsigned)NLEVELS; }

const char *spate_storage_level_name(spate_storage_level level)
{
    return level_known(level) ? LEVEL_NAMES[level] : "";
}

/* ---- the fill job ---------------------------------------------------------- */

/* A partition is collected into blocks of the executor thread's scratch
 * arena, then copied once into an array of its exact length in the task's
 * arena (the scope's memory). A vector grown by doubling instead copied each
 * element about twice more and, freed with the batch, took fresh pages from
 * the kernel every batch (100 k orders: 1.6 MB). */
enum { FILL_BLOCK = 4096 };

typedef struct fill_block {
    struct fill_block *next;
    spate_value v[FILL_BLOCK];
} fill_block;

typedef struct fill_sink {
    spate_sink base;
    spate_arena *blocks; /* where the blocks go */
    fill_block *first, *last;
    size_t len, in_last; /* elements in all, in the last block */
} fill_sink;

static void fill_push(spate_sink *self, spate_value v)
{
    fill_sink *s = (fill_sink *)self;
    if (self->task->failed) return;
    if (!s->last || s->in_last == FILL_BLOCK) {
        fill_block *b = spate_arena_alloc(s->blocks, sizeof *b);
        b->next = NULL;
        if (s->last)
            s->last->next = b;
        else
            s->first = b;
        s->last = b;
        s->in_last = 0;
    }
    s->last->v[s->in_last++] = v;
    s->len++;
}

/* The collected elements as one array in the task's arena. */
static spate_value *fill_flatten(const fill_sink *s, spate_task *t)
{
    spate_value *out = spate_arena_alloc(t->arena, sizeof *out * (s->len ? s->len : 1));
    size_t at = 0;
    for (const fill_block *b = s->first; b; b = b->next) {
        size_t n = b->next ? FILL_BLOCK : s->in_last;
        memcpy(out + at, b->v, n * sizeof *out);
        at += n;
    }
    return out;
}

typedef struct cache_fill {
    spate_rdd *parent;
    spate_value **parts;
    size_t *lens;
} cache_fill;

static void fill_task(spate_task *t, int part, void *ud)
{
    cache_fill *f = ud;
    /* Not a transient task (the parent's values must stay), so nothing else
     * uses the thread's scratch arena meanwhile. */
    spate_arena *scratch = sp_exec_scratch(sp_scope_exec(t->scope), t->thread);
    spate_arena *blocks = scratch ? scratch : t->arena;
    sp_arena_mark mark = sp_arena_get_mark(blocks);
    fill_sink sink = {.base = {.push = fill_push, .task = t}, .blocks = blocks};
    sp_rdd_compute(f->parent, part, &sink.base);
    f->parts[part] = fill_flatten(&sink, t);
    f->lens[part] = sink.len;
    if (scratch) sp_arena_release(blocks, mark);
}

/* The cache's prepare; its one dependency, the parent, is already prepared.
 * A failed fill leaves the rdd unprepared, so a later job tries again (Spark
 * caches no partition of a failed task either). */
static spate_err cache_prepare(spate_rdd *r)
{
    cache_fill f = {.parent = r->deps[0], .parts = r->parts, .lens = r->lens};
    spate_err err = sp_job_run(r->scope, r->nparts, fill_task, &f);
    for (int i = 0; err != SPATE_OK && i < r->nparts; i++)
        r->lens[i] = 0;
    return err;
}

/* A job that prepared a child of r before r was persisted does not prepare
 * r: it computes r's parent as if r were not persisted. */
static void cache_compute(spate_rdd *r, int part, spate_sink *out)
{
    if (!r->prepared)
        sp_rdd_compute(r->deps[0], part, out);
    else
        sp_rdd_compute_parts(r, part, out);
}

static const sp_rdd_ops CACHE_OPS = {.name = "CachedRDD",
                                     .compute = cache_compute,
                                     .prepare = cache_prepare,
                                     .flags = SP_RDD_IN_MEMORY};

bool sp_rdd_is_cache(const spate_rdd *r) { return sp_rdd_is(r, &CACHE_OPS); }

spate_rdd *sp_rdd_cached(sp_scope *scope, spate_rdd *parent, spate_storage_level level)
{
    spate_rdd *r = sp_rdd_new(scope, &CACHE_OPS, parent->nparts, &parent, 1, 0);
    spate_arena *a = sp_scope_arena(scope);
    size_t n = (size_t)(r->nparts ? r->nparts : 1);
    r->parts = spate_arena_alloc(a, sizeof *r->parts * n);
    r->lens = spate_arena_alloc(a, sizeof *r->lens * n);
    memset(r->parts, 0, sizeof *r->parts * n);
    memset(r->lens, 0, sizeof *r->lens * n);
    r->storage_level = level;
    return r;
}

/* Partitions that, once prepared, are vectors in memory already: caching them
 * would only copy the vectors. */
static bool in_memory(const spate_rdd *r) { return r->ops->flags & SP_RDD_IN_MEMORY; }

spate_rdd *sp_rdd_persist_for_batch(spate_rdd *r, sp_scope *batch, spate_storage_level level)
{
    if (!in_memory(r)) return sp_rdd_cached(batch, r, level);
    /* Record the level only on an rdd of this batch: one that outlives it (a
     * queue stream's default RDD) may be read by the job thread meanwhile. */
    if (r->storage_level == SPATE_STORAGE_NONE && sp_scope_shorter(r->scope, batch) == r->scope)
        r->storage_level = level;
    return r;
}

/* ---- the RDD API ----------------------------------------------------------- */

spate_err spate_rdd_persist(spate_rdd *r, spate_storage_level level)
{
    if (!r || !level_known(level) || level == SPATE_STORAGE_NONE) return SPATE_ERR_INVALID_ARG;
    if (r->storage_level != SPATE_STORAGE_NONE)
        return r->storage_level == level ? SPATE_OK : SPATE_ERR_UNSUPPORTED;
    if (!in_memory(r)) {
        spate_rdd *old = spate_arena_alloc(sp_scope_arena(r->scope), sizeof *old);
        *old = *r;
        *r = *sp_rdd_cached(r->scope, old, level);
    }
    r->storage_level = level;
    return SPATE_OK;
}

spate_err spate_rdd_cache(spate_rdd *r) { return spate_rdd_persist(r, SPATE_STORAGE_MEMORY_ONLY); }

spate_err spate_rdd_unpersist(spate_rdd *r)
{
    if (!r) return SPATE_ERR_INVALID_ARG;
    /* The node computes as it did before persist; the old node stays in the
     * scope's arena, unreferenced, and the cached values stay valid. */
    if (sp_rdd_is_cache(r)) *r = *r->deps[0];
    r->storage_level = SPATE_STORAGE_NONE;
    return SPATE_OK;
}

spate_storage_level spate_rdd_get_storage_level(const spate_rdd *r)
{
    return r ? r->storage_level : SPATE_STORAGE_NONE;
}
