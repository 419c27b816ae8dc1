/* colbatch_nested.c - list, struct and map columns (Arrow's layouts, see
 * colbatch.h): making them, growing a list's child as elements are
 * appended, copying row ranges (take, concat) and a column's spec. Nothing
 * here runs for primitive columns. Threads: as colbatch.h (one task builds a
 * batch). */
#include "exec/colbatch.h"

#include "base/arena.h"
#include "exec/colbatch_int.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const char *const MAP_ENTRY_NAMES[] = {"key", "value"};

static void init_children(sp_colbatch *b, sp_column *c, int n)
{
    c->nchildren = n;
    c->children = spate_arena_alloc(b->arena, sizeof *c->children * (size_t)(n ? n : 1));
    memset(c->children, 0, sizeof *c->children * (size_t)(n ? n : 1));
}

void sp_col_init_nested(sp_colbatch *b, sp_column *c, const sp_coltree *t, int64_t cap)
{
    if (t->spec.type == SP_COL_STRUCT) {
        init_children(b, c, t->nchildren);
        for (int i = 0; i < t->nchildren; i++) {
            char fallback[24];
            const char *name = t->names ? t->names[i] : NULL;
            if (!name) snprintf(fallback, sizeof fallback, "f%d", i), name = fallback;
            sp_col_init(b, &c->children[i], &t->children[i], name, cap);
        }
        return;
    }
    c->offsets = sp_colbatch_alloc(b, sizeof(int32_t) * (size_t)(cap + 1));
    c->offsets[0] = 0;
    init_children(b, c, 1);
    if (t->spec.type == SP_COL_LIST) {
        assert(t->nchildren == 1);
        sp_col_init(b, &c->children[0], &t->children[0], "element", cap);
    } else {
        assert(t->spec.type == SP_COL_MAP && t->nchildren == 2);
        sp_coltree entries = {.spec = {.type = SP_COL_STRUCT},
                              .nchildren = 2,
                              .children = t->children,
                              .names = MAP_ENTRY_NAMES};
        sp_col_init(b, &c->children[0], &entries, "entries", cap);
    }
}

/* A copy of old (old_bytes) in a new 64-byte aligned buffer of new_bytes,
 * the rest filled with fill. */
static void *regrow(sp_colbatch *b, const void *old, size_t old_bytes, size_t new_bytes, int fill)
{
    void *p = sp_colbatch_alloc(b, new_bytes);
    if (old_bytes) memcpy(p, old, old_bytes);
    size_t padded = (new_bytes + SP_COLBATCH_ALIGN - 1) & ~(size_t)(SP_COLBATCH_ALIGN - 1);
    memset((char *)p + old_bytes, fill, (padded ? padded : SP_COLBATCH_ALIGN) - old_bytes);
    return p;
}

void sp_col_reserve(sp_colbatch *b, sp_column *c, int64_t rows)
{
    if (rows <= c->capacity) return;
    int64_t cap = c->capacity * 2 > 16 ? c->capacity * 2 : 16;
    if (cap < rows) cap = rows;
    size_t old_bits = (size_t)((c->capacity + 7) / 8), new_bits = (size_t)((cap + 7) / 8);
    if (c->validity) c->validity = regrow(b, c->validity, old_bits, new_bits, 0xff);
    c->spare_validity = NULL; /* too small now */
    if (c->type == SP_COL_BOOL) {
        c->values = regrow(b, c->values, old_bits, new_bits, 0);
    } else if (sp_coltype_is_varlen(c->type) || c->type == SP_COL_LIST || c->type == SP_COL_MAP) {
        c->offsets = regrow(b, c->offsets, sizeof(int32_t) * (size_t)(c->str_rows + 1),
                            sizeof(int32_t) * (size_t)(cap + 1), 0);
    } else if (c->type == SP_COL_STRUCT) {
        for (int i = 0; i < c->nchildren; i++)
            sp_col_reserve(b, &c->children[i], cap);
    } else {
        size_t w = sp_coltype_width(c->type);
        c->values = regrow(b, c->values, w * (size_t)c->capacity, w * (size_t)cap, 0);
    }
    c->capacity = cap;
}

