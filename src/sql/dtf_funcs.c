/* dtf_funcs.c - to_date, unix_timestamp and from_unixtime over a compiled
 * pattern (Spark: ParseToDate is CAST(GetTimestamp(s, fmt) AS DATE) in the
 * session zone; unix_timestamp floors to seconds). Any thread. */
#include "sql/dtf_int.h"

#include "sql/datetime_funcs.h"

bool sp_sql_to_date(const sp_dtf *f, const char *s, size_t n, const sp_tz *tz, int32_t *days,
                    char *errstr, size_t errstr_size)
{
    int64_t us;
    if (!sp_dtf_parse(f, s, n, tz, &us, errstr, errstr_size)) return false;
    *days = sp_sql_ts_to_date(us, tz);
    return true;
}

bool sp_sql_unix_timestamp(const sp_dtf *f, const char *s, size_t n, const sp_tz *tz, int64_t *secs,
                           char *errstr, size_t errstr_size)
{
    int64_t us;
    if (!sp_dtf_parse(f, s, n, tz, &us, errstr, errstr_size)) return false;
    *secs = sp_sql_floordiv(us, SP_SQL_US_PER_SEC);
    return true;
}

bool sp_sql_from_unixtime(const sp_dtf *f, int64_t secs, const sp_tz *tz, char *out, size_t cap,
                          size_t *len)
{
    int64_t us;
    if (__builtin_mul_overflow(secs, SP_SQL_US_PER_SEC, &us)) return false;
    *len = sp_dtf_format(f, us, tz, out, cap);
    return true;
}
