/* test_ctx_services.c - the services a StreamingContext owns, with two
 * contexts in one process: its log level and log destination (Spark's
 * sc.setLogLevel; spate_ctx_set_log_callback), the graceful stop on
 * SIGTERM/SIGINT (spate.streaming.stopGracefullyOnShutdown), and its last
 * error (the most recent one, readable from any thread). */
#include <spate/spate.h>

#include <criterion/criterion.h>

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers --------------------------------------------------------------- */

enum { MAX_RECORDS = 256 };

/* What one context's log callback received. */
typedef struct recorder {
    pthread_mutex_t mu;
    int n;
    spate_log_level level[MAX_RECORDS];
    char component[MAX_RECORDS][32];
    char message[MAX_RECORDS][256];
} recorder;

static void record(spate_log_level level, const char *component, const char *message, void *ud)
{
    recorder *r = ud;
    pthread_mutex_lock(&r->mu);
    if (r->n < MAX_RECORDS) {
        r->level[r->n] = level;
        snprintf(r->component[r->n], sizeof r->component[0], "%s", component);
        snprintf(r->message[r->n], sizeof r->message[0], "%s", message);
        r->n++;
    }
    pthread_mutex_unlock(&r->mu);
}

static recorder *recorder_new(void)
{
    recorder *r = calloc(1, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    return r;
}

/* Records whose component and message contain the given texts. */
static int count(recorder *r, const char *component, const char *text)
{
    int n = 0;
    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < r->n; i++)
        if ((!component || strcmp(r->component[i], component) == 0) && strstr(r->message[i], text))
            n++;
    pthread_mutex_unlock(&r->mu);
    return n;
}

static spate_ctx *make_ctx(const char *log_level, bool on_shutdown)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.log.level", log_level, err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.stopGracefullyOnShutdown",
                                on_shutdown ? "true" : "false", err, sizeof err),
                 0);
    spate_ctx *ssc = spate_ctx_new(conf, 1000, err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    return ssc;
}

/* Every element is a bad record: a WARN "Executor" record from an executor
 * thread, tagged with the context's name (ud). */
static void all_bad(spate_task *t, spate_value v, spate_sink *out, void *ud)
{
    (void)out;
    spate_task_bad_record(t, ud, v);
}

static spate_err count_output(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)t, (void)ud;
    int64_t n;
    return spate_rdd_count(rdd, &n);
}

/* A context whose queue stream holds one single-element RDD per batch. */
static spate_stream *bad_record_graph(spate_ctx *ssc, const char *tag, int batches)
{
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    for (int i = 0; i < batches; i++) {
        spate_value v = spate_cstr(tag);
        cr_assert_eq(spate_queue_stream_push(q, spate_ctx_parallelize(ssc, &v, 1, 1)), SPATE_OK);
    }
    spate_stream *s = spate_stream_flat_map(q, all_bad, (void *)tag);
    cr_assert_eq(spate_stream_foreach_rdd(s, count_output, NULL), SPATE_OK);
    return s;
}

static void run_batches(spate_ctx *ssc, int batches)
{
    for (int i = 1; i <= batches; i++) {
        spate_clock_advance(spate_ctx_clock(ssc), 1000);
        cr_assert_eq(spate_ctx_await_batch(ssc, 1000 * i, 10000), SPATE_OK);
    }
}

/* ---- logging ---------------------------------------------------------------- */

/* Two contexts run at once, each with its own callback: each sees its own
 * records - from the program thread (start), the job thread (the
 * JobScheduler's batch line) and the executor threads (bad records) - and
 * none of the other's. */
