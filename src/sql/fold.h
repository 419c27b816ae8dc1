/* fold.h - constant folding (Spark's ConstantFolding): a subtree without
 * column references is evaluated once, when the plan is made, and replaced
 * by its literal, so that a batch's loop never broadcasts CAST(3 AS BIGINT)
 * over its rows. Any thread. */
#ifndef SP_SQL_FOLD_H
#define SP_SQL_FOLD_H

#include "sql/expr.h"

/* e with its constant subtrees folded (new nodes in a; e is not changed).
 * A subtree whose evaluation fails (1 / 0 under ANSI), or that depends on
 * the session time zone or the query's time, is left as it is: it fails or
 * is computed at run time, as before. */
sp_sql_expr *sp_sql_fold(spate_arena *a, sp_sql_expr *e);

#endif
