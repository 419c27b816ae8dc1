/* rdd_ops.h - exec's contract for defining operators and running them.
 *
 * An RDD node is generic: its scope, its partition count, the RDDs it depends
 * on, and a block of state that belongs to its operator. What the node does is
 * its ops table (sp_rdd_ops): one static table per operator kind, defined next
 * to that operator's code. exec's own operators (map, filter, union, shuffles,
 * caches, ...) are defined this way, and so may any layer above exec (the SQL
 * layer's columnar operators, a connector's source): define a table, make
 * nodes with sp_rdd_new, and every action, cache and stream runs them.
 *
 * Threads: constructors and accessors run on the driver (or stream generator)
 * thread that owns the node's scope; compute runs on executor threads, any
 * number of partitions at once; prepare runs on the driver thread with the
 * exec run lock held. */
#ifndef SP_RDD_OPS_H
#define SP_RDD_OPS_H

#include <spate/rdd.h>

#include "exec/scope.h"
#include "exec/task.h"

/* ops->flags */
enum {
    /* Once prepared, the node's partitions are arrays of values in memory
     * (sp_rdd_set_parts): actions read them without running tasks, a persist
     * does not copy them, sp_rdd_partition hands them out. */
    SP_RDD_IN_MEMORY = 1u << 0,
    /* The node's dependencies are shuffle dependencies (a stage boundary):
     * its prepare runs the map stage. Only the debug string reads it. */
    SP_RDD_WIDE = 1u << 1,
};

typedef struct sp_rdd_ops {
    /* Spark's class name ("MapPartitionsRDD"), for debug strings. Required. */
    const char *name;
    /* Pushes partition part of r into out, on an executor thread: values with
     * spate_sink_push, column batches with sp_sink_push_batch. Failures go
     * through spate_task_fail. Required. */
    void (*compute)(spate_rdd *r, int part, spate_sink *out);
    /* Makes what r's tasks need (a shuffle's map stage, zipWithIndex's
     * offsets, a stateful operator's partitions) after every dependency is
     * prepared; may run jobs (sp_job_run). Called at most once per node until
     * it succeeds. NULL: nothing to do. */
    spate_err (*prepare)(spate_rdd *r);
    /* The partition count, asked once by sp_rdd_new (with nparts < 0), from
     * the dependencies (the state is still zeroed then). NULL: the first
     * dependency's count (a one-to-one narrow operator), 0 without one. */
    int (*partitions)(spate_rdd *r);
    /* The RDDs r reads, in order, into *deps (valid while r lives); returns
     * their count. NULL: the dependencies given to sp_rdd_new. */
    int (*dependencies)(spate_rdd *r, spate_rdd *const **deps);
    unsigned flags; /* SP_RDD_* */
} sp_rdd_ops;

/* A node of operator ops in scope over deps[0..ndeps) (copied; no NULL entry),
 * with state_size zeroed bytes of operator state (sp_rdd_state) in scope's
 * arena. nparts < 0: ask ops->partitions. ops must outlive the node (a static
 * table). Never fails (out of memory aborts). */
spate_rdd *sp_rdd_new(sp_scope *scope, const sp_rdd_ops *ops, int nparts, spate_rdd *const *deps,
                      int ndeps, size_t state_size);
/* The operator's state block (NULL when state_size was 0). */
void *sp_rdd_state(const spate_rdd *r);
const sp_rdd_ops *sp_rdd_get_ops(const spate_rdd *r);
/* r's operator is ops (after a persist, the cache's, not the old node's). */
bool sp_rdd_is(const spate_rdd *r, const sp_rdd_ops *ops);
/* Dependency i of r (through ops->dependencies), NULL out of range. */
int sp_rdd_num_deps(spate_rdd *r);
spate_rdd *sp_rdd_dep(spate_rdd *r, int i);
sp_scope *sp_rdd_scope(const spate_rdd *r);
bool sp_rdd_is_prepared(const spate_rdd *r);

/* For SP_RDD_IN_MEMORY operators: sets the partition arrays (nparts entries
 * each, in scope's memory), usually before or in prepare. */
void sp_rdd_set_parts(spate_rdd *r, spate_value **parts, size_t *lens);
/* Partition part of a prepared SP_RDD_IN_MEMORY rdd (*n values, valid as long
 * as r's scope); NULL with *n = 0 for any other rdd or partition. Any thread,
 * once r is prepared. */
const spate_value *sp_rdd_partition(const spate_rdd *r, int part, size_t *n);

/* Pushes partition part of r into out (on an executor thread). */
void sp_rdd_compute(spate_rdd *r, int part, spate_sink *out);
/* Prepares r's dependencies, then r (ops->prepare). Driver thread; takes the
 * exec run lock (recursive). */
spate_err sp_rdd_prepare(spate_rdd *r);

/* Runs fn(task, index, ud) for index in [0, n) on the executors as tasks of
 * one job (task.partition = index). Returns SPATE_ERR_USER if any task failed.
 * Driver thread; takes the exec run lock. */
typedef void (*sp_job_task_fn)(spate_task *t, int index, void *ud);
spate_err sp_job_run(sp_scope *scope, int n, sp_job_task_fn fn, void *ud);

/* Computes every partition of r into vectors (owned by r's scope). An RDD
 * whose partitions are in memory once prepared (SP_RDD_IN_MEMORY) hands out
 * its own arrays: read them, never write. */
spate_err sp_rdd_materialize(spate_rdd *r, spate_value ***parts, size_t **lens);

/* A persisted DStream's RDD of one batch: a cached rdd over r in the batch's
 * scope, or r itself when its partitions are in memory anyway (the level is
 * then recorded on r if r belongs to the batch). Generator thread. */
spate_rdd *sp_rdd_persist_for_batch(spate_rdd *r, sp_scope *batch, spate_storage_level level);

/* Spark's RDD.toDebugString: one line per node, "(nparts) name [level]",
 * dependencies indented under it, "+-" where a shuffle begins a stage. Writes
 * at most size bytes (NUL-terminated); returns the length it needed. */
size_t sp_rdd_debug_string(spate_rdd *r, char *buf, size_t size);

#endif
