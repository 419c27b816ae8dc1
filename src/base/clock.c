/* clock.c - system and manual clocks behind one waitable object. */
#include "base/clock.h"

#include "base/arena.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct spate_clock {
    bool manual;
    int64_t now;      /* manual clocks only */
    bool interrupted; /* sticky: a stopped context never waits again */
    pthread_mutex_t mu;
    pthread_cond_t cv; /* CLOCK_MONOTONIC based */
};

static int64_t realtime_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sp_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The instant ms after now on clock id. */
static void deadline_on(clockid_t id, struct timespec *ts, int64_t ms)
{
    clock_gettime(id, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

void sp_realtime_deadline(struct timespec *ts, int64_t ms) { deadline_on(CLOCK_REALTIME, ts, ms); }

spate_clock *sp_clock_new(bool manual, int64_t start_ms)
{
    spate_clock *c = sp_xcalloc(1, sizeof *c);
    c->manual = manual;
    c->now = start_ms;
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &attr);
    pthread_condattr_destroy(&attr);
    return c;
}

void sp_clock_destroy(spate_clock *c)
{
    if (!c) return;
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}

bool sp_clock_is_manual(const spate_clock *c) { return c->manual; }

int64_t spate_clock_now(spate_clock *c)
{
    if (!c->manual) return realtime_ms();
    pthread_mutex_lock(&c->mu);
    int64_t now = c->now;
    pthread_mutex_unlock(&c->mu);
    return now;
}

spate_err spate_clock_set(spate_clock *c, int64_t ms)
{
    if (!c->manual) return SPATE_ERR_STATE;
    pthread_mutex_lock(&c->mu);
    c->now = ms;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return SPATE_OK;
}

spate_err spate_clock_advance(spate_clock *c, int64_t ms)
{
    if (!c->manual) return SPATE_ERR_STATE;
    pthread_mutex_lock(&c->mu);
    c->now += ms;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return SPATE_OK;
}

static void deadline_in(struct timespec *ts, int64_t ms) { deadline_on(CLOCK_MONOTONIC, ts, ms); }

int64_t sp_clock_wait_until(spate_clock *c, int64_t target_ms)
{
    pthread_mutex_lock(&c->mu);
    for (;;) {
        int64_t now = c->manual ? c->now : realtime_ms();
        if (now >= target_ms || c->interrupted) {
            pthread_mutex_unlock(&c->mu);
            return now;
        }
        if (c->manual) {
            pthread_cond_wait(&c->cv, &c->mu);
        } else {
            struct timespec ts;
            deadline_in(&ts, target_ms - now);
            pthread_cond_timedwait(&c->cv, &c->mu, &ts);
        }
    }
}

void sp_clock_interrupt(spate_clock *c)
{
    pthread_mutex_lock(&c->mu);
    c->interrupted = true;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}
