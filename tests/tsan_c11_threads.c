/* tsan_c11_threads.c - C11 threads (<threads.h>) over the pthread calls, for
 * the ThreadSanitizer run (scripts/run-tsan.sh builds it as a shared library
 * and LD_PRELOADs it; it is not part of spate).
 *
 * librdkafka creates its threads with thrd_create and locks with mtx_lock /
 * cnd_wait. glibc implements those by calling its pthread internals
 * directly, which no sanitizer intercepts (google/sanitizers#1603): a thread
 * made by thrd_create has no TSan state, and its first malloc is a SEGV in
 * the TSan allocator; its mutexes would be invisible too (false races on the
 * data they guard, such as what a delivery callback hands to spate). Defined
 * here, the C11 functions call pthread_create, pthread_mutex_lock, ... by
 * their public names, which resolve to TSan's interceptors in the
 * instrumented executable (and to glibc's own functions in any other process
 * of the run, kcat or python, where the behaviour is glibc's).
 *
 * Each function does what glibc 2.36's nptl/thrd_*.c, mtx_*.c, cnd_*.c and
 * call_once.c do; the types are glibc's (mtx_t and cnd_t share the layout of
 * pthread_mutex_t and pthread_cond_t, once_flag wraps a pthread_once_t). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

static int err_map(int err)
{
    switch (err) {
    case 0:
        return thrd_success;
    case ENOMEM:
        return thrd_nomem;
    case ETIMEDOUT:
        return thrd_timedout;
    case EBUSY:
        return thrd_busy;
    default:
        return thrd_error;
    }
}

typedef struct start {
    thrd_start_t func;
    void *arg;
} start;

/* A C11 start routine returns int; the thread's pthread result carries it. */
static void *run_start(void *p)
{
    start s = *(start *)p;
    free(p);
    return (void *)(intptr_t)s.func(s.arg);
}

int thrd_create(thrd_t *thr, thrd_start_t func, void *arg)
{
    start *s = malloc(sizeof *s);
    if (!s) return thrd_nomem;
    s->func = func;
    s->arg = arg;
    int err = pthread_create((pthread_t *)thr, NULL, run_start, s);
    if (err) free(s);
    return err_map(err);
}

int thrd_join(thrd_t thr, int *res)
{
    void *r;
    int err = pthread_join((pthread_t)thr, &r);
    if (!err && res) *res = (int)(intptr_t)r;
    return err_map(err);
}

int thrd_detach(thrd_t thr) { return err_map(pthread_detach((pthread_t)thr)); }

_Noreturn void thrd_exit(int res) { pthread_exit((void *)(intptr_t)res); }

int mtx_init(mtx_t *m, int type)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, (type & mtx_recursive) ? PTHREAD_MUTEX_RECURSIVE
                                                            : PTHREAD_MUTEX_NORMAL);
    int err = pthread_mutex_init((pthread_mutex_t *)m, &attr);
    pthread_mutexattr_destroy(&attr);
    return err_map(err);
}

int mtx_lock(mtx_t *m) { return err_map(pthread_mutex_lock((pthread_mutex_t *)m)); }

int mtx_trylock(mtx_t *m) { return err_map(pthread_mutex_trylock((pthread_mutex_t *)m)); }

int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict at)
{
    return err_map(pthread_mutex_timedlock((pthread_mutex_t *)m, at));
}

int mtx_unlock(mtx_t *m) { return err_map(pthread_mutex_unlock((pthread_mutex_t *)m)); }

void mtx_destroy(mtx_t *m) { pthread_mutex_destroy((pthread_mutex_t *)m); }

int cnd_init(cnd_t *c) { return err_map(pthread_cond_init((pthread_cond_t *)c, NULL)); }

int cnd_signal(cnd_t *c) { return err_map(pthread_cond_signal((pthread_cond_t *)c)); }

int cnd_broadcast(cnd_t *c) { return err_map(pthread_cond_broadcast((pthread_cond_t *)c)); }

int cnd_wait(cnd_t *c, mtx_t *m)
{
    return err_map(pthread_cond_wait((pthread_cond_t *)c, (pthread_mutex_t *)m));
}

int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m, const struct timespec *restrict at)
{
    return err_map(pthread_cond_timedwait((pthread_cond_t *)c, (pthread_mutex_t *)m, at));
}

void cnd_destroy(cnd_t *c) { pthread_cond_destroy((pthread_cond_t *)c); }

void call_once(once_flag *flag, void (*func)(void))
{
    pthread_once((pthread_once_t *)&flag->__data, func);
}
