/* cache.c - persisted RDDs (Spark's RDD.persist / cache / unpersist).
 *
 * A persisted RDD is a K_PREPARED rdd over its parent: preparing it (on the
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

typedef struct cache_fill {
    spate_rdd *parent;
    sp_vvec *out;
} cache_fill;

static void fill_task(spate_task *t, int part, void *ud)
{
    cache_fill *f = ud;
    sp_collect_sink sink;
    sp_collect_sink_init(&sink, t, &f->out[part]);
    sp_rdd_compute(f->parent, part, &sink.base);
}

/* The sp_prepare_fn of a cached rdd; its one dependency, the parent, is
 * already prepared. A failed fill leaves the rdd unprepared, so a later job
 * tries again (Spark caches no partition of a failed task either). */
static spate_err cache_prepare(spate_rdd *r, spate_value **parts, size_t *lens, void *ud)
{
    (void)ud;
    int n = r->nparts;
    sp_vvec *out = sp_xcalloc((size_t)(n ? n : 1), sizeof *out);
    cache_fill f = {.parent = r->inputs[0], .out = out};
    spate_err err = sp_job_run(r->scope, n, fill_task, &f);
    for (int i = 0; i < n; i++) {
        /* Vectors grow by doubling: give the slack back, the data stays
         * for the whole batch. */
        if (out[i].len && out[i].len < out[i].cap)
            out[i].data = sp_xrealloc(out[i].data, out[i].len * sizeof *out[i].data);
        sp_scope_own(r->scope, out[i].data);
        parts[i] = out[i].data;
        lens[i] = err == SPATE_OK ? out[i].len : 0;
    }
    free(out);
    return err;
}

bool sp_rdd_is_cache(const spate_rdd *r)
{
    return r->kind == K_PREPARED && r->prepare == cache_prepare;
}

spate_rdd *sp_rdd_cached(sp_scope *scope, spate_rdd *parent, spate_storage_level level)
{
    spate_rdd *r = sp_rdd_prepared(scope, parent->nparts, &parent, 1, cache_prepare, NULL);
    r->storage_level = level;
    return r;
}

/* Partitions that, once prepared, are vectors in memory already: caching them
 * would only copy the vectors. */
static bool in_memory(const spate_rdd *r)
{
    return r->kind == K_PARTS || r->kind == K_SHUFFLED || r->kind == K_PREPARED;
}

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
        spate_rdd *old = sp_rdd_alloc(r->scope, r->kind, r->nparts, r->parent);
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
    if (sp_rdd_is_cache(r)) *r = *r->inputs[0];
    r->storage_level = SPATE_STORAGE_NONE;
    return SPATE_OK;
}

spate_storage_level spate_rdd_get_storage_level(const spate_rdd *r)
{
    return r ? r->storage_level : SPATE_STORAGE_NONE;
}
