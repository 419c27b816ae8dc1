/* java_num.c - Double.toString, Float.toString and BigDecimal.toPlainString
 * (java_num.h).
 *
 * The digits: for p = 1, 2, ... significant digits, printf's correctly
 * rounded %.*e of the value, read back with strtod (strtof for a float);
 * the first p whose decimal reads back is the shortest length. Where the
 * rounding interval is lopsided (at a power of two) the rounded p-digit
 * decimal can miss it while its neighbour one unit away hits it, so the
 * neighbours are tried too. With one digit, Java takes the closest decimal
 * of one or two digits: the rounded two-digit decimal when it reads back. */
#include "sql/java_num.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct digits {
    char d[24]; /* significant digits, no NUL needed past n */
    int n;      /* how many */
    int exp;    /* value = d[0].d[1..n) x 10^exp */
} digits;

/* Does d read back as v (> 0)? Any thread. */
static bool reads_back(const digits *g, double v, bool is_float)
{
    char s[48];
    int k = 0;
    s[k++] = g->d[0];
    s[k++] = '.';
    for (int i = 1; i < g->n; i++)
        s[k++] = g->d[i];
    if (g->n == 1) s[k++] = '0';
    snprintf(s + k, sizeof s - (size_t)k, "e%d", g->exp);
    if (is_float) return strtof(s, NULL) == (float)v;
    return strtod(s, NULL) == v;
}

/* v > 0 rounded to p significant digits. */
static void rounded(double v, int p, digits *g)
{
    char s[48];
    snprintf(s, sizeof s, "%.*e", p - 1, v);
    int k = 0;
    for (const char *c = s; *c && *c != 'e'; c++)
        if (*c != '.') g->d[k++] = *c;
    g->n = k;
    g->exp = atoi(strchr(s, 'e') + 1);
}

/* g moved by one unit in its last place (up or down), keeping n digits. */
static void step(digits *g, bool up)
{
    int i = g->n - 1;
    if (up) {
        while (i >= 0 && g->d[i] == '9')
            g->d[i--] = '0';
        if (i >= 0) {
            g->d[i]++;
        } else { /* 99 -> 100: one more power of ten */
            g->d[0] = '1';
            g->exp++;
        }
        return;
    }
    while (i >= 0 && g->d[i] == '0')
        g->d[i--] = '9';
    g->d[i]--;
    if (g->d[0] == '0') { /* 100 -> 099 -> 990 one power lower */
        memmove(g->d, g->d + 1, (size_t)g->n - 1);
        g->d[g->n - 1] = '0';
        g->exp--;
    }
}

/* The shortest digits of v > 0 (finite) as Java chooses them. */
static void shortest(double v, bool is_float, digits *out)
{
    int max = is_float ? 9 : 17;
    for (int p = 1; p <= max; p++) {
        rounded(v, p, out);
        if (reads_back(out, v, is_float)) {
            if (p == 1) {
                digits two;
                rounded(v, 2, &two);
                if (reads_back(&two, v, is_float)) *out = two;
            }
            break;
        }
        if (p == max) break;
        digits up = *out, down = *out;
        step(&up, true);
        step(&down, false);
        if (reads_back(&up, v, is_float)) {
            *out = up;
            break;
        }
        if (reads_back(&down, v, is_float)) {
            *out = down;
            break;
        }
    }
    while (out->n > 1 && out->d[out->n - 1] == '0')
        out->n--;
}

/* Writes g in Java's notation: plain between 1.0E-3 and 1.0E7, else
 * d.dddE[-]n; at least one fractional digit either way. */
static size_t put_java(const digits *g, bool neg, char *out)
{
    size_t k = 0;
    if (neg) out[k++] = '-';
    if (g->exp >= -3 && g->exp < 7) {
        if (g->exp < 0) {
            out[k++] = '0';
            out[k++] = '.';
            for (int i = -1; i > g->exp; i--)
                out[k++] = '0';
            for (int i = 0; i < g->n; i++)
                out[k++] = g->d[i];
        } else {
            for (int i = 0; i <= g->exp; i++)
                out[k++] = i < g->n ? g->d[i] : '0';
            out[k++] = '.';
            if (g->n <= g->exp + 1) out[k++] = '0';
            for (int i = g->exp + 1; i < g->n; i++)
                out[k++] = g->d[i];
        }
        out[k] = '\0';
        return k;
    }
    out[k++] = g->d[0];
    out[k++] = '.';
    if (g->n == 1) out[k++] = '0';
    for (int i = 1; i < g->n; i++)
        out[k++] = g->d[i];
    k += (size_t)snprintf(out + k, SP_SQL_JAVA_NUM_MAX - k, "E%d", g->exp);
    return k;
}

/* NaN, infinities and zeros; the others through shortest + put_java. */
static size_t java_str(double v, bool is_float, char *out)
{
    const char *s = NULL;
    if (isnan(v))
        s = "NaN";
    else if (isinf(v))
        s = v > 0 ? "Infinity" : "-Infinity";
    else if (v == 0)
        s = signbit(v) ? "-0.0" : "0.0";
    if (s) {
        strcpy(out, s);
        return strlen(s);
    }
    digits g;
    shortest(fabs(v), is_float, &g);
    return put_java(&g, v < 0, out);
}

int sp_sql_java_double_digits(double v, char out[24], int *exp10)
{
    digits g;
    shortest(v, false, &g);
    memcpy(out, g.d, (size_t)g.n);
    out[g.n] = '\0';
    *exp10 = g.exp;
    return g.n;
}

size_t sp_sql_java_double_str(double d, char out[SP_SQL_JAVA_NUM_MAX])
{
    return java_str(d, false, out);
}

size_t sp_sql_java_float_str(float f, char out[SP_SQL_JAVA_NUM_MAX])
{
    return java_str((double)f, true, out);
}

size_t sp_sql_decimal_plain_str(uint64_t lo, int64_t hi, int scale, char out[SP_SQL_JAVA_NUM_MAX])
{
    __extension__ typedef unsigned __int128 u128;
    u128 u = ((u128)(uint64_t)hi << 64) | lo;
    bool neg = hi < 0;
    if (neg) u = ~u + 1;
    char tmp[48];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    size_t k = 0;
    if (neg) out[k++] = '-';
    if (scale > 0 && n <= scale) {
        out[k++] = '0';
        out[k++] = '.';
        for (int i = n; i < scale; i++)
            out[k++] = '0';
    }
    for (int i = n - 1; i >= 0; i--) {
        out[k++] = tmp[i];
        if (i == scale && scale > 0 && n > scale) out[k++] = '.';
    }
    out[k] = '\0';
    return k;
}
