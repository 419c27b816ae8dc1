/* agg_distinct.c - the set of (group, value) pairs a table has seen for
 * count(DISTINCT x) and collect_set: open addressing over the values'
 * spate_value_hash mixed with the group, values compared as grouping does
 * (NaN = NaN, -0.0 = 0.0). One set per call, used by the table's thread. */
#include "sql/agg_int.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

static uint64_t pair_hash(int32_t g, spate_value v)
{
    uint64_t h = spate_value_hash(v) ^ ((uint64_t)(uint32_t)g * 0x9E3779B97F4A7C15ull);
    h ^= h >> 31;
    return h | 1; /* 0 marks an empty slot */
}

static void grow(sp_agg_dset *s)
{
    uint64_t mask = s->mask ? s->mask * 2 + 1 : 255;
    uint64_t *h = sp_xcalloc(mask + 1, sizeof *h);
    int32_t *g = sp_xmalloc((mask + 1) * sizeof *g);
    spate_value *v = sp_xmalloc((mask + 1) * sizeof *v);
    for (uint64_t i = 0; s->h && i <= s->mask; i++) {
        if (!s->h[i]) continue;
        uint64_t j = s->h[i] & mask;
        while (h[j])
            j = (j + 1) & mask;
        h[j] = s->h[i];
        g[j] = s->g[i];
        v[j] = s->v[i];
    }
    free(s->h);
    free(s->g);
    free(s->v);
    s->h = h;
    s->g = g;
    s->v = v;
    s->mask = mask;
}

bool sp_agg_dset_add(sp_agg_dset *s, int32_t g, spate_value v, spate_arena *a, spate_value *stored)
{
    if ((uint64_t)(s->n + 1) * 2 > s->mask) grow(s);
    uint64_t hv = pair_hash(g, v), i = hv & s->mask;
    for (; s->h[i]; i = (i + 1) & s->mask)
        if (s->h[i] == hv && s->g[i] == g && sp_agg_value_eq(s->v[i], v)) return false;
    s->h[i] = hv;
    s->g[i] = g;
    s->v[i] = spate_value_copy(a, v);
    s->n++;
    *stored = s->v[i];
    return true;
}

void sp_agg_dset_clear(sp_agg_dset *s)
{
    if (s->h) memset(s->h, 0, (s->mask + 1) * sizeof *s->h);
    s->n = 0;
}

void sp_agg_dset_free(sp_agg_dset *s)
{
    free(s->h);
    free(s->g);
    free(s->v);
    memset(s, 0, sizeof *s);
}
