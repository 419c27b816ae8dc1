/* kafka_record.h - Kafka's ConsumerRecord as a spate value: the 8-tuple
 *     (topic, partition, offset, timestamp, timestampType, key, value, headers)
 * read by the spate_kafka_record_* accessors (kafka.h). Printed, a record is
 * that tuple: (orders,0,42,1700000000000,CreateTime,k1,v1,List()).
 *
 * key and value are SPATE_STR (StringDeserializer) or SPATE_BYTES
 * (ByteArrayDeserializer) copies, SPATE_NULL for a null key or a tombstone;
 * headers a LIST of (STR name, BYTES value) pairs (value SPATE_NULL when the
 * header has none), in the record's order. */
#ifndef SP_KAFKA_RECORD_H
#define SP_KAFKA_RECORD_H

#include "connect/kafka_params.h"

enum {
    SP_KREC_TOPIC,
    SP_KREC_PARTITION,
    SP_KREC_OFFSET,
    SP_KREC_TIMESTAMP,
    SP_KREC_TIMESTAMP_TYPE,
    SP_KREC_KEY,
    SP_KREC_VALUE,
    SP_KREC_HEADERS,
    SP_KREC_FIELDS
};

/* The record of message m (a data message, not an event) in arena a. topic
 * is the partition's topic name, borrowed (it must outlive the record). */
spate_value sp_kafka_record_make(spate_arena *a, spate_value topic, const rd_kafka_message_t *m,
                                 sp_kafka_deser key_deser, sp_kafka_deser value_deser);

#endif
