/* plan.c - logical plan nodes (plan.h): construction, search, and Spark's
 * tree string (TreeNode.treeString over each node's simpleString):
 *   Project [kind#3, count#10L]
 *   +- Aggregate [kind#3], [kind#3, count(1) AS count#10L]
 *      +- Filter (price#4 > 100)
 *         +- StreamingRelation orders, [kind#3, price#4]
 * Any thread: plans are read-only here; text is made in the caller's arena. */
#include "sql/plan.h"

#include "base/arena.h"
#include "sql/catalog.h"
#include "sql/show_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sp_plan *sp_plan_new(spate_arena *a, sp_plan_kind kind)
{
    sp_plan *p = spate_arena_alloc(a, sizeof *p);
    memset(p, 0, sizeof *p);
    p->kind = kind;
    return p;
}

bool sp_plan_contains(const sp_plan *p, sp_plan_kind k)
{
    if (!p) return false;
    if (p->kind == k) return true;
    return sp_plan_contains(p->child, k) || sp_plan_contains(p->right, k);
}

/* NamedExpression.typeSuffix: "L" after a BIGINT attribute's id. */
static const char *suffix(const sp_sql_type *t) { return t && t->id == SP_SQL_BIGINT ? "L" : ""; }

static void put_attr(sp_sql_sbuf *b, const sp_plan_attr *at)
{
    sp_sql_sbuf_printf(b, "%s#%lld%s", at->name, (long long)at->expr_id, suffix(at->type));
}

static void put_expr(sp_sql_sbuf *b, spate_arena *a, const sp_sql_expr *e)
{
    sp_sql_sbuf_printf(b, "%s", sp_sql_expr_print(a, e));
}

/* An output attribute as a named expression: the attribute itself when e is
 * a plain reference to it, else "e AS name#id". */
static void put_named(sp_sql_sbuf *b, spate_arena *a, const sp_sql_expr *e, const sp_plan_attr *at)
{
    if (e->kind == SP_SQL_E_COLUMN && e->expr_id == at->expr_id && strcmp(e->name, at->name) == 0)
        return put_attr(b, at);
    put_expr(b, a, e);
    sp_sql_sbuf_printf(b, " AS ");
    put_attr(b, at);
}

static void put_attrs(sp_sql_sbuf *b, const sp_plan *p, const char *sep)
{
    for (int i = 0; i < p->nout; i++) {
        if (i) sp_sql_sbuf_printf(b, "%s", sep);
        put_attr(b, &p->out[i]);
    }
}

static void put_agg(sp_sql_sbuf *b, spate_arena *a, const sp_agg_call *c, const sp_plan_attr *at)
{
    sp_sql_sbuf_printf(b, "%s(%s", sp_agg_fn_name(c->fn), c->distinct ? "distinct " : "");
    if (c->arg)
        put_expr(b, a, c->arg);
    else
        sp_sql_sbuf_printf(b, "1");
    sp_sql_sbuf_printf(b, ") AS ");
    put_attr(b, at);
}

static void put_aggregate(sp_sql_sbuf *b, spate_arena *a, const sp_plan *p)
{
    if (p->dedup) { /* Deduplicate [value#1] */
        sp_sql_sbuf_printf(
            b, "%s [", p->dedup == SP_DEDUP_WITHIN ? "DeduplicateWithinWatermark" : "Deduplicate");
        for (int i = 0; i < p->ngroups; i++) {
            if (i) sp_sql_sbuf_printf(b, ", ");
            put_expr(b, a, p->groups[i]);
        }
        return sp_sql_sbuf_printf(b, "]");
    }
    sp_sql_sbuf_printf(b, "Aggregate [");
    for (int i = 0; i < p->ngroups; i++) {
        if (i) sp_sql_sbuf_printf(b, ", ");
        put_expr(b, a, p->groups[i]);
    }
    sp_sql_sbuf_printf(b, "], [");
    for (int i = 0; i < p->ngroups; i++) {
        if (i) sp_sql_sbuf_printf(b, ", ");
        put_named(b, a, p->groups[i], &p->out[i]);
    }
    for (int i = 0; i < p->naggs; i++) {
        if (i || p->ngroups) sp_sql_sbuf_printf(b, ", ");
        put_agg(b, a, &p->aggs[i], &p->out[p->ngroups + i]);
    }
    sp_sql_sbuf_printf(b, "]");
}

static void put_scan(sp_sql_sbuf *b, const sp_plan *p)
{
    const char *name = p->table ? p->table->name : "";
    if (p->streaming) {
        sp_sql_sbuf_printf(b, "StreamingRelation %s, [", name);
        put_attrs(b, p, ", ");
        sp_sql_sbuf_printf(b, "]");
        return;
    }
    sp_sql_sbuf_printf(b, "Relation %s[", name);
    put_attrs(b, p, ",");
    const char *fmt = p->table && p->table->format ? p->table->format : "memory";
    sp_sql_sbuf_printf(b, "] %s", fmt);
}

static const char *const join_names[] = {"Inner",    "LeftOuter", "RightOuter", "FullOuter",
                                         "LeftSemi", "LeftAnti",  "Cross"};

