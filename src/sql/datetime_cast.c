/* datetime_cast.c - strings to DATE, TIMESTAMP and TIMESTAMP_NTZ as Spark's
 * DateTimeUtils.stringToDate / parseTimestampString / stringToTimestamp do:
 * segment by segment, with their digit-count rules, then java.time's
 * validation (LocalDate.of, LocalTime.of). Any thread; nothing allocates. */
#include "sql/datetime.h"

#include <string.h>

/* Spark trims Character.isWhitespace or isISOControl bytes at both ends. */
static bool trim_byte(unsigned char c) { return c <= 0x20 || c == 0x7f; }

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && trim_byte((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n > 0 && trim_byte((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

bool sp_sql_string_to_date(const char *s, size_t n, int32_t *days)
{
    int64_t seg[3] = {1, 1, 1};
    int i = 0, digits = 0, sign = 1;
    int64_t v = 0;
    size_t j = 0;
    trim(&s, &n);
    if (n == 0) return false;
    if (s[0] == '-' || s[0] == '+') sign = s[j++] == '-' ? -1 : 1;
    for (; j < n && !(s[j] == ' ' || s[j] == 'T'); j++) {
        if (i < 2 && s[j] == '-') {
            if (i == 0 ? digits < 4 || digits > 7 : digits < 1 || digits > 2) return false;
            seg[i++] = v, v = 0, digits = 0;
        } else if (s[j] >= '0' && s[j] <= '9' && digits < 8) {
            v = v * 10 + (s[j] - '0'), digits++;
        } else {
            return false;
        }
    }
    if (i == 0 ? digits < 4 || digits > 7 : digits < 1 || digits > 2) return false;
    if (i < 2 && j < n) return false; /* "yyyy" and "yyyy-mm" take the whole string */
    seg[i] = v;
    if (!sp_sql_valid_ymd(sign * seg[0], (int)seg[1], (int)seg[2])) return false;
    int64_t d = sp_sql_days_from_civil(sign * seg[0], (int)seg[1], (int)seg[2]);
    if (d < INT32_MIN || d > INT32_MAX) return false;
    *days = (int32_t)d;
    return true;
}

/* The parts of a timestamp string (parseTimestampString's segments). */
typedef struct ts_parts {
    int64_t seg[7]; /* year month day hour minute second micros */
    int year_sign;
    bool just_time;
    const char *zone; /* NULL when the string names none */
    size_t zone_n;
} ts_parts;

static bool valid_digits(int seg, int digits)
{
    if (seg == 6) return true;
    if (seg == 0) return digits >= 4 && digits <= 6;
    if (seg == 7) return digits <= 2;
    return digits > 0 && digits <= 2;
}

/* One separator byte b between segments; false if it is not allowed. */
static bool ts_sep(ts_parts *p, int *i, int64_t *v, int *digits, const char *s, size_t *j, size_t n)
{
    char b = s[*j];
    if (*j == 0 && b == 'T') {
        p->just_time = true;
        *i += 3;
        return true;
    }
    bool ok = (*i < 2 && b == '-') || (*i == 2 && (b == ' ' || b == 'T')) ||
              ((*i == 3 || *i == 4) && b == ':') || *i == 5 || *i == 6;
    if (*i == 0 && b == ':' && p->year_sign == 0) { /* "hh:mm:ss" alone */
        p->just_time = true;
        if (!valid_digits(3, *digits)) return false;
        p->seg[3] = *v, *v = 0, *digits = 0, *i = 4;
        return true;
    }
    if (!ok || *i > 6 || !valid_digits(*i, *digits)) return false;
    p->seg[*i] = *v;
    *v = 0, *digits = 0;
    if ((*i == 5 && b == '.')) {
        *i = 6;
        return true;
    }
    if (*i == 5 || *i == 6) { /* the rest is the zone */
        p->zone = s + *j, p->zone_n = n - *j;
        *i = 7, *j = n - 1;
        return true;
    }
    (*i)++;
    return true;
}

static bool parse_ts_parts(const char *s, size_t n, ts_parts *p)
{
    memset(p, 0, sizeof *p);
    p->seg[0] = p->seg[1] = p->seg[2] = 1;
    trim(&s, &n);
    if (n == 0) return false;
    size_t j = 0;
    if (s[0] == '-' || s[0] == '+') p->year_sign = s[j++] == '-' ? -1 : 1;
    int i = 0, digits = 0, frac_digits = 0;
    int64_t v = 0;
    for (; j < n; j++) {
        if (s[j] < '0' || s[j] > '9') {
            if (!ts_sep(p, &i, &v, &digits, s, &j, n)) return false;
            continue;
        }
        if (i == 6) frac_digits++;
        if (i != 6 || digits < 6) v = v * 10 + (s[j] - '0');
        if (++digits > 9 && i != 6) return false;
    }
    if (i == 3 && digits == 0 && !p->just_time) {
        /* "2015-03-18T": a date alone */
    } else if (i < 7) {
        if (!valid_digits(i, digits)) return false;
        p->seg[i] = v;
    }
    for (; frac_digits < 6; frac_digits++)
        p->seg[6] *= 10;
    if (frac_digits > 6 && p->seg[6] >= 1000000) return false;
    if (p->year_sign) p->seg[0] *= p->year_sign;
    return true;
}

/* The wall time of the parts in µs (date and time validated). */
static bool parts_wall_us(const ts_parts *p, int64_t *us)
{
    if (p->seg[3] > 23 || p->seg[4] > 59 || p->seg[5] > 59) return false;
    if (!sp_sql_valid_ymd(p->seg[0], (int)p->seg[1], (int)p->seg[2])) return false;
    sp_sql_dt_fields f = {
        (int32_t)p->seg[0], (int32_t)p->seg[1], (int32_t)p->seg[2], (int32_t)p->seg[3],
        (int32_t)p->seg[4], (int32_t)p->seg[5], (int32_t)p->seg[6], 0};
    return sp_sql_us_from_fields(&f, us);
}

bool sp_sql_string_to_ts(const char *s, size_t n, const sp_tz *tz, int64_t now_us, int64_t *us)
{
    ts_parts p;
    if (!parse_ts_parts(s, n, &p)) return false;
    if (p.zone) {
        char id[64];
        const char *z = p.zone;
        size_t zn = p.zone_n;
        trim(&z, &zn);
        if (zn == 0 || zn >= sizeof id) return false;
        memcpy(id, z, zn);
        id[zn] = '\0';
        if (!(tz = sp_tz_get(id, NULL, 0))) return false;
    }
    if (p.just_time) {
        sp_sql_dt_fields today;
        sp_tz_utc_to_local(tz, now_us, &today);
        p.seg[0] = today.year, p.seg[1] = today.month, p.seg[2] = today.day;
    }
    int64_t wall;
    return parts_wall_us(&p, &wall) && sp_tz_local_to_utc(tz, wall, us);
}

bool sp_sql_string_to_ntz(const char *s, size_t n, bool allow_tz, int64_t *us)
{
    ts_parts p;
    if (!parse_ts_parts(s, n, &p) || p.just_time || (p.zone && !allow_tz)) return false;
    return parts_wall_us(&p, us);
}
