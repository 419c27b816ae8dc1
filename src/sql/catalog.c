/* catalog.c - a session's named relations (catalog.h): a sorted-on-demand
 * array of referenced tables under one mutex. Each table owns an arena with
 * copies of its name, schema, options and text; the last unref frees it.
 * Threads: every public function takes the catalog's lock; a table's
 * refcount is changed atomically. */
#include "sql/catalog.h"

#include "base/arena.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sp_catalog {
    pthread_mutex_t lock;
    bool case_sensitive;
    sp_catalog_table **tabs;
    size_t n, cap;
};

sp_catalog *sp_catalog_new(bool case_sensitive)
{
    sp_catalog *c = sp_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->case_sensitive = case_sensitive;
    return c;
}

void sp_catalog_free(sp_catalog *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++)
        sp_catalog_table_unref(c->tabs[i]);
    free(c->tabs);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static const char *cdup(spate_arena *a, const char *s)
{
    return s ? sp_arena_memdup(a, s, strlen(s) + 1) : NULL;
}

/* A deep copy of type t in a (primitives are singletons). */
static const sp_sql_type *copy_type(spate_arena *a, const sp_sql_type *t)
{
    if (!t) return NULL;
    switch (t->id) {
    case SP_SQL_DECIMAL:
        return sp_sql_decimal(a, t->precision, t->scale);
    case SP_SQL_ARRAY:
        return sp_sql_array(a, copy_type(a, t->elem), t->contains_null);
    case SP_SQL_MAP:
        return sp_sql_map(a, copy_type(a, t->elem), copy_type(a, t->value), t->contains_null);
    case SP_SQL_STRUCT: {
        sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(t->nfields ? t->nfields : 1));
        for (int i = 0; i < t->nfields; i++) {
            f[i] = t->fields[i];
            f[i].type = copy_type(a, t->fields[i].type);
        }
        return sp_sql_struct(a, f, t->nfields);
    }
    default:
        return sp_sql_prim(t->id);
    }
}

static sp_catalog_table *copy_table(const sp_catalog_table *t)
{
    spate_arena *a = spate_arena_new();
    sp_catalog_table *c = spate_arena_alloc(a, sizeof *c);
    *c = *t;
    c->arena = a;
    c->refs = 1;
    c->name = cdup(a, t->name);
    c->schema = copy_type(a, t->schema);
    c->format = cdup(a, t->format);
    c->text = cdup(a, t->text);
    c->wm_col = cdup(a, t->wm_col);
    c->wm_delay_text = cdup(a, t->wm_delay_text);
    c->keys = c->vals = NULL;
    if (t->nopts) {
        c->keys = spate_arena_alloc(a, sizeof *c->keys * t->nopts);
        c->vals = spate_arena_alloc(a, sizeof *c->vals * t->nopts);
        for (size_t i = 0; i < t->nopts; i++) {
            c->keys[i] = cdup(a, t->keys[i]);
            c->vals[i] = cdup(a, t->vals[i]);
        }
    }
    return c;
}

static bool same_name(const sp_catalog *c, const char *x, const char *y)
{
    return c->case_sensitive ? strcmp(x, y) == 0 : strcasecmp(x, y) == 0;
}

/* The slot of name, or -1. Caller holds the lock. */
static long find(const sp_catalog *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (same_name(c, c->tabs[i]->name, name)) return (long)i;
    return -1;
}

spate_err sp_catalog_put(sp_catalog *c, const sp_catalog_table *t, bool replace)
{
    if (!t || !t->name) return SPATE_ERR_INVALID_ARG;
    pthread_mutex_lock(&c->lock);
    long i = find(c, t->name);
    if (i >= 0 && !replace) {
        pthread_mutex_unlock(&c->lock);
        return SPATE_ERR_STATE;
    }
    sp_catalog_table *copy = copy_table(t);
    if (i >= 0) {
        sp_catalog_table_unref(c->tabs[i]);
        c->tabs[i] = copy;
    } else {
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 8;
            c->tabs = sp_xrealloc(c->tabs, c->cap * sizeof *c->tabs);
        }
        c->tabs[c->n++] = copy;
    }
    pthread_mutex_unlock(&c->lock);
    return SPATE_OK;
}

sp_catalog_table *sp_catalog_get(sp_catalog *c, const char *name)
{
    pthread_mutex_lock(&c->lock);
    long i = find(c, name);
    sp_catalog_table *t = i >= 0 ? c->tabs[i] : NULL;
    if (t) sp_catalog_table_ref(t);
    pthread_mutex_unlock(&c->lock);
    return t;
}

void sp_catalog_table_ref(sp_catalog_table *t)
{
    __atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
}

void sp_catalog_table_unref(sp_catalog_table *t)
{
    if (!t) return;
    if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0) spate_arena_destroy(t->arena);
}

bool sp_catalog_drop(sp_catalog *c, const char *name)
{
    pthread_mutex_lock(&c->lock);
    long i = find(c, name);
    if (i >= 0) {
        sp_catalog_table_unref(c->tabs[i]);
        memmove(&c->tabs[i], &c->tabs[i + 1], (c->n - (size_t)i - 1) * sizeof *c->tabs);
        c->n--;
    }
    pthread_mutex_unlock(&c->lock);
    return i >= 0;
}

static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

char **sp_catalog_names(sp_catalog *c, size_t *n)
{
    pthread_mutex_lock(&c->lock);
    char **names = sp_xmalloc((c->n ? c->n : 1) * sizeof *names);
    for (size_t i = 0; i < c->n; i++)
        names[i] = sp_xstrdup(c->tabs[i]->name);
    *n = c->n;
    pthread_mutex_unlock(&c->lock);
    qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

const char *sp_catalog_option(const sp_catalog_table *t, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; t && i < t->nopts; i++)
        if (strcasecmp(t->keys[i], key) == 0) v = t->vals[i];
    return v;
}
