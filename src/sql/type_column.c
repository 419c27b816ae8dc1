/* type_column.c - SQL types to column types (see type_column.h). */
#include "sql/type_column.h"

static const sp_coltype COLUMN_OF[] = {
    [SP_SQL_BOOLEAN] = SP_COL_BOOL,
    [SP_SQL_TINYINT] = SP_COL_I8,
    [SP_SQL_SMALLINT] = SP_COL_I16,
    [SP_SQL_INT] = SP_COL_I32,
    [SP_SQL_BIGINT] = SP_COL_I64,
    [SP_SQL_FLOAT] = SP_COL_F32,
    [SP_SQL_DOUBLE] = SP_COL_F64,
    [SP_SQL_DECIMAL] = SP_COL_DECIMAL128,
    [SP_SQL_STRING] = SP_COL_UTF8,
    [SP_SQL_BINARY] = SP_COL_BINARY,
    [SP_SQL_DATE] = SP_COL_DATE32,
    [SP_SQL_TIMESTAMP] = SP_COL_TIMESTAMP,
    [SP_SQL_TIMESTAMP_NTZ] = SP_COL_TIMESTAMP_NTZ,
};

bool sp_sql_type_column(const sp_sql_type *t, sp_colspec *out)
{
    if (t->id == SP_SQL_NULL || t->id >= SP_SQL_ARRAY) return false;
    *out = (sp_colspec){COLUMN_OF[t->id], 0, 0};
    if (t->id == SP_SQL_DECIMAL) out->precision = t->precision, out->scale = t->scale;
    return true;
}
