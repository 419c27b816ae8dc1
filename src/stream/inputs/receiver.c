/* receiver.c - the receiver supervisor: runs a receiver's on_start on its own
 * thread, collects what it stores into blocks, restarts it on request, and
 * turns the stored block into each batch's RDD.
 *
 * Blocks: everything stored since the previous batch forms one block, kept in
 * its own sp_scope (values deep-copied into the scope's driver arena, which
 * only this file uses, under `lock`). At batch time compute() swaps the block
 * out, hands its memory to the batch scope (sp_scope_adopt) and makes an RDD of
 * up to max(1, batchInterval / spate.streaming.blockInterval) partitions over
 * it, split evenly in arrival order - the partitions Spark's BlockGenerator
 * would have cut every blockInterval. The count goes to sp_batch_add_records.
 *
 * Rate: spate.streaming.receiver.maxRate records/s (0: unlimited) is enforced
 * in spate_receiver_store(_many) by blocking the caller, like Guava's smooth rate
 * limiter that Spark uses (up to one second of unused permits is kept). With
 * spate.streaming.backpressure.enabled, the stream's rate controller
 * (stream/rate_estimator.h) sets the rate after each batch, capped by
 * maxRate (Spark's RateLimiter.updateRate); the first batches take
 * spate.streaming.backpressure.initialRate when it is set.
 *
 * Restart: spate_receiver_restart marks the receiver stopped (on_start loops
 * see spate_receiver_is_stopped and return); when on_start has returned the
 * supervisor thread calls on_stop, waits spate.streaming.receiverRestartDelay
 * (interrupted by a stop) and calls on_start again.
 *
 * Stop: sets the stopped flag, calls on_stop on the stopping thread (that is
 * what interrupts a blocking on_start, as in Spark), then joins the supervisor
 * thread. A receiver whose on_start ignores spate_receiver_is_stopped would
 * block the stop; that is the receiver's contract. Stores are accepted until
 * the supervisor thread has ended (what a receiver flushes while stopping is
 * kept, as Spark's BlockGenerator keeps it) and dropped after the stop. A
 * graceful stop keeps the stored block for the remaining batches, an
 * immediate one drops it (Spark loses unprocessed data then too).
 *
 * Threads: sp_receiver_stream_new and destroy on the program's thread;
 * start/stop on the thread calling ctx start/stop; compute and has_pending on
 * the generator thread; store/restart/report_error/is_stopped on any thread.
 * All mutable state is under `lock`, except the two flags read lock-free by
 * spate_receiver_is_stopped and the counters (atomics). */
#include "stream/inputs/receiver_int.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/log.h"
#include "stream/inputs/receiver_wal.h"
#include "connect/source_util.h"
#include "stream/listener_int.h"
#include "stream/rate_estimator.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUPERVISOR "ReceiverSupervisorImpl"

enum { NS_PER_MS = 1000000 };
static const int64_t NS_PER_S = 1000000000LL;

struct spate_receiver {
    spate_ctx *ctx;
    spate_receiver_def def; /* def.name points at name */
    char *name;
    void (*free_ud)(void *);
    int64_t restart_delay_ms;
    int64_t max_rate;         /* records/s, 0: unlimited (under lock once started) */
    int64_t conf_max_rate;    /* spate.streaming.receiver.maxRate */
    sp_rate_controller *rate; /* backpressure, NULL when off */
    size_t max_parts;

    pthread_mutex_t lock;
    pthread_cond_t cond; /* CLOCK_MONOTONIC: stop, restart and rate waits */
    pthread_t thread;
    bool thread_running;
    bool closed; /* stopped: stores are dropped */
    bool active; /* on_start called and on_stop not yet */
    atomic_bool stopping;
    atomic_bool restart_pending;
    char *restart_msg;

    sp_scope *block; /* current block's memory, NULL until the first store */
    spate_value *vals;
    size_t len, cap;
    int64_t next_slot_ns; /* rate limiter: the next free slot */

    atomic_llong stored;
    atomic_int starts;

    int stream_id;
    char *last_error; /* for listeners (ReceiverInfo), under lock */
    int64_t last_error_ms;
    sp_rwal *wal; /* spate.streaming.receiver.writeAheadLog.enable, else NULL */
};

/* Tells the listeners about r (no lock held). error: its new last error, or
 * NULL. */
