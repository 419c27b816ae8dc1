/* kafka_mock.h - a Kafka-protocol broker for tests and the demo: librdkafka's
 * mock cluster (rdkafka_mock.h), with the topics it should hold up front.
 *
 * The mock listens on 127.0.0.1, one random port per broker (ids 1..N), and
 * speaks enough of the protocol for real clients (kcat, kafka-python,
 * librdkafka): produce, idempotent and transactional produce, fetch, consumer
 * groups with offset commits, metadata. Topics a client asks for by name are
 * auto-created with 4 partitions: librdkafka 2.0.2 fixes that count and has
 * no setting for it, so topics that need another count are created here.
 * Each partition keeps only its last 5 MB (or 100,000 message sets): older
 * records are deleted as retention would (rdkafka_mock.c, no setting), so a
 * big input needs enough partitions (5 M orders of ~54 bytes: 64).
 *
 * The cluster runs on its own thread (librdkafka's); the functions below are
 * called from one thread, the owner's. */
#ifndef SP_KAFKA_MOCK_H
#define SP_KAFKA_MOCK_H

#include <stddef.h>

/* Kafka's limits on topic names (org.apache.kafka.common.internals.Topic). */
enum { SP_KAFKA_TOPIC_MAX = 249 };
/* The partition count the 2.0.2 mock gives auto-created topics. */
enum { SP_KAFKA_MOCK_AUTO_PARTITIONS = 4 };

typedef struct sp_kafka_mock sp_kafka_mock;

/* Checks a topic name as Kafka does. Returns 0, or -1 with Kafka's message
 * ("Topic name \"a b\" is illegal, it contains a character other than ASCII
 * alphanumerics, '.', '_' and '-'") in errstr. */
int sp_kafka_topic_validate(const char *name, char *errstr, size_t errstr_size);

/* Starts a mock cluster of `brokers` brokers (>= 1). Returns the cluster
 * (the caller owns it: sp_kafka_mock_stop), or NULL with a message. */
sp_kafka_mock *sp_kafka_mock_start(int brokers, char *errstr, size_t errstr_size);

/* Creates topic `name` with `partitions` partitions, replicated on
 * min(3, brokers) brokers. Returns 0, or -1 with a message (an existing
 * topic is an error). */
int sp_kafka_mock_create_topic(sp_kafka_mock *m, const char *name, int partitions, char *errstr,
                               size_t errstr_size);

/* "127.0.0.1:port,..." of every broker; owned by m, valid until stop. */
const char *sp_kafka_mock_bootstraps(const sp_kafka_mock *m);

/* The librdkafka mock cluster itself (rdkafka_mock.h: fault injection);
 * owned by m, valid until stop. */
struct rd_kafka_mock_cluster_s *sp_kafka_mock_cluster(sp_kafka_mock *m);

/* Shuts the cluster down (its connections close) and frees it. NULL is a no-op. */
void sp_kafka_mock_stop(sp_kafka_mock *m);

#endif
