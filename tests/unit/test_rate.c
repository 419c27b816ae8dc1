/* test_rate.c - rate control: Spark's PIDRateEstimatorSuite as tables, the
 * per-partition limits of DirectKafkaStreamSuite (maxMessagesPerPartition),
 * and backpressure settling a direct stream whose processing is slower than
 * its input (test_kafka_backpressure.c drives that one). */
#include "connect/kafka_plan.h"
#include "stream/rate_estimator.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

/* ---- PIDRateEstimatorSuite ------------------------------------------------ */

static sp_pid_estimator pid(int64_t batch_ms, double p, double i, double d, double min_rate)
{
    sp_pid_estimator e;
    char err[128];
    cr_assert_eq(sp_pid_init(&e, batch_ms, p, i, d, min_rate, err, sizeof err), SPATE_OK, "%s",
                 err);
    return e;
}

/* Spark's createDefaultEstimator: 20 ms batches, proportional only, min 10. */
static sp_pid_estimator default_pid(void) { return pid(20, 1, 0, 0, 10); }

Test(rate_pid, estimator_checks_ranges)
{
    static const struct {
        int64_t batch;
        double p, i, d, min;
        const char *msg;
    } bad[] = {
        {0, 1, 2, 3, 10, "Specified batch interval 0 in PIDRateEstimator is invalid."},
        {100, -1, 2, 3, 10, "Proportional term -1.0 in PIDRateEstimator should be >= 0."},
        {100, 0, -1, 3, 10, "Integral term -1.0 in PIDRateEstimator should be >= 0."},
        {100, 0, 0, -1, 10, "Derivative term -1.0 in PIDRateEstimator should be >= 0."},
        {100, 0, 0, 0, 0, "Minimum rate in PIDRateEstimator should be > 0"},
        {100, 0, 0, 0, -10, "Minimum rate in PIDRateEstimator should be > 0"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        sp_pid_estimator e;
        char err[128] = "";
        cr_expect_eq(sp_pid_init(&e, bad[k].batch, bad[k].p, bad[k].i, bad[k].d, bad[k].min, err,
                                 sizeof err),
                     SPATE_ERR_INVALID_ARG, "case %zu", k);
        cr_expect_str_eq(err, bad[k].msg);
    }
}

Test(rate_pid, first_estimate_is_none_second_is_not)
{
    sp_pid_estimator e = default_pid();
    double r = -1;
    cr_expect_not(sp_pid_compute(&e, 0, 10, 10, 0, &r));
    cr_expect(sp_pid_compute(&e, 10, 10, 10, 0, &r));
    cr_expect_float_eq(r, 1000.0, 1e-9); /* 10 records in 10 ms */
}

Test(rate_pid, no_estimate_without_time_records_or_processing)
{
    sp_pid_estimator e = default_pid();
    double r;
    sp_pid_compute(&e, 0, 10, 10, 0, &r);
    cr_expect(sp_pid_compute(&e, 10, 10, 10, 0, &r));
    cr_expect_not(sp_pid_compute(&e, 10, 10, 10, 0, &r), "same time again");
    cr_expect_not(sp_pid_compute(&e, 20, 0, 10, 0, &r), "no records");
    cr_expect_not(sp_pid_compute(&e, 30, -10, 10, 0, &r), "negative records");
    cr_expect_not(sp_pid_compute(&e, 40, 10, 0, 0, &r), "no processing delay");
    cr_expect_not(sp_pid_compute(&e, 50, 10, -10, 0, &r), "negative processing delay");
}

Test(rate_pid, never_below_min_rate)
{
    sp_pid_estimator e = pid(20, 1, 1, 0, 5);
    for (int i = 0; i < 50; i++) {
        double r = -1;
        bool got = sp_pid_compute(&e, i * 20, 1, 20, 100, &r);
        cr_expect_eq(got, i > 0, "batch %d", i);
        if (i > 0) cr_expect_float_eq(r, 5.0, 1e-9, "batch %d: %g", i, r);
    }
}

/* No accumulated error (no scheduling delay): the estimate follows the
 * processing speed, increasing or decreasing, whatever the integral weight. */
Test(rate_pid, follows_processing_speed_without_accumulated_error)
{
    for (int dir = 0; dir < 2; dir++) {
        sp_pid_estimator e = pid(20, 1, 1, 0, 10);
        for (int x = 0; x < 50; x++) {
            int64_t elements = dir == 0 ? (x + 1) * 20 : (50 - x) * 20;
            double r = -1;
            bool got = sp_pid_compute(&e, x * 20, elements, 20, 0, &r);
            cr_expect_eq(got, x > 0);
            if (x > 0) cr_expect_float_eq(r, (double)elements * 1000 / 20, 1e-6, "x=%d", x);
        }
    }
}

/* With a scheduling delay the estimate stays below the processing speed. */
Test(rate_pid, accumulated_error_stays_below_processing_speed)
{
    sp_pid_estimator e = pid(20, 1, 0.01, 0, 10);
    unsigned seed = 42;
    for (int x = 0; x < 50; x++) {
        int64_t elements = rand_r(&seed) % 1000, sched = rand_r(&seed) % 19;
        double r = -1, speed = (double)elements / 20 * 1000;
        bool got = sp_pid_compute(&e, x * 20, elements, 20, sched, &r);
        if (x == 0 || elements == 0) continue;
        cr_expect(got, "x=%d", x);
        if (r > 0 && sched > 0) cr_expect_lt(r, speed, "x=%d: %g >= %g", x, r, speed);
    }
}

/* ---- DirectKafkaStreamSuite: maxMessagesPerPartition ---------------------- */

typedef struct limits_case {
    const char *name;
    sp_kafka_rates rates;
    int n;
    int64_t current[4], latest[4];
    bool limited;
    int64_t want[4];
} limits_case;

static const limits_case LIMITS[] = {
    /* maxRatePerPartition 100 over 100 ms batches */
    {"backpressure disabled", {100, 100, 1, false, 0, 0}, 2, {0, 0}, {50, 50}, true, {10, 10}},
    {"no lag", {100, 100, 1, true, 100, 0}, 2, {0, 0}, {0, 0}, false, {0}},
    /* estimate 1000/s split by lag (500 each), capped by 100/s: 10 per 100 ms */
    {"respects max rate", {100, 100, 1, true, 1000, 0}, 2, {0, 0}, {1000, 1000}, true, {10, 10}},
    /* initialRate honours maxRatePerPartition: min(500, 1000) * 0.5 s */
    {"initialRate below maxRate", {500, 1000, 1, true, 0, 500}, 1, {0}, {1000}, true, {250}},
    {"initialRate above maxRate", {500, 300, 1, true, 0, 1000}, 1, {0}, {1000}, true, {150}},
    /* rate 1/s split by lag 0/100/200/300 over 60 s, at least 5 each */
    {"minRatePerPartition",
     {60000, 100, 5, true, 1, 0},
     4,
     {0, 0, 0, 0},
     {0, 100, 200, 300},
     true,
     {5, 10, 20, 30}},
    {"no limits at all", {1000, 0, 1, false, 0, 0}, 2, {0, 0}, {50, 50}, false, {0}},
    {"backpressure without estimate nor initialRate uses maxRate",
     {1000, 7, 1, true, 0, 0},
     2,
     {0, 0},
     {50, 50},
     true,
     {7, 7}},
    {"a partition ahead of latest counts no lag",
     {1000, 0, 1, true, 30, 0},
     2,
     {10, 0},
     {5, 30},
     true,
     {1, 30}},
};

Test(rate_kafka, max_messages_per_partition)
{
    for (size_t k = 0; k < sizeof LIMITS / sizeof LIMITS[0]; k++) {
        const limits_case *c = &LIMITS[k];
        int64_t got[4] = {0};
        bool limited = sp_kafka_max_messages(&c->rates, c->current, c->latest, c->n, got);
        cr_expect_eq(limited, c->limited, "%s: limited %d", c->name, limited);
        for (int i = 0; limited && c->limited && i < c->n; i++)
            cr_expect_eq(got[i], c->want[i], "%s: partition %d: %lld, want %lld", c->name, i,
                         (long long)got[i], (long long)c->want[i]);
    }
}

Test(rate_kafka, clamp_never_passes_latest)
{
    sp_kafka_rates r = {1000, 100, 1, false, 0, 0};
    int64_t current[3] = {0, 95, 200}, latest[3] = {500, 120, 200}, until[3];
    sp_kafka_clamp(&r, current, latest, 3, until);
    cr_expect_eq(until[0], 100);
    cr_expect_eq(until[1], 120);
    cr_expect_eq(until[2], 200);
    sp_kafka_rates none = {1000, 0, 1, false, 0, 0};
    sp_kafka_clamp(&none, current, latest, 3, until);
    cr_expect_eq(until[0], 500);
    cr_expect_eq(until[1], 120);
}

/* ---- backpressure on a direct stream --------------------------------------------- */

/* A direct stream over a backlog far larger than it can process: the
 * foreachRDD stands for processing at 1000 records/s by moving the manual
 * clock 1 ms per record it counts, and the test moves the clock to the next
 * batch time whenever the job thread is idle. Spark's PID estimator must
 * bring the batches to about 1000 records (processing time ~ the interval)
 * and the scheduling delay back down; without backpressure the delay grows
 * by a second per batch. */
#include "kafka_direct_util.h"

#include <pthread.h>

enum { BP_BATCHES = 45, BP_RECORDS = 30000 };

typedef struct bp_run {
    pthread_mutex_t mu;
    int n;
    int64_t records[BP_BATCHES + 8], processing[BP_BATCHES + 8], sched[BP_BATCHES + 8];
    int64_t behind[BP_BATCHES + 8]; /* processing start - batch time */
    spate_clock *clock;
} bp_run;

static void bp_completed(const spate_batch_info *b, void *ud)
{
    bp_run *r = ud;
    pthread_mutex_lock(&r->mu);
    if (r->n < BP_BATCHES + 8) {
        r->records[r->n] = b->records;
        r->processing[r->n] = b->processing_time_ms;
        r->sched[r->n] = b->scheduling_delay_ms;
        r->behind[r->n] = b->processing_start_ms - b->batch_time_ms;
        r->n++;
    }
    pthread_mutex_unlock(&r->mu);
}

static spate_err process_slowly(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    bp_run *r = ud;
    int64_t n;
    spate_err err = spate_rdd_count(rdd, &n);
    if (!err) spate_clock_advance(r->clock, n); /* 1000 records/s */
    return err;
}

static int bp_completed_count(bp_run *r)
{
    pthread_mutex_lock(&r->mu);
    int n = r->n;
    pthread_mutex_unlock(&r->mu);
    return n;
}

static void bp_drive(bool backpressure, int batches, bp_run *r)
{
    kmock m;
    ku_mock_start(&m, 1);
    ku_topic(&m, "bp", 2);
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < BP_RECORDS; i++)
            ku_send(&m, "bp", p, NULL, "x", 1, 0, false);
    ku_flush(&m);
    const char *conf[] = {"spate.streaming.kafka.maxRatePerPartition", "1000",
                          "spate.streaming.backpressure.enabled", backpressure ? "true" : "false",
                          NULL};
    spate_ctx *ssc = ku_ctx(conf);
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->clock = spate_ctx_clock(ssc);
    spate_listener l = {.on_batch_completed = bp_completed, .ud = r};
    spate_ctx_add_listener(ssc, &l);
    const char *topics[] = {"bp"};
    spate_stream *s = spate_kafka_direct_stream(ssc, ku_params(&m, "bp", "earliest"),
                                                spate_kafka_subscribe(topics, 1, NULL, 0));
    cr_assert_not_null(s, "%s", spate_ctx_last_error(ssc));
    cr_assert_eq(spate_stream_foreach_rdd(s, process_slowly, r), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    spate_clock_set(r->clock, KU_BATCH);
    while (bp_completed_count(r) < batches) {
        int64_t now = spate_clock_now(r->clock), due = now - now % KU_BATCH;
        cr_assert_eq(spate_ctx_await_batch(ssc, due, KU_WAIT_MS), SPATE_OK);
        /* The clock did not move while batches up to `due` completed: the
         * job thread is idle until the next batch time. */
        if (spate_clock_now(r->clock) == now) spate_clock_set(r->clock, due + KU_BATCH);
    }
    spate_ctx_destroy(ssc);
    pthread_mutex_destroy(&r->mu);
    ku_mock_stop(&m);
}

Test(rate_backpressure, batches_settle_to_the_processing_speed, .timeout = 60)
{
    bp_run r;
    bp_drive(true, BP_BATCHES, &r);
    cr_expect_eq(r.records[0], 2000, "maxRatePerPartition before the first estimate");
    for (int i = BP_BATCHES - 10; i < BP_BATCHES; i++) {
        cr_expect(r.processing[i] >= 800 && r.processing[i] <= 1200,
                  "batch %d: %lld records took %lld ms", i, (long long)r.records[i],
                  (long long)r.processing[i]);
        cr_expect_leq(r.sched[i], KU_BATCH, "batch %d: scheduling delay %lld ms", i,
                      (long long)r.sched[i]);
    }
    for (int i = 0; i < BP_BATCHES; i++)
        cr_log_info("batch %d: %lld records, %lld ms, delay %lld ms", i, (long long)r.records[i],
                    (long long)r.processing[i], (long long)r.sched[i]);
    int64_t peak = 0;
    for (int i = 0; i < BP_BATCHES; i++)
        peak = r.sched[i] > peak ? r.sched[i] : peak;
    cr_expect_gt(peak, r.sched[BP_BATCHES - 1], "the delay built up first comes back down");
}

Test(rate_backpressure, without_it_the_scheduling_delay_grows, .timeout = 60)
{
    enum { N = 25 }; /* 2000 records each: within the backlog */
    bp_run r;
    bp_drive(false, N, &r);
    for (int i = 0; i < N; i++)
        cr_expect_eq(r.records[i], 2000, "batch %d", i);
    /* Measured from the batch time: the scheduling delay proper starts at
     * submission, and here the generator (Kafka requests in real time) can
     * fall behind the manual clock, which the slow batches move by 2 s each. */
    cr_expect_geq(r.behind[N - 1] - r.behind[N - 11], 10 * KU_BATCH / 2,
                  "%lld ms behind after %d batches, %lld ms 10 batches before",
                  (long long)r.behind[N - 1], N, (long long)r.behind[N - 11]);
}

/* ---- receivers ---------------------------------------------------------------------- */

#include "stream/inputs/receiver_int.h"

static void idle_receiver(spate_receiver *r, void *ud) { (void)r, (void)ud; }

/* 10 ms of processing per record: 100 records/s. */
static spate_err process_100_per_s(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    int64_t n;
    spate_err err = spate_rdd_count(rdd, &n);
    if (!err) spate_clock_advance((spate_clock *)ud, n * 10);
    return err;
}

static spate_stream *rate_receiver(spate_ctx *ssc)
{
    spate_receiver_def def = {.name = "rate", .on_start = idle_receiver};
    spate_stream *s = spate_receiver_stream(ssc, &def);
    cr_assert_not_null(s, "%s", spate_ctx_last_error(ssc));
    cr_assert_eq(spate_stream_foreach_rdd(s, process_100_per_s, spate_ctx_clock(ssc)), SPATE_OK);
    return s;
}

Test(rate_receiver, initial_rate_capped_by_max_rate)
{
    static const struct {
        const char *bp, *initial, *max;
        int64_t want;
    } cases[] = {
        {"true", "500", "0", 500}, {"true", "500", "200", 200},  {"true", "0", "200", 200},
        {"false", "500", "0", 0},  {"false", "500", "300", 300},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *conf[] = {"spate.streaming.backpressure.enabled",
                              cases[i].bp,
                              "spate.streaming.backpressure.initialRate",
                              cases[i].initial,
                              "spate.streaming.receiver.maxRate",
                              cases[i].max,
                              NULL};
        spate_ctx *ssc = ku_ctx(conf);
        spate_stream *s = rate_receiver(ssc);
        cr_expect_eq(sp_receiver_rate(sp_receiver_of(s)), cases[i].want, "case %zu", i);
        spate_ctx_destroy(ssc);
    }
}

/* Spark's ReceiverRateController: each estimate becomes the receiver's rate,
 * capped by spate.streaming.receiver.maxRate. */
static void check_receiver_estimate(const char *max_rate, int64_t want)
{
    const char *conf[] = {"spate.streaming.backpressure.enabled",
                          "true",
                          "spate.streaming.backpressure.initialRate",
                          "100000",
                          "spate.streaming.receiver.maxRate",
                          max_rate,
                          NULL};
    spate_ctx *ssc = ku_ctx(conf);
    spate_stream *s = rate_receiver(ssc);
    spate_receiver *r = sp_receiver_of(s);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    spate_clock *clock = spate_ctx_clock(ssc);
    /* 50 records per batch, stored before the batch time: 500 ms each. */
    int64_t t = KU_BATCH;
    for (int b = 0; b < 2; b++, t += KU_BATCH) {
        while (sp_receiver_stored(r) < 50 * (b + 1))
            spate_receiver_store(r, spate_i64(b));
        spate_clock_set(clock, t);
        cr_assert_eq(spate_ctx_await_batch(ssc, t, KU_WAIT_MS), SPATE_OK);
    }
    cr_expect_eq(sp_receiver_rate(r), want);
    spate_ctx_destroy(ssc);
}

Test(rate_receiver, backpressure_sets_the_receiving_rate)
{
    /* first batch: 100/s measured, no estimate; second: 100/s */
    check_receiver_estimate("0", 100);
}

Test(rate_receiver, max_rate_caps_the_estimate) { check_receiver_estimate("60", 60); }
