/* type_column.h - the physical column (exec/colbatch.h) each SQL type is
 * stored in. Any thread. */
#ifndef SP_SQL_TYPE_COLUMN_H
#define SP_SQL_TYPE_COLUMN_H

#include "exec/colbatch.h"
#include "sql/types.h"

/* Fills *out with t's column: BOOLEAN bool, TINYINT int8, SMALLINT int16,
 * INT int32, BIGINT int64, FLOAT float32, DOUBLE float64, DECIMAL(p,s)
 * decimal128 "d:p,s", STRING utf8, BINARY binary, DATE date32, TIMESTAMP
 * "tsu:UTC", TIMESTAMP_NTZ "tsu:". Returns false for the types that have no
 * column yet: ARRAY, MAP, STRUCT (Arrow's list, map and struct layouts are
 * for later) and NULL (void). */
bool sp_sql_type_column(const sp_sql_type *t, sp_colspec *out);

#endif
