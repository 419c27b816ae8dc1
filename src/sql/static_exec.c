/* static_exec.c - a non-streaming plan run once (static_exec.h). */
#include "sql/static_exec.h"

#include "base/clock.h"
#include "base/conf.h"
#include "base/fsutil.h"
#include "sql/catalog.h"
#include "sql/static_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- input: a memory table's rows, or a source read from its start ---- */

typedef struct table_input {
    sp_colbatch **batches; /* memory table snapshot */
    size_t n;
    sp_source_def *def;
    sp_source *source;
    void **parts;
} table_input;

static spate_err read_memory(void *ud, int part, spate_arena *a, sp_source_emit_fn emit,
                             void *emit_ud, sp_source_counters *c, char *err, size_t n)
{
    (void)part, (void)a, (void)c, (void)err, (void)n;
    table_input *ti = ud;
    for (size_t i = 0; i < ti->n; i++)
        if (!emit(ti->batches[i], emit_ud)) break;
    return SPATE_OK;
}

static spate_err read_source(void *ud, int part, spate_arena *a, sp_source_emit_fn emit,
                             void *emit_ud, sp_source_counters *c, char *err, size_t n)
{
    table_input *ti = ud;
    return ti->source->ops->read(ti->source, ti->parts[part], a, emit, emit_ud, c, err, n);
}

static int64_t system_now(void *ud)
{
    (void)ud;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Opens the scan's table as a source and plans all of it into in. */
static spate_err open_source(const sp_catalog_table *t, const bool *required,
                             const spate_conf *conf, const sp_tz *tz, char *tmpdir, table_input *ti,
                             sp_batch_input *in, spate_arena *a, char *err, size_t n)
{
    sp_source_def *def = (t->kind == SP_TABLE_MEMORY)
                             ? sp_memory_stream_def(t->memory)
                             : sp_source_resolve(t->format, t->schema_given ? t->schema : NULL,
                                                 t->keys, t->vals, t->nopts, conf, err, n);
    if (!def) return SPATE_ERR_INVALID_ARG;
    ti->def = def;
    sp_source_env env = {.checkpoint_dir = tmpdir,
                         .tz = tz,
                         .ansi = sp_conf_bool(conf, "spate.sql.ansi.enabled"),
                         .conf = conf,
                         .now_ms = system_now,
                         .temporary = true,
                         .batch = true};
    if (t->kind != SP_TABLE_MEMORY) def->required = required;
    ti->source = sp_source_open(def, &env, err, n);
    if (!ti->source) return SPATE_ERR_INVALID_ARG;
    /* A static read takes everything there is, whatever the per-trigger
     * limits (maxFilesPerTrigger): ask for the latest offset until it stops
     * moving. */
    if (ti->source->ops->prepare_available_now) ti->source->ops->prepare_available_now(ti->source);
    char *latest = NULL, *next = NULL;
    spate_err e = SPATE_OK;
    for (;;) {
        e = ti->source->ops->latest(ti->source, latest, &next, err, n);
        if (e != SPATE_OK || !next || (latest && !strcmp(next, latest))) break;
        free(latest);
        latest = next;
        next = NULL;
    }
    free(next);
    in->nparts = 0;
    if (e == SPATE_OK && latest)
        e = ti->source->ops->plan(ti->source, NULL, latest, a, &ti->parts, &in->nparts, err, n);
    free(latest);
    in->read = read_source;
    return e;
}

/* ---- state: fresh stores ---- */

typedef struct fresh_stores {
    sp_state_store **s;
} fresh_stores;

static spate_err fresh_begin(void *ud, int part, sp_state_store **store, char *err, size_t n)
{
    (void)err, (void)n;
    *store = ((fresh_stores *)ud)->s[part];
    return SPATE_OK;
}

static spate_err fresh_end(void *ud, int part, bool ok, char *err, size_t n)
{
    (void)ud, (void)part, (void)ok, (void)err, (void)n;
    return SPATE_OK;
}

static spate_err run_physical(const sp_physical *ph, sp_batch_input *in, sp_pool *pool,
                              const spate_conf *conf, const sp_tz *tz, sp_batch_result *r)
{
    sp_join_table **joins = NULL;
    if (ph->njoins &&
        !(joins = sp_join_tables_build(ph, pool, conf, tz, r->error, sizeof r->error)))
        return SPATE_ERR_USER;
    int nstores = sp_pool_threads(pool);
    fresh_stores fs = {calloc((size_t)nstores, sizeof *fs.s)};
    if (!fs.s) abort();
    for (int i = 0; i < nstores; i++)
        fs.s[i] = sp_state_store_new(false);
    sp_batch_state st = {nstores, fresh_begin, fresh_end, &fs};
    sp_batch_env env = {.pool = pool,
                        .tz = tz,
                        .ansi = sp_conf_bool(conf, "spate.sql.ansi.enabled"),
                        .now_us = system_now(NULL) * 1000,
                        .mode = SP_OUTPUT_COMPLETE,
                        .global_row = true,
                        .state = &st,
                        .join_tables = joins};
    spate_err e = sp_batch_run(ph, in, &env, r);
    sp_join_tables_free(joins, ph->njoins);
    for (int i = 0; i < nstores; i++)
        sp_state_store_destroy(fs.s[i]);
    free(fs.s);
    return e;
}

/* Hands arena a to r, freed with it. */
static void keep_arena(sp_batch_result *r, spate_arena *a)
{
    spate_arena **v = realloc(r->arenas, sizeof *v * (size_t)(r->narenas + 1));
    if (!v) abort();
    v[r->narenas++] = a;
    r->arenas = v;
}

spate_err sp_static_run(const sp_plan *plan, sp_pool *pool, const spate_conf *conf, const sp_tz *tz,
                        sp_batch_result *r)
{
    memset(r, 0, sizeof *r);
    spate_arena *a = spate_arena_new();
    sp_physical ph;
    table_input ti = {0};
    sp_batch_input in = {1, read_memory, &ti, NULL, NULL};
    char tmpdir[] = "/tmp/spate-static-XXXXXX";
    bool made_tmp = false;
    spate_err e = SPATE_OK;
    if (!sp_physical_plan(&ph, plan, a, r->error, sizeof r->error)) e = SPATE_ERR_INVALID_ARG;
    bool computed = e == SPATE_OK && ph.scan->kind != SP_PLAN_SCAN;
    const sp_catalog_table *t = e == SPATE_OK && !computed ? ph.scan->table : NULL;
    sp_static_input si = {0};
    if (computed) {
        e = sp_static_input_compute(ph.scan, pool, conf, tz, &si, r->error, sizeof r->error);
        ti.batches = si.batches;
        ti.n = si.n;
    } else if (t && t->kind == SP_TABLE_MEMORY && !t->memory_is_stream) {
        ti.batches = sp_memory_table_snapshot(t->memory, a, &ti.n);
    } else if (t) {
        made_tmp = mkdtemp(tmpdir) != NULL;
        e = open_source(t, ph.scan_required, conf, tz, tmpdir, &ti, &in, a, r->error,
                        sizeof r->error);
    }
    if (e == SPATE_OK) e = run_physical(&ph, &in, pool, conf, tz, r);
    if (computed) sp_static_input_adopt(&si, r); /* the output may view it */
    sp_static_input_free(&si);
    if (ti.source) ti.source->ops->close(ti.source);
    sp_source_def_free(ti.def);
    if (made_tmp) sp_remove_tree(tmpdir);
    keep_arena(r, a); /* the output may view the input's columns */
    return e;
}