Test(ctx_services, each_log_callback_sees_only_its_context, .timeout = 30)
{
    spate_ctx *a = make_ctx("INFO", false), *b = make_ctx("INFO", false);
    recorder *ra = recorder_new(), *rb = recorder_new();
    cr_assert_eq(spate_ctx_set_log_callback(a, record, ra), SPATE_OK);
    cr_assert_eq(spate_ctx_set_log_callback(b, record, rb), SPATE_OK);
    bad_record_graph(a, "ctxA", 1);
    bad_record_graph(b, "ctxB", 2);
    cr_assert_eq(spate_ctx_start(a), SPATE_OK);
    cr_assert_eq(spate_ctx_start(b), SPATE_OK);
    run_batches(b, 2);
    run_batches(a, 1);
    spate_ctx_destroy(a);
    spate_ctx_destroy(b);

    cr_expect_eq(count(ra, "StreamingContext", "StreamingContext started"), 1);
    cr_expect_eq(count(rb, "StreamingContext", "StreamingContext started"), 1);
    cr_expect_eq(count(ra, "JobScheduler", "for time 1000 ms"), 1);
    cr_expect_eq(count(ra, "JobScheduler", "for time 2000 ms"), 0, "b's second batch");
    cr_expect_eq(count(rb, "JobScheduler", "for time 2000 ms"), 1);
    cr_expect_eq(count(ra, "Executor", "ctxA"), 1, "a's bad record");
    cr_expect_eq(count(rb, "Executor", "ctxB"), 2, "b's bad records");
    cr_expect_eq(count(ra, NULL, "ctxB"), 0, "nothing of b in a's log");
    cr_expect_eq(count(rb, NULL, "ctxA"), 0, "nothing of a in b's log");
    cr_expect_eq(count(ra, "StreamingContext", "StreamingContext stopped"), 1);
    free(ra);
    free(rb);
}

/* An action the program runs itself (not in foreachRDD or transform) logs
 * its tasks' records as the context does too. */
Test(ctx_services, program_thread_actions_log_as_their_context, .timeout = 30)
{
    spate_ctx *a = make_ctx("WARN", false), *b = make_ctx("WARN", false);
    recorder *ra = recorder_new(), *rb = recorder_new();
    spate_ctx_set_log_callback(a, record, ra);
    spate_ctx_set_log_callback(b, record, rb);
    spate_value v = spate_cstr("x");
    spate_rdd *bad = spate_rdd_flat_map(spate_ctx_parallelize(a, &v, 1, 1), all_bad, "ctxA");
    int64_t n;
    cr_assert_eq(spate_rdd_count(bad, &n), SPATE_OK);
    cr_expect_eq(count(ra, "Executor", "ctxA"), 1, "a's task record");
    cr_expect_eq(count(rb, NULL, ""), 0);
    spate_ctx_destroy(a);
    spate_ctx_destroy(b);
    free(ra);
    free(rb);
}

/* Levels are per context: spate.log.level sets the first, set_log_level
 * changes one context only, at any time. */
Test(ctx_services, log_levels_are_independent, .timeout = 30)
{
    spate_ctx *a = make_ctx("OFF", false), *b = make_ctx("ERROR", false);
    cr_expect_eq(spate_ctx_get_log_level(a), SPATE_LOG_OFF, "from spate.log.level");
    cr_expect_eq(spate_ctx_get_log_level(b), SPATE_LOG_ERROR, "from spate.log.level");
    cr_assert_eq(spate_ctx_set_log_level(b, SPATE_LOG_WARN), SPATE_OK);
    cr_expect_eq(spate_ctx_get_log_level(a), SPATE_LOG_OFF, "a untouched by b's level");
    recorder *ra = recorder_new(), *rb = recorder_new();
    spate_ctx_set_log_callback(a, record, ra);
    spate_ctx_set_log_callback(b, record, rb);
    bad_record_graph(a, "ctxA", 2);
    bad_record_graph(b, "ctxB", 2);
    cr_assert_eq(spate_ctx_start(a), SPATE_OK);
    cr_assert_eq(spate_ctx_start(b), SPATE_OK);
    run_batches(a, 1);
    run_batches(b, 1);
    cr_expect_eq(count(ra, NULL, ""), 0, "a is OFF");
    cr_expect_eq(count(rb, "Executor", "ctxB"), 1, "b is WARN");
    cr_expect_eq(count(rb, "JobScheduler", ""), 0, "b is WARN: no INFO");
    /* While running: a to WARN, b to OFF. */
    cr_assert_eq(spate_ctx_set_log_level(a, SPATE_LOG_WARN), SPATE_OK);
    cr_assert_eq(spate_ctx_set_log_level(b, SPATE_LOG_OFF), SPATE_OK);
    spate_clock_advance(spate_ctx_clock(a), 1000);
    spate_clock_advance(spate_ctx_clock(b), 1000);
    cr_assert_eq(spate_ctx_await_batch(a, 2000, 10000), SPATE_OK);
    cr_assert_eq(spate_ctx_await_batch(b, 2000, 10000), SPATE_OK);
    cr_expect_eq(count(ra, "Executor", "ctxA"), 1, "a's second batch, at WARN");
    cr_expect_eq(count(rb, "Executor", "ctxB"), 1, "b's second batch is not logged");
    cr_expect_eq(spate_ctx_set_log_level(a, (spate_log_level)9), SPATE_ERR_INVALID_ARG);
    cr_expect(strstr(spate_ctx_last_error(a), "invalid log level 9"), "%s",
              spate_ctx_last_error(a));
    spate_ctx_destroy(a);
    spate_ctx_destroy(b);
    free(ra);
    free(rb);
}

