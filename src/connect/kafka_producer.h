/* kafka_producer.h - what the Kafka outputs share: librdkafka producer
 * configuration from Kafka params, delivery-report bookkeeping, turning
 * spate values into record bytes, and producing with back-pressure.
 *
 * Used by kafka_sink.c (one producer per executor thread, at-least-once) and
 * kafka_txn.c (one transactional producer per output, exactly-once). */
#ifndef SP_KAFKA_PRODUCER_H
#define SP_KAFKA_PRODUCER_H

#include <spate/kafka.h>

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>

/* The record header naming the batch a record was written by (decimal ms),
 * and the one naming the transactional.id that wrote it: recovery finds the
 * last committed batch of an exactly-once output by them (kafka_txn.h). */
#define SP_KAFKA_HDR_BATCH_TIME "spate.batch.time"
#define SP_KAFKA_HDR_TXN_ID "spate.transactional.id"

/* How long a send waits for room in librdkafka's queue before it fails the
 * task: Kafka's max.block.ms default (KafkaProducer.send blocks as long). */
enum { SP_KAFKA_MAX_BLOCK_MS = 60000 };

/* Delivery reports of one or more producers: how many failed since the last
 * take, and the message of the first failure the broker reported (else the
 * first one). Thread-safe (librdkafka calls the delivery callback from
 * whichever thread polls or flushes). */
typedef struct sp_kafka_delivery {
    pthread_mutex_t mu;
    int64_t failed;
    char first[512];
    bool broker_error; /* first is a broker's error */
} sp_kafka_delivery;

void sp_kafka_delivery_init(sp_kafka_delivery *d);
void sp_kafka_delivery_destroy(sp_kafka_delivery *d);
/* librdkafka's dr_msg_cb: the conf's opaque must be the sp_kafka_delivery. */
void sp_kafka_delivery_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque);
/* SPATE_OK when nothing failed since the last take; else SPATE_ERR_IO with
 * "Failed to send N record(s) to Kafka: <first failure>" in errstr. Resets. */
spate_err sp_kafka_delivery_take(sp_kafka_delivery *d, char *errstr, size_t errstr_size);

/* A producer conf: partitioner=murmur2_random (the JVM producer's), then
 * the context's "kafka.*" options (defaults may be NULL; the prefix is
 * dropped: "kafka.compression.type" sets compression.type), then params:
 * later ones win. Made by sp_kafka_params_rdconf (kafka_params.h: spate's
 * own keys left out, unknown keys warned about and skipped, librdkafka's log
 * into spate's). The opaque is d and the delivery callback
 * sp_kafka_delivery_cb. who names the client in warnings. NULL with the
 * reason in errstr. The caller owns the conf. */
rd_kafka_conf_t *sp_kafka_producer_conf(const spate_conf *defaults,
                                        const spate_kafka_params *params, sp_kafka_delivery *d,
                                        const char *who, char *errstr, size_t errstr_size);
/* A consumer conf for reading an output topic back: only the connection
 * properties of the same sources (bootstrap.servers, client.id,
 * security.protocol, ssl.*, sasl.*), then overrides (NULL-terminated key,
 * value pairs). */
rd_kafka_conf_t *sp_kafka_reader_conf(const spate_conf *defaults, const spate_kafka_params *params,
                                      const char *const *overrides, const char *who, char *errstr,
                                      size_t errstr_size);

/* rd_kafka_new(RD_KAFKA_PRODUCER) of a copy of conf, counted in
 * sp_kafka_producers_created. NULL with librdkafka's reason in errstr. */
rd_kafka_t *sp_kafka_producer_new(const rd_kafka_conf_t *conf, char *errstr, size_t errstr_size);
/* Producers made by this process so far (tests check reuse with it). */
int64_t sp_kafka_producers_created(void);

/* Record bytes of a value: STR and BYTES as they are, SPATE_NULL as no bytes
 * (NULL, 0), anything else as its Scala text, formatted into the task's
 * arena. */
void sp_kafka_value_bytes(spate_task *t, spate_value v, const void **p, size_t *n);

/* One record to produce. headers: NULL, or rd_kafka_headers_t the call takes
 * (librdkafka frees them once the record is queued; the caller on failure). */
typedef struct sp_kafka_record {
    const char *topic;
    int32_t partition; /* RD_KAFKA_PARTITION_UA: the partitioner's choice */
    const void *key, *value;
    size_t key_len, value_len;
    rd_kafka_headers_t *headers;
} sp_kafka_record;

/* Queues rec (bytes copied), waiting up to SP_KAFKA_MAX_BLOCK_MS while
 * librdkafka's queue is full. SPATE_ERR_IO with the reason in errstr. */
spate_err sp_kafka_produce(rd_kafka_t *rk, const sp_kafka_record *rec, char *errstr,
                           size_t errstr_size);

#endif
