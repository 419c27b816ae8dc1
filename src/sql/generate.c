/* generate.c - explode / posexplode (and their _outer forms) over a column
 * batch (generate.h). The
 * input's columns are gathered with sp_colbatch_take; the elements are the
 * list's child column itself when every row's elements follow one another
 * (spate's lists always do: a null row holds none), so nothing is copied
 * for them. Any thread. */
#include "sql/generate.h"

#include "base/arena.h"

#include <string.h>

/* Whether rows [0, n) of x use its child rows [0, total) in order, the
 * null rows none. */
static bool contiguous(const sp_column *x, int64_t n)
{
    if (x->offsets[0] != 0) return false;
    for (int64_t r = 0; r < n; r++)
        if (!sp_column_valid(x, r) && x->offsets[r + 1] != x->offsets[r]) return false;
    return true;
}

/* A copy of the child rows of the valid rows of x (rows of child c). */
static const sp_column *gather(const sp_column *x, const sp_column *c, int64_t n, int64_t total,
                               spate_arena *a)
{
    sp_coltree t = sp_column_tree(c, a);
    sp_colbatch *b = sp_colbatch_new_tree(a, 1, &t, NULL, total > 0 ? total : 1);
    int64_t at = 0;
    for (int64_t r = 0; r < n; r++) {
        if (!sp_column_valid(x, r)) continue;
        int64_t len = x->offsets[r + 1] - x->offsets[r];
        sp_col_copy_rows(b, &b->cols[0], at, c, x->offsets[r], len);
        at += len;
    }
    sp_colbatch_set_length(b, total);
    return &b->cols[0];
}

/* No row: in's columns, and bool stand-ins for the generated ones (a
 * collection that is a column of nulls without the list's layout). */
static sp_colbatch *no_rows(const sp_colbatch *in, bool pos, const char *const *names,
                            spate_arena *a)
{
    sp_colbatch *t = sp_colbatch_take(in, NULL, 0, a);
    sp_coltype bt = SP_COL_BOOL;
    sp_colbatch *e = sp_colbatch_new(a, 1, &bt, NULL, 1);
    int ngen = pos ? 2 : 1, nc = in->ncols + ngen;
    const sp_column **cols = spate_arena_alloc(a, sizeof *cols * (size_t)nc);
    const char **nm = spate_arena_alloc(a, sizeof *nm * (size_t)nc);
    for (int c = 0; c < nc; c++) {
        cols[c] = c < in->ncols ? &t->cols[c] : &e->cols[0];
        nm[c] = c < in->ncols ? in->cols[c].name : names[c - in->ncols];
    }
    return sp_colbatch_view(a, 0, nc, cols, nm);
}

/* Elements of row r of x (0 for a NULL row). */
static int64_t count_of(const sp_column *x, int64_t r)
{
    return sp_column_valid(x, r) ? x->offsets[r + 1] - x->offsets[r] : 0;
}

/* A column like child c with, for each row of x, its elements, or one NULL
 * when it has none (explode_outer); total rows. */
static const sp_column *gather_outer(const sp_column *x, const sp_column *c, int64_t n,
                                     int64_t total, spate_arena *a)
{
    sp_coltree t = sp_column_tree(c, a);
    sp_colbatch *b = sp_colbatch_new_tree(a, 1, &t, NULL, total > 0 ? total : 1);
    int64_t at = 0;
    for (int64_t r = 0; r < n; r++) {
        int64_t len = count_of(x, r);
        if (len)
            sp_col_copy_rows(b, &b->cols[0], at, c, x->offsets[r], len);
        else
            sp_col_append_null(b, &b->cols[0], at);
        at += len ? len : 1;
    }
    sp_colbatch_set_length(b, total);
    return &b->cols[0];
}

/* explode_outer: every input row gives max(1, elements) rows; the filler
 * row's generated columns are NULL. */
static sp_colbatch *generate_outer(const sp_colbatch *in, const sp_column *x, bool pos,
                                   const char *const *names, spate_arena *a)
{
    int64_t n = in->length, total = 0;
    for (int64_t r = 0; r < n; r++)
        total += count_of(x, r) ? count_of(x, r) : 1;
    int32_t *sel = spate_arena_alloc(a, sizeof *sel * (size_t)(total + 1));
    sp_coltype it = SP_COL_I32;
    sp_colbatch *p = sp_colbatch_new(a, 1, &it, NULL, total > 0 ? total : 1);
    sp_colbatch_set_length(p, total);
    int64_t k = 0;
    for (int64_t r = 0; r < n; r++) {
        int64_t len = count_of(x, r);
        for (int64_t i = 0; i < (len ? len : 1); i++, k++) {
            sel[k] = (int32_t)r;
            sp_column_i32(&p->cols[0])[k] = (int32_t)i;
            if (!len) sp_column_set_null(p, 0, k);
        }
    }
    sp_colbatch *t = sp_colbatch_take(in, sel, total, a);
    bool map = x->type == SP_COL_MAP;
    int ngen = (pos ? 1 : 0) + (map ? 2 : 1), nc = in->ncols + ngen, at = in->ncols;
    const sp_column **cols = spate_arena_alloc(a, sizeof *cols * (size_t)nc);
    const char **nm = spate_arena_alloc(a, sizeof *nm * (size_t)nc);
    for (int c = 0; c < in->ncols; c++)
        cols[c] = &t->cols[c], nm[c] = in->cols[c].name;
    if (pos) cols[at] = &p->cols[0], nm[at] = names[0], at++;
    const sp_column *src[2] = {map ? &x->children[0].children[0] : &x->children[0],
                               map ? &x->children[0].children[1] : NULL};
    for (int g = 0; g < (map ? 2 : 1); g++, at++) {
        cols[at] = gather_outer(x, src[g], n, total, a);
        nm[at] = names[(pos ? 1 : 0) + g];
    }
    return sp_colbatch_view(a, total, nc, cols, nm);
}

