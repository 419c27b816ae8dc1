/* job.c - running tasks on the executors, counting and materializing
 * partitions. */
#include "exec/rdd_impl.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

typedef struct job_run {
    sp_scope *scope;
    sp_job_task_fn fn;
    void *ud;
    atomic_bool failed;
} job_run;

static void run_one(void *arg, int index, int thread)
{
    job_run *j = arg;
    spate_task t = {.scope = j->scope,
                    .arena = sp_scope_thread_arena(j->scope, thread),
                    .partition = index,
                    .thread = thread};
    j->fn(&t, index, j->ud);
    if (t.failed) {
        atomic_store(&j->failed, true);
        sp_pool_task_failed(); /* the Executors page's failed tasks */
    }
}

spate_err sp_job_run(sp_scope *scope, int n, sp_job_task_fn fn, void *ud)
{
    job_run j = {.scope = scope, .fn = fn, .ud = ud};
    atomic_init(&j.failed, false);
    sp_exec *e = sp_scope_exec(scope);
    pthread_mutex_lock(&e->run_lock);
    sp_pool_run(e->pool, n, run_one, &j);
    pthread_mutex_unlock(&e->run_lock);
    return atomic_load(&j.failed) ? SPATE_ERR_USER : SPATE_OK;
}

/* ---- materializing partitions ---- */

typedef struct materialize_job {
    spate_rdd *rdd;
    sp_vvec *out;
} materialize_job;

static void materialize_task(spate_task *t, int part, void *ud)
{
    materialize_job *m = ud;
    sp_collect_sink sink;
    sp_collect_sink_init(&sink, t, &m->out[part]);
    sp_rdd_compute(m->rdd, part, &sink.base);
}

spate_err sp_rdd_materialize(spate_rdd *r, spate_value ***parts, size_t **lens)
{
    sp_exec *e = sp_scope_exec(r->scope);
    pthread_mutex_lock(&e->run_lock);
    spate_err err = sp_rdd_prepare(r);
    if (err == SPATE_OK && r->prepared && (r->ops->flags & SP_RDD_IN_MEMORY) && r->parts) {
        pthread_mutex_unlock(&e->run_lock);
        *parts = r->parts; /* in memory already: no job, no copy */
        *lens = r->lens;
        return SPATE_OK;
    }
    sp_vvec *out = sp_xcalloc((size_t)(r->nparts ? r->nparts : 1), sizeof *out);
    if (err == SPATE_OK) {
        materialize_job m = {.rdd = r, .out = out};
        err = sp_job_run(r->scope, r->nparts, materialize_task, &m);
    }
    pthread_mutex_unlock(&e->run_lock);
    spate_arena *a = sp_scope_arena(r->scope);
    *parts = spate_arena_alloc(a, sizeof **parts * (size_t)(r->nparts ? r->nparts : 1));
    *lens = spate_arena_alloc(a, sizeof **lens * (size_t)(r->nparts ? r->nparts : 1));
    for (int i = 0; i < r->nparts; i++) {
        sp_scope_own(r->scope, out[i].data);
        (*parts)[i] = out[i].data;
        (*lens)[i] = err == SPATE_OK ? out[i].len : 0;
    }
    free(out);
    return err;
}

/* ---- counting ---- */

typedef struct count_job {
    spate_rdd *rdd;
    int64_t *counts;
} count_job;

typedef struct count_sink {
    spate_sink base;
    int64_t n;
} count_sink;

static void count_push(spate_sink *self, spate_value v)
{
    (void)v;
    ((count_sink *)self)->n++;
}

static void count_task(spate_task *t, int part, void *ud)
{
    count_job *c = ud;
    count_sink sink = {.base = {.push = count_push, .task = t}};
    spate_arena *persistent = t->arena;
    sp_task_begin_transient(t);
    sp_rdd_compute(c->rdd, part, &sink.base);
    sp_task_end_transient(t, persistent);
    c->counts[part] = sink.n;
}

spate_err sp_rdd_count_partitions(spate_rdd *r, int64_t *counts)
{
    spate_err err = sp_rdd_prepare(r);
    if (err) return err;
    count_job c = {.rdd = r, .counts = counts};
    return sp_job_run(r->scope, r->nparts, count_task, &c);
}
