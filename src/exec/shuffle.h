/* shuffle.h - building shuffled RDDs (see shuffle.c). */
#ifndef SP_SHUFFLE_H
#define SP_SHUFFLE_H

#include "exec/rdd_ops.h"

typedef enum sh_kind {
    SH_REPARTITION,  /* round-robin, no keys */
    SH_COMBINE,      /* combineByKey family, map-side combining */
    SH_GROUP,        /* (k, List(v...)) */
    SH_COGROUP,      /* (k, (List(v...), List(w...))) over two parents */
    SH_SORT,         /* range-partitioned and sorted by key_fn */
    SH_PARTITION_BY, /* pairs moved to their key's partition, in order (partitionBy) */
} sh_kind;

/* Spark's Partitioner.getPartition: the output partition of key, in
 * [0, nparts). Runs on executor threads. */
typedef int (*sh_partition_fn)(spate_value key, int nparts, void *ud);

typedef struct sh_funcs {
    spate_map_fn create; /* combine: NULL means "the value itself" */
    spate_reduce_fn merge_value, merge_comb;
    spate_map_fn key_fn; /* sort: NULL means "the element itself" */
    void *ud;
    bool ascending;
    /* Keyed kinds (combine, group, cogroup, partitionBy): where each key
     * goes; NULL means hash partitioning (sp_shuffle_hash_partition). A
     * result out of range fails the map task. */
    sh_partition_fn partition;
    void *partition_ud;
} sh_funcs;

/* The hash partitioner every keyed shuffle uses by default: the partition of
 * key among nparts (> 0). Stable for a key, on any thread. */
int sp_shuffle_hash_partition(spate_value key, int nparts);

/* A shuffled rdd over a (and b for cogroup), nparts <= 0: a's count. */
spate_rdd *sp_shuffle_new(sh_kind kind, spate_rdd *a, spate_rdd *b, int nparts, const sh_funcs *f);

#endif
