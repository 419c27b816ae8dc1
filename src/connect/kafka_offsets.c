/* kafka_offsets.c - partitions, their current offsets and the next batch's
 * ranges (see kafka_offsets.h). */
#include "connect/kafka_offsets.h"

#include "base/arena.h"
#include "base/log.h"
#include "connect/kafka_params.h"
#include "connect/kafka_strategy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMPONENT "DirectKafkaInputDStream"

void sp_kafka_tracker_init(sp_kafka_tracker *tr, const char *who, const spate_kafka_params *params,
                           spate_consumer_strategy *strategy, sp_kafka_driver *driver)
{
    *tr = (sp_kafka_tracker){.who = who,
                             .params = params,
                             .strategy = strategy,
                             .driver = driver,
                             .fail_on_data_loss = sp_kafka_params_fail_on_data_loss(params)};
    atomic_init(&tr->lost, 0);
}

static void parts_free(sp_kafka_part *parts, int n)
{
    for (int i = 0; i < n; i++)
        free(parts[i].topic);
    free(parts);
}

void sp_kafka_tracker_free(sp_kafka_tracker *tr)
{
    parts_free(tr->parts, tr->nparts);
    tr->parts = NULL;
    tr->nparts = 0;
}

static int find_part(const sp_kafka_tracker *tr, const char *topic, int32_t partition)
{
    for (int i = 0; i < tr->nparts; i++)
        if (tr->parts[i].partition == partition && !strcmp(tr->parts[i].topic, topic)) return i;
    return -1;
}

static int part_cmp(const void *a, const void *b)
{
    const sp_kafka_part *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

/* ---- new partitions and where they start ---------------------------------------- */

/* "[orders-0, orders-1]" of the partitions whose offset is still unknown. */
static void list_unknown(const sp_kafka_tp *tps, const int64_t *off, int n, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < n && len < size; i++)
        if (off[i] == SP_KAFKA_NO_OFFSET)
            len += (size_t)snprintf(buf + len, size - len, "%s%s-%d", len > 1 ? ", " : "",
                                    tps[i].topic, (int)tps[i].partition);
    if (len < size) snprintf(buf + len, size - len, "]");
}

/* Where new partitions start: the strategy's offset, group.id's committed
 * one, else auto.offset.reset. */
static spate_err start_offsets(sp_kafka_tracker *tr, const sp_kafka_tp *tps, int n, int64_t *off,
                               char *msg, size_t msg_size)
{
    int64_t *committed = sp_xcalloc((size_t)n + 1, sizeof *committed);
    spate_err err = sp_kafka_driver_committed(tr->driver, tps, n, committed, msg, msg_size);
    const char *reset = sp_kafka_params_offset_reset(tr->params);
    bool need_reset = false;
    for (int i = 0; !err && i < n; i++) {
        off[i] = sp_kafka_strategy_start_offset(tr->strategy, tps[i].topic, tps[i].partition);
        if (off[i] == SP_KAFKA_NO_OFFSET) off[i] = committed[i];
        need_reset |= off[i] == SP_KAFKA_NO_OFFSET;
    }
    free(committed);
    if (err || !need_reset) return err;
    if (!strcmp(reset, "none")) {
        char parts[512];
        list_unknown(tps, off, n, parts, sizeof parts);
        snprintf(msg, msg_size, "%s: Undefined offset with no reset policy for partitions: %s",
                 tr->who, parts);
        return SPATE_ERR_NOT_FOUND;
    }
    int64_t *reset_to = sp_xcalloc((size_t)n + 1, sizeof *reset_to);
    sp_kafka_offset_kind kind = !strcmp(reset, "earliest") ? SP_KAFKA_EARLIEST : SP_KAFKA_LATEST;
    err = sp_kafka_driver_offsets(tr->driver, tps, n, kind, reset_to, msg, msg_size);
    for (int i = 0; !err && i < n; i++)
        if (off[i] == SP_KAFKA_NO_OFFSET) off[i] = reset_to[i];
    free(reset_to);
    return err;
}

