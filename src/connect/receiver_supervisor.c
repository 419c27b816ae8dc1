/* receiver_supervisor.c - the receiver thread, its restarts, the rate limit
 * and the block buffer (see receiver_supervisor.h).
 *
 * Threads: the receiver thread runs supervisor_main; everything else is
 * called as receiver_supervisor.h says. All mutable state is under `lock`,
 * except the two flags is_stopped reads lock-free and the counters
 * (atomics). */
#include "connect/receiver_supervisor.h"

#include "base/arena.h"
#include "base/log.h"
#include "connect/source_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUPERVISOR "ReceiverSupervisorImpl"

enum { NS_PER_MS = 1000000 };
static const int64_t NS_PER_S = 1000000000LL;

struct sp_supervisor {
    sp_supervisor_hooks h;
    char *name;
    int64_t restart_delay_ms;
    int64_t max_rate;      /* records/s, 0: unlimited (under lock once started) */
    int64_t conf_max_rate; /* caps set_rate */
    sp_exec *exec;
    struct sp_logger *logger;

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
};

static void post(sp_supervisor *s, sp_supervisor_event ev, bool active, const char *why)
{
    if (s->h.event) s->h.event(s->h.ud, ev, active, why);
}

void sp_supervisor_post(sp_supervisor *s, sp_supervisor_event ev, const char *why)
{
    pthread_mutex_lock(&s->lock);
    bool active = ev == SP_SUPERVISOR_STARTED || (ev == SP_SUPERVISOR_ERROR && s->active);
    pthread_mutex_unlock(&s->lock);
    post(s, ev, active, why);
}

/* Any thread, lock held: waits on cond until deadline_ns (monotonic). */
static void wait_until_locked(sp_supervisor *s, int64_t deadline_ns)
{
    struct timespec ts = {.tv_sec = deadline_ns / NS_PER_S, .tv_nsec = deadline_ns % NS_PER_S};
    pthread_cond_timedwait(&s->cond, &s->lock, &ts);
}

/* Caller of store, lock held: reserves the next n rate slots and sleeps until
 * the first (or until the receiver stops): as Guava's acquire(n), the next
 * caller pays for a large request. */
static void rate_wait_locked(sp_supervisor *s, size_t n)
{
    int64_t interval = NS_PER_S / s->max_rate;
    int64_t now = sp_mono_ns();
    if (s->next_slot_ns < now - NS_PER_S) s->next_slot_ns = now - NS_PER_S;
    int64_t slot = s->next_slot_ns;
    s->next_slot_ns += interval * (int64_t)n;
    while (slot > now && !atomic_load(&s->stopping)) {
        wait_until_locked(s, slot);
        now = sp_mono_ns();
    }
}

/* Lock held: a deep copy of v into the current block. */
static void append_locked(sp_supervisor *s, spate_value v)
{
    if (!s->block) s->block = sp_scope_new(s->exec);
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->vals = sp_xrealloc(s->vals, s->cap * sizeof *s->vals);
    }
    s->vals[s->len++] = spate_value_copy(sp_scope_arena(s->block), v);
}

void sp_supervisor_store(sp_supervisor *s, const spate_value *vs, size_t n)
{
    if (n == 0) return;
    pthread_mutex_lock(&s->lock);
    if (s->max_rate > 0) rate_wait_locked(s, n);
    if (s->closed) {
        pthread_mutex_unlock(&s->lock);
        return;
    }
    uint64_t last = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t pos = 0;
        /* under the lock: the log's order is the block's */
        if (s->h.log_append) s->h.log_append(s->h.ud, vs[i], &pos);
        if (pos > last) last = pos;
        append_locked(s, vs[i]);
    }
    pthread_mutex_unlock(&s->lock);
    if (s->h.log_sync) s->h.log_sync(s->h.ud, last); /* on disk, one sync, before returning */
    atomic_fetch_add(&s->stored, (long long)n);
}

