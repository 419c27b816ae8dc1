/* datetime_funcs.c - Spark's scalar date and time functions (see
 * datetime_funcs.h), following DateTimeUtils: fields from the proleptic
 * calendar, times of day in the session zone, truncation in local time and
 * back to UTC with java.time's rules. Any thread; nothing allocates. */
#include "sql/datetime_funcs.h"

#include <string.h>
#include <strings.h>

static void ymd(int32_t days, int64_t *y, int *m, int *d) { sp_sql_civil_from_days(days, y, m, d); }

int32_t sp_sql_year(int32_t days)
{
    int64_t y;
    int m, d;
    ymd(days, &y, &m, &d);
    return (int32_t)y;
}

int32_t sp_sql_month(int32_t days)
{
    int64_t y;
    int m, d;
    ymd(days, &y, &m, &d);
    return m;
}

int32_t sp_sql_dayofmonth(int32_t days)
{
    int64_t y;
    int m, d;
    ymd(days, &y, &m, &d);
    return d;
}

int32_t sp_sql_quarter(int32_t days) { return (sp_sql_month(days) - 1) / 3 + 1; }
int32_t sp_sql_dayofyear(int32_t days) { return sp_sql_day_of_year(days); }
int32_t sp_sql_dayofweek(int32_t days) { return sp_sql_iso_dow(days) % 7 + 1; }
int32_t sp_sql_weekday(int32_t days) { return sp_sql_iso_dow(days) - 1; }

int32_t sp_sql_hour(int64_t us, const sp_tz *tz)
{
    sp_sql_dt_fields f;
    sp_tz_utc_to_local(tz, us, &f);
    return f.hour;
}

int32_t sp_sql_minute(int64_t us, const sp_tz *tz)
{
    sp_sql_dt_fields f;
    sp_tz_utc_to_local(tz, us, &f);
    return f.minute;
}

int32_t sp_sql_second(int64_t us, const sp_tz *tz)
{
    sp_sql_dt_fields f;
    sp_tz_utc_to_local(tz, us, &f);
    return f.second;
}

int32_t sp_sql_ts_to_date(int64_t us, const sp_tz *tz)
{
    int32_t off = sp_tz_offset_at(tz, sp_sql_floordiv(us, SP_SQL_US_PER_SEC));
    return (int32_t)sp_sql_floordiv(us + (int64_t)off * SP_SQL_US_PER_SEC, SP_SQL_US_PER_DAY);
}

bool sp_sql_date_to_ts(int32_t days, const sp_tz *tz, int64_t *us)
{
    return sp_tz_local_to_utc(tz, (int64_t)days * SP_SQL_US_PER_DAY, us);
}

static bool to_date(int64_t d, int32_t *out)
{
    if (d < INT32_MIN || d > INT32_MAX) return false;
    *out = (int32_t)d;
    return true;
}

bool sp_sql_date_add(int32_t days, int32_t n, int32_t *out)
{
    return to_date((int64_t)days + n, out);
}
bool sp_sql_date_sub(int32_t days, int32_t n, int32_t *out)
{
    return to_date((int64_t)days - n, out);
}
int32_t sp_sql_datediff(int32_t end, int32_t start) { return (int32_t)((int64_t)end - start); }

bool sp_sql_add_months(int32_t days, int32_t months, int32_t *out)
{
    int64_t y;
    int m, d;
    ymd(days, &y, &m, &d);
    int64_t total = y * 12 + (m - 1) + months;
    int64_t ny = sp_sql_floordiv(total, 12);
    int nm = (int)(total - ny * 12) + 1;
    int dim = sp_sql_days_in_month(ny, nm);
    return to_date(sp_sql_days_from_civil(ny, nm, d > dim ? dim : d), out);
}

int32_t sp_sql_last_day(int32_t days)
{
    int64_t y;
    int m, d;
    ymd(days, &y, &m, &d);
    return (int32_t)sp_sql_days_from_civil(y, m, sp_sql_days_in_month(y, m));
}

