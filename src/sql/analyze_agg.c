/* analyze_agg.c - SELECT with GROUP BY or aggregates: groups by expression,
 * by position (spark.sql.groupByOrdinal) or by select-list alias
 * (groupByAliases); aggregate calls collected into one AGGREGATE node whose
 * output is the groups then the calls; the select list and HAVING rewritten
 * over that output (PROJECT(FILTER(AGGREGATE))); MISSING_AGGREGATION for a
 * column that is neither grouped nor aggregated. Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool sp_az_expr_equal(const sp_sql_expr *x, const sp_sql_expr *y)
{
    if (x->kind != y->kind || x->op != y->op || x->nchildren != y->nchildren ||
        !sp_sql_type_equal_ignore_nullable(x->type, y->type))
        return false;
    if (x->kind == SP_SQL_E_COLUMN && x->ordinal != y->ordinal) return false;
    if (x->kind == SP_SQL_E_LIKE && x->escape != y->escape) return false;
    if (x->kind == SP_SQL_E_LITERAL) {
        const sp_sql_lit *a = &x->lit, *b = &y->lit;
        if (a->is_null != b->is_null) return false;
        if (!a->is_null && (a->b != b->b || a->i != b->i || a->d != b->d ||
                            a->dec_lo != b->dec_lo || a->dec_hi != b->dec_hi || a->len != b->len ||
                            (a->len && memcmp(a->str, b->str, a->len) != 0)))
            return false;
    }
    for (int i = 0; i < x->nchildren; i++)
        if (!sp_az_expr_equal(x->children[i], y->children[i])) return false;
    return true;
}

/* The select item aliased name, or NULL. */
static const sp_sql_node *alias_item(sp_analyzer *az, const sp_sql_list *items, const char *name)
{
    for (uint32_t i = 0; items && i < items->n; i++) {
        const sp_sql_node *it = items->items[i];
        if (it->kind == SQL_ALIAS && sp_az_name_eq(az, it->str, name)) return it->a;
    }
    return NULL;
}

const sp_sql_node *sp_az_subst_aliases(sp_analyzer *az, const sp_plan *child,
                                       const sp_sql_list *items, const sp_sql_node *n)
{
    if (!n) return NULL;
    if (n->kind == SQL_COLUMN && n->list.n == 1) {
        bool amb;
        if (sp_az_find_column(az, child, &n->list, &amb) >= 0) return n;
        const sp_sql_node *it = alias_item(az, items, n->list.items[0]->str);
        return it ? it : n;
    }
    if (n->kind == SQL_SUBQUERY || n->kind == SQL_EXISTS || n->kind == SQL_IN_QUERY) return n;
    sp_sql_node *c = spate_arena_alloc(az->arena, sizeof *c);
    *c = *n;
    c->a = (sp_sql_node *)sp_az_subst_aliases(az, child, items, n->a);
    c->b = (sp_sql_node *)sp_az_subst_aliases(az, child, items, n->b);
    c->c = (sp_sql_node *)sp_az_subst_aliases(az, child, items, n->c);
    sp_sql_list *ls[] = {&c->list, &c->list2};
    for (int k = 0; k < 2; k++) {
        if (!ls[k]->n) continue;
        sp_sql_node **v = spate_arena_alloc(az->arena, sizeof *v * ls[k]->n);
        for (uint32_t i = 0; i < ls[k]->n; i++)
            v[i] = (sp_sql_node *)sp_az_subst_aliases(az, child, items, ls[k]->items[i]);
        ls[k]->items = v;
    }
    return c;
}

