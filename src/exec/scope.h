/* scope.h - the memory and error scope of RDDs: one per batch (and one per
 * RDD made by spate_ctx_parallelize, adopted by the batch that consumes it).
 *
 * A scope owns: a driver arena (RDD nodes, driver-side values), one arena per
 * executor thread (values made in tasks), malloc'd blocks handed to it, and
 * child scopes. Everything goes at sp_scope_destroy. */
#ifndef SP_SCOPE_H
#define SP_SCOPE_H

#include <spate/core.h>

#include <pthread.h>
#include <stdatomic.h>

#include "exec/pool.h"

/* What a scope needs from its context: the executors and the counters tasks
 * report into. Owned by the context; outlives every scope. */
typedef struct sp_exec {
    sp_pool *pool;
    pthread_mutex_t run_lock; /* recursive: one action's stages at a time */
    int default_parallelism;
    atomic_llong bad_records;
    atomic_llong records_in;
    atomic_llong errors;
    spate_arena **scratch; /* one per executor thread, reused by transient tasks */
} sp_exec;

void sp_exec_init(sp_exec *e, int nthreads, int default_parallelism);
void sp_exec_destroy(sp_exec *e);
/* The scratch arena of executor thread `thread`, NULL for another thread. A
 * task that is not transient may use it for what it drops before it ends
 * (take a mark, release it): nothing else runs on that thread meanwhile. */
spate_arena *sp_exec_scratch(sp_exec *e, int thread);

typedef struct sp_scope sp_scope;

sp_scope *sp_scope_new(sp_exec *exec);
void sp_scope_destroy(sp_scope *s);
sp_exec *sp_scope_exec(const sp_scope *s);
/* The driver-thread arena. */
spate_arena *sp_scope_arena(sp_scope *s);
/* The arena of executor thread i (created on first use; only thread i uses it). */
spate_arena *sp_scope_thread_arena(sp_scope *s, int thread);
/* Frees p with free() when the scope ends. Thread-safe. */
void sp_scope_own(sp_scope *s, void *p);
/* child is destroyed with s; an earlier owner of child lets go of it
 * (ownership moves). Thread-safe. */
void sp_scope_adopt(sp_scope *s, sp_scope *child);
/* Marks s as a batch's scope: it ends when the batch is forgotten. */
void sp_scope_mark_batch(sp_scope *s);
/* Of a and b, the scope that ends first: one belonging to a batch (its own or
 * adopted by it) before one that lives as long as the context. An RDD made
 * from parents of both goes there, so that per-batch lineage neither piles up
 * in a long-lived RDD's arena nor races with jobs using that arena (the
 * generator builds batch t+1 while batch t runs). Driver/generator thread. */
sp_scope *sp_scope_shorter(sp_scope *a, sp_scope *b);

/* The first failure recorded in the scope (tasks, inputs): sticky until
 * sp_scope_clear_error. Thread-safe. */
void sp_scope_fail(sp_scope *s, spate_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* s's failure, or else the first one of the scopes s adopted (a batch's
 * queued RDDs and received blocks run their tasks in their own scopes). */
spate_err sp_scope_error(sp_scope *s, char *msg, size_t msg_size);
void sp_scope_clear_error(sp_scope *s);
/* A failed call that does not fail the batch (an action on an empty RDD):
 * sets the most recent message only (spate_rdd_last_error), returns err. */
spate_err sp_scope_note_error(sp_scope *s, spate_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The most recent failure's message ("" when none; sp_scope_clear_error does
 * not clear it), copied under the scope's lock into a buffer of the calling
 * thread, valid until that thread's next call. Any thread. */
const char *sp_scope_errmsg(sp_scope *s);

#endif
