/* generate.h - explode / posexplode over a column batch (Spark's Generate
 * node as a pipeline step): one output row per element of an array (or
 * entry of a map), the input row's columns repeated, the generated
 * columns after them; a NULL or empty collection gives no row. Any thread,
 * results in the caller's arena. */
#ifndef SP_SQL_GENERATE_H
#define SP_SQL_GENERATE_H

#include "exec/colbatch.h"

#include <stdbool.h>

/* The rows of in exploded by x (a list or map column of in's length): in's
 * columns, then [pos INT when pos], then the element (list) or key and
 * value (map), named names[0..) (pos's name first). outer (explode_outer):
 * a NULL or empty collection gives one row whose generated columns are
 * NULL. keep (NULL: all) marks the columns of in that later steps read:
 * the others may come out as NULL columns instead of copies. Made in a. */
sp_colbatch *sp_sql_generate(const sp_colbatch *in, const sp_column *x, bool pos, bool outer,
                             const char *const *names, const bool *keep, spate_arena *a);

#endif
