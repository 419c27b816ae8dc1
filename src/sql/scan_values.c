/* scan_values.c - numbers in Java's syntax, as Spark's CSV and JSON parsers
 * read them (Long.parseLong, Double.parseDouble, Float.parseFloat,
 * new BigDecimal), with tight loops and no allocation; strtod/strtof only
 * when the exact fast path does not apply. Pure: any thread. */
#include "sql/scan_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool sp_sql_scan_int(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '-' || s[0] == '+')) neg = s[i++] == '-';
    if (i == n) return false;
    uint64_t limit = neg ? (uint64_t)0 - (uint64_t)lo : (uint64_t)hi, v = 0;
    if (n - i <= 18) { /* < 10^18: no overflow on the way, one range check */
        for (; i < n; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d > 9) return false;
            v = v * 10 + d;
        }
        if (v > limit) return false;
        *out = neg ? (int64_t)(0 - v) : (int64_t)v;
        return true;
    }
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return false;
        if (v > (limit - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* The parts of a decimal number: mantissa digits (up to 19 kept in m,
 * `dropped` more counted), the decimal exponent, a sign. */
typedef struct dec_parts {
    uint64_t m;
    int ndig, dropped;
    int64_t exp10;
    bool neg;
} dec_parts;

/* Java's FloatingDecimal syntax without the hexadecimal form; s, n trimmed. */
static bool split_number(const char *s, size_t n, dec_parts *p)
{
    size_t i = 0;
    memset(p, 0, sizeof *p);
    if (i < n && (s[i] == '+' || s[i] == '-')) p->neg = s[i++] == '-';
    int digits = 0;
    for (; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++) {
        if (p->ndig < 19) {
            if (p->m || s[i] != '0') p->m = p->m * 10 + (uint64_t)(s[i] - '0'), p->ndig += p->m > 0;
        } else
            p->dropped++;
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++) {
            if (p->ndig < 19) {
                p->exp10--;
                if (p->m || s[i] != '0') p->m = p->m * 10 + (uint64_t)(s[i] - '0'), p->ndig++;
            }
        }
    }
    if (!digits) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i == n || (unsigned)(s[i] - '0') > 9) return false;
        int64_t e = 0;
        for (; i < n && (unsigned)(s[i] - '0') <= 9; i++)
            if (e < 100000) e = e * 10 + (s[i] - '0');
        p->exp10 += eneg ? -e : e;
    }
    if (i < n && (s[i] == 'f' || s[i] == 'F' || s[i] == 'd' || s[i] == 'D')) i++;
    p->exp10 += p->dropped;
    return i == n;
}

const double sp_sql_pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Trims Java's white space (<= ' ') and reads the special spellings. */
static int special(const char **s, size_t *n, double *out)
{
    while (*n && (unsigned char)**s <= ' ')
        (*s)++, (*n)--;
    while (*n && (unsigned char)(*s)[*n - 1] <= ' ')
        (*n)--;
    const char *t = *s;
    size_t k = *n, sign = (k && (t[0] == '+' || t[0] == '-'));
    if (k - sign == 3 && !memcmp(t + sign, "NaN", 3)) return *out = NAN, 1;
    if (k - sign == 8 && !memcmp(t + sign, "Infinity", 8))
        return *out = t[0] == '-' ? -INFINITY : INFINITY, 1;
    return 0;
}

/* Everything else Double.parseDouble takes: white space, NaN, Infinity,
 * exponents, long digit strings (strtod, correctly rounded). Kept out of
 * line so the fast path sets up no buffer. */
