/* expr_regexp.c - stub. */
#include "sql/expr_int.h"
sp_column *sp_sql_eval_regexp(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    (void)e;
    (void)in;
    (void)ctx;
    return NULL;
}
