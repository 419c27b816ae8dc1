/* test_receiver_supervisor.c - the receiver supervisor's core on its own, with
 * no stream: the thread's life cycle (start, restart with a message, stop
 * interrupting on_start and the restart delay), the events it posts, the
 * block buffer, the log hooks' order, stores dropped after a stop and the
 * backpressure rate capped by maxRate. The test waits on conditions with a
 * bound, never sleeps. */
#include <criterion/criterion.h>

#include "connect/receiver_supervisor.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_EVENTS = 16, WAIT_S = 10 };

typedef struct rec {
    sp_supervisor *sup;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int starts, stops;
    sp_supervisor_event ev[MAX_EVENTS];
    bool active[MAX_EVENTS];
    char why[MAX_EVENTS][128];
    int nev;
    uint64_t next_pos, appended[8], synced;
    int nappended;
    size_t allocated;
} rec;

static sp_exec E;
static rec R;

static void setup(void)
{
    sp_exec_init(&E, 1, 1);
    memset(&R, 0, sizeof R);
    pthread_mutex_init(&R.lock, NULL);
    pthread_cond_init(&R.cond, NULL);
}

static void teardown(void)
{
    pthread_cond_destroy(&R.cond);
    pthread_mutex_destroy(&R.lock);
    sp_exec_destroy(&E);
}

TestSuite(receiver_supervisor, .init = setup, .fini = teardown);

/* Waits (bounded) until *field >= n; true when it got there. */
static bool wait_for(int *field, int n)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += WAIT_S;
    pthread_mutex_lock(&R.lock);
    int rc = 0;
    while (*field < n && rc == 0)
        rc = pthread_cond_timedwait(&R.cond, &R.lock, &ts);
    bool ok = *field >= n;
    pthread_mutex_unlock(&R.lock);
    return ok;
}

/* Blocks until the supervisor says stop, waking on on_stop's broadcast. */
static void block_until_stopped(rec *r)
{
    pthread_mutex_lock(&r->lock);
    while (!sp_supervisor_is_stopped(r->sup)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&r->cond, &r->lock, &ts);
    }
    pthread_mutex_unlock(&r->lock);
}

/* First start: stores three values and asks for a restart; then blocks. */
static void on_start(void *ud)
{
    rec *r = ud;
    pthread_mutex_lock(&r->lock);
    int n = ++r->starts;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
    if (n == 1) {
        spate_value vs[] = {spate_str("a", 1), spate_str("b", 1), spate_str("c", 1)};
        sp_supervisor_store(r->sup, vs, 3);
        sp_supervisor_restart(r->sup, "bye");
        return;
    }
    block_until_stopped(r);
}

