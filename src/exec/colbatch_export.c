/* colbatch_export.c - a column batch handed out through the Arrow C Data
 * Interface without a copy: the ArrowArray's buffers are the batch's own.
 *
 * The spec's release rules: the consumer releases the base structure once;
 * the producer releases the children, except a child the consumer moved out
 * (copied, setting the original's release to NULL), which the consumer
 * releases itself, maybe after the base. So each export is one malloc'd
 * block (the children and buffer pointer arrays) counted by the base and by
 * every child: the last release frees it, and tells the batch one export
 * fewer is live. The schema is made the same way, with its names copied into
 * its block (it does not depend on the batch's memory). */
#include "exec/colbatch.h"

#include "base/arena.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *sp_coltype_arrow_format(sp_coltype t)
{
    switch (t) {
    case SP_COL_BOOL:
        return "b";
    case SP_COL_I32:
        return "i";
    case SP_COL_I64:
        return "l";
    case SP_COL_F64:
        return "g";
    case SP_COL_UTF8:
        return "u";
    case SP_COL_TIMESTAMP:
        return "tsu:UTC"; /* Spark's TimestampType is an instant (Arrow: with a zone) */
    case SP_COL_I8:
        return "c";
    case SP_COL_I16:
        return "s";
    case SP_COL_F32:
        return "f";
    case SP_COL_DATE32:
        return "tdD";
    case SP_COL_DECIMAL128:
        return "d:38,18";
    case SP_COL_BINARY:
        return "z";
    case SP_COL_TIMESTAMP_NTZ:
        return "tsu:"; /* a wall-clock time: Arrow's timestamp with an empty zone */
    case SP_COL_LIST:
        return "+l";
    case SP_COL_STRUCT:
        return "+s";
    case SP_COL_MAP:
        return "+m";
    }
    return "n";
}

int sp_colbatch_live_exports(const sp_colbatch *b)
{
    return atomic_load(&((sp_colbatch *)b)->exports);
}

/* Columns in the tree under c, c included. */
static size_t tree_nodes(const sp_column *c)
{
    size_t n = 1;
    for (int i = 0; i < c->nchildren; i++)
        n += tree_nodes(&c->children[i]);
    return n;
}

static size_t batch_nodes(const sp_colbatch *b)
{
    size_t n = 0;
    for (int i = 0; i < b->ncols; i++)
        n += tree_nodes(&b->cols[i]);
    return n;
}

/* Rows of c's children when c has length rows. */
static int64_t child_length(const sp_column *c, int64_t length)
{
    return c->type == SP_COL_STRUCT ? length : sp_col_elements(c, length);
}

/* ---- the array ---- */

typedef struct array_block {
    atomic_int refs; /* the base, and each node under it not released */
    sp_colbatch *batch;
    struct ArrowArray **child_ptrs; /* one per node: a node's children are adjacent */
    struct ArrowArray *children;
    const void **buffers; /* [0]: the struct's validity, then 3 per node */
    size_t next;          /* while filling: the next free node */
} array_block;

static void array_block_unref(array_block *k)
{
    if (atomic_fetch_sub(&k->refs, 1) != 1) return;
    atomic_fetch_sub(&k->batch->exports, 1);
    free(k);
}

/* The base's and every child's: releases the children not moved out. */
static void release_array(struct ArrowArray *a)
{
    array_block *k = a->private_data;
    for (int64_t i = 0; i < a->n_children; i++) {
        struct ArrowArray *c = a->children[i];
        if (c->release) c->release(c);
    }
    a->release = NULL;
    array_block_unref(k);
}

static void fill_children_arrays(struct ArrowArray *a, const sp_column *c, int64_t length,
                                 array_block *k);

static void fill_child_array(struct ArrowArray *a, const sp_column *c, int64_t length,
                             const void **buffers, array_block *k)
{
    *a = (struct ArrowArray){.length = length,
                             .null_count = c->null_count,
                             .buffers = buffers,
                             .release = release_array,
                             .private_data = k};
    buffers[0] = c->null_count ? c->validity : NULL; /* the spec allows NULL without nulls */
    if (sp_coltype_is_varlen(c->type)) {
        a->n_buffers = 3;
        buffers[1] = c->offsets;
        buffers[2] = c->chars;
    } else if (c->type == SP_COL_STRUCT) {
        a->n_buffers = 1;
    } else {
        a->n_buffers = 2;
        buffers[1] =
            c->type == SP_COL_LIST || c->type == SP_COL_MAP ? (void *)c->offsets : c->values;
    }
    if (c->nchildren) fill_children_arrays(a, c, length, k);
}

static void fill_children_arrays(struct ArrowArray *a, const sp_column *c, int64_t length,
                                 array_block *k)
{
    size_t first = k->next;
    k->next += (size_t)c->nchildren;
    a->n_children = c->nchildren;
    a->children = &k->child_ptrs[first];
    for (int i = 0; i < c->nchildren; i++) {
        size_t at = first + (size_t)i;
        k->child_ptrs[at] = &k->children[at];
        fill_child_array(&k->children[at], &c->children[i], child_length(c, length),
                         &k->buffers[1 + 3 * at], k);
    }
}

