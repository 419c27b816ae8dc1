/* sink_kafka.c - Spark's `kafka` sink (KafkaWrite / KafkaWriter over the
 * connect/ producer cores): each row is one record of the columns value
 * (STRING or BINARY, required; NULL: a tombstone), key (STRING or BINARY),
 * topic (STRING; the `topic` option wins over it), partition (INT; NULL or
 * absent: the JVM producer's murmur2 partitioner) and headers
 * (ARRAY<STRUCT<key: STRING, value: BINARY>>). Any output mode.
 *
 * At-least-once by default, as Spark: rows are produced where they are
 * made (write_rows, in the executor tasks; add_batch for an aggregation's
 * rows) through one librdkafka producer, and add_batch waits for every
 * delivery before the query writes commits/N; a failed delivery fails the
 * batch. With kafka.transactional.id (beyond Spark), each micro-batch's rows
 * are one Kafka transaction (connect/kafka_txn.h) begun by the batch's first
 * row and committed in add_batch, before commits/N: a read_committed reader
 * sees every batch exactly once across kill -9 and restart, since a batch
 * re-run after a crash whose transaction was committed is found in the
 * topic's tail (its spate.batch.time header holds the batch id) and not
 * written again. That mode needs the `topic` option (the tail read is of
 * one topic) and a checkpointLocation (batch ids must not start again).
 *
 * Threads: write_rows on executor threads (the producer is thread-safe;
 * the transaction's begin is under mu); the rest on the query's thread. */
#include "sql/sink_int.h"

#include "base/arena.h"
#include "base/log.h"
#include "connect/kafka_producer.h"
#include "connect/kafka_txn.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { FLUSH_SLICE_MS = 100 };

typedef struct kafka_sink {
    sp_sink base;
    spate_kafka_params *params;                          /* kafka.* without the prefix */
    char *topic;                                         /* the topic option, or NULL */
    int c_value, c_key, c_topic, c_partition, c_headers; /* columns, -1: absent */
    sp_kafka_delivery dr;
    rd_kafka_t *rk; /* at-least-once producer */
    sp_kafka_txn *txn;
    pthread_mutex_t mu;
    int64_t txn_batch; /* the batch whose transaction is open, -1: none */
    bool skip;         /* that batch is already committed: drop its rows */
    char desc[300];
} kafka_sink;

static const char *ks_description(sp_sink *s) { return ((kafka_sink *)s)->desc; }

/* ---- one row as a record ---- */

static void bytes_of(const sp_column *c, int64_t row, const void **p, size_t *n)
{
    if (!sp_column_valid(c, row)) {
        *p = NULL;
        *n = 0;
        return;
    }
    *p = c->chars + c->offsets[row];
    *n = (size_t)(c->offsets[row + 1] - c->offsets[row]);
}

static rd_kafka_headers_t *headers_of(const sp_column *c, int64_t row)
{
    if (!sp_column_valid(c, row)) return NULL;
    int32_t lo = c->offsets[row], hi = c->offsets[row + 1];
    if (hi <= lo) return NULL;
    const sp_column *st = &c->children[0];
    rd_kafka_headers_t *h = rd_kafka_headers_new((size_t)(hi - lo));
    for (int32_t i = lo; i < hi; i++) {
        const void *k, *v;
        size_t kn, vn;
        bytes_of(&st->children[0], i, &k, &kn);
        bytes_of(&st->children[1], i, &v, &vn);
        if (!sp_column_valid(st, i) || !k) continue;
        rd_kafka_header_add(h, k, (ssize_t)kn, v, v ? (ssize_t)vn : 0);
    }
    return h;
}

