/* colbatch.c - column batches: building them in an arena, reading rows out
 * as elements, and batches through sink chains (see colbatch.h). The Arrow
 * export is in colbatch_export.c. */
#include "exec/colbatch.h"

#include "base/arena.h"
#include "exec/colbatch_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t pad64(size_t n)
{
    return (n + SP_COLBATCH_ALIGN - 1) & ~(size_t)(SP_COLBATCH_ALIGN - 1);
}

void *sp_colbatch_alloc(sp_colbatch *b, size_t bytes)
{
    /* The arena aligns to less than 64: take the slack and round up. */
    size_t n = pad64(bytes ? bytes : 1);
    uintptr_t p = (uintptr_t)spate_arena_alloc(b->arena, n + SP_COLBATCH_ALIGN - 1);
    return (void *)((p + SP_COLBATCH_ALIGN - 1) & ~(uintptr_t)(SP_COLBATCH_ALIGN - 1));
}

/* Bytes of a bitmap of n bits. */
static size_t bitmap_bytes(int64_t n) { return (size_t)((n + 7) / 8); }

size_t sp_coltype_width(sp_coltype t)
{
    switch (t) {
    case SP_COL_I8:
        return 1;
    case SP_COL_I16:
        return 2;
    case SP_COL_I32:
    case SP_COL_F32:
    case SP_COL_DATE32:
        return 4;
    case SP_COL_I64:
    case SP_COL_F64:
    case SP_COL_TIMESTAMP:
    case SP_COL_TIMESTAMP_NTZ:
        return 8;
    case SP_COL_DECIMAL128:
        return 16;
    default:
        return 0;
    }
}

static void column_init(sp_colbatch *b, sp_column *c, const sp_coltree *t, const char *name, int i)
{
    char fallback[24];
    if (!name) {
        snprintf(fallback, sizeof fallback, "c%d", i);
        name = fallback;
    }
    sp_col_init(b, c, t, name, b->capacity);
}

void sp_col_init(sp_colbatch *b, sp_column *c, const sp_coltree *t, const char *name, int64_t cap)
{
    sp_colspec spec = t->spec;
    c->type = spec.type;
    c->capacity = cap;
    c->name = sp_arena_memdup(b->arena, name, strlen(name) + 1);
    if (spec.type == SP_COL_DECIMAL128) {
        assert(spec.precision >= 1 && spec.precision <= 38 && spec.scale <= spec.precision);
        c->precision = spec.precision;
        c->scale = spec.scale;
        snprintf(c->format, sizeof c->format, "d:%d,%d", spec.precision, spec.scale);
    } else {
        snprintf(c->format, sizeof c->format, "%s", sp_coltype_arrow_format(spec.type));
    }
    if (sp_coltype_is_nested(spec.type)) {
        sp_col_init_nested(b, c, t, cap);
    } else if (spec.type == SP_COL_BOOL) {
        c->values = sp_colbatch_alloc(b, bitmap_bytes(cap));
        memset(c->values, 0, pad64(bitmap_bytes(cap) ? bitmap_bytes(cap) : 1));
    } else if (sp_coltype_is_varlen(spec.type)) {
        c->offsets = sp_colbatch_alloc(b, sizeof(int32_t) * (size_t)(cap + 1));
        c->offsets[0] = 0;
        c->chars_cap = 16 * cap > 64 ? 16 * cap : 64;
        c->chars = sp_colbatch_alloc(b, (size_t)c->chars_cap);
    } else {
        c->values = sp_colbatch_alloc(b, sp_coltype_width(spec.type) * (size_t)cap);
    }
}

static sp_colbatch *batch_new(spate_arena *a, int ncols, const sp_colspec *specs,
                              const sp_coltree *trees, const char *const *names, int64_t capacity)
{
    assert(ncols >= 0 && capacity >= 0);
    sp_colbatch *b = spate_arena_alloc(a, sizeof *b);
    memset(b, 0, sizeof *b);
    b->arena = a;
    b->capacity = capacity;
    b->ncols = ncols;
    atomic_init(&b->exports, 0);
    b->cols = spate_arena_alloc(a, sizeof *b->cols * (size_t)(ncols ? ncols : 1));
    memset(b->cols, 0, sizeof *b->cols * (size_t)(ncols ? ncols : 1));
    for (int i = 0; i < ncols; i++) {
        sp_coltree flat = {.spec = specs ? specs[i] : trees[i].spec};
        column_init(b, &b->cols[i], specs ? &flat : &trees[i], names ? names[i] : NULL, i);
    }
    return b;
}

