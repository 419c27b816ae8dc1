/* expr_regexp.c - RLIKE, regexp_extract and regexp_replace (PCRE2): not
 * built yet; evaluation reports Spark's UNSUPPORTED_FEATURE error instead
 * of a wrong answer. Any thread with its own context. */
#include "sql/expr_int.h"

sp_column *sp_sql_eval_regexp(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    (void)in;
    sp_sql_raise(ctx, 0, "UNSUPPORTED_FEATURE", "0A000", "The feature is not supported: %s.",
                 e->kind == SP_SQL_E_RLIKE ? "RLIKE" : sp_sql_func_name((sp_sql_func)e->op));
    ctx->failed = true;
    return NULL;
}
