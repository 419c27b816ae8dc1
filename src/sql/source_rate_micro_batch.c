/* source_rate_micro_batch.c - Spark's `rate-micro-batch` source
 * (RatePerMicroBatchProvider, RatePerMicroBatchStream): each batch gets
 * rowsPerBatch more rows whatever the clock says, all stamped with the
 * batch's start timestamp, which advances advanceMillisPerBatch a batch from
 * startTimestamp. The offset is RatePerMicroBatchStreamOffset's JSON,
 * {"offset":<rows so far>,"timestamp":<ms>}. Reads fill whole columns in
 * tight loops, in batches of SP_SOURCE_BATCH_ROWS rows.
 *
 * Threads: as source.h says; read only reads its partition. */
#include "sql/source_int.h"

#include "base/arena.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rmb_source {
    sp_source base;
    int64_t rows_per_batch, start_ts, advance_ms;
    int num_partitions;
    bool available_now;
    int64_t fixed_off, fixed_ts; /* AvailableNow's end; fixed_off -1: not yet */
    char desc[200];
} rmb_source;

typedef struct rmb_part {
    int partition, nparts;
    int64_t start, end, ts_ms;
} rmb_part;

static const char *const rmb_keys[] = {"rowsPerBatch", "numPartitions", "startTimestamp",
                                       "advanceMillisPerBatch", NULL};

typedef struct rmb_opts {
    int64_t rows, nparts, start_ts, advance;
} rmb_opts;

static bool check(bool ok, const char *key, int64_t v, const char *must, char *errstr, size_t n)
{
    if (!ok)
        snprintf(errstr, n, "Invalid value '%" PRId64 "'. The option '%s' must be %s", v, key,
                 must);
    return ok;
}

static bool rmb_parse(const sp_source_def *d, const spate_conf *conf, rmb_opts *o, char *errstr,
                      size_t n)
{
    if (!sp_source_check_keys(d, rmb_keys, "rate-micro-batch", errstr, n)) return false;
    if (!sp_source_opt(d, "rowsPerBatch")) {
        snprintf(errstr, n, "Invalid value '0'. The option 'rowsPerBatch' must be positive");
        return false;
    }
    return sp_source_opt_long(d, "rowsPerBatch", 0, &o->rows, errstr, n) &&
           check(o->rows > 0, "rowsPerBatch", o->rows, "positive", errstr, n) &&
           sp_source_opt_long(d, "numPartitions", sp_source_default_partitions(conf), &o->nparts,
                              errstr, n) &&
           check(o->nparts > 0 && o->nparts <= 1 << 20, "numPartitions", o->nparts, "positive",
                 errstr, n) &&
           sp_source_opt_long(d, "startTimestamp", 0, &o->start_ts, errstr, n) &&
           check(o->start_ts >= 0, "startTimestamp", o->start_ts, "non-negative", errstr, n) &&
           sp_source_opt_long(d, "advanceMillisPerBatch", 1000, &o->advance, errstr, n) &&
           check(o->advance >= 0, "advanceMillisPerBatch", o->advance, "non-negative", errstr, n);
}

bool sp_source_rmb_resolve(sp_source_def *d, const sp_sql_type *user_schema, const spate_conf *conf,
                           char *errstr, size_t n)
{
    if (user_schema) {
        snprintf(errstr, n,
                 "The rate-micro-batch source does not support a user-specified schema.");
        return false;
    }
    rmb_opts o;
    if (!rmb_parse(d, conf, &o, errstr, n)) return false;
    d->schema = sp_source_rate_schema(d->arena);
    return true;
}

static const char *rmb_description(sp_source *s) { return ((rmb_source *)s)->desc; }

/* {"offset":N,"timestamp":T}, either order, spaces allowed. */
static bool parse_offset(const char *json, int64_t *off, int64_t *ts)
{
    const char *o = strstr(json, "\"offset\""), *t = strstr(json, "\"timestamp\"");
    if (!o || !t) return false;
    o = strchr(o + 8, ':'), t = strchr(t + 11, ':');
    if (!o || !t) return false;
    char *end;
    *off = strtoll(o + 1, &end, 10);
    if (end == o + 1) return false;
    *ts = strtoll(t + 1, &end, 10);
    return end != t + 1;
}

static char *offset_json(int64_t off, int64_t ts)
{
    char buf[80];
    snprintf(buf, sizeof buf, "{\"offset\":%" PRId64 ",\"timestamp\":%" PRId64 "}", off, ts);
    return sp_xstrdup(buf);
}

/* start + rowsPerBatch rows and advanceMillisPerBatch ms; under
 * Trigger.AvailableNow, the first such offset for every later call. */
