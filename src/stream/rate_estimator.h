/* rate_estimator.h - backpressure: Spark's PIDRateEstimator and
 * RateController.
 *
 * The estimator turns each completed batch of an input stream (its records,
 * processing time and scheduling delay) into the rate, in records per
 * second, that the input should take next, so that processing keeps up with
 * the batch interval:
 *     processingRate = records / processing time
 *     error          = latestRate - processingRate
 *     historicalError = schedulingDelay * processingRate / batchInterval
 *     dError         = (error - latestError) / seconds since the last update
 *     newRate = max(minRate, latestRate - kp*error - ki*historicalError - kd*dError)
 * The first batch only records its processing rate (no estimate); a batch
 * with no records, no processing time or a time not after the last update
 * gives no estimate either.
 *
 * The controller is a listener of the context (listener.h) fed by the
 * completed batches of one input stream, as Spark's RateController is a
 * StreamingListener; its latest estimate is read by the input (Kafka direct
 * stream: maxMessagesPerPartition) or pushed to it (receivers: publish).
 * Settings: spate.streaming.backpressure.enabled, .rateEstimator (pid),
 * .pid.proportional (1.0), .pid.integral (0.2), .pid.derived (0.0),
 * .pid.minRate (100). */
#ifndef SP_RATE_ESTIMATOR_H
#define SP_RATE_ESTIMATOR_H

#include <spate/stream.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct sp_pid_estimator {
    int64_t batch_ms;
    double proportional, integral, derivative, min_rate;
    bool first_run;
    int64_t latest_time;
    double latest_rate, latest_error;
} sp_pid_estimator;

/* Checks the parameters as Spark does (batch interval > 0, the three
 * weights >= 0, minRate > 0): SPATE_ERR_INVALID_ARG with Spark's message
 * ("Proportional term -1.0 in PIDRateEstimator should be >= 0.") otherwise. */
spate_err sp_pid_init(sp_pid_estimator *e, int64_t batch_ms, double proportional, double integral,
                      double derivative, double min_rate, char *errstr, size_t errstr_size);
/* Spark's compute(time, numElements, processingDelay, schedulingDelay) (all
 * times in ms): true with the new rate in *rate, false for no estimate. Not
 * thread-safe (the controller serializes calls). */
bool sp_pid_compute(sp_pid_estimator *e, int64_t time_ms, int64_t elements, int64_t processing_ms,
                    int64_t scheduling_ms, double *rate);

/* Called with each new estimate (records/s, >= 1), on the job thread. */
typedef void (*sp_rate_publish_fn)(int64_t rate, void *ud);

typedef struct sp_rate_controller sp_rate_controller;

/* True when spate.streaming.backpressure.enabled is set in ctx's conf. */
bool sp_backpressure_enabled(spate_ctx *ctx);
/* The controller of input stream_id, registered as a listener of ctx; NULL
 * when backpressure is off, or with the reason in errstr when the conf's PID
 * settings are out of Spark's ranges (ok stays true / becomes false).
 * publish (may be NULL) is called with every new rate. The controller must
 * live as long as the context (destroy it from the stream's destroy hook).
 * Program thread, before the context starts. */
sp_rate_controller *sp_rate_controller_new(spate_ctx *ctx, int stream_id,
                                           sp_rate_publish_fn publish, void *ud, bool *ok,
                                           char *errstr, size_t errstr_size);
/* The latest estimate in records/s, -1 until the first one (Spark's
 * getLatestRate). Any thread. */
int64_t sp_rate_controller_latest(const sp_rate_controller *rc);
/* After the context stopped (no more batches). NULL is fine. */
void sp_rate_controller_destroy(sp_rate_controller *rc);

#endif