sp_sql_trunc_level sp_sql_trunc_level_parse(const char *fmt, size_t n)
{
    static const struct {
        const char *name;
        sp_sql_trunc_level level;
    } names[] = {
        {"MICROSECOND", SP_SQL_TRUNC_MICROSECOND},
        {"MILLISECOND", SP_SQL_TRUNC_MILLISECOND},
        {"SECOND", SP_SQL_TRUNC_SECOND},
        {"MINUTE", SP_SQL_TRUNC_MINUTE},
        {"HOUR", SP_SQL_TRUNC_HOUR},
        {"DAY", SP_SQL_TRUNC_DAY},
        {"DD", SP_SQL_TRUNC_DAY},
        {"WEEK", SP_SQL_TRUNC_WEEK},
        {"MON", SP_SQL_TRUNC_MONTH},
        {"MONTH", SP_SQL_TRUNC_MONTH},
        {"MM", SP_SQL_TRUNC_MONTH},
        {"QUARTER", SP_SQL_TRUNC_QUARTER},
        {"YEAR", SP_SQL_TRUNC_YEAR},
        {"YYYY", SP_SQL_TRUNC_YEAR},
        {"YY", SP_SQL_TRUNC_YEAR},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && strncasecmp(names[i].name, fmt, n) == 0)
            return names[i].level;
    return SP_SQL_TRUNC_INVALID;
}

bool sp_sql_trunc_date(int32_t days, sp_sql_trunc_level level, int32_t *out)
{
    int64_t y;
    int m, d;
    ymd(days, &y, &m, &d);
    switch (level) {
    case SP_SQL_TRUNC_WEEK:
        return to_date((int64_t)days - (sp_sql_iso_dow(days) - 1), out);
    case SP_SQL_TRUNC_MONTH:
        return to_date(sp_sql_days_from_civil(y, m, 1), out);
    case SP_SQL_TRUNC_QUARTER:
        return to_date(sp_sql_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1), out);
    case SP_SQL_TRUNC_YEAR:
        return to_date(sp_sql_days_from_civil(y, 1, 1), out);
    default:
        return false;
    }
}

/* Truncates the local time of us to a multiple of unit_us within its day,
 * keeping the instant's offset where it is still valid (ZonedDateTime's
 * truncatedTo). */
static bool trunc_local(int64_t us, const sp_tz *tz, int64_t unit_us, int64_t *out)
{
    sp_sql_dt_fields f;
    sp_tz_utc_to_local(tz, us, &f);
    int64_t local = us + (int64_t)f.offset_s * SP_SQL_US_PER_SEC;
    local -= sp_sql_floormod(local, unit_us);
    return sp_tz_local_to_utc_prefer(tz, local, f.offset_s, out);
}

bool sp_sql_date_trunc(sp_sql_trunc_level level, int64_t us, const sp_tz *tz, int64_t *out)
{
    switch (level) {
    case SP_SQL_TRUNC_MICROSECOND:
        *out = us;
        return true;
    case SP_SQL_TRUNC_MILLISECOND:
        *out = us - sp_sql_floormod(us, 1000);
        return true;
    case SP_SQL_TRUNC_SECOND:
        *out = us - sp_sql_floormod(us, SP_SQL_US_PER_SEC);
        return true;
    case SP_SQL_TRUNC_MINUTE:
        return trunc_local(us, tz, 60 * SP_SQL_US_PER_SEC, out);
    case SP_SQL_TRUNC_HOUR:
        return trunc_local(us, tz, 3600 * SP_SQL_US_PER_SEC, out);
    case SP_SQL_TRUNC_DAY:
        return trunc_local(us, tz, SP_SQL_US_PER_DAY, out);
    case SP_SQL_TRUNC_INVALID:
        return false;
    default: {
        int32_t d;
        return sp_sql_trunc_date(sp_sql_ts_to_date(us, tz), level, &d) &&
               sp_sql_date_to_ts(d, tz, out);
    }
    }
}
