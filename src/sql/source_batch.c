/* source_batch.c - column batches for the sources: an empty batch of a
 * schema's columns (nested types too), and a deep copy of a batch (the
 * memory stream copies what is added and what is read). Any thread; each
 * call uses only its arguments. */
#include "sql/source_int.h"

#include "sql/type_column.h"

sp_colbatch *sp_source_batch_new(const sp_sql_type *schema, spate_arena *a, int64_t capacity)
{
    return sp_sql_batch_new(a, schema, capacity > 0 ? capacity : 1);
}

sp_colbatch *sp_source_batch_copy(const sp_colbatch *b, spate_arena *a)
{
    return sp_colbatch_concat(&b, 1, a); /* a deep copy, nested columns too */
}
