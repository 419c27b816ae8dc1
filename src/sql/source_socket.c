/* source_socket.c - Spark's `socket` source (TextSocketSourceProvider,
 * TextSocketMicroBatchStream) over connect/socket_lines.h: one `value`
 * STRING row per line received, plus its arrival `timestamp` with
 * includeTimestamp. Offsets are LongOffsets: the index of the last line of a
 * batch (Spark starts at -1: none). Not for production, as Spark warns: it
 * keeps nothing on disk and a restart reads from a new connection.
 *
 * Threads: as source.h says; socket_lines takes its own lock. */
#include "sql/source_int.h"

#include "base/arena.h"
#include "base/log.h"
#include "connect/socket_lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct socket_source {
    sp_source base;
    sp_socket_lines *lines;
    bool include_ts;
    int nparts;
    char desc[300];
} socket_source;

/* Lines [from, to) whose index from `from` is p modulo n (Spark deals a
 * batch's lines round-robin over numPartitions). */
typedef struct socket_part {
    int64_t from, to;
    int p, n;
} socket_part;

static const char *const socket_keys[] = {"host", "port", "includeTimestamp", "numPartitions",
                                          NULL};

typedef struct socket_opts {
    const char *host;
    int64_t port, nparts;
    bool include_ts;
} socket_opts;

static bool socket_parse(const sp_source_def *d, const spate_conf *conf, socket_opts *o,
                         char *errstr, size_t n)
{
    if (!sp_source_check_keys(d, socket_keys, "socket", errstr, n)) return false;
    o->host = sp_source_opt(d, "host");
    if (!o->host) {
        snprintf(errstr, n, "Set a host to read from with option(\"host\", ...).");
        return false;
    }
    const char *port = sp_source_opt(d, "port");
    if (!port) {
        snprintf(errstr, n, "Set a port to read from with option(\"port\", ...).");
        return false;
    }
    if (!sp_source_parse_long(port, &o->port) || o->port < 0 || o->port > 65535 ||
        strchr(port, ' ')) {
        snprintf(errstr, n, "Port is not an integer: '%s'", port);
        return false;
    }
    const char *ts = sp_source_opt(d, "includeTimestamp");
    if (ts && strcasecmp(ts, "true") && strcasecmp(ts, "false")) {
        snprintf(errstr, n,
                 "includeTimestamp must be set to either \"true\" or \"false\" (not '%s')", ts);
        return false;
    }
    o->include_ts = ts && !strcasecmp(ts, "true");
    if (!sp_source_opt_long(d, "numPartitions", sp_source_default_partitions(conf), &o->nparts,
                            errstr, n))
        return false;
    if (o->nparts <= 0 || o->nparts > 1 << 20) {
        snprintf(errstr, n, "Invalid value '%lld'. The option 'numPartitions' must be positive",
                 (long long)o->nparts);
        return false;
    }
    return true;
}

bool sp_source_socket_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                              const spate_conf *conf, char *errstr, size_t n)
{
    if (user_schema) {
        snprintf(errstr, n, "The socket source does not support a user-specified schema.");
        return false;
    }
    socket_opts o;
    if (!socket_parse(d, conf, &o, errstr, n)) return false;
    sp_sql_field f[2] = {{"value", sp_sql_prim(SP_SQL_STRING), true, NULL},
                         {"timestamp", sp_sql_prim(SP_SQL_TIMESTAMP), true, NULL}};
    d->schema = sp_sql_struct(d->arena, f, o.include_ts ? 2 : 1);
    return true;
}

static const char *socket_description(sp_source *s) { return ((socket_source *)s)->desc; }

static spate_err socket_latest(sp_source *s, const char *start, char **out, char *errstr, size_t n)
{
    (void)start, (void)errstr, (void)n;
    int64_t latest = sp_socket_lines_latest(((socket_source *)s)->lines);
    *out = latest > 0 ? sp_source_long_json(latest - 1) : NULL;
    return SPATE_OK;
}

