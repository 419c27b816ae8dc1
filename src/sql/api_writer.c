/* api_writer.c - writeStream (DataStreamWriter) of the public API: the
 * writer's settings, the foreachBatch and foreach adapters (a micro-batch
 * as a static dataframe in its own scope; a row accessor per row), and
 * start, which plans the query, resolves its source and sink, starts it and
 * records it with the session's queries (as SQL INSERT does). Settings on
 * any thread; adapters on the query's thread. */
#include "sql/api_int.h"

#include "base/arena.h"
#include "sql/physical.h"
#include "sql/unsupported_ops.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

spate_stream_writer *spate_dataframe_write_stream(spate_dataframe *df)
{
    if (!df) return NULL;
    if (!df->plan->streaming) {
        sp_api_errorf(df->ss, "'writeStream' can be called only on streaming Dataset/DataFrame");
        return NULL;
    }
    if (df->scope != &df->ss->root) { /* its plan goes when the batch's call returns */
        sp_api_errorf(df->ss, "a streaming query cannot be started from a dataframe made inside "
                              "a foreachBatch function");
        return NULL;
    }
    pthread_mutex_lock(&df->ss->mu);
    spate_stream_writer *w = spate_arena_alloc(df->scope->arena, sizeof *w);
    memset(w, 0, sizeof *w);
    w->df = df;
    pthread_mutex_unlock(&df->ss->mu);
    return w;
}

/* *field = a copy of v in the writer's scope. */
static spate_err set(spate_stream_writer *w, const char **field, const char *v)
{
    if (!w || !v) return SPATE_ERR_INVALID_ARG;
    pthread_mutex_lock(&w->df->ss->mu);
    *field = sp_api_strdup(w->df->scope, v);
    pthread_mutex_unlock(&w->df->ss->mu);
    return SPATE_OK;
}

spate_err spate_stream_writer_format(spate_stream_writer *w, const char *format)
{
    return w ? set(w, &w->format, format) : SPATE_ERR_INVALID_ARG;
}

spate_err spate_stream_writer_output_mode(spate_stream_writer *w, const char *mode)
{
    sp_output_mode m;
    if (!w || !mode) return SPATE_ERR_INVALID_ARG;
    if (!sp_output_mode_parse(mode, &m)) {
        sp_api_errorf(w->df->ss,
                      "Unknown output mode %s. Accepted output modes are 'append', "
                      "'complete', 'update'",
                      mode);
        return SPATE_ERR_INVALID_ARG;
    }
    return set(w, &w->mode, mode);
}

spate_err spate_stream_writer_trigger(spate_stream_writer *w, const char *trigger)
{
    sp_trigger t;
    char why[512];
    if (!w || !trigger) return SPATE_ERR_INVALID_ARG;
    if (!sp_trigger_parse(trigger, &t, why, sizeof why)) {
        sp_api_errorf(w->df->ss, "%s", why);
        return SPATE_ERR_INVALID_ARG;
    }
    return set(w, &w->trigger, trigger);
}

spate_err spate_stream_writer_query_name(spate_stream_writer *w, const char *name)
{
    return w ? set(w, &w->name, name) : SPATE_ERR_INVALID_ARG;
}

spate_err spate_stream_writer_option(spate_stream_writer *w, const char *key, const char *value)
{
    if (!w || !key || !value) return SPATE_ERR_INVALID_ARG;
    if (!strcasecmp(key, "checkpointLocation")) return set(w, &w->checkpoint, value);
    if (!strcasecmp(key, "lateRowsTable")) return set(w, &w->late, value);
    size_t i = 0; /* a key set again is replaced (case-insensitive, as Spark) */
    while (i < w->nopts && strcasecmp(w->keys[i], key))
        i++;
    if (i == SP_API_MAX_OPTS) {
        sp_api_errorf(w->df->ss, "too many options (at most %d)", SP_API_MAX_OPTS);
        return SPATE_ERR_INVALID_ARG;
    }
    set(w, &w->keys[i], key);
    set(w, &w->vals[i], value);
    if (i == w->nopts) w->nopts++;
    return SPATE_OK;
}

