/* scheduler.c - Spark's JobGenerator and JobScheduler: the generator thread
 * wakes at each batch time, asks the inputs for their data and builds each
 * output's RDD lineage, then queues the batch; the job thread runs the
 * batches' output operations in order, one batch at a time
 * (spark.streaming.concurrentJobs = 1), and forgets old batches. */
#include "stream/ctx_impl.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/log.h"
#include "stream/ckpt/ckpt.h"
#include "exec/rdd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int64_t sp_batch_time(const sp_batch *b) { return b->time; }
sp_scope *sp_batch_scope(sp_batch *b) { return b->scope; }

void sp_batch_fail(sp_batch *b, spate_err err, const char *fmt, ...)
{
    if (b->err) return;
    b->err = err;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->errmsg, sizeof b->errmsg, fmt, ap);
    va_end(ap);
}

void sp_batch_add_records(sp_batch *b, spate_stream *input, int64_t n)
{
    atomic_fetch_add(&b->records, n);
    atomic_fetch_add(&input->ctx->exec.records_in, n);
    input->last_records_in = n;
    sp_batch_metrics_add(input->ctx, b, input->id, n);
}

/* Stateful streams are computed every batch (at their slide), whether or not
 * an output asks for them this time: their state must see every batch. */
static void compute_stateful(spate_ctx *ctx, sp_batch *b)
{
    b->stateful_rdds = sp_xcalloc((size_t)ctx->nstreams + 1, sizeof *b->stateful_rdds);
    for (int i = 0; i < ctx->nstreams && !b->err; i++) {
        spate_stream *s = ctx->streams[i];
        if (!s->needs_checkpoint) continue;
        spate_rdd *r = sp_stream_get_or_compute(s, b->time, b);
        if (r) b->stateful_rdds[b->nstateful++] = r;
    }
}

static sp_batch *generate_batch(spate_ctx *ctx, int64_t t)
{
    sp_batch *b = sp_xcalloc(1, sizeof *b);
    b->time = t;
    b->scope = sp_scope_new(&ctx->exec);
    sp_scope_mark_batch(b->scope);
    b->submitted_ms = spate_clock_now(ctx->clock);
    atomic_init(&b->records, 0);
    b->out_rdds = sp_xcalloc((size_t)ctx->noutputs + 1, sizeof *b->out_rdds);
    pthread_mutex_lock(&ctx->graph_lock);
    for (int i = 0; i < ctx->nstreams; i++)
        if (ctx->streams[i]->is_input) sp_stream_get_or_compute(ctx->streams[i], t, b);
    for (int i = 0; i < ctx->noutputs && !b->err; i++)
        b->out_rdds[i] = sp_stream_get_or_compute(ctx->outputs[i]->stream, t, b);
    compute_stateful(ctx, b);
    pthread_mutex_unlock(&ctx->graph_lock);
    sp_ckpt_batch_generated(ctx, b); /* the batch's input is durable before it runs */
    return b;
}

static void enqueue(spate_ctx *ctx, sp_batch *b)
{
    sp_batch_submitted(ctx, b); /* before the job thread can see it */
    pthread_mutex_lock(&ctx->mu);
    if (ctx->queue_tail)
        ctx->queue_tail->next = b;
    else
        ctx->queue_head = b;
    ctx->queue_tail = b;
    pthread_cond_broadcast(&ctx->cv);
    pthread_mutex_unlock(&ctx->mu);
}

static bool inputs_pending(spate_ctx *ctx)
{
    for (int i = 0; i < ctx->nstreams; i++) {
        spate_stream *s = ctx->streams[i];
        if (s->is_input && s->ops->has_pending && s->ops->has_pending(s)) return true;
    }
    return false;
}

/* After a graceful stop: first the batch times the clock has already passed
 * (their files and records are due), then more batches, without waiting for
 * the clock, until every input has handed over what it received. */
static void drain_inputs(spate_ctx *ctx)
{
    for (int64_t now = spate_clock_now(ctx->clock); ctx->next_time <= now;) {
        enqueue(ctx, generate_batch(ctx, ctx->next_time));
        ctx->next_time += ctx->batch;
    }
    for (int guard = 0; guard < 1000 && inputs_pending(ctx); guard++) {
        enqueue(ctx, generate_batch(ctx, ctx->next_time));
        ctx->next_time += ctx->batch;
    }
}

