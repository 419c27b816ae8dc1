/* physical_needs.c - which scan columns a physical plan reads (Spark's
 * column pruning): what the aggregate (or, without one, the output) needs
 * is carried down the pre pipeline, step by step from a step's output
 * columns to its input's, then down each input's own steps to its scan.
 * Query's thread, at planning. */
#include "sql/physical.h"

#include "base/arena.h"

#include <string.h>

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
    if (st->gen) return st->gen_in + 3; /* the input's columns and at most 3 generated */
    if (st->wm) return st->wm_col + 1;
    return st->join ? st->join->nprobe + st->join->nbuild : st->is_filter ? 0 : st->nexprs;
}

static int pipeline_width(const sp_pipeline *p, int w)
{
    for (int i = 0; i < p->nsteps; i++)
        if (step_width(&p->steps[i]) > w) w = step_width(&p->steps[i]);
    return w;
}

/* Carries need (w wide) from p's output down to its input, in place; a
 * generate step keeps which of its input columns are needed after it. */
static void carry(sp_pipeline *p, bool *need, int w, spate_arena *a)
{
    bool *below = spate_arena_alloc(a, (size_t)w + 1);
    for (int i = p->nsteps - 1; i >= 0; i--) {
        const sp_pipe_step *st = &p->steps[i];
        if (st->is_filter) {
            mark_columns(st->cond, need, w);
            continue;
        }
        if (st->wm) { /* passes rows on, reads its column */
            if (st->wm_col < w) need[st->wm_col] = true;
            continue;
        }
        memset(below, 0, (size_t)w + 1);
        if (st->join) {
            need_below_join(st->join, need, below, w, a);
        } else if (st->gen) { /* the input's columns pass through, the collection is read */
            memcpy(below, need, (size_t)st->gen_in);
            bool *keep = spate_arena_alloc(a, (size_t)st->gen_in + 1);
            memcpy(keep, need, (size_t)st->gen_in);
            p->steps[i].gen_keep = keep;
            mark_columns(st->gen, below, w);
        } else {
            for (int k = 0; k < st->nexprs; k++)
                if (need[k]) mark_columns(st->exprs[k], below, w);
        }
        memcpy(need, below, (size_t)w + 1);
    }
}

void sp_physical_required_columns(sp_physical *ph, spate_arena *a)
{
    int w = pipeline_width(&ph->pre, ph->plan->nout);
    for (int i = 0; i < ph->ninputs; i++) {
        w = pipeline_width(&ph->inputs[i].pre, w);
        if (ph->inputs[i].scan->nout > w) w = ph->inputs[i].scan->nout;
    }
    if (ph->agg && ph->agg->child->nout > w) w = ph->agg->child->nout;
    bool *need = spate_arena_alloc(a, (size_t)w + 1);
    memset(need, 0, (size_t)w + 1);
    if (ph->agg && ph->keep_agg_input) {
        memset(need, 1, (size_t)ph->agg->child->nout);
    } else if (ph->agg) {
        for (int i = 0; i < ph->agg->ngroups; i++)
            mark_columns(ph->agg->groups[i], need, w);
        for (int i = 0; i < ph->agg->naggs; i++)
            mark_columns(ph->agg->aggs[i].arg, need, w);
    } else {
        memset(need, 1, (size_t)w);
    }
    carry(&ph->pre, need, w, a);
    for (int i = 0; i < ph->ninputs; i++) {
        bool *own = spate_arena_alloc(a, (size_t)w + 1);
        memcpy(own, need, (size_t)w + 1);
        carry(&ph->inputs[i].pre, own, w, a);
        ph->inputs[i].scan_required = own;
    }
}
