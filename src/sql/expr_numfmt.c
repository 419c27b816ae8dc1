/* expr_numfmt.c - numbers as Spark prints them: Java's Double.toString and
 * Float.toString (JDK 19+: the shortest decimal of at least two digits that
 * reads back to the same value, the closest such; plain between 1e-3 and
 * 1e7, else "d.dddE[-]n"), decimals as plain strings, and the 128-bit
 * decimal helpers (powers of ten, precision checks, HALF_UP/HALF_EVEN
 * rescaling). Pure functions; any thread. */
#include "sql/expr_int.h"
#include "sql/java_num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The printing itself is java_num.c's (also show()'s); these keep the
 * expression kernels' names. */
size_t sp_sql_format_double(double d, char *out) { return sp_sql_java_double_str(d, out); }
size_t sp_sql_format_float(float f, char *out) { return sp_sql_java_float_str(f, out); }

size_t sp_sql_format_decimal(sp_i128 v, int scale, char *out)
{
    return sp_sql_decimal_plain_str((uint64_t)v, (int64_t)(v >> 64), scale, out);
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
    int e, n = sp_sql_java_double_digits(fabs(x), d, &e);
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
