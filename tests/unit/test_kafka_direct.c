/* test_kafka_direct.c - KafkaUtils.createDirectStream against librdkafka's
 * mock cluster, in process: Spark's DirectKafkaStreamSuite cases (multiple
 * topics with a starting offset, pattern subscription, latest, Assign by
 * offset, offset recovery from the checkpoint and from Kafka, input info),
 * consumer records' fields, offset ranges, commitAsync, rate limits, data
 * loss (failOnDataLoss), and faults (unreachable bootstrap, unknown topic,
 * brokers down while a batch is planned or read).
 *
 * Batches run on the manual clock; the only real waits are Kafka's (bounded
 * by the short timeouts kafka_direct_util.h sets). */
#include "kafka_direct_util.h"

#include "stream/inputs/kafka_direct.h"
#include "connect/kafka_params.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- collecting what a stream reads ---------------------------------------- */

enum { MAX_BATCHES = 32 };

typedef struct collector {
    pthread_mutex_t mu;
    char **items; /* "topic:partition:offset:value" */
    int n, cap;
    int batches;
    char ranges[MAX_BATCHES][256]; /* "topic-p:from-until ..." per batch */
    bool sizes_match;              /* each partition has its range's record count */
    spate_stream *direct;          /* commitAsync target, when set */
    bool with_callback;            /* commitAsync(ranges, callback) */
    int commit_status;
    char commits[MAX_BATCHES][256]; /* what each commit's callback was told */
    int ncommits;
} collector;

static void collector_init(collector *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->sizes_match = true;
}

static void collector_free(collector *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->items[i]);
    free(c->items);
    pthread_mutex_destroy(&c->mu);
}

static char *str_of(spate_value v)
{
    char buf[512];
    if (v.type == SPATE_STR) {
        snprintf(buf, sizeof buf, "%.*s", (int)v.len, v.u.s);
        return strdup(buf);
    }
    spate_value_format(v, buf, sizeof buf);
    return strdup(buf);
}

static char *record_text(spate_value rec)
{
    char *topic = str_of(spate_kafka_record_topic(rec)),
         *value = str_of(spate_kafka_record_value(rec));
    char buf[1024];
    snprintf(buf, sizeof buf, "%s:%d:%lld:%s", topic, (int)spate_kafka_record_partition(rec),
             (long long)spate_kafka_record_offset(rec), value);
    free(topic);
    free(value);
    return strdup(buf);
}

static void ranges_text(const spate_offset_range *r, int n, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s-%d:%lld-%lld", i ? " " : "",
                                r[i].topic, (int)r[i].partition, (long long)r[i].from_offset,
                                (long long)r[i].until_offset);
}

/* The commit callback: "topic-p:offset ..." or "ERR message". */
static void committed(const spate_topic_offset *offsets, int n, const char *error, void *ud)
{
    collector *c = ud;
    pthread_mutex_lock(&c->mu);
    if (c->ncommits < MAX_BATCHES) {
        char *buf = c->commits[c->ncommits];
        size_t size = sizeof c->commits[0], len = 0;
        if (error) snprintf(buf, size, "ERR %s", error);
        for (int i = 0; !error && i < n && len < size; i++)
            len += (size_t)snprintf(buf + len, size - len, "%s%s-%d:%lld", i ? " " : "",
                                    offsets[i].topic, (int)offsets[i].partition,
                                    (long long)offsets[i].offset);
    }
    c->ncommits++;
    pthread_mutex_unlock(&c->mu);
}

static spate_err collect_batch(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    collector *c = ud;
    const spate_offset_range *r;
    int n;
    cr_assert_eq(spate_kafka_offset_ranges(rdd, &r, &n), SPATE_OK);
    cr_assert_eq(n, spate_rdd_num_partitions(rdd), "one RDD partition per Kafka partition");
    spate_value *parts;
    size_t nparts;
    spate_err err = spate_rdd_collect(spate_rdd_glom(rdd), &parts, &nparts);
    if (err) return err;
    pthread_mutex_lock(&c->mu);
    if (c->batches < MAX_BATCHES) ranges_text(r, n, c->ranges[c->batches], sizeof c->ranges[0]);
    c->batches++;
    for (size_t i = 0; i < nparts; i++) {
        if ((int64_t)parts[i].len != r[i].until_offset - r[i].from_offset) c->sizes_match = false;
        for (uint32_t k = 0; k < parts[i].len; k++) {
            if (c->n == c->cap)
                c->items = realloc(c->items,
                                   sizeof *c->items * (size_t)(c->cap = c->cap ? 2 * c->cap : 64));
            c->items[c->n++] = record_text(parts[i].u.items[k]);
        }
    }
    pthread_mutex_unlock(&c->mu);
    if (c->direct && c->with_callback)
        c->commit_status = spate_kafka_commit_async_with_callback(c->direct, r, n, committed, c);
    else if (c->direct)
        c->commit_status = spate_kafka_commit_async(c->direct, r, n);
    return SPATE_OK;
}

static bool collected(collector *c, const char *item)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->items[i], item)) return true;
    return false;
}

static int count_prefix(collector *c, const char *prefix)
{
    int k = 0;
    for (int i = 0; i < c->n; i++)
        k += !strncmp(c->items[i], prefix, strlen(prefix));
    return k;
}

static spate_stream *direct(spate_ctx *ssc, spate_kafka_params *p, spate_consumer_strategy *s,
                            collector *c)
{
    spate_stream *d = spate_kafka_direct_stream(ssc, p, s);
    cr_assert_not_null(d, "%s", spate_ctx_last_error(ssc));
    cr_assert_eq(spate_stream_foreach_rdd(d, collect_batch, c), SPATE_OK);
    return d;
}

static void start(spate_ctx *ssc)
{
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
}

