/* kafka_direct.c - KafkaUtils.createDirectStream (Spark's
 * DirectKafkaInputDStream): each batch reads a fixed offset range per Kafka
 * partition, one RDD partition each.
 *
 * Start (the thread starting the context): the partitions the strategy
 * takes (Subscribe/Assign topics must exist within
 * spate.streaming.kafka.metadata.timeout) and where each starts: the
 * strategy's offset, else group.id's committed offset, else
 * auto.offset.reset (latest: the end at start; earliest: the log start;
 * none: an error naming the partitions). A context restored from a
 * checkpoint starts where the checkpoint says instead.
 *
 * Batch t (generator thread, when t is generated):
 *   1. the offsets commitAsync queued are sent (Spark's commitAll);
 *   2. the cluster's partitions are listed again: new ones (a topic a
 *      pattern now matches, partitions added to a topic) start as above;
 *   3. the latest and earliest offset of every partition are asked for;
 *      a current offset below the earliest is data loss (retention deleted
 *      records not read yet): failOnDataLoss true (the default) fails the
 *      batch naming the partition and the offsets, false skips to the
 *      earliest with a warning and counts the records
 *      (spate_kafka_records_lost);
 *   4. until = latest, clamped by the rate limits (kafka_plan.h, with the
 *      backpressure estimate of rate_estimator.h);
 *   5. the ranges [current, until) become the RDD, the records are counted
 *      for the batch's input info, and current moves to until.
 * Any Kafka failure there fails batch t with the message (the context's
 * error, awaitTermination returns it) and leaves the offsets where they
 * were: the next batch reads what t would have.
 *
 * Checkpoints: the ranges of batch t are written into the metadata
 * checkpoint when t is generated, before it runs (save_batch_input), and the
 * current offsets with every metadata checkpoint (save_position); a
 * restarted context re-runs its pending batches with exactly their ranges
 * and continues from the saved offsets: exactly-once input.
 *
 * Tasks read their range through the executor consumers of
 * kafka_consumer.h. */
#include "stream/inputs/kafka_direct.h"
#include "connect/kafka_driver.h"
#include "connect/kafka_params.h"
#include "connect/kafka_plan.h"
#include "connect/kafka_strategy.h"
#include "connect/source_util.h"
#include "stream/dstream_int.h"
#include "stream/rate_estimator.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/log.h"
#include "exec/pool.h"
#include "exec/rdd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMPONENT "DirectKafkaInputDStream"

enum { MSG_MAX = 1024 };

/* A partition and the offset its next batch starts at (Spark's currentOffsets). */
typedef struct kd_part {
    char *topic;
    int32_t partition;
    int64_t offset;
} kd_part;

/* The ranges one batch took (malloc'd topic names), for checkpoints. */
typedef struct kd_batch {
    int64_t time;
    spate_offset_range *ranges;
    int n;
} kd_batch;

typedef struct kd_impl {
    spate_ctx *ctx;
    char who[64]; /* Spark's name: "Kafka 0.10 direct stream [3]" */
    spate_kafka_params *params;
    spate_consumer_strategy *strategy;
    sp_kafka_driver *driver;
    sp_kafka_reader *reader;
    sp_rate_controller *rate;
    sp_kafka_rates rates;
    bool fail_on_data_loss;
    kd_part *parts; /* sorted by topic, partition */
    int nparts;
    bool position_loaded;
    kd_batch *taken, *restored;
    int ntaken, nrestored;
    atomic_llong lost;
} kd_impl;

/* The RDD of one batch (in the batch scope's arena). */
typedef struct kd_rdd {
    kd_impl *kd;
    spate_offset_range *ranges;
    spate_value *topics;
    int n;
} kd_rdd;

/* ---- partitions and starting offsets (start: program thread; then generator) ---- */

static void parts_free(kd_part *parts, int n)
{
    for (int i = 0; i < n; i++)
        free(parts[i].topic);
    free(parts);
}

static int find_part(const kd_impl *kd, const char *topic, int32_t partition)
{
    for (int i = 0; i < kd->nparts; i++)
        if (kd->parts[i].partition == partition && !strcmp(kd->parts[i].topic, topic)) return i;
    return -1;
}

