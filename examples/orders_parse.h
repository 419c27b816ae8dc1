/* orders_parse.h - parses the stock-orders lines of the dashboard example
 * (Spark in Action, ch. 6) into typed tuples, as the book's flatMap does:
 *
 *   val orders = filestream.flatMap(line => {
 *     val dateFormat = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss")
 *     val s = line.split(",")
 *     try {
 *       assert(s(6) == "B" || s(6) == "S")
 *       List(Order(new Timestamp(dateFormat.parse(s(0)).getTime()), s(1).toLong,
 *                  s(2).toLong, s(3), s(4).toInt, s(5).toDouble, s(6) == "B"))
 *     } catch { case e: Throwable => println("Wrong line format (" + e + "): " + line); List() }
 *   })
 *
 * Header-only (static inline) so examples and benchmarks include it directly:
 *
 *   #include "orders_parse.h"
 *   spate_stream *orders = spate_stream_flat_map(lines, orders_parse_fn, NULL);
 *
 * An order is a 7-tuple (ORDER_TIME..ORDER_BUY below):
 *   (Timestamp time, Long orderId, Long clientId, String symbol, Int amount,
 *    Double price, Boolean buy)
 * The symbol is a slice of the input line (no copy): valid as long as the line,
 * i.e. until the batch ends.
 *
 * Semantics follow the Scala code: fields are split on ',' (extra fields after
 * the seventh are ignored, as s(7) is never read); numbers follow
 * Long.parseLong / Integer.parseInt (optional sign, digits, range-checked);
 * the price follows Double.parseDouble (blanks trimmed, exponents, NaN,
 * Infinity, a trailing d/f); the time follows a lenient SimpleDateFormat
 * "yyyy-MM-dd HH:mm:ss" in the local time zone: each number may have any
 * count of digits, out-of-range values roll over (month 13 is January of the
 * next year) and text after the seconds is ignored.
 *
 * Speed: on x86-64 the usual line takes a fast path without a loop over its
 * bytes (SSE2 and 64-bit SWAR, below); any other line, and every line
 * elsewhere, takes one byte-by-byte pass with no library calls. Both cache the
 * date's hour per thread (the local-time offset is looked up per hour of
 * wall-clock time: mktime only on a miss), and prices with up to 15
 * significant digits are exact from one integer and one division by a power
 * of ten (Clinger's fast path, correctly rounded).
 * Thread-safe: callbacks may run on several executor threads at once. */
#ifndef SPATE_EXAMPLES_ORDERS_PARSE_H
#define SPATE_EXAMPLES_ORDERS_PARSE_H

#include <spate/spate.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The elements of an order tuple. */
enum {
    ORDER_TIME,   /* SPATE_TIMESTAMP, ms since the epoch */
    ORDER_ID,     /* SPATE_I64 */
    ORDER_CLIENT, /* SPATE_I64 */
    ORDER_SYMBOL, /* SPATE_STR, borrowed from the line */
    ORDER_AMOUNT, /* SPATE_I64 (an Int: -2^31..2^31-1) */
    ORDER_PRICE,  /* SPATE_F64 */
    ORDER_BUY,    /* SPATE_BOOL: true for "B", false for "S" */
    ORDER_NFIELDS
};

typedef struct orders_rec {
    int64_t time_ms;
    int64_t order_id;
    int64_t client_id;
    const char *symbol;
    size_t symbol_len;
    int64_t amount;
    double price;
    bool buy;
} orders_rec;

/* ---- time ---------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * algorithm); m in 1..12. */
static inline int64_t orders_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The local zone's offset (seconds east of UTC) in force at naive wall-clock
 * time `naive` (seconds counted as if UTC), cached per wall-clock hour per
 * thread. DST changes happen on hour boundaries in nearly every zone. */