/* Spark's sendMessages(Map("a" -> 7, "b" -> 9)). */
static void send_ab(kmock *m, const char *topic)
{
    for (int i = 0; i < 16; i++)
        ku_send(m, topic, 0, NULL, i < 7 ? "a" : "b", 1, 0, false);
    ku_flush(m);
}

/* ---- DirectKafkaStreamSuite ---------------------------------------------------- */

Test(kafka_direct, multiple_topics_and_a_starting_offset, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    const char *topics[] = {"basic1", "basic2", "basic3"};
    for (int i = 0; i < 3; i++) {
        ku_topic(&m, topics[i], 1);
        send_ab(&m, topics[i]);
    }
    spate_topic_offset off = {"basic3", 0, 2}; /* basic3 starts 2 records later */
    spate_ctx *ssc = ku_ctx(NULL);
    collector c;
    collector_init(&c);
    direct(ssc, ku_params(&m, "basic", "earliest"), spate_kafka_subscribe(topics, 3, &off, 1), &c);
    start(ssc);
    ku_run_batch(ssc, 1000);
    spate_ctx_destroy(ssc);
    cr_expect_eq(c.n, 16 * 3 - 2);
    cr_expect(c.sizes_match, "offset ranges are wrong");
    cr_expect_str_eq(c.ranges[0], "basic1-0:0-16 basic2-0:0-16 basic3-0:2-16");
    cr_expect(collected(&c, "basic3:0:2:a") && !collected(&c, "basic3:0:1:a"));
    collector_free(&c);
    ku_mock_stop(&m);
}

Test(kafka_direct, pattern_subscription_takes_new_topics, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    const char *topics[] = {"pat1", "pat2", "pat3", "advanced3"};
    for (int i = 0; i < 4; i++) {
        ku_topic(&m, topics[i], 1);
        send_ab(&m, topics[i]);
    }
    spate_topic_offset offs[] = {{"pat2", 0, 3}, {"pat3", 0, 4}, {"pat5", 0, 1}};
    spate_ctx *ssc = ku_ctx(NULL);
    collector c;
    collector_init(&c);
    direct(ssc, ku_params(&m, "pattern", "earliest"),
           spate_kafka_subscribe_pattern("pat\\d", offs, 3), &c);
    start(ssc);
    ku_run_batch(ssc, 1000);
    cr_expect_eq(c.n, 16 * 3 - 7, "3 matching topics, two starting 7 records later");
    cr_expect_eq(count_prefix(&c, "advanced3:"), 0);
    /* Topics made later: the pattern matches whole names only. */
    ku_topic(&m, "pat5", 2);
    ku_topic(&m, "pat55", 1);
    ku_send_n(&m, "pat5", 0, "n", 0, 3);
    ku_send_n(&m, "pat5", 1, "n", 0, 2);
    ku_send_n(&m, "pat55", 0, "n", 0, 2);
    ku_run_batch(ssc, 2000);
    spate_ctx_destroy(ssc);
    cr_expect_eq(count_prefix(&c, "pat5:0:"), 2, "pat5-0 starts at the offset given (1)");
    cr_expect_eq(count_prefix(&c, "pat5:1:"), 2, "pat5-1 starts at auto.offset.reset (earliest)");
    cr_expect_eq(count_prefix(&c, "pat55:"), 0);
    cr_expect(c.sizes_match);
    collector_free(&c);
    ku_mock_stop(&m);
}

Test(kafka_direct, latest_starts_at_the_end, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "latest", 1);
    ku_send_n(&m, "latest", 0, "a", 0, 10);
    const char *topics[] = {"latest"};
    spate_ctx *ssc = ku_ctx(NULL);
    collector c;
    collector_init(&c);
    direct(ssc, ku_params(&m, "latest", "latest"), spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    start(ssc);
    ku_send_n(&m, "latest", 0, "b", 0, 10);
    ku_run_batch(ssc, 1000);
    spate_ctx_destroy(ssc);
    cr_expect_eq(count_prefix(&c, "latest:0:"), 10);
    cr_expect_str_eq(c.ranges[0], "latest-0:10-20");
    cr_expect_str_eq(c.n ? c.items[0] : "", "latest:0:10:b0");
    collector_free(&c);
    ku_mock_stop(&m);
}

Test(kafka_direct, assign_by_offset_with_reset_none, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "offset", 2);
    ku_send_n(&m, "offset", 0, "a", 0, 10);
    spate_topic_partition tp = {"offset", 0};
    spate_topic_offset off = {"offset", 0, 11};
    spate_ctx *ssc = ku_ctx(NULL);
    collector c;
    collector_init(&c);
    direct(ssc, ku_params(&m, "offset", "none"), spate_kafka_assign(&tp, 1, &off, 1), &c);
    start(ssc);
    ku_send_n(&m, "offset", 0, "b", 0, 10);
    ku_send_n(&m, "offset", 1, "z", 0, 3); /* not assigned */
    ku_run_batch(ssc, 1000);
    spate_ctx_destroy(ssc);
    cr_expect_str_eq(c.ranges[0], "offset-0:11-20");
    cr_expect_eq(c.n, 9);
    cr_expect_eq(count_prefix(&c, "offset:1:"), 0);
    collector_free(&c);
    ku_mock_stop(&m);
}

Test(kafka_direct, reset_none_without_an_offset_fails_the_start, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "nooff", 2);
    const char *topics[] = {"nooff"};
    spate_ctx *ssc = ku_ctx(NULL);
    collector c;
    collector_init(&c);
    spate_topic_offset off = {"nooff", 1, 0};
    direct(ssc, ku_params(&m, "nooff", "none"), spate_kafka_subscribe(topics, 1, &off, 1), &c);
    cr_expect_neq(spate_ctx_start(ssc), SPATE_OK);
    cr_expect(strstr(spate_ctx_last_error(ssc),
                     "Undefined offset with no reset policy for partitions: [nooff-0]"),
              "%s", spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    collector_free(&c);
    ku_mock_stop(&m);
}

