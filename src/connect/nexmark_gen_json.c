/* nexmark_gen_json.c - Nexmark events as JSON lines in the shape of Flink
 * Nexmark's tables (event_type, person, auction, bid; one of the three an
 * object, the others null), formatted by hand: no printf per field. The
 * generated strings hold only letters, digits, spaces and URL characters,
 * never a quote, a backslash or a control character, so they are copied
 * without escaping (the unit test checks the lines of a run). Calling thread of the sp_nexmark_fmt
 * only. */
#include "connect/nexmark_gen.h"

#include "base/datetime_text.h"

#include <assert.h>
#include <string.h>

void sp_nexmark_format_time(int64_t ms, char out[23]) { sp_format_datetime(ms, true, out); }

static void put_millis(char *p, unsigned ms)
{
    p[0] = (char)('0' + ms / 100);
    p[1] = (char)('0' + ms / 10 % 10);
    p[2] = (char)('0' + ms % 10);
}

void sp_nexmark_fmt_init(sp_nexmark_fmt *f)
{
    memset(f, 0, sizeof *f);
    f->ms[0] = f->ms[1] = INT64_MIN;
}

/* ---- writer ------------------------------------------------------------- */

typedef struct out {
    char *p;
} out;

static void lit(out *o, const char *s, size_t n)
{
    memcpy(o->p, s, n);
    o->p += n;
}
#define LIT(o, s) lit(o, s, sizeof s - 1)

static unsigned num_digits(uint64_t u)
{
    unsigned n = 1;
    for (; u >= 10000; u /= 10000)
        n += 4;
    return n + (u >= 10) + (u >= 100) + (u >= 1000);
}

/* Decimal, two digits a step, written straight into place. */
static void i64(out *o, int64_t v)
{
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930"
                                   "31323334353637383940414243444546474849505152535455565758596061"
                                   "62636465666768697071727374757677787980818283848586878889909192"
                                   "93949596979899";
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) *o->p++ = '-';
    unsigned n = num_digits(u);
    char *q = o->p + n;
    o->p = q;
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        q -= 2;
        memcpy(q, pairs + 2 * r, 2);
    }
    if (u >= 10) {
        memcpy(q - 2, pairs + 2 * u, 2);
    } else {
        q[-1] = (char)('0' + u);
    }
}

static void str(out *o, sp_nexmark_str s)
{
    *o->p++ = '"';
    lit(o, s.p, s.n);
    *o->p++ = '"';
}

/* A quoted timestamp through cache slot i: same ms -> copy; same second ->
 * only the milliseconds change. */
static void ts(out *o, sp_nexmark_fmt *f, int i, int64_t ms)
{
    if (ms != f->ms[i]) {
        if (f->ms[i] != INT64_MIN && ms >= 0 && f->ms[i] >= 0 && ms / 1000 == f->ms[i] / 1000)
            put_millis(f->text[i] + 20, (unsigned)(ms % 1000));
        else
            sp_nexmark_format_time(ms, f->text[i]);
        f->ms[i] = ms;
    }
    *o->p++ = '"';
    lit(o, f->text[i], 23);
    *o->p++ = '"';
}

static void person(out *o, sp_nexmark_fmt *f, const sp_nexmark_person *p)
{
    LIT(o, "{\"event_type\":0,\"person\":{\"id\":");
    i64(o, p->id);
    LIT(o, ",\"name\":");
    str(o, p->name);
    LIT(o, ",\"emailAddress\":");
    str(o, p->email_address);
    LIT(o, ",\"creditCard\":");
    str(o, p->credit_card);
    LIT(o, ",\"city\":");
    str(o, p->city);
    LIT(o, ",\"state\":");
    str(o, p->state);
    LIT(o, ",\"dateTime\":");
    ts(o, f, 0, p->date_time);
    LIT(o, ",\"extra\":");
    str(o, p->extra);
    LIT(o, "},\"auction\":null,\"bid\":null}\n");
}

static void auction(out *o, sp_nexmark_fmt *f, const sp_nexmark_auction *a)
{
    LIT(o, "{\"event_type\":1,\"person\":null,\"auction\":{\"id\":");
    i64(o, a->id);
    LIT(o, ",\"itemName\":");
    str(o, a->item_name);
    LIT(o, ",\"description\":");
    str(o, a->description);
    LIT(o, ",\"initialBid\":");
    i64(o, a->initial_bid);
    LIT(o, ",\"reserve\":");
    i64(o, a->reserve);
    LIT(o, ",\"dateTime\":");
    ts(o, f, 0, a->date_time);
    LIT(o, ",\"expires\":");
    ts(o, f, 1, a->expires);
    LIT(o, ",\"seller\":");
    i64(o, a->seller);
    LIT(o, ",\"category\":");
    i64(o, a->category);
    LIT(o, ",\"extra\":");
    str(o, a->extra);
    LIT(o, "},\"bid\":null}\n");
}

static void bid(out *o, sp_nexmark_fmt *f, const sp_nexmark_bid *b)
{
    LIT(o, "{\"event_type\":2,\"person\":null,\"auction\":null,\"bid\":{\"auction\":");
    i64(o, b->auction);
    LIT(o, ",\"bidder\":");
    i64(o, b->bidder);
    LIT(o, ",\"price\":");
    i64(o, b->price);
    LIT(o, ",\"channel\":");
    str(o, b->channel);
    LIT(o, ",\"url\":");
    str(o, b->url);
    LIT(o, ",\"dateTime\":");
    ts(o, f, 0, b->date_time);
    LIT(o, ",\"extra\":");
    str(o, b->extra);
    LIT(o, "}}\n");
}

size_t sp_nexmark_json(sp_nexmark_fmt *f, const sp_nexmark_event *ev, char *buf)
{
    out o = {buf};
    switch (ev->type) {
    case SP_NEXMARK_PERSON:
        person(&o, f, &ev->u.person);
        break;
    case SP_NEXMARK_AUCTION:
        auction(&o, f, &ev->u.auction);
        break;
    default:
        bid(&o, f, &ev->u.bid);
        break;
    }
    assert((size_t)(o.p - buf) <= SP_NEXMARK_JSON_MAX);
    return (size_t)(o.p - buf);
}
