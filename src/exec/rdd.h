/* rdd.h - the RDDs exec makes for the layers above it (exec's contract,
 * with rdd_ops.h, which it includes): sources, whose partitions a callback produces
 * inside a task (a file split read and cut into lines, a block of received
 * records) or that are values already in memory, and prepared RDDs, whose
 * partitions a driver-side callback makes once (stateful operators). */
#ifndef SP_EXEC_RDD_H
#define SP_EXEC_RDD_H

#include <spate/rdd.h>

#include "exec/rdd_ops.h"

/* Produces partition `part` into out (runs in a task on an executor thread).
 * Failures go through spate_task_fail / spate_task_bad_record. */
typedef void (*sp_source_fn)(spate_task *t, int part, spate_sink *out, void *ud);
/* Makes all partitions of a prepared rdd (see sp_rdd_prepared). */
typedef spate_err (*sp_prepare_fn)(spate_rdd *r, spate_value **parts, size_t *lens, void *ud);

/* An RDD of nparts partitions computed by fn; ud must live as long as scope. */
spate_rdd *sp_rdd_source(sp_scope *scope, int nparts, sp_source_fn fn, void *ud);
/* An RDD over existing partitions: parts[i] has lens[i] values. The arrays and
 * the values must live as long as scope (they are not copied). */
spate_rdd *sp_rdd_from_parts(sp_scope *scope, int nparts, spate_value **parts, size_t *lens);
/* A deep copy of values into scope's arena, split into nparts partitions. */
spate_rdd *sp_rdd_parallelize(sp_scope *scope, const spate_value *values, size_t n, int nparts);
spate_rdd *sp_rdd_empty(sp_scope *scope);
/* An RDD whose partitions a driver-side callback makes once, the first time
 * a job needs them (after deps are prepared): fn fills parts[i]/lens[i] for
 * i < nparts (arrays allocated by the engine in scope's arena; values must
 * live as long as scope) and may run jobs on deps. Runs on the job (driver)
 * thread with the run lock held. This is how stateful operators (state
 * stores, windows) update their state exactly once per batch however many
 * outputs read the result. deps (ndeps <= SP_MAX_PREPARED_DEPS) may be NULL
 * entries, which are skipped. */
enum { SP_MAX_PREPARED_DEPS = 4 };
spate_rdd *sp_rdd_prepared(sp_scope *scope, int nparts, spate_rdd **deps, int ndeps,
                           sp_prepare_fn fn, void *ud);
/* The ud r was made with when r is sp_rdd_source(.., fn, ud); else NULL (so
 * a connector recognises its own RDDs: HasOffsetRanges). */
void *sp_rdd_source_ud(const spate_rdd *r, sp_source_fn fn);
/* The ud of an rdd made by sp_rdd_prepared; else NULL. */
void *sp_rdd_prepared_ud(const spate_rdd *r);

/* Runs r fully and calls fn(part, values, n, ud) per partition on the calling
 * thread, in partition order (values valid as long as r's scope). */
spate_err sp_rdd_run_partitions(spate_rdd *r,
                                void (*fn)(int part, const spate_value *v, size_t n, void *ud),
                                void *ud);

#endif