/* Adds the partitions of tps not tracked yet, with their starting offsets. */
static spate_err add_new_parts(sp_kafka_tracker *tr, const sp_kafka_tp *tps, int n, char *msg,
                               size_t msg_size)
{
    sp_kafka_tp *fresh = sp_xcalloc((size_t)n + 1, sizeof *fresh);
    int nfresh = 0;
    for (int i = 0; i < n; i++)
        if (find_part(tr, tps[i].topic, tps[i].partition) < 0) fresh[nfresh++] = tps[i];
    spate_err err = SPATE_OK;
    if (nfresh > 0) {
        int64_t *off = sp_xcalloc((size_t)nfresh, sizeof *off);
        err = start_offsets(tr, fresh, nfresh, off, msg, msg_size);
        if (!err) {
            tr->parts = sp_xrealloc(tr->parts, sizeof *tr->parts * (size_t)(tr->nparts + nfresh));
            for (int i = 0; i < nfresh; i++) {
                tr->parts[tr->nparts++] =
                    (sp_kafka_part){sp_xstrdup(fresh[i].topic), fresh[i].partition, off[i]};
                sp_log(SP_LOG_INFO, COMPONENT, "%s: reading %s-%d from offset %lld", tr->who,
                       fresh[i].topic, (int)fresh[i].partition, (long long)off[i]);
            }
            qsort(tr->parts, (size_t)tr->nparts, sizeof *tr->parts, part_cmp);
        }
        free(off);
    }
    free(fresh);
    return err;
}

spate_err sp_kafka_tracker_refresh(sp_kafka_tracker *tr, bool wait, char *msg, size_t msg_size)
{
    sp_kafka_tp *tps;
    int n;
    spate_err err =
        sp_kafka_driver_partitions(tr->driver, tr->strategy, wait, &tps, &n, msg, msg_size);
    if (!err) err = add_new_parts(tr, tps, n, msg, msg_size);
    sp_kafka_tps_free(tps, n);
    return err;
}

/* ---- planning a batch ----------------------------------------------------------- */

static sp_kafka_tp *parts_as_tps(const sp_kafka_tracker *tr)
{
    sp_kafka_tp *tps = sp_xcalloc((size_t)tr->nparts + 1, sizeof *tps);
    for (int i = 0; i < tr->nparts; i++)
        tps[i] = (sp_kafka_tp){tr->parts[i].topic, tr->parts[i].partition};
    return tps;
}

/* Offsets Kafka no longer has: failOnDataLoss fails, else the partition
 * skips to the earliest offset. */
static spate_err check_lost(sp_kafka_tracker *tr, const int64_t *earliest, char *msg,
                            size_t msg_size)
{
    const char *group = spate_kafka_params_get(tr->params, "group.id");
    for (int i = 0; i < tr->nparts; i++) {
        sp_kafka_part *p = &tr->parts[i];
        if (p->offset >= earliest[i]) continue;
        if (tr->fail_on_data_loss) {
            snprintf(msg, msg_size,
                     "%s: Cannot fetch offset %lld (GroupId: %s, TopicPartition: %s-%d): the "
                     "earliest offset Kafka has is %lld. Some data may have been lost because "
                     "they are not available in Kafka any more; either the data was aged out "
                     "by Kafka or the topic may have been deleted before all the data in the "
                     "topic was processed. %s",
                     tr->who, (long long)p->offset, group ? group : "null", p->topic,
                     (int)p->partition, (long long)earliest[i],
                     tr->loss_advice ? tr->loss_advice : SP_KAFKA_LOSS_ADVICE_DSTREAM);
            return SPATE_ERR_IO;
        }
        sp_log(SP_LOG_WARN, COMPONENT,
               "%s: Offset %lld is out of range, and records in [%lld, %lld) will be skipped "
               "(GroupId: %s, TopicPartition: %s-%d). Some data may have been lost because they "
               "are not available in Kafka any more.",
               tr->who, (long long)p->offset, (long long)p->offset, (long long)earliest[i],
               group ? group : "null", p->topic, (int)p->partition);
        atomic_fetch_add(&tr->lost, earliest[i] - p->offset);
        p->offset = earliest[i];
    }
    return SPATE_OK;
}

/* A current offset past the end: Spark's KafkaRDD refuses the range. */
static spate_err check_ahead(const sp_kafka_tracker *tr, const int64_t *latest, char *msg,
                             size_t msg_size)
{
    for (int i = 0; i < tr->nparts; i++) {
        if (tr->parts[i].offset <= latest[i]) continue;
        snprintf(msg, msg_size,
                 "Beginning offset %lld is after the ending offset %lld for topic %s "
                 "partition %d. You either provided an invalid fromOffset, or the Kafka "
                 "topic has been damaged",
                 (long long)tr->parts[i].offset, (long long)latest[i], tr->parts[i].topic,
                 (int)tr->parts[i].partition);
        return SPATE_ERR_STATE;
    }
    return SPATE_OK;
}

