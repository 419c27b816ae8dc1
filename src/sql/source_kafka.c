/* source_kafka.c - Spark's `kafka` source (KafkaMicroBatchStream, and
 * KafkaBatch for static reads) over the connect/ Kafka cores: the driver
 * client lists the strategy's partitions and their offsets, the tracker
 * (kafka_offsets.h) keeps each partition's position and plans how far a
 * trigger reads (failOnDataLoss, maxOffsetsPerTrigger through kafka_plan's
 * lag-proportional rate split, which is Spark's rateLimit), and the
 * executors' cached consumers (kafka_consumer.h) read the ranges.
 *
 * Offsets are KafkaSourceOffset's JSON, {"orders":{"0":23,"1":42}}: the
 * next offset to read of every partition. The first latest() fixes the
 * initial offsets (startingOffsets: latest by default, earliest, or JSON
 * with -1 / -2) and keeps them in <checkpoint>/sources/<i>/0 ("v1" and the
 * JSON, as Spark's KafkaSourceInitialOffsetWriter), so that a restart before
 * the first batch starts from the same place. Partitions that appear later
 * start at their earliest offset. A static read (sp_source_env.batch)
 * starts at startingOffsets (earliest by default) and ends at endingOffsets
 * (latest), fixed when first asked.
 *
 * Threads: as source.h; read runs on executor threads (the reader's
 * consumers have their own locks). */
#include "sql/source_kafka_int.h"

#include "base/arena.h"
#include "base/conf.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "connect/kafka_consumer.h"
#include "connect/kafka_driver.h"
#include "connect/kafka_offsets.h"
#include "connect/kafka_params.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The end of the data-loss messages, as Spark's Kafka source words it. */
#define SQL_LOSS_ADVICE                                                                            \
    "If you don't want your streaming query to fail on such cases, set the source option "         \
    "\"failOnDataLoss\" to \"false\"."

typedef struct kafka_source {
    sp_source base;
    sp_kafka_src_opts o;
    char *dir; /* the source's checkpoint directory */
    bool batch, temporary, available_now;
    spate_consumer_strategy *strategy;
    sp_kafka_driver *driver;
    sp_kafka_tracker tracker;
    sp_kafka_reader *reader;
    sp_kafka_batch_pool pool; /* the reads' batches, when reuse_batches */
    bool have_initial;
    sp_kofs initial;
    char *fixed_end;                   /* a static read's end */
    int64_t (*now_ms)(void *clock_ud); /* the query's clock */
    void *clock_ud;
    int64_t last_trigger_ms; /* minOffsetsPerTrigger: when the last batch was let through */
    bool have_an_cap;
    sp_kofs an_cap; /* Trigger.AvailableNow: the latest offsets when it began */
    char who[64];
    char desc[512];
} kafka_source;

static const char *ks_description(sp_source *s) { return ((kafka_source *)s)->desc; }

/* ---- the tracker's partitions from an offsets map, and back ---- */

static void tracker_set(kafka_source *k, const sp_kofs *m)
{
    sp_kafka_tracker_free(&k->tracker);
    k->tracker.parts = sp_xcalloc((size_t)m->n + 1, sizeof *k->tracker.parts);
    for (int i = 0; i < m->n; i++)
        k->tracker.parts[i] =
            (sp_kafka_part){sp_xstrdup(m->e[i].topic), m->e[i].partition, m->e[i].offset};
    k->tracker.nparts = m->n;
}

static void tracker_get(const kafka_source *k, const int64_t *until, sp_kofs *out)
{
    sp_kofs_free(out);
    for (int i = 0; i < k->tracker.nparts; i++)
        sp_kofs_put(out, k->tracker.parts[i].topic, k->tracker.parts[i].partition,
                    until ? until[i] : k->tracker.parts[i].offset);
}