/* The record of row (topic NULL: a null topic column). */
static void record_of(const kafka_sink *k, const sp_colbatch *b, int64_t row, sp_kafka_record *rec,
                      char *topic_buf, size_t topic_size)
{
    *rec = (sp_kafka_record){.topic = k->topic, .partition = RD_KAFKA_PARTITION_UA};
    bytes_of(&b->cols[k->c_value], row, &rec->value, &rec->value_len);
    if (k->c_key >= 0) bytes_of(&b->cols[k->c_key], row, &rec->key, &rec->key_len);
    if (!k->topic) {
        const void *t;
        size_t tn;
        bytes_of(&b->cols[k->c_topic], row, &t, &tn);
        rec->topic = NULL;
        if (t && tn < topic_size) {
            memcpy(topic_buf, t, tn);
            topic_buf[tn] = '\0';
            rec->topic = topic_buf;
        }
    }
    const sp_column *pc = k->c_partition >= 0 ? &b->cols[k->c_partition] : NULL;
    if (pc && sp_column_valid(pc, row)) rec->partition = sp_column_i32(pc)[row];
    if (k->c_headers >= 0) rec->headers = headers_of(&b->cols[k->c_headers], row);
}

/* ---- transactions ---- */

/* Begins batch's transaction on its first row (or at add_batch); *skip:
 * the batch is already committed. */
static spate_err txn_ready(kafka_sink *k, int64_t batch, bool *skip, char *errstr, size_t n)
{
    spate_err e = SPATE_OK;
    pthread_mutex_lock(&k->mu);
    if (k->txn_batch != batch) {
        bool done = false;
        e = sp_kafka_txn_begin(k->txn, batch, &done, errstr, n);
        if (e == SPATE_OK) {
            k->txn_batch = batch;
            k->skip = done;
        }
    }
    *skip = k->skip;
    pthread_mutex_unlock(&k->mu);
    return e;
}

/* Every row of b produced (to the transaction when there is one). */
static spate_err produce_batch(kafka_sink *k, int64_t batch, const sp_colbatch *b, char *errstr,
                               size_t n)
{
    if (b->length == 0) return SPATE_OK;
    if (k->txn) {
        bool skip = false;
        spate_err e = txn_ready(k, batch, &skip, errstr, n);
        if (e != SPATE_OK || skip) return e;
    }
    for (int64_t r = 0; r < b->length; r++) {
        char topic[256];
        sp_kafka_record rec;
        record_of(k, b, r, &rec, topic, sizeof topic);
        if (!rec.topic) {
            if (rec.headers) rd_kafka_headers_destroy(rec.headers);
            sp_sink_errf(errstr, n,
                         "null topic present in the data. Use the topic option for setting a "
                         "topic.");
            return SPATE_ERR_INVALID_ARG;
        }
        spate_err e = k->txn ? sp_kafka_txn_send_record(k->txn, &rec, errstr, n)
                             : sp_kafka_produce(k->rk, &rec, errstr, n);
        if (e != SPATE_OK) {
            if (!k->txn && rec.headers) rd_kafka_headers_destroy(rec.headers);
            return e;
        }
    }
    return SPATE_OK;
}

static spate_err ks_write_rows(sp_sink *s, int64_t batch_id, int part, const sp_colbatch *b,
                               char *errstr, size_t errstr_size)
{
    (void)part;
    return produce_batch((kafka_sink *)s, batch_id, b, errstr, errstr_size);
}

/* At-least-once: waits until every record is delivered, then reports the
 * first failure. */
static spate_err flush_all(kafka_sink *k, char *errstr, size_t n)
{
    int64_t waited = 0;
    while (rd_kafka_outq_len(k->rk) > 0 && waited < SP_KAFKA_MAX_BLOCK_MS) {
        rd_kafka_flush(k->rk, FLUSH_SLICE_MS);
        waited += FLUSH_SLICE_MS;
    }
    spate_err e = sp_kafka_delivery_take(&k->dr, errstr, n);
    if (e == SPATE_OK && rd_kafka_outq_len(k->rk) > 0) {
        sp_sink_errf(errstr, n, "Failed to send %d record(s) to Kafka within %d ms",
                     rd_kafka_outq_len(k->rk), SP_KAFKA_MAX_BLOCK_MS);
        e = SPATE_ERR_TIMEOUT;
    }
    return e;
}

