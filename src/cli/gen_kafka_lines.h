/* gen_kafka_lines.h - generated lines sent to a Kafka topic, one record per
 * line (value = the line without its newline, no key): `spate gen orders
 * --kafka` (the book's streamOrders.sh, which piped the lines into
 * kafka-console-producer) and `spate gen nexmark --kafka`. An idempotent
 * producer, round-robin partitions, an optional pace, and a wait for every
 * delivery, over a callback that makes the lines. */
#ifndef SP_GEN_KAFKA_LINES_H
#define SP_GEN_KAFKA_LINES_H

#include <stddef.h>
#include <stdint.h>

/* Writes line i (0-based) into buf and returns its length, without a
 * newline. */
typedef size_t (*sp_gen_line_fn)(void *ctx, uint64_t i, char *buf);

typedef struct sp_gen_lines_kafka {
    const char *bootstrap; /* bootstrap.servers */
    const char *topic;
    const char *noun;           /* what a line is, plural, for messages: "events" */
    double rate;                /* records per second of wall-clock time, 0: unpaced */
    int64_t connect_timeout_ms; /* how long to wait for the cluster's metadata */
    void *progress;             /* FILE*: a summary line when done; may be NULL */
    sp_gen_line_fn line;
    void *ctx;
    size_t line_max; /* the size of buf line() gets */
} sp_gen_lines_kafka;

/* Sends lines 0..n-1, line i to partition i % P of a topic with P partitions
 * (librdkafka's partitioner when the topic does not exist yet). Fails, with
 * a message in errstr, when no broker answers within connect_timeout_ms (at
 * once when every bootstrap broker refuses), or when a record is not
 * delivered within 30 s. Returns 0 or -1. Calling thread only. */
int sp_gen_lines_kafka_send(const sp_gen_lines_kafka *opts, uint64_t n, char *errstr,
                            size_t errstr_size);

#endif
