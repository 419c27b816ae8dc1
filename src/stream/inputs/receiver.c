/* receiver.c - receiverStream and the receiver input streams' DStream side:
 * the adapter of spate_receiver over the supervisor core,
 * connect/receiver_supervisor.h (the receiver thread, restarts after
 * spate.streaming.receiverRestartDelay, the rate limit, the block buffer).
 * What needs a stream stays here, as the core's hooks: listener events
 * (ReceiverInfo with the last error), the write-ahead log
 * (stream/inputs/receiver_wal.h) and turning the stored block into each
 * batch's RDD.
 *
 * Blocks: everything stored since the previous batch forms one block, kept in
 * its own sp_scope. At batch time compute() swaps the block out, hands its
 * memory to the batch scope (sp_scope_adopt) and makes an RDD of up to
 * max(1, batchInterval / spate.streaming.blockInterval) partitions over it,
 * split evenly in arrival order - the partitions Spark's BlockGenerator
 * would have cut every blockInterval. The count goes to sp_batch_add_records.
 *
 * Rate: spate.streaming.receiver.maxRate records/s (0: unlimited), enforced
 * by the core in spate_receiver_store(_many). With
 * spate.streaming.backpressure.enabled, the stream's rate controller
 * (stream/rate_estimator.h) sets the rate after each batch, capped by
 * maxRate (Spark's RateLimiter.updateRate); the first batches take
 * spate.streaming.backpressure.initialRate when it is set.
 *
 * Stop: as the core's (on_stop on the stopping thread, then join). A
 * graceful stop keeps the stored block for the remaining batches, an
 * immediate one drops it (Spark loses unprocessed data then too).
 *
 * Threads: sp_receiver_stream_new and destroy on the program's thread;
 * start/stop on the thread calling ctx start/stop; compute and has_pending on
 * the generator thread; store/restart/report_error/is_stopped on any thread.
 * `info_lock` guards the last error; the rest is the core's. */
#include "stream/inputs/receiver_int.h"

#include "base/arena.h"
#include "base/conf.h"
#include "base/log.h"
#include "connect/receiver_supervisor.h"
#include "stream/inputs/receiver_wal.h"
#include "stream/listener_int.h"
#include "stream/rate_estimator.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUPERVISOR "ReceiverSupervisorImpl"

struct spate_receiver {
    spate_ctx *ctx;
    spate_receiver_def def; /* def.name points at name */
    char *name;
    void (*free_ud)(void *);
    sp_supervisor *sup;
    sp_rate_controller *rate; /* backpressure, NULL when off */
    size_t max_parts;
    int stream_id;
    pthread_mutex_t info_lock;
    char *last_error; /* for listeners (ReceiverInfo), under info_lock */
    int64_t last_error_ms;
    sp_rwal *wal; /* spate.streaming.receiver.writeAheadLog.enable, else NULL */
};

/* ---- the core's hooks ------------------------------------------------------ */

static void hook_on_start(void *ud)
{
    spate_receiver *r = ud;
    r->def.on_start(r, r->def.ud);
}

static void hook_on_stop(void *ud)
{
    spate_receiver *r = ud;
    if (r->def.on_stop) r->def.on_stop(r, r->def.ud);
}

/* Tells the listeners about r (no lock held). An ERROR or a restart's STOPPED
 * carries r's new last error. */
static void hook_event(void *ud, sp_supervisor_event ev, bool active, const char *why)
{
    spate_receiver *r = ud;
    static const sp_receiver_event evs[] = {[SP_SUPERVISOR_STARTED] = SP_RECEIVER_STARTED,
                                            [SP_SUPERVISOR_STOPPED] = SP_RECEIVER_STOPPED,
                                            [SP_SUPERVISOR_ERROR] = SP_RECEIVER_ERROR};
    pthread_mutex_lock(&r->info_lock);
    if (why) {
        free(r->last_error);
        r->last_error = sp_xstrdup(why);
        r->last_error_ms = spate_clock_now(sp_ctx_clock(r->ctx));
    }
    char *last = sp_xstrdup(r->last_error ? r->last_error : "");
    spate_receiver_info info = {r->stream_id, r->name, active, last, r->last_error_ms};
    pthread_mutex_unlock(&r->info_lock);
    sp_listener_post_receiver(r->ctx, evs[ev], &info);
    free(last);
}

static void hook_log_append(void *ud, spate_value v, uint64_t *pos)
{
    sp_rwal_append(((spate_receiver *)ud)->wal, v, pos);
}

static void hook_log_sync(void *ud, uint64_t last)
{
    sp_rwal_sync(((spate_receiver *)ud)->wal, last);
}

/* ---- the public receiver API ------------------------------------------------ */

void spate_receiver_store_many(spate_receiver *r, const spate_value *vs, size_t n)
{
    if (!r || n == 0) return;
    sp_supervisor_store(r->sup, vs, n);
}

void spate_receiver_store(spate_receiver *r, spate_value v) { spate_receiver_store_many(r, &v, 1); }

void spate_receiver_report_error(spate_receiver *r, const char *msg)
{
    if (!r) return;
    sp_ctx_report_error(r->ctx, SPATE_ERR_USER, r->name, "%s", msg ? msg : "receiver error");
    sp_supervisor_post(r->sup, SP_SUPERVISOR_ERROR, msg ? msg : "receiver error");
}

