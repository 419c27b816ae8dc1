/* static_input.c - computing a static plan's input node (static_input.h). */
#include "sql/static_input.h"

#include "base/arena.h"
#include "base/conf.h"
#include "sql/join.h"
#include "sql/static_exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_batch(sp_static_input *in, sp_colbatch *b)
{
    sp_colbatch **v = realloc(in->batches, sizeof *v * (in->n + 1));
    if (!v) abort();
    v[in->n++] = b;
    in->batches = v;
}

/* VALUES: each row's expressions evaluated over one empty row. */
static spate_err values(const sp_plan *p, const spate_conf *conf, const sp_tz *tz,
                        sp_static_input *in, char *err, size_t n)
{
    sp_sql_eval_ctx ctx;
    sp_sql_eval_ctx_init(&ctx, in->arena, tz, sp_conf_bool(conf, "spate.sql.ansi.enabled"));
    sp_colbatch *one = sp_colbatch_view(in->arena, 1, 0, NULL, NULL);
    const char **names = spate_arena_alloc(in->arena, sizeof *names * (size_t)(p->nout + 1));
    for (int c = 0; c < p->nout; c++)
        names[c] = p->out[c].name;
    for (int r = 0; r < p->nrows; r++) {
        const sp_column **cols = spate_arena_alloc(in->arena, sizeof *cols * (size_t)(p->nout + 1));
        for (int c = 0; c < p->nout; c++)
            if (!(cols[c] = sp_sql_expr_eval(p->rows[r][c], one, &ctx))) {
                snprintf(err, n, "%s", ctx.error);
                return SPATE_ERR_USER;
            }
        add_batch(in, sp_colbatch_view(in->arena, 1, p->nout, cols, names));
    }
    return SPATE_OK;
}

/* Runs plan p whole and keeps its output batches. */
static spate_err run_plan(const sp_plan *p, sp_pool *pool, const spate_conf *conf, const sp_tz *tz,
                          sp_static_input *in, char *err, size_t n)
{
    sp_batch_result *v = realloc(in->runs, sizeof *v * (size_t)(in->nruns + 1));
    if (!v) abort();
    in->runs = v;
    sp_batch_result *r = &in->runs[in->nruns++];
    spate_err e = sp_static_run(p, pool, conf, tz, r);
    if (e != SPATE_OK) {
        snprintf(err, n, "%s", r->error);
        return e;
    }
    for (size_t i = 0; i < r->nbatches; i++)
        if (r->batches[i]->length) add_batch(in, r->batches[i]);
    return SPATE_OK;
}

/* The rows of the right side of full outer join j that match no left row,
 * with NULL for the left's columns: a left anti join of right with left
 * under a projection (made in a). */
static sp_plan *unmatched_right(const sp_plan *j, spate_arena *a)
{
    const sp_plan *l = j->child, *r = j->right;
    sp_plan *anti = sp_plan_new(a, SP_PLAN_JOIN);
    anti->child = (sp_plan *)r;
    anti->right = (sp_plan *)l;
    anti->join = SP_JOIN_LEFT_ANTI;
    anti->nout = r->nout;
    anti->out = r->out;
    if (j->cond) anti->cond = sp_join_remap(a, j->cond, l->nout, r->nout, -l->nout);
    sp_plan *p = sp_plan_new(a, SP_PLAN_PROJECT);
    p->child = anti;
    p->nexprs = p->nout = j->nout;
    p->out = j->out;
    p->exprs = spate_arena_alloc(a, sizeof *p->exprs * (size_t)(j->nout + 1));
    for (int i = 0; i < j->nout; i++) {
        const sp_plan_attr *at = i < l->nout ? &l->out[i] : &r->out[i - l->nout];
        p->exprs[i] = i < l->nout ? sp_sql_expr_lit_null(a, at->type)
                                  : sp_sql_expr_column(a, i - l->nout, at->name, at->expr_id,
                                                       at->type, at->nullable);
    }
    return p;
}

/* FULL OUTER JOIN as Spark's batch plans give it: the left outer join's
 * rows, then the right rows that matched none. */
static spate_err full_outer(const sp_plan *j, sp_pool *pool, const spate_conf *conf,
                            const sp_tz *tz, sp_static_input *in, char *err, size_t n)
{
    sp_plan *left = spate_arena_alloc(in->arena, sizeof *left);
    *left = *j;
    left->join = SP_JOIN_LEFT_OUTER;
    spate_err e = run_plan(left, pool, conf, tz, in, err, n);
    return e == SPATE_OK ? run_plan(unmatched_right(j, in->arena), pool, conf, tz, in, err, n) : e;
}

spate_err sp_static_input_compute(const sp_plan *p, sp_pool *pool, const spate_conf *conf,
                                  const sp_tz *tz, sp_static_input *in, char *err, size_t n)
{
    memset(in, 0, sizeof *in);
    in->arena = spate_arena_new();
    if (p->kind == SP_PLAN_VALUES) return values(p, conf, tz, in, err, n);
    if (p->kind == SP_PLAN_JOIN) return full_outer(p, pool, conf, tz, in, err, n);
    if (p->kind != SP_PLAN_UNION) return run_plan(p, pool, conf, tz, in, err, n);
    spate_err e = run_plan(p->child, pool, conf, tz, in, err, n);
    return e == SPATE_OK ? run_plan(p->right, pool, conf, tz, in, err, n) : e;
}

/* Appends arena a to r's. */
static void give(sp_batch_result *r, spate_arena *a)
{
    spate_arena **v = realloc(r->arenas, sizeof *v * (size_t)(r->narenas + 1));
    if (!v) abort();
    v[r->narenas++] = a;
    r->arenas = v;
}

void sp_static_input_adopt(sp_static_input *in, sp_batch_result *r)
{
    for (int i = 0; i < in->nruns; i++) {
        for (int k = 0; k < in->runs[i].narenas; k++)
            give(r, in->runs[i].arenas[k]);
        in->runs[i].narenas = 0;
    }
    give(r, in->arena);
    in->arena = NULL;
}

void sp_static_input_free(sp_static_input *in)
{
    for (int i = 0; i < in->nruns; i++)
        sp_batch_result_free(&in->runs[i]);
    free(in->runs);
    free(in->batches);
    if (in->arena) spate_arena_destroy(in->arena);
    memset(in, 0, sizeof *in);
}
