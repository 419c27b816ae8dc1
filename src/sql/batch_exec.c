/* batch_exec.c - one batch of a physical plan on the executor pool
 * (batch_exec.h): stage 1 reads and pre-aggregates, stage 2 merges into
 * state and emits, the driver sorts and limits. */
#include "sql/batch_exec_int.h"

#include "base/arena.h"
#include "base/log.h"
#include "sql/agg.h"
#include "sql/event_time.h"
#include "sql/sort.h"
#include "sql/type_column.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- stage 1 ---- */

typedef struct part1 {
    run *r;
    int part;
    spate_arena *scratch; /* aggregating: what a batch's evaluation makes */
    sp_event_time_obs obs;
} part1;

/* The rows of b whose event time k has not expired (NULL keys stay, as
 * Spark's predicate is not true for them), *n of them, in ctx's arena; the
 * others are counted, and kept when the run keeps late rows. */
static int32_t *unexpired_rows(part1 *p, const sp_colbatch *b, const sp_column *k, int64_t *n,
                               sp_sql_eval_ctx *ctx)
{
    run *r = p->r;
    int64_t rows = b->length;
    int32_t *sel = spate_arena_alloc(ctx->arena, sizeof *sel * (size_t)(rows + 1));
    int32_t *late =
        r->env->keep_late ? spate_arena_alloc(ctx->arena, sizeof *late * (size_t)(rows + 1)) : NULL;
    const int64_t *v = k->values;
    int64_t span = r->ph->agg->dedup == SP_DEDUP_WITHIN ? 0 : r->ph->agg_wm_span_us;
    int64_t limit = r->env->watermark_us - span, m = 0, d = 0;
    for (int64_t i = 0; i < rows; i++) {
        if (!sp_column_valid(k, i) || v[i] > limit)
            sel[m++] = (int32_t)i;
        else if (late)
            late[d++] = (int32_t)i;
        else
            d++;
    }
    r->stats[p->part].dropped += d;
    if (d && r->env->keep_late) /* in the task's kept arena: the scratch one is reused */
        blist_push(&r->late[p->part], sp_colbatch_take(b, late, d, r->arenas[p->part]));
    *n = m;
    return sel;
}

static bool aggregate_batch(part1 *p, const sp_colbatch *b, sp_sql_eval_ctx *ctx)
{
    const sp_plan *g = p->r->ph->agg;
    const sp_column **keys = spate_arena_alloc(ctx->arena, sizeof *keys * (size_t)(g->ngroups + 1));
    const sp_column **args = spate_arena_alloc(ctx->arena, sizeof *args * (size_t)(g->naggs + 1));
    for (int i = 0; i < g->ngroups; i++)
        if (!(keys[i] = sp_sql_expr_eval(g->groups[i], b, ctx))) return false;
    for (int i = 0; i < g->naggs; i++) {
        args[i] = NULL;
        if (g->aggs[i].arg && !(args[i] = sp_sql_expr_eval(g->aggs[i].arg, b, ctx))) return false;
    }
    const int32_t *sel = NULL;
    int64_t nsel = b->length;
    if (p->r->env->use_watermark) /* the event time is a key, or (within) an argument */
        sel = unexpired_rows(
            p, b, g->dedup == SP_DEDUP_WITHIN ? args[g->dedup_time] : keys[p->r->ph->agg_wm_key],
            &nsel, ctx);
    p->r->stats[p->part].dedup_rows += nsel;
    return sp_agg_table_add(p->r->tables[p->part], keys, args, b->length, sel, nsel, ctx->error,
                            sizeof ctx->error);
}

/* Rows [from, from + n) of b (all of b when n is its length) through the
 * input's steps and pre, into the aggregate, the join's stage 1, the kept
 * output or the consumer. */