void spate_receiver_restart(spate_receiver *r, const char *msg)
{
    if (r) sp_supervisor_restart(r->sup, msg);
}

bool spate_receiver_is_stopped(spate_receiver *r) { return !r || sp_supervisor_is_stopped(r->sup); }

/* ---- the stream's ops --------------------------------------------------------- */

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

/* Under the core's lock: the block's records go to batch t in the log,
 * durable before the batch runs. */
typedef struct alloc_arg {
    spate_receiver *r;
    int64_t t;
} alloc_arg;

static void allocate_to_batch(void *ud, size_t n)
{
    alloc_arg *a = ud;
    if (a->r->wal) sp_rwal_allocate(a->r->wal, a->t, n);
}

spate_rdd *sp_receiver_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    spate_receiver *r = s->impl;
    sp_scope *block;
    spate_value *vals;
    size_t n;
    if (!r->wal || !sp_rwal_take_restored(r->wal, t, &block, &vals, &n)) {
        alloc_arg a = {r, t};
        sp_supervisor_take_block(r->sup, &block, &vals, &n, allocate_to_batch, &a);
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
    sp_supervisor_append(((spate_receiver *)ud)->sup, v);
}

spate_err sp_receiver_start(spate_stream *s, int64_t zero_time)
{
    (void)zero_time;
    spate_receiver *r = s->impl;
    spate_err err = r->wal ? sp_rwal_start(r->wal, load_logged, r) : SPATE_OK;
    if (err) return err;
    char why[256];
    err = sp_supervisor_start(r->sup, why, sizeof why);
    if (err && why[0]) sp_ctx_report_error(r->ctx, SPATE_ERR_STATE, SUPERVISOR, "%s", why);
    return err;
}

void sp_receiver_stop(spate_stream *s, bool graceful)
{
    sp_supervisor_stop(((spate_receiver *)s->impl)->sup, graceful);
}

bool sp_receiver_has_pending(spate_stream *s)
{
    return sp_supervisor_has_pending(((spate_receiver *)s->impl)->sup);
}

static void receiver_free(spate_receiver *r)
{
    sp_rate_controller_destroy(r->rate);
    sp_supervisor_free(r->sup);
    sp_rwal_free(r->wal);
    free(r->last_error);
    if (r->free_ud) r->free_ud(r->def.ud);
    free(r->name);
    pthread_mutex_destroy(&r->info_lock);
    free(r);
}

void sp_receiver_destroy(spate_stream *s)
{
    spate_receiver *r = s->impl;
    if (!r) return;
    if (r->sup) sp_supervisor_stop(r->sup, false);
    receiver_free(r);
    s->impl = NULL;
}

/* The core's settings from the context's configuration; max_parts here. */
static sp_supervisor_conf receiver_configure(spate_receiver *r, spate_ctx *ctx)
{
    const spate_conf *conf = spate_ctx_conf(ctx);
    sp_supervisor_conf c = {
        .name = r->name, .exec = sp_ctx_exec(ctx), .logger = sp_ctx_logger(ctx)};
    c.restart_delay_ms = sp_conf_duration(conf, "spate.streaming.receiverRestartDelay");
    c.max_rate = sp_conf_i64(conf, "spate.streaming.receiver.maxRate");
    if (c.max_rate < 0) c.max_rate = 0;
    c.conf_max_rate = c.max_rate;
    int64_t initial = sp_conf_i64(conf, "spate.streaming.backpressure.initialRate");
    if (sp_backpressure_enabled(ctx) && initial > 0 && (c.max_rate == 0 || initial < c.max_rate))
        c.max_rate = initial;
    int64_t block_ms = sp_conf_duration(conf, "spate.streaming.blockInterval");
    int64_t batch_ms = spate_ctx_batch_interval(ctx);
    int64_t parts = block_ms > 0 ? batch_ms / block_ms : 1;
    r->max_parts = parts < 1 ? 1 : (size_t)parts;
    return c;
}

/* Backpressure (job thread): the new rate, capped by maxRate. */
static void publish_rate(int64_t rate, void *ud)
{
    sp_supervisor_set_rate(((spate_receiver *)ud)->sup, rate);
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
    pthread_mutex_init(&r->info_lock, NULL);
    r->last_error_ms = -1;
    spate_stream *s = sp_input_stream_new(ctx, ops, r);
    if (!s) {
        receiver_free(r);
        return NULL;
    }
    r->stream_id = s->id;
    r->wal = sp_rwal_new(s);
    sp_supervisor_conf conf = receiver_configure(r, ctx);
    sp_supervisor_hooks hooks = {.ud = r,
                                 .on_start = hook_on_start,
                                 .on_stop = hook_on_stop,
                                 .event = hook_event,
                                 .log_append = r->wal ? hook_log_append : NULL,
                                 .log_sync = r->wal ? hook_log_sync : NULL};
    r->sup = sp_supervisor_new(&conf, &hooks);
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
int64_t sp_receiver_stored(spate_receiver *r) { return sp_supervisor_stored(r->sup); }
int sp_receiver_starts(spate_receiver *r) { return sp_supervisor_starts(r->sup); }
int64_t sp_receiver_rate(spate_receiver *r) { return sp_supervisor_rate(r->sup); }

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