/* -1 / -2 in m replaced by the partitions' latest / earliest offsets. */
static spate_err resolve_special(kafka_source *k, sp_kofs *m, char *errstr, size_t n)
{
    for (int kind = 0; kind < 2; kind++) {
        int64_t want = kind ? SP_KOFS_EARLIEST : SP_KOFS_LATEST;
        sp_kafka_tp *tps = sp_xcalloc((size_t)m->n + 1, sizeof *tps);
        int *at = sp_xcalloc((size_t)m->n + 1, sizeof *at), nt = 0;
        for (int i = 0; i < m->n; i++)
            if (m->e[i].offset == want) {
                tps[nt] = (sp_kafka_tp){m->e[i].topic, m->e[i].partition};
                at[nt++] = i;
            }
        int64_t *off = sp_xcalloc((size_t)nt + 1, sizeof *off);
        spate_err e =
            nt ? sp_kafka_driver_offsets(k->driver, tps, nt,
                                         kind ? SP_KAFKA_EARLIEST : SP_KAFKA_LATEST, off, errstr, n)
               : SPATE_OK;
        for (int i = 0; e == SPATE_OK && i < nt; i++)
            m->e[at[i]].offset = off[i];
        free(tps);
        free(at);
        free(off);
        if (e != SPATE_OK) return e;
    }
    return SPATE_OK;
}

/* ---- initial offsets ---- */

static char *initial_path(const kafka_source *k)
{
    size_t len = strlen(k->dir) + 4;
    char *p = sp_xmalloc(len);
    snprintf(p, len, "%s/0", k->dir);
    return p;
}

/* The initial offsets a previous run wrote; false when there are none. */
static bool initial_load(kafka_source *k, char *errstr, size_t n, spate_err *e)
{
    *e = SPATE_OK;
    if (k->batch || !k->dir) return false;
    char *path = initial_path(k), *buf = NULL;
    size_t len = 0;
    bool found = sp_read_whole(path, &buf, &len) == 0;
    free(path);
    if (!found) return false;
    char *text = sp_xmalloc(len + 1); /* buf is not NUL-terminated */
    memcpy(text, buf, len);
    text[len] = '\0';
    free(buf);
    buf = text;
    const char *json = strncmp(buf, "v1\n", 3) ? NULL : buf + 3;
    if (!json || !sp_kofs_parse(json, &k->initial, errstr, n)) {
        snprintf(errstr, n, "kafka source: damaged initial offsets in %s/0", k->dir);
        *e = SPATE_ERR_CORRUPT;
    }
    free(buf);
    return true;
}

/* Writes "v1\n<json>" to <dir>/0 (temp file, fsync unless temporary, rename). */
static spate_err initial_save(kafka_source *k, char *errstr, size_t n)
{
    if (k->batch || !k->dir) return SPATE_OK;
    char *json = sp_kofs_json(&k->initial), *path = initial_path(k);
    size_t tlen = strlen(path) + 8;
    char *tmp = sp_xmalloc(tlen);
    snprintf(tmp, tlen, "%s.tmp", path);
    int fd =
        sp_mkdirs(k->dir) == 0 ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    bool ok = fd >= 0 && sp_write_all(fd, "v1\n", 3) && sp_write_all(fd, json, strlen(json)) &&
              (k->temporary || fsync(fd) == 0);
    if (fd >= 0) ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0 && (k->temporary || sp_fsync_dir(k->dir) == 0);
    if (!ok) snprintf(errstr, n, "kafka source: cannot write %s", path);
    free(json);
    free(path);
    free(tmp);
    return ok ? SPATE_OK : SPATE_ERR_IO;
}

/* Every partition must be in a JSON startingOffsets (Spark's assertion). */
static spate_err check_all_specified(const kafka_source *k, char *errstr, size_t n)
{
    const sp_kofs *spec = &k->o.starting.specific;
    for (int i = 0; i < k->tracker.nparts; i++) {
        const sp_kafka_part *p = &k->tracker.parts[i];
        if (sp_kofs_find(spec, p->topic, p->partition)) continue;
        char *json = sp_kofs_json(spec);
        snprintf(errstr, n,
                 "If startingOffsets contains specific offsets, you must specify all "
                 "TopicPartitions.\nUse -1 for latest, -2 for earliest.\nSpecified: %s, which "
                 "lacks %s-%d",
                 json, p->topic, (int)p->partition);
        free(json);
        return SPATE_ERR_INVALID_ARG;
    }
    return SPATE_OK;
}

/* The initial offsets: loaded, or the strategy's partitions at
 * startingOffsets (written down for a restart). */
