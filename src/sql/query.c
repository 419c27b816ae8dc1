/* query.c - a streaming query's life: start, its thread's trigger loop,
 * stop, waiting, processAllAvailable (query.h). */
#include "sql/query_int.h"

#include "base/clock.h"
#include "base/conf.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "sql/unsupported_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int64_t clock_now(void *ud) { return spate_clock_now(ud); }

/* Waits on q->cv for at most ms of real time (mu held). */
static void timed_wait(sp_query *q, int64_t ms)
{
    struct timespec ts;
    sp_realtime_deadline(&ts, ms);
    pthread_cond_timedwait(&q->cv, &q->mu, &ts);
}

/* Until the next trigger is due: the next multiple of the interval on the
 * query's clock (ProcessingTime), or a polling delay when the last trigger
 * found no data (default trigger); a stop or processAllAvailable cuts it
 * short. Real-time slices let a manual clock be re-read. */
static void wait_next_trigger(sp_query *q, bool ran, int64_t wake)
{
    const sp_trigger *t = &q->spec.trigger;
    pthread_mutex_lock(&q->mu);
    if (t->kind == SP_TRIGGER_PROCESSING_TIME) {
        int64_t iv = t->interval_ms, target = (q->batch_time_ms / iv + 1) * iv;
        while (!q->stop_requested && spate_clock_now(q->spec.clock) < target)
            timed_wait(q, 10);
    } else if (!ran) {
        /* wake: its value when the trigger began; a processAllAvailable
         * since then wants the next trigger now. */
        int64_t delay = sp_conf_duration(q->spec.conf, "spate.sql.streaming.pollingDelay");
        if (!q->stop_requested && q->wake == wake) timed_wait(q, delay > 0 ? delay : 1);
    }
    pthread_mutex_unlock(&q->mu);
}

static bool stop_requested(sp_query *q)
{
    pthread_mutex_lock(&q->mu);
    bool s = q->stop_requested;
    pthread_mutex_unlock(&q->mu);
    return s;
}

/* Records the end of a trigger for processAllAvailable's waiters. */
static void trigger_done(sp_query *q, bool ran, int64_t started)
{
    pthread_mutex_lock(&q->mu);
    q->triggers_done = started;
    if (!ran) q->idle_triggers = started;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    if (!ran) sp_query_set_status(q, "Waiting for data to arrive", false, false);
}

static void terminate(sp_query *q, const char *error)
{
    pthread_mutex_lock(&q->mu);
    if (error) q->exception = strdup(error);
    q->active = false;
    q->terminated = true;
    q->status_message = "Stopped";
    q->trigger_active = q->data_available = false;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    if (error)
        sp_log(SP_LOG_ERROR, "MicroBatchExecution",
               "Query %s [id = %s, runId = %s] terminated with error: %s",
               q->spec.name ? q->spec.name : "", q->id, q->run_id, error);
    for (int i = 0; i < q->spec.nlisteners; i++)
        if (q->spec.listeners[i].terminated)
            q->spec.listeners[i].terminated(q->id, q->run_id, error, q->spec.listeners[i].ud);
}

static void *query_main(void *arg)
{
    sp_query *q = arg;
    char err[2048] = "";
    spate_err e = sp_query_recover(q, err, sizeof err);
    sp_trigger_kind kind = q->spec.trigger.kind;
    for (int i = 0; e == SPATE_OK && i < q->nsources; i++)
        if ((kind == SP_TRIGGER_AVAILABLE_NOW || kind == SP_TRIGGER_ONCE) &&
            q->sources[i]->ops->prepare_available_now)
            q->sources[i]->ops->prepare_available_now(q->sources[i]);
    for (int64_t n = 1; e == SPATE_OK && !stop_requested(q); n++) {
        pthread_mutex_lock(&q->mu);
        int64_t wake = q->wake;
        pthread_mutex_unlock(&q->mu);
        sp_query_set_status(q, "Getting offsets from source", false, true);
        bool ran = false;
        e = sp_query_trigger(q, &ran, err, sizeof err);
        if (e != SPATE_OK) break;
        trigger_done(q, ran, n);
        sp_trigger_kind k = q->spec.trigger.kind;
        if (k == SP_TRIGGER_ONCE || (k == SP_TRIGGER_AVAILABLE_NOW && !ran)) break;
        wait_next_trigger(q, ran, wake);
    }
    terminate(q, e == SPATE_OK ? NULL : (err[0] ? err : spate_err_str(e)));
    return NULL;
}

/* ---- start ---- */

