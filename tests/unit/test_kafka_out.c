/* Writing DStreams to Kafka (spate_stream_write_to_kafka, spate_kafka_sink)
 * against librdkafka's mock cluster, in process so faults can be injected:
 * at-least-once delivery of every element with its key and value, a failed
 * delivery failing the batch with the broker's error, one producer per
 * executor thread reused across batches, and the exactly-once mode's
 * transactions, batch header and recovery.
 *
 * What the 2.0.2 mock cannot show: it lets read_committed consumers see
 * aborted records, does not fence an older producer with the same
 * transactional.id and does not abort its open transaction; so the tests
 * here cover commits and the skip of committed batches, not the abort of a
 * crashed instance's transaction (kafka_txn.h's design relies on a real
 * broker for that). */
#include "conformance_util.h"

#include <spate/kafka.h>

#include <fcntl.h>
#include <ftw.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "connect/kafka_producer.h"
#include "stream/kafka_sink.h"
#include "connect/kafka_txn.h"

enum { IV = 1000, WAIT_MS = 20000, MAXREC = 4096 };
enum { API_PRODUCE = 0 }; /* Kafka's ApiKey of Produce requests */

/* ---- a mock cluster ------------------------------------------------------ */

typedef struct mock {
    rd_kafka_t *rk; /* the handle the cluster hangs off */
    rd_kafka_mock_cluster_t *mc;
    const char *boot;
} mock;

static void quiet(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk, (void)level, (void)fac, (void)buf;
}

/* Made through test.mock.num.brokers rather than rd_kafka_mock_cluster_new:
 * a cluster made that way often takes a second to shut down (its thread
 * sleeps out its poll), this one does not. */
static void mock_start(mock *m, int brokers, const char *topic, int partitions)
{
    char err[512], n[16];
    snprintf(n, sizeof n, "%d", brokers);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cr_assert_eq(rd_kafka_conf_set(conf, "test.mock.num.brokers", n, err, sizeof err), 0);
    rd_kafka_conf_set_log_cb(conf, quiet);
    m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    cr_assert_not_null(m->rk, "%s", err);
    m->mc = rd_kafka_handle_mock_cluster(m->rk);
    cr_assert_not_null(m->mc);
    m->boot = rd_kafka_mock_cluster_bootstraps(m->mc);
    if (topic) cr_assert_eq(rd_kafka_mock_topic_create(m->mc, topic, partitions, 1), 0);
}

static void mock_stop(mock *m) { rd_kafka_destroy(m->rk); }

/* Kafka params: bootstrap.servers plus NULL-terminated key, value pairs. */
static spate_kafka_params *params_of(const mock *m, const char *const *kv)
{
    spate_kafka_params *p = spate_kafka_params_new();
    char err[256];
    cr_assert_eq(spate_kafka_params_set(p, "bootstrap.servers", m->boot, err, sizeof err), SPATE_OK,
                 "%s", err);
    for (int i = 0; kv && kv[i]; i += 2)
        cr_assert_eq(spate_kafka_params_set(p, kv[i], kv[i + 1], err, sizeof err), SPATE_OK,
                     "%s: %s", kv[i], err);
    return p;
}

/* ---- reading a topic back ------------------------------------------------ */

typedef struct record {
    int32_t partition;
    char *key, *value;  /* NUL-terminated copies; key NULL for no key */
    int64_t batch_time; /* the spate.batch.time header, -1 when none */
} record;

typedef struct records {
    record r[MAXREC];
    int n;
} records;

