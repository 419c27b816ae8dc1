/* source_nexmark.c - the built-in `nexmark` source: Nexmark's auction events
 * (connect/nexmark_gen.h) as a stream, with no I/O, for the benchmark's
 * queries. Rows: Flink Nexmark's `datagen` table (event_type INT, person,
 * auction, bid STRUCTs of which the two the event is not are null,
 * dateTime), or with `kind` bid | auction | person that kind's fields as
 * flat columns (only events of that kind).
 *
 * Offsets are event numbers (a LongOffset, JSON "1000": the events made so
 * far). Each batch takes rowsPerBatch more events, up to maxEvents; under
 * Trigger.Once / AvailableNow the end is fixed when the query starts
 * (maxEvents, or one batch without it). A batch's events are split into
 * numPartitions contiguous ranges generated independently (event n is a
 * function of the options and n), so a restart from the offset log makes
 * the same rows. Within a partition the rows come a kind at a time (people,
 * auctions, bids: source_nexmark_read.c), which the queries' views read
 * without copying. Options: rowsPerBatch, numPartitions, maxEvents,
 * eventsPerSecond (the event-time rate), seed, kind.
 *
 * Threads: as source.h says; read only reads its partition. */
#include "sql/source_nexmark_int.h"

#include "base/arena.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { NX_DEFAULT_ROWS_PER_BATCH = 100000 };

typedef struct nx_opts {
    int64_t rows, nparts, max_events, rate, seed;
    sp_nx_kind kind;
} nx_opts;

typedef struct nx_source {
    sp_source base;
    nx_opts o;
    sp_nexmark_config cfg;
    int64_t fixed_end; /* Once / AvailableNow: the end, -1 none yet, -2 off */
    char desc[200];
} nx_source;

static const char *const nx_keys[] = {
    "rowsPerBatch", "numPartitions", "maxEvents", "eventsPerSecond", "seed", "kind", NULL};

static const char *const flink_ddl =
    "event_type INT, person STRUCT<id: BIGINT, name: STRING, emailAddress: STRING, "
    "creditCard: STRING, city: STRING, state: STRING, dateTime: TIMESTAMP, extra: STRING>, "
    "auction STRUCT<id: BIGINT, itemName: STRING, description: STRING, initialBid: BIGINT, "
    "reserve: BIGINT, dateTime: TIMESTAMP, expires: TIMESTAMP, seller: BIGINT, category: BIGINT, "
    "extra: STRING>, bid STRUCT<auction: BIGINT, bidder: BIGINT, price: BIGINT, channel: STRING, "
    "url: STRING, dateTime: TIMESTAMP, extra: STRING>, dateTime TIMESTAMP";
static const char *const kind_ddl[3] = {
    "id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING, "
    "dateTime TIMESTAMP, extra STRING",
    "id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT, "
    "dateTime TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra STRING",
    "auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, "
    "dateTime TIMESTAMP, extra STRING"};

const sp_sql_type *sp_source_nexmark_schema(spate_arena *a, sp_nx_kind kind)
{
    sp_sql_type_error err;
    return sp_sql_schema_parse(a, kind == SP_NX_KIND_ALL ? flink_ddl : kind_ddl[kind], &err);
}

static bool check(bool ok, const char *key, int64_t v, const char *must, char *errstr, size_t n)
{
    if (!ok)
        snprintf(errstr, n, "Invalid value '%" PRId64 "'. The option '%s' must be %s", v, key,
                 must);
    return ok;
}

static bool parse_kind(const sp_source_def *d, sp_nx_kind *kind, char *errstr, size_t n)
{
    static const char *const names[3] = {"person", "auction", "bid"};
    const char *v = sp_source_opt(d, "kind");
    *kind = SP_NX_KIND_ALL;
    if (!v || !strcasecmp(v, "all")) return true;
    for (int i = 0; i < 3; i++)
        if (!strcasecmp(v, names[i])) {
            *kind = (sp_nx_kind)i;
            return true;
        }
    snprintf(errstr, n,
             "Invalid value '%s' for option 'kind': expected 'all', 'bid', 'auction' or 'person'",
             v);
    return false;
}

static bool nx_parse(const sp_source_def *d, const spate_conf *conf, nx_opts *o, char *errstr,
                     size_t n)
{
    return sp_source_check_keys(d, nx_keys, "nexmark", errstr, n) &&
           sp_source_opt_long(d, "rowsPerBatch", NX_DEFAULT_ROWS_PER_BATCH, &o->rows, errstr, n) &&
           check(o->rows > 0, "rowsPerBatch", o->rows, "positive", errstr, n) &&
           sp_source_opt_long(d, "numPartitions", sp_source_default_partitions(conf), &o->nparts,
                              errstr, n) &&
           check(o->nparts > 0 && o->nparts <= 1 << 16, "numPartitions", o->nparts,
                 "positive (at most 65536)", errstr, n) &&
           sp_source_opt_long(d, "maxEvents", -1, &o->max_events, errstr, n) &&
           check(o->max_events >= -1, "maxEvents", o->max_events, "non-negative", errstr, n) &&
           sp_source_opt_long(d, "eventsPerSecond", (int64_t)SP_NEXMARK_DEFAULT_RATE, &o->rate,
                              errstr, n) &&
           check(o->rate > 0, "eventsPerSecond", o->rate, "positive", errstr, n) &&
           sp_source_opt_long(d, "seed", 1, &o->seed, errstr, n) &&
           parse_kind(d, &o->kind, errstr, n);
}