static spate_err rmb_latest(sp_source *s, const char *start, char **out, char *errstr, size_t n)
{
    rmb_source *r = (rmb_source *)s;
    int64_t off = 0, ts = r->start_ts;
    if (r->available_now && r->fixed_off >= 0) {
        *out = offset_json(r->fixed_off, r->fixed_ts);
        return SPATE_OK;
    }
    if (start && !parse_offset(start, &off, &ts)) {
        snprintf(errstr, n, "rate-micro-batch source: bad offset %s", start);
        return SPATE_ERR_INVALID_ARG;
    }
    off = off > INT64_MAX - r->rows_per_batch ? INT64_MAX : off + r->rows_per_batch;
    ts += r->advance_ms;
    if (r->available_now) r->fixed_off = off, r->fixed_ts = ts;
    *out = offset_json(off, ts);
    return SPATE_OK;
}

static void rmb_prepare_available_now(sp_source *s)
{
    rmb_source *r = (rmb_source *)s;
    r->available_now = true;
    r->fixed_off = -1;
}

static spate_err rmb_plan(sp_source *s, const char *start, const char *end, spate_arena *a,
                          void ***parts, int *nparts, char *errstr, size_t n)
{
    rmb_source *r = (rmb_source *)s;
    int64_t so = 0, st = r->start_ts, eo, et;
    if ((start && !parse_offset(start, &so, &st)) || !parse_offset(end, &eo, &et)) {
        snprintf(errstr, n, "rate-micro-batch source: bad offsets (%s, %s]", start ? start : "",
                 end);
        return SPATE_ERR_INVALID_ARG;
    }
    if (so > eo || st > et) {
        if (so > eo)
            snprintf(errstr, n, "startOffset(%" PRId64 ") > endOffset(%" PRId64 ")", so, eo);
        else
            snprintf(errstr, n, "startTimestamp(%" PRId64 ") > endTimestamp(%" PRId64 ")", st, et);
        return SPATE_ERR_INVALID_ARG;
    }
    *nparts = 0;
    *parts = NULL;
    if (so == eo) return SPATE_OK;
    *parts = spate_arena_alloc(a, (size_t)r->num_partitions * sizeof **parts);
    for (int p = 0; p < r->num_partitions; p++) {
        rmb_part *rp = spate_arena_alloc(a, sizeof *rp);
        *rp = (rmb_part){p, r->num_partitions, so, eo, st};
        (*parts)[p] = rp;
    }
    *nparts = r->num_partitions;
    return SPATE_OK;
}

/* Values start + partition, step nparts, below end; every timestamp the
 * batch's start. */
static spate_err rmb_read(sp_source *s, void *part, spate_arena *a, sp_source_emit_fn emit,
                          void *ud, sp_source_counters *c, char *errstr, size_t n)
{
    (void)errstr, (void)n;
    const rmb_part *p = part;
    int64_t v = p->start + p->partition;
    if (v >= p->end) return SPATE_OK;
    int64_t total = (p->end - v + p->nparts - 1) / p->nparts;
    int64_t cap = total < SP_SOURCE_BATCH_ROWS ? total : SP_SOURCE_BATCH_ROWS;
    sp_colbatch *b = sp_source_batch_new(s->def->schema, a, cap);
    int64_t tsus = p->ts_ms * 1000, step = p->nparts;
    while (total > 0) {
        if (b->length && s->reuse_batches)
            sp_colbatch_reset(b);
        else if (b->length)
            b = sp_source_batch_new(s->def->schema, a, cap);
        int64_t k = total < cap ? total : cap;
        int64_t *ts = sp_column_i64(&b->cols[0]), *val = sp_column_i64(&b->cols[1]);
        for (int64_t i = 0; i < k; i++)
            ts[i] = tsus;
        for (int64_t i = 0; i < k; i++)
            val[i] = v + i * step;
        v += k * step;
        total -= k;
        sp_colbatch_set_length(b, k);
        c->rows += k;
        if (!emit(b, ud)) return SPATE_ERR_USER;
    }
    return SPATE_OK;
}

static void rmb_close(sp_source *s) { free(s); }

static const sp_source_ops rmb_ops = {
    .description = rmb_description,
    .latest = rmb_latest,
    .prepare_available_now = rmb_prepare_available_now,
    .plan = rmb_plan,
    .read = rmb_read,
    .close = rmb_close,
};

sp_source *sp_source_rmb_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                              size_t n)
{
    rmb_opts o;
    if (!rmb_parse(d, env->conf, &o, errstr, n)) return NULL;
    rmb_source *r = sp_xcalloc(1, sizeof *r);
    r->base.ops = &rmb_ops;
    r->base.def = d;
    r->rows_per_batch = o.rows;
    r->num_partitions = (int)o.nparts;
    r->start_ts = o.start_ts;
    r->advance_ms = o.advance;
    snprintf(r->desc, sizeof r->desc,
             "RatePerMicroBatchStream[rowsPerBatch=%" PRId64
             ", numPartitions=%d, startTimestamp=%" PRId64 ", advanceMsPerBatch=%" PRId64 "]",
             o.rows, r->num_partitions, o.start_ts, o.advance);
    return &r->base;
}