/* Spark's "Direct Kafka stream report input information". */
static void sum_records(const spate_batch_info *b, void *ud)
{
    atomic_fetch_add((atomic_llong *)ud, b->records);
}

Test(kafka_direct, input_info_counts_the_ranges, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "report-test", 3);
    ku_send_n(&m, "report-test", 0, "a", 0, 7);
    ku_send_n(&m, "report-test", 2, "b", 0, 9);
    const char *topics[] = {"report-test"};
    spate_ctx *ssc = ku_ctx(NULL);
    atomic_llong submitted = 0, completed = 0;
    spate_listener l = {.on_batch_submitted = sum_records, .ud = &submitted};
    spate_listener l2 = {.on_batch_completed = sum_records, .ud = &completed};
    spate_ctx_add_listener(ssc, &l);
    spate_ctx_add_listener(ssc, &l2);
    collector c;
    collector_init(&c);
    direct(ssc, ku_params(&m, "report", "earliest"), spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    start(ssc);
    ku_run_batch(ssc, 1000);
    ku_run_batch(ssc, 2000);
    spate_ctx_destroy(ssc);
    cr_expect_eq(c.n, 16);
    cr_expect_eq(atomic_load(&submitted), 16);
    cr_expect_eq(atomic_load(&completed), 16);
    cr_expect_str_eq(c.ranges[0], "report-test-0:0-7 report-test-1:0-0 report-test-2:0-9");
    cr_expect_str_eq(c.ranges[1], "report-test-0:7-7 report-test-1:0-0 report-test-2:9-9");
    collector_free(&c);
    ku_mock_stop(&m);
}

/* ---- records and offset ranges ---------------------------------------------------- */

typedef struct fields_seen {
    pthread_mutex_t mu;
    char text[4][512];
    int n;
    spate_err other_rdd;
} fields_seen;

static spate_value identity(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return v;
}

static spate_err keep_fields(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    fields_seen *f = ud;
    const spate_offset_range *r;
    int n;
    f->other_rdd = spate_kafka_offset_ranges(spate_rdd_map(rdd, identity, NULL), &r, &n);
    spate_value *v;
    size_t len;
    spate_err err = spate_rdd_collect(rdd, &v, &len);
    for (size_t i = 0; !err && i < len && f->n < 4; i++)
        spate_value_format(v[i], f->text[f->n++], sizeof f->text[0]);
    return err;
}

static void check_fields(const char *key_deser, const char *want[3])
{
    kmock m;
    ku_mock_start(&m, 1);
    ku_topic(&m, "fields", 1);
    ku_send(&m, "fields", 0, "k1", "v1", 2, 1700000000000, true);
    ku_send(&m, "fields", 0, NULL, "v2", 2, 1700000000001, false);
    ku_send(&m, "fields", 0, "k3", NULL, 0, 1700000000002, false); /* a tombstone */
    ku_flush(&m);
    const char *topics[] = {"fields"};
    spate_ctx *ssc = ku_ctx(NULL);
    spate_kafka_params *p = ku_params(&m, "fields", "earliest");
    char err[256];
    if (key_deser)
        cr_assert_eq(spate_kafka_params_set(p, "key.deserializer", key_deser, err, sizeof err), 0);
    spate_stream *d = spate_kafka_direct_stream(ssc, p, spate_kafka_subscribe(topics, 1, NULL, 0));
    fields_seen f = {.n = 0};
    cr_assert_eq(spate_stream_foreach_rdd(d, keep_fields, &f), SPATE_OK);
    start(ssc);
    ku_run_batch(ssc, 1000);
    spate_ctx_destroy(ssc);
    cr_expect_eq(f.other_rdd, SPATE_ERR_INVALID_ARG, "a mapped RDD has no offset ranges");
    cr_assert_eq(f.n, 3);
    for (int i = 0; i < 3; i++)
        cr_expect_str_eq(f.text[i], want[i]);
    ku_mock_stop(&m);
}

Test(kafka_direct, records_have_every_field, .timeout = 30)
{
    const char *want[3] = {
        "(fields,0,0,1700000000000,CreateTime,k1,v1,List((h,Array(120))))",
        "(fields,0,1,1700000000001,CreateTime,null,v2,List())",
        "(fields,0,2,1700000000002,CreateTime,k3,null,List())",
    };
    check_fields(NULL, want);
}

Test(kafka_direct, byte_array_deserializer_gives_bytes, .timeout = 30)
{
    const char *want[3] = {
        "(fields,0,0,1700000000000,CreateTime,Array(107, 49),v1,List((h,Array(120))))",
        "(fields,0,1,1700000000001,CreateTime,null,v2,List())",
        "(fields,0,2,1700000000002,CreateTime,Array(107, 51),null,List())",
    };
    check_fields("org.apache.kafka.common.serialization.ByteArrayDeserializer", want);
}

Test(kafka_direct, record_accessors_on_other_values)
{
    spate_value v = spate_i64(3);
    cr_expect_eq(spate_kafka_record_topic(v).type, SPATE_NULL);
    cr_expect_eq(spate_kafka_record_offset(v), -1);
    cr_expect_eq(spate_kafka_record_timestamp(v), -1);
    const spate_offset_range *r;
    int n;
    cr_expect_eq(spate_kafka_offset_ranges(NULL, &r, &n), SPATE_ERR_INVALID_ARG);
}

/* ---- rate limits ---------------------------------------------------------------- */

