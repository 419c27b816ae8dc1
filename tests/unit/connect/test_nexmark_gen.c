/* test_nexmark_gen.c - the Nexmark generator (connect/nexmark_gen.h) against
 * the reference generator's facts: the 1:3:46 cycle, ids from 1000 derived
 * from the event id, bids and auctions referring to active people and
 * in-flight auctions (with the reference's 10 ids of lead), the hot
 * auction/bidder/seller shares, prices, padding sizes, event times at the
 * configured rate; determinism per seed; event n the same sequentially, by
 * random access and from several threads; the JSON lines' shape. */
#include <criterion/criterion.h>

#include "connect/nexmark_gen.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { N = 50000 };

static void gen_default(sp_nexmark_gen *g, uint64_t seed)
{
    sp_nexmark_config c;
    sp_nexmark_config_default(&c);
    c.seed = seed;
    char err[256];
    cr_assert_eq(sp_nexmark_config_check(&c, err, sizeof err), 0, "%s", err);
    sp_nexmark_gen_init(g, &c);
}

/* The JSON line of event n, NUL-terminated, into buf. */
static size_t line_of(sp_nexmark_gen *g, uint64_t n, char *buf)
{
    sp_nexmark_event ev;
    sp_nexmark_fmt f;
    sp_nexmark_fmt_init(&f);
    sp_nexmark_gen_event(g, n, &ev);
    size_t len = sp_nexmark_json(&f, &ev, buf);
    buf[len] = '\0';
    return len;
}

static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001B3ULL;
    return h;
}

Test(nexmark_gen, every_cycle_of_50_is_one_person_three_auctions_46_bids)
{
    sp_nexmark_gen g;
    gen_default(&g, 1);
    int count[3] = {0};
    for (uint64_t n = 0; n < N; n++) {
        sp_nexmark_event ev;
        sp_nexmark_gen_next(&g, &ev);
        sp_nexmark_type want = n % 50 == 0  ? SP_NEXMARK_PERSON
                               : n % 50 < 4 ? SP_NEXMARK_AUCTION
                                            : SP_NEXMARK_BID;
        cr_assert_eq(ev.type, want, "event %llu", (unsigned long long)n);
        count[ev.type]++;
    }
    cr_assert_eq(count[0], N / 50);
    cr_assert_eq(count[1], N / 50 * 3);
    cr_assert_eq(count[2], N / 50 * 46);
}

/* Counters of the id checks, over N events of seed 1. */
typedef struct id_stats {
    int bids, hot_auction, hot_bidder, hot_channel;
    int auctions, hot_seller;
} id_stats;

static void check_bid(const sp_nexmark_bid *b, int64_t people, int64_t auctions, id_stats *s)
{
    /* In-flight auctions: the last 100 + 10 ahead (base 0: auctions - 1 is
     * the last). Active people: the last 1000 + 10 ahead. */
    int64_t last_a = auctions - 1, min_a = last_a - 100 < 0 ? 0 : last_a - 100;
    cr_assert(b->auction >= 1000 + min_a && b->auction <= 1000 + last_a + 10, "auction %lld",
              (long long)b->auction);
    int64_t active = people < 1000 ? people : 1000;
    cr_assert(b->bidder >= 1000 + people - active && b->bidder <= 1000 + people + 9,
              "bidder %lld of %lld people", (long long)b->bidder, (long long)people);
    cr_assert(b->price >= 100 && b->price <= 100000000, "price %lld", (long long)b->price);
    cr_assert(b->extra.n >= 54 && b->extra.n <= 81, "extra %u", b->extra.n); /* 68 +- 20% */
    s->bids++;
    s->hot_auction += b->auction == 1000 + last_a / 100 * 100;
    s->hot_bidder += b->bidder == 1000 + (people - 1) / 100 * 100 + 1;
    s->hot_channel += b->channel.n > 0 && strncmp(b->channel.p, "channel-", 8) != 0;
}