static int part_cmp(const void *a, const void *b)
{
    const kd_part *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

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
static spate_err start_offsets(kd_impl *kd, const sp_kafka_tp *tps, int n, int64_t *off, char *msg,
                               size_t msg_size)
{
    int64_t *committed = sp_xcalloc((size_t)n + 1, sizeof *committed);
    spate_err err = sp_kafka_driver_committed(kd->driver, tps, n, committed, msg, msg_size);
    const char *reset = sp_kafka_params_offset_reset(kd->params);
    bool need_reset = false;
    for (int i = 0; !err && i < n; i++) {
        off[i] = sp_kafka_strategy_start_offset(kd->strategy, tps[i].topic, tps[i].partition);
        if (off[i] == SP_KAFKA_NO_OFFSET) off[i] = committed[i];
        need_reset |= off[i] == SP_KAFKA_NO_OFFSET;
    }
    free(committed);
    if (err || !need_reset) return err;
    if (!strcmp(reset, "none")) {
        char parts[512];
        list_unknown(tps, off, n, parts, sizeof parts);
        snprintf(msg, msg_size, "%s: Undefined offset with no reset policy for partitions: %s",
                 kd->who, parts);
        return SPATE_ERR_NOT_FOUND;
    }
    int64_t *reset_to = sp_xcalloc((size_t)n + 1, sizeof *reset_to);
    sp_kafka_offset_kind kind = !strcmp(reset, "earliest") ? SP_KAFKA_EARLIEST : SP_KAFKA_LATEST;
    err = sp_kafka_driver_offsets(kd->driver, tps, n, kind, reset_to, msg, msg_size);
    for (int i = 0; !err && i < n; i++)
        if (off[i] == SP_KAFKA_NO_OFFSET) off[i] = reset_to[i];
    free(reset_to);
    return err;
}

/* Adds the partitions of tps not tracked yet, with their starting offsets. */
static spate_err add_new_parts(kd_impl *kd, const sp_kafka_tp *tps, int n, char *msg,
                               size_t msg_size)
{
    sp_kafka_tp *fresh = sp_xcalloc((size_t)n + 1, sizeof *fresh);
    int nfresh = 0;
    for (int i = 0; i < n; i++)
        if (find_part(kd, tps[i].topic, tps[i].partition) < 0) fresh[nfresh++] = tps[i];
    spate_err err = SPATE_OK;
    if (nfresh > 0) {
        int64_t *off = sp_xcalloc((size_t)nfresh, sizeof *off);
        err = start_offsets(kd, fresh, nfresh, off, msg, msg_size);
        if (!err) {
            kd->parts = sp_xrealloc(kd->parts, sizeof *kd->parts * (size_t)(kd->nparts + nfresh));
            for (int i = 0; i < nfresh; i++) {
                kd->parts[kd->nparts++] =
                    (kd_part){sp_xstrdup(fresh[i].topic), fresh[i].partition, off[i]};
                sp_log(SP_LOG_INFO, COMPONENT, "%s: reading %s-%d from offset %lld", kd->who,
                       fresh[i].topic, (int)fresh[i].partition, (long long)off[i]);
            }
            qsort(kd->parts, (size_t)kd->nparts, sizeof *kd->parts, part_cmp);
        }
        free(off);
    }
    free(fresh);
    return err;
}

/* Lists the strategy's partitions and tracks the new ones. wait: the named
 * topics must exist (at start). */
static spate_err refresh_parts(kd_impl *kd, bool wait, char *msg, size_t msg_size)
{
    sp_kafka_tp *tps;
    int n;
    spate_err err =
        sp_kafka_driver_partitions(kd->driver, kd->strategy, wait, &tps, &n, msg, msg_size);
    if (!err) err = add_new_parts(kd, tps, n, msg, msg_size);
    sp_kafka_tps_free(tps, n);
    return err;
}

static spate_err kd_start(spate_stream *s, int64_t zero_time)
{
    (void)zero_time;
    kd_impl *kd = s->impl;
    if (kd->position_loaded) return SPATE_OK; /* restored: the checkpoint's offsets */
    char msg[MSG_MAX];
    spate_err err = refresh_parts(kd, true, msg, sizeof msg);
    if (err) sp_ctx_set_error(kd->ctx, "%s", msg);
    return err;
}

/* ---- planning a batch (generator thread) ----------------------------------- */

static sp_kafka_tp *parts_as_tps(const kd_impl *kd)
{
    sp_kafka_tp *tps = sp_xcalloc((size_t)kd->nparts + 1, sizeof *tps);
    for (int i = 0; i < kd->nparts; i++)
        tps[i] = (sp_kafka_tp){kd->parts[i].topic, kd->parts[i].partition};
    return tps;
}

/* Offsets Kafka no longer has: failOnDataLoss fails the batch, else the
 * partition skips to the earliest offset. False when the batch failed. */
static bool check_lost(kd_impl *kd, sp_batch *b, const int64_t *earliest)
{
    const char *group = spate_kafka_params_get(kd->params, "group.id");
    for (int i = 0; i < kd->nparts; i++) {
        kd_part *p = &kd->parts[i];
        if (p->offset >= earliest[i]) continue;
        if (kd->fail_on_data_loss) {
            sp_batch_fail(b, SPATE_ERR_IO,
                          "%s: Cannot fetch offset %lld (GroupId: %s, TopicPartition: %s-%d): the "
                          "earliest offset Kafka has is %lld. Some data may have been lost because "
                          "they are not available in Kafka any more; either the data was aged out "
                          "by Kafka or the topic may have been deleted before all the data in the "
                          "topic was processed. If you don't want your streaming job to fail on "
                          "such cases, set the Kafka param \"failOnDataLoss\" to \"false\".",
                          kd->who, (long long)p->offset, group ? group : "null", p->topic,
                          (int)p->partition, (long long)earliest[i]);
            return false;
        }
        sp_log(SP_LOG_WARN, COMPONENT,
               "%s: Offset %lld is out of range, and records in [%lld, %lld) will be skipped "
               "(GroupId: %s, TopicPartition: %s-%d). Some data may have been lost because they "
               "are not available in Kafka any more.",
               kd->who, (long long)p->offset, (long long)p->offset, (long long)earliest[i],
               group ? group : "null", p->topic, (int)p->partition);
        atomic_fetch_add(&kd->lost, earliest[i] - p->offset);
        p->offset = earliest[i];
    }
    return true;
}

/* A current offset past the end: Spark's KafkaRDD refuses the range. */
static bool check_ahead(kd_impl *kd, sp_batch *b, const int64_t *latest)
{
    for (int i = 0; i < kd->nparts; i++) {
        if (kd->parts[i].offset <= latest[i]) continue;
        sp_batch_fail(b, SPATE_ERR_STATE,
                      "Beginning offset %lld is after the ending offset %lld for topic %s "
                      "partition %d. You either provided an invalid fromOffset, or the Kafka "
                      "topic has been damaged",
                      (long long)kd->parts[i].offset, (long long)latest[i], kd->parts[i].topic,
                      (int)kd->parts[i].partition);
        return false;
    }
    return true;
}

/* Latest offsets clamped by the rate limits into until; false when the
 * batch failed. */
static bool plan_until(kd_impl *kd, sp_batch *b, int64_t *until)
{
    int n = kd->nparts;
    sp_kafka_tp *tps = parts_as_tps(kd);
    int64_t *latest = sp_xcalloc((size_t)n + 1, sizeof *latest);
    int64_t *earliest = sp_xcalloc((size_t)n + 1, sizeof *earliest);
    int64_t *current = sp_xcalloc((size_t)n + 1, sizeof *current);
    char msg[MSG_MAX];
    spate_err err =
        sp_kafka_driver_offsets(kd->driver, tps, n, SP_KAFKA_LATEST, latest, msg, sizeof msg);
    if (!err)
        err = sp_kafka_driver_offsets(kd->driver, tps, n, SP_KAFKA_EARLIEST, earliest, msg,
                                      sizeof msg);
    if (err) sp_batch_fail(b, err, "%s", msg);
    bool ok = !err && check_lost(kd, b, earliest) && check_ahead(kd, b, latest);
    if (ok) {
        for (int i = 0; i < n; i++)
            current[i] = kd->parts[i].offset;
        sp_kafka_rates r = kd->rates;
        r.latest_rate = sp_rate_controller_latest(kd->rate);
        sp_kafka_clamp(&r, current, latest, n, until);
    }
    free(tps);
    free(latest);
    free(earliest);
    free(current);
    return ok;
}

/* ---- the batch's RDD ----------------------------------------------------------- */

static void kd_read_part(spate_task *t, int part, spate_sink *out, void *ud)
{
    kd_rdd *kr = ud;
    sp_kafka_reader_read(kr->kd->reader, t, &kr->ranges[part], kr->topics[part], out);
}

/* An RDD over copies of ranges in the batch's memory; their record count
 * goes to the batch. */
static spate_rdd *make_rdd(kd_impl *kd, spate_stream *s, sp_batch *b,
                           const spate_offset_range *ranges, int n)
{
    sp_scope *scope = sp_batch_scope(b);
    spate_arena *a = sp_scope_arena(scope);
    kd_rdd *kr = spate_arena_alloc(a, sizeof *kr);
    kr->kd = kd;
    kr->n = n;
    kr->ranges = spate_arena_alloc(a, sizeof *kr->ranges * (size_t)(n + 1));
    kr->topics = spate_arena_alloc(a, sizeof *kr->topics * (size_t)(n + 1));
    int64_t records = 0;
    for (int i = 0; i < n; i++) {
        spate_value topic = spate_str_copy(a, ranges[i].topic, strlen(ranges[i].topic) + 1);
        topic.len--; /* the copy keeps a NUL for the range's C string */
        kr->topics[i] = topic;
        kr->ranges[i] = ranges[i];
        kr->ranges[i].topic = topic.u.s;
        records += ranges[i].until_offset - ranges[i].from_offset;
    }
    sp_batch_add_records(b, s, records);
    return sp_rdd_source(scope, n, kd_read_part, kr);
}

static void batch_free(kd_batch *kb)
{
    for (int i = 0; i < kb->n; i++)
        free((char *)kb->ranges[i].topic);
    free(kb->ranges);
    *kb = (kd_batch){0};
}

/* Remembers what batch t took until save_batch_input writes it. */
static void note_taken(kd_impl *kd, int64_t t, const spate_offset_range *ranges, int n)
{
    int k = 0;
    while (k < kd->ntaken && kd->taken[k].time != t)
        k++;
    if (k < kd->ntaken)
        batch_free(&kd->taken[k]);
    else
        kd->taken = sp_xrealloc(kd->taken, sizeof *kd->taken * (size_t)++kd->ntaken);
    kd_batch *kb = &kd->taken[k];
    *kb = (kd_batch){.time = t, .n = n};
    kb->ranges = sp_xcalloc((size_t)n + 1, sizeof *kb->ranges);
    for (int i = 0; i < n; i++) {
        kb->ranges[i] = ranges[i];
        kb->ranges[i].topic = sp_xstrdup(ranges[i].topic);
    }
}

static bool take_restored(kd_impl *kd, int64_t t, kd_batch *out)
{
    for (int i = 0; i < kd->nrestored; i++) {
        if (kd->restored[i].time != t) continue;
        *out = kd->restored[i];
        kd->restored[i] = kd->restored[--kd->nrestored];
        return true;
    }
    return false;
}

static spate_rdd *kd_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    kd_impl *kd = s->impl;
    kd_batch kb;
    if (take_restored(kd, t, &kb)) {
        sp_log(SP_LOG_INFO, COMPONENT, "%s: restoring KafkaRDD for time %lld ms (%d ranges)",
               kd->who, (long long)t, kb.n);
        note_taken(kd, t, kb.ranges, kb.n);
        spate_rdd *r = make_rdd(kd, s, b, kb.ranges, kb.n);
        batch_free(&kb);
        return r;
    }
    sp_kafka_driver_commit_queued(kd->driver);
    char msg[MSG_MAX];
    spate_err err = refresh_parts(kd, false, msg, sizeof msg);
    if (err) {
        sp_batch_fail(b, err, "%s", msg);
        return NULL;
    }
    int n = kd->nparts;
    int64_t *until = sp_xcalloc((size_t)n + 1, sizeof *until);
    spate_rdd *r = NULL;
    if (plan_until(kd, b, until)) {
        spate_offset_range *ranges = sp_xcalloc((size_t)n + 1, sizeof *ranges);
        for (int i = 0; i < n; i++) {
            kd_part *p = &kd->parts[i];
            ranges[i] = (spate_offset_range){p->topic, p->partition, p->offset, until[i]};
        }
        note_taken(kd, t, ranges, n);
        r = make_rdd(kd, s, b, ranges, n);
        for (int i = 0; i < n; i++)
            kd->parts[i].offset = until[i];
        free(ranges);
    }
    free(until);
    return r;
}

