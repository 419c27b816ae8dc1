/* rdd.c - the generic RDD node (its operator is an ops table, rdd_ops.h), the
 * entry points every action goes through (compute, prepare), and the nodes
 * exec makes for sources: a callback's partitions, values in memory, and
 * partitions a driver-side callback makes once. */
#include "exec/rdd_impl.h"

#include "base/arena.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

spate_rdd *sp_rdd_new(sp_scope *scope, const sp_rdd_ops *ops, int nparts, spate_rdd *const *deps,
                      int ndeps, size_t state_size)
{
    assert(ops && ops->name && ops->compute);
    spate_arena *a = sp_scope_arena(scope);
    spate_rdd *r = spate_arena_alloc(a, sizeof *r);
    memset(r, 0, sizeof *r);
    r->ops = ops;
    r->scope = scope;
    if (ndeps > 0) {
        r->deps = spate_arena_alloc(a, sizeof *r->deps * (size_t)ndeps);
        memcpy(r->deps, deps, sizeof *r->deps * (size_t)ndeps);
        r->ndeps = ndeps;
    }
    if (state_size) {
        r->state = spate_arena_alloc(a, state_size);
        memset(r->state, 0, state_size);
    }
    if (nparts < 0)
        nparts = ops->partitions ? ops->partitions(r) : r->ndeps ? r->deps[0]->nparts : 0;
    r->nparts = nparts;
    return r;
}

void *sp_rdd_state(const spate_rdd *r) { return r->state; }
const sp_rdd_ops *sp_rdd_get_ops(const spate_rdd *r) { return r->ops; }
bool sp_rdd_is(const spate_rdd *r, const sp_rdd_ops *ops) { return r && r->ops == ops; }
sp_scope *sp_rdd_scope(const spate_rdd *r) { return r->scope; }
bool sp_rdd_is_prepared(const spate_rdd *r) { return r->prepared; }
int spate_rdd_num_partitions(const spate_rdd *r) { return r->nparts; }
spate_arena *spate_rdd_arena(const spate_rdd *r) { return sp_scope_arena(r->scope); }
const char *spate_rdd_last_error(const spate_rdd *r) { return sp_scope_errmsg(r->scope); }

int sp_rdd_num_deps(spate_rdd *r)
{
    spate_rdd *const *deps;
    return r->ops->dependencies ? r->ops->dependencies(r, &deps) : r->ndeps;
}

spate_rdd *sp_rdd_dep(spate_rdd *r, int i)
{
    spate_rdd *const *deps = r->deps;
    int n = r->ops->dependencies ? r->ops->dependencies(r, &deps) : r->ndeps;
    return i >= 0 && i < n ? deps[i] : NULL;
}

void sp_rdd_set_parts(spate_rdd *r, spate_value **parts, size_t *lens)
{
    r->parts = parts;
    r->lens = lens;
}

const spate_value *sp_rdd_partition(const spate_rdd *r, int part, size_t *n)
{
    *n = 0;
    if (!r || !(r->ops->flags & SP_RDD_IN_MEMORY) || !r->prepared || !r->parts || part < 0 ||
        part >= r->nparts)
        return NULL;
    *n = r->lens[part];
    return r->parts[part];
}

void sp_rdd_compute(spate_rdd *r, int part, spate_sink *out) { r->ops->compute(r, part, out); }

spate_err sp_rdd_prepare(spate_rdd *r)
{
    if (r->prepared) return SPATE_OK;
    sp_exec *e = sp_scope_exec(r->scope);
    pthread_mutex_lock(&e->run_lock);
    spate_err err = SPATE_OK;
    int n = sp_rdd_num_deps(r);
    for (int i = 0; i < n && !err; i++)
        err = sp_rdd_prepare(sp_rdd_dep(r, i));
    if (!err && r->ops->prepare) err = r->ops->prepare(r);
    if (!err) r->prepared = true;
    pthread_mutex_unlock(&e->run_lock);
    return err;
}

/* ---- toDebugString ---- */

typedef struct dbg_buf {
    char *buf;
    size_t size, len;
} dbg_buf;

