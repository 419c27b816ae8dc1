/* receiver_supervisor.h - the receiver supervisor's core (Spark's
 * ReceiverSupervisorImpl + BlockGenerator + RateLimiter), with no DStream
 * types: the receiver thread's life cycle and restarts, rate limiting, and
 * the block buffer that stores fill. The DStream side (stream/inputs/
 * receiver.c) adapts it to spate_receiver and does through hooks what needs
 * a stream: the write-ahead log, listener events, handing a block to a batch.
 *
 * Life cycle: sp_supervisor_start runs hooks->on_start on a new thread.
 * sp_supervisor_restart marks the supervisor stopped (on_start loops see
 * sp_supervisor_is_stopped and return); once on_start has returned, the
 * thread calls on_stop, waits restart_delay_ms (interrupted by a stop) and
 * calls on_start again. sp_supervisor_stop sets the stop flag, calls on_stop
 * on the stopping thread (what interrupts a blocking on_start) and joins.
 * Stores are accepted until the thread has ended and dropped after a stop.
 *
 * Rate: max_rate records/s (0: unlimited) is enforced in store by blocking
 * the caller as Guava's smooth rate limiter (up to one second of unused
 * permits is kept; a large request makes the next caller pay).
 * sp_supervisor_set_rate (backpressure) caps the new rate by conf_max_rate.
 *
 * Blocks: stored values are deep-copied into the current block (its own
 * sp_scope on the given executor); sp_supervisor_take_block swaps it out.
 *
 * Threads: new/free on the owner's thread; start/stop on the thread starting
 * or stopping the owner; take_block/has_pending on the batch planner; store,
 * restart, is_stopped, post and the getters on any thread. One lock guards
 * the mutable state; is_stopped reads two atomics. Hooks are called without
 * the lock unless said otherwise. */
#ifndef SP_RECEIVER_SUPERVISOR_H
#define SP_RECEIVER_SUPERVISOR_H

#include "exec/scope.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sp_logger;

typedef enum sp_supervisor_event {
    SP_SUPERVISOR_STARTED,
    SP_SUPERVISOR_STOPPED,
    SP_SUPERVISOR_ERROR,
} sp_supervisor_event;

typedef struct sp_supervisor_hooks {
    void *ud; /* passed to every hook */
    /* Receiver thread: the receiver's work; may block until is_stopped. */
    void (*on_start)(void *ud);
    /* Thread stopping or restarting: interrupts on_start. May be NULL. */
    void (*on_stop)(void *ud);
    /* Life-cycle events (STARTED before each on_start, STOPPED on restart
     * with why, and after a stop with why NULL; ERROR from sp_supervisor_post).
     * active: whether the receiver counts as running. May be NULL. */
    void (*event)(void *ud, sp_supervisor_event ev, bool active, const char *why);
    /* Under the lock, for each stored value in block order: log it; *pos is
     * its log position (0: none). May be NULL (no log). */
    void (*log_append)(void *ud, spate_value v, uint64_t *pos);
    /* After the lock, before store returns: make positions <= last durable. */
    void (*log_sync)(void *ud, uint64_t last);
} sp_supervisor_hooks;

typedef struct sp_supervisor_conf {
    const char *name;         /* the receiver's name, for the log */
    int64_t restart_delay_ms; /* spate.streaming.receiverRestartDelay */
    int64_t max_rate;         /* records/s now (0: unlimited) */
    int64_t conf_max_rate;    /* spate.streaming.receiver.maxRate: caps set_rate */
    sp_exec *exec;            /* blocks' scopes live on it */
    struct sp_logger *logger; /* bound on the receiver thread (may be NULL) */
} sp_supervisor_conf;

typedef struct sp_supervisor sp_supervisor;

sp_supervisor *sp_supervisor_new(const sp_supervisor_conf *conf, const sp_supervisor_hooks *hooks);
/* Stops it if running (immediately), then frees it and its block. */
void sp_supervisor_free(sp_supervisor *s);

/* Starts the receiver thread. SPATE_ERR_STATE when it runs or ran already
 * (errstr "") or the thread cannot be made (errstr says why). */
spate_err sp_supervisor_start(sp_supervisor *s, char *errstr, size_t errsize);
/* Stops the thread and joins it; a graceful stop keeps the stored block, an
 * immediate one drops it. True when this call stopped a running thread
 * (then the STOPPED event has been posted). */
bool sp_supervisor_stop(sp_supervisor *s, bool graceful);

/* Stores n values (deep copies), blocking for the rate limit; the log hooks
 * make them durable before it returns. Dropped after a stop. */
void sp_supervisor_store(sp_supervisor *s, const spate_value *vs, size_t n);
/* Appends v to the block, with no rate limit and no log (records replayed
 * from a log). */
void sp_supervisor_append(sp_supervisor *s, spate_value v);
/* Asks for a restart after the delay; msg says why (logged, posted). */
void sp_supervisor_restart(sp_supervisor *s, const char *msg);
bool sp_supervisor_is_stopped(sp_supervisor *s);
/* Posts ev (ERROR: with why) through the event hook, with the current
 * active flag. */
void sp_supervisor_post(sp_supervisor *s, sp_supervisor_event ev, const char *why);

/* Swaps the stored block out: *block (NULL when nothing was stored), *vals
 * (malloc'd, in *block's arena) and *n. under_lock (may be NULL) runs under
 * the lock with n, before any later store (a log's batch allocation). */
void sp_supervisor_take_block(sp_supervisor *s, sp_scope **block, spate_value **vals, size_t *n,
                              void (*under_lock)(void *ud, size_t n), void *ud);
bool sp_supervisor_has_pending(sp_supervisor *s);

/* Backpressure: the new rate (> 0), capped by conf_max_rate. */
void sp_supervisor_set_rate(sp_supervisor *s, int64_t rate);
int64_t sp_supervisor_rate(sp_supervisor *s);
int64_t sp_supervisor_stored(sp_supervisor *s);
int sp_supervisor_starts(sp_supervisor *s);

#endif