/* ---- checkpoints (generator thread, or before start) ------------------------------ */

static void kd_save_batch_input(spate_stream *s, int64_t t, sp_ckpt_out *w)
{
    kd_impl *kd = s->impl;
    const kd_batch *kb = NULL;
    for (int i = 0; i < kd->ntaken; i++)
        if (kd->taken[i].time == t) kb = &kd->taken[i];
    sp_ckpt_put_u64(w, kb ? (uint64_t)kb->n : 0);
    for (int i = 0; kb && i < kb->n; i++) {
        sp_ckpt_put_str(w, kb->ranges[i].topic);
        sp_ckpt_put_i64(w, kb->ranges[i].partition);
        sp_ckpt_put_i64(w, kb->ranges[i].from_offset);
        sp_ckpt_put_i64(w, kb->ranges[i].until_offset);
    }
    int kept = 0; /* batches up to t are saved or never will be */
    for (int i = 0; i < kd->ntaken; i++) {
        if (kd->taken[i].time <= t)
            batch_free(&kd->taken[i]);
        else
            kd->taken[kept++] = kd->taken[i];
    }
    kd->ntaken = kept;
}

/* A topic as saved: not empty, no NUL (malloc'd), or NULL. */
static char *get_topic(sp_ckpt_in *in)
{
    const void *p;
    size_t n;
    if (!sp_ckpt_get_bytes(in, &p, &n) || n == 0 || n > 249 || memchr(p, '\0', n))
        return in->bad = true, NULL;
    char *topic = sp_xmalloc(n + 1);
    memcpy(topic, p, n);
    topic[n] = '\0';
    return topic;
}