static spate_err initial_offsets(kafka_source *k, char *errstr, size_t n)
{
    if (k->have_initial) return SPATE_OK;
    spate_err e;
    if (initial_load(k, errstr, n, &e)) {
        k->have_initial = e == SPATE_OK;
        return e;
    }
    sp_kafka_tracker_free(&k->tracker);
    e = sp_kafka_tracker_refresh(&k->tracker, true, errstr, n);
    if (e == SPATE_OK && k->o.starting.kind == SP_KLIMIT_SPECIFIC)
        e = check_all_specified(k, errstr, n);
    if (e != SPATE_OK) return e;
    tracker_get(k, NULL, &k->initial);
    for (int i = 0; k->o.starting.kind == SP_KLIMIT_SPECIFIC && i < k->initial.n; i++)
        k->initial.e[i].offset =
            sp_kofs_find(&k->o.starting.specific, k->initial.e[i].topic, k->initial.e[i].partition)
                ->offset;
    e = resolve_special(k, &k->initial, errstr, n);
    if (e == SPATE_OK) e = initial_save(k, errstr, n);
    if (e == SPATE_OK) {
        k->have_initial = true;
        /* Partitions found from now on start at their earliest offset. */
        spate_kafka_params_set(k->o.params, "auto.offset.reset", "earliest", NULL, 0);
        char *json = sp_kofs_json(&k->initial);
        sp_log(SP_LOG_INFO, "KafkaMicroBatchStream", "Initial offsets: %s", json);
        free(json);
    }
    return e;
}

/* ---- latest ---- */

/* A static read's end: endingOffsets (latest by default) of every partition. */
static spate_err batch_end(kafka_source *k, sp_kofs *end, char *errstr, size_t n)
{
    tracker_set(k, &k->initial);
    if (k->o.ending.kind == SP_KLIMIT_SPECIFIC) {
        for (int i = 0; i < k->o.ending.specific.n; i++) {
            const sp_kofs_entry *x = &k->o.ending.specific.e[i];
            sp_kofs_put(end, x->topic, x->partition, x->offset);
        }
    } else {
        for (int i = 0; i < k->tracker.nparts; i++)
            sp_kofs_put(end, k->tracker.parts[i].topic, k->tracker.parts[i].partition,
                        SP_KOFS_LATEST);
    }
    return resolve_special(k, end, errstr, n);
}

/* From `from`: new partitions added (at their earliest), data loss
 * checked, and each partition's end within maxOffsetsPerTrigger. */
/* Spark's delayBatch: fewer than minOffsetsPerTrigger new records and
 * maxTriggerDelay not over since the last batch let through. */
static bool delay_batch(kafka_source *k, const sp_kofs *from, const sp_kofs *latest)
{
    int64_t now = k->now_ms ? k->now_ms(k->clock_ud) : 0;
    if (now - k->last_trigger_ms >= k->o.max_delay_ms) {
        k->last_trigger_ms = now;
        return false;
    }
    int64_t fresh = 0;
    for (int i = 0; i < latest->n; i++) {
        const sp_kofs_entry *e = &latest->e[i], *f = sp_kofs_find(from, e->topic, e->partition);
        fresh += e->offset - (f ? f->offset : 0);
    }
    if (fresh < k->o.min_offsets) return true;
    k->last_trigger_ms = now;
    return false;
}

static spate_err stream_end(kafka_source *k, const sp_kofs *from, bool limit, sp_kofs *end,
                            char *errstr, size_t n);

/* minOffsetsPerTrigger first (on the unlimited latest offsets), then
 * maxOffsetsPerTrigger; a delayed batch ends where it starts. */
static spate_err stream_end_min(kafka_source *k, const sp_kofs *from, sp_kofs *end, char *errstr,
                                size_t n)
{
    if (k->o.min_offsets <= 0 || k->available_now) return stream_end(k, from, true, end, errstr, n);
    spate_err e = stream_end(k, from, false, end, errstr, n);
    if (e != SPATE_OK) return e;
    if (delay_batch(k, from, end)) {
        sp_kofs_free(end);
        for (int i = 0; i < from->n; i++)
            sp_kofs_put(end, from->e[i].topic, from->e[i].partition, from->e[i].offset);
        return SPATE_OK;
    }
    return k->o.max_offsets > 0 ? stream_end(k, from, true, end, errstr, n) : SPATE_OK;
}