static spate_err ks_add_batch(sp_sink *s, int64_t batch_id, sp_output_mode mode,
                              const sp_colbatch *const *batches, size_t nb, char *errstr,
                              size_t errstr_size)
{
    (void)mode;
    kafka_sink *k = (kafka_sink *)s;
    spate_err e = SPATE_OK;
    for (size_t i = 0; e == SPATE_OK && i < nb; i++)
        e = produce_batch(k, batch_id, batches[i], errstr, errstr_size);
    if (!k->txn) return e == SPATE_OK ? flush_all(k, errstr, errstr_size) : e;
    /* The batch's tasks are over: the transaction is the query thread's. */
    pthread_mutex_lock(&k->mu);
    bool open = k->txn_batch == batch_id, skip = k->skip;
    k->txn_batch = -1;
    pthread_mutex_unlock(&k->mu);
    if (e != SPATE_OK) {
        sp_kafka_txn_abort(k->txn);
        return e;
    }
    if (!open || skip) return SPATE_OK; /* no row, or already in Kafka */
    return sp_kafka_txn_commit(k->txn, batch_id, errstr, errstr_size);
}

static void ks_close(sp_sink *s)
{
    kafka_sink *k = (kafka_sink *)s;
    if (k->rk) {
        rd_kafka_flush(k->rk, SP_KAFKA_MAX_BLOCK_MS);
        rd_kafka_destroy(k->rk);
    }
    sp_kafka_txn_destroy(k->txn);
    sp_kafka_delivery_destroy(&k->dr);
    spate_kafka_params_destroy(k->params);
    pthread_mutex_destroy(&k->mu);
    free(k->topic);
    free(k);
}

static const sp_sink_ops kafka_ops = {.description = ks_description,
                                      .add_batch = ks_add_batch,
                                      .close = ks_close,
                                      .write_rows = ks_write_rows};

/* ---- options and the schema (KafkaWriter.validateQuery) ---- */

bool sp_sink_kafka_check(const sp_sink_def *d, char *errstr, size_t n)
{
    if (sp_sink_opt(d, "kafka.key.serializer")) {
        sp_sink_errf(errstr, n,
                     "Kafka option 'key.serializer' is not supported as keys are serialized with "
                     "ByteArraySerializer.");
        return false;
    }
    if (sp_sink_opt(d, "kafka.value.serializer")) {
        sp_sink_errf(errstr, n,
                     "Kafka option 'value.serializer' is not supported as value are serialized "
                     "with ByteArraySerializer.");
        return false;
    }
    if (!sp_sink_opt(d, "kafka.bootstrap.servers")) {
        sp_sink_errf(errstr, n,
                     "Option 'kafka.bootstrap.servers' must be specified for configuring Kafka "
                     "producer");
        return false;
    }
    if (sp_sink_opt(d, "kafka.transactional.id") && !sp_sink_opt(d, "topic")) {
        sp_sink_errf(errstr, n,
                     "The kafka sink with 'kafka.transactional.id' needs the 'topic' option "
                     "(exactly-once output goes to one topic)");
        return false;
    }
    return true;
}

static int field_index(const sp_sql_type *schema, const char *name)
{
    for (int i = 0; i < schema->nfields; i++)
        if (!strcmp(schema->fields[i].name, name)) return i;
    return -1;
}

static bool is_headers_type(const sp_sql_type *t)
{
    if (t->id != SP_SQL_ARRAY || t->elem->id != SP_SQL_STRUCT || t->elem->nfields != 2)
        return false;
    const sp_sql_field *f = t->elem->fields;
    return f[0].type->id == SP_SQL_STRING && f[1].type->id == SP_SQL_BINARY;
}

/* A column's type against what the writer takes: Spark's message. */
static bool check_type(const sp_sql_type *schema, int col, const char *name, const char *want,
                       bool ok, char *errstr, size_t n)
{
    if (col < 0 || ok) return true;
    spate_arena *a = spate_arena_new();
    sp_sink_errf(errstr, n, "%s attribute unsupported type %s. %s must be a(n) %s", name,
                 sp_sql_type_catalog_string(a, schema->fields[col].type), name, want);
    spate_arena_destroy(a);
    return false;
}

