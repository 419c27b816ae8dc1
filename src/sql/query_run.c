/* query_run.c - one trigger of a query: the source's latest offset, the
 * offset log, the batch, the sink, the commit log, the progress report; and
 * the re-run of an uncommitted batch at restart (query_int.h). Query
 * thread. */
#include "sql/query_int.h"

#include "base/clock.h"
#include "base/conf.h"
#include "base/log.h"
#include "sql/batch_exec.h"
#include "sql/static_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- what batch_exec reads and where it keeps state ---- */

/* The partitions of every source's part of a batch, in source order. */
typedef struct source_input {
    sp_query *q;
    void **parts;
    int *source; /* per partition: its source (= the plan's input) */
    int nparts;
} source_input;

static spate_err read_part(void *ud, int part, spate_arena *a, sp_source_emit_fn emit,
                           void *emit_ud, sp_source_counters *c, char *err, size_t n)
{
    source_input *si = ud;
    sp_source *s = si->q->sources[si->source[part]];
    return s->ops->read(s, si->parts[part], a, emit, emit_ud, c, err, n);
}

/* Whether source i has data in (start, end]. */
static bool has_range(const char *start, const char *end)
{
    return end && (!start || strcmp(start, end) != 0);
}

/* Plans every source's range into si's partitions (made in a). */
static spate_err plan_sources(sp_query *q, char *const *start, char *const *end, spate_arena *a,
                              source_input *si, char *err, size_t n)
{
    si->nparts = 0;
    void ***parts = spate_arena_alloc(a, sizeof *parts * (size_t)q->nsources);
    int *np = spate_arena_alloc(a, sizeof *np * (size_t)q->nsources), total = 0;
    for (int i = 0; i < q->nsources; i++) {
        np[i] = 0;
        sp_source *s = q->sources[i];
        spate_err e = has_range(start[i], end[i])
                          ? s->ops->plan(s, start[i], end[i], a, &parts[i], &np[i], err, n)
                          : SPATE_OK;
        if (e != SPATE_OK) return e;
        total += np[i];
    }
    si->parts = spate_arena_alloc(a, sizeof *si->parts * (size_t)(total + 1));
    si->source = spate_arena_alloc(a, sizeof *si->source * (size_t)(total + 1));
    for (int i = 0; i < q->nsources; i++)
        for (int k = 0; k < np[i]; k++) {
            si->parts[si->nparts] = parts[i][k];
            si->source[si->nparts++] = i;
        }
    return SPATE_OK;
}

/* Output batches straight to the sink's write_rows (query_run's consume). */
typedef struct sink_rows {
    sp_sink *sink;
    int64_t batch;
} sink_rows;

static bool consume_rows(void *ud, int part, const sp_colbatch *b, char *err, size_t n)
{
    sink_rows *k = ud;
    return k->sink->ops->write_rows(k->sink, k->batch, part, b, err, n) == SPATE_OK;
}

typedef struct state_hooks {
    sp_query *q;
    int64_t batch;
} state_hooks;

static spate_err state_begin(void *ud, int part, sp_state_store **store, char *err, size_t n)
{
    state_hooks *h = ud;
    sp_vstore *v = h->q->stores[part];
    sp_vstore_defer_sync(v, true); /* sync_state makes the files durable */
    spate_err e = sp_vstore_load(v, h->batch, err, n);
    *store = e == SPATE_OK ? sp_vstore_store(v) : NULL;
    return e;
}

static spate_err state_end(void *ud, int part, bool ok, char *err, size_t n)
{
    state_hooks *h = ud;
    /* A failed batch's changes are dropped by the next load of this version. */
    return ok ? sp_vstore_commit(h->q->stores[part], err, n) : SPATE_OK;
}

/* The state files of a batch made durable before its commit entry can be.
 * A restart that finds commits/N loads state version N + 1 and does not run
 * batch N again, so the entry must not reach the disk before the delta (and
 * snapshot) files of version N + 1 of every partition. The entry is written
 * without fsync (losing it only runs the batch again from its durable
 * offsets), and the stores write theirs without fsync too (deferred), so
 * one syncfs after every partition has written its files and before the
 * entry is written orders them: files, then entry. It replaces two fsyncs
 * (file, directory) per partition per batch. A temporary checkpoint is
 * removed at stop and never read by another run: nothing in it needs to
 * be durable. Query thread. */
