/* test_source_kafka.c - the `kafka` source's pieces that need no broker
 * (src/sql/source_kafka_opts.c, source_kafka_offsets.c): options checked
 * with KafkaSourceProvider's messages, startingOffsets / endingOffsets and
 * assign JSON, offsets written as Spark's KafkaSourceOffset JSON, the row
 * schema, and KafkaOffsetRangeCalculator's split of ranges into tasks. The
 * reads against a broker are in tests/integration/test_sql_kafka*.py. */
#include <criterion/criterion.h>

#include "base/arena.h"
#include "sql/source_kafka_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options as "k=v&k=v" (a value may hold '='). */
static sp_source_def *resolve(const char *opts, char *err, size_t n)
{
    char buf[2048];
    const char *keys[32], *vals[32];
    size_t k = 0;
    snprintf(buf, sizeof buf, "%s", opts);
    char *save = NULL;
    for (char *kv = strtok_r(buf, "&", &save); kv && k < 32; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (eq) *eq = '\0';
        keys[k] = kv;
        vals[k++] = eq ? eq + 1 : "";
    }
    return sp_source_resolve("kafka", NULL, keys, vals, k, NULL, err, n);
}

#define BOOT "kafka.bootstrap.servers=127.0.0.1:9092"

/* ---- options ---- */

typedef struct opt_case {
    const char *opts;
    const char *error; /* NULL: accepted; else a prefix of the message */
} opt_case;

static const opt_case resolve_cases[] = {
    {BOOT "&subscribe=orders", NULL},
    {BOOT "&subscribe= a , ,b", NULL},
    {BOOT "&subscribePattern=topic.*", NULL},
    {BOOT "&assign={\"topicA\":[0,1],\"topicB\":[2,4]}", NULL},
    {BOOT "&SUBSCRIBE=orders&startingOffsets=earliest&failOnDataLoss=false", NULL},
    {BOOT "&subscribe=orders&startingOffsets={\"orders\":{\"0\":23,\"1\":-1}}", NULL},
    {BOOT "&subscribe=orders&startingOffsets=latest", NULL}, /* fine for a stream */
    {BOOT "&subscribe=orders&endingOffsets=latest", NULL},   /* fine for a static read */
    {BOOT "&subscribe=orders&topic=out&kafka.compression.type=lz4", NULL},
    {BOOT "&subscribe=orders&kafka.group.id=g", NULL}, /* Spark warns only */
    {BOOT, "One of the following options must be specified for Kafka source: assign, subscribe, "
           "subscribepattern. See the docs for more details."},
    {BOOT "&subscribe=a&subscribePattern=b",
     "Only one of the following options can be specified for Kafka source: assign, subscribe, "
     "subscribepattern. See the docs for more details."},
    {BOOT "&subscribe= , ",
     "No topics to subscribe to as specified value for option 'subscribe' is ' , '"},
    {BOOT "&subscribePattern=  ",
     "Pattern to subscribe is empty as specified value for option 'subscribePattern' is '  '"},
    {BOOT "&assign=orders",
     "No topicpartitions to assign as specified value for option 'assign' is 'orders'"},
    {BOOT "&assign={\"orders\":0}", "Expected e.g. {\"topicA\":[0,1],\"topicB\":[0,1]}, got"},
    {"subscribe=orders",
     "Option 'kafka.bootstrap.servers' must be specified for configuring Kafka consumer"},
    {BOOT "&subscribe=t&kafka.auto.offset.reset=earliest",
     "\nKafka option 'auto.offset.reset' is not supported."},
    {BOOT "&subscribe=t&kafka.key.deserializer=x",
     "Kafka option 'key.deserializer' is not supported as keys are deserialized as byte arrays "
     "with ByteArrayDeserializer. Use DataFrame operations to explicitly deserialize the keys."},
    {BOOT "&subscribe=t&kafka.value.deserializer=x",
     "Kafka option 'value.deserializer' is not supported as values are deserialized"},
    {BOOT "&subscribe=t&kafka.enable.auto.commit=true",
     "Kafka option 'enable.auto.commit' is not supported"},
    {BOOT "&subscribe=t&kafka.interceptor.classes=x",
     "Kafka option 'interceptor.classes' is not supported"},
    {BOOT "&subscribe=t&minPartitions=0", "minPartitions must be positive"},
    {BOOT "&subscribe=t&maxOffsetsPerTrigger=x",
     "Invalid value 'x' for option 'maxOffsetsPerTrigger': expected a long"},
    {BOOT "&subscribe=t&failOnDataLoss=maybe",
     "Invalid value 'maybe' for option 'failOnDataLoss', must be 'true' or 'false'"},
    {BOOT "&subscribe=t&startingOffsets={\"t\":{\"x\":1}}",
     "Expected e.g. {\"topicA\":{\"0\":23,\"1\":-1},\"topicB\":{\"0\":-2}}, got"},
    {BOOT "&subscribe=t&path=/x", "Unknown option 'path' for the kafka source"},
    {BOOT "&subscribe=t&startingTimestamp=1", "Option 'startingTimestamp' of the kafka source"},
    {BOOT "&subscribe=t&minOffsetsPerTrigger=5&maxOffsetsPerTrigger=10&maxTriggerDelay=1h", NULL},
    {BOOT "&subscribe=t&minOffsetsPerTrigger=11&maxOffsetsPerTrigger=10",
     "The value of minOffsetPerTrigger(11) is higher than the maxOffsetsPerTrigger(10)."},
    {BOOT "&subscribe=t&maxTriggerDelay=soon", "Invalid value 'soon' for option 'maxTriggerDelay'"},
};