static bool check_schema(kafka_sink *k, const sp_sql_type *schema, char *errstr, size_t n)
{
    k->c_topic = field_index(schema, "topic");
    k->c_key = field_index(schema, "key");
    k->c_value = field_index(schema, "value");
    k->c_headers = field_index(schema, "headers");
    k->c_partition = field_index(schema, "partition");
    if (!k->topic && k->c_topic < 0) {
        sp_sink_errf(errstr, n,
                     "topic option required when no 'topic' attribute is present. Use the topic "
                     "option for setting a topic.");
        return false;
    }
    const sp_sql_field *f = schema->fields;
#define STRBIN(c) (f[c].type->id == SP_SQL_STRING || f[c].type->id == SP_SQL_BINARY)
    if (!k->topic && !check_type(schema, k->c_topic, "topic", "string",
                                 f[k->c_topic].type->id == SP_SQL_STRING, errstr, n))
        return false;
    if (!check_type(schema, k->c_key, "key", "string or binary", k->c_key < 0 || STRBIN(k->c_key),
                    errstr, n))
        return false;
    if (k->c_value < 0) {
        sp_sink_errf(errstr, n, "Required attribute 'value' not found");
        return false;
    }
    if (!check_type(schema, k->c_value, "value", "string or binary", STRBIN(k->c_value), errstr, n))
        return false;
#undef STRBIN
    return check_type(schema, k->c_headers, "headers", "array<struct<key:string,value:binary>>",
                      k->c_headers < 0 || is_headers_type(f[k->c_headers].type), errstr, n) &&
           check_type(schema, k->c_partition, "partition", "int",
                      k->c_partition < 0 || f[k->c_partition].type->id == SP_SQL_INT, errstr, n);
}

static bool make_params(kafka_sink *k, const sp_sink_def *d, char *errstr, size_t n)
{
    k->params = spate_kafka_params_new();
    for (size_t i = 0; i < d->nopts; i++)
        if (!strncasecmp(d->keys[i], "kafka.", 6) && d->keys[i][6] &&
            spate_kafka_params_set(k->params, d->keys[i] + 6, d->vals[i], errstr, n) != SPATE_OK)
            return false;
    return true;
}

static bool make_producer(kafka_sink *k, char *errstr, size_t n)
{
    if (spate_kafka_params_get(k->params, "transactional.id")) {
        k->txn = sp_kafka_txn_new(NULL, k->params, k->topic, errstr, n);
        return k->txn != NULL;
    }
    rd_kafka_conf_t *conf =
        sp_kafka_producer_conf(NULL, k->params, &k->dr, "kafka sink", errstr, n);
    if (!conf) return false;
    k->rk = sp_kafka_producer_new(conf, errstr, n);
    rd_kafka_conf_destroy(conf);
    return k->rk != NULL;
}

sp_sink *sp_sink_kafka_open(const sp_sink_def *d, const sp_sql_type *schema, char *errstr,
                            size_t errstr_size)
{
    kafka_sink *k = sp_xcalloc(1, sizeof *k);
    k->base.ops = &kafka_ops;
    k->base.def = d;
    k->base.schema = schema;
    k->txn_batch = -1;
    pthread_mutex_init(&k->mu, NULL);
    sp_kafka_delivery_init(&k->dr);
    const char *topic = sp_sink_opt(d, "topic");
    if (topic) {
        while (*topic == ' ')
            topic++;
        k->topic = sp_xstrdup(topic);
        size_t len = strlen(k->topic);
        while (len && k->topic[len - 1] == ' ')
            k->topic[--len] = '\0';
    }
    if (!sp_sink_kafka_check(d, errstr, errstr_size) ||
        !check_schema(k, schema, errstr, errstr_size) || !make_params(k, d, errstr, errstr_size) ||
        !make_producer(k, errstr, errstr_size)) {
        ks_close(&k->base);
        return NULL;
    }
    snprintf(k->desc, sizeof k->desc, "KafkaTable[%s]", k->topic ? k->topic : "topic column");
    return &k->base;
}
