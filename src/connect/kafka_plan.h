/* kafka_plan.h - how far each partition of a direct stream's batch reads:
 * Spark's DirectKafkaInputDStream.maxMessagesPerPartition and clamp.
 *
 * Without limits a batch reads every partition up to its latest offset.
 * Limits, per partition and in records per second, become records per batch
 * by multiplying with the batch interval in seconds (truncated), and never
 * fewer than spate.streaming.kafka.minRatePerPartition:
 *   - backpressure on: the controller's latest estimate (or, before the
 *     first one, spate.streaming.backpressure.initialRate) is the rate of the
 *     whole stream, split over the partitions in proportion to their lag
 *     (latest - current), each share capped by maxRatePerPartition when set;
 *     no lag at all means no limit;
 *   - otherwise (or when that rate is 0): maxRatePerPartition;
 *   - no limit when every rate is 0.
 * Pure functions: the tests give them Spark's tables. */
#ifndef SP_KAFKA_PLAN_H
#define SP_KAFKA_PLAN_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sp_kafka_rates {
    int64_t batch_ms;
    int64_t max_rate_per_partition; /* 0: none */
    int64_t min_rate_per_partition; /* records/s, >= 1 in practice */
    bool backpressure;              /* a rate controller exists */
    int64_t latest_rate;            /* its latest estimate, <= 0: none yet */
    int64_t initial_rate;           /* spate.streaming.backpressure.initialRate, 0: none */
} sp_kafka_rates;

/* Spark's maxMessagesPerPartition: true with the most records each of the n
 * partitions may read this batch in max_msgs, false when nothing limits. */
bool sp_kafka_max_messages(const sp_kafka_rates *r, const int64_t *current, const int64_t *latest,
                           int n, int64_t *max_msgs);
/* Spark's clamp: until[i] = min(current[i] + max_msgs[i], latest[i]), or
 * latest[i] when nothing limits. */
void sp_kafka_clamp(const sp_kafka_rates *r, const int64_t *current, const int64_t *latest, int n,
                    int64_t *until);

#endif