static void post_event(spate_receiver *r, sp_receiver_event ev, const char *error)
{
    pthread_mutex_lock(&r->lock);
    if (error) {
        free(r->last_error);
        r->last_error = sp_xstrdup(error);
        r->last_error_ms = spate_clock_now(sp_ctx_clock(r->ctx));
    }
    char *last = sp_xstrdup(r->last_error ? r->last_error : "");
    bool active = ev == SP_RECEIVER_STARTED || (ev == SP_RECEIVER_ERROR && r->active);
    spate_receiver_info info = {r->stream_id, r->name, active, last, r->last_error_ms};
    pthread_mutex_unlock(&r->lock);
    sp_listener_post_receiver(r->ctx, ev, &info);
    free(last);
}

/* Any thread, lock held: waits on cond until deadline_ns (monotonic). */
static void wait_until_locked(spate_receiver *r, int64_t deadline_ns)
{
    struct timespec ts = {.tv_sec = deadline_ns / NS_PER_S, .tv_nsec = deadline_ns % NS_PER_S};
    pthread_cond_timedwait(&r->cond, &r->lock, &ts);
}

/* Caller of store, lock held: reserves the next n rate slots and sleeps until
 * the first (or until the receiver stops): as Guava's acquire(n), the next
 * caller pays for a large request. */
static void rate_wait_locked(spate_receiver *r, size_t n)
{
    int64_t interval = NS_PER_S / r->max_rate;
    int64_t now = sp_mono_ns();
    if (r->next_slot_ns < now - NS_PER_S) r->next_slot_ns = now - NS_PER_S;
    int64_t slot = r->next_slot_ns;
    r->next_slot_ns += interval * (int64_t)n;
    while (slot > now && !atomic_load(&r->stopping)) {
        wait_until_locked(r, slot);
        now = sp_mono_ns();
    }
}

/* Lock held: a deep copy of v into the current block. */
static void append_locked(spate_receiver *r, spate_value v)
{
    if (!r->block) r->block = sp_scope_new(sp_ctx_exec(r->ctx));
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->vals = sp_xrealloc(r->vals, r->cap * sizeof *r->vals);
    }
    r->vals[r->len++] = spate_value_copy(sp_scope_arena(r->block), v);
}

void spate_receiver_store_many(spate_receiver *r, const spate_value *vs, size_t n)
{
    if (!r || n == 0) return;
    pthread_mutex_lock(&r->lock);
    if (r->max_rate > 0) rate_wait_locked(r, n);
    if (r->closed) {
        pthread_mutex_unlock(&r->lock);
        return;
    }
    uint64_t last = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t pos = 0;
        /* under the lock: the log's order is the block's */
        if (r->wal) sp_rwal_append(r->wal, vs[i], &pos);
        if (pos > last) last = pos;
        append_locked(r, vs[i]);
    }
    pthread_mutex_unlock(&r->lock);
    if (r->wal) sp_rwal_sync(r->wal, last); /* all on disk, with one sync, before it returns */
    atomic_fetch_add(&r->stored, (long long)n);
}

void spate_receiver_store(spate_receiver *r, spate_value v) { spate_receiver_store_many(r, &v, 1); }

void spate_receiver_report_error(spate_receiver *r, const char *msg)
{
    if (!r) return;
    sp_ctx_report_error(r->ctx, SPATE_ERR_USER, r->name, "%s", msg ? msg : "receiver error");
    post_event(r, SP_RECEIVER_ERROR, msg ? msg : "receiver error");
}

void spate_receiver_restart(spate_receiver *r, const char *msg)
{
    if (!r) return;
    pthread_mutex_lock(&r->lock);
    if (r->thread_running && !atomic_load(&r->stopping) && !atomic_load(&r->restart_pending)) {
        free(r->restart_msg);
        r->restart_msg = sp_xstrdup(msg ? msg : "");
        atomic_store(&r->restart_pending, true);
        pthread_cond_broadcast(&r->cond);
    }
    pthread_mutex_unlock(&r->lock);
}

bool spate_receiver_is_stopped(spate_receiver *r)
{
    return !r || atomic_load(&r->stopping) || atomic_load(&r->restart_pending);
}

/* Supervisor thread: on_stop, the restart delay, then ready for on_start.
 * False when the receiver was stopped meanwhile. */
