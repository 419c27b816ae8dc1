/* spate/kafka.h - Kafka integration: Spark's spark-streaming-kafka-0-10 direct
 * stream (KafkaUtils.createDirectStream, HasOffsetRanges, CanCommitOffsets)
 * and writing DStreams to Kafka. Built on librdkafka.
 *
 * Kafka params are librdkafka/Kafka consumer and producer properties
 * ("bootstrap.servers", "group.id", "auto.offset.reset", "compression.type",
 * "transactional.id", ...) plus the Spark-side keys "key.deserializer" /
 * "value.deserializer" ("string" - the default - or "bytes", Kafka's class
 * names StringDeserializer / ByteArrayDeserializer accepted) and
 * "failOnDataLoss" ("true" - the default - or "false"). Where librdkafka's
 * default differs from the Java client's in a way that shows,
 * spate starts from the Java client's: reconnect.backoff.max.ms is 1000.
 */
#ifndef SPATE_KAFKA_H
#define SPATE_KAFKA_H

#include <spate/export.h>

#include <spate/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spate_kafka_params spate_kafka_params;
SPATE_API spate_kafka_params *spate_kafka_params_new(void);
/* SPATE_ERR_INVALID_ARG with the key and the reason in errstr for a value
 * spate itself checks (deserializers, failOnDataLoss, auto.offset.reset);
 * other keys are passed to librdkafka when the client is made. */
SPATE_API spate_err spate_kafka_params_set(spate_kafka_params *p, const char *key,
                                           const char *value, char *errstr, size_t errstr_size);
SPATE_API const char *spate_kafka_params_get(const spate_kafka_params *p, const char *key);
SPATE_API void spate_kafka_params_destroy(spate_kafka_params *p);

/* A partition, and a position in it. */
typedef struct spate_topic_partition {
    const char *topic;
    int32_t partition;
} spate_topic_partition;
typedef struct spate_topic_offset {
    const char *topic;
    int32_t partition;
    int64_t offset;
} spate_topic_offset;

/* Spark's OffsetRange: the records [from_offset, until_offset) of a partition
 * that one batch reads. */
typedef struct spate_offset_range {
    const char *topic;
    int32_t partition;
    int64_t from_offset;
    int64_t until_offset;
} spate_offset_range;

/* Spark's ConsumerStrategies. offsets (may be NULL, n_offsets 0) are where to
 * start in those partitions; elsewhere the committed offset of group.id, else
 * auto.offset.reset (earliest | latest, the default | none: an error naming
 * the partitions), decided when the context starts (latest: the end then) or
 * when a partition first appears. Arrays and strings are copied. The
 * constructors do not fail: a bad argument (no topics, a pattern PCRE2
 * rejects) is reported by spate_kafka_direct_stream. A strategy is given to
 * exactly one stream, which frees it; spate_kafka_strategy_destroy is for
 * one never given. The partitions are listed from the cluster's metadata at
 * start and again every batch, without joining a consumer group: Subscribe
 * and Assign topics must exist at start (within
 * spate.streaming.kafka.metadata.timeout, else the start fails with "Topic
 * t not present in metadata after 10000 ms."), and new partitions and new
 * topics matching a pattern are read from the next batch on. */
typedef struct spate_consumer_strategy spate_consumer_strategy;
SPATE_API spate_consumer_strategy *spate_kafka_subscribe(const char *const *topics, int n_topics,
                                                         const spate_topic_offset *offsets,
                                                         int n_offsets);
/* Topics matching a PCRE2 pattern (anchored at both ends, as Java's
 * Pattern.matcher(topic).matches()); new matching topics are picked up. */
SPATE_API spate_consumer_strategy *spate_kafka_subscribe_pattern(const char *pattern,
                                                                 const spate_topic_offset *offsets,
                                                                 int n_offsets);
SPATE_API spate_consumer_strategy *spate_kafka_assign(const spate_topic_partition *parts,
                                                      int n_parts,
                                                      const spate_topic_offset *offsets,
                                                      int n_offsets);
SPATE_API void spate_kafka_strategy_destroy(spate_consumer_strategy *s);

/* KafkaUtils.createDirectStream: one RDD partition per Kafka partition
 * (sorted by topic, then partition); each batch reads a fixed offset range
 * per partition, decided when the batch is generated (up to the latest
 * offsets then, within spate.streaming.kafka.maxRatePerPartition and the
 * backpressure rate) and written to the checkpoint before it is read, so a
 * restarted job reads the same ranges again. Takes params and strategy
 * (also on failure: NULL, with the reason in spate_ctx_last_error, for a
 * missing bootstrap.servers or a bad strategy). Elements are consumer
 * records (see spate_kafka_record_*); the batch's input info counts the
 * ranges' records. A Kafka failure while a batch is planned (unreachable
 * brokers past spate.streaming.kafka.metadata.timeout) fails that batch
 * with the message, and the next batch reads from the same offsets. Records
 * Kafka no longer has (deleted by retention before they were read): with
 * failOnDataLoss "true" (the default) the batch fails naming the partition
 * and the offsets, with "false" they are skipped with a warning and counted
 * (spate_kafka_records_lost). A task gets no record for
 * spate.streaming.kafka.consumer.poll.ms: it fails with Spark's "Failed to
 * get records for ... after polling for ..." message.
 * Threads: the program's thread, before start. */
