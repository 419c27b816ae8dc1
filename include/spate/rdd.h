/* spate/rdd.h - RDDs: the per-batch datasets a DStream is made of.
 *
 * An RDD is lazy and partitioned, as in Spark: transformations build a lineage,
 * actions run it as tasks on the executor threads (one task per partition).
 * Narrow operations (map, filter, flatMap, mapValues, union, coalesce...) are
 * pipelined inside one task; by-key operations, repartition and sortBy shuffle
 * through the hash (or range) partitioner, with map-side combining where Spark
 * does it.
 *
 * Ownership: every RDD belongs to a scope - the batch that made it (inside
 * transform and foreachRDD), or the context for RDDs made by
 * spate_ctx_parallelize. RDDs, and the values actions return, stay valid until
 * that scope ends (the batch is forgotten, or the context destroyed); they are
 * never freed one by one. All functions here are called on the thread running
 * the batch's job (the driver), never from inside a task callback.
 */
#ifndef SPATE_RDD_H
#define SPATE_RDD_H

#include <spate/export.h>

#include <spate/core.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spate_rdd spate_rdd;

/* A new RDD in the same scope as like, holding a deep copy of n values split
 * into nparts partitions (nparts <= 0: the default parallelism). */
SPATE_API spate_rdd *spate_rdd_parallelize_like(const spate_rdd *like, const spate_value *values,
                                                size_t n, int nparts);
/* An RDD with no elements and no partitions, in like's scope. */
SPATE_API spate_rdd *spate_rdd_empty_like(const spate_rdd *like);
SPATE_API int spate_rdd_num_partitions(const spate_rdd *r);
/* The arena of the RDD's scope, for values a driver-side program makes
 * (valid as long as the RDD). Driver thread only. */
SPATE_API spate_arena *spate_rdd_arena(const spate_rdd *r);

/* ---- narrow transformations (no shuffle) -------------------------------- */
SPATE_API spate_rdd *spate_rdd_map(spate_rdd *r, spate_map_fn fn, void *ud);
SPATE_API spate_rdd *spate_rdd_flat_map(spate_rdd *r, spate_flat_map_fn fn, void *ud);
SPATE_API spate_rdd *spate_rdd_filter(spate_rdd *r, spate_filter_fn fn, void *ud);
SPATE_API spate_rdd *spate_rdd_map_partitions(spate_rdd *r, spate_map_partitions_fn fn, void *ud);
/* Each partition becomes one SPATE_ARRAY of its elements. */
SPATE_API spate_rdd *spate_rdd_glom(spate_rdd *r);
/* The partitions of a followed by those of b. */
SPATE_API spate_rdd *spate_rdd_union(spate_rdd *a, spate_rdd *b);
SPATE_API spate_rdd *spate_rdd_union_n(spate_rdd **rdds, int n);
/* Merges partitions without a shuffle (as coalesce(n, shuffle = false)). */
SPATE_API spate_rdd *spate_rdd_coalesce(spate_rdd *r, int nparts);
/* Pairs: (k, v) -> (k, fn(v)); (k, v) -> (k, each of fn(v)). */
SPATE_API spate_rdd *spate_rdd_map_values(spate_rdd *r, spate_map_fn fn, void *ud);
SPATE_API spate_rdd *spate_rdd_flat_map_values(spate_rdd *r, spate_flat_map_fn fn, void *ud);
/* x -> (x, index): indices follow partition order then element order. */
SPATE_API spate_rdd *spate_rdd_zip_with_index(spate_rdd *r);

/* ---- shuffles ------------------------------------------------------------ */
/* nparts <= 0 means: the parent's number of partitions (Spark's default
 * partitioner when spark.default.parallelism is unset). */
SPATE_API spate_rdd *spate_rdd_repartition(spate_rdd *r, int nparts);
SPATE_API spate_rdd *spate_rdd_reduce_by_key(spate_rdd *r, spate_reduce_fn fn, void *ud,
                                             int nparts);
/* (k, v) -> (k, List(v...)), values in arrival order per map partition. */
SPATE_API spate_rdd *spate_rdd_group_by_key(spate_rdd *r, int nparts);
/* Spark's combineByKey: create(v) -> c, merge_value(c, v) -> c,
 * merge_combiners(c1, c2) -> c. */
SPATE_API spate_rdd *spate_rdd_combine_by_key(spate_rdd *r, spate_map_fn create,
                                              spate_reduce_fn merge_value,
                                              spate_reduce_fn merge_combiners, void *ud,
                                              int nparts);
/* (k, v) x (k, w) -> (k, (v, w)) for every matching pair. The outer forms use
 * Some(x)/None on the optional side, as Spark does:
 * left: (k, (v, Option[w])), right: (k, (Option[v], w)),
 * full: (k, (Option[v], Option[w])). */
SPATE_API spate_rdd *spate_rdd_join(spate_rdd *a, spate_rdd *b, int nparts);
SPATE_API spate_rdd *spate_rdd_left_outer_join(spate_rdd *a, spate_rdd *b, int nparts);
SPATE_API spate_rdd *spate_rdd_right_outer_join(spate_rdd *a, spate_rdd *b, int nparts);
SPATE_API spate_rdd *spate_rdd_full_outer_join(spate_rdd *a, spate_rdd *b, int nparts);
/* (k, (List(v...), List(w...))) for every key of a or b. */
SPATE_API spate_rdd *spate_rdd_cogroup(spate_rdd *a, spate_rdd *b, int nparts);
/* Distinct elements. */
SPATE_API spate_rdd *spate_rdd_distinct(spate_rdd *r, int nparts);
/* Sorted by key_fn(x) (NULL: x itself), ascending or descending, range
 * partitioned into nparts (<= 0: the parent's count) sorted partitions. */
