/* analyze_subquery.c - predicate subqueries in WHERE as Spark's
 * RewritePredicateSubquery writes them (analyzer_int.h): a top-level
 * conjunct
 *   x IN (SELECT y ...)      -> LEFT SEMI JOIN ON x = y
 *   x NOT IN (SELECT y ...)  -> LEFT ANTI JOIN ON x = y OR isnull(x = y)
 *                               (null-aware: a NULL on either side excludes
 *                               the row unless the subquery is empty)
 *   EXISTS (SELECT ...)      -> LEFT SEMI JOIN (no condition)
 *   NOT EXISTS (SELECT ...)  -> LEFT ANTI JOIN (no condition)
 * The subquery may not read the outer query's columns (correlation is not
 * supported yet: such a column is unresolved in the subquery). Threads:
 * the analyzer's. */
#include "sql/analyzer_int.h"

#include <string.h>

static bool is_not(const sp_sql_node *n) { return n->kind == SQL_UNARY && n->op == UN_NOT; }

/* Whether n is a predicate subquery this file rewrites. */
static bool predicate(const sp_sql_node *n)
{
    if (is_not(n)) n = n->a;
    return n->kind == SQL_IN_QUERY || n->kind == SQL_EXISTS;
}

/* x = y (with Spark's comparison casts) over the joined plan j, whose left
 * side is x's plan; NULL with err set. */
static sp_sql_expr *equals(sp_analyzer *az, const sp_sql_node *at, const sp_plan *j,
                           const sp_sql_node *xn, sp_sql_error *err)
{
    sp_az_scope s = {.plan = j->child};
    sp_sql_expr *x = sp_az_expr(az, &s, xn, err);
    if (!x) return NULL;
    sp_sql_expr *y = sp_az_column_ref(az, j, j->child->nout);
    const sp_sql_type *t = sp_sql_comparison_type(az->arena, x->type, y->type, az->ansi);
    if (!t)
        return sp_az_fail(az, err, at->off, "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES", "sqlExpr",
                          sp_az_sql_expr(az, at), "left", sp_az_type_sql(az, x->type), "right",
                          sp_az_type_sql(az, y->type), NULL);
    return sp_sql_expr_cmp(az->arena, SP_SQL_CMP_EQ, sp_az_cast(az, x, t), sp_az_cast(az, y, t));
}

/* The join for predicate n over *plan; false with err set. */
static bool rewrite(sp_analyzer *az, sp_plan **plan, const sp_sql_node *n, const sp_az_cte *ctes,
                    sp_sql_error *err)
{
    bool negated = is_not(n);
    if (negated) n = n->a;
    bool in = n->kind == SQL_IN_QUERY;
    if (in && (n->flags & SQL_F_NOT)) negated = !negated;
    sp_plan *sub = sp_az_query(az, in ? n->b : n->a, ctes, err);
    if (!sub) return false;
    if (in && sub->nout != 1) {
        sp_analyze_release(sub);
        sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.INVALID_IN_SUBQUERY_LENGTH", "sqlExpr",
                   sp_az_sql_expr(az, n), "leftLength", "1", "rightLength",
                   sp_az_printf(az, "%d", sub->nout), "leftColumns", sp_az_sql_expr(az, n->a),
                   "rightColumns", sp_az_printf(az, "%d columns", sub->nout), NULL);
        return false;
    }
    sp_plan *j = sp_az_make_join(az, *plan, sub, negated ? SP_JOIN_LEFT_ANTI : SP_JOIN_LEFT_SEMI);
    if (in) {
        sp_sql_expr *eq = equals(az, n, j, n->a, err);
        if (!eq) {
            sp_analyze_release(sub);
            return false;
        }
        j->cond =
            negated ? sp_sql_expr_or(az->arena, eq, sp_sql_expr_is_null(az->arena, eq, false)) : eq;
    }
    j->nout = (*plan)->nout;
    *plan = j;
    return true;
}

/* Appends c to the AND chain *rest. */
static void keep(sp_analyzer *az, const sp_sql_node **rest, const sp_sql_node *c)
{
    if (!*rest) {
        *rest = c;
        return;
    }
    sp_sql_node *and = sp_sql_node_new(az->arena, SQL_BINARY, (*rest)->off);
    and->op = BIN_AND;
    and->a = (sp_sql_node *)*rest;
    and->b = (sp_sql_node *)c;
    *rest = and;
}

static bool walk(sp_analyzer *az, sp_plan **plan, const sp_sql_node *c, const sp_az_cte *ctes,
                 const sp_sql_node **rest, sp_sql_error *err)
{
    if (c->kind == SQL_BINARY && c->op == BIN_AND)
        return walk(az, plan, c->a, ctes, rest, err) && walk(az, plan, c->b, ctes, rest, err);
    if (!predicate(c)) {
        keep(az, rest, c);
        return true;
    }
    return rewrite(az, plan, c, ctes, err);
}

const sp_sql_node *sp_az_predicate_subqueries(sp_analyzer *az, sp_plan **plan,
                                              const sp_sql_node *cond, const sp_az_cte *ctes,
                                              bool *failed, sp_sql_error *err)
{
    const sp_sql_node *rest = NULL;
    *failed = !walk(az, plan, cond, ctes, &rest, err);
    return *failed ? NULL : rest;
}