static void *generator_main(void *arg)
{
    spate_ctx *ctx = arg;
    sp_log_bind(ctx->logger); /* this thread's records are the context's */
    for (;;) {
        sp_clock_wait_until(ctx->clock, ctx->next_time);
        pthread_mutex_lock(&ctx->mu);
        bool stop = ctx->stop_requested, graceful = ctx->stop_graceful;
        pthread_mutex_unlock(&ctx->mu);
        if (stop) {
            if (graceful) drain_inputs(ctx);
            break;
        }
        if (spate_clock_now(ctx->clock) < ctx->next_time) continue;
        enqueue(ctx, generate_batch(ctx, ctx->next_time));
        ctx->next_time += ctx->batch;
    }
    pthread_mutex_lock(&ctx->mu);
    ctx->generator_done = true;
    pthread_cond_broadcast(&ctx->cv);
    pthread_mutex_unlock(&ctx->mu);
    return NULL;
}

static void keep_scope(spate_ctx *ctx, sp_batch *b)
{
    if (ctx->nkept == ctx->kept_cap) {
        ctx->kept_cap = ctx->kept_cap ? ctx->kept_cap * 2 : 16;
        ctx->kept = sp_xrealloc(ctx->kept, sizeof *ctx->kept * (size_t)ctx->kept_cap);
    }
    ctx->kept[ctx->nkept++] = (kept_scope){b->time, b->scope};
}

/* Frees the memory of batches that left the remember window. */
static void forget_old_batches(spate_ctx *ctx, int64_t t)
{
    int64_t horizon = t - sp_graph_remember(ctx);
    pthread_mutex_lock(&ctx->graph_lock);
    sp_graph_forget(ctx, t);
    int kept = 0;
    for (int i = 0; i < ctx->nkept; i++) {
        if (ctx->kept[i].time <= horizon)
            sp_scope_destroy(ctx->kept[i].scope);
        else
            ctx->kept[kept++] = ctx->kept[i];
    }
    ctx->nkept = kept;
    pthread_mutex_unlock(&ctx->graph_lock);
}

/* As Spark's JobScheduler runs a batch's jobs: each output operation is its
 * own job, so one that fails does not keep the later ones from running; the
 * batch reports the first failure. A batch whose generation failed has no
 * jobs at all. */
/* Records the failure of a job of b, with the first message its scope holds. */
static void fail_from_scope(sp_batch *b, spate_err err)
{
    if (b->err) return;
    char msg[512];
    sp_scope_error(b->scope, msg, sizeof msg);
    sp_batch_fail(b, err, "%s", msg[0] ? msg : spate_err_str(err));
}

static void run_outputs(spate_ctx *ctx, sp_batch *b)
{
    if (b->err) return;
    for (int i = 0; i < ctx->noutputs; i++) {
        if (!b->out_rdds[i]) continue;
        spate_err err = sp_output_run(ctx, ctx->outputs[i], b->out_rdds[i], b->time);
        if (err) fail_from_scope(b, err);
    }
    /* Even after an output failed: state stores must still take this batch,
     * or its data would be missing from every later batch's state. */
    for (int i = 0; i < b->nstateful; i++) {
        spate_err err = sp_rdd_prepare(b->stateful_rdds[i]);
        if (err) fail_from_scope(b, err);
    }
}

static void finish_batch(spate_ctx *ctx, sp_batch *b)
{
    b->completed_ms = spate_clock_now(ctx->clock);
    if (b->err)
        sp_ctx_report_error(ctx, b->err, "JobScheduler",
                            "Error running job streaming job %lld ms: %s", (long long)b->time,
                            b->errmsg);
    sp_ckpt_batch_completed(ctx, b);
    sp_batch_completed(ctx, b); /* the batch's log line and on_batch_completed */
    keep_scope(ctx, b);
    forget_old_batches(ctx, b->time);
    pthread_mutex_lock(&ctx->mu);
    ctx->stats.batches_completed++;
    if (b->err) ctx->stats.batches_failed++;
    ctx->stats.last_batch_ms = b->time;
    pthread_cond_broadcast(&ctx->cv);
    pthread_mutex_unlock(&ctx->mu);
    free(b->out_rdds);
    free(b->stateful_rdds);
    free(b);
}

