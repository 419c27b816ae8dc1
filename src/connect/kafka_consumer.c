/* kafka_consumer.c - executor-side reading of offset ranges through as many
 * cached consumers as executor threads, each Kafka partition always through
 * the same one (see kafka_consumer.h). */
#include "connect/kafka_consumer.h"

#include "base/arena.h"
#include "base/errbuf.h"
#include "base/log.h"
#include "connect/kafka_record.h"
#include "connect/source_util.h"
#include "exec/task.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMPONENT "KafkaRDD"

enum { POLL_SLICE_MS = 100, BATCH_MAX = 512, RECYCLE_EVERY = 1024 };

/* A partition started on a consumer. */
typedef struct open_part {
    rd_kafka_topic_t *rkt; /* owned by the slot's topic table */
    const char *topic;     /* rd_kafka_topic_name(rkt) */
    int32_t partition;
    int64_t next; /* offset of the next record its queue yields; -1: unknown */
    uint64_t used;
} open_part;

/* One consumer, used by one task at a time (mu held while a range is read). */
typedef struct slot {
    pthread_mutex_t mu;
    rd_kafka_t *rk;
    rd_kafka_topic_t **topics;
    int ntopics;
    open_part *open;
    int nopen;
    uint64_t tick;
} slot;

struct sp_kafka_reader {
    spate_kafka_params *params;
    sp_kafka_deser key_deser, value_deser;
    bool fail_on_data_loss;
    char *group; /* the executors' group.id, for messages */
    sp_kafka_reader_opts opts;
    char *who;
    char *advice; /* opts.loss_advice's copy */
    slot *slots;
    atomic_llong starts, seeks;
};

/* Where a read's failures go: the DStream task (spate_task_fail), or, for
 * sp_kafka_reader_read_msgs, the caller's error buffer. */
typedef struct rd_fail {
    spate_task *t; /* NULL: errstr */
    char *errstr;
    size_t size;
    bool failed;
} rd_fail;

