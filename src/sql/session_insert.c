/* session_insert.c - INSERT INTO sink SELECT ...: a streaming query started
 * with the sink table's writer options, or a static query written once as
 * batch 0. Caller's thread. */
#include "sql/session_int.h"

#include "base/arena.h"
#include "sql/static_exec.h"
#include "sql/unsupported_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The sink table's options split: writer settings, the rest for the sink. */
typedef struct writer_opts {
    const char *mode, *trigger, *checkpoint, *name, *late;
    const char **keys, **vals;
    size_t n;
} writer_opts;

static void split_options(const sp_catalog_table *t, spate_arena *a, writer_opts *w)
{
    memset(w, 0, sizeof *w);
    w->keys = spate_arena_alloc(a, sizeof *w->keys * (t->nopts + 1));
    w->vals = spate_arena_alloc(a, sizeof *w->vals * (t->nopts + 1));
    for (size_t i = 0; i < t->nopts; i++) {
        const char *k = t->keys[i], *v = t->vals[i];
        if (!strcasecmp(k, "outputMode"))
            w->mode = v;
        else if (!strcasecmp(k, "trigger"))
            w->trigger = v;
        else if (!strcasecmp(k, "checkpointLocation"))
            w->checkpoint = v;
        else if (!strcasecmp(k, "queryName"))
            w->name = v;
        else if (!strcasecmp(k, "lateRowsTable"))
            w->late = v;
        else
            w->keys[w->n] = k, w->vals[w->n++] = v;
    }
}

static sp_started_query *add_query(sp_session *s)
{
    pthread_mutex_lock(&s->mu);
    if (s->nq == s->capq) {
        s->capq = s->capq ? 2 * s->capq : 4;
        s->queries = realloc(s->queries, sizeof *s->queries * (size_t)s->capq);
        if (!s->queries) abort();
    }
    sp_started_query *sq = &s->queries[s->nq];
    memset(sq, 0, sizeof *sq);
    pthread_mutex_unlock(&s->mu);
    return sq;
}

/* Registers a memory sink's table under the query's name. */
static void register_memory_table(sp_session *s, sp_query *q, const char *name)
{
    sp_memory_table *mt = sp_memory_sink_table(sp_query_sink(q));
    if (!mt || !name) return;
    sp_catalog_table t = {
        .kind = SP_TABLE_MEMORY, .name = name, .schema = sp_memory_table_schema(mt), .memory = mt};
    sp_catalog_put(s->catalog, &t, true);
}

static bool start_stream(sp_session *s, sp_plan *p, spate_arena *a, sp_sink_def *sink,
                         const writer_opts *w, const char *sink_name, char **err)
{
    sp_physical ph;
    char why[2048] = "";
    int spec_nl;
    sp_query_spec spec = {.plan = p,
                          .sink = sink,
                          .name = w->name ? w->name : NULL,
                          .checkpoint = w->checkpoint,
                          .conf = s->conf,
                          .clock = s->clock,
                          .pool = s->pool,
                          .tz = s->tz,
                          .console = s->out,
                          .listeners = sp_session_query_listeners(s, &spec_nl)};
    spec.nlisteners = spec_nl;
    if (!strcasecmp(sink->format, "memory") && !spec.name) spec.name = sink_name;
    /* The query outlives the statement's text and may outlive the table. */
    if (spec.name) spec.name = sp_arena_memdup(a, spec.name, strlen(spec.name) + 1);
    if (spec.checkpoint)
        spec.checkpoint = sp_arena_memdup(a, spec.checkpoint, strlen(spec.checkpoint) + 1);
    if ((w->mode && !sp_output_mode_parse(w->mode, &spec.mode)) ||
        !sp_trigger_parse(w->trigger, &spec.trigger, why, sizeof why)) {
        *err = w->mode && !sp_output_mode_parse(w->mode, &spec.mode)
                   ? sp_session_message("Unknown output mode %s. Accepted output modes are "
                                        "'append', 'complete', 'update'",
                                        w->mode)
                   : sp_session_message("%s", why);
        return false;
    }
    /* Spark's checks of the operators first, then what this engine runs. */
    if (!sp_check_streaming_plan(p, spec.mode, why, sizeof why) ||
        !sp_physical_plan(&ph, p, a, why, sizeof why)) {
        *err = sp_session_message("%s", why);
        return false;
    }
    if (w->late) sp_physical_read_all_agg_input(&ph, a); /* late rows are written whole */
    sp_source_def **src = sp_session_source_defs(s, &ph, why, sizeof why);
    if (!src) {
        *err = sp_session_message("%s", why);
        return false;
    }
    spec.sources = (const sp_source_def *const *)src;
    spec.nsources = ph.ninputs;
    if (w->late && !(spec.late_sink = sp_session_late_sink(s, w->late, why, sizeof why))) {
        *err = sp_session_message("%s", why);
        sp_session_source_defs_free(src, ph.ninputs);
        return false;
    }
    sp_started_query *sq = add_query(s);
    sq->q = sp_query_start(&spec, why, sizeof why);
    if (!sq->q) {
        *err = sp_session_message("%s", why);
        sp_session_source_defs_free(src, ph.ninputs);
        return false;
    }
    sq->arena = a;
    sq->plan = p;
    sq->sources = src;
    sq->nsources = ph.ninputs;
    sq->sink = sink;
    register_memory_table(s, sq->q, spec.name);
    pthread_mutex_lock(&s->mu);
    s->nq++;
    pthread_mutex_unlock(&s->mu);
    return true;
}

