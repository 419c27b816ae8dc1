/* kafka_txn_recover.c - finds the last batch an exactly-once output
 * committed: reads the output topic's tail with isolation.level=
 * read_committed and takes the largest spate.batch.time among the records
 * carrying the output's transactional.id (why the tail suffices: kafka_txn.h).
 * Runs on the job thread with a consumer of its own, no consumer group. */
#include "connect/kafka_producer.h"
#include "connect/kafka_txn.h"

#include "base/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The first look-back per partition, and its growth when this output's
 * records are further back (other writers, aborted records). */
enum { FIRST_WINDOW = 64, WINDOW_GROWTH = 16, POLL_MS = 100 };

typedef struct part_scan {
    int32_t partition;
    int64_t lo, hi; /* log start and last stable offset */
    int64_t start;  /* where the current round reads from */
    int64_t window; /* records back from hi */
    int64_t found;  /* the largest batch time seen, -1 none */
    bool done;      /* found, or read down to lo */
    bool eof;       /* the current round reached hi */
} part_scan;

typedef struct tail_read {
    rd_kafka_t *rk;
    const char *topic, *txn_id;
    int64_t deadline;
    part_scan *parts;
    int nparts;
} tail_read;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int left_ms(const tail_read *r)
{
    int64_t left = r->deadline - now_ms();
    return left > 0 ? (int)left : 0;
}

static rd_kafka_t *make_reader(const rd_kafka_conf_t *reader_conf, char *errstr, size_t errstr_size)
{
    static const char *const settings[][2] = {
        {"isolation.level", "read_committed"},
        {"enable.auto.commit", "false"},
        {"enable.partition.eof", "true"},
        {"auto.offset.reset", "earliest"},
        {"fetch.wait.max.ms", "100"},             /* an empty partition's end is seen sooner */
        {"group.id", "spate-kafka-txn-recovery"}, /* required by librdkafka; never joined */
    };
    rd_kafka_conf_t *conf = rd_kafka_conf_dup(reader_conf);
    char why[512];
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        rd_kafka_conf_set(conf, settings[i][0], settings[i][1], why, sizeof why);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof why);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        snprintf(errstr, errstr_size, "Failed to construct kafka consumer: %s", why);
    }
    return rk;
}

/* The topic's partitions with their offsets; nparts 0 when the topic does
 * not exist (nothing was ever committed to it). */
static spate_err list_partitions(tail_read *r, char *errstr, size_t errstr_size)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(r->rk, r->topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(r->rk, 0, rkt, &md, left_ms(r));
    rd_kafka_topic_destroy(rkt);
    if (err) {
        snprintf(errstr, errstr_size, "Failed to read the metadata of Kafka topic %s: %s", r->topic,
                 rd_kafka_err2str(err));
        return err == RD_KAFKA_RESP_ERR__TIMED_OUT ? SPATE_ERR_TIMEOUT : SPATE_ERR_IO;
    }
    const struct rd_kafka_metadata_topic *t = md->topic_cnt == 1 ? &md->topics[0] : NULL;
    if (t && t->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        r->nparts = t->partition_cnt;
        r->parts = sp_xcalloc((size_t)r->nparts + 1, sizeof *r->parts);
        for (int i = 0; i < r->nparts; i++)
            r->parts[i].partition = t->partitions[i].id;
    }
    rd_kafka_metadata_destroy(md);
    return SPATE_OK;
}

/* Low and high offsets: with read_committed the high one is the last stable
 * offset (nothing of an open transaction lies below it). */
static spate_err query_offsets(tail_read *r, char *errstr, size_t errstr_size)
{
    for (int i = 0; i < r->nparts; i++) {
        part_scan *p = &r->parts[i];
        rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(r->rk, r->topic, p->partition,
                                                                   &p->lo, &p->hi, left_ms(r));
        if (err) {
            snprintf(errstr, errstr_size, "Failed to read the offsets of Kafka topic %s [%d]: %s",
                     r->topic, (int)p->partition, rd_kafka_err2str(err));
            return err == RD_KAFKA_RESP_ERR__TIMED_OUT ? SPATE_ERR_TIMEOUT : SPATE_ERR_IO;
        }
        p->found = -1;
        p->window = FIRST_WINDOW;
        p->done = p->hi <= p->lo;
    }
    return SPATE_OK;
}