static void check_auction(const sp_nexmark_auction *a, int64_t people, int64_t auctions,
                          id_stats *s)
{
    cr_assert_eq(a->id, 1000 + auctions);
    int64_t active = people < 1000 ? people : 1000;
    cr_assert(a->seller >= 1000 + people - active && a->seller <= 1000 + people + 9);
    cr_assert(a->category >= 10 && a->category <= 14);
    cr_assert(a->initial_bid >= 100 && a->reserve >= a->initial_bid + 100);
    cr_assert_gt(a->expires, a->date_time);
    cr_assert(a->item_name.n <= 19 && a->description.n <= 99);
    s->auctions++;
    s->hot_seller += a->seller == 1000 + (people - 1) / 100 * 100;
}

Test(nexmark_gen, ids_count_from_1000_and_bids_refer_to_active_people_and_auctions)
{
    sp_nexmark_gen g;
    gen_default(&g, 1);
    id_stats s = {0};
    int64_t people = 0, auctions = 0;
    for (uint64_t n = 0; n < N; n++) {
        sp_nexmark_event ev;
        sp_nexmark_gen_next(&g, &ev);
        if (ev.type == SP_NEXMARK_PERSON) {
            cr_assert_eq(ev.u.person.id, 1000 + people);
            people++;
        } else if (ev.type == SP_NEXMARK_AUCTION) {
            check_auction(&ev.u.auction, people, auctions, &s);
            auctions++;
        } else {
            check_bid(&ev.u.bid, people, auctions, &s);
        }
    }
    /* hotAuctionRatio 2: at least half the bids go to the hot auction (a
     * random pick may hit it too); hotBiddersRatio and hotSellersRatio 4. */
    double ha = (double)s.hot_auction / s.bids, hb = (double)s.hot_bidder / s.bids;
    double hs = (double)s.hot_seller / s.auctions, hc = (double)s.hot_channel / s.bids;
    cr_assert(ha > 0.49 && ha < 0.53, "hot auctions %f", ha);
    cr_assert(hb > 0.74 && hb < 0.77, "hot bidders %f", hb);
    cr_assert(hs > 0.72 && hs < 0.79, "hot sellers %f", hs);
    cr_assert(hc > 0.49 && hc < 0.51, "hot channels %f", hc);
}

Test(nexmark_gen, padding_makes_the_reference_average_sizes)
{
    /* currentSize as the reference counts it, + extra = avg*ByteSize on
     * average. */
    sp_nexmark_gen g;
    gen_default(&g, 7);
    double sum[3] = {0};
    int cnt[3] = {0};
    for (uint64_t n = 0; n < N; n++) {
        sp_nexmark_event ev;
        sp_nexmark_gen_next(&g, &ev);
        const sp_nexmark_person *p = &ev.u.person;
        const sp_nexmark_auction *a = &ev.u.auction;
        double size =
            ev.type == SP_NEXMARK_PERSON ? 8 + p->name.n + p->email_address.n + p->credit_card.n +
                                               p->city.n + p->state.n + p->extra.n
            : ev.type == SP_NEXMARK_AUCTION ? 48 + a->item_name.n + a->description.n + a->extra.n
                                            : 32 + ev.u.bid.extra.n;
        sum[ev.type] += size;
        cnt[ev.type]++;
    }
    const double want[3] = {200, 500, 100};
    for (int t = 0; t < 3; t++)
        cr_assert(sum[t] / cnt[t] > want[t] - 2 && sum[t] / cnt[t] < want[t] + 2,
                  "type %d average %f", t, sum[t] / cnt[t]);
}

Test(nexmark_gen, the_same_seed_gives_the_same_events_another_seed_others)
{
    sp_nexmark_gen a, b, c;
    gen_default(&a, 42);
    gen_default(&b, 42);
    gen_default(&c, 43);
    char la[SP_NEXMARK_JSON_MAX + 1], lb[SP_NEXMARK_JSON_MAX + 1], lc[SP_NEXMARK_JSON_MAX + 1];
    int differ = 0;
    for (uint64_t n = 0; n < 2000; n++) {
        line_of(&a, n, la);
        line_of(&b, n, lb);
        line_of(&c, n, lc);
        cr_assert_str_eq(la, lb);
        differ += strcmp(la, lc) != 0;
    }
    cr_assert_gt(differ, 1990);
}

