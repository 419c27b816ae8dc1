/* context.c - the StreamingContext's life cycle: INITIALIZED -> ACTIVE ->
 * STOPPED with Spark's rules, errors, awaitTermination and stats. */
#include "stream/ctx_impl.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/errbuf.h"
#include "base/log.h"
#include "stream/ckpt/ckpt.h"
#include "stream/shutdown.h"
#include "stream/ui_hook.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static bool configure_threads(spate_ctx *ctx, char *errstr, size_t errstr_size)
{
    const char *master = spate_conf_get(ctx->conf, "spate.master");
    int threads = sp_master_threads(master);
    if (threads < 0) {
        sp_errf(errstr, errstr_size,
                "invalid spate.master \"%s\": expected local, local[N] or local[*]", master);
        return false;
    }
    int64_t parallelism = sp_conf_i64(ctx->conf, "spate.default.parallelism");
    sp_exec_init(&ctx->exec, threads, (int)parallelism);
    return true;
}

spate_ctx *spate_ctx_new(spate_conf *conf, spate_duration batch_interval, char *errstr,
                         size_t errstr_size)
{
    if (!conf) conf = spate_conf_new();
    if (batch_interval <= 0) {
        sp_errf(errstr, errstr_size, "invalid batch interval %lld ms: it must be positive",
                (long long)batch_interval);
        spate_conf_destroy(conf);
        return NULL;
    }
    spate_ctx *ctx = sp_xcalloc(1, sizeof *ctx);
    ctx->conf = conf;
    ctx->batch = batch_interval;
    if (!configure_threads(ctx, errstr, errstr_size)) {
        spate_conf_destroy(conf);
        free(ctx);
        return NULL;
    }
    /* The context's own level: other contexts and the process default keep theirs. */
    int level = sp_log_level_parse(spate_conf_get(conf, "spate.log.level"));
    ctx->logger = sp_logger_new(level >= 0 ? (sp_log_level)level : sp_log_get_level());
    sp_pool_set_logger(ctx->exec.pool, ctx->logger); /* actions run from any thread */
    const char *clock = spate_conf_get(conf, "spate.streaming.clock");
    ctx->clock = sp_clock_new(clock && strcmp(clock, "manual") == 0, 0);
    ctx->ctx_scope = sp_scope_new(&ctx->exec);
    pthread_mutex_init(&ctx->mu, NULL);
    pthread_cond_init(&ctx->cv, NULL);
    sp_listener_bus_init(&ctx->listeners);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&ctx->graph_lock, &attr); /* transform callbacks may slice */
    pthread_mutexattr_destroy(&attr);
    ctx->state = SPATE_CTX_INITIALIZED;
    ctx->stats.last_batch_ms = -1;
    return ctx;
}

void spate_ctx_destroy(spate_ctx *ctx)
{
    if (!ctx) return;
    sp_logger *prev = sp_log_bind(ctx->logger);
    spate_ctx_stop(ctx, true, false);
    /* Waits until the signal watcher no longer uses ctx (it may still be in
     * its spate_ctx_stop, past the point where this thread's stop returned). */
    sp_shutdown_uninstall(ctx);
    sp_stream_ui.stop(ctx->ui); /* no listener call comes any more */
    sp_graph_destroy(ctx);
    sp_ckpt_destroy(ctx->ckpt);
    for (int i = 0; i < ctx->nkept; i++)
        sp_scope_destroy(ctx->kept[i].scope);
    free(ctx->kept);
    sp_scope_destroy(ctx->ctx_scope);
    sp_exec_destroy(&ctx->exec);
    sp_clock_destroy(ctx->clock);
    spate_conf_destroy(ctx->conf);
    pthread_mutex_destroy(&ctx->mu);
    pthread_cond_destroy(&ctx->cv);
    pthread_mutex_destroy(&ctx->graph_lock);
    sp_listener_bus_destroy(&ctx->listeners);
    sp_log_bind(prev);
    sp_logger_destroy(ctx->logger);
    free(ctx);
}