static inline int64_t orders_local_offset(int64_t naive)
{
    static _Thread_local int64_t cached_hour = INT64_MIN, cached_off;
    int64_t hour = naive >= 0 ? naive / 3600 : -((-naive + 3599) / 3600);
    if (hour == cached_hour) return cached_off;
    time_t t = (time_t)(hour * 3600);
    struct tm tm;
    gmtime_r(&t, &tm); /* the wall-clock fields of that hour */
    tm.tm_isdst = -1;
    time_t local = mktime(&tm);
    cached_off = local == (time_t)-1 ? 0 : hour * 3600 - (int64_t)local;
    cached_hour = hour;
    return cached_off;
}

/* Wall-clock fields (lenient: out-of-range values roll over) to epoch ms. */
static inline int64_t orders_local_ms(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi,
                                      int64_t s)
{
    int64_t m0 = mo - 1;
    y += m0 >= 0 ? m0 / 12 : -((-m0 + 11) / 12);
    m0 -= (m0 >= 0 ? m0 / 12 : -((-m0 + 11) / 12)) * 12;
    int64_t naive = (orders_days_from_civil(y, m0 + 1, 1) + d - 1) * 86400 + h * 3600 + mi * 60 + s;
    return (naive - orders_local_offset(naive)) * 1000;
}

static inline bool orders_is_digit(char c) { return (unsigned char)(c - '0') < 10; }

static inline int64_t orders_digits(const char *p, int n)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* The general (lenient) date path: six numbers separated by "-", "-", " ",
 * ":", ":"; anything after the seconds is ignored. The year has at most 6
 * digits and the other fields at most 9, which keeps every result within
 * int64 milliseconds (longer numbers make the line malformed). */
static inline bool orders_parse_time_slow(const char *p, size_t n, int64_t *ms)
{
    static const char seps[6] = {'-', '-', ' ', ':', ':', '\0'};
    int64_t v[6];
    size_t i = 0;
    for (int f = 0; f < 6; f++) {
        size_t start = i;
        while (i < n && orders_is_digit(p[i]))
            i++;
        if (i == start || i - start > (f == 0 ? 6u : 9u)) return false;
        v[f] = orders_digits(p + start, (int)(i - start));
        if (f < 5) {
            if (i >= n || p[i] != seps[f]) return false;
            i++;
        }
    }
    *ms = orders_local_ms(v[0], v[1], v[2], v[3], v[4], v[5]);
    return true;
}

/* The fixed layout "dddd-dd-dd dd:dd:dd" (19 bytes) with minutes and seconds
 * in range, to epoch ms. A thread-local cache remembers the last
 * "yyyy-MM-dd HH" seen and the epoch ms of that hour, so orders of the same
 * hour need only the minutes and seconds. */
static inline bool orders_parse_time_fixed(const char *p, int64_t *ms)
{
    static _Thread_local char cached[13];
    static _Thread_local int64_t cached_ms = INT64_MIN;
    if (p[13] != ':' || p[16] != ':' || !orders_is_digit(p[14]) || !orders_is_digit(p[15]) ||
        !orders_is_digit(p[17]) || !orders_is_digit(p[18]))
        return false;
    int64_t mi = (p[14] - '0') * 10 + (p[15] - '0'), s = (p[17] - '0') * 10 + (p[18] - '0');
    if (mi > 59 || s > 59) return false;
    if (cached_ms == INT64_MIN || memcmp(p, cached, 13) != 0) {
        static const unsigned char pos[10] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12};
        for (int i = 0; i < 10; i++)
            if (!orders_is_digit(p[pos[i]])) return false;
        if (p[4] != '-' || p[7] != '-' || p[10] != ' ') return false;
        cached_ms = orders_local_ms(orders_digits(p, 4), orders_digits(p + 5, 2),
                                    orders_digits(p + 8, 2), orders_digits(p + 11, 2), 0, 0);
        memcpy(cached, p, 13);
    }
    *ms = cached_ms + (mi * 60 + s) * 1000;
    return true;
}