Test(nexmark_gen, event_n_is_the_same_sequentially_and_by_random_access)
{
    static const uint64_t ns[] = {0, 1, 3, 4, 49, 50, 51, 999, 12345, 49999};
    sp_nexmark_gen seq, ra;
    gen_default(&seq, 5);
    gen_default(&ra, 5);
    char a[SP_NEXMARK_JSON_MAX + 1], b[SP_NEXMARK_JSON_MAX + 1];
    size_t k = 0;
    for (uint64_t n = 0; n < 50000 && k < sizeof ns / sizeof ns[0]; n++) {
        sp_nexmark_event ev;
        sp_nexmark_fmt f;
        sp_nexmark_fmt_init(&f);
        sp_nexmark_gen_next(&seq, &ev);
        if (n != ns[k]) continue;
        a[sp_nexmark_json(&f, &ev, a)] = '\0';
        line_of(&ra, ns[sizeof ns / sizeof ns[0] - 1 - k], b); /* random order */
        line_of(&ra, n, b);
        cr_assert_str_eq(a, b, "event %llu", (unsigned long long)n);
        k++;
    }
    cr_assert_eq(k, sizeof ns / sizeof ns[0]);
}

typedef struct range_job {
    uint64_t from, to, hash;
} range_job;

/* Hashes the JSON lines of events [from, to) by random access. */
static void *range_thread(void *arg)
{
    range_job *j = arg;
    sp_nexmark_gen g;
    sp_nexmark_fmt f;
    gen_default(&g, 9);
    sp_nexmark_fmt_init(&f);
    char buf[SP_NEXMARK_JSON_MAX];
    j->hash = 0xCBF29CE484222325ULL;
    for (uint64_t n = j->from; n < j->to; n++) {
        sp_nexmark_event ev;
        sp_nexmark_gen_event(&g, n, &ev);
        j->hash = fnv(j->hash, buf, sp_nexmark_json(&f, &ev, buf));
    }
    return NULL;
}

