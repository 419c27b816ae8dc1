/* source_kafka_opts.c - the `kafka` source's options, checked with Spark's
 * messages (KafkaSourceProvider: validateGeneralOptions, validateStreamOptions,
 * validateBatchOptions, getKafkaOffsetRangeLimit), and its row schema.
 *
 * Keys are case-insensitive. `kafka.`-prefixed keys go to librdkafka without
 * the prefix, except those Spark refuses (auto.offset.reset, key / value
 * deserializers, enable.auto.commit, interceptor.classes); kafka.group.id is
 * taken with Spark's warning and not used (spate reads without a consumer
 * group). The sink's keys (topic) are accepted so that one table may be
 * both; any other key is an error naming it (Spark ignores unknown keys).
 *
 * Threads: any; each call uses only its arguments. */
#include "sql/source_kafka_int.h"

#include "base/arena.h"
#include "base/log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const known_keys[] = {"assign",
                                         "subscribe",
                                         "subscribePattern",
                                         "startingOffsets",
                                         "endingOffsets",
                                         "failOnDataLoss",
                                         "maxOffsetsPerTrigger",
                                         "minOffsetsPerTrigger",
                                         "maxTriggerDelay",
                                         "minPartitions",
                                         "includeHeaders",
                                         "groupIdPrefix",
                                         "kafkaConsumer.pollTimeoutMs",
                                         "fetchOffset.numRetries",
                                         "fetchOffset.retryIntervalMs",
                                         "topic",
                                         NULL};

/* Spark's options spate does not implement yet: refused, not ignored. */
static const char *const later_keys[] = {"startingTimestamp",
                                         "startingOffsetsByTimestamp",
                                         "startingOffsetsByTimestampStrategy",
                                         "endingTimestamp",
                                         "endingOffsetsByTimestamp",
                                         "maxRecordsPerPartition",
                                         NULL};

static bool in_list(const char *const *list, const char *k)
{
    for (; *list; list++)
        if (!strcasecmp(*list, k)) return true;
    return false;
}

static bool is_kafka_key(const char *k) { return !strncasecmp(k, "kafka.", 6) && k[6]; }

/* Unknown keys and the ones spate does not do yet. */
static bool check_keys(const sp_source_def *d, char *errstr, size_t n)
{
    for (size_t i = 0; i < d->nopts; i++) {
        const char *k = d->keys[i];
        if (is_kafka_key(k) || in_list(known_keys, k)) continue;
        if (in_list(later_keys, k))
            snprintf(errstr, n, "Option '%s' of the kafka source is not supported by spate yet", k);
        else
            snprintf(errstr, n,
                     "Unknown option '%s' for the kafka source: it takes kafka.* (passed to the "
                     "Kafka client), assign, subscribe, subscribePattern, startingOffsets, "
                     "endingOffsets, failOnDataLoss, maxOffsetsPerTrigger, minOffsetsPerTrigger, "
                     "maxTriggerDelay, minPartitions, "
                     "includeHeaders, groupIdPrefix, kafkaConsumer.pollTimeoutMs",
                     k);
        return false;
    }
    return true;
}

/* Spark's refusals of Kafka client keys, and kafka.bootstrap.servers. */
static bool check_kafka_keys(const sp_source_def *d, char *errstr, size_t n)
{
    if (sp_source_opt(d, "kafka.auto.offset.reset")) {
        snprintf(errstr, n,
                 "\nKafka option 'auto.offset.reset' is not supported.\n"
                 "Instead set the source option 'startingoffsets' to 'earliest' or 'latest'\n"
                 "to specify where to start. Structured Streaming manages which offsets are "
                 "consumed\n"
                 "internally, rather than relying on the kafkaConsumer to do it. This will "
                 "ensure that no\n"
                 "data is missed when new topics/partitions are dynamically subscribed. Note that\n"
                 "'startingoffsets' only applies when a new Streaming query is started, and\n"
                 "that resuming will always pick up from where the query left off. See the docs "
                 "for more\n"
                 "details.\n");
        return false;
    }
    static const char *const deser[][2] = {{"key", "keys"}, {"value", "values"}};
    for (int i = 0; i < 2; i++) {
        char k[64];
        snprintf(k, sizeof k, "kafka.%s.deserializer", deser[i][0]);
        if (!sp_source_opt(d, k)) continue;
        snprintf(errstr, n,
                 "Kafka option '%s.deserializer' is not supported as %s are deserialized as byte "
                 "arrays with ByteArrayDeserializer. Use DataFrame operations to explicitly "
                 "deserialize the %s.",
                 deser[i][0], deser[i][1], deser[i][1]);
        return false;
    }
    static const char *const other[] = {"enable.auto.commit", "interceptor.classes"};
    for (int i = 0; i < 2; i++) {
        char k[64];
        snprintf(k, sizeof k, "kafka.%s", other[i]);
        if (!sp_source_opt(d, k)) continue;
        snprintf(errstr, n, "Kafka option '%s' is not supported", other[i]);
        return false;
    }
    if (!sp_source_opt(d, "kafka.bootstrap.servers")) {
        snprintf(errstr, n,
                 "Option 'kafka.bootstrap.servers' must be specified for configuring Kafka "
                 "consumer");
        return false;
    }
    return true;
}