static bool get_partition(sp_ckpt_in *in, int32_t *partition)
{
    int64_t v;
    if (!sp_ckpt_get_i64(in, &v) || v < 0 || v > INT32_MAX) return in->bad = true, false;
    *partition = (int32_t)v;
    return true;
}

static spate_err kd_restore_batch_input(spate_stream *s, int64_t t, sp_ckpt_in *in)
{
    kd_impl *kd = s->impl;
    uint64_t n;
    if (!sp_ckpt_get_u64(in, &n) || n > in->len - in->pos) return SPATE_ERR_CORRUPT;
    kd_batch kb = {.time = t};
    kb.ranges = sp_xcalloc(n + 1, sizeof *kb.ranges);
    for (; (uint64_t)kb.n < n; kb.n++) {
        spate_offset_range *r = &kb.ranges[kb.n];
        char *topic = get_topic(in);
        r->topic = topic;
        if (!topic || !get_partition(in, &r->partition) || !sp_ckpt_get_i64(in, &r->from_offset) ||
            !sp_ckpt_get_i64(in, &r->until_offset) || r->from_offset < 0 ||
            r->until_offset < r->from_offset) {
            kb.n += topic != NULL;
            batch_free(&kb);
            return SPATE_ERR_CORRUPT;
        }
    }
    kd->restored = sp_xrealloc(kd->restored, sizeof *kd->restored * (size_t)(kd->nrestored + 1));
    kd->restored[kd->nrestored++] = kb;
    return SPATE_OK;
}

