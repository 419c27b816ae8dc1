/* kafka_producer.c - producer configuration, delivery reports, record bytes
 * and back-pressured produce, shared by the Kafka outputs. */
#include "connect/kafka_producer.h"

#include "base/conf.h"
#include "connect/kafka_params.h"
#include "exec/task.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static atomic_llong producers_created;

int64_t sp_kafka_producers_created(void) { return atomic_load(&producers_created); }

/* ---- delivery reports ---- */

void sp_kafka_delivery_init(sp_kafka_delivery *d)
{
    pthread_mutex_init(&d->mu, NULL);
    d->failed = 0;
    d->first[0] = '\0';
    d->broker_error = false;
}

void sp_kafka_delivery_destroy(sp_kafka_delivery *d) { pthread_mutex_destroy(&d->mu); }

void sp_kafka_delivery_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    sp_kafka_delivery *d = opaque;
    pthread_mutex_lock(&d->mu);
    /* The broker's error (a positive code) says why; the local ones that
     * follow it (records purged when the transaction aborts) do not. */
    bool first = d->failed++ == 0 || (m->err > 0 && !d->broker_error);
    if (first) {
        snprintf(d->first, sizeof d->first, "topic %s partition %d: %s (%s)",
                 rd_kafka_topic_name(m->rkt), (int)m->partition, rd_kafka_err2str(m->err),
                 rd_kafka_err2name(m->err));
        d->broker_error = m->err > 0;
    }
    pthread_mutex_unlock(&d->mu);
}

spate_err sp_kafka_delivery_take(sp_kafka_delivery *d, char *errstr, size_t errstr_size)
{
    pthread_mutex_lock(&d->mu);
    int64_t failed = d->failed;
    if (failed)
        snprintf(errstr, errstr_size, "Failed to send %lld record%s to Kafka: %s",
                 (long long)failed, failed == 1 ? "" : "s", d->first);
    d->failed = 0;
    d->first[0] = '\0';
    d->broker_error = false;
    pthread_mutex_unlock(&d->mu);
    return failed ? SPATE_ERR_IO : SPATE_OK;
}

/* ---- configuration ---- */

static bool is_connection_key(const char *key)
{
    static const char *const prefixes[] = {"bootstrap.servers",
                                           "metadata.broker.list",
                                           "client.id",
                                           "security.protocol",
                                           "ssl.",
                                           "sasl.",
                                           "client.dns.lookup",
                                           "broker.address.family"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(key, prefixes[i], strlen(prefixes[i]))) return true;
    return false;
}

typedef struct merge {
    spate_kafka_params *into;
    bool connection_only;
    size_t strip; /* prefix length to drop ("kafka." of the context's conf) */
    char *errstr;
    size_t errstr_size;
    bool failed;
} merge;

static void merge_one(const char *key, const char *value, void *ud)
{
    merge *m = ud;
    const char *name = key + m->strip;
    if (m->failed || (m->connection_only && !is_connection_key(name))) return;
    m->failed = spate_kafka_params_set(m->into, name, value, m->errstr, m->errstr_size) != SPATE_OK;
}

/* The producer's defaults, then the context's "kafka.*" options (prefix
 * stripped), then params: later ones win. */
static spate_kafka_params *merged(const spate_conf *defaults, const spate_kafka_params *params,
                                  bool connection_only, char *errstr, size_t errstr_size)
{
    merge m = {.into = spate_kafka_params_new(),
               .connection_only = connection_only,
               .errstr = errstr,
               .errstr_size = errstr_size};
    /* Keys go to the partition the JVM producer would choose, so a topic
     * shared with JVM clients stays co-partitioned (librdkafka's own default
     * hashes with CRC32). */
    if (!connection_only) merge_one("partitioner", "murmur2_random", &m);
    m.strip = strlen("kafka.");
    if (defaults) sp_conf_foreach_prefix(defaults, "kafka.", merge_one, &m);
    m.strip = 0;
    sp_kafka_params_foreach(params, merge_one, &m);
    if (!m.failed) return m.into;
    spate_kafka_params_destroy(m.into);
    return NULL;
}

rd_kafka_conf_t *sp_kafka_producer_conf(const spate_conf *defaults,
                                        const spate_kafka_params *params, sp_kafka_delivery *d,
                                        const char *who, char *errstr, size_t errstr_size)
{
    spate_kafka_params *all = merged(defaults, params, false, errstr, errstr_size);
    rd_kafka_conf_t *conf =
        all ? sp_kafka_params_rdconf(all, NULL, who, errstr, errstr_size) : NULL;
    spate_kafka_params_destroy(all);
    if (!conf) return NULL;
    rd_kafka_conf_set_opaque(conf, d);
    rd_kafka_conf_set_dr_msg_cb(conf, sp_kafka_delivery_cb);
    return conf;
}

rd_kafka_conf_t *sp_kafka_reader_conf(const spate_conf *defaults, const spate_kafka_params *params,
                                      const char *const *overrides, const char *who, char *errstr,
                                      size_t errstr_size)
{
    spate_kafka_params *all = merged(defaults, params, true, errstr, errstr_size);
    rd_kafka_conf_t *conf =
        all ? sp_kafka_params_rdconf(all, overrides, who, errstr, errstr_size) : NULL;
    spate_kafka_params_destroy(all);
    return conf;
}

rd_kafka_t *sp_kafka_producer_new(const rd_kafka_conf_t *conf, char *errstr, size_t errstr_size)
{
    rd_kafka_conf_t *copy = rd_kafka_conf_dup(conf);
    char why[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, copy, why, sizeof why);
    if (!rk) {
        rd_kafka_conf_destroy(copy);
        snprintf(errstr, errstr_size, "Failed to construct kafka producer: %s", why);
        return NULL;
    }
    atomic_fetch_add(&producers_created, 1);
    return rk;
}

/* ---- records ---- */

void sp_kafka_value_bytes(spate_task *t, spate_value v, const void **p, size_t *n)
{
    switch (v.type) {
    case SPATE_NULL:
        *p = NULL;
        *n = 0;
        return;
    case SPATE_STR:
        *p = v.u.s;
        *n = v.len;
        return;
    case SPATE_BYTES:
        *p = v.u.bytes;
        *n = v.len;
        return;
    default:
        *p = spate_value_to_cstr(spate_task_arena(t), v, n);
        return;
    }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

spate_err sp_kafka_produce(rd_kafka_t *rk, const sp_kafka_record *rec, char *errstr,
                           size_t errstr_size)
{
    int64_t deadline = 0;
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(rec->topic), RD_KAFKA_V_PARTITION(rec->partition),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY((void *)rec->key, rec->key_len),
            RD_KAFKA_V_VALUE((void *)rec->value, rec->value_len), RD_KAFKA_V_HEADERS(rec->headers),
            RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return SPATE_OK;
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            if (!deadline) deadline = now_ms() + SP_KAFKA_MAX_BLOCK_MS;
            if (now_ms() < deadline) {
                rd_kafka_poll(rk, 10); /* deliveries make room */
                continue;
            }
            snprintf(errstr, errstr_size,
                     "Failed to send a record to Kafka topic %s: the producer's queue stayed "
                     "full for %d ms (max.block.ms)",
                     rec->topic, SP_KAFKA_MAX_BLOCK_MS);
            return SPATE_ERR_IO;
        }
        snprintf(errstr, errstr_size, "Failed to send a record to Kafka topic %s: %s", rec->topic,
                 rd_kafka_err2str(err));
        return SPATE_ERR_IO;
    }
}