static spate_err sync_state(sp_query *q, char *err, size_t n)
{
    if (!q->stores || q->temp_checkpoint) return SPATE_OK;
    int fd = open(q->checkpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool ok = fd >= 0 && syncfs(fd) == 0;
    if (!ok)
        snprintf(err, n, "cannot sync the state files of checkpoint %s: %s", q->checkpoint,
                 strerror(errno));
    if (fd >= 0) close(fd);
    return ok ? SPATE_OK : SPATE_ERR_IO;
}

/* ---- progress ---- */

typedef struct batch_times {
    int64_t start, latest, wal, get, planning, add, commit, end; /* monotonic ms */
} batch_times;

static void put_duration(sp_progress *p, const char *key, int64_t ms)
{
    if (p->ndurations < SP_PROGRESS_MAX_DURATIONS)
        p->durations[p->ndurations++] = (sp_progress_kv){key, ms};
}

static double per_second(int64_t rows, int64_t ms)
{
    return ms > 0 ? (double)rows * 1000.0 / (double)ms : 0.0;
}

/* eventTime: what the batch saw of the first watermark's column (Spark
 * reports the stats of all its EventTimeWatermark nodes merged) and the
 * watermark it ran with; none without a watermark. */
static void fill_event_time(sp_query *q, sp_progress *p, const sp_event_time_stats *seen)
{
    if (!q->ph.nwm) return;
    sp_event_time_stats all;
    sp_event_time_stats_init(&all);
    for (int i = 0; i < q->ph.nwm; i++)
        sp_event_time_stats_merge(&all, &seen[i]);
    p->has_event_time = true;
    p->event_time_count = all.count;
    p->event_time_max_ms = all.max_ms;
    p->event_time_min_ms = all.min_ms;
    p->event_time_avg_ms = (int64_t)all.avg_ms;
    p->watermark_ms = q->batch_wm_ms;
}

/* One sources[] entry per source, made in a. */
static void fill_sources(sp_query *q, sp_progress *p, char *const *start, char *const *end,
                         const int64_t *rows, int64_t ms, spate_arena *a)
{
    sp_progress_source *src = spate_arena_alloc(a, sizeof *src * (size_t)q->nsources);
    for (int i = 0; i < q->nsources; i++)
        src[i] = (sp_progress_source){q->sources[i]->ops->description(q->sources[i]),
                                      start[i],
                                      end[i],
                                      end[i],
                                      rows[i],
                                      per_second(rows[i], ms),
                                      per_second(rows[i], ms)};
    p->nsources = q->nsources;
    p->sources = src;
}

static void fill_progress(sp_query *q, sp_progress *p, int64_t batch, const batch_times *t,
                          const sp_batch_stats *st, sp_progress_state_op *op)
{
    memset(p, 0, sizeof *p);
    memcpy(p->id, q->id, sizeof p->id);
    memcpy(p->run_id, q->run_id, sizeof p->run_id);
    p->name = q->spec.name;
    p->timestamp_ms = q->batch_time_ms;
    p->batch_id = batch;
    p->batch_duration_ms = t->end - t->start;
    p->num_input_rows = st->input_rows;
    p->processed_rows_per_second = per_second(st->input_rows, t->end - t->start);
    p->input_rows_per_second = p->processed_rows_per_second;
    put_duration(p, "addBatch", t->add - t->planning);
    put_duration(p, "commitOffsets", t->commit - t->add);
    put_duration(p, "getBatch", t->get - t->wal);
    put_duration(p, "latestOffset", t->latest - t->start);
    put_duration(p, "queryPlanning", t->planning - t->get);
    put_duration(p, "triggerExecution", t->end - t->start);
    put_duration(p, "walCommit", t->wal - t->latest);
    if (sp_physical_stateful(&q->ph)) {
        memset(op, 0, sizeof *op);
        op->operator_name = q->ph.sjoin        ? "symmetricHashJoin"
                            : q->ph.agg->dedup ? "dedupe"
                                               : "stateStoreSave";
        if (q->ph.agg && q->ph.agg->dedup) /* rows in, less the new keys out */
            op->custom[op->ncustom++] = (sp_progress_kv){"numDroppedDuplicateRows",
                                                         st->dedup_rows - st->state_rows_updated};
        op->num_rows_total = st->state_rows_total;
        op->num_rows_updated = st->state_rows_updated;
        op->num_rows_removed = st->state_rows_removed;
        op->all_updates_time_ms = st->state_update_ms;
        op->all_removals_time_ms = st->state_removal_ms;
        op->commit_time_ms = st->state_commit_ms;
        op->num_rows_dropped_by_watermark = st->rows_dropped_by_watermark;
        op->memory_used_bytes = st->state_memory_bytes;
        op->num_shuffle_partitions = q->nshuffle;
        op->num_state_store_instances = q->nshuffle;
        p->nstate_ops = 1;
        p->state_ops = op;
    }
    p->sink_description = q->sink->ops->description(q->sink);
    p->sink_num_output_rows = st->output_rows;
}

/* ---- one batch ---- */

/* Whether the query's state expires with the watermark: an aggregation
 * keyed by an event-time column in append or update mode. */
static bool uses_watermark(const sp_query *q)
{
    return q->ph.wm_state && q->spec.mode != SP_OUTPUT_COMPLETE;
}

/* After a batch: the watermark from what it saw, and whether a batch with
 * no new data is due because the watermark moved past the one this batch
 * evicted with (Spark's shouldRunAnotherBatch). */
static void advance_watermark(sp_query *q, const sp_event_time_stats *seen)
{
    sp_watermark_tracker_update(&q->wm, seen, q->ph.wm_delays_ms);
    q->another_batch = uses_watermark(q) && q->wm.global_ms > q->batch_wm_ms &&
                       sp_conf_bool(q->spec.conf, "spate.sql.streaming.noDataMicroBatches.enabled");
}

/* Runs batch over each source's (start, end] and hands its output to the
 * sink; the rows read per source in rows[]. */
static spate_err run_batch(sp_query *q, int64_t batch, char *const *start, char *const *end,
                           batch_times *t, sp_batch_stats *stats, int64_t *rows,
                           sp_event_time_stats *seen, char *err, size_t n)
{
    spate_arena *a = spate_arena_new();
    source_input si = {q, NULL, NULL, 0};
    spate_err e = plan_sources(q, start, end, a, &si, err, n);
    t->get = t->planning = sp_monotonic_ms();
    if (e != SPATE_OK) {
        spate_arena_destroy(a);
        return e;
    }
    sp_join_table **joins = NULL;
    if (q->ph.njoins &&
        !(joins = sp_join_tables_build(&q->ph, q->spec.pool, q->spec.conf, q->spec.tz, err, n))) {
        spate_arena_destroy(a);
        return SPATE_ERR_USER;
    }
    sp_batch_input in = {si.nparts, read_part, &si, si.source, rows};
    state_hooks hooks = {q, batch};
    sp_batch_state state = {q->nshuffle, state_begin, state_end, &hooks};
    sp_batch_env env = {.pool = q->spec.pool,
                        .tz = q->spec.tz,
                        .ansi = sp_conf_bool(q->spec.conf, "spate.sql.ansi.enabled"),
                        .now_us = q->batch_time_ms * 1000,
                        .mode = q->spec.mode,
                        .state = &state,
                        .join_tables = joins,
                        .use_watermark = uses_watermark(q),
                        .watermark_us = q->batch_wm_ms * 1000,
                        .keep_late = q->late != NULL,
                        .event_time = seen};
    sink_rows sr = {q->sink, batch};
    if (q->sink->ops->write_rows && !sp_physical_stateful(&q->ph)) {
        env.consume = consume_rows;
        env.consume_ud = &sr;
    }
    sp_batch_result res;
    e = sp_batch_run(&q->ph, &in, &env, &res);
    sp_join_tables_free(joins, q->ph.njoins);
    if (e != SPATE_OK) snprintf(err, n, "%s", res.error);
    if (e == SPATE_OK) e = sp_query_write_late(q, batch, res.late, res.nlate, err, n);
    if (e == SPATE_OK)
        e = q->sink->ops->add_batch(q->sink, batch, q->spec.mode,
                                    (const sp_colbatch *const *)res.batches, res.nbatches, err, n);
    if (e == SPATE_OK) q->sink->rows_written += res.stats.output_rows + res.stats.consumed_rows;
    res.stats.output_rows += res.stats.consumed_rows;
    *stats = res.stats;
    t->add = sp_monotonic_ms();
    sp_batch_result_free(&res);
    spate_arena_destroy(a);
    return e;
}

/* Runs batch and commits it: commits/N, then the sources may forget. */
static spate_err run_and_commit(sp_query *q, int64_t batch, char *const *start, char *const *end,
                                batch_times *t, char *err, size_t n)
{
    sp_batch_stats stats = {0};
    spate_arena *a = spate_arena_new();
    int64_t *rows = spate_arena_alloc(a, sizeof *rows * (size_t)q->nsources);
    memset(rows, 0, sizeof *rows * (size_t)q->nsources);
    sp_event_time_stats *seen = spate_arena_alloc(a, sizeof *seen * (size_t)(q->ph.nwm + 1));
    for (int i = 0; i < q->ph.nwm; i++)
        sp_event_time_stats_init(&seen[i]);
    spate_err e = run_batch(q, batch, start, end, t, &stats, rows, seen, err, n);
    if (e == SPATE_OK) advance_watermark(q, seen);
    if (e == SPATE_OK) e = sync_state(q, err, n);
    if (e == SPATE_OK) e = sp_query_write_commit(q, batch, err, n);
    for (int i = 0; e == SPATE_OK && i < q->nsources; i++)
        if (q->sources[i]->ops->commit && end[i]) q->sources[i]->ops->commit(q->sources[i], end[i]);
    if (e == SPATE_OK) {
        t->commit = t->end = sp_monotonic_ms();
        sp_progress p;
        sp_progress_state_op op;
        fill_progress(q, &p, batch, t, &stats, &op);
        fill_event_time(q, &p, seen);
        fill_sources(q, &p, start, end, rows, t->end - t->start, a);
        sp_query_publish(q, &p);
    }
    spate_arena_destroy(a);
    return e;
}

/* Batch ran and committed: its ends (taken) become the committed offsets. */
static void advance(sp_query *q, int64_t batch, char **end)
{
    for (int i = 0; i < q->nsources; i++) {
        free(q->committed[i]);
        q->committed[i] = end[i];
        end[i] = NULL;
    }
    q->next_batch = batch + 1;
    sp_query_purge(q);
}

/* The offset to read up to: the source's latest, within its per-trigger
 * limits; for Trigger.Once all the data there is (asked until it stops
 * moving), since Spark's Once reads everything available in one batch,
 * whatever maxFilesPerTrigger says. */
static spate_err latest_offset(sp_query *q, int i, char **out, char *err, size_t n)
{
    sp_source *s = q->sources[i];
    char *latest = NULL;
    spate_err e = s->ops->latest(s, q->committed[i], &latest, err, n);
    for (int i = 0;
         e == SPATE_OK && latest && q->spec.trigger.kind == SP_TRIGGER_ONCE && i < 100000; i++) {
        char *next = NULL;
        e = s->ops->latest(s, latest, &next, err, n);
        bool moved = e == SPATE_OK && next && strcmp(next, latest) != 0;
        if (!moved) {
            free(next);
            break;
        }
        free(latest);
        latest = next;
    }
    *out = latest;
    return e;
}

/* Each source's latest offset into latest[]; *moved when one has data
 * past what is committed. */
static spate_err latest_offsets(sp_query *q, char **latest, bool *moved, char *err, size_t n)
{
    *moved = false;
    for (int i = 0; i < q->nsources; i++) {
        spate_err e = latest_offset(q, i, &latest[i], err, n);
        if (e != SPATE_OK) return e;
        if (!latest[i] && q->committed[i]) latest[i] = sp_xstrdup(q->committed[i]);
        *moved = *moved || has_range(q->committed[i], latest[i]);
    }
    return SPATE_OK;
}

spate_err sp_query_trigger(sp_query *q, bool *ran, char *err, size_t n)
{
    *ran = false;
    batch_times t = {0};
    t.start = sp_monotonic_ms();
    q->batch_time_ms = spate_clock_now(q->spec.clock);
    char **latest = sp_xcalloc((size_t)q->nsources, sizeof *latest);
    bool moved = false;
    spate_err e = latest_offsets(q, latest, &moved, err, n);
    t.latest = sp_monotonic_ms();
    /* Trigger.Once runs one batch, never one without data (as Spark). */
    bool no_data = !moved && q->another_batch && q->spec.trigger.kind != SP_TRIGGER_ONCE;
    if (e == SPATE_OK && (moved || no_data)) {
        sp_query_set_status(q, "Processing new data", true, true);
        int64_t batch = q->next_batch;
        q->batch_wm_ms = q->wm.global_ms;
        e = sp_query_write_offsets(q, batch, latest, err, n);
        t.wal = sp_monotonic_ms();
        if (e == SPATE_OK) e = run_and_commit(q, batch, q->committed, latest, &t, err, n);
        if (e == SPATE_OK) advance(q, batch, latest);
        *ran = e == SPATE_OK;
    }
    sp_query_offsets_clear(latest, q->nsources);
    free(latest);
    return e;
}

/* Re-runs batch last, whose offsets were written but not its commit, from
 * the offsets of the batch before it. */
static spate_err rerun(sp_query *q, int64_t last, char **end, char *err, size_t n)
{
    char **start = sp_xcalloc((size_t)q->nsources, sizeof *start);
    spate_err e = last > 0 ? sp_query_read_offsets(q, last - 1, start, err, n) : SPATE_OK;
    for (int i = 0; i < q->nsources; i++) {
        free(q->committed[i]);
        q->committed[i] = start[i];
    }
    free(start);
    if (e != SPATE_OK) return e;
    sp_log(SP_LOG_INFO, "MicroBatchExecution",
           "Resuming at batch %" PRId64 ": its offsets were written but not its commit", last);
    int64_t ts = sp_query_offsets_timestamp(q, last); /* current_timestamp() as before */
    q->batch_time_ms = ts >= 0 ? ts : spate_clock_now(q->spec.clock);
    q->batch_wm_ms = sp_query_offsets_watermark(q, last); /* and the same watermark */
    batch_times t = {0};
    t.start = t.latest = t.wal = sp_monotonic_ms();
    return run_and_commit(q, last, q->committed, end, &t, err, n);
}

spate_err sp_query_recover(sp_query *q, char *err, size_t n)
{
    int64_t last;
    q->next_batch = 0;
    if (sp_entry_log_latest(&q->offsets, &last) != SPATE_OK) return SPATE_OK;
    char **end = sp_xcalloc((size_t)q->nsources, sizeof *end);
    spate_err e = sp_query_read_offsets(q, last, end, err, n);
    int64_t committed = -1;
    bool done = sp_entry_log_latest(&q->commits, &committed) == SPATE_OK && committed >= last;
    /* The watermark resumes where the checkpoint left it; the inputs' own
     * watermarks start again, as Spark's WatermarkTracker after a restart. */
    q->batch_wm_ms = sp_query_offsets_watermark(q, last);
    int64_t next = done ? sp_query_commit_watermark(q, last) : 0;
    q->wm.global_ms = next > q->batch_wm_ms ? next : q->batch_wm_ms;
    /* A run killed between a batch and the batch without data its
     * watermark called for: the next run starts with that batch, so that
     * what it emits does not wait for new data. */
    q->another_batch = done && uses_watermark(q) && q->wm.global_ms > q->batch_wm_ms &&
                       sp_conf_bool(q->spec.conf, "spate.sql.streaming.noDataMicroBatches.enabled");
    if (e == SPATE_OK && !done) e = rerun(q, last, end, err, n);
    if (e == SPATE_OK) advance(q, last, end);
    sp_query_offsets_clear(end, q->nsources);
    free(end);
    return e;
}
