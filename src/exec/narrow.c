/* narrow.c - the narrow operators, pipelined inside a task: each operator is
 * a sink stage on the task's stack that transforms an element and pushes it
 * to the next stage, so a chain map -> filter -> flatMap touches each element
 * once with no intermediate vectors. One ops table per operator, beside its
 * code. */
#include "exec/rdd_impl.h"

#include "base/arena.h"

#include <string.h>

/* The state of the operators that call a user function. */
typedef struct fn_state {
    union {
        spate_map_fn map;
        spate_flat_map_fn flat_map;
        spate_filter_fn filter;
        spate_map_partitions_fn map_parts;
    } fn;
    void *ud;
} fn_state;

static spate_rdd *narrow(spate_rdd *r, const sp_rdd_ops *ops, size_t state_size)
{
    return r ? sp_rdd_new(r->scope, ops, -1, &r, 1, state_size) : NULL;
}

static spate_rdd *with_fn(spate_rdd *r, const sp_rdd_ops *ops, fn_state f)
{
    spate_rdd *c = narrow(r, ops, sizeof f);
    if (c) *(fn_state *)c->state = f;
    return c;
}

/* A stage: the sink the parent's partition is pushed into. */
typedef struct stage {
    spate_sink base;
    spate_sink *next;
    const fn_state *f;
    spate_value key; /* flatMapValues: the key of the element being expanded */
    int64_t index;   /* zipWithIndex: the next index */
} stage;

/* Runs r's parent partition through a stage pushing with push. */
static void run_stage(spate_rdd *r, int part, spate_sink *out,
                      void (*push)(spate_sink *, spate_value))
{
    stage s = {.base = {.push = push, .task = out->task}, .next = out, .f = r->state};
    sp_rdd_compute(r->deps[0], part, &s.base);
}

/* ---- map ---- */

static void push_map(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    s->next->push(s->next, s->f->fn.map(self->task, v, s->f->ud));
}

static void map_compute(spate_rdd *r, int part, spate_sink *out)
{
    run_stage(r, part, out, push_map);
}

static const sp_rdd_ops MAP_OPS = {.name = "MapPartitionsRDD", .compute = map_compute};

spate_rdd *spate_rdd_map(spate_rdd *r, spate_map_fn fn, void *ud)
{
    return with_fn(r, &MAP_OPS, (fn_state){.fn.map = fn, .ud = ud});
}

/* ---- filter ---- */

static void push_filter(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    if (s->f->fn.filter(self->task, v, s->f->ud)) s->next->push(s->next, v);
}

static void filter_compute(spate_rdd *r, int part, spate_sink *out)
{
    run_stage(r, part, out, push_filter);
}

static const sp_rdd_ops FILTER_OPS = {.name = "MapPartitionsRDD", .compute = filter_compute};

spate_rdd *spate_rdd_filter(spate_rdd *r, spate_filter_fn fn, void *ud)
{
    return with_fn(r, &FILTER_OPS, (fn_state){.fn.filter = fn, .ud = ud});
}

/* ---- flatMap ---- */

static void push_flat_map(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    s->f->fn.flat_map(self->task, v, s->next, s->f->ud);
}

static void flat_map_compute(spate_rdd *r, int part, spate_sink *out)
{
    run_stage(r, part, out, push_flat_map);
}

static const sp_rdd_ops FLAT_MAP_OPS = {.name = "MapPartitionsRDD", .compute = flat_map_compute};

spate_rdd *spate_rdd_flat_map(spate_rdd *r, spate_flat_map_fn fn, void *ud)
{
    return with_fn(r, &FLAT_MAP_OPS, (fn_state){.fn.flat_map = fn, .ud = ud});
}

/* ---- mapValues ---- */

static void push_map_values(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    spate_value w = s->f->fn.map(self->task, spate_val(v), s->f->ud);
    s->next->push(s->next, spate_tuple2(self->task->arena, spate_key(v), w));
}

static void map_values_compute(spate_rdd *r, int part, spate_sink *out)
{
    run_stage(r, part, out, push_map_values);
}