static spate_err open_stores(sp_query *q, char *err, size_t n)
{
    if (!sp_physical_stateful(&q->ph)) return SPATE_OK;
    sp_vstore_conf c = {
        (int)sp_conf_i64(q->spec.conf, "spate.sql.streaming.stateStore.minDeltasForSnapshot"),
        (int)sp_conf_i64(q->spec.conf, "spate.sql.streaming.minBatchesToRetain")};
    q->stores = calloc((size_t)q->nshuffle, sizeof *q->stores);
    if (!q->stores) abort();
    for (int p = 0; p < q->nshuffle; p++) {
        char dir[4300];
        snprintf(dir, sizeof dir, "%s/state/0/%d", q->checkpoint, p);
        if (!(q->stores[p] = sp_vstore_open(dir, &c))) {
            snprintf(err, n, "cannot open the state store %s", dir);
            return SPATE_ERR_IO;
        }
    }
    return SPATE_OK;
}

/* Opens the sources, each with its own log under sources/<i>. */
static spate_err open_sources(sp_query *q, char *err, size_t n)
{
    q->nsources = q->spec.nsources;
    q->sources = sp_xcalloc((size_t)q->nsources + 1, sizeof *q->sources);
    q->committed = sp_xcalloc((size_t)q->nsources + 1, sizeof *q->committed);
    for (int i = 0; i < q->nsources; i++) {
        char dir[4300];
        snprintf(dir, sizeof dir, "%s/sources/%d", q->checkpoint, i);
        sp_source_env env = {.checkpoint_dir = dir,
                             .tz = q->spec.tz,
                             .ansi = sp_conf_bool(q->spec.conf, "spate.sql.ansi.enabled"),
                             .conf = q->spec.conf,
                             .now_ms = clock_now,
                             .clock_ud = q->spec.clock,
                             .temporary = q->temp_checkpoint};
        if (!(q->sources[i] = sp_source_open(q->spec.sources[i], &env, err, n)))
            return SPATE_ERR_INVALID_ARG;
    }
    return SPATE_OK;
}

static spate_err open_io(sp_query *q, char *err, size_t n)
{
    spate_err e = open_sources(q, err, n);
    if (e != SPATE_OK) return e;
    sp_sink_env senv = {q->spec.name, q->spec.tz, q->spec.console ? q->spec.console : stdout};
    if (!(q->sink = sp_sink_open(q->spec.sink, q->ph.schema, &senv, err, n)))
        return SPATE_ERR_INVALID_ARG;
    /* Nothing keeps the sources' batches past their task's pipeline. */
    for (int i = 0; i < q->nsources; i++)
        q->sources[i]->reuse_batches =
            q->ph.agg || (q->sink->ops->write_rows && !q->ph.sjoin); /* a join keeps them */
    return SPATE_OK;
}

static spate_err check_plan(const sp_query_spec *spec, char *err, size_t n)
{
    if (!sp_check_streaming_plan(spec->plan, spec->mode, err, n)) return SPATE_ERR_INVALID_ARG;
    const char *why = sp_sink_check_mode(spec->sink, spec->mode);
    if (why) {
        snprintf(err, n, "%s", why);
        return SPATE_ERR_INVALID_ARG;
    }
    return SPATE_OK;
}

static sp_query *query_new(const sp_query_spec *spec)
{
    sp_query *q = calloc(1, sizeof *q);
    if (!q) abort();
    q->spec = *spec;
    q->arena = spate_arena_new();
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->status_message = "Initializing sources";
    q->recent_cap = (int)sp_conf_i64(spec->conf, "spate.sql.streaming.numRecentProgressUpdates");
    q->recent = calloc((size_t)q->recent_cap + 1, sizeof *q->recent);
    q->recent_arenas = calloc((size_t)q->recent_cap + 1, sizeof *q->recent_arenas);
    if (!q->recent || !q->recent_arenas) abort();
    return q;
}