static void kd_save_position(spate_stream *s, sp_ckpt_out *w)
{
    kd_impl *kd = s->impl;
    sp_ckpt_put_u64(w, (uint64_t)kd->nparts);
    for (int i = 0; i < kd->nparts; i++) {
        sp_ckpt_put_str(w, kd->parts[i].topic);
        sp_ckpt_put_i64(w, kd->parts[i].partition);
        sp_ckpt_put_i64(w, kd->parts[i].offset);
    }
}

static spate_err kd_load_position(spate_stream *s, sp_ckpt_in *in)
{
    kd_impl *kd = s->impl;
    uint64_t n;
    if (!sp_ckpt_get_u64(in, &n) || n > in->len - in->pos) return SPATE_ERR_CORRUPT;
    kd_part *parts = sp_xcalloc(n + 1, sizeof *parts);
    int k = 0;
    for (; (uint64_t)k < n; k++) {
        kd_part *p = &parts[k];
        p->topic = get_topic(in);
        if (!p->topic || !get_partition(in, &p->partition) || !sp_ckpt_get_i64(in, &p->offset) ||
            p->offset < 0) {
            parts_free(parts, k + (p->topic != NULL));
            return SPATE_ERR_CORRUPT;
        }
    }
    qsort(parts, (size_t)k, sizeof *parts, part_cmp);
    parts_free(kd->parts, kd->nparts);
    kd->parts = parts;
    kd->nparts = k;
    kd->position_loaded = true;
    return SPATE_OK;
}

