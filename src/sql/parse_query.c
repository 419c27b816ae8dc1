/* parse_query.c - queries: WITH, SELECT [DISTINCT] items FROM ... WHERE ...
 * GROUP BY ... HAVING ..., set operations (INTERSECT binds tighter than UNION,
 * EXCEPT and MINUS, as in Spark without the legacy precedence flag), then
 * ORDER BY, LIMIT and OFFSET over the whole. */
#include "sql/parser_int.h"

bool sp_p_at_query(const sp_parser *p, int which)
{
    if (sp_p_kw(p, which, "SELECT") || sp_p_kw(p, which, "WITH") || sp_p_kw(p, which, "VALUES"))
        return true;
    if (which == 0 && sp_p_op(p, 0, OP_LPAREN)) return sp_p_at_query(p, 1);
    return false;
}

static sp_sql_node *select_item(sp_parser *p)
{
    sp_sql_node *e = sp_p_expr(p);
    if (e->kind == SQL_STAR) return e;
    uint32_t off = e->off;
    const char *alias = sp_p_opt_alias(p);
    if (!alias) return e;
    sp_sql_node *a = sp_p_node(p, SQL_ALIAS, off);
    a->a = e;
    a->str = alias;
    return sp_p_done(p, a);
}

static void expr_list(sp_parser *p, sp_sql_list *l)
{
    do {
        sp_sql_list_push(l, p->arena, sp_p_expr(p));
    } while (sp_p_accept_op(p, OP_COMMA));
}

static sp_sql_node *select_core(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_SELECT, CUR(p)->off);
    sp_p_expect_kw(p, "SELECT");
    if (sp_p_accept_kw(p, "DISTINCT"))
        n->flags |= SQL_F_DISTINCT;
    else
        sp_p_accept_kw(p, "ALL");
    do {
        sp_sql_list_push(&n->list, p->arena, select_item(p));
    } while (sp_p_accept_op(p, OP_COMMA));
    if (sp_p_accept_kw(p, "FROM")) n->a = sp_p_from(p);
    if (sp_p_accept_kw(p, "WHERE")) n->b = sp_p_expr(p);
    if (sp_p_kw(p, 0, "GROUP")) {
        sp_p_advance(p);
        sp_p_expect_kw(p, "BY");
        expr_list(p, &n->list2);
    }
    if (sp_p_accept_kw(p, "HAVING")) n->c = sp_p_expr(p);
    return sp_p_done(p, n);
}

sp_sql_node *sp_p_values(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_VALUES, CUR(p)->off);
    sp_p_expect_kw(p, "VALUES");
    expr_list(p, &n->list2);
    return n;
}

static sp_sql_node *query_primary(sp_parser *p)
{
    if (sp_p_op(p, 0, OP_LPAREN)) {
        sp_p_advance(p);
        sp_sql_node *q = sp_p_query(p);
        sp_p_expect_op(p, OP_RPAREN);
        return q;
    }
    if (sp_p_kw(p, 0, "VALUES")) return sp_p_done(p, sp_p_values(p));
    return select_core(p);
}

/* The set operator at the current token: 2 for INTERSECT, 1 for UNION,
 * EXCEPT and MINUS, 0 for none. */
static int setop_at(const sp_parser *p, int *op)
{
    if (sp_p_kw(p, 0, "INTERSECT")) return *op = SETOP_INTERSECT, 2;
    if (sp_p_kw(p, 0, "UNION")) return *op = SETOP_UNION, 1;
    if (sp_p_kw(p, 0, "EXCEPT") || sp_p_kw(p, 0, "MINUS")) return *op = SETOP_EXCEPT, 1;
    return 0;
}

static sp_sql_node *set_expr(sp_parser *p, int min)
{
    sp_sql_node *l = query_primary(p);
    int op = 0, prec;
    while ((prec = setop_at(p, &op)) > min) {
        sp_p_advance(p);
        sp_sql_node *n = sp_p_node(p, SQL_SETOP, l->off);
        n->op = op;
        if (sp_p_accept_kw(p, "ALL"))
            n->flags |= SQL_F_ALL;
        else
            sp_p_accept_kw(p, "DISTINCT");
        n->a = l;
        n->b = set_expr(p, prec);
        l = sp_p_done(p, n);
    }
    return l;
}

static sp_sql_node *cte(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_CTE, CUR(p)->off);
    n->str = sp_p_name_ident(p)->str;
    if (sp_p_op(p, 0, OP_LPAREN)) sp_p_ident_list(p, &n->list);
    sp_p_accept_kw(p, "AS");
    sp_p_expect_op(p, OP_LPAREN);
    n->a = sp_p_query(p);
    sp_p_expect_op(p, OP_RPAREN);
    return sp_p_done(p, n);
}

static sp_sql_node *sort_item(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_SORT, CUR(p)->off);
    n->a = sp_p_expr(p);
    if (sp_p_accept_kw(p, "ASC"))
        n->op = SORT_ASC;
    else if (sp_p_accept_kw(p, "DESC"))
        n->op = SORT_DESC;
    if (sp_p_accept_kw(p, "NULLS")) {
        if (sp_p_accept_kw(p, "FIRST"))
            n->op2 = NULLS_FIRST;
        else if (sp_p_accept_kw(p, "LAST"))
            n->op2 = NULLS_LAST;
        else
            sp_p_syntax_error(p, CUR(p), "");
    }
    return sp_p_done(p, n);
}

/* ORDER BY, LIMIT, OFFSET after the query's body. */
static void organization(sp_parser *p, sp_sql_node *q)
{
    if (sp_p_kw(p, 0, "ORDER")) {
        sp_p_advance(p);
        sp_p_expect_kw(p, "BY");
        do {
            sp_sql_list_push(&q->list2, p->arena, sort_item(p));
        } while (sp_p_accept_op(p, OP_COMMA));
    }
    if (sp_p_accept_kw(p, "LIMIT")) {
        if (!sp_p_accept_kw(p, "ALL")) q->b = sp_p_expr(p);
    }
    if (sp_p_accept_kw(p, "OFFSET")) q->c = sp_p_expr(p);
}

sp_sql_node *sp_p_query(sp_parser *p)
{
    sp_p_enter(p);
    sp_sql_node *q = sp_p_node(p, SQL_QUERY, CUR(p)->off);
    if (sp_p_accept_kw(p, "WITH")) {
        do {
            sp_sql_list_push(&q->list, p->arena, cte(p));
        } while (sp_p_accept_op(p, OP_COMMA));
    }
    q->a = set_expr(p, 0);
    organization(p, q);
    sp_p_leave(p);
    return sp_p_done(p, q);
}
