/* kafka_sink.c - spate_kafka_sink: one producer per executor thread, made on
 * first use and reused (the seed's KafkaProducerWrapper.instance, a lazy
 * singleton per executor). */
#include "stream/kafka_sink.h"

#include "base/arena.h"
#include "connect/kafka_producer.h"
#include "exec/task.h"
#include "stream/dstream_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Margin over message.timeout.ms for the last delivery reports to arrive. */
enum { DELIVERY_MARGIN_MS = 10000, DESTROY_FLUSH_MS = 2000 };

struct spate_kafka_sink {
    rd_kafka_conf_t *conf; /* template each producer is made from */
    sp_kafka_delivery dr;
    int64_t delivery_bound_ms;
    int nthreads;
    _Atomic(rd_kafka_t *) *producers; /* [executor thread] */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t message_timeout_ms(const rd_kafka_conf_t *conf)
{
    char buf[32];
    size_t size = sizeof buf;
    if (rd_kafka_conf_get(conf, "message.timeout.ms", buf, &size) != RD_KAFKA_CONF_OK)
        return 300000;
    return strtoll(buf, NULL, 10);
}

spate_kafka_sink *sp_kafka_sink_create(spate_ctx *ctx, const spate_kafka_params *params,
                                       char *errstr, size_t errstr_size)
{
    const char *txn = spate_kafka_params_get(params, "transactional.id");
    if (txn && *txn) {
        snprintf(errstr, errstr_size,
                 "transactional.id: a per-thread Kafka producer cannot be transactional (one "
                 "producer per transactional.id); use spate_stream_write_to_kafka for "
                 "exactly-once output");
        return NULL;
    }
    spate_kafka_sink *k = sp_xcalloc(1, sizeof *k);
    sp_kafka_delivery_init(&k->dr);
    k->conf = sp_kafka_producer_conf(spate_ctx_conf(ctx), params, &k->dr, "Kafka sink", errstr,
                                     errstr_size);
    if (!k->conf) {
        sp_kafka_delivery_destroy(&k->dr);
        free(k);
        return NULL;
    }
    k->delivery_bound_ms = message_timeout_ms(k->conf) + DELIVERY_MARGIN_MS;
    k->nthreads = sp_pool_threads(sp_ctx_exec(ctx)->pool);
    k->producers = sp_xcalloc((size_t)k->nthreads, sizeof *k->producers);
    return k;
}

void sp_kafka_sink_destroy(spate_kafka_sink *k)
{
    if (!k) return;
    for (int i = 0; i < k->nthreads; i++) {
        rd_kafka_t *rk = atomic_load(&k->producers[i]);
        if (!rk) continue;
        rd_kafka_flush(rk, DESTROY_FLUSH_MS);
        rd_kafka_destroy(rk);
    }
    free(k->producers);
    rd_kafka_conf_destroy(k->conf);
    sp_kafka_delivery_destroy(&k->dr);
    free(k);
}

int64_t sp_kafka_sink_delivery_bound_ms(const spate_kafka_sink *k) { return k->delivery_bound_ms; }

int sp_kafka_sink_producer_count(const spate_kafka_sink *k)
{
    int n = 0;
    for (int i = 0; i < k->nthreads; i++)
        n += atomic_load(&k->producers[i]) != NULL;
    return n;
}

/* ---- the public sink: owned by the context through a graph node ---- */

/* The sink hangs off a stream node that nothing computes: the graph frees
 * its streams in spate_ctx_destroy, after the executors stopped. */
static spate_rdd *node_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    (void)s, (void)t, (void)b;
    return NULL;
}

static void node_destroy(spate_stream *s) { sp_kafka_sink_destroy(s->impl); }

static const sp_stream_ops sink_node_ops = {
    .name = "KafkaSink", .compute = node_compute, .destroy = node_destroy};

spate_kafka_sink *spate_kafka_sink_new(spate_ctx *ssc, spate_kafka_params *params, char *errstr,
                                       size_t errstr_size)
{
    spate_kafka_sink *k = NULL;
    if (!ssc || !params)
        snprintf(errstr, errstr_size, "spate_kafka_sink_new: no context or no params");
    else if (spate_ctx_get_state(ssc) != SPATE_CTX_INITIALIZED)
        snprintf(errstr, errstr_size,
                 "spate_kafka_sink_new: make the sink before the context starts");
    else
        k = sp_kafka_sink_create(ssc, params, errstr, errstr_size);
    if (k && !sp_stream_new(ssc, &sink_node_ops, k)) {
        snprintf(errstr, errstr_size, "spate_kafka_sink_new: %s", spate_ctx_last_error(ssc));
        sp_kafka_sink_destroy(k);
        k = NULL;
    }
    spate_kafka_params_destroy(params);
    return k;
}

/* The producer of the calling task's thread, made on first use. */
static rd_kafka_t *thread_producer(spate_kafka_sink *k, spate_task *t, char *errstr,
                                   size_t errstr_size)
{
    _Atomic(rd_kafka_t *) *slot = &k->producers[t->thread];
    rd_kafka_t *rk = atomic_load(slot);
    if (!rk) {
        rk = sp_kafka_producer_new(k->conf, errstr, errstr_size);
        if (rk) atomic_store(slot, rk);
    }
    return rk;
}

spate_err spate_kafka_sink_send(spate_kafka_sink *k, spate_task *t, const char *topic,
                                spate_value key, spate_value value)
{
    char err[512];
    rd_kafka_t *rk = thread_producer(k, t, err, sizeof err);
    sp_kafka_record rec = {.topic = topic, .partition = RD_KAFKA_PARTITION_UA};
    sp_kafka_value_bytes(t, key, &rec.key, &rec.key_len);
    sp_kafka_value_bytes(t, value, &rec.value, &rec.value_len);
    spate_err rc = rk ? sp_kafka_produce(rk, &rec, err, sizeof err) : SPATE_ERR_IO;
    if (rc != SPATE_OK) {
        spate_task_fail(t, "%s", err);
        return rc;
    }
    rd_kafka_poll(rk, 0); /* serves delivery reports as they come */
    return SPATE_OK;
}

spate_err spate_kafka_sink_flush(spate_kafka_sink *k, int64_t timeout_ms, char *errstr,
                                 size_t errstr_size)
{
    int64_t deadline = now_ms() + (timeout_ms < 0 ? k->delivery_bound_ms : timeout_ms);
    int64_t waiting = 0;
    for (int i = 0; i < k->nthreads; i++) {
        rd_kafka_t *rk = atomic_load(&k->producers[i]);
        if (!rk) continue;
        int64_t left = deadline - now_ms();
        rd_kafka_flush(rk, (int)(left > 0 ? left : 0));
        waiting += rd_kafka_outq_len(rk);
    }
    spate_err err = sp_kafka_delivery_take(&k->dr, errstr, errstr_size);
    if (err == SPATE_OK && waiting > 0) {
        snprintf(errstr, errstr_size,
                 "Timed out after %lld ms waiting for %lld record%s to be delivered to Kafka",
                 (long long)(timeout_ms < 0 ? k->delivery_bound_ms : timeout_ms),
                 (long long)waiting, waiting == 1 ? "" : "s");
        err = SPATE_ERR_TIMEOUT;
    }
    return err;
}