static void dbg_put(dbg_buf *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void dbg_put(dbg_buf *d, const char *fmt, ...)
{
    size_t room = d->len < d->size ? d->size - d->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(room ? d->buf + d->len : NULL, room, fmt, ap);
    va_end(ap);
    if (k > 0) d->len += (size_t)k;
}

/* Spark's layout: a stage's first node shows its partition count; narrow
 * dependencies follow under " |  ", a shuffle dependency starts a new stage
 * under " +-" and indents what is below it. */
static void dbg_node(dbg_buf *d, spate_rdd *r, const char *lead, const char *prefix, bool count,
                     int depth)
{
    dbg_put(d, "%s", lead);
    if (count) dbg_put(d, "(%d) ", r->nparts);
    dbg_put(d, "%s", r->ops->name);
    if (r->storage_level != SPATE_STORAGE_NONE)
        dbg_put(d, " [%s]", spate_storage_level_name(r->storage_level));
    dbg_put(d, "\n");
    if (depth >= 32) return; /* a deeper lineage is printed cut */
    bool wide = r->ops->flags & SP_RDD_WIDE;
    char sub_lead[160], sub_prefix[160];
    /* at most 32 levels of 3 or 4 bytes: the prefix never nears 150 */
    snprintf(sub_lead, sizeof sub_lead, "%.150s%s", prefix, wide ? " +-" : " |  ");
    snprintf(sub_prefix, sizeof sub_prefix, "%.150s%s", prefix, wide ? "   " : "");
    for (int i = 0, n = sp_rdd_num_deps(r); i < n; i++)
        dbg_node(d, sp_rdd_dep(r, i), sub_lead, sub_prefix, wide, depth + 1);
}

size_t sp_rdd_debug_string(spate_rdd *r, char *buf, size_t size)
{
    dbg_buf d = {.buf = buf, .size = size};
    if (size) buf[0] = '\0';
    if (r) dbg_node(&d, r, "", "", true, 0);
    return d.len;
}

/* ---- sources ---- */

/* The values are the scope's; in a transient task what the chain above
 * allocates per element is recycled every 1024 elements, as sources do. */
void sp_rdd_compute_parts(spate_rdd *r, int part, spate_sink *out)
{
    if (!r->parts) return;
    const spate_value *v = r->parts[part];
    size_t n = r->lens[part];
    spate_task *t = out->task;
    sp_arena_mark mark = sp_arena_get_mark(t->arena);
    for (size_t i = 0; i < n && !t->failed; i++) {
        out->push(out, v[i]);
        if ((i & 1023) == 1023) sp_task_recycle(t, mark);
    }
}

typedef struct source_state {
    sp_source_fn fn;
    void *ud;
} source_state;

static void source_compute(spate_rdd *r, int part, spate_sink *out)
{
    source_state *s = r->state;
    s->fn(out->task, part, out, s->ud);
}

static const sp_rdd_ops SOURCE_OPS = {.name = "SourceRDD", .compute = source_compute};

spate_rdd *sp_rdd_source(sp_scope *scope, int nparts, sp_source_fn fn, void *ud)
{
    spate_rdd *r = sp_rdd_new(scope, &SOURCE_OPS, nparts, NULL, 0, sizeof(source_state));
    source_state *s = r->state;
    s->fn = fn;
    s->ud = ud;
    return r;
}

void *sp_rdd_source_ud(const spate_rdd *r, sp_source_fn fn)
{
    if (!sp_rdd_is(r, &SOURCE_OPS)) return NULL;
    const source_state *s = r->state;
    return s->fn == fn ? s->ud : NULL;
}

static const sp_rdd_ops PARTS_OPS = {
    .name = "ParallelCollectionRDD", .compute = sp_rdd_compute_parts, .flags = SP_RDD_IN_MEMORY};

spate_rdd *sp_rdd_from_parts(sp_scope *scope, int nparts, spate_value **parts, size_t *lens)
{
    spate_rdd *r = sp_rdd_new(scope, &PARTS_OPS, nparts, NULL, 0, 0);
    sp_rdd_set_parts(r, parts, lens);
    r->prepared = true;
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

/* ---- partitions made once by a driver-side callback ---- */

typedef struct prepared_state {
    sp_prepare_fn fn;
    void *ud;
} prepared_state;

static spate_err prepared_prepare(spate_rdd *r)
{
    prepared_state *s = r->state;
    return s->fn(r, r->parts, r->lens, s->ud);
}

static const sp_rdd_ops PREPARED_OPS = {.name = "PreparedRDD",
                                        .compute = sp_rdd_compute_parts,
                                        .prepare = prepared_prepare,
                                        .flags = SP_RDD_IN_MEMORY};

spate_rdd *sp_rdd_prepared(sp_scope *scope, int nparts, spate_rdd **deps, int ndeps,
                           sp_prepare_fn fn, void *ud)
{
    spate_rdd *given[SP_MAX_PREPARED_DEPS];
    int n = 0;
    assert(ndeps <= SP_MAX_PREPARED_DEPS);
    for (int i = 0; i < ndeps; i++)
        if (deps[i]) given[n++] = deps[i];
    spate_rdd *r = sp_rdd_new(scope, &PREPARED_OPS, nparts, given, n, sizeof(prepared_state));
    prepared_state *s = r->state;
    s->fn = fn;
    s->ud = ud;
    spate_arena *a = sp_scope_arena(scope);
    r->parts = spate_arena_alloc(a, sizeof *r->parts * (size_t)(nparts ? nparts : 1));
    r->lens = spate_arena_alloc(a, sizeof *r->lens * (size_t)(nparts ? nparts : 1));
    for (int i = 0; i < nparts; i++) {
        r->parts[i] = NULL;
        r->lens[i] = 0;
    }
    return r;
}

void *sp_rdd_prepared_ud(const spate_rdd *r)
{
    return sp_rdd_is(r, &PREPARED_OPS) ? ((const prepared_state *)r->state)->ud : NULL;
}
