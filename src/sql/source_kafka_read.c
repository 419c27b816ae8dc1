/* source_kafka_read.c - the `kafka` source's reads: one offset range's
 * records (through the executors' cached consumers, kafka_consumer.h)
 * straight into column batches of Spark's Kafka row (KafkaRecordToRowConverter):
 * key and value as BINARY (NULL for a null key or a tombstone), the topic,
 * partition and offset, the timestamp (ms as TIMESTAMP µs), timestampType
 * (0 CreateTime, 1 LogAppendTime, -1 none) and, with includeHeaders, the
 * headers as ARRAY<STRUCT<key, value>> (NULL when the record has none).
 * Columns the plan does not read (sp_source_def.required) are not built:
 * they are made all null once per batch. When no batch outlives its
 * task's pipeline, a read refills one batch of the source's pool
 * (source_kafka_pool.c) rather than making batches in the task's arena.
 *
 * Threads: executor threads; each read has its own state. */
#include "sql/source_kafka_int.h"

#include "base/arena.h"
#include "connect/kafka_consumer.h"

#include <stdio.h>
#include <string.h>

typedef struct kread {
    sp_source *s;
    const bool *req; /* NULL: all */
    bool headers;
    int ncols;
    sp_kafka_batch_pool *pool; /* NULL: batches made in a */
    spate_arena *a;
    sp_colbatch *b;
    int64_t rows; /* filled in b */
    int64_t cap;
    sp_source_emit_fn emit;
    void *ud;
    sp_source_counters *c;
    bool stopped; /* emit refused */
} kread;

static bool need(const kread *r, int col) { return !r->req || r->req[col]; }

/* A column the plan does not read, all null for rows rows (a nested one
 * as a boolean stand-in, as the nexmark source does). Bitmaps are sized
 * for the batch's capacity, and a refilled batch's are reused (the one
 * sp_colbatch_reset kept aside, the stand-in's values), so that refilling
 * takes nothing more from its arena. */
static void fill_null(sp_colbatch *b, sp_column *c, int64_t rows)
{
    size_t bytes = (size_t)(b->capacity + 7) / 8 + 1;
    c->validity = c->spare_validity ? c->spare_validity : sp_colbatch_alloc(b, bytes);
    memset(c->validity, 0, (size_t)(rows + 7) / 8);
    c->null_count = rows;
    if (sp_coltype_is_nested(c->type)) {
        c->type = SP_COL_BOOL;
        c->nchildren = 0;
        c->children = NULL;
        c->offsets = NULL;
        c->values = sp_colbatch_alloc(b, bytes);
        memset(c->values, 0, bytes);
        snprintf(c->format, sizeof c->format, "%s", sp_coltype_arrow_format(SP_COL_BOOL));
    } else if (sp_coltype_is_varlen(c->type)) {
        int32_t at = c->offsets[c->str_rows];
        for (int64_t r = c->str_rows + 1; r <= rows; r++)
            c->offsets[r] = at;
        c->str_rows = rows;
    }
}

/* The current batch handed on (unpruned columns made null first). */
static bool flush(kread *r)
{
    sp_colbatch *b = r->b;
    if (!b || r->rows == 0) return true;
    for (int i = 0; i < r->ncols; i++)
        if (!need(r, i)) fill_null(b, &b->cols[i], r->rows);
    sp_colbatch_set_length(b, r->rows);
    r->c->rows += r->rows;
    r->rows = 0;
    if (!r->emit(b, r->ud)) {
        r->stopped = true;
        return false;
    }
    if (r->s->reuse_batches)
        sp_colbatch_reset(b);
    else
        r->b = NULL;
    return true;
}

static void put_bytes(sp_colbatch *b, int col, int64_t row, const void *p, size_t len)
{
    sp_column_append_bytes(b, col, p ? p : "", p ? len : 0);
    if (!p) sp_column_set_null(b, col, row);
}