static bool run_rows(part1 *p, sp_colbatch *b, int64_t from, int64_t n)
{
    run *r = p->r;
    bool agg = r->ph->agg != NULL, sjoin = r->ph->sjoin != NULL;
    bool keep = sjoin || (!agg && !r->env->consume);
    spate_arena *a = keep ? r->arenas[p->part] : p->scratch;
    sp_arena_mark mark = sp_arena_get_mark(a);
    if (n < b->length) {
        int32_t *sel = spate_arena_alloc(a, sizeof *sel * (size_t)n);
        for (int64_t i = 0; i < n; i++)
            sel[i] = (int32_t)(from + i);
        b = sp_colbatch_take(b, sel, n, a);
    }
    sp_sql_eval_ctx ctx = eval_ctx(r, a);
    ctx.event_time = &p->obs;
    int k = r->in->part_input ? r->in->part_input[p->part] : 0;
    sp_colbatch *out = sp_pipeline_run(&r->ph->inputs[k].pre, b, &ctx);
    if (out) out = sp_pipeline_run(&r->ph->pre, out, &ctx);
    bool ok = out != NULL;
    if (ok && agg) {
        ok = aggregate_batch(p, out, &ctx);
    } else if (ok && sjoin) {
        ok = sp_bx_sjoin_batch(r, p->part, k, out, &ctx);
    } else if (ok && keep) {
        blist_push(&r->out[p->part], out);
    } else if (ok && out->length) {
        ok = r->env->consume(r->env->consume_ud, p->part, out, ctx.error, sizeof ctx.error);
        r->stats[p->part].consumed += out->length;
    }
    if (!ok) fail(r, ctx.error[0] ? ctx.error : "the batch failed");
    if (!keep) sp_arena_release(a, mark);
    return ok;
}

/* A source batch: an aggregation behind a window generate that multiplies
 * rows (a sliding window) takes it agg_slice_rows rows at a time, so that
 * each slice's exploded rows reuse the scratch memory the last slice
 * released instead of touching fresh pages. */
static bool emit1(sp_colbatch *b, void *ud)
{
    part1 *p = ud;
    run *r = p->r;
    if (atomic_load(&r->failed)) return false;
    r->stats[p->part].rows += b->length;
    int64_t slice = r->ph->agg ? r->ph->agg_slice_rows : 0;
    if (!slice || b->length <= slice) return run_rows(p, b, 0, b->length);
    for (int64_t from = 0; from < b->length; from += slice)
        if (!run_rows(p, b, from, b->length - from < slice ? b->length - from : slice))
            return false;
    return true;
}

static void stage1_task(void *arg, int task, int thread)
{
    (void)thread;
    run *r = arg;
    int nwm = r->ph->nwm;
    part1 p = {r,
               task,
               (r->ph->agg || r->env->consume) ? spate_arena_new() : NULL,
               {nwm, r->ph->wm_nodes, r->wm_stats + (size_t)task * (size_t)nwm}};
    sp_source_counters c = {0};
    char err[1024] = "";
    spate_err e = r->in->read(r->in->ud, task, r->arenas[task], emit1, &p, &c, err, sizeof err);
    if (e != SPATE_OK) fail(r, err[0] ? err : spate_err_str(e));
    r->stats[task].malformed += c.malformed;
    r->stats[task].bytes += c.bytes;
    if (p.scratch) spate_arena_destroy(p.scratch);
    if (r->ph->agg && r->ph->session) sp_bx_session_parts(r, task);
}

/* ---- driver ---- */

static sp_colbatch *limit_rows(sp_colbatch *b, int64_t limit, spate_arena *a)
{
    if (b->length <= limit) return b;
    int32_t *sel = spate_arena_alloc(a, sizeof *sel * (size_t)(limit + 1));
    for (int64_t i = 0; i < limit; i++)
        sel[i] = (int32_t)i;
    return sp_colbatch_take(b, sel, limit, a);
}