static char *trimmed(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *t = sp_xmalloc(len + 1);
    memcpy(t, s, len);
    t[len] = '\0';
    return t;
}

/* Exactly one of assign, subscribe, subscribePattern, with a value. */
static bool parse_strategy(const sp_source_def *d, sp_kafka_src_opts *o, char *errstr, size_t n)
{
    static const char *const strategies =
        "assign, subscribe, subscribepattern. See the docs for more details.";
    const char *assign = sp_source_opt(d, "assign"), *sub = sp_source_opt(d, "subscribe"),
               *pat = sp_source_opt(d, "subscribePattern");
    int given = (assign != NULL) + (sub != NULL) + (pat != NULL);
    if (given != 1) {
        snprintf(errstr, n, "%s of the following options %s for Kafka source: %s",
                 given ? "Only one" : "One", given ? "can be specified" : "must be specified",
                 strategies);
        return false;
    }
    if (assign) {
        o->strategy = SP_KAFKA_ASSIGN;
        char *t = trimmed(assign);
        bool brace = t[0] == '{';
        free(t);
        if (!brace) {
            snprintf(errstr, n,
                     "No topicpartitions to assign as specified value for option 'assign' is '%s'",
                     assign);
            return false;
        }
        return sp_kofs_parse_partitions(assign, &o->assign, errstr, n);
    }
    if (pat) {
        o->strategy = SP_KAFKA_SUBSCRIBE_PATTERN;
        o->pattern = trimmed(pat);
        if (o->pattern[0]) return true;
        snprintf(errstr, n,
                 "Pattern to subscribe is empty as specified value for option 'subscribePattern' "
                 "is '%s'",
                 pat);
        return false;
    }
    o->strategy = SP_KAFKA_SUBSCRIBE;
    char *list = sp_xstrdup(sub), *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *t = trimmed(tok);
        if (!t[0]) {
            free(t);
            continue;
        }
        o->topics = sp_xrealloc(o->topics, sizeof *o->topics * (size_t)(o->ntopics + 1));
        o->topics[o->ntopics++] = t;
    }
    free(list);
    if (o->ntopics) return true;
    snprintf(errstr, n,
             "No topics to subscribe to as specified value for option 'subscribe' is '%s'", sub);
    return false;
}

/* startingOffsets / endingOffsets: earliest, latest or JSON. */
static bool parse_limit(const sp_source_def *d, const char *key, sp_klimit_kind dflt,
                        sp_klimit *out, char *errstr, size_t n)
{
    const char *v = sp_source_opt(d, key);
    out->kind = dflt;
    if (!v) return true;
    char *t = trimmed(v);
    bool ok = true;
    if (!strcasecmp(t, "latest"))
        out->kind = SP_KLIMIT_LATEST;
    else if (!strcasecmp(t, "earliest"))
        out->kind = SP_KLIMIT_EARLIEST;
    else {
        out->kind = SP_KLIMIT_SPECIFIC;
        ok = sp_kofs_parse(t, &out->specific, errstr, n);
    }
    free(t);
    return ok;
}

/* validateBatchOptions' refusals of latest starts and earliest ends. */
static bool check_batch_limits(const sp_kafka_src_opts *o, char *errstr, size_t n)
{
    if (o->starting.kind == SP_KLIMIT_LATEST) {
        snprintf(errstr, n, "starting offset can't be latest for batch queries on Kafka");
        return false;
    }
    if (o->ending.kind == SP_KLIMIT_EARLIEST) {
        snprintf(errstr, n, "ending offset can't be earliest for batch queries on Kafka");
        return false;
    }
    for (int i = 0; o->starting.kind == SP_KLIMIT_SPECIFIC && i < o->starting.specific.n; i++)
        if (o->starting.specific.e[i].offset == SP_KOFS_LATEST) {
            snprintf(errstr, n,
                     "startingOffsets for %s-%d can't be latest for batch queries on Kafka",
                     o->starting.specific.e[i].topic, (int)o->starting.specific.e[i].partition);
            return false;
        }
    for (int i = 0; o->ending.kind == SP_KLIMIT_SPECIFIC && i < o->ending.specific.n; i++)
        if (o->ending.specific.e[i].offset == SP_KOFS_EARLIEST) {
            snprintf(errstr, n,
                     "ending offset for %s-%d can't be earliest for batch queries on Kafka",
                     o->ending.specific.e[i].topic, (int)o->ending.specific.e[i].partition);
            return false;
        }
    return true;
}

