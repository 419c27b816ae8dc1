/* physical.c - cutting an analyzed plan into a micro-batch's parts
 * (physical.h). */
#include "sql/physical.h"

#include "base/arena.h"

#include <stdio.h>
#include <string.h>

const sp_sql_type *sp_plan_schema(spate_arena *a, const sp_plan *p)
{
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(p->nout + 1));
    for (int i = 0; i < p->nout; i++)
        f[i] = (sp_sql_field){p->out[i].name, p->out[i].type, p->out[i].nullable, NULL};
    return sp_sql_struct(a, f, p->nout);
}

static bool is_narrow(const sp_plan *p)
{
    return p->kind == SP_PLAN_FILTER || p->kind == SP_PLAN_PROJECT;
}

static const char *kind_name(sp_plan_kind k)
{
    switch (k) {
    case SP_PLAN_UNION:
        return "UNION";
    case SP_PLAN_JOIN:
        return "JOIN";
    case SP_PLAN_VALUES:
        return "VALUES";
    case SP_PLAN_AGGREGATE:
        return "an aggregation below a join, or a second aggregation";
    default:
        return "this operator";
    }
}

/* The driver part: from the top down to the lowest SORT or LIMIT. Returns
 * the first node below it. */
static const sp_plan *cut_driver(sp_physical *ph, const sp_plan *plan, spate_arena *a)
{
    const sp_plan *lowest = NULL;
    for (const sp_plan *q = plan;
         q && (is_narrow(q) || q->kind == SP_PLAN_SORT || q->kind == SP_PLAN_LIMIT); q = q->child)
        if (q->kind == SP_PLAN_SORT || q->kind == SP_PLAN_LIMIT) lowest = q;
    if (!lowest) return plan;
    int n = 0;
    for (const sp_plan *q = plan; q != lowest->child; q = q->child)
        n++;
    ph->driver = spate_arena_alloc(a, sizeof *ph->driver * (size_t)n);
    ph->ndriver = n;
    for (const sp_plan *q = plan; q != lowest->child; q = q->child)
        ph->driver[--n] = q;
    return lowest->child;
}

static void key_info(sp_physical *ph, spate_arena *a)
{
    const sp_plan *g = ph->agg;
    ph->key_types = spate_arena_alloc(a, sizeof *ph->key_types * (size_t)(g->ngroups + 1));
    ph->key_names = spate_arena_alloc(a, sizeof *ph->key_names * (size_t)(g->ngroups + 1));
    for (int i = 0; i < g->ngroups; i++) {
        ph->key_types[i] = g->groups[i]->type;
        ph->key_names[i] = g->out[i].name;
    }
}

/* Marks in used[] the input columns e reads. */
static void mark_columns(const sp_sql_expr *e, bool *used, int n)
{
    if (!e) return;
    if (e->kind == SP_SQL_E_COLUMN && e->ordinal >= 0 && e->ordinal < n) used[e->ordinal] = true;
    for (int i = 0; i < e->nchildren; i++)
        mark_columns(e->children[i], used, n);
}

/* The probe columns a join step reads, from what is needed of its output
 * (need) into below. */
static void need_below_join(const sp_join_spec *j, const bool *need, bool *below, int w,
                            spate_arena *a)
{
    bool *joined = spate_arena_alloc(a, (size_t)w + 1);
    memset(joined, 0, (size_t)w + 1);
    mark_columns(j->residual, joined, w);
    bool semi = j->kind == SP_JOIN_LEFT_SEMI || j->kind == SP_JOIN_LEFT_ANTI;
    int off = j->probe_is_left ? 0 : j->nbuild;
    for (int k = 0; k < j->nprobe; k++)
        below[k] = (semi ? need[k] : need[off + k]) || joined[off + k];
    for (int k = 0; k < j->nkeys; k++)
        mark_columns(j->probe_keys[k], below, w);
}

static int step_width(const sp_pipe_step *st)
{
    return st->join ? st->join->nprobe + st->join->nbuild : st->is_filter ? 0 : st->nexprs;
}

/* The scan's columns that the pre pipeline (and the aggregate over it, or
 * the output when there is none) reads: needs are carried down the steps,
 * from a step's output columns to its input's. */
