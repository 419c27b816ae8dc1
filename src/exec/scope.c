/* scope.c - memory and first-error bookkeeping for RDDs of one batch. */
#include "exec/scope.h"

#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_THREAD_ARENAS = 1024 };

/* Executors alive in the process: when the last one goes, the arena chunk
 * cache (arena.c) has no more batches to serve and is emptied. */
static atomic_int live_execs;

struct sp_scope {
    sp_exec *exec;
    sp_scope *owner; /* the scope that adopted this one, if any */
    bool batch;      /* a batch's own scope (sp_scope_mark_batch) */
    spate_arena *arena;
    spate_arena **thread_arenas; /* one per executor thread, lazily made */
    int nthread_arenas;
    pthread_mutex_t mu;
    void **owned;
    size_t nowned, owned_cap;
    sp_scope **children;
    size_t nchildren, children_cap;
    spate_err err;
    char errmsg[512];   /* the first failure: what the batch reports */
    char last_msg[512]; /* the most recent one: spate_rdd_last_error */
};

void sp_exec_init(sp_exec *e, int nthreads, int default_parallelism)
{
    e->pool = sp_pool_new(nthreads);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&e->run_lock, &attr);
    pthread_mutexattr_destroy(&attr);
    e->default_parallelism = default_parallelism > 0 ? default_parallelism : nthreads;
    e->scratch = sp_xcalloc((size_t)nthreads, sizeof *e->scratch);
    for (int i = 0; i < nthreads; i++)
        e->scratch[i] = spate_arena_new();
    atomic_init(&e->bad_records, 0);
    atomic_init(&e->records_in, 0);
    atomic_init(&e->errors, 0);
    atomic_fetch_add(&live_execs, 1);
}

void sp_exec_destroy(sp_exec *e)
{
    for (int i = 0; i < sp_pool_threads(e->pool); i++)
        spate_arena_destroy(e->scratch[i]);
    free(e->scratch);
    sp_pool_destroy(e->pool);
    e->pool = NULL;
    pthread_mutex_destroy(&e->run_lock);
    if (atomic_fetch_sub(&live_execs, 1) == 1) sp_arena_cache_trim();
}

spate_arena *sp_exec_scratch(sp_exec *e, int thread)
{
    return thread >= 0 && thread < sp_pool_threads(e->pool) ? e->scratch[thread] : NULL;
}

sp_scope *sp_scope_new(sp_exec *exec)
{
    sp_scope *s = sp_xcalloc(1, sizeof *s);
    s->exec = exec;
    s->arena = spate_arena_new();
    s->nthread_arenas = sp_pool_threads(exec->pool);
    s->thread_arenas = sp_xcalloc((size_t)s->nthread_arenas, sizeof *s->thread_arenas);
    pthread_mutex_init(&s->mu, NULL);
    return s;
}

void sp_scope_destroy(sp_scope *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nchildren; i++)
        sp_scope_destroy(s->children[i]);
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    for (int i = 0; i < s->nthread_arenas; i++)
        spate_arena_destroy(s->thread_arenas[i]);
    spate_arena_destroy(s->arena);
    free(s->children);
    free(s->owned);
    free(s->thread_arenas);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

sp_exec *sp_scope_exec(const sp_scope *s) { return s->exec; }
spate_arena *sp_scope_arena(sp_scope *s) { return s->arena; }

spate_arena *sp_scope_thread_arena(sp_scope *s, int thread)
{
    if (thread < 0 || thread >= s->nthread_arenas) return s->arena;
    /* Only thread `thread` touches its slot, so no lock is needed. */
    if (!s->thread_arenas[thread]) s->thread_arenas[thread] = spate_arena_new();
    return s->thread_arenas[thread];
}

void sp_scope_own(sp_scope *s, void *p)
{
    if (!p) return;
    pthread_mutex_lock(&s->mu);
    if (s->nowned == s->owned_cap) {
        s->owned_cap = s->owned_cap ? s->owned_cap * 2 : 16;
        s->owned = sp_xrealloc(s->owned, s->owned_cap * sizeof *s->owned);
    }
    s->owned[s->nowned++] = p;
    pthread_mutex_unlock(&s->mu);
}

static void detach(sp_scope *owner, sp_scope *child)
{
    pthread_mutex_lock(&owner->mu);
    for (size_t i = 0; i < owner->nchildren; i++) {
        if (owner->children[i] != child) continue;
        owner->children[i] = owner->children[--owner->nchildren];
        break;
    }
    pthread_mutex_unlock(&owner->mu);
}

void sp_scope_adopt(sp_scope *s, sp_scope *child)
{
    if (!child || child == s || child->owner == s) return;
    if (child->owner) detach(child->owner, child);
    child->owner = s;
    pthread_mutex_lock(&s->mu);
    if (s->nchildren == s->children_cap) {
        s->children_cap = s->children_cap ? s->children_cap * 2 : 4;
        s->children = sp_xrealloc(s->children, s->children_cap * sizeof *s->children);
    }
    s->children[s->nchildren++] = child;
    pthread_mutex_unlock(&s->mu);
}

void sp_scope_mark_batch(sp_scope *s) { s->batch = true; }

static bool in_batch(const sp_scope *s)
{
    while (s->owner)
        s = s->owner;
    return s->batch;
}

sp_scope *sp_scope_shorter(sp_scope *a, sp_scope *b) { return !in_batch(a) && in_batch(b) ? b : a; }

void sp_scope_fail(sp_scope *s, spate_err err, const char *fmt, ...)
{
    char msg[sizeof s->errmsg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&s->mu);
    if (s->err == SPATE_OK) {
        s->err = err;
        memcpy(s->errmsg, msg, sizeof msg);
    }
    memcpy(s->last_msg, msg, sizeof msg);
    pthread_mutex_unlock(&s->mu);
}

spate_err sp_scope_error(sp_scope *s, char *msg, size_t msg_size)
{
    pthread_mutex_lock(&s->mu);
    spate_err err = s->err;
    if (msg && msg_size) snprintf(msg, msg_size, "%s", s->errmsg);
    /* Locks go owner before child, as nowhere else holds two at once. */
    for (size_t i = 0; i < s->nchildren && err == SPATE_OK; i++)
        err = sp_scope_error(s->children[i], msg, msg_size);
    pthread_mutex_unlock(&s->mu);
    return err;
}

spate_err sp_scope_note_error(sp_scope *s, spate_err err, const char *fmt, ...)
{
    char msg[sizeof s->last_msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&s->mu);
    memcpy(s->last_msg, msg, sizeof msg);
    pthread_mutex_unlock(&s->mu);
    return err;
}

void sp_scope_clear_error(sp_scope *s)
{
    pthread_mutex_lock(&s->mu);
    s->err = SPATE_OK;
    s->errmsg[0] = '\0';
    pthread_mutex_unlock(&s->mu);
}

/* A copy under the lock tasks write with: the caller's string does not change
 * while other threads fail tasks of the scope. */
const char *sp_scope_errmsg(sp_scope *s)
{
    static _Thread_local char copy[sizeof s->last_msg];
    pthread_mutex_lock(&s->mu);
    memcpy(copy, s->last_msg, sizeof copy);
    pthread_mutex_unlock(&s->mu);
    return copy;
}
