/* test_listener.c - StreamingListener events and Spark's four batch metrics
 * (BatchInfo: schedulingDelay = processing start - submission, processing
 * delay = end - start, totalDelay = end - submission; StreamInputInfo per
 * input), receiver events (ReceiverInfo), and the batch's log line.
 *
 * Time is the manual clock: a foreachRDD callback advances it to stand for
 * processing time, or waits at a gate while the test moves the clock, so
 * every metric has one exact expected value. Receivers store asynchronously;
 * the tests wait (bounded) for the count, never for a batch. */
#include <spate/spate.h>

#include "stream/inputs/receiver_int.h"

#include <criterion/criterion.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------- */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static spate_ctx *make_ctx(const char *log_level, const char *key, const char *value)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.log.level", log_level, err, sizeof err), 0);
    if (key) cr_assert_eq(spate_conf_set(conf, key, value, err, sizeof err), 0, "%s", err);
    spate_ctx *ssc = spate_ctx_new(conf, 1000, err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    return ssc;
}

enum { EV_SUBMITTED, EV_STARTED, EV_COMPLETED, EV_RSTARTED, EV_RERROR, EV_RSTOPPED };
enum { MAX_EVENTS = 64, MAX_INPUTS = 4 };

/* A copy of one event's info. */
typedef struct event {
    int kind;
    spate_batch_info b;
    spate_input_info inputs[MAX_INPUTS];
    char names[MAX_INPUTS][32];
    char error[256];
    spate_receiver_info r;
} event;

typedef struct recorder {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    event ev[MAX_EVENTS];
    int n;
} recorder;

static void recorder_init(recorder *rec)
{
    memset(rec, 0, sizeof *rec);
    pthread_mutex_init(&rec->mu, NULL);
    pthread_cond_init(&rec->cv, NULL);
}

static void record_batch(int kind, const spate_batch_info *b, void *ud)
{
    recorder *rec = ud;
    pthread_mutex_lock(&rec->mu);
    if (rec->n < MAX_EVENTS) {
        event *e = &rec->ev[rec->n++];
        e->kind = kind;
        e->b = *b;
        for (int i = 0; i < b->ninputs && i < MAX_INPUTS; i++) {
            e->inputs[i] = b->inputs[i];
            snprintf(e->names[i], sizeof e->names[i], "%s", b->inputs[i].name);
            e->inputs[i].name = e->names[i];
        }
        e->b.inputs = e->inputs;
        snprintf(e->error, sizeof e->error, "%s", b->error);
        e->b.error = e->error;
    }
    pthread_cond_broadcast(&rec->cv);
    pthread_mutex_unlock(&rec->mu);
}

static void on_submitted(const spate_batch_info *b, void *ud) { record_batch(EV_SUBMITTED, b, ud); }
static void on_started(const spate_batch_info *b, void *ud) { record_batch(EV_STARTED, b, ud); }
static void on_completed(const spate_batch_info *b, void *ud) { record_batch(EV_COMPLETED, b, ud); }

static void record_receiver(int kind, const spate_receiver_info *r, void *ud)
{
    recorder *rec = ud;
    pthread_mutex_lock(&rec->mu);
    if (rec->n < MAX_EVENTS) {
        event *e = &rec->ev[rec->n++];
        e->kind = kind;
        e->r = *r;
        snprintf(e->error, sizeof e->error, "%s", r->last_error);
        e->r.last_error = e->error;
        snprintf(e->names[0], sizeof e->names[0], "%s", r->name);
        e->r.name = e->names[0];
    }
    pthread_cond_broadcast(&rec->cv);
    pthread_mutex_unlock(&rec->mu);
}

static void on_rstarted(const spate_receiver_info *r, void *ud)
{
    record_receiver(EV_RSTARTED, r, ud);
}
static void on_rerror(const spate_receiver_info *r, void *ud) { record_receiver(EV_RERROR, r, ud); }
static void on_rstopped(const spate_receiver_info *r, void *ud)
{
    record_receiver(EV_RSTOPPED, r, ud);
}

static void listen(spate_ctx *ssc, recorder *rec)
{
    spate_listener l = {on_submitted, on_started,  on_completed, on_rstarted,
                        on_rerror,    on_rstopped, rec};
    cr_assert_eq(spate_ctx_add_listener(ssc, &l), SPATE_OK);
}