static const sp_rdd_ops MAP_VALUES_OPS = {.name = "MapPartitionsRDD",
                                          .compute = map_values_compute};

spate_rdd *spate_rdd_map_values(spate_rdd *r, spate_map_fn fn, void *ud)
{
    return with_fn(r, &MAP_VALUES_OPS, (fn_state){.fn.map = fn, .ud = ud});
}

/* ---- flatMapValues: two stages, one receiving parent elements, which calls
 * the user's function with a keyed stage (re-attaching the key) as its
 * output ---- */

typedef struct fmv_stage {
    spate_sink base;
    stage keyed;
} fmv_stage;

static void push_keyed(spate_sink *self, spate_value w)
{
    stage *s = (stage *)self;
    s->next->push(s->next, spate_tuple2(self->task->arena, s->key, w));
}

static void push_fmv(spate_sink *self, spate_value v)
{
    fmv_stage *s = (fmv_stage *)self;
    s->keyed.key = spate_key(v);
    s->keyed.f->fn.flat_map(self->task, spate_val(v), &s->keyed.base, s->keyed.f->ud);
}

static void flat_map_values_compute(spate_rdd *r, int part, spate_sink *out)
{
    fmv_stage s = {.base = {.push = push_fmv, .task = out->task}};
    s.keyed = (stage){.base = {.push = push_keyed, .task = out->task}, .next = out, .f = r->state};
    sp_rdd_compute(r->deps[0], part, &s.base);
}

static const sp_rdd_ops FLAT_MAP_VALUES_OPS = {.name = "MapPartitionsRDD",
                                               .compute = flat_map_values_compute};

spate_rdd *spate_rdd_flat_map_values(spate_rdd *r, spate_flat_map_fn fn, void *ud)
{
    return with_fn(r, &FLAT_MAP_VALUES_OPS, (fn_state){.fn.flat_map = fn, .ud = ud});
}

/* ---- mapPartitions and glom: the whole partition at once ---- */

/* Collects the parent's partition; calls fn (mapPartitions) or, when fn is
 * NULL, pushes it as one array (glom). */
static void whole_partition(spate_rdd *r, int part, spate_sink *out, const fn_state *f)
{
    sp_vvec buf = {0};
    sp_collect_sink collect;
    sp_collect_sink_init(&collect, out->task, &buf);
    /* The collected elements must all live until the callback: sources under
     * this stage must not recycle memory (sp_task_recycle) in between, even
     * when the task is transient. */
    bool transient = out->task->transient;
    out->task->transient = false;
    sp_rdd_compute(r->deps[0], part, &collect.base);
    out->task->transient = transient;
    if (!out->task->failed) {
        if (!f)
            out->push(out, spate_array_of(out->task->arena, buf.data, buf.len));
        else
            f->fn.map_parts(out->task, buf.data, buf.len, out, f->ud);
    }
    sp_vvec_free(&buf);
}

static void map_partitions_compute(spate_rdd *r, int part, spate_sink *out)
{
    whole_partition(r, part, out, r->state);
}

static const sp_rdd_ops MAP_PARTITIONS_OPS = {.name = "MapPartitionsRDD",
                                              .compute = map_partitions_compute};

spate_rdd *spate_rdd_map_partitions(spate_rdd *r, spate_map_partitions_fn fn, void *ud)
{
    return with_fn(r, &MAP_PARTITIONS_OPS, (fn_state){.fn.map_parts = fn, .ud = ud});
}

static void glom_compute(spate_rdd *r, int part, spate_sink *out)
{
    whole_partition(r, part, out, NULL);
}

static const sp_rdd_ops GLOM_OPS = {.name = "MapPartitionsRDD", .compute = glom_compute};

spate_rdd *spate_rdd_glom(spate_rdd *r) { return narrow(r, &GLOM_OPS, 0); }

/* ---- zipWithIndex: a job counts the parent's partitions first ---- */

