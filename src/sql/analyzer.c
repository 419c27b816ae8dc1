/* analyzer.c - queries to plans (analyzer.h): WITH (CTEs inlined), SELECT
 * lowered to PROJECT / AGGREGATE over FILTER over the FROM relation,
 * DISTINCT and UNION (distinct) as an AGGREGATE over every column, UNION
 * ALL with its columns widened, ORDER BY (by expression, output name or
 * position), LIMIT. A plan that fails half-way gives back the table
 * references it took. Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include <stdlib.h>
#include <string.h>

/* One row of no columns: FROM-less SELECT (Spark's OneRowRelation). */
static sp_plan *one_row(sp_analyzer *az)
{
    sp_plan *p = sp_plan_new(az->arena, SP_PLAN_VALUES);
    p->nrows = 1;
    p->rows = spate_arena_alloc(az->arena, sizeof *p->rows);
    p->rows[0] = NULL;
    return p;
}

/* AGGREGATE grouping by every column of child and computing nothing. */
static sp_plan *distinct(sp_analyzer *az, sp_plan *child)
{
    sp_plan *p = sp_plan_new(az->arena, SP_PLAN_AGGREGATE);
    p->child = child;
    p->streaming = child->streaming;
    p->ngroups = p->nout = child->nout;
    p->groups = spate_arena_alloc(az->arena, sizeof *p->groups * (size_t)(p->nout + 1));
    for (int i = 0; i < child->nout; i++)
        p->groups[i] = sp_az_column_ref(az, child, i);
    p->out = child->out;
    return p;
}

static sp_plan *fail_release(sp_plan *p)
{
    sp_analyze_release(p);
    return NULL;
}

static sp_plan *select_body(sp_analyzer *az, const sp_sql_node *s, const sp_az_cte *ctes,
                            sp_sql_error *err)
{
    sp_plan *from = s->a ? sp_az_relation(az, s->a, ctes, err) : one_row(az), *p = from;
    if (!from) return NULL;
    if (!sp_az_join_scalars(az, &from, s, ctes, err)) return fail_release(from);
    bool failed = false;
    const sp_sql_node *where =
        s->b ? sp_az_predicate_subqueries(az, &from, s->b, ctes, &failed, err) : NULL;
    if (failed) return fail_release(from);
    p = from;
    if (where && !(p = sp_analyze_filter(az, p, where, err))) return fail_release(from);
    bool agg = s->list2.n || s->c;
    for (uint32_t i = 0; !agg && i < s->list.n; i++)
        agg = sp_az_has_agg(s->list.items[i]);
    p = agg ? sp_analyze_aggregate(az, p, &s->list2, &s->list, s->c, err)
            : sp_analyze_project(az, p, &s->list, err);
    if (!p) return fail_release(from);
    return (s->flags & SQL_F_DISTINCT) ? distinct(az, p) : p;
}

/* A SELECT, with its own scalar subqueries (a subquery's SELECT too). */
static sp_plan *select_(sp_analyzer *az, const sp_sql_node *s, const sp_az_cte *ctes,
                        sp_sql_error *err)
{
    struct sp_az_scalar *outer = az->scalars;
    az->scalars = NULL;
    sp_plan *p = select_body(az, s, ctes, err);
    az->scalars = outer;
    return p;
}

static const char *ordinal_word(sp_analyzer *az, int i)
{
    static const char *const w[] = {"first", "second", "third"};
    return i < 3 ? w[i] : sp_az_printf(az, "%dth", i + 1);
}

/* p with columns cast to types[i] where they differ (a PROJECT), or p. */
static sp_plan *widen(sp_analyzer *az, sp_plan *p, const sp_sql_type **types)
{
    bool need = false;
    for (int i = 0; i < p->nout; i++)
        need = need || !sp_sql_type_equal_ignore_nullable(p->out[i].type, types[i]);
    if (!need) return p;
    sp_sql_expr **ex = spate_arena_alloc(az->arena, sizeof *ex * (size_t)p->nout);
    const char **nm = spate_arena_alloc(az->arena, sizeof *nm * (size_t)p->nout);
    for (int i = 0; i < p->nout; i++) {
        ex[i] = sp_az_cast(az, sp_az_column_ref(az, p, i), types[i]);
        nm[i] = p->out[i].name;
    }
    return sp_az_make_project(az, p, ex, nm, p->nout);
}

