/* sort.h - ORDER BY over a column batch: Spark's ordering of each type (NULLs
 * first ascending and last descending unless said otherwise, NaN above every
 * other double, -0.0 equal to 0.0, strings and binary by unsigned bytes),
 * stable for equal keys. Any thread; results in ctx->arena. */
#ifndef SP_SQL_SORT_H
#define SP_SQL_SORT_H

#include "sql/expr.h"
#include "sql/plan.h"

/* The rows of b ordered by keys[0..nkeys) (expressions over b's columns): a
 * new batch, or NULL with ctx->failed when a key fails to evaluate. */
sp_colbatch *sp_sql_sort(const sp_colbatch *b, const sp_plan_sort *keys, int nkeys,
                         sp_sql_eval_ctx *ctx);

/* Spark's order of rows i and j of column c (no NULL handling): <0, 0, >0. */
int sp_sql_column_cmp(const sp_column *c, int64_t i, int64_t j);

#endif
