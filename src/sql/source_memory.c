/* source_memory.c - Spark's MemoryStream: rows added from C, each add the
 * next offset (a LongOffset: 0 for the first add, JSON "0"); one partition
 * per added batch. Adds copy the rows into the stream (one arena per added
 * batch, dropped when the query commits past it); reads copy them into the
 * reading task's arena.
 *
 * Threads: add on any thread; the source's ops as source.h says. One mutex
 * guards the list of batches; a batch is immutable once added. */
#include "sql/source_int.h"

#include "base/arena.h"
#include "sql/type_column.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mem_entry {
    spate_arena *arena; /* NULL once committed */
    sp_colbatch *batch;
} mem_entry;

struct sp_memory_stream {
    pthread_mutex_t mu;
    spate_arena *arena; /* the schema */
    const sp_sql_type *schema;
    mem_entry *entries;
    int64_t n, cap;
    int64_t committed; /* entries [0, committed) are dropped */
};

typedef struct mem_source {
    sp_source base;
    sp_memory_stream *m;
    char desc[256];
} mem_source;

/* A copy of a field's type in a (primitive singletons are shared). */
static const sp_sql_type *copy_type(spate_arena *a, const sp_sql_type *t)
{
    if (t->id == SP_SQL_DECIMAL) return sp_sql_decimal(a, t->precision, t->scale);
    return t;
}

sp_memory_stream *sp_memory_stream_new(const sp_sql_type *schema)
{
    sp_memory_stream *m = sp_xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
    m->arena = spate_arena_new();
    int n = schema->nfields;
    sp_sql_field fields[n > 0 ? n : 1];
    for (int i = 0; i < n; i++) {
        fields[i] = schema->fields[i];
        fields[i].type = copy_type(m->arena, schema->fields[i].type);
    }
    m->schema = sp_sql_struct(m->arena, fields, n);
    return m;
}

void sp_memory_stream_free(sp_memory_stream *m)
{
    if (!m) return;
    for (int64_t i = 0; i < m->n; i++)
        if (m->entries[i].arena) spate_arena_destroy(m->entries[i].arena);
    free(m->entries);
    spate_arena_destroy(m->arena);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

/* Returns -1 when b's columns are not the schema's. */
int64_t sp_memory_stream_add(sp_memory_stream *m, const sp_colbatch *b)
{
    if (b->ncols != m->schema->nfields) return -1;
    spate_arena *a = spate_arena_new();
    for (int c = 0; c < b->ncols; c++) {
        sp_coltree t;
        if (!sp_sql_type_tree(a, m->schema->fields[c].type, &t) || t.spec.type != b->cols[c].type) {
            spate_arena_destroy(a);
            return -1;
        }
    }
    sp_colbatch *copy = sp_source_batch_copy(b, a);
    pthread_mutex_lock(&m->mu);
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->entries = sp_xrealloc(m->entries, (size_t)m->cap * sizeof *m->entries);
    }
    m->entries[m->n] = (mem_entry){a, copy};
    int64_t off = m->n++;
    pthread_mutex_unlock(&m->mu);
    return off;
}

sp_source_def *sp_memory_stream_def(sp_memory_stream *m)
{
    spate_arena *a = spate_arena_new();
    sp_source_def *d = spate_arena_alloc(a, sizeof *d);
    memset(d, 0, sizeof *d);
    d->arena = a;
    snprintf(d->format, sizeof d->format, "memory");
    d->schema = m->schema;
    d->memory = m;
    return d;
}

static const char *mem_description(sp_source *s) { return ((mem_source *)s)->desc; }

static spate_err mem_latest(sp_source *s, const char *start, char **out, char *errstr, size_t n)
{
    (void)start, (void)errstr, (void)n;
    sp_memory_stream *m = ((mem_source *)s)->m;
    pthread_mutex_lock(&m->mu);
    int64_t count = m->n;
    pthread_mutex_unlock(&m->mu);
    *out = count > 0 ? sp_source_long_json(count - 1) : NULL;
    return SPATE_OK;
}

