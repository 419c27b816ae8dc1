/* session_watermark.c - a table's watermark clause in CREATE TABLE (Flink's
 * WATERMARK FOR col AS col [- INTERVAL ...], spate's WATERMARK col DELAY OF
 * INTERVAL ...): the column, resolved in the table's schema as a
 * TIMESTAMP, and the delay, kept with the table for every streaming scan
 * of it; and the sink of a query's late rows (lateRowsTable), a table of
 * the session. The caller's thread. */
#include "sql/analyze_window_int.h"
#include "sql/session_int.h"

#include "base/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Whether n is a reference to the column called name. */
static bool is_column(const sp_sql_node *n, const char *name)
{
    return n && n->kind == SQL_COLUMN && n->list.n == 1 &&
           strcasecmp(n->list.items[0]->str, name) == 0;
}

/* The delay node of w (NULL: none), or false when Flink's expression is
 * of another shape than `col` or `col - delay`. */
static bool delay_node(sp_analyzer *az, const sp_sql_node *w, const sp_sql_node **d,
                       sp_sql_error *e)
{
    const sp_sql_node *x = w->a;
    *d = w->b;
    if (!x || is_column(x, w->str)) return true;
    if (x->kind == SQL_BINARY && x->op == BIN_SUB && is_column(x->a, w->str)) {
        *d = x->b;
        return true;
    }
    sp_az_fail(az, e, x->off, "UNSUPPORTED_FEATURE", "message",
               sp_az_printf(az, "a watermark expression other than %s or %s - INTERVAL ...", w->str,
                            w->str),
               NULL);
    return false;
}

/* A node whose output is the schema's columns, to resolve names against. */
static sp_plan *schema_plan(spate_arena *a, const sp_sql_type *schema)
{
    sp_plan *p = sp_plan_new(a, SP_PLAN_VALUES);
    int n = schema ? schema->nfields : 0;
    p->nout = n;
    p->out = spate_arena_alloc(a, sizeof *p->out * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        p->out[i] = (sp_plan_attr){.name = schema->fields[i].name,
                                   .type = schema->fields[i].type,
                                   .nullable = schema->fields[i].nullable,
                                   .expr_id = i + 1};
    return p;
}

bool sp_session_table_watermark(sp_session *s, const sp_sql_node *w, const char *text,
                                const sp_sql_type *schema, sp_catalog_table *t, spate_arena *a,
                                char **err)
{
    sp_analyzer az = sp_session_analyzer(s, a, text);
    sp_sql_error e;
    sp_sql_error_init(&e);
    const sp_sql_node *d = NULL;
    int64_t ms = 0;
    const char *dtext = "0 seconds", *name = NULL;
    bool ok = delay_node(&az, w, &d, &e) && (!d || sp_az_delay_of_node(&az, d, &ms, &dtext, &e));
    sp_sql_expr *col = NULL;
    if (ok) {
        sp_sql_node *ref = sp_azw_column(&az, w->str, w);
        col = sp_analyze_expr(&az, schema_plan(a, schema), ref, &name, &e);
        ok = col != NULL;
    }
    if (ok && col->type->id != SP_SQL_TIMESTAMP) {
        sp_az_fail(&az, &e, w->off, "EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE", "eventName",
                   sp_az_sql_id(&az, (const char *[]){col->name}, 1), "eventType",
                   sp_az_type_sql(&az, col->type), NULL);
        ok = false;
    }
    if (!ok) {
        *err = sp_session_error(&e, text);
        return false;
    }
    t->wm_col = col->name;
    t->wm_delay_ms = ms;
    t->wm_delay_text = dtext;
    return true;
}

sp_sink_def *sp_session_late_sink(sp_session *s, const char *name, char *why, size_t n)
{
    sp_catalog_table *t = sp_catalog_get(s->catalog, name);
    sp_sink_def *d = NULL;
    if (!t || t->kind != SP_TABLE_DATASOURCE) {
        snprintf(why, n,
                 "lateRowsTable: [TABLE_OR_VIEW_NOT_FOUND] The table or view `%s` cannot be "
                 "found: it must be a table made with CREATE TABLE ... USING a sink format. "
                 "SQLSTATE: 42P01",
                 name);
    } else {
        const char **keys = calloc(t->nopts + 1, sizeof *keys);
        const char **vals = calloc(t->nopts + 1, sizeof *vals);
        size_t k = 0;
        for (size_t i = 0; keys && vals && i < t->nopts; i++)
            if (!sp_session_is_writer_option(t->keys[i]))
                keys[k] = t->keys[i], vals[k++] = t->vals[i];
        d = sp_sink_resolve(t->format, keys, vals, k, why, n);
        free(keys);
        free(vals);
    }
    if (t) sp_catalog_table_unref(t);
    return d;
}
