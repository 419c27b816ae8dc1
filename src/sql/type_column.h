/* type_column.h - the physical column (exec/colbatch.h) each SQL type is
 * stored in. Any thread. */
#ifndef SP_SQL_TYPE_COLUMN_H
#define SP_SQL_TYPE_COLUMN_H

#include "exec/colbatch.h"
#include "sql/types.h"

/* Fills *out with t's column: BOOLEAN bool, TINYINT int8, SMALLINT int16,
 * INT int32, BIGINT int64, FLOAT float32, DOUBLE float64, DECIMAL(p,s)
 * decimal128 "d:p,s", STRING utf8, BINARY binary, DATE date32, TIMESTAMP
 * "tsu:UTC", TIMESTAMP_NTZ "tsu:". Returns false for NULL (void) and the
 * nested types, whose column needs sp_sql_type_tree. */
bool sp_sql_type_column(const sp_sql_type *t, sp_colspec *out);
/* Fills *out with t's whole column, children made in a: ARRAY a list of its
 * element, MAP a map of key and value, STRUCT a struct of its fields (their
 * names); a void inside a nested type is a bool column of nulls. Returns
 * false for NULL (void) itself. */
bool sp_sql_type_tree(spate_arena *a, const sp_sql_type *t, sp_coltree *out);
/* A batch (in a) of the fields of schema (a STRUCT) as columns, nested ones
 * included (void: bool), room for capacity rows. */
sp_colbatch *sp_sql_batch_new(spate_arena *a, const sp_sql_type *schema, int64_t capacity);

#endif
