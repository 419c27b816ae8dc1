/* format.c - spate_value as Scala's toString prints it.
 *
 *   (a,b)  List(1, 2)  Array(1, 2)  Some(x)  None  null  true  42  1.0E7
 *   2016-03-22 20:25:28.0 (java.sql.Timestamp, local time zone)
 *
 * Strings print raw, also inside tuples (Scala prints ("a","b") as (a,b)).
 * Bytes print as Array(104, 105), the bytes signed as Scala's Byte.
 *
 * Doubles follow Java's Double.toString (JDK 19+, which is the shortest
 * decimal that rounds back to the double; older JDKs sometimes printed one
 * digit more, e.g. 0.0020 for 2.0E-3): between 1.0E-3 and 1.0E7 plain notation
 * with at least one fractional digit, otherwise d.dddE[-]n. The digits come
 * from printf's correctly rounded %.*e at the smallest precision that
 * round-trips (a binary search: round-tripping is monotone in the precision),
 * after a fast path that settles doubles of up to 15 significant digits
 * exactly without printf (see fast_digits). No allocation. */
#include <spate/value.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct out {
    char *buf;
    size_t size;
    size_t pos; /* full length so far, may exceed size */
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->pos < o->size) {
        size_t room = o->size - o->pos;
        memcpy(o->buf + o->pos, s, n < room ? n : room);
    }
    o->pos += n;
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

static void put_i64(out *o, int64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    put(o, p, (size_t)(tmp + sizeof tmp - p));
}

/* The shortest digits of d > 0 (finite) with at least lo of them: writes them
 * to digits (no trailing zeros, NUL-terminated) and returns the decimal
 * exponent of the first digit. */
static int shortest_digits(double d, int lo, char digits[20])
{
    char tmp[40], best[40];
    int hi = 17;
    snprintf(best, sizeof best, "%.16e", d); /* 17 digits always read back */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(tmp, sizeof tmp, "%.*e", mid - 1, d);
        if (strtod(tmp, NULL) == d) {
            hi = mid;
            memcpy(best, tmp, sizeof tmp);
        } else {
            lo = mid + 1;
        }
    }
    /* Java picks the closest of the 1- and 2-digit candidates when one digit
     * would do (4.9E-324, not 5.0E-324). */
    if (lo == 1) snprintf(best, sizeof best, "%.1e", d);
    int n = 0;
    char *p = best;
    for (; *p != 'e'; p++)
        if (*p != '.') digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    return atoi(p + 1);
}

/* The fast path for doubles with at most 15 significant digits and a
 * decimal exponent down to about -7 (prices, ratios, averages): the smallest k
 * with round(d * 10^k) / 10^k == d. Both operands of that division are exact
 * (m < 2^53, 10^k exact for k <= 22) and IEEE division rounds correctly, so
 * the test is exactly "the decimal m * 10^-k reads back as d". With at most
 * 15 digits, 10^-k exceeds the width of d's rounding interval, so the decimal
 * found is the only one of its length there: the shortest and the closest,
 * which is what Java prints. Returns 1 when found, 0 when d needs 16 or 17
 * digits, -1 when d is out of this path's range. */
static int fast_digits(double d, char digits[20], int *exp)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (d >= 1e15 || d < 1e-7) return -1;
    for (int k = 0; k <= 22; k++) {
        double p = d * pow10[k];
        if (p >= 1e15) return 0;
        double m = floor(p + 0.5);
        if (m / pow10[k] != d) continue;
        char tmp[24];
        int n = 0;
        for (uint64_t u = (uint64_t)m; u; u /= 10)
            tmp[n++] = (char)('0' + u % 10);
        if (n == 0) return -1;
        *exp = n - 1 - k;
        int len = 0;
        for (int i = n - 1; i >= 0; i--)
            digits[len++] = tmp[i];
        while (len > 1 && digits[len - 1] == '0')
            len--;
        digits[len] = '\0';
        return 1;
    }
    return 0;
}

static void put_zeros(out *o, int n)
{
    static const char zeros[] = "0000000000";
    for (; n > 0; n -= 10)
        put(o, zeros, n < 10 ? (size_t)n : 10);
}