/* The batch time of m when it is one of this output's records, else -1. */
static int64_t batch_time_of(const tail_read *r, const rd_kafka_message_t *m)
{
    rd_kafka_headers_t *h = NULL;
    const void *v;
    size_t n;
    if (rd_kafka_message_headers(m, &h) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
    if (rd_kafka_header_get_last(h, SP_KAFKA_HDR_TXN_ID, &v, &n) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        n != strlen(r->txn_id) || memcmp(v, r->txn_id, n) != 0)
        return -1;
    if (rd_kafka_header_get_last(h, SP_KAFKA_HDR_BATCH_TIME, &v, &n) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return -1;
    char text[24];
    if (!v || n == 0 || n >= sizeof text) return -1;
    memcpy(text, v, n);
    text[n] = '\0';
    char *end;
    long long t = strtoll(text, &end, 10);
    return *end ? -1 : (int64_t)t;
}

static part_scan *scan_of(tail_read *r, int32_t partition)
{
    for (int i = 0; i < r->nparts; i++)
        if (r->parts[i].partition == partition) return &r->parts[i];
    return NULL;
}

/* Assigns every partition still to scan at hi - window. Returns how many. */
static int assign_round(tail_read *r, char *errstr, size_t errstr_size)
{
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(r->nparts);
    for (int i = 0; i < r->nparts; i++) {
        part_scan *p = &r->parts[i];
        if (p->done) continue;
        p->start = p->hi - p->window > p->lo ? p->hi - p->window : p->lo;
        p->eof = false;
        rd_kafka_topic_partition_list_add(list, r->topic, p->partition)->offset = p->start;
    }
    int n = list->cnt;
    rd_kafka_resp_err_t err = rd_kafka_assign(r->rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err) {
        snprintf(errstr, errstr_size, "Failed to read Kafka topic %s: %s", r->topic,
                 rd_kafka_err2str(err));
        return -1;
    }
    return n;
}

/* Handles one consumed message or event. Returns false on a hard error. */
static bool take_message(tail_read *r, const rd_kafka_message_t *m, char *errstr,
                         size_t errstr_size)
{
    part_scan *p = m->rkt ? scan_of(r, m->partition) : NULL;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (p) p->eof = true;
        return true;
    }
    if (m->err) {
        snprintf(errstr, errstr_size, "Failed to read Kafka topic %s: %s", r->topic,
                 rd_kafka_message_errstr(m));
        return false;
    }
    if (!p) return true;
    if (m->offset < p->hi) {
        int64_t t = batch_time_of(r, m);
        if (t > p->found) p->found = t;
    }
    /* Past the stable offset queried (the last record below it is often a
     * commit marker, which the consumer never returns). */
    if (m->offset >= p->hi - 1) p->eof = true;
    return true;
}

/* Reads every assigned partition up to its high offset. */
static spate_err read_round(tail_read *r, int assigned, char *errstr, size_t errstr_size)
{
    for (int ended = 0; ended < assigned;) {
        if (left_ms(r) == 0) {
            snprintf(errstr, errstr_size,
                     "Timed out reading the last committed batch from Kafka topic %s", r->topic);
            return SPATE_ERR_TIMEOUT;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(r->rk, POLL_MS);
        if (!m) continue;
        bool ok = take_message(r, m, errstr, errstr_size);
        rd_kafka_message_destroy(m);
        if (!ok) return SPATE_ERR_IO;
        ended = 0;
        for (int i = 0; i < r->nparts; i++)
            ended += !r->parts[i].done && r->parts[i].eof;
    }
    return SPATE_OK;
}

/* Rounds of reading until every partition has this output's last record or
 * was read down to its start. */
static spate_err scan_tails(tail_read *r, char *errstr, size_t errstr_size)
{
    for (;;) {
        int assigned = assign_round(r, errstr, errstr_size);
        if (assigned < 0) return SPATE_ERR_IO;
        if (assigned == 0) return SPATE_OK;
        spate_err err = read_round(r, assigned, errstr, errstr_size);
        if (err) return err;
        for (int i = 0; i < r->nparts; i++) {
            part_scan *p = &r->parts[i];
            if (p->done) continue;
            p->done = p->found >= 0 || p->start <= p->lo;
            p->window *= WINDOW_GROWTH;
        }
    }
}

spate_err sp_kafka_txn_last_committed(const rd_kafka_conf_t *reader_conf, const char *topic,
                                      const char *txn_id, int64_t timeout_ms, int64_t *out,
                                      char *errstr, size_t errstr_size)
{
    tail_read r = {.topic = topic, .txn_id = txn_id, .deadline = now_ms() + timeout_ms};
    *out = -1;
    r.rk = make_reader(reader_conf, errstr, errstr_size);
    if (!r.rk) return SPATE_ERR_IO;
    spate_err err = list_partitions(&r, errstr, errstr_size);
    if (!err) err = query_offsets(&r, errstr, errstr_size);
    if (!err) err = scan_tails(&r, errstr, errstr_size);
    for (int i = 0; !err && i < r.nparts; i++)
        if (r.parts[i].found > *out) *out = r.parts[i].found;
    rd_kafka_consumer_close(r.rk);
    rd_kafka_destroy(r.rk);
    free(r.parts);
    return err;
}
