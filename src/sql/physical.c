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
    return p->kind == SP_PLAN_FILTER || p->kind == SP_PLAN_PROJECT || p->kind == SP_PLAN_GENERATE ||
           p->kind == SP_PLAN_WATERMARK;
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

/* Walks down the pre pipeline's path from q (narrow nodes and joins, down
 * each join's probe side) to the node below it; NULL with err set for a
 * join this engine cannot run. */
static const sp_plan *pre_bottom(const sp_plan *q, char *err, size_t err_size)
{
    while (q && (is_narrow(q) || q->kind == SP_PLAN_JOIN)) {
        if (q->kind == SP_PLAN_JOIN && q->join == SP_JOIN_FULL_OUTER && !q->streaming)
            return q; /* computed as a whole (static_input.c) */
        const sp_plan *below =
            q->kind == SP_PLAN_JOIN ? sp_join_probe_child(q, err, err_size) : q->child;
        if (!below) return NULL;
        q = below;
    }
    /* A static query reads any other static node as its input, computed
     * first (static_exec.c: materialized inputs); a union of streams reads
     * each stream (inputs). */
    if (q && (q->kind == SP_PLAN_SCAN || q->kind == SP_PLAN_UNION || !q->streaming)) return q;
    snprintf(err, err_size,
             "[UNSUPPORTED_FEATURE] The feature is not supported: %s in a query plan of "
             "spate (yet). SQLSTATE: 0A000",
             q ? kind_name(q->kind) : "a query without a table");
    return NULL;
}

static void list_joins(sp_physical *ph, const sp_pipeline *p)
{
    for (int i = 0; i < p->nsteps; i++)
        if (p->steps[i].join) ph->joins[p->steps[i].join->index] = p->steps[i].join;
}

/* Lists the pre pipelines' joins and checks that each build side plans. */
static bool collect_joins(sp_physical *ph, int njoins, spate_arena *a, char *err, size_t n)
{
    ph->njoins = njoins;
    ph->joins = spate_arena_alloc(a, sizeof *ph->joins * (size_t)(njoins + 1));
    list_joins(ph, &ph->pre);
    for (int i = 0; i < ph->ninputs; i++)
        list_joins(ph, &ph->inputs[i].pre);
    for (int i = 0; i < njoins; i++) {
        sp_physical built;
        if (!sp_physical_plan(&built, ph->joins[i]->build, a, err, n)) return false;
    }
    return true;
}

/* Appends the input whose path runs from top down to q, a streaming scan
 * (else false with err naming what is below `where`). */
static bool add_stream_input(sp_physical *ph, const sp_plan *top, const sp_plan *q,
                             const char *where, spate_arena *a, int *njoins, char *err, size_t n)
{
    if (q->kind != SP_PLAN_SCAN || !q->streaming) {
        snprintf(err, n,
                 "[UNSUPPORTED_FEATURE] The feature is not supported: %s below %s in spate "
                 "(yet). SQLSTATE: 0A000",
                 kind_name(q->kind), where);
        return false;
    }
    sp_phys_input *in = &ph->inputs[ph->ninputs++];
    memset(in, 0, sizeof *in);
    in->scan = q;
    sp_pipeline_from_plan(&in->pre, top, q, a, njoins);
    return true;
}

/* Appends the streams under union u (each child's narrow path down to a
 * streaming scan, or another union) to ph->inputs. */
static bool add_union_inputs(sp_physical *ph, const sp_plan *u, spate_arena *a, int *njoins,
                             char *err, size_t n)
{
    const sp_plan *sides[2] = {u->child, u->right};
    for (int s = 0; s < 2; s++) {
        const sp_plan *q = pre_bottom(sides[s], err, n);
        if (!q) return false;
        if (q->kind == SP_PLAN_UNION) {
            if (!add_union_inputs(ph, q, a, njoins, err, n)) return false;
            continue;
        }
        if (!add_stream_input(ph, sides[s], q, "a union of streams", a, njoins, err, n))
            return false;
    }
    return true;
}

static int count_union_leaves(const sp_plan *q)
{
    if (q->kind == SP_PLAN_UNION)
        return count_union_leaves(q->child) + count_union_leaves(q->right);
    return q->child ? count_union_leaves(q->child) : 1;
}

