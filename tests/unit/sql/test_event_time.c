/* test_event_time.c - the watermark tracker and event-time stats
 * (event_time.h), with EventTimeWatermarkSuite's "watermark with 2
 * streams" steps (delays 10 s and 5 s, policy min), its restart, the max
 * policy, and EventTimeStats' merge. */
#include "sql/event_time.h"

#include <criterion/criterion.h>

enum { NONE = -1 };

/* One batch: each stream's largest event time in seconds (NONE: no row),
 * then the query's watermark (ms) expected after it. */
typedef struct step {
    int first, second;
    int64_t watermark_ms;
} step;

static void run_batch(sp_watermark_tracker *t, int first, int second)
{
    static const int64_t delays[] = {10000, 5000};
    sp_event_time_stats s[2];
    int secs[2] = {first, second};
    for (int i = 0; i < 2; i++) {
        sp_event_time_stats_init(&s[i]);
        if (secs[i] == NONE) continue;
        s[i].max_ms = s[i].min_ms = secs[i] * 1000;
        s[i].avg_ms = secs[i] * 1000.0;
        s[i].count = 1;
    }
    sp_watermark_tracker_update(t, s, delays);
}

/* The suite's getWatermarkAfterData: a batch of the data, then a batch of a
 * dummy 0 on the first stream. */
static void steps(sp_watermark_tracker *t, const step *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        run_batch(t, v[i].first, v[i].second);
        run_batch(t, 0, NONE);
        cr_expect_eq(t->global_ms, v[i].watermark_ms, "step %zu: %lld, expected %lld", i,
                     (long long)t->global_ms, (long long)v[i].watermark_ms);
    }
}

Test(sql_event_time, two_streams_min_policy_as_spark)
{
    static const step run1[] = {
        {11, NONE, 0}, /* 0 until both sides have data */
        {NONE, 6, 1000},    {NONE, 8, 1000},    {21, NONE, 3000},   {NONE, 39, 11000},
        {31, NONE, 21000},  {41, NONE, 31000},  {51, NONE, 34000},  {100, 100, 90000},
        {120, 110, 105000}, {130, 125, 120000}, {100, 100, 120000}, /* never goes back */
        {140, 100, 120000}, {100, 135, 130000}, {200, 190, 185000},
    };
    sp_watermark_tracker t;
    sp_watermark_tracker_init(&t, 2, false, 0);
    steps(&t, run1, sizeof run1 / sizeof run1[0]);
    int64_t saved = t.global_ms;
    sp_watermark_tracker_free(&t);

    /* After a restart the query's watermark comes back; the streams' own
     * start again, so the first must pass 185000 before it moves. */
    static const step run2[] = {{NONE, NONE, 185000}, {NONE, 200, 185000}, {200, NONE, 190000}};
    sp_watermark_tracker_init(&t, 2, false, saved);
    steps(&t, run2, sizeof run2 / sizeof run2[0]);
    sp_watermark_tracker_free(&t);
}

Test(sql_event_time, max_policy)
{
    sp_watermark_tracker t;
    sp_watermark_tracker_init(&t, 2, true, 0);
    static const int64_t delays[] = {10000, 15000};
    sp_event_time_stats s[2];
    sp_event_time_stats_init(&s[0]);
    sp_event_time_stats_init(&s[1]);
    s[0].max_ms = 20000, s[0].count = 1;
    s[1].max_ms = 30000, s[1].count = 1;
    cr_expect(sp_watermark_tracker_update(&t, s, delays));
    cr_expect_eq(t.global_ms, 15000); /* max(20 - 10, 30 - 15) */
    sp_watermark_tracker_free(&t);
}

/* EventTimeSuite's "EventTimeStats": merging keeps max, min and a mean
 * weighted by the counts. */
Test(sql_event_time, stats_merge)
{
    sp_event_time_stats a = {100, 10, 5, 20.0}, b = {80, 5, 4, 15.0}, one = {80, 80, 1, 80.0};
    sp_event_time_stats_merge(&a, &one);
    cr_expect_eq(a.max_ms, 100);
    cr_expect_eq(a.min_ms, 10);
    cr_expect_eq(a.count, 6);
    cr_expect_float_eq(a.avg_ms, 30.0, 1e-6);
    sp_event_time_stats_merge(&a, &b);
    cr_expect_eq(a.min_ms, 5);
    cr_expect_eq(a.count, 10);
    cr_expect_float_eq(a.avg_ms, 24.0, 1e-6);
}

Test(sql_event_time, observe_skips_nulls_and_floors_to_ms)
{
    spate_arena *a = spate_arena_new();
    sp_coltype type = SP_COL_TIMESTAMP;
    sp_colbatch *b = sp_colbatch_new(a, 1, &type, NULL, 3);
    sp_column *c = &b->cols[0];
    int64_t *v = c->values;
    v[0] = 1500, v[1] = -1500, v[2] = 99999999;
    sp_column_set_null(b, 0, 2);
    sp_colbatch_set_length(b, 3);
    sp_plan node = {.kind = SP_PLAN_WATERMARK};
    const sp_plan *nodes[] = {&node};
    sp_event_time_stats st;
    sp_event_time_stats_init(&st);
    sp_event_time_obs obs = {1, nodes, &st};
    sp_event_time_observe(&obs, &node, c, b->length);
    cr_expect_eq(st.count, 2);
    cr_expect_eq(st.max_ms, 1);
    cr_expect_eq(st.min_ms, -2); /* Math.floorDiv */
    spate_arena_destroy(a);
}
