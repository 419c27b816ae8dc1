/* progress.c - a streaming query's progress report as Spark 4.0 writes it
 * (StreamingQueryProgress.jsonValue and its parts in progress.scala,
 * rendered by json4s/Jackson: json_out.h). What Spark leaves out, this
 * leaves out: a NaN or infinite rate (safeDoubleToJValue), an empty
 * durationMs or customMetrics map (safeMapToJValue, which also sorts the
 * keys), eventTime, the sources' and sink's metrics and observedMetrics
 * (spate has none yet). Any thread; a report is read only. */
#include "sql/progress.h"

#include "base/arena.h"
#include "sql/json_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- copying ---- */

static const char *dup_str(spate_arena *a, const char *s)
{
    return s ? sp_arena_memdup(a, s, strlen(s) + 1) : NULL;
}

static void copy_state_op(spate_arena *a, sp_progress_state_op *to,
                          const sp_progress_state_op *from)
{
    *to = *from;
    to->operator_name = dup_str(a, from->operator_name);
    for (int i = 0; i < from->ncustom && i < SP_PROGRESS_MAX_CUSTOM; i++)
        to->custom[i].key = dup_str(a, from->custom[i].key);
}

static void copy_source(spate_arena *a, sp_progress_source *to, const sp_progress_source *from)
{
    *to = *from;
    to->description = dup_str(a, from->description);
    to->start_offset = dup_str(a, from->start_offset);
    to->end_offset = dup_str(a, from->end_offset);
    to->latest_offset = dup_str(a, from->latest_offset);
}

/* Everything the copy points at lives in a. Caller's thread (a's). */
sp_progress *sp_progress_copy(spate_arena *a, const sp_progress *p)
{
    sp_progress *c = spate_arena_alloc(a, sizeof *c);
    *c = *p;
    c->name = dup_str(a, p->name);
    c->sink_description = dup_str(a, p->sink_description);
    for (int i = 0; i < p->ndurations && i < SP_PROGRESS_MAX_DURATIONS; i++)
        c->durations[i].key = dup_str(a, p->durations[i].key);
    c->state_ops = p->nstate_ops > 0
                       ? spate_arena_alloc(a, (size_t)p->nstate_ops * sizeof *c->state_ops)
                       : NULL;
    for (int i = 0; i < p->nstate_ops; i++)
        copy_state_op(a, &c->state_ops[i], &p->state_ops[i]);
    c->sources =
        p->nsources > 0 ? spate_arena_alloc(a, (size_t)p->nsources * sizeof *c->sources) : NULL;
    for (int i = 0; i < p->nsources; i++)
        copy_source(a, &c->sources[i], &p->sources[i]);
    return c;
}

/* ---- JSON ---- */

static void field_i64(sp_sql_jout *w, const char *key, int64_t v)
{
    sp_sql_jout_key(w, key);
    sp_sql_jout_i64(w, v);
}

static void field_str(sp_sql_jout *w, const char *key, const char *s)
{
    sp_sql_jout_key(w, key);
    sp_sql_jout_str(w, s);
}

/* safeDoubleToJValue: NaN and infinities leave the field out. */
static void field_rate(sp_sql_jout *w, const char *key, double v)
{
    if (isnan(v) || isinf(v)) return;
    sp_sql_jout_key(w, key);
    sp_sql_jout_double(w, v);
}

/* SourceProgress.tryParse: the offset's JSON, or the text as a string when
 * it is not JSON; null when absent. */
static void field_offset(sp_sql_jout *w, const char *key, const char *json)
{
    sp_sql_jout_key(w, key);
    if (!json)
        sp_sql_jout_null(w);
    else if (!sp_sql_jout_json(w, json))
        sp_sql_jout_str(w, json);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const sp_progress_kv *)a)->key, ((const sp_progress_kv *)b)->key);
}

/* safeMapToJValue: the map with its keys sorted; nothing when empty. */
static void field_map(sp_sql_jout *w, const char *key, const sp_progress_kv *kv, int n, int max)
{
    if (n > max) n = max;
    if (n <= 0) return;
    sp_progress_kv sorted[SP_PROGRESS_MAX_DURATIONS + SP_PROGRESS_MAX_CUSTOM];
    memcpy(sorted, kv, (size_t)n * sizeof *kv);
    qsort(sorted, (size_t)n, sizeof *sorted, by_key);
    sp_sql_jout_key(w, key);
    sp_sql_jout_begin_object(w);
    for (int i = 0; i < n; i++)
        field_i64(w, sorted[i].key, sorted[i].value);
    sp_sql_jout_end_object(w);
}

