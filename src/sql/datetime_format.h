/* datetime_format.h - Spark 3+/4 datetime patterns ("yyyy-MM-dd HH:mm:ss",
 * the "Datetime Patterns" page of Spark's SQL reference) compiled once into a
 * small program, then used to format (date_format, from_unixtime) and to
 * parse strictly (to_timestamp, to_date, unix_timestamp) as Spark's new
 * parser does: case-insensitive text, missing fields defaulted (year 1970,
 * month and day 1, time 00:00:00), text that does not fully match failing.
 *
 * A compiled pattern is immutable: any thread may use it at once. Formatting
 * and parsing allocate nothing. */
#ifndef SP_SQL_DATETIME_FORMAT_H
#define SP_SQL_DATETIME_FORMAT_H

#include "sql/tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SP_SQL_DEFAULT_TS_PATTERN "yyyy-MM-dd HH:mm:ss"
#define SP_SQL_DEFAULT_DATE_PATTERN "yyyy-MM-dd"

typedef struct sp_dtf sp_dtf;

/* Compiles pattern for formatting, or for parsing (parsing rejects more
 * letters, as Spark does). NULL on a bad pattern with Spark's message in
 * errstr ([INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION],
 * [INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER], ...). Free with sp_dtf_free. */
sp_dtf *sp_dtf_compile(const char *pattern, size_t n, bool for_parsing, char *errstr,
                       size_t errstr_size);
void sp_dtf_free(sp_dtf *f);
/* Bytes any formatted value takes at most, NUL excluded. */
size_t sp_dtf_max_len(const sp_dtf *f);

/* Formats the instant us in zone tz into out (NUL-terminated when cap > 0);
 * returns the length (cut to cap - 1 if cap is too small). */
size_t sp_dtf_format(const sp_dtf *f, int64_t us, const sp_tz *tz, char *out, size_t cap);
/* Parses s as a timestamp: a zone or offset in the text wins over tz. False
 * with "[CANNOT_PARSE_TIMESTAMP] Text '...' could not be parsed at index N..."
 * in errstr when s does not match. */
bool sp_dtf_parse(const sp_dtf *f, const char *s, size_t n, const sp_tz *tz, int64_t *us,
                  char *errstr, size_t errstr_size);

/* to_date(s, fmt): the date, in tz, of the parsed timestamp. */
bool sp_sql_to_date(const sp_dtf *f, const char *s, size_t n, const sp_tz *tz, int32_t *days,
                    char *errstr, size_t errstr_size);
/* unix_timestamp(s, fmt): whole seconds since the epoch (floor). */
bool sp_sql_unix_timestamp(const sp_dtf *f, const char *s, size_t n, const sp_tz *tz, int64_t *secs,
                           char *errstr, size_t errstr_size);
/* from_unixtime(secs, fmt); false when secs * 10^6 overflows. */
bool sp_sql_from_unixtime(const sp_dtf *f, int64_t secs, const sp_tz *tz, char *out, size_t cap,
                          size_t *len);

#endif