Test(nexmark_gen, threads_generating_disjoint_ranges_get_the_sequential_events)
{
    enum { T = 4, PER = 5000 };
    range_job jobs[T];
    pthread_t th[T];
    for (int i = 0; i < T; i++) {
        jobs[i] = (range_job){.from = (uint64_t)i * PER, .to = (uint64_t)(i + 1) * PER};
        cr_assert_eq(pthread_create(&th[i], NULL, range_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < T; i++)
        pthread_join(th[i], NULL);
    /* one generator, sequentially, over the same ranges in turn */
    sp_nexmark_gen g;
    sp_nexmark_fmt f;
    gen_default(&g, 9);
    sp_nexmark_fmt_init(&f);
    char buf[SP_NEXMARK_JSON_MAX];
    for (int i = 0; i < T; i++) {
        uint64_t h = 0xCBF29CE484222325ULL;
        for (int k = 0; k < PER; k++) {
            sp_nexmark_event ev;
            sp_nexmark_gen_next(&g, &ev);
            h = fnv(h, buf, sp_nexmark_json(&f, &ev, buf));
        }
        cr_assert_eq(jobs[i].hash, h, "range %d", i);
    }
}

/* {rate, n, ms after base} from GeneratorConfig.timestampForEvent:
 * base + floor(n * 1e6 / rate) us / 1000. */
static const struct {
    double rate;
    uint64_t n;
    int64_t ms;
} time_cases[] = {
    {10000000, 0, 0}, {10000000, 9999, 0}, {10000000, 10000, 1}, {10000000, 1000000, 100},
    {10000, 1, 0},    {10000, 10, 1},      {10000, 12345, 1234}, {1000, 7, 7},
    {1, 3, 3000},     {3, 1, 333},         {3, 2, 666},          {3, 3, 1000},
};

Test(nexmark_gen, event_times_follow_the_rate)
{
    for (size_t i = 0; i < sizeof time_cases / sizeof time_cases[0]; i++) {
        sp_nexmark_config c;
        sp_nexmark_config_default(&c);
        c.rate = time_cases[i].rate;
        sp_nexmark_gen g;
        sp_nexmark_gen_init(&g, &c);
        cr_assert_eq(sp_nexmark_gen_time(&g, time_cases[i].n),
                     SP_NEXMARK_DEFAULT_BASE_TIME_MS + time_cases[i].ms, "case %zu", i);
        sp_nexmark_event ev;
        sp_nexmark_gen_event(&g, time_cases[i].n, &ev);
        int64_t t = ev.type == SP_NEXMARK_PERSON    ? ev.u.person.date_time
                    : ev.type == SP_NEXMARK_AUCTION ? ev.u.auction.date_time
                                                    : ev.u.bid.date_time;
        cr_assert_eq(t, SP_NEXMARK_DEFAULT_BASE_TIME_MS + time_cases[i].ms, "case %zu", i);
    }
}

Test(nexmark_gen, event_times_are_monotone)
{
    sp_nexmark_config c;
    sp_nexmark_config_default(&c);
    c.rate = 777;
    sp_nexmark_gen g;
    sp_nexmark_gen_init(&g, &c);
    int64_t prev = INT64_MIN;
    for (uint64_t n = 0; n < N; n++) {
        int64_t t = sp_nexmark_gen_time(&g, n);
        cr_assert_geq(t, prev);
        prev = t;
    }
    cr_assert_eq(prev,
                 SP_NEXMARK_DEFAULT_BASE_TIME_MS + (int64_t)((N - 1) * 1000000.0 / 777) / 1000);
}

static const struct {
    int64_t ms;
    const char *text;
} fmt_cases[] = {
    {0, "1970-01-01 00:00:00.000"},
    {-1, "1969-12-31 23:59:59.999"},
    {1436918400000LL, "2015-07-15 00:00:00.000"},
    {951782400123LL, "2000-02-29 00:00:00.123"},
    {1798761599999LL, "2026-12-31 23:59:59.999"},
    {4102444800000LL, "2100-01-01 00:00:00.000"},
};

Test(nexmark_gen, timestamps_format_as_sql_timestamps_in_utc)
{
    for (size_t i = 0; i < sizeof fmt_cases / sizeof fmt_cases[0]; i++) {
        char out[24] = {0};
        sp_nexmark_format_time(fmt_cases[i].ms, out);
        cr_assert_str_eq(out, fmt_cases[i].text, "case %zu", i);
    }
}

static void assert_has(const char *line, const char *needle)
{
    cr_assert(strstr(line, needle) != NULL, "'%s' not in %s", needle, line);
}

Test(nexmark_gen, json_lines_have_flink_nexmarks_shape)
{
    sp_nexmark_gen g;
    gen_default(&g, 1);
    char l[SP_NEXMARK_JSON_MAX + 1];
    size_t n = line_of(&g, 0, l);
    cr_assert_eq(l[n - 1], '\n');
    cr_assert_eq(strchr(l, '\n'), l + n - 1);
    cr_assert(strncmp(l, "{\"event_type\":0,\"person\":{\"id\":1000,\"name\":\"", 44) == 0, "%s",
              l);
    static const char *const person[] = {"\"emailAddress\":\"",
                                         "\"creditCard\":\"",
                                         "\"city\":\"",
                                         "\"state\":\"",
                                         "\"dateTime\":\"2015-07-15 00:00:00.000\"",
                                         "\"extra\":\"",
                                         "},\"auction\":null,\"bid\":null}\n"};
    for (size_t i = 0; i < sizeof person / sizeof person[0]; i++)
        assert_has(l, person[i]);
    line_of(&g, 1, l);
    static const char *const auction[] = {
        "{\"event_type\":1,\"person\":null,\"auction\":{\"id\":1000,\"itemName\":\"",
        "\"description\":\"",
        "\"initialBid\":",
        "\"reserve\":",
        "\"dateTime\":\"",
        "\"expires\":\"",
        "\"seller\":",
        "\"category\":1",
        "},\"bid\":null}\n"};
    for (size_t i = 0; i < sizeof auction / sizeof auction[0]; i++)
        assert_has(l, auction[i]);
    line_of(&g, 4, l);
    static const char *const bid[] = {
        "{\"event_type\":2,\"person\":null,\"auction\":null,\"bid\":{\"auction\":10",
        "\"bidder\":10",
        "\"price\":",
        "\"channel\":\"",
        "\"url\":\"https://www.nexmark.com/",
        "item.htm?query=1",
        "\"dateTime\":\"",
        "\"extra\":\"",
        "}}\n"};
    for (size_t i = 0; i < sizeof bid / sizeof bid[0]; i++)
        assert_has(l, bid[i]);
}

Test(nexmark_gen, formatting_reuses_the_cached_time_correctly)
{
    /* One formatter over many events (the cache) writes what a fresh one
     * does for each. */
    sp_nexmark_config c;
    sp_nexmark_config_default(&c);
    c.rate = 3000; /* several events per ms, ms and seconds change */
    sp_nexmark_gen g;
    sp_nexmark_gen_init(&g, &c);
    sp_nexmark_fmt shared;
    sp_nexmark_fmt_init(&shared);
    char a[SP_NEXMARK_JSON_MAX + 1], b[SP_NEXMARK_JSON_MAX + 1];
    for (uint64_t n = 0; n < 20000; n++) {
        sp_nexmark_event ev;
        sp_nexmark_gen_event(&g, n, &ev);
        a[sp_nexmark_json(&shared, &ev, a)] = '\0';
        line_of(&g, n, b);
        cr_assert_str_eq(a, b, "event %llu", (unsigned long long)n);
    }
}

/* A config with one bad field: the check names it. */
static const struct {
    const char *field;
    int which;
    double value;
} bad_cases[] = {
    {"rate", 0, 0},
    {"rate", 0, -5},
    {"rate", 0, 1e13},
    {"person_proportion", 1, 0},
    {"bid_proportion", 2, -1},
    {"num_active_people", 3, 0},
    {"hot_auction_ratio", 4, 0},
    {"avg_auction_byte_size", 5, 1001},
    {"first_event_id", 6, -1},
};

static void set_bad(sp_nexmark_config *c, int which, double v)
{
    switch (which) {
    case 0:
        c->rate = v;
        break;
    case 1:
        c->person_proportion = (int32_t)v;
        break;
    case 2:
        c->bid_proportion = (int32_t)v;
        break;
    case 3:
        c->num_active_people = (int32_t)v;
        break;
    case 4:
        c->hot_auction_ratio = (int32_t)v;
        break;
    case 5:
        c->avg_auction_byte_size = (int32_t)v;
        break;
    default:
        c->first_event_id = (int64_t)v;
        break;
    }
}

Test(nexmark_gen, bad_configs_are_refused_naming_the_field)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        sp_nexmark_config c;
        sp_nexmark_config_default(&c);
        set_bad(&c, bad_cases[i].which, bad_cases[i].value);
        char err[256] = "";
        cr_assert_eq(sp_nexmark_config_check(&c, err, sizeof err), -1, "case %zu", i);
        cr_assert(strstr(err, bad_cases[i].field) && strstr(err, "expected"), "case %zu: %s", i,
                  err);
    }
}

