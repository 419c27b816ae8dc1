/* batch_exec_int.h - what the parts of a batch's run share (batch_exec.c:
 * stage 1, the driver and the run; batch_stage2.c: stage 2's merging into
 * state and emitting): the run's state, the lists it keeps, and small
 * helpers. Private to src/sql/. */
#ifndef SP_SQL_BATCH_EXEC_INT_H
#define SP_SQL_BATCH_EXEC_INT_H

#include "sql/agg.h"
#include "sql/batch_exec.h"
#include "sql/event_time.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* A growable list of batches (malloc'd array; the batches are in arenas). */
typedef struct blist {
    sp_colbatch **v;
    size_t n, cap;
} blist;

static inline void blist_push(blist *l, sp_colbatch *b)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = realloc(l->v, sizeof *l->v * l->cap);
        if (!l->v) abort();
    }
    l->v[l->n++] = b;
}

typedef struct part_stats {
    int64_t rows, malformed, bytes, consumed, dropped, dedup_rows;
    int64_t state_total, state_updated, state_bytes, state_removed;
    int64_t update_us, removal_us, commit_us; /* stage 2's time in each step */
} part_stats;

/* A join of two streams: what one stage-1 task read of its side, each
 * batch's rows with their join keys and shuffle partitions. */
typedef struct sj_rows {
    int side;
    blist batches;
    spate_value **keys;
    int32_t **parts;
    size_t cap;
} sj_rows;

typedef struct run {
    const sp_physical *ph;
    const sp_batch_input *in;
    const sp_batch_env *env;
    int n1, n2;
    spate_arena **arenas; /* n1 + n2 + 1 (the driver's last) */
    blist *out;           /* n1 (stateless) or n2 (aggregating) */
    blist *late;          /* n1: env->keep_late's rows, in arenas[part] */
    sp_agg_table **tables;
    int **gparts;                  /* session windows: per table, each group's shuffle partition */
    part_stats *stats;             /* n1 + n2 */
    sp_event_time_stats *wm_stats; /* n1 * ph->nwm: what each task's WATERMARK steps saw */
    sj_rows *sj;                   /* a join of two streams: n1 */
    atomic_int failed;
    char error[1024];
    int64_t stamp; /* marks the state entries this batch changed */
} run;

/* Fails the run with msg (the first failure's message wins) and marks
 * the calling executor thread's task failed (the UI's Executors page). */
static inline void fail(run *r, const char *msg)
{
    sp_pool_task_failed();
    int expected = 0;
    if (atomic_compare_exchange_strong(&r->failed, &expected, 1))
        snprintf(r->error, sizeof r->error, "%s", msg);
}

static inline sp_sql_eval_ctx eval_ctx(const run *r, spate_arena *a)
{
    sp_sql_eval_ctx ctx;
    sp_sql_eval_ctx_init(&ctx, a, r->env->tz, r->env->ansi);
    ctx.now_us = r->env->now_us;
    ctx.joins = r->env->join_tables;
    return ctx;
}

/* ---- stage 2 (batch_stage2.c) ---- */

typedef struct evec {
    sp_state_entry **v;
    size_t n, cap;
} evec;

static inline void evec_push(evec *l, sp_state_entry *e)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, sizeof *l->v * l->cap);
        if (!l->v) abort();
    }
    l->v[l->n++] = e;
}

static inline int shuffle_part(uint64_t hash, int n) { return (int)((hash >> 32) % (uint64_t)n); }

/* Runs `post` over the rows out (in partition part's arena) and keeps the
 * result as the partition's output. */
bool sp_bx_emit_post(run *r, int part, sp_colbatch *out, char *err, size_t err_size);

/* batch_session.c: a session window's aggregate. The partition of each
 * group of stage-1 task `task`'s table, by its key without the session
 * bounds (so that a key's sessions meet in one partition). */
void sp_bx_session_parts(run *r, int task);
/* Stage 2 of partition part: the partition's groups merged into the
 * sessions of their keys (*changed: the keys touched), then the rows of
 * the output mode emitted; in append mode with a watermark, the sessions
 * it passed are emitted and forgotten (*expired: keys left without a
 * session, to remove). */
bool sp_bx_session_stage2(run *r, int part, sp_state_store *s, evec *changed, evec *expired,
                          char *err, size_t err_size);
/* The sessions s holds (its rows, as Spark counts a session window's). */
int64_t sp_bx_session_count(const sp_state_store *s);

/* batch_sjoin.c: a join of two streams. Stage 1 of task's batch b of
 * side (in ctx's arena, kept for stage 2): late rows dropped, keys and
 * partitions computed. */
bool sp_bx_sjoin_batch(run *r, int task, int side, sp_colbatch *b, sp_sql_eval_ctx *ctx);
/* Stage 2 of partition part: the new rows joined and kept, the rows the
 * watermark passed removed (*expired: entries left empty, to remove), the
 * output through `post`; sets the partition's state figures. */
bool sp_bx_sjoin_stage2(run *r, int part, sp_state_store *s, evec *expired, char *err,
                        size_t err_size);
void sp_bx_sjoin_free(run *r);

/* Stage 2's task for shuffle partition part: merges the partial tables into
 * the partition's state store and emits (sp_pool_run's task). */
void sp_bx_stage2_task(void *arg, int part, int thread);

#endif
