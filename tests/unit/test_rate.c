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