static void assert_plain(sp_nexmark_str s, uint64_t n)
{
    for (uint32_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        cr_assert(c >= 0x20 && c < 0x7F && c != '"' && c != '\\', "event %llu: byte %u",
                  (unsigned long long)n, c);
    }
}

Test(nexmark_gen, no_string_needs_json_escaping)
{
    /* sp_nexmark_json copies strings without escaping. */
    sp_nexmark_gen g;
    gen_default(&g, 3);
    for (uint64_t n = 0; n < N; n++) {
        sp_nexmark_event ev;
        sp_nexmark_gen_next(&g, &ev);
        const sp_nexmark_person *p = &ev.u.person;
        const sp_nexmark_auction *a = &ev.u.auction;
        const sp_nexmark_bid *b = &ev.u.bid;
        sp_nexmark_str s[6];
        int k = 0;
        if (ev.type == SP_NEXMARK_PERSON) {
            s[k++] = p->name, s[k++] = p->email_address, s[k++] = p->credit_card;
            s[k++] = p->city, s[k++] = p->state, s[k++] = p->extra;
        } else if (ev.type == SP_NEXMARK_AUCTION) {
            s[k++] = a->item_name, s[k++] = a->description, s[k++] = a->extra;
        } else {
            s[k++] = b->channel, s[k++] = b->url, s[k++] = b->extra;
        }
        for (int i = 0; i < k; i++)
            assert_plain(s[i], n);
    }
}
