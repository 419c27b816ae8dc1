/* rdd_impl.h - the RDD node and the engine's internal entry points
 * (rdd.c: lineage and narrow operators, shuffle.c: wide operators,
 * actions.c: running jobs). */
#ifndef SP_RDD_IMPL_H
#define SP_RDD_IMPL_H

#include "exec/rdd_int.h"

typedef enum rdd_kind {
    K_SOURCE,         /* partitions produced by a source callback */
    K_PARTS,          /* partitions already in memory */
    K_MAP,
    K_FLAT_MAP,
    K_FILTER,
    K_MAP_PARTITIONS,
    K_GLOM,
    K_UNION,
    K_COALESCE,
    K_MAP_VALUES,
    K_FLAT_MAP_VALUES,
    K_ZIP_INDEX,
    K_SHUFFLED,       /* output of a shuffle: K_PARTS once prepared */
    K_PREPARED,       /* partitions made once by a driver-side callback */
} rdd_kind;

typedef struct sp_shuffle sp_shuffle;

struct spate_rdd {
    rdd_kind kind;
    sp_scope *scope;
    int nparts;
    spate_rdd *parent;
    union {
        spate_map_fn map;
        spate_flat_map_fn flat_map;
        spate_filter_fn filter;
        spate_map_partitions_fn map_parts;
        sp_source_fn source;
    } fn;
    void *ud;
    spate_value **parts; /* K_PARTS, and K_SHUFFLED once prepared */
    size_t *lens;
    spate_rdd **inputs; /* K_UNION */
    int ninputs;
    int *bounds;        /* K_COALESCE: parent partitions [bounds[i], bounds[i+1]) */
    int64_t *offsets;   /* K_ZIP_INDEX: first index of each partition */
    sp_shuffle *shuffle;
    sp_prepare_fn prepare; /* K_PREPARED: deps in inputs[0..ninputs) */
    bool prepared;
    spate_storage_level storage_level; /* persist/cache (cache.c) */
};

spate_rdd *sp_rdd_alloc(sp_scope *scope, rdd_kind kind, int nparts, spate_rdd *parent);
/* Pushes partition `part` of r into out (on an executor thread). */
void sp_rdd_compute(spate_rdd *r, int part, spate_sink *out);
/* Materializes what r's tasks depend on (shuffles, zipWithIndex offsets).
 * Driver thread, with the exec run lock held. */
spate_err sp_rdd_prepare(spate_rdd *r);
/* Runs the shuffle behind a K_SHUFFLED rdd (called by sp_rdd_prepare). */
spate_err sp_shuffle_run(spate_rdd *r);

/* Runs fn(task, index, ud) for index in [0, n) on the executors as tasks of
 * job (task.partition = index). Returns SPATE_ERR_USER if any task failed. */
typedef void (*sp_job_task_fn)(spate_task *t, int index, void *ud);
spate_err sp_job_run(sp_scope *scope, int n, sp_job_task_fn fn, void *ud);

/* Counts the elements of each partition (counts has r->nparts slots). */
spate_err sp_rdd_count_partitions(spate_rdd *r, int64_t *counts);

/* Computes every partition of r into vectors (owned by r's scope). An RDD
 * whose partitions are already in memory (K_PARTS, and K_SHUFFLED or
 * K_PREPARED once prepared) hands out its own arrays: read them, never write. */
spate_err sp_rdd_materialize(spate_rdd *r, spate_value ***parts, size_t **lens);

/* cache.c: a K_PREPARED rdd in scope whose partitions are parent's, computed
 * once by a job whose tasks allocate in scope (not in parent's scope, which
 * may be a longer-lived one), the first time a job needs them. level is what
 * spate_rdd_get_storage_level reports. Driver/generator thread. */
spate_rdd *sp_rdd_cached(sp_scope *scope, spate_rdd *parent, spate_storage_level level);
/* True for an rdd made by sp_rdd_cached (or turned into one by persist). */
bool sp_rdd_is_cache(const spate_rdd *r);
/* A persisted DStream's RDD of one batch: a cached rdd over r in the batch's
 * scope, or r itself when its partitions are in memory anyway (the level is
 * then recorded on r if r belongs to the batch). Generator thread. */
spate_rdd *sp_rdd_persist_for_batch(spate_rdd *r, sp_scope *batch, spate_storage_level level);

#endif