/* "yyyy-MM-dd HH:mm:ss" in local time to epoch ms (the field p[0..n)). */
static inline bool orders_parse_time(const char *p, size_t n, int64_t *ms)
{
    if ((n == 19 || (n > 19 && !orders_is_digit(p[19]))) && orders_parse_time_fixed(p, ms))
        return true;
    return orders_parse_time_slow(p, n, ms);
}

/* ---- numbers ------------------------------------------------------------- */

/* Long.parseLong / Integer.parseInt of p[0..n): [+-]digits within [min, max]. */
static inline bool orders_parse_int(const char *p, size_t n, int64_t min, int64_t max, int64_t *out)
{
    bool neg = false;
    size_t i = 0;
    if (n > 0 && (p[0] == '-' || p[0] == '+')) {
        neg = p[0] == '-';
        i = 1;
    }
    if (i == n) return false;
    uint64_t v = 0, limit = neg ? (uint64_t)(-(min + 1)) + 1 : (uint64_t)max;
    for (; i < n; i++) {
        unsigned d = (unsigned char)(p[i] - '0');
        if (d > 9 || v > (limit - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* Double.parseDouble's other forms: blanks, exponents, NaN, Infinity, a d/f
 * suffix. Hexadecimal and C's "inf"/"nan" spellings are refused. */
static inline bool orders_parse_double_slow(const char *p, size_t n, double *out)
{
    while (n > 0 && (unsigned char)p[0] <= ' ')
        p++, n--;
    while (n > 0 && (unsigned char)p[n - 1] <= ' ')
        n--;
    char buf[64];
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    const char *body = buf + (buf[0] == '+' || buf[0] == '-');
    if (!strcmp(body, "NaN") || !strcmp(body, "Infinity")) {
        *out = body[0] == 'N' ? NAN : buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (strchr("fFdD", buf[n - 1])) buf[--n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!orders_is_digit(buf[i]) && !strchr(".eE+-", buf[i])) return false;
    char *end;
    *out = strtod(buf, &end);
    return n > 0 && *end == '\0' && end != buf;
}

/* Double.parseDouble of p[0..n). */
static inline bool orders_parse_double(const char *p, size_t n, double *out)
{
    static const double pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = 0, digits = 0, frac = 0;
    bool neg = n > 0 && p[0] == '-';
    if (n > 0 && (p[0] == '-' || p[0] == '+')) i = 1;
    uint64_t m = 0;
    for (; i < n && orders_is_digit(p[i]); i++, digits++)
        m = m * 10 + (uint64_t)(p[i] - '0');
    if (i < n && p[i] == '.') {
        for (i++; i < n && orders_is_digit(p[i]); i++, frac++)
            m = m * 10 + (uint64_t)(p[i] - '0');
    }
    if (i != n || digits + frac == 0 || digits + frac > 15)
        return orders_parse_double_slow(p, n, out);
    double v = (double)(int64_t)m / pow10[frac]; /* both exact: one rounding */
    *out = neg ? -v : v;
    return true;
}

/* ---- lines --------------------------------------------------------------- */

/* The end of the field at p: the next ',' or end. */
static inline const char *orders_field_end(const char *p, const char *end)
{
    while (p < end && *p != ',')
        p++;
    return p;
}

/* An integer field at *p ending with ',': parsed inline for up to 18 digits,
 * through orders_parse_int otherwise. Moves *p past the comma. */
static inline bool orders_int_field(const char **pp, const char *end, int64_t min, int64_t max,
                                    int64_t *out)
{
    const char *p = *pp, *start = p;
    uint64_t v = 0;
    while (p < end && orders_is_digit(*p))
        v = v * 10 + (uint64_t)(*p++ - '0');
    if (p < end && *p == ',' && p > start && p - start <= 18 && v <= (uint64_t)max) {
        *out = (int64_t)v;
        *pp = p + 1;
        return true;
    }
    p = orders_field_end(p, end);
    if (p == end || !orders_parse_int(start, (size_t)(p - start), min, max, out)) return false;
    *pp = p + 1;
    return true;
}

/* The price field at *p ending with ',': "units.cents" parsed inline (up to
 * 15 digits, one correctly rounded division), anything else through
 * orders_parse_double. Moves *p past the comma. */
static inline bool orders_price_field(const char **pp, const char *end, double *out)
{
    static const double pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char *p = *pp, *start = p, *dot = NULL;
    uint64_t m = 0; /* wraps for long numbers, which take the other path */
    while (p < end && orders_is_digit(*p))
        m = m * 10 + (uint64_t)(*p++ - '0');
    if (p < end && *p == '.') {
        dot = p++;
        while (p < end && orders_is_digit(*p))
            m = m * 10 + (uint64_t)(*p++ - '0');
    }
    ptrdiff_t frac = dot ? p - dot - 1 : 0, digits = (p - start) - (dot != NULL);
    if (p < end && *p == ',' && digits > 0 && digits <= 15) {
        *out = (double)(int64_t)m / pow10[frac];
        *pp = p + 1;
        return true;
    }
    p = orders_field_end(p, end);
    if (p == end || !orders_parse_double(start, (size_t)(p - start), out)) return false;
    *pp = p + 1;
    return true;
}

/* Parses one line (without its newline) in one pass, byte by byte: any line.
 * False when it is malformed: fewer than seven fields or a field that does not
 * parse. Fields after the seventh are not looked at (Scala never reads s(7)). */
static inline bool orders_parse_line_general(const char *line, size_t len, orders_rec *o)
{
    const char *p = line, *end = line + len, *f;
    if (len > 19 && p[19] == ',' && orders_parse_time_fixed(p, &o->time_ms)) {
        p += 20; /* the usual case: no need to look for the comma */
    } else {
        f = p;
        p = orders_field_end(p, end);
        if (p == end || !orders_parse_time(f, (size_t)(p - f), &o->time_ms)) return false;
        p++;
    }
    if (!orders_int_field(&p, end, INT64_MIN, INT64_MAX, &o->order_id) ||
        !orders_int_field(&p, end, INT64_MIN, INT64_MAX, &o->client_id))
        return false;
    o->symbol = p;
    p = orders_field_end(p, end);
    o->symbol_len = (size_t)(p - o->symbol);
    if (p == end) return false;
    p++;
    if (!orders_int_field(&p, end, INT32_MIN, INT32_MAX, &o->amount)) return false;
    if (!orders_price_field(&p, end, &o->price)) return false;
    if (end - p < 1 || (*p != 'B' && *p != 'S') || (end - p > 1 && p[1] != ',')) return false;
    o->buy = *p == 'B';
    return true;
}

/* ---- the fast path (x86-64) ----------------------------------------------- */

/* The usual line - the fixed date layout, unsigned numbers of at most 16
 * digits, a price of at most 8 characters - is parsed without a loop over its
 * bytes: SSE2 finds the five commas after the date in one 32-byte compare,
 * each number's digits come from one 64-bit load checked 8 at a time (SWAR),
 * and the four numbers are converted two at a time in SSE2 lanes. Every
 * check is a branch that goes the same way on every good line, so the CPU
 * does not mispredict the end of each field as a byte loop does. Whatever the
 * fast path does not recognise (signs, exponents, long fields, malformed
 * lines) it leaves to orders_parse_line_general, the reference: the fast path
 * never decides a line differently (tests/unit/test_orders_parse.c compares
 * the two). Loads stay inside the line: the fast path needs 32 bytes and reads
 * numbers backwards from their end, never before the date. */
#if defined(__SSE2__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <emmintrin.h>
#define ORDERS_HAVE_FAST_PATH 1

#define ORDERS_ONES 0x0101010101010101ULL

static inline uint64_t orders_load8(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

/* The high n bytes of a word (n = 0..8). */
static const uint64_t orders_high_bytes[9] = {0,
                                              0xFF00000000000000ULL,
                                              0xFFFF000000000000ULL,
                                              0xFFFFFF0000000000ULL,
                                              0xFFFFFFFF00000000ULL,
                                              0xFFFFFFFFFF000000ULL,
                                              0xFFFFFFFFFFFF0000ULL,
                                              0xFFFFFFFFFFFFFF00ULL,
                                              0xFFFFFFFFFFFFFFFFULL};

/* The n (0..8) bytes ending at e as values 0..9 when they are digits, in the
 * high bytes of the result (memory order: the first one lowest); the low
 * 8 - n bytes are 0, which read as leading zeros. Loads the 8 bytes ending at
 * e: the caller knows they are in the line. */
static inline uint64_t orders_digit_bytes(const char *e, size_t n)
{
    return (orders_load8(e - 8) ^ (ORDERS_ONES * '0')) & orders_high_bytes[n];
}

/* Bit 7 is set in some byte of the result when a byte of t is over 9 (adding
 * 0x76 carries it there; bytes over 0x7F have it already). A line ORs these
 * for all its numbers and tests them once (orders_digits_ok). */
static inline uint64_t orders_not_digits(uint64_t t) { return (t + ORDERS_ONES * 0x76) | t; }
static inline bool orders_digits_ok(uint64_t bad) { return (bad & (ORDERS_ONES * 0x80)) == 0; }

/* The 8 digits of t (bytes 0..9, the first lowest) as a number. */
static inline uint64_t orders_swar_value(uint64_t t)
{
    t = t * 10 + (t >> 8); /* even bytes: pairs of digits */
    return (((t & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
            (((t >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
           32;
}

/* Two digit words (see orders_digit_bytes) as numbers at once, in SSE2's two
 * 64-bit lanes: pairs of digits (16-bit lanes), fours (pmaddwd), eights. */
static inline void orders_swar_value2(uint64_t a, uint64_t b, uint64_t *va, uint64_t *vb)
{
    __m128i v = _mm_set_epi64x((long long)b, (long long)a);
    __m128i pairs =
        _mm_add_epi16(_mm_mullo_epi16(_mm_and_si128(v, _mm_set1_epi16(0xFF)), _mm_set1_epi16(10)),
                      _mm_srli_epi16(v, 8));
    __m128i fours = _mm_madd_epi16(pairs, _mm_set1_epi32(0x00010064)); /* 100 * p0 + p1 */
    __m128i eights =
        _mm_add_epi64(_mm_mul_epu32(fours, _mm_set1_epi32(10000)), _mm_srli_epi64(fours, 32));
    *va = (uint64_t)_mm_cvtsi128_si64(eights);
    *vb = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(eights, eights));
}

/* An unsigned integer field [s, e) of 1..16 digits: its last 8 (or fewer)
 * digits as a digit word in *lo, the value of the digits before them in *hi
 * (0 when there are none); non-digits go to *bad (and the line is refused).
 * False when the field is empty or longer than 16. */
static inline bool orders_int_digits(const char *s, const char *e, uint64_t *lo, uint64_t *hi,
                                     uint64_t *bad)
{
    size_t n = (size_t)(e - s);
    if (n - 1 < 8) {
        *lo = orders_digit_bytes(e, n);
        *hi = 0;
        *bad |= orders_not_digits(*lo);
        return true;
    }
    if (n - 9 >= 8) return false;
    uint64_t h = orders_digit_bytes(e - 8, n - 8);
    *lo = orders_digit_bytes(e, 8);
    *bad |= orders_not_digits(*lo) | orders_not_digits(h);
    *hi = orders_swar_value(h);
    return true;
}

/* A price field [s, e) of 1..8 characters - digits, or digits '.' digits -
 * as the digit word of all its digits (*t) and the count after the dot
 * (*nf), or false; non-digits go to *bad. The price is then that integer
 * divided by 10^nf: both exact, one rounding, as in orders_price_field. */
static inline bool orders_price_digits(const char *s, const char *e, uint64_t *t, size_t *nf,
                                       uint64_t *bad)
{
    size_t n = (size_t)(e - s);
    if (n - 1 >= 8) return false;
    uint64_t x = orders_load8(e - 8) ^ (ORDERS_ONES * '0'), w = x & orders_high_bytes[n];
    uint64_t d = w ^ (ORDERS_ONES * ('.' ^ '0')); /* '.' bytes become 0 */
    uint64_t dots = ~(((d & (ORDERS_ONES * 0x7F)) + ORDERS_ONES * 0x7F) | d | (ORDERS_ONES * 0x7F));
    *nf = 0;
    if (dots) {
        *nf = 7 - (size_t)(63 - __builtin_clzll(dots)) / 8;
        if (*nf - 1 >= n - 2) return false; /* "5." and ".5": not 1 <= nf <= n - 2 */
        /* close the dot's gap: the integer digits move up one byte */
        uint64_t frac = orders_high_bytes[*nf];
        w = ((x & frac) | ((x << 8) & ~frac)) & orders_high_bytes[n - 1];
    }
    *bad |= orders_not_digits(w); /* a second dot, a sign, a letter */
    *t = w;
    return true;
}

/* The fixed date layout, as orders_parse_time_fixed, with the hour cached by
 * its 13 bytes compared as two words and minutes and seconds read from one. */
static inline bool orders_fast_time(const char *p, int64_t *ms)
{
    static _Thread_local uint64_t cached_a, cached_b; /* p[0..8), p[5..13) */
    static _Thread_local int64_t cached_ms = INT64_MIN;
    uint64_t t = orders_load8(p + 11) ^ (ORDERS_ONES * '0'); /* "HH:mm:ss" */
    if ((t & 0x0000FF0000FF0000ULL) != (0x0000FF0000FF0000ULL & (ORDERS_ONES * (':' ^ '0'))) ||
        !orders_digits_ok(orders_not_digits(t & 0xFFFF00FFFF000000ULL)))
        return false;
    uint64_t pairs = t * 10 + (t >> 8); /* byte 3: minutes, byte 6: seconds */
    int64_t mi = (int64_t)((pairs >> 24) & 0xFF), sec = (int64_t)((pairs >> 48) & 0xFF);
    if ((mi > 59) | (sec > 59)) return false;
    uint64_t a = orders_load8(p), b = orders_load8(p + 5);
    if (a != cached_a || b != cached_b || cached_ms == INT64_MIN) {
        int64_t full;
        if (!orders_parse_time_fixed(p, &full)) return false;
        cached_ms = full - (mi * 60 + sec) * 1000;
        cached_a = a;
        cached_b = b;
    }
    *ms = cached_ms + (mi * 60 + sec) * 1000;
    return true;
}

/* Bit i set when p[i] is ',' (32 bytes from p). */
static inline uint32_t orders_commas32(const char *p)
{
    const __m128i comma = _mm_set1_epi8(',');
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, comma)) |
           (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, comma)) << 16;
}

/* The usual line in one go: true with *o filled, false when the general path
 * must decide (which includes every malformed line). */
static inline bool orders_parse_line_fast(const char *line, size_t len, orders_rec *o)
{
    if (len < 32 || line[19] != ',' || !orders_fast_time(line, &o->time_ms)) return false;
    /* The 32 bytes from offset 20, or the last 32 of a shorter line with the
     * date's bytes masked off. */
    size_t base = len >= 52 ? 20 : len - 32;
    uint32_t m0 = orders_commas32(line + base) & (~0U << (20 - base));
    uint32_t m1 = m0 & (m0 - 1), m2 = m1 & (m1 - 1), m3 = m2 & (m2 - 1), m4 = m3 & (m3 - 1);
    if (!m4) return false; /* fewer than five commas */
    const char *b = line + base, *end = line + len;
    const char *c[5] = {b + __builtin_ctz(m0), b + __builtin_ctz(m1), b + __builtin_ctz(m2),
                        b + __builtin_ctz(m3), b + __builtin_ctz(m4)};
    const char *kind = c[4] + 1;
    if (kind >= end || (kind + 1 < end && kind[1] != ',')) return false;
    /* B or S, at random: one test that does not branch on which (compilers
     * turn (k == 'B' || k == 'S') into two jumps, the first mispredicted
     * half the time) */
    int k = (unsigned char)*kind;
    if ((k - 'B') * (k - 'S') != 0) return false;
    static const double pow10[8] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};
    uint64_t bad = 0, id, id_hi, client, client_hi, amount, amount_hi, price;
    size_t nf;
    if (!orders_int_digits(line + 20, c[0], &id, &id_hi, &bad) ||
        !orders_int_digits(c[0] + 1, c[1], &client, &client_hi, &bad) ||
        !orders_int_digits(c[2] + 1, c[3], &amount, &amount_hi, &bad) ||
        !orders_price_digits(c[3] + 1, c[4], &price, &nf, &bad) || !orders_digits_ok(bad))
        return false;
    orders_swar_value2(id, client, &id, &client);
    orders_swar_value2(amount, price, &amount, &price);
    o->amount = (int64_t)(amount_hi * 100000000 + amount); /* below 10^16 */
    if (o->amount > INT32_MAX) return false;
    o->order_id = (int64_t)(id_hi * 100000000 + id);
    o->client_id = (int64_t)(client_hi * 100000000 + client);
    o->price = (double)(int64_t)price / pow10[nf];
    o->symbol = c[1] + 1;
    o->symbol_len = (size_t)(c[2] - c[1] - 1);
    o->buy = k == 'B';
    return true;
}
#endif

/* Parses one line (without its newline): the fast path when it applies, the
 * general one otherwise. False when the line is malformed. */
static inline bool orders_parse_line(const char *line, size_t len, orders_rec *o)
{
#ifdef ORDERS_HAVE_FAST_PATH
    if (orders_parse_line_fast(line, len, o)) return true;
#endif
    return orders_parse_line_general(line, len, o);
}

/* The order as a 7-tuple in arena a (the symbol borrows the line's bytes). */
static inline spate_value orders_to_value(spate_arena *a, const orders_rec *o)
{
    spate_value *it = (spate_value *)spate_arena_alloc(a, ORDER_NFIELDS * sizeof(spate_value));
    it[ORDER_TIME] = spate_timestamp(o->time_ms);
    it[ORDER_ID] = spate_i64(o->order_id);
    it[ORDER_CLIENT] = spate_i64(o->client_id);
    it[ORDER_SYMBOL] = spate_str(o->symbol, o->symbol_len);
    it[ORDER_AMOUNT] = spate_i64(o->amount);
    it[ORDER_PRICE] = spate_f64(o->price);
    it[ORDER_BUY] = spate_bool(o->buy);
    spate_value v = {SPATE_TUPLE, ORDER_NFIELDS, {.items = it}};
    return v;
}

/* flatMap callback: a line (SPATE_STR) -> its order tuple, or nothing for a
 * malformed line, which is reported as a bad record ("Wrong line format"). */
static inline void orders_parse_fn(spate_task *t, spate_value line, spate_sink *out, void *ud)
{
    (void)ud;
    orders_rec o;
    if (line.type == SPATE_STR && orders_parse_line(line.u.s, line.len, &o))
        spate_sink_push(out, orders_to_value(spate_task_arena(t), &o));
    else
        spate_task_bad_record(t, "Wrong line format", line);
}

#endif
