/* api_reader.c - readStream / read (DataStreamReader, DataFrameReader) and
 * memory streams (Spark's MemoryStream) of the public API. A load checks
 * format and options with the source (no I/O), registers a hidden catalog
 * table for the scan to reference, and drops its name at once (the plan
 * keeps the table alive). Any thread; plans under the session's API lock. */
#include "sql/api_int.h"

#include "base/arena.h"
#include "sql/infer.h"
#include "sql/scan_csv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static spate_stream_reader *reader(spate_session *ss, bool streaming)
{
    if (!ss) return NULL;
    pthread_mutex_lock(&ss->mu);
    spate_stream_reader *r = spate_arena_alloc(ss->root.arena, sizeof *r);
    memset(r, 0, sizeof *r);
    r->ss = ss;
    r->streaming = streaming;
    pthread_mutex_unlock(&ss->mu);
    return r;
}

spate_stream_reader *spate_session_read_stream(spate_session *ss) { return reader(ss, true); }
spate_stream_reader *spate_session_read(spate_session *ss) { return reader(ss, false); }

spate_err spate_stream_reader_format(spate_stream_reader *r, const char *format)
{
    if (!r || !format) return SPATE_ERR_INVALID_ARG;
    pthread_mutex_lock(&r->ss->mu);
    r->format = sp_api_strdup(&r->ss->root, format);
    pthread_mutex_unlock(&r->ss->mu);
    return SPATE_OK;
}

spate_err spate_stream_reader_option(spate_stream_reader *r, const char *key, const char *value)
{
    if (!r || !key || !value) return SPATE_ERR_INVALID_ARG;
    pthread_mutex_lock(&r->ss->mu);
    size_t i = 0; /* Spark's options are a case-insensitive map: a key set again is replaced */
    while (i < r->nopts && strcasecmp(r->keys[i], key))
        i++;
    spate_err e = SPATE_OK;
    if (i == SP_API_MAX_OPTS) {
        sp_api_errorf(r->ss, "too many options (at most %d)", SP_API_MAX_OPTS);
        e = SPATE_ERR_INVALID_ARG;
    } else {
        r->keys[i] = sp_api_strdup(&r->ss->root, key);
        r->vals[i] = sp_api_strdup(&r->ss->root, value);
        if (i == r->nopts) r->nopts++;
    }
    pthread_mutex_unlock(&r->ss->mu);
    return e;
}

/* A DDL schema in a, or NULL with the last error set. */
static const sp_sql_type *parse_schema(spate_session *ss, spate_arena *a, const char *ddl)
{
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_schema_parse(a, ddl, &te);
    if (!t) {
        char buf[1024];
        sp_sql_type_error_format(&te, buf, sizeof buf);
        sp_api_errorf(ss, "%s", buf);
    }
    return t;
}

spate_err spate_stream_reader_schema(spate_stream_reader *r, const char *ddl)
{
    if (!r || !ddl) return SPATE_ERR_INVALID_ARG;
    pthread_mutex_lock(&r->ss->mu);
    const sp_sql_type *t = parse_schema(r->ss, r->ss->root.arena, ddl);
    if (t) r->schema = t;
    pthread_mutex_unlock(&r->ss->mu);
    return t ? SPATE_OK : SPATE_ERR_PARSE;
}

/* Registers t under name (what explain shows: "MemoryStream",
 * "FileSource[/in]"), or a hidden one when a table has that name, and
 * returns it referenced, its name dropped at once. */
static sp_catalog_table *hidden_table(spate_session *ss, sp_catalog_table *t, const char *name)
{
    t->name = name;
    if (sp_catalog_put(ss->s->catalog, t, false) != SPATE_OK) {
        t->name = sp_api_hidden_name(ss, &ss->root);
        if (sp_catalog_put(ss->s->catalog, t, false) != SPATE_OK) return NULL;
    }
    sp_catalog_table *got = sp_catalog_get(ss->s->catalog, t->name);
    sp_catalog_drop(ss->s->catalog, t->name);
    return got;
}

/* A scan of t as a dataframe (caller holds the lock). */
static spate_dataframe *scan_df(spate_session *ss, const sp_catalog_table *t, bool streaming)
{
    sp_api_scope *sc = sp_api_home(ss);
    sp_analyzer az = sp_api_analyzer(ss, sc, NULL);
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_plan *p = sp_analyze_scan(&az, t, streaming, &e);
    if (!p) sp_api_error_take(ss, sp_session_error(&e, NULL));
    return p ? sp_api_df(ss, sc, p, true) : NULL;
}

/* Spark's name of a source in plans: FileSource[path] for files, else the
 * format. In the root scope's arena. */
static const char *source_name(spate_session *ss, const char *fmt, const spate_stream_reader *r)
{
    const char *path = NULL;
    for (size_t i = 0; i < r->nopts; i++)
        if (!strcasecmp(r->keys[i], "path")) path = r->vals[i];
    bool file = !strcasecmp(fmt, "csv") || !strcasecmp(fmt, "json") || !strcasecmp(fmt, "text");
    if (!file || !path) return fmt;
    char *n = spate_arena_alloc(ss->root.arena, strlen(path) + 13);
    sprintf(n, "FileSource[%s]", path);
    return n;
}

/* Whether a read of fmt without a schema infers one: a static read of csv
 * or json does, a stream only with spate.sql.streaming.schemaInference. */
static bool infers(spate_session *ss, const char *fmt, bool streaming)
{
    bool on = !streaming;
    if (streaming) spate_conf_get_bool(ss->s->conf, "spate.sql.streaming.schemaInference", &on);
    return on && (!strcasecmp(fmt, "csv") || !strcasecmp(fmt, "json"));
}