static void fail(rd_fail *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(rd_fail *f, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (f->t) {
        spate_task_fail(f->t, "%s", msg);
        return;
    }
    if (!f->failed && f->size) snprintf(f->errstr, f->size, "%s", msg);
    f->failed = true;
}

static bool failed(const rd_fail *f) { return f->t ? spate_task_failed(f->t) : f->failed; }

/* ---- consumers ------------------------------------------------------------ */

/* Spark's executor overrides, and spate's where the params are silent.
 * group.id is dropped, not renamed as Spark does: with a group librdkafka
 * looks up the group's coordinator and closes the membership on destroy
 * (about a second), for consumers that never commit. */
static rd_kafka_conf_t *consumer_conf(const sp_kafka_reader *r, char *errstr, size_t errstr_size)
{
    const char *ov[16];
    int n = 0;
    ov[n++] = "enable.auto.commit", ov[n++] = "false";
    ov[n++] = "auto.offset.reset", ov[n++] = "error";
    ov[n++] = "enable.partition.eof", ov[n++] = "true";
    ov[n++] = "group.id", ov[n++] = NULL;
    if (!spate_kafka_params_get(r->params, "fetch.wait.max.ms"))
        ov[n++] = "fetch.wait.max.ms", ov[n++] = "100";
    if (!spate_kafka_params_get(r->params, "queued.max.messages.kbytes"))
        ov[n++] = "queued.max.messages.kbytes", ov[n++] = "4096";
    ov[n] = NULL;
    return sp_kafka_params_rdconf(r->params, ov, r->who, errstr, errstr_size);
}

sp_kafka_reader *sp_kafka_reader_new(const spate_kafka_params *params,
                                     const sp_kafka_reader_opts *opts, char *errstr,
                                     size_t errstr_size)
{
    sp_kafka_reader *r = sp_xcalloc(1, sizeof *r);
    r->params = sp_kafka_params_dup(params);
    r->key_deser = sp_kafka_params_key_deser(params);
    r->value_deser = sp_kafka_params_value_deser(params);
    r->fail_on_data_loss = sp_kafka_params_fail_on_data_loss(params);
    const char *group = spate_kafka_params_get(params, "group.id");
    size_t glen = strlen(group ? group : "spate") + 16;
    r->group = sp_xmalloc(glen);
    snprintf(r->group, glen, "spark-executor-%s", group ? group : "spate");
    r->opts = *opts;
    r->who = sp_xstrdup(opts->who);
    r->opts.who = r->who;
    r->opts.loss_advice = opts->loss_advice ? r->advice = sp_xstrdup(opts->loss_advice) : NULL;
    r->slots = sp_xcalloc((size_t)opts->nthreads + 1, sizeof *r->slots);
    for (int i = 0; i < opts->nthreads; i++)
        pthread_mutex_init(&r->slots[i].mu, NULL);
    rd_kafka_conf_t *conf = consumer_conf(r, errstr, errstr_size); /* checked once, here */
    if (!conf) {
        sp_kafka_reader_destroy(r);
        return NULL;
    }
    rd_kafka_conf_destroy(conf);
    return r;
}

static void part_stop(open_part *op) { rd_kafka_consume_stop(op->rkt, op->partition); }

void sp_kafka_reader_destroy(sp_kafka_reader *r)
{
    if (!r) return;
    for (int i = 0; i < r->opts.nthreads; i++) {
        slot *sl = &r->slots[i];
        for (int k = 0; k < sl->nopen; k++)
            part_stop(&sl->open[k]);
        for (int k = 0; k < sl->ntopics; k++)
            rd_kafka_topic_destroy(sl->topics[k]);
        free(sl->open);
        free(sl->topics);
        if (sl->rk) rd_kafka_destroy_flags(sl->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        pthread_mutex_destroy(&sl->mu);
    }
    free(r->slots);
    spate_kafka_params_destroy(r->params);
    free(r->group);
    free(r->who);
    free(r->advice);
    free(r);
}

static bool slot_ready(sp_kafka_reader *r, rd_fail *t, slot *sl)
{
    if (sl->rk) return true;
    char err[512];
    rd_kafka_conf_t *conf = consumer_conf(r, err, sizeof err);
    if (conf && !(sl->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err)))
        rd_kafka_conf_destroy(conf);
    if (!sl->rk) fail(t, "%s: cannot create a Kafka consumer: %s", r->who, err);
    return sl->rk != NULL;
}

static rd_kafka_topic_t *slot_topic(slot *sl, const char *topic)
{
    for (int i = 0; i < sl->ntopics; i++)
        if (!strcmp(rd_kafka_topic_name(sl->topics[i]), topic)) return sl->topics[i];
    sl->topics = sp_xrealloc(sl->topics, sizeof *sl->topics * (size_t)(sl->ntopics + 1));
    return sl->topics[sl->ntopics++] = rd_kafka_topic_new(sl->rk, topic, NULL);
}

/* Starts the partition at offset; false (task failed) when librdkafka refuses. */
static bool part_start(sp_kafka_reader *r, rd_fail *t, open_part *op, int64_t offset)
{
    atomic_fetch_add(&r->starts, 1);
    if (rd_kafka_consume_start(op->rkt, op->partition, offset) == -1) {
        fail(t, "cannot start consuming %s-%d at offset %lld: %s", op->topic, (int)op->partition,
             (long long)offset, rd_kafka_err2str(rd_kafka_last_error()));
        return false;
    }
    op->next = offset;
    return true;
}

static bool part_restart(sp_kafka_reader *r, rd_fail *t, open_part *op, int64_t offset)
{
    part_stop(op);
    return part_start(r, t, op, offset);
}

/* The slot's started partition for (topic, partition), positioned at from:
 * found and read on, moved with a seek, or started (stopping the least
 * recently used one when the slot is full). NULL when the task failed. */
static open_part *part_at(sp_kafka_reader *r, rd_fail *t, slot *sl, const char *topic,
                          int32_t partition, int64_t from)
{
    open_part *op = NULL;
    for (int i = 0; i < sl->nopen && !op; i++)
        if (sl->open[i].partition == partition && !strcmp(sl->open[i].topic, topic))
            op = &sl->open[i];
    if (op) {
        op->used = ++sl->tick;
        if (op->next == from) return op;
        atomic_fetch_add(&r->seeks, 1);
        /* A seek keeps the partition's fetcher; after an error it refuses. */
        if (rd_kafka_seek(op->rkt, partition, from, (int)r->opts.poll_ms) == 0) {
            op->next = from;
            return op;
        }
        return part_restart(r, t, op, from) ? op : NULL;
    }
    if (sl->nopen == r->opts.max_open) {
        int lru = 0;
        for (int i = 1; i < sl->nopen; i++)
            if (sl->open[i].used < sl->open[lru].used) lru = i;
        part_stop(&sl->open[lru]);
        sl->open[lru] = sl->open[--sl->nopen];
    }
    sl->open = sp_xrealloc(sl->open, sizeof *sl->open * (size_t)(sl->nopen + 1));
    op = &sl->open[sl->nopen];
    rd_kafka_topic_t *rkt = slot_topic(sl, topic);
    *op = (open_part){rkt, rd_kafka_topic_name(rkt), partition, -1, ++sl->tick};
    if (!part_start(r, t, op, from)) return NULL;
    sl->nopen++;
    return op;
}

/* ---- reading a range --------------------------------------------------------- */

typedef struct read_ctx {
    sp_kafka_reader *r;
    spate_task *t; /* a DStream task, or NULL */
    rd_fail *f;
    slot *sl;
    open_part *op;
    const spate_offset_range *range;
    spate_value topic;
    spate_sink *out;
    sp_kafka_msg_fn fn; /* sp_kafka_reader_read_msgs: gets each record instead of out */
    void *fn_ud;
    int64_t next;      /* the next offset the range wants */
    bool done;         /* the range is complete */
    bool overshot;     /* a record past until was taken from the queue */
    bool out_of_range; /* Kafka no longer has `next` */
    sp_arena_mark mark;
    int64_t emitted;
} read_ctx;

static void emit(read_ctx *c, const rd_kafka_message_t *m)
{
    if (c->fn) {
        if (!c->fn(m, c->fn_ud)) fail(c->f, "%s", "the record consumer stopped the read");
        c->emitted++;
        return;
    }
    if ((c->emitted & (RECYCLE_EVERY - 1)) == RECYCLE_EVERY - 1) sp_task_recycle(c->t, c->mark);
    spate_value rec = sp_kafka_record_make(spate_task_arena(c->t), c->topic, m, c->r->key_deser,
                                           c->r->value_deser);
    spate_sink_push(c->out, rec);
    c->emitted++;
}

static void handle(read_ctx *c, const rd_kafka_message_t *m)
{
    int64_t until = c->range->until_offset;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        /* The log ends at m->offset: at or past until, the rest of the range
         * is gap (markers, compacted). Earlier EOFs may be stale. */
        if (m->offset >= until) c->done = true;
        return;
    }
    if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
        m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
        c->out_of_range = true;
        return;
    }
    if (m->err) {
        sp_log(SP_LOG_DEBUG, COMPONENT, "%s-%d: %s", c->op->topic, (int)c->op->partition,
               rd_kafka_message_errstr(m));
        return;
    }
    if (m->offset < c->next) return; /* before a seek */
    if (m->offset >= until) {
        c->done = c->overshot = true;
        return;
    }
    if (m->offset > c->next)
        sp_log(SP_LOG_DEBUG, COMPONENT, "%s-%d: offsets %lld..%lld are a gap", c->op->topic,
               (int)c->op->partition, (long long)c->next, (long long)m->offset - 1);
    emit(c, m);
    c->next = m->offset + 1;
    if (c->next >= until) c->done = true;
}

