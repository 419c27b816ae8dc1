/* datetime_text.h - the proleptic Gregorian calendar (days since
 * 1970-01-01 to and from year-month-day, H. Hinnant's algorithms) and a
 * wall-clock time written as "yyyy-MM-dd HH:mm:ss[.SSS]": what the data
 * generators (cli/gen_orders.c, connect/nexmark_gen_json.c) and the SQL
 * layer's date code (sql/civil.c) share. Pure functions: any thread. */
#ifndef SP_DATETIME_TEXT_H
#define SP_DATETIME_TEXT_H

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 of year-month-day (month 1..12; not validated). */
int64_t sp_days_from_civil(int64_t year, int month, int day);
void sp_civil_from_days(int64_t days, int64_t *year, int *month, int *day);
/* Writes ms since the epoch (a UTC instant, or a naive wall time counted
 * like one) as "yyyy-MM-dd HH:mm:ss" (19 bytes), then ".SSS" when millis
 * (23 bytes); no NUL. Years 0 to 9999. */
void sp_format_datetime(int64_t ms, bool millis, char *out);

#endif
