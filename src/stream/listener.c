/* listener.c - the listener bus and each batch's metrics (see
 * listener_int.h): Spark's StreamingListenerBus, BatchInfo and the
 * JobScheduler's "Total delay" line. */
#include "stream/listener_int.h"

#include "base/arena.h"
#include "base/log.h"
#include "stream/ctx_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STACK_LISTENERS = 8 };

void sp_listener_bus_init(sp_listener_bus *bus)
{
    *bus = (sp_listener_bus){0};
    pthread_mutex_init(&bus->lock, NULL);
}

void sp_listener_bus_destroy(sp_listener_bus *bus)
{
    free(bus->v);
    pthread_mutex_destroy(&bus->lock);
}

spate_err spate_ctx_add_listener(spate_ctx *ssc, const spate_listener *l)
{
    if (!ssc) return SPATE_ERR_INVALID_ARG;
    if (!l) {
        sp_ctx_set_error(ssc, "addStreamingListener: the listener is NULL");
        return SPATE_ERR_INVALID_ARG;
    }
    sp_listener_bus *bus = &ssc->listeners;
    pthread_mutex_lock(&bus->lock);
    if (bus->n == bus->cap) {
        bus->cap = bus->cap ? bus->cap * 2 : 4;
        bus->v = sp_xrealloc(bus->v, sizeof *bus->v * (size_t)bus->cap);
    }
    bus->v[bus->n++] = *l;
    pthread_mutex_unlock(&bus->lock);
    return SPATE_OK;
}

/* A copy of the listeners, so that callbacks run without the lock: in stack
 * when they fit, else malloc'd (the caller frees the result when it is not
 * stack). */
static spate_listener *snapshot(sp_listener_bus *bus, spate_listener *stack, int *n)
{
    pthread_mutex_lock(&bus->lock);
    *n = bus->n;
    spate_listener *out = *n <= STACK_LISTENERS ? stack : sp_xmalloc(sizeof *out * (size_t)*n);
    if (*n) memcpy(out, bus->v, sizeof *out * (size_t)*n);
    pthread_mutex_unlock(&bus->lock);
    return out;
}

typedef enum batch_event { BATCH_SUBMITTED, BATCH_STARTED, BATCH_COMPLETED } batch_event;

static void post_batch(spate_ctx *ctx, batch_event ev, const spate_batch_info *info)
{
    spate_listener stack[STACK_LISTENERS];
    int n;
    spate_listener *ls = snapshot(&ctx->listeners, stack, &n);
    for (int i = 0; i < n; i++) {
        void (*fn)(const spate_batch_info *, void *) =
            ev == BATCH_SUBMITTED ? ls[i].on_batch_submitted
            : ev == BATCH_STARTED ? ls[i].on_batch_started
                                  : ls[i].on_batch_completed;
        if (fn) fn(info, ls[i].ud);
    }
    if (ls != stack) free(ls);
}

void sp_listener_post_receiver(spate_ctx *ctx, sp_receiver_event ev, const spate_receiver_info *r)
{
    spate_listener stack[STACK_LISTENERS];
    int n;
    spate_listener *ls = snapshot(&ctx->listeners, stack, &n);
    for (int i = 0; i < n; i++) {
        void (*fn)(const spate_receiver_info *, void *) =
            ev == SP_RECEIVER_STARTED ? ls[i].on_receiver_started
            : ev == SP_RECEIVER_ERROR ? ls[i].on_receiver_error
                                      : ls[i].on_receiver_stopped;
        if (fn) fn(r, ls[i].ud);
    }
    if (ls != stack) free(ls);
}

/* ---- batch metrics ------------------------------------------------------- */

void sp_batch_metrics_add(spate_ctx *ctx, sp_batch *b, int stream_id, int64_t n)
{
    sp_batch_metrics *m = &b->metrics;
    if (!m->records_by_stream) {
        m->records_by_stream = sp_xcalloc((size_t)ctx->nstreams + 1, sizeof(int64_t));
        sp_scope_own(b->scope, m->records_by_stream);
    }
    if (stream_id >= 0 && stream_id < ctx->nstreams) m->records_by_stream[stream_id] += n;
}

atomic_llong *sp_batch_task_records(sp_batch *b, spate_stream *input)
{
    sp_batch_metrics *m = &b->metrics;
    if (!m->task_records) {
        size_t n = (size_t)input->ctx->nstreams + 1;
        m->task_records = sp_xmalloc(n * sizeof *m->task_records);
        for (size_t i = 0; i < n; i++)
            atomic_init(&m->task_records[i], 0);
        sp_scope_own(b->scope, m->task_records);
    }
    return &m->task_records[input->id];
}

/* Every input stream of the graph, in definition order, with what it put in
 * b as known at generation (file streams count their records in the batch's
 * tasks: add_task_records adds them at completion). */