int64_t sp_col_list_begin(sp_colbatch *b, sp_column *c, int64_t n)
{
    assert((c->type == SP_COL_LIST || c->type == SP_COL_MAP) && c->str_rows < c->capacity);
    int64_t first = c->offsets[c->str_rows];
    assert(n >= 0 && n <= INT32_MAX - first); /* Arrow's list has 32-bit offsets */
    sp_col_reserve(b, &c->children[0], first + n);
    return first;
}

void sp_col_list_end(sp_column *c, int64_t n)
{
    c->offsets[c->str_rows + 1] = (int32_t)(c->offsets[c->str_rows] + n);
    c->str_rows++;
}

static void null_slot(sp_colbatch *b, sp_column *c, int64_t row)
{
    sp_col_reserve(b, c, row + 1);
    if (sp_coltype_is_varlen(c->type)) {
        sp_col_append_bytes(b, c, "", 0);
    } else if (c->type == SP_COL_LIST || c->type == SP_COL_MAP) {
        sp_col_list_begin(b, c, 0);
        sp_col_list_end(c, 0);
    } else if (c->type == SP_COL_STRUCT) {
        for (int i = 0; i < c->nchildren; i++)
            null_slot(b, &c->children[i], row);
    }
}

void sp_col_append_null(sp_colbatch *b, sp_column *c, int64_t row)
{
    null_slot(b, c, row);
    sp_col_set_null(b, c, row);
}

static void copy_values(sp_colbatch *b, sp_column *dst, int64_t at, const sp_column *src,
                        int64_t from, int64_t n)
{
    if (src->type == SP_COL_BOOL) {
        for (int64_t i = 0; i < n; i++)
            sp_column_set_bool(dst, at + i, sp_column_get_bool(src, from + i));
    } else if (sp_coltype_is_varlen(src->type)) {
        assert(dst->str_rows == at);
        for (int64_t i = from; i < from + n; i++)
            sp_col_append_bytes(b, dst, src->chars + src->offsets[i],
                                (size_t)(src->offsets[i + 1] - src->offsets[i]));
    } else {
        size_t w = sp_coltype_width(src->type);
        memcpy((char *)dst->values + (size_t)at * w, (const char *)src->values + (size_t)from * w,
               (size_t)n * w);
    }
}

void sp_col_copy_rows(sp_colbatch *b, sp_column *dst, int64_t at, const sp_column *src,
                      int64_t from, int64_t n)
{
    assert(dst->type == src->type && dst->nchildren == src->nchildren);
    sp_col_reserve(b, dst, at + n);
    if (src->type == SP_COL_STRUCT) {
        for (int i = 0; i < src->nchildren; i++)
            sp_col_copy_rows(b, &dst->children[i], at, &src->children[i], from, n);
    } else if (src->type == SP_COL_LIST || src->type == SP_COL_MAP) {
        assert(dst->str_rows == at);
        int64_t e0 = src->offsets[from], e1 = src->offsets[from + n];
        int64_t first = dst->offsets[at];
        assert(e1 - e0 <= INT32_MAX - first);
        sp_col_copy_rows(b, &dst->children[0], first, &src->children[0], e0, e1 - e0);
        for (int64_t i = 0; i < n; i++)
            dst->offsets[at + i + 1] = (int32_t)(first + src->offsets[from + i + 1] - e0);
        dst->str_rows = at + n;
    } else {
        copy_values(b, dst, at, src, from, n);
    }
    if (src->validity && src->null_count)
        for (int64_t i = 0; i < n; i++)
            if (!sp_column_valid(src, from + i)) sp_col_set_null(b, dst, at + i);
}

sp_coltree sp_column_tree(const sp_column *c, spate_arena *a)
{
    sp_coltree s = {.spec = {.type = c->type, .precision = c->precision, .scale = c->scale}};
    if (!sp_coltype_is_nested(c->type)) return s;
    const sp_column *kids = c->children;
    int n = c->nchildren;
    if (c->type == SP_COL_MAP) kids = c->children[0].children, n = 2;
    sp_coltree *children = spate_arena_alloc(a, sizeof *children * (size_t)(n ? n : 1));
    const char **names = spate_arena_alloc(a, sizeof *names * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        children[i] = sp_column_tree(&kids[i], a);
        names[i] = kids[i].name;
    }
    s.nchildren = n;
    s.children = children;
    s.names = c->type == SP_COL_STRUCT ? names : NULL;
    return s;
}
