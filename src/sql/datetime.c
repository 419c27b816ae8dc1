/* datetime.c - DATE and TIMESTAMP values to Spark's strings (CAST to
 * STRING): java.time's ISO year (4 digits, '+' past 9999, '-' before year
 * 1), time with the second's fraction trimmed of trailing zeros. Any thread;
 * nothing allocates. */
#include "sql/datetime.h"

#include <stdio.h>
#include <stdlib.h>

static size_t put_year(int64_t y, char *out)
{
    if (y > 9999) return (size_t)sprintf(out, "+%lld", (long long)y);
    if (y < 0) return (size_t)sprintf(out, "-%04lld", (long long)-y);
    return (size_t)sprintf(out, "%04lld", (long long)y);
}

size_t sp_sql_date_to_string(int32_t days, char *out)
{
    int64_t y;
    int m, d;
    sp_sql_civil_from_days(days, &y, &m, &d);
    size_t n = put_year(y, out);
    return n + (size_t)sprintf(out + n, "-%02d-%02d", m, d);
}

size_t sp_sql_fields_to_string(const sp_sql_dt_fields *f, char *out)
{
    size_t n = put_year(f->year, out);
    n += (size_t)sprintf(out + n, "-%02d-%02d %02d:%02d:%02d", f->month, f->day, f->hour, f->minute,
                         f->second);
    if (f->micros) {
        int us = f->micros, digits = 6;
        while (us % 10 == 0)
            us /= 10, digits--;
        n += (size_t)sprintf(out + n, ".%0*d", digits, us);
    }
    return n;
}

size_t sp_sql_ts_to_string(int64_t us, const sp_tz *tz, char *out)
{
    sp_sql_dt_fields f;
    sp_tz_utc_to_local(tz, us, &f);
    return sp_sql_fields_to_string(&f, out);
}

size_t sp_sql_ntz_to_string(int64_t us, char *out)
{
    sp_sql_dt_fields f;
    sp_sql_fields_from_us(us, &f);
    return sp_sql_fields_to_string(&f, out);
}

size_t sp_sql_cast_invalid_msg(char *buf, size_t size, const char *s, size_t n,
                               const char *type_name)
{
    int r = snprintf(buf, size,
                     "[CAST_INVALID_INPUT] The value '%.*s' of the type \"STRING\" cannot be cast "
                     "to \"%s\" because it is malformed. Correct the value as per the syntax, or "
                     "change its target type. Use `try_cast` to tolerate malformed input and "
                     "return NULL instead. SQLSTATE: 22018",
                     (int)(n > 200 ? 200 : n), s, type_name);
    return r < 0 ? 0 : (size_t)r;
}
