/* fold.c - constant folding of expressions (fold.h). */
#include "sql/fold.h"

#include "base/arena.h"

#include <string.h>

/* Whether e's value could depend on the zone or the time of the query: a
 * CAST to or from a date or timestamp, or a function (the datetime ones
 * read the clock or the zone). */
static bool context_dependent(const sp_sql_expr *e)
{
    if (e->kind == SP_SQL_E_FUNC) return true;
    if (e->kind == SP_SQL_E_CAST &&
        (sp_sql_type_is_datetime(e->type) || sp_sql_type_is_datetime(e->children[0]->type)))
        return true;
    return false;
}

/* Row 0 of c as a literal of type t (strings copied into a). */
static sp_sql_lit column_literal(spate_arena *a, const sp_column *c)
{
    sp_sql_lit l;
    memset(&l, 0, sizeof l);
    if (!sp_column_valid(c, 0)) {
        l.is_null = true;
        return l;
    }
    switch (c->type) {
    case SP_COL_BOOL:
        l.b = sp_column_get_bool(c, 0);
        break;
    case SP_COL_I8:
        l.i = sp_column_i8(c)[0];
        break;
    case SP_COL_I16:
        l.i = sp_column_i16(c)[0];
        break;
    case SP_COL_I32:
    case SP_COL_DATE32:
        l.i = sp_column_i32(c)[0];
        break;
    case SP_COL_F32:
        l.d = sp_column_f32(c)[0];
        break;
    case SP_COL_F64:
        l.d = sp_column_f64(c)[0];
        break;
    case SP_COL_DECIMAL128:
        sp_column_get_decimal128(c, 0, &l.dec_lo, &l.dec_hi);
        break;
    case SP_COL_UTF8:
    case SP_COL_BINARY: {
        l.len = (size_t)(c->offsets[1] - c->offsets[0]);
        char *s = spate_arena_alloc(a, l.len + 1);
        memcpy(s, c->chars + c->offsets[0], l.len);
        s[l.len] = '\0';
        l.str = s;
        break;
    }
    default:
        l.i = sp_column_i64(c)[0];
    }
    return l;
}

/* e (whose children are literals) evaluated once, or NULL when it fails. */
static sp_sql_expr *evaluate(spate_arena *a, const sp_sql_expr *e)
{
    spate_arena *tmp = spate_arena_new();
    sp_colbatch *one = sp_colbatch_new(tmp, 0, NULL, NULL, 1);
    sp_colbatch_set_length(one, 1);
    sp_sql_eval_ctx ctx;
    sp_sql_eval_ctx_init(&ctx, tmp, NULL, true);
    sp_column *c = sp_sql_expr_eval(e, one, &ctx);
    sp_sql_expr *lit = NULL;
    if (c && e->type->id != SP_SQL_NULL)
        lit = sp_sql_expr_literal(a, e->type, column_literal(a, c));
    spate_arena_destroy(tmp);
    return lit;
}

sp_sql_expr *sp_sql_fold(spate_arena *a, sp_sql_expr *e)
{
    if (!e || e->kind == SP_SQL_E_COLUMN || e->kind == SP_SQL_E_LITERAL) return e;
    sp_sql_expr *copy = spate_arena_alloc(a, sizeof *copy);
    *copy = *e;
    copy->children = spate_arena_alloc(a, sizeof *copy->children * (size_t)(e->nchildren + 1));
    bool constant = !context_dependent(e);
    for (int i = 0; i < e->nchildren; i++) {
        copy->children[i] = sp_sql_fold(a, e->children[i]);
        constant = constant && copy->children[i]->kind == SP_SQL_E_LITERAL;
    }
    if (!constant) return copy;
    sp_sql_expr *lit = evaluate(a, copy);
    if (lit) lit->nullable = lit->lit.is_null;
    return lit ? lit : copy;
}
