/* expr.c - making resolved expression nodes (see expr.h): each constructor
 * allocates one node and its child array in the caller's arena and sets
 * the node's nullability from its children the way Spark does. Any thread
 * (one arena per thread). */
#include "sql/expr.h"

#include "sql/cast_rules.h"

#include "base/arena.h"

#include <string.h>

static sp_sql_expr *node(spate_arena *a, sp_sql_expr_kind k, const sp_sql_type *t, int n)
{
    sp_sql_expr *e = spate_arena_alloc(a, sizeof *e);
    memset(e, 0, sizeof *e);
    e->kind = k;
    e->type = t;
    e->nchildren = n;
    e->children = n ? spate_arena_alloc(a, sizeof(sp_sql_expr *) * (size_t)n) : NULL;
    e->escape = '\\';
    return e;
}

static bool any_nullable(const sp_sql_expr *e)
{
    for (int i = 0; i < e->nchildren; i++)
        if (e->children[i]->nullable) return true;
    return false;
}

sp_sql_expr *sp_sql_expr_column(spate_arena *a, int ordinal, const char *name, int64_t expr_id,
                                const sp_sql_type *t, bool nullable)
{
    sp_sql_expr *e = node(a, SP_SQL_E_COLUMN, t, 0);
    e->ordinal = ordinal;
    e->name = name ? sp_arena_memdup(a, name, strlen(name) + 1) : "col";
    e->expr_id = expr_id;
    e->nullable = nullable;
    return e;
}

sp_sql_expr *sp_sql_expr_literal(spate_arena *a, const sp_sql_type *t, sp_sql_lit lit)
{
    sp_sql_expr *e = node(a, SP_SQL_E_LITERAL, t, 0);
    if (lit.str) lit.str = sp_arena_memdup(a, lit.str, lit.len + 1);
    e->lit = lit;
    e->nullable = lit.is_null;
    return e;
}

sp_sql_expr *sp_sql_expr_lit_int(spate_arena *a, int32_t v)
{
    return sp_sql_expr_literal(a, sp_sql_prim(SP_SQL_INT), (sp_sql_lit){.i = v});
}
sp_sql_expr *sp_sql_expr_lit_long(spate_arena *a, int64_t v)
{
    return sp_sql_expr_literal(a, sp_sql_prim(SP_SQL_BIGINT), (sp_sql_lit){.i = v});
}
sp_sql_expr *sp_sql_expr_lit_double(spate_arena *a, double v)
{
    return sp_sql_expr_literal(a, sp_sql_prim(SP_SQL_DOUBLE), (sp_sql_lit){.d = v});
}
sp_sql_expr *sp_sql_expr_lit_string(spate_arena *a, const char *s)
{
    return sp_sql_expr_literal(a, sp_sql_prim(SP_SQL_STRING),
                               (sp_sql_lit){.str = s, .len = strlen(s)});
}
sp_sql_expr *sp_sql_expr_lit_bool(spate_arena *a, bool v)
{
    return sp_sql_expr_literal(a, sp_sql_prim(SP_SQL_BOOLEAN), (sp_sql_lit){.b = v});
}
sp_sql_expr *sp_sql_expr_lit_null(spate_arena *a, const sp_sql_type *t)
{
    return sp_sql_expr_literal(a, t ? t : sp_sql_prim(SP_SQL_NULL), (sp_sql_lit){.is_null = true});
}

sp_sql_expr *sp_sql_expr_cast(spate_arena *a, sp_sql_expr *child, const sp_sql_type *to)
{
    sp_sql_expr *e = node(a, SP_SQL_E_CAST, to, 1);
    e->children[0] = child;
    /* Non-ANSI casts may give NULL for a non-null input; say nullable. */
    e->nullable = child->nullable || sp_sql_cast_force_nullable(child->type, to);
    return e;
}

sp_sql_expr *sp_sql_expr_neg(spate_arena *a, sp_sql_expr *child)
{
    sp_sql_expr *e = node(a, SP_SQL_E_NEG, child->type, 1);
    e->children[0] = child;
    e->nullable = child->nullable;
    return e;
}

