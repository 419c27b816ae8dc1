/* expr_array.c - the kernels over arrays (Spark's CollectionExpressions and
 * complexTypeExtractors): array(...), size / cardinality, element_at (1-based,
 * negative from the end), a[i] (0-based), array_contains; the dispatch of
 * every nested-type function; and the helpers of expr_nested_int.h. Any
 * thread with its own context. */
#include "sql/expr_nested_int.h"

#include "sql/cast_rules.h"
#include "sql/type_column.h"

#include <math.h>
#include <string.h>

void sp_sql_vec_new_type(sp_sql_eval_ctx *ctx, const sp_sql_type *t, int64_t n, sp_sql_vec *v)
{
    sp_coltree tree;
    if (!sp_sql_type_tree(ctx->arena, t, &tree)) tree = (sp_coltree){.spec = {.type = SP_COL_BOOL}};
    v->b = sp_colbatch_new_tree(ctx->arena, 1, &tree, NULL, n > 0 ? n : 1);
    v->c = &v->b->cols[0];
    v->n = n;
}

void sp_sql_col_null_slot(sp_colbatch *b, sp_column *c, int64_t row)
{
    sp_col_append_null(b, c, row);
}

void sp_sql_copy_cell(sp_colbatch *b, sp_column *dst, int64_t at, const sp_column *src, int64_t r)
{
    if (src->type == dst->type && src->nchildren == dst->nchildren)
        sp_col_copy_rows(b, dst, at, src, r, 1);
    else
        sp_sql_col_null_slot(b, dst, at);
}

bool sp_sql_cell_eq(const sp_column *a, int64_t i, const sp_column *b, int64_t j)
{
    switch (a->type) {
    case SP_COL_BOOL:
        return sp_column_get_bool(a, i) == sp_column_get_bool(b, j);
    case SP_COL_F32: {
        float x = sp_column_f32(a)[i], y = sp_column_f32(b)[j];
        return x == y || (isnan(x) && isnan(y));
    }
    case SP_COL_F64: {
        double x = sp_column_f64(a)[i], y = sp_column_f64(b)[j];
        return x == y || (isnan(x) && isnan(y));
    }
    case SP_COL_UTF8:
    case SP_COL_BINARY: {
        int32_t n = a->offsets[i + 1] - a->offsets[i];
        return n == b->offsets[j + 1] - b->offsets[j] &&
               memcmp(a->chars + a->offsets[i], b->chars + b->offsets[j], (size_t)n) == 0;
    }
    case SP_COL_LIST:
    case SP_COL_STRUCT:
    case SP_COL_MAP:
        return false; /* the analyzer takes atomic keys and elements only */
    default: {
        size_t w = sp_coltype_width(a->type);
        return memcmp((const char *)a->values + (size_t)i * w,
                      (const char *)b->values + (size_t)j * w, w) == 0;
    }
    }
}