void sp_ctx_set_error(spate_ctx *ctx, const char *fmt, ...)
{
    char msg[sizeof ctx->errmsg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&ctx->mu);
    memcpy(ctx->errmsg, msg, sizeof msg);
    ctx->err_seq++;
    pthread_mutex_unlock(&ctx->mu);
}

void sp_ctx_report_error(spate_ctx *ctx, spate_err err, const char *component, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sp_log_to(ctx->logger, SP_LOG_ERROR, component, "%s", msg); /* any thread */
    pthread_mutex_lock(&ctx->mu);
    ctx->stats.errors++;
    ctx->pending_err = err;
    memcpy(ctx->errmsg, msg, sizeof ctx->errmsg);
    ctx->err_seq++;
    pthread_cond_broadcast(&ctx->cv);
    pthread_mutex_unlock(&ctx->mu);
}

bool sp_ctx_check_initialized(spate_ctx *ctx)
{
    if (!ctx) return false;
    pthread_mutex_lock(&ctx->mu);
    spate_ctx_state state = ctx->state;
    pthread_mutex_unlock(&ctx->mu);
    if (state == SPATE_CTX_INITIALIZED) return true;
    sp_ctx_set_error(ctx, "Adding new inputs, transformations, and output operations after %s",
                     state == SPATE_CTX_ACTIVE ? "starting a context is not supported"
                                               : "stopping a context is not supported");
    return false;
}

sp_exec *sp_ctx_exec(spate_ctx *ctx) { return &ctx->exec; }
sp_logger *sp_ctx_logger(spate_ctx *ctx) { return ctx->logger; }
spate_clock *sp_ctx_clock(spate_ctx *ctx) { return ctx->clock; }
spate_clock *spate_ctx_clock(spate_ctx *ctx) { return ctx->clock; }
const spate_conf *spate_ctx_conf(const spate_ctx *ctx) { return ctx->conf; }
spate_duration spate_ctx_batch_interval(const spate_ctx *ctx) { return ctx->batch; }

spate_ctx_state spate_ctx_get_state(spate_ctx *ctx)
{
    pthread_mutex_lock(&ctx->mu);
    spate_ctx_state s = ctx->state;
    pthread_mutex_unlock(&ctx->mu);
    return s;
}

/* A copy taken under the lock the writers hold, so that no other thread can
 * change the string while the caller reads it. */
const char *spate_ctx_last_error(spate_ctx *ctx)
{
    static _Thread_local char copy[sizeof ctx->errmsg];
    if (!ctx) return "";
    pthread_mutex_lock(&ctx->mu);
    memcpy(copy, ctx->errmsg, sizeof copy);
    pthread_mutex_unlock(&ctx->mu);
    return copy;
}

spate_err spate_ctx_set_log_level(spate_ctx *ctx, spate_log_level level)
{
    if (!ctx) return SPATE_ERR_INVALID_ARG;
    if ((int)level < SPATE_LOG_DEBUG || (int)level > SPATE_LOG_OFF) {
        sp_ctx_set_error(ctx, "invalid log level %d: expected DEBUG, INFO, WARN, ERROR or OFF",
                         (int)level);
        return SPATE_ERR_INVALID_ARG;
    }
    sp_logger_set_level(ctx->logger, (sp_log_level)level);
    return SPATE_OK;
}

spate_log_level spate_ctx_get_log_level(const spate_ctx *ctx)
{
    return (spate_log_level)sp_logger_get_level(ctx->logger);
}

spate_err spate_ctx_set_log_callback(spate_ctx *ctx, spate_log_fn fn, void *ud)
{
    if (!ctx) return SPATE_ERR_INVALID_ARG;
    sp_logger_set_callback(ctx->logger, fn, ud);
    return SPATE_OK;
}

spate_err spate_ctx_remember(spate_ctx *ctx, spate_duration d)
{
    if (!ctx) return SPATE_ERR_INVALID_ARG;
    if (!sp_ctx_check_initialized(ctx)) return SPATE_ERR_STATE;
    if (d <= 0) {
        sp_ctx_set_error(ctx, "remember duration must be positive, got %lld ms", (long long)d);
        return SPATE_ERR_INVALID_ARG;
    }
    ctx->remember = d;
    return SPATE_OK;
}