static spate_err stream_end(kafka_source *k, const sp_kofs *from, bool limit, sp_kofs *end,
                            char *errstr, size_t n)
{
    tracker_set(k, from);
    spate_err e = sp_kafka_tracker_refresh(&k->tracker, false, errstr, n);
    if (e != SPATE_OK) return e;
    sp_kafka_rates rates = {.batch_ms = 1000, .min_rate_per_partition = 1};
    rates.backpressure = limit && k->o.max_offsets > 0;
    int64_t *until = sp_xcalloc((size_t)k->tracker.nparts + 1, sizeof *until);
    e = sp_kafka_tracker_plan(&k->tracker, &rates, k->o.max_offsets, until, errstr, n);
    for (int i = 0; e == SPATE_OK && limit && k->have_an_cap && i < k->tracker.nparts; i++) {
        const sp_kafka_part *p = &k->tracker.parts[i];
        const sp_kofs_entry *cap = sp_kofs_find(&k->an_cap, p->topic, p->partition);
        int64_t c = cap ? cap->offset : p->offset;
        if (until[i] > c) until[i] = c > p->offset ? c : p->offset;
    }
    if (e == SPATE_OK) tracker_get(k, until, end);
    free(until);
    return e;
}

static spate_err ks_latest(sp_source *s, const char *start, char **out, char *errstr, size_t n)
{
    kafka_source *k = (kafka_source *)s;
    *out = NULL;
    if (k->fixed_end) {
        *out = sp_xstrdup(k->fixed_end);
        return SPATE_OK;
    }
    spate_err e = initial_offsets(k, errstr, n);
    if (e != SPATE_OK) return e;
    sp_kofs from = {0}, end = {0};
    if (start && !sp_kofs_parse(start, &from, errstr, n)) return SPATE_ERR_CORRUPT;
    const sp_kofs *base = start ? &from : &k->initial;
    if (!k->batch && k->available_now && !k->have_an_cap) {
        e = stream_end(k, base, false, &k->an_cap, errstr, n);
        k->have_an_cap = e == SPATE_OK;
    }
    if (e != SPATE_OK)
        ;
    else if (k->batch)
        e = batch_end(k, &end, errstr, n);
    else
        e = stream_end_min(k, base, &end, errstr, n);
    if (e == SPATE_OK) {
        char *json = sp_kofs_json(&end), *init = start ? NULL : sp_kofs_json(&k->initial);
        if (init && !strcmp(init, json) && !k->batch)
            free(json); /* nothing to read yet */
        else
            *out = json;
        free(init);
        if (k->batch && *out) k->fixed_end = sp_xstrdup(*out);
    }
    sp_kofs_free(&from);
    sp_kofs_free(&end);
    return e;
}

static void ks_prepare_available_now(sp_source *s) { ((kafka_source *)s)->available_now = true; }

/* ---- plan and read ---- */

/* The earliest offset of (topic, partition), for one that start lacks. */
static spate_err earliest_of(kafka_source *k, const char *topic, int32_t partition, int64_t *out,
                             char *errstr, size_t n)
{
    sp_kafka_tp tp = {(char *)topic, partition};
    return sp_kafka_driver_offsets(k->driver, &tp, 1, SP_KAFKA_EARLIEST, out, errstr, n);
}

static spate_err ks_plan(sp_source *s, const char *start, const char *end, spate_arena *a,
                         void ***parts, int *nparts, char *errstr, size_t n)
{
    kafka_source *k = (kafka_source *)s;
    *parts = NULL;
    *nparts = 0;
    spate_err e = initial_offsets(k, errstr, n);
    sp_kofs from = {0}, to = {0};
    if (e == SPATE_OK &&
        ((start && !sp_kofs_parse(start, &from, errstr, n)) || !sp_kofs_parse(end, &to, errstr, n)))
        e = SPATE_ERR_CORRUPT;
    const sp_kofs *base = start ? &from : &k->initial;
    sp_kafka_range *ranges = spate_arena_alloc(a, sizeof *ranges * (size_t)(to.n + 1));
    for (int i = 0; e == SPATE_OK && i < to.n; i++) {
        const sp_kofs_entry *t = &to.e[i], *f = sp_kofs_find(base, t->topic, t->partition);
        int64_t lo = f ? f->offset : 0;
        if (!f) e = earliest_of(k, t->topic, t->partition, &lo, errstr, n);
        size_t tl = strlen(t->topic) + 1;
        ranges[i] =
            (sp_kafka_range){{sp_arena_memdup(a, t->topic, tl), t->partition, lo, t->offset}, i};
        if (e == SPATE_OK && lo > t->offset) {
            snprintf(errstr, n,
                     "Partition %s-%d's offset was changed from %lld to %lld, some data may have "
                     "been missed",
                     t->topic, (int)t->partition, (long long)lo, (long long)t->offset);
            e = SPATE_ERR_STATE;
        }
    }
    if (e == SPATE_OK) {
        sp_kafka_range *split;
        int ns = sp_kafka_split_ranges(ranges, to.n, k->o.min_partitions, a, &split);
        *parts = spate_arena_alloc(a, sizeof **parts * (size_t)(ns + 1));
        for (int i = 0; i < ns; i++)
            (*parts)[i] = &split[i];
        *nparts = ns;
    }
    sp_kofs_free(&from);
    sp_kofs_free(&to);
    return e;
}