/* Runs the driver steps over the whole output; returns it as one batch. */
static sp_colbatch *run_driver(run *r, sp_colbatch *b)
{
    spate_arena *a = r->arenas[r->n1 + r->n2];
    sp_sql_eval_ctx ctx = eval_ctx(r, a);
    for (int i = 0; i < r->ph->ndriver && b; i++) {
        const sp_plan *q = r->ph->driver[i];
        if (q->kind == SP_PLAN_SORT) {
            b = sp_sql_sort(b, q->sort, q->nsort, &ctx);
        } else if (q->kind == SP_PLAN_LIMIT) {
            b = limit_rows(b, q->limit, a);
        } else {
            sp_pipeline step = {0};
            int njoins = 0;
            sp_pipeline_from_plan(&step, q, q->child, a, &njoins);
            b = sp_pipeline_run(&step, b, &ctx);
        }
    }
    if (!b) fail(r, ctx.error);
    return b;
}

/* An empty batch of the plan's output columns. */
static sp_colbatch *empty_output(const sp_physical *ph, spate_arena *a)
{
    return sp_sql_batch_new(a, ph->schema, 1); /* nested columns too */
}

/* Moves the output lists into r's result, through the driver steps. */
static void collect_output(run *r, sp_batch_result *res)
{
    int nl = sp_physical_stateful(r->ph) ? r->n2 : r->n1;
    blist all = {0};
    for (int i = 0; i < nl; i++)
        for (size_t k = 0; k < r->out[i].n; k++)
            if (r->out[i].v[k]->length) blist_push(&all, r->out[i].v[k]);
    spate_arena *da = r->arenas[r->n1 + r->n2];
    if (r->ph->ndriver) {
        sp_colbatch *one = all.n ? sp_colbatch_concat((const sp_colbatch *const *)all.v, all.n, da)
                                 : empty_output(r->ph, da);
        one = run_driver(r, one);
        all.n = 0;
        if (one) blist_push(&all, one);
    }
    if (!all.n) blist_push(&all, empty_output(r->ph, da));
    res->batches = all.v;
    res->nbatches = all.n;
    blist late = {0};
    for (int i = 0; i < r->n1; i++)
        for (size_t k = 0; k < r->late[i].n; k++)
            blist_push(&late, r->late[i].v[k]);
    res->late = late.v;
    res->nlate = late.n;
    for (size_t i = 0; i < all.n; i++)
        res->stats.output_rows += all.v[i]->length;
}

static void sum_stats(const run *r, sp_batch_stats *s)
{
    for (int i = 0; r->in->input_rows && i < r->n1; i++)
        r->in->input_rows[r->in->part_input ? r->in->part_input[i] : 0] += r->stats[i].rows;
    int64_t us[3] = {0, 0, 0}; /* stage 2's update, removal and commit time */
    for (int i = 0; i < r->n1 + r->n2; i++) {
        const part_stats *p = &r->stats[i];
        s->input_rows += p->rows;
        s->malformed += p->malformed;
        s->input_bytes += p->bytes;
        s->state_rows_total += p->state_total;
        s->state_rows_updated += p->state_updated;
        s->state_memory_bytes += p->state_bytes;
        s->state_rows_removed += p->state_removed;
        s->rows_dropped_by_watermark += p->dropped;
        s->dedup_rows += p->dedup_rows;
        us[0] += p->update_us;
        us[1] += p->removal_us;
        us[2] += p->commit_us;
        s->consumed_rows += p->consumed;
    }
    s->state_update_ms = us[0] / 1000;
    s->state_removal_ms = us[1] / 1000;
    s->state_commit_ms = us[2] / 1000;
    for (int i = 0; r->env->event_time && i < r->n1; i++)
        for (int k = 0; k < r->ph->nwm; k++)
            sp_event_time_stats_merge(&r->env->event_time[k],
                                      &r->wm_stats[(size_t)i * (size_t)r->ph->nwm + k]);
}

/* A mark no earlier run has left on a state entry: entries keep their stamp
 * in the checkpoint, so a counter from 1 would repeat one a previous
 * process wrote, and update mode would miss that key. Wall-clock
 * nanoseconds, kept increasing within the process. */
