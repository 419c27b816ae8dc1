/* rdd.c - RDD lineage and the narrow operators, pipelined inside a task: each
 * operator is a sink stage on the task's stack that transforms an element and
 * pushes it to the next stage, so a chain map -> filter -> flatMap touches each
 * element once with no intermediate vectors. */
#include "exec/rdd_impl.h"

#include "base/arena.h"

#include <string.h>

spate_rdd *sp_rdd_alloc(sp_scope *scope, rdd_kind kind, int nparts, spate_rdd *parent)
{
    spate_rdd *r = spate_arena_alloc(sp_scope_arena(scope), sizeof *r);
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->scope = scope;
    r->nparts = nparts;
    r->parent = parent;
    return r;
}

sp_scope *sp_rdd_scope(const spate_rdd *r) { return r->scope; }
int spate_rdd_num_partitions(const spate_rdd *r) { return r->nparts; }
spate_arena *spate_rdd_arena(const spate_rdd *r) { return sp_scope_arena(r->scope); }
const char *spate_rdd_last_error(const spate_rdd *r) { return sp_scope_errmsg(r->scope); }

spate_rdd *sp_rdd_source(sp_scope *scope, int nparts, sp_source_fn fn, void *ud)
{
    spate_rdd *r = sp_rdd_alloc(scope, K_SOURCE, nparts, NULL);
    r->fn.source = fn;
    r->ud = ud;
    return r;
}

spate_rdd *sp_rdd_from_parts(sp_scope *scope, int nparts, spate_value **parts, size_t *lens)
{
    spate_rdd *r = sp_rdd_alloc(scope, K_PARTS, nparts, NULL);
    r->parts = parts;
    r->lens = lens;
    r->prepared = true;
    return r;
}

spate_rdd *sp_rdd_prepared(sp_scope *scope, int nparts, spate_rdd **deps, int ndeps,
                           sp_prepare_fn fn, void *ud)
{
    spate_rdd *r = sp_rdd_alloc(scope, K_PREPARED, nparts, NULL);
    spate_arena *a = sp_scope_arena(scope);
    r->prepare = fn;
    r->ud = ud;
    r->inputs = spate_arena_alloc(a, sizeof *r->inputs * (size_t)(ndeps ? ndeps : 1));
    for (int i = 0; i < ndeps; i++)
        if (deps[i]) r->inputs[r->ninputs++] = deps[i];
    r->parts = spate_arena_alloc(a, sizeof *r->parts * (size_t)(nparts ? nparts : 1));
    r->lens = spate_arena_alloc(a, sizeof *r->lens * (size_t)(nparts ? nparts : 1));
    for (int i = 0; i < nparts; i++) {
        r->parts[i] = NULL;
        r->lens[i] = 0;
    }
    return r;
}

spate_rdd *sp_rdd_parallelize(sp_scope *scope, const spate_value *values, size_t n, int nparts)
{
    spate_arena *a = sp_scope_arena(scope);
    if (nparts <= 0) nparts = sp_scope_exec(scope)->default_parallelism;
    spate_value **parts = spate_arena_alloc(a, sizeof *parts * (size_t)nparts);
    size_t *lens = spate_arena_alloc(a, sizeof *lens * (size_t)nparts);
    /* Spark's ParallelCollectionRDD slicing: partition i gets [i*n/p, (i+1)*n/p). */
    for (int i = 0; i < nparts; i++) {
        size_t start = (size_t)((unsigned long long)i * n / (unsigned)nparts);
        size_t end = (size_t)((unsigned long long)(i + 1) * n / (unsigned)nparts);
        lens[i] = end - start;
        parts[i] = spate_arena_alloc(a, sizeof(spate_value) * (lens[i] ? lens[i] : 1));
        for (size_t j = start; j < end; j++)
            parts[i][j - start] = spate_value_copy(a, values[j]);
    }
    return sp_rdd_from_parts(scope, nparts, parts, lens);
}

spate_rdd *sp_rdd_empty(sp_scope *scope) { return sp_rdd_from_parts(scope, 0, NULL, NULL); }

spate_rdd *spate_rdd_parallelize_like(const spate_rdd *like, const spate_value *values, size_t n,
                                      int nparts)
{
    return sp_rdd_parallelize(like->scope, values, n, nparts);
}

spate_rdd *spate_rdd_empty_like(const spate_rdd *like) { return sp_rdd_empty(like->scope); }

/* ---- narrow constructors ---- */

static spate_rdd *narrow(spate_rdd *r, rdd_kind kind, void *ud)
{
    if (!r) return NULL;
    spate_rdd *c = sp_rdd_alloc(r->scope, kind, r->nparts, r);
    c->ud = ud;
    return c;
}

