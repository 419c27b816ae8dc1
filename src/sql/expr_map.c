/* expr_map.c - map(k0, v0, k1, v1, ...) (CreateMap): one map row of the
 * pairs; a NULL key fails as Spark's NULL_MAP_KEY; a repeated key keeps
 * the last value (spark.sql.mapKeyDedupPolicy LAST_WIN is not Spark's
 * default EXCEPTION: see the check below). Any thread with its own
 * context. */
#include "sql/expr_nested_int.h"

/* Whether key j of row r repeats an earlier key of the same row. */
static bool repeated(sp_column *const *args, int j, int64_t r)
{
    for (int i = 0; i < j; i += 2)
        if (sp_sql_cell_eq(args[i], r, args[j], r)) return true;
    return false;
}

sp_column *sp_sql_eval_map(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    int k = e->nchildren;
    sp_column **args = spate_arena_alloc(ctx->arena, sizeof *args * (size_t)(k ? k : 1));
    for (int j = 0; j < k; j++)
        if (!(args[j] = sp_sql_expr_eval(e->children[j], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new_type(ctx, e->type, in->length, &v);
    sp_column *ent = &v.c->children[0];
    for (int64_t r = 0; r < in->length; r++) {
        int64_t first = sp_col_list_begin(v.b, v.c, k / 2);
        for (int j = 0; j + 1 < k; j += 2) {
            if (!sp_column_valid(args[j], r)) {
                if (sp_sql_raise(ctx, r, "NULL_MAP_KEY", "2200E", "Cannot use null as map key."))
                    return NULL;
            } else if (repeated(args, j, r)) {
                if (sp_sql_raise(ctx, r, "DUPLICATED_MAP_KEY", "23505",
                                 "Duplicate map key was found, please check the input data. If "
                                 "you want to remove the duplicated keys, you can set "
                                 "\"spark.sql.mapKeyDedupPolicy\" to \"LAST_WIN\" so that the "
                                 "key inserted at last takes precedence."))
                    return NULL;
            }
            sp_sql_copy_cell(v.b, &ent->children[0], first + j / 2, args[j], r);
            sp_sql_copy_cell(v.b, &ent->children[1], first + j / 2, args[j + 1], r);
        }
        sp_col_list_end(v.c, k / 2);
    }
    return sp_sql_vec_done(&v);
}
