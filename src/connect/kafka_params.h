/* kafka_params.h - Kafka params (spate_kafka_params, include/spate/kafka.h)
 * as the Kafka connector's files read them: the Spark-side keys spate
 * interprets, and librdkafka configurations made from the rest.
 *
 * Spark-side keys (checked by spate_kafka_params_set, never given to
 * librdkafka): key.deserializer / value.deserializer, key.serializer /
 * value.serializer (Java class names have no meaning to librdkafka), and
 * failOnDataLoss. auto.offset.reset takes Kafka's values earliest | latest |
 * none; it is checked and translated for librdkafka ("none" is librdkafka's
 * "error"). Every other key goes to librdkafka; a key librdkafka does not
 * know is skipped with a warning, as Kafka's Java client warns about "a
 * configuration that was supplied but isn't a known config" (Spark programs
 * carry Java-only keys such as max.poll.records).
 *
 * Threads: params are not thread-safe; the connector reads a params object
 * it owns only on one thread at a time (or only reads it). */
#ifndef SP_KAFKA_PARAMS_H
#define SP_KAFKA_PARAMS_H

#include <spate/kafka.h>

#include <librdkafka/rdkafka.h>

/* The end of the data-loss messages (sp_kafka_tracker.loss_advice and
 * sp_kafka_reader_opts.loss_advice when NULL): the DStream side's words. */
#define SP_KAFKA_LOSS_ADVICE_DSTREAM                                                               \
    "If you don't want your streaming job to fail on such cases, set the Kafka param "             \
    "\"failOnDataLoss\" to \"false\"."

typedef enum sp_kafka_deser {
    SP_KAFKA_DESER_STRING, /* SPATE_STR: StringDeserializer (the default) */
    SP_KAFKA_DESER_BYTES,  /* SPATE_BYTES: ByteArrayDeserializer */
} sp_kafka_deser;

sp_kafka_deser sp_kafka_params_key_deser(const spate_kafka_params *p);
sp_kafka_deser sp_kafka_params_value_deser(const spate_kafka_params *p);
/* failOnDataLoss, true unless set to "false". */
bool sp_kafka_params_fail_on_data_loss(const spate_kafka_params *p);
/* auto.offset.reset as Kafka spells it: "earliest", "latest" (the default)
 * or "none". */
const char *sp_kafka_params_offset_reset(const spate_kafka_params *p);

/* A deep copy (NULL p: empty params). */
spate_kafka_params *sp_kafka_params_dup(const spate_kafka_params *p);

/* Calls fn for every key set, in the order first set. */
void sp_kafka_params_foreach(const spate_kafka_params *p,
                             void (*fn)(const char *key, const char *value, void *ud), void *ud);

/* A librdkafka configuration: p's librdkafka keys (see above), then the
 * overrides (NULL-terminated key, value pairs, may be NULL) which win over
 * p (a NULL value drops the key), then spate's log callback (librdkafka's log lines go to spate's
 * log under "librdkafka" instead of stderr). `who` names the client in warnings
 * ("Kafka direct stream 3"). NULL with librdkafka's message (naming the key
 * and value) in errstr when a value is rejected. The caller owns the result
 * (rd_kafka_new takes it). */
rd_kafka_conf_t *sp_kafka_params_rdconf(const spate_kafka_params *p, const char *const *overrides,
                                        const char *who, char *errstr, size_t errstr_size);

/* The log callback sp_kafka_params_rdconf installs (exposed for clients that
 * build their configuration another way). */
void sp_kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

#endif