static void required_columns(sp_physical *ph, spate_arena *a)
{
    int w = ph->scan->nout;
    for (int i = 0; i < ph->pre.nsteps; i++)
        if (step_width(&ph->pre.steps[i]) > w) w = step_width(&ph->pre.steps[i]);
    if (ph->agg && ph->agg->child->nout > w) w = ph->agg->child->nout;
    if (ph->plan->nout > w) w = ph->plan->nout;
    bool *need = spate_arena_alloc(a, (size_t)w + 1), *below = spate_arena_alloc(a, (size_t)w + 1);
    memset(need, 0, (size_t)w + 1);
    if (ph->agg) {
        for (int i = 0; i < ph->agg->ngroups; i++)
            mark_columns(ph->agg->groups[i], need, w);
        for (int i = 0; i < ph->agg->naggs; i++)
            mark_columns(ph->agg->aggs[i].arg, need, w);
    } else {
        memset(need, 1, (size_t)w);
    }
    for (int i = ph->pre.nsteps - 1; i >= 0; i--) {
        const sp_pipe_step *st = &ph->pre.steps[i];
        if (st->is_filter) {
            mark_columns(st->cond, need, w);
            continue;
        }
        memset(below, 0, (size_t)w + 1);
        if (st->join)
            need_below_join(st->join, need, below, w, a);
        else
            for (int k = 0; k < st->nexprs; k++)
                if (need[k]) mark_columns(st->exprs[k], below, w);
        memcpy(need, below, (size_t)w + 1);
    }
    ph->scan_required = need;
}

/* Walks down the pre pipeline's path from q (narrow nodes and joins, down
 * each join's probe side) to the node below it; NULL with err set for a
 * join this engine cannot run. */
static const sp_plan *pre_bottom(const sp_plan *q, char *err, size_t err_size)
{
    while (q && (is_narrow(q) || q->kind == SP_PLAN_JOIN)) {
        const sp_plan *below =
            q->kind == SP_PLAN_JOIN ? sp_join_probe_child(q, err, err_size) : q->child;
        if (!below) return NULL;
        q = below;
    }
    /* A static query reads any other static node as its input, computed
     * first (static_exec.c: materialized inputs). */
    if (q && (q->kind == SP_PLAN_SCAN || !q->streaming)) return q;
    snprintf(err, err_size,
             "[UNSUPPORTED_FEATURE] The feature is not supported: %s in a query plan of "
             "spate (yet). SQLSTATE: 0A000",
             q ? kind_name(q->kind) : "a query without a table");
    return NULL;
}

/* Lists the pre pipeline's joins and checks that each build side plans. */
static bool collect_joins(sp_physical *ph, int njoins, spate_arena *a, char *err, size_t n)
{
    ph->njoins = njoins;
    ph->joins = spate_arena_alloc(a, sizeof *ph->joins * (size_t)(njoins + 1));
    for (int i = 0; i < ph->pre.nsteps; i++)
        if (ph->pre.steps[i].join) ph->joins[ph->pre.steps[i].join->index] = ph->pre.steps[i].join;
    for (int i = 0; i < njoins; i++) {
        sp_physical built;
        if (!sp_physical_plan(&built, ph->joins[i]->build, a, err, n)) return false;
    }
    return true;
}

bool sp_physical_plan(sp_physical *ph, const sp_plan *plan, spate_arena *a, char *err,
                      size_t err_size)
{
    memset(ph, 0, sizeof *ph);
    ph->plan = plan;
    ph->schema = sp_plan_schema(a, plan);
    const sp_plan *q = cut_driver(ph, plan, a);
    const sp_plan *top = q;
    int njoins = 0;
    while (q && is_narrow(q))
        q = q->child;
    if (q && q->kind == SP_PLAN_AGGREGATE) {
        ph->agg = q;
        key_info(ph, a);
        sp_pipeline_from_plan(&ph->post, top, q, a, &njoins);
        top = q->child;
    }
    if (!(q = pre_bottom(top, err, err_size))) return false;
    ph->scan = q;
    sp_pipeline_from_plan(&ph->pre, top, q, a, &njoins);
    if (!collect_joins(ph, njoins, a, err, err_size)) return false;
    required_columns(ph, a);
    return true;
}
