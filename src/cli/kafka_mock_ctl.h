/* kafka_mock_ctl.h - the control channel of `spate kafka-mock`: one command
 * per line (on its stdin) injects a fault into the running mock cluster, so
 * tests and demos can see what a job does when Kafka misbehaves:
 *
 *   down ID|all                  broker ID stops: connections closed, new ones
 *                                refused (its partitions keep it as leader)
 *   up ID|all                    broker ID accepts connections again
 *   rtt ID|all MS                every response of broker ID is delayed MS ms
 *                                (0: none)
 *   errors API COUNT ERROR...    the next COUNT requests of API (a name such
 *                                as Produce, Fetch, ListOffsets, Metadata,
 *                                EndTxn, or its number) fail with the ERRORs
 *                                in turn (the last one repeats): Kafka's
 *                                names (NOT_LEADER_FOR_PARTITION,
 *                                REQUEST_TIMED_OUT...) or _TRANSPORT (the
 *                                broker drops the connection)
 *   clear API                    forgets the errors still queued for API
 *   leader TOPIC PARTITION ID    moves the partition's leadership to broker ID
 *   create TOPIC PARTITIONS      creates a topic, as --topic NAME:P does at start
 *   help                         lists the commands
 *
 * Each command is answered with one line on the reply stream: "ok: <the
 * command>" once the mock applies it, or "error: <why>". Blank lines and
 * lines starting with '#' are ignored. librdkafka's mock API does the work
 * (rdkafka_mock.h); it is thread-safe.
 *
 * Threads: the owner's (the thread serving the mock). */
#ifndef SP_KAFKA_MOCK_CTL_H
#define SP_KAFKA_MOCK_CTL_H

#include "cli/kafka_mock.h"

#include <stdio.h>

/* Runs one command line (without its newline). Returns 0 with "ok: ..." in
 * reply, or -1 with "error: ..." in reply. */
int sp_kafka_mock_command(sp_kafka_mock *m, const char *line, char *reply, size_t reply_size);

/* Reads commands from a file descriptor, a line at a time. */
typedef struct sp_kafka_mock_ctl {
    char buf[4096];
    size_t len;
} sp_kafka_mock_ctl;

/* One read() from fd (which poll said is readable); runs every complete line
 * and writes its reply to out (flushed). A line longer than the buffer is an
 * error reply. Returns 0 while fd stays open, -1 at its end (EOF, or an
 * error such as EIO for a terminal read from the background). */
int sp_kafka_mock_ctl_feed(sp_kafka_mock_ctl *c, sp_kafka_mock *m, int fd, FILE *out);

#endif
