/* kafka_sink.h - the per-executor-thread producers behind spate_kafka_sink
 * (the seed's KafkaProducer singleton) and the at-least-once
 * writeToKafka output.
 *
 * A sink holds one librdkafka producer per executor thread, made by that
 * thread the first time one of its tasks sends, and reused until the sink is
 * destroyed: a thread only ever touches its own slot, so sending takes no
 * lock (librdkafka's queue has its own). Delivery reports of all producers go
 * into one sp_kafka_delivery; flush waits for them on the driver.
 *
 * The public functions (kafka.h), as built:
 *  - spate_kafka_sink_new must be called before spate_ctx_start (NULL with
 *    "make the sink before the context starts" after): the context owns the
 *    sink through a node of its graph ("KafkaSink", never computed), which
 *    spate_ctx_destroy frees with the other streams. The node is part of the
 *    checkpoint's graph fingerprint, so a recovering setup makes it again.
 *  - spate_kafka_sink_flush with timeout_ms < 0 waits as long as librdkafka
 *    may take to report every record (sp_kafka_sink_delivery_bound_ms); a
 *    timeout is SPATE_ERR_TIMEOUT, a failed delivery SPATE_ERR_IO naming the
 *    topic, the partition and the broker's error. Delivery failures are
 *    counted from one flush to the next. */
#ifndef SP_KAFKA_SINK_H
#define SP_KAFKA_SINK_H

#include <spate/kafka.h>

/* A sink not attached to any context graph (writeToKafka owns its own).
 * params are read, not taken. NULL with the reason in errstr: a property
 * librdkafka refuses, or transactional.id (a per-thread producer cannot be
 * transactional: see kafka_txn.h). Any thread. */
spate_kafka_sink *sp_kafka_sink_create(spate_ctx *ctx, const spate_kafka_params *params,
                                       char *errstr, size_t errstr_size);
/* Waits (2 s at most) for records still in flight, then frees the producers.
 * No task may be sending. NULL is a no-op. */
void sp_kafka_sink_destroy(spate_kafka_sink *k);
/* How long a flush may take before every record has its delivery report:
 * message.timeout.ms plus a margin (librdkafka reports every record within
 * message.timeout.ms, delivered or failed). */
int64_t sp_kafka_sink_delivery_bound_ms(const spate_kafka_sink *k);
/* Producers the sink holds (at most one per executor thread). */
int sp_kafka_sink_producer_count(const spate_kafka_sink *k);

#endif