/* (start, end] as batch indexes [*from, *to). */
static spate_err mem_range(const char *start, const char *end, int64_t *from, int64_t *to,
                           char *errstr, size_t n)
{
    int64_t s = -1, e;
    if ((start && !sp_source_parse_long(start, &s)) || !sp_source_parse_long(end, &e) || s > e) {
        snprintf(errstr, n, "memory source: bad offsets (%s, %s]", start ? start : "-1", end);
        return SPATE_ERR_INVALID_ARG;
    }
    *from = s + 1, *to = e + 1;
    return SPATE_OK;
}

static spate_err mem_plan(sp_source *s, const char *start, const char *end, spate_arena *a,
                          void ***parts, int *nparts, char *errstr, size_t n)
{
    sp_memory_stream *m = ((mem_source *)s)->m;
    int64_t from, to;
    spate_err e = mem_range(start, end, &from, &to, errstr, n);
    if (e) return e;
    pthread_mutex_lock(&m->mu);
    bool ok = from >= m->committed && to <= m->n;
    pthread_mutex_unlock(&m->mu);
    if (!ok) {
        snprintf(errstr, n, "memory source: offsets (%s, %s] are not buffered",
                 start ? start : "-1", end);
        return SPATE_ERR_STATE;
    }
    *nparts = (int)(to - from);
    *parts = spate_arena_alloc(a, (size_t)(to - from + 1) * sizeof **parts);
    for (int64_t i = from; i < to; i++) {
        int64_t *p = spate_arena_alloc(a, sizeof *p);
        *p = i;
        (*parts)[i - from] = p;
    }
    return SPATE_OK;
}

static spate_err mem_read(sp_source *s, void *part, spate_arena *a, sp_source_emit_fn emit,
                          void *ud, sp_source_counters *c, char *errstr, size_t n)
{
    sp_memory_stream *m = ((mem_source *)s)->m;
    int64_t i = *(int64_t *)part;
    pthread_mutex_lock(&m->mu);
    sp_colbatch *b = i < m->n && m->entries[i].arena ? m->entries[i].batch : NULL;
    pthread_mutex_unlock(&m->mu);
    if (!b) {
        snprintf(errstr, n, "memory source: batch %lld was committed", (long long)i);
        return SPATE_ERR_STATE;
    }
    sp_colbatch *copy = sp_source_batch_copy(b, a);
    c->rows += copy->length;
    if (copy->length > 0 && !emit(copy, ud)) return SPATE_ERR_USER;
    return SPATE_OK;
}

static void mem_commit(sp_source *s, const char *end)
{
    sp_memory_stream *m = ((mem_source *)s)->m;
    int64_t e;
    if (!sp_source_parse_long(end, &e)) return;
    pthread_mutex_lock(&m->mu);
    for (; m->committed <= e && m->committed < m->n; m->committed++) {
        spate_arena_destroy(m->entries[m->committed].arena);
        m->entries[m->committed].arena = NULL;
    }
    pthread_mutex_unlock(&m->mu);
}

static void mem_close(sp_source *s) { free(s); }

static const sp_source_ops mem_ops = {
    .description = mem_description,
    .latest = mem_latest,
    .plan = mem_plan,
    .read = mem_read,
    .commit = mem_commit,
    .close = mem_close,
};

sp_source *sp_source_memory_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                                 size_t n)
{
    (void)env;
    if (!d->memory) {
        snprintf(errstr, n, "memory source: no memory stream in the definition");
        return NULL;
    }
    mem_source *s = sp_xcalloc(1, sizeof *s);
    s->base.ops = &mem_ops;
    s->base.def = d;
    s->m = d->memory;
    size_t off = (size_t)snprintf(s->desc, sizeof s->desc, "MemoryStream[");
    for (int i = 0; i < d->schema->nfields && off < sizeof s->desc; i++)
        off += (size_t)snprintf(s->desc + off, sizeof s->desc - off, "%s%s", i ? "," : "",
                                d->schema->fields[i].name);
    if (off < sizeof s->desc) snprintf(s->desc + off, sizeof s->desc - off, "]");
    return &s->base;
}