static bool supervisor_restart(spate_receiver *r, bool call_on_stop, char *msg)
{
    sp_log(SP_LOG_WARN, SUPERVISOR, "Restarting receiver %s with delay %lld ms: %s", r->name,
           (long long)r->restart_delay_ms, msg ? msg : "");
    if (call_on_stop && r->def.on_stop) r->def.on_stop(r, r->def.ud);
    char why[600];
    snprintf(why, sizeof why, "Restarting receiver with delay %lld ms: %s",
             (long long)r->restart_delay_ms, msg ? msg : "");
    free(msg);
    post_event(r, SP_RECEIVER_STOPPED, why);
    pthread_mutex_lock(&r->lock);
    int64_t deadline = sp_mono_ns() + r->restart_delay_ms * NS_PER_MS;
    while (!atomic_load(&r->stopping) && sp_mono_ns() < deadline)
        wait_until_locked(r, deadline);
    bool go = !atomic_load(&r->stopping);
    if (go) {
        atomic_store(&r->restart_pending, false);
        r->active = true;
    }
    pthread_mutex_unlock(&r->lock);
    if (go) sp_log(SP_LOG_INFO, SUPERVISOR, "Starting receiver %s again", r->name);
    return go;
}

/* The supervisor thread: on_start, then wait for a stop or a restart. */
static void *supervisor_main(void *arg)
{
    spate_receiver *r = arg;
    sp_log_bind(sp_ctx_logger(r->ctx)); /* this thread's records are the context's */
    for (;;) {
        atomic_fetch_add(&r->starts, 1);
        post_event(r, SP_RECEIVER_STARTED, NULL);
        r->def.on_start(r, r->def.ud);
        pthread_mutex_lock(&r->lock);
        while (!atomic_load(&r->stopping) && !atomic_load(&r->restart_pending))
            pthread_cond_wait(&r->cond, &r->lock);
        if (atomic_load(&r->stopping)) {
            pthread_mutex_unlock(&r->lock);
            break;
        }
        bool call_on_stop = r->active;
        r->active = false;
        char *msg = r->restart_msg;
        r->restart_msg = NULL;
        pthread_mutex_unlock(&r->lock);
        if (!supervisor_restart(r, call_on_stop, msg)) break;
    }
    return NULL;
}

/* Generator thread: an RDD over the swapped-out block. Takes block and vals. */
static spate_rdd *block_rdd(spate_receiver *r, sp_batch *b, sp_scope *block, spate_value *vals,
                            size_t n)
{
    sp_scope_own(block, vals);
    size_t nparts = n < r->max_parts ? n : r->max_parts;
    spate_arena *a = sp_scope_arena(block);
    spate_value **parts = spate_arena_alloc(a, nparts * sizeof *parts);
    size_t *lens = spate_arena_alloc(a, nparts * sizeof *lens);
    size_t off = 0;
    for (size_t i = 0; i < nparts; i++) {
        lens[i] = n / nparts + (i < n % nparts ? 1 : 0);
        parts[i] = vals + off;
        off += lens[i];
    }
    sp_scope_adopt(sp_batch_scope(b), block);
    return sp_rdd_from_parts(sp_batch_scope(b), (int)nparts, parts, lens);
}

spate_rdd *sp_receiver_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    spate_receiver *r = s->impl;
    sp_scope *block;
    spate_value *vals;
    size_t n;
    if (!r->wal || !sp_rwal_take_restored(r->wal, t, &block, &vals, &n)) {
        pthread_mutex_lock(&r->lock);
        block = r->block;
        vals = r->vals;
        n = r->len;
        r->block = NULL;
        r->vals = NULL;
        r->len = r->cap = 0;
        if (r->wal) sp_rwal_allocate(r->wal, t, n); /* durable before the batch runs */
        pthread_mutex_unlock(&r->lock);
    }
    if (!block || n == 0) {
        free(vals);
        if (block) sp_scope_destroy(block);
        return sp_rdd_empty(sp_batch_scope(b));
    }
    sp_log(SP_LOG_DEBUG, SUPERVISOR, "Block of %zu records from %s for time %lld ms", n, r->name,
           (long long)t);
    sp_batch_add_records(b, s, (int64_t)n);
    return block_rdd(r, b, block, vals, n);
}

