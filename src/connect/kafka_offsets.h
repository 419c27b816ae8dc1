/* kafka_offsets.h - where each Kafka partition of a source stands, and how
 * far its next batch reads: the planning half of the Kafka sources (the
 * DStream's direct stream today, the SQL Kafka source next), with no
 * DStream or SQL types.
 *
 * A tracker holds the partitions the strategy takes, each with its current
 * offset (Spark's currentOffsets), sorted by topic and partition.
 *   - refresh (plan): lists the strategy's partitions; new ones start at the
 *     strategy's offset, else group.id's committed offset, else
 *     auto.offset.reset (latest, earliest, or none: an error naming them).
 *   - plan: the latest and earliest offset of every partition; a current
 *     offset below the earliest is data loss (failOnDataLoss fails with
 *     Spark's message, else the partition skips ahead with a warning and
 *     the skipped records are counted), a current offset past the latest is
 *     refused; until = latest clamped by the rate limits (kafka_plan.h).
 *   - advance: current = until once a batch took [current, until).
 *   - save/load (position): u64 n, then (str topic, i64 partition, i64
 *     offset) per partition.
 * Failures come back as spate_err with the message in msg; nothing moves.
 *
 * Not thread-safe: one planning thread owns a tracker (the DStream
 * generator; start runs on the thread starting the context). */
#ifndef SP_KAFKA_OFFSETS_H
#define SP_KAFKA_OFFSETS_H

#include "connect/kafka_driver.h"
#include "connect/kafka_plan.h"
#include "logs/ckpt_io.h"

#include <spate/kafka.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* A partition and the offset its next batch starts at. */
typedef struct sp_kafka_part {
    char *topic;
    int32_t partition;
    int64_t offset;
} sp_kafka_part;

typedef struct sp_kafka_tracker {
    const char *who;                  /* for messages: "Kafka 0.10 direct stream [3]" (not owned) */
    const spate_kafka_params *params; /* not owned */
    spate_consumer_strategy *strategy; /* not owned */
    sp_kafka_driver *driver;           /* not owned */
    bool fail_on_data_loss;
    sp_kafka_part *parts; /* sorted by topic, partition */
    int nparts;
    atomic_llong lost;       /* records skipped by failOnDataLoss=false */
    const char *loss_advice; /* NULL: SP_KAFKA_LOSS_ADVICE_DSTREAM (not owned) */
} sp_kafka_tracker;

void sp_kafka_tracker_init(sp_kafka_tracker *tr, const char *who, const spate_kafka_params *params,
                           spate_consumer_strategy *strategy, sp_kafka_driver *driver);
void sp_kafka_tracker_free(sp_kafka_tracker *tr);

/* Tracks the strategy's partitions not tracked yet, at their starting
 * offsets. wait: the named topics must exist (at start). */
spate_err sp_kafka_tracker_refresh(sp_kafka_tracker *tr, bool wait, char *msg, size_t msg_size);

/* Fills until[0..nparts) for the next batch (see above); latest_rate is the
 * backpressure estimate (<= 0: none). */
spate_err sp_kafka_tracker_plan(sp_kafka_tracker *tr, const sp_kafka_rates *rates,
                                int64_t latest_rate, int64_t *until, char *msg, size_t msg_size);

/* The ranges [current, until) of every partition (malloc'd array; the topics
 * point into the tracker, valid until the next refresh or load). */
spate_offset_range *sp_kafka_tracker_ranges(const sp_kafka_tracker *tr, const int64_t *until);

/* current = until, for every partition. */
void sp_kafka_tracker_advance(sp_kafka_tracker *tr, const int64_t *until);

void sp_kafka_tracker_save(const sp_kafka_tracker *tr, sp_ckpt_out *w);
/* Replaces the partitions by the saved ones; SPATE_ERR_CORRUPT when the
 * record is malformed (nothing changes then). */
spate_err sp_kafka_tracker_load(sp_kafka_tracker *tr, sp_ckpt_in *in);

/* A topic as saved: 1..249 bytes, no NUL (malloc'd); NULL (and in->bad)
 * otherwise. A partition: 0..INT32_MAX. */
char *sp_kafka_topic_get(sp_ckpt_in *in);
bool sp_kafka_partition_get(sp_ckpt_in *in, int32_t *partition);

#endif
