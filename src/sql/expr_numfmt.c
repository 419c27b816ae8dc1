/* expr_numfmt.c - numbers as Spark prints them: Java's Double.toString and
 * Float.toString (JDK 19+: the shortest decimal of at least two digits that
 * reads back to the same value, the closest such; plain between 1e-3 and
 * 1e7, else "d.dddE[-]n"), decimals as plain strings, and the 128-bit
 * decimal helpers (powers of ten, precision checks, HALF_UP/HALF_EVEN
 * rescaling). Pure functions; any thread. */
#include "sql/expr_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes digits (no trailing zeros) and the exponent of x > 0, shortest
 * that reads back through readback; p in [2, maxp]. */
static int shortest_digits(double x, int maxp, bool is_float, char *digits, int *exp10)
{
    char buf[40];
    for (int p = 2; p <= maxp; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, x);
        bool same = is_float ? strtof(buf, NULL) == (float)x : strtod(buf, NULL) == x;
        if (same || p == maxp) break;
    }
    /* buf is "d.ddde[+-]xx" */
    int n = 0;
    for (const char *s = buf; *s && *s != 'e'; s++)
        if (*s != '.') digits[n++] = *s;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *exp10 = atoi(strchr(buf, 'e') + 1);
    return n;
}

static size_t java_format(double x, bool is_float, char *out)
{
    if (isnan(x)) return (size_t)sprintf(out, "NaN");
    if (isinf(x)) return (size_t)sprintf(out, x > 0 ? "Infinity" : "-Infinity");
    char *o = out;
    if (signbit(x)) *o++ = '-';
    x = fabs(x);
    if (x == 0) return (size_t)(o - out) + (size_t)sprintf(o, "0.0");
    char d[24];
    int e, n = shortest_digits(x, is_float ? 9 : 17, is_float, d, &e);
    if (x >= 1e-3 && x < 1e7) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++)
                *o++ = i < n ? d[i] : '0';
            *o++ = '.';
            if (n > e + 1)
                for (int i = e + 1; i < n; i++)
                    *o++ = d[i];
            else
                *o++ = '0';
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -e - 1; i++)
                *o++ = '0';
            for (int i = 0; i < n; i++)
                *o++ = d[i];
        }
        *o = '\0';
        return (size_t)(o - out);
    }
    *o++ = d[0];
    *o++ = '.';
    if (n > 1)
        for (int i = 1; i < n; i++)
            *o++ = d[i];
    else
        *o++ = '0';
    return (size_t)(o - out) + (size_t)sprintf(o, "E%d", e);
}

size_t sp_sql_format_double(double d, char *out) { return java_format(d, false, out); }
size_t sp_sql_format_float(float f, char *out) { return java_format(f, true, out); }

size_t sp_sql_format_decimal(sp_i128 v, int scale, char *out)
{
    char rev[48];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        rev[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (n <= scale)
        rev[n++] = '0';
    char *o = out;
    if (neg) *o++ = '-';
    for (int i = n - 1; i >= 0; i--) {
        *o++ = rev[i];
        if (i == scale && scale > 0) *o++ = '.';
    }
    *o = '\0';
    return (size_t)(o - out);
}

sp_i128 sp_sql_pow10(int k)
{
    sp_i128 p = 1;
    for (int i = 0; i < k; i++)
        p *= 10;
    return p;
}

bool sp_sql_dec_fits(sp_i128 v, int precision)
{
    sp_i128 lim = sp_sql_pow10(precision);
    return v < lim && v > -lim;
}

bool sp_sql_dec_rescale(sp_i128 v, int from, int to, bool half_even, sp_i128 *out)
{
    if (to >= from) {
        if (to - from > 38) return v == 0 ? (*out = 0, true) : false;
        return !__builtin_mul_overflow(v, sp_sql_pow10(to - from), out);
    }
    if (from - to > 38) {
        *out = 0;
        return true;
    }
    sp_i128 p = sp_sql_pow10(from - to), q = v / p, r = v % p;
    sp_i128 ar = r < 0 ? -r : r, rest = p - ar; /* 2 * ar could overflow */
    bool up = half_even ? (ar > rest || (ar == rest && (q & 1))) : ar >= rest;
    if (up) q += v < 0 ? -1 : 1;
    *out = q;
    return true;
}

double sp_sql_round_double(double x, int scale, bool half_even)
{
    if (!isfinite(x) || x == 0) return x;
    char d[24], buf[48];
    int e, n = shortest_digits(fabs(x), 17, false, d, &e);
    int keep = e + 1 + scale; /* digits kept from the first */
    if (keep >= n) return x;
    if (keep < 0) return copysign(0.0, x);
    bool up = d[keep] > '5' || (d[keep] == '5' && !half_even);
    if (half_even && d[keep] == '5') {
        bool rest = false;
        for (int i = keep + 1; i < n; i++)
            rest = rest || d[i] != '0';
        up = rest || (keep > 0 && ((d[keep - 1] - '0') & 1));
    }
    int exp10 = e + 1;
    for (int i = keep - 1; up && i >= 0; i--) {
        up = d[i] == '9';
        d[i] = up ? '0' : (char)(d[i] + 1);
    }
    if (up) { /* carried past the first digit: 0.999 -> 1.000 */
        memmove(d + 1, d, (size_t)keep);
        d[0] = '1';
        keep++;
        exp10++;
    }
    d[keep ? keep : 0] = '\0';
    if (!keep) return copysign(0.0, x);
    snprintf(buf, sizeof buf, "%s0.%se%d", x < 0 ? "-" : "", d, exp10);
    return strtod(buf, NULL);
}