Test(kafka_direct, max_rate_per_partition_limits_each_batch, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "rate", 2);
    ku_send_n(&m, "rate", 0, "a", 0, 25);
    ku_send_n(&m, "rate", 1, "b", 0, 25);
    const char *topics[] = {"rate"};
    const char *conf[] = {"spate.streaming.kafka.maxRatePerPartition", "10", NULL};
    spate_ctx *ssc = ku_ctx(conf);
    collector c;
    collector_init(&c);
    direct(ssc, ku_params(&m, "rate", "earliest"), spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    start(ssc);
    for (int b = 1; b <= 3; b++)
        ku_run_batch(ssc, b * 1000);
    spate_ctx_destroy(ssc);
    cr_expect_str_eq(c.ranges[0], "rate-0:0-10 rate-1:0-10");
    cr_expect_str_eq(c.ranges[1], "rate-0:10-20 rate-1:10-20");
    cr_expect_str_eq(c.ranges[2], "rate-0:20-25 rate-1:20-25");
    cr_expect_eq(c.n, 50);
    cr_expect(c.sizes_match);
    collector_free(&c);
    ku_mock_stop(&m);
}

/* Spark's consumer cache: a partition read on from where its previous batch
 * ended on the same executor thread is neither started again nor sought. */
Test(kafka_direct, executor_consumers_are_reused_across_batches, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "reuse", 2);
    const char *topics[] = {"reuse"};
    const char *conf[] = {"spate.master", "local[1]", NULL};
    spate_ctx *ssc = ku_ctx(conf);
    collector c;
    collector_init(&c);
    spate_stream *d = direct(ssc, ku_params(&m, "reuse", "earliest"),
                             spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    start(ssc);
    for (int b = 1; b <= 4; b++) {
        ku_send_n(&m, "reuse", 0, "a", b * 10, 3);
        ku_send_n(&m, "reuse", 1, "b", b * 10, 2);
        ku_run_batch(ssc, b * 1000);
    }
    int64_t starts, seeks;
    sp_kafka_reader_counts(sp_kafka_direct_reader(d), &starts, &seeks);
    spate_ctx_destroy(ssc);
    cr_expect_eq(c.n, 4 * 5);
    cr_expect_eq(starts, 2, "one start per partition");
    cr_expect_eq(seeks, 0);
    collector_free(&c);
    ku_mock_stop(&m);
}

/* ---- commitAsync ---------------------------------------------------------------- */

