/* event_time.c - event-time stats and the watermark tracker (event_time.h). */
#include "sql/event_time.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

void sp_event_time_stats_init(sp_event_time_stats *s)
{
    s->max_ms = INT64_MIN;
    s->min_ms = INT64_MAX;
    s->count = 0;
    s->avg_ms = 0;
}

void sp_event_time_stats_merge(sp_event_time_stats *into, const sp_event_time_stats *s)
{
    if (!s->count) return;
    if (s->max_ms > into->max_ms) into->max_ms = s->max_ms;
    if (s->min_ms < into->min_ms) into->min_ms = s->min_ms;
    int64_t total = into->count + s->count;
    into->avg_ms += (s->avg_ms - into->avg_ms) * ((double)s->count / (double)total);
    into->count = total;
}

/* Java's Math.floorDiv(us, 1000): Spark's event time in ms. */
static int64_t floor_ms(int64_t us) { return us / 1000 - (us % 1000 < 0); }

void sp_event_time_observe(sp_event_time_obs *obs, const sp_plan *wm, const sp_column *c,
                           int64_t rows)
{
    int k = 0;
    while (obs && k < obs->n && obs->nodes[k] != wm)
        k++;
    if (!obs || k == obs->n) return;
    const int64_t *v = c->values;
    sp_event_time_stats b;
    sp_event_time_stats_init(&b);
    double sum = 0;
    for (int64_t i = 0; i < rows; i++) {
        if (!sp_column_valid(c, i)) continue;
        int64_t ms = floor_ms(v[i]);
        if (ms > b.max_ms) b.max_ms = ms;
        if (ms < b.min_ms) b.min_ms = ms;
        sum += (double)ms;
        b.count++;
    }
    if (b.count) b.avg_ms = sum / (double)b.count;
    sp_event_time_stats_merge(&obs->stats[k], &b);
}

void sp_watermark_tracker_init(sp_watermark_tracker *t, int n, bool policy_max, int64_t global_ms)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->policy_max = policy_max;
    t->global_ms = global_ms;
    t->input_ms = sp_xcalloc((size_t)n + 1, sizeof *t->input_ms);
    t->seen = sp_xcalloc((size_t)n + 1, sizeof *t->seen);
}

void sp_watermark_tracker_free(sp_watermark_tracker *t)
{
    free(t->input_ms);
    free(t->seen);
    memset(t, 0, sizeof *t);
}

bool sp_watermark_tracker_update(sp_watermark_tracker *t, const sp_event_time_stats *stats,
                                 const int64_t *delays_ms)
{
    for (int i = 0; i < t->n; i++) {
        /* An input without rows so far counts as 0 (Spark populates 0), and
         * from then on only a larger value replaces it. */
        if (stats[i].count) {
            int64_t w;
            if (__builtin_sub_overflow(stats[i].max_ms, delays_ms[i], &w)) w = INT64_MIN;
            if (!t->seen[i] || w > t->input_ms[i]) t->input_ms[i] = w;
        }
        t->seen[i] = true;
    }
    if (!t->n) return false;
    int64_t chosen = t->input_ms[0];
    for (int i = 1; i < t->n; i++)
        if (t->policy_max ? t->input_ms[i] > chosen : t->input_ms[i] < chosen)
            chosen = t->input_ms[i];
    if (chosen <= t->global_ms) return false;
    t->global_ms = chosen;
    return true;
}
