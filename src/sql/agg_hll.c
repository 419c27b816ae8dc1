/* agg_hll.c - approx_count_distinct as Spark's HyperLogLogPlusPlus with
 * relativeSD 0.05 (p = 9, 512 one-byte registers): values hashed as Spark's
 * XxHash64Function with seed 42 (ints, dates, booleans and floats through
 * hashInt, longs, timestamps and doubles through hashLong, -0.0 as 0.0,
 * small decimals by their unscaled long, large ones by the bytes of
 * BigInteger.toByteArray, strings and binary by their bytes), registers
 * updated and the estimate made as HyperLogLogPlusPlusHelper.query does
 * (linear counting while H <= 400 or E <= 2.5m), except its empirical bias
 * correction (kNN over the HLL++ paper's tables) for raw estimates E in
 * (2.5m, 5m) = (1280, 2560), where spate's answer is E itself: the same
 * answer as Spark below about a thousand distinct values and above 2560,
 * within the bias (a few percent) between. Any thread. */
#include "sql/agg_int.h"

#include <math.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static uint64_t hash_int(int32_t v, uint64_t seed)
{
    uint8_t b[4];
    memcpy(b, &v, 4); /* little-endian, as Spark's hashInt reads it */
    return XXH64(b, 4, seed);
}

static uint64_t hash_long(int64_t v, uint64_t seed)
{
    uint8_t b[8];
    memcpy(b, &v, 8);
    return XXH64(b, 8, seed);
}

/* BigInteger.toByteArray of v: big-endian two's complement, fewest bytes. */
static uint64_t hash_big_decimal(sp_i128 v, uint64_t seed)
{
    uint8_t be[16];
    unsigned __int128 u = (unsigned __int128)v;
    for (int i = 15; i >= 0; i--, u >>= 8)
        be[i] = (uint8_t)u;
    int start = 0;
    while (start < 15 && ((be[start] == 0 && !(be[start + 1] & 0x80)) ||
                          (be[start] == 0xff && (be[start + 1] & 0x80))))
        start++;
    return XXH64(be + start, (size_t)(16 - start), seed);
}

uint64_t sp_agg_xxhash64(spate_value v, const sp_column *c, uint64_t seed)
{
    switch (c->type) {
    case SP_COL_BOOL:
        return hash_int(v.u.b ? 1 : 0, seed);
    case SP_COL_I8:
    case SP_COL_I16:
    case SP_COL_I32:
    case SP_COL_DATE32:
        return hash_int((int32_t)v.u.i, seed);
    case SP_COL_F32: {
        float f = (float)v.u.f;
        if (f == 0.0f) f = 0.0f;
        if (isnan(f)) f = NAN; /* floatToIntBits: one NaN */
        int32_t bits;
        memcpy(&bits, &f, 4);
        return hash_int(bits, seed);
    }
    case SP_COL_F64: {
        double d = v.u.f;
        if (d == 0.0) d = 0.0;
        if (isnan(d)) d = NAN;
        int64_t bits;
        memcpy(&bits, &d, 8);
        return hash_long(bits, seed);
    }
    case SP_COL_DECIMAL128: {
        sp_i128 d = sp_agg_dec_get(v);
        return c->precision <= 18 ? hash_long((int64_t)d, seed) : hash_big_decimal(d, seed);
    }
    case SP_COL_UTF8:
    case SP_COL_BINARY:
        return XXH64(v.u.s, v.len, seed);
    default:
        return hash_long(v.u.i, seed);
    }
}

uint64_t sp_agg_hll_hash(spate_value v, const sp_column *c) { return sp_agg_xxhash64(v, c, 42); }

void sp_agg_hll_add(uint8_t *regs, uint64_t x)
{
    const int p = SP_AGG_HLL_P;
    uint64_t idx = x >> (64 - p);
    uint64_t w = (x << p) | (1ull << (p - 1));
    uint8_t pw = (uint8_t)(__builtin_clzll(w) + 1);
    if (pw > regs[idx]) regs[idx] = pw;
}

int64_t sp_agg_hll_estimate(const uint8_t *regs)
{
    const double m = SP_AGG_HLL_M;
    double z_inv = 0, zeros = 0;
    for (int i = 0; i < SP_AGG_HLL_M; i++) {
        z_inv += 1.0 / (double)(1ull << regs[i]);
        if (regs[i] == 0) zeros += 1;
    }
    double alpha_m2 = 0.7213 / (1.0 + 1.079 / m) * m * m;
    double e = alpha_m2 / z_inv, est = e; /* the bias correction is not carried */
    if (zeros > 0) {
        double h = m * log(m / zeros);
        if (h <= 400 || e <= 2.5 * m) est = h; /* THRESHOLDS(p - 4), or HLL's bound */
    }
    return (int64_t)floor(est + 0.5); /* Math.round */
}
