/* pipeline.h - the narrow operators of a physical plan (FILTER, PROJECT,
 * GENERATE, WATERMARK, and the probe side of a JOIN whose other side is built once per batch:
 * join.h) pipelined over column batches inside one task: each batch goes
 * through every step before the next batch is read, so a micro-batch's
 * rows are never all materialized between operators.
 *
 * A filter evaluates its predicate into a selection and gathers the
 * selected rows (sp_colbatch_take); a projection evaluates its expressions
 * and views the result columns as a new batch (a bare column reference costs
 * nothing). Results live in the evaluation context's arena.
 *
 * Threads: a pipeline is immutable once built; any number of tasks may run
 * it at once, each with its own sp_sql_eval_ctx. */
#ifndef SP_SQL_PIPELINE_H
#define SP_SQL_PIPELINE_H

#include "sql/expr.h"
#include "sql/join.h"
#include "sql/plan.h"

#include <stdbool.h>

typedef struct sp_pipe_step {
    bool is_filter;
    sp_sql_expr *cond; /* filter */
    int nexprs;        /* project */
    sp_sql_expr **exprs;
    const char **names;
    const sp_join_spec *join; /* a join's probe: the table is ctx->joins[join->index] */
    sp_sql_expr *gen;         /* explode / posexplode (generate.h): the collection */
    bool gen_pos, gen_outer;
    int gen_in;           /* the generate's input columns (its output: them, then the generated) */
    const bool *gen_keep; /* which of them later steps read (physical_needs.c); NULL: all */
    const sp_plan *wm;    /* a WATERMARK node: records column wm_col's event times, passes rows */
    int wm_col;
} sp_pipe_step;

typedef struct sp_pipeline {
    int nsteps;
    sp_pipe_step *steps; /* in the order they run (bottom-up) */
} sp_pipeline;

/* Appends the steps of the FILTER / PROJECT / JOIN nodes from top down to
 * (not including) bottom to p, in execution order, in arena a, their
 * constant subexpressions folded (fold.h); a JOIN's path goes on down its
 * probe side (sp_join_probe_child), and its spec is numbered from
 * *njoins, which counts them. Returns false when a node between them is of
 * another kind. */
bool sp_pipeline_from_plan(sp_pipeline *p, const sp_plan *top, const sp_plan *bottom,
                           spate_arena *a, int *njoins);
/* The node under q on a pipeline's path: a JOIN's probe side, else its
 * child (NULL for a JOIN this engine cannot run). */
const sp_plan *sp_pipeline_below(const sp_plan *q);

/* Runs b through p: the output batch (b itself for an empty pipeline), or
 * NULL with ctx->failed and ctx->error set. */
sp_colbatch *sp_pipeline_run(const sp_pipeline *p, sp_colbatch *b, sp_sql_eval_ctx *ctx);

#endif