/* Start: a record of the write-ahead log that goes to the next batch. */
static void load_logged(spate_value v, void *ud)
{
    spate_receiver *r = ud;
    pthread_mutex_lock(&r->lock);
    append_locked(r, v);
    pthread_mutex_unlock(&r->lock);
}

spate_err sp_receiver_start(spate_stream *s, int64_t zero_time)
{
    (void)zero_time;
    spate_receiver *r = s->impl;
    spate_err err = r->wal ? sp_rwal_start(r->wal, load_logged, r) : SPATE_OK;
    if (err) return err;
    pthread_mutex_lock(&r->lock);
    if (r->thread_running || r->closed) {
        pthread_mutex_unlock(&r->lock);
        return SPATE_ERR_STATE;
    }
    r->active = true;
    r->next_slot_ns = sp_mono_ns();
    int rc = pthread_create(&r->thread, NULL, supervisor_main, r);
    r->thread_running = rc == 0;
    if (rc != 0) r->active = false;
    pthread_mutex_unlock(&r->lock);
    if (rc != 0) {
        char buf[128];
        sp_ctx_report_error(r->ctx, SPATE_ERR_STATE, SUPERVISOR, "cannot start receiver %s: %s",
                            r->name, sp_strerror(rc, buf, sizeof buf));
        return SPATE_ERR_STATE;
    }
    sp_log(SP_LOG_INFO, SUPERVISOR, "Started receiver %s", r->name);
    return SPATE_OK;
}

/* Thread calling ctx stop, lock held: drops the stored block. */
static void drop_block_locked(spate_receiver *r)
{
    if (r->block) sp_scope_destroy(r->block);
    free(r->vals);
    r->block = NULL;
    r->vals = NULL;
    r->len = r->cap = 0;
}

void sp_receiver_stop(spate_stream *s, bool graceful)
{
    spate_receiver *r = s->impl;
    pthread_mutex_lock(&r->lock);
    if (!r->thread_running || atomic_load(&r->stopping)) {
        if (!r->thread_running) r->closed = true;
        if (!graceful) drop_block_locked(r);
        pthread_mutex_unlock(&r->lock);
        return;
    }
    atomic_store(&r->stopping, true);
    bool call_on_stop = r->active;
    r->active = false;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
    if (call_on_stop && r->def.on_stop) r->def.on_stop(r, r->def.ud);
    pthread_join(r->thread, NULL);
    pthread_mutex_lock(&r->lock);
    r->thread_running = false;
    r->closed = true;
    if (!graceful) drop_block_locked(r);
    pthread_mutex_unlock(&r->lock);
    sp_log(SP_LOG_INFO, SUPERVISOR, "Stopped receiver %s", r->name);
    post_event(r, SP_RECEIVER_STOPPED, NULL);
}

bool sp_receiver_has_pending(spate_stream *s)
{
    spate_receiver *r = s->impl;
    pthread_mutex_lock(&r->lock);
    bool pending = r->len > 0;
    pthread_mutex_unlock(&r->lock);
    return pending;
}

