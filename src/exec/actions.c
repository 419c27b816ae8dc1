/* actions.c - RDD actions: they run the lineage as tasks and bring results to
 * the driver, in memory owned by the RDD's scope. */
#include "exec/rdd_impl.h"

#include "base/arena.h"

#include <spate/functions.h>

#include <stdlib.h>
#include <string.h>

/* Concatenates partitions into one array in r's scope. */
static spate_value *flatten(spate_rdd *r, spate_value **parts, size_t *lens, int nparts, size_t *n)
{
    size_t total = 0;
    for (int i = 0; i < nparts; i++)
        total += lens[i];
    spate_value *all =
        spate_arena_alloc(sp_scope_arena(r->scope), sizeof *all * (total ? total : 1));
    size_t at = 0;
    for (int i = 0; i < nparts; i++) {
        if (lens[i]) memcpy(all + at, parts[i], sizeof *all * lens[i]);
        at += lens[i];
    }
    *n = total;
    return all;
}

spate_err spate_rdd_collect(spate_rdd *r, spate_value **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!r) return SPATE_ERR_INVALID_ARG;
    spate_value **parts;
    size_t *lens;
    spate_err err = sp_rdd_materialize(r, &parts, &lens);
    if (err) return err;
    *out = flatten(r, parts, lens, r->nparts, n);
    return SPATE_OK;
}

spate_err spate_rdd_count(spate_rdd *r, int64_t *out)
{
    *out = 0;
    if (!r) return SPATE_ERR_INVALID_ARG;
    int64_t *counts = sp_xcalloc((size_t)r->nparts + 1, sizeof *counts);
    sp_exec *e = sp_scope_exec(r->scope);
    pthread_mutex_lock(&e->run_lock);
    spate_err err = sp_rdd_count_partitions(r, counts);
    pthread_mutex_unlock(&e->run_lock);
    for (int i = 0; i < r->nparts && !err; i++)
        *out += counts[i];
    free(counts);
    return err;
}

/* take: computes partitions a few at a time until n elements are there. */
typedef struct take_job {
    spate_rdd *rdd;
    int first;
    sp_vvec *out;
} take_job;

static void take_task(spate_task *t, int i, void *ud)
{
    take_job *j = ud;
    sp_collect_sink sink;
    sp_collect_sink_init(&sink, t, &j->out[i]);
    sp_rdd_compute(j->rdd, j->first + i, &sink.base);
}

static void append_up_to(sp_vvec *from, int count, size_t want, sp_vvec *acc)
{
    for (int i = 0; i < count; i++) {
        for (size_t k = 0; k < from[i].len && acc->len < want; k++)
            sp_vvec_push(acc, from[i].data[k]);
        sp_vvec_free(&from[i]);
    }
}

spate_err spate_rdd_take(spate_rdd *r, size_t n, spate_value **out, size_t *got)
{
    *out = NULL;
    *got = 0;
    if (!r) return SPATE_ERR_INVALID_ARG;
    sp_exec *e = sp_scope_exec(r->scope);
    pthread_mutex_lock(&e->run_lock);
    spate_err err = sp_rdd_prepare(r);
    sp_vvec acc = {0};
    int step = 1, done = 0;
    while (!err && done < r->nparts && acc.len < n) {
        int count = step < r->nparts - done ? step : r->nparts - done;
        sp_vvec *parts = sp_xcalloc((size_t)count, sizeof *parts);
        take_job j = {.rdd = r, .first = done, .out = parts};
        err = sp_job_run(r->scope, count, take_task, &j);
        append_up_to(parts, count, n, &acc);
        free(parts);
        done += count;
        step *= 4; /* Spark's spark.rdd.limit.scaleUpFactor */
    }
    pthread_mutex_unlock(&e->run_lock);
    if (!err) {
        *out = sp_arena_memdup(sp_scope_arena(r->scope), acc.data, sizeof *acc.data * acc.len);
        *got = acc.len;
    }
    sp_vvec_free(&acc);
    return err;
}

spate_err spate_rdd_first(spate_rdd *r, spate_value *out)
{
    spate_value *vals;
    size_t got;
    spate_err err = spate_rdd_take(r, 1, &vals, &got);
    if (err) return err;
    if (got == 0) return sp_scope_note_error(r->scope, SPATE_ERR_NOT_FOUND, "empty collection");
    *out = vals[0];
    return SPATE_OK;
}

spate_err spate_rdd_is_empty(spate_rdd *r, bool *out)
{
    spate_value *vals;
    size_t got;
    spate_err err = spate_rdd_take(r, 1, &vals, &got);
    *out = got == 0;
    return err;
}