static spate_err ks_read(sp_source *s, void *part, spate_arena *a, sp_source_emit_fn emit, void *ud,
                         sp_source_counters *c, char *errstr, size_t n)
{
    kafka_source *k = (kafka_source *)s;
    return sp_kafka_source_read_range(s, k->reader, part, k->o.include_headers, &k->pool, a, emit,
                                      ud, c, errstr, n);
}

static void ks_close(sp_source *s)
{
    kafka_source *k = (kafka_source *)s;
    sp_kafka_reader_destroy(k->reader);
    sp_kafka_batch_pool_free(&k->pool);
    sp_kafka_tracker_free(&k->tracker);
    sp_kafka_driver_destroy(k->driver);
    spate_kafka_strategy_destroy(k->strategy);
    sp_kofs_free(&k->initial);
    sp_kofs_free(&k->an_cap);
    sp_kafka_src_opts_free(&k->o);
    free(k->fixed_end);
    free(k->dir);
    free(k);
}

static const sp_source_ops kafka_ops = {
    .description = ks_description,
    .latest = ks_latest,
    .prepare_available_now = ks_prepare_available_now,
    .plan = ks_plan,
    .read = ks_read,
    .close = ks_close,
};

/* ---- resolve and open ---- */

bool sp_source_kafka_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                             const spate_conf *conf, char *errstr, size_t n)
{
    (void)conf;
    if (user_schema) {
        snprintf(errstr, n, "Kafka source has a fixed schema and cannot be set with a custom one");
        return false;
    }
    sp_kafka_src_opts o;
    /* Batch or stream is known at open; the checks common to both here. */
    bool ok = sp_kafka_src_opts_parse(d, true, &o, errstr, n);
    if (!ok && strstr(errstr, "for batch queries")) {
        /* Refused for a static read only: fine for a stream. */
        char batch_err[1024];
        snprintf(batch_err, sizeof batch_err, "%s", errstr);
        sp_kafka_src_opts_free(&o);
        ok = sp_kafka_src_opts_parse(d, false, &o, errstr, n);
        if (!ok) snprintf(errstr, n, "%s", batch_err);
    }
    if (ok) d->schema = sp_kafka_source_schema(d->arena, o.include_headers);
    sp_kafka_src_opts_free(&o);
    return ok;
}

/* The strategy of the options (startingOffsets' specific offsets, -1 and
 * -2 among them, are applied by initial_offsets). */
static spate_consumer_strategy *make_strategy(const sp_kafka_src_opts *o)
{
    if (o->strategy == SP_KAFKA_SUBSCRIBE)
        return spate_kafka_subscribe((const char *const *)o->topics, o->ntopics, NULL, 0);
    if (o->strategy == SP_KAFKA_SUBSCRIBE_PATTERN)
        return spate_kafka_subscribe_pattern(o->pattern, NULL, 0);
    spate_topic_partition *tps = sp_xcalloc((size_t)o->assign.n + 1, sizeof *tps);
    for (int i = 0; i < o->assign.n; i++)
        tps[i] = (spate_topic_partition){o->assign.e[i].topic, o->assign.e[i].partition};
    spate_consumer_strategy *st = spate_kafka_assign(tps, o->assign.n, NULL, 0);
    free(tps);
    return st;
}

