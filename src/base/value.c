/* value.c - constructors, copies, conversions, equality, hashing and ordering
 * of spate_value (see include/spate/value.h). Formatting is in format.c.
 *
 * Equality is structural and requires the same type: the Long 1 and the Double
 * 1.0 are different keys (as Spark's hash-based operators see 1L and 1.0 with
 * different hashCodes). Doubles compare by value, except that NaN equals NaN
 * and -0.0 equals 0.0 so that every double is usable as a key. The order puts
 * numbers (i64 and f64) together by value, ties broken by type so that
 * cmp == 0 exactly when eq; NaN sorts after every other number (as Java's
 * Double.compare). */
#include <spate/value.h>

#include "base/arena.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

spate_value spate_cstr(const char *s) { return spate_str(s, strlen(s)); }

spate_value spate_str_copy(spate_arena *a, const char *s, size_t len)
{
    char *p = spate_arena_alloc(a, len + 1);
    if (len) memcpy(p, s, len);
    p[len] = '\0';
    return spate_str(p, len);
}

spate_value spate_bytes_copy(spate_arena *a, const void *p, size_t len)
{
    spate_value v = {SPATE_BYTES, (uint32_t)len, {.bytes = sp_arena_memdup(a, p, len)}};
    return v;
}

static spate_value items_of(spate_arena *a, uint8_t type, const spate_value *items, size_t n)
{
    spate_value *dst = spate_arena_alloc(a, (n ? n : 1) * sizeof *dst);
    for (size_t i = 0; i < n; i++)
        dst[i] = items ? items[i] : spate_null();
    spate_value v = {type, (uint32_t)n, {.items = dst}};
    return v;
}

/* Written straight into the arena: going through a stack array made every
 * call store and reload the pair (a store-forwarding stall on the hot path of
 * pair-making maps). */
spate_value spate_tuple2(spate_arena *a, spate_value x, spate_value y)
{
    spate_value *it = spate_arena_alloc(a, 2 * sizeof *it);
    it[0] = x;
    it[1] = y;
    return (spate_value){.type = SPATE_TUPLE, .len = 2, .u.items = it};
}

spate_value spate_tuple3(spate_arena *a, spate_value x, spate_value y, spate_value z)
{
    spate_value it[3] = {x, y, z};
    return items_of(a, SPATE_TUPLE, it, 3);
}

spate_value spate_some(spate_arena *a, spate_value x)
{
    spate_value v = items_of(a, SPATE_SOME, &x, 1);
    v.len = 1;
    return v;
}

spate_value spate_tuple_of(spate_arena *a, const spate_value *items, size_t n)
{
    return items_of(a, SPATE_TUPLE, items, n);
}

spate_value spate_list_of(spate_arena *a, const spate_value *items, size_t n)
{
    return items_of(a, SPATE_LIST, items, n);
}

spate_value spate_array_of(spate_arena *a, const spate_value *items, size_t n)
{
    return items_of(a, SPATE_ARRAY, items, n);
}

spate_value spate_str_printf(spate_arena *a, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if ((size_t)n < sizeof small) return spate_str_copy(a, small, (size_t)n);
    char *p = spate_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return spate_str(p, (size_t)n);
}

static bool has_items(uint8_t type)
{
    return type == SPATE_TUPLE || type == SPATE_LIST || type == SPATE_ARRAY || type == SPATE_SOME;
}

spate_value spate_value_copy(spate_arena *a, spate_value v)
{
    if (v.type == SPATE_STR) return spate_str_copy(a, v.u.s, v.len);
    if (v.type == SPATE_BYTES) return spate_bytes_copy(a, v.u.bytes, v.len);
    if (!has_items(v.type)) return v;
    size_t n = v.type == SPATE_SOME ? 1 : v.len;
    spate_value *dst = spate_arena_alloc(a, (n ? n : 1) * sizeof *dst);
    for (size_t i = 0; i < n; i++)
        dst[i] = spate_value_copy(a, v.u.items[i]);
    v.u.items = dst;
    return v;
}

double spate_as_f64(spate_value v)
{
    switch (v.type) {
    case SPATE_I64:
    case SPATE_TIMESTAMP:
        return (double)v.u.i;
    case SPATE_F64:
        return v.u.f;
    case SPATE_BOOL:
        return v.u.b ? 1.0 : 0.0;
    default:
        return 0.0;
    }
}

/* Java's (long) cast: NaN -> 0, saturating at the ends. */
static int64_t f64_to_i64(double f)
{
    if (isnan(f)) return 0;
    if (f >= 9223372036854775807.0) return INT64_MAX;
    if (f <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)f;
}

int64_t spate_as_i64(spate_value v)
{
    switch (v.type) {
    case SPATE_I64:
    case SPATE_TIMESTAMP:
        return v.u.i;
    case SPATE_F64:
        return f64_to_i64(v.u.f);
    case SPATE_BOOL:
        return v.u.b ? 1 : 0;
    default:
        return 0;
    }
}

bool spate_str_eq(spate_value v, const char *s)
{
    if (v.type != SPATE_STR) return false;
    size_t n = strlen(s);
    return n == v.len && (n == 0 || memcmp(v.u.s, s, n) == 0);
}