sp_sql_expr *sp_sql_expr_arith(spate_arena *a, sp_sql_arith_op op, sp_sql_expr *x, sp_sql_expr *y,
                               const sp_sql_type *t)
{
    sp_sql_expr *e = node(a, SP_SQL_E_ARITH, t, 2);
    e->op = (int)op;
    e->children[0] = x;
    e->children[1] = y;
    /* Division and decimal results may be NULL without ANSI mode. */
    e->nullable = any_nullable(e) || op == SP_SQL_OP_DIV || op == SP_SQL_OP_MOD ||
                  op == SP_SQL_OP_PMOD || op == SP_SQL_OP_INT_DIV || t->id == SP_SQL_DECIMAL;
    return e;
}

static sp_sql_expr *bool_node(spate_arena *a, sp_sql_expr_kind k, sp_sql_expr *x, sp_sql_expr *y)
{
    sp_sql_expr *e = node(a, k, sp_sql_prim(SP_SQL_BOOLEAN), y ? 2 : 1);
    e->children[0] = x;
    if (y) e->children[1] = y;
    e->nullable = any_nullable(e);
    return e;
}

sp_sql_expr *sp_sql_expr_cmp(spate_arena *a, sp_sql_cmp_op op, sp_sql_expr *x, sp_sql_expr *y)
{
    sp_sql_expr *e = bool_node(a, SP_SQL_E_CMP, x, y);
    e->op = (int)op;
    if (op == SP_SQL_CMP_EQ_NULL_SAFE) e->nullable = false;
    return e;
}
sp_sql_expr *sp_sql_expr_and(spate_arena *a, sp_sql_expr *x, sp_sql_expr *y)
{
    return bool_node(a, SP_SQL_E_AND, x, y);
}
sp_sql_expr *sp_sql_expr_or(spate_arena *a, sp_sql_expr *x, sp_sql_expr *y)
{
    return bool_node(a, SP_SQL_E_OR, x, y);
}
sp_sql_expr *sp_sql_expr_not(spate_arena *a, sp_sql_expr *x)
{
    return bool_node(a, SP_SQL_E_NOT, x, NULL);
}
sp_sql_expr *sp_sql_expr_is_null(spate_arena *a, sp_sql_expr *x, bool negated)
{
    sp_sql_expr *e = bool_node(a, negated ? SP_SQL_E_IS_NOT_NULL : SP_SQL_E_IS_NULL, x, NULL);
    e->nullable = false;
    return e;
}

sp_sql_expr *sp_sql_expr_in(spate_arena *a, sp_sql_expr *x, sp_sql_expr *const *list, int n)
{
    sp_sql_expr *e = node(a, SP_SQL_E_IN, sp_sql_prim(SP_SQL_BOOLEAN), n + 1);
    e->children[0] = x;
    for (int i = 0; i < n; i++)
        e->children[i + 1] = list[i];
    e->nullable = any_nullable(e);
    return e;
}

sp_sql_expr *sp_sql_expr_between(spate_arena *a, sp_sql_expr *x, sp_sql_expr *lo, sp_sql_expr *hi)
{
    return sp_sql_expr_and(a, sp_sql_expr_cmp(a, SP_SQL_CMP_GE, x, lo),
                           sp_sql_expr_cmp(a, SP_SQL_CMP_LE, x, hi));
}

sp_sql_expr *sp_sql_expr_case(spate_arena *a, sp_sql_expr *const *conds, sp_sql_expr *const *vals,
                              int n, sp_sql_expr *els, const sp_sql_type *t)
{
    sp_sql_expr *e = node(a, SP_SQL_E_CASE, t, 2 * n + (els ? 1 : 0));
    bool nullable = !els || els->nullable;
    for (int i = 0; i < n; i++) {
        e->children[2 * i] = conds[i];
        e->children[2 * i + 1] = vals[i];
        nullable = nullable || vals[i]->nullable;
    }
    if (els) e->children[2 * n] = els;
    e->nullable = nullable;
    return e;
}

sp_sql_expr *sp_sql_expr_like(spate_arena *a, sp_sql_expr *x, sp_sql_expr *pattern, char esc)
{
    sp_sql_expr *e = bool_node(a, SP_SQL_E_LIKE, x, pattern);
    e->escape = esc;
    return e;
}
sp_sql_expr *sp_sql_expr_rlike(spate_arena *a, sp_sql_expr *x, sp_sql_expr *pattern)
{
    return bool_node(a, SP_SQL_E_RLIKE, x, pattern);
}