/* ---- SIGTERM / SIGINT --------------------------------------------------------- */

static atomic_int program_signals;
static void program_handler(int signo)
{
    (void)signo;
    atomic_fetch_add(&program_signals, 1);
}

static void (*current_handler(int signo))(int)
{
    struct sigaction sa;
    sigaction(signo, NULL, &sa);
    return sa.sa_handler;
}

static void install_program_handler(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = program_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    atomic_store(&program_signals, 0);
}

static spate_err nothing(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)rdd, (void)t, (void)ud;
    return SPATE_OK;
}

static spate_ctx *started_ctx(bool on_shutdown)
{
    spate_ctx *ssc = make_ctx("OFF", on_shutdown);
    spate_stream_foreach_rdd(spate_queue_stream(ssc, true, NULL), nothing, NULL);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    return ssc;
}

static bool stops_within(spate_ctx *ssc, int64_t ms)
{
    bool terminated = false;
    spate_ctx_await_termination_or_timeout(ssc, ms, &terminated);
    return terminated;
}

/* One signal stops every context that asked for it (and no other), then the
 * program's handlers are back. */
Test(ctx_services, a_signal_stops_every_context_that_asked, .timeout = 30)
{
    install_program_handler();
    spate_ctx *a = started_ctx(true), *b = started_ctx(true), *c = started_ctx(false);
    cr_assert_neq(current_handler(SIGTERM), program_handler);
    raise(SIGTERM);
    cr_expect(stops_within(a, 10000), "a stopped");
    cr_expect(stops_within(b, 10000), "b stopped");
    cr_expect_not(stops_within(c, 100), "c did not ask");
    cr_expect_eq(atomic_load(&program_signals), 0, "spate's handler took the signal");
    spate_ctx_destroy(a);
    spate_ctx_destroy(b);
    cr_expect_eq(current_handler(SIGTERM), program_handler);
    cr_expect_eq(current_handler(SIGINT), program_handler);
    spate_ctx_destroy(c);
}

/* Destroying (or stopping) one context leaves the other's handling in place. */
Test(ctx_services, destroying_one_keeps_the_others_signal_handling, .timeout = 30)
{
    install_program_handler();
    spate_ctx *a = started_ctx(true), *b = started_ctx(true);
    spate_ctx_destroy(a);
    cr_assert_neq(current_handler(SIGINT), program_handler, "still spate's for b");
    raise(SIGINT);
    cr_expect(stops_within(b, 10000), "b stopped");
    cr_expect_eq(atomic_load(&program_signals), 0);
    spate_ctx_destroy(b);
    cr_expect_eq(current_handler(SIGINT), program_handler);
    /* A context started afterwards is handled again. */
    spate_ctx *c = started_ctx(true);
    raise(SIGTERM);
    cr_expect(stops_within(c, 10000), "c stopped");
    spate_ctx_destroy(c);
    cr_expect_eq(atomic_load(&program_signals), 0);
}

/* ---- last_error ---------------------------------------------------------------- */

/* Fails the task with the batch's element in the message. */
static spate_value fail_with(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    spate_task_fail(t, "boom %.*s", (int)v.len, v.u.s);
    return v;
}

