/* analyze_cond.c - the compound expressions: IN (list), BETWEEN,
 * LIKE/ILIKE/RLIKE, CASE and CAST / TRY_CAST, with Spark's coercions (one
 * wider type for IN's values and CASE's branches, strings for LIKE) and its
 * DATATYPE_MISMATCH errors. Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include "sql/cast_rules.h"

#include <string.h>

/* A literal of numeric type t with e's value, for IN's list (expr.h wants
 * literals of x's type); NULL when e is no integral literal fitting t. */
static sp_sql_expr *fold(sp_analyzer *az, sp_sql_expr *e, const sp_sql_type *t)
{
    if (sp_sql_type_equal_ignore_nullable(e->type, t)) return e;
    if (e->kind != SP_SQL_E_LITERAL) return NULL;
    if (e->lit.is_null) return sp_sql_expr_lit_null(az->arena, t);
    sp_sql_lit lit = e->lit;
    if (sp_sql_type_is_integral(e->type) && sp_sql_type_is_integral(t)) {
        return sp_sql_expr_literal(az->arena, t, lit);
    }
    if (sp_sql_type_is_integral(e->type) && t->id == SP_SQL_DOUBLE) {
        lit.d = (double)lit.i;
        return sp_sql_expr_literal(az->arena, t, lit);
    }
    return NULL;
}

static const char *types_list(sp_analyzer *az, sp_sql_expr *const *v, int n)
{
    const char *s = "";
    for (int i = 0; i < n; i++)
        s = sp_az_printf(az, "%s%s%s", s, i ? ", " : "", sp_az_type_sql(az, v[i]->type));
    return sp_az_printf(az, "[%s]", s);
}

static const sp_sql_type *common(sp_analyzer *az, sp_sql_expr *const *v, int n)
{
    const sp_sql_type **ts = spate_arena_alloc(az->arena, sizeof *ts * (size_t)n);
    for (int i = 0; i < n; i++)
        ts[i] = v[i]->type;
    return sp_sql_wider_common_type(az->arena, ts, n, az->ansi);
}

sp_sql_expr *sp_az_in_list(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                           sp_sql_error *err)
{
    int k = (int)n->list.n + 1;
    sp_sql_expr **v = spate_arena_alloc(az->arena, sizeof *v * (size_t)k);
    if (!(v[0] = sp_az_expr(az, s, n->a, err))) return NULL;
    for (int i = 1; i < k; i++)
        if (!(v[i] = sp_az_expr(az, s, n->list.items[i - 1], err))) return NULL;
    const sp_sql_type *t = common(az, v, k);
    if (!t)
        return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.DATA_DIFF_TYPES", "sqlExpr",
                          sp_az_sql_expr(az, n), "functionName", "`in`", "dataType",
                          types_list(az, v, k), NULL);
    sp_sql_expr *x = sp_az_cast(az, v[0], t), *r = NULL;
    bool literals = true;
    for (int i = 1; i < k; i++) {
        sp_sql_expr *f = fold(az, v[i], t);
        literals = literals && f;
        v[i] = f ? f : sp_az_cast(az, v[i], t);
    }
    if (literals) {
        r = sp_sql_expr_in(az->arena, x, v + 1, k - 1);
    } else {
        for (int i = 1; i < k; i++) {
            sp_sql_expr *eq = sp_sql_expr_cmp(az->arena, SP_SQL_CMP_EQ, x, v[i]);
            r = r ? sp_sql_expr_or(az->arena, r, eq) : eq;
        }
    }
    return (n->flags & SQL_F_NOT) ? sp_sql_expr_not(az->arena, r) : r;
}

sp_sql_expr *sp_az_between(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                           sp_sql_error *err)
{
    sp_sql_expr *x = sp_az_expr(az, s, n->a, err), *lo, *hi;
    if (!x || !(lo = sp_az_expr(az, s, n->b, err)) || !(hi = sp_az_expr(az, s, n->c, err)))
        return NULL;
    const sp_sql_type *t = sp_sql_comparison_type(az->arena, x->type, lo->type, az->ansi);
    if (t) t = sp_sql_comparison_type(az->arena, t, hi->type, az->ansi);
    if (!t) {
        sp_sql_expr *v[3] = {x, lo, hi};
        return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.DATA_DIFF_TYPES", "sqlExpr",
                          sp_az_sql_expr(az, n), "functionName", "`between`", "dataType",
                          types_list(az, v, 3), NULL);
    }
    sp_sql_expr *r = sp_sql_expr_between(az->arena, sp_az_cast(az, x, t), sp_az_cast(az, lo, t),
                                         sp_az_cast(az, hi, t));
    return (n->flags & SQL_F_NOT) ? sp_sql_expr_not(az->arena, r) : r;
}

sp_sql_expr *sp_az_like(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                        sp_sql_error *err)
{
    const sp_sql_type *str = sp_sql_prim(SP_SQL_STRING);
    sp_sql_expr *x = sp_az_expr(az, s, n->a, err), *p;
    if (!x || !(p = sp_az_expr(az, s, n->b, err))) return NULL;
    x = sp_az_cast(az, x, str);
    p = sp_az_cast(az, p, str);
    sp_sql_expr *r;
    if (n->op == LIKE_RLIKE) {
        r = sp_sql_expr_rlike(az->arena, x, p);
    } else {
        char esc = n->c && n->c->str && n->c->slen ? n->c->str[0] : '\\';
        if (n->op == LIKE_ILIKE) {
            x = sp_sql_expr_func(az->arena, SP_SQL_F_LOWER, &x, 1, NULL);
            p = sp_sql_expr_func(az->arena, SP_SQL_F_LOWER, &p, 1, NULL);
        }
        r = sp_sql_expr_like(az->arena, x, p, esc);
    }
    return (n->flags & SQL_F_NOT) ? sp_sql_expr_not(az->arena, r) : r;
}

