/* analyze_sort.c - ORDER BY: keys by output name, expression or position
 * (spark.sql.orderByOrdinal), and, as Spark's ResolveMissingReferences,
 * keys naming columns the select list dropped: the PROJECT below gains
 * them, the SORT runs over it, and a PROJECT on top restores the select
 * list:
 *   Project [kind#1]
 *   +- Sort [price#2 ASC NULLS FIRST], true
 *      +- Project [kind#1, price#2]
 * Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include <stdlib.h>
#include <string.h>

static sp_sql_expr *position(sp_analyzer *az, sp_plan *p, const sp_sql_node *k, sp_sql_error *err)
{
    long idx = strtol(k->str, NULL, 10);
    if (idx < 1 || idx > p->nout)
        return sp_az_fail(az, err, k->off, "ORDER_BY_POS_OUT_OF_RANGE", "index", k->str, "size",
                          sp_az_printf(az, "%d", p->nout), NULL);
    return sp_az_column_ref(az, p, (int)idx - 1);
}

/* Marks in used[] the input columns e reads. */
static void mark(const sp_sql_expr *e, bool *used, int n)
{
    if (e->kind == SP_SQL_E_COLUMN && e->ordinal >= 0 && e->ordinal < n) used[e->ordinal] = true;
    for (int i = 0; i < e->nchildren; i++)
        mark(e->children[i], used, n);
}

/* e with its columns renumbered through map. */
static sp_sql_expr *remap(sp_analyzer *az, const sp_sql_expr *e, const int *map)
{
    sp_sql_expr *c = spate_arena_alloc(az->arena, sizeof *c);
    *c = *e;
    if (e->kind == SP_SQL_E_COLUMN) c->ordinal = map[e->ordinal];
    if (e->nchildren) {
        c->children = spate_arena_alloc(az->arena, sizeof *c->children * (size_t)e->nchildren);
        for (int i = 0; i < e->nchildren; i++)
            c->children[i] = remap(az, e->children[i], map);
    }
    return c;
}

/* PROJECT p widened with the columns of its child that keys[i] (over the
 * child where below[i]) read; *map gets the child-to-widened ordinals. */
static sp_plan *widen_project(sp_analyzer *az, sp_plan *p, sp_sql_expr **keys, const bool *below,
                              int n, int **map)
{
    const sp_plan *c = p->child;
    bool *used = spate_arena_alloc(az->arena, sizeof *used * (size_t)(c->nout + 1));
    memset(used, 0, sizeof *used * (size_t)(c->nout + 1));
    for (int i = 0; i < n; i++)
        if (below[i]) mark(keys[i], used, c->nout);
    *map = spate_arena_alloc(az->arena, sizeof **map * (size_t)(c->nout + 1));
    int total = p->nexprs;
    for (int j = 0; j < c->nout; j++)
        total += used[j];
    sp_plan *w = sp_plan_new(az->arena, SP_PLAN_PROJECT);
    w->child = p->child;
    w->streaming = p->streaming;
    w->nexprs = w->nout = total;
    w->exprs = spate_arena_alloc(az->arena, sizeof *w->exprs * (size_t)total);
    w->out = spate_arena_alloc(az->arena, sizeof *w->out * (size_t)total);
    memcpy(w->exprs, p->exprs, sizeof *w->exprs * (size_t)p->nexprs);
    memcpy(w->out, p->out, sizeof *w->out * (size_t)p->nout);
    int k = p->nexprs;
    for (int j = 0; j < c->nout; j++) {
        if (!used[j]) continue;
        (*map)[j] = k;
        w->exprs[k] = sp_az_column_ref(az, c, j);
        w->out[k++] = c->out[j];
    }
    return w;
}

static sp_plan *sort_node(sp_analyzer *az, sp_plan *p, const sp_sql_list *keys, sp_sql_expr **ex)
{
    sp_plan *s = sp_plan_new(az->arena, SP_PLAN_SORT);
    s->child = p;
    s->streaming = p->streaming;
    s->nout = p->nout;
    s->out = p->out;
    s->nsort = (int)keys->n;
    s->sort = spate_arena_alloc(az->arena, sizeof *s->sort * keys->n);
    for (uint32_t i = 0; i < keys->n; i++) {
        const sp_sql_node *k = keys->items[i];
        sp_plan_sort *o = &s->sort[i];
        o->expr = ex[i];
        o->descending = k->op == SORT_DESC;
        o->nulls_first = k->op2 == NULLS_DEFAULT ? !o->descending : k->op2 == NULLS_FIRST;
    }
    return s;
}

/* Key k over p, or (p a PROJECT) over p's child with *below set. */
static sp_sql_expr *key(sp_analyzer *az, sp_plan *p, const sp_sql_node *k, bool *below,
                        sp_sql_error *err)
{
    *below = false;
    if (k->kind == SQL_LIT_INT) return position(az, p, k, err);
    if (sp_az_has_agg(k)) { /* an aggregate the select list computes, by its name */
        const char *name = sp_az_pretty(az, k);
        for (int i = 0; i < p->nout; i++)
            if (sp_az_name_eq(az, p->out[i].name, name)) return sp_az_column_ref(az, p, i);
        return sp_az_fail(az, err, k->off, "INTERNAL_ERROR", "message",
                          "ORDER BY an aggregate the select list does not compute is not "
                          "supported yet",
                          NULL);
    }
    sp_az_scope s = {.plan = p};
    sp_sql_expr *e = sp_az_expr(az, &s, k, err);
    if (e || p->kind != SP_PLAN_PROJECT || !p->child ||
        strncmp(err->cond, "UNRESOLVED_COLUMN", 17) != 0)
        return e;
    sp_sql_error tmp;
    sp_sql_error_init(&tmp);
    sp_az_scope c = {.plan = p->child};
    e = sp_az_expr(az, &c, k, &tmp);
    sp_sql_error_clear(&tmp);
    if (e) {
        sp_sql_error_clear(err);
        *below = true;
    }
    return e;
}

sp_plan *sp_az_sort(sp_analyzer *az, sp_plan *p, const sp_sql_list *keys, sp_sql_error *err)
{
    int n = (int)keys->n;
    sp_sql_expr **ex = spate_arena_alloc(az->arena, sizeof *ex * (size_t)n);
    bool *below = spate_arena_alloc(az->arena, sizeof *below * (size_t)n);
    bool any = false;
    for (int i = 0; i < n; i++) {
        if (!(ex[i] = key(az, p, keys->items[i]->a, &below[i], err))) return NULL;
        any = any || below[i];
    }
    if (!any) return sort_node(az, p, keys, ex);
    int *map;
    sp_plan *w = widen_project(az, p, ex, below, n, &map);
    for (int i = 0; i < n; i++)
        if (below[i]) ex[i] = remap(az, ex[i], map);
    sp_plan *s = sort_node(az, w, keys, ex);
    sp_sql_expr **top = spate_arena_alloc(az->arena, sizeof *top * (size_t)p->nout);
    const char **nm = spate_arena_alloc(az->arena, sizeof *nm * (size_t)p->nout);
    for (int i = 0; i < p->nout; i++) {
        top[i] = sp_az_column_ref(az, s, i);
        nm[i] = p->out[i].name;
    }
    return sp_az_make_project(az, s, top, nm, p->nout);
}
