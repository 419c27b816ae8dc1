/* nexmark_gen_int.h - what the Nexmark generator's files share (private to
 * connect/): the per-event random stream, the string helpers, the shared
 * tables and the id logic of GeneratorConfig / PersonGenerator /
 * AuctionGenerator. See nexmark_gen.h for the model. */
#ifndef SP_NEXMARK_GEN_INT_H
#define SP_NEXMARK_GEN_INT_H

#include "connect/nexmark_gen.h"

#include <stdint.h>

/* ---- random numbers (splitmix64) ---------------------------------------- */

/* A splitmix64 stream; draws below 2^32 take 32 bits of a 64-bit output at
 * a time (pool), so a small choice costs half a step. */
typedef struct sp_nx_rng {
    uint64_t s, pool;
    int have; /* pool holds 32 unused bits */
} sp_nx_rng;

static inline sp_nx_rng sp_nx_rng_make(uint64_t seed) { return (sp_nx_rng){seed, 0, 0}; }

static inline uint64_t sp_nx_next(sp_nx_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* 32 random bits. */
static inline uint32_t sp_nx_bits32(sp_nx_rng *r)
{
    if (r->have) {
        r->have = 0;
        return (uint32_t)(r->pool >> 32);
    }
    r->pool = sp_nx_next(r);
    r->have = 1;
    return (uint32_t)r->pool;
}

/* Uniform in [0, n) for 0 < n < 2^32 (Lemire's multiply-shift; the bias,
 * below n / 2^32, is far under what the model can show). */
static inline uint32_t sp_nx_int(sp_nx_rng *r, uint32_t n)
{
    return (uint32_t)(((uint64_t)sp_nx_bits32(r) * n) >> 32);
}

/* Uniform in [0, n) for n > 0 (LongGenerator.nextLong). */
static inline int64_t sp_nx_long(sp_nx_rng *r, int64_t n)
{
    if (n < (int64_t)UINT32_MAX) return (int64_t)sp_nx_int(r, (uint32_t)n);
    return (int64_t)((unsigned __int128)sp_nx_next(r) * (uint64_t)n >> 64);
}

/* Uniform in [0, 1). */
static inline double sp_nx_double(sp_nx_rng *r)
{
    return (double)(sp_nx_next(r) >> 11) * 0x1.0p-53;
}

/* ---- shared tables (nexmark_gen_tables.c) ------------------------------- */

enum {
    SP_NX_NUM_CHANNELS = 10000, /* BidGenerator.CHANNELS_NUMBER */
    SP_NX_NUM_HOT_CHANNELS = 4,
    SP_NX_EXTRA_LEN = 1 << 20, /* StringsGenerator's reusable extra string */
    SP_NX_POW2_STEPS = 256,    /* the steps of sp_nx_tables.pow2 */
};

typedef struct sp_nx_tables {
    const char *extra; /* SP_NX_EXTRA_LEN random lowercase letters */
    sp_nexmark_str channel[SP_NX_NUM_CHANNELS], channel_url[SP_NX_NUM_CHANNELS];
    sp_nexmark_str hot_channel[SP_NX_NUM_HOT_CHANNELS], hot_url[SP_NX_NUM_HOT_CHANNELS];
    double pow2[SP_NX_POW2_STEPS]; /* 2^(k / SP_NX_POW2_STEPS), for prices */
} sp_nx_tables;

/* The process-wide tables, built on the first call (pthread_once); read-only
 * afterwards, so any thread may read them. */
const sp_nx_tables *sp_nx_tables_get(void);

extern const sp_nexmark_str sp_nx_us_states[6];
extern const sp_nexmark_str sp_nx_us_cities[10];
extern const sp_nexmark_str sp_nx_first_names[11];
extern const sp_nexmark_str sp_nx_last_names[9];

/* ---- strings (nexmark_gen_strings.c) ------------------------------------ */

/* StringsGenerator.nextString: 3 + [0, max_len - 3) characters, each
 * `special` with probability 1/13, else a..z; then trimmed of spaces when
 * special is ' '. Writes the result at *p, returns it and advances *p past
 * it. */
sp_nexmark_str sp_nx_string(sp_nx_rng *rng, int max_len, char special, char **p);
/* StringsGenerator.nextExtra: a slice of the shared string whose length
 * makes current_size + length average avg_size (+-20%); empty when
 * current_size > avg_size. */
sp_nexmark_str sp_nx_extra(sp_nx_rng *rng, const sp_nx_tables *t, int current_size, int avg_size);
/* PriceGenerator.nextPrice: round(10^(6u) * 100) for a uniform u. */
int64_t sp_nx_price(sp_nx_rng *rng, const sp_nx_tables *t);

/* ---- ids (nexmark_gen_config.c) ----------------------------------------- */

/* Where an event sits in the id space: PersonGenerator.lastBase0PersonId and
 * AuctionGenerator.lastBase0AuctionId of its event id (base 0: the person or
 * auction made by this event, else the last one made before it). */
typedef struct sp_nx_at {
    int64_t event_id, offset; /* offset: event_id % (sum of the proportions) */
    int64_t last_person, last_auction;
} sp_nx_at;

/* Fills at for event_id (one division). */
void sp_nx_locate(const sp_nexmark_gen *g, int64_t event_id, sp_nx_at *at);
/* nextBase0PersonId / nextBase0AuctionId: a random active person (of the
 * last num_active_people) or in-flight auction (of the last
 * num_in_flight_auctions), with 10 ids of lead. */
int64_t sp_nx_next_person(const sp_nexmark_gen *g, sp_nx_rng *rng, int64_t last_person);
int64_t sp_nx_next_auction(const sp_nexmark_gen *g, sp_nx_rng *rng, int64_t last_auction);

/* ---- events (nexmark_gen_people.c, _auctions.c, _bids.c) ---------------- */

void sp_nx_person(sp_nexmark_gen *g, sp_nx_rng *rng, const sp_nx_at *at, int64_t ts,
                  sp_nexmark_person *out);
void sp_nx_auction(sp_nexmark_gen *g, sp_nx_rng *rng, uint64_t n, const sp_nx_at *at, int64_t ts,
                   sp_nexmark_auction *out);
void sp_nx_bid(sp_nexmark_gen *g, sp_nx_rng *rng, const sp_nx_at *at, int64_t ts,
               sp_nexmark_bid *out);

#endif