static bool parse_numbers(const sp_source_def *d, sp_kafka_src_opts *o, char *errstr, size_t n)
{
    if (!sp_source_opt_bool(d, "failOnDataLoss", true, &o->fail_on_data_loss, errstr, n) ||
        !sp_source_opt_bool(d, "includeHeaders", false, &o->include_headers, errstr, n) ||
        !sp_source_opt_long(d, "maxOffsetsPerTrigger", 0, &o->max_offsets, errstr, n) ||
        !sp_source_opt_long(d, "minPartitions", 0, &o->min_partitions, errstr, n) ||
        !sp_source_opt_long(d, "kafkaConsumer.pollTimeoutMs", 0, &o->poll_ms, errstr, n))
        return false;
    if (sp_source_opt(d, "minPartitions") && o->min_partitions <= 0) {
        snprintf(errstr, n, "minPartitions must be positive");
        return false;
    }
    if (!sp_source_opt_long(d, "minOffsetsPerTrigger", 0, &o->min_offsets, errstr, n)) return false;
    if (sp_source_opt(d, "minOffsetsPerTrigger") && sp_source_opt(d, "maxOffsetsPerTrigger") &&
        o->min_offsets > o->max_offsets) {
        snprintf(errstr, n,
                 "The value of minOffsetPerTrigger(%lld) is higher than the "
                 "maxOffsetsPerTrigger(%lld).",
                 (long long)o->min_offsets, (long long)o->max_offsets);
        return false;
    }
    const char *delay = sp_source_opt(d, "maxTriggerDelay");
    char why[256];
    if (spate_duration_parse(delay ? delay : "15m", &o->max_delay_ms, why, sizeof why) !=
        SPATE_OK) {
        snprintf(errstr, n, "Invalid value '%s' for option 'maxTriggerDelay': %s", delay, why);
        return false;
    }
    if (sp_source_opt(d, "maxOffsetsPerTrigger") && o->max_offsets <= 0) {
        snprintf(errstr, n,
                 "Invalid value '%s' for option 'maxOffsetsPerTrigger': must be positive",
                 sp_source_opt(d, "maxOffsetsPerTrigger"));
        return false;
    }
    return true;
}

/* The kafka.* keys for librdkafka; group.id warned about and left out. */
static bool kafka_params(const sp_source_def *d, sp_kafka_src_opts *o, char *errstr, size_t n)
{
    o->params = spate_kafka_params_new();
    for (size_t i = 0; i < d->nopts; i++) {
        if (!is_kafka_key(d->keys[i])) continue;
        const char *k = d->keys[i] + 6;
        if (!strcasecmp(k, "group.id")) {
            sp_log(SP_LOG_WARN, "KafkaSourceProvider",
                   "Kafka option 'kafka.group.id' has been set on this query: spate reads "
                   "without a consumer group, so it is not used");
            continue;
        }
        if (spate_kafka_params_set(o->params, k, d->vals[i], errstr, n) != SPATE_OK) return false;
    }
    return true;
}

bool sp_kafka_src_opts_parse(const sp_source_def *d, bool batch, sp_kafka_src_opts *o, char *errstr,
                             size_t n)
{
    memset(o, 0, sizeof *o);
    if (!check_keys(d, errstr, n)) return false;
    if (!batch && sp_source_opt(d, "endingOffsets")) {
        snprintf(errstr, n, "ending offset not valid in streaming queries");
        return false;
    }
    if (!parse_strategy(d, o, errstr, n) || !check_kafka_keys(d, errstr, n) ||
        !parse_numbers(d, o, errstr, n) ||
        !parse_limit(d, "startingOffsets", batch ? SP_KLIMIT_EARLIEST : SP_KLIMIT_LATEST,
                     &o->starting, errstr, n) ||
        !parse_limit(d, "endingOffsets", SP_KLIMIT_LATEST, &o->ending, errstr, n))
        return false;
    o->has_ending = sp_source_opt(d, "endingOffsets") != NULL;
    if (batch && !check_batch_limits(o, errstr, n)) return false;
    return kafka_params(d, o, errstr, n);
}

void sp_kafka_src_opts_free(sp_kafka_src_opts *o)
{
    for (int i = 0; i < o->ntopics; i++)
        free(o->topics[i]);
    free(o->topics);
    free(o->pattern);
    sp_kofs_free(&o->assign);
    sp_kofs_free(&o->starting.specific);
    sp_kofs_free(&o->ending.specific);
    spate_kafka_params_destroy(o->params);
    memset(o, 0, sizeof *o);
}

const sp_sql_type *sp_kafka_source_schema(spate_arena *a, bool include_headers)
{
    sp_sql_field hf[2] = {{"key", sp_sql_prim(SP_SQL_STRING), true, NULL},
                          {"value", sp_sql_prim(SP_SQL_BINARY), true, NULL}};
    sp_sql_field f[8] = {
        {"key", sp_sql_prim(SP_SQL_BINARY), true, NULL},
        {"value", sp_sql_prim(SP_SQL_BINARY), true, NULL},
        {"topic", sp_sql_prim(SP_SQL_STRING), true, NULL},
        {"partition", sp_sql_prim(SP_SQL_INT), true, NULL},
        {"offset", sp_sql_prim(SP_SQL_BIGINT), true, NULL},
        {"timestamp", sp_sql_prim(SP_SQL_TIMESTAMP), true, NULL},
        {"timestampType", sp_sql_prim(SP_SQL_INT), true, NULL},
        {"headers", sp_sql_array(a, sp_sql_struct(a, hf, 2), true), true, NULL},
    };
    return sp_sql_struct(a, f, include_headers ? 8 : 7);
}
