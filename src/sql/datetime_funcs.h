/* datetime_funcs.h - Spark's scalar date and time functions over one value:
 * year, month, dayofmonth, dayofweek, hour, minute, second, date_add,
 * date_sub, datediff, add_months, last_day, trunc and date_trunc. The
 * expression engine calls them row by row in typed loops. Pure: any thread;
 * nothing allocates. A false return means Spark's NULL (or, for the
 * overflows, ANSI mode's error). */
#ifndef SP_SQL_DATETIME_FUNCS_H
#define SP_SQL_DATETIME_FUNCS_H

#include "sql/tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int32_t sp_sql_year(int32_t days);
int32_t sp_sql_month(int32_t days);
int32_t sp_sql_dayofmonth(int32_t days);
int32_t sp_sql_quarter(int32_t days);
int32_t sp_sql_dayofyear(int32_t days);
/* 1 = Sunday .. 7 = Saturday (Spark's dayofweek). */
int32_t sp_sql_dayofweek(int32_t days);
/* 0 = Monday .. 6 = Sunday (Spark's weekday). */
int32_t sp_sql_weekday(int32_t days);
int32_t sp_sql_hour(int64_t us, const sp_tz *tz);
int32_t sp_sql_minute(int64_t us, const sp_tz *tz);
int32_t sp_sql_second(int64_t us, const sp_tz *tz);
/* The local date of a timestamp in tz (CAST(ts AS DATE)). */
int32_t sp_sql_ts_to_date(int64_t us, const sp_tz *tz);
/* Start of the date's day in tz (CAST(date AS TIMESTAMP)); false on overflow. */
bool sp_sql_date_to_ts(int32_t days, const sp_tz *tz, int64_t *us);

/* date_add / date_sub: false when the result leaves DATE's range. */
bool sp_sql_date_add(int32_t days, int32_t n, int32_t *out);
bool sp_sql_date_sub(int32_t days, int32_t n, int32_t *out);
/* datediff(end, start) in days. */
int32_t sp_sql_datediff(int32_t end, int32_t start);
/* add_months: the day clamped to the new month's length (java.time's
 * plusMonths); false when the result leaves DATE's range. */
bool sp_sql_add_months(int32_t days, int32_t months, int32_t *out);
int32_t sp_sql_last_day(int32_t days);

typedef enum sp_sql_trunc_level {
    SP_SQL_TRUNC_INVALID = -1,
    SP_SQL_TRUNC_MICROSECOND,
    SP_SQL_TRUNC_MILLISECOND,
    SP_SQL_TRUNC_SECOND,
    SP_SQL_TRUNC_MINUTE,
    SP_SQL_TRUNC_HOUR,
    SP_SQL_TRUNC_DAY,
    SP_SQL_TRUNC_WEEK,
    SP_SQL_TRUNC_MONTH,
    SP_SQL_TRUNC_QUARTER,
    SP_SQL_TRUNC_YEAR,
} sp_sql_trunc_level;

/* Spark's parseTruncLevel, case-insensitive: YEAR/YYYY/YY, QUARTER,
 * MONTH/MM/MON, WEEK, DAY/DD, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND;
 * SP_SQL_TRUNC_INVALID otherwise (the functions then give NULL). */
sp_sql_trunc_level sp_sql_trunc_level_parse(const char *fmt, size_t n);
/* trunc(date, fmt): levels WEEK and above only; false (NULL) otherwise. */
bool sp_sql_trunc_date(int32_t days, sp_sql_trunc_level level, int32_t *out);
/* date_trunc(fmt, ts) in zone tz; false (NULL) for an invalid level. */
bool sp_sql_date_trunc(sp_sql_trunc_level level, int64_t us, const sp_tz *tz, int64_t *out);

#endif