bool sp_source_nexmark_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                               const spate_conf *conf, char *errstr, size_t n)
{
    if (user_schema) {
        snprintf(errstr, n, "The nexmark source does not support a user-specified schema.");
        return false;
    }
    nx_opts o;
    if (!nx_parse(d, conf, &o, errstr, n)) return false;
    d->schema = sp_source_nexmark_schema(d->arena, o.kind);
    return d->schema != NULL;
}

static const char *nx_description(sp_source *s) { return ((nx_source *)s)->desc; }

/* start + rowsPerBatch, within maxEvents and a fixed AvailableNow end. */
static spate_err nx_latest(sp_source *s, const char *start, char **out, char *errstr, size_t n)
{
    nx_source *x = (nx_source *)s;
    int64_t from = 0;
    if (start && (!sp_source_parse_long(start, &from) || from < 0)) {
        snprintf(errstr, n, "nexmark source: bad offset %s", start);
        return SPATE_ERR_INVALID_ARG;
    }
    int64_t limit = x->o.max_events >= 0 ? x->o.max_events : INT64_MAX;
    if (x->fixed_end == -1) x->fixed_end = limit != INT64_MAX ? limit : from + x->o.rows;
    if (x->fixed_end >= 0 && x->fixed_end < limit) limit = x->fixed_end;
    int64_t end = from > limit - x->o.rows ? limit : from + x->o.rows;
    if (end < from) end = from;
    if (end == 0) {
        *out = NULL;
        return SPATE_OK;
    }
    *out = sp_source_long_json(end);
    return SPATE_OK;
}

static void nx_prepare_available_now(sp_source *s) { ((nx_source *)s)->fixed_end = -1; }

/* numPartitions contiguous ranges of (start, end]'s event numbers. */
static spate_err nx_plan(sp_source *s, const char *start, const char *end, spate_arena *a,
                         void ***parts, int *nparts, char *errstr, size_t n)
{
    nx_source *x = (nx_source *)s;
    int64_t so = 0, eo;
    if ((start && !sp_source_parse_long(start, &so)) || !sp_source_parse_long(end, &eo) || so < 0 ||
        so > eo) {
        snprintf(errstr, n, "nexmark source: bad offsets (%s, %s]", start ? start : "", end);
        return SPATE_ERR_INVALID_ARG;
    }
    *nparts = 0;
    *parts = NULL;
    if (so == eo) return SPATE_OK;
    int np = (int)x->o.nparts;
    *parts = spate_arena_alloc(a, (size_t)np * sizeof **parts);
    uint64_t len = (uint64_t)(eo - so);
    for (int p = 0; p < np; p++) {
        sp_nx_part *rp = spate_arena_alloc(a, sizeof *rp);
        *rp = (sp_nx_part){&x->cfg, x->o.kind, (uint64_t)so + len * (uint64_t)p / (uint64_t)np,
                           (uint64_t)so + len * (uint64_t)(p + 1) / (uint64_t)np};
        (*parts)[p] = rp;
    }
    *nparts = np;
    return SPATE_OK;
}

static spate_err nx_read(sp_source *s, void *part, spate_arena *a, sp_source_emit_fn emit, void *ud,
                         sp_source_counters *c, char *errstr, size_t n)
{
    (void)errstr, (void)n;
    return sp_source_nexmark_read(part, s->def, s->reuse_batches, a, emit, ud, c);
}

static void nx_close(sp_source *s) { free(s); }

static const sp_source_ops nx_ops = {
    .description = nx_description,
    .latest = nx_latest,
    .prepare_available_now = nx_prepare_available_now,
    .plan = nx_plan,
    .read = nx_read,
    .close = nx_close,
};

sp_source *sp_source_nexmark_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                                  size_t n)
{
    nx_opts o;
    if (!nx_parse(d, env ? env->conf : NULL, &o, errstr, n)) return NULL;
    nx_source *x = sp_xcalloc(1, sizeof *x);
    x->base.ops = &nx_ops;
    x->base.def = d;
    x->o = o;
    x->fixed_end = -2;
    sp_nexmark_config_default(&x->cfg);
    x->cfg.seed = (uint64_t)o.seed;
    x->cfg.rate = (double)o.rate;
    if (sp_nexmark_config_check(&x->cfg, errstr, n) != 0) {
        free(x);
        return NULL;
    }
    static const char *const kinds[] = {"all", "person", "auction", "bid"};
    snprintf(x->desc, sizeof x->desc,
             "NexmarkStream[kind=%s, rowsPerBatch=%" PRId64 ", numPartitions=%d, maxEvents=%" PRId64
             ", eventsPerSecond=%" PRId64 ", seed=%" PRId64 "]",
             kinds[o.kind + 1], o.rows, (int)o.nparts, o.max_events, o.rate, o.seed);
    return &x->base;
}
