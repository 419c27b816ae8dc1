/* nexmark_gen.c - the Nexmark generator's entry points: initialisation, event
 * time, and event n (which kind, its random stream). See nexmark_gen.h. */
#include "connect/nexmark_gen_int.h"

#include <assert.h>
#include <string.h>

void sp_nexmark_gen_init(sp_nexmark_gen *g, const sp_nexmark_config *c)
{
    memset(g, 0, sizeof *g);
    g->cfg = *c;
    g->delay_us = 1000000.0 / c->rate;
    g->total = (int64_t)c->person_proportion + c->auction_proportion + c->bid_proportion;
    g->tables = sp_nx_tables_get(); /* built now rather than inside the first event */
}

int64_t sp_nexmark_gen_time(const sp_nexmark_gen *g, uint64_t n)
{
    /* GeneratorConfig.timestampForEvent: whole microseconds, then ms. */
    return g->cfg.base_time_ms + (int64_t)((double)n * g->delay_us) / 1000;
}

/* The seed of event n's own random stream: splitmix64's finaliser over
 * (seed, n), so neighbouring events get unrelated streams. */
static uint64_t event_seed(uint64_t seed, uint64_t n)
{
    sp_nx_rng r = sp_nx_rng_make(seed ^ (n * 0xD1B54A32D192ED03ULL));
    return sp_nx_next(&r);
}

void sp_nexmark_gen_event(sp_nexmark_gen *g, uint64_t n, sp_nexmark_event *ev)
{
    sp_nx_rng rng = sp_nx_rng_make(event_seed(g->cfg.seed, n));
    sp_nx_at at;
    sp_nx_locate(g, g->cfg.first_event_id + (int64_t)n, &at);
    int64_t ts = sp_nexmark_gen_time(g, n);
    int64_t rem = at.offset;
    if (rem < g->cfg.person_proportion) {
        ev->type = SP_NEXMARK_PERSON;
        sp_nx_person(g, &rng, &at, ts, &ev->u.person);
    } else if (rem < (int64_t)g->cfg.person_proportion + g->cfg.auction_proportion) {
        ev->type = SP_NEXMARK_AUCTION;
        sp_nx_auction(g, &rng, n, &at, ts, &ev->u.auction);
    } else {
        ev->type = SP_NEXMARK_BID;
        sp_nx_bid(g, &rng, &at, ts, &ev->u.bid);
    }
}

void sp_nexmark_gen_next(sp_nexmark_gen *g, sp_nexmark_event *ev)
{
    sp_nexmark_gen_event(g, g->next++, ev);
}
