/* source_rate.c - Spark's `rate` source (RateStreamProvider and
 * RateStreamMicroBatchStream): rowsPerSecond rows a second after a linear
 * ramp-up over rampUpTime, value = the row's sequence number, timestamp
 * spread evenly over the second it belongs to. Time is the query's clock
 * (env->now_ms); the offset is the whole seconds elapsed since the source
 * was first started (a LongOffset), the start time kept in the source's
 * checkpoint directory so a restarted query keeps its timeline.
 *
 * Threads: as source.h says; read only reads its partition. */
#include "sql/source_int.h"

#include "base/arena.h"
#include "logs/entry_log.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rate_source {
    sp_source base;
    int64_t rows_per_second, ramp_up_seconds, max_seconds;
    int num_partitions;
    int64_t creation_ms, last_ms;
    int64_t (*now_ms)(void *);
    void *clock_ud;
    char desc[160];
} rate_source;

typedef struct rate_part {
    int partition, nparts;
    int64_t range_start, range_end;
    int64_t local_start_ms;
    double ms_per_value;
} rate_part;

static const char *const rate_keys[] = {"rowsPerSecond", "rampUpTime", "numPartitions", NULL};

/* RateStreamProvider.valueAtSecond: rows made in the first `seconds`. */
int64_t sp_source_rate_value_at_second(int64_t seconds, int64_t rows_per_second,
                                       int64_t ramp_up_seconds)
{
    int64_t delta = rows_per_second / (ramp_up_seconds + 1);
    if (seconds <= ramp_up_seconds) {
        if (seconds % 2 == 1) return (seconds + 1) / 2 * delta * seconds;
        return seconds / 2 * delta * (seconds + 1);
    }
    int64_t ramp =
        sp_source_rate_value_at_second(ramp_up_seconds, rows_per_second, ramp_up_seconds);
    return ramp + (seconds - ramp_up_seconds) * rows_per_second;
}

/* rampUpTime as JavaUtils.timeStringAsSec reads it: "5s", "1m", plain
 * seconds. */
static bool parse_ramp(const char *v, int64_t *sec, char *errstr, size_t n)
{
    char *end;
    long long plain = strtoll(v, &end, 10);
    if (*v && !*end) {
        *sec = plain;
        return true;
    }
    spate_duration d;
    char why[128];
    if (spate_duration_parse(v, &d, why, sizeof why) == SPATE_OK) {
        *sec = d / 1000;
        return true;
    }
    snprintf(errstr, n, "Invalid value '%s' for option 'rampUpTime': expected a time such as 5s",
             v);
    return false;
}

typedef struct rate_opts {
    int64_t rps, ramp, nparts;
} rate_opts;

static bool rate_parse(const sp_source_def *d, const spate_conf *conf, rate_opts *o, char *errstr,
                       size_t n)
{
    if (!sp_source_check_keys(d, rate_keys, "rate", errstr, n)) return false;
    if (!sp_source_opt_long(d, "rowsPerSecond", 1, &o->rps, errstr, n)) return false;
    if (o->rps <= 0) {
        snprintf(errstr, n,
                 "Invalid value '%" PRId64 "'. The option 'rowsPerSecond' must be positive",
                 o->rps);
        return false;
    }
    const char *ramp = sp_source_opt(d, "rampUpTime");
    o->ramp = 0;
    if (ramp && !parse_ramp(ramp, &o->ramp, errstr, n)) return false;
    if (o->ramp < 0) {
        snprintf(errstr, n,
                 "Invalid value '%" PRId64 "'. The option 'rampUpTime' must not be negative",
                 o->ramp);
        return false;
    }
    if (!sp_source_opt_long(d, "numPartitions", sp_source_default_partitions(conf), &o->nparts,
                            errstr, n))
        return false;
    if (o->nparts <= 0 || o->nparts > 1 << 20) {
        snprintf(errstr, n,
                 "Invalid value '%" PRId64 "'. The option 'numPartitions' must be positive",
                 o->nparts);
        return false;
    }
    int64_t max_seconds = INT64_MAX / o->rps;
    if (o->ramp > max_seconds) {
        snprintf(errstr, n,
                 "Integer overflow. Max offset with %" PRId64 " rowsPerSecond is %" PRId64
                 ", but 'rampUpTimeSeconds' is %" PRId64 ".",
                 o->rps, max_seconds, o->ramp);
        return false;
    }
    return true;
}

