/* kafka_txn.c - the transactional producer of an exactly-once writeToKafka
 * output: one transaction per batch (the design is in kafka_txn.h). */
#include "connect/kafka_txn.h"

#include "base/arena.h"
#include "base/log.h"
#include "connect/kafka_producer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bound of each blocking transaction call (init, commit, abort) and of the
 * recovery read: Kafka's max.block.ms default. */
enum { TXN_CALL_MS = SP_KAFKA_MAX_BLOCK_MS };

struct sp_kafka_txn {
    rd_kafka_conf_t *conf;   /* the producer's, transactional.id set */
    rd_kafka_conf_t *reader; /* recovery's consumer */
    char *txn_id, *topic;
    sp_kafka_delivery dr;
    rd_kafka_t *rk;         /* NULL until the first batch, and after a fatal error */
    int64_t last_committed; /* batch time, -1 none; valid while rk is set */
    bool open;              /* a transaction has begun and not ended */
    char time_text[24];     /* the current batch's spate.batch.time */
};

sp_kafka_txn *sp_kafka_txn_new(const spate_conf *defaults, const spate_kafka_params *params,
                               const char *topic, char *errstr, size_t errstr_size)
{
    sp_kafka_txn *x = sp_xcalloc(1, sizeof *x);
    sp_kafka_delivery_init(&x->dr);
    x->conf = sp_kafka_producer_conf(defaults, params, &x->dr, "Kafka transactional output", errstr,
                                     errstr_size);
    x->reader = x->conf ? sp_kafka_reader_conf(defaults, params, NULL, "Kafka output recovery",
                                               errstr, errstr_size)
                        : NULL;
    if (!x->reader) {
        sp_kafka_txn_destroy(x);
        return NULL;
    }
    x->txn_id = sp_xstrdup(spate_kafka_params_get(params, "transactional.id"));
    x->topic = sp_xstrdup(topic);
    x->last_committed = -1;
    return x;
}

static void drop_producer(sp_kafka_txn *x)
{
    if (!x->rk) return;
    if (x->open) {
        rd_kafka_error_t *e = rd_kafka_abort_transaction(x->rk, TXN_CALL_MS);
        if (e) rd_kafka_error_destroy(e);
    }
    rd_kafka_destroy(x->rk);
    x->rk = NULL;
    x->open = false;
}

void sp_kafka_txn_destroy(sp_kafka_txn *x)
{
    if (!x) return;
    drop_producer(x);
    if (x->conf) rd_kafka_conf_destroy(x->conf);
    if (x->reader) rd_kafka_conf_destroy(x->reader);
    sp_kafka_delivery_destroy(&x->dr);
    free(x->txn_id);
    free(x->topic);
    free(x);
}

/* Reports e ("what: reason") into errstr, frees it, and drops the producer
 * when the error is fatal (a newer producer with our transactional.id
 * fenced this one, or its state is lost). */
static spate_err txn_error(sp_kafka_txn *x, rd_kafka_error_t *e, const char *what, char *errstr,
                           size_t errstr_size)
{
    snprintf(errstr, errstr_size, "Kafka transaction %s of %s: %s", what, x->txn_id,
             rd_kafka_error_string(e));
    bool fatal = rd_kafka_error_is_fatal(e);
    rd_kafka_error_destroy(e);
    if (fatal) {
        x->open = false; /* nothing can be aborted any more */
        drop_producer(x);
    }
    return SPATE_ERR_IO;
}

/* Asks for the topic's metadata once: librdkafka would otherwise learn the
 * partitions of a topic first produced to inside a transaction only at its
 * next 1 s topic scan, delaying the first commit by that much. Errors are
 * left for the produce calls to report. */
static void warm_metadata(sp_kafka_txn *x)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(x->rk, x->topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    if (rkt && rd_kafka_metadata(x->rk, 0, rkt, &md, TXN_CALL_MS) == RD_KAFKA_RESP_ERR_NO_ERROR)
        rd_kafka_metadata_destroy(md);
    if (rkt) rd_kafka_topic_destroy(rkt);
}

/* A new producer: init_transactions (fencing older instances), then the
 * last committed batch from the topic's tail. */
static spate_err start_producer(sp_kafka_txn *x, char *errstr, size_t errstr_size)
{
    x->rk = sp_kafka_producer_new(x->conf, errstr, errstr_size);
    if (!x->rk) return SPATE_ERR_IO;
    rd_kafka_error_t *e = rd_kafka_init_transactions(x->rk, TXN_CALL_MS);
    if (e) {
        txn_error(x, e, "init", errstr, errstr_size);
        drop_producer(x);
        return SPATE_ERR_IO;
    }
    warm_metadata(x);
    spate_err err = sp_kafka_txn_last_committed(x->reader, x->topic, x->txn_id, TXN_CALL_MS,
                                                &x->last_committed, errstr, errstr_size);
    if (err) {
        drop_producer(x); /* without the last committed batch nothing may be written */
        return err;
    }
    if (x->last_committed >= 0)
        sp_log(SP_LOG_INFO, "KafkaTransactions",
               "%s: the last batch committed to topic %s is %" PRId64 " ms", x->txn_id, x->topic,
               x->last_committed);
    return SPATE_OK;
}

