/* nexmark_gen_people.c - Nexmark Person events (PersonGenerator): id from
 * the event id, a name from the reference's first and last names, random
 * e-mail and credit card, a US city and state, padding. Calling thread of
 * the generator only (its scratch buffer). */
#include "connect/nexmark_gen_int.h"

#include <string.h>

static char *put(char *p, sp_nexmark_str s)
{
    memcpy(p, s.p, s.n);
    return p + s.n;
}

static sp_nexmark_str name(sp_nx_rng *rng, char **p)
{
    char *start = *p, *q = start;
    q = put(q, sp_nx_first_names[sp_nx_int(rng, 11)]);
    *q++ = ' ';
    q = put(q, sp_nx_last_names[sp_nx_int(rng, 9)]);
    *p = q;
    return (sp_nexmark_str){start, (uint32_t)(q - start)};
}

/* nextString(7) "@" nextString(5) ".com" */
static sp_nexmark_str email(sp_nx_rng *rng, char **p)
{
    char *start = *p;
    sp_nx_string(rng, 7, ' ', p);
    *(*p)++ = '@';
    sp_nx_string(rng, 5, ' ', p);
    memcpy(*p, ".com", 4);
    *p += 4;
    return (sp_nexmark_str){start, (uint32_t)(*p - start)};
}

/* Four groups of four digits separated by spaces ("%04d" of [0, 10000)). */
static sp_nexmark_str credit_card(sp_nx_rng *rng, char **p)
{
    char *start = *p, *q = start;
    for (int i = 0; i < 4; i++) {
        unsigned v = sp_nx_int(rng, 10000);
        if (i) *q++ = ' ';
        q[0] = (char)('0' + v / 1000);
        q[1] = (char)('0' + v / 100 % 10);
        q[2] = (char)('0' + v / 10 % 10);
        q[3] = (char)('0' + v % 10);
        q += 4;
    }
    *p = q;
    return (sp_nexmark_str){start, 19};
}

void sp_nx_person(sp_nexmark_gen *g, sp_nx_rng *rng, const sp_nx_at *at, int64_t ts,
                  sp_nexmark_person *out)
{
    char *p = g->scratch;
    out->id = at->last_person + SP_NEXMARK_FIRST_PERSON_ID;
    out->name = name(rng, &p);
    out->email_address = email(rng, &p);
    out->credit_card = credit_card(rng, &p);
    out->city = sp_nx_us_cities[sp_nx_int(rng, 10)];
    out->state = sp_nx_us_states[sp_nx_int(rng, 6)];
    out->date_time = ts;
    int size = 8 + (int)(out->name.n + out->email_address.n + out->credit_card.n + out->city.n +
                         out->state.n);
    out->extra = sp_nx_extra(rng, g->tables, size, g->cfg.avg_person_byte_size);
}
