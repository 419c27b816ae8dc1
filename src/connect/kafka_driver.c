/* kafka_driver.c - the direct stream's driver-side client: metadata,
 * offsets, committed offsets and commitAsync (see kafka_driver.h). */
#include "connect/kafka_driver.h"

#include "base/arena.h"
#include "base/errbuf.h"
#include "base/log.h"
#include "connect/kafka_params.h"
#include "connect/source_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COMPONENT "DirectKafkaInputDStream"

enum { RETRY_MS = 100 };

struct sp_kafka_driver {
    rd_kafka_t *rk;
    char *who;
    char *bootstrap;
    bool has_group;
    int64_t timeout_ms;
    pthread_mutex_t lock; /* the commit queue and callback */
    sp_kafka_tp *queued;
    int64_t *queued_offsets;
    int nqueued;
    spate_kafka_commit_cb cb; /* the last commitAsync's, as Spark's commitCallback */
    void *cb_ud;
    rd_kafka_queue_t *results; /* commit results, served by the generator thread */
    atomic_llong commits_sent, commits_done;
};

sp_kafka_driver *sp_kafka_driver_new(const spate_kafka_params *params, const char *who,
                                     int64_t timeout_ms, char *errstr, size_t errstr_size)
{
    const char *boot = spate_kafka_params_get(params, "bootstrap.servers");
    if (!boot || !*boot) {
        sp_errf(errstr, errstr_size,
                "Missing required configuration \"bootstrap.servers\" which has no default value.");
        return NULL;
    }
    /* Never consumes: nothing to commit automatically, no positions stored. */
    static const char *const overrides[] = {"enable.auto.commit", "false",
                                            "enable.auto.offset.store", "false", NULL};
    rd_kafka_conf_t *conf = sp_kafka_params_rdconf(params, overrides, who, errstr, errstr_size);
    if (!conf) return NULL;
    sp_kafka_driver *d = sp_xcalloc(1, sizeof *d);
    char rderr[256];
    d->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, rderr, sizeof rderr);
    if (!d->rk) {
        rd_kafka_conf_destroy(conf);
        sp_errf(errstr, errstr_size, "%s: cannot create a Kafka consumer: %s", who, rderr);
        free(d);
        return NULL;
    }
    d->results = rd_kafka_queue_new(d->rk);
    d->who = sp_xstrdup(who);
    d->bootstrap = sp_xstrdup(boot);
    const char *group = spate_kafka_params_get(params, "group.id");
    d->has_group = group && *group;
    d->timeout_ms = timeout_ms;
    pthread_mutex_init(&d->lock, NULL);
    return d;
}

/* ---- partitions ---------------------------------------------------------- */

void sp_kafka_tps_free(sp_kafka_tp *tps, int n)
{
    for (int i = 0; i < n; i++)
        free(tps[i].topic);
    free(tps);
}