static void fix_inputs(spate_ctx *ctx, sp_batch *b)
{
    sp_batch_metrics *m = &b->metrics;
    m->inputs = sp_xcalloc((size_t)ctx->nstreams + 1, sizeof *m->inputs);
    sp_scope_own(b->scope, m->inputs);
    m->ninputs = 0;
    for (int i = 0; i < ctx->nstreams; i++) {
        spate_stream *s = ctx->streams[i];
        if (!s->is_input) continue;
        int64_t n = m->records_by_stream ? m->records_by_stream[s->id] : 0;
        m->inputs[m->ninputs++] = (spate_input_info){s->id, s->ops->name, n};
    }
}

/* Spark's BatchInfo: the delays count from the submission (the moment the
 * batch was queued), -1 for what is not known yet. */
static void fill_info(spate_ctx *ctx, sp_batch *b, batch_event ev, spate_batch_info *out)
{
    bool started = ev != BATCH_SUBMITTED, done = ev == BATCH_COMPLETED;
    int noutputs = 0;
    for (int i = 0; i < ctx->noutputs; i++)
        if (b->out_rdds[i]) noutputs++;
    *out = (spate_batch_info){
        .batch_time_ms = b->time,
        .records = atomic_load(&b->records),
        .submission_time_ms = b->submitted_ms,
        .processing_start_ms = started ? b->started_ms : -1,
        .processing_end_ms = done ? b->completed_ms : -1,
        .scheduling_delay_ms = started ? b->started_ms - b->submitted_ms : -1,
        .processing_time_ms = done ? b->completed_ms - b->started_ms : -1,
        .total_delay_ms = done ? b->completed_ms - b->submitted_ms : -1,
        .inputs = b->metrics.inputs,
        .ninputs = b->metrics.ninputs,
        .noutputs = noutputs,
        .failed = b->err != SPATE_OK,
        .error = b->err != SPATE_OK ? b->errmsg : "",
    };
}

void sp_batch_submitted(spate_ctx *ctx, sp_batch *b)
{
    b->submitted_ms = spate_clock_now(ctx->clock);
    fix_inputs(ctx, b);
    spate_batch_info info;
    fill_info(ctx, b, BATCH_SUBMITTED, &info);
    post_batch(ctx, BATCH_SUBMITTED, &info);
}

void sp_batch_started(spate_ctx *ctx, sp_batch *b)
{
    b->started_ms = spate_clock_now(ctx->clock);
    spate_batch_info info;
    fill_info(ctx, b, BATCH_STARTED, &info);
    post_batch(ctx, BATCH_STARTED, &info);
}

/* "12 records in (input 0 PluggableInputDStream: 5, input 3 ...: 7)". */
static void format_inputs(const spate_batch_info *info, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "%lld records in", (long long)info->records);
    for (int i = 0; i < info->ninputs && len < size; i++) {
        const spate_input_info *in = &info->inputs[i];
        len += (size_t)snprintf(buf + len, size - len, "%sinput %d %s: %lld", i ? ", " : " (",
                                in->stream_id, in->name, (long long)in->records);
    }
    if (info->ninputs > 0 && len < size) snprintf(buf + len, size - len, ")");
}

/* The JobScheduler's line, with the four metrics and the per-input counts. */
static void log_batch(const spate_batch_info *info)
{
    char inputs[512];
    format_inputs(info, inputs, sizeof inputs);
    sp_log(SP_LOG_INFO, "JobScheduler",
           "Total delay: %.3f s for time %lld ms (execution: %.3f s, scheduling delay: %.3f s), "
           "%s%s%s",
           (double)info->total_delay_ms / 1000.0, (long long)info->batch_time_ms,
           (double)info->processing_time_ms / 1000.0, (double)info->scheduling_delay_ms / 1000.0,
           inputs, info->failed ? "; failed: " : "", info->error);
}

/* The records the batch's tasks counted (file streams: the lines of the
 * splits its jobs read) join the per-input counts and the batch's total. Job
 * thread, after the batch's last job, so every task's count is in. */
static void add_task_records(sp_batch *b)
{
    sp_batch_metrics *m = &b->metrics;
    if (!m->task_records) return;
    for (int i = 0; i < m->ninputs; i++) {
        int64_t n = atomic_load(&m->task_records[m->inputs[i].stream_id]);
        m->inputs[i].records += n;
        atomic_fetch_add(&b->records, n);
    }
}

void sp_batch_completed(spate_ctx *ctx, sp_batch *b)
{
    b->completed_ms = spate_clock_now(ctx->clock);
    add_task_records(b);
    spate_batch_info info;
    fill_info(ctx, b, BATCH_COMPLETED, &info);
    log_batch(&info);
    post_batch(ctx, BATCH_COMPLETED, &info);
}