static bool f64_eq(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static bool mem_eq(const void *a, const void *b, size_t n) { return n == 0 || !memcmp(a, b, n); }

bool spate_value_eq(spate_value a, spate_value b)
{
    if (a.type != b.type) return false;
    switch (a.type) {
    case SPATE_NULL:
    case SPATE_NONE:
        return true;
    case SPATE_BOOL:
        return a.u.b == b.u.b;
    case SPATE_I64:
    case SPATE_TIMESTAMP:
        return a.u.i == b.u.i;
    case SPATE_F64:
        return f64_eq(a.u.f, b.u.f);
    case SPATE_STR:
    case SPATE_BYTES:
        return a.len == b.len && mem_eq(a.u.s, b.u.s, a.len);
    default:
        break;
    }
    size_t n = a.type == SPATE_SOME ? 1 : a.len;
    if (a.type != SPATE_SOME && a.len != b.len) return false;
    for (size_t i = 0; i < n; i++)
        if (!spate_value_eq(a.u.items[i], b.u.items[i])) return false;
    return true;
}

/* Scalars take murmur3's 64-bit finalizer instead of a call into xxHash: it
 * mixes every input bit into every output bit at a fraction of the cost, and
 * scalar keys (counts by bool or id) are the hot case of every shuffle. */
static inline uint64_t hash_u64(uint64_t x, uint64_t seed)
{
    x ^= seed * 0x9E3779B97F4A7C15ull;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

uint64_t spate_value_hash(spate_value v)
{
    uint64_t seed = v.type;
    switch (v.type) {
    case SPATE_NULL:
    case SPATE_NONE:
        return hash_u64(0, seed);
    case SPATE_BOOL:
        return hash_u64(v.u.b ? 1 : 0, seed);
    case SPATE_I64:
    case SPATE_TIMESTAMP:
        return hash_u64((uint64_t)v.u.i, seed);
    case SPATE_F64: {
        double f = v.u.f;
        if (f == 0.0) f = 0.0; /* -0.0 hashes as 0.0 */
        if (isnan(f)) f = NAN; /* one NaN */
        uint64_t bits;
        memcpy(&bits, &f, 8);
        return hash_u64(bits, seed);
    }
    case SPATE_STR:
    case SPATE_BYTES:
        return XXH3_64bits_withSeed(v.u.s, v.len, seed);
    default:
        break;
    }
    size_t n = v.type == SPATE_SOME ? 1 : v.len;
    uint64_t h = hash_u64(n, seed);
    for (size_t i = 0; i < n; i++)
        h = hash_u64(spate_value_hash(v.u.items[i]), h);
    return h;
}

static int is_number(uint8_t type) { return type == SPATE_I64 || type == SPATE_F64; }

static int cmp_f64(double a, double b)
{
    if (isnan(a)) return isnan(b) ? 0 : 1;
    if (isnan(b)) return -1;
    return (a > b) - (a < b);
}

/* i64 against f64 by exact value (no rounding of large longs). */
static int cmp_i64_f64(int64_t i, double f)
{
    if (isnan(f)) return -1;
    if (f >= 9223372036854775808.0) return -1;
    if (f < -9223372036854775808.0) return 1;
    double t = trunc(f);
    int64_t fi = (int64_t)t;
    if (i != fi) return i < fi ? -1 : 1;
    return t < f ? -1 : (t > f ? 1 : 0);
}

static int cmp_numbers(spate_value a, spate_value b)
{
    int c;
    if (a.type == SPATE_I64 && b.type == SPATE_I64) return (a.u.i > b.u.i) - (a.u.i < b.u.i);
    if (a.type == SPATE_F64 && b.type == SPATE_F64) return cmp_f64(a.u.f, b.u.f);
    if (a.type == SPATE_I64)
        c = cmp_i64_f64(a.u.i, b.u.f);
    else
        c = -cmp_i64_f64(b.u.i, a.u.f);
    return c ? c : (a.type < b.type ? -1 : 1);
}

static int cmp_mem(const void *a, size_t na, const void *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return (na > nb) - (na < nb);
}

int spate_value_cmp(spate_value a, spate_value b)
{
    if (is_number(a.type) && is_number(b.type)) return cmp_numbers(a, b);
    if (a.type != b.type) return a.type < b.type ? -1 : 1;
    switch (a.type) {
    case SPATE_NULL:
    case SPATE_NONE:
        return 0;
    case SPATE_BOOL:
        return (int)a.u.b - (int)b.u.b;
    case SPATE_TIMESTAMP:
        return (a.u.i > b.u.i) - (a.u.i < b.u.i);
    case SPATE_STR:
    case SPATE_BYTES:
        return cmp_mem(a.u.s, a.len, b.u.s, b.len);
    default:
        break;
    }
    size_t na = a.type == SPATE_SOME ? 1 : a.len, nb = b.type == SPATE_SOME ? 1 : b.len;
    for (size_t i = 0; i < na && i < nb; i++) {
        int c = spate_value_cmp(a.u.items[i], b.u.items[i]);
        if (c) return c;
    }
    return (na > nb) - (na < nb);
}
