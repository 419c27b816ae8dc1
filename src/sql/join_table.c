/* join_table.c - the build side of a join (join.h): its rows as one batch
 * with an all-null row at the end (the missing side of an outer join's
 * unmatched rows), its key columns, and a chained hash table from key hash
 * to rows. Rows with a NULL in a `=` key are left out: they match nothing
 * (a `<=>` key's NULL matches NULL: sp_agg_value_eq says so).
 * Keys compare as grouping does (agg_int.h: -0.0 equals 0.0, NaN equals
 * NaN), which is how Spark normalizes floating join keys. Built on one
 * thread, then read-only. */
#include "sql/join_int.h"

#include "base/arena.h"
#include "sql/physical.h"
#include "sql/type_column.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t sp_join_row_hash(const sp_column *const *keys, const bool *null_safe, int nkeys,
                          int64_t row, bool *has_null)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    *has_null = false;
    for (int k = 0; k < nkeys; k++) {
        spate_value v = sp_agg_col_value(keys[k], row, NULL);
        if (v.type == SPATE_NULL && !null_safe[k]) {
            *has_null = true;
            return 0;
        }
        if (v.type == SPATE_F64 && v.u.f == 0) v.u.f = 0; /* -0.0 */
        if (v.type == SPATE_F64 && isnan(v.u.f)) v.u.f = NAN;
        h = (h ^ spate_value_hash(v)) * 0x100000001B3ull;
    }
    return h ^ (h >> 29);
}

bool sp_join_keys_equal(const sp_column *const *x, int64_t rx, const sp_column *const *y,
                        int64_t ry, int nkeys)
{
    for (int k = 0; k < nkeys; k++)
        if (!sp_agg_value_eq(sp_agg_col_value(x[k], rx, NULL), sp_agg_col_value(y[k], ry, NULL)))
            return false;
    return true;
}

/* One row of nulls shaped like the build plan's output (nested columns
 * too). */
static sp_colbatch *null_row(const sp_plan *p, spate_arena *a)
{
    sp_colbatch *b = sp_sql_batch_new(a, sp_plan_schema(a, p), 1);
    for (int i = 0; i < p->nout; i++)
        sp_col_append_null(b, &b->cols[i], 0);
    sp_colbatch_set_length(b, 1);
    return b;
}

/* Chains the rows with a complete key, in ascending row order. */
static void index_rows(sp_join_table *t)
{
    int64_t n = t->rows->length - 1;
    size_t nb = 16;
    while (nb < (size_t)n * 2)
        nb <<= 1;
    t->mask = nb - 1;
    t->head = malloc(sizeof *t->head * nb);
    t->next = malloc(sizeof *t->next * (size_t)(n + 1));
    if (!t->head || !t->next) abort();
    memset(t->head, 0xff, sizeof *t->head * nb);
    for (int64_t r = n - 1; r >= 0; r--) {
        bool has_null;
        uint64_t h = sp_join_row_hash((const sp_column *const *)t->keys, t->null_safe, t->nkeys, r,
                                      &has_null);
        if (has_null) continue;
        t->next[r] = t->head[h & t->mask];
        t->head[h & t->mask] = (int32_t)r;
    }
}

sp_join_table *sp_join_table_build(const sp_join_spec *spec, sp_colbatch *const *batches,
                                   size_t nbatches, sp_sql_eval_ctx *ctx)
{
    sp_join_table *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->arena = spate_arena_new();
    sp_colbatch **all = spate_arena_alloc(t->arena, sizeof *all * (nbatches + 1));
    memcpy(all, batches, sizeof *all * nbatches);
    all[nbatches] = null_row(spec->build, t->arena);
    t->rows = sp_colbatch_concat((const sp_colbatch *const *)all, nbatches + 1, t->arena);
    t->null_row = (int32_t)(t->rows->length - 1);
    if (spec->single_row && t->null_row > 1) {
        ctx->failed = true;
        snprintf(ctx->error, sizeof ctx->error,
                 "[SCALAR_SUBQUERY_TOO_MANY_ROWS] More than one row returned by a subquery used "
                 "as an expression. SQLSTATE: 21000");
        sp_join_table_free(t);
        return NULL;
    }
    t->nkeys = spec->nkeys;
    t->null_safe = spec->null_safe;
    t->keys = spate_arena_alloc(t->arena, sizeof *t->keys * (size_t)(spec->nkeys + 1));
    sp_sql_eval_ctx kctx = *ctx;
    kctx.arena = t->arena;
    for (int k = 0; k < spec->nkeys; k++)
        if (!(t->keys[k] = sp_sql_expr_eval(spec->build_keys[k], t->rows, &kctx))) {
            ctx->failed = true;
            memcpy(ctx->error_class, kctx.error_class, sizeof ctx->error_class);
            memcpy(ctx->error, kctx.error, sizeof ctx->error);
            sp_join_table_free(t);
            return NULL;
        }
    if (spec->nkeys) index_rows(t);
    return t;
}

void sp_join_table_free(sp_join_table *t)
{
    if (!t) return;
    free(t->head);
    free(t->next);
    spate_arena_destroy(t->arena);
    free(t);
}