spate_rdd *spate_ctx_parallelize(spate_ctx *ctx, const spate_value *values, size_t n, int nparts)
{
    /* Its own scope, owned by the context until a batch that uses it adopts it. */
    sp_scope *scope = sp_scope_new(&ctx->exec);
    sp_scope_adopt(ctx->ctx_scope, scope);
    return sp_rdd_parallelize(scope, values, n, nparts);
}

static spate_err start_inputs(spate_ctx *ctx)
{
    for (int i = 0; i < ctx->nstreams; i++) {
        spate_stream *s = ctx->streams[i];
        if (!s->is_input || !s->ops->start) continue;
        spate_err err = s->ops->start(s, ctx->zero_time);
        if (err) {
            for (int j = 0; j < i; j++)
                if (ctx->streams[j]->is_input && ctx->streams[j]->ops->stop)
                    ctx->streams[j]->ops->stop(ctx->streams[j], false);
            return err;
        }
    }
    return SPATE_OK;
}

static spate_err start(spate_ctx *ctx)
{
    pthread_mutex_lock(&ctx->mu);
    spate_ctx_state state = ctx->state;
    uint64_t err_seq = ctx->err_seq;
    pthread_mutex_unlock(&ctx->mu);
    if (state == SPATE_CTX_ACTIVE) {
        sp_ctx_set_error(ctx, "StreamingContext has already been started");
        return SPATE_ERR_STATE;
    }
    if (state == SPATE_CTX_STOPPED) {
        sp_ctx_set_error(ctx, "StreamingContext has already been stopped");
        return SPATE_ERR_STATE;
    }
    if (ctx->noutputs == 0) {
        sp_ctx_set_error(ctx, "No output operations registered, so nothing to execute");
        return SPATE_ERR_INVALID_ARG;
    }
    int64_t now = spate_clock_now(ctx->clock);
    /* Batch times are multiples of the interval: the first is the next one after now. */
    ctx->zero_time = now - (now % ctx->batch + ctx->batch) % ctx->batch;
    ctx->next_time = ctx->zero_time + ctx->batch;
    /* Spark's checkpoint rules; a recovered context resumes at its checkpoint. */
    spate_err err = sp_ckpt_start(ctx);
    if (err) return err;
    /* spate.ui.enabled: before receivers start; it lives until destroy
     * (its listener stays on the bus), a failed start included. */
    if (!ctx->ui) ctx->ui = sp_stream_ui.start(ctx);
    err = start_inputs(ctx);
    if (err) {
        pthread_mutex_lock(&ctx->mu);
        bool said = ctx->err_seq != err_seq; /* the input said why */
        pthread_mutex_unlock(&ctx->mu);
        if (!said) sp_ctx_set_error(ctx, "an input stream failed to start");
        return err;
    }
    pthread_mutex_lock(&ctx->mu);
    ctx->state = SPATE_CTX_ACTIVE;
    pthread_mutex_unlock(&ctx->mu);
    sp_scheduler_start(ctx);
    sp_shutdown_install(ctx); /* spate.streaming.stopGracefullyOnShutdown */
    sp_log(SP_LOG_INFO, "StreamingContext", "StreamingContext started (batch %lld ms, %d threads)",
           (long long)ctx->batch, sp_pool_threads(ctx->exec.pool));
    return SPATE_OK;
}

/* The context's logger is bound for the call: what start logs on this thread
 * (inputs starting, the checkpoint) is the context's. */
spate_err spate_ctx_start(spate_ctx *ctx)
{
    sp_logger *prev = sp_log_bind(ctx->logger);
    spate_err err = start(ctx);
    sp_log_bind(prev);
    return err;
}

