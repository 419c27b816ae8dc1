/* analyze_rel.c - relations: catalog tables (static or streaming scans),
 * views inlined, CTE references, subqueries with aliases (joins are
 * analyze_join.c's); and the building blocks analyzer.h exposes for the
 * DataFrame API (scan, project, filter, one expression). Threads: the analyzer's; the catalog locks
 * itself. */
#include "sql/analyzer_int.h"

#include "sql/analyze_nested_int.h"

#include <string.h>

sp_plan *sp_az_requalify(sp_analyzer *az, const sp_plan *p, const char *q)
{
    sp_plan *c = spate_arena_alloc(az->arena, sizeof *c);
    *c = *p;
    c->out = spate_arena_alloc(az->arena, sizeof *c->out * (size_t)(p->nout ? p->nout : 1));
    for (int i = 0; i < p->nout; i++) {
        c->out[i] = p->out[i];
        c->out[i].qualifier = q;
    }
    return c;
}

/* Takes one more reference on every table p scans. */
static void ref_tables(const sp_plan *p)
{
    if (!p) return;
    if (p->kind == SP_PLAN_SCAN && p->table) sp_catalog_table_ref((sp_catalog_table *)p->table);
    ref_tables(p->child);
    ref_tables(p->right);
}

void sp_analyze_release(const sp_plan *p)
{
    if (!p) return;
    if (p->kind == SP_PLAN_SCAN && p->table) sp_catalog_table_unref((sp_catalog_table *)p->table);
    sp_analyze_release(p->child);
    sp_analyze_release(p->right);
}

static sp_plan *scan_view(sp_analyzer *az, const sp_catalog_table *t, bool streaming,
                          sp_sql_error *err)
{
    if (!t->plan || (streaming && !t->plan->streaming))
        return sp_az_fail(az, err, 0, "INTERNAL_ERROR", "message",
                          sp_az_printf(az, "the view %s does not read a stream", t->name), NULL);
    ref_tables(t->plan);
    return sp_az_requalify(az, t->plan, t->name);
}

sp_plan *sp_analyze_scan(sp_analyzer *az, const sp_catalog_table *t, bool streaming,
                         sp_sql_error *err)
{
    if (t->kind == SP_TABLE_VIEW) return scan_view(az, t, streaming, err);
    if (t->kind == SP_TABLE_MEMORY && streaming && !t->memory_is_stream)
        return sp_az_fail(az, err, 0, "INTERNAL_ERROR", "message",
                          sp_az_printf(az, "the table %s is not a stream", t->name), NULL);
    sp_plan *p = sp_plan_new(az->arena, SP_PLAN_SCAN);
    p->table = t;
    p->streaming = streaming;
    int n = t->schema ? t->schema->nfields : 0;
    p->nout = n;
    p->out = spate_arena_alloc(az->arena, sizeof *p->out * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        const sp_sql_field *f = &t->schema->fields[i];
        p->out[i] = (sp_plan_attr){.name = sp_az_strdup(az, f->name),
                                   .type = f->type,
                                   .nullable = f->nullable,
                                   .expr_id = sp_az_id(az),
                                   .qualifier = sp_az_strdup(az, t->name)};
    }
    sp_catalog_table_ref((sp_catalog_table *)t);
    return sp_az_table_watermark(az, p, t, err); /* checked by CREATE TABLE */
}

static sp_plan *table_ref(sp_analyzer *az, const sp_sql_node *r, const sp_az_cte *ctes,
                          sp_sql_error *err)
{
    const char *name = r->list.items[r->list.n - 1]->str;
    const char *q = r->str ? r->str : name;
    for (const sp_az_cte *c = ctes; c && r->list.n == 1; c = c->next)
        if (sp_az_name_eq(az, c->name, name)) {
            ref_tables(c->plan);
            return sp_az_requalify(az, c->plan, q);
        }
    sp_catalog_table *t = az->catalog ? sp_catalog_get(az->catalog, name) : NULL;
    if (!t) {
        const char **parts = spate_arena_alloc(az->arena, sizeof *parts * r->list.n);
        for (uint32_t i = 0; i < r->list.n; i++)
            parts[i] = r->list.items[i]->str;
        return sp_az_fail(az, err, r->off, "TABLE_OR_VIEW_NOT_FOUND", "relationName",
                          sp_az_sql_id(az, parts, (int)r->list.n), NULL);
    }
    sp_plan *p = sp_analyze_scan(az, t, (r->flags & SQL_F_STREAM) != 0, err);
    sp_catalog_table_unref(t); /* the scan holds its own */
    if (!p) {
        err->offset = r->off;
        if (az->text) sp_sql_error_at(err, az->text, az->text_len, r->off);
        return NULL;
    }
    return sp_az_requalify(az, p, q);
}