static const char *setop_name(const sp_sql_node *n)
{
    return n->op == SETOP_UNION ? "UNION" : n->op == SETOP_INTERSECT ? "INTERSECT" : "EXCEPT";
}

/* The column types both sides of set operation n widen to; NULL with err. */
static const sp_sql_type **common_types(sp_analyzer *az, const sp_sql_node *n, const sp_plan *l,
                                        const sp_plan *r, sp_sql_error *err)
{
    const char *op = setop_name(n);
    if (l->nout != r->nout)
        return sp_az_fail(az, err, n->off, "NUM_COLUMNS_MISMATCH", "operator", op,
                          "firstNumColumns", sp_az_printf(az, "%d", l->nout), "invalidOrdinalNum",
                          "second", "invalidNumColumns", sp_az_printf(az, "%d", r->nout), NULL);
    const sp_sql_type **ts = spate_arena_alloc(az->arena, sizeof *ts * (size_t)(l->nout + 1));
    for (int i = 0; i < l->nout; i++) {
        ts[i] = sp_sql_wider_type(az->arena, l->out[i].type, r->out[i].type, az->ansi);
        if (!ts[i])
            return sp_az_fail(az, err, n->off, "INCOMPATIBLE_COLUMN_TYPE", "operator", op,
                              "columnOrdinalNumber", ordinal_word(az, i), "tableOrdinalNumber",
                              "second", "dataType1", sp_az_type_sql(az, r->out[i].type),
                              "dataType2", sp_az_type_sql(az, l->out[i].type), "hint", "", NULL);
    }
    return ts;
}

static sp_plan *union_(sp_analyzer *az, const sp_sql_node *n, sp_plan *l, sp_plan *r,
                       const sp_sql_type **ts)
{
    l = widen(az, l, ts);
    r = widen(az, r, ts);
    sp_plan *u = sp_plan_new(az->arena, SP_PLAN_UNION);
    u->child = l;
    u->right = r;
    u->streaming = l->streaming || r->streaming;
    u->nout = l->nout;
    u->out = spate_arena_alloc(az->arena, sizeof *u->out * (size_t)(u->nout + 1));
    for (int i = 0; i < u->nout; i++) {
        u->out[i] = l->out[i];
        u->out[i].nullable = l->out[i].nullable || r->out[i].nullable;
    }
    return (n->flags & SQL_F_ALL) ? u : distinct(az, u);
}

/* INTERSECT / EXCEPT (distinct), as Spark's ReplaceIntersectWithSemiJoin and
 * ReplaceExceptWithAntiJoin write them: the left's distinct rows with (or
 * without) a right row equal column by column, NULL equal to NULL. */
static sp_plan *semi_setop(sp_analyzer *az, const sp_sql_node *n, sp_plan *l, sp_plan *r,
                           const sp_sql_type **ts, sp_sql_error *err)
{
    if (n->flags & SQL_F_ALL)
        return sp_az_fail(az, err, n->off, "UNSUPPORTED_FEATURE", "message",
                          sp_az_printf(az, "%s ALL in spate (yet)", setop_name(n)), NULL);
    l = widen(az, l, ts);
    r = widen(az, r, ts);
    sp_plan *j =
        sp_az_make_join(az, l, r, n->op == SETOP_INTERSECT ? SP_JOIN_LEFT_SEMI : SP_JOIN_LEFT_ANTI);
    for (int i = 0; i < l->nout; i++) {
        sp_sql_expr *eq =
            sp_sql_expr_cmp(az->arena, SP_SQL_CMP_EQ_NULL_SAFE, sp_az_column_ref(az, j, i),
                            sp_az_column_ref(az, j, l->nout + i));
        j->cond = j->cond ? sp_sql_expr_and(az->arena, j->cond, eq) : eq;
    }
    j->nout = l->nout;
    return distinct(az, j);
}

static sp_plan *setop(sp_analyzer *az, const sp_sql_node *n, const sp_az_cte *ctes,
                      sp_sql_error *err)
{
    sp_plan *l = sp_az_query(az, n->a, ctes, err), *r, *u = NULL;
    if (!l) return NULL;
    if (!(r = sp_az_query(az, n->b, ctes, err))) return fail_release(l);
    const sp_sql_type **ts = common_types(az, n, l, r, err);
    if (ts) u = n->op == SETOP_UNION ? union_(az, n, l, r, ts) : semi_setop(az, n, l, r, ts, err);
    if (!u) {
        sp_analyze_release(r);
        return fail_release(l);
    }
    return u;
}

