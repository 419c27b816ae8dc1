/* expr_nested_int.h - what the kernels over arrays, maps and structs share
 * (expr_array.c, expr_struct.c, expr_map.c, expr_split.c): result columns of
 * any SQL type, null slots, cell equality. Any thread with its own context. */
#ifndef SP_SQL_EXPR_NESTED_INT_H
#define SP_SQL_EXPR_NESTED_INT_H

#include "sql/expr_int.h"

/* A result column of n rows of SQL type t, nested types included (void: a
 * bool column). */
void sp_sql_vec_new_type(sp_sql_eval_ctx *ctx, const sp_sql_type *t, int64_t n, sp_sql_vec *v);
/* Fills row row of c (appended in order) with a null: varlen and list rows
 * appended empty, a struct's fields given slots. */
void sp_sql_col_null_slot(sp_colbatch *b, sp_column *c, int64_t row);
/* Copies row r of src into row at of dst (appended in order); a src of
 * another column type (a void argument cast to dst's type) gives NULL. */
void sp_sql_copy_cell(sp_colbatch *b, sp_column *dst, int64_t at, const sp_column *src, int64_t r);
/* Whether valid cells a[i] and b[j] of one type are equal (Spark's
 * ordering equality: bytes for strings, values for numbers; NaN = NaN). */
bool sp_sql_cell_eq(const sp_column *a, int64_t i, const sp_column *b, int64_t j);

sp_column *sp_sql_eval_split(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_struct(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_map(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);

#endif
