/* expr_cast_str.c - the string side of CAST: Spark's parsing of numbers,
 * booleans and decimals out of strings (surrounding white space and control
 * characters trimmed; non-ANSI integers accept a fraction of digits and
 * truncate it) and the text of every atomic value (Java's Double.toString,
 * plain decimals, dates and timestamps in the session zone). Pure
 * functions; any thread. */
#include "sql/expr_cast_int.h"

#include "sql/datetime.h"
#include "sql/scan_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void sp_sql_trim_ctl(const char **s, size_t *n)
{
    while (*n && (unsigned char)(*s)[0] <= ' ') {
        (*s)++;
        (*n)--;
    }
    while (*n && (unsigned char)(*s)[*n - 1] <= ' ')
        (*n)--;
}

bool sp_sql_parse_long(const char *s, size_t n, bool allow_fraction, int64_t *out)
{
    sp_sql_trim_ctl(&s, &n);
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == n) return false;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    size_t start = i;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10) return false;
        v = v * 10 + d;
    }
    if (i < n && s[i] == '.' && allow_fraction) {
        if (i == start && i + 1 == n) return false; /* "." alone */
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            ;
    } else if (i == start) {
        return false;
    }
    if (i != n) return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool sp_sql_parse_double(const char *s, size_t n, double *out)
{
    sp_sql_trim_ctl(&s, &n);
    /* [+-]digits[.digits] exact in a double: one division, correctly
     * rounded as strtod's (the CSV scanner's fast path) */
    if (sp_sql_scan_double_simple(s, n, out)) return true;
    char buf[128];
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    const char *p = buf[0] == '+' || buf[0] == '-' ? buf + 1 : buf;
    if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity") || !strcasecmp(p, "nan")) {
        bool nan = !strcasecmp(p, "nan");
        if (nan && p != buf) return false;
        *out = nan ? NAN : (buf[0] == '-' ? -INFINITY : INFINITY);
        return true;
    }
    /* Java's parseDouble accepts a type suffix (1.5d, 2f) and no words. */
    if (n > 1 && strchr("dDfF", buf[n - 1]) &&
        (isdigit((unsigned char)buf[n - 2]) || buf[n - 2] == '.'))
        buf[--n] = '\0';
    if (!isdigit((unsigned char)*p) && *p != '.') return false;
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (*end) return false;
    *out = d;
    return true;
}

bool sp_sql_parse_bool(const char *s, size_t n, bool *out)
{
    static const char *const t[] = {"t", "true", "y", "yes", "1"};
    static const char *const f[] = {"f", "false", "n", "no", "0"};
    sp_sql_trim_ctl(&s, &n);
    for (int i = 0; i < 5; i++) {
        if (strlen(t[i]) == n && !strncasecmp(s, t[i], n)) return *out = true, true;
        if (strlen(f[i]) == n && !strncasecmp(s, f[i], n)) return *out = false, true;
    }
    return false;
}

/* Digits of s into *v (with the count of fraction digits in *scale);
 * false on a malformed number or more than 38 significant digits. */
static bool parse_digits(const char *s, size_t n, size_t *i, sp_i128 *v, int *scale)
{
    int digits = 0, frac = 0;
    bool dot = false, any = false;
    for (; *i < n; (*i)++) {
        char c = s[*i];
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (c < '0' || c > '9') break;
        any = true;
        if (digits || c != '0') digits++;
        if (digits > 38) return false;
        *v = *v * 10 + (c - '0');
        frac += dot;
    }
    *scale = frac;
    return any;
}

int sp_sql_parse_decimal(const char *s, size_t n, int precision, int scale, sp_i128 *out)
{
    sp_sql_trim_ctl(&s, &n);
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    sp_i128 v = 0;
    int sc;
    if (!parse_digits(s, n, &i, &v, &sc)) return 1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int64_t e;
        if (!sp_sql_parse_long(s + i + 1, n - i - 1, false, &e) || e > 100 || e < -100) return 1;
        sc -= (int)e;
        i = n;
    }
    if (i != n) return 1;
    if (neg) v = -v;
    if (!sp_sql_dec_rescale(v, sc < 0 ? 0 : sc, scale, false, &v)) return 2;
    if (sc < 0 && __builtin_mul_overflow(v, sp_sql_pow10(-sc > 38 ? 38 : -sc), &v)) return 2;
    if (!sp_sql_dec_fits(v, precision)) return 2;
    *out = v;
    return 0;
}

size_t sp_sql_value_text(const sp_column *c, int64_t r, const sp_tz *tz, char *buf, const char **p)
{
    *p = buf;
    switch (c->type) {
    case SP_COL_BOOL:
        return (size_t)sprintf(buf, "%s", sp_column_get_bool(c, r) ? "true" : "false");
    case SP_COL_F32:
        return sp_sql_format_float(sp_column_f32(c)[r], buf);
    case SP_COL_F64:
        return sp_sql_format_double(sp_column_f64(c)[r], buf);
    case SP_COL_DECIMAL128:
        return sp_sql_format_decimal(sp_sql_col_dec(c, r), c->scale, buf);
    case SP_COL_DATE32:
        return sp_sql_date_to_string(sp_column_date32(c)[r], buf);
    case SP_COL_TIMESTAMP:
        return sp_sql_ts_to_string(sp_column_i64(c)[r], tz, buf);
    case SP_COL_TIMESTAMP_NTZ:
        return sp_sql_ntz_to_string(sp_column_i64(c)[r], buf);
    case SP_COL_UTF8:
    case SP_COL_BINARY: {
        size_t n;
        *p = sp_sql_col_str(c, r, &n);
        return n;
    }
    default:
        return (size_t)sprintf(buf, "%lld", (long long)sp_sql_col_int(c, r));
    }
}
