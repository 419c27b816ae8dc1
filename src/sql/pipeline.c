/* pipeline.c - FILTER, PROJECT and join probe steps over column batches
 * (pipeline.h). */
#include "sql/pipeline.h"

#include "base/arena.h"
#include "sql/event_time.h"
#include "sql/fold.h"
#include "sql/generate.h"

#include <string.h>

const sp_plan *sp_pipeline_below(const sp_plan *q)
{
    char unused[8];
    return q->kind == SP_PLAN_JOIN ? sp_join_probe_child(q, unused, sizeof unused) : q->child;
}

static bool is_step(const sp_plan *q)
{
    return q->kind == SP_PLAN_FILTER || q->kind == SP_PLAN_PROJECT || q->kind == SP_PLAN_JOIN ||
           q->kind == SP_PLAN_GENERATE || q->kind == SP_PLAN_WATERMARK;
}

static void make_step(sp_pipe_step *s, const sp_plan *q, spate_arena *a, int *njoins)
{
    memset(s, 0, sizeof *s);
    if (q->kind == SP_PLAN_JOIN) {
        s->join = sp_join_plan(q, (*njoins)++, a);
        return;
    }
    if (q->kind == SP_PLAN_WATERMARK) {
        s->wm = q;
        s->wm_col = q->wm_col;
        return;
    }
    if (q->kind == SP_PLAN_FILTER) {
        s->is_filter = true;
        s->cond = sp_sql_fold(a, q->cond);
        return;
    }
    if (q->kind == SP_PLAN_GENERATE) { /* names: the generated columns' */
        s->gen = sp_sql_fold(a, q->exprs[0]);
        s->gen_pos = q->gen_pos;
        s->gen_outer = q->gen_outer;
        s->gen_in = q->child->nout;
        s->names = spate_arena_alloc(a, sizeof *s->names * (size_t)(q->nout + 1));
        for (int k = q->child->nout; k < q->nout; k++)
            s->names[k - q->child->nout] = q->out[k].name;
        return;
    }
    s->nexprs = q->nexprs;
    s->exprs = spate_arena_alloc(a, sizeof *s->exprs * (size_t)(q->nexprs + 1));
    for (int k = 0; k < q->nexprs; k++)
        s->exprs[k] = sp_sql_fold(a, q->exprs[k]);
    s->names = spate_arena_alloc(a, sizeof *s->names * (size_t)(q->nexprs + 1));
    for (int k = 0; k < q->nexprs; k++)
        s->names[k] = q->out[k].name;
}

bool sp_pipeline_from_plan(sp_pipeline *p, const sp_plan *top, const sp_plan *bottom,
                           spate_arena *a, int *njoins)
{
    int n = 0;
    for (const sp_plan *q = top; q && q != bottom; q = sp_pipeline_below(q)) {
        if (!is_step(q)) return false;
        n++;
    }
    sp_pipe_step *steps = spate_arena_alloc(a, sizeof *steps * (size_t)(p->nsteps + n + 1));
    if (p->nsteps) memcpy(steps, p->steps, sizeof *steps * (size_t)p->nsteps);
    /* Joins are numbered bottom-up, in the order they run. */
    int i = p->nsteps + n, first = *njoins, joins = 0;
    for (const sp_plan *q = top; q != bottom; q = sp_pipeline_below(q))
        joins += q->kind == SP_PLAN_JOIN;
    *njoins += joins;
    for (const sp_plan *q = top; q != bottom; q = sp_pipeline_below(q)) {
        int index = first + (q->kind == SP_PLAN_JOIN ? --joins : 0);
        make_step(&steps[--i], q, a, &index);
    }
    p->steps = steps;
    p->nsteps += n;
    return true;
}

static sp_colbatch *run_filter(const sp_pipe_step *s, sp_colbatch *b, sp_sql_eval_ctx *ctx)
{
    int64_t n = 0;
    int32_t *sel = sp_sql_expr_select(s->cond, b, ctx, &n);
    if (!sel) return NULL;
    if (n == b->length) return b;
    return sp_colbatch_take(b, sel, n, ctx->arena);
}

static sp_colbatch *run_project(const sp_pipe_step *s, sp_colbatch *b, sp_sql_eval_ctx *ctx)
{
    const sp_column **cols = spate_arena_alloc(ctx->arena, sizeof *cols * (size_t)(s->nexprs + 1));
    for (int k = 0; k < s->nexprs; k++) {
        cols[k] = sp_sql_expr_eval(s->exprs[k], b, ctx);
        if (!cols[k]) return NULL;
    }
    return sp_colbatch_view(ctx->arena, b->length, s->nexprs, cols, s->names);
}

static sp_colbatch *run_generate(const sp_pipe_step *s, sp_colbatch *b, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(s->gen, b, ctx);
    return x ? sp_sql_generate(b, x, s->gen_pos, s->gen_outer, s->names, s->gen_keep, ctx->arena)
             : NULL;
}

sp_colbatch *sp_pipeline_run(const sp_pipeline *p, sp_colbatch *b, sp_sql_eval_ctx *ctx)
{
    for (int i = 0; i < p->nsteps && b; i++) {
        const sp_pipe_step *s = &p->steps[i];
        if (s->wm)
            sp_event_time_observe(ctx->event_time, s->wm, &b->cols[s->wm_col], b->length);
        else if (s->join)
            b = sp_join_probe(s->join, ctx->joins[s->join->index], b, ctx);
        else if (s->gen)
            b = run_generate(s, b, ctx);
        else
            b = s->is_filter ? run_filter(s, b, ctx) : run_project(s, b, ctx);
    }
    return b;
}