static void put_decimal(out *o, const char *digits, int exp)
{
    int n = (int)strlen(digits);
    if (exp >= 7 || exp < -3) {
        put(o, digits, 1);
        put(o, ".", 1);
        if (n > 1)
            put(o, digits + 1, (size_t)n - 1);
        else
            put(o, "0", 1);
        put(o, "E", 1);
        put_i64(o, exp);
    } else if (exp >= 0) {
        int whole = exp + 1;
        put(o, digits, (size_t)(n < whole ? n : whole));
        put_zeros(o, whole - n);
        put(o, ".", 1);
        if (n > whole)
            put(o, digits + whole, (size_t)(n - whole));
        else
            put(o, "0", 1);
    } else {
        put(o, "0.", 2);
        put_zeros(o, -exp - 1);
        put(o, digits, (size_t)n);
    }
}

static void put_f64(out *o, double d)
{
    if (isnan(d)) {
        puts_(o, "NaN");
        return;
    }
    if (signbit(d)) put(o, "-", 1);
    d = fabs(d);
    if (isinf(d)) {
        puts_(o, "Infinity");
        return;
    }
    if (d == 0) {
        puts_(o, "0.0");
        return;
    }
    if (d < 1e7 && d == floor(d)) {
        put_i64(o, (int64_t)d);
        puts_(o, ".0");
        return;
    }
    char digits[20];
    int exp;
    int fast = fast_digits(d, digits, &exp);
    if (fast <= 0) exp = shortest_digits(d, fast == 0 ? 16 : 1, digits);
    put_decimal(o, digits, exp);
}

/* java.sql.Timestamp.toString: yyyy-mm-dd hh:mm:ss.f (nanos without trailing
 * zeros, ".0" when zero), in the local time zone. */
static void put_timestamp(out *o, int64_t ms)
{
    int64_t secs = ms / 1000, frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        secs--;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    char tmp[64];
    if (!localtime_r(&t, &tm)) {
        put_i64(o, ms);
        return;
    }
    int n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d:%02d.", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (frac == 0) {
        tmp[n++] = '0';
    } else {
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, "%03d", (int)frac);
        while (tmp[n - 1] == '0')
            n--;
    }
    put(o, tmp, (size_t)n);
}

static void put_bytes(out *o, const uint8_t *b, size_t n)
{
    puts_(o, "Array(");
    for (size_t i = 0; i < n; i++) {
        if (i) put(o, ", ", 2);
        put_i64(o, (int8_t)b[i]);
    }
    put(o, ")", 1);
}

static void put_value(out *o, spate_value v);

static void put_items(out *o, const char *open, const char *sep, const spate_value *it, size_t n)
{
    puts_(o, open);
    for (size_t i = 0; i < n; i++) {
        if (i) puts_(o, sep);
        put_value(o, it[i]);
    }
    put(o, ")", 1);
}

static void put_value(out *o, spate_value v)
{
    switch (v.type) {
    case SPATE_NULL:
        puts_(o, "null");
        break;
    case SPATE_NONE:
        puts_(o, "None");
        break;
    case SPATE_BOOL:
        puts_(o, v.u.b ? "true" : "false");
        break;
    case SPATE_I64:
        put_i64(o, v.u.i);
        break;
    case SPATE_F64:
        put_f64(o, v.u.f);
        break;
    case SPATE_STR:
        put(o, v.u.s, v.len);
        break;
    case SPATE_BYTES:
        put_bytes(o, v.u.bytes, v.len);
        break;
    case SPATE_TIMESTAMP:
        put_timestamp(o, v.u.i);
        break;
    case SPATE_TUPLE:
        put_items(o, "(", ",", v.u.items, v.len);
        break;
    case SPATE_LIST:
        put_items(o, "List(", ", ", v.u.items, v.len);
        break;
    case SPATE_ARRAY:
        put_items(o, "Array(", ", ", v.u.items, v.len);
        break;
    case SPATE_SOME:
        put_items(o, "Some(", "", v.u.items, 1);
        break;
    default:
        puts_(o, "<?>");
    }
}

size_t spate_value_format(spate_value v, char *buf, size_t size)
{
    out o = {buf, size, 0};
    put_value(&o, v);
    if (size) buf[o.pos < size ? o.pos : size - 1] = '\0';
    return o.pos;
}

const char *spate_value_to_cstr(spate_arena *a, spate_value v, size_t *len_out)
{
    char small[256];
    size_t n = spate_value_format(v, small, sizeof small);
    char *p = spate_arena_alloc(a, n + 1);
    if (n < sizeof small)
        memcpy(p, small, n + 1);
    else
        spate_value_format(v, p, n + 1);
    if (len_out) *len_out = n;
    return p;
}
