/* kafka_record.c - consumer records as 8-tuples, and their accessors (see
 * kafka_record.h). */
#include "connect/kafka_record.h"

#include <string.h>

static spate_value payload(spate_arena *a, const void *p, size_t len, sp_kafka_deser d)
{
    if (!p) return spate_null();
    return d == SP_KAFKA_DESER_BYTES ? spate_bytes_copy(a, p, len) : spate_str_copy(a, p, len);
}

static spate_value timestamp_type(rd_kafka_timestamp_type_t t)
{
    switch (t) {
    case RD_KAFKA_TIMESTAMP_CREATE_TIME:
        return spate_cstr("CreateTime");
    case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME:
        return spate_cstr("LogAppendTime");
    default:
        return spate_cstr("NoTimestampType");
    }
}

static spate_value headers_of(spate_arena *a, const rd_kafka_message_t *m)
{
    rd_kafka_headers_t *hdrs = NULL;
    /* rd_kafka_message_headers parses on first use: the message is not
     * changed as far as the caller can see. */
    if (rd_kafka_message_headers((rd_kafka_message_t *)m, &hdrs) || !hdrs)
        return spate_list_of(a, NULL, 0);
    size_t n = rd_kafka_header_cnt(hdrs);
    spate_value list = spate_list_of(a, NULL, n);
    spate_value *items = spate_items_mut(list);
    for (size_t i = 0; i < n; i++) {
        const char *name;
        const void *value;
        size_t size;
        if (rd_kafka_header_get_all(hdrs, i, &name, &value, &size)) break;
        spate_value v = value ? spate_bytes_copy(a, value, size) : spate_null();
        items[i] = spate_tuple2(a, spate_str_copy(a, name, strlen(name)), v);
    }
    return list;
}

spate_value sp_kafka_record_make(spate_arena *a, spate_value topic, const rd_kafka_message_t *m,
                                 sp_kafka_deser key_deser, sp_kafka_deser value_deser)
{
    rd_kafka_timestamp_type_t tstype;
    int64_t ts = rd_kafka_message_timestamp(m, &tstype);
    spate_value rec = spate_tuple_of(a, NULL, SP_KREC_FIELDS);
    spate_value *f = spate_items_mut(rec);
    f[SP_KREC_TOPIC] = topic;
    f[SP_KREC_PARTITION] = spate_i64(m->partition);
    f[SP_KREC_OFFSET] = spate_i64(m->offset);
    f[SP_KREC_TIMESTAMP] = spate_i64(tstype == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? -1 : ts);
    f[SP_KREC_TIMESTAMP_TYPE] = timestamp_type(tstype);
    f[SP_KREC_KEY] = payload(a, m->key, m->key_len, key_deser);
    f[SP_KREC_VALUE] = payload(a, m->payload, m->len, value_deser);
    f[SP_KREC_HEADERS] = headers_of(a, m);
    return rec;
}

/* ---- accessors (kafka.h) ---------------------------------------------------- */

static spate_value field(spate_value rec, int i)
{
    return rec.type == SPATE_TUPLE && rec.len == SP_KREC_FIELDS ? rec.u.items[i] : spate_null();
}

spate_value spate_kafka_record_topic(spate_value rec) { return field(rec, SP_KREC_TOPIC); }
int32_t spate_kafka_record_partition(spate_value rec)
{
    return (int32_t)spate_as_i64(field(rec, SP_KREC_PARTITION));
}
int64_t spate_kafka_record_offset(spate_value rec)
{
    spate_value v = field(rec, SP_KREC_OFFSET);
    return v.type == SPATE_I64 ? v.u.i : -1;
}
int64_t spate_kafka_record_timestamp(spate_value rec)
{
    spate_value v = field(rec, SP_KREC_TIMESTAMP);
    return v.type == SPATE_I64 ? v.u.i : -1;
}
spate_value spate_kafka_record_timestamp_type(spate_value rec)
{
    return field(rec, SP_KREC_TIMESTAMP_TYPE);
}
spate_value spate_kafka_record_key(spate_value rec) { return field(rec, SP_KREC_KEY); }
spate_value spate_kafka_record_value(spate_value rec) { return field(rec, SP_KREC_VALUE); }
spate_value spate_kafka_record_headers(spate_value rec) { return field(rec, SP_KREC_HEADERS); }