static __attribute__((noinline)) bool general_double(const char *s, size_t n, double *out)
{
    dec_parts p;
    if (special(&s, &n, out)) return true;
    if (!split_number(s, n, &p)) return false;
    if (!p.dropped && p.m < (1ull << 53) && p.exp10 >= -22 && p.exp10 <= 22) {
        double d = (double)p.m;
        d = p.exp10 < 0 ? d / sp_sql_pow10_exact[-p.exp10] : d * sp_sql_pow10_exact[p.exp10];
        *out = p.neg ? -d : d;
        return true;
    }
    char buf[512], *h = n < sizeof buf ? buf : malloc(n + 1); /* long digit strings only */
    if (!h) return false;
    memcpy(h, s, n), h[n] = '\0';
    if (n && strchr("fFdD", h[n - 1])) h[n - 1] = '\0';
    *out = strtod(h, NULL);
    if (h != buf) free(h);
    return true;
}

bool sp_sql_scan_double(const char *s, size_t n, double *out)
{
    return sp_sql_scan_double_simple(s, n, out) || general_double(s, n, out);
}

bool sp_sql_scan_float(const char *s, size_t n, float *out)
{
    dec_parts p;
    double d;
    if (special(&s, &n, &d)) return *out = (float)d, true;
    if (!split_number(s, n, &p)) return false;
    if (!p.dropped && p.m < (1u << 24) && p.exp10 >= -10 && p.exp10 <= 10) {
        float f = (float)p.m, e = (float)sp_sql_pow10_exact[p.exp10 < 0 ? -p.exp10 : p.exp10];
        f = p.exp10 < 0 ? f / e : f * e;
        *out = p.neg ? -f : f;
        return true;
    }
    char buf[512], *h = n < sizeof buf ? buf : malloc(n + 1);
    if (!h) return false;
    memcpy(h, s, n), h[n] = '\0';
    if (n && strchr("fFdD", h[n - 1])) h[n - 1] = '\0';
    *out = strtof(h, NULL);
    if (h != buf) free(h);
    return true;
}

/* ---- new BigDecimal(s).setScale(scale, HALF_UP) ---- */

typedef unsigned __int128 u128;

static u128 pow10_u128(int k)
{
    u128 r = 1;
    while (k-- > 0)
        r *= 10;
    return r;
}

/* Checks BigDecimal's syntax; counts the digits, those after the point, and
 * reads the exponent. */
static bool dec_syntax(const char *s, size_t n, bool commas, bool *neg, int64_t *ndig,
                       int64_t *nfrac, int64_t *exp)
{
    size_t i = 0;
    bool point = false;
    *neg = false, *ndig = *nfrac = *exp = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) *neg = s[i++] == '-';
    for (; i < n; i++) {
        if (commas && s[i] == ',') continue;
        if ((unsigned)(s[i] - '0') <= 9) {
            (*ndig)++, *nfrac += point;
        } else if (s[i] == '.' && !point)
            point = true;
        else
            break;
    }
    if (!*ndig) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i == n) return false;
        for (; i < n && (unsigned)(s[i] - '0') <= 9; i++)
            if (*exp < 1000000000) *exp = *exp * 10 + (s[i] - '0');
        if (eneg) *exp = -*exp;
    }
    return i == n;
}

bool sp_sql_scan_decimal(const char *s, size_t n, bool strip_commas, int precision, int scale,
                         uint64_t *lo, int64_t *hi)
{
    bool neg;
    int64_t ndig, nfrac, exp;
    if (!dec_syntax(s, n, strip_commas, &neg, &ndig, &nfrac, &exp)) return false;
    int64_t k = exp - nfrac + scale; /* unscaled = digits * 10^k */
    int64_t keep = k < 0 ? ndig + k : ndig;
    u128 v = 0, limit = pow10_u128(precision);
    int64_t seen = 0;
    int round = 0;
    for (size_t i = 0; i < n && seen < ndig; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9) continue;
        if (seen < keep) {
            v = v * 10 + d;
            if (v >= limit) return false;
        } else if (seen == keep)
            round = d >= 5;
        seen++;
    }
    v += (u128)round;
    for (; k > 0 && v; k--) {
        v *= 10;
        if (v >= limit) return false;
    }
    if (v >= limit) return false;
    if (neg) v = (u128)0 - v;
    *lo = (uint64_t)v;
    *hi = (int64_t)(uint64_t)(v >> 64);
    return true;
}