static void state_op_json(sp_sql_jout *w, const sp_progress_state_op *o)
{
    sp_sql_jout_begin_object(w);
    field_str(w, "operatorName", o->operator_name);
    field_i64(w, "numRowsTotal", o->num_rows_total);
    field_i64(w, "numRowsUpdated", o->num_rows_updated);
    field_i64(w, "allUpdatesTimeMs", o->all_updates_time_ms);
    field_i64(w, "numRowsRemoved", o->num_rows_removed);
    field_i64(w, "allRemovalsTimeMs", o->all_removals_time_ms);
    field_i64(w, "commitTimeMs", o->commit_time_ms);
    field_i64(w, "memoryUsedBytes", o->memory_used_bytes);
    field_i64(w, "numRowsDroppedByWatermark", o->num_rows_dropped_by_watermark);
    field_i64(w, "numShufflePartitions", o->num_shuffle_partitions);
    field_i64(w, "numStateStoreInstances", o->num_state_store_instances);
    field_map(w, "customMetrics", o->custom, o->ncustom, SP_PROGRESS_MAX_CUSTOM);
    sp_sql_jout_end_object(w);
}

static void source_json(sp_sql_jout *w, const sp_progress_source *s)
{
    sp_sql_jout_begin_object(w);
    field_str(w, "description", s->description);
    field_offset(w, "startOffset", s->start_offset);
    field_offset(w, "endOffset", s->end_offset);
    field_offset(w, "latestOffset", s->latest_offset);
    field_i64(w, "numInputRows", s->num_input_rows);
    field_rate(w, "inputRowsPerSecond", s->input_rows_per_second);
    field_rate(w, "processedRowsPerSecond", s->processed_rows_per_second);
    sp_sql_jout_end_object(w);
}

/* "2016-12-05T20:54:20.827Z": ms since the epoch in UTC. */
static void field_iso(sp_sql_jout *w, const char *key, int64_t ms)
{
    int64_t secs = ms / 1000, milli = ms % 1000;
    if (milli < 0) {
        milli += 1000;
        secs--;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    char buf[64];
    if (!gmtime_r(&t, &tm))
        snprintf(buf, sizeof buf, "%lld", (long long)ms);
    else
        snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)milli);
    field_str(w, key, buf);
}

/* eventTime: a map sorted by key (avg, max, min, watermark); the first
 * three only when the batch saw an event time. */
static void event_time_json(sp_sql_jout *w, const sp_progress *p)
{
    if (!p->has_event_time) return;
    sp_sql_jout_key(w, "eventTime");
    sp_sql_jout_begin_object(w);
    if (p->event_time_count) {
        field_iso(w, "avg", p->event_time_avg_ms);
        field_iso(w, "max", p->event_time_max_ms);
        field_iso(w, "min", p->event_time_min_ms);
    }
    field_iso(w, "watermark", p->watermark_ms);
    sp_sql_jout_end_object(w);
}

static void progress_json(sp_sql_jout *w, const sp_progress *p)
{
    sp_sql_jout_begin_object(w);
    field_str(w, "id", p->id);
    field_str(w, "runId", p->run_id);
    field_str(w, "name", p->name);
    field_iso(w, "timestamp", p->timestamp_ms);
    field_i64(w, "batchId", p->batch_id);
    field_i64(w, "batchDuration", p->batch_duration_ms);
    field_i64(w, "numInputRows", p->num_input_rows);
    field_rate(w, "inputRowsPerSecond", p->input_rows_per_second);
    field_rate(w, "processedRowsPerSecond", p->processed_rows_per_second);
    field_map(w, "durationMs", p->durations, p->ndurations, SP_PROGRESS_MAX_DURATIONS);
    event_time_json(w, p);
    sp_sql_jout_key(w, "stateOperators");
    sp_sql_jout_begin_array(w);
    for (int i = 0; i < p->nstate_ops; i++)
        state_op_json(w, &p->state_ops[i]);
    sp_sql_jout_end_array(w);
    sp_sql_jout_key(w, "sources");
    sp_sql_jout_begin_array(w);
    for (int i = 0; i < p->nsources; i++)
        source_json(w, &p->sources[i]);
    sp_sql_jout_end_array(w);
    sp_sql_jout_key(w, "sink");
    sp_sql_jout_begin_object(w);
    field_str(w, "description", p->sink_description);
    field_i64(w, "numOutputRows", p->sink_num_output_rows);
    sp_sql_jout_end_object(w);
    sp_sql_jout_end_object(w);
}

/* The caller frees the text. Any thread. */
char *sp_progress_json(const sp_progress *p, bool pretty)
{
    sp_sql_sbuf b = {0};
    sp_sql_jout w;
    sp_sql_jout_init(&w, &b, pretty);
    progress_json(&w, p);
    return b.p;
}