Test(source_kafka, resolve_options)
{
    for (size_t i = 0; i < sizeof resolve_cases / sizeof *resolve_cases; i++) {
        const opt_case *c = &resolve_cases[i];
        char err[2048] = "";
        sp_source_def *d = resolve(c->opts, err, sizeof err);
        if (!c->error) {
            cr_expect(d != NULL, "case %zu (%s): %s", i, c->opts, err);
        } else {
            cr_expect(d == NULL, "case %zu (%s) accepted", i, c->opts);
            cr_expect(!strncmp(err, c->error, strlen(c->error)), "case %zu: got \"%s\"", i, err);
        }
        sp_source_def_free(d);
    }
}

/* validateStreamOptions / validateBatchOptions: what one accepts the other refuses. */
typedef struct mode_case {
    const char *opts;
    bool batch;
    const char *error;
} mode_case;

static const mode_case mode_cases[] = {
    {BOOT "&subscribe=t&endingOffsets=latest", false,
     "ending offset not valid in streaming queries"},
    {BOOT "&subscribe=t&endingOffsets=latest", true, NULL},
    {BOOT "&subscribe=t&startingOffsets=latest", true,
     "starting offset can't be latest for batch queries on Kafka"},
    {BOOT "&subscribe=t&startingOffsets=latest", false, NULL},
    {BOOT "&subscribe=t&endingOffsets=earliest", true,
     "ending offset can't be earliest for batch queries on Kafka"},
    {BOOT "&subscribe=t&startingOffsets={\"t\":{\"0\":-1}}", true,
     "startingOffsets for t-0 can't be latest for batch queries on Kafka"},
    {BOOT "&subscribe=t&endingOffsets={\"t\":{\"1\":-2}}", true,
     "ending offset for t-1 can't be earliest for batch queries on Kafka"},
    {BOOT "&subscribe=t&startingOffsets={\"t\":{\"0\":-2}}&endingOffsets={\"t\":{\"0\":5}}", true,
     NULL},
};

Test(source_kafka, stream_and_batch_options)
{
    for (size_t i = 0; i < sizeof mode_cases / sizeof *mode_cases; i++) {
        const mode_case *c = &mode_cases[i];
        char err[1024] = "";
        sp_source_def *d = resolve(c->opts, err, sizeof err);
        if (!d) { /* refused both ways: the static read's message */
            cr_expect(c->error && !strcmp(err, c->error), "case %zu: %s", i, err);
            continue;
        }
        sp_kafka_src_opts o;
        bool ok = sp_kafka_src_opts_parse(d, c->batch, &o, err, sizeof err);
        if (c->error)
            cr_expect(!ok && !strcmp(err, c->error), "case %zu: got \"%s\"", i, ok ? "" : err);
        else
            cr_expect(ok, "case %zu: %s", i, err);
        sp_kafka_src_opts_free(&o);
        sp_source_def_free(d);
    }
}

