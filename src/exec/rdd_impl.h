/* rdd_impl.h - the RDD node and what only exec's own files share (rdd.c:
 * nodes, sources and the generic entry points; narrow.c: the narrow
 * operators; shuffle.c: wide operators; job.c: jobs; actions.c: actions;
 * cache.c: persisted RDDs). Layers above exec use rdd_ops.h and rdd.h. */
#ifndef SP_RDD_IMPL_H
#define SP_RDD_IMPL_H

#include "exec/rdd.h"

struct spate_rdd {
    const sp_rdd_ops *ops;
    sp_scope *scope;
    int nparts;
    int ndeps;
    spate_rdd **deps;
    void *state;         /* the operator's (sp_rdd_state) */
    spate_value **parts; /* SP_RDD_IN_MEMORY operators, once prepared */
    size_t *lens;
    bool prepared;
    spate_storage_level storage_level; /* persist/cache (cache.c) */
};

/* Counts the elements of each partition (counts has r->nparts slots). */
spate_err sp_rdd_count_partitions(spate_rdd *r, int64_t *counts);

/* Pushes the in-memory partition part of r (SP_RDD_IN_MEMORY operators'
 * compute). */
void sp_rdd_compute_parts(spate_rdd *r, int part, spate_sink *out);

/* cache.c: a prepared rdd in scope whose partitions are parent's, computed
 * once by a job whose tasks allocate in scope (not in parent's scope, which
 * may be a longer-lived one), the first time a job needs them. level is what
 * spate_rdd_get_storage_level reports. Driver/generator thread. */
spate_rdd *sp_rdd_cached(sp_scope *scope, spate_rdd *parent, spate_storage_level level);
/* True for an rdd made by sp_rdd_cached (or turned into one by persist). */
bool sp_rdd_is_cache(const spate_rdd *r);

#endif
