/* nexmark_gen_bids.c - Nexmark Bid events (BidGenerator): a hot or random
 * auction, a hot or random bidder, a price, a hot or one of 10 000 channels
 * with its URL, padding. Any thread (the strings are in static tables). */
#include "connect/nexmark_gen_int.h"

/* Hot auctions (bidders) are the first (second) of the last block of 100;
 * half of the bids come through one of the four hot channels. */
enum { HOT_AUCTION_RATIO = 100, HOT_BIDDER_RATIO = 100, HOT_CHANNELS_RATIO = 2 };

static int64_t auction(const sp_nexmark_gen *g, sp_nx_rng *rng, const sp_nx_at *at)
{
    /* P(hot auction) = 1 - 1/hotAuctionRatio */
    if (sp_nx_int(rng, (uint32_t)g->cfg.hot_auction_ratio) > 0)
        return at->last_auction / HOT_AUCTION_RATIO * HOT_AUCTION_RATIO;
    return sp_nx_next_auction(g, rng, at->last_auction);
}

static int64_t bidder(const sp_nexmark_gen *g, sp_nx_rng *rng, const sp_nx_at *at)
{
    /* P(hot bidder) = 1 - 1/hotBiddersRatio; + 1 so hot bidders are not
     * the hot sellers */
    if (sp_nx_int(rng, (uint32_t)g->cfg.hot_bidders_ratio) > 0)
        return at->last_person / HOT_BIDDER_RATIO * HOT_BIDDER_RATIO + 1;
    return sp_nx_next_person(g, rng, at->last_person);
}

void sp_nx_bid(sp_nexmark_gen *g, sp_nx_rng *rng, const sp_nx_at *at, int64_t ts,
               sp_nexmark_bid *out)
{
    const sp_nx_tables *t = g->tables;
    out->auction = auction(g, rng, at) + SP_NEXMARK_FIRST_AUCTION_ID;
    out->bidder = bidder(g, rng, at) + SP_NEXMARK_FIRST_PERSON_ID;
    out->price = sp_nx_price(rng, t);
    if (sp_nx_int(rng, HOT_CHANNELS_RATIO) > 0) {
        uint32_t i = sp_nx_int(rng, SP_NX_NUM_HOT_CHANNELS);
        out->channel = t->hot_channel[i];
        out->url = t->hot_url[i];
    } else {
        uint32_t i = sp_nx_int(rng, SP_NX_NUM_CHANNELS);
        out->channel = t->channel[i];
        out->url = t->channel_url[i];
    }
    out->date_time = ts;
    out->extra = sp_nx_extra(rng, t, 8 + 8 + 8 + 8, g->cfg.avg_bid_byte_size);
}