/* A static INSERT: the query once, its rows to the sink as batch 0. */
static bool write_static(sp_session *s, sp_plan *p, sp_sink_def *sink, char **err)
{
    sp_batch_result r;
    char why[2048] = "";
    bool ok = sp_static_run(p, s->pool, s->conf, s->tz, &r) == SPATE_OK;
    spate_arena *a = spate_arena_new();
    sp_sink_env env = {NULL, s->tz, s->out};
    sp_sink *k = ok ? sp_sink_open(sink, sp_plan_schema(a, p), &env, why, sizeof why) : NULL;
    if (!ok) snprintf(why, sizeof why, "%s", r.error);
    ok = ok && k &&
         k->ops->add_batch(k, 0, SP_OUTPUT_APPEND, (const sp_colbatch *const *)r.batches,
                           r.nbatches, why, sizeof why) == SPATE_OK;
    if (k) k->ops->close(k);
    if (!ok) *err = sp_session_message("%s", why);
    sp_batch_result_free(&r);
    spate_arena_destroy(a);
    sp_sink_def_free(sink);
    return ok;
}

bool sp_session_insert(sp_session *s, const sp_sql_node *st, const char *text, char **err)
{
    const char *name = st->list.items[st->list.n - 1]->str;
    sp_catalog_table *t = sp_catalog_get(s->catalog, name);
    if (!t || t->kind != SP_TABLE_DATASOURCE) {
        *err = sp_session_message("[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s` cannot be "
                                  "found. Verify the spelling and correctness of the schema and "
                                  "catalog. SQLSTATE: 42P01",
                                  name);
        if (t) sp_catalog_table_unref(t);
        return false;
    }
    spate_arena *a = spate_arena_new();
    writer_opts w;
    split_options(t, a, &w);
    char why[1024] = "";
    sp_sink_def *sink = sp_sink_resolve(t->format, w.keys, w.vals, w.n, why, sizeof why);
    sp_analyzer az = sp_session_analyzer(s, a, text);
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_plan *p = sink ? sp_analyze_query(&az, st->a, &e) : NULL;
    bool ok = false;
    if (!sink)
        *err = sp_session_message("%s", why);
    else if (!p)
        *err = sp_session_error(&e, text);
    else if (p->streaming)
        ok = start_stream(s, p, a, sink, &w, name, err);
    else
        ok = write_static(s, p, sink, err), sink = NULL;
    if (!ok || !p || !p->streaming) {
        if (p) sp_analyze_release(p); /* a started query keeps its plan */
        if (sink) sp_sink_def_free(sink);
        spate_arena_destroy(a);
    }
    sp_catalog_table_unref(t);
    return ok;
}
