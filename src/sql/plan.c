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

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pbuf {
    char *p;
    size_t n, cap;
} pbuf;

static void put(pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(pbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = (b->n + (size_t)k + 1) * 2;
        b->p = sp_xrealloc(b->p, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

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

static void put_attr(pbuf *b, const sp_plan_attr *at)
{
    put(b, "%s#%lld%s", at->name, (long long)at->expr_id, suffix(at->type));
}

static void put_expr(pbuf *b, spate_arena *a, const sp_sql_expr *e)
{
    put(b, "%s", sp_sql_expr_print(a, e));
}

/* An output attribute as a named expression: the attribute itself when e is
 * a plain reference to it, else "e AS name#id". */
static void put_named(pbuf *b, spate_arena *a, const sp_sql_expr *e, const sp_plan_attr *at)
{
    if (e->kind == SP_SQL_E_COLUMN && e->expr_id == at->expr_id && strcmp(e->name, at->name) == 0)
        return put_attr(b, at);
    put_expr(b, a, e);
    put(b, " AS ");
    put_attr(b, at);
}

static void put_attrs(pbuf *b, const sp_plan *p, const char *sep)
{
    for (int i = 0; i < p->nout; i++) {
        if (i) put(b, "%s", sep);
        put_attr(b, &p->out[i]);
    }
}

static void put_agg(pbuf *b, spate_arena *a, const sp_agg_call *c, const sp_plan_attr *at)
{
    put(b, "%s(%s", sp_agg_fn_name(c->fn), c->distinct ? "distinct " : "");
    if (c->arg)
        put_expr(b, a, c->arg);
    else
        put(b, "1");
    put(b, ") AS ");
    put_attr(b, at);
}

static void put_aggregate(pbuf *b, spate_arena *a, const sp_plan *p)
{
    put(b, "Aggregate [");
    for (int i = 0; i < p->ngroups; i++) {
        if (i) put(b, ", ");
        put_expr(b, a, p->groups[i]);
    }
    put(b, "], [");
    for (int i = 0; i < p->ngroups; i++) {
        if (i) put(b, ", ");
        put_named(b, a, p->groups[i], &p->out[i]);
    }
    for (int i = 0; i < p->naggs; i++) {
        if (i || p->ngroups) put(b, ", ");
        put_agg(b, a, &p->aggs[i], &p->out[p->ngroups + i]);
    }
    put(b, "]");
}

static void put_scan(pbuf *b, const sp_plan *p)
{
    const char *name = p->table ? p->table->name : "";
    if (p->streaming) {
        put(b, "StreamingRelation %s, [", name);
        put_attrs(b, p, ", ");
        put(b, "]");
        return;
    }
    put(b, "Relation %s[", name);
    put_attrs(b, p, ",");
    const char *fmt = p->table && p->table->format ? p->table->format : "memory";
    put(b, "] %s", fmt);
}

static const char *const join_names[] = {"Inner",    "LeftOuter", "RightOuter", "FullOuter",
                                         "LeftSemi", "LeftAnti",  "Cross"};

static void put_sort(pbuf *b, spate_arena *a, const sp_plan *p)
{
    put(b, "Sort [");
    for (int i = 0; i < p->nsort; i++) {
        if (i) put(b, ", ");
        put_expr(b, a, p->sort[i].expr);
        put(b, " %s NULLS %s", p->sort[i].descending ? "DESC" : "ASC",
            p->sort[i].nulls_first ? "FIRST" : "LAST");
    }
    put(b, "], true");
}

/* The node's own line (Spark's simpleString), without the tree prefix. */
static void put_node(pbuf *b, spate_arena *a, const sp_plan *p)
{
    switch (p->kind) {
    case SP_PLAN_SCAN:
        return put_scan(b, p);
    case SP_PLAN_PROJECT:
        put(b, "Project [");
        for (int i = 0; i < p->nexprs; i++) {
            if (i) put(b, ", ");
            put_named(b, a, p->exprs[i], &p->out[i]);
        }
        return put(b, "]");
    case SP_PLAN_FILTER:
        put(b, "Filter ");
        return put_expr(b, a, p->cond);
    case SP_PLAN_AGGREGATE:
        return put_aggregate(b, a, p);
    case SP_PLAN_SORT:
        return put_sort(b, a, p);
    case SP_PLAN_LIMIT:
        return put(b, "GlobalLimit %lld", (long long)p->limit);
    case SP_PLAN_UNION:
        return put(b, "Union false, false");
    case SP_PLAN_JOIN:
        put(b, "Join %s", join_names[p->join]);
        if (p->cond) {
            put(b, ", ");
            put_expr(b, a, p->cond);
        }
        return;
    case SP_PLAN_VALUES:
        if (p->nout == 0) return put(b, "OneRowRelation");
        put(b, "LocalRelation [");
        put_attrs(b, p, ", ");
        return put(b, "]");
    }
}

/* prefix: the indentation of the ancestors ("   " under a last child, ":  "
 * under another); last: whether p is its parent's last child. */
static void put_tree(pbuf *b, spate_arena *a, const sp_plan *p, pbuf *prefix, bool top, bool last)
{
    size_t mark = prefix->n;
    put(b, "%.*s", (int)prefix->n, prefix->p ? prefix->p : "");
    if (!top) put(b, "%s", last ? "+- " : ":- ");
    put_node(b, a, p);
    put(b, "\n");
    if (!top) put(prefix, "%s", last ? "   " : ":  ");
    if (p->kind == SP_PLAN_LIMIT) {
        /* Spark's Limit is GlobalLimit over LocalLimit */
        put(b, "%.*s+- LocalLimit %lld\n", (int)prefix->n, prefix->p ? prefix->p : "",
            (long long)p->limit);
        put(prefix, "   ");
    }
    if (p->child && p->right) {
        put_tree(b, a, p->child, prefix, false, false);
        put_tree(b, a, p->right, prefix, false, true);
    } else if (p->child) {
        put_tree(b, a, p->child, prefix, false, true);
    }
    prefix->n = mark;
    if (prefix->p) prefix->p[mark] = '\0';
}

const char *sp_plan_tree_string(spate_arena *a, const sp_plan *p)
{
    pbuf b = {0}, prefix = {0};
    put(&b, "%s", "");
    put_tree(&b, a, p, &prefix, true, true);
    char *out = sp_arena_memdup(a, b.p, b.n + 1);
    free(b.p);
    free(prefix.p);
    return out;
}
