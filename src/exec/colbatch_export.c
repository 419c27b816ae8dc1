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
    }
    return "n";
}

int sp_colbatch_live_exports(const sp_colbatch *b)
{
    return atomic_load(&((sp_colbatch *)b)->exports);
}

/* ---- the array ---- */

typedef struct array_block {
    atomic_int refs; /* the base, and each child not released */
    sp_colbatch *batch;
    struct ArrowArray **child_ptrs;
    struct ArrowArray *children;
    const void **buffers; /* [0]: the struct's validity, then 3 per child */
} array_block;

static void array_block_unref(array_block *k)
{
    if (atomic_fetch_sub(&k->refs, 1) != 1) return;
    atomic_fetch_sub(&k->batch->exports, 1);
    free(k);
}

static void release_child_array(struct ArrowArray *a)
{
    array_block *k = a->private_data;
    a->release = NULL;
    array_block_unref(k);
}

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

static void fill_child_array(struct ArrowArray *a, const sp_column *c, int64_t length,
                             const void **buffers, array_block *k)
{
    *a = (struct ArrowArray){.length = length,
                             .null_count = c->null_count,
                             .buffers = buffers,
                             .release = release_child_array,
                             .private_data = k};
    buffers[0] = c->null_count ? c->validity : NULL; /* the spec allows NULL without nulls */
    if (sp_coltype_is_varlen(c->type)) {
        a->n_buffers = 3;
        buffers[1] = c->offsets;
        buffers[2] = c->chars;
    } else {
        a->n_buffers = 2;
        buffers[1] = c->values;
    }
}

static void export_array(sp_colbatch *b, struct ArrowArray *out)
{
    size_t n = (size_t)b->ncols;
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
    atomic_init(&k->refs, 1 + (int)n);
    atomic_fetch_add(&b->exports, 1);
    k->buffers[0] = NULL; /* a struct array with no null row */
    for (size_t i = 0; i < n; i++) {
        fill_child_array(&k->children[i], &b->cols[i], b->length, &k->buffers[1 + 3 * i], k);
        k->child_ptrs[i] = &k->children[i];
    }
    *out = (struct ArrowArray){.length = b->length,
                               .n_buffers = 1,
                               .n_children = (int64_t)n,
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
} schema_block;

static void schema_block_unref(schema_block *k)
{
    if (atomic_fetch_sub(&k->refs, 1) == 1) free(k);
}

static void release_child_schema(struct ArrowSchema *s)
{
    schema_block *k = s->private_data;
    s->release = NULL;
    schema_block_unref(k);
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

static void export_schema(const sp_colbatch *b, struct ArrowSchema *out)
{
    size_t n = (size_t)b->ncols, names = 0;
    for (size_t i = 0; i < n; i++) /* each name, then its format */
        names += strlen(b->cols[i].name) + 1 + strlen(b->cols[i].format) + 1;
    size_t size = sizeof(schema_block) + n * sizeof(struct ArrowSchema *) +
                  n * sizeof(struct ArrowSchema) + names;
    schema_block *k = sp_xmalloc(size);
    char *p = (char *)(k + 1);
    k->child_ptrs = (struct ArrowSchema **)p;
    p += n * sizeof(struct ArrowSchema *);
    k->children = (struct ArrowSchema *)p;
    p += n * sizeof(struct ArrowSchema);
    atomic_init(&k->refs, 1 + (int)n);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(b->cols[i].name) + 1, flen = strlen(b->cols[i].format) + 1;
        memcpy(p, b->cols[i].name, len);
        memcpy(p + len, b->cols[i].format, flen);
        k->children[i] = (struct ArrowSchema){.format = p + len,
                                              .name = p,
                                              .flags = ARROW_FLAG_NULLABLE,
                                              .release = release_child_schema,
                                              .private_data = k};
        k->child_ptrs[i] = &k->children[i];
        p += len + flen;
    }
    *out = (struct ArrowSchema){.format = "+s",
                                .name = "",
                                .n_children = (int64_t)n,
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
