/* analyze_scalar.c - scalar subqueries, as Spark's RewriteCorrelatedScalar
 * Subquery writes an uncorrelated one: `(SELECT max(x) FROM t)` in a
 * SELECT's items or WHERE becomes a column of a left outer join, without
 * condition, of the SELECT's input with the subquery (NULL when it has no
 * row; more than one row fails the query). The column's name cannot be
 * written and `*` skips it. Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include <string.h>

/* The qualifier that marks a scalar subquery's column. */
static const char scalar_qualifier[] = "__spate_scalar_subquery";

struct sp_az_scalar {
    const sp_sql_node *node;
    int ordinal; /* in the joined input */
    struct sp_az_scalar *next;
};

bool sp_az_is_scalar_attr(const sp_plan_attr *a) { return a->qualifier == scalar_qualifier; }

/* Joins subquery n to *from. */
static bool join_one(sp_analyzer *az, sp_plan **from, const sp_sql_node *n, const sp_az_cte *ctes,
                     sp_sql_error *err)
{
    sp_plan *sub = sp_az_query(az, n->a, ctes, err);
    if (!sub) return false;
    if (sub->nout != 1) {
        sp_analyze_release(sub);
        sp_az_fail(az, err, n->off,
                   "INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
                   "number", sp_az_printf(az, "%d", sub->nout), NULL);
        return false;
    }
    sp_plan *j = sp_az_make_join(az, *from, sub, SP_JOIN_LEFT_OUTER);
    j->single_row = true;
    sp_plan_attr *col = &j->out[j->nout - 1];
    col->name = sp_az_printf(az, "scalarsubquery()#%lld", (long long)col->expr_id);
    col->qualifier = scalar_qualifier;
    struct sp_az_scalar *e = spate_arena_alloc(az->arena, sizeof *e);
    *e = (struct sp_az_scalar){n, j->nout - 1, az->scalars};
    az->scalars = e;
    *from = j;
    return true;
}

/* Joins the scalar subqueries under n (not inside other subqueries). */
static bool walk(sp_analyzer *az, sp_plan **from, const sp_sql_node *n, const sp_az_cte *ctes,
                 sp_sql_error *err)
{
    if (!n) return true;
    if (n->kind == SQL_SUBQUERY) return join_one(az, from, n, ctes, err);
    if (n->kind == SQL_EXISTS || n->kind == SQL_IN_QUERY || n->kind == SQL_SELECT ||
        n->kind == SQL_QUERY || n->kind == SQL_SETOP)
        return n->kind != SQL_IN_QUERY || walk(az, from, n->a, ctes, err);
    if (!walk(az, from, n->a, ctes, err) || !walk(az, from, n->b, ctes, err) ||
        !walk(az, from, n->c, ctes, err))
        return false;
    const sp_sql_list *lists[] = {&n->list, &n->list2};
    for (int l = 0; l < 2; l++)
        for (uint32_t i = 0; i < lists[l]->n; i++)
            if (!walk(az, from, lists[l]->items[i], ctes, err)) return false;
    return true;
}

bool sp_az_join_scalars(sp_analyzer *az, sp_plan **from, const sp_sql_node *select,
                        const sp_az_cte *ctes, sp_sql_error *err)
{
    if (!walk(az, from, select->b, ctes, err)) return false;
    /* an aggregation's items read groups and aggregates, not the input:
     * its scalar subqueries are refused by sp_az_scalar_ref */
    bool agg = select->list2.n || select->c;
    for (uint32_t i = 0; !agg && i < select->list.n; i++)
        agg = sp_az_has_agg(select->list.items[i]);
    for (uint32_t i = 0; !agg && i < select->list.n; i++)
        if (!walk(az, from, select->list.items[i], ctes, err)) return false;
    return true;
}

sp_sql_expr *sp_az_scalar_ref(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                              sp_sql_error *err)
{
    for (const struct sp_az_scalar *e = az->scalars; e; e = e->next)
        if (e->node == n && e->ordinal < s->plan->nout &&
            sp_az_is_scalar_attr(&s->plan->out[e->ordinal]))
            return sp_az_column_ref(az, s->plan, e->ordinal);
    return sp_az_fail(az, err, n->off, "UNSUPPORTED_FEATURE", "message",
                      "a scalar subquery here (only in a SELECT's items and WHERE, outside "
                      "aggregates) in spate (yet)",
                      NULL);
}