typedef struct zip_state {
    int64_t *offsets; /* first index of each partition, once prepared */
} zip_state;

static void push_zip_index(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    s->next->push(s->next, spate_tuple2(self->task->arena, v, spate_i64(s->index++)));
}

static void zip_compute(spate_rdd *r, int part, spate_sink *out)
{
    const zip_state *z = r->state;
    stage s = {.base = {.push = push_zip_index, .task = out->task},
               .next = out,
               .index = z->offsets[part]};
    sp_rdd_compute(r->deps[0], part, &s.base);
}

static spate_err zip_prepare(spate_rdd *r)
{
    int n = r->deps[0]->nparts;
    int64_t *counts =
        spate_arena_alloc(sp_scope_arena(r->scope), sizeof(int64_t) * (size_t)(n + 1));
    spate_err err = sp_rdd_count_partitions(r->deps[0], counts);
    if (err) return err;
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        int64_t c = counts[i];
        counts[i] = total;
        total += c;
    }
    ((zip_state *)r->state)->offsets = counts;
    return SPATE_OK;
}

static const sp_rdd_ops ZIP_INDEX_OPS = {
    .name = "ZippedWithIndexRDD", .compute = zip_compute, .prepare = zip_prepare};

spate_rdd *spate_rdd_zip_with_index(spate_rdd *r)
{
    return narrow(r, &ZIP_INDEX_OPS, sizeof(zip_state));
}

/* ---- union: the inputs' partitions one after the other ---- */

static void union_compute(spate_rdd *r, int part, spate_sink *out)
{
    for (int i = 0; i < r->ndeps; i++) {
        if (part < r->deps[i]->nparts) {
            sp_rdd_compute(r->deps[i], part, out);
            return;
        }
        part -= r->deps[i]->nparts;
    }
}

static int union_partitions(spate_rdd *r)
{
    int total = 0;
    for (int i = 0; i < r->ndeps; i++)
        total += r->deps[i]->nparts;
    return total;
}

static const sp_rdd_ops UNION_OPS = {
    .name = "UnionRDD", .compute = union_compute, .partitions = union_partitions};

spate_rdd *spate_rdd_union_n(spate_rdd **rdds, int n)
{
    if (n <= 0) return NULL;
    for (int i = 0; i < n; i++)
        if (!rdds[i]) return NULL;
    sp_scope *scope = rdds[0]->scope;
    for (int i = 1; i < n; i++)
        scope = sp_scope_shorter(scope, rdds[i]->scope);
    return sp_rdd_new(scope, &UNION_OPS, -1, rdds, n, 0);
}

spate_rdd *spate_rdd_union(spate_rdd *a, spate_rdd *b)
{
    spate_rdd *two[2] = {a, b};
    return spate_rdd_union_n(two, 2);
}

/* ---- coalesce: output partition i reads parent partitions
 * [bounds[i], bounds[i+1]) ---- */

typedef struct coalesce_state {
    int nparts;
    int *bounds;
} coalesce_state;

static void coalesce_compute(spate_rdd *r, int part, spate_sink *out)
{
    const coalesce_state *c = r->state;
    for (int p = c->bounds[part]; p < c->bounds[part + 1]; p++)
        sp_rdd_compute(r->deps[0], p, out);
}

static const sp_rdd_ops COALESCE_OPS = {.name = "CoalescedRDD", .compute = coalesce_compute};

spate_rdd *spate_rdd_coalesce(spate_rdd *r, int nparts)
{
    if (!r) return NULL;
    if (nparts <= 0 || nparts >= r->nparts) return r;
    spate_rdd *out = sp_rdd_new(r->scope, &COALESCE_OPS, nparts, &r, 1, sizeof(coalesce_state));
    coalesce_state *c = out->state;
    c->nparts = nparts;
    c->bounds = spate_arena_alloc(sp_scope_arena(r->scope), sizeof(int) * (size_t)(nparts + 1));
    for (int i = 0; i <= nparts; i++)
        c->bounds[i] = (int)((long long)i * r->nparts / nparts);
    return out;
}