static void put_headers(sp_colbatch *b, int64_t row, const rd_kafka_message_t *m)
{
    sp_column *c = &b->cols[SP_KCOL_HEADERS];
    rd_kafka_headers_t *h = NULL;
    size_t nh = rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR && h
                    ? rd_kafka_header_cnt(h)
                    : 0;
    if (nh == 0) {
        sp_col_append_null(b, c, row);
        return;
    }
    int64_t first = sp_col_list_begin(b, c, (int64_t)nh);
    sp_column *st = &c->children[0];
    for (size_t i = 0; i < nh; i++) {
        const char *name;
        const void *v;
        size_t vlen;
        rd_kafka_header_get_all(h, i, &name, &v, &vlen);
        sp_col_append_bytes(b, &st->children[0], name, strlen(name));
        sp_col_append_bytes(b, &st->children[1], v ? v : "", v ? vlen : 0);
        if (!v) sp_col_set_null(b, &st->children[1], first + (int64_t)i);
    }
    sp_col_list_end(c, (int64_t)nh);
}

/* One record into the batch's next row. */
static bool on_message(const rd_kafka_message_t *m, void *ud)
{
    kread *r = ud;
    if (!r->b)
        r->b = r->pool ? sp_kafka_batch_pool_take(r->pool)
                       : sp_source_batch_new(r->s->def->schema, r->a, r->cap);
    sp_colbatch *b = r->b;
    int64_t row = r->rows;
    if (need(r, SP_KCOL_KEY)) put_bytes(b, SP_KCOL_KEY, row, m->key, m->key_len);
    if (need(r, SP_KCOL_VALUE)) put_bytes(b, SP_KCOL_VALUE, row, m->payload, m->len);
    if (need(r, SP_KCOL_TOPIC)) {
        const char *t = rd_kafka_topic_name(m->rkt);
        sp_column_append_str(b, SP_KCOL_TOPIC, t, strlen(t));
    }
    if (need(r, SP_KCOL_PARTITION)) sp_column_i32(&b->cols[SP_KCOL_PARTITION])[row] = m->partition;
    if (need(r, SP_KCOL_OFFSET)) sp_column_i64(&b->cols[SP_KCOL_OFFSET])[row] = m->offset;
    if (need(r, SP_KCOL_TIMESTAMP) || need(r, SP_KCOL_TIMESTAMP_TYPE)) {
        rd_kafka_timestamp_type_t tt;
        int64_t ms = rd_kafka_message_timestamp(m, &tt);
        if (need(r, SP_KCOL_TIMESTAMP)) sp_column_i64(&b->cols[SP_KCOL_TIMESTAMP])[row] = ms * 1000;
        if (need(r, SP_KCOL_TIMESTAMP_TYPE))
            sp_column_i32(&b->cols[SP_KCOL_TIMESTAMP_TYPE])[row] =
                tt == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? 0
                : tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 1
                                                           : -1;
    }
    if (r->headers && need(r, SP_KCOL_HEADERS)) put_headers(b, row, m);
    r->c->bytes += (int64_t)(m->len + m->key_len);
    r->rows = row + 1;
    return r->rows < r->cap || flush(r);
}

spate_err sp_kafka_source_read_range(sp_source *s, void *reader, const sp_kafka_range *k,
                                     bool include_headers, sp_kafka_batch_pool *pool,
                                     spate_arena *a, sp_source_emit_fn emit, void *ud,
                                     sp_source_counters *c, char *errstr, size_t n)
{
    int64_t size = k->r.until_offset - k->r.from_offset;
    if (size <= 0) return SPATE_OK;
    kread r = {.s = s,
               .req = s->def->required,
               .headers = include_headers,
               .ncols = include_headers ? 8 : 7,
               .pool = s->reuse_batches ? pool : NULL,
               .a = a,
               .cap = size < SP_SOURCE_BATCH_ROWS ? size : SP_SOURCE_BATCH_ROWS,
               .emit = emit,
               .ud = ud,
               .c = c};
    spate_err e = sp_kafka_reader_read_msgs(reader, k->slot, &k->r, on_message, &r, errstr, n);
    if (e == SPATE_OK && !r.stopped && !flush(&r)) e = SPATE_ERR_USER;
    if (r.pool && r.b) sp_kafka_batch_pool_give(r.pool, r.b);
    return r.stopped ? SPATE_ERR_USER : e;
}