/* The batch event of kind for time t (waits up to 5 s of real time for it). */
static event *batch_event(recorder *rec, int kind, int64_t t)
{
    event *found = NULL;
    pthread_mutex_lock(&rec->mu);
    for (int tries = 0; !found && tries < 500; tries++) {
        for (int i = 0; i < rec->n && !found; i++)
            if (rec->ev[i].kind == kind && kind <= EV_COMPLETED && rec->ev[i].b.batch_time_ms == t)
                found = &rec->ev[i];
        if (!found) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 10000000;
            if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
            pthread_cond_timedwait(&rec->cv, &rec->mu, &ts);
        }
    }
    pthread_mutex_unlock(&rec->mu);
    cr_assert_not_null(found, "no event %d for batch %lld ms", kind, (long long)t);
    return found;
}

static void expect_times(const event *e, int64_t sub, int64_t start, int64_t end, int64_t sched,
                         int64_t proc, int64_t total)
{
    const spate_batch_info *b = &e->b;
    cr_expect_eq(b->submission_time_ms, sub, "batch %lld: submission %lld",
                 (long long)b->batch_time_ms, (long long)b->submission_time_ms);
    cr_expect_eq(b->processing_start_ms, start, "batch %lld: start %lld",
                 (long long)b->batch_time_ms, (long long)b->processing_start_ms);
    cr_expect_eq(b->processing_end_ms, end, "batch %lld: end %lld", (long long)b->batch_time_ms,
                 (long long)b->processing_end_ms);
    cr_expect_eq(b->scheduling_delay_ms, sched, "batch %lld: scheduling delay %lld",
                 (long long)b->batch_time_ms, (long long)b->scheduling_delay_ms);
    cr_expect_eq(b->processing_time_ms, proc, "batch %lld: processing time %lld",
                 (long long)b->batch_time_ms, (long long)b->processing_time_ms);
    cr_expect_eq(b->total_delay_ms, total, "batch %lld: total delay %lld",
                 (long long)b->batch_time_ms, (long long)b->total_delay_ms);
}

/* A receiver that stores `count` integers, then waits until it is stopped. */
typedef struct fixed_receiver {
    int count;
} fixed_receiver;

static void fixed_on_start(spate_receiver *r, void *ud)
{
    fixed_receiver *fr = ud;
    for (int i = 0; i < fr->count; i++)
        spate_receiver_store(r, spate_i64(i));
    while (!spate_receiver_is_stopped(r))
        sleep_ms(1);
}

static void wait_stored(spate_stream *s, int64_t n)
{
    for (int i = 0; i < 5000 && sp_receiver_stored(sp_receiver_of(s)) < n; i++)
        sleep_ms(1);
    cr_assert_eq(sp_receiver_stored(sp_receiver_of(s)), n);
}

/* foreachRDD: counts, waits at a gate in batch gate_time (until the test
 * opens it) and advances the clock by advance_ms in batch advance_time. */
typedef struct stepper {
    spate_clock *clock;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int64_t gate_time, advance_time, advance_ms;
    bool entered, open;
    atomic_llong seen;
} stepper;

static void stepper_init(stepper *st, spate_ctx *ssc)
{
    memset(st, 0, sizeof *st);
    st->clock = spate_ctx_clock(ssc);
    st->gate_time = st->advance_time = -1;
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->cv, NULL);
}

static spate_err step_fn(spate_rdd *rdd, int64_t t, void *ud)
{
    stepper *st = ud;
    int64_t n = 0;
    spate_err err = spate_rdd_count(rdd, &n);
    atomic_fetch_add(&st->seen, n);
    if (t == st->gate_time) {
        pthread_mutex_lock(&st->mu);
        st->entered = true;
        pthread_cond_broadcast(&st->cv);
        while (!st->open)
            pthread_cond_wait(&st->cv, &st->mu);
        pthread_mutex_unlock(&st->mu);
    }
    if (t == st->advance_time) spate_clock_advance(st->clock, st->advance_ms);
    return err;
}

