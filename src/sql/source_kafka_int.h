/* source_kafka_int.h - what the `kafka` source's files (source_kafka*.c)
 * and their unit tests share: offsets per partition as Spark writes them
 * (KafkaSourceOffset's JSON, {"orders":{"0":23,"1":-1}}), the source's
 * options checked as KafkaSourceProvider checks them, its row schema, and
 * the split of a batch's offset ranges (KafkaOffsetRangeCalculator).
 *
 * Threads: pure functions of their arguments (any thread). */
#ifndef SP_SQL_SOURCE_KAFKA_INT_H
#define SP_SQL_SOURCE_KAFKA_INT_H

#include "sql/source_int.h"

#include "connect/kafka_strategy.h"

#include <spate/kafka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Offsets of partitions, sorted by topic, then partition (topics malloc'd). */
typedef struct sp_kofs_entry {
    char *topic;
    int32_t partition;
    int64_t offset;
} sp_kofs_entry;

typedef struct sp_kofs {
    sp_kofs_entry *e;
    int n, cap;
} sp_kofs;

/* Special offsets in startingOffsets / endingOffsets JSON. */
enum { SP_KOFS_LATEST = -1, SP_KOFS_EARLIEST = -2 };

void sp_kofs_free(sp_kofs *m);
/* Sets (topic, partition) to offset, keeping the order. */
void sp_kofs_put(sp_kofs *m, const char *topic, int32_t partition, int64_t offset);
/* The entry of (topic, partition), NULL when absent. */
const sp_kofs_entry *sp_kofs_find(const sp_kofs *m, const char *topic, int32_t partition);
/* {"t":{"0":23,"1":-1}} (JsonUtils.partitionOffsets) into *out (emptied
 * first); false with Spark's "Expected e.g. ..., got <json>". */
bool sp_kofs_parse(const char *json, sp_kofs *out, char *errstr, size_t n);
/* {"t":[0,1]} (JsonUtils.partitions, the assign option): offsets 0. */
bool sp_kofs_parse_partitions(const char *json, sp_kofs *out, char *errstr, size_t n);
/* Spark's JSON of m (topics and partitions in order), malloc'd. */
char *sp_kofs_json(const sp_kofs *m);

/* Where reading starts or ends (KafkaOffsetRangeLimit). */
typedef enum sp_klimit_kind {
    SP_KLIMIT_EARLIEST,
    SP_KLIMIT_LATEST,
    SP_KLIMIT_SPECIFIC
} sp_klimit_kind;

typedef struct sp_klimit {
    sp_klimit_kind kind;
    sp_kofs specific; /* SP_KLIMIT_SPECIFIC: -1 latest, -2 earliest allowed */
} sp_klimit;

/* The source's options, checked. */
typedef struct sp_kafka_src_opts {
    sp_kafka_strategy_kind strategy;
    char **topics; /* subscribe: the trimmed, non-empty names */
    int ntopics;
    char *pattern; /* subscribePattern, trimmed */
    sp_kofs assign;
    sp_klimit starting, ending;
    bool has_ending;
    bool fail_on_data_loss, include_headers;
    int64_t max_offsets;        /* maxOffsetsPerTrigger, 0: none */
    int64_t min_offsets;        /* minOffsetsPerTrigger, 0: none */
    int64_t max_delay_ms;       /* maxTriggerDelay (15m) */
    int64_t min_partitions;     /* 0: none */
    int64_t poll_ms;            /* kafkaConsumer.pollTimeoutMs, 0: the session's */
    spate_kafka_params *params; /* the kafka.* options without the prefix, for librdkafka */
} sp_kafka_src_opts;

/* Checks d's options as KafkaSourceProvider.validateGeneralOptions (and,
 * with batch, validateBatchOptions; without, validateStreamOptions) and
 * fills *o (free with sp_kafka_src_opts_free, also after a failure). */
bool sp_kafka_src_opts_parse(const sp_source_def *d, bool batch, sp_kafka_src_opts *o, char *errstr,
                             size_t n);
void sp_kafka_src_opts_free(sp_kafka_src_opts *o);

/* key BINARY, value BINARY, topic STRING, partition INT, offset BIGINT,
 * timestamp TIMESTAMP, timestampType INT [, headers ARRAY<STRUCT<key:
 * STRING, value: BINARY>>] (KafkaRecordToRowConverter.kafkaSchema). */
const sp_sql_type *sp_kafka_source_schema(spate_arena *a, bool include_headers);
enum {
    SP_KCOL_KEY,
    SP_KCOL_VALUE,
    SP_KCOL_TOPIC,
    SP_KCOL_PARTITION,
    SP_KCOL_OFFSET,
    SP_KCOL_TIMESTAMP,
    SP_KCOL_TIMESTAMP_TYPE,
    SP_KCOL_HEADERS,
};

/* One task's work: records [from, until) of a partition, read through
 * consumer slot `slot`. */
typedef struct sp_kafka_range {
    spate_offset_range r; /* topic points into the plan's arena */
    int slot;
} sp_kafka_range;

/* KafkaOffsetRangeCalculator.getRanges: the non-empty ranges in[0..n), one
 * task each, or, when minPartitions is more than their number, each cut
 * into max(round(size / total * minPartitions), 1) even pieces. Made in a;
 * returns the count. */
int sp_kafka_split_ranges(const sp_kafka_range *in, int n, int64_t min_partitions, spate_arena *a,
                          sp_kafka_range **out);

/* Batches reused across reads (source_kafka_pool.c), each in an arena of
 * its own. take gives a batch of SP_SOURCE_BATCH_ROWS rows of schema (a
 * kept one, else a new one); give resets b and keeps it. Thread-safe. */
typedef struct sp_kafka_batch_pool {
    pthread_mutex_t mu;
    const sp_sql_type *schema;
    sp_colbatch **free;
    int nfree, cap;
} sp_kafka_batch_pool;

void sp_kafka_batch_pool_init(sp_kafka_batch_pool *p, const sp_sql_type *schema);
void sp_kafka_batch_pool_free(sp_kafka_batch_pool *p);
sp_colbatch *sp_kafka_batch_pool_take(sp_kafka_batch_pool *p);
void sp_kafka_batch_pool_give(sp_kafka_batch_pool *p, sp_colbatch *b);

/* Reads range k into batches of the source's schema (required columns
 * only; the others all null): with pool (reuse_batches only), one batch of
 * the pool refilled and given back at the end; without, batches made in a
 * (one refilled when reuse). */
spate_err sp_kafka_source_read_range(sp_source *s, void *reader, const sp_kafka_range *k,
                                     bool include_headers, sp_kafka_batch_pool *pool,
                                     spate_arena *a, sp_source_emit_fn emit, void *ud,
                                     sp_source_counters *c, char *errstr, size_t n);

#endif