spate_err spate_stream_writer_foreach_batch(spate_stream_writer *w, spate_foreach_batch_fn fn,
                                            void *ud)
{
    if (!w || !fn) return SPATE_ERR_INVALID_ARG;
    w->fb = fn;
    w->fb_ud = ud;
    return SPATE_OK;
}

spate_err spate_stream_writer_foreach(spate_stream_writer *w, const spate_foreach_writer *writer)
{
    if (!w || !writer) return SPATE_ERR_INVALID_ARG;
    w->fe = *writer;
    w->has_fe = true;
    return SPATE_OK;
}

/* ---- adapters (the query's thread) ---- */

typedef struct adapter {
    spate_session *ss;
    spate_foreach_batch_fn fb;
    void *fb_ud;
    spate_foreach_writer fe;
} adapter;

/* The micro-batch as a static dataframe over a memory stream of its rows. */
static spate_err fb_call(const sp_colbatch *const *batches, size_t n, const sp_sql_type *schema,
                         int64_t batch_id, void *ud)
{
    adapter *ad = ud;
    spate_session *ss = ad->ss;
    sp_memory_stream *m = sp_memory_stream_new(schema);
    for (size_t i = 0; i < n; i++)
        sp_memory_stream_add(m, batches[i]);
    sp_api_scope sc = {.arena = spate_arena_new(), .catalog = ss->s->catalog, .drop_views = true};
    pthread_mutex_lock(&ss->mu);
    const char *name = sp_api_hidden_name(ss, &sc);
    sp_catalog_table tab = {.kind = SP_TABLE_MEMORY,
                            .name = name,
                            .schema = schema,
                            .memory = m,
                            .memory_is_stream = true};
    sp_catalog_put(ss->s->catalog, &tab, true);
    sp_catalog_table *t = sp_catalog_get(ss->s->catalog, name);
    sp_catalog_drop(ss->s->catalog, name);
    sp_analyzer az = sp_api_analyzer(ss, &sc, NULL);
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_plan *p = t ? sp_analyze_scan(&az, t, false, &e) : NULL;
    sp_sql_error_clear(&e);
    spate_dataframe *df = p ? sp_api_df(ss, &sc, p, true) : NULL;
    pthread_mutex_unlock(&ss->mu);
    sp_api_set_batch_scope(ss, &sc);
    spate_err rc = df ? ad->fb(df, batch_id, ad->fb_ud) : SPATE_ERR_STATE;
    sp_api_set_batch_scope(ss, NULL);
    pthread_mutex_lock(&ss->mu);
    sp_api_scope_end(&sc);
    pthread_mutex_unlock(&ss->mu);
    sp_catalog_table_unref(t);
    sp_memory_stream_free(m);
    return rc;
}

static bool fe_open(int64_t partition, int64_t epoch, void *ud)
{
    adapter *ad = ud;
    return ad->fe.open ? ad->fe.open(partition, epoch, ad->fe.ud) : true;
}

static void fe_process(const sp_colbatch *b, int64_t row, void *ud)
{
    adapter *ad = ud;
    if (!ad->fe.process) return;
    spate_row r = sp_api_row(b, row, ad->ss->s->tz);
    ad->fe.process(&r, ad->fe.ud);
}

static void fe_close(const char *err, void *ud)
{
    adapter *ad = ud;
    if (ad->fe.close) ad->fe.close(err, ad->fe.ud);
}

/* ---- start ---- */

/* The sink's definition: a callback's, or the format's with the options. */
static sp_sink_def *sink_def(spate_stream_writer *w, spate_arena *a, char *why, size_t n)
{
    if (!w->fb && !w->has_fe)
        return sp_sink_resolve(w->format ? w->format : "console", w->keys, w->vals, w->nopts, why,
                               n);
    adapter *ad = spate_arena_alloc(a, sizeof *ad);
    *ad = (adapter){w->df->ss, w->fb, w->fb_ud, w->fe};
    if (w->fb) return sp_sink_def_foreach_batch(fb_call, ad);
    sp_foreach_writer fw = {fe_open, fe_process, fe_close, ad};
    return sp_sink_def_foreach(&fw);
}