static spate_err socket_plan(sp_source *s, const char *start, const char *end, spate_arena *a,
                             void ***parts, int *nparts, char *errstr, size_t n)
{
    socket_source *ss = (socket_source *)s;
    int64_t so = -1, eo;
    if ((start && !sp_source_parse_long(start, &so)) || !sp_source_parse_long(end, &eo) ||
        so > eo) {
        snprintf(errstr, n, "socket source: bad offsets (%s, %s]", start ? start : "-1", end);
        return SPATE_ERR_INVALID_ARG;
    }
    int np = eo - so < ss->nparts ? (int)(eo - so) : ss->nparts;
    *parts = spate_arena_alloc(a, (size_t)(np > 0 ? np : 1) * sizeof **parts);
    for (int i = 0; i < np; i++) {
        socket_part *p = spate_arena_alloc(a, sizeof *p);
        *p = (socket_part){so + 1, eo + 1, i, ss->nparts};
        (*parts)[i] = p;
    }
    *nparts = np;
    return SPATE_OK;
}

typedef struct fill_ctx {
    sp_colbatch *b;
    bool ts;
    const socket_part *p;
} fill_ctx;

/* Runs under the lines' lock: copies the line into the batch. */
static void fill_line(int64_t offset, const char *text, size_t len, int64_t ts_ms, void *ud)
{
    fill_ctx *f = ud;
    if ((offset - f->p->from) % f->p->n != f->p->p) return;
    int64_t row = f->b->cols[0].str_rows;
    sp_column_append_str(f->b, 0, text, len);
    if (f->ts) sp_column_i64(&f->b->cols[1])[row] = ts_ms * 1000;
}

static spate_err socket_read(sp_source *s, void *part, spate_arena *a, sp_source_emit_fn emit,
                             void *ud, sp_source_counters *c, char *errstr, size_t n)
{
    socket_source *ss = (socket_source *)s;
    const socket_part *p = part;
    int64_t rows = (p->to - p->from - p->p + p->n - 1) / p->n;
    if (rows <= 0) return SPATE_OK;
    fill_ctx f = {sp_source_batch_new(s->def->schema, a, rows), ss->include_ts, p};
    if (sp_socket_lines_read(ss->lines, p->from, p->to, fill_line, &f, errstr, n) != 0)
        return SPATE_ERR_STATE;
    sp_colbatch_set_length(f.b, rows);
    c->rows += f.b->length;
    for (int64_t i = 0; i < f.b->length; i++)
        c->bytes += f.b->cols[0].offsets[i + 1] - f.b->cols[0].offsets[i];
    return emit(f.b, ud) ? SPATE_OK : SPATE_ERR_USER;
}

static void socket_commit(sp_source *s, const char *end)
{
    int64_t e;
    char why[256];
    if (!sp_source_parse_long(end, &e)) return;
    if (sp_socket_lines_commit(((socket_source *)s)->lines, e + 1, why, sizeof why) != 0)
        sp_log(SP_LOG_WARN, "TextSocketMicroBatchStream", "%s", why);
}

static void socket_close(sp_source *s)
{
    sp_socket_lines_close(((socket_source *)s)->lines);
    free(s);
}

static const sp_source_ops socket_ops = {
    .description = socket_description,
    .latest = socket_latest,
    .plan = socket_plan,
    .read = socket_read,
    .commit = socket_commit,
    .close = socket_close,
};

sp_source *sp_source_socket_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                                 size_t n)
{
    (void)env;
    socket_opts o;
    if (!socket_parse(d, env->conf, &o, errstr, n)) return NULL;
    sp_log(SP_LOG_WARN, "TextSocketSourceProvider",
           "The socket source should not be used for production applications! It does not "
           "support recovery.");
    sp_socket_lines *lines = sp_socket_lines_open(o.host, (int)o.port, 0, NULL, NULL, errstr, n);
    if (!lines) return NULL;
    socket_source *s = sp_xcalloc(1, sizeof *s);
    s->base.ops = &socket_ops;
    s->base.def = d;
    s->lines = lines;
    s->include_ts = o.include_ts;
    s->nparts = (int)o.nparts;
    snprintf(s->desc, sizeof s->desc, "TextSocketV2[host: %s, port: %lld]", o.host,
             (long long)o.port);
    return &s->base;
}