static int tp_cmp(const void *a, const void *b)
{
    const sp_kafka_tp *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

/* Kafka's internal topics, which a pattern never takes (exclude.internal.topics). */
static bool is_internal(const char *topic)
{
    return !strcmp(topic, "__consumer_offsets") || !strcmp(topic, "__transaction_state");
}

static void select_partitions(const struct rd_kafka_metadata *md, const spate_consumer_strategy *s,
                              sp_kafka_tp **out, int *n)
{
    int cap = 0;
    *out = NULL;
    *n = 0;
    bool pattern = sp_kafka_strategy_kind_of(s) == SP_KAFKA_SUBSCRIBE_PATTERN;
    for (int i = 0; i < md->topic_cnt; i++) {
        const struct rd_kafka_metadata_topic *t = &md->topics[i];
        if (t->err || (pattern && is_internal(t->topic))) continue;
        for (int j = 0; j < t->partition_cnt; j++) {
            if (!sp_kafka_strategy_wants(s, t->topic, t->partitions[j].id)) continue;
            if (*n == cap)
                *out = sp_xrealloc(*out, sizeof **out * (size_t)(cap = cap ? cap * 2 : 16));
            (*out)[(*n)++] = (sp_kafka_tp){sp_xstrdup(t->topic), t->partitions[j].id};
        }
    }
    if (*n > 1) qsort(*out, (size_t)*n, sizeof **out, tp_cmp);
}

static const struct rd_kafka_metadata_topic *find_topic(const struct rd_kafka_metadata *md,
                                                        const char *topic)
{
    for (int i = 0; i < md->topic_cnt; i++)
        if (!md->topics[i].err && !strcmp(md->topics[i].topic, topic)) return &md->topics[i];
    return NULL;
}

/* What the strategy names that md lacks, as a message; false when nothing. */
static bool missing(const struct rd_kafka_metadata *md, const spate_consumer_strategy *s,
                    int64_t waited, char *errstr, size_t errstr_size)
{
    int n;
    const char *const *topics = sp_kafka_strategy_required_topics(s, &n);
    for (int i = 0; i < n; i++) {
        if (find_topic(md, topics[i])) continue;
        sp_errf(errstr, errstr_size, "Topic %s not present in metadata after %lld ms.", topics[i],
                (long long)waited);
        return true;
    }
    const spate_topic_partition *parts = sp_kafka_strategy_assigned(s, &n);
    for (int i = 0; i < n; i++) {
        const struct rd_kafka_metadata_topic *t = find_topic(md, parts[i].topic);
        if (parts[i].partition < t->partition_cnt) continue;
        sp_errf(errstr, errstr_size,
                "Partition %s-%d not present in metadata after %lld ms (topic %s has %d "
                "partitions).",
                parts[i].topic, (int)parts[i].partition, (long long)waited, parts[i].topic,
                t->partition_cnt);
        return true;
    }
    return false;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

spate_err sp_kafka_driver_partitions(sp_kafka_driver *d, const spate_consumer_strategy *s,
                                     bool wait_for_topics, sp_kafka_tp **out, int *n, char *errstr,
                                     size_t errstr_size)
{
    *out = NULL;
    *n = 0;
    int64_t start = sp_mono_ns() / 1000000;
    for (;;) {
        int64_t left = d->timeout_ms - (sp_mono_ns() / 1000000 - start);
        const struct rd_kafka_metadata *md;
        /* All topics: asking for named ones would auto-create them. */
        rd_kafka_resp_err_t err =
            rd_kafka_metadata(d->rk, 1, NULL, &md, (int)(left > 0 ? left : 1));
        int64_t waited = sp_mono_ns() / 1000000 - start;
        if (err) {
            sp_errf(errstr, errstr_size,
                    "%s: Timeout expired while fetching topic metadata from bootstrap.servers %s "
                    "after %lld ms: %s",
                    d->who, d->bootstrap, (long long)waited, rd_kafka_err2str(err));
            return SPATE_ERR_TIMEOUT;
        }
        bool lacks = wait_for_topics && missing(md, s, waited, errstr, errstr_size);
        if (!lacks) select_partitions(md, s, out, n);
        rd_kafka_metadata_destroy(md);
        if (!lacks) return SPATE_OK;
        if (waited + RETRY_MS > d->timeout_ms) return SPATE_ERR_NOT_FOUND;
        sleep_ms(RETRY_MS);
    }
}

/* ---- offsets ------------------------------------------------------------- */

static rd_kafka_topic_partition_list_t *tp_list(const sp_kafka_tp *tps, int n, int64_t offset)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, tps[i].topic, tps[i].partition)->offset = offset;
    return l;
}

/* The list's first per-partition error as a message; true when there is one. */
static bool partition_error(const rd_kafka_topic_partition_list_t *l, const char *what,
                            char *errstr, size_t errstr_size)
{
    for (int i = 0; i < l->cnt; i++) {
        if (!l->elems[i].err) continue;
        sp_errf(errstr, errstr_size, "Failed to get the %s of %s-%d: %s", what, l->elems[i].topic,
                (int)l->elems[i].partition, rd_kafka_err2str(l->elems[i].err));
        return true;
    }
    return false;
}

/* Errors a leader change or a restarting broker cause: the request may
 * succeed a moment later (Kafka's RetriableException family). */
static bool is_retriable(rd_kafka_resp_err_t err)
{
    switch (err) {
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
        return true;
    default:
        return false;
    }
}

static int64_t monotonic_ms(void) { return sp_mono_ns() / 1000000; }

/* One ListOffsets round: the request's error, else the first partition's. */
static rd_kafka_resp_err_t offsets_once(sp_kafka_driver *d, rd_kafka_topic_partition_list_t *l,
                                        int64_t timeout_ms, int *failed_at)
{
    *failed_at = -1;
    rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(d->rk, l, (int)timeout_ms);
    for (int i = 0; !err && i < l->cnt; i++)
        if (l->elems[i].err) {
            *failed_at = i;
            return l->elems[i].err;
        }
    return err;
}

/* Like Kafka's consumer, retriable errors are retried with a growing backoff
 * until the driver's timeout: a broker restarting or a leader moving does
 * not fail the batch being planned. */