/* Records a started query with the session (freed by sp_session_free). */
static void add_started(sp_session *s, sp_query *q, spate_arena *a, sp_source_def **src, int nsrc,
                        sp_sink_def *sink)
{
    pthread_mutex_lock(&s->mu);
    if (s->nq == s->capq) {
        s->capq = s->capq ? 2 * s->capq : 4;
        s->queries = realloc(s->queries, sizeof *s->queries * (size_t)s->capq);
        if (!s->queries) abort();
    }
    s->queries[s->nq++] =
        (sp_started_query){.q = q, .arena = a, .sources = src, .nsources = nsrc, .sink = sink};
    pthread_mutex_unlock(&s->mu);
}

static void register_memory_table(sp_session *s, sp_query *q, const char *name)
{
    sp_memory_table *mt = sp_memory_sink_table(sp_query_sink(q));
    if (!mt || !name) return;
    sp_catalog_table t = {
        .kind = SP_TABLE_MEMORY, .name = name, .schema = sp_memory_table_schema(mt), .memory = mt};
    sp_catalog_put(s->catalog, &t, true);
}

/* Starts the query or returns NULL with why (caller holds ss->mu). */
static sp_query *start(spate_stream_writer *w, spate_arena *a, char *why, size_t n)
{
    sp_session *s = w->df->ss->s;
    sp_physical ph;
    int nl;
    sp_query_spec spec = {.plan = w->df->plan,
                          .name = w->name,
                          .checkpoint = w->checkpoint,
                          .conf = s->conf,
                          .clock = s->clock,
                          .pool = s->pool,
                          .tz = s->tz,
                          .console = s->out,
                          .listeners = sp_session_query_listeners(s, &nl)};
    spec.nlisteners = nl; /* sp_api_dispatch and the web UI's */
    if (w->mode) sp_output_mode_parse(w->mode, &spec.mode);
    /* Spark's checks of the operators first, then what this engine runs. */
    if (!sp_check_streaming_plan(w->df->plan, spec.mode, why, n) ||
        !sp_physical_plan(&ph, w->df->plan, a, why, n))
        return NULL;
    if (!sp_trigger_parse(w->trigger, &spec.trigger, why, n)) return NULL;
    if (w->late) sp_physical_read_all_agg_input(&ph, a); /* late rows are written whole */
    sp_sink_def *sink = sink_def(w, a, why, n);
    sp_source_def **src = sink ? sp_session_source_defs(s, &ph, why, n) : NULL;
    spec.sink = sink;
    spec.sources = (const sp_source_def *const *)src;
    spec.nsources = ph.ninputs;
    bool late_ok = !src || !w->late || (spec.late_sink = sp_session_late_sink(s, w->late, why, n));
    sp_query *q = src && late_ok ? sp_query_start(&spec, why, n) : NULL;
    if (!q) {
        sp_sink_def_free(sink);
        sp_session_source_defs_free(src, ph.ninputs);
        return NULL;
    }
    add_started(s, q, a, src, ph.ninputs, sink);
    register_memory_table(s, q, w->name);
    return q;
}

spate_query *spate_stream_writer_start(spate_stream_writer *w)
{
    if (!w) return NULL;
    spate_session *ss = w->df->ss;
    pthread_mutex_lock(&ss->mu);
    spate_arena *a = spate_arena_new();
    char why[2048] = "";
    sp_query *q = start(w, a, why, sizeof why);
    spate_query *out = q ? sp_api_wrap_query(ss, q) : NULL;
    pthread_mutex_unlock(&ss->mu);
    if (!q) {
        spate_arena_destroy(a);
        sp_api_errorf(ss, "%s", why);
    }
    return out;
}