static sp_batch *next_batch(spate_ctx *ctx)
{
    pthread_mutex_lock(&ctx->mu);
    for (;;) {
        bool abandon = ctx->stop_requested && !ctx->stop_graceful;
        if (ctx->queue_head && !abandon) break;
        if (abandon || ctx->generator_done) {
            pthread_mutex_unlock(&ctx->mu);
            return NULL;
        }
        pthread_cond_wait(&ctx->cv, &ctx->mu);
    }
    sp_batch *b = ctx->queue_head;
    ctx->queue_head = b->next;
    if (!ctx->queue_head) ctx->queue_tail = NULL;
    pthread_mutex_unlock(&ctx->mu);
    return b;
}

static void *job_main(void *arg)
{
    spate_ctx *ctx = arg;
    sp_log_bind(ctx->logger); /* this thread's records are the context's */
    sp_batch *b;
    while ((b = next_batch(ctx))) {
        sp_batch_started(ctx, b);
        run_outputs(ctx, b);
        finish_batch(ctx, b);
    }
    pthread_mutex_lock(&ctx->mu);
    ctx->jobs_done = true;
    pthread_cond_broadcast(&ctx->cv);
    pthread_mutex_unlock(&ctx->mu);
    return NULL;
}

void sp_scheduler_start(spate_ctx *ctx)
{
    ctx->generator_done = ctx->jobs_done = false;
    pthread_create(&ctx->gen_thread, NULL, generator_main, ctx);
    pthread_create(&ctx->job_thread, NULL, job_main, ctx);
    ctx->threads_started = true;
}

static void stop_inputs(spate_ctx *ctx, bool graceful)
{
    for (int i = 0; i < ctx->nstreams; i++) {
        spate_stream *s = ctx->streams[i];
        if (s->is_input && s->ops->stop) s->ops->stop(s, graceful);
    }
}

/* Batches queued but abandoned by a non-graceful stop. */
static void drop_queue(spate_ctx *ctx)
{
    for (sp_batch *b = ctx->queue_head, *next; b; b = next) {
        next = b->next;
        sp_scope_destroy(b->scope);
        free(b->out_rdds);
        free(b->stateful_rdds);
        free(b);
    }
    ctx->queue_head = ctx->queue_tail = NULL;
}

/* spate.streaming.gracefulStopTimeout, 0 meaning Spark's default: 10 batch
 * intervals. */
static int64_t graceful_stop_timeout_ms(const spate_ctx *ctx)
{
    spate_duration t = sp_conf_duration(spate_ctx_conf(ctx), "spate.streaming.gracefulStopTimeout");
    return t > 0 ? t : 10 * ctx->batch;
}

/* A graceful stop waits for the queued batches until the timeout (real
 * time, counted from started); then, as Spark's JobGenerator, it warns and
 * abandons those not yet begun (the running one still completes). */
static void await_jobs(spate_ctx *ctx, int64_t started)
{
    int64_t timeout = graceful_stop_timeout_ms(ctx);
    int64_t left = started + timeout - sp_monotonic_ms();
    struct timespec deadline;
    sp_realtime_deadline(&deadline, left > 0 ? left : 0);
    pthread_mutex_lock(&ctx->mu);
    int rc = 0;
    while (!ctx->jobs_done && rc == 0)
        rc = pthread_cond_timedwait(&ctx->cv, &ctx->mu, &deadline);
    if (!ctx->jobs_done) {
        ctx->stop_graceful = false; /* next_batch hands out no more */
        sp_log(SP_LOG_WARN, "JobGenerator",
               "Timed out while stopping the job generator (timeout = %lld ms): batches not "
               "begun yet are abandoned",
               (long long)timeout);
    }
    pthread_mutex_unlock(&ctx->mu);
}

void sp_scheduler_stop(spate_ctx *ctx, bool graceful)
{
    if (!ctx->threads_started) return;
    stop_inputs(ctx, graceful);
    pthread_mutex_lock(&ctx->mu);
    ctx->stop_requested = true;
    ctx->stop_graceful = graceful;
    pthread_cond_broadcast(&ctx->cv);
    pthread_mutex_unlock(&ctx->mu);
    sp_clock_interrupt(ctx->clock);
    int64_t started = sp_monotonic_ms();
    pthread_join(ctx->gen_thread, NULL);
    if (graceful) await_jobs(ctx, started);
    pthread_mutex_lock(&ctx->mu);
    pthread_cond_broadcast(&ctx->cv);
    pthread_mutex_unlock(&ctx->mu);
    pthread_join(ctx->job_thread, NULL);
    drop_queue(ctx);
    ctx->threads_started = false;
}
