/* session_stmt.c - one parsed statement of a session: CREATE TABLE, CREATE
 * VIEW, SELECT, SET, SHOW TABLES, DESCRIBE, EXPLAIN (INSERT is
 * session_insert.c). The session's lock is not held: statements run on the
 * caller's thread, one at a time. */
#include "sql/session_int.h"

#include "base/arena.h"
#include "sql/infer.h"
#include "sql/static_exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The last part of a multi-part name (db.t -> t). */
static const char *last_name(const sp_sql_list *l) { return l->items[l->n - 1]->str; }

static const sp_sql_type *coldefs_schema(spate_arena *a, const sp_sql_list *defs, char **err)
{
    if (!defs->n) return NULL;
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * defs->n);
    for (uint32_t i = 0; i < defs->n; i++) {
        const sp_sql_node *d = defs->items[i];
        sp_sql_type_error te;
        const sp_sql_type *t = sp_sql_type_parse(a, d->a->str, &te);
        if (!t) {
            char buf[512];
            sp_sql_type_error_format(&te, buf, sizeof buf);
            *err = sp_session_message("%s", buf);
            return NULL;
        }
        f[i] = (sp_sql_field){d->str, t, !(d->flags & SQL_F_NOT_NULL), NULL};
    }
    return sp_sql_struct(a, f, (int)defs->n);
}

/* An option's value as text: strings as they are, numbers as written,
 * TRUE / FALSE as "true" / "false". */
static const char *option_value(const sp_sql_node *v)
{
    if (!v) return "";
    if (v->kind == SQL_LIT_BOOL) return v->op ? "true" : "false";
    return v->str ? v->str : "";
}

/* Writer settings live among a sink table's options; a source never sees them. */
bool sp_session_is_writer_option(const char *k)
{
    return !strcasecmp(k, "outputMode") || !strcasecmp(k, "trigger") ||
           !strcasecmp(k, "checkpointLocation") || !strcasecmp(k, "queryName") ||
           !strcasecmp(k, "lateRowsTable");
}

/* CREATE TABLE t [(cols)] USING fmt [OPTIONS (...)]: checked as a source,
 * else as a sink; registered with the source's schema. */
static bool create_table(sp_session *s, const sp_sql_node *st, const char *text, char **err)
{
    spate_arena *a = spate_arena_new();
    const sp_sql_type *schema = coldefs_schema(a, &st->list2, err);
    bool ok = !*err;
    size_t n = st->list3.n, ns = 0;
    const char **keys = spate_arena_alloc(a, sizeof *keys * (n + 1));
    const char **vals = spate_arena_alloc(a, sizeof *vals * (n + 1));
    const char **skeys = spate_arena_alloc(a, sizeof *skeys * (n + 1));
    const char **svals = spate_arena_alloc(a, sizeof *svals * (n + 1));
    for (size_t i = 0; i < n; i++) {
        const sp_sql_node *o = st->list3.items[i];
        keys[i] = o->str;
        vals[i] = option_value(o->a);
        if (!sp_session_is_writer_option(keys[i])) skeys[ns] = keys[i], svals[ns++] = vals[i];
    }
    char why[1024] = "", why2[1024] = "";
    const char *fmt = st->str ? st->str : "";
    /* Spark infers a file table's schema when CREATE TABLE gives none; a
     * table that cannot be read that way (a sink's empty directory) stays
     * without one. */
    if (ok && !schema && (!strcasecmp(fmt, "csv") || !strcasecmp(fmt, "json")))
        schema = sp_sql_infer_schema(fmt, skeys, svals, (int)ns, s->tz, a, why, sizeof why);
    sp_source_def *src =
        ok ? sp_source_resolve(fmt, schema, skeys, svals, ns, s->conf, why, sizeof why) : NULL;
    sp_sink_def *snk =
        ok && !src ? sp_sink_resolve(fmt, skeys, svals, ns, why2, sizeof why2) : NULL;
    if (ok && !src && !snk) {
        *err = sp_session_message("%s", strstr(why, "DATA_SOURCE_NOT_FOUND") ? why2 : why);
        ok = false;
    }
    if (ok) {
        sp_catalog_table t = {.kind = SP_TABLE_DATASOURCE,
                              .name = last_name(&st->list),
                              .schema = src ? src->schema : schema,
                              .schema_given = schema != NULL,
                              .format = fmt,
                              .nopts = n,
                              .keys = keys,
                              .vals = vals};
        if (st->a && !sp_session_table_watermark(s, st->a, text, t.schema, &t, a, err))
            ok = false;
        else if (sp_catalog_put(s->catalog, &t, (st->flags & SQL_F_OR_REPLACE) != 0) != SPATE_OK &&
                 !(st->flags & SQL_F_IF_NOT_EXISTS)) {
            *err = sp_session_message("[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view "
                                      "`%s` because it already exists. SQLSTATE: 42P07",
                                      t.name);
            ok = false;
        }
    }
    sp_source_def_free(src);
    sp_sink_def_free(snk);
    spate_arena_destroy(a);
    return ok;
}

