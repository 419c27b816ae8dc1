/* console_sink_format.h - the console sink's text for one micro-batch, as
 * Spark's ConsoleWrite prints it:
 *
 *   -------------------------------------------
 *   Batch: 0
 *   -------------------------------------------
 *   +-----+
 *   |value|
 *   +-----+
 *   |    1|
 *   +-----+
 *   (an empty line: show() ends with println)
 *
 * with the sink's options numRows (default 20) and truncate (default true:
 * cells cut to 20 characters; false: not cut, left-aligned), read as
 * Spark's CaseInsensitiveStringMap.getInt / getBoolean read them: keys in
 * any case, numRows as Java's Integer.parseInt, truncate "true"/"false" in
 * any case. Other keys are not the sink's business and are ignored.
 *
 * Threads: the caller's (the sink's commit, on the driver). */
#ifndef SP_SQL_CONSOLE_SINK_FORMAT_H
#define SP_SQL_CONSOLE_SINK_FORMAT_H

#include "exec/colbatch.h"
#include "sql/show_buf.h"
#include "sql/tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sp_sql_console_opts {
    int num_rows; /* numRows; below 0 shows no row */
    bool truncate;
} sp_sql_console_opts;

/* The defaults: 20 rows, truncated. */
sp_sql_console_opts sp_sql_console_opts_default(void);
/* Reads numRows and truncate from n option pairs (keys[i] = vals[i]; the
 * last of the same key in any case wins) over the defaults into *o.
 * An invalid value returns false with errstr naming the option and the
 * value: "Invalid value for the console sink's option numRows: For input
 * string: \"ten\"" (Java's NumberFormatException text), "... option
 * truncate: yes is not a boolean string." (*o then is unchanged). */
bool sp_sql_console_opts_parse(sp_sql_console_opts *o, const char *const *keys,
                               const char *const *vals, size_t n, char *errstr, size_t errstr_size);
/* Appends batch batch_id's text: the three framing lines, then show()'s
 * table of the rows of batches[0..nbatches) (nbatches >= 1; an empty
 * micro-batch is one batch of length 0 with the query's columns), then the
 * empty line. tz: the session time zone (NULL: UTC). */
void sp_sql_console_format(sp_sql_sbuf *out, int64_t batch_id, const sp_colbatch *const *batches,
                           size_t nbatches, const sp_sql_console_opts *o, const sp_tz *tz);
/* The same written to f (and flushed). Returns 0, or -1 when the write
 * fails (errno says why). */
int sp_sql_console_write(FILE *f, int64_t batch_id, const sp_colbatch *const *batches,
                         size_t nbatches, const sp_sql_console_opts *o, const sp_tz *tz);

#endif
