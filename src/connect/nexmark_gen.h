/* nexmark_gen.h - the Nexmark event generator: Person, Auction and Bid events
 * of the online-auction model used by the field's streaming benchmark.
 *
 * Model and reference: the generator of the nexmark/nexmark repository used
 * for Flink (com.github.nexmark.flink.generator: GeneratorConfig,
 * NexmarkConfiguration's defaults, Person/Auction/Bid/Price/Strings/Long
 * generators), which is Apache Beam's sdks/java/testing/nexmark model. What
 * carries over: events come in cycles of person:auction:bid = 1:3:46 (event id
 * e is a person when e % 50 == 0, an auction when it is 1..3, else a bid);
 * person and auction ids count from 1000 (FIRST_PERSON_ID, FIRST_AUCTION_ID)
 * and are derived from the event id, so no state is kept; sellers and bidders
 * are drawn from the last 1000 people (numActivePeople) plus 10 ids ahead,
 * auctions of a bid from the last 100 auctions (numInFlightAuctions) plus 10
 * ahead; hot auctions (1 - 1/2 of the bids), hot bidders (1 - 1/4) and hot
 * sellers (1 - 1/4) are the first (bidders: second) of the last block of 100;
 * categories 10..14; prices round(10^(6u) * 100) for a uniform u, reserve =
 * initial bid + another price; an auction expires 1 + a random number of ms
 * below twice the event time of the 1666th event ahead (numInFlightAuctions
 * auctions ahead); names, US states and cities from the reference's lists;
 * e-mails, item names and descriptions random lowercase strings with 1/13
 * spaces (trimmed); channels "Google", "Facebook", "Baidu", "Apple" (half of
 * the bids) or "channel-<0..9999>" with its URL; `extra` pads each event to
 * avgPersonByteSize 200, avgAuctionByteSize 500, avgBidByteSize 100 on
 * average (+-20%) with a slice of one shared 1 MiB random string. Event n has
 * event time base_time + floor(n * 1e6 / rate us) / 1000 ms (the inter-event
 * delay of GeneratorConfig.timestampForEvent, one generator).
 *
 * What differs: the random numbers come from splitmix64, seeded by (seed, n)
 * for each event, instead of Java's SplittableRandom: the distributions and
 * the id logic are the reference's, the exact values are not. Event n is a
 * pure function of (config, n), so threads may generate disjoint ranges of
 * event numbers with generators of the same config and get the events one
 * generator would (sp_nexmark_gen_event). The hot URLs and the 10 000 channel
 * URLs are drawn once per process from a fixed seed (the reference draws
 * them from an unseeded random); the channel_id suffix is the reference's
 * |Integer.reverse(i)|. The reference's Flink table source starts at event id
 * 2 (firstEventId 1 + firstEventNumber 1) and base time "now"; here event ids
 * start at first_event_id (0: a person first, as Beam's generator) and the
 * base time is fixed (base_time_ms) so runs are reproducible. Flink's
 * BidGenerator adds FIRST_PERSON_ID to the bidder twice (bidders from 2000);
 * Beam's and this one add it once, so bidders are people ids. No
 * out-of-order groups (outOfOrderGroupSize 1, the default).
 *
 * Memory: no allocation per event. An event's strings point into static
 * tables, the shared padding string, or the generator's scratch buffer: they
 * stay valid until the next call on the same generator. */
#ifndef SP_NEXMARK_GEN_H
#define SP_NEXMARK_GEN_H

#include <stddef.h>
#include <stdint.h>

/* GeneratorConfig's constants. */
enum {
    SP_NEXMARK_FIRST_PERSON_ID = 1000,
    SP_NEXMARK_FIRST_AUCTION_ID = 1000,
    SP_NEXMARK_FIRST_CATEGORY_ID = 10,
};

/* event_type of the Flink Nexmark tables. */
typedef enum sp_nexmark_type {
    SP_NEXMARK_PERSON = 0,
    SP_NEXMARK_AUCTION = 1,
    SP_NEXMARK_BID = 2,
} sp_nexmark_type;

/* A string view: n bytes at p, not NUL-terminated. */
typedef struct sp_nexmark_str {
    const char *p;
    uint32_t n;
} sp_nexmark_str;

/* Times are ms since the epoch (UTC). */
typedef struct sp_nexmark_person {
    int64_t id;
    sp_nexmark_str name, email_address, credit_card, city, state;
    int64_t date_time;
    sp_nexmark_str extra;
} sp_nexmark_person;

typedef struct sp_nexmark_auction {
    int64_t id;
    sp_nexmark_str item_name, description;
    int64_t initial_bid, reserve, date_time, expires, seller, category;
    sp_nexmark_str extra;
} sp_nexmark_auction;

