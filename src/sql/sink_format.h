/* sink_format.h - rows of column batches as the text Spark's file sinks
 * write: CSV as UnivocityGenerator writes it, JSON Lines as
 * JacksonGenerator writes it, and text (one string column, a line per row).
 *
 * Values: integers as Java's toString; float and double as Float/Double.
 * toString (NaN, Infinity: CSV plain, JSON quoted as Jackson's
 * QUOTE_NON_NUMERIC_NUMBERS does); decimals as BigDecimal.toString (plain,
 * or 1.5E-7 when the adjusted exponent is below -6); booleans true/false;
 * dates with dateFormat (yyyy-MM-dd); timestamps with timestampFormat
 * (yyyy-MM-dd'T'HH:mm:ss.SSSXXX, in the session time zone); timestamp_ntz
 * with timestampNTZFormat (yyyy-MM-dd'T'HH:mm:ss.SSS); binary in JSON as
 * base64 (Jackson's writeBinary); arrays, maps and structs in JSON as
 * JSON arrays and objects (map keys as their text, null map values
 * written, null struct fields as ignoreNullFields says), refused by CSV
 * and text as Spark does; binary refused by text as Spark does, and by
 * CSV where Spark would write the byte array's Java identity ("[B@1b6d3586",
 * UnivocityGenerator's toString fallback), which no reader can use.
 *
 * CSV options written: sep (or delimiter, one character), header, quote,
 * escape, quoteAll, escapeQuotes, nullValue (""), emptyValue ("\"\""),
 * ignoreLeadingWhiteSpace / ignoreTrailingWhiteSpace (true when writing:
 * the value is trimmed), dateFormat, timestampFormat, timestampNTZFormat,
 * lineSep ("\n"). A value is quoted when quoteAll is set or it holds the
 * separator, the quote character or a line break; a quote inside is
 * escaped with escape (escapeQuotes true). A null is nullValue unquoted.
 * encoding (UTF-8 only), compression (none) and charToEscapeQuoteEscaping
 * (accepted, not applied: Spark's default leaves the escape character
 * alone) are taken too.
 * JSON options: ignoreNullFields (true: a null field is left out; false:
 * "k":null), dateFormat, timestampFormat, timestampNTZFormat, lineSep.
 * Text: lineSep; a null row is an empty line. compression accepts none /
 * uncompressed only; encoding UTF-8 only.
 *
 * Threads: a writer is made on the query's thread and is then read-only:
 * any thread may write rows through it into its own buffer. No per-row
 * allocation besides the output buffer's growth. */
#ifndef SP_SQL_SINK_FORMAT_H
#define SP_SQL_SINK_FORMAT_H

#include "exec/colbatch.h"
#include "sql/show_buf.h"
#include "sql/tz.h"
#include "sql/types.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum sp_sink_fmt {
    SP_SINK_FMT_CSV,
    SP_SINK_FMT_JSON,
    SP_SINK_FMT_TEXT,
} sp_sink_fmt;

typedef struct sp_sink_writer sp_sink_writer;

/* The writer format of a file sink kind (sink_int.h's SP_SINK_CSV...). */
sp_sink_fmt sp_sink_writer_fmt_of(int sink_kind);

/* A writer with the options of keys[i] = vals[i] (keys case-insensitive; keys
 * that are not writer options, such as path, are skipped). schema (a
 * STRUCT, NULL: not checked yet) must suit the format: text takes one
 * STRING column, CSV no BINARY column. tz: the session zone (NULL: UTC).
 * NULL with errstr naming the option and value, or Spark's message for a
 * column the format does not take. */
sp_sink_writer *sp_sink_writer_new(sp_sink_fmt fmt, const char *const *keys,
                                   const char *const *vals, size_t n, const sp_sql_type *schema,
                                   const sp_tz *tz, char *errstr, size_t errstr_size);
void sp_sink_writer_free(sp_sink_writer *w);
/* The part files' extension: ".csv", ".json", ".txt". */
const char *sp_sink_writer_ext(const sp_sink_writer *w);
/* What starts a file: CSV's header line when header is true, else nothing.
 * Column names are the schema's (else the batch's). */
void sp_sink_writer_begin(const sp_sink_writer *w, const sp_colbatch *b, sp_sql_sbuf *out);
/* Every row of b, each followed by lineSep. */
void sp_sink_writer_rows(const sp_sink_writer *w, const sp_colbatch *b, sp_sql_sbuf *out);

#endif