static void export_array(sp_colbatch *b, struct ArrowArray *out)
{
    size_t n = batch_nodes(b);
    size_t size = sizeof(array_block) + n * sizeof(struct ArrowArray *) +
                  n * sizeof(struct ArrowArray) + (1 + 3 * n) * sizeof(const void *);
    array_block *k = sp_xmalloc(size);
    char *p = (char *)(k + 1);
    k->child_ptrs = (struct ArrowArray **)p;
    p += n * sizeof(struct ArrowArray *);
    k->children = (struct ArrowArray *)p;
    p += n * sizeof(struct ArrowArray);
    k->buffers = (const void **)p;
    k->batch = b;
    k->next = (size_t)b->ncols;
    atomic_init(&k->refs, 1 + (int)n);
    atomic_fetch_add(&b->exports, 1);
    k->buffers[0] = NULL; /* a struct array with no null row */
    for (size_t i = 0; i < (size_t)b->ncols; i++) {
        fill_child_array(&k->children[i], &b->cols[i], b->length, &k->buffers[1 + 3 * i], k);
        k->child_ptrs[i] = &k->children[i];
    }
    *out = (struct ArrowArray){.length = b->length,
                               .n_buffers = 1,
                               .n_children = b->ncols,
                               .buffers = k->buffers,
                               .children = k->child_ptrs,
                               .release = release_array,
                               .private_data = k};
}

/* ---- the schema ---- */

typedef struct schema_block {
    atomic_int refs;
    struct ArrowSchema **child_ptrs;
    struct ArrowSchema *children;
    char *text; /* while filling: where the next name goes */
    size_t next;
} schema_block;

static void schema_block_unref(schema_block *k)
{
    if (atomic_fetch_sub(&k->refs, 1) == 1) free(k);
}

static void release_schema(struct ArrowSchema *s)
{
    schema_block *k = s->private_data;
    for (int64_t i = 0; i < s->n_children; i++) {
        struct ArrowSchema *c = s->children[i];
        if (c->release) c->release(c);
    }
    s->release = NULL;
    schema_block_unref(k);
}

/* Bytes of the names and formats in the tree under c. */
static size_t tree_text(const sp_column *c)
{
    size_t n = strlen(c->name) + 1 + strlen(c->format) + 1;
    for (int i = 0; i < c->nchildren; i++)
        n += tree_text(&c->children[i]);
    return n;
}

/* A map's entries struct and its key are not nullable (Arrow's map):
 * entries says c is that struct. */
static void fill_child_schema(struct ArrowSchema *s, const sp_column *c, bool nullable,
                              bool entries, schema_block *k)
{
    size_t len = strlen(c->name) + 1, flen = strlen(c->format) + 1;
    char *p = k->text;
    memcpy(p, c->name, len);
    memcpy(p + len, c->format, flen);
    k->text += len + flen;
    *s = (struct ArrowSchema){.format = p + len,
                              .name = p,
                              .flags = nullable ? ARROW_FLAG_NULLABLE : 0,
                              .release = release_schema,
                              .private_data = k};
    if (!c->nchildren) return;
    size_t first = k->next;
    k->next += (size_t)c->nchildren;
    s->n_children = c->nchildren;
    s->children = &k->child_ptrs[first];
    for (int i = 0; i < c->nchildren; i++) {
        size_t at = first + (size_t)i;
        k->child_ptrs[at] = &k->children[at];
        bool map = c->type == SP_COL_MAP;
        fill_child_schema(&k->children[at], &c->children[i], !map && !(entries && i == 0), map, k);
    }
}

static void export_schema(const sp_colbatch *b, struct ArrowSchema *out)
{
    size_t n = batch_nodes(b), text = 0;
    for (int i = 0; i < b->ncols; i++)
        text += tree_text(&b->cols[i]);
    size_t size = sizeof(schema_block) + n * sizeof(struct ArrowSchema *) +
                  n * sizeof(struct ArrowSchema) + text;
    schema_block *k = sp_xmalloc(size);
    char *p = (char *)(k + 1);
    k->child_ptrs = (struct ArrowSchema **)p;
    p += n * sizeof(struct ArrowSchema *);
    k->children = (struct ArrowSchema *)p;
    p += n * sizeof(struct ArrowSchema);
    k->text = p;
    k->next = (size_t)b->ncols;
    atomic_init(&k->refs, 1 + (int)n);
    for (size_t i = 0; i < (size_t)b->ncols; i++) {
        fill_child_schema(&k->children[i], &b->cols[i], true, false, k);
        k->child_ptrs[i] = &k->children[i];
    }
    *out = (struct ArrowSchema){.format = "+s",
                                .name = "",
                                .n_children = b->ncols,
                                .children = k->child_ptrs,
                                .release = release_schema,
                                .private_data = k};
}

spate_err sp_colbatch_export(sp_colbatch *b, struct ArrowArray *array, struct ArrowSchema *schema)
{
    if (!b || !array || !schema) return SPATE_ERR_INVALID_ARG;
    export_array(b, array);
    export_schema(b, schema);
    return SPATE_OK;
}