static void put_sort(sp_sql_sbuf *b, spate_arena *a, const sp_plan *p)
{
    sp_sql_sbuf_printf(b, "Sort [");
    for (int i = 0; i < p->nsort; i++) {
        if (i) sp_sql_sbuf_printf(b, ", ");
        put_expr(b, a, p->sort[i].expr);
        sp_sql_sbuf_printf(b, " %s NULLS %s", p->sort[i].descending ? "DESC" : "ASC",
                           p->sort[i].nulls_first ? "FIRST" : "LAST");
    }
    sp_sql_sbuf_printf(b, "], true");
}

/* The node's own line (Spark's simpleString), without the tree prefix. */
static void put_node(sp_sql_sbuf *b, spate_arena *a, const sp_plan *p)
{
    switch (p->kind) {
    case SP_PLAN_SCAN:
        return put_scan(b, p);
    case SP_PLAN_PROJECT:
        sp_sql_sbuf_printf(b, "Project [");
        for (int i = 0; i < p->nexprs; i++) {
            if (i) sp_sql_sbuf_printf(b, ", ");
            put_named(b, a, p->exprs[i], &p->out[i]);
        }
        return sp_sql_sbuf_printf(b, "]");
    case SP_PLAN_FILTER:
        sp_sql_sbuf_printf(b, "Filter ");
        return put_expr(b, a, p->cond);
    case SP_PLAN_AGGREGATE:
        return put_aggregate(b, a, p);
    case SP_PLAN_SORT:
        return put_sort(b, a, p);
    case SP_PLAN_LIMIT:
        return sp_sql_sbuf_printf(b, "GlobalLimit %lld", (long long)p->limit);
    case SP_PLAN_UNION:
        return sp_sql_sbuf_printf(b, "Union false, false");
    case SP_PLAN_JOIN:
        sp_sql_sbuf_printf(b, "Join %s", join_names[p->join]);
        if (p->cond) {
            sp_sql_sbuf_printf(b, ", ");
            put_expr(b, a, p->cond);
        }
        return;
    case SP_PLAN_GENERATE: /* Generate explode(xs#1), false, [col#5] */
        sp_sql_sbuf_printf(b, "Generate %s(", p->gen_pos ? "posexplode" : "explode");
        put_expr(b, a, p->exprs[0]);
        sp_sql_sbuf_printf(b, "), %s, [", p->gen_outer ? "true" : "false");
        for (int i = p->child->nout; i < p->nout; i++)
            sp_sql_sbuf_printf(b, "%s%s#%lld", i > p->child->nout ? ", " : "", p->out[i].name,
                               (long long)p->out[i].expr_id);
        return sp_sql_sbuf_printf(b, "]");
    case SP_PLAN_WATERMARK: /* EventTimeWatermark ts#1: timestamp, 10 seconds */
        sp_sql_sbuf_printf(b, "EventTimeWatermark ");
        put_attr(b, &p->out[p->wm_col]);
        return sp_sql_sbuf_printf(b, ": timestamp, %s", p->wm_delay_text);
    case SP_PLAN_VALUES:
        if (p->nout == 0) return sp_sql_sbuf_printf(b, "OneRowRelation");
        sp_sql_sbuf_printf(b, "LocalRelation [");
        put_attrs(b, p, ", ");
        return sp_sql_sbuf_printf(b, "]");
    }
}

/* prefix: the indentation of the ancestors ("   " under a last child, ":  "
 * under another); last: whether p is its parent's last child. */
static void put_tree(sp_sql_sbuf *b, spate_arena *a, const sp_plan *p, sp_sql_sbuf *prefix,
                     bool top, bool last)
{
    size_t mark = prefix->len;
    sp_sql_sbuf_puts(b, sp_sql_sbuf_str(prefix));
    if (!top) sp_sql_sbuf_printf(b, "%s", last ? "+- " : ":- ");
    put_node(b, a, p);
    sp_sql_sbuf_printf(b, "\n");
    if (!top) sp_sql_sbuf_printf(prefix, "%s", last ? "   " : ":  ");
    if (p->kind == SP_PLAN_LIMIT) {
        /* Spark's Limit is GlobalLimit over LocalLimit */
        sp_sql_sbuf_printf(b, "%.*s+- LocalLimit %lld\n", (int)prefix->len, sp_sql_sbuf_str(prefix),
                           (long long)p->limit);
        sp_sql_sbuf_printf(prefix, "   ");
    }
    if (p->child && p->right) {
        put_tree(b, a, p->child, prefix, false, false);
        put_tree(b, a, p->right, prefix, false, true);
    } else if (p->child) {
        put_tree(b, a, p->child, prefix, false, true);
    }
    sp_sql_sbuf_truncate(prefix, mark);
}

const char *sp_plan_tree_string(spate_arena *a, const sp_plan *p)
{
    sp_sql_sbuf b = {0}, prefix = {0};
    sp_sql_sbuf_printf(&b, "%s", "");
    put_tree(&b, a, p, &prefix, true, true);
    char *out = sp_arena_memdup(a, sp_sql_sbuf_str(&b), b.len + 1);
    sp_sql_sbuf_free(&b);
    sp_sql_sbuf_free(&prefix);
    return out;
}