spate_rdd *spate_rdd_map(spate_rdd *r, spate_map_fn fn, void *ud)
{
    spate_rdd *c = narrow(r, K_MAP, ud);
    if (c) c->fn.map = fn;
    return c;
}

spate_rdd *spate_rdd_flat_map(spate_rdd *r, spate_flat_map_fn fn, void *ud)
{
    spate_rdd *c = narrow(r, K_FLAT_MAP, ud);
    if (c) c->fn.flat_map = fn;
    return c;
}

spate_rdd *spate_rdd_filter(spate_rdd *r, spate_filter_fn fn, void *ud)
{
    spate_rdd *c = narrow(r, K_FILTER, ud);
    if (c) c->fn.filter = fn;
    return c;
}

spate_rdd *spate_rdd_map_partitions(spate_rdd *r, spate_map_partitions_fn fn, void *ud)
{
    spate_rdd *c = narrow(r, K_MAP_PARTITIONS, ud);
    if (c) c->fn.map_parts = fn;
    return c;
}

spate_rdd *spate_rdd_glom(spate_rdd *r) { return narrow(r, K_GLOM, NULL); }

spate_rdd *spate_rdd_map_values(spate_rdd *r, spate_map_fn fn, void *ud)
{
    spate_rdd *c = narrow(r, K_MAP_VALUES, ud);
    if (c) c->fn.map = fn;
    return c;
}

spate_rdd *spate_rdd_flat_map_values(spate_rdd *r, spate_flat_map_fn fn, void *ud)
{
    spate_rdd *c = narrow(r, K_FLAT_MAP_VALUES, ud);
    if (c) c->fn.flat_map = fn;
    return c;
}

spate_rdd *spate_rdd_zip_with_index(spate_rdd *r) { return narrow(r, K_ZIP_INDEX, NULL); }

spate_rdd *spate_rdd_union_n(spate_rdd **rdds, int n)
{
    if (n <= 0) return NULL;
    int total = 0;
    for (int i = 0; i < n; i++) {
        if (!rdds[i]) return NULL;
        total += rdds[i]->nparts;
    }
    sp_scope *scope = rdds[0]->scope;
    for (int i = 1; i < n; i++)
        scope = sp_scope_shorter(scope, rdds[i]->scope);
    spate_rdd *c = sp_rdd_alloc(scope, K_UNION, total, NULL);
    c->inputs = spate_arena_alloc(sp_scope_arena(c->scope), sizeof *c->inputs * (size_t)n);
    memcpy(c->inputs, rdds, sizeof *rdds * (size_t)n);
    c->ninputs = n;
    return c;
}

spate_rdd *spate_rdd_union(spate_rdd *a, spate_rdd *b)
{
    spate_rdd *two[2] = {a, b};
    return spate_rdd_union_n(two, 2);
}

spate_rdd *spate_rdd_coalesce(spate_rdd *r, int nparts)
{
    if (!r) return NULL;
    if (nparts <= 0 || nparts >= r->nparts) return r;
    spate_rdd *c = narrow(r, K_COALESCE, NULL);
    c->nparts = nparts;
    c->bounds = spate_arena_alloc(sp_scope_arena(r->scope), sizeof(int) * (size_t)(nparts + 1));
    for (int i = 0; i <= nparts; i++)
        c->bounds[i] = (int)((long long)i * r->nparts / nparts);
    return c;
}

/* ---- stages ---- */

typedef struct stage {
    spate_sink base;
    spate_sink *next;
    spate_rdd *rdd;
    spate_value key; /* flatMapValues: the key of the element being expanded */
    int64_t index;   /* zipWithIndex: the next index */
} stage;

static void push_map(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    s->next->push(s->next, s->rdd->fn.map(self->task, v, s->rdd->ud));
}

static void push_filter(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    if (s->rdd->fn.filter(self->task, v, s->rdd->ud)) s->next->push(s->next, v);
}

static void push_flat_map(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    s->rdd->fn.flat_map(self->task, v, s->next, s->rdd->ud);
}

static void push_map_values(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    spate_value w = s->rdd->fn.map(self->task, spate_val(v), s->rdd->ud);
    s->next->push(s->next, spate_tuple2(self->task->arena, spate_key(v), w));
}

/* flatMapValues: the user's callback emits into this stage, which re-attaches the key. */
static void push_keyed(spate_sink *self, spate_value w)
{
    stage *s = (stage *)self;
    s->next->push(s->next, spate_tuple2(self->task->arena, s->key, w));
}