static void fail_lost(read_ctx *c)
{
    fail(c->f,
         "Cannot fetch offset %lld (GroupId: %s, TopicPartition: %s-%d). Some data may "
         "have been lost because they are not available in Kafka any more; either the "
         "data was aged out by Kafka or the topic may have been deleted before all the "
         "data in the topic was processed. %s",
         (long long)c->next, c->r->group, c->op->topic, (int)c->op->partition,
         c->r->opts.loss_advice ? c->r->opts.loss_advice : SP_KAFKA_LOSS_ADVICE_DSTREAM);
}

/* failOnDataLoss false: skips to what Kafka still has (Spark's
 * getEarliestAvailableOffsetBetween). False when the task failed. */
static bool skip_lost(read_ctx *c)
{
    int64_t lo, hi, until = c->range->until_offset;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        c->sl->rk, c->op->topic, c->op->partition, &lo, &hi, (int)c->r->opts.poll_ms);
    if (err) {
        fail(c->f,
             "%s-%d: cannot get the available offsets after offset %lld was "
             "out of range: %s",
             c->op->topic, (int)c->op->partition, (long long)c->next, rd_kafka_err2str(err));
        return false;
    }
    int64_t resume = c->next >= hi || lo >= until ? until : lo > c->next ? lo : c->next;
    sp_log(SP_LOG_WARN, COMPONENT,
           "The current available offset range is AvailableOffsetRange(%lld,%lld). Offset %lld "
           "is out of range, and records in [%lld, %lld) will be skipped (GroupId: %s, "
           "TopicPartition: %s-%d). Some data may have been lost because they are not available "
           "in Kafka any more.",
           (long long)lo, (long long)hi, (long long)c->next, (long long)c->next, (long long)resume,
           c->r->group, c->op->topic, (int)c->op->partition);
    if (c->r->opts.lost) atomic_fetch_add(c->r->opts.lost, resume - c->next);
    c->next = resume;
    c->out_of_range = false;
    if (resume >= until) {
        c->done = true;
        c->op->next = -1;
        return true;
    }
    return part_restart(c->r, c->f, c->op, resume);
}

