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
 * The partitions, their offsets and the plan of a batch live in the Kafka
 * connector's core (connect/kafka_offsets.h); this file is the DStream
 * adapter: the batch's RDD, its checkpointed ranges, the public API.
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
#include "connect/kafka_offsets.h"
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
    sp_kafka_tracker tracker; /* the partitions and their current offsets */
    bool position_loaded;
    kd_batch *taken, *restored;
    int ntaken, nrestored;
} kd_impl;

/* The RDD of one batch (in the batch scope's arena). */
typedef struct kd_rdd {
    kd_impl *kd;
    spate_offset_range *ranges;
    spate_value *topics;
    int n;
} kd_rdd;

static spate_err kd_start(spate_stream *s, int64_t zero_time)
{
    (void)zero_time;
    kd_impl *kd = s->impl;
    if (kd->position_loaded) return SPATE_OK; /* restored: the checkpoint's offsets */
    char msg[MSG_MAX];
    spate_err err = sp_kafka_tracker_refresh(&kd->tracker, true, msg, sizeof msg);
    if (err) sp_ctx_set_error(kd->ctx, "%s", msg);
    return err;
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
    spate_err err = sp_kafka_tracker_refresh(&kd->tracker, false, msg, sizeof msg);
    int n = kd->tracker.nparts;
    int64_t *until = sp_xcalloc((size_t)n + 1, sizeof *until);
    if (!err)
        err = sp_kafka_tracker_plan(&kd->tracker, &kd->rates, sp_rate_controller_latest(kd->rate),
                                    until, msg, sizeof msg);
    spate_rdd *r = NULL;
    if (err) {
        sp_batch_fail(b, err, "%s", msg);
    } else {
        spate_offset_range *ranges = sp_kafka_tracker_ranges(&kd->tracker, until);
        note_taken(kd, t, ranges, n);
        r = make_rdd(kd, s, b, ranges, n);
        sp_kafka_tracker_advance(&kd->tracker, until);
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

static spate_err kd_restore_batch_input(spate_stream *s, int64_t t, sp_ckpt_in *in)
{
    kd_impl *kd = s->impl;
    uint64_t n;
    if (!sp_ckpt_get_u64(in, &n) || n > in->len - in->pos) return SPATE_ERR_CORRUPT;
    kd_batch kb = {.time = t};
    kb.ranges = sp_xcalloc(n + 1, sizeof *kb.ranges);
    for (; (uint64_t)kb.n < n; kb.n++) {
        spate_offset_range *r = &kb.ranges[kb.n];
        char *topic = sp_kafka_topic_get(in);
        r->topic = topic;
        if (!topic || !sp_kafka_partition_get(in, &r->partition) ||
            !sp_ckpt_get_i64(in, &r->from_offset) || !sp_ckpt_get_i64(in, &r->until_offset) ||
            r->from_offset < 0 || r->until_offset < r->from_offset) {
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
    sp_kafka_tracker_save(&kd->tracker, w);
}

static spate_err kd_load_position(spate_stream *s, sp_ckpt_in *in)
{
    kd_impl *kd = s->impl;
    spate_err err = sp_kafka_tracker_load(&kd->tracker, in);
    if (!err) kd->position_loaded = true;
    return err;
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
    sp_kafka_tracker_free(&kd->tracker);
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
}

/* The clients: NULL with the reason in msg. */
static bool make_clients(kd_impl *kd, spate_ctx *ctx, char *msg, size_t msg_size)
{
    const spate_conf *c = spate_ctx_conf(ctx);
    int64_t timeout = sp_conf_duration(c, "spate.streaming.kafka.metadata.timeout");
    kd->driver = sp_kafka_driver_new(kd->params, kd->who, timeout, msg, msg_size);
    if (!kd->driver) return false;
    sp_kafka_tracker_init(&kd->tracker, kd->who, kd->params, kd->strategy, kd->driver);
    sp_kafka_reader_opts opts = {
        .nthreads = sp_pool_threads(sp_ctx_exec(ctx)->pool),
        .poll_ms = sp_conf_duration(c, "spate.streaming.kafka.consumer.poll.ms"),
        .max_open = (int)sp_conf_i64(c, "spate.streaming.kafka.consumer.cache.maxCapacity"),
        .lost = &kd->tracker.lost,
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
    return kd ? atomic_load(&kd->tracker.lost) : 0;
}

sp_kafka_reader *sp_kafka_direct_reader(spate_stream *direct)
{
    kd_impl *kd = direct_of(direct);
    return kd ? kd->reader : NULL;
}