static bool create_view(sp_session *s, const sp_sql_node *st, const char *text, char **err)
{
    sp_analyzer az = sp_session_analyzer(s, s->arena, text);
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_plan *p = sp_analyze_query(&az, st->a, &e);
    if (!p) {
        *err = sp_session_error(&e, text);
        return false;
    }
    size_t len = st->a->end - st->a->off;
    char *body = spate_arena_alloc(s->arena, len + 1);
    memcpy(body, text + st->a->off, len);
    body[len] = '\0';
    sp_catalog_table t = {
        .kind = SP_TABLE_VIEW, .name = last_name(&st->list), .plan = p, .text = body};
    if (sp_catalog_put(s->catalog, &t, (st->flags & SQL_F_OR_REPLACE) != 0) == SPATE_OK) {
        sp_session_keep_view(s, p);
        return true;
    }
    sp_analyze_release(p);
    if (st->flags & SQL_F_IF_NOT_EXISTS) return true;
    *err = sp_session_message("[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `%s` "
                              "because it already exists. SQLSTATE: 42P07",
                              t.name);
    return false;
}

static bool select_stmt(sp_session *s, const sp_sql_node *st, const char *text, char **err)
{
    spate_arena *a = spate_arena_new();
    sp_analyzer az = sp_session_analyzer(s, a, text);
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_plan *p = sp_analyze_query(&az, st, &e);
    bool ok = p != NULL;
    if (!ok) *err = sp_session_error(&e, text);
    if (ok && p->streaming) {
        *err = sp_session_message("Queries with streaming sources must be executed with "
                                  "writeStream.start(), or INSERT INTO a sink table in SQL");
        ok = false;
    }
    if (ok) {
        sp_batch_result r;
        ok = sp_static_run(p, s->pool, s->conf, s->tz, &r) == SPATE_OK;
        if (ok)
            sp_session_print(s, (const sp_colbatch *const *)r.batches, r.nbatches);
        else
            *err = sp_session_message("%s", r.error);
        sp_batch_result_free(&r);
    }
    if (p) sp_analyze_release(p);
    spate_arena_destroy(a);
    return ok;
}

/* SET k = v (spark.* keys are spate.*), SET k, SET. */
static bool set_stmt(sp_session *s, const sp_sql_node *st, char **err)
{
    if (!st->str) {
        fprintf(s->out, "SET lists the options set: see docs/configuration.md for all of them\n");
        return true;
    }
    char key[512];
    snprintf(key, sizeof key, "%s%s", strncmp(st->str, "spark.", 6) ? "" : "spate.",
             strncmp(st->str, "spark.", 6) ? st->str : st->str + 6);
    if (!st->b) {
        const char *v = spate_conf_get(s->conf, key);
        fprintf(s->out, "%s\t%s\n", key, v ? v : "<undefined>");
        return true;
    }
    char why[512];
    /* The session zone takes effect at once, for the statements after. */
    const sp_tz *tz = NULL;
    if (!strcmp(key, "spate.sql.session.timeZone") &&
        !(tz = sp_tz_get(st->b->str, why, sizeof why))) {
        *err = sp_session_message("[INVALID_CONF_VALUE.TIME_ZONE] The value '%s' in the config "
                                  "\"%s\" is invalid. Cannot resolve the given timezone. "
                                  "SQLSTATE: 22022",
                                  st->b->str, key);
        return false;
    }
    if (spate_conf_set(s->conf, key, st->b->str, why, sizeof why) == SPATE_OK) {
        if (tz) s->tz = tz;
        fprintf(s->out, "%s\t%s\n", key, st->b->str);
        return true;
    }
    *err = sp_session_message("%s", why);
    return false;
}

