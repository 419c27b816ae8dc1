/* kafka_consumer.h - the executors' Kafka consumers: a task of a direct
 * stream's RDD reads exactly the records [from, until) of its partition
 * (Spark's KafkaRDD iterator over a cached KafkaDataConsumer).
 *
 * As many librdkafka consumers per stream as executor threads, made on first
 * use and kept until the stream is destroyed. RDD partition p is always read
 * through consumer p % threads (one task at a time), whichever thread runs
 * the task: a partition that moved between per-thread consumers made every
 * consumer fetch and seek every partition (4x slower on local[2]). It uses librdkafka's
 * per-partition (simple consumer) API, started at an offset, not a consumer group: assigning
 * through a group costs a coordinator round trip and a second to close, for nothing since these
 * consumers never commit. A consumer keeps the partitions it has read started (up to
 * spate.streaming.kafka.consumer.cache.maxCapacity, least recently used
 * stopped first), so the records of the next batch are usually prefetched:
 * a task whose range starts where the previous one of that partition ended
 * reads on without a seek, as Spark's consumer cache does.
 *
 * Reading: records arrive in offset order; offsets the log skips (transaction
 * markers, compacted records) are gaps, not errors; the range ends at the
 * record just before until, or when the partition's end (an EOF event at or
 * past until) shows the rest is gap. No record for
 * spate.streaming.kafka.consumer.poll.ms fails the task with Spark's message
 * ("Failed to get records for spark-executor-G orders 0 5 after polling for
 * 30000"). An offset Kafka no longer has (deleted by retention) is data
 * loss: with failOnDataLoss (the default) the task fails naming the
 * partition and the offset; without, the missing records are skipped with a
 * warning and counted.
 *
 * Executor consumers are configured from the stream's Kafka params with
 * Spark's executor overrides (KafkaUtils.fixKafkaParams): no auto commit,
 * auto.offset.reset none, group.id "spark-executor-" + group.id; spate adds
 * the partition EOF event, fetch.wait.max.ms 100 (a seek waits for the fetch
 * in flight: Kafka's 500 ms default would add that to every task that moves
 * a consumer) and queued.max.messages.kbytes 4096 (prefetch per started
 * partition) unless the params set them.
 *
 * Threads: sp_kafka_reader_read on executor threads, each on its own
 * consumer (task->thread); new and destroy on the program's thread. */
#ifndef SP_KAFKA_CONSUMER_H
#define SP_KAFKA_CONSUMER_H

#include "connect/kafka_params.h"

#include <stdatomic.h>

typedef struct sp_kafka_reader sp_kafka_reader;

typedef struct sp_kafka_reader_opts {
    int nthreads;       /* executor threads */
    int64_t poll_ms;    /* spate.streaming.kafka.consumer.poll.ms */
    int max_open;       /* partitions kept started per consumer */
    atomic_llong *lost; /* records skipped as lost (failOnDataLoss false) */
    const char *who;    /* the stream, for messages */
    /* The data-loss message's last sentence (NULL: the DStream side's, "If
     * you don't want your streaming job to fail on such cases, set the Kafka
     * param ..."; the SQL source says "source option"). */
    const char *loss_advice;
} sp_kafka_reader_opts;

/* params is copied. NULL with a message when librdkafka rejects them. */
sp_kafka_reader *sp_kafka_reader_new(const spate_kafka_params *params,
                                     const sp_kafka_reader_opts *opts, char *errstr,
                                     size_t errstr_size);
void sp_kafka_reader_destroy(sp_kafka_reader *r);

/* Pushes the records [range->from_offset, range->until_offset) of the
 * range's partition into out, as consumer records (kafka_record.h) in t's
 * arena, with topic (the range's topic as a value, borrowed) in each.
 * Failures fail the task. */
void sp_kafka_reader_read(sp_kafka_reader *r, spate_task *t, const spate_offset_range *range,
                          spate_value topic, spate_sink *out);

/* The records [range->from_offset, range->until_offset) of the range's
 * partition handed to fn one at a time as librdkafka messages (valid during
 * the call), on the calling thread; the SQL Kafka source builds its column
 * batches from them. Gaps, data loss (failOnDataLoss) and poll timeouts as
 * sp_kafka_reader_read; the read goes through consumer slot % threads
 * (callers pass the same slot for the same partition). fn returns false to
 * stop (the read then fails). SPATE_OK, or SPATE_ERR_IO with the message in
 * errstr. Executor threads. */
typedef bool (*sp_kafka_msg_fn)(const rd_kafka_message_t *m, void *ud);
spate_err sp_kafka_reader_read_msgs(sp_kafka_reader *r, int slot, const spate_offset_range *range,
                                    sp_kafka_msg_fn fn, void *ud, char *errstr, size_t errstr_size);

/* Since creation: partitions started on a consumer, and seeks of a started
 * one to an offset other than where it was (for tests: a consumer read on
 * from where the previous batch ended needs neither). Thread-safe. */
void sp_kafka_reader_counts(const sp_kafka_reader *r, int64_t *starts, int64_t *seeks);

#endif
