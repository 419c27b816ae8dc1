/* join.h - joins whose one side is re-read whole for each batch: a
 * stream-static join (the stream probes, the static side is built) and,
 * in a static query, a join of two tables (the left probes, or the right
 * for a right outer join).
 *
 * Flow of one batch (docs/architecture.md, "Joins"):
 *   the caller runs each join's build plan once (static_exec.h) and makes
 *   its table: the build rows as one batch (plus one all-null row for the
 *   missing side of an outer join) and a hash table over their equi-join
 *   keys;
 *   each input partition's task runs the probe step in its pipeline: the
 *   probe rows' keys are looked up, the candidate pairs gathered into one
 *   batch in the join's column order (left's then right's), the residual
 *   condition evaluated over it, and the join type applied.
 * Kinds are seen from the probe side: INNER (also CROSS), LEFT_OUTER,
 * LEFT_SEMI, LEFT_ANTI. A SQL NULL key matches nothing, as `=` does, but
 * NULL for a `<=>` key.
 *
 * Threads: a spec is immutable once planned; a table is built on the
 * caller's thread, then probed by any number of tasks at once. */
#ifndef SP_SQL_JOIN_H
#define SP_SQL_JOIN_H

#include "sql/expr.h"
#include "sql/plan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_join_spec {
    int index;              /* in the physical plan's list of joins */
    sp_plan_join_kind kind; /* from the probe side's view */
    bool probe_is_left;     /* the probe's columns come first in the output */
    const sp_plan *build;   /* the plan run once per batch */
    int nprobe, nbuild;     /* columns of each side */
    int nkeys;
    sp_sql_expr **probe_keys; /* over the probe side's batch */
    sp_sql_expr **build_keys; /* over the build side's batch */
    bool *null_safe;          /* per key: `<=>` (NULL matches NULL), else `=` */
    bool single_row;          /* a scalar subquery's: more than one build row fails */
    sp_sql_expr *residual;    /* over the joined batch (left, right); NULL: none */
    const char **names;       /* the joined batch's columns (left, right) */
} sp_join_spec;

typedef struct sp_join_table sp_join_table;

/* The side of JOIN node j that probes (its child, or its right), or NULL
 * with a message in err when this engine cannot run j (a join of two
 * streams, a full outer join). */
const sp_plan *sp_join_probe_child(const sp_plan *j, char *err, size_t err_size);

/* Where e's columns come from, over a join's columns (nleft of them on
 * the left): bit 1 the left side, bit 2 the right, 0 none. */
int sp_join_expr_sides(const sp_sql_expr *e, int nleft);

/* A copy of e (made in a) whose column ordinals below nleft move by
 * left_shift and the others by right_shift: a join condition over another
 * column order. */
sp_sql_expr *sp_join_remap(spate_arena *a, const sp_sql_expr *e, int nleft, int left_shift,
                           int right_shift);

/* The equi-join keys of JOIN node j's condition (which must be set), each
 * side's over that side's own columns, made in a; the other conjuncts
 * in *residual (over the joined columns; NULL: none). Returns the number
 * of keys. */
int sp_join_equi_keys(spate_arena *a, const sp_plan *j, sp_sql_expr ***left_keys,
                      sp_sql_expr ***right_keys, bool **null_safe, sp_sql_expr **residual);

/* Plans JOIN node j (whose probe side sp_join_probe_child accepted) in a. */
sp_join_spec *sp_join_plan(const sp_plan *j, int index, spate_arena *a);

/* Builds the table of spec over the build plan's output batches (which
 * must outlive the table). NULL with ctx->error set when a key's
 * evaluation fails. Caller's thread. */
sp_join_table *sp_join_table_build(const sp_join_spec *spec, sp_colbatch *const *batches,
                                   size_t nbatches, sp_sql_eval_ctx *ctx);
void sp_join_table_free(sp_join_table *t);

/* Joins probe batch b with table t: the output batch in ctx->arena, or NULL
 * with ctx->failed and ctx->error set. Any thread. */
sp_colbatch *sp_join_probe(const sp_join_spec *spec, const sp_join_table *t, sp_colbatch *b,
                           sp_sql_eval_ctx *ctx);

#endif