static void wait_entered(stepper *st)
{
    pthread_mutex_lock(&st->mu);
    while (!st->entered)
        pthread_cond_wait(&st->cv, &st->mu);
    pthread_mutex_unlock(&st->mu);
}

static void open_gate(stepper *st)
{
    pthread_mutex_lock(&st->mu);
    st->open = true;
    pthread_cond_broadcast(&st->cv);
    pthread_mutex_unlock(&st->mu);
}

/* ---- batch metrics -------------------------------------------------------- */

Test(listener, metrics_follow_the_clock_exactly, .timeout = 30)
{
    spate_ctx *ssc = make_ctx("OFF", NULL, NULL);
    recorder rec;
    recorder_init(&rec);
    listen(ssc, &rec);
    fixed_receiver fr = {3};
    spate_receiver_def def = {"Three", fixed_on_start, NULL, &fr};
    spate_stream *s = spate_receiver_stream(ssc, &def);
    stepper st;
    stepper_init(&st, ssc);
    st.gate_time = 1000;
    st.advance_time = 2000, st.advance_ms = 300;
    cr_assert_eq(spate_stream_foreach_rdd(s, step_fn, &st), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    wait_stored(s, 3);
    spate_clock *clock = spate_ctx_clock(ssc);

    spate_clock_set(clock, 1000); /* batch 1000 runs, and waits at the gate */
    wait_entered(&st);
    spate_clock_set(clock, 2000); /* batch 2000 is submitted while 1000 runs */
    batch_event(&rec, EV_SUBMITTED, 2000);
    spate_clock_set(clock, 2200); /* 1000 ends at 2200; 2000 starts then */
    open_gate(&st);
    cr_assert_eq(spate_ctx_await_batch(ssc, 2000, 5000), SPATE_OK);
    /* A batch generated late (the clock jumps past its time): the delays
     * count from its submission, as Spark's BatchInfo, not from its time. */
    spate_clock_set(clock, 3400);
    cr_assert_eq(spate_ctx_await_batch(ssc, 3000, 5000), SPATE_OK);

    /* submission, start, end, scheduling delay, processing time, total delay */
    expect_times(batch_event(&rec, EV_SUBMITTED, 1000), 1000, -1, -1, -1, -1, -1);
    expect_times(batch_event(&rec, EV_STARTED, 1000), 1000, 1000, -1, 0, -1, -1);
    expect_times(batch_event(&rec, EV_COMPLETED, 1000), 1000, 1000, 2200, 0, 1200, 1200);
    expect_times(batch_event(&rec, EV_SUBMITTED, 2000), 2000, -1, -1, -1, -1, -1);
    expect_times(batch_event(&rec, EV_STARTED, 2000), 2000, 2200, -1, 200, -1, -1);
    expect_times(batch_event(&rec, EV_COMPLETED, 2000), 2000, 2200, 2500, 200, 300, 500);
    expect_times(batch_event(&rec, EV_COMPLETED, 3000), 3400, 3400, 3400, 0, 0, 0);

    const spate_batch_info *b1 = &batch_event(&rec, EV_COMPLETED, 1000)->b;
    cr_expect_eq(b1->records, 3);
    cr_expect_eq(b1->noutputs, 1);
    cr_expect(!b1->failed);
    cr_expect_str_eq(b1->error, "");
    cr_assert_eq(b1->ninputs, 1);
    cr_expect_eq(b1->inputs[0].stream_id, 0);
    cr_expect_str_eq(b1->inputs[0].name, "PluggableInputDStream");
    cr_expect_eq(b1->inputs[0].records, 3);
    cr_expect_eq(batch_event(&rec, EV_COMPLETED, 2000)->b.records, 0);
    cr_expect_eq(atomic_load(&st.seen), 3);

    /* Events of one batch come in order, and batches in time order. */
    int order[6], k = 0;
    pthread_mutex_lock(&rec.mu);
    for (int i = 0; i < rec.n && k < 6; i++)
        if (rec.ev[i].kind <= EV_COMPLETED)
            order[k++] = rec.ev[i].kind * 10000 + (int)rec.ev[i].b.batch_time_ms;
    pthread_mutex_unlock(&rec.mu);
    cr_assert_eq(k, 6);
    cr_expect_eq(order[0], EV_SUBMITTED * 10000 + 1000);
    cr_expect_eq(order[1], EV_STARTED * 10000 + 1000);
    cr_expect_eq(order[2], EV_SUBMITTED * 10000 + 2000);
    cr_expect_eq(order[3], EV_COMPLETED * 10000 + 1000);
    cr_expect_eq(order[4], EV_STARTED * 10000 + 2000);
    cr_expect_eq(order[5], EV_COMPLETED * 10000 + 2000);
    spate_ctx_destroy(ssc);
}

static spate_err nothing_fn(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)rdd, (void)t, (void)ud;
    return SPATE_OK;
}