spate_dataframe *spate_stream_reader_load(spate_stream_reader *r, const char *path)
{
    if (!r) return NULL;
    spate_session *ss = r->ss;
    if (path) spate_stream_reader_option(r, "path", path);
    pthread_mutex_lock(&ss->mu);
    const char *fmt = r->format ? r->format : "parquet"; /* spark.sql.sources.default */
    char why[1024] = "";
    const sp_sql_type *schema = r->schema;
    if (!schema && infers(ss, fmt, r->streaming))
        schema =
            sp_sql_infer_schema(fmt, (const char *const *)r->keys, (const char *const *)r->vals,
                                (int)r->nopts, ss->s->tz, ss->root.arena, why, sizeof why);
    sp_source_def *d = why[0] ? NULL
                              : sp_source_resolve(fmt, schema, r->keys, r->vals, r->nopts,
                                                  ss->s->conf, why, sizeof why);
    spate_dataframe *df = NULL;
    if (!d) {
        sp_api_errorf(ss, "%s", why);
    } else {
        sp_catalog_table t = {.kind = SP_TABLE_DATASOURCE,
                              .schema = d->schema,
                              .schema_given = schema != NULL,
                              .format = fmt,
                              .nopts = r->nopts,
                              .keys = r->keys,
                              .vals = r->vals};
        sp_catalog_table *got = hidden_table(ss, &t, source_name(ss, fmt, r));
        df = got ? scan_df(ss, got, r->streaming) : NULL;
        sp_catalog_table_unref(got);
        sp_source_def_free(d);
    }
    pthread_mutex_unlock(&ss->mu);
    return df;
}

spate_dataframe *spate_stream_reader_table(spate_stream_reader *r, const char *name)
{
    if (!r || !name) return NULL;
    sp_catalog_table *t = sp_catalog_get(r->ss->s->catalog, name);
    if (!t) {
        sp_api_errorf(r->ss,
                      "[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s` cannot be found. Verify "
                      "the spelling and correctness of the schema and catalog. SQLSTATE: 42P01",
                      name);
        return NULL;
    }
    pthread_mutex_lock(&r->ss->mu);
    spate_dataframe *df = scan_df(r->ss, t, r->streaming);
    pthread_mutex_unlock(&r->ss->mu);
    sp_catalog_table_unref(t);
    return df;
}

/* ---- memory streams ---- */

spate_memory_stream *spate_memory_stream_new(spate_session *ss, const char *ddl)
{
    if (!ss || !ddl) return NULL;
    pthread_mutex_lock(&ss->mu);
    const sp_sql_type *t = parse_schema(ss, ss->root.arena, ddl);
    spate_memory_stream *m = NULL;
    if (t) {
        m = calloc(1, sizeof *m);
        if (!m) abort();
        m->ss = ss;
        m->schema = t;
        m->m = sp_memory_stream_new(t);
        sp_catalog_table tab = {
            .kind = SP_TABLE_MEMORY, .schema = t, .memory = m->m, .memory_is_stream = true};
        m->table = hidden_table(ss, &tab, "MemoryStream");
        if (ss->nstreams == ss->capstreams) {
            ss->capstreams = ss->capstreams ? 2 * ss->capstreams : 4;
            ss->streams = realloc(ss->streams, sizeof *ss->streams * (size_t)ss->capstreams);
            if (!ss->streams) abort();
        }
        ss->streams[ss->nstreams++] = m;
    }
    pthread_mutex_unlock(&ss->mu);
    return m;
}

/* Scans every line of csv into b; false with the message in why. */
static bool scan_lines(sp_sql_csv_scanner *sc, sp_colbatch *b, const char *csv, char *why, size_t n)
{
    int64_t line = 0;
    for (const char *p = csv; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        line++;
        char inner[512] = "";
        if (sp_sql_csv_scan_line(sc, b, p, len, inner, sizeof inner) < 0) {
            snprintf(why, n, "line %lld (\"%.*s\"): %s", (long long)line,
                     (int)(len > 80 ? 80 : len), p, inner);
            return false;
        }
        p = e ? e + 1 : p + len;
    }
    return true;
}

spate_err spate_memory_stream_add_csv(spate_memory_stream *m, const char *csv, int64_t *offset)
{
    if (!m || !csv) return SPATE_ERR_INVALID_ARG;
    sp_sql_csv_options o;
    sp_sql_csv_options_init(&o);
    const char *k[] = {"mode"}, *v[] = {"FAILFAST"};
    char why[1024] = "";
    sp_sql_csv_scanner *sc = sp_sql_csv_options_parse(&o, k, v, 1, why, sizeof why)
                                 ? sp_sql_csv_scanner_new(m->schema, &o, why, sizeof why)
                                 : NULL;
    if (!sc) {
        sp_api_errorf(m->ss, "%s", why);
        return SPATE_ERR_INVALID_ARG;
    }
    int64_t lines = 1;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = sp_sql_csv_batch_new(sc, a, lines);
    bool ok = scan_lines(sc, b, csv, why, sizeof why);
    int64_t off = ok ? sp_memory_stream_add(m->m, b) : -1;
    sp_sql_csv_scanner_free(sc);
    spate_arena_destroy(a);
    if (!ok) {
        sp_api_errorf(m->ss, "%s", why);
        return SPATE_ERR_PARSE;
    }
    if (offset) *offset = off;
    return SPATE_OK;
}

spate_dataframe *spate_memory_stream_to_df(spate_memory_stream *m)
{
    if (!m || !m->table) return NULL;
    pthread_mutex_lock(&m->ss->mu);
    spate_dataframe *df = scan_df(m->ss, m->table, true);
    pthread_mutex_unlock(&m->ss->mu);
    return df;
}
