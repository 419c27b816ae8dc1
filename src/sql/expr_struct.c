/* expr_struct.c - structs: s.field (GetStructField: NULL where the struct
 * is NULL) and named_struct / struct (CreateNamedStruct: the field names are
 * in the result type). Any thread with its own context. */
#include "sql/expr_nested_int.h"

/* The field e->ordinal of struct s: its own column when s has no NULL row
 * (no copy), else a copy with s's NULLs. */
static sp_column *get_field(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *s = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!s) return NULL;
    sp_sql_vec v;
    if (s->type != SP_COL_STRUCT) { /* a NULL cast to the struct type: a column of nulls */
        sp_sql_vec_new_type(ctx, e->type, in->length, &v);
        for (int64_t r = 0; r < in->length; r++)
            sp_sql_col_null_slot(v.b, v.c, r);
        return sp_sql_vec_done(&v);
    }
    if (e->ordinal < 0 || e->ordinal >= s->nchildren) {
        sp_sql_raise(ctx, 0, "INTERNAL_ERROR", "XX000", "struct field %d of %d", e->ordinal,
                     s->nchildren);
        return NULL;
    }
    sp_column *f = &s->children[e->ordinal];
    if (s->null_count == 0) return f;
    sp_sql_vec_new_type(ctx, e->type, in->length, &v);
    for (int64_t r = 0; r < in->length; r++) {
        if (sp_column_valid(s, r))
            sp_sql_copy_cell(v.b, v.c, r, f, r);
        else
            sp_sql_col_null_slot(v.b, v.c, r);
    }
    return sp_sql_vec_done(&v);
}

/* named_struct(v0, v1, ...): the arguments are the values (the analyzer
 * dropped the names into the type); never NULL itself. */
static sp_column *make_struct(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_sql_vec v;
    sp_sql_vec_new_type(ctx, e->type, in->length, &v);
    for (int j = 0; j < e->nchildren && j < v.c->nchildren; j++) {
        sp_column *x = sp_sql_expr_eval(e->children[j], in, ctx);
        if (!x) return NULL;
        for (int64_t r = 0; r < in->length; r++)
            sp_sql_copy_cell(v.b, &v.c->children[j], r, x, r);
    }
    return sp_sql_vec_done(&v);
}

sp_column *sp_sql_eval_struct(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    return e->op == SP_SQL_F_GET_FIELD ? get_field(e, in, ctx) : make_struct(e, in, ctx);
}