Test(listener, per_input_counts, .timeout = 30)
{
    spate_ctx *ssc = make_ctx("OFF", NULL, NULL);
    recorder rec;
    recorder_init(&rec);
    listen(ssc, &rec);
    fixed_receiver fa = {2}, fb = {5};
    spate_receiver_def da = {"A", fixed_on_start, NULL, &fa}, db = {"B", fixed_on_start, NULL, &fb};
    spate_stream *a = spate_receiver_stream(ssc, &da);
    spate_stream *b = spate_receiver_stream(ssc, &db);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    spate_value four[4] = {spate_i64(1), spate_i64(2), spate_i64(3), spate_i64(4)};
    cr_assert_eq(spate_queue_stream_push(q, spate_ctx_parallelize(ssc, four, 4, 1)), SPATE_OK);
    spate_stream *all[3] = {a, b, q};
    cr_assert_eq(spate_stream_foreach_rdd(spate_ctx_union(ssc, all, 3), nothing_fn, NULL),
                 SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    wait_stored(a, 2);
    wait_stored(b, 5);
    for (int64_t t = 1000; t <= 2000; t += 1000) {
        spate_clock_set(spate_ctx_clock(ssc), t);
        cr_assert_eq(spate_ctx_await_batch(ssc, t, 5000), SPATE_OK);
    }
    /* Receivers report their blocks; a queue stream reports nothing (as
     * Spark's QueueInputDStream): it is listed with 0. */
    struct {
        int64_t t;
        int64_t total, a, b, q;
    } want[] = {{1000, 7, 2, 5, 0}, {2000, 0, 0, 0, 0}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const spate_batch_info *info = &batch_event(&rec, EV_COMPLETED, want[i].t)->b;
        cr_expect_eq(info->records, want[i].total, "batch %lld", (long long)want[i].t);
        cr_assert_eq(info->ninputs, 3);
        int64_t got[3] = {info->inputs[0].records, info->inputs[1].records,
                          info->inputs[2].records};
        cr_expect_eq(got[0], want[i].a, "batch %lld input A", (long long)want[i].t);
        cr_expect_eq(got[1], want[i].b, "batch %lld input B", (long long)want[i].t);
        cr_expect_eq(got[2], want[i].q, "batch %lld queue", (long long)want[i].t);
        cr_expect_eq(info->inputs[0].stream_id, 0);
        cr_expect_eq(info->inputs[1].stream_id, 1);
        cr_expect_eq(info->inputs[2].stream_id, 2);
        cr_expect_str_eq(info->inputs[2].name, "QueueInputDStream");
        /* the submitted event already has the inputs */
        cr_expect_eq(batch_event(&rec, EV_SUBMITTED, want[i].t)->b.records, want[i].total);
    }
    spate_ctx_destroy(ssc);
}

/* ---- failures ------------------------------------------------------------ */

static spate_value fail_on_two(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    if (v.u.i == 2) spate_task_fail(t, "bad value %lld", (long long)v.u.i);
    return v;
}

static spate_err failing_fn(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)t, (void)ud;
    spate_value *v;
    size_t n;
    return spate_rdd_collect(spate_rdd_map(rdd, fail_on_two, NULL), &v, &n);
}

