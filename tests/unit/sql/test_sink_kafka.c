/* test_sink_kafka.c - the `kafka` sink's checks that need no broker
 * (src/sql/sink_kafka.c): Spark's refusals of producer options, and
 * KafkaWriter.validateQuery's messages for the query's columns (value
 * required, the topic option or a topic column, each column's type). The
 * writes themselves are in tests/integration/test_sql_kafka*.py. */
#include <criterion/criterion.h>

#include "base/arena.h"
#include "sql/sink_int.h"

#include <stdio.h>
#include <string.h>

#define BOOT "kafka.bootstrap.servers=127.0.0.1:1"

static sp_sink_def *resolve(const char *opts, char *err, size_t n)
{
    char buf[1024];
    const char *keys[16], *vals[16];
    size_t k = 0;
    snprintf(buf, sizeof buf, "%s", opts);
    char *save = NULL;
    for (char *kv = strtok_r(buf, "&", &save); kv && k < 16; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (eq) *eq = '\0';
        keys[k] = kv;
        vals[k++] = eq ? eq + 1 : "";
    }
    return sp_sink_resolve("kafka", keys, vals, k, err, n);
}

typedef struct sink_case {
    const char *opts, *schema;
    const char *error; /* NULL: opens */
} sink_case;

static const sink_case cases[] = {
    {BOOT "&topic=out", "value STRING", NULL},
    {BOOT "&topic=out", "key STRING, value BINARY, partition INT", NULL},
    {BOOT, "topic STRING, value STRING", NULL},
    {BOOT "&topic=out", "topic INT, value STRING", NULL}, /* the option wins */
    {BOOT "&topic=out&subscribe=in&startingOffsets=earliest", "value STRING", NULL},
    {BOOT "&topic=out", "value STRING, headers ARRAY<STRUCT<key: STRING, value: BINARY>>", NULL},
    {BOOT "&topic=out&kafka.transactional.id=t", "value STRING", NULL},
    {BOOT "&topic=out", "key STRING", "Required attribute 'value' not found"},
    {BOOT, "value STRING",
     "topic option required when no 'topic' attribute is present. Use the topic option for "
     "setting a topic."},
    {BOOT, "topic BIGINT, value STRING",
     "topic attribute unsupported type bigint. topic must be a(n) string"},
    {BOOT "&topic=out", "value INT",
     "value attribute unsupported type int. value must be a(n) string or binary"},
    {BOOT "&topic=out", "key DOUBLE, value STRING",
     "key attribute unsupported type double. key must be a(n) string or binary"},
    {BOOT "&topic=out", "value STRING, partition BIGINT",
     "partition attribute unsupported type bigint. partition must be a(n) int"},
    {BOOT "&topic=out", "value STRING, headers ARRAY<STRING>",
     "headers attribute unsupported type array<string>. headers must be a(n) "
     "array<struct<key:string,value:binary>>"},
    {BOOT "&topic=out&kafka.key.serializer=x", "value STRING",
     "Kafka option 'key.serializer' is not supported as keys are serialized with "
     "ByteArraySerializer."},
    {BOOT "&topic=out&kafka.value.serializer=x", "value STRING",
     "Kafka option 'value.serializer' is not supported as value are serialized with "
     "ByteArraySerializer."},
    {"topic=out", "value STRING",
     "Option 'kafka.bootstrap.servers' must be specified for configuring Kafka producer"},
    {BOOT "&kafka.transactional.id=t", "topic STRING, value STRING",
     "The kafka sink with 'kafka.transactional.id' needs the 'topic' option"},
};

Test(sink_kafka, options_and_columns)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const sink_case *c = &cases[i];
        char err[1024] = "";
        spate_arena *a = spate_arena_new();
        sp_sql_type_error te;
        const sp_sql_type *schema = sp_sql_schema_parse(a, c->schema, &te);
        cr_assert(schema, "case %zu: bad schema", i);
        sp_sink_def *d = resolve(c->opts, err, sizeof err);
        sp_sink_env env = {NULL, NULL, NULL};
        sp_sink *s = d ? sp_sink_open(d, schema, &env, err, sizeof err) : NULL;
        if (!c->error)
            cr_expect(s != NULL, "case %zu: %s", i, err);
        else
            cr_expect(!s && !strncmp(err, c->error, strlen(c->error)), "case %zu: got \"%s\"", i,
                      err);
        if (s) s->ops->close(s);
        sp_sink_def_free(d);
        spate_arena_destroy(a);
    }
}

Test(sink_kafka, every_output_mode)
{
    char err[256] = "";
    sp_sink_def *d = resolve(BOOT "&topic=out", err, sizeof err);
    cr_assert(d, "%s", err);
    cr_expect(sp_sink_check_mode(d, SP_OUTPUT_APPEND) == NULL);
    cr_expect(sp_sink_check_mode(d, SP_OUTPUT_UPDATE) == NULL);
    cr_expect(sp_sink_check_mode(d, SP_OUTPUT_COMPLETE) == NULL);
    sp_sink_def_free(d);
}
