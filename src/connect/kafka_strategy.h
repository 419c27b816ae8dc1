/* kafka_strategy.h - Spark's ConsumerStrategies (Subscribe, SubscribePattern,
 * Assign) as the direct stream uses them: which partitions of the cluster's
 * metadata the stream reads, and the starting offsets the program gave.
 *
 * spate never joins a consumer group for this (Spark's driver consumer
 * subscribes, which takes a group rebalance of seconds and hands partitions
 * to whoever else uses the group.id): the stream lists the cluster's topics
 * each batch and takes the partitions the strategy names, as a
 * subscription's metadata refresh would.
 *
 * The constructors (kafka.h) never fail: what is wrong with their arguments
 * (a pattern PCRE2 cannot compile, no topics) is kept and reported by
 * spate_kafka_direct_stream. Threads: made on the program's thread, then
 * read-only (the stream's generator thread reads it). */
#ifndef SP_KAFKA_STRATEGY_H
#define SP_KAFKA_STRATEGY_H

#include <spate/kafka.h>

#include <stdbool.h>

/* No starting offset given for a partition. */
#define SP_KAFKA_NO_OFFSET INT64_MIN

typedef enum sp_kafka_strategy_kind {
    SP_KAFKA_SUBSCRIBE,
    SP_KAFKA_SUBSCRIBE_PATTERN,
    SP_KAFKA_ASSIGN,
} sp_kafka_strategy_kind;

sp_kafka_strategy_kind sp_kafka_strategy_kind_of(const spate_consumer_strategy *s);
/* What is wrong with the strategy's arguments, NULL when nothing. */
const char *sp_kafka_strategy_error(const spate_consumer_strategy *s);
/* "Subscribe(orders, trades)", "SubscribePattern(orders-.*)", "Assign(orders-0)". */
const char *sp_kafka_strategy_describe(const spate_consumer_strategy *s);

/* Whether partition `partition` of `topic` (as listed in the metadata)
 * belongs to the stream. */
bool sp_kafka_strategy_wants(const spate_consumer_strategy *s, const char *topic,
                             int32_t partition);

/* The topics a Subscribe names, or the topics of an Assign's partitions
 * (each once): they must exist. None for a pattern. *n gets the count; the
 * strings belong to s. */
const char *const *sp_kafka_strategy_required_topics(const spate_consumer_strategy *s, int *n);
/* An Assign's partitions (NULL, 0 for the others). */
const spate_topic_partition *sp_kafka_strategy_assigned(const spate_consumer_strategy *s, int *n);

/* The starting offset the program gave for the partition, or
 * SP_KAFKA_NO_OFFSET. */
int64_t sp_kafka_strategy_start_offset(const spate_consumer_strategy *s, const char *topic,
                                       int32_t partition);

#endif
