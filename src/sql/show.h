/* show.h - Dataset.showString(numRows, truncate, vertical) as Spark 4.0
 * prints it, over a column batch (or over rows of sp_sql_showval):
 *
 *   +---+-----+        -RECORD 0----
 *   |key|value|         key   | 1
 *   +---+-----+         value | 1
 *   |  1|    1|        only showing top 1 row
 *   +---+-----+
 *   only showing top 1 row
 *
 * - numRows below 0 counts as 0; the rows past numRows are not shown, and
 *   "only showing top N rows" ("row" when N is 1) says there were more;
 * - each cell is the value's ToPrettyString text (sql/show_cast.h) with
 *   the control characters \n \r \t \f \b \v \a written as escapes; names
 *   are escaped too, never truncated;
 * - truncate > 0: a cell longer than truncate keeps its first truncate - 3
 *   characters and "..." (its first truncate characters when truncate < 4),
 *   and cells are right-aligned; truncate <= 0: nothing is cut and cells
 *   are left-aligned;
 * - a column is as wide as its widest cell or name, at least 3; widths count
 *   as Spark's Utils.stringHalfWidth does: UTF-16 code units (a character
 *   past U+FFFF counts 2) plus one more for each character of the East
 *   Asian full-width ranges (U+1100-115F, U+2E80-A4CF, U+AC00-D7A3,
 *   U+F900-FAFF, U+FE10-FE19, U+FE30-FE6F, U+FF00-FF60, U+FFE0-FFE6); the
 *   lengths that truncate compares are UTF-16 code units too;
 * - vertical: one "-RECORD i" block per row, "(0 rows)" when none shown.
 * Bytes that are not UTF-8 print as U+FFFD, one per byte (Java decodes a
 * malformed sequence to one U+FFFD; spate's strings are valid UTF-8).
 *
 * Threads: the caller's thread; the batch is only read. The text is
 * appended to the caller's buffer; a few scratch buffers are made per call,
 * none per row. */
#ifndef SP_SQL_SHOW_H
#define SP_SQL_SHOW_H

#include "exec/colbatch.h"
#include "sql/show_buf.h"
#include "sql/show_cast.h"
#include "sql/tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Spark's defaults: show() shows 20 rows, truncated to 20 characters. */
enum { SP_SQL_SHOW_DEFAULT_ROWS = 20, SP_SQL_SHOW_DEFAULT_TRUNCATE = 20 };

/* showString over batch b (its column names as the header); tz is the
 * session time zone (NULL: UTC). */
void sp_sql_show_string(sp_sql_sbuf *out, const sp_colbatch *b, int num_rows, int truncate,
                        bool vertical, const sp_tz *tz);
/* The same over the rows of nbatches >= 1 batches in order, as one result
 * (a micro-batch's partitions): the names and column types are batches[0]'s,
 * and every batch has the same columns. */
void sp_sql_show_string_batches(sp_sql_sbuf *out, const sp_colbatch *const *batches,
                                size_t nbatches, int num_rows, int truncate, bool vertical,
                                const sp_tz *tz);
/* The same over nrows rows of ncols values each (rows[r * ncols + c]),
 * with names[ncols] (NUL-terminated UTF-8). */
void sp_sql_show_string_values(sp_sql_sbuf *out, int ncols, const char *const *names,
                               const sp_sql_showval *rows, int64_t nrows, int num_rows,
                               int truncate, bool vertical, const sp_tz *tz);
/* Spark's Utils.stringHalfWidth of n bytes of UTF-8 (see above). */
int64_t sp_sql_show_half_width(const char *s, size_t n);

#endif
