/* infer.h - Spark's schema inference for a file table read without a
 * schema (a static read, CREATE TABLE ... USING csv|json without columns,
 * or a stream with spate.sql.streaming.schemaInference): every file that
 * path (a directory, a file or a glob) names is read once.
 *
 *   CSV (CSVInferSchema): the columns of the first line; names from it with
 *   header, else _c0, _c1...; every column STRING, unless inferSchema, which
 *   tries each value as INT, BIGINT, DOUBLE, DATE (preferDate, yyyy-MM-dd),
 *   TIMESTAMP (as CAST reads it), BOOLEAN, else STRING, from the type seen
 *   so far, and widens over all rows (a column of nulls is STRING).
 *   JSON Lines (JsonInferSchema): each object's fields merged by name and
 *   sorted; integers BIGINT (DECIMAL(20,0) past it), other numbers DOUBLE,
 *   strings STRING, booleans BOOLEAN, objects STRUCT, arrays ARRAY; a field
 *   only ever null is STRING; a line that is not an object makes the
 *   schema get the corrupt-record column.
 *
 * Caller's thread. */
#ifndef SP_SQL_INFER_H
#define SP_SQL_INFER_H

#include "base/conf.h"
#include "sql/tz.h"
#include "sql/types.h"

#include <stddef.h>

/* The schema of format's files (csv or json) with options keys/vals, made
 * in a; NULL with Spark's message in err ([UNABLE_TO_INFER_SCHEMA] when
 * there is no file). */
const sp_sql_type *sp_sql_infer_schema(const char *format, const char *const *keys,
                                       const char *const *vals, int n, const sp_tz *tz,
                                       spate_arena *a, char *err, size_t err_size);

/* ---- the parts (infer_*.c) ---- */

/* The files path names, sorted (malloc'd strings in a malloc'd array);
 * false with errno when path cannot be read. */
bool sp_sql_infer_list(const char *path, char ***files, size_t *n);
void sp_sql_infer_list_free(char **files, size_t n);
/* A file's bytes (malloc'd, *len of them), NULL with errno. */
char *sp_sql_infer_read(const char *path, size_t *len);
const sp_sql_type *sp_sql_infer_csv(char **files, size_t nfiles, const char *const *keys,
                                    const char *const *vals, int n, const sp_tz *tz, spate_arena *a,
                                    char *err, size_t err_size);
const sp_sql_type *sp_sql_infer_json(char **files, size_t nfiles, const char *const *keys,
                                     const char *const *vals, int n, spate_arena *a, char *err,
                                     size_t err_size);

#endif
