/* rate_estimator.c - Spark's PIDRateEstimator and RateController (see
 * rate_estimator.h). */
#include "stream/rate_estimator.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/errbuf.h"
#include "base/log.h"

#include <spate/listener.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define COMPONENT "PIDRateEstimator"

spate_err sp_pid_init(sp_pid_estimator *e, int64_t batch_ms, double proportional, double integral,
                      double derivative, double min_rate, char *errstr, size_t errstr_size)
{
    if (batch_ms <= 0) {
        sp_errf(errstr, errstr_size,
                "Specified batch interval %lld in PIDRateEstimator is invalid.",
                (long long)batch_ms);
        return SPATE_ERR_INVALID_ARG;
    }
    const char *names[] = {"Proportional", "Integral", "Derivative"};
    double terms[] = {proportional, integral, derivative};
    for (int i = 0; i < 3; i++) {
        if (!(terms[i] >= 0)) {
            char num[32]; /* as Scala prints a Double: -1.0 */
            spate_value_format(spate_f64(terms[i]), num, sizeof num);
            sp_errf(errstr, errstr_size, "%s term %s in PIDRateEstimator should be >= 0.", names[i],
                    num);
            return SPATE_ERR_INVALID_ARG;
        }
    }
    if (!(min_rate > 0)) {
        sp_errf(errstr, errstr_size, "Minimum rate in PIDRateEstimator should be > 0");
        return SPATE_ERR_INVALID_ARG;
    }
    *e = (sp_pid_estimator){
        .batch_ms = batch_ms,
        .proportional = proportional,
        .integral = integral,
        .derivative = derivative,
        .min_rate = min_rate,
        .first_run = true,
        .latest_time = -1,
        .latest_rate = -1,
        .latest_error = -1,
    };
    sp_log(SP_LOG_INFO, COMPONENT,
           "Created PIDRateEstimator with proportional = %g, integral = %g, derivative = %g, "
           "min rate = %g",
           proportional, integral, derivative, min_rate);
    return SPATE_OK;
}

bool sp_pid_compute(sp_pid_estimator *e, int64_t time_ms, int64_t elements, int64_t processing_ms,
                    int64_t scheduling_ms, double *rate)
{
    if (time_ms <= e->latest_time || elements <= 0 || processing_ms <= 0) return false;
    double since_update = (double)(time_ms - e->latest_time) / 1000; /* s */
    double processing_rate = (double)elements / (double)processing_ms * 1000;
    /* The desired rate is the one estimated for the previous batch. */
    double error = e->latest_rate - processing_rate;
    /* A scheduling delay s means s * processingRate records could not be
     * processed in time: spread over one interval, that is the rate by which
     * the previous estimate overshot (the integral term). */
    double historical_error = (double)scheduling_ms * processing_rate / (double)e->batch_ms;
    double d_error = (error - e->latest_error) / since_update;
    double new_rate = e->latest_rate - e->proportional * error - e->integral * historical_error -
                      e->derivative * d_error;
    if (new_rate < e->min_rate) new_rate = e->min_rate;
    e->latest_time = time_ms;
    if (e->first_run) {
        e->latest_rate = processing_rate;
        e->latest_error = 0;
        e->first_run = false;
        return false;
    }
    e->latest_rate = new_rate;
    e->latest_error = error;
    *rate = new_rate;
    return true;
}

/* ---- the controller -------------------------------------------------------- */

struct sp_rate_controller {
    int stream_id;
    pthread_mutex_t lock; /* the estimator (batches complete one at a time anyway) */
    sp_pid_estimator pid;
    atomic_llong latest;
    sp_rate_publish_fn publish;
    void *ud;
};

bool sp_backpressure_enabled(spate_ctx *ctx)
{
    const spate_conf *conf = spate_ctx_conf(ctx);
    return sp_conf_bool(conf, "spate.streaming.backpressure.enabled");
}

/* Spark's RateController.onBatchCompleted: needs the processing end, both
 * delays and the stream's record count. */
static void on_completed(const spate_batch_info *b, void *ud)
{
    sp_rate_controller *rc = ud;
    const spate_input_info *in = NULL;
    for (int i = 0; i < b->ninputs; i++)
        if (b->inputs[i].stream_id == rc->stream_id) in = &b->inputs[i];
    if (!in || b->processing_end_ms < 0 || b->processing_time_ms < 0 || b->scheduling_delay_ms < 0)
        return;
    double rate;
    pthread_mutex_lock(&rc->lock);
    bool got = sp_pid_compute(&rc->pid, b->processing_end_ms, in->records, b->processing_time_ms,
                              b->scheduling_delay_ms, &rate);
    pthread_mutex_unlock(&rc->lock);
    if (!got) return;
    int64_t r = (int64_t)rate; /* Spark publishes rate.toLong */
    atomic_store(&rc->latest, r);
    sp_log(SP_LOG_DEBUG, "RateController", "stream %d: new rate %lld records/s", rc->stream_id,
           (long long)r);
    if (rc->publish) rc->publish(r, rc->ud);
}

sp_rate_controller *sp_rate_controller_new(spate_ctx *ctx, int stream_id,
                                           sp_rate_publish_fn publish, void *ud, bool *ok,
                                           char *errstr, size_t errstr_size)
{
    *ok = true;
    if (!sp_backpressure_enabled(ctx)) return NULL;
    const spate_conf *conf = spate_ctx_conf(ctx);
    sp_rate_controller *rc = sp_xcalloc(1, sizeof *rc);
    double kp = sp_conf_f64(conf, "spate.streaming.backpressure.pid.proportional");
    double ki = sp_conf_f64(conf, "spate.streaming.backpressure.pid.integral");
    double kd = sp_conf_f64(conf, "spate.streaming.backpressure.pid.derived");
    double min_rate = sp_conf_f64(conf, "spate.streaming.backpressure.pid.minRate");
    if (sp_pid_init(&rc->pid, spate_ctx_batch_interval(ctx), kp, ki, kd, min_rate, errstr,
                    errstr_size)) {
        free(rc);
        *ok = false;
        return NULL;
    }
    rc->stream_id = stream_id;
    pthread_mutex_init(&rc->lock, NULL);
    atomic_init(&rc->latest, -1);
    rc->publish = publish;
    rc->ud = ud;
    spate_listener l = {.on_batch_completed = on_completed, .ud = rc};
    spate_ctx_add_listener(ctx, &l);
    return rc;
}

int64_t sp_rate_controller_latest(const sp_rate_controller *rc)
{
    return rc ? atomic_load(&((sp_rate_controller *)rc)->latest) : -1;
}

void sp_rate_controller_destroy(sp_rate_controller *rc)
{
    if (!rc) return;
    pthread_mutex_destroy(&rc->lock);
    free(rc);
}