static sp_sql_expr *when_cond(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                              const sp_sql_node *w, sp_sql_error *err)
{
    sp_sql_expr *c = sp_az_expr(az, s, w->a, err);
    if (!c) return NULL;
    if (n->a) {
        sp_sql_expr *op = sp_az_expr(az, s, n->a, err);
        if (!op) return NULL;
        const sp_sql_type *t = sp_sql_comparison_type(az->arena, op->type, c->type, az->ansi);
        if (!t)
            return sp_az_fail(az, err, w->off, "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES", "sqlExpr",
                              sp_az_sql_expr(az, n), "left", sp_az_type_sql(az, op->type), "right",
                              sp_az_type_sql(az, c->type), NULL);
        return sp_sql_expr_cmp(az->arena, SP_SQL_CMP_EQ, sp_az_cast(az, op, t),
                               sp_az_cast(az, c, t));
    }
    if (c->type->id == SP_SQL_NULL) c = sp_az_cast(az, c, sp_sql_prim(SP_SQL_BOOLEAN));
    if (c->type->id != SP_SQL_BOOLEAN)
        return sp_az_fail(az, err, w->a->off, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "sqlExpr",
                          sp_az_sql_expr(az, n), "paramIndex", "first", "requiredType",
                          "\"BOOLEAN\"", "inputSql", sp_az_sql_expr(az, w->a), "inputType",
                          sp_az_type_sql(az, c->type), NULL);
    return c;
}

sp_sql_expr *sp_az_case(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                        sp_sql_error *err)
{
    int k = (int)n->list.n, nv = k + (n->b ? 1 : 0);
    sp_sql_expr **conds = spate_arena_alloc(az->arena, sizeof *conds * (size_t)k);
    sp_sql_expr **vals = spate_arena_alloc(az->arena, sizeof *vals * (size_t)(nv ? nv : 1));
    for (int i = 0; i < k; i++) {
        const sp_sql_node *w = n->list.items[i];
        if (!(conds[i] = when_cond(az, s, n, w, err))) return NULL;
        if (!(vals[i] = sp_az_expr(az, s, w->b, err))) return NULL;
    }
    if (n->b && !(vals[k] = sp_az_expr(az, s, n->b, err))) return NULL;
    const sp_sql_type *t = common(az, vals, nv);
    if (!t)
        return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.DATA_DIFF_TYPES", "sqlExpr",
                          sp_az_sql_expr(az, n), "functionName", "`casewhen`", "dataType",
                          types_list(az, vals, nv), NULL);
    for (int i = 0; i < nv; i++)
        vals[i] = sp_az_cast(az, vals[i], t);
    return sp_sql_expr_case(az->arena, conds, vals, k, n->b ? vals[k] : NULL, t);
}

/* The functions Spark suggests, cut out of cast_rules.h's message. */
static const char *func_names(sp_analyzer *az, const char *msg)
{
    const char *p = strstr(msg, "you can use the functions ");
    if (!p) return "";
    p += strlen("you can use the functions ");
    const char *q = strstr(p, " instead.");
    return sp_az_printf(az, "%.*s", (int)(q ? q - p : (long)strlen(p)), p);
}

sp_sql_expr *sp_az_cast_node(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                             sp_sql_error *err)
{
    sp_sql_expr *x = sp_az_expr(az, s, n->a, err);
    if (!x) return NULL;
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_type_parse(az->arena, n->b->str, &te);
    if (!t) return sp_az_fail(az, err, n->b->off, "INTERNAL_ERROR", "message", te.message, NULL);
    sp_sql_cast_mode mode = (n->flags & SQL_F_TRY) ? SP_SQL_CAST_TRY
                            : az->ansi             ? SP_SQL_CAST_ANSI
                                                   : SP_SQL_CAST_LEGACY;
    if (sp_sql_can_cast_mode(x->type, t, mode)) {
        if (sp_sql_type_equal_ignore_nullable(x->type, t)) return x;
        sp_sql_expr *c = sp_sql_expr_cast(az->arena, x, t);
        if (mode == SP_SQL_CAST_TRY) {
            c->op = SP_SQL_CAST_OP_TRY;
            c->nullable = true;
        }
        return c;
    }
    sp_sql_cast_error(az->arena, sp_az_pretty(az, n->a), x->type, t, mode, (int)n->off, &te);
    const char *sql = sp_az_sql_expr(az, n), *from = sp_az_type_sql(az, x->type),
               *to = sp_az_type_sql(az, t);
    sp_az_fail(az, err, n->off, te.error_class, "sqlExpr", sql, "srcType", from, "targetType", to,
               NULL);
    if (strstr(te.error_class, "CONF")) {
        sp_sql_error_param(err, "config", "\"" SP_SQL_ANSI_CONF "\"");
        sp_sql_error_param(err, "configVal", "'false'");
    } else if (strstr(te.error_class, "FUNC")) {
        sp_sql_error_param(err, "functionNames", func_names(az, te.message));
    }
    return NULL;
}
