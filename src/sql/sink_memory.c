/* sink_memory.c - the memory sink (Spark's MemorySink): a table named by the
 * query's queryName that other threads read while the query runs. Append
 * (and update, which Spark 4.0's MemorySink takes as append) adds each
 * batch's rows; complete replaces all rows with the batch's. The table
 * remembers the last batch id it took and skips a batch id it already has
 * (a batch re-run after a crash), as MemorySink.write does.
 *
 * The rows are copied into the table's own arena (complete mode starts a
 * new arena and drops the old one). Readers take copies under the table's
 * mutex (sp_memory_table_snapshot), so a reader never sees half a batch.
 *
 * Threads: add_batch on the query's thread; sp_memory_table_* on any
 * thread; the table lives until the sink and every reference let go. */
#include "sql/sink_int.h"

#include "base/arena.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct sp_memory_table {
    pthread_mutex_t mu;
    atomic_int refs;
    spate_arena *meta; /* the schema's copy */
    const sp_sql_type *schema;
    spate_arena *rows; /* the batches' copies (guarded by mu) */
    sp_colbatch **batches;
    size_t n, cap;
    int64_t last_batch_id; /* -1: none yet */
};

typedef struct memory_sink {
    sp_sink base;
    sp_memory_table *table;
} memory_sink;

/* A copy of src in a: the same columns (nested ones too), names and rows. */
static sp_colbatch *copy_batch(const sp_colbatch *src, spate_arena *a)
{
    return sp_colbatch_concat(&src, 1, a);
}

/* schema's copy in a (primitive and decimal fields; others shared). */
static const sp_sql_type *copy_schema(spate_arena *a, const sp_sql_type *schema)
{
    if (!schema || schema->id != SP_SQL_STRUCT) return schema;
    int n = schema->nfields;
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        f[i] = schema->fields[i];
        if (f[i].type->id == SP_SQL_DECIMAL)
            f[i].type = sp_sql_decimal(a, f[i].type->precision, f[i].type->scale);
    }
    return sp_sql_struct(a, f, n);
}

static void push_batch(sp_memory_table *t, sp_colbatch *b)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->batches = sp_xrealloc(t->batches, t->cap * sizeof *t->batches);
    }
    t->batches[t->n++] = b;
}

static const char *memory_description(sp_sink *s)
{
    (void)s;
    return "MemorySink";
}

static spate_err memory_add(sp_sink *s, int64_t batch_id, sp_output_mode mode,
                            const sp_colbatch *const *batches, size_t n, char *errstr,
                            size_t errstr_size)
{
    (void)errstr, (void)errstr_size;
    sp_memory_table *t = ((memory_sink *)s)->table;
    pthread_mutex_lock(&t->mu);
    if (t->last_batch_id >= 0 && batch_id <= t->last_batch_id) {
        pthread_mutex_unlock(&t->mu);
        return SPATE_OK; /* already committed: skipped */
    }
    spate_arena *old = NULL;
    if (mode == SP_OUTPUT_COMPLETE) {
        old = t->rows;
        t->rows = spate_arena_new();
        t->n = 0;
    }
    for (size_t i = 0; i < n; i++)
        if (batches[i]->length > 0) push_batch(t, copy_batch(batches[i], t->rows));
    t->last_batch_id = batch_id;
    pthread_mutex_unlock(&t->mu);
    if (old) spate_arena_destroy(old);
    return SPATE_OK;
}

static void memory_close(sp_sink *s)
{
    sp_memory_table_unref(((memory_sink *)s)->table);
    free(s);
}

static const sp_sink_ops memory_ops = {
    .description = memory_description, .add_batch = memory_add, .close = memory_close};

sp_sink *sp_sink_memory_open(const sp_sink_def *d, const sp_sql_type *schema,
                             const sp_sink_env *env, char *errstr, size_t errstr_size)
{
    if (!env || !env->query_name || !env->query_name[0]) {
        sp_sink_errf(errstr, errstr_size, "queryName must be specified for memory sink.");
        return NULL;
    }
    sp_memory_table *t = sp_xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    atomic_init(&t->refs, 1);
    t->meta = spate_arena_new();
    t->schema = copy_schema(t->meta, schema);
    t->rows = spate_arena_new();
    t->last_batch_id = -1;
    memory_sink *m = sp_xcalloc(1, sizeof *m);
    m->base.ops = &memory_ops;
    m->base.def = d;
    m->base.schema = schema;
    m->table = t;
    return &m->base;
}

sp_memory_table *sp_memory_sink_table(sp_sink *s)
{
    return s && s->ops == &memory_ops ? ((memory_sink *)s)->table : NULL;
}

void sp_memory_table_ref(sp_memory_table *t) { atomic_fetch_add(&t->refs, 1); }

void sp_memory_table_unref(sp_memory_table *t)
{
    if (!t || atomic_fetch_sub(&t->refs, 1) != 1) return;
    pthread_mutex_destroy(&t->mu);
    spate_arena_destroy(t->rows);
    spate_arena_destroy(t->meta);
    free(t->batches);
    free(t);
}

sp_colbatch **sp_memory_table_snapshot(sp_memory_table *t, spate_arena *a, size_t *n)
{
    pthread_mutex_lock(&t->mu);
    sp_colbatch **out = spate_arena_alloc(a, sizeof *out * (t->n ? t->n : 1));
    for (size_t i = 0; i < t->n; i++)
        out[i] = copy_batch(t->batches[i], a);
    *n = t->n;
    pthread_mutex_unlock(&t->mu);
    return out;
}

const sp_sql_type *sp_memory_table_schema(const sp_memory_table *t) { return t->schema; }
