/* nexmark_gen_auctions.c - Nexmark Auction events (AuctionGenerator): id
 * from the event id, a hot or random seller, category, prices, expiry,
 * random item name and description, padding. Calling thread of the
 * generator only (its scratch buffer). */
#include "connect/nexmark_gen_int.h"

/* Hot sellers are the first person of the last block of this many. */
enum { HOT_SELLER_RATIO = 100, NUM_CATEGORIES = 5 };

static int64_t seller(const sp_nexmark_gen *g, sp_nx_rng *rng, const sp_nx_at *at)
{
    /* P(hot seller) = 1 - 1/hotSellersRatio */
    if (sp_nx_int(rng, (uint32_t)g->cfg.hot_sellers_ratio) > 0)
        return at->last_person / HOT_SELLER_RATIO * HOT_SELLER_RATIO;
    return sp_nx_next_person(g, rng, at->last_person);
}

/* nextAuctionLengthMs: on average the event time until numInFlightAuctions
 * more auctions have been generated. */
static int64_t length_ms(const sp_nexmark_gen *g, sp_nx_rng *rng, uint64_t n, int64_t ts)
{
    int64_t events_ahead =
        (int64_t)g->cfg.num_in_flight_auctions * g->total / g->cfg.auction_proportion;
    int64_t horizon = sp_nexmark_gen_time(g, n + (uint64_t)events_ahead) - ts;
    return 1 + sp_nx_long(rng, horizon * 2 > 1 ? horizon * 2 : 1);
}

void sp_nx_auction(sp_nexmark_gen *g, sp_nx_rng *rng, uint64_t n, const sp_nx_at *at, int64_t ts,
                   sp_nexmark_auction *out)
{
    char *p = g->scratch;
    out->id = at->last_auction + SP_NEXMARK_FIRST_AUCTION_ID;
    out->seller = seller(g, rng, at) + SP_NEXMARK_FIRST_PERSON_ID;
    out->category = SP_NEXMARK_FIRST_CATEGORY_ID + sp_nx_int(rng, NUM_CATEGORIES);
    out->initial_bid = sp_nx_price(rng, g->tables);
    out->date_time = ts;
    out->expires = ts + length_ms(g, rng, n, ts);
    out->item_name = sp_nx_string(rng, 20, ' ', &p);
    out->description = sp_nx_string(rng, 100, ' ', &p);
    out->reserve = out->initial_bid + sp_nx_price(rng, g->tables);
    int size = 8 + (int)(out->item_name.n + out->description.n) + 8 + 8 + 8 + 8 + 8;
    out->extra = sp_nx_extra(rng, g->tables, size, g->cfg.avg_auction_byte_size);
}