/* Spark's quoteIfNeeded: backquoted unless a plain identifier. */
static const char *quote_if_needed(sp_analyzer *az, const char *name)
{
    bool plain = (name[0] < '0' || name[0] > '9') && name[0];
    for (const char *p = name; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '_';
    return plain ? name : sp_az_printf(az, "`%s`", name);
}

/* One GROUP BY entry over child: a position, an alias, or an expression. */
static sp_sql_expr *group_expr(sp_analyzer *az, const sp_plan *child, const sp_sql_list *items,
                               const sp_sql_node *g, const char **name, sp_sql_error *err)
{
    if (g->kind == SQL_LIT_INT && items) {
        long idx = strtol(g->str, NULL, 10);
        if (idx < 1 || idx > (long)items->n)
            return sp_az_fail(az, err, g->off, "GROUP_BY_POS_OUT_OF_RANGE", "index", g->str, "size",
                              sp_az_printf(az, "%u", items->n), NULL);
        const sp_sql_node *it = items->items[idx - 1];
        const sp_sql_node *e = it->kind == SQL_ALIAS ? it->a : it;
        if (sp_az_has_agg(e)) /* aggExpr: the item's Alias.sql */
            return sp_az_fail(az, err, g->off, "GROUP_BY_POS_AGGREGATE", "index", g->str, "aggExpr",
                              sp_az_printf(az, "%s AS %s", sp_az_pretty(az, e),
                                           quote_if_needed(az, sp_az_item_name(az, it))),
                              NULL);
        g = e;
    } else {
        g = sp_az_subst_aliases(az, child, items, g);
    }
    if (sp_az_has_agg(g))
        return sp_az_fail(az, err, g->off, "GROUP_BY_AGGREGATE", "sqlExpr", sp_az_sql_expr(az, g),
                          NULL);
    sp_az_scope s = {.plan = child};
    *name = sp_az_pretty(az, g);
    sp_sql_expr *e = sp_az_expr(az, &s, g, err);
    if (e && e->type->id >= SP_SQL_ARRAY) /* the aggregation table keys atomic values */
        return sp_az_fail(az, err, g->off, "UNSUPPORTED_FEATURE", "message",
                          "Grouping by ARRAY, MAP or STRUCT values", NULL);
    return e;
}

/* The offset of the column called name in item (for MISSING_AGGREGATION). */
static uint32_t column_off(const sp_sql_node *n, const char *name, uint32_t dflt)
{
    if (!n) return dflt;
    if (n->kind == SQL_COLUMN && strcasecmp(n->list.items[n->list.n - 1]->str, name) == 0)
        return n->off;
    const sp_sql_node *kids[] = {n->a, n->b, n->c};
    for (int i = 0; i < 3; i++) {
        uint32_t o = column_off(kids[i], name, UINT32_MAX);
        if (o != UINT32_MAX) return o;
    }
    const sp_sql_list *ls[] = {&n->list, &n->list2};
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < ls[k]->n; i++) {
            uint32_t o = column_off(ls[k]->items[i], name, UINT32_MAX);
            if (o != UINT32_MAX) return o;
        }
    return dflt;
}

/* e (over the aggregate's input, aggregate calls as SP_AZ_AGG_REF) over
 * agg's output instead. */
static sp_sql_expr *rewrite(sp_analyzer *az, const sp_plan *agg, sp_sql_expr *e,
                            const sp_sql_node *item, sp_sql_error *err)
{
    if (e->kind == SP_SQL_E_COLUMN && SP_AZ_IS_AGG_REF(e->ordinal))
        return sp_az_column_ref(az, agg, agg->ngroups + SP_AZ_AGG_INDEX(e->ordinal));
    for (int j = 0; j < agg->ngroups; j++)
        if (sp_az_expr_equal(e, agg->groups[j])) return sp_az_column_ref(az, agg, j);
    if (e->kind == SP_SQL_E_COLUMN) {
        const char *q = sp_az_printf(az, "\"%s\"", e->name);
        return sp_az_fail(az, err, column_off(item, e->name, item->off), "MISSING_AGGREGATION",
                          "expression", q, "expressionAnyValue",
                          sp_az_printf(az, "\"any_value(%s)\"", e->name), NULL);
    }
    if (!e->nchildren) return e;
    sp_sql_expr *c = spate_arena_alloc(az->arena, sizeof *c);
    *c = *e;
    c->children = spate_arena_alloc(az->arena, sizeof *c->children * (size_t)e->nchildren);
    for (int i = 0; i < e->nchildren; i++)
        if (!(c->children[i] = rewrite(az, agg, e->children[i], item, err))) return NULL;
    return c;
}

/* The AGGREGATE node over child of groups and the collected calls. */
static sp_plan *make_aggregate(sp_analyzer *az, sp_plan *child, sp_sql_expr **groups,
                               const char **gnames, int ng, sp_az_aggs *aggs)
{
    sp_plan *p = sp_plan_new(az->arena, SP_PLAN_AGGREGATE);
    p->child = child;
    p->streaming = child->streaming;
    p->ngroups = ng;
    p->groups = groups;
    p->naggs = aggs->n;
    p->aggs = aggs->calls;
    p->nout = ng + aggs->n;
    p->out = spate_arena_alloc(az->arena, sizeof *p->out * (size_t)(p->nout ? p->nout : 1));
    for (int i = 0; i < ng; i++) {
        sp_sql_expr *g = groups[i];
        if (g->kind == SP_SQL_E_COLUMN) {
            p->out[i] = child->out[g->ordinal];
        } else {
            p->out[i] = (sp_plan_attr){.name = gnames[i],
                                       .type = g->type,
                                       .nullable = g->nullable,
                                       .expr_id = sp_az_id(az)};
        }
    }
    for (int i = 0; i < aggs->n; i++) {
        sp_agg_call *c = &aggs->calls[i];
        c->expr_id = sp_az_id(az);
        p->out[ng + i] = (sp_plan_attr){
            .name = c->name, .type = c->type, .nullable = c->nullable, .expr_id = c->expr_id};
    }
    return p;
}

