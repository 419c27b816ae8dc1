/* kafka_txn.h - exactly-once writeToKafka: each batch's output is one Kafka
 * transaction, committed before the batch is marked complete.
 *
 * Design (correct against a real Kafka broker):
 *  - One transactional producer per output (transactional.id in the params),
 *    not one per executor thread: a transaction belongs to one producer, and
 *    two producers cannot commit one batch atomically. The batch's tasks feed
 *    it from every executor thread (librdkafka's produce is thread-safe).
 *  - Job thread, per batch t: begin_transaction; the tasks send every element
 *    with the headers spate.batch.time = t (decimal ms) and
 *    spate.transactional.id; commit_transaction (which first waits for every
 *    delivery). Only then does the output return, so the checkpoint's commit
 *    record of batch t is written after the Kafka commit. A failed delivery
 *    or task aborts the transaction and fails the batch with the broker's
 *    error; a fatal producer error (fenced by a newer instance) drops the
 *    producer and the next batch makes a new one.
 *  - Start and restart: init_transactions first. On a real broker this fences
 *    any older producer with the same transactional.id and aborts its open
 *    transaction, so what follows sees a stable topic. Then the output topic's
 *    tail is read with isolation.level=read_committed: the largest
 *    spate.batch.time among this transactional.id's committed records is the
 *    last committed batch. A batch re-run after a crash (its checkpoint
 *    commit record missing) whose time is not after it is skipped: its
 *    output is already in Kafka. A batch whose transaction was open at the
 *    crash was aborted by the fencing and runs again.
 *  - Batches commit in time order (one transaction at a time), so in every
 *    partition this output's last committed record carries that partition's
 *    largest batch time: the tail of each partition suffices. The reader
 *    looks at the last 64 records of each partition, and further back (x16
 *    each round) only in partitions where none of those is this output's.
 *
 * Limits: the records' headers identify the writer, so several outputs may
 * share a topic as long as their transactional.ids differ. A batch that wrote
 * nothing leaves no trace (nothing to skip either). The skip compares batch
 * times, so a restarted job without a checkpoint must not reuse batch times
 * it already wrote (on the system clock it does not: times only grow). */
#ifndef SP_KAFKA_TXN_H
#define SP_KAFKA_TXN_H

#include <spate/kafka.h>

#include <librdkafka/rdkafka.h>

typedef struct sp_kafka_txn sp_kafka_txn;

/* defaults (the context's "kafka.*" options, may be NULL) and params are
 * read (transactional.id must be set), topic copied. NULL with the reason in
 * errstr. The producer itself is made on the first batch. */
sp_kafka_txn *sp_kafka_txn_new(const spate_conf *defaults, const spate_kafka_params *params,
                               const char *topic, char *errstr, size_t errstr_size);
/* Aborts an open transaction and frees the producer. NULL is a no-op. */
void sp_kafka_txn_destroy(sp_kafka_txn *x);

/* Job thread, before batch t runs: makes the producer if there is none
 * (init_transactions, then the tail read above) and says whether batch t's
 * output is already committed. Then, unless it is: begins the transaction. */
spate_err sp_kafka_txn_begin(sp_kafka_txn *x, int64_t t, bool *already_committed, char *errstr,
                             size_t errstr_size);
/* Executor threads, between begin and end: queues one record of the
 * transaction. A failure fails the task (and the transaction is aborted). */
spate_err sp_kafka_txn_send(sp_kafka_txn *x, spate_task *task, spate_value key, spate_value value);
/* The same for a record made by the caller (the SQL Kafka sink): rec's
 * key, value, partition and headers (taken, as sp_kafka_produce takes
 * them; the batch headers are added) go to the output's topic, whatever
 * rec->topic says. Any thread between begin and commit; SPATE_ERR_IO with
 * the reason in errstr. */
struct sp_kafka_record;
spate_err sp_kafka_txn_send_record(sp_kafka_txn *x, const struct sp_kafka_record *rec, char *errstr,
                                   size_t errstr_size);
/* Job thread: commits batch t's transaction (every delivery first). On
 * failure the transaction is aborted and errstr has the broker's error of
 * the failed delivery, if one failed, else the commit's. */
spate_err sp_kafka_txn_commit(sp_kafka_txn *x, int64_t t, char *errstr, size_t errstr_size);
/* Job thread: aborts the open transaction, if any (a task failed). */
void sp_kafka_txn_abort(sp_kafka_txn *x);

/* The largest spate.batch.time among the committed records of txn_id in
 * topic (read_committed), -1 when there is none or no topic. reader_conf is
 * copied. SPATE_ERR_TIMEOUT/SPATE_ERR_IO with the reason in errstr. */
spate_err sp_kafka_txn_last_committed(const rd_kafka_conf_t *reader_conf, const char *topic,
                                      const char *txn_id, int64_t timeout_ms, int64_t *out,
                                      char *errstr, size_t errstr_size);

#endif