spate_err sp_kafka_driver_offsets(sp_kafka_driver *d, const sp_kafka_tp *tps, int n,
                                  sp_kafka_offset_kind kind, int64_t *out, char *errstr,
                                  size_t errstr_size)
{
    if (n == 0) return SPATE_OK;
    const char *what = kind == SP_KAFKA_LATEST ? "latest offset" : "earliest offset";
    int64_t deadline = monotonic_ms() + d->timeout_ms, backoff = 50;
    rd_kafka_topic_partition_list_t *l;
    rd_kafka_resp_err_t err;
    int failed_at;
    for (;;) {
        /* ListOffsets by timestamp: -1 is the latest offset, -2 the earliest. */
        l = tp_list(tps, n, kind);
        int64_t left = deadline - monotonic_ms();
        err = offsets_once(d, l, left > 0 ? left : 1, &failed_at);
        if (!err || !is_retriable(err) || monotonic_ms() + backoff >= deadline) break;
        rd_kafka_topic_partition_list_destroy(l);
        struct timespec pause = {.tv_sec = backoff / 1000, .tv_nsec = (backoff % 1000) * 1000000};
        nanosleep(&pause, NULL);
        backoff = backoff < 1000 ? backoff * 2 : 1000;
    }
    spate_err rc = SPATE_OK;
    if (failed_at >= 0) {
        partition_error(l, what, errstr, errstr_size);
        rc = SPATE_ERR_IO;
    } else if (err) {
        sp_errf(errstr, errstr_size,
                "%s: Failed to get the %ss of %d partitions (%s-%d...) from bootstrap.servers %s "
                "within %lld ms: %s",
                d->who, what, n, tps[0].topic, (int)tps[0].partition, d->bootstrap,
                (long long)d->timeout_ms, rd_kafka_err2str(err));
        rc = err == RD_KAFKA_RESP_ERR__TIMED_OUT ? SPATE_ERR_TIMEOUT : SPATE_ERR_IO;
    }
    for (int i = 0; !rc && i < n; i++)
        out[i] = l->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

spate_err sp_kafka_driver_committed(sp_kafka_driver *d, const sp_kafka_tp *tps, int n, int64_t *out,
                                    char *errstr, size_t errstr_size)
{
    for (int i = 0; i < n; i++)
        out[i] = SP_KAFKA_NO_OFFSET;
    if (!d->has_group || n == 0) return SPATE_OK;
    rd_kafka_topic_partition_list_t *l = tp_list(tps, n, RD_KAFKA_OFFSET_INVALID);
    rd_kafka_resp_err_t err = rd_kafka_committed(d->rk, l, (int)d->timeout_ms);
    spate_err rc = SPATE_OK;
    if (err) {
        sp_errf(errstr, errstr_size,
                "%s: Failed to get the committed offsets from bootstrap.servers %s within %lld "
                "ms: %s",
                d->who, d->bootstrap, (long long)d->timeout_ms, rd_kafka_err2str(err));
        rc = err == RD_KAFKA_RESP_ERR__TIMED_OUT ? SPATE_ERR_TIMEOUT : SPATE_ERR_IO;
    } else if (partition_error(l, "committed offset", errstr, errstr_size)) {
        rc = SPATE_ERR_IO;
    }
    for (int i = 0; !rc && i < n; i++)
        if (l->elems[i].offset >= 0) out[i] = l->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

/* ---- commitAsync ---------------------------------------------------------- */

static void queue_one(sp_kafka_driver *d, const char *topic, int32_t partition, int64_t offset)
{
    for (int i = 0; i < d->nqueued; i++) {
        if (d->queued[i].partition != partition || strcmp(d->queued[i].topic, topic)) continue;
        if (offset > d->queued_offsets[i]) d->queued_offsets[i] = offset;
        return;
    }
    d->queued = sp_xrealloc(d->queued, sizeof *d->queued * (size_t)(d->nqueued + 1));
    d->queued_offsets =
        sp_xrealloc(d->queued_offsets, sizeof *d->queued_offsets * (size_t)(d->nqueued + 1));
    d->queued[d->nqueued] = (sp_kafka_tp){sp_xstrdup(topic), partition};
    d->queued_offsets[d->nqueued++] = offset;
}

spate_err sp_kafka_driver_queue_commit(sp_kafka_driver *d, const spate_offset_range *ranges, int n,
                                       spate_kafka_commit_cb cb, void *ud)
{
    if (!d->has_group) return SPATE_ERR_UNSUPPORTED;
    pthread_mutex_lock(&d->lock);
    for (int i = 0; i < n; i++)
        if (ranges[i].topic)
            queue_one(d, ranges[i].topic, ranges[i].partition, ranges[i].until_offset);
    d->cb = cb;
    d->cb_ud = ud;
    pthread_mutex_unlock(&d->lock);
    return SPATE_OK;
}

/* One commit in flight: whom to tell. */
typedef struct commit_req {
    sp_kafka_driver *d;
    spate_kafka_commit_cb cb;
    void *ud;
} commit_req;

/* Takes the queue: the list to commit (NULL when empty) and its callback. */
static rd_kafka_topic_partition_list_t *take_queue(sp_kafka_driver *d, commit_req *req)
{
    pthread_mutex_lock(&d->lock);
    rd_kafka_topic_partition_list_t *l = NULL;
    if (d->nqueued > 0) {
        l = rd_kafka_topic_partition_list_new(d->nqueued);
        for (int i = 0; i < d->nqueued; i++)
            rd_kafka_topic_partition_list_add(l, d->queued[i].topic, d->queued[i].partition)
                ->offset = d->queued_offsets[i];
        sp_kafka_tps_free(d->queued, d->nqueued);
        free(d->queued_offsets);
        d->queued = NULL;
        d->queued_offsets = NULL;
        d->nqueued = 0;
    }
    *req = (commit_req){d, d->cb, d->cb_ud};
    pthread_mutex_unlock(&d->lock);
    return l;
}

/* The commit's error: the request's, else the first partition's; 0 for none
 * (nothing to commit is not an error). */
static rd_kafka_resp_err_t commit_error(rd_kafka_resp_err_t err,
                                        const rd_kafka_topic_partition_list_t *offsets)
{
    if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int i = 0; !err && offsets && i < offsets->cnt; i++)
        err = offsets->elems[i].err;
    return err;
}

/* Logs a failed commit and tells the callback. */
static void commit_done(commit_req *req, rd_kafka_resp_err_t err,
                        const rd_kafka_topic_partition_list_t *offsets)
{
    sp_kafka_driver *d = req->d;
    int n = offsets ? offsets->cnt : 0;
    char msg[512] = "";
    err = commit_error(err, offsets);
    if (err) {
        snprintf(msg, sizeof msg, "commitAsync of %d partitions failed: %s", n,
                 rd_kafka_err2str(err));
        sp_log(SP_LOG_WARN, COMPONENT, "%s: %s", d->who, msg);
    }
    if (req->cb) {
        spate_topic_offset *out = sp_xcalloc((size_t)n + 1, sizeof *out);
        for (int i = 0; i < n; i++)
            out[i] = (spate_topic_offset){offsets->elems[i].topic, offsets->elems[i].partition,
                                          offsets->elems[i].offset};
        req->cb(out, n, err ? msg : NULL, req->ud);
        free(out);
    }
    atomic_fetch_add(&d->commits_done, 1);
}

static void on_commit_result(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
    (void)rk;
    commit_done(opaque, err, offsets);
    free(opaque);
}

void sp_kafka_driver_commit_queued(sp_kafka_driver *d)
{
    rd_kafka_poll(d->rk, 0);                     /* the client's events (errors), never kept */
    rd_kafka_queue_poll_callback(d->results, 0); /* results of earlier commits */
    commit_req req;
    rd_kafka_topic_partition_list_t *l = take_queue(d, &req);
    if (!l) return;
    commit_req *heap = sp_xmalloc(sizeof *heap);
    *heap = req;
    atomic_fetch_add(&d->commits_sent, 1);
    rd_kafka_resp_err_t err = rd_kafka_commit_queue(d->rk, l, d->results, on_commit_result, heap);
    if (err) { /* refused before it was sent: no result will come */
        commit_done(heap, err, l);
        free(heap);
    }
    rd_kafka_topic_partition_list_destroy(l);
}

int64_t sp_kafka_driver_commits_done(const sp_kafka_driver *d)
{
    return atomic_load(&((sp_kafka_driver *)d)->commits_done);
}

void sp_kafka_driver_destroy(sp_kafka_driver *d)
{
    if (!d) return;
    sp_kafka_driver_commit_queued(d);
    int64_t deadline = sp_mono_ns() / 1000000 + d->timeout_ms;
    while (atomic_load(&d->commits_done) < atomic_load(&d->commits_sent) &&
           sp_mono_ns() / 1000000 < deadline)
        rd_kafka_queue_poll_callback(d->results, RETRY_MS);
    rd_kafka_queue_destroy(d->results);
    /* It never joined the group: nothing to leave. */
    rd_kafka_destroy_flags(d->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    sp_kafka_tps_free(d->queued, d->nqueued);
    free(d->queued_offsets);
    pthread_mutex_destroy(&d->lock);
    free(d->who);
    free(d->bootstrap);
    free(d);
}
