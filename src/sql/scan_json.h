/* scan_json.h - a schema-directed JSON Lines scanner: one JSON object per
 * line straight into a column batch, with Spark's JSON reader options
 * (scan_options.h), JacksonParser's conversions and FailureSafeParser's
 * parse modes.
 *
 * Fields are matched by name, case-sensitively; other fields, nested
 * objects and arrays among them, are skipped without being built. A value
 * of the wrong JSON type for its field (a string "12" for an INT, a number
 * for a BOOLEAN, "" for a non-string) makes the record malformed and the
 * field null; the other fields keep their values (Spark's partial results).
 * Text that is not JSON makes every field null. A STRING field takes any
 * value: strings unescaped, other values as their JSON text without white
 * space. Blank lines give no row. Same return codes as scan_csv.h.
 *
 * Threads: a scanner belongs to one task at a time. */
#ifndef SP_SQL_SCAN_JSON_H
#define SP_SQL_SCAN_JSON_H

#include "exec/colbatch.h"
#include "sql/scan_csv.h"
#include "sql/scan_options.h"
#include "sql/types.h"

typedef struct sp_sql_json_scanner sp_sql_json_scanner;

sp_sql_json_scanner *sp_sql_json_scanner_new(const sp_sql_type *schema,
                                             const sp_sql_json_options *o, char *errstr,
                                             size_t errstr_size);
void sp_sql_json_scanner_free(sp_sql_json_scanner *s);
sp_colbatch *sp_sql_json_batch_new(const sp_sql_json_scanner *s, spate_arena *a, int64_t capacity);
/* One line: 1 (a row), 0 (blank or dropped), SP_SQL_SCAN_FULL, SP_SQL_SCAN_ERROR. */
int sp_sql_json_scan_line(sp_sql_json_scanner *s, sp_colbatch *b, const char *line, size_t len,
                          char *errstr, size_t errstr_size);
/* The whole lines of buf until b is full; rows appended or SP_SQL_SCAN_ERROR. */
int64_t sp_sql_json_scan(sp_sql_json_scanner *s, sp_colbatch *b, const char *buf, size_t len,
                         size_t *consumed, char *errstr, size_t errstr_size);
int64_t sp_sql_json_malformed(const sp_sql_json_scanner *s);

#endif