static char *copy_bytes(const void *p, size_t n)
{
    if (!p) return NULL;
    char *s = malloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static void add_record(records *out, const rd_kafka_message_t *m)
{
    cr_assert_lt(out->n, MAXREC);
    record *r = &out->r[out->n++];
    r->partition = m->partition;
    r->key = copy_bytes(m->key, m->key_len);
    r->value = copy_bytes(m->payload, m->len);
    r->batch_time = -1;
    rd_kafka_headers_t *h;
    const void *v;
    size_t n;
    if (rd_kafka_message_headers(m, &h) == 0 &&
        rd_kafka_header_get_last(h, SP_KAFKA_HDR_BATCH_TIME, &v, &n) == 0) {
        char *t = copy_bytes(v, n);
        r->batch_time = strtoll(t, NULL, 10);
        free(t);
    }
}

/* Every record of topic's partitions (read_committed), oldest first per
 * partition. */
static void read_topic(const mock *m, const char *topic, int partitions, records *out)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *settings[][2] = {{"bootstrap.servers", m->boot},
                                 {"group.id", "test-reader"},
                                 {"enable.partition.eof", "true"},
                                 {"isolation.level", "read_committed"},
                                 {"fetch.wait.max.ms", "10"}};
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        cr_assert_eq(rd_kafka_conf_set(conf, settings[i][0], settings[i][1], err, sizeof err), 0);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    cr_assert_not_null(rk, "%s", err);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; p++)
        rd_kafka_topic_partition_list_add(l, topic, p)->offset =
            0; /* not BEGINNING: the mock answers offset queries slowly */
    cr_assert_eq(rd_kafka_assign(rk, l), 0);
    rd_kafka_topic_partition_list_destroy(l);
    out->n = 0;
    for (int eofs = 0, polls = 0; eofs < partitions; polls++) {
        cr_assert_lt(polls, 200, "topic %s: no end of partition after 20 s", topic);
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(rk, 100);
        if (!msg) continue;
        if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            eofs++;
        else if (!msg->err)
            add_record(out, msg);
        rd_kafka_message_destroy(msg);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

static void records_free(records *rs)
{
    for (int i = 0; i < rs->n; i++) {
        free(rs->r[i].key);
        free(rs->r[i].value);
    }
    rs->n = 0;
}

/* "key=value" per record ("-" for no key, "~" for a null value), sorted,
 * joined by "; ". */
static char *records_text(const records *rs, bool with_time)
{
    char **items = calloc((size_t)rs->n + 1, sizeof *items);
    for (int i = 0; i < rs->n; i++) {
        const record *r = &rs->r[i];
        char time[32] = "";
        if (with_time) snprintf(time, sizeof time, "@%lld", (long long)r->batch_time);
        if (asprintf(&items[i], "%s=%s%s", r->key ? r->key : "-", r->value ? r->value : "~", time) <
            0)
            abort();
    }
    char *out = cu_join(items, (size_t)rs->n, true);
    free(items);
    return out;
}

/* Kafka's Utils.murmur2 (the JVM producer's key hash). */
static uint32_t murmur2(const char *key, size_t len)
{
    const uint32_t m = 0x5bd1e995;
    const unsigned char *d = (const unsigned char *)key;
    uint32_t h = 0x9747b28c ^ (uint32_t)len;
    for (size_t i = 0; i + 4 <= len; i += 4) {
        uint32_t k =
            d[i] | (uint32_t)d[i + 1] << 8 | (uint32_t)d[i + 2] << 16 | (uint32_t)d[i + 3] << 24;
        k *= m;
        k ^= k >> 24;
        k *= m;
        h = h * m ^ k;
    }
    size_t tail = len & ~(size_t)3, rest = len % 4;
    if (rest >= 3) h ^= (uint32_t)d[tail + 2] << 16;
    if (rest >= 2) h ^= (uint32_t)d[tail + 1] << 8;
    if (rest >= 1) h = (h ^ d[tail]) * m;
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
}

/* ---- driving a context --------------------------------------------------- */

static void run_to(spate_ctx *ssc, int64_t batch_ms)
{
    if (spate_ctx_get_state(ssc) == SPATE_CTX_INITIALIZED)
        cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    cr_assert_eq(spate_clock_set(spate_ctx_clock(ssc), batch_ms), SPATE_OK);
    cr_assert_eq(spate_ctx_await_batch(ssc, batch_ms, WAIT_MS), SPATE_OK, "batch %lld",
                 (long long)batch_ms);
}

/* cu_ctx's context with one more option. */
static spate_ctx *ctx_with(const char *key, const char *value)
{
    spate_conf *conf = spate_conf_new();
    const char *kv[][2] = {{"spate.streaming.clock", "manual"},
                           {"spate.master", "local[2]"},
                           {"spate.log.level", "OFF"},
                           {key, value}};
    char err[256];
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        cr_assert_eq(spate_conf_set(conf, kv[i][0], kv[i][1], err, sizeof err), SPATE_OK, "%s",
                     err);
    spate_ctx *ssc = spate_ctx_new(conf, IV, err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    return ssc;
}

static int64_t batches_failed(spate_ctx *ssc)
{
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    return st.batches_failed;
}

/* A queue stream with one RDD per spec. */
static spate_stream *queue_of(spate_ctx *ssc, const char *const *specs, int n, int nparts)
{
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    for (int i = 0; i < n; i++)
        cr_assert_eq(spate_queue_stream_push(q, cu_rdd(ssc, specs[i], nparts)), SPATE_OK);
    return q;
}

static spate_value key_of(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return spate_key(v);
}

static spate_value value_of(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return spate_val(v);
}

/* ---- at-least-once ------------------------------------------------------- */

Test(kafka_out, every_element_is_written_with_its_key_and_value, .timeout = 60)
{
    mock m;
    mock_start(&m, 3, "out", 4);
    cr_assert_eq(rd_kafka_mock_topic_create(m.mc, "text", 4, 1), 0);
    spate_ctx *ssc = cu_ctx("local[2]", IV);
    const char *batches[] = {"a:1 b:2 c:3 d:4 e:5", "f:6 ''"};
    spate_stream *q = queue_of(ssc, batches, 2, 3);
    const char *kv[] = {"linger.ms",
                        "1",
                        "compression.type",
                        "lz4",
                        "value.serializer",
                        "org.apache.kafka.common.serialization.StringSerializer",
                        NULL};
    cr_assert_eq(spate_stream_write_to_kafka(q, params_of(&m, kv), "out", key_of, value_of, NULL),
                 SPATE_OK, "%s", spate_ctx_last_error(ssc));
    /* No functions: no key, and the element's text as Scala prints it. */
    cr_assert_eq(spate_stream_write_to_kafka(q, params_of(&m, NULL), "text", NULL, NULL, NULL),
                 SPATE_OK);
    run_to(ssc, 2 * IV);
    cr_assert_eq(batches_failed(ssc), 0, "%s", spate_ctx_last_error(ssc));

    records rs;
    read_topic(&m, "out", 4, &rs);
    char *got = records_text(&rs, false);
    /* '' (the empty string) is no pair: key_of and value_of give null, so
     * no key and a null value. Values that are not strings go as their text. */
    cr_expect_str_eq(got, "-=~; a=1; b=2; c=3; d=4; e=5; f=6");
    free(got);
    /* Keyed records land where the JVM producer puts them. */
    for (int i = 0; i < rs.n; i++)
        if (rs.r[i].key)
            cr_expect_eq(rs.r[i].partition,
                         (int32_t)((murmur2(rs.r[i].key, strlen(rs.r[i].key)) & 0x7fffffff) % 4),
                         "key %s", rs.r[i].key);
    for (int i = 0; i < rs.n; i++)
        cr_expect_eq(rs.r[i].batch_time, -1, "no header");
    records_free(&rs);
    read_topic(&m, "text", 4, &rs);
    got = records_text(&rs, false);
    cr_expect_str_eq(got, "-=; -=(a,1); -=(b,2); -=(c,3); -=(d,4); -=(e,5); -=(f,6)");
    free(got);
    records_free(&rs);
    spate_ctx_destroy(ssc);
    mock_stop(&m);
}

/* Batch i (from 1) of n_per elements "k<i>_<j>:<j>" in nparts partitions. */
static spate_rdd *numbered_batch(spate_ctx *ssc, int i, int n_per, int nparts)
{
    char spec[4096] = "";
    for (int j = 0; j < n_per; j++) {
        size_t len = strlen(spec);
        snprintf(spec + len, sizeof spec - len, "%sk%d_%d:%d", j ? " " : "", i, j, j);
    }
    return cu_rdd(ssc, spec, nparts);
}

Test(kafka_out, one_producer_per_executor_thread_reused_across_batches, .timeout = 60)
{
    mock m;
    mock_start(&m, 3, "out", 4);
    spate_ctx *ssc = cu_ctx("local[2]", IV);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    for (int i = 1; i <= 3; i++)
        cr_assert_eq(spate_queue_stream_push(q, numbered_batch(ssc, i, 8, 4)), SPATE_OK);
    cr_assert_eq(spate_stream_write_to_kafka(q, params_of(&m, NULL), "out", key_of, value_of, NULL),
                 SPATE_OK);
    int64_t before = sp_kafka_producers_created();
    run_to(ssc, 3 * IV);
    /* 12 tasks on 2 threads: a producer per thread that ran one, at most 2. */
    int64_t made = sp_kafka_producers_created() - before;
    cr_expect(made >= 1 && made <= 2, "3 batches made %lld producers", (long long)made);
    cr_expect_eq(batches_failed(ssc), 0, "%s", spate_ctx_last_error(ssc));
    records rs;
    read_topic(&m, "out", 4, &rs);
    cr_expect_eq(rs.n, 24, "every element once");
    records_free(&rs);
    spate_ctx_destroy(ssc);
    mock_stop(&m);
}

/* ---- spate_kafka_sink from foreachRDD ------------------------------------ */

typedef struct sink_use {
    spate_kafka_sink *sink;
    char msg[512];
} sink_use;

static void send_pair(spate_task *t, spate_value v, void *ud)
{
    sink_use *u = ud;
    spate_kafka_sink_send(u->sink, t, "sunk", spate_key(v), spate_val(v));
}

static spate_err send_and_flush(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    sink_use *u = ud;
    spate_err err = spate_rdd_foreach(rdd, send_pair, u);
    if (err) return err;
    return spate_kafka_sink_flush(u->sink, 10000, u->msg, sizeof u->msg);
}

Test(kafka_out, sink_from_foreach_rdd_reuses_its_thread_producers, .timeout = 60)
{
    mock m;
    mock_start(&m, 1, "sunk", 2);
    spate_ctx *ssc = cu_ctx("local[2]", IV);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    for (int i = 1; i <= 2; i++)
        cr_assert_eq(spate_queue_stream_push(q, numbered_batch(ssc, i, 5, 3)), SPATE_OK);
    char err[512];
    sink_use u = {.sink = spate_kafka_sink_new(ssc, params_of(&m, NULL), err, sizeof err)};
    cr_assert_not_null(u.sink, "%s", err);
    cr_assert_eq(spate_stream_foreach_rdd(q, send_and_flush, &u), SPATE_OK);
    int64_t before = sp_kafka_producers_created();
    run_to(ssc, 2 * IV);
    int64_t made = sp_kafka_producers_created() - before;
    cr_expect(made >= 1 && made <= 2, "6 tasks on 2 threads made %lld producers", (long long)made);
    cr_expect_eq(sp_kafka_sink_producer_count(u.sink), made);
    cr_expect_eq(batches_failed(ssc), 0, "%s / %s", spate_ctx_last_error(ssc), u.msg);
    /* Made once the context runs: refused (it would never be freed). */
    cr_expect_null(spate_kafka_sink_new(ssc, params_of(&m, NULL), err, sizeof err));
    cr_expect(strstr(err, "before the context starts"), "%s", err);
    records rs;
    read_topic(&m, "sunk", 2, &rs);
    char *got = records_text(&rs, false);
    cr_expect_str_eq(got, "k1_0=0; k1_1=1; k1_2=2; k1_3=3; k1_4=4; "
                          "k2_0=0; k2_1=1; k2_2=2; k2_3=3; k2_4=4");
    free(got);
    records_free(&rs);
    spate_ctx_destroy(ssc); /* frees the sink */
    mock_stop(&m);
}

Test(kafka_out, sink_cannot_be_transactional_nor_misconfigured, .timeout = 30)
{
    mock m;
    mock_start(&m, 1, NULL, 0);
    spate_ctx *ssc = cu_ctx("local[1]", IV);
    char err[512];
    const char *txn[] = {"transactional.id", "t", NULL};
    cr_expect_null(spate_kafka_sink_new(ssc, params_of(&m, txn), err, sizeof err));
    cr_expect(strstr(err, "transactional.id: a per-thread Kafka producer cannot be transactional"),
              "%s", err);
    const char *bad[] = {"acks", "maybe", NULL};
    cr_expect_null(spate_kafka_sink_new(ssc, params_of(&m, bad), err, sizeof err));
    cr_expect(!strncmp(err, "Invalid value maybe for configuration acks: ", 44), "%s", err);
    spate_ctx_destroy(ssc);
    mock_stop(&m);
}

/* ---- failures ------------------------------------------------------------ */

Test(kafka_out, a_failed_delivery_fails_the_batch_with_the_brokers_error, .timeout = 60)
{
    mock m;
    mock_start(&m, 3, "out", 4);
    spate_ctx *ssc = cu_ctx("local[2]", IV);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    for (int i = 1; i <= 2; i++)
        cr_assert_eq(spate_queue_stream_push(q, numbered_batch(ssc, i, 6, 2)), SPATE_OK);
    cr_assert_eq(spate_stream_write_to_kafka(q, params_of(&m, NULL), "out", key_of, value_of, NULL),
                 SPATE_OK);
    rd_kafka_resp_err_t too_large[16];
    for (int i = 0; i < 16; i++)
        too_large[i] = RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE;
    rd_kafka_mock_push_request_errors_array(m.mc, API_PRODUCE, 16, too_large);
    run_to(ssc, IV);
    cr_expect_eq(batches_failed(ssc), 1);
    const char *msg = spate_ctx_last_error(ssc);
    cr_expect(strstr(msg, "Failed to send 6 records to Kafka: topic out partition "), "%s", msg);
    cr_expect(strstr(msg, "Broker: Message size too large (MSG_SIZE_TOO_LARGE)"), "%s", msg);
    bool stopped;
    cr_expect_eq(spate_ctx_await_termination_or_timeout(ssc, 0, &stopped), SPATE_ERR_IO);
    /* The context goes on, as Spark's does after a failed job. */
    rd_kafka_mock_clear_request_errors(m.mc, API_PRODUCE);
    run_to(ssc, 2 * IV);
    cr_expect_eq(batches_failed(ssc), 1);
    records rs;
    read_topic(&m, "out", 4, &rs);
    cr_expect_eq(rs.n, 6, "batch 2's records");
    for (int i = 0; i < rs.n; i++)
        cr_expect(!strncmp(rs.r[i].key, "k2_", 3), "%s", rs.r[i].key);
    records_free(&rs);
    spate_ctx_destroy(ssc);
    mock_stop(&m);
}

Test(kafka_out, a_broker_down_past_message_timeout_fails_the_batch, .timeout = 60)
{
    mock m;
    mock_start(&m, 1, "out", 1);
    /* The context's kafka.* options are every producer's defaults. */
    spate_ctx *ssc = ctx_with("kafka.message.timeout.ms", "200");
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_eq(spate_queue_stream_push(q, numbered_batch(ssc, 1, 3, 2)), SPATE_OK);
    cr_assert_eq(spate_stream_write_to_kafka(q, params_of(&m, NULL), "out", key_of, value_of, NULL),
                 SPATE_OK);
    cr_assert_eq(rd_kafka_mock_broker_set_down(m.mc, 1), 0);
    run_to(ssc, IV);
    cr_expect_eq(batches_failed(ssc), 1);
    const char *msg = spate_ctx_last_error(ssc);
    cr_expect(strstr(msg, "Failed to send 3 records to Kafka: topic out partition "), "%s", msg);
    cr_expect(strstr(msg, "Local: Message timed out (_MSG_TIMED_OUT)"), "%s", msg);
    spate_ctx_destroy(ssc);
    mock_stop(&m);
}

Test(kafka_out, write_to_kafka_checks_its_arguments, .timeout = 30)
{
    mock m;
    mock_start(&m, 1, NULL, 0);
    spate_ctx *ssc = cu_ctx("local[1]", IV);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_expect_eq(spate_stream_write_to_kafka(q, params_of(&m, NULL), "", NULL, NULL, NULL),
                 SPATE_ERR_INVALID_ARG);
    cr_expect_str_eq(spate_ctx_last_error(ssc), "writeToKafka: the topic must not be empty");
    cr_expect_eq(spate_stream_write_to_kafka(q, NULL, "t", NULL, NULL, NULL),
                 SPATE_ERR_INVALID_ARG);
    cr_expect_str_eq(spate_ctx_last_error(ssc), "writeToKafka: no Kafka params");
    const char *bad[] = {"compression.type", "brotli", NULL};
    cr_expect_eq(spate_stream_write_to_kafka(q, params_of(&m, bad), "t", NULL, NULL, NULL),
                 SPATE_ERR_INVALID_ARG);
    cr_expect(
        !strncmp(spate_ctx_last_error(ssc),
                 "writeToKafka: Invalid value brotli for configuration compression.type: ", 71),
        "%s", spate_ctx_last_error(ssc));
    cr_expect_eq(spate_stream_write_to_kafka(NULL, params_of(&m, NULL), "t", NULL, NULL, NULL),
                 SPATE_ERR_INVALID_ARG);
    /* The context's kafka.* options are checked too. */
    spate_ctx *bad_conf = ctx_with("kafka.acks", "maybe");
    spate_stream *q2 = spate_queue_stream(bad_conf, true, NULL);
    cr_expect_eq(spate_stream_write_to_kafka(q2, params_of(&m, NULL), "t", NULL, NULL, NULL),
                 SPATE_ERR_INVALID_ARG);
    cr_expect(!strncmp(spate_ctx_last_error(bad_conf),
                       "writeToKafka: Invalid value maybe for configuration acks: ", 58),
              "%s", spate_ctx_last_error(bad_conf));
    spate_ctx_destroy(bad_conf);
    /* A JVM-only key is skipped with a warning, as Kafka's client does. */
    const char *jvm[] = {"max.block.ms", "1000", NULL};
    cr_expect_eq(spate_stream_write_to_kafka(q, params_of(&m, jvm), "t", NULL, NULL, NULL),
                 SPATE_OK);
    cr_assert_eq(spate_stream_write_to_kafka(q, params_of(&m, NULL), "t", NULL, NULL, NULL),
                 SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    cr_expect_eq(spate_stream_write_to_kafka(q, params_of(&m, NULL), "t", NULL, NULL, NULL),
                 SPATE_ERR_STATE);
    spate_ctx_destroy(ssc);
    mock_stop(&m);
}

/* ---- exactly-once -------------------------------------------------------- */

static const char *const TXN[] = {"transactional.id", "spate-test-out", NULL};

/* A context whose queue holds one RDD per spec, written transactionally to
 * topic (key and value of each pair). */
static spate_ctx *txn_ctx(const mock *m, const char *topic, const char *const *specs, int n)
{
    spate_ctx *ssc = cu_ctx("local[2]", IV);
    spate_stream *q = queue_of(ssc, specs, n, 2);
    cr_assert_eq(spate_stream_write_to_kafka(q, params_of(m, TXN), topic, key_of, value_of, NULL),
                 SPATE_OK, "%s", spate_ctx_last_error(ssc));
    return ssc;
}

static int64_t last_committed(const mock *m, const char *topic, const char *txn_id)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cr_assert_eq(rd_kafka_conf_set(conf, "bootstrap.servers", m->boot, err, sizeof err), 0);
    int64_t t = -2;
    spate_err rc = sp_kafka_txn_last_committed(conf, topic, txn_id, 10000, &t, err, sizeof err);
    rd_kafka_conf_destroy(conf);
    cr_assert_eq(rc, SPATE_OK, "%s", err);
    return t;
}

Test(kafka_out, transactional_batches_commit_once_with_the_batch_header, .timeout = 60)
{
    mock m;
    mock_start(&m, 3, "tx", 4);
    const char *batches[] = {"a:1 b:2", "c:3", "d:4 e:5"};
    spate_ctx *ssc = txn_ctx(&m, "tx", batches, 3);
    int64_t before = sp_kafka_producers_created();
    run_to(ssc, 3 * IV);
    cr_expect_eq(batches_failed(ssc), 0, "%s", spate_ctx_last_error(ssc));
    cr_expect_eq(sp_kafka_producers_created() - before, 1, "one producer for the output");
    records rs;
    read_topic(&m, "tx", 4, &rs);
    char *got = records_text(&rs, true);
    cr_expect_str_eq(got, "a=1@1000; b=2@1000; c=3@2000; d=4@3000; e=5@3000");
    free(got);
    records_free(&rs);
    cr_expect_eq(last_committed(&m, "tx", "spate-test-out"), 3000);
    spate_ctx_destroy(ssc);
    mock_stop(&m);
}

Test(kafka_out, a_restarted_output_skips_the_batches_already_committed, .timeout = 60)
{
    mock m;
    mock_start(&m, 3, "tx", 4);
    const char *first[] = {"a:1 b:2", "c:3"};
    spate_ctx *ssc = txn_ctx(&m, "tx", first, 2);
    run_to(ssc, 2 * IV);
    spate_ctx_destroy(ssc);
    /* A restart runs batches 1000 and 2000 again (as after a crash between
     * the Kafka commit and the checkpoint's), then a new one. */
    const char *again[] = {"x:1", "y:2", "z:3"};
    ssc = txn_ctx(&m, "tx", again, 3);
    run_to(ssc, 3 * IV);
    cr_expect_eq(batches_failed(ssc), 0, "%s", spate_ctx_last_error(ssc));
    records rs;
    read_topic(&m, "tx", 4, &rs);
    char *got = records_text(&rs, true);
    cr_expect_str_eq(got, "a=1@1000; b=2@1000; c=3@2000; z=3@3000");
    free(got);
    records_free(&rs);
    spate_ctx_destroy(ssc);
    mock_stop(&m);
}

/* Produces n records to partition p of topic, with the headers given. */
static void produce_plain(const mock *m, const char *topic, int32_t p, int n, const char *txn_id,
                          const char *batch_time)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cr_assert_eq(rd_kafka_conf_set(conf, "bootstrap.servers", m->boot, err, sizeof err), 0);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    cr_assert_not_null(rk, "%s", err);
    for (int i = 0; i < n; i++) {
        rd_kafka_headers_t *h = rd_kafka_headers_new(2);
        if (txn_id) rd_kafka_header_add(h, SP_KAFKA_HDR_TXN_ID, -1, txn_id, -1);
        if (batch_time) rd_kafka_header_add(h, SP_KAFKA_HDR_BATCH_TIME, -1, batch_time, -1);
        cr_assert_eq(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(p),
                                       RD_KAFKA_V_VALUE("v", 1), RD_KAFKA_V_HEADERS(h),
                                       RD_KAFKA_V_END),
                     0);
    }
    cr_assert_eq(rd_kafka_flush(rk, 10000), 0);
    rd_kafka_destroy(rk);
}