/* A column of rows rows, all NULL, of c's (flat) type, over zero: zeroed
 * memory big enough for any flat column's buffers of that many rows. */
static sp_column null_column(const sp_column *c, int64_t rows, void *zero)
{
    sp_column z = *c;
    z.values = zero;
    z.validity = zero;
    z.offsets = zero;
    z.chars = zero;
    z.null_count = rows;
    z.chars_cap = 0;
    z.str_rows = rows;
    z.spare_validity = NULL;
    z.capacity = rows;
    return z;
}

/* in's rows sel (total of them), the columns keep marks copied, the others
 * (a flat column nothing downstream reads) NULL columns sharing one zeroed
 * buffer: a sliding window's generate repeats each row hundreds of times,
 * and copying columns no step reads was most of its cost. keep NULL: all. */
static sp_colbatch *take_kept(const sp_colbatch *in, const int32_t *sel, int64_t total,
                              const bool *keep, spate_arena *a)
{
    int nk = 0;
    const sp_column **cols = spate_arena_alloc(a, sizeof *cols * (size_t)(in->ncols + 1));
    for (int c = 0; c < in->ncols; c++) {
        bool nested = in->cols[c].nchildren > 0;
        if (!keep || keep[c] || nested) cols[nk++] = &in->cols[c];
    }
    if (nk == in->ncols) return sp_colbatch_take(in, sel, total, a);
    sp_colbatch *kept =
        sp_colbatch_take(sp_colbatch_view(a, in->length, nk, cols, NULL), sel, total, a);
    size_t bytes = (size_t)(total + 1) * 16;
    void *zero = spate_arena_alloc(a, bytes);
    memset(zero, 0, bytes);
    sp_column *nulls = spate_arena_alloc(a, sizeof *nulls * (size_t)(in->ncols + 1));
    for (int c = 0, k = 0; c < in->ncols; c++) {
        bool copied = !keep || keep[c] || in->cols[c].nchildren > 0;
        if (!copied) nulls[c] = null_column(&in->cols[c], total, zero);
        cols[c] = copied ? &kept->cols[k++] : &nulls[c];
    }
    return sp_colbatch_view(a, total, in->ncols, cols, NULL);
}

sp_colbatch *sp_sql_generate(const sp_colbatch *in, const sp_column *x, bool pos, bool outer,
                             const char *const *names, const bool *keep, spate_arena *a)
{
    if (x->type != SP_COL_LIST && x->type != SP_COL_MAP) /* a NULL cast to ARRAY: no rows */
        return no_rows(in, pos, names, a);
    if (outer) return generate_outer(in, x, pos, names, a);
    int64_t n = in->length, total = 0;
    for (int64_t r = 0; r < n; r++)
        if (sp_column_valid(x, r)) total += x->offsets[r + 1] - x->offsets[r];
    int32_t *sel = spate_arena_alloc(a, sizeof *sel * (size_t)(total + 1));
    sp_colbatch *p = NULL;
    if (pos) {
        sp_coltype t = SP_COL_I32;
        p = sp_colbatch_new(a, 1, &t, NULL, total > 0 ? total : 1);
    }
    int64_t k = 0;
    for (int64_t r = 0; r < n; r++) {
        if (!sp_column_valid(x, r)) continue;
        for (int32_t i = 0; i < x->offsets[r + 1] - x->offsets[r]; i++, k++) {
            sel[k] = (int32_t)r;
            if (p) sp_column_i32(&p->cols[0])[k] = i;
        }
    }
    if (p) sp_colbatch_set_length(p, total);
    sp_colbatch *t = take_kept(in, sel, total, keep, a);
    bool map = x->type == SP_COL_MAP, same = contiguous(x, n);
    int ngen = (pos ? 1 : 0) + (map ? 2 : 1), nc = in->ncols + ngen;
    const sp_column **cols = spate_arena_alloc(a, sizeof *cols * (size_t)nc);
    const char **nm = spate_arena_alloc(a, sizeof *nm * (size_t)nc);
    for (int c = 0; c < in->ncols; c++)
        cols[c] = &t->cols[c], nm[c] = in->cols[c].name;
    int at = in->ncols;
    if (pos) cols[at] = &p->cols[0], nm[at] = names[0], at++;
    const sp_column *src[2] = {map ? &x->children[0].children[0] : &x->children[0],
                               map ? &x->children[0].children[1] : NULL};
    for (int g = 0; g < (map ? 2 : 1); g++, at++) {
        cols[at] = same ? src[g] : gather(x, src[g], n, total, a);
        nm[at] = names[(pos ? 1 : 0) + g];
    }
    return sp_colbatch_view(a, total, nc, cols, nm);
}
