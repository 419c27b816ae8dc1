/* sort.c - a stable merge sort of row indexes by evaluated key columns
 * (sort.h). */
#include "sql/sort.h"

#include "base/arena.h"

#include <string.h>

static int cmp_i64(int64_t a, int64_t b) { return (a > b) - (a < b); }

/* Spark's double order: NaN is the largest value, -0.0 equals 0.0. */
static int cmp_f64(double a, double b)
{
    bool an = a != a, bn = b != b;
    if (an || bn) return an - bn;
    return (a > b) - (a < b);
}

static int cmp_bytes(const sp_column *c, int64_t i, int64_t j)
{
    int32_t la = c->offsets[i + 1] - c->offsets[i], lb = c->offsets[j + 1] - c->offsets[j];
    int r = memcmp(c->chars + c->offsets[i], c->chars + c->offsets[j], (size_t)(la < lb ? la : lb));
    return r ? (r > 0) - (r < 0) : (la > lb) - (la < lb);
}

static int cmp_decimal(const sp_column *c, int64_t i, int64_t j)
{
    uint64_t alo, blo;
    int64_t ahi, bhi;
    sp_column_get_decimal128(c, i, &alo, &ahi);
    sp_column_get_decimal128(c, j, &blo, &bhi);
    if (ahi != bhi) return ahi < bhi ? -1 : 1;
    return (alo > blo) - (alo < blo);
}

int sp_sql_column_cmp(const sp_column *c, int64_t i, int64_t j)
{
    switch (c->type) {
    case SP_COL_BOOL:
        return sp_column_get_bool(c, i) - sp_column_get_bool(c, j);
    case SP_COL_I8:
        return cmp_i64(sp_column_i8(c)[i], sp_column_i8(c)[j]);
    case SP_COL_I16:
        return cmp_i64(sp_column_i16(c)[i], sp_column_i16(c)[j]);
    case SP_COL_I32:
    case SP_COL_DATE32:
        return cmp_i64(sp_column_i32(c)[i], sp_column_i32(c)[j]);
    case SP_COL_I64:
    case SP_COL_TIMESTAMP:
    case SP_COL_TIMESTAMP_NTZ:
        return cmp_i64(sp_column_i64(c)[i], sp_column_i64(c)[j]);
    case SP_COL_F32:
        return cmp_f64(sp_column_f32(c)[i], sp_column_f32(c)[j]);
    case SP_COL_F64:
        return cmp_f64(sp_column_f64(c)[i], sp_column_f64(c)[j]);
    case SP_COL_DECIMAL128:
        return cmp_decimal(c, i, j);
    case SP_COL_UTF8:
    case SP_COL_BINARY:
        return cmp_bytes(c, i, j);
    case SP_COL_LIST: /* nested: not ordered here */
    case SP_COL_STRUCT:
    case SP_COL_MAP:
        break;
    }
    return 0;
}

typedef struct sort_keys {
    const sp_plan_sort *spec;
    const sp_column **cols;
    int n;
} sort_keys;

static int cmp_rows(const sort_keys *k, int32_t a, int32_t b)
{
    for (int i = 0; i < k->n; i++) {
        const sp_column *c = k->cols[i];
        bool va = sp_column_valid(c, a), vb = sp_column_valid(c, b);
        int r;
        if (!va || !vb) {
            if (va == vb) continue;
            /* The null row first when nulls_first, whatever the direction. */
            return (!va ? -1 : 1) * (k->spec[i].nulls_first ? 1 : -1);
        }
        r = sp_sql_column_cmp(c, a, b);
        if (r) return k->spec[i].descending ? -r : r;
    }
    return 0;
}

/* Merge sort of idx[0..n) using tmp; stable. */
static void merge_sort(const sort_keys *k, int32_t *idx, int32_t *tmp, int64_t n)
{
    if (n < 2) return;
    int64_t h = n / 2;
    merge_sort(k, idx, tmp, h);
    merge_sort(k, idx + h, tmp, n - h);
    int64_t i = 0, j = h, o = 0;
    while (i < h && j < n)
        tmp[o++] = cmp_rows(k, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
    while (i < h)
        tmp[o++] = idx[i++];
    while (j < n)
        tmp[o++] = idx[j++];
    memcpy(idx, tmp, sizeof *idx * (size_t)n);
}

sp_colbatch *sp_sql_sort(const sp_colbatch *b, const sp_plan_sort *keys, int nkeys,
                         sp_sql_eval_ctx *ctx)
{
    sort_keys k = {keys, spate_arena_alloc(ctx->arena, sizeof *k.cols * (size_t)(nkeys + 1)),
                   nkeys};
    for (int i = 0; i < nkeys; i++) {
        k.cols[i] = sp_sql_expr_eval(keys[i].expr, b, ctx);
        if (!k.cols[i]) return NULL;
    }
    int32_t *idx = spate_arena_alloc(ctx->arena, sizeof *idx * (size_t)(b->length + 1));
    int32_t *tmp = spate_arena_alloc(ctx->arena, sizeof *tmp * (size_t)(b->length + 1));
    for (int64_t r = 0; r < b->length; r++)
        idx[r] = (int32_t)r;
    merge_sort(&k, idx, tmp, b->length);
    return sp_colbatch_take(b, idx, b->length, ctx->arena);
}
