/* kafka_sink_output.c - spate_stream_write_to_kafka: an output operation
 * (a foreachRDD the output owns) that writes every element of each batch to
 * a topic.
 *
 * At-least-once (the default): the tasks send through a spate_kafka_sink (one
 * producer per executor thread, reused across batches), then the job thread
 * waits for every delivery report; one failed delivery fails the batch with
 * the broker's error. Exactly-once (transactional.id in the params): one
 * transaction per batch through sp_kafka_txn (kafka_txn.h). */
#include "stream/kafka_sink.h"
#include "connect/kafka_txn.h"

#include "base/arena.h"
#include "exec/rdd.h"
#include "stream/ctx_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct kafka_output {
    char *topic;
    spate_map_fn key_fn, value_fn;
    void *ud;
    spate_kafka_sink *sink; /* at-least-once */
    sp_kafka_txn *txn;      /* exactly-once */
} kafka_output;

static void output_destroy(void *ud)
{
    kafka_output *o = ud;
    sp_kafka_sink_destroy(o->sink);
    sp_kafka_txn_destroy(o->txn);
    free(o->topic);
    free(o);
}

/* The record's value: value_fn's result, or the element's own text. */
static spate_value record_value(const kafka_output *o, spate_task *t, spate_value v)
{
    if (o->value_fn) return o->value_fn(t, v, o->ud);
    return v.type == SPATE_NULL ? spate_cstr("null") : v; /* Scala's text of null */
}

static void send_element(spate_task *t, spate_value v, void *ud)
{
    const kafka_output *o = ud;
    if (spate_task_failed(t)) return;
    spate_value key = o->key_fn ? o->key_fn(t, v, o->ud) : spate_null();
    spate_value value = record_value(o, t, v);
    if (spate_task_failed(t)) return;
    if (o->txn)
        sp_kafka_txn_send(o->txn, t, key, value);
    else
        spate_kafka_sink_send(o->sink, t, o->topic, key, value);
}

/* Records err's message as the batch's failure (the job thread reports the
 * scope's first failure). */
static spate_err fail_batch(spate_rdd *rdd, spate_err err, const char *msg)
{
    sp_scope_fail(sp_rdd_scope(rdd), err, "%s", msg);
    return err;
}

static spate_err run_at_least_once(kafka_output *o, spate_rdd *rdd)
{
    spate_err err = spate_rdd_foreach(rdd, send_element, o);
    /* Wait even after a failed task: what it queued is in flight. */
    char msg[768];
    spate_err flushed = spate_kafka_sink_flush(o->sink, -1, msg, sizeof msg);
    if (err) return err; /* the task's message is the scope's already */
    return flushed ? fail_batch(rdd, flushed, msg) : SPATE_OK;
}

static spate_err run_exactly_once(kafka_output *o, spate_rdd *rdd, int64_t time)
{
    char msg[768];
    bool committed_before;
    spate_err err = sp_kafka_txn_begin(o->txn, time, &committed_before, msg, sizeof msg);
    if (err) return fail_batch(rdd, err, msg);
    if (committed_before) return SPATE_OK;
    err = spate_rdd_foreach(rdd, send_element, o);
    if (err) {
        sp_kafka_txn_abort(o->txn);
        return err;
    }
    err = sp_kafka_txn_commit(o->txn, time, msg, sizeof msg);
    return err ? fail_batch(rdd, err, msg) : SPATE_OK;
}

static spate_err run_output(spate_rdd *rdd, int64_t time, void *ud)
{
    kafka_output *o = ud;
    return o->txn ? run_exactly_once(o, rdd, time) : run_at_least_once(o, rdd);
}

static kafka_output *make_output(spate_ctx *ctx, const spate_kafka_params *params,
                                 const char *topic, char *errstr, size_t errstr_size)
{
    kafka_output *o = sp_xcalloc(1, sizeof *o);
    const char *txn = spate_kafka_params_get(params, "transactional.id");
    if (txn && *txn)
        o->txn = sp_kafka_txn_new(spate_ctx_conf(ctx), params, topic, errstr, errstr_size);
    else
        o->sink = sp_kafka_sink_create(ctx, params, errstr, errstr_size);
    if (!o->txn && !o->sink) {
        free(o);
        return NULL;
    }
    o->topic = sp_xstrdup(topic);
    return o;
}

static spate_err check_args(spate_stream *s, const spate_kafka_params *params, const char *topic)
{
    if (!s) return SPATE_ERR_INVALID_ARG;
    if (!params || !topic || !*topic) {
        sp_ctx_set_error(s->ctx, "writeToKafka: %s",
                         !params ? "no Kafka params" : "the topic must not be empty");
        return SPATE_ERR_INVALID_ARG;
    }
    return sp_ctx_check_initialized(s->ctx) ? SPATE_OK : SPATE_ERR_STATE;
}

spate_err spate_stream_write_to_kafka(spate_stream *s, spate_kafka_params *params,
                                      const char *topic, spate_map_fn key_fn, spate_map_fn value_fn,
                                      void *ud)
{
    spate_err rc = check_args(s, params, topic);
    kafka_output *o = NULL;
    if (rc == SPATE_OK) {
        char why[512];
        o = make_output(s->ctx, params, topic, why, sizeof why);
        if (!o) {
            sp_ctx_set_error(s->ctx, "writeToKafka: %s", why);
            rc = SPATE_ERR_INVALID_ARG;
        }
    }
    spate_kafka_params_destroy(params);
    if (!o) return rc;
    o->key_fn = key_fn;
    o->value_fn = value_fn;
    o->ud = ud;
    return sp_output_add_foreach(s, run_output, o, output_destroy);
}