sp_colbatch *sp_colbatch_new_spec(spate_arena *a, int ncols, const sp_colspec *specs,
                                  const char *const *names, int64_t capacity)
{
    return batch_new(a, ncols, specs, NULL, names, capacity);
}

sp_colbatch *sp_colbatch_new_tree(spate_arena *a, int ncols, const sp_coltree *trees,
                                  const char *const *names, int64_t capacity)
{
    return batch_new(a, ncols, NULL, trees, names, capacity);
}

sp_colbatch *sp_colbatch_new(spate_arena *a, int ncols, const sp_coltype *types,
                             const char *const *names, int64_t capacity)
{
    enum { STACK = 16 };
    sp_colspec stack[STACK] = {{0}}; /* (gcc cannot tell ncols entries are filled) */
    sp_colspec *specs = ncols <= STACK ? stack : sp_xmalloc(sizeof *specs * (size_t)ncols);
    for (int i = 0; i < ncols; i++) {
        bool dec = types[i] == SP_COL_DECIMAL128;
        specs[i] = (sp_colspec){types[i], dec ? SP_COL_DECIMAL_DEFAULT_PRECISION : 0,
                                dec ? SP_COL_DECIMAL_DEFAULT_SCALE : 0};
    }
    sp_colbatch *b = sp_colbatch_new_spec(a, ncols, specs, names, capacity);
    if (specs != stack) free(specs);
    return b;
}

static void column_reset(sp_column *c)
{
    if (c->validity) c->spare_validity = c->validity;
    c->validity = NULL;
    c->null_count = 0;
    c->str_rows = 0;
    for (int i = 0; i < c->nchildren; i++)
        column_reset(&c->children[i]);
}

void sp_colbatch_reset(sp_colbatch *b)
{
    assert(atomic_load(&b->exports) == 0); /* exports read these buffers */
    b->length = 0;
    for (int i = 0; i < b->ncols; i++)
        column_reset(&b->cols[i]);
}

void sp_colbatch_set_length(sp_colbatch *b, int64_t n)
{
    assert(n >= 0 && n <= b->capacity);
    for (int i = 0; i < b->ncols; i++)
        assert(!(sp_coltype_is_varlen(b->cols[i].type) || b->cols[i].type == SP_COL_LIST ||
                 b->cols[i].type == SP_COL_MAP) ||
               b->cols[i].str_rows >= n);
    b->length = n;
}

void sp_column_set_null(sp_colbatch *b, int col, int64_t row)
{
    assert(col >= 0 && col < b->ncols);
    sp_col_set_null(b, &b->cols[col], row);
}

void sp_col_set_null(sp_colbatch *b, sp_column *c, int64_t row)
{
    assert(row >= 0 && row < c->capacity);
    if (!c->validity) {
        size_t n = bitmap_bytes(c->capacity);
        c->validity = c->spare_validity ? c->spare_validity : sp_colbatch_alloc(b, n);
        memset(c->validity, 0xff, pad64(n ? n : 1)); /* all valid so far */
    }
    uint8_t bit = (uint8_t)(1u << (row & 7));
    if (c->validity[row >> 3] & bit) {
        c->validity[row >> 3] &= (uint8_t)~bit;
        c->null_count++;
    }
}

void sp_column_append_bytes(sp_colbatch *b, int col, const void *p, size_t len)
{
    sp_col_append_bytes(b, &b->cols[col], p, len);
}