/* Two batches fail one after the other: last_error is the second's. */
Test(ctx_services, ctx_last_error_is_the_most_recent, .timeout = 30)
{
    spate_ctx *ssc = make_ctx("OFF", false);
    cr_expect_str_eq(spate_ctx_last_error(ssc), "");
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    const char *names[] = {"first", "second"};
    for (int i = 0; i < 2; i++) {
        spate_value v = spate_cstr(names[i]);
        spate_queue_stream_push(q, spate_ctx_parallelize(ssc, &v, 1, 1));
    }
    spate_stream_foreach_rdd(spate_stream_map(q, fail_with, NULL), count_output, NULL);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    spate_clock_advance(spate_ctx_clock(ssc), 1000);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_ERR_USER);
    cr_expect(strstr(spate_ctx_last_error(ssc), "boom first"), "%s", spate_ctx_last_error(ssc));
    spate_clock_advance(spate_ctx_clock(ssc), 1000);
    cr_assert_eq(spate_ctx_await_batch(ssc, 2000, 10000), SPATE_OK);
    cr_expect(strstr(spate_ctx_last_error(ssc), "boom second"), "%s", spate_ctx_last_error(ssc));
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_ERR_USER, "the second is returned too");
    /* A misuse after them is the most recent in turn. */
    cr_expect_eq(spate_ctx_start(ssc), SPATE_ERR_STATE);
    cr_expect_str_eq(spate_ctx_last_error(ssc), "StreamingContext has already been started");
    spate_ctx_destroy(ssc);
}

static spate_value sum_fn(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)t, (void)ud;
    return spate_i64(a.u.i + b.u.i);
}

/* Two actions on one RDD fail: spate_rdd_last_error is the second's. */
Test(ctx_services, rdd_last_error_is_the_most_recent)
{
    spate_ctx *ssc = make_ctx("OFF", false);
    const char *names[] = {"first", "second"};
    spate_value v = spate_cstr("x");
    spate_rdd *r = spate_ctx_parallelize(ssc, &v, 1, 1);
    cr_expect_str_eq(spate_rdd_last_error(r), "");
    for (int i = 0; i < 2; i++) {
        spate_value w = spate_cstr(names[i]);
        spate_rdd *one = spate_rdd_parallelize_like(r, &w, 1, 1);
        int64_t n;
        cr_assert_eq(spate_rdd_count(spate_rdd_map(one, fail_with, NULL), &n), SPATE_ERR_USER);
        char want[64];
        snprintf(want, sizeof want, "boom %s", names[i]);
        cr_expect(strstr(spate_rdd_last_error(one), want), "%s", spate_rdd_last_error(one));
    }
    /* An action that fails without a task failing says why too (Spark's message). */
    spate_rdd *empty = spate_rdd_empty_like(r);
    spate_value first;
    cr_expect_eq(spate_rdd_first(empty, &first), SPATE_ERR_NOT_FOUND);
    cr_expect_str_eq(spate_rdd_last_error(empty), "empty collection");
    cr_expect_eq(spate_rdd_reduce(empty, sum_fn, NULL, &first), SPATE_ERR_NOT_FOUND);
    cr_expect_str_eq(spate_rdd_last_error(empty), "empty collection");
    spate_ctx_destroy(ssc);
}

/* Every failing call on a context or its streams says why in last_error
 * (the convention of core.h); the message of the call before is replaced. */
typedef struct failing_call {
    const char *name;
    spate_err (*call)(spate_ctx *ssc, spate_stream *q);
    spate_err want;
    const char *message; /* a part of it */
} failing_call;

static spate_err foreach_null(spate_ctx *ssc, spate_stream *q)
{
    (void)ssc;
    return spate_stream_foreach_rdd(q, NULL, NULL);
}
static spate_err listener_null(spate_ctx *ssc, spate_stream *q)
{
    (void)q;
    return spate_ctx_add_listener(ssc, NULL);
}
static spate_err remember_negative(spate_ctx *ssc, spate_stream *q)
{
    (void)q;
    return spate_ctx_remember(ssc, -5);
}
static spate_err level_out_of_range(spate_ctx *ssc, spate_stream *q)
{
    (void)q;
    return spate_ctx_set_log_level(ssc, (spate_log_level)-1);
}
static spate_err start_without_outputs(spate_ctx *ssc, spate_stream *q)
{
    (void)q;
    return spate_ctx_start(ssc);
}
static spate_err await_batch_times_out(spate_ctx *ssc, spate_stream *q)
{
    (void)q;
    return spate_ctx_await_batch(ssc, 1000, 1);
}