typedef struct items_t {
    int n;
    sp_sql_expr **exprs;
    const char **names;
    const sp_sql_node **nodes;
} items_t;

/* The select list over child with aggregate calls collected ('*' expands
 * to child's columns, which must then be grouped). */
static bool collect_items(sp_analyzer *az, sp_plan *child, const sp_sql_list *items,
                          sp_az_aggs *aggs, items_t *out, sp_sql_error *err)
{
    int cap = 0;
    for (uint32_t i = 0; i < items->n; i++)
        cap += items->items[i]->kind == SQL_STAR ? child->nout : 1;
    out->exprs = spate_arena_alloc(az->arena, sizeof *out->exprs * (size_t)(cap + 1));
    out->names = spate_arena_alloc(az->arena, sizeof *out->names * (size_t)(cap + 1));
    out->nodes = spate_arena_alloc(az->arena, sizeof *out->nodes * (size_t)(cap + 1));
    out->n = 0;
    sp_az_scope s = {.plan = child, .aggs = aggs};
    for (uint32_t i = 0; i < items->n; i++) {
        const sp_sql_node *it = items->items[i];
        if (it->kind == SQL_STAR) {
            for (int c = 0; c < child->nout; c++) {
                out->exprs[out->n] = sp_az_column_ref(az, child, c);
                out->names[out->n] = child->out[c].name;
                out->nodes[out->n++] = it;
            }
            continue;
        }
        sp_sql_expr *e = sp_az_expr(az, &s, it, err);
        if (!e) return false;
        const char *name = it->kind == SQL_COLUMN ? e->name : sp_az_item_name(az, it);
        if (e->kind == SP_SQL_E_COLUMN && SP_AZ_IS_AGG_REF(e->ordinal)) {
            sp_agg_call *c = &aggs->calls[SP_AZ_AGG_INDEX(e->ordinal)];
            if (c->expr_id == -1) { /* the call takes its first item's name */
                c->name = name;
                c->expr_id = -2;
            }
        }
        out->exprs[out->n] = e;
        out->names[out->n] = name;
        out->nodes[out->n++] = it;
    }
    return true;
}

sp_plan *sp_analyze_aggregate(sp_analyzer *az, sp_plan *child, const sp_sql_list *groups,
                              const sp_sql_list *items, const sp_sql_node *having,
                              sp_sql_error *err)
{
    int ng = groups ? (int)groups->n : 0;
    sp_sql_expr **gx = spate_arena_alloc(az->arena, sizeof *gx * (size_t)(ng + 1));
    const char **gnames = spate_arena_alloc(az->arena, sizeof *gnames * (size_t)(ng + 1));
    for (int i = 0; i < ng; i++)
        if (!(gx[i] = group_expr(az, child, items, groups->items[i], &gnames[i], err))) return NULL;
    sp_az_aggs aggs = {0};
    items_t it;
    if (!collect_items(az, child, items, &aggs, &it, err)) return NULL;
    sp_sql_expr *h = NULL;
    const sp_sql_node *hn = NULL;
    if (having) {
        hn = sp_az_subst_aliases(az, child, items, having);
        sp_az_scope s = {.plan = child, .aggs = &aggs};
        if (!(h = sp_az_expr(az, &s, hn, err))) return NULL;
    }
    sp_plan *agg = make_aggregate(az, child, gx, gnames, ng, &aggs);
    for (int i = 0; i < it.n; i++)
        if (!(it.exprs[i] = rewrite(az, agg, it.exprs[i], it.nodes[i], err))) return NULL;
    sp_plan *top = agg;
    if (h) {
        if (!(h = rewrite(az, agg, h, hn, err))) return NULL;
        if (h->type->id != SP_SQL_BOOLEAN)
            return sp_az_fail(az, err, having->off, "DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN",
                              "sqlExpr", sp_az_sql_expr(az, having), "filter",
                              sp_az_sql_expr(az, having), "type", sp_az_type_sql(az, h->type),
                              NULL);
        top = sp_plan_new(az->arena, SP_PLAN_FILTER);
        top->child = agg;
        top->cond = h;
        top->nout = agg->nout;
        top->out = agg->out;
        top->streaming = agg->streaming;
    }
    return sp_az_make_project(az, top, it.exprs, it.names, it.n);
}
