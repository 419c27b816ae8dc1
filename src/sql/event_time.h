/* event_time.h - what a micro-batch saw of its event times (Spark's
 * EventTimeStats: max, min, avg and count of the watermark column, in
 * milliseconds), per WATERMARK node of the plan, and the watermark that
 * follows from them (Spark's WatermarkTracker):
 *
 *   each input's watermark = max over batches of (max event time - delay);
 *     an input without a row in the run's first batch counts as 0 from
 *     then on, else its first value counts even when negative;
 *   the query's = the min (or, with spate.sql.streaming.multipleWatermarkPolicy
 *     max, the max) of the inputs', and never goes back.
 *
 * Threads: a task fills its own sp_event_time_obs; the batch merges them on
 * the query's thread; the tracker is the query thread's. */
#ifndef SP_SQL_EVENT_TIME_H
#define SP_SQL_EVENT_TIME_H

#include "exec/colbatch.h"
#include "sql/plan.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct sp_event_time_stats {
    int64_t max_ms, min_ms, count;
    double avg_ms; /* a running mean: no sum to overflow */
} sp_event_time_stats;

/* One task's (or one batch's) stats, nodes[i]'s in stats[i]. */
typedef struct sp_event_time_obs {
    int n;
    const sp_plan *const *nodes;
    sp_event_time_stats *stats;
} sp_event_time_obs;

void sp_event_time_stats_init(sp_event_time_stats *s);
void sp_event_time_stats_merge(sp_event_time_stats *into, const sp_event_time_stats *s);
/* Adds the non-null values of c (a TIMESTAMP column, microseconds) to the
 * stats of node wm in obs (nothing when obs is NULL or lacks wm). */
void sp_event_time_observe(sp_event_time_obs *obs, const sp_plan *wm, const sp_column *c,
                           int64_t rows);

typedef struct sp_watermark_tracker {
    int n;
    int64_t *input_ms; /* per WATERMARK node */
    bool *seen;        /* input_ms holds a value of this run (0 when it had no row) */
    bool policy_max;
    int64_t global_ms;
} sp_watermark_tracker;

/* A tracker for n watermark nodes starting at global_ms (0, or what the
 * checkpoint's last batch recorded). */
void sp_watermark_tracker_init(sp_watermark_tracker *t, int n, bool policy_max, int64_t global_ms);
void sp_watermark_tracker_free(sp_watermark_tracker *t);
/* Takes a batch's stats (stats[i] of node i, delays[i] its delay); true
 * when the query's watermark moved. */
bool sp_watermark_tracker_update(sp_watermark_tracker *t, const sp_event_time_stats *stats,
                                 const int64_t *delays_ms);

#endif