sp_query *sp_query_start(const sp_query_spec *spec, char *err, size_t n)
{
    if (check_plan(spec, err, n) != SPATE_OK) {
        sp_sink_def_free(spec->late_sink);
        return NULL;
    }
    sp_query *q = query_new(spec);
    spate_err e =
        sp_physical_plan(&q->ph, spec->plan, q->arena, err, n) ? SPATE_OK : SPATE_ERR_INVALID_ARG;
    if (e == SPATE_OK && spec->late_sink) /* late rows are written whole */
        sp_physical_read_all_agg_input(&q->ph, q->arena);
    if (e == SPATE_OK)
        sp_watermark_tracker_init(
            &q->wm, q->ph.nwm,
            !strcasecmp(spate_conf_get(spec->conf, "spate.sql.streaming.multipleWatermarkPolicy"),
                        "max"),
            0);
    if (e == SPATE_OK) e = sp_query_open_checkpoint(q, err, n);
    if (e == SPATE_OK) e = open_stores(q, err, n);
    if (e == SPATE_OK) e = open_io(q, err, n);
    if (e == SPATE_OK) e = sp_query_open_late(q, err, n);
    if (e != SPATE_OK) {
        q->terminated = true;
        sp_query_free(q);
        return NULL;
    }
    q->active = true;
    for (int i = 0; i < spec->nlisteners; i++)
        if (spec->listeners[i].started)
            spec->listeners[i].started(q->id, q->run_id, spec->name, spec->listeners[i].ud);
    if (pthread_create(&q->thread, NULL, query_main, q) != 0) abort();
    q->thread_started = true;
    return q;
}

/* ---- callers ---- */

void sp_query_stop(sp_query *q)
{
    pthread_mutex_lock(&q->mu);
    q->stop_requested = true;
    pthread_cond_broadcast(&q->cv);
    /* One caller joins the thread; any other waits until it has. */
    bool join = q->thread_started && !q->joining;
    q->joining = q->joining || join;
    while (!join && q->thread_started)
        pthread_cond_wait(&q->cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
    if (!join) return;
    pthread_join(q->thread, NULL);
    pthread_mutex_lock(&q->mu);
    q->thread_started = false;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

bool sp_query_await(sp_query *q, int64_t timeout_ms)
{
    int64_t deadline = sp_monotonic_ms() + timeout_ms;
    pthread_mutex_lock(&q->mu);
    while (!q->terminated) {
        if (timeout_ms < 0) {
            pthread_cond_wait(&q->cv, &q->mu);
            continue;
        }
        int64_t left = deadline - sp_monotonic_ms();
        if (left <= 0) break;
        timed_wait(q, left);
    }
    bool done = q->terminated;
    pthread_mutex_unlock(&q->mu);
    return done;
}

spate_err sp_query_process_all_available(sp_query *q, char *err, size_t n)
{
    pthread_mutex_lock(&q->mu);
    /* An idle trigger that began after this call means everything available
     * now has been processed and committed. */
    int64_t after = q->triggers_done + 1;
    q->wake++;
    pthread_cond_broadcast(&q->cv);
    while (!q->terminated && q->idle_triggers <= after)
        pthread_cond_wait(&q->cv, &q->mu);
    spate_err e = q->exception ? SPATE_ERR_USER : SPATE_OK;
    if (q->exception) snprintf(err, n, "%s", q->exception);
    pthread_mutex_unlock(&q->mu);
    return e;
}

void sp_query_free(sp_query *q)
{
    if (!q) return;
    sp_query_stop(q);
    for (int i = 0; q->sources && i < q->nsources; i++)
        if (q->sources[i]) q->sources[i]->ops->close(q->sources[i]);
    free(q->sources);
    if (q->sink) q->sink->ops->close(q->sink);
    if (q->late) q->late->ops->close(q->late);
    sp_sink_def_free(q->spec.late_sink);
    for (int p = 0; q->stores && p < q->nshuffle; p++)
        if (q->stores[p]) sp_vstore_close(q->stores[p]);
    free(q->stores);
    if (q->temp_checkpoint && !q->exception) sp_remove_tree(q->checkpoint);
    for (int i = 0; i < q->nrecent; i++)
        spate_arena_destroy(q->recent_arenas[(q->recent_head + i) % q->recent_cap]);
    free(q->recent);
    free(q->recent_arenas);
    if (q->committed) sp_query_offsets_clear(q->committed, q->nsources);
    free(q->committed);
    sp_watermark_tracker_free(&q->wm);
    free(q->exception);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    spate_arena_destroy(q->arena);
    free(q);
}

const char *sp_query_id(const sp_query *q) { return q->id; }
const char *sp_query_run_id(const sp_query *q) { return q->run_id; }
const char *sp_query_name(const sp_query *q) { return q->spec.name; }
const sp_physical *sp_query_physical(const sp_query *q) { return &q->ph; }
sp_sink *sp_query_sink(const sp_query *q) { return q->sink; }

bool sp_query_is_active(sp_query *q)
{
    pthread_mutex_lock(&q->mu);
    bool a = q->active;
    pthread_mutex_unlock(&q->mu);
    return a;
}

char *sp_query_exception(sp_query *q)
{
    pthread_mutex_lock(&q->mu);
    char *s = q->exception ? strdup(q->exception) : NULL;
    pthread_mutex_unlock(&q->mu);
    return s;
}