static void show_tables(sp_session *s)
{
    size_t n = 0;
    char **names = sp_catalog_names(s->catalog, &n);
    fprintf(s->out, "namespace\ttableName\tisTemporary\n");
    for (size_t i = 0; i < n; i++) {
        sp_catalog_table *t = sp_catalog_get(s->catalog, names[i]);
        fprintf(s->out, "\t%s\t%s\n", names[i],
                t && t->kind != SP_TABLE_DATASOURCE ? "true" : "false");
        if (t) sp_catalog_table_unref(t);
        free(names[i]);
    }
    free(names);
}

static bool describe(sp_session *s, const sp_sql_node *st, char **err)
{
    const char *name = last_name(&st->list);
    sp_catalog_table *t = sp_catalog_get(s->catalog, name);
    if (!t) {
        *err = sp_session_message("[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s` cannot be "
                                  "found. Verify the spelling and correctness of the schema and "
                                  "catalog. SQLSTATE: 42P01",
                                  name);
        return false;
    }
    spate_arena *a = spate_arena_new();
    const sp_sql_type *schema = t->schema;
    if (t->kind == SP_TABLE_VIEW) schema = sp_plan_schema(a, t->plan);
    for (int i = 0; schema && i < schema->nfields; i++)
        fprintf(s->out, "%s\t%s\t%s\n", schema->fields[i].name,
                sp_sql_type_simple_string(a, schema->fields[i].type),
                schema->fields[i].comment ? schema->fields[i].comment : "NULL");
    spate_arena_destroy(a);
    sp_catalog_table_unref(t);
    return true;
}

static bool explain(sp_session *s, const sp_sql_node *st, const char *text, char **err)
{
    const sp_sql_node *q = st->a->kind == SQL_INSERT ? st->a->a : st->a;
    spate_arena *a = spate_arena_new();
    sp_analyzer az = sp_session_analyzer(s, a, text);
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_plan *p = sp_analyze_query(&az, q, &e);
    if (p) {
        fprintf(s->out, "== Analyzed Logical Plan ==\n%s\n", sp_plan_tree_string(a, p));
        sp_analyze_release(p);
    } else {
        *err = sp_session_error(&e, text);
    }
    spate_arena_destroy(a);
    return p != NULL;
}

bool sp_session_exec(sp_session *s, const sp_sql_node *st, const char *text, char **err)
{
    switch (st->kind) {
    case SQL_CREATE_TABLE:
        return create_table(s, st, text, err);
    case SQL_CREATE_VIEW:
        return create_view(s, st, text, err);
    case SQL_INSERT:
        return sp_session_insert(s, st, text, err);
    case SQL_QUERY:
    case SQL_SELECT:
    case SQL_SETOP:
        return select_stmt(s, st, text, err);
    case SQL_SET:
        return set_stmt(s, st, err);
    case SQL_SHOW_TABLES:
        show_tables(s);
        return true;
    case SQL_DESCRIBE:
        return describe(s, st, err);
    case SQL_EXPLAIN:
        return explain(s, st, text, err);
    default:
        *err = sp_session_message("[UNSUPPORTED_FEATURE] The feature is not supported: %s "
                                  "statements. SQLSTATE: 0A000",
                                  sp_sql_kind_name(st->kind));
        return false;
    }
}