SPATE_API spate_stream *spate_kafka_direct_stream(spate_ctx *ssc, spate_kafka_params *params,
                                                  spate_consumer_strategy *strategy);

/* A consumer record is the SPATE_TUPLE (topic, partition, offset, timestamp,
 * timestampType, key, value, headers), printed as such; these read its
 * fields (NULL / -1 for a value that is not a record). Its strings live as
 * long as the batch. */
SPATE_API spate_value spate_kafka_record_topic(spate_value rec); /* STR */
SPATE_API int32_t spate_kafka_record_partition(spate_value rec);
SPATE_API int64_t spate_kafka_record_offset(spate_value rec);
SPATE_API int64_t spate_kafka_record_timestamp(spate_value rec); /* ms, -1 when none */
/* "CreateTime", "LogAppendTime" or "NoTimestampType". */
SPATE_API spate_value spate_kafka_record_timestamp_type(spate_value rec);
SPATE_API spate_value spate_kafka_record_key(spate_value rec);   /* STR/BYTES, NULL when none */
SPATE_API spate_value spate_kafka_record_value(spate_value rec); /* STR/BYTES, NULL when none */
/* LIST of (STR name, BYTES value) tuples. */
SPATE_API spate_value spate_kafka_record_headers(spate_value rec);

/* HasOffsetRanges: the ranges of rdd, which must be an RDD the direct stream
 * made (the one foreachRDD/transform gets from it directly). Valid as long as
 * the RDD. SPATE_ERR_INVALID_ARG for another RDD. */
SPATE_API spate_err spate_kafka_offset_ranges(const spate_rdd *rdd,
                                              const spate_offset_range **ranges, int *n);
/* CanCommitOffsets.commitAsync: stores the ranges' until offsets (the
 * highest per partition) as group.id's committed offsets (for monitoring
 * tools, and where a new stream of that group starts), asynchronously: they
 * are sent when the stream's next batch is generated, and what is still
 * queued when the context is destroyed is sent then. ranges is copied.
 * SPATE_ERR_INVALID_ARG when direct is not a direct stream,
 * SPATE_ERR_UNSUPPORTED when its params have no group.id. Thread-safe. */
SPATE_API spate_err spate_kafka_commit_async(spate_stream *direct, const spate_offset_range *ranges,
                                             int n);
/* Spark's OffsetCommitCallback.onComplete: the offsets one commit stored
 * (n of them; strings valid during the call) and NULL, or why it failed
 * ("commitAsync of N partitions failed: " and the broker's error). */
typedef void (*spate_kafka_commit_cb)(const spate_topic_offset *offsets, int n, const char *error,
                                      void *ud);
/* CanCommitOffsets.commitAsync(offsetRanges, callback): as
 * spate_kafka_commit_async, and cb (may be NULL) is told the result of the
 * commit that sends these offsets, once, on the thread that generates
 * batches: at the first batch generated after the result arrives, or in
 * spate_ctx_destroy (which waits for it up to
 * spate.streaming.kafka.metadata.timeout). As in Spark, one commit sends
 * everything queued since the last and is reported to the callback given
 * last (spate_kafka_commit_async gives none). Thread-safe. */
SPATE_API spate_err spate_kafka_commit_async_with_callback(spate_stream *direct,
                                                           const spate_offset_range *ranges, int n,
                                                           spate_kafka_commit_cb cb, void *ud);
/* Records skipped because Kafka no longer had them (failOnDataLoss
 * "false"), since the stream was made. Thread-safe. */
SPATE_API int64_t spate_kafka_records_lost(spate_stream *direct);

/* Writes every element of s to topic each batch. key_fn / value_fn (may be
 * NULL) make the record's key and value from an element (STR, BYTES, or any
 * value, sent as its Scala text; NULL result: no key); NULL key_fn: no key,
 * NULL value_fn: the element's text. One producer per executor thread,
 * created once and reused; batching and compression through params.
 * At-least-once: the batch waits for every delivery report and fails with
 * the broker's error if one fails. With "transactional.id" in params: each
 * batch's output is one Kafka transaction, committed with the batch, so a
 * read_committed consumer sees it exactly once across crashes and restarts.
 * Takes params. */
SPATE_API spate_err spate_stream_write_to_kafka(spate_stream *s, spate_kafka_params *params,
                                                const char *topic, spate_map_fn key_fn,
                                                spate_map_fn value_fn, void *ud);

/* A producer for foreachRDD code (the seed's KafkaProducer singleton): one
 * librdkafka producer per executor thread, made on first use and reused for
 * the context's life. Owned by ssc (freed by spate_ctx_destroy). Takes params. */
typedef struct spate_kafka_sink spate_kafka_sink;
SPATE_API spate_kafka_sink *spate_kafka_sink_new(spate_ctx *ssc, spate_kafka_params *params,
                                                 char *errstr, size_t errstr_size);
/* Inside a task (spate_rdd_foreach callback): queues one record (key may be
 * SPATE_NULL). A failure to queue fails the task. */
SPATE_API spate_err spate_kafka_sink_send(spate_kafka_sink *k, spate_task *t, const char *topic,
                                          spate_value key, spate_value value);
/* On the driver (foreachRDD): waits until every record sent so far is
 * delivered; the first delivery failure (the broker's error) otherwise. */
SPATE_API spate_err spate_kafka_sink_flush(spate_kafka_sink *k, int64_t timeout_ms, char *errstr,
                                           size_t errstr_size);

#ifdef __cplusplus
}
#endif
#endif