/* The inputs under the pre path's bottom q: one (q itself), or a union's
 * streams. */
static bool make_inputs(sp_physical *ph, const sp_plan *q, spate_arena *a, int *njoins, char *err,
                        size_t n)
{
    int cap = q->kind == SP_PLAN_UNION && q->streaming ? count_union_leaves(q) : 1;
    ph->inputs = spate_arena_alloc(a, sizeof *ph->inputs * (size_t)(cap + 1));
    if (q->kind != SP_PLAN_UNION || !q->streaming) {
        memset(&ph->inputs[0], 0, sizeof ph->inputs[0]);
        ph->inputs[0].scan = q;
        ph->ninputs = 1;
        return true;
    }
    return add_union_inputs(ph, q, a, njoins, err, n);
}

/* Appends a filter step on cond to p. */
static void append_filter(sp_pipeline *p, sp_sql_expr *cond, spate_arena *a)
{
    sp_pipe_step *steps = spate_arena_alloc(a, sizeof *steps * (size_t)(p->nsteps + 1));
    if (p->nsteps) memcpy(steps, p->steps, sizeof *steps * (size_t)p->nsteps);
    memset(&steps[p->nsteps], 0, sizeof *steps);
    steps[p->nsteps].is_filter = true;
    steps[p->nsteps].cond = cond;
    p->steps = steps;
    p->nsteps++;
}

/* The filter right above a join of two streams also runs on each side
 * where it may (sp_sjoin_side_filters), after the side's own steps (so
 * the watermark still sees every row); it stays in post too. */
static void push_filters_to_sides(sp_physical *ph, spate_arena *a)
{
    if (!ph->post.nsteps || !ph->post.steps[0].is_filter) return;
    sp_sql_expr *pushed[2];
    sp_sjoin_side_filters(ph->sjoin, ph->post.steps[0].cond, a, pushed);
    for (int s = 0; s < 2; s++)
        if (pushed[s]) append_filter(&ph->inputs[s].pre, pushed[s], a);
}

/* A join of two streams j: its spec, and each side's path down to its
 * streaming scan as inputs 0 (left) and 1 (right). */
static bool stream_join_inputs(sp_physical *ph, const sp_plan *j, spate_arena *a, int *njoins,
                               char *err, size_t n)
{
    if (!(ph->sjoin = sp_sjoin_plan(j, a, err, n))) return false;
    ph->inputs = spate_arena_alloc(a, sizeof *ph->inputs * 2);
    const sp_plan *sides[2] = {j->child, j->right};
    for (int s = 0; s < 2; s++) {
        const sp_plan *q = pre_bottom(sides[s], err, n);
        if (!q || !add_stream_input(ph, sides[s], q, "a join of two streams", a, njoins, err, n))
            return false;
    }
    push_filters_to_sides(ph, a);
    return true;
}

static void list_watermarks(sp_physical *ph, const sp_pipeline *p)
{
    for (int i = 0; i < p->nsteps; i++)
        if (p->steps[i].wm) {
            ph->wm_nodes[ph->nwm] = p->steps[i].wm;
            ph->wm_delays_ms[ph->nwm++] = p->steps[i].wm->wm_delay_ms;
        }
}

static void collect_watermarks(sp_physical *ph, spate_arena *a)
{
    int n = ph->pre.nsteps;
    for (int i = 0; i < ph->ninputs; i++)
        n += ph->inputs[i].pre.nsteps;
    ph->wm_nodes = spate_arena_alloc(a, sizeof *ph->wm_nodes * (size_t)(n + 1));
    ph->wm_delays_ms = spate_arena_alloc(a, sizeof *ph->wm_delays_ms * (size_t)(n + 1));
    for (int i = 0; i < ph->ninputs; i++)
        list_watermarks(ph, &ph->inputs[i].pre);
    list_watermarks(ph, &ph->pre);
}