Test(ctx_services, every_failing_call_says_why)
{
    static const failing_call calls[] = {
        {"foreachRDD(NULL)", foreach_null, SPATE_ERR_INVALID_ARG, "the function is NULL"},
        {"addListener(NULL)", listener_null, SPATE_ERR_INVALID_ARG, "the listener is NULL"},
        {"remember(-5)", remember_negative, SPATE_ERR_INVALID_ARG, "must be positive, got -5"},
        {"setLogLevel(-1)", level_out_of_range, SPATE_ERR_INVALID_ARG, "invalid log level -1"},
        {"start()", start_without_outputs, SPATE_ERR_INVALID_ARG, "No output operations"},
        {"awaitBatch", await_batch_times_out, SPATE_ERR_TIMEOUT, "batch 1000 ms not completed"},
    };
    spate_ctx *ssc = make_ctx("OFF", false);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        cr_expect_eq(calls[i].call(ssc, q), calls[i].want, "%s", calls[i].name);
        cr_expect(strstr(spate_ctx_last_error(ssc), calls[i].message), "%s: \"%s\"", calls[i].name,
                  spate_ctx_last_error(ssc));
    }
    spate_ctx_destroy(ssc);
}

/* Readers on other threads never see a message half-written: the string
 * they get is one of the two messages whole (a digit of one and a digit of
 * the other is a torn read), and it stays so while the writer goes on. */
enum { ROUNDS = 50000 };

static const spate_duration bad_durations[2] = {-1111111111111111111LL, -2222222222222222222LL};

typedef struct race {
    spate_ctx *ssc;
    char msg[2][128];
    atomic_bool done;
    atomic_int reads, torn;
} race;

static void *reader(void *arg)
{
    race *rc = arg;
    while (!atomic_load(&rc->done)) {
        const char *s = spate_ctx_last_error(rc->ssc);
        if (!s[0]) continue;
        atomic_fetch_add(&rc->reads, 1);
        for (int spin = 0; spin < 50; spin++) /* the writer goes on meanwhile */
            if (strcmp(s, rc->msg[0]) != 0 && strcmp(s, rc->msg[1]) != 0) {
                atomic_fetch_add(&rc->torn, 1);
                break;
            }
    }
    return NULL;
}

Test(ctx_services, last_error_reads_are_whole_while_others_write, .timeout = 60)
{
    race rc = {.ssc = make_ctx("OFF", false)};
    for (int i = 0; i < 2; i++)
        snprintf(rc.msg[i], sizeof rc.msg[i], "remember duration must be positive, got %lld ms",
                 (long long)bad_durations[i]);
    atomic_init(&rc.done, false);
    atomic_init(&rc.reads, 0);
    atomic_init(&rc.torn, 0);
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, reader, &rc);
    for (int i = 0; i < ROUNDS; i++) {
        cr_assert_eq(spate_ctx_remember(rc.ssc, bad_durations[i % 2]), SPATE_ERR_INVALID_ARG);
        /* on a loaded machine the readers may not have run yet: the race
         * needs them reading while the writer goes on */
        while (i == 0 && atomic_load(&rc.reads) == 0)
            sched_yield();
    }
    atomic_store(&rc.done, true);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    cr_expect_gt(atomic_load(&rc.reads), 0);
    cr_expect_eq(atomic_load(&rc.torn), 0, "torn reads of %d", atomic_load(&rc.reads));
    spate_ctx_destroy(rc.ssc);
}

/* A NULL object has nowhere to keep a message: the calls say so by their
 * code alone (docs/architecture.md, Errors). */
Test(ctx_services, a_null_context_is_an_invalid_argument)
{
    cr_assert_eq(spate_ctx_remember(NULL, 1000), SPATE_ERR_INVALID_ARG);
    cr_assert_eq(spate_ctx_checkpoint(NULL, "/tmp"), SPATE_ERR_INVALID_ARG);
    cr_assert_eq(spate_ctx_set_log_level(NULL, SPATE_LOG_INFO), SPATE_ERR_INVALID_ARG);
}
