/* expr_json_int.h - the JSON function kernels (expr_json.c,
 * expr_json_path.c). Private to src/sql/. Any thread with its own context. */
#ifndef SP_SQL_EXPR_JSON_INT_H
#define SP_SQL_EXPR_JSON_INT_H

#include "sql/expr_int.h"

/* get_json_object(json, path). */
sp_column *sp_sql_eval_json_path(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);

#endif