/* The schema both rate sources make: timestamp TIMESTAMP, value BIGINT. */
const sp_sql_type *sp_source_rate_schema(spate_arena *a)
{
    sp_sql_field f[2] = {{"timestamp", sp_sql_prim(SP_SQL_TIMESTAMP), true, NULL},
                         {"value", sp_sql_prim(SP_SQL_BIGINT), true, NULL}};
    return sp_sql_struct(a, f, 2);
}

bool sp_source_rate_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                            const spate_conf *conf, char *errstr, size_t n)
{
    if (user_schema) {
        snprintf(errstr, n, "The rate source does not support a user-specified schema.");
        return false;
    }
    rate_opts o;
    if (!rate_parse(d, conf, &o, errstr, n)) return false;
    d->schema = sp_source_rate_schema(d->arena);
    return true;
}

static const char *rate_description(sp_source *s) { return ((rate_source *)s)->desc; }

static spate_err rate_latest(sp_source *s, const char *start, char **out, char *errstr, size_t n)
{
    (void)errstr, (void)n;
    rate_source *r = (rate_source *)s;
    int64_t now = r->now_ms(r->clock_ud);
    if (r->last_ms < now) r->last_ms = now;
    int64_t secs = (r->last_ms - r->creation_ms) / 1000;
    /* Offset 0 is where a rate stream starts (Spark's initialOffset): no
     * data yet. */
    *out = secs > 0 || start ? sp_source_long_json(secs) : NULL;
    return SPATE_OK;
}

static spate_err rate_plan(sp_source *s, const char *start, const char *end, spate_arena *a,
                           void ***parts, int *nparts, char *errstr, size_t n)
{
    rate_source *r = (rate_source *)s;
    int64_t ss = 0, es;
    if ((start && !sp_source_parse_long(start, &ss)) || !sp_source_parse_long(end, &es)) {
        snprintf(errstr, n, "rate source: bad offsets (%s, %s]", start ? start : "0", end);
        return SPATE_ERR_INVALID_ARG;
    }
    if (ss > es) {
        snprintf(errstr, n, "startSeconds(%" PRId64 ") > endSeconds(%" PRId64 ")", ss, es);
        return SPATE_ERR_INVALID_ARG;
    }
    if (es > r->max_seconds) {
        snprintf(errstr, n,
                 "Integer overflow. Max offset with %" PRId64 " rowsPerSecond is %" PRId64
                 ", but it's %" PRId64 " now.",
                 r->rows_per_second, r->max_seconds, es);
        return SPATE_ERR_INVALID_ARG;
    }
    /* a re-run batch after a restart: the clock is at least its end */
    if (r->last_ms < es * 1000 + r->creation_ms) r->last_ms = es * 1000 + r->creation_ms;
    int64_t rs = sp_source_rate_value_at_second(ss, r->rows_per_second, r->ramp_up_seconds);
    int64_t re = sp_source_rate_value_at_second(es, r->rows_per_second, r->ramp_up_seconds);
    *nparts = 0;
    *parts = spate_arena_alloc(a, (size_t)r->num_partitions * sizeof **parts);
    if (rs == re) return SPATE_OK;
    double ms_per_value = (double)((es - ss) * 1000) / (double)(re - rs);
    for (int p = 0; p < r->num_partitions; p++) {
        rate_part *rp = spate_arena_alloc(a, sizeof *rp);
        *rp = (rate_part){p, r->num_partitions, rs, re, r->creation_ms + ss * 1000, ms_per_value};
        (*parts)[p] = rp;
    }
    *nparts = r->num_partitions;
    return SPATE_OK;
}

