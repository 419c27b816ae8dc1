/* colbatch_take.c - a new batch of chosen rows of another (a filter's
 * selection applied), and a batch that views other batches' columns (a
 * projection), both without per-row allocation. */
#include "exec/colbatch.h"

#include "base/arena.h"

#include <assert.h>
#include <string.h>

static void take_fixed(const sp_column *in, sp_column *out, const int32_t *sel, int64_t n)
{
    switch (sp_coltype_width(in->type)) {
    case 8: {
        const int64_t *src = in->values;
        int64_t *dst = out->values;
        for (int64_t i = 0; i < n; i++)
            dst[i] = src[sel[i]];
        break;
    }
    case 4: {
        const int32_t *src = in->values;
        int32_t *dst = out->values;
        for (int64_t i = 0; i < n; i++)
            dst[i] = src[sel[i]];
        break;
    }
    default: {
        size_t w = sp_coltype_width(in->type);
        const char *src = in->values;
        char *dst = out->values;
        for (int64_t i = 0; i < n; i++)
            memcpy(dst + (size_t)i * w, src + (size_t)sel[i] * w, w);
    }
    }
}

static void take_varlen(sp_colbatch *ob, int col, const sp_column *in, const int32_t *sel,
                        int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        int32_t r = sel[i];
        sp_column_append_bytes(ob, col, in->chars + in->offsets[r],
                               (size_t)(in->offsets[r + 1] - in->offsets[r]));
    }
}

static void take_validity(sp_colbatch *ob, int col, const sp_column *in, const int32_t *sel,
                          int64_t n)
{
    if (!in->validity || in->null_count == 0) return;
    for (int64_t i = 0; i < n; i++)
        if (!sp_column_valid(in, sel[i])) sp_column_set_null(ob, col, i);
}

sp_colbatch *sp_colbatch_take(const sp_colbatch *in, const int32_t *sel, int64_t n, spate_arena *a)
{
    enum { STACK = 32 };
    sp_coltree stack[STACK];
    sp_coltree *specs =
        in->ncols <= STACK ? stack : spate_arena_alloc(a, sizeof *specs * (size_t)in->ncols);
    const char **names = spate_arena_alloc(a, sizeof *names * (size_t)(in->ncols + 1));
    for (int c = 0; c < in->ncols; c++) {
        specs[c] = sp_column_tree(&in->cols[c], a);
        names[c] = in->cols[c].name;
    }
    sp_colbatch *out = sp_colbatch_new_tree(a, in->ncols, specs, names, n);
    for (int c = 0; c < in->ncols; c++) {
        const sp_column *ic = &in->cols[c];
        sp_column *oc = &out->cols[c];
        if (sp_coltype_is_nested(ic->type)) {
            for (int64_t i = 0; i < n; i++) /* validity included */
                sp_col_copy_rows(out, oc, i, ic, sel[i], 1);
            continue;
        }
        if (ic->type == SP_COL_BOOL) {
            for (int64_t i = 0; i < n; i++)
                sp_column_set_bool(oc, i, sp_column_get_bool(ic, sel[i]));
        } else if (sp_coltype_is_varlen(ic->type)) {
            take_varlen(out, c, ic, sel, n);
        } else {
            take_fixed(ic, oc, sel, n);
        }
        take_validity(out, c, ic, sel, n);
    }
    sp_colbatch_set_length(out, n);
    return out;
}

sp_colbatch *sp_colbatch_view(spate_arena *a, int64_t length, int ncols,
                              const sp_column *const *cols, const char *const *names)
{
    sp_colbatch *b = spate_arena_alloc(a, sizeof *b);
    memset(b, 0, sizeof *b);
    b->arena = a;
    b->length = length;
    b->capacity = length;
    b->ncols = ncols;
    atomic_init(&b->exports, 0);
    b->cols = spate_arena_alloc(a, sizeof *b->cols * (size_t)(ncols ? ncols : 1));
    for (int i = 0; i < ncols; i++) {
        assert(cols[i]);
        b->cols[i] = *cols[i];
        if (names && names[i]) b->cols[i].name = sp_arena_memdup(a, names[i], strlen(names[i]) + 1);
    }
    return b;
}

/* Appends rows [0, in->length) of column c of in at row `at` of out. */
static void append_column(sp_colbatch *out, int c, const sp_colbatch *in, int64_t at)
{
    const sp_column *ic = &in->cols[c];
    sp_column *oc = &out->cols[c];
    int64_t n = in->length;
    if (ic->type != oc->type || ic->nchildren != oc->nchildren) {
        for (int64_t i = 0; i < n; i++) /* a stand-in column of nulls (see concat) */
            sp_col_append_null(out, oc, at + i);
        return;
    }
    if (sp_coltype_is_nested(ic->type)) {
        sp_col_copy_rows(out, oc, at, ic, 0, n);
        return;
    }
    if (ic->type == SP_COL_BOOL) {
        for (int64_t i = 0; i < n; i++)
            sp_column_set_bool(oc, at + i, sp_column_get_bool(ic, i));
    } else if (sp_coltype_is_varlen(ic->type)) {
        for (int64_t i = 0; i < n; i++)
            sp_column_append_bytes(out, c, ic->chars + ic->offsets[i],
                                   (size_t)(ic->offsets[i + 1] - ic->offsets[i]));
    } else {
        size_t w = sp_coltype_width(ic->type);
        memcpy((char *)oc->values + (size_t)at * w, ic->values, (size_t)n * w);
    }
    if (ic->validity && ic->null_count)
        for (int64_t i = 0; i < n; i++)
            if (!sp_column_valid(ic, i)) sp_column_set_null(out, c, at + i);
}

sp_colbatch *sp_colbatch_concat(const sp_colbatch *const *batches, size_t n, spate_arena *a)
{
    assert(n >= 1);
    /* The columns of the first batch with rows: an empty batch may stand in
     * with other column types (a plan's empty output) and adds nothing; a
     * column of another type in a later batch stands in for nulls (a join's
     * null row) and adds NULL rows. */
    const sp_colbatch *first = batches[0];
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += batches[i]->length;
    for (size_t i = 0; i < n && first->length == 0; i++)
        if (batches[i]->length) first = batches[i];
    sp_coltree *specs = spate_arena_alloc(a, sizeof *specs * (size_t)(first->ncols + 1));
    const char **names = spate_arena_alloc(a, sizeof *names * (size_t)(first->ncols + 1));
    for (int c = 0; c < first->ncols; c++) {
        specs[c] = sp_column_tree(&first->cols[c], a);
        names[c] = first->cols[c].name;
    }
    sp_colbatch *out = sp_colbatch_new_tree(a, first->ncols, specs, names, total);
    int64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (batches[i]->length == 0) continue;
        assert(batches[i]->ncols == first->ncols);
        for (int c = 0; c < first->ncols; c++)
            append_column(out, c, batches[i], at);
        at += batches[i]->length;
    }
    sp_colbatch_set_length(out, total);
    return out;
}
