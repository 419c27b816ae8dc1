/* civil.c - proleptic Gregorian calendar arithmetic (see civil.h). The
 * day-number conversions use the era-of-400-years method (H. Hinnant's
 * civil_from_days), exact for any year a 64-bit day count can hold. */
#include "sql/civil.h"

#include "base/datetime_text.h"

bool sp_sql_is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int sp_sql_days_in_month(int64_t year, int month)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && sp_sql_is_leap(year)) return 29;
    return dim[month - 1];
}

bool sp_sql_valid_ymd(int64_t year, int month, int day)
{
    return month >= 1 && month <= 12 && day >= 1 && day <= sp_sql_days_in_month(year, month);
}

int64_t sp_sql_days_from_civil(int64_t y, int m, int d) { return sp_days_from_civil(y, m, d); }

void sp_sql_civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    sp_civil_from_days(z, year, month, day);
}

int sp_sql_iso_dow(int64_t days)
{
    /* 1970-01-01 was a Thursday (4). */
    return (int)sp_sql_floormod(days + 3, 7) + 1;
}

int sp_sql_day_of_year(int64_t days)
{
    int64_t y;
    int m, d;
    sp_sql_civil_from_days(days, &y, &m, &d);
    return (int)(days - sp_sql_days_from_civil(y, 1, 1)) + 1;
}

void sp_sql_fields_from_us(int64_t us, sp_sql_dt_fields *f)
{
    int64_t days = sp_sql_floordiv(us, SP_SQL_US_PER_DAY);
    int64_t rem = us - days * SP_SQL_US_PER_DAY;
    int64_t y;
    sp_sql_civil_from_days(days, &y, &f->month, &f->day);
    f->year = (int32_t)y;
    int64_t secs = rem / SP_SQL_US_PER_SEC;
    f->micros = (int32_t)(rem % SP_SQL_US_PER_SEC);
    f->hour = (int32_t)(secs / 3600);
    f->minute = (int32_t)(secs / 60 % 60);
    f->second = (int32_t)(secs % 60);
    f->offset_s = 0;
}

bool sp_sql_us_from_fields(const sp_sql_dt_fields *f, int64_t *us)
{
    int64_t days = sp_sql_days_from_civil(f->year, f->month, f->day);
    int64_t secs = (int64_t)f->hour * 3600 + f->minute * 60 + f->second;
    int64_t r;
    if (__builtin_mul_overflow(days, SP_SQL_US_PER_DAY, &r)) return false;
    if (__builtin_add_overflow(r, secs * SP_SQL_US_PER_SEC + f->micros, &r)) return false;
    *us = r;
    return true;
}