static spate_err stop(spate_ctx *ctx, bool gracefully)
{
    pthread_mutex_lock(&ctx->mu);
    spate_ctx_state state = ctx->state;
    if (state == SPATE_CTX_INITIALIZED) ctx->state = SPATE_CTX_STOPPED;
    /* One stop at a time (a signal's stop may race the program's): a second
     * caller waits until the first has stopped the context. */
    bool first = state == SPATE_CTX_ACTIVE && !ctx->stopping;
    if (first) ctx->stopping = true;
    while (state == SPATE_CTX_ACTIVE && !first && ctx->state != SPATE_CTX_STOPPED)
        pthread_cond_wait(&ctx->cv, &ctx->mu);
    pthread_mutex_unlock(&ctx->mu);
    if (!first) return SPATE_OK;
    sp_scheduler_stop(ctx, gracefully);
    /* Logged before STOPPED: from then on the program may destroy ctx (and
     * its logger) while this thread still returns. */
    sp_log(SP_LOG_INFO, "StreamingContext", "StreamingContext stopped%s",
           gracefully ? " gracefully" : "");
    pthread_mutex_lock(&ctx->mu);
    ctx->state = SPATE_CTX_STOPPED;
    pthread_cond_broadcast(&ctx->cv);
    pthread_mutex_unlock(&ctx->mu);
    sp_shutdown_uninstall(ctx); /* after STOPPED: a signal's stop may be waiting above */
    return SPATE_OK;
}

spate_err spate_ctx_stop(spate_ctx *ctx, bool stop_spark_context, bool gracefully)
{
    (void)stop_spark_context; /* executors are released either way, see stream.h */
    sp_logger *prev = sp_log_bind(ctx->logger);
    spate_err err = stop(ctx, gracefully);
    sp_log_bind(prev);
    return err;
}

spate_err spate_ctx_await_termination_or_timeout(spate_ctx *ctx, int64_t timeout_ms,
                                                 bool *terminated)
{
    struct timespec deadline;
    if (timeout_ms >= 0) sp_realtime_deadline(&deadline, timeout_ms);
    spate_err err = SPATE_OK;
    pthread_mutex_lock(&ctx->mu);
    for (;;) {
        if (ctx->pending_err != SPATE_OK) {
            err = ctx->pending_err;
            ctx->pending_err = SPATE_OK;
            break;
        }
        if (ctx->state == SPATE_CTX_STOPPED) break;
        if (timeout_ms < 0)
            pthread_cond_wait(&ctx->cv, &ctx->mu);
        else if (pthread_cond_timedwait(&ctx->cv, &ctx->mu, &deadline) != 0)
            break;
    }
    if (terminated) *terminated = ctx->state == SPATE_CTX_STOPPED;
    pthread_mutex_unlock(&ctx->mu);
    return err;
}

spate_err spate_ctx_await_termination(spate_ctx *ctx)
{
    return spate_ctx_await_termination_or_timeout(ctx, -1, NULL);
}

void spate_ctx_get_stats(spate_ctx *ctx, spate_ctx_stats *out)
{
    pthread_mutex_lock(&ctx->mu);
    *out = ctx->stats;
    pthread_mutex_unlock(&ctx->mu);
    out->records_in = atomic_load(&ctx->exec.records_in);
    out->bad_records = atomic_load(&ctx->exec.bad_records);
}

spate_err spate_ctx_await_batch(spate_ctx *ctx, int64_t batch_ms, int64_t timeout_ms)
{
    struct timespec deadline;
    sp_realtime_deadline(&deadline, timeout_ms);
    spate_err err = SPATE_OK;
    pthread_mutex_lock(&ctx->mu);
    while (ctx->stats.last_batch_ms < batch_ms) {
        if (ctx->state == SPATE_CTX_STOPPED && ctx->generator_done) {
            err = SPATE_ERR_STATE;
            break;
        }
        if (pthread_cond_timedwait(&ctx->cv, &ctx->mu, &deadline) != 0) {
            err = SPATE_ERR_TIMEOUT;
            break;
        }
    }
    int64_t last = ctx->stats.last_batch_ms;
    pthread_mutex_unlock(&ctx->mu);
    if (err == SPATE_ERR_STATE)
        sp_ctx_set_error(ctx, "the context stopped before batch %lld ms (last completed: %lld ms)",
                         (long long)batch_ms, (long long)last);
    else if (err == SPATE_ERR_TIMEOUT)
        sp_ctx_set_error(ctx,
                         "batch %lld ms not completed within %lld ms (last completed: %lld ms)",
                         (long long)batch_ms, (long long)timeout_ms, (long long)last);
    return err;
}
