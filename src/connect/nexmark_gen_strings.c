/* nexmark_gen_strings.c - the Nexmark generator's random strings, padding
 * and prices (StringsGenerator, PriceGenerator). Pure functions of their
 * random stream: any thread. */
#include "connect/nexmark_gen_int.h"

#include <string.h>

enum { MIN_STRING_LENGTH = 3 };

sp_nexmark_str sp_nx_string(sp_nx_rng *rng, int max_len, char special, char **p)
{
    int len = MIN_STRING_LENGTH + (int)sp_nx_int(rng, (uint32_t)(max_len - MIN_STRING_LENGTH));
    char *start = *p, *end = start;
    uint64_t r = 0;
    for (int i = 0; i < len; i++) {
        /* 16 random bits a character, 4 from one draw: k uniform in
         * [0, 13 * 26); special when k < 26 (1/13), else letter k % 26 */
        if ((i & 3) == 0) r = sp_nx_next(rng);
        uint32_t k = (uint32_t)(((r & 0xFFFF) * (13 * 26)) >> 16);
        r >>= 16;
        *end++ = k < 26 ? special : (char)('a' + k % 26);
    }
    char *from = start;
    if (special == ' ') { /* String.trim, the result moved back to start */
        while (from < end && *from == ' ')
            from++;
        while (end > from && end[-1] == ' ')
            end--;
        if (from > start) memmove(start, from, (size_t)(end - from));
    }
    size_t n = (size_t)(end - from);
    *p = start + n;
    return (sp_nexmark_str){start, (uint32_t)n};
}

sp_nexmark_str sp_nx_extra(sp_nx_rng *rng, const sp_nx_tables *t, int current_size, int avg_size)
{
    if (current_size > avg_size) return (sp_nexmark_str){t->extra, 0};
    int want = avg_size - current_size;
    int delta = (int)(want * 0.2 + 0.5); /* Math.round of a value >= 0 */
    int size = want - delta + (delta == 0 ? 0 : (int)sp_nx_int(rng, (uint32_t)(2 * delta)));
    uint32_t offset = sp_nx_int(rng, (uint32_t)(SP_NX_EXTRA_LEN - size));
    return (sp_nexmark_str){t->extra + offset, (uint32_t)size};
}

int64_t sp_nx_price(sp_nx_rng *rng, const sp_nx_tables *t)
{
    /* Math.round(10^(6u) * 100): 100 .. 100 000 000 cents, log-uniform.
     * 10^(6u) = 2^x with x = 6u log2(10) in [0, 19.94): 2^floor(x) times
     * 2^(k/256) from the table times 2^r, r < 1/256, by its Taylor series
     * (relative error below 1e-11: the rounding is exp's but for ties).
     * Several times cheaper than pow or exp. */
    double x = sp_nx_double(rng) * (6.0 * 3.321928094887362348);
    int i = (int)x;
    double f = (x - i) * SP_NX_POW2_STEPS;
    int k = (int)f;
    double r = (f - k) * (0.693147180559945309 / SP_NX_POW2_STEPS);
    double p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0))));
    double v = (double)(1u << i) * t->pow2[k] * p * 100.0;
    return (int64_t)(v + 0.5);
}