spate_err spate_rdd_reduce(spate_rdd *r, spate_reduce_fn fn, void *ud, spate_value *out)
{
    spate_value *all;
    size_t n;
    spate_err err = spate_rdd_collect(r, &all, &n);
    if (err) return err;
    if (n == 0) return sp_scope_note_error(r->scope, SPATE_ERR_NOT_FOUND, "empty collection");
    spate_task t = {.scope = r->scope, .arena = sp_scope_arena(r->scope), .thread = -1};
    spate_value acc = all[0];
    for (size_t i = 1; i < n && !t.failed; i++)
        acc = fn(&t, acc, all[i], ud);
    if (t.failed) return SPATE_ERR_USER;
    *out = acc;
    return SPATE_OK;
}

/* top / takeOrdered: sort (key, element) pairs on the driver. */
typedef struct keyed {
    spate_value key, value;
} keyed;

static int keyed_asc(const void *a, const void *b)
{
    return spate_value_cmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

static int keyed_desc(const void *a, const void *b) { return -keyed_asc(a, b); }

static spate_err ordered(spate_rdd *r, size_t n, spate_map_fn key_fn, void *ud, bool desc,
                         spate_value **out, size_t *got)
{
    spate_value *all;
    size_t len;
    *got = 0;
    spate_err err = spate_rdd_collect(r, &all, &len);
    if (err) return err;
    keyed *items = sp_xmalloc(sizeof *items * (len ? len : 1));
    spate_task t = {.scope = r->scope, .arena = sp_scope_arena(r->scope), .thread = -1};
    for (size_t i = 0; i < len; i++)
        items[i] = (keyed){key_fn ? key_fn(&t, all[i], ud) : all[i], all[i]};
    qsort(items, len, sizeof *items, desc ? keyed_desc : keyed_asc);
    *got = len < n ? len : n;
    for (size_t i = 0; i < *got; i++)
        all[i] = items[i].value;
    free(items);
    *out = all;
    return t.failed ? SPATE_ERR_USER : SPATE_OK;
}

spate_err spate_rdd_top(spate_rdd *r, size_t n, spate_map_fn key_fn, void *ud, spate_value **out,
                        size_t *got)
{
    return ordered(r, n, key_fn, ud, true, out, got);
}

spate_err spate_rdd_take_ordered(spate_rdd *r, size_t n, spate_map_fn key_fn, void *ud,
                                 spate_value **out, size_t *got)
{
    return ordered(r, n, key_fn, ud, false, out, got);
}

spate_err spate_rdd_count_by_value(spate_rdd *r, spate_value **out, size_t *n)
{
    if (!r) return SPATE_ERR_INVALID_ARG;
    spate_rdd *counted = spate_rdd_reduce_by_key(spate_rdd_map(r, spate_fn_pair_with_one, NULL),
                                                 spate_fn_sum, NULL, r->nparts > 0 ? r->nparts : 1);
    return spate_rdd_collect(counted, out, n);
}

typedef struct foreach_job {
    spate_rdd *rdd;
    void (*fn)(spate_task *t, spate_value v, void *ud);
    void *ud;
} foreach_job;

typedef struct foreach_sink {
    spate_sink base;
    foreach_job *job;
} foreach_sink;

static void foreach_push(spate_sink *self, spate_value v)
{
    foreach_sink *s = (foreach_sink *)self;
    if (!self->task->failed) s->job->fn(self->task, v, s->job->ud);
}

static void foreach_task(spate_task *t, int part, void *ud)
{
    foreach_sink sink = {.base = {.push = foreach_push, .task = t}, .job = ud};
    sp_rdd_compute(sink.job->rdd, part, &sink.base);
}

spate_err spate_rdd_foreach(spate_rdd *r, void (*fn)(spate_task *t, spate_value v, void *ud),
                            void *ud)
{
    if (!r) return SPATE_ERR_INVALID_ARG;
    sp_exec *e = sp_scope_exec(r->scope);
    pthread_mutex_lock(&e->run_lock);
    spate_err err = sp_rdd_prepare(r);
    foreach_job j = {.rdd = r, .fn = fn, .ud = ud};
    if (!err) err = sp_job_run(r->scope, r->nparts, foreach_task, &j);
    pthread_mutex_unlock(&e->run_lock);
    return err;
}

spate_err sp_rdd_run_partitions(spate_rdd *r,
                                void (*fn)(int part, const spate_value *v, size_t n, void *ud),
                                void *ud)
{
    spate_value **parts;
    size_t *lens;
    spate_err err = sp_rdd_materialize(r, &parts, &lens);
    if (err) return err;
    for (int i = 0; i < r->nparts; i++)
        fn(i, parts[i], lens[i], ud);
    return SPATE_OK;
}