spate_err sp_kafka_txn_begin(sp_kafka_txn *x, int64_t t, bool *already_committed, char *errstr,
                             size_t errstr_size)
{
    *already_committed = false;
    if (!x->rk) {
        spate_err err = start_producer(x, errstr, errstr_size);
        if (err) return err;
    }
    if (t <= x->last_committed) {
        sp_log(SP_LOG_INFO, "KafkaTransactions",
               "%s: batch %" PRId64 " ms is already committed to topic %s, not writing it again",
               x->txn_id, t, x->topic);
        *already_committed = true;
        return SPATE_OK;
    }
    char ignored[8];
    sp_kafka_delivery_take(&x->dr, ignored, sizeof ignored); /* earlier batches' news */
    rd_kafka_error_t *e = rd_kafka_begin_transaction(x->rk);
    if (e) {
        txn_error(x, e, "begin", errstr, errstr_size);
        sp_kafka_txn_abort(x); /* a new producer for the next batch */
        return SPATE_ERR_IO;
    }
    x->open = true;
    snprintf(x->time_text, sizeof x->time_text, "%" PRId64, t);
    return SPATE_OK;
}

spate_err sp_kafka_txn_send(sp_kafka_txn *x, spate_task *task, spate_value key, spate_value value)
{
    sp_kafka_record rec = {.topic = x->topic, .partition = RD_KAFKA_PARTITION_UA};
    sp_kafka_value_bytes(task, key, &rec.key, &rec.key_len);
    sp_kafka_value_bytes(task, value, &rec.value, &rec.value_len);
    rec.headers = rd_kafka_headers_new(2);
    rd_kafka_header_add(rec.headers, SP_KAFKA_HDR_BATCH_TIME, -1, x->time_text, -1);
    rd_kafka_header_add(rec.headers, SP_KAFKA_HDR_TXN_ID, -1, x->txn_id, -1);
    char err[512];
    spate_err rc = sp_kafka_produce(x->rk, &rec, err, sizeof err);
    if (rc != SPATE_OK) {
        rd_kafka_headers_destroy(rec.headers); /* still ours: produce failed */
        spate_task_fail(task, "%s", err);
    }
    return rc;
}

spate_err sp_kafka_txn_send_record(sp_kafka_txn *x, const sp_kafka_record *rec, char *errstr,
                                   size_t errstr_size)
{
    sp_kafka_record r = *rec;
    r.topic = x->topic;
    if (!r.headers) r.headers = rd_kafka_headers_new(2);
    rd_kafka_header_add(r.headers, SP_KAFKA_HDR_BATCH_TIME, -1, x->time_text, -1);
    rd_kafka_header_add(r.headers, SP_KAFKA_HDR_TXN_ID, -1, x->txn_id, -1);
    spate_err rc = sp_kafka_produce(x->rk, &r, errstr, errstr_size);
    if (rc != SPATE_OK) rd_kafka_headers_destroy(r.headers); /* still ours: produce failed */
    return rc;
}

/* Retriable commit failures (a timeout) are retried this many times. */
enum { COMMIT_TRIES = 5 };
/* How long a failed commit waits for the delivery reports still queued. */
enum { DRAIN_REPORTS_MS = 2000 };

/* After a failed batch the producer is dropped too, and the next batch makes
 * a new one: init_transactions starts a new epoch, whatever state the failure
 * left (librdkafka 2.0.2, after a batch the broker rejected, otherwise fails
 * the next transaction too with "skipped sequence numbers ... requires epoch
 * bump"), and the tail is read again. Failures are rare; this costs one init
 * and one tail read each. */
void sp_kafka_txn_abort(sp_kafka_txn *x)
{
    if (!x->rk) return;
    if (x->open) {
        rd_kafka_error_t *e = rd_kafka_abort_transaction(x->rk, TXN_CALL_MS);
        x->open = false;
        if (e) {
            char msg[512];
            txn_error(x, e, "abort", msg, sizeof msg);
            sp_log(SP_LOG_WARN, "KafkaTransactions", "%s", msg);
        }
    }
    drop_producer(x);
}

spate_err sp_kafka_txn_commit(sp_kafka_txn *x, int64_t t, char *errstr, size_t errstr_size)
{
    rd_kafka_error_t *e = NULL;
    for (int tries = 1; (e = rd_kafka_commit_transaction(x->rk, TXN_CALL_MS)); tries++) {
        if (!rd_kafka_error_is_retriable(e) || tries == COMMIT_TRIES) break;
        rd_kafka_error_destroy(e);
    }
    if (!e) {
        x->open = false;
        x->last_committed = t;
        return SPATE_OK;
    }
    /* A record that was not delivered says why, in the broker's words. Its
     * report may still be queued behind the commit's failure (a loaded
     * machine): serve the queue first. */
    rd_kafka_flush(x->rk, DRAIN_REPORTS_MS);
    if (sp_kafka_delivery_take(&x->dr, errstr, errstr_size) == SPATE_OK)
        txn_error(x, e, "commit", errstr, errstr_size);
    else
        rd_kafka_error_destroy(e);
    sp_kafka_txn_abort(x);
    return SPATE_ERR_IO;
}