/* "KafkaV2[Subscribe[orders]]", as Spark's KafkaMicroBatchStream prints. */
static void describe(kafka_source *k)
{
    const sp_kafka_src_opts *o = &k->o;
    size_t len = (size_t)snprintf(k->desc, sizeof k->desc, "KafkaV2[%s[",
                                  o->strategy == SP_KAFKA_SUBSCRIBE           ? "Subscribe"
                                  : o->strategy == SP_KAFKA_SUBSCRIBE_PATTERN ? "SubscribePattern"
                                                                              : "Assign");
    if (o->strategy == SP_KAFKA_SUBSCRIBE_PATTERN && len < sizeof k->desc)
        len += (size_t)snprintf(k->desc + len, sizeof k->desc - len, "%s", o->pattern);
    for (int i = 0; o->strategy == SP_KAFKA_SUBSCRIBE && i < o->ntopics && len < sizeof k->desc;
         i++)
        len += (size_t)snprintf(k->desc + len, sizeof k->desc - len, "%s%s", i ? "," : "",
                                o->topics[i]);
    for (int i = 0; o->strategy == SP_KAFKA_ASSIGN && i < o->assign.n && len < sizeof k->desc; i++)
        len += (size_t)snprintf(k->desc + len, sizeof k->desc - len, "%s%s-%d", i ? ", " : "",
                                o->assign.e[i].topic, (int)o->assign.e[i].partition);
    if (len < sizeof k->desc) snprintf(k->desc + len, sizeof k->desc - len, "]]");
}

/* The driver client, the tracker and the executors' reader. */
static bool make_clients(kafka_source *k, const spate_conf *conf, char *errstr, size_t n)
{
    spate_kafka_params *p = k->o.params;
    spate_kafka_params_set(p, "failOnDataLoss", k->o.fail_on_data_loss ? "true" : "false", NULL, 0);
    bool earliest = k->o.starting.kind == SP_KLIMIT_EARLIEST;
    spate_kafka_params_set(p, "auto.offset.reset", earliest ? "earliest" : "latest", NULL, 0);
    int64_t timeout = sp_conf_duration(conf, "spate.streaming.kafka.metadata.timeout");
    snprintf(k->who, sizeof k->who, "kafka source");
    k->driver = sp_kafka_driver_new(p, k->who, timeout, errstr, n);
    if (!k->driver) return false;
    k->strategy = make_strategy(&k->o);
    const char *bad = sp_kafka_strategy_error(k->strategy);
    if (bad) {
        snprintf(errstr, n, "%s", bad);
        return false;
    }
    sp_kafka_tracker_init(&k->tracker, k->who, p, k->strategy, k->driver);
    k->tracker.loss_advice = SQL_LOSS_ADVICE;
    sp_kafka_reader_opts ro = {
        .nthreads = sp_source_default_partitions(conf),
        .poll_ms = k->o.poll_ms > 0
                       ? k->o.poll_ms
                       : sp_conf_duration(conf, "spate.streaming.kafka.consumer.poll.ms"),
        .max_open = (int)sp_conf_i64(conf, "spate.streaming.kafka.consumer.cache.maxCapacity"),
        .lost = &k->tracker.lost,
        .who = k->who,
        .loss_advice = SQL_LOSS_ADVICE,
    };
    k->reader = sp_kafka_reader_new(p, &ro, errstr, n);
    return k->reader != NULL;
}

/* Whether env is a static read's (Spark's Batch) rather than a query's
 * (MicroBatchStream): a streaming query gives each source
 * <checkpoint>/sources/<i>, a static read a temporary directory of its own.
 * (sp_source_env has no flag for it; see the report of issue 12.) */
sp_source *sp_source_kafka_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                                size_t n)
{
    kafka_source *k = sp_xcalloc(1, sizeof *k);
    k->base.ops = &kafka_ops;
    k->base.def = d;
    k->batch = env->batch;
    k->temporary = env->temporary;
    k->dir = env->checkpoint_dir ? sp_xstrdup(env->checkpoint_dir) : NULL;
    k->now_ms = env->now_ms;
    k->clock_ud = env->clock_ud;
    sp_kafka_batch_pool_init(&k->pool, d->schema);
    if (!sp_kafka_src_opts_parse(d, k->batch, &k->o, errstr, n) ||
        !make_clients(k, env->conf, errstr, n)) {
        ks_close(&k->base);
        return NULL;
    }
    describe(k);
    return &k->base;
}
