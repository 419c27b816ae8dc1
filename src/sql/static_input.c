/* static_input.c - computing a static plan's input node (static_input.h). */
#include "sql/static_input.h"

#include "base/arena.h"
#include "base/conf.h"
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

spate_err sp_static_input_compute(const sp_plan *p, sp_pool *pool, const spate_conf *conf,
                                  const sp_tz *tz, sp_static_input *in, char *err, size_t n)
{
    memset(in, 0, sizeof *in);
    in->arena = spate_arena_new();
    if (p->kind == SP_PLAN_VALUES) return values(p, conf, tz, in, err, n);
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