/* ---- life cycle -------------------------------------------------------------------- */

static void kd_stop(spate_stream *s, bool graceful)
{
    (void)s;
    (void)graceful; /* nothing received ahead: the next batch just is not generated */
}

static bool kd_has_pending(spate_stream *s)
{
    (void)s;
    return false;
}

static void kd_free(kd_impl *kd)
{
    sp_rate_controller_destroy(kd->rate);
    sp_kafka_reader_destroy(kd->reader);
    sp_kafka_driver_destroy(kd->driver); /* sends what commitAsync still queued */
    spate_kafka_strategy_destroy(kd->strategy);
    spate_kafka_params_destroy(kd->params);
    parts_free(kd->parts, kd->nparts);
    for (int i = 0; i < kd->ntaken; i++)
        batch_free(&kd->taken[i]);
    for (int i = 0; i < kd->nrestored; i++)
        batch_free(&kd->restored[i]);
    free(kd->taken);
    free(kd->restored);
    free(kd);
}

static void kd_destroy(spate_stream *s)
{
    if (s->impl) kd_free(s->impl);
    s->impl = NULL;
}

static const sp_stream_ops kafka_ops = {
    .name = COMPONENT,
    .compute = kd_compute,
    .start = kd_start,
    .stop = kd_stop,
    .has_pending = kd_has_pending,
    .destroy = kd_destroy,
    .save_batch_input = kd_save_batch_input,
    .restore_batch_input = kd_restore_batch_input,
    .save_position = kd_save_position,
    .load_position = kd_load_position,
};

/* ---- construction (program thread) --------------------------------------------------- */

static void configure(kd_impl *kd, spate_ctx *ctx)
{
    const spate_conf *c = spate_ctx_conf(ctx);
    kd->rates = (sp_kafka_rates){
        .batch_ms = spate_ctx_batch_interval(ctx),
        .max_rate_per_partition = sp_conf_i64(c, "spate.streaming.kafka.maxRatePerPartition"),
        .min_rate_per_partition = sp_conf_i64(c, "spate.streaming.kafka.minRatePerPartition"),
        .initial_rate = sp_conf_i64(c, "spate.streaming.backpressure.initialRate"),
    };
    kd->fail_on_data_loss = sp_kafka_params_fail_on_data_loss(kd->params);
}

/* The clients: NULL with the reason in msg. */
static bool make_clients(kd_impl *kd, spate_ctx *ctx, char *msg, size_t msg_size)
{
    const spate_conf *c = spate_ctx_conf(ctx);
    int64_t timeout = sp_conf_duration(c, "spate.streaming.kafka.metadata.timeout");
    kd->driver = sp_kafka_driver_new(kd->params, kd->who, timeout, msg, msg_size);
    if (!kd->driver) return false;
    sp_kafka_reader_opts opts = {
        .nthreads = sp_pool_threads(sp_ctx_exec(ctx)->pool),
        .poll_ms = sp_conf_duration(c, "spate.streaming.kafka.consumer.poll.ms"),
        .max_open = (int)sp_conf_i64(c, "spate.streaming.kafka.consumer.cache.maxCapacity"),
        .lost = &kd->lost,
        .who = kd->who,
    };
    kd->reader = sp_kafka_reader_new(kd->params, &opts, msg, msg_size);
    return kd->reader != NULL;
}