void sp_col_append_bytes(sp_colbatch *b, sp_column *c, const void *p, size_t len)
{
    assert(sp_coltype_is_varlen(c->type) && c->str_rows < c->capacity);
    int64_t at = c->offsets[c->str_rows];
    assert((int64_t)len <= INT32_MAX - at); /* Arrow's utf8 and binary have 32-bit offsets */
    if (at + (int64_t)len > c->chars_cap) {
        int64_t cap = c->chars_cap * 2;
        while (cap < at + (int64_t)len)
            cap *= 2;
        char *chars = sp_colbatch_alloc(b, (size_t)cap);
        memcpy(chars, c->chars, (size_t)at); /* the old buffer stays in the arena */
        c->chars = chars;
        c->chars_cap = cap;
    }
    if (len) memcpy(c->chars + at, p, len);
    c->offsets[++c->str_rows] = (int32_t)(at + (int64_t)len);
}

void sp_column_append_str(sp_colbatch *b, int col, const char *s, size_t len)
{
    assert(b->cols[col].type == SP_COL_UTF8);
    sp_column_append_bytes(b, col, s, len);
}

void sp_column_set_decimal128(sp_column *c, int64_t row, uint64_t lo, int64_t hi)
{
    uint8_t *p = (uint8_t *)c->values + 16 * row;
    uint64_t h = (uint64_t)hi;
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(lo >> (8 * i));
        p[8 + i] = (uint8_t)(h >> (8 * i));
    }
}

void sp_column_get_decimal128(const sp_column *c, int64_t row, uint64_t *lo, int64_t *hi)
{
    const uint8_t *p = (const uint8_t *)c->values + 16 * row;
    uint64_t l = 0, h = 0;
    for (int i = 7; i >= 0; i--) {
        l = l << 8 | p[i];
        h = h << 8 | p[8 + i];
    }
    *lo = l;
    *hi = (int64_t)h;
}

/* A decimal128 row as a double: the magnitude (two's complement undone)
 * over 10^scale, signed. */
static double decimal_to_f64(const sp_column *c, int64_t row)
{
    uint64_t lo, h;
    int64_t hi;
    sp_column_get_decimal128(c, row, &lo, &hi);
    bool neg = hi < 0;
    h = (uint64_t)hi;
    if (neg) { /* negate the 128-bit value */
        lo = ~lo + 1;
        h = ~h + (lo == 0);
    }
    double v = (double)h * 18446744073709551616.0 + (double)lo;
    for (int i = 0; i < c->scale; i++)
        v /= 10;
    return neg ? -v : v;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b < 0); }

spate_value sp_colbatch_get(const sp_colbatch *b, int col, int64_t row)
{
    const sp_column *c = &b->cols[col];
    if (!sp_column_valid(c, row)) return spate_null();
    switch (c->type) {
    case SP_COL_BOOL:
        return spate_bool(sp_column_get_bool(c, row));
    case SP_COL_I32:
        return spate_i64(sp_column_i32(c)[row]);
    case SP_COL_I64:
        return spate_i64(sp_column_i64(c)[row]);
    case SP_COL_F64:
        return spate_f64(sp_column_f64(c)[row]);
    case SP_COL_UTF8:
        return spate_str(c->chars + c->offsets[row],
                         (size_t)(c->offsets[row + 1] - c->offsets[row]));
    case SP_COL_TIMESTAMP:
    case SP_COL_TIMESTAMP_NTZ:
        return spate_timestamp(floor_div(sp_column_i64(c)[row], 1000));
    case SP_COL_I8:
        return spate_i64(sp_column_i8(c)[row]);
    case SP_COL_I16:
        return spate_i64(sp_column_i16(c)[row]);
    case SP_COL_F32:
        return spate_f64(sp_column_f32(c)[row]);
    case SP_COL_DATE32:
        return spate_i64(sp_column_date32(c)[row]);
    case SP_COL_DECIMAL128:
        return spate_f64(decimal_to_f64(c, row));
    case SP_COL_BINARY:
        return (spate_value){SPATE_BYTES,
                             (uint32_t)(c->offsets[row + 1] - c->offsets[row]),
                             {.bytes = (const uint8_t *)c->chars + c->offsets[row]}};
    case SP_COL_LIST:
    case SP_COL_STRUCT:
    case SP_COL_MAP:
        return spate_null(); /* the SQL layer reads nested columns itself */
    }
    return spate_null();
}