Test(listener, failed_batch_info, .timeout = 30)
{
    spate_ctx *ssc = make_ctx("OFF", NULL, NULL);
    recorder rec;
    recorder_init(&rec);
    listen(ssc, &rec);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    spate_value one_two[2] = {spate_i64(1), spate_i64(2)}, three[1] = {spate_i64(3)};
    spate_queue_stream_push(q, spate_ctx_parallelize(ssc, one_two, 2, 1));
    spate_queue_stream_push(q, spate_ctx_parallelize(ssc, three, 1, 1));
    cr_assert_eq(spate_stream_foreach_rdd(q, failing_fn, NULL), SPATE_OK);
    cr_assert_eq(spate_stream_foreach_rdd(q, nothing_fn, NULL), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    for (int64_t t = 1000; t <= 2000; t += 1000) {
        spate_clock_set(spate_ctx_clock(ssc), t);
        spate_ctx_await_batch(ssc, t, 5000);
    }
    const spate_batch_info *bad = &batch_event(&rec, EV_COMPLETED, 1000)->b;
    cr_expect(bad->failed);
    cr_expect(strstr(bad->error, "bad value 2"), "error: %s", bad->error);
    cr_expect_eq(bad->noutputs, 2);
    cr_expect_eq(bad->processing_end_ms, 1000);
    cr_expect(!batch_event(&rec, EV_STARTED, 1000)->b.failed); /* not known yet */
    const spate_batch_info *good = &batch_event(&rec, EV_COMPLETED, 2000)->b;
    cr_expect(!good->failed, "later batches still run and succeed");
    cr_expect_str_eq(good->error, "");
    spate_ctx_destroy(ssc);
}

/* ---- receiver events ----------------------------------------------------- */

typedef struct flaky {
    atomic_int starts;
} flaky;

/* First start: reports an error and asks for a restart; then waits. */
static void flaky_on_start(spate_receiver *r, void *ud)
{
    flaky *f = ud;
    if (atomic_fetch_add(&f->starts, 1) == 0) {
        spate_receiver_report_error(r, "device unplugged");
        spate_receiver_restart(r, "reconnecting");
        return;
    }
    while (!spate_receiver_is_stopped(r))
        sleep_ms(1);
}

static int count_kind(recorder *rec, int kind)
{
    pthread_mutex_lock(&rec->mu);
    int n = 0;
    for (int i = 0; i < rec->n; i++)
        n += rec->ev[i].kind == kind;
    pthread_mutex_unlock(&rec->mu);
    return n;
}

Test(listener, receiver_events, .timeout = 30)
{
    spate_ctx *ssc = make_ctx("OFF", "spate.streaming.receiverRestartDelay", "10ms");
    recorder rec;
    recorder_init(&rec);
    spate_stream *q = spate_queue_stream(ssc, true, NULL); /* stream 0 */
    flaky f = {0};
    spate_receiver_def def = {"Flaky", flaky_on_start, NULL, &f};
    spate_stream *s = spate_receiver_stream(ssc, &def); /* stream 1 */
    cr_assert_eq(spate_stream_foreach_rdd(spate_stream_union(q, s), nothing_fn, NULL), SPATE_OK);
    listen(ssc, &rec);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    for (int i = 0; i < 5000 && count_kind(&rec, EV_RSTARTED) < 2; i++)
        sleep_ms(1);
    spate_ctx_stop(ssc, true, false);

    int kinds[] = {EV_RSTARTED, EV_RERROR, EV_RSTOPPED, EV_RSTARTED, EV_RSTOPPED};
    bool active[] = {true, true, false, true, false};
    const char *errors[] = {"", "device unplugged",
                            "Restarting receiver with delay 10 ms: reconnecting",
                            "Restarting receiver with delay 10 ms: reconnecting",
                            "Restarting receiver with delay 10 ms: reconnecting"};
    event got[8];
    int n = 0;
    pthread_mutex_lock(&rec.mu);
    for (int i = 0; i < rec.n && n < 8; i++)
        if (rec.ev[i].kind >= EV_RSTARTED) got[n++] = rec.ev[i];
    pthread_mutex_unlock(&rec.mu);
    cr_assert_eq(n, 5, "receiver events: %d", n);
    for (int i = 0; i < 5; i++) {
        cr_expect_eq(got[i].kind, kinds[i], "event %d", i);
        cr_expect_eq(got[i].r.active, active[i], "event %d active", i);
        cr_expect_str_eq(got[i].error, errors[i], "event %d", i);
        cr_expect_eq(got[i].r.stream_id, 1);
        cr_expect_str_eq(got[i].names[0], "Flaky");
    }
    cr_expect_eq(got[0].r.last_error_time_ms, -1);
    cr_expect_eq(got[1].r.last_error_time_ms, 0, "the manual clock's time");
    spate_ctx_destroy(ssc);
}

/* ---- the API ------------------------------------------------------------- */

typedef struct adder {
    spate_ctx *ssc;
    recorder *late;
    atomic_int calls;
} adder;

/* Adds a listener from inside a callback (job thread). */
static void add_from_callback(const spate_batch_info *b, void *ud)
{
    adder *a = ud;
    if (atomic_fetch_add(&a->calls, 1) == 0 && b->batch_time_ms == 1000) listen(a->ssc, a->late);
}

Test(listener, several_listeners_added_any_time, .timeout = 30)
{
    spate_ctx *ssc = make_ctx("OFF", NULL, NULL);
    cr_expect_eq(spate_ctx_add_listener(ssc, NULL), SPATE_ERR_INVALID_ARG);
    cr_expect_eq(spate_ctx_add_listener(NULL, NULL), SPATE_ERR_INVALID_ARG);
    recorder first, late;
    recorder_init(&first);
    recorder_init(&late);
    listen(ssc, &first);
    adder a = {ssc, &late, 0};
    spate_listener only_completed = {.on_batch_completed = add_from_callback, .ud = &a};
    cr_assert_eq(spate_ctx_add_listener(ssc, &only_completed), SPATE_OK);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_eq(spate_stream_foreach_rdd(q, nothing_fn, NULL), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    for (int64_t t = 1000; t <= 3000; t += 1000) {
        spate_clock_set(spate_ctx_clock(ssc), t);
        cr_assert_eq(spate_ctx_await_batch(ssc, t, 5000), SPATE_OK);
    }
    spate_ctx_destroy(ssc);
    cr_expect_eq(count_kind(&first, EV_COMPLETED), 3);
    cr_expect_eq(atomic_load(&a.calls), 3);
    /* added while batch 1000 completed: sees batches 2000 and 3000 whole */
    cr_expect_eq(count_kind(&late, EV_COMPLETED), 2);
    cr_expect_eq(count_kind(&late, EV_STARTED), 2);
}

/* ---- the log line -------------------------------------------------------- */

Test(listener, log_line_carries_the_metrics, .timeout = 30)
{
    char path[] = "/tmp/spate_listener_log_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);

    spate_ctx *ssc = make_ctx("INFO", NULL, NULL);
    fixed_receiver fr = {3};
    spate_receiver_def def = {"Three", fixed_on_start, NULL, &fr};
    spate_stream *s = spate_receiver_stream(ssc, &def);
    stepper st;
    stepper_init(&st, ssc);
    st.advance_time = 1000, st.advance_ms = 250;
    spate_stream_foreach_rdd(s, step_fn, &st);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    wait_stored(s, 3);
    spate_clock_set(spate_ctx_clock(ssc), 1000);
    cr_assert_eq(spate_ctx_await_batch(ssc, 1000, 5000), SPATE_OK);
    spate_ctx_destroy(ssc);

    dup2(saved, STDERR_FILENO);
    close(saved);
    char buf[16384] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    unlink(path);
    cr_assert_gt(n, 0);
    buf[n] = '\0';
    const char *want = "INFO JobScheduler: Total delay: 0.250 s for time 1000 ms (execution: 0.250 "
                       "s, scheduling delay: 0.000 s), 3 records in (input 0 "
                       "PluggableInputDStream: 3)\n";
    cr_expect(strstr(buf, want), "log:\n%s", buf);
}

/* ---- file streams' records in -------------------------------------------- */

/* Writes dir/name with text and sets its mtime to mtime_ms. */
static void fs_write(const char *dir, const char *name, const char *text, int64_t mtime_ms)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = mtime_ms / 1000;
    ts[0].tv_nsec = ts[1].tv_nsec = (mtime_ms % 1000) * 1000000L;
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0, "utimensat %s", path);
}