static sp_plan *limit(sp_analyzer *az, sp_plan *p, const sp_sql_node *n, sp_sql_error *err)
{
    if (n->kind != SQL_LIT_INT && n->kind != SQL_LIT_BIGINT)
        return sp_az_fail(az, err, n->off, "INTERNAL_ERROR", "message",
                          "LIMIT takes an integer literal", NULL);
    sp_plan *l = sp_plan_new(az->arena, SP_PLAN_LIMIT);
    l->child = p;
    l->streaming = p->streaming;
    l->nout = p->nout;
    l->out = p->out;
    l->limit = strtoll(n->str, NULL, 10);
    return l;
}

static void release_ctes(const sp_az_cte *c, const sp_az_cte *stop)
{
    for (; c && c != stop; c = c->next)
        sp_analyze_release(c->plan);
}

/* WITH ...: each CTE sees the ones before it. */
static const sp_az_cte *with(sp_analyzer *az, const sp_sql_node *q, const sp_az_cte *ctes,
                             sp_sql_error *err, bool *ok)
{
    const sp_az_cte *head = ctes;
    *ok = true;
    for (uint32_t i = 0; i < q->list.n; i++) {
        const sp_sql_node *c = q->list.items[i];
        sp_plan *p = sp_az_query(az, c->a, head, err);
        if (p && c->list.n) {
            sp_sql_expr **ex = spate_arena_alloc(az->arena, sizeof *ex * c->list.n);
            const char **nm = spate_arena_alloc(az->arena, sizeof *nm * c->list.n);
            if ((int)c->list.n != p->nout) {
                sp_analyze_release(p);
                p = sp_az_fail(az, err, c->off, "INTERNAL_ERROR", "message",
                               "the CTE's column names do not match its columns", NULL);
            } else {
                for (int k = 0; k < p->nout; k++) {
                    ex[k] = sp_az_column_ref(az, p, k);
                    nm[k] = c->list.items[k]->str;
                }
                p = sp_az_make_project(az, p, ex, nm, p->nout);
            }
        }
        if (!p) {
            release_ctes(head, ctes);
            *ok = false;
            return ctes;
        }
        sp_az_cte *e = spate_arena_alloc(az->arena, sizeof *e);
        *e = (sp_az_cte){.name = c->str, .plan = p, .next = head};
        head = e;
    }
    return head;
}

static sp_plan *query(sp_analyzer *az, const sp_sql_node *q, const sp_az_cte *outer,
                      sp_sql_error *err)
{
    bool ok;
    const sp_az_cte *ctes = with(az, q, outer, err, &ok);
    if (!ok) return NULL;
    sp_plan *body = sp_az_query(az, q->a, ctes, err), *p = body;
    if (p && q->list2.n && !(p = sp_az_sort(az, p, &q->list2, err))) sp_analyze_release(body);
    if (p && q->c) {
        sp_analyze_release(body);
        p = sp_az_fail(az, err, q->c->off, "INTERNAL_ERROR", "message",
                       "OFFSET is not supported yet", NULL);
    }
    if (p && q->b && !(p = limit(az, p, q->b, err))) sp_analyze_release(body);
    release_ctes(ctes, outer);
    return p;
}

sp_plan *sp_az_query(sp_analyzer *az, const sp_sql_node *q, const sp_az_cte *ctes,
                     sp_sql_error *err)
{
    switch (q->kind) {
    case SQL_QUERY:
        return query(az, q, ctes, err);
    case SQL_SELECT:
        q = sp_az_session_rewrite(az, q, err);
        if (q) q = sp_az_window_rewrite(az, q, err);
        return q ? select_(az, q, ctes, err) : NULL;
    case SQL_SETOP:
        return setop(az, q, ctes, err);
    case SQL_VALUES:
        return sp_az_values(az, q, err);
    default:
        return sp_az_fail(az, err, q->off, "INTERNAL_ERROR", "message",
                          sp_az_printf(az, "%s is not a query", sp_sql_kind_name(q->kind)), NULL);
    }
}

sp_plan *sp_analyze_query(sp_analyzer *az, const sp_sql_node *query, sp_sql_error *err)
{
    return sp_az_query(az, query, NULL, err);
}