spate_value sp_colbatch_row(const sp_colbatch *b, int64_t row, spate_arena *a)
{
    if (b->ncols <= 1) return b->ncols ? sp_colbatch_get(b, 0, row) : spate_null();
    enum { STACK = 16 };
    spate_value stack[STACK] = {{0}}; /* (gcc cannot tell ncols >= 2 fills it) */
    spate_value *items = b->ncols <= STACK ? stack : sp_xmalloc(sizeof *items * (size_t)b->ncols);
    for (int i = 0; i < b->ncols; i++)
        items[i] = sp_colbatch_get(b, i, row);
    spate_value v = spate_tuple_of(a, items, (size_t)b->ncols);
    if (items != stack) free(items);
    return v;
}

/* ---- batches through sink chains ---- */

void sp_sink_push_batch(spate_sink *out, const sp_colbatch *b)
{
    if (out->push_batch) {
        out->push_batch(out, b);
        return;
    }
    /* As sources do: in a transient task, what the rows and the chain above
     * allocate is recycled every 1024 rows. */
    spate_task *t = out->task;
    sp_arena_mark mark = sp_arena_get_mark(t->arena);
    for (int64_t i = 0; i < b->length && !t->failed; i++) {
        out->push(out, sp_colbatch_row(b, i, t->arena));
        if ((i & 1023) == 1023) sp_task_recycle(t, mark);
    }
}

typedef struct batch_fn_state {
    sp_batch_fn fn;
    void *ud;
} batch_fn_state;

typedef struct batch_stage {
    spate_sink base;
    spate_sink *next;
    const batch_fn_state *f;
} batch_stage;

static void batch_stage_push(spate_sink *self, spate_value v)
{
    (void)v;
    if (!self->task->failed)
        spate_task_fail(self->task, "a columnar operator was given an element, not a column batch");
}

static void batch_stage_push_batch(spate_sink *self, const sp_colbatch *b)
{
    batch_stage *s = (batch_stage *)self;
    if (!self->task->failed) s->f->fn(self->task, b, s->next, s->f->ud);
}

static void map_batches_compute(spate_rdd *r, int part, spate_sink *out)
{
    batch_stage s = {
        .base = {.push = batch_stage_push, .push_batch = batch_stage_push_batch, .task = out->task},
        .next = out,
        .f = sp_rdd_state(r)};
    sp_rdd_compute(sp_rdd_dep(r, 0), part, &s.base);
}

static const sp_rdd_ops MAP_BATCHES_OPS = {.name = "MapBatchesRDD", .compute = map_batches_compute};

spate_rdd *sp_rdd_map_batches(spate_rdd *r, sp_batch_fn fn, void *ud)
{
    if (!r) return NULL;
    spate_rdd *c = sp_rdd_new(sp_rdd_scope(r), &MAP_BATCHES_OPS, -1, &r, 1, sizeof(batch_fn_state));
    *(batch_fn_state *)sp_rdd_state(c) = (batch_fn_state){fn, ud};
    return c;
}

typedef struct batches_state {
    sp_colbatch *const *const *batches;
    const size_t *counts;
} batches_state;

static void batches_compute(spate_rdd *r, int part, spate_sink *out)
{
    const batches_state *s = sp_rdd_state(r);
    for (size_t i = 0; i < s->counts[part] && !out->task->failed; i++)
        sp_sink_push_batch(out, s->batches[part][i]);
}

static const sp_rdd_ops BATCHES_OPS = {.name = "ColumnarBatchRDD", .compute = batches_compute};

spate_rdd *sp_rdd_from_batches(sp_scope *scope, int nparts, sp_colbatch *const *const *batches,
                               const size_t *counts)
{
    spate_rdd *r = sp_rdd_new(scope, &BATCHES_OPS, nparts, NULL, 0, sizeof(batches_state));
    *(batches_state *)sp_rdd_state(r) = (batches_state){batches, counts};
    return r;
}
