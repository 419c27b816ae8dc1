/* nexmark_gen_config.c - the Nexmark generator's configuration (defaults and
 * checks, NexmarkConfiguration's) and its id logic (GeneratorConfig,
 * PersonGenerator and AuctionGenerator's last/next ids). Pure functions: any
 * thread. */
#include "connect/nexmark_gen_int.h"

#include <math.h>
#include <stdio.h>

/* Ids ahead of the last one a random pick may return (PERSON_ID_LEAD,
 * AUCTION_ID_LEAD): bids and auctions that seem to come before their person
 * or auction. */
enum { PERSON_ID_LEAD = 10, AUCTION_ID_LEAD = 10 };

void sp_nexmark_config_default(sp_nexmark_config *c)
{
    *c = (sp_nexmark_config){
        .seed = 1,
        .rate = SP_NEXMARK_DEFAULT_RATE,
        .base_time_ms = SP_NEXMARK_DEFAULT_BASE_TIME_MS,
        .first_event_id = 0,
        .person_proportion = 1,
        .auction_proportion = 3,
        .bid_proportion = 46,
        .num_active_people = 1000,
        .num_in_flight_auctions = 100,
        .hot_auction_ratio = 2,
        .hot_sellers_ratio = 4,
        .hot_bidders_ratio = 4,
        .avg_person_byte_size = 200,
        .avg_auction_byte_size = 500,
        .avg_bid_byte_size = 100,
    };
}

static int bad(char *errstr, size_t errstr_size, const char *field, const char *expect)
{
    snprintf(errstr, errstr_size, "nexmark %s: expected %s", field, expect);
    return -1;
}

int sp_nexmark_config_check(const sp_nexmark_config *c, char *errstr, size_t errstr_size)
{
    static const char *const positive = "a whole number from 1 to 1000000";
    const struct {
        const char *name;
        int32_t v;
        int32_t max;
    } ints[] = {
        {"person_proportion", c->person_proportion, 1000},
        {"auction_proportion", c->auction_proportion, 1000},
        {"bid_proportion", c->bid_proportion, 1000000},
        {"num_active_people", c->num_active_people, 1000000},
        {"num_in_flight_auctions", c->num_in_flight_auctions, 1000000},
        {"hot_auction_ratio", c->hot_auction_ratio, 1000000},
        {"hot_sellers_ratio", c->hot_sellers_ratio, 1000000},
        {"hot_bidders_ratio", c->hot_bidders_ratio, 1000000},
        {"avg_person_byte_size", c->avg_person_byte_size, SP_NEXMARK_MAX_BYTE_SIZE},
        {"avg_auction_byte_size", c->avg_auction_byte_size, SP_NEXMARK_MAX_BYTE_SIZE},
        {"avg_bid_byte_size", c->avg_bid_byte_size, SP_NEXMARK_MAX_BYTE_SIZE},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (ints[i].v < 1 || ints[i].v > ints[i].max)
            return bad(errstr, errstr_size, ints[i].name,
                       ints[i].max == 1000000 ? positive : "a whole number from 1 to 1000");
    if (!(c->rate > 0) || !isfinite(c->rate) || c->rate > 1e12)
        return bad(errstr, errstr_size, "rate", "events per second, above 0 and at most 1e12");
    if (c->first_event_id < 0 || c->first_event_id > ((int64_t)1 << 60))
        return bad(errstr, errstr_size, "first_event_id", "a whole number from 0 to 2^60");
    return 0;
}

void sp_nx_locate(const sp_nexmark_gen *g, int64_t event_id, sp_nx_at *at)
{
    const sp_nexmark_config *c = &g->cfg;
    /* the default cycle of 50 as a constant: a multiply instead of a divide */
    int64_t epoch = g->total == 50 ? event_id / 50 : event_id / g->total;
    int64_t offset = event_id - epoch * g->total;
    at->event_id = event_id;
    at->offset = offset;
    /* a person: this one; else the last of this epoch */
    at->last_person = epoch * c->person_proportion +
                      (offset < c->person_proportion ? offset : c->person_proportion - 1);
    if (offset < c->person_proportion) /* the last auction of the last epoch */
        at->last_auction = epoch * c->auction_proportion - 1;
    else if (offset >= c->person_proportion + c->auction_proportion) /* a bid */
        at->last_auction = epoch * c->auction_proportion + c->auction_proportion - 1;
    else /* an auction: this one */
        at->last_auction = epoch * c->auction_proportion + offset - c->person_proportion;
}

int64_t sp_nx_next_person(const sp_nexmark_gen *g, sp_nx_rng *rng, int64_t last_person)
{
    int64_t num_people = last_person + 1;
    int64_t active = num_people < g->cfg.num_active_people ? num_people : g->cfg.num_active_people;
    return num_people - active + sp_nx_long(rng, active + PERSON_ID_LEAD);
}

int64_t sp_nx_next_auction(const sp_nexmark_gen *g, sp_nx_rng *rng, int64_t last_auction)
{
    int64_t min = last_auction - g->cfg.num_in_flight_auctions;
    if (min < 0) min = 0;
    return min + sp_nx_long(rng, last_auction - min + 1 + AUCTION_ID_LEAD);
}
