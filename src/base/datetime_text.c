/* datetime_text.c - calendar arithmetic and datetime text
 * (datetime_text.h). */
#include "base/datetime_text.h"

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t sp_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floordiv(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void sp_civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    int64_t era = floordiv(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = m;
    *year = yoe + era * 400 + (m <= 2);
}

static void put2(char *p, int64_t v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

void sp_format_datetime(int64_t ms, bool millis, char *out)
{
    int64_t sec = floordiv(ms, 1000), days = floordiv(sec, 86400), rem = sec - days * 86400, y;
    int m, d;
    sp_civil_from_days(days, &y, &m, &d);
    put2(out, y / 100);
    put2(out + 2, y % 100);
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = ' ';
    put2(out + 11, rem / 3600);
    out[13] = ':';
    put2(out + 14, rem / 60 % 60);
    out[16] = ':';
    put2(out + 17, rem % 60);
    if (!millis) return;
    int64_t frac = ms - sec * 1000;
    out[19] = '.';
    out[20] = (char)('0' + frac / 100);
    put2(out + 21, frac);
}