/* The groups of a session window's bounds (columns of those names). */
static void session_keys(sp_physical *ph)
{
    const sp_plan *g = ph->agg;
    ph->session_start_key = ph->session_end_key = -1;
    for (int i = 0; g && i < g->ngroups; i++) {
        const sp_sql_expr *e = g->groups[i];
        if (e->kind != SP_SQL_E_COLUMN) continue;
        const char *name = g->child->out[e->ordinal].name;
        if (!strcmp(name, "__session_start")) ph->session_start_key = i;
        if (!strcmp(name, "__session_end")) ph->session_end_key = i;
    }
    ph->session = ph->session_start_key >= 0 && ph->session_end_key >= 0;
}

/* The aggregate's first group that is an event-time column (a session's
 * end for a session window), and whether the watermark expires its state. */
static void agg_watermark_key(sp_physical *ph)
{
    ph->agg_wm_key = -1;
    ph->wm_state = ph->agg && ph->agg->dedup == SP_DEDUP_WITHIN;
    if (ph->sjoin) { /* late rows, and the state the time-range condition evicts */
        const sp_sjoin_spec *j = ph->sjoin;
        ph->wm_state = j->late_col[0] >= 0 || j->late_col[1] >= 0;
        return;
    }
    const sp_plan *g = ph->agg;
    session_keys(ph);
    if (ph->session) {
        int k = ph->session_end_key;
        ph->wm_state = g->child->out[g->groups[k]->ordinal].event_time;
        ph->agg_wm_key = ph->wm_state ? k : -1;
        ph->agg_wm_span_us = 0;
        return;
    }
    for (int i = 0; g && g->dedup != SP_DEDUP_WITHIN && i < g->ngroups; i++) {
        const sp_sql_expr *e = g->groups[i];
        if (e->kind != SP_SQL_E_COLUMN || !g->child->out[e->ordinal].event_time) continue;
        ph->agg_wm_key = i;
        ph->agg_wm_span_us = g->child->out[e->ordinal].wm_span_us;
        ph->wm_state = true;
        return;
    }
}

/* The windows per row of p's sliding-window generate step
 * (__window_starts(ts, size, slide, start) with constant size and slide),
 * or 1. */
static int64_t window_fanout(const sp_pipeline *p)
{
    for (int i = 0; i < p->nsteps; i++) {
        const sp_sql_expr *g = p->steps[i].gen;
        if (!g || g->kind != SP_SQL_E_FUNC || g->op != SP_SQL_F_WINDOW_STARTS) continue;
        const sp_sql_expr *size = g->children[1], *slide = g->children[2];
        if (size->kind == SP_SQL_E_LITERAL && slide->kind == SP_SQL_E_LITERAL &&
            !size->lit.is_null && !slide->lit.is_null && slide->lit.i > 0)
            return (size->lit.i + slide->lit.i - 1) / slide->lit.i;
    }
    return 1;
}

static void agg_slices(sp_physical *ph)
{
    int64_t fanout = window_fanout(&ph->pre);
    for (int i = 0; i < ph->ninputs; i++)
        if (window_fanout(&ph->inputs[i].pre) > fanout) fanout = window_fanout(&ph->inputs[i].pre);
    ph->agg_slice_rows = ph->agg && fanout >= 8 ? (65536 + fanout - 1) / fanout : 0;
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
    if (!ph->agg && q && q->kind == SP_PLAN_JOIN && q->child->streaming && q->right->streaming) {
        sp_pipeline_from_plan(&ph->post, top, q, a, &njoins);
        if (!stream_join_inputs(ph, q, a, &njoins, err, err_size)) return false;
    } else {
        if (!(q = pre_bottom(top, err, err_size))) return false;
        sp_pipeline_from_plan(&ph->pre, top, q, a, &njoins);
        if (!make_inputs(ph, q, a, &njoins, err, err_size)) return false;
    }
    ph->scan = ph->inputs[0].scan;
    if (!collect_joins(ph, njoins, a, err, err_size)) return false;
    sp_physical_required_columns(ph, a);
    ph->scan_required = ph->inputs[0].scan_required;
    collect_watermarks(ph, a);
    agg_watermark_key(ph);
    agg_slices(ph);
    return true;
}

void sp_physical_read_all_agg_input(sp_physical *ph, spate_arena *a)
{
    ph->keep_agg_input = true;
    sp_physical_required_columns(ph, a);
    ph->scan_required = ph->inputs[0].scan_required;
}