static void fs_remove_dir(char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* foreachRDD: two actions on the same RDD (the second reads the files
 * again; a split still counts once). */
static spate_err count_twice(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)t;
    int64_t n = 0, again = 0;
    spate_err err = spate_rdd_count(rdd, &n);
    if (!err) err = spate_rdd_count(rdd, &again);
    atomic_fetch_add((atomic_llong *)ud, n + again);
    return err;
}

/* The lines a file stream reads are only counted in the batch's tasks, so
 * on_batch_submitted says 0 for it, and on_batch_completed and the log line
 * carry the lines read, per input, each split counted once however many jobs
 * read it. */
Test(listener, file_streams_report_the_lines_read, .timeout = 30)
{
    char dir_a[] = "/tmp/spate_listener_fa_XXXXXX", dir_b[] = "/tmp/spate_listener_fb_XXXXXX";
    cr_assert_not_null(mkdtemp(dir_a));
    cr_assert_not_null(mkdtemp(dir_b));
    char path[] = "/tmp/spate_listener_fslog_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);

    /* 8-byte splits: b's first file is read as two splits */
    spate_ctx *ssc = make_ctx("INFO", "spate.files.maxPartitionBytes", "8");
    spate_clock *clock = spate_ctx_clock(ssc);
    cr_assert_eq(spate_clock_set(clock, 100000), SPATE_OK);
    recorder rec;
    recorder_init(&rec);
    listen(ssc, &rec);
    spate_stream *a = spate_text_file_stream(ssc, dir_a);
    spate_stream *b = spate_text_file_stream(ssc, dir_b);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    atomic_llong seen_all = 0, seen_a = 0;
    spate_stream *all[3] = {a, b, q};
    cr_assert_eq(spate_stream_foreach_rdd(spate_ctx_union(ssc, all, 3), count_twice, &seen_all),
                 SPATE_OK);
    cr_assert_eq(spate_stream_foreach_rdd(a, count_twice, &seen_a), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    fs_write(dir_a, "a.txt", "a1\na2\na3\n", 100500);
    fs_write(dir_b, "b1.txt", "bb1\nbb2\nbb3\n", 100500);
    fs_write(dir_b, "b2.txt", "b4\nb5", 100600);
    for (int64_t t = 101000; t <= 102000; t += 1000) {
        spate_clock_set(clock, t);
        cr_assert_eq(spate_ctx_await_batch(ssc, t, 5000), SPATE_OK, "%s",
                     spate_ctx_last_error(ssc));
    }
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    spate_ctx_destroy(ssc);
    dup2(saved, STDERR_FILENO);
    close(saved);

    cr_expect_eq(atomic_load(&seen_all), 2 * 8);
    cr_expect_eq(atomic_load(&seen_a), 2 * 3);
    cr_expect_eq(st.records_in, 8);
    struct {
        int64_t t;
        int64_t total, a, b;
    } want[] = {{101000, 8, 3, 5}, {102000, 0, 0, 0}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const spate_batch_info *done = &batch_event(&rec, EV_COMPLETED, want[i].t)->b;
        cr_expect_eq(done->records, want[i].total, "batch %lld", (long long)want[i].t);
        cr_assert_eq(done->ninputs, 3);
        cr_expect_str_eq(done->inputs[0].name, "FileInputDStream");
        cr_expect_eq(done->inputs[0].records, want[i].a, "batch %lld: a", (long long)want[i].t);
        cr_expect_eq(done->inputs[1].records, want[i].b, "batch %lld: b", (long long)want[i].t);
        cr_expect_eq(done->inputs[2].records, 0, "the queue stream reports nothing");
        const spate_batch_info *sub = &batch_event(&rec, EV_SUBMITTED, want[i].t)->b;
        cr_expect_eq(sub->records, 0, "not read yet when submitted");
        cr_expect_eq(sub->inputs[0].records, 0);
        cr_expect_eq(sub->inputs[1].records, 0);
    }

    char buf[32768] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    unlink(path);
    cr_assert_gt(n, 0);
    buf[n] = '\0';
    const char *want_line = "s for time 101000 ms (execution: 0.000 s, scheduling delay: 0.000 s), "
                            "8 records in (input 0 FileInputDStream: 3, input 1 "
                            "FileInputDStream: 5, input 2 QueueInputDStream: 0)\n";
    cr_expect(strstr(buf, want_line), "log:\n%s", buf);
    fs_remove_dir(dir_a);
    fs_remove_dir(dir_b);
}