static void receiver_free(spate_receiver *r)
{
    sp_rate_controller_destroy(r->rate);
    drop_block_locked(r);
    sp_rwal_free(r->wal);
    free(r->last_error);
    if (r->free_ud) r->free_ud(r->def.ud);
    free(r->restart_msg);
    free(r->name);
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

void sp_receiver_destroy(spate_stream *s)
{
    spate_receiver *r = s->impl;
    if (!r) return;
    if (r->thread_running) sp_receiver_stop(s, false);
    receiver_free(r);
    s->impl = NULL;
}

static void receiver_configure(spate_receiver *r, spate_ctx *ctx)
{
    const spate_conf *conf = spate_ctx_conf(ctx);
    r->restart_delay_ms =
        sp_conf_duration(conf, "spate.streaming.receiverRestartDelay");
    if (r->restart_delay_ms < 0) r->restart_delay_ms = 0;
    r->max_rate = sp_conf_i64(conf, "spate.streaming.receiver.maxRate");
    if (r->max_rate < 0) r->max_rate = 0;
    r->conf_max_rate = r->max_rate;
    int64_t initial = sp_conf_i64(conf, "spate.streaming.backpressure.initialRate");
    if (sp_backpressure_enabled(ctx) && initial > 0 && (r->max_rate == 0 || initial < r->max_rate))
        r->max_rate = initial;
    int64_t block_ms = sp_conf_duration(conf, "spate.streaming.blockInterval");
    int64_t batch_ms = spate_ctx_batch_interval(ctx);
    int64_t parts = block_ms > 0 ? batch_ms / block_ms : 1;
    r->max_parts = parts < 1 ? 1 : (size_t)parts;
}

/* Backpressure (job thread): the new rate, capped by maxRate. */
static void publish_rate(int64_t rate, void *ud)
{
    spate_receiver *r = ud;
    if (rate <= 0) return;
    pthread_mutex_lock(&r->lock);
    r->max_rate = r->conf_max_rate > 0 && r->conf_max_rate < rate ? r->conf_max_rate : rate;
    pthread_mutex_unlock(&r->lock);
}

spate_stream *sp_receiver_stream_new(spate_ctx *ctx, const sp_stream_ops *ops,
                                     const spate_receiver_def *def, void (*free_ud)(void *))
{
    if (!ctx || !def || !def->on_start) {
        if (ctx) sp_ctx_set_error(ctx, "receiverStream: a receiver needs an on_start callback");
        if (def && free_ud) free_ud(def->ud);
        return NULL;
    }
    spate_receiver *r = sp_xcalloc(1, sizeof *r);
    r->ctx = ctx;
    r->def = *def;
    r->name = sp_xstrdup(def->name && *def->name ? def->name : "Receiver");
    r->def.name = r->name;
    r->free_ud = free_ud;
    receiver_configure(r, ctx);
    pthread_mutex_init(&r->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cond, &ca);
    pthread_condattr_destroy(&ca);
    r->last_error_ms = -1;
    spate_stream *s = sp_input_stream_new(ctx, ops, r);
    if (!s) {
        receiver_free(r);
        return NULL;
    }
    r->stream_id = s->id;
    r->wal = sp_rwal_new(s);
    bool ok;
    char err[256];
    r->rate = sp_rate_controller_new(ctx, s->id, publish_rate, r, &ok, err, sizeof err);
    if (!ok) sp_ctx_set_error(ctx, "%s: %s", r->name, err);
    return ok ? s : NULL;
}

/* Checkpoint hooks: which logged records each batch took (log off: none). */
void sp_receiver_save_batch_input(spate_stream *s, int64_t t, sp_ckpt_out *w)
{
    sp_rwal_save_batch(((spate_receiver *)s->impl)->wal, t, w);
}

spate_err sp_receiver_restore_batch_input(spate_stream *s, int64_t t, sp_ckpt_in *in)
{
    return sp_rwal_restore_batch(((spate_receiver *)s->impl)->wal, t, in);
}

void sp_receiver_save_position(spate_stream *s, sp_ckpt_out *w)
{
    sp_rwal_save_position(((spate_receiver *)s->impl)->wal, w);
}

spate_err sp_receiver_load_position(spate_stream *s, sp_ckpt_in *in)
{
    return sp_rwal_load_position(((spate_receiver *)s->impl)->wal, in);
}

sp_rwal *sp_receiver_wal(spate_receiver *r) { return r->wal; }
spate_receiver *sp_receiver_of(spate_stream *s) { return s ? s->impl : NULL; }
spate_ctx *sp_receiver_ctx(spate_receiver *r) { return r->ctx; }
int64_t sp_receiver_stored(spate_receiver *r) { return atomic_load(&r->stored); }
int sp_receiver_starts(spate_receiver *r) { return atomic_load(&r->starts); }
int64_t sp_receiver_rate(spate_receiver *r)
{
    pthread_mutex_lock(&r->lock);
    int64_t rate = r->max_rate;
    pthread_mutex_unlock(&r->lock);
    return rate;
}

static const sp_stream_ops pluggable_ops = {
    .name = "PluggableInputDStream",
    .compute = sp_receiver_compute,
    .start = sp_receiver_start,
    .stop = sp_receiver_stop,
    .has_pending = sp_receiver_has_pending,
    .destroy = sp_receiver_destroy,
    .save_batch_input = sp_receiver_save_batch_input,
    .restore_batch_input = sp_receiver_restore_batch_input,
    .save_position = sp_receiver_save_position,
    .load_position = sp_receiver_load_position,
};

spate_stream *spate_receiver_stream(spate_ctx *ssc, const spate_receiver_def *def)
{
    return sp_receiver_stream_new(ssc, &pluggable_ops, def, NULL);
}