spate_err sp_kafka_tracker_plan(sp_kafka_tracker *tr, const sp_kafka_rates *rates,
                                int64_t latest_rate, int64_t *until, char *msg, size_t msg_size)
{
    int n = tr->nparts;
    sp_kafka_tp *tps = parts_as_tps(tr);
    int64_t *latest = sp_xcalloc((size_t)n + 1, sizeof *latest);
    int64_t *earliest = sp_xcalloc((size_t)n + 1, sizeof *earliest);
    int64_t *current = sp_xcalloc((size_t)n + 1, sizeof *current);
    spate_err err =
        sp_kafka_driver_offsets(tr->driver, tps, n, SP_KAFKA_LATEST, latest, msg, msg_size);
    if (!err)
        err =
            sp_kafka_driver_offsets(tr->driver, tps, n, SP_KAFKA_EARLIEST, earliest, msg, msg_size);
    if (!err) err = check_lost(tr, earliest, msg, msg_size);
    if (!err) err = check_ahead(tr, latest, msg, msg_size);
    if (!err) {
        for (int i = 0; i < n; i++)
            current[i] = tr->parts[i].offset;
        sp_kafka_rates r = *rates;
        r.latest_rate = latest_rate;
        sp_kafka_clamp(&r, current, latest, n, until);
    }
    free(tps);
    free(latest);
    free(earliest);
    free(current);
    return err;
}

spate_offset_range *sp_kafka_tracker_ranges(const sp_kafka_tracker *tr, const int64_t *until)
{
    spate_offset_range *ranges = sp_xcalloc((size_t)tr->nparts + 1, sizeof *ranges);
    for (int i = 0; i < tr->nparts; i++) {
        const sp_kafka_part *p = &tr->parts[i];
        ranges[i] = (spate_offset_range){p->topic, p->partition, p->offset, until[i]};
    }
    return ranges;
}

void sp_kafka_tracker_advance(sp_kafka_tracker *tr, const int64_t *until)
{
    for (int i = 0; i < tr->nparts; i++)
        tr->parts[i].offset = until[i];
}

/* ---- position ------------------------------------------------------------------ */

char *sp_kafka_topic_get(sp_ckpt_in *in)
{
    return sp_ckpt_get_name(in, 249, ""); /* Kafka's longest topic name */
}

bool sp_kafka_partition_get(sp_ckpt_in *in, int32_t *partition)
{
    int64_t v;
    if (!sp_ckpt_get_i64(in, &v) || v < 0 || v > INT32_MAX) return in->bad = true, false;
    *partition = (int32_t)v;
    return true;
}

void sp_kafka_tracker_save(const sp_kafka_tracker *tr, sp_ckpt_out *w)
{
    sp_ckpt_put_u64(w, (uint64_t)tr->nparts);
    for (int i = 0; i < tr->nparts; i++) {
        sp_ckpt_put_str(w, tr->parts[i].topic);
        sp_ckpt_put_i64(w, tr->parts[i].partition);
        sp_ckpt_put_i64(w, tr->parts[i].offset);
    }
}

spate_err sp_kafka_tracker_load(sp_kafka_tracker *tr, sp_ckpt_in *in)
{
    uint64_t n;
    if (!sp_ckpt_get_u64(in, &n) || n > in->len - in->pos) return SPATE_ERR_CORRUPT;
    sp_kafka_part *parts = sp_xcalloc(n + 1, sizeof *parts);
    int k = 0;
    for (; (uint64_t)k < n; k++) {
        sp_kafka_part *p = &parts[k];
        p->topic = sp_kafka_topic_get(in);
        if (!p->topic || !sp_kafka_partition_get(in, &p->partition) ||
            !sp_ckpt_get_i64(in, &p->offset) || p->offset < 0) {
            parts_free(parts, k + (p->topic != NULL));
            return SPATE_ERR_CORRUPT;
        }
    }
    qsort(parts, (size_t)k, sizeof *parts, part_cmp);
    parts_free(tr->parts, tr->nparts);
    tr->parts = parts;
    tr->nparts = k;
    return SPATE_OK;
}