/* Renames p's columns to names (a subquery's or CTE's column list). */
static sp_plan *rename_cols(sp_analyzer *az, sp_plan *p, const sp_sql_list *names,
                            const sp_sql_node *at, sp_sql_error *err)
{
    if (!names->n) return p;
    if ((int)names->n != p->nout)
        return sp_az_fail(az, err, at->off, "INTERNAL_ERROR", "message",
                          sp_az_printf(az, "%u column names for %d columns", names->n, p->nout),
                          NULL);
    sp_sql_expr **ex = spate_arena_alloc(az->arena, sizeof *ex * names->n);
    const char **nm = spate_arena_alloc(az->arena, sizeof *nm * names->n);
    for (int i = 0; i < p->nout; i++) {
        ex[i] = sp_az_column_ref(az, p, i);
        nm[i] = names->items[i]->str;
    }
    return sp_az_make_project(az, p, ex, nm, p->nout);
}

sp_plan *sp_az_relation(sp_analyzer *az, const sp_sql_node *r, const sp_az_cte *ctes,
                        sp_sql_error *err)
{
    switch (r->kind) {
    case SQL_TABLE_REF:
        return table_ref(az, r, ctes, err);
    case SQL_SUBQUERY_REL: {
        sp_plan *q = sp_az_query(az, r->a, ctes, err), *p;
        if (!q) return NULL;
        if (!(p = rename_cols(az, q, &r->list, r, err))) {
            sp_analyze_release(q);
            return NULL;
        }
        return r->str ? sp_az_requalify(az, p, r->str) : p;
    }
    case SQL_JOIN:
        return sp_az_join(az, r, ctes, err);
    case SQL_TVF: {
        const sp_sql_node *w = sp_az_window_tvf(az, r, err);
        if (w) return sp_az_relation(az, w, ctes, err);
        if (err->cond[0]) return NULL;
        return sp_az_fail(az, err, r->off, "INTERNAL_ERROR", "message",
                          "table-valued functions other than TUMBLE and HOP are not supported yet",
                          NULL);
    }
    case SQL_VALUES: {
        sp_plan *v = sp_az_values(az, r, err), *p;
        if (!v || !(p = rename_cols(az, v, &r->list, r, err))) return NULL;
        return r->str ? sp_az_requalify(az, p, r->str) : p;
    }
    default:
        return sp_az_fail(az, err, r->off, "INTERNAL_ERROR", "message",
                          sp_az_printf(az, "%s is not supported yet", sp_sql_kind_name(r->kind)),
                          NULL);
    }
}

sp_plan *sp_az_make_project(sp_analyzer *az, sp_plan *child, sp_sql_expr **exprs,
                            const char **names, int n)
{
    sp_plan *p = sp_plan_new(az->arena, SP_PLAN_PROJECT);
    p->child = child;
    p->streaming = child->streaming;
    p->nexprs = p->nout = n;
    p->exprs = exprs;
    p->out = spate_arena_alloc(az->arena, sizeof *p->out * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        sp_sql_expr *e = exprs[i];
        if (e->kind == SP_SQL_E_COLUMN && e->ordinal >= 0 && e->ordinal < child->nout &&
            strcmp(child->out[e->ordinal].name, names[i]) == 0) {
            p->out[i] = child->out[e->ordinal];
            continue;
        }
        p->out[i] = (sp_plan_attr){
            .name = names[i], .type = e->type, .nullable = e->nullable, .expr_id = sp_az_id(az)};
        sp_az_event_time_of(child, e, &p->out[i]); /* an alias keeps the mark, as in Spark */
    }
    return p;
}

