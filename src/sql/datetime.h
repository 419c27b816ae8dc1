/* datetime.h - Spark's DATE, TIMESTAMP and TIMESTAMP_NTZ values and their
 * string forms (CAST to and from STRING):
 *   DATE          int32 days since 1970-01-01, proleptic Gregorian
 *   TIMESTAMP     int64 µs since 1970-01-01 00:00:00 UTC, shown in a zone
 *   TIMESTAMP_NTZ int64 µs of local wall time (no zone)
 * Pure functions over scalars: any thread may call them; nothing allocates.
 * A string that is not a valid value gives false, and the caller decides:
 * NULL without ANSI mode, sp_sql_cast_invalid_msg's error with it. */
#ifndef SP_SQL_DATETIME_H
#define SP_SQL_DATETIME_H

#include "sql/civil.h"
#include "sql/tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes enough for any date or timestamp string below, NUL included. */
#define SP_SQL_DT_STR_MAX 48

/* "2026-12-07" (years past 9999 as "+10000-01-01", before 1 as "-0001"). */
size_t sp_sql_date_to_string(int32_t days, char *out);
/* "2026-12-07 14:11:03" or with the fraction, trailing zeros trimmed
 * ("2026-12-07 14:11:03.1234"), in zone tz. */
size_t sp_sql_ts_to_string(int64_t us, const sp_tz *tz, char *out);
size_t sp_sql_ntz_to_string(int64_t us, char *out);
/* Local fields to the string form above (offset ignored). */
size_t sp_sql_fields_to_string(const sp_sql_dt_fields *f, char *out);

/* Spark's stringToDate: "[+-]yyyy*", "yyyy-[m]m", "yyyy-[m]m-[d]d" and
 * "yyyy-[m]m-[d]d[ T]anything", surrounding white space and control
 * characters trimmed. */
bool sp_sql_string_to_date(const char *s, size_t n, int32_t *days);
/* Spark's stringToTimestamp: the date forms above, then
 * "[ T][h]h:[m]m:[s]s[.fraction][zone]" (fraction digits past 6 truncated;
 * zone "Z", "+08:00", "UTC+1", " America/Los_Angeles"...), or a time alone
 * ("[T]hh:mm:ss") on the current date in the zone. Without a zone in the
 * string, the wall time is in tz. now_us is the current instant (for the
 * time-alone forms). */
bool sp_sql_string_to_ts(const char *s, size_t n, const sp_tz *tz, int64_t now_us, int64_t *us);
/* Spark's stringToTimestampWithoutTimeZone: as above, but a time alone is
 * invalid, and so is a zone unless allow_tz (CAST ignores it). */
bool sp_sql_string_to_ntz(const char *s, size_t n, bool allow_tz, int64_t *us);

/* Spark's [CAST_INVALID_INPUT] message for s cast to type_name ("DATE",
 * "TIMESTAMP"), as ANSI mode raises it. Returns the length written. */
size_t sp_sql_cast_invalid_msg(char *buf, size_t size, const char *s, size_t n,
                               const char *type_name);

#endif