typedef struct sp_nexmark_bid {
    int64_t auction, bidder, price;
    sp_nexmark_str channel, url;
    int64_t date_time;
    sp_nexmark_str extra;
} sp_nexmark_bid;

typedef struct sp_nexmark_event {
    sp_nexmark_type type;
    union {
        sp_nexmark_person person;
        sp_nexmark_auction auction;
        sp_nexmark_bid bid;
    } u;
} sp_nexmark_event;

/* NexmarkConfiguration's fields that shape the events (defaults from
 * sp_nexmark_config_default). */
typedef struct sp_nexmark_config {
    uint64_t seed;
    double rate;            /* events per second of event time (firstEventRate) */
    int64_t base_time_ms;   /* event time of event 0 */
    int64_t first_event_id; /* event id of event number 0 */
    int32_t person_proportion, auction_proportion, bid_proportion;
    int32_t num_active_people, num_in_flight_auctions;
    int32_t hot_auction_ratio, hot_sellers_ratio, hot_bidders_ratio;
    int32_t avg_person_byte_size, avg_auction_byte_size, avg_bid_byte_size;
} sp_nexmark_config;

/* Default rate: the Nexmark benchmark suite's tps (nexmark.yaml,
 * 10 000 000); NexmarkConfiguration's own firstEventRate default is 10 000. */
#define SP_NEXMARK_DEFAULT_RATE 10000000.0
/* Default base time: 2015-07-15 00:00:00.000 UTC. */
#define SP_NEXMARK_DEFAULT_BASE_TIME_MS 1436918400000LL
/* The largest avg*_byte_size accepted (bounds SP_NEXMARK_JSON_MAX). */
enum { SP_NEXMARK_MAX_BYTE_SIZE = 1000 };

/* Fills c with NexmarkConfiguration's defaults (seed 1, rate
 * SP_NEXMARK_DEFAULT_RATE, base SP_NEXMARK_DEFAULT_BASE_TIME_MS). */
void sp_nexmark_config_default(sp_nexmark_config *c);
/* 0, or -1 with what is wrong in errstr (the field and what was expected). */
int sp_nexmark_config_check(const sp_nexmark_config *c, char *errstr, size_t errstr_size);

struct sp_nx_tables;

/* One generator per thread; several may share a config. */
typedef struct sp_nexmark_gen {
    sp_nexmark_config cfg;
    const struct sp_nx_tables *tables; /* the process-wide tables */
    double delay_us;                   /* inter-event delay */
    int64_t total;                     /* sum of the proportions */
    uint64_t next;                     /* event number of sp_nexmark_gen_next */
    char scratch[256];                 /* strings of the last event */
} sp_nexmark_gen;

/* Initialises g at event number 0; c must pass sp_nexmark_config_check.
 * Builds the process-wide tables on first use (thread-safe). */
void sp_nexmark_gen_init(sp_nexmark_gen *g, const sp_nexmark_config *c);
/* Event number n (0-based): a pure function of (g->cfg, n). Does not move
 * the generator's position. The strings are valid until the next call on g.
 * Calling thread only (g is not shared). */
void sp_nexmark_gen_event(sp_nexmark_gen *g, uint64_t n, sp_nexmark_event *ev);
/* The event at the generator's position, then advances it. */
void sp_nexmark_gen_next(sp_nexmark_gen *g, sp_nexmark_event *ev);
/* Event time of event number n (ms since the epoch). */
int64_t sp_nexmark_gen_time(const sp_nexmark_gen *g, uint64_t n);

/* The longest JSON line sp_nexmark_json writes, newline included. */
enum { SP_NEXMARK_JSON_MAX = 4096 };

/* Formatting state: the last timestamp's text (events share milliseconds). */
typedef struct sp_nexmark_fmt {
    int64_t ms[2];    /* the cached ms of each slot, INT64_MIN: none */
    char text[2][24]; /* "yyyy-MM-dd HH:mm:ss.SSS" of ms */
} sp_nexmark_fmt;

void sp_nexmark_fmt_init(sp_nexmark_fmt *f);
/* Writes ev as one JSON line (Flink Nexmark's shape), '\n' included, into
 * buf (SP_NEXMARK_JSON_MAX bytes, not NUL-terminated); returns its length:
 * {"event_type":0,"person":{...},"auction":null,"bid":null}
 * Timestamps as "yyyy-MM-dd HH:mm:ss.SSS" UTC. Calling thread only (f). */
size_t sp_nexmark_json(sp_nexmark_fmt *f, const sp_nexmark_event *ev, char *buf);
/* Writes "yyyy-MM-dd HH:mm:ss.SSS" (23 bytes, no NUL) of ms since the epoch. */
void sp_nexmark_format_time(int64_t ms, char out[23]);

#endif