/* array(x0, x1, ...): one list row of every argument's value. */
static sp_column *eval_array(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    int k = e->nchildren;
    sp_column **args = spate_arena_alloc(ctx->arena, sizeof *args * (size_t)(k ? k : 1));
    for (int j = 0; j < k; j++)
        if (!(args[j] = sp_sql_expr_eval(e->children[j], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new_type(ctx, e->type, in->length, &v);
    sp_column *el = &v.c->children[0];
    for (int64_t r = 0; r < in->length; r++) {
        int64_t first = sp_col_list_begin(v.b, v.c, k);
        for (int j = 0; j < k; j++)
            sp_sql_copy_cell(v.b, el, first + j, args[j], r);
        sp_col_list_end(v.c, k);
    }
    return sp_sql_vec_done(&v);
}

/* size(x): elements of an array or entries of a map; NULL gives -1 when
 * spark.sql.legacy.sizeOfNull holds, which it does only with ANSI off
 * (SQLConf.legacySizeOfNull), else NULL. */
static sp_column *eval_size(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new_spec(ctx, (sp_colspec){.type = SP_COL_I32}, in->length, &v);
    int32_t *out = sp_column_i32(v.c);
    bool list = x->type == SP_COL_LIST || x->type == SP_COL_MAP;
    for (int64_t r = 0; r < in->length; r++) {
        if (list && sp_column_valid(x, r)) {
            out[r] = x->offsets[r + 1] - x->offsets[r];
        } else if (ctx->ansi) {
            sp_sql_vec_null(&v, r);
        } else {
            out[r] = -1;
        }
    }
    return sp_sql_vec_done(&v);
}

/* The element index (0-based) of row r of list x for element_at's 1-based
 * i (negative: from the end) or a[i]'s 0-based i; -1: out of bounds (an
 * error raised under ANSI: *stop), -2: index 0 for element_at (always an
 * error). */
static int64_t array_index(const sp_column *x, int64_t r, int64_t i, bool one_based,
                           sp_sql_eval_ctx *ctx, bool *stop)
{
    int64_t n = x->offsets[r + 1] - x->offsets[r], at = i;
    if (one_based && i == 0) {
        *stop = sp_sql_raise(ctx, r, "INVALID_INDEX_OF_ZERO", "22003",
                             "The index 0 is invalid. An index shall be either < 0 or > 0 (the "
                             "first element has index 1).");
        return -2;
    }
    if (one_based) at = i > 0 ? i - 1 : n + i;
    if (at >= 0 && at < n) return x->offsets[r] + at;
    if (ctx->ansi) {
        const char *use = one_based ? "Use `try_element_at` to tolerate accessing element at "
                                      "invalid index and return NULL instead."
                                    : "Use the SQL function `get()` to tolerate accessing "
                                      "element at invalid index and return NULL instead.";
        *stop = sp_sql_raise(
            ctx, r, one_based ? "INVALID_ARRAY_INDEX_IN_ELEMENT_AT" : "INVALID_ARRAY_INDEX",
            "22003",
            "The index %lld is out of bounds. The array has %lld elements. %s If "
            "necessary set \"%s\" to \"false\" to bypass this error.",
            (long long)i, (long long)n, use, SP_SQL_ANSI_CONF);
    }
    return -1;
}

/* The entry of row r of map m whose key equals key[kr]; -1: none. */
static int64_t map_find(const sp_column *m, int64_t r, const sp_column *key, int64_t kr)
{
    const sp_column *keys = &m->children[0].children[0];
    for (int32_t i = m->offsets[r]; i < m->offsets[r + 1]; i++)
        if (sp_sql_cell_eq(keys, i, key, kr)) return i;
    return -1;
}

/* Appends element `at` of a string or binary element column to v as row
 * r (the usual a[i] of split's pieces, without a per-cell dispatch). */
static void append_text(sp_sql_vec *v, int64_t r, const sp_column *from, int64_t at)
{
    if (!sp_column_valid(from, at)) {
        sp_sql_col_null_slot(v->b, v->c, r);
        return;
    }
    int32_t o = from->offsets[at];
    sp_col_append_bytes(v->b, v->c, from->chars + o, (size_t)(from->offsets[at + 1] - o));
}

/* element_at(array, i), element_at(map, key), a[i], m[key]. An array's
 * literal index is read from the expression, not made into a column. */
static sp_column *eval_extract(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    const sp_sql_expr *ke = e->children[1];
    const sp_sql_lit *klit = e->children[0]->type->id == SP_SQL_ARRAY &&
                                     ke->kind == SP_SQL_E_LITERAL && ke->type->id == SP_SQL_INT
                                 ? &ke->lit
                                 : NULL;
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    sp_column *k = x && !klit ? sp_sql_expr_eval(ke, in, ctx) : NULL;
    if (!x || (!klit && !k)) return NULL;
    bool map = x->type == SP_COL_MAP, one_based = e->op == SP_SQL_F_ELEMENT_AT;
    bool list = map || x->type == SP_COL_LIST; /* else a NULL cast to the type: all null */
    const sp_column *from = !list ? NULL : map ? &x->children[0].children[1] : &x->children[0];
    sp_sql_vec v;
    sp_sql_vec_new_type(ctx, e->type, in->length, &v);
    bool text = from && sp_coltype_is_varlen(from->type) && from->type == v.c->type;
    for (int64_t r = 0; r < in->length; r++) {
        int64_t at = -1;
        bool stop = false;
        if (list && sp_column_valid(x, r) && (klit ? !klit->is_null : sp_column_valid(k, r)))
            at = map ? map_find(x, r, k, r)
                     : array_index(x, r, klit ? klit->i : sp_sql_col_int(k, r), one_based, ctx,
                                   &stop);
        if (stop) return NULL;
        if (at >= 0 && text)
            append_text(&v, r, from, at);
        else if (at >= 0)
            sp_sql_copy_cell(v.b, v.c, r, from, at);
        else
            sp_sql_col_null_slot(v.b, v.c, r);
    }
    return sp_sql_vec_done(&v);
}

/* array_contains(a, x): NULL when either is NULL, or when x is not found
 * and a holds a NULL (ArrayContains' three-valued rule). */
static sp_column *eval_contains(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *a = sp_sql_expr_eval(e->children[0], in, ctx);
    sp_column *x = a ? sp_sql_expr_eval(e->children[1], in, ctx) : NULL;
    if (!x) return NULL;
    const sp_column *el = a->type == SP_COL_LIST ? &a->children[0] : NULL;
    sp_sql_vec v;
    sp_sql_vec_new_spec(ctx, (sp_colspec){.type = SP_COL_BOOL}, in->length, &v);
    for (int64_t r = 0; r < in->length; r++) {
        if (!el || !sp_column_valid(a, r) || !sp_column_valid(x, r)) {
            sp_sql_vec_null(&v, r);
            continue;
        }
        bool found = false, null_seen = false;
        for (int32_t i = a->offsets[r]; i < a->offsets[r + 1] && !found; i++) {
            if (!sp_column_valid(el, i))
                null_seen = true;
            else
                found = sp_sql_cell_eq(el, i, x, r);
        }
        sp_column_set_bool(v.c, r, found);
        if (!found && null_seen) sp_sql_vec_null(&v, r);
    }
    return sp_sql_vec_done(&v);
}

sp_column *sp_sql_eval_nested(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    switch ((sp_sql_func)e->op) {
    case SP_SQL_F_SPLIT:
        return sp_sql_eval_split(e, in, ctx);
    case SP_SQL_F_SIZE:
        return eval_size(e, in, ctx);
    case SP_SQL_F_ELEMENT_AT:
    case SP_SQL_F_SUBSCRIPT:
        return eval_extract(e, in, ctx);
    case SP_SQL_F_ARRAY:
        return eval_array(e, in, ctx);
    case SP_SQL_F_ARRAY_CONTAINS:
        return eval_contains(e, in, ctx);
    case SP_SQL_F_GET_FIELD:
    case SP_SQL_F_NAMED_STRUCT:
        return sp_sql_eval_struct(e, in, ctx);
    case SP_SQL_F_MAP:
        return sp_sql_eval_map(e, in, ctx);
    default:
        return NULL;
    }
}