static int64_t next_stamp(void)
{
    static _Atomic int64_t last;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec, prev = atomic_load(&last);
    int64_t next;
    do
        next = now > prev ? now : prev + 1;
    while (!atomic_compare_exchange_weak(&last, &prev, next));
    return next;
}

static void run_init(run *r, const sp_physical *ph, const sp_batch_input *in,
                     const sp_batch_env *env)
{
    memset(r, 0, sizeof *r);
    r->ph = ph;
    r->in = in;
    r->env = env;
    r->n1 = in->nparts;
    r->n2 = sp_physical_stateful(ph) ? env->state->nparts : 0;
    r->stamp = next_stamp();
    int na = r->n1 + r->n2 + 1;
    r->arenas = calloc((size_t)na, sizeof *r->arenas);
    r->out = calloc((size_t)(r->n1 > r->n2 ? r->n1 : r->n2) + 1, sizeof *r->out);
    r->late = calloc((size_t)r->n1 + 1, sizeof *r->late);
    r->stats = calloc((size_t)na, sizeof *r->stats);
    size_t nwm = (size_t)r->n1 * (size_t)ph->nwm;
    r->wm_stats = malloc(sizeof *r->wm_stats * (nwm + 1));
    if (!r->arenas || !r->out || !r->late || !r->stats || !r->wm_stats) abort();
    for (size_t i = 0; i < nwm; i++)
        sp_event_time_stats_init(&r->wm_stats[i]);
    for (int i = 0; i < na; i++)
        r->arenas[i] = spate_arena_new();
    atomic_init(&r->failed, 0);
}

static void make_tables(run *r)
{
    const sp_plan *g = r->ph->agg;
    r->tables = calloc((size_t)r->n1 + 1, sizeof *r->tables);
    r->gparts = calloc((size_t)r->n1 + 1, sizeof *r->gparts);
    if (!r->tables || !r->gparts) abort();
    for (int i = 0; i < r->n1; i++)
        r->tables[i] =
            sp_agg_table_new(g->ngroups, r->ph->key_types, g->naggs, g->aggs, r->env->ansi);
}

spate_err sp_batch_run(const sp_physical *ph, const sp_batch_input *in, const sp_batch_env *env,
                       sp_batch_result *res)
{
    memset(res, 0, sizeof *res);
    run r;
    run_init(&r, ph, in, env);
    if (ph->agg) make_tables(&r);
    if (ph->sjoin && !(r.sj = calloc((size_t)r.n1 + 1, sizeof *r.sj))) abort();
    if (r.n1) sp_pool_run(env->pool, r.n1, stage1_task, &r);
    if (sp_physical_stateful(ph) && !atomic_load(&r.failed))
        sp_pool_run(env->pool, r.n2, sp_bx_stage2_task, &r);
    if (!atomic_load(&r.failed)) collect_output(&r, res);
    sum_stats(&r, &res->stats);
    for (int i = 0; r.tables && i < r.n1; i++) {
        sp_agg_table_free(r.tables[i]);
        free(r.gparts[i]);
    }
    free(r.tables);
    free(r.gparts);
    sp_bx_sjoin_free(&r);
    for (int i = 0; i < (r.n1 > r.n2 ? r.n1 : r.n2); i++)
        free(r.out[i].v);
    free(r.out);
    for (int i = 0; i < r.n1; i++)
        free(r.late[i].v);
    free(r.late);
    free(r.stats);
    free(r.wm_stats);
    res->arenas = r.arenas;
    res->narenas = r.n1 + r.n2 + 1;
    if (!atomic_load(&r.failed)) return SPATE_OK;
    snprintf(res->error, sizeof res->error, "%s", r.error);
    return SPATE_ERR_USER;
}

void sp_batch_result_free(sp_batch_result *r)
{
    free(r->batches);
    free(r->late);
    for (int i = 0; i < r->narenas; i++)
        spate_arena_destroy(r->arenas[i]);
    free(r->arenas);
    memset(r, 0, sizeof *r);
}