Test(source_kafka, parsed_values)
{
    char err[512] = "";
    sp_source_def *d =
        resolve(BOOT "&subscribe= a, b ,&startingOffsets= EARLIEST &maxOffsetsPerTrigger=10"
                     "&minPartitions=4&includeHeaders=true&kafka.client.id=c",
                err, sizeof err);
    cr_assert(d, "%s", err);
    sp_kafka_src_opts o;
    cr_assert(sp_kafka_src_opts_parse(d, false, &o, err, sizeof err), "%s", err);
    cr_expect_eq(o.strategy, SP_KAFKA_SUBSCRIBE);
    cr_assert_eq(o.ntopics, 2);
    cr_expect_str_eq(o.topics[0], "a");
    cr_expect_str_eq(o.topics[1], "b");
    cr_expect_eq(o.starting.kind, SP_KLIMIT_EARLIEST);
    cr_expect_eq(o.max_offsets, 10);
    cr_expect_eq(o.min_partitions, 4);
    cr_expect(o.include_headers);
    cr_expect(o.fail_on_data_loss);
    cr_expect_str_eq(spate_kafka_params_get(o.params, "bootstrap.servers"), "127.0.0.1:9092");
    cr_expect_str_eq(spate_kafka_params_get(o.params, "client.id"), "c");
    sp_kafka_src_opts_free(&o);
    /* A stream starts at latest by default, a static read at earliest. */
    cr_assert(sp_kafka_src_opts_parse(d, false, &o, err, sizeof err));
    sp_source_def_free(d);
    sp_kafka_src_opts_free(&o);
    d = resolve(BOOT "&subscribe=t", err, sizeof err);
    cr_assert(sp_kafka_src_opts_parse(d, false, &o, err, sizeof err));
    cr_expect_eq(o.starting.kind, SP_KLIMIT_LATEST);
    sp_kafka_src_opts_free(&o);
    cr_assert(sp_kafka_src_opts_parse(d, true, &o, err, sizeof err));
    cr_expect_eq(o.starting.kind, SP_KLIMIT_EARLIEST);
    cr_expect_eq(o.ending.kind, SP_KLIMIT_LATEST);
    sp_kafka_src_opts_free(&o);
    sp_source_def_free(d);
}

/* ---- schema ---- */

Test(source_kafka, schema)
{
    char err[512] = "";
    spate_arena *a = spate_arena_new();
    sp_source_def *d = resolve(BOOT "&subscribe=t", err, sizeof err);
    cr_assert(d, "%s", err);
    cr_expect_str_eq(sp_sql_schema_ddl(a, d->schema),
                     "key BINARY,value BINARY,topic STRING,partition INT,offset BIGINT,timestamp "
                     "TIMESTAMP,timestampType INT");
    sp_source_def_free(d);
    d = resolve(BOOT "&subscribe=t&includeHeaders=true", err, sizeof err);
    cr_assert(d, "%s", err);
    cr_expect_str_eq(
        sp_sql_schema_ddl(a, d->schema),
        "key BINARY,value BINARY,topic STRING,partition INT,offset BIGINT,timestamp "
        "TIMESTAMP,timestampType INT,headers ARRAY<STRUCT<key: STRING, value: BINARY>>");
    sp_source_def_free(d);
    const char *k[] = {"kafka.bootstrap.servers", "subscribe"}, *v[] = {"b:1", "t"};
    spate_arena *sa = spate_arena_new();
    sp_sql_type_error te;
    const sp_sql_type *user = sp_sql_schema_parse(sa, "a INT", &te);
    d = sp_source_resolve("kafka", user, k, v, 2, NULL, err, sizeof err);
    cr_expect(d == NULL);
    cr_expect_str_eq(err, "Kafka source has a fixed schema and cannot be set with a custom one");
    spate_arena_destroy(sa);
    spate_arena_destroy(a);
}

/* ---- offsets JSON ---- */

typedef struct json_case {
    const char *in;
    const char *out; /* NULL: refused */
} json_case;

static const json_case offset_cases[] = {
    {"{\"topicA\":{\"0\":23,\"1\":-1},\"topicB\":{\"0\":-2}}",
     "{\"topicA\":{\"0\":23,\"1\":-1},\"topicB\":{\"0\":-2}}"},
    {" { \"b\" : { \"10\" : 5 , \"2\" : 7 } , \"a\" : { \"0\" : 1 } } ",
     "{\"a\":{\"0\":1},\"b\":{\"2\":7,\"10\":5}}"},
    {"{}", "{}"},
    {"{\"t\":{}}", "{}"},
    {"{\"my.topic-1_x\":{\"3\":9223372036854775807}}",
     "{\"my.topic-1_x\":{\"3\":9223372036854775807}}"},
    {"", NULL},
    {"{\"t\":{\"0\":1}", NULL},
    {"{\"t\":{\"0\":1}}x", NULL},
    {"{\"t\":{\"-1\":1}}", NULL},
    {"{\"t\":{\"0\":\"1\"}}", NULL},
    {"{\"t\":[0,1]}", NULL},
    {"{\"\":{\"0\":1}}", NULL},
};