void sp_supervisor_append(sp_supervisor *s, spate_value v)
{
    pthread_mutex_lock(&s->lock);
    append_locked(s, v);
    pthread_mutex_unlock(&s->lock);
}

void sp_supervisor_restart(sp_supervisor *s, const char *msg)
{
    pthread_mutex_lock(&s->lock);
    if (s->thread_running && !atomic_load(&s->stopping) && !atomic_load(&s->restart_pending)) {
        free(s->restart_msg);
        s->restart_msg = sp_xstrdup(msg ? msg : "");
        atomic_store(&s->restart_pending, true);
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
}

bool sp_supervisor_is_stopped(sp_supervisor *s)
{
    return atomic_load(&s->stopping) || atomic_load(&s->restart_pending);
}

/* Receiver thread: on_stop, the restart delay, then ready for on_start.
 * False when the receiver was stopped meanwhile. Takes msg. */
static bool supervisor_restart(sp_supervisor *s, bool call_on_stop, char *msg)
{
    sp_log(SP_LOG_WARN, SUPERVISOR, "Restarting receiver %s with delay %lld ms: %s", s->name,
           (long long)s->restart_delay_ms, msg ? msg : "");
    if (call_on_stop && s->h.on_stop) s->h.on_stop(s->h.ud);
    char why[600];
    snprintf(why, sizeof why, "Restarting receiver with delay %lld ms: %s",
             (long long)s->restart_delay_ms, msg ? msg : "");
    free(msg);
    post(s, SP_SUPERVISOR_STOPPED, false, why);
    pthread_mutex_lock(&s->lock);
    int64_t deadline = sp_mono_ns() + s->restart_delay_ms * NS_PER_MS;
    while (!atomic_load(&s->stopping) && sp_mono_ns() < deadline)
        wait_until_locked(s, deadline);
    bool go = !atomic_load(&s->stopping);
    if (go) {
        atomic_store(&s->restart_pending, false);
        s->active = true;
    }
    pthread_mutex_unlock(&s->lock);
    if (go) sp_log(SP_LOG_INFO, SUPERVISOR, "Starting receiver %s again", s->name);
    return go;
}

/* The receiver thread: on_start, then wait for a stop or a restart. */
static void *supervisor_main(void *arg)
{
    sp_supervisor *s = arg;
    if (s->logger) sp_log_bind(s->logger); /* this thread's records are the owner's */
    for (;;) {
        atomic_fetch_add(&s->starts, 1);
        post(s, SP_SUPERVISOR_STARTED, true, NULL);
        s->h.on_start(s->h.ud);
        pthread_mutex_lock(&s->lock);
        while (!atomic_load(&s->stopping) && !atomic_load(&s->restart_pending))
            pthread_cond_wait(&s->cond, &s->lock);
        if (atomic_load(&s->stopping)) {
            pthread_mutex_unlock(&s->lock);
            break;
        }
        bool call_on_stop = s->active;
        s->active = false;
        char *msg = s->restart_msg;
        s->restart_msg = NULL;
        pthread_mutex_unlock(&s->lock);
        if (!supervisor_restart(s, call_on_stop, msg)) break;
    }
    return NULL;
}

spate_err sp_supervisor_start(sp_supervisor *s, char *errstr, size_t errsize)
{
    pthread_mutex_lock(&s->lock);
    if (s->thread_running || s->closed) {
        pthread_mutex_unlock(&s->lock);
        if (errsize) errstr[0] = '\0'; /* not a failure to report */
        return SPATE_ERR_STATE;
    }
    s->active = true;
    s->next_slot_ns = sp_mono_ns();
    int rc = pthread_create(&s->thread, NULL, supervisor_main, s);
    s->thread_running = rc == 0;
    if (rc != 0) s->active = false;
    pthread_mutex_unlock(&s->lock);
    if (rc != 0) {
        char buf[128];
        snprintf(errstr, errsize, "cannot start receiver %s: %s", s->name,
                 sp_strerror(rc, buf, sizeof buf));
        return SPATE_ERR_STATE;
    }
    sp_log(SP_LOG_INFO, SUPERVISOR, "Started receiver %s", s->name);
    return SPATE_OK;
}

/* Lock held: drops the stored block. */
static void drop_block_locked(sp_supervisor *s)
{
    if (s->block) sp_scope_destroy(s->block);
    free(s->vals);
    s->block = NULL;
    s->vals = NULL;
    s->len = s->cap = 0;
}

bool sp_supervisor_stop(sp_supervisor *s, bool graceful)
{
    pthread_mutex_lock(&s->lock);
    if (!s->thread_running || atomic_load(&s->stopping)) {
        if (!s->thread_running) s->closed = true;
        if (!graceful) drop_block_locked(s);
        pthread_mutex_unlock(&s->lock);
        return false;
    }
    atomic_store(&s->stopping, true);
    bool call_on_stop = s->active;
    s->active = false;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    if (call_on_stop && s->h.on_stop) s->h.on_stop(s->h.ud);
    pthread_join(s->thread, NULL);
    pthread_mutex_lock(&s->lock);
    s->thread_running = false;
    s->closed = true;
    if (!graceful) drop_block_locked(s);
    pthread_mutex_unlock(&s->lock);
    sp_log(SP_LOG_INFO, SUPERVISOR, "Stopped receiver %s", s->name);
    post(s, SP_SUPERVISOR_STOPPED, false, NULL);
    return true;
}

void sp_supervisor_take_block(sp_supervisor *s, sp_scope **block, spate_value **vals, size_t *n,
                              void (*under_lock)(void *ud, size_t n), void *ud)
{
    pthread_mutex_lock(&s->lock);
    *block = s->block;
    *vals = s->vals;
    *n = s->len;
    s->block = NULL;
    s->vals = NULL;
    s->len = s->cap = 0;
    if (under_lock) under_lock(ud, *n);
    pthread_mutex_unlock(&s->lock);
}

bool sp_supervisor_has_pending(sp_supervisor *s)
{
    pthread_mutex_lock(&s->lock);
    bool pending = s->len > 0;
    pthread_mutex_unlock(&s->lock);
    return pending;
}

void sp_supervisor_set_rate(sp_supervisor *s, int64_t rate)
{
    if (rate <= 0) return;
    pthread_mutex_lock(&s->lock);
    s->max_rate = s->conf_max_rate > 0 && s->conf_max_rate < rate ? s->conf_max_rate : rate;
    pthread_mutex_unlock(&s->lock);
}

int64_t sp_supervisor_rate(sp_supervisor *s)
{
    pthread_mutex_lock(&s->lock);
    int64_t rate = s->max_rate;
    pthread_mutex_unlock(&s->lock);
    return rate;
}

int64_t sp_supervisor_stored(sp_supervisor *s) { return atomic_load(&s->stored); }
int sp_supervisor_starts(sp_supervisor *s) { return atomic_load(&s->starts); }

sp_supervisor *sp_supervisor_new(const sp_supervisor_conf *conf, const sp_supervisor_hooks *hooks)
{
    sp_supervisor *s = sp_xcalloc(1, sizeof *s);
    s->h = *hooks;
    s->name = sp_xstrdup(conf->name && *conf->name ? conf->name : "Receiver");
    s->restart_delay_ms = conf->restart_delay_ms > 0 ? conf->restart_delay_ms : 0;
    s->max_rate = conf->max_rate > 0 ? conf->max_rate : 0;
    s->conf_max_rate = conf->conf_max_rate > 0 ? conf->conf_max_rate : 0;
    s->exec = conf->exec;
    s->logger = conf->logger;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    return s;
}

void sp_supervisor_free(sp_supervisor *s)
{
    if (!s) return;
    if (s->thread_running) sp_supervisor_stop(s, false);
    drop_block_locked(s);
    free(s->restart_msg);
    free(s->name);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
