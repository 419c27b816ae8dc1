/* pool.c - a fixed set of executor threads. A run publishes (fn, arg, ntasks);
 * threads claim task indices with an atomic counter, the last one to finish
 * wakes the caller. Each thread counts its tasks and their time in a slot
 * of its own cache line (sp_pool_stats). */
#include "exec/pool.h"

#include "base/arena.h"
#include "base/log.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One thread's counters (sp_pool_thread_stats), written by that thread. */
typedef struct pool_slot {
    atomic_llong tasks, failed, busy_ns;
    atomic_int active;
} pool_slot;

/* The slot of the executor thread running here, NULL elsewhere. */
static _Thread_local pool_slot *tls_slot;

struct sp_pool {
    pthread_t *threads;
    int nthreads;
    pthread_mutex_t run_lock; /* one run at a time */
    pthread_mutex_t mu;
    pthread_cond_t work_cv;
    pthread_cond_t done_cv;
    uint64_t generation; /* bumped per run; threads wait for a new one */
    bool shutdown;
    sp_task_fn fn;
    void *arg;
    sp_logger *logger;       /* the run's: tasks log as its context does */
    sp_logger *owner_logger; /* sp_pool_set_logger */
    int ntasks;
    atomic_int next_task;
    int running;      /* threads still inside the current run */
    pool_slot *slots; /* nthreads, SP_CACHE_LINE apart */
};

static pool_slot *slot_of(const sp_pool *p, int i)
{
    size_t stride = (sizeof(pool_slot) + SP_CACHE_LINE - 1) / SP_CACHE_LINE * SP_CACHE_LINE;
    return (pool_slot *)((char *)p->slots + stride * (size_t)i);
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

typedef struct worker_arg {
    sp_pool *pool;
    int index;
} worker_arg;

static void work_on_run(sp_pool *p, int thread)
{
    pool_slot *sl = slot_of(p, thread);
    for (;;) {
        int task = atomic_fetch_add(&p->next_task, 1);
        if (task >= p->ntasks) break;
        long long t0 = now_ns();
        atomic_store_explicit(&sl->active, 1, memory_order_relaxed);
        p->fn(p->arg, task, thread);
        atomic_store_explicit(&sl->active, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&sl->busy_ns, now_ns() - t0, memory_order_relaxed);
        atomic_fetch_add_explicit(&sl->tasks, 1, memory_order_relaxed);
    }
}

static void *worker_main(void *varg)
{
    worker_arg *wa = varg;
    sp_pool *p = wa->pool;
    int index = wa->index;
    free(wa);
    tls_slot = slot_of(p, index);
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->shutdown && p->generation == seen)
            pthread_cond_wait(&p->work_cv, &p->mu);
        if (p->shutdown) break;
        seen = p->generation;
        sp_log_bind(p->logger); /* a pool shared by contexts logs for the run's */
        pthread_mutex_unlock(&p->mu);
        work_on_run(p, index);
        pthread_mutex_lock(&p->mu);
        sp_log_bind(NULL);
        if (--p->running == 0) pthread_cond_signal(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

sp_pool *sp_pool_new(int nthreads)
{
    sp_pool *p = sp_xcalloc(1, sizeof *p);
    p->nthreads = nthreads > 0 ? nthreads : 1;
    pthread_mutex_init(&p->run_lock, NULL);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    p->threads = sp_xcalloc((size_t)p->nthreads, sizeof *p->threads);
    p->slots = sp_xcalloc_line((sizeof(pool_slot) + SP_CACHE_LINE - 1) / SP_CACHE_LINE *
                               SP_CACHE_LINE * (size_t)p->nthreads);
    for (int i = 0; i < p->nthreads; i++) {
        worker_arg *wa = sp_xmalloc(sizeof *wa);
        wa->pool = p;
        wa->index = i;
        pthread_create(&p->threads[i], NULL, worker_main, wa);
    }
    return p;
}

void sp_pool_destroy(sp_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->shutdown = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    free(p->slots);
    pthread_mutex_destroy(&p->run_lock);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    free(p);
}

int sp_pool_threads(const sp_pool *p) { return p->nthreads; }
void sp_pool_set_logger(sp_pool *p, sp_logger *lg) { p->owner_logger = lg; }

int sp_pool_stats(const sp_pool *p, sp_pool_thread_stats *out, int max)
{
    for (int i = 0; i < p->nthreads && i < max; i++) {
        pool_slot *sl = slot_of(p, i);
        out[i] = (sp_pool_thread_stats){
            .tasks = atomic_load_explicit(&sl->tasks, memory_order_relaxed),
            .failed = atomic_load_explicit(&sl->failed, memory_order_relaxed),
            .busy_ns = atomic_load_explicit(&sl->busy_ns, memory_order_relaxed),
            .active = atomic_load_explicit(&sl->active, memory_order_relaxed)};
    }
    return p->nthreads;
}

void sp_pool_task_failed(void)
{
    if (tls_slot) atomic_fetch_add_explicit(&tls_slot->failed, 1, memory_order_relaxed);
}

void sp_pool_run(sp_pool *p, int ntasks, sp_task_fn fn, void *arg)
{
    if (ntasks <= 0) return;
    pthread_mutex_lock(&p->run_lock);
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->logger = sp_log_bound() ? sp_log_bound() : p->owner_logger;
    p->ntasks = ntasks;
    atomic_store(&p->next_task, 0);
    p->running = p->nthreads;
    p->generation++;
    pthread_cond_broadcast(&p->work_cv);
    while (p->running > 0)
        pthread_cond_wait(&p->done_cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    pthread_mutex_unlock(&p->run_lock);
}

int sp_master_threads(const char *master)
{
    if (!master) return -1;
    if (strcmp(master, "local") == 0) return 1;
    if (strncmp(master, "local[", 6) != 0) return -1;
    const char *p = master + 6;
    if (strcmp(p, "*]") == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        return n > 0 ? (int)n : 1;
    }
    if (!isdigit((unsigned char)*p)) return -1;
    char *end;
    long n = strtol(p, &end, 10);
    if (strcmp(end, "]") != 0 || n < 1 || n > 1024) return -1;
    return (int)n;
}