Test(source_kafka, offsets_json)
{
    for (size_t i = 0; i < sizeof offset_cases / sizeof *offset_cases; i++) {
        const json_case *c = &offset_cases[i];
        sp_kofs m = {0};
        char err[512] = "";
        bool ok = sp_kofs_parse(c->in, &m, err, sizeof err);
        if (!c->out) {
            cr_expect(!ok, "case %zu accepted", i);
            char want[512];
            snprintf(want, sizeof want,
                     "Expected e.g. {\"topicA\":{\"0\":23,\"1\":-1},\"topicB\":{\"0\":-2}}, got %s",
                     c->in);
            cr_expect_str_eq(err, want);
        } else {
            cr_assert(ok, "case %zu: %s", i, err);
            char *j = sp_kofs_json(&m);
            cr_expect_str_eq(j, c->out, "case %zu", i);
            free(j);
        }
        sp_kofs_free(&m);
    }
}

Test(source_kafka, partitions_json)
{
    sp_kofs m = {0};
    char err[256] = "";
    cr_assert(
        sp_kofs_parse_partitions("{\"topicB\":[4,2],\"topicA\":[1, 0]}", &m, err, sizeof err));
    cr_assert_eq(m.n, 4);
    cr_expect_str_eq(m.e[0].topic, "topicA");
    cr_expect_eq(m.e[0].partition, 0);
    cr_expect_eq(m.e[1].partition, 1);
    cr_expect_str_eq(m.e[3].topic, "topicB");
    cr_expect_eq(m.e[3].partition, 4);
    cr_expect(!sp_kofs_parse_partitions("{\"t\":[-1]}", &m, err, sizeof err));
    cr_expect(!sp_kofs_parse_partitions("{\"t\":{\"0\":1}}", &m, err, sizeof err));
    sp_kofs_free(&m);
}

Test(source_kafka, kofs_put_find)
{
    sp_kofs m = {0};
    sp_kofs_put(&m, "b", 1, 10);
    sp_kofs_put(&m, "a", 2, 20);
    sp_kofs_put(&m, "a", 0, 5);
    sp_kofs_put(&m, "b", 1, 11);
    cr_assert_eq(m.n, 3);
    char *j = sp_kofs_json(&m);
    cr_expect_str_eq(j, "{\"a\":{\"0\":5,\"2\":20},\"b\":{\"1\":11}}");
    free(j);
    cr_expect_eq(sp_kofs_find(&m, "a", 2)->offset, 20);
    cr_expect(sp_kofs_find(&m, "a", 1) == NULL);
    cr_expect(sp_kofs_find(&m, "c", 0) == NULL);
    sp_kofs_free(&m);
}

/* ---- KafkaOffsetRangeCalculator ---- */

typedef struct split_case {
    int64_t min_partitions;
    int n;
    int64_t from[4], until[4];
    const char *want; /* "slot:from-until ..." */
} split_case;

/* Spark's KafkaOffsetRangeCalculatorSuite's cases. */
static const split_case split_cases[] = {
    {0, 1, {1}, {2}, "0:1-2"},
    {0, 2, {1, 1}, {2, 1}, "0:1-2"}, /* empty ranges dropped */
    {1, 1, {1}, {2}, "0:1-2"},
    {2, 2, {1, 1}, {2, 2}, "0:1-2 1:1-2"},
    {3, 1, {1}, {5}, "0:1-2 0:2-3 0:3-5"},
    {4, 2, {1, 1}, {5, 5}, "0:1-3 0:3-5 1:1-3 1:3-5"},
    {3, 2, {1, 1}, {5, 21}, "0:1-5 1:1-7 1:7-14 1:14-21"},
    {4, 3, {1, 1, 1}, {5, 21, 1}, "0:1-5 1:1-7 1:7-14 1:14-21"},
};

Test(source_kafka, split_ranges)
{
    for (size_t i = 0; i < sizeof split_cases / sizeof *split_cases; i++) {
        const split_case *c = &split_cases[i];
        spate_arena *a = spate_arena_new();
        sp_kafka_range in[4];
        for (int k = 0; k < c->n; k++)
            in[k] = (sp_kafka_range){{"t", k, c->from[k], c->until[k]}, k};
        sp_kafka_range *out;
        int n = sp_kafka_split_ranges(in, c->n, c->min_partitions, a, &out);
        char got[256] = "";
        size_t off = 0;
        for (int k = 0; k < n; k++)
            off += (size_t)snprintf(got + off, sizeof got - off, "%s%d:%lld-%lld", k ? " " : "",
                                    out[k].slot, (long long)out[k].r.from_offset,
                                    (long long)out[k].r.until_offset);
        cr_expect_str_eq(got, c->want, "case %zu", i);
        spate_arena_destroy(a);
    }
}
