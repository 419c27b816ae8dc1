/* pipeline.c - FILTER and PROJECT steps over column batches (pipeline.h). */
#include "sql/pipeline.h"

#include "base/arena.h"
#include "sql/fold.h"

#include <string.h>

bool sp_pipeline_from_plan(sp_pipeline *p, const sp_plan *top, const sp_plan *bottom,
                           spate_arena *a)
{
    int n = 0;
    for (const sp_plan *q = top; q && q != bottom; q = q->child) {
        if (q->kind != SP_PLAN_FILTER && q->kind != SP_PLAN_PROJECT) return false;
        n++;
    }
    sp_pipe_step *steps = spate_arena_alloc(a, sizeof *steps * (size_t)(p->nsteps + n + 1));
    if (p->nsteps) memcpy(steps, p->steps, sizeof *steps * (size_t)p->nsteps);
    int i = p->nsteps + n;
    for (const sp_plan *q = top; q != bottom; q = q->child) {
        sp_pipe_step *s = &steps[--i];
        memset(s, 0, sizeof *s);
        if (q->kind == SP_PLAN_FILTER) {
            s->is_filter = true;
            s->cond = sp_sql_fold(a, q->cond);
            continue;
        }
        s->nexprs = q->nexprs;
        s->exprs = spate_arena_alloc(a, sizeof *s->exprs * (size_t)(q->nexprs + 1));
        for (int k = 0; k < q->nexprs; k++)
            s->exprs[k] = sp_sql_fold(a, q->exprs[k]);
        s->names = spate_arena_alloc(a, sizeof *s->names * (size_t)(q->nexprs + 1));
        for (int k = 0; k < q->nexprs; k++)
            s->names[k] = q->out[k].name;
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

sp_colbatch *sp_pipeline_run(const sp_pipeline *p, sp_colbatch *b, sp_sql_eval_ctx *ctx)
{
    for (int i = 0; i < p->nsteps && b; i++) {
        const sp_pipe_step *s = &p->steps[i];
        b = s->is_filter ? run_filter(s, b, ctx) : run_project(s, b, ctx);
    }
    return b;
}