SPATE_API spate_rdd *spate_rdd_sort_by(spate_rdd *r, spate_map_fn key_fn, void *ud, bool ascending,
                                       int nparts);

/* ---- actions (run tasks; results live in the RDD's scope) ---------------- */
/* On failure (a callback failed or an input could not be read) actions return
 * the error, and spate_rdd_last_error(r) has its message. */
SPATE_API spate_err spate_rdd_collect(spate_rdd *r, spate_value **out, size_t *n);
SPATE_API spate_err spate_rdd_count(spate_rdd *r, int64_t *out);
/* The first n elements in partition order (computes as few partitions as it can). */
SPATE_API spate_err spate_rdd_take(spate_rdd *r, size_t n, spate_value **out, size_t *got);
/* SPATE_ERR_NOT_FOUND on an empty RDD (Spark's "empty collection"). */
SPATE_API spate_err spate_rdd_first(spate_rdd *r, spate_value *out);
SPATE_API spate_err spate_rdd_reduce(spate_rdd *r, spate_reduce_fn fn, void *ud, spate_value *out);
/* The n largest / smallest elements by key_fn(x) (NULL: x), in order. */
SPATE_API spate_err spate_rdd_top(spate_rdd *r, size_t n, spate_map_fn key_fn, void *ud,
                                  spate_value **out, size_t *got);
SPATE_API spate_err spate_rdd_take_ordered(spate_rdd *r, size_t n, spate_map_fn key_fn, void *ud,
                                           spate_value **out, size_t *got);
/* (value, count) tuples, one per distinct value, unordered. */
SPATE_API spate_err spate_rdd_count_by_value(spate_rdd *r, spate_value **out, size_t *n);
/* True when the RDD has no elements. */
SPATE_API spate_err spate_rdd_is_empty(spate_rdd *r, bool *out);
/* Runs fn on every element (on executor threads). */
SPATE_API spate_err spate_rdd_foreach(spate_rdd *r,
                                      void (*fn)(spate_task *t, spate_value v, void *ud), void *ud);

/* The message of the most recent failure in r's scope (a failed task of an
 * action on r or on another RDD of the same batch), "" before the first.
 * Successes do not clear it: read it right after an action failed. Any
 * thread (also while tasks of the scope run). The string is a copy owned by
 * the calling thread, valid until that thread's next spate_rdd_last_error
 * call or its end. */
SPATE_API const char *spate_rdd_last_error(const spate_rdd *r);

/* ---- persistence (Spark's StorageLevel, RDD.persist / cache / unpersist) -- */
/* Spark's storage levels. spate runs in one process and keeps a batch's data
 * in the batch's memory, so every level other than NONE means the same thing:
 * the partitions are computed once, by the first job that needs them, kept
 * in memory as values, and read by every later job. _SER levels are not
 * serialized, _2/_3 levels keep one copy, OFF_HEAP is ordinary memory, and
 * the DISK levels are accepted and kept in memory too (spate never spills: a
 * program written for Spark runs unchanged, and a batch's memory is freed
 * with the batch anyway). */
typedef enum spate_storage_level {
    SPATE_STORAGE_NONE = 0,
    SPATE_STORAGE_MEMORY_ONLY,
    SPATE_STORAGE_MEMORY_ONLY_2,
    SPATE_STORAGE_MEMORY_ONLY_SER,
    SPATE_STORAGE_MEMORY_ONLY_SER_2,
    SPATE_STORAGE_MEMORY_AND_DISK,
    SPATE_STORAGE_MEMORY_AND_DISK_2,
    SPATE_STORAGE_MEMORY_AND_DISK_SER,
    SPATE_STORAGE_MEMORY_AND_DISK_SER_2,
    SPATE_STORAGE_DISK_ONLY,
    SPATE_STORAGE_DISK_ONLY_2,
    SPATE_STORAGE_DISK_ONLY_3,
    SPATE_STORAGE_OFF_HEAP,
} spate_storage_level;

/* Spark's name of a level ("MEMORY_ONLY_SER"), "" for an unknown value. */
SPATE_API const char *spate_storage_level_name(spate_storage_level level);

/* RDD.persist(level): marks r so that its partitions are computed once, the
 * first time a job needs them (all of them, on the executors, into r's
 * scope), and read from memory by every later action on r or on RDDs made
 * from r - also RDDs made from r before this call. The cached values live in
 * r's scope, as any value of r does (freed when the batch is forgotten).
 * Persisting again at the same level does nothing; at another level returns
 * SPATE_ERR_UNSUPPORTED (Spark: "Cannot change storage level of an RDD after
 * it was already assigned a level"); SPATE_STORAGE_NONE or an unknown level
 * is SPATE_ERR_INVALID_ARG. RDDs whose partitions are already in memory
 * (parallelize, shuffle outputs, state and window results) only record the
 * level. Driver thread, and not while another thread's job may be running r
 * (an RDD from spate_ctx_parallelize that a queue stream hands to batches). */
SPATE_API spate_err spate_rdd_persist(spate_rdd *r, spate_storage_level level);
/* RDD.cache(): persist(MEMORY_ONLY). */
SPATE_API spate_err spate_rdd_cache(spate_rdd *r);
/* RDD.unpersist(): later actions compute r again from its parents, and r may
 * be persisted again. The values already cached stay valid until r's scope
 * ends (results of earlier actions may point into them). SPATE_OK also when
 * r was not persisted. Same thread rules as persist. */
SPATE_API spate_err spate_rdd_unpersist(spate_rdd *r);
/* RDD.getStorageLevel: SPATE_STORAGE_NONE when not persisted. */
SPATE_API spate_storage_level spate_rdd_get_storage_level(const spate_rdd *r);

#ifdef __cplusplus
}
#endif
#endif