Test(kafka_out, recovery_finds_the_last_batch_behind_other_writers, .timeout = 60)
{
    mock m;
    mock_start(&m, 1, "mix", 2);
    const char *batches[] = {"a:1 b:2 c:3 d:4 e:5 f:6", "g:7"};
    spate_ctx *ssc = txn_ctx(&m, "mix", batches, 2);
    run_to(ssc, 2 * IV);
    cr_expect_eq(batches_failed(ssc), 0, "%s", spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    /* Behind the output's last records: another output's, and more than a
     * first look-back window of records without headers. */
    for (int p = 0; p < 2; p++) {
        produce_plain(&m, "mix", p, 5, "another-output", "9000");
        produce_plain(&m, "mix", p, 300, NULL, NULL);
    }
    cr_expect_eq(last_committed(&m, "mix", "spate-test-out"), 2000);
    cr_expect_eq(last_committed(&m, "mix", "another-output"), 9000);
    cr_expect_eq(last_committed(&m, "mix", "nobody"), -1);
    cr_expect_eq(last_committed(&m, "no-such-topic", "spate-test-out"), -1);
    mock_stop(&m);
}

Test(kafka_out, a_failed_transactional_delivery_fails_the_batch, .timeout = 60)
{
    mock m;
    mock_start(&m, 3, "tx", 4);
    const char *batches[] = {"a:1 b:2", "c:3"};
    spate_ctx *ssc = txn_ctx(&m, "tx", batches, 2);
    rd_kafka_resp_err_t too_large[16];
    for (int i = 0; i < 16; i++)
        too_large[i] = RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE;
    rd_kafka_mock_push_request_errors_array(m.mc, API_PRODUCE, 16, too_large);
    int64_t before = sp_kafka_producers_created();
    run_to(ssc, IV);
    cr_expect_eq(batches_failed(ssc), 1);
    const char *msg = spate_ctx_last_error(ssc);
    cr_expect(strstr(msg, "Failed to send 2 records to Kafka: topic tx partition "), "%s", msg);
    cr_expect(strstr(msg, "Broker: Message size too large (MSG_SIZE_TOO_LARGE)"), "%s", msg);
    rd_kafka_mock_clear_request_errors(m.mc, API_PRODUCE);
    run_to(ssc, 2 * IV);
    cr_expect_eq(batches_failed(ssc), 1, "%s", spate_ctx_last_error(ssc));
    /* The failed transaction's producer was dropped for a new epoch. */
    cr_expect_eq(sp_kafka_producers_created() - before, 2);
    /* (The 2.0.2 mock shows aborted records to read_committed readers, so
     * batch 1's absence cannot be checked here.) */
    cr_expect_eq(last_committed(&m, "tx", "spate-test-out"), 2000);
    spate_ctx_destroy(ssc);
    mock_stop(&m);
}

/* ---- a real crash: kill -9 after the Kafka commit, before the batch is
 * marked complete in the checkpoint ---------------------------------------- */

enum { T0 = 100000 }; /* manual clock at the first start */

typedef struct crash_setup {
    const mock *m;
    const char *in;
    bool transactional;
    int64_t crash_at; /* the batch whose second output kills the process; -1 never */
} crash_setup;

static spate_err kill_in_batch(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)rdd;
    const crash_setup *c = ud;
    if (time == c->crash_at) kill(getpid(), SIGKILL);
    return SPATE_OK;
}