static void on_stop(void *ud)
{
    rec *r = ud;
    pthread_mutex_lock(&r->lock);
    r->stops++;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

static void on_event(void *ud, sp_supervisor_event ev, bool active, const char *why)
{
    rec *r = ud;
    pthread_mutex_lock(&r->lock);
    cr_assert_lt(r->nev, MAX_EVENTS);
    r->ev[r->nev] = ev;
    r->active[r->nev] = active;
    snprintf(r->why[r->nev], sizeof r->why[0], "%s", why ? why : "(null)");
    r->nev++;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

static void log_append(void *ud, spate_value v, uint64_t *pos)
{
    rec *r = ud;
    (void)v;
    *pos = ++r->next_pos; /* under the supervisor's lock */
    if (r->nappended < 8) r->appended[r->nappended++] = *pos;
}

static void log_sync(void *ud, uint64_t last) { ((rec *)ud)->synced = last; }

static void allocate(void *ud, size_t n) { *(size_t *)ud = n; }

static sp_supervisor *make(int64_t delay_ms, int64_t max_rate)
{
    sp_supervisor_conf c = {.name = "TestReceiver",
                            .restart_delay_ms = delay_ms,
                            .max_rate = max_rate,
                            .conf_max_rate = max_rate,
                            .exec = &E};
    sp_supervisor_hooks h = {.ud = &R,
                             .on_start = on_start,
                             .on_stop = on_stop,
                             .event = on_event,
                             .log_append = log_append,
                             .log_sync = log_sync};
    R.sup = sp_supervisor_new(&c, &h);
    return R.sup;
}

Test(receiver_supervisor, restart_store_and_stop, .timeout = 30)
{
    sp_supervisor *s = make(0, 0);
    char why[128] = "x";
    cr_assert_eq(sp_supervisor_start(s, why, sizeof why), SPATE_OK);
    cr_assert(wait_for(&R.starts, 2), "restarted");
    cr_expect_eq(sp_supervisor_start(s, why, sizeof why), SPATE_ERR_STATE);
    cr_expect_str_eq(why, "");
    cr_assert(sp_supervisor_stop(s, true));
    cr_expect_not(sp_supervisor_stop(s, true));
    cr_expect_eq(R.stops, 2); /* the restart's and the stop's */
    cr_expect_eq(sp_supervisor_starts(s), 2);

    cr_assert_eq(R.nev, 4);
    cr_expect_eq(R.ev[0], SP_SUPERVISOR_STARTED);
    cr_expect(R.active[0]);
    cr_expect_eq(R.ev[1], SP_SUPERVISOR_STOPPED);
    cr_expect_not(R.active[1]);
    cr_expect_str_eq(R.why[1], "Restarting receiver with delay 0 ms: bye");
    cr_expect_eq(R.ev[2], SP_SUPERVISOR_STARTED);
    cr_expect_eq(R.ev[3], SP_SUPERVISOR_STOPPED);
    cr_expect_str_eq(R.why[3], "(null)");

    /* the graceful stop kept the block; the log saw each value, in order */
    cr_expect_eq(R.nappended, 3);
    cr_expect_eq(R.synced, 3);
    cr_expect(sp_supervisor_has_pending(s));
    sp_scope *block;
    spate_value *vals;
    size_t n;
    sp_supervisor_take_block(s, &block, &vals, &n, allocate, &R.allocated);
    cr_assert_eq(n, 3);
    cr_expect_eq(R.allocated, 3);
    cr_assert_not_null(block);
    cr_expect_eq(memcmp(vals[2].u.s, "c", 1), 0);
    cr_expect_eq(sp_supervisor_stored(s), 3);
    free(vals);
    sp_scope_destroy(block);

    /* stores after the stop are dropped */
    sp_supervisor_store(s, (spate_value[]){spate_i64(1)}, 1);
    cr_expect_not(sp_supervisor_has_pending(s));
    sp_supervisor_free(s);
}

Test(receiver_supervisor, stop_interrupts_the_restart_delay, .timeout = 30)
{
    sp_supervisor *s = make(600000, 0); /* ten minutes */
    char why[128];
    cr_assert_eq(sp_supervisor_start(s, why, sizeof why), SPATE_OK);
    cr_assert(wait_for(&R.nev, 2), "restart posted"); /* STARTED, STOPPED */
    cr_assert(sp_supervisor_stop(s, false));
    cr_expect_eq(R.starts, 1);
    cr_expect_not(sp_supervisor_has_pending(s)); /* an immediate stop drops the block */
    sp_supervisor_post(s, SP_SUPERVISOR_ERROR, "late");
    cr_expect_eq(R.ev[R.nev - 1], SP_SUPERVISOR_ERROR);
    cr_expect_not(R.active[R.nev - 1]);
    sp_supervisor_free(s);
}

Test(receiver_supervisor, backpressure_rate_capped_by_max_rate, .timeout = 30)
{
    sp_supervisor *s = make(0, 500);
    cr_expect_eq(sp_supervisor_rate(s), 500);
    sp_supervisor_set_rate(s, 100);
    cr_expect_eq(sp_supervisor_rate(s), 100);
    sp_supervisor_set_rate(s, 10000);
    cr_expect_eq(sp_supervisor_rate(s), 500);
    sp_supervisor_set_rate(s, 0); /* ignored */
    cr_expect_eq(sp_supervisor_rate(s), 500);
    sp_supervisor_free(s);
}
