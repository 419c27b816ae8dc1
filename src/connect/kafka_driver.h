/* kafka_driver.h - the direct stream's driver-side Kafka client (Spark's
 * driver consumer in DirectKafkaInputDStream): lists the partitions a
 * strategy takes, asks for the latest, earliest and committed offsets, and
 * commits offset ranges for commitAsync. It never consumes records and never
 * joins the group: group.id only names whose committed offsets are read and
 * written (Kafka accepts commits of a group with no members).
 *
 * Every call that talks to Kafka is bounded by the timeout given at
 * creation (spate.streaming.kafka.metadata.timeout) and fails with a message
 * that names the bootstrap servers, the topic or the partition.
 *
 * Threads: the queries run on one thread at a time (the program's thread at
 * start, then the generator thread); sp_kafka_driver_queue_commit on any. */
#ifndef SP_KAFKA_DRIVER_H
#define SP_KAFKA_DRIVER_H

#include "connect/kafka_strategy.h"

#include <stddef.h>

/* A partition (topic owned by whoever holds the array). */
typedef struct sp_kafka_tp {
    char *topic;
    int32_t partition;
} sp_kafka_tp;

typedef struct sp_kafka_driver sp_kafka_driver;

/* NULL with the reason in errstr (no bootstrap.servers, a value librdkafka
 * rejects). params is copied. who names the stream in messages. */
sp_kafka_driver *sp_kafka_driver_new(const spate_kafka_params *params, const char *who,
                                     int64_t timeout_ms, char *errstr, size_t errstr_size);
/* Sends what commitAsync queued (waiting up to the timeout), then closes. */
void sp_kafka_driver_destroy(sp_kafka_driver *d);

/* The partitions of the cluster the strategy takes, sorted by topic then
 * partition (malloc'd, free with sp_kafka_tps_free). With wait_for_topics,
 * the topics a Subscribe or an Assign names must all exist (and an Assign's
 * partitions too): the metadata is asked again until they do or the timeout
 * passes ("Topic orders not present in metadata after 10000 ms."). Without
 * it, what exists is taken. SPATE_ERR_TIMEOUT / SPATE_ERR_NOT_FOUND with a
 * message otherwise. */
spate_err sp_kafka_driver_partitions(sp_kafka_driver *d, const spate_consumer_strategy *s,
                                     bool wait_for_topics, sp_kafka_tp **out, int *n, char *errstr,
                                     size_t errstr_size);
void sp_kafka_tps_free(sp_kafka_tp *tps, int n);

typedef enum sp_kafka_offset_kind {
    SP_KAFKA_LATEST = -1,   /* the high watermark (last stable offset under read_committed) */
    SP_KAFKA_EARLIEST = -2, /* the log start offset */
} sp_kafka_offset_kind;

/* The latest or earliest offset of each partition into out[i]. */
spate_err sp_kafka_driver_offsets(sp_kafka_driver *d, const sp_kafka_tp *tps, int n,
                                  sp_kafka_offset_kind kind, int64_t *out, char *errstr,
                                  size_t errstr_size);
/* group.id's committed offset of each partition, SP_KAFKA_NO_OFFSET where
 * there is none (everywhere when params have no group.id). */
spate_err sp_kafka_driver_committed(sp_kafka_driver *d, const sp_kafka_tp *tps, int n, int64_t *out,
                                    char *errstr, size_t errstr_size);

/* commitAsync: queues the ranges' until offsets (the highest per partition
 * wins); cb (may be NULL) replaces the callback of the next commit, as
 * Spark's commitCallback. SPATE_ERR_UNSUPPORTED when params have no
 * group.id. Any thread. */
spate_err sp_kafka_driver_queue_commit(sp_kafka_driver *d, const spate_offset_range *ranges, int n,
                                       spate_kafka_commit_cb cb, void *ud);
/* Sends the queued offsets as one asynchronous commit and serves the
 * results of earlier ones: failures are logged as warnings, and each
 * commit's callback is called here (or in sp_kafka_driver_destroy). */
void sp_kafka_driver_commit_queued(sp_kafka_driver *d);
/* Commits completed since creation (for tests). Any thread. */
int64_t sp_kafka_driver_commits_done(const sp_kafka_driver *d);

#endif