/* textFileStream -> writeToKafka("lines"), then an output that kills the
 * process in batch crash_at: the Kafka output of that batch is done (and in
 * exactly-once mode committed) but the checkpoint still has it pending. */
static spate_err crash_setup_fn(spate_ctx *ssc, void *ud)
{
    const crash_setup *c = ud;
    spate_stream *lines = spate_text_file_stream(ssc, c->in);
    spate_err err = spate_stream_write_to_kafka(
        lines, params_of(c->m, c->transactional ? TXN : NULL), "lines", NULL, NULL, NULL);
    return err ? err : spate_stream_foreach_rdd(lines, kill_in_batch, (void *)c);
}

static spate_ctx *crash_ctx(const char *ckpt, crash_setup *c)
{
    spate_conf *conf = spate_conf_new();
    char err[512];
    const char *kv[][2] = {{"spate.streaming.clock", "manual"},
                           {"spate.master", "local[2]"},
                           {"spate.log.level", "OFF"}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        cr_assert_eq(spate_conf_set(conf, kv[i][0], kv[i][1], err, sizeof err), SPATE_OK);
    spate_ctx *ssc = spate_ctx_get_or_create(ckpt, conf, IV, crash_setup_fn, c, err, sizeof err);
    if (ssc && !spate_ctx_recovered(ssc)) spate_clock_set(spate_ctx_clock(ssc), T0);
    return ssc;
}

/* Runs batches from the clock's time to `last` (a restored context re-runs
 * its pending batches by itself; they are waited for with the later ones). */
static bool run_batches_to(spate_ctx *ssc, int last)
{
    if (spate_ctx_get_state(ssc) == SPATE_CTX_INITIALIZED && spate_ctx_start(ssc) != SPATE_OK)
        return false;
    spate_clock *clock = spate_ctx_clock(ssc);
    for (int64_t t = spate_clock_now(clock); t <= T0 + last * IV; t += IV) {
        if (t > spate_clock_now(clock)) spate_clock_set(clock, t);
        if (t > T0 && spate_ctx_await_batch(ssc, t, WAIT_MS) != SPATE_OK) return false;
    }
    return true;
}

static void write_input(const char *dir, int i)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/in-%02d.txt", dir, i);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "a%d\nb%d\n", i, i);
    fclose(f);
    int64_t mtime = T0 + i * IV - 300; /* inside batch i */
    struct timespec ts[2] = {{mtime / 1000, (mtime % 1000) * 1000000L},
                             {mtime / 1000, (mtime % 1000) * 1000000L}};
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* The child of crash_and_recover: forked before the test process has any
 * thread (librdkafka's, the mock's), so no lock is inherited held; it reads
 * the mock's bootstrap servers from fd, runs batches 1..3 and is killed in
 * batch 3. */
static void crashing_child(int fd, crash_setup *c, const char *ckpt)
{
    char boot[512];
    ssize_t n = read(fd, boot, sizeof boot - 1);
    if (n <= 0) _exit(11);
    boot[n] = '\0';
    mock m = {.boot = boot};
    c->m = &m;
    spate_ctx *ssc = crash_ctx(ckpt, c);
    _exit(ssc && run_batches_to(ssc, 3) ? 13 : 12); /* batch 3 should kill it */
}

/* Five batches of two lines; the process is killed in batch 3 after its
 * Kafka output and restarted from the checkpoint. What the topic holds. */
static char *crash_and_recover(bool transactional)
{
    char in[] = "/tmp/spate-kout-in-XXXXXX", ckpt[] = "/tmp/spate-kout-ckpt-XXXXXX";
    cr_assert_not_null(mkdtemp(in));
    cr_assert_not_null(mkdtemp(ckpt));
    for (int i = 1; i <= 5; i++)
        write_input(in, i);
    crash_setup c = {.in = in, .transactional = transactional, .crash_at = T0 + 3 * IV};
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) crashing_child(fds[0], &c, ckpt);
    mock m;
    mock_start(&m, 1, "lines", 2);
    cr_assert_eq(write(fds[1], m.boot, strlen(m.boot)), (ssize_t)strlen(m.boot));
    close(fds[0]);
    close(fds[1]);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
    c.m = &m;
    c.crash_at = -1;
    spate_ctx *ssc = crash_ctx(ckpt, &c);
    cr_assert_not_null(ssc);
    cr_assert(spate_ctx_recovered(ssc));
    cr_assert(run_batches_to(ssc, 5), "%s", spate_ctx_last_error(ssc));
    cr_expect_eq(batches_failed(ssc), 0, "%s", spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    records rs;
    read_topic(&m, "lines", 2, &rs);
    char *got = records_text(&rs, transactional);
    records_free(&rs);
    mock_stop(&m);
    nftw(in, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    nftw(ckpt, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    return got;
}

Test(kafka_out, exactly_once_across_a_kill_after_the_commit, .timeout = 60)
{
    char *got = crash_and_recover(true);
    /* Batch 3 ran again after the restart and was skipped: once each. */
    cr_expect_str_eq(got, "-=a1@101000; -=a2@102000; -=a3@103000; -=a4@104000; -=a5@105000; "
                          "-=b1@101000; -=b2@102000; -=b3@103000; -=b4@104000; -=b5@105000");
    free(got);
}

Test(kafka_out, at_least_once_across_a_kill_after_the_output, .timeout = 60)
{
    char *got = crash_and_recover(false);
    /* Without a transaction the re-run batch 3 is written again. */
    cr_expect_str_eq(got, "-=a1; -=a2; -=a3; -=a3; -=a4; -=a5; -=b1; -=b2; -=b3; -=b3; -=b4; -=b5");
    free(got);
}