/* Whether star (qualifier parts) selects column c of p. */
static bool star_takes(sp_analyzer *az, const sp_sql_node *star, const sp_plan_attr *c)
{
    if (sp_az_is_scalar_attr(c)) return false;
    if (!star->list.n) return true;
    const char *q = star->list.items[star->list.n - 1]->str;
    return c->qualifier && sp_az_name_eq(az, c->qualifier, q);
}

sp_plan *sp_analyze_project(sp_analyzer *az, sp_plan *child, const sp_sql_list *items,
                            sp_sql_error *err)
{
    for (uint32_t i = 0; i < items->n; i++)
        if (sp_az_has_agg(items->items[i]))
            return sp_analyze_aggregate(az, child, NULL, items, NULL, err);
    int cap = 3, gen_item = -1, star_cols = child->nout; /* explode: up to 3 columns */
    if (!(child = sp_az_generate(az, child, items, &gen_item, err))) return NULL;
    for (uint32_t i = 0; i < items->n; i++)
        cap += items->items[i]->kind == SQL_STAR ? child->nout : 1;
    sp_sql_expr **ex = spate_arena_alloc(az->arena, sizeof *ex * (size_t)(cap + 1));
    const char **nm = spate_arena_alloc(az->arena, sizeof *nm * (size_t)(cap + 1));
    int n = 0;
    sp_az_scope s = {.plan = child};
    for (uint32_t i = 0; i < items->n; i++) {
        const sp_sql_node *it = items->items[i];
        if ((int)i == gen_item) { /* the generated columns */
            for (int c = star_cols; c < child->nout; c++)
                ex[n] = sp_az_column_ref(az, child, c), nm[n++] = child->out[c].name;
            continue;
        }
        if (it->kind != SQL_STAR) {
            if (!(ex[n] = sp_az_expr(az, &s, it, err))) return NULL;
            /* a column keeps its own name's spelling, as Spark's attribute */
            nm[n] = it->kind == SQL_COLUMN ? ex[n]->name : sp_az_item_name(az, it);
            n++;
            continue;
        }
        int before = n;
        for (int c = 0; c < star_cols; c++) {
            if (!star_takes(az, it, &child->out[c])) continue;
            ex[n] = sp_az_column_ref(az, child, c);
            nm[n++] = child->out[c].name;
        }
        if (n == before && it->list.n) { /* s.*: the fields of struct column s */
            if (!sp_az_struct_star(az, &s, it, &ex, &nm, &n, &cap, err)) return NULL;
            continue;
        }
    }
    return sp_az_make_project(az, child, ex, nm, n);
}

sp_plan *sp_analyze_filter(sp_analyzer *az, sp_plan *child, const sp_sql_node *cond,
                           sp_sql_error *err)
{
    if (sp_az_has_agg(cond))
        return sp_az_fail(az, err, cond->off, "INVALID_WHERE_CONDITION", "condition",
                          sp_az_sql_expr(az, cond), "expressionList",
                          sp_az_pretty(az, sp_az_find_agg(cond)), NULL);
    sp_az_scope s = {.plan = child};
    sp_sql_expr *c = sp_az_expr(az, &s, cond, err);
    if (!c) return NULL;
    if (c->type->id == SP_SQL_NULL) c = sp_az_cast(az, c, sp_sql_prim(SP_SQL_BOOLEAN));
    if (c->type->id != SP_SQL_BOOLEAN)
        return sp_az_fail(az, err, cond->off, "DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN", "sqlExpr",
                          sp_az_sql_expr(az, cond), "filter", sp_az_sql_expr(az, cond), "type",
                          sp_az_type_sql(az, c->type), NULL);
    sp_plan *p = sp_plan_new(az->arena, SP_PLAN_FILTER);
    p->child = child;
    p->cond = c;
    p->nout = child->nout;
    p->out = child->out;
    p->streaming = child->streaming;
    return p;
}

sp_sql_expr *sp_analyze_expr(sp_analyzer *az, const sp_plan *child, const sp_sql_node *e,
                             const char **name, sp_sql_error *err)
{
    sp_az_scope s = {.plan = child};
    sp_sql_expr *x = sp_az_expr(az, &s, e, err);
    if (x && name) *name = e->kind == SQL_COLUMN ? x->name : sp_az_item_name(az, e);
    return x;
}
