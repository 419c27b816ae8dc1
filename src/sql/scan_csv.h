/* scan_csv.h - a schema-directed CSV scanner: whole lines of CSV text
 * straight into a column batch, with Spark's CSV reader options
 * (scan_options.h), conversions (UnivocityParser) and parse modes
 * (FailureSafeParser).
 *
 * A split reader feeds it lines (sp_sql_csv_scan_line, as file_read.h hands
 * them out) or a buffer of whole lines (sp_sql_csv_scan). A record is one
 * line: a quoted field may not hold a line break (multiLine is refused).
 * Blank lines and comment lines are skipped; with header, the first other
 * line of each file (sp_sql_csv_start_file) is skipped. A row has one token
 * per schema field (the corrupt-record field aside): fewer or more tokens
 * (without column pruning), or a token that does not convert, make the
 * record malformed; the parsed fields stay, the missing or bad ones are
 * null (PERMISSIVE).
 *
 * Threads: a scanner belongs to one task at a time; it mallocs only when it
 * is made and when a line is longer than any before. */
#ifndef SP_SQL_SCAN_CSV_H
#define SP_SQL_SCAN_CSV_H

#include "exec/colbatch.h"
#include "sql/scan_options.h"
#include "sql/types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_sql_csv_scanner sp_sql_csv_scanner;

/* Return codes of the scanning functions. */
enum { SP_SQL_SCAN_ERROR = -1, SP_SQL_SCAN_FULL = -2 };

/* A scanner of schema (a STRUCT of primitive fields) with options o (copied).
 * NULL with a message in errstr on a schema or option it cannot read. Free
 * with sp_sql_csv_scanner_free. */
sp_sql_csv_scanner *sp_sql_csv_scanner_new(const sp_sql_type *schema, const sp_sql_csv_options *o,
                                           char *errstr, size_t errstr_size);
void sp_sql_csv_scanner_free(sp_sql_csv_scanner *s);
/* Column pruning (Spark's spark.sql.csv.parser.columnPruning): only the
 * schema fields with required[f] true are converted; the others are left
 * NULL, and a bad value in them does not make the record malformed, as in
 * Spark. Nor does the token count: univocity returns exactly the required
 * tokens (one past the line's end is null), and the line is not read past
 * the last of them. Reading the corrupt-record field turns pruning off, as
 * Spark's CSVScan does. required has one entry per schema field; NULL: all
 * (the default). */
void sp_sql_csv_scanner_require(sp_sql_csv_scanner *s, const bool *required);
/* An empty batch of the schema's columns for capacity rows, in arena a. */
sp_colbatch *sp_sql_csv_batch_new(const sp_sql_csv_scanner *s, spate_arena *a, int64_t capacity);
/* The next line is the first of a file (the header, with header=true). */
void sp_sql_csv_start_file(sp_sql_csv_scanner *s);
/* The next line is not (a split that starts inside a file). */
void sp_sql_csv_continue_file(sp_sql_csv_scanner *s);
/* Scans one line (without its terminator) into row b->length of b. Returns
 * 1 (a row appended), 0 (skipped or dropped), SP_SQL_SCAN_FULL (b has no
 * room: nothing done) or SP_SQL_SCAN_ERROR (FAILFAST's message, or a line
 * past maxColumns / maxCharsPerColumn, in errstr). */
int sp_sql_csv_scan_line(sp_sql_csv_scanner *s, sp_colbatch *b, const char *line, size_t len,
                         char *errstr, size_t errstr_size);
/* Scans the whole lines of buf ("\n" or "\r\n" ends each; a last line
 * without one counts) until b is full. *consumed says how many bytes were
 * scanned. Returns the rows appended or SP_SQL_SCAN_ERROR. */
int64_t sp_sql_csv_scan(sp_sql_csv_scanner *s, sp_colbatch *b, const char *buf, size_t len,
                        size_t *consumed, char *errstr, size_t errstr_size);
/* Malformed records met so far (dropped, kept or failed). */
int64_t sp_sql_csv_malformed(const sp_sql_csv_scanner *s);

#endif
