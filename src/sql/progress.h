/* progress.h - a streaming query's progress report for one trigger (Spark's
 * StreamingQueryProgress) and its JSON, with Spark's field names, order and
 * number formats:
 *   json():       compact, one line (what the query logs at INFO)
 *   prettyJson:   Spark's toString, two-space indent, "key" : value
 * Doubles print as Jackson prints Java doubles (Double.toString: 120.0,
 * 1.0E-4); a NaN or infinite rate is left out, as Spark 4.0's
 * safeDoubleToJValue does; durationMs and customMetrics come out sorted by
 * key (safeMapToJValue) and are left out when empty; timestamp is ISO-8601
 * UTC with milliseconds ("2026-12-07T16:45:24.873Z"); name is null when
 * unset; offsets are the sources' own JSON, embedded as JSON (null when
 * absent; a string when the text is not JSON).
 *
 * A report is a plain value: the query fills one per trigger and publishes a
 * copy; any thread may read a published one. */
#ifndef SP_SQL_PROGRESS_H
#define SP_SQL_PROGRESS_H

#include <spate/value.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SP_PROGRESS_MAX_DURATIONS = 12, SP_PROGRESS_MAX_CUSTOM = 8 };

typedef struct sp_progress_kv {
    const char *key; /* static: "triggerExecution", "addBatch" ... */
    int64_t value;
} sp_progress_kv;

typedef struct sp_progress_state_op {
    const char *operator_name; /* "stateStoreSave" */
    int64_t num_rows_total, num_rows_updated, all_updates_time_ms;
    int64_t num_rows_removed, all_removals_time_ms, commit_time_ms;
    int64_t memory_used_bytes, num_rows_dropped_by_watermark;
    int64_t num_shuffle_partitions, num_state_store_instances;
    int ncustom;
    sp_progress_kv custom[SP_PROGRESS_MAX_CUSTOM]; /* customMetrics, any order */
} sp_progress_state_op;

typedef struct sp_progress_source {
    const char *description;
    const char *start_offset;  /* JSON text or NULL */
    const char *end_offset;    /* JSON text or NULL */
    const char *latest_offset; /* JSON text or NULL */
    int64_t num_input_rows;
    double input_rows_per_second, processed_rows_per_second;
} sp_progress_source;

typedef struct sp_progress {
    char id[37], run_id[37]; /* UUIDs, lower-case */
    const char *name;        /* NULL: null */
    int64_t timestamp_ms;    /* the trigger's start */
    int64_t batch_id;
    int64_t batch_duration_ms;
    int64_t num_input_rows;
    double input_rows_per_second, processed_rows_per_second;
    int ndurations;
    sp_progress_kv durations[SP_PROGRESS_MAX_DURATIONS]; /* durationMs, any order */
    int nstate_ops;
    sp_progress_state_op *state_ops;
    int nsources;
    sp_progress_source *sources;
    const char *sink_description;
    int64_t sink_num_output_rows; /* -1 when the sink does not tell */
    /* eventTime (a query with a watermark): avg/max/min of the event times
     * the batch saw (when it saw any) and the watermark it ran with, ms. */
    bool has_event_time;
    int64_t event_time_count, event_time_max_ms, event_time_min_ms, event_time_avg_ms;
    int64_t watermark_ms;
} sp_progress;

/* Deep copy of p in a (strings and arrays too). */
sp_progress *sp_progress_copy(spate_arena *a, const sp_progress *p);
/* Spark's json (compact) or prettyJson of p, malloc'd. */
char *sp_progress_json(const sp_progress *p, bool pretty);

#endif
