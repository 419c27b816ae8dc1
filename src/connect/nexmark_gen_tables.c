/* nexmark_gen_tables.c - the Nexmark generator's fixed tables: the
 * reference's US states, cities and names, and the tables built once per
 * process from a fixed seed (the 1 MiB padding string, the hot channels'
 * URLs, the 10 000 channels and their URLs, the powers of two of prices). */
#include "connect/nexmark_gen_int.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define S(lit)                                                                                     \
    {                                                                                              \
        lit, sizeof lit - 1                                                                        \
    }

/* PersonGenerator's lists (few states so queries find matches). */
const sp_nexmark_str sp_nx_us_states[6] = {S("AZ"), S("CA"), S("ID"), S("OR"), S("WA"), S("WY")};
const sp_nexmark_str sp_nx_us_cities[10] = {
    S("Phoenix"), S("Los Angeles"), S("San Francisco"), S("Boise"), S("Portland"),
    S("Bend"),    S("Redmond"),     S("Seattle"),       S("Kent"),  S("Cheyenne")};
const sp_nexmark_str sp_nx_first_names[11] = {S("Peter"), S("Paul"),   S("Luke"),  S("John"),
                                              S("Saul"),  S("Vicky"),  S("Kate"),  S("Julie"),
                                              S("Sarah"), S("Deiter"), S("Walter")};
const sp_nexmark_str sp_nx_last_names[9] = {S("Shultz"), S("Abrams"),  S("Spencer"),
                                            S("White"),  S("Bartels"), S("Walton"),
                                            S("Smith"),  S("Jones"),   S("Noris")};

/* The seed of the process-wide tables (any fixed value: same tables in every
 * run and every process). */
#define TABLES_SEED 0x6E65786D61726B31ULL /* "nexmark1" */

enum { CHANNEL_NAME_MAX = 16, URL_MAX = 96 };

static sp_nx_tables tables;
static char extra_buf[SP_NX_EXTRA_LEN];
static char names_buf[SP_NX_NUM_CHANNELS][CHANNEL_NAME_MAX];
static char urls_buf[SP_NX_NUM_CHANNELS + SP_NX_NUM_HOT_CHANNELS][URL_MAX];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* BidGenerator.getBaseUrl: three random path parts of 3..4 letters or '_'. */
static size_t base_url(sp_nx_rng *rng, char *out)
{
    static const char prefix[] = "https://www.nexmark.com/", suffix[] = "item.htm?query=1";
    char *p = out;
    memcpy(p, prefix, sizeof prefix - 1);
    p += sizeof prefix - 1;
    for (int i = 0; i < 3; i++) {
        sp_nx_string(rng, 5, '_', &p);
        *p++ = '/';
    }
    memcpy(p, suffix, sizeof suffix - 1);
    p += sizeof suffix - 1;
    return (size_t)(p - out);
}

/* |Integer.reverse(i)| as Java computes it (abs of MIN_VALUE stays MIN_VALUE). */
static int64_t java_abs_reverse(uint32_t i)
{
    uint32_t r = 0;
    for (int b = 0; b < 32; b++, i >>= 1)
        r = (r << 1) | (i & 1);
    int64_t v = (int32_t)r;
    return v == INT32_MIN ? v : (v < 0 ? -v : v);
}

static void build_channels(sp_nx_rng *rng)
{
    static const char *const hot[SP_NX_NUM_HOT_CHANNELS] = {"Google", "Facebook", "Baidu", "Apple"};
    for (int i = 0; i < SP_NX_NUM_HOT_CHANNELS; i++) {
        char *u = urls_buf[SP_NX_NUM_CHANNELS + i];
        tables.hot_channel[i] = (sp_nexmark_str){hot[i], (uint32_t)strlen(hot[i])};
        tables.hot_url[i] = (sp_nexmark_str){u, (uint32_t)base_url(rng, u)};
    }
    for (uint32_t i = 0; i < SP_NX_NUM_CHANNELS; i++) {
        char *u = urls_buf[i];
        size_t n = base_url(rng, u);
        if (sp_nx_int(rng, 10) > 0)
            n += (size_t)snprintf(u + n, URL_MAX - n, "&channel_id=%lld",
                                  (long long)java_abs_reverse(i));
        tables.channel_url[i] = (sp_nexmark_str){u, (uint32_t)n};
        int m = snprintf(names_buf[i], CHANNEL_NAME_MAX, "channel-%u", i);
        tables.channel[i] = (sp_nexmark_str){names_buf[i], (uint32_t)m};
    }
}

static void build_tables(void)
{
    sp_nx_rng rng = sp_nx_rng_make(TABLES_SEED);
    for (size_t i = 0; i < SP_NX_EXTRA_LEN; i++)
        extra_buf[i] = (char)('a' + sp_nx_int(&rng, 26));
    tables.extra = extra_buf;
    build_channels(&rng);
    for (int k = 0; k < SP_NX_POW2_STEPS; k++)
        tables.pow2[k] = exp2((double)k / SP_NX_POW2_STEPS);
}

const sp_nx_tables *sp_nx_tables_get(void)
{
    pthread_once(&tables_once, build_tables);
    return &tables;
}
