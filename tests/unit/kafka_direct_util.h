/* kafka_direct_util.h - helpers of the Kafka direct stream tests
 * (test_kafka_direct.c, test_rate.c): an in-process librdkafka mock cluster,
 * a producer, Kafka params for it, and a context on the manual clock. */
#ifndef SPATE_TEST_KAFKA_DIRECT_UTIL_H
#define SPATE_TEST_KAFKA_DIRECT_UTIL_H

#include <criterion/criterion.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KU_UNUSED __attribute__((unused))

enum { KU_BATCH = 1000, KU_WAIT_MS = 20000 };

typedef struct kmock {
    rd_kafka_t *holder; /* the handle the cluster hangs off */
    rd_kafka_mock_cluster_t *mc;
    const char *boot;
    rd_kafka_t *producer;
} kmock;

static void ku_quiet_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk, (void)level, (void)fac, (void)buf;
}

static KU_UNUSED void ku_mock_start(kmock *m, int brokers)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, ku_quiet_log);
    m->holder = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    cr_assert_not_null(m->holder, "%s", err);
    m->mc = rd_kafka_mock_cluster_new(m->holder, brokers);
    cr_assert_not_null(m->mc);
    m->boot = rd_kafka_mock_cluster_bootstraps(m->mc);
    conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, ku_quiet_log);
    cr_assert_eq(rd_kafka_conf_set(conf, "bootstrap.servers", m->boot, err, sizeof err), 0);
    cr_assert_eq(rd_kafka_conf_set(conf, "linger.ms", "0", err, sizeof err), 0);
    m->producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    cr_assert_not_null(m->producer, "%s", err);
}

/* The cluster itself is left running: librdkafka 2.0.2's mock thread takes
 * a second to notice it is destroyed, and each test is its own process,
 * which exits right after. The static keeps it reachable (no leak report). */
static kmock ku_left_running;

static KU_UNUSED void ku_mock_stop(kmock *m)
{
    rd_kafka_flush(m->producer, 5000);
    rd_kafka_destroy(m->producer);
    ku_left_running = *m;
}

/* Creates a topic and refreshes the producer's metadata: left to itself it
 * learns about a second new topic only a second later. */
static KU_UNUSED void ku_topic(kmock *m, const char *name, int partitions)
{
    cr_assert_eq(rd_kafka_mock_topic_create(m->mc, name, partitions, 3), 0, "topic %s", name);
    const struct rd_kafka_metadata *md;
    cr_assert_eq(rd_kafka_metadata(m->producer, 1, NULL, &md, 5000), 0);
    rd_kafka_metadata_destroy(md);
}

/* One record, sent and acknowledged before returning. key/value may be
 * NULL; ts 0: the producer's clock. With a header "h" = "x". */
static KU_UNUSED void ku_send(kmock *m, const char *topic, int partition, const char *key,
                              const void *value, size_t value_len, int64_t ts, bool header)
{
    rd_kafka_resp_err_t err;
    if (header)
        err = rd_kafka_producev(
            m->producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_KEY(key, key ? strlen(key) : 0), RD_KAFKA_V_VALUE((void *)value, value_len),
            RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_HEADER("h", "x", 1),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    else
        err = rd_kafka_producev(
            m->producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_KEY(key, key ? strlen(key) : 0), RD_KAFKA_V_VALUE((void *)value, value_len),
            RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    cr_assert_eq(err, 0, "produce: %s", rd_kafka_err2str(err));
}

static KU_UNUSED void ku_flush(kmock *m) { cr_assert_eq(rd_kafka_flush(m->producer, 10000), 0); }

/* n records "<prefix><i>" (i from first) into a partition, flushed. */
static KU_UNUSED void ku_send_n(kmock *m, const char *topic, int partition, const char *prefix,
                                int first, int n)
{
    for (int i = first; i < first + n; i++) {
        char v[64];
        snprintf(v, sizeof v, "%s%d", prefix, i);
        ku_send(m, topic, partition, NULL, v, strlen(v), 0, false);
    }
    ku_flush(m);
}

/* Params for the mock: short fetch waits and reconnect backoffs, so that
 * tests do not wait for Kafka's defaults. */
static KU_UNUSED spate_kafka_params *ku_params(const kmock *m, const char *group, const char *reset)
{
    spate_kafka_params *p = spate_kafka_params_new();
    char err[256];
    const char *kv[] = {"bootstrap.servers",
                        m->boot,
                        "fetch.wait.max.ms",
                        "10",
                        "reconnect.backoff.ms",
                        "10",
                        "reconnect.backoff.max.ms",
                        "100",
                        "group.id",
                        group,
                        "auto.offset.reset",
                        reset,
                        NULL};
    for (int i = 0; kv[i]; i += 2)
        if (kv[i + 1])
            cr_assert_eq(spate_kafka_params_set(p, kv[i], kv[i + 1], err, sizeof err), 0, "%s",
                         err);
    return p;
}

/* A context on the manual clock at 0: local[2], logs off, short Kafka
 * timeouts; extra is NULL-terminated key, value pairs. */
static KU_UNUSED spate_conf *ku_conf(const char *const *extra)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    const char *kv[] = {"spate.streaming.clock",
                        "manual",
                        "spate.master",
                        "local[2]",
                        "spate.log.level",
                        "OFF",
                        "spate.streaming.kafka.metadata.timeout",
                        "3s",
                        "spate.streaming.kafka.consumer.poll.ms",
                        "3s",
                        NULL};
    for (int i = 0; kv[i]; i += 2)
        cr_assert_eq(spate_conf_set(conf, kv[i], kv[i + 1], err, sizeof err), 0, "%s", err);
    for (int i = 0; extra && extra[i]; i += 2)
        cr_assert_eq(spate_conf_set(conf, extra[i], extra[i + 1], err, sizeof err), 0, "%s", err);
    return conf;
}

static KU_UNUSED spate_ctx *ku_ctx(const char *const *extra)
{
    char err[256];
    spate_ctx *ssc = spate_ctx_new(ku_conf(extra), KU_BATCH, err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    return ssc;
}

/* Moves the clock to batch time t and waits until that batch completed. */
static KU_UNUSED void ku_run_batch(spate_ctx *ssc, int64_t t)
{
    spate_clock *c = spate_ctx_clock(ssc);
    if (spate_clock_now(c) < t) spate_clock_set(c, t);
    cr_assert_eq(spate_ctx_await_batch(ssc, t, KU_WAIT_MS), SPATE_OK, "batch %lld", (long long)t);
}

static KU_UNUSED int64_t ku_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