static void read_loop(read_ctx *c)
{
    int64_t poll_ms = c->r->opts.poll_ms, last_progress = sp_mono_ns() / 1000000;
    rd_kafka_message_t *msgs[BATCH_MAX];
    while (!c->done && !failed(c->f)) {
        int64_t want = c->range->until_offset - c->next,
                waited = sp_mono_ns() / 1000000 - last_progress;
        if (waited >= poll_ms) {
            fail(c->f, "Failed to get records for %s %s %d %lld after polling for %lld",
                 c->r->group, c->op->topic, (int)c->op->partition, (long long)c->next,
                 (long long)poll_ms);
            return;
        }
        int slice = (int)(poll_ms - waited < POLL_SLICE_MS ? poll_ms - waited : POLL_SLICE_MS);
        ssize_t n = rd_kafka_consume_batch(c->op->rkt, c->op->partition, slice, msgs,
                                           (size_t)(want < BATCH_MAX ? want : BATCH_MAX));
        for (ssize_t i = 0; i < n; i++) {
            if (!c->done && !failed(c->f)) handle(c, msgs[i]);
            rd_kafka_message_destroy(msgs[i]);
        }
        if (n > 0) last_progress = sp_mono_ns() / 1000000;
        if (c->out_of_range && !c->done) {
            if (c->r->fail_on_data_loss) {
                fail_lost(c);
                return;
            }
            if (!skip_lost(c)) return;
        }
    }
}

void sp_kafka_reader_counts(const sp_kafka_reader *r, int64_t *starts, int64_t *seeks)
{
    *starts = atomic_load(&((sp_kafka_reader *)r)->starts);
    *seeks = atomic_load(&((sp_kafka_reader *)r)->seeks);
}

/* Reads range through slot sl into c (its r, t, f, out or fn set). */
static void read_with(slot *sl, const spate_offset_range *range, read_ctx *c)
{
    sp_kafka_reader *r = c->r;
    if (!slot_ready(r, c->f, sl)) return;
    open_part *op = part_at(r, c->f, sl, range->topic, range->partition, range->from_offset);
    if (!op) return;
    sp_log(SP_LOG_INFO, COMPONENT, "Computing topic %s, partition %d offsets %lld -> %lld",
           range->topic, (int)range->partition, (long long)range->from_offset,
           (long long)range->until_offset);
    c->sl = sl;
    c->op = op;
    c->range = range;
    c->next = range->from_offset;
    read_loop(c);
    /* The queue yields `next` next unless a record past the range was taken
     * or the read stopped early. */
    op->next = c->done && !c->overshot && !failed(c->f) && op->next != -1 ? c->next : -1;
}

void sp_kafka_reader_read(sp_kafka_reader *r, spate_task *t, const spate_offset_range *range,
                          spate_value topic, spate_sink *out)
{
    if (range->from_offset >= range->until_offset) return;
    /* A Kafka partition is always read through the same consumer, whichever
     * thread runs its task: were it read by each thread's consumer in turn,
     * every consumer would keep fetching (and seeking) every partition. */
    slot *sl = &r->slots[spate_task_partition(t) % r->opts.nthreads];
    rd_fail f = {.t = t};
    read_ctx c = {.r = r,
                  .t = t,
                  .f = &f,
                  .topic = topic,
                  .out = out,
                  .mark = sp_arena_get_mark(spate_task_arena(t))};
    pthread_mutex_lock(&sl->mu);
    read_with(sl, range, &c);
    pthread_mutex_unlock(&sl->mu);
}

spate_err sp_kafka_reader_read_msgs(sp_kafka_reader *r, int slot_hint,
                                    const spate_offset_range *range, sp_kafka_msg_fn fn, void *ud,
                                    char *errstr, size_t errstr_size)
{
    if (range->from_offset >= range->until_offset) return SPATE_OK;
    int k = slot_hint < 0 ? -slot_hint : slot_hint;
    slot *sl = &r->slots[k % r->opts.nthreads];
    rd_fail f = {.errstr = errstr, .size = errstr_size};
    read_ctx c = {.r = r, .f = &f, .fn = fn, .fn_ud = ud};
    pthread_mutex_lock(&sl->mu);
    read_with(sl, range, &c);
    pthread_mutex_unlock(&sl->mu);
    return f.failed ? SPATE_ERR_IO : SPATE_OK;
}