spate_stream *spate_kafka_direct_stream(spate_ctx *ssc, spate_kafka_params *params,
                                        spate_consumer_strategy *strategy)
{
    if (!ssc || !params || !strategy || !sp_ctx_check_initialized(ssc)) {
        if (ssc && (!params || !strategy))
            sp_ctx_set_error(ssc, "createDirectStream: Kafka params and a strategy are needed");
        spate_kafka_params_destroy(params);
        spate_kafka_strategy_destroy(strategy);
        return NULL;
    }
    kd_impl *kd = sp_xcalloc(1, sizeof *kd);
    kd->ctx = ssc;
    kd->params = params;
    kd->strategy = strategy;
    atomic_init(&kd->lost, 0);
    snprintf(kd->who, sizeof kd->who, "Kafka 0.10 direct stream");
    configure(kd, ssc);
    char msg[MSG_MAX];
    const char *bad = sp_kafka_strategy_error(strategy);
    if (bad || !make_clients(kd, ssc, msg, sizeof msg)) {
        sp_ctx_set_error(ssc, "createDirectStream: %s", bad ? bad : msg);
        kd_free(kd);
        return NULL;
    }
    spate_stream *s = sp_input_stream_new(ssc, &kafka_ops, kd);
    if (!s) {
        kd_free(kd);
        return NULL;
    }
    snprintf(kd->who, sizeof kd->who, "Kafka 0.10 direct stream [%d]", s->id);
    snprintf(s->params, sizeof s->params, "%s", sp_kafka_strategy_describe(strategy));
    bool ok;
    kd->rate = sp_rate_controller_new(ssc, s->id, NULL, NULL, &ok, msg, sizeof msg);
    kd->rates.backpressure = kd->rate != NULL;
    if (!ok) {
        sp_ctx_set_error(ssc, "createDirectStream: %s", msg);
        return NULL;
    }
    return s;
}

/* ---- HasOffsetRanges, CanCommitOffsets ------------------------------------------------ */

spate_err spate_kafka_offset_ranges(const spate_rdd *rdd, const spate_offset_range **ranges, int *n)
{
    if (!ranges || !n) return SPATE_ERR_INVALID_ARG;
    *ranges = NULL;
    *n = 0;
    const kd_rdd *kr = rdd ? sp_rdd_source_ud(rdd, kd_read_part) : NULL;
    if (!kr) return SPATE_ERR_INVALID_ARG;
    *ranges = kr->ranges;
    *n = kr->n;
    return SPATE_OK;
}

static kd_impl *direct_of(spate_stream *s) { return s && s->ops == &kafka_ops ? s->impl : NULL; }

spate_err spate_kafka_commit_async_with_callback(spate_stream *direct,
                                                 const spate_offset_range *ranges, int n,
                                                 spate_kafka_commit_cb cb, void *ud)
{
    kd_impl *kd = direct_of(direct);
    if (!kd || n < 0 || (n > 0 && !ranges)) return SPATE_ERR_INVALID_ARG;
    return sp_kafka_driver_queue_commit(kd->driver, ranges, n, cb, ud);
}

spate_err spate_kafka_commit_async(spate_stream *direct, const spate_offset_range *ranges, int n)
{
    return spate_kafka_commit_async_with_callback(direct, ranges, n, NULL, NULL);
}

int64_t spate_kafka_records_lost(spate_stream *direct)
{
    kd_impl *kd = direct_of(direct);
    return kd ? atomic_load(&kd->lost) : 0;
}

sp_kafka_reader *sp_kafka_direct_reader(spate_stream *direct)
{
    kd_impl *kd = direct_of(direct);
    return kd ? kd->reader : NULL;
}
