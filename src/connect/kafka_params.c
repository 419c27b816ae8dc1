/* kafka_params.c - Kafka params: a small ordered key/value map, the keys
 * spate interprets, and librdkafka configurations made from the rest (see
 * kafka_params.h). */
#include "connect/kafka_params.h"

#include "base/arena.h"
#include "base/errbuf.h"
#include "base/log.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct spate_kafka_params {
    char **keys, **values;
    int n, cap;
};

spate_kafka_params *spate_kafka_params_new(void)
{
    return sp_xcalloc(1, sizeof(spate_kafka_params));
}

void spate_kafka_params_destroy(spate_kafka_params *p)
{
    if (!p) return;
    for (int i = 0; i < p->n; i++) {
        free(p->keys[i]);
        free(p->values[i]);
    }
    free(p->keys);
    free(p->values);
    free(p);
}

static int find_key(const spate_kafka_params *p, const char *key)
{
    for (int i = 0; p && i < p->n; i++)
        if (!strcmp(p->keys[i], key)) return i;
    return -1;
}

const char *spate_kafka_params_get(const spate_kafka_params *p, const char *key)
{
    int i = key ? find_key(p, key) : -1;
    return i >= 0 ? p->values[i] : NULL;
}

static void put(spate_kafka_params *p, const char *key, const char *value)
{
    int i = find_key(p, key);
    if (i >= 0) {
        free(p->values[i]);
        p->values[i] = sp_xstrdup(value);
        return;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->keys = sp_xrealloc(p->keys, sizeof *p->keys * (size_t)p->cap);
        p->values = sp_xrealloc(p->values, sizeof *p->values * (size_t)p->cap);
    }
    p->keys[p->n] = sp_xstrdup(key);
    p->values[p->n++] = sp_xstrdup(value);
}

/* ---- the keys spate interprets -------------------------------------------- */

static const char *const STRING_DESER[] = {
    "string", "StringDeserializer", "org.apache.kafka.common.serialization.StringDeserializer",
    NULL};
static const char *const BYTES_DESER[] = {
    "bytes", "ByteArrayDeserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
    NULL};

static bool in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (!strcasecmp(v, *list)) return true;
    return false;
}

static bool is_deser_key(const char *key)
{
    return !strcmp(key, "key.deserializer") || !strcmp(key, "value.deserializer");
}

/* Java-only keys: spate reads them (or the output side does), librdkafka
 * never sees them. */
static bool is_spark_key(const char *key)
{
    return is_deser_key(key) || !strcmp(key, "key.serializer") ||
           !strcmp(key, "value.serializer") || !strcmp(key, "failOnDataLoss");
}

/* Kafka's ConfigException wording. */
static spate_err check_value(const char *key, const char *value, char *errstr, size_t errstr_size)
{
    if (is_deser_key(key) && !in_list(value, STRING_DESER) && !in_list(value, BYTES_DESER)) {
        sp_errf(errstr, errstr_size,
                "Invalid value %s for configuration %s: expected string (StringDeserializer) or "
                "bytes (ByteArrayDeserializer)",
                value, key);
        return SPATE_ERR_INVALID_ARG;
    }
    if (!strcmp(key, "failOnDataLoss") && strcasecmp(value, "true") && strcasecmp(value, "false")) {
        sp_errf(errstr, errstr_size,
                "Invalid value %s for configuration failOnDataLoss: expected true or false", value);
        return SPATE_ERR_INVALID_ARG;
    }
    if (!strcmp(key, "auto.offset.reset") && strcasecmp(value, "earliest") &&
        strcasecmp(value, "latest") && strcasecmp(value, "none")) {
        sp_errf(errstr, errstr_size,
                "Invalid value %s for configuration auto.offset.reset: String must be one of: "
                "latest, earliest, none",
                value);
        return SPATE_ERR_INVALID_ARG;
    }
    return SPATE_OK;
}

spate_err spate_kafka_params_set(spate_kafka_params *p, const char *key, const char *value,
                                 char *errstr, size_t errstr_size)
{
    if (!p || !key || !*key || !value) {
        sp_errf(errstr, errstr_size, "Kafka params: a key and a value are needed");
        return SPATE_ERR_INVALID_ARG;
    }
    spate_err err = check_value(key, value, errstr, errstr_size);
    if (err) return err;
    put(p, key, value);
    return SPATE_OK;
}

static sp_kafka_deser deser_of(const char *v)
{
    return v && in_list(v, BYTES_DESER) ? SP_KAFKA_DESER_BYTES : SP_KAFKA_DESER_STRING;
}