static void committed_offsets(kmock *m, const char *group, const char *topic, int n, int64_t *out)
{
    char err[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, ku_quiet_log);
    rd_kafka_conf_set(conf, "bootstrap.servers", m->boot, err, sizeof err);
    rd_kafka_conf_set(conf, "group.id", group, err, sizeof err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    cr_assert_not_null(rk, "%s", err);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(n);
    for (int i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, topic, i);
    cr_assert_eq(rd_kafka_committed(rk, l, 5000), 0);
    for (int i = 0; i < n; i++)
        out[i] = l->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

Test(kafka_direct, commit_async_stores_offsets_a_new_stream_starts_from, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "commits", 2);
    ku_send_n(&m, "commits", 0, "a", 0, 4);
    ku_send_n(&m, "commits", 1, "b", 0, 6);
    const char *topics[] = {"commits"};
    spate_ctx *ssc = ku_ctx(NULL);
    collector c;
    collector_init(&c);
    c.direct =
        direct(ssc, ku_params(&m, "cg", "earliest"), spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    start(ssc);
    ku_run_batch(ssc, 1000);
    ku_send_n(&m, "commits", 0, "a", 4, 1);
    ku_run_batch(ssc, 2000);
    spate_ctx_destroy(ssc); /* sends the last queued commit */
    cr_expect_eq(c.commit_status, SPATE_OK);
    int64_t got[2];
    committed_offsets(&m, "cg", "commits", 2, got);
    cr_expect_eq(got[0], 5);
    cr_expect_eq(got[1], 6);
    collector_free(&c);

    /* The group's next stream starts where the commits say. */
    ku_send_n(&m, "commits", 1, "b", 6, 2);
    ssc = ku_ctx(NULL);
    collector_init(&c);
    direct(ssc, ku_params(&m, "cg", "earliest"), spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    start(ssc);
    ku_run_batch(ssc, 1000);
    spate_ctx_destroy(ssc);
    cr_expect_str_eq(c.ranges[0], "commits-0:5-5 commits-1:6-8");
    collector_free(&c);
    ku_mock_stop(&m);
}

Test(kafka_direct, commit_async_callback_is_told_each_commit, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "cbcommits", 2);
    ku_send_n(&m, "cbcommits", 0, "a", 0, 4);
    ku_send_n(&m, "cbcommits", 1, "b", 0, 6);
    const char *topics[] = {"cbcommits"};
    spate_ctx *ssc = ku_ctx(NULL);
    collector c;
    collector_init(&c);
    c.with_callback = true;
    c.direct = direct(ssc, ku_params(&m, "cbg", "earliest"),
                      spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    start(ssc);
    ku_run_batch(ssc, 1000); /* queues 4, 6 */
    ku_send_n(&m, "cbcommits", 0, "a", 4, 1);
    ku_run_batch(ssc, 2000); /* sends them; queues 5, 6 */
    spate_ctx_destroy(ssc);  /* sends 5, 6 and waits for both results */
    cr_expect_eq(c.commit_status, SPATE_OK);
    cr_assert_eq(c.ncommits, 2, "one callback per commit");
    cr_expect_str_eq(c.commits[0], "cbcommits-0:4 cbcommits-1:6");
    cr_expect_str_eq(c.commits[1], "cbcommits-0:5 cbcommits-1:6");
    collector_free(&c);
    ku_mock_stop(&m);
}

enum { API_OFFSET_COMMIT = 8 }; /* Kafka's ApiKey of OffsetCommit requests */

Test(kafka_direct, commit_async_callback_is_told_the_brokers_error, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 1);
    ku_topic(&m, "cbfail", 2);
    ku_send_n(&m, "cbfail", 0, "a", 0, 3);
    const char *topics[] = {"cbfail"};
    spate_ctx *ssc = ku_ctx(NULL);
    collector c;
    collector_init(&c);
    c.with_callback = true;
    c.direct = direct(ssc, ku_params(&m, "cbf", "earliest"),
                      spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    start(ssc);
    ku_run_batch(ssc, 1000);
    rd_kafka_resp_err_t too_large[8];
    for (int i = 0; i < 8; i++)
        too_large[i] = RD_KAFKA_RESP_ERR_OFFSET_METADATA_TOO_LARGE;
    rd_kafka_mock_push_request_errors_array(m.mc, API_OFFSET_COMMIT, 8, too_large);
    spate_ctx_destroy(ssc);
    cr_assert_eq(c.ncommits, 1);
    cr_expect(strstr(c.commits[0], "ERR commitAsync of 2 partitions failed: ") == c.commits[0],
              "%s", c.commits[0]);
    cr_expect(strstr(c.commits[0], "metadata") != NULL, "the broker's error: %s", c.commits[0]);
    int64_t got[2];
    committed_offsets(&m, "cbf", "cbfail", 2, got);
    cr_expect_eq(got[0], RD_KAFKA_OFFSET_INVALID, "nothing was stored");
    collector_free(&c);
    ku_mock_stop(&m);
}

Test(kafka_direct, commit_async_needs_a_group_and_a_direct_stream, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 1);
    ku_topic(&m, "nogroup", 1);
    const char *topics[] = {"nogroup"};
    spate_ctx *ssc = ku_ctx(NULL);
    spate_stream *d = spate_kafka_direct_stream(ssc, ku_params(&m, NULL, "earliest"),
                                                spate_kafka_subscribe(topics, 1, NULL, 0));
    cr_assert_not_null(d, "%s", spate_ctx_last_error(ssc));
    spate_offset_range r = {"nogroup", 0, 0, 1};
    cr_expect_eq(spate_kafka_commit_async(d, &r, 1), SPATE_ERR_UNSUPPORTED);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_expect_eq(spate_kafka_commit_async(q, &r, 1), SPATE_ERR_INVALID_ARG);
    cr_expect_eq(spate_kafka_commit_async_with_callback(d, &r, 1, committed, NULL),
                 SPATE_ERR_UNSUPPORTED);
    spate_ctx_destroy(ssc);
    ku_mock_stop(&m);
}

/* ---- argument errors -------------------------------------------------------------- */

Test(kafka_direct, bad_arguments_are_reported)
{
    spate_ctx *ssc = ku_ctx(NULL);
    const char *topics[] = {"t"};
    spate_kafka_params *p = spate_kafka_params_new();
    cr_expect_null(spate_kafka_direct_stream(ssc, p, spate_kafka_subscribe(topics, 1, NULL, 0)));
    cr_expect(
        strstr(spate_ctx_last_error(ssc), "Missing required configuration \"bootstrap.servers\""),
        "%s", spate_ctx_last_error(ssc));
    p = spate_kafka_params_new();
    char err[256];
    spate_kafka_params_set(p, "bootstrap.servers", "127.0.0.1:1", err, sizeof err);
    cr_expect_null(
        spate_kafka_direct_stream(ssc, p, spate_kafka_subscribe_pattern("pat(", NULL, 0)));
    cr_expect(
        strstr(spate_ctx_last_error(ssc), "SubscribePattern: invalid pattern \"pat(\" at offset 4"),
        "%s", spate_ctx_last_error(ssc));
    p = spate_kafka_params_new();
    spate_kafka_params_set(p, "bootstrap.servers", "127.0.0.1:1", err, sizeof err);
    cr_expect_null(spate_kafka_direct_stream(ssc, p, spate_kafka_subscribe(topics, 0, NULL, 0)));
    cr_expect(strstr(spate_ctx_last_error(ssc), "Subscribe: no topics given"));
    cr_expect_null(spate_kafka_direct_stream(NULL, spate_kafka_params_new(),
                                             spate_kafka_subscribe(topics, 1, NULL, 0)));
    spate_ctx_destroy(ssc);
}

Test(kafka_direct, params_check_what_spark_checks)
{
    static const struct {
        const char *key, *value, *err;
    } cases[] = {
        {"auto.offset.reset", "smallest",
         "Invalid value smallest for configuration auto.offset.reset: String must be one of: "
         "latest, earliest, none"},
        {"failOnDataLoss", "maybe",
         "Invalid value maybe for configuration failOnDataLoss: expected true or false"},
        {"value.deserializer", "LongDeserializer",
         "Invalid value LongDeserializer for configuration value.deserializer: expected string "
         "(StringDeserializer) or bytes (ByteArrayDeserializer)"},
        {"auto.offset.reset", "earliest", NULL},
        {"key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer", NULL},
        {"max.poll.records", "10", NULL}, /* a Java-only key: warned about when used */
    };
    spate_kafka_params *p = spate_kafka_params_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[256] = "";
        spate_err rc = spate_kafka_params_set(p, cases[i].key, cases[i].value, err, sizeof err);
        cr_expect_eq(rc, cases[i].err ? SPATE_ERR_INVALID_ARG : SPATE_OK, "%s", cases[i].key);
        if (cases[i].err) cr_expect_str_eq(err, cases[i].err);
    }
    cr_expect_str_eq(spate_kafka_params_get(p, "auto.offset.reset"), "earliest");
    cr_expect_null(spate_kafka_params_get(p, "failOnDataLoss"));
    spate_kafka_params_destroy(p);
}

static char *rdconf_value(const spate_kafka_params *p, const char *key)
{
    char err[256], buf[64];
    size_t size = sizeof buf;
    rd_kafka_conf_t *conf = sp_kafka_params_rdconf(p, NULL, "test", err, sizeof err);
    cr_assert_not_null(conf, "%s", err);
    cr_assert_eq(rd_kafka_conf_get(conf, key, buf, &size), RD_KAFKA_CONF_OK);
    rd_kafka_conf_destroy(conf);
    return strdup(buf);
}

Test(kafka_direct, clients_start_from_the_java_clients_reconnect_backoff)
{
    spate_kafka_params *p = spate_kafka_params_new();
    char *v = rdconf_value(p, "reconnect.backoff.max.ms");
    cr_expect_str_eq(v, "1000", "librdkafka's default is 10000");
    free(v);
    char err[256];
    cr_assert_eq(spate_kafka_params_set(p, "reconnect.backoff.max.ms", "250", err, sizeof err),
                 SPATE_OK);
    v = rdconf_value(p, "reconnect.backoff.max.ms");
    cr_expect_str_eq(v, "250", "the params win");
    free(v);
    spate_kafka_params_destroy(p);
}

/* ---- faults -------------------------------------------------------------------------- */

Test(kafka_direct, unreachable_bootstrap_fails_the_start_in_bounded_time, .timeout = 30)
{
    const char *conf[] = {"spate.streaming.kafka.metadata.timeout", "500ms", NULL};
    spate_ctx *ssc = ku_ctx(conf);
    spate_kafka_params *p = spate_kafka_params_new();
    char err[256];
    spate_kafka_params_set(p, "bootstrap.servers", "127.0.0.1:1", err, sizeof err);
    const char *topics[] = {"t"};
    collector c;
    collector_init(&c);
    direct(ssc, p, spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    int64_t t0 = ku_now_ms();
    cr_expect_neq(spate_ctx_start(ssc), SPATE_OK);
    int64_t took = ku_now_ms() - t0;
    cr_expect_lt(took, 3000, "start took %lld ms", (long long)took);
    cr_expect(strstr(spate_ctx_last_error(ssc),
                     "Timeout expired while fetching topic metadata from bootstrap.servers "
                     "127.0.0.1:1"),
              "%s", spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    collector_free(&c);
}

Test(kafka_direct, unknown_topic_fails_the_start_in_bounded_time, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 1);
    const char *conf[] = {"spate.streaming.kafka.metadata.timeout", "500ms", NULL};
    spate_ctx *ssc = ku_ctx(conf);
    const char *topics[] = {"nope"};
    collector c;
    collector_init(&c);
    direct(ssc, ku_params(&m, "g", "earliest"), spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    int64_t t0 = ku_now_ms();
    cr_expect_eq(spate_ctx_start(ssc), SPATE_ERR_NOT_FOUND);
    cr_expect_lt(ku_now_ms() - t0, 3000);
    cr_expect(strstr(spate_ctx_last_error(ssc), "Topic nope not present in metadata after"), "%s",
              spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    spate_topic_partition tp = {"few", 5};
    ku_topic(&m, "few", 2);
    ssc = ku_ctx(conf);
    direct(ssc, ku_params(&m, "g", "earliest"), spate_kafka_assign(&tp, 1, NULL, 0), &c);
    cr_expect_eq(spate_ctx_start(ssc), SPATE_ERR_NOT_FOUND);
    cr_expect(strstr(spate_ctx_last_error(ssc), "Partition few-5 not present in metadata"), "%s",
              spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    collector_free(&c);
    ku_mock_stop(&m);
}

Test(kafka_direct, brokers_down_fail_the_batch_then_nothing_is_lost, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "down", 2);
    ku_send_n(&m, "down", 0, "a", 0, 5);
    const char *conf[] = {"spate.streaming.kafka.metadata.timeout", "500ms", NULL};
    spate_ctx *ssc = ku_ctx(conf);
    const char *topics[] = {"down"};
    collector c;
    collector_init(&c);
    direct(ssc, ku_params(&m, "down", "earliest"), spate_kafka_subscribe(topics, 1, NULL, 0), &c);
    start(ssc);
    ku_run_batch(ssc, 1000);
    ku_send_n(&m, "down", 1, "b", 0, 5);
    rd_kafka_mock_broker_set_down(m.mc, -1);
    int64_t t0 = ku_now_ms();
    ku_run_batch(ssc, 2000);
    cr_expect_lt(ku_now_ms() - t0, 5000);
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_expect_eq(st.batches_failed, 1);
    cr_expect(strstr(spate_ctx_last_error(ssc), "Timeout expired while fetching topic metadata") ||
                  strstr(spate_ctx_last_error(ssc), "Failed to get the"),
              "%s", spate_ctx_last_error(ssc));
    rd_kafka_mock_broker_set_up(m.mc, -1);
    for (int b = 3; b <= 8 && c.n < 10; b++)
        ku_run_batch(ssc, b * 1000);
    spate_ctx_destroy(ssc);
    cr_expect_eq(c.n, 10, "every record once after the brokers came back");
    cr_expect(c.sizes_match);
    collector_free(&c);
    ku_mock_stop(&m);
}

/* foreachRDD taking the brokers down before its tasks read. */
typedef struct down_ctx {
    kmock *m;
    int64_t down_at;
    collector *c;
} down_ctx;

static spate_err read_with_brokers_down(spate_rdd *rdd, int64_t time, void *ud)
{
    down_ctx *d = ud;
    if (time != d->down_at) return collect_batch(rdd, time, d->c);
    rd_kafka_mock_broker_set_down(d->m->mc, -1);
    int64_t n;
    spate_err err = spate_rdd_count(rdd, &n);
    rd_kafka_mock_broker_set_up(d->m->mc, -1);
    return err;
}

/* One executor thread, whose consumer is connected (batch 1 read) when the
 * brokers go down, and a partition it has not prefetched. */
Test(kafka_direct, a_task_without_records_fails_after_poll_ms, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "pollto", 2);
    ku_send_n(&m, "pollto", 0, "a", 0, 5);
    const char *conf[] = {"spate.streaming.kafka.consumer.poll.ms", "500ms", "spate.master",
                          "local[1]", NULL};
    spate_ctx *ssc = ku_ctx(conf);
    const char *topics[] = {"pollto"};
    collector c;
    collector_init(&c);
    down_ctx d = {&m, 2000, &c};
    spate_stream *s = spate_kafka_direct_stream(ssc, ku_params(&m, "pt", "earliest"),
                                                spate_kafka_subscribe(topics, 1, NULL, 0));
    cr_assert_eq(spate_stream_foreach_rdd(s, read_with_brokers_down, &d), SPATE_OK);
    start(ssc);
    ku_run_batch(ssc, 1000);
    ku_send_n(&m, "pollto", 1, "b", 0, 2);
    int64_t t0 = ku_now_ms();
    ku_run_batch(ssc, 2000);
    cr_expect_lt(ku_now_ms() - t0, 5000);
    cr_expect(
        strstr(spate_ctx_last_error(ssc),
               "Failed to get records for spark-executor-pt pollto 1 0 after polling for 500"),
        "%s", spate_ctx_last_error(ssc));
    ku_send_n(&m, "pollto", 1, "c", 0, 3);
    ku_run_batch(ssc, 3000);
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_expect_eq(st.batches_failed, 1);
    spate_ctx_destroy(ssc);
    cr_expect_str_eq(c.ranges[1], "pollto-0:5-5 pollto-1:2-5",
                     "the failed batch's range is not read again");
    cr_expect_eq(c.n, 5 + 3);
    collector_free(&c);
    ku_mock_stop(&m);
}

/* ---- data loss ------------------------------------------------------------------------ */

/* 7 records of 900 kB: the mock keeps 5 MB per partition, so the log start
 * moves past the small records before them and the first two big ones. */
static void push_out_old_records(kmock *m, const char *topic)
{
    enum { BIG = 900 * 1000 };
    char *big = malloc(BIG);
    memset(big, 'x', BIG);
    for (int i = 0; i < 7; i++) {
        ku_send(m, topic, 0, NULL, big, BIG, 0, false);
        ku_flush(m);
    }
    free(big);
}

static spate_ctx *loss_ctx(kmock *m, const char *fail_on_data_loss, collector *c, spate_stream **s)
{
    ku_topic(m, "loss", 1);
    ku_send_n(m, "loss", 0, "a", 0, 3);
    spate_ctx *ssc = ku_ctx(NULL);
    spate_kafka_params *p = ku_params(m, "loss", "earliest");
    char err[256];
    if (fail_on_data_loss)
        cr_assert_eq(
            spate_kafka_params_set(p, "failOnDataLoss", fail_on_data_loss, err, sizeof err), 0);
    const char *topics[] = {"loss"};
    *s = direct(ssc, p, spate_kafka_subscribe(topics, 1, NULL, 0), c);
    start(ssc);
    ku_run_batch(ssc, 1000);
    ku_send_n(m, "loss", 0, "a", 3, 2); /* offsets 3, 4 (and 5, 6): deleted before read */
    push_out_old_records(m, "loss");
    return ssc;
}

Test(kafka_direct, data_loss_fails_the_batch_by_default, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 1);
    collector c;
    collector_init(&c);
    spate_stream *s;
    spate_ctx *ssc = loss_ctx(&m, NULL, &c, &s);
    ku_run_batch(ssc, 2000);
    cr_expect(strstr(spate_ctx_last_error(ssc),
                     "Cannot fetch offset 3 (GroupId: loss, TopicPartition: loss-0): the earliest "
                     "offset Kafka has is 7. Some data may have been lost"),
              "%s", spate_ctx_last_error(ssc));
    cr_expect(
        strstr(spate_ctx_last_error(ssc), "set the Kafka param \"failOnDataLoss\" to \"false\""));
    spate_ctx_destroy(ssc);
    cr_expect_eq(c.batches, 1);
    collector_free(&c);
    ku_mock_stop(&m);
}

Test(kafka_direct, data_loss_skipped_and_counted_without_fail_on_data_loss, .timeout = 30)
{
    kmock m;
    ku_mock_start(&m, 1);
    collector c;
    collector_init(&c);
    spate_stream *s;
    spate_ctx *ssc = loss_ctx(&m, "false", &c, &s);
    ku_run_batch(ssc, 2000);
    cr_expect_str_eq(spate_ctx_last_error(ssc), "");
    cr_expect_eq(spate_kafka_records_lost(s), 4);
    spate_ctx_destroy(ssc);
    cr_expect_str_eq(c.ranges[1], "loss-0:7-12");
    cr_expect_eq(c.n, 3 + 5);
    collector_free(&c);
    ku_mock_stop(&m);
}

/* Records deleted between planning and reading: the executor finds out. */
typedef struct late_loss {
    kmock *m;
    collector *c;
} late_loss;

static spate_err delete_then_read(spate_rdd *rdd, int64_t time, void *ud)
{
    late_loss *l = ud;
    if (time == 2000) push_out_old_records(l->m, "loss");
    return collect_batch(rdd, time, l->c);
}

/* The first batch reads nothing, so no consumer has prefetched the records
 * the second plans before they are deleted. */
static void check_late_loss(const char *fail_on_data_loss)
{
    kmock m;
    ku_mock_start(&m, 1);
    ku_topic(&m, "loss", 1);
    spate_ctx *ssc = ku_ctx(NULL);
    spate_kafka_params *p = ku_params(&m, "late", "earliest");
    char err[256];
    cr_assert_eq(spate_kafka_params_set(p, "failOnDataLoss", fail_on_data_loss, err, sizeof err),
                 0);
    const char *topics[] = {"loss"};
    collector c;
    collector_init(&c);
    late_loss l = {&m, &c};
    spate_stream *s = spate_kafka_direct_stream(ssc, p, spate_kafka_subscribe(topics, 1, NULL, 0));
    cr_assert_eq(spate_stream_foreach_rdd(s, delete_then_read, &l), SPATE_OK);
    start(ssc);
    ku_run_batch(ssc, 1000);
    ku_send_n(&m, "loss", 0, "a", 0, 2);
    ku_run_batch(ssc, 2000); /* plans [0, 2), which is deleted before it is read */
    if (!strcmp(fail_on_data_loss, "true")) {
        cr_expect(strstr(spate_ctx_last_error(ssc),
                         "Cannot fetch offset 0 (GroupId: spark-executor-late, TopicPartition: "
                         "loss-0)"),
                  "%s", spate_ctx_last_error(ssc));
    } else {
        cr_expect_str_eq(spate_ctx_last_error(ssc), "");
        cr_expect_eq(spate_kafka_records_lost(s), 2);
        cr_expect_str_eq(c.ranges[1], "loss-0:0-2");
        cr_expect_eq(c.n, 0);
    }
    spate_ctx_destroy(ssc);
    collector_free(&c);
    ku_mock_stop(&m);
}

Test(kafka_direct, data_loss_found_by_a_task_fails_it, .timeout = 30) { check_late_loss("true"); }

Test(kafka_direct, data_loss_found_by_a_task_is_skipped_when_asked, .timeout = 30)
{
    check_late_loss("false");
}

/* ---- offset recovery from the checkpoint (a real crash) -------------------------------- */

typedef struct rec_pipeline {
    const char *dir;
    const char *boot;
    int64_t crash_at;
} rec_pipeline;

static void append_line(const char *path, const char *line)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
    close(fd);
}

static spate_err rec_output(spate_rdd *rdd, int64_t time, void *ud)
{
    rec_pipeline *p = ud;
    const spate_offset_range *r;
    int n;
    if (spate_kafka_offset_ranges(rdd, &r, &n)) return SPATE_ERR_STATE;
    char line[512], path[512];
    int len = snprintf(line, sizeof line, "%lld ", (long long)time);
    ranges_text(r, n, line + len, sizeof line - (size_t)len - 2);
    strcat(line, "\n");
    snprintf(path, sizeof path, "%s/ranges.log", p->dir);
    append_line(path, line);
    if (time == p->crash_at) kill(getpid(), SIGKILL);
    spate_value *v;
    size_t nv;
    spate_err err = spate_rdd_collect(rdd, &v, &nv);
    if (err) return err;
    int64_t sum = 0;
    for (size_t i = 0; i < nv; i++) {
        spate_value val = spate_kafka_record_value(v[i]);
        sum += strtoll(val.u.s, NULL, 10);
    }
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s/out.tmp", p->dir);
    snprintf(path, sizeof path, "%s/out-%lld", p->dir, (long long)time);
    FILE *f = fopen(tmp, "w");
    fprintf(f, "%lld %zu\n", (long long)sum, nv);
    fclose(f);
    rename(tmp, path); /* a re-run batch replaces its output */
    return SPATE_OK;
}

static spate_err rec_setup(spate_ctx *ssc, void *ud)
{
    rec_pipeline *p = ud;
    kmock m = {.boot = p->boot};
    const char *topics[] = {"rec"};
    spate_stream *s = spate_kafka_direct_stream(ssc, ku_params(&m, "rec", "earliest"),
                                                spate_kafka_subscribe(topics, 1, NULL, 0));
    return s ? spate_stream_foreach_rdd(s, rec_output, p) : SPATE_ERR_INVALID_ARG;
}

static spate_ctx *rec_ctx(const char *ckpt, rec_pipeline *p)
{
    const char *conf[] = {"spate.streaming.kafka.maxRatePerPartition", "3", NULL};
    char err[512];
    spate_ctx *ssc =
        spate_ctx_get_or_create(ckpt, ku_conf(conf), KU_BATCH, rec_setup, p, err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    return ssc;
}

Test(kafka_direct, recovery_rereads_the_same_ranges_exactly_once, .timeout = 60)
{
    kmock m;
    ku_mock_start(&m, 3);
    ku_topic(&m, "rec", 2);
    for (int i = 1; i <= 20; i++) {
        char v[16];
        snprintf(v, sizeof v, "%d", i);
        ku_send(&m, "rec", i % 2, NULL, v, strlen(v), 0, false);
    }
    ku_flush(&m);
    char dir[] = "/tmp/spate-kdirect-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char ckpt[600];
    snprintf(ckpt, sizeof ckpt, "%s/ckpt", dir);
    rec_pipeline p = {dir, m.boot, 3000};
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        spate_ctx *ssc = rec_ctx(ckpt, &p);
        if (spate_ctx_start(ssc) != SPATE_OK) _exit(11);
        for (int64_t t = 1000; t <= p.crash_at; t += 1000) {
            spate_clock_set(spate_ctx_clock(ssc), t);
            if (spate_ctx_await_batch(ssc, t, KU_WAIT_MS) != SPATE_OK) _exit(12);
        }
        _exit(13);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
    p.crash_at = -1;
    spate_ctx *ssc = rec_ctx(ckpt, &p);
    cr_assert(spate_ctx_recovered(ssc));
    start(ssc);
    for (int64_t t = 3000; t <= 5000; t += 1000)
        ku_run_batch(ssc, t);
    spate_ctx_destroy(ssc);

    char path[700], line[512], first3[512] = "", second3[512] = "";
    snprintf(path, sizeof path, "%s/ranges.log", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "3000 ", 5)) strcpy(first3[0] ? second3 : first3, line);
    fclose(f);
    cr_expect_str_eq(first3, "3000 rec-0:6-9 rec-1:6-9\n");
    cr_expect_str_eq(second3, first3, "the re-run batch reads the ranges the crashed one planned");
    int64_t sum = 0, count = 0;
    for (int t = 1000; t <= 5000; t += 1000) {
        snprintf(path, sizeof path, "%s/out-%d", dir, t);
        f = fopen(path, "r");
        cr_assert_not_null(f, "%s", path);
        long long s, n;
        cr_assert_eq(fscanf(f, "%lld %lld", &s, &n), 2);
        fclose(f);
        sum += s;
        count += n;
    }
    cr_expect_eq(count, 20);
    cr_expect_eq(sum, 210, "every record exactly once");
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
    ku_mock_stop(&m);
}