/* Partition p's rows: values rs + p, rs + p + nparts, ... below re, each at
 * round(local_start + (value - rs) * ms_per_value) ms. */
static spate_err rate_read(sp_source *s, void *part, spate_arena *a, sp_source_emit_fn emit,
                           void *ud, sp_source_counters *c, char *errstr, size_t n)
{
    (void)errstr, (void)n;
    const rate_part *p = part;
    int64_t v = p->range_start + p->partition;
    if (v >= p->range_end) return SPATE_OK;
    int64_t total = (p->range_end - v + p->nparts - 1) / p->nparts;
    sp_colbatch *b = sp_source_batch_new(
        s->def->schema, a, total < SP_SOURCE_BATCH_ROWS ? total : SP_SOURCE_BATCH_ROWS);
    while (v < p->range_end) {
        if (b->length && s->reuse_batches)
            sp_colbatch_reset(b);
        else if (b->length)
            b = sp_source_batch_new(s->def->schema, a, b->capacity);
        int64_t *ts = sp_column_i64(&b->cols[0]), *val = sp_column_i64(&b->cols[1]);
        int64_t k = 0;
        for (; k < b->capacity && v < p->range_end; k++, v += p->nparts) {
            /* Java's Math.round: floor(x + 0.5) */
            double rel = floor((double)(v - p->range_start) * p->ms_per_value + 0.5);
            ts[k] = ((int64_t)rel + p->local_start_ms) * 1000;
            val[k] = v;
        }
        sp_colbatch_set_length(b, k);
        c->rows += k;
        if (!emit(b, ud)) return SPATE_ERR_USER;
    }
    return SPATE_OK;
}

static void rate_close(sp_source *s) { free(s); }

static const sp_source_ops rate_ops = {
    .description = rate_description,
    .latest = rate_latest,
    .plan = rate_plan,
    .read = rate_read,
    .close = rate_close,
};

/* The time the stream was first started: read from the checkpoint, else
 * now (written there when there is one). */
static bool rate_creation_time(const sp_source_env *env, int64_t now, int64_t *out, char *errstr,
                               size_t n)
{
    *out = now;
    if (!env->checkpoint_dir) return true;
    sp_entry_log log;
    sp_entry_log_init(&log, env->checkpoint_dir, "", "rate", 1);
    sp_ckpt_in in;
    spate_err e = sp_entry_log_read(&log, 0, &in, errstr, n);
    if (e == SPATE_OK) {
        bool ok = sp_ckpt_get_i64(&in, out);
        sp_ckpt_in_free(&in);
        if (!ok) snprintf(errstr, n, "rate source: damaged start time in %s", env->checkpoint_dir);
        return ok;
    }
    if (e != SPATE_ERR_NOT_FOUND) return false;
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_put_i64(&w, now);
    e = sp_entry_log_write(&log, 0, &w, false, errstr, n);
    sp_ckpt_out_free(&w);
    return e == SPATE_OK;
}

sp_source *sp_source_rate_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                               size_t n)
{
    rate_opts o;
    if (!rate_parse(d, env->conf, &o, errstr, n)) return NULL;
    int64_t now = env->now_ms(env->clock_ud), creation;
    if (!rate_creation_time(env, now, &creation, errstr, n)) return NULL;
    rate_source *r = sp_xcalloc(1, sizeof *r);
    r->base.ops = &rate_ops;
    r->base.def = d;
    r->rows_per_second = o.rps;
    r->ramp_up_seconds = o.ramp;
    r->num_partitions = (int)o.nparts;
    r->max_seconds = INT64_MAX / o.rps;
    r->creation_ms = r->last_ms = creation;
    r->now_ms = env->now_ms;
    r->clock_ud = env->clock_ud;
    const char *np = sp_source_opt(d, "numPartitions");
    snprintf(r->desc, sizeof r->desc,
             "RateStreamV2[rowsPerSecond=%" PRId64 ", rampUpTimeSeconds=%" PRId64
             ", numPartitions=%s",
             o.rps, o.ramp, np ? np : "default");
    return &r->base;
}