sp_kafka_deser sp_kafka_params_key_deser(const spate_kafka_params *p)
{
    return deser_of(spate_kafka_params_get(p, "key.deserializer"));
}

sp_kafka_deser sp_kafka_params_value_deser(const spate_kafka_params *p)
{
    return deser_of(spate_kafka_params_get(p, "value.deserializer"));
}

bool sp_kafka_params_fail_on_data_loss(const spate_kafka_params *p)
{
    const char *v = spate_kafka_params_get(p, "failOnDataLoss");
    return !v || strcasecmp(v, "false") != 0;
}

const char *sp_kafka_params_offset_reset(const spate_kafka_params *p)
{
    const char *v = spate_kafka_params_get(p, "auto.offset.reset");
    if (v && !strcasecmp(v, "earliest")) return "earliest";
    if (v && !strcasecmp(v, "none")) return "none";
    return "latest";
}

spate_kafka_params *sp_kafka_params_dup(const spate_kafka_params *p)
{
    spate_kafka_params *d = spate_kafka_params_new();
    for (int i = 0; p && i < p->n; i++)
        put(d, p->keys[i], p->values[i]);
    return d;
}

void sp_kafka_params_foreach(const spate_kafka_params *p,
                             void (*fn)(const char *key, const char *value, void *ud), void *ud)
{
    for (int i = 0; p && i < p->n; i++)
        fn(p->keys[i], p->values[i], ud);
}

/* ---- librdkafka configurations -------------------------------------------- */

void sp_kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    /* syslog levels: librdkafka's errors are mostly transient (a broker down
     * and retried): what fails an operation is reported by spate itself. */
    sp_log_level l = level <= 4 ? SP_LOG_WARN : level <= 6 ? SP_LOG_INFO : SP_LOG_DEBUG;
    sp_log(l, "librdkafka", "%s %s: %s", rk ? rd_kafka_name(rk) : "", fac, buf);
}

/* librdkafka's spelling of a Kafka value. */
static const char *rd_value(const char *key, const char *value)
{
    if (!strcmp(key, "auto.offset.reset") && !strcasecmp(value, "none")) return "error";
    return value;
}

static bool set_one(rd_kafka_conf_t *conf, const char *key, const char *value, const char *who,
                    char *errstr, size_t errstr_size)
{
    char rderr[256];
    rd_kafka_conf_res_t res =
        rd_kafka_conf_set(conf, key, rd_value(key, value), rderr, sizeof rderr);
    if (res == RD_KAFKA_CONF_OK) return true;
    if (res == RD_KAFKA_CONF_UNKNOWN) {
        sp_log(SP_LOG_WARN, "KafkaConfig",
               "%s: the configuration '%s' was supplied but isn't a known config of librdkafka; "
               "ignored",
               who, key);
        return true;
    }
    sp_errf(errstr, errstr_size, "Invalid value %s for configuration %s: %s", value, key, rderr);
    return false;
}

static bool overridden(const char *const *overrides, const char *key)
{
    for (int i = 0; overrides && overrides[i]; i += 2)
        if (!strcmp(overrides[i], key)) return true;
    return false;
}

/* Where librdkafka's default differs from the Java client's in a way a
 * Spark user would notice: reconnect.backoff.max.ms is 10 s in librdkafka,
 * which keeps a client away from a broker up to 10 s after it came back -
 * longer than spate.streaming.kafka.metadata.timeout, so a short broker
 * outage would fail a batch. The params may set it. */
static const char *const java_defaults[] = {"reconnect.backoff.max.ms", "1000", NULL};

rd_kafka_conf_t *sp_kafka_params_rdconf(const spate_kafka_params *p, const char *const *overrides,
                                        const char *who, char *errstr, size_t errstr_size)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    for (int i = 0; java_defaults[i]; i += 2)
        if (!set_one(conf, java_defaults[i], java_defaults[i + 1], who, errstr, errstr_size))
            goto fail;
    for (int i = 0; p && i < p->n; i++) {
        if (is_spark_key(p->keys[i]) || overridden(overrides, p->keys[i])) continue;
        if (!set_one(conf, p->keys[i], p->values[i], who, errstr, errstr_size)) goto fail;
    }
    for (int i = 0; overrides && overrides[i]; i += 2)
        if (overrides[i + 1] &&
            !set_one(conf, overrides[i], overrides[i + 1], who, errstr, errstr_size))
            goto fail;
    rd_kafka_conf_set_log_cb(conf, sp_kafka_log_cb);
    return conf;
fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}
