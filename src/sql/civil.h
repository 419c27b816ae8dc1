/* civil.h - proleptic Gregorian calendar arithmetic (Spark 3+'s calendar):
 * days since 1970-01-01 to and from year/month/day, leap years, day of week,
 * and the floor division every date and time conversion needs. Pure
 * functions over integers: any thread may call them. */
#ifndef SP_SQL_CIVIL_H
#define SP_SQL_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

#define SP_SQL_US_PER_SEC INT64_C(1000000)
#define SP_SQL_SEC_PER_DAY INT64_C(86400)
#define SP_SQL_US_PER_DAY (SP_SQL_SEC_PER_DAY * SP_SQL_US_PER_SEC)

/* Local wall-clock fields of an instant (or of a TIMESTAMP_NTZ), with the
 * zone offset in seconds east of UTC that produced them (0 for NTZ). */
typedef struct sp_sql_dt_fields {
    int32_t year; /* proleptic: 0 is 1 BC, -1 is 2 BC */
    int32_t month, day, hour, minute, second;
    int32_t micros;
    int32_t offset_s;
} sp_sql_dt_fields;

static inline int64_t sp_sql_floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
static inline int64_t sp_sql_floormod(int64_t a, int64_t b)
{
    return a - sp_sql_floordiv(a, b) * b;
}

bool sp_sql_is_leap(int64_t year);
int sp_sql_days_in_month(int64_t year, int month);
/* Days since 1970-01-01 of year-month-day (month 1..12, day 1..31; not
 * validated: use sp_sql_valid_ymd first). Exact for |year| < 2^40. */
int64_t sp_sql_days_from_civil(int64_t year, int month, int day);
void sp_sql_civil_from_days(int64_t days, int64_t *year, int *month, int *day);
bool sp_sql_valid_ymd(int64_t year, int month, int day);
/* 1 = Monday .. 7 = Sunday (ISO, java.time's DayOfWeek). */
int sp_sql_iso_dow(int64_t days);
/* 1..366 */
int sp_sql_day_of_year(int64_t days);

/* Splits µs of wall time (UTC or local) into fields; offset_s is set to 0. */
void sp_sql_fields_from_us(int64_t us, sp_sql_dt_fields *f);
/* Wall time in µs of the fields (offset_s ignored); false on overflow. */
bool sp_sql_us_from_fields(const sp_sql_dt_fields *f, int64_t *us);

#endif
