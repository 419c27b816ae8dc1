/* gen_kafka_lines.c - generated lines to a Kafka topic (see
 * gen_kafka_lines.h). Partitions are assigned round-robin by line number
 * rather than left to librdkafka's sticky partitioner, which puts a fast run
 * of keyless records into one partition. The producer is idempotent, so
 * retries neither duplicate nor reorder a partition's records. Everything
 * runs on the calling thread: librdkafka's callbacks are served by
 * rd_kafka_poll/rd_kafka_flush here. */
#include "cli/gen_kafka_lines.h"

#include <librdkafka/rdkafka.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct lines_kafka {
    rd_kafka_t *rk;
    const sp_gen_lines_kafka *opts;
    uint64_t delivered, failed;
    char first_failure[256];
    bool all_brokers_down, fatal;
    char client_error[256];
} lines_kafka;

static void fail(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    lines_kafka *k = opaque;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        k->delivered++;
        return;
    }
    if (k->failed++ == 0)
        snprintf(k->first_failure, sizeof k->first_failure, "%s (%s)", rd_kafka_err2str(m->err),
                 rd_kafka_err2name(m->err));
}

/* "All brokers down" and fatal errors end the run; the first error (or the
 * fatal one) says why. */
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    (void)rk;
    lines_kafka *k = opaque;
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) k->all_brokers_down = true;
    if (err == RD_KAFKA_RESP_ERR__FATAL) k->fatal = true;
    if (err == RD_KAFKA_RESP_ERR__FATAL || !k->client_error[0])
        snprintf(k->client_error, sizeof k->client_error, "%s", reason);
}

static void quiet_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk, (void)level, (void)fac, (void)buf;
}

static int make_producer(lines_kafka *k, char *errstr, size_t errstr_size)
{
    const char *settings[][2] = {
        {"bootstrap.servers", k->opts->bootstrap},
        {"enable.idempotence", "true"},
        {"linger.ms", "5"},
        {"message.timeout.ms", "30000"},
        {"client.id", "spate-gen"},
    };
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char why[512];
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], why, sizeof why) !=
            RD_KAFKA_CONF_OK) {
            fail(errstr, errstr_size, "%s: %s", settings[i][0], why);
            rd_kafka_conf_destroy(conf);
            return -1;
        }
    }
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_log_cb(conf, quiet_log);
    k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    if (!k->rk) {
        rd_kafka_conf_destroy(conf);
        fail(errstr, errstr_size, "cannot create a Kafka producer: %s", why);
        return -1;
    }
    return 0;
}

/* The topic's partition count, 0 when it does not exist yet. */
static int topic_partitions(lines_kafka *k, int *nparts, char *errstr, size_t errstr_size)
{
    int64_t deadline = now_ms() + k->opts->connect_timeout_ms;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(k->rk, k->opts->topic, NULL);
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TRANSPORT;
    const struct rd_kafka_metadata *md = NULL;
    while (now_ms() < deadline && !k->all_brokers_down && !k->fatal) {
        err = rd_kafka_metadata(k->rk, 0, rkt, &md, 200);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
        rd_kafka_poll(k->rk, 50); /* serves on_error */
    }
    rd_kafka_topic_destroy(rkt);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && (k->all_brokers_down || k->fatal)) {
        fail(errstr, errstr_size, "cannot reach Kafka at %s: %s", k->opts->bootstrap,
             k->client_error);
        return -1;
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fail(errstr, errstr_size, "no answer from Kafka at %s within %lld ms%s%s",
             k->opts->bootstrap, (long long)k->opts->connect_timeout_ms,
             k->client_error[0] ? ": " : "", k->client_error);
        return -1;
    }
    *nparts = 0;
    if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
        *nparts = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return 0;
}

static int produce_one(lines_kafka *k, int32_t partition, const char *line, size_t len,
                       char *errstr, size_t errstr_size)
{
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            k->rk, RD_KAFKA_V_TOPIC(k->opts->topic), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE((void *)line, len),
            RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            fail(errstr, errstr_size, "cannot send to topic %s: %s", k->opts->topic,
                 rd_kafka_err2str(err));
            return -1;
        }
        rd_kafka_poll(k->rk, 10); /* the local queue is full: let deliveries drain it */
    }
}

/* Sleeps until record i is due at the rate's pace (no-op without a rate). */
static void pace(const lines_kafka *k, int64_t start_ms, uint64_t i)
{
    if (k->opts->rate <= 0) return;
    int64_t due = start_ms + (int64_t)((double)i * 1000.0 / k->opts->rate);
    for (int64_t now = now_ms(); now < due; now = now_ms())
        rd_kafka_poll(k->rk, (int)(due - now)); /* waits and serves delivery reports */
}

static int produce_all(lines_kafka *k, uint64_t n, int nparts, char *errstr, size_t errstr_size)
{
    char *line = malloc(k->opts->line_max);
    if (!line) {
        fail(errstr, errstr_size, "out of memory");
        return -1;
    }
    int rc = 0;
    int64_t start = now_ms();
    for (uint64_t i = 0; i < n && rc == 0; i++) {
        pace(k, start, i);
        if (k->failed || k->fatal) break; /* reported by wait_for_deliveries */
        size_t len = k->opts->line(k->opts->ctx, i, line);
        int32_t part = nparts > 0 ? (int32_t)(i % (uint64_t)nparts) : RD_KAFKA_PARTITION_UA;
        rc = produce_one(k, part, line, len, errstr, errstr_size);
        rd_kafka_poll(k->rk, 0);
    }
    free(line);
    return rc;
}

static int wait_for_deliveries(lines_kafka *k, uint64_t n, char *errstr, size_t errstr_size)
{
    while (rd_kafka_outq_len(k->rk) > 0 && !k->fatal)
        rd_kafka_flush(k->rk, 100);
    if (k->fatal) {
        fail(errstr, errstr_size, "the Kafka producer failed: %s", k->client_error);
        return -1;
    }
    if (k->failed || k->delivered != n) {
        fail(errstr, errstr_size, "%llu of %llu %s were not delivered to topic %s: %s",
             (unsigned long long)(n - k->delivered), (unsigned long long)n, k->opts->noun,
             k->opts->topic, k->first_failure[0] ? k->first_failure : "no delivery report");
        return -1;
    }
    return 0;
}

int sp_gen_lines_kafka_send(const sp_gen_lines_kafka *opts, uint64_t n, char *errstr,
                            size_t errstr_size)
{
    lines_kafka k = {.opts = opts};
    int nparts = 0;
    if (make_producer(&k, errstr, errstr_size) != 0) return -1;
    int rc = topic_partitions(&k, &nparts, errstr, errstr_size);
    if (rc == 0) rc = produce_all(&k, n, nparts, errstr, errstr_size);
    if (rc == 0) rc = wait_for_deliveries(&k, n, errstr, errstr_size);
    if (rc != 0) rd_kafka_purge(k.rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_destroy(k.rk);
    if (rc == 0 && opts->progress)
        fprintf((FILE *)opts->progress, "spate gen: sent %llu %s to topic %s at %s\n",
                (unsigned long long)n, opts->noun, opts->topic, opts->bootstrap);
    return rc;
}