static void push_zip_index(spate_sink *self, spate_value v)
{
    stage *s = (stage *)self;
    s->next->push(s->next, spate_tuple2(self->task->arena, v, spate_i64(s->index++)));
}

static void compute_whole_partition(spate_rdd *r, int part, spate_sink *out)
{
    sp_vvec buf = {0};
    sp_collect_sink collect;
    sp_collect_sink_init(&collect, out->task, &buf);
    /* The collected elements must all live until the callback: sources under
     * this stage must not recycle memory (sp_task_recycle) in between, even
     * when the task is transient. */
    bool transient = out->task->transient;
    out->task->transient = false;
    sp_rdd_compute(r->parent, part, &collect.base);
    out->task->transient = transient;
    if (!out->task->failed) {
        if (r->kind == K_GLOM) {
            out->push(out, spate_array_of(out->task->arena, buf.data, buf.len));
        } else {
            r->fn.map_parts(out->task, buf.data, buf.len, out, r->ud);
        }
    }
    sp_vvec_free(&buf);
}

static void compute_union(spate_rdd *r, int part, spate_sink *out)
{
    for (int i = 0; i < r->ninputs; i++) {
        if (part < r->inputs[i]->nparts) {
            sp_rdd_compute(r->inputs[i], part, out);
            return;
        }
        part -= r->inputs[i]->nparts;
    }
}

/* The values are the scope's; in a transient task what the chain above
 * allocates per element is recycled every 1024 elements, as sources do. */
static void compute_parts(spate_rdd *r, int part, spate_sink *out)
{
    const spate_value *v = r->parts[part];
    size_t n = r->lens[part];
    spate_task *t = out->task;
    sp_arena_mark mark = sp_arena_get_mark(t->arena);
    for (size_t i = 0; i < n && !t->failed; i++) {
        out->push(out, v[i]);
        if ((i & 1023) == 1023) sp_task_recycle(t, mark);
    }
}

static void compute_flat_map_values(spate_rdd *r, int part, spate_sink *out);

void sp_rdd_compute(spate_rdd *r, int part, spate_sink *out)
{
    stage s = {.base = {.task = out->task}, .next = out, .rdd = r};
    switch (r->kind) {
    case K_SOURCE:
        r->fn.source(out->task, part, out, r->ud);
        return;
    case K_PREPARED:
        /* A job that prepared a child of r before r was persisted does not
         * prepare r: it computes r's parent as if r were not persisted. */
        if (!r->prepared && sp_rdd_is_cache(r)) {
            sp_rdd_compute(r->inputs[0], part, out);
            return;
        }
        compute_parts(r, part, out);
        return;
    case K_PARTS:
    case K_SHUFFLED:
        compute_parts(r, part, out);
        return;
    case K_MAP:
        s.base.push = push_map;
        break;
    case K_FILTER:
        s.base.push = push_filter;
        break;
    case K_FLAT_MAP:
        s.base.push = push_flat_map;
        break;
    case K_MAP_VALUES:
        s.base.push = push_map_values;
        break;
    case K_FLAT_MAP_VALUES:
        compute_flat_map_values(r, part, out);
        return;
    case K_ZIP_INDEX:
        s.base.push = push_zip_index;
        s.index = r->offsets[part];
        break;
    case K_MAP_PARTITIONS:
    case K_GLOM:
        compute_whole_partition(r, part, out);
        return;
    case K_UNION:
        compute_union(r, part, out);
        return;
    case K_COALESCE:
        for (int p = r->bounds[part]; p < r->bounds[part + 1]; p++)
            sp_rdd_compute(r->parent, p, out);
        return;
    }
    sp_rdd_compute(r->parent, part, &s.base);
}

/* flatMapValues needs two stages: one receiving parent elements, which calls
 * the user's function with a keyed stage as its output. */
typedef struct fmv_stage {
    spate_sink base;
    stage keyed;
    spate_rdd *rdd;
} fmv_stage;

static void push_fmv(spate_sink *self, spate_value v)
{
    fmv_stage *s = (fmv_stage *)self;
    s->keyed.key = spate_key(v);
    s->rdd->fn.flat_map(self->task, spate_val(v), &s->keyed.base, s->rdd->ud);
}

static void compute_flat_map_values(spate_rdd *r, int part, spate_sink *out)
{
    fmv_stage s = {.base = {.push = push_fmv, .task = out->task}, .rdd = r};
    s.keyed = (stage){.base = {.push = push_keyed, .task = out->task}, .next = out, .rdd = r};
    sp_rdd_compute(r->parent, part, &s.base);
}
