/* parse_primary.c - primary expressions and their suffixes: literals, names
 * (a.b.c), stars (*, t.*), function calls (DISTINCT, *, FILTER, TABLE
 * arguments), CASE, CAST/TRY_CAST, EXISTS, scalar subqueries, parentheses and
 * rows; then field access, subscripts and the :: cast. */
#include "sql/parser_int.h"

static sp_sql_node *case_expr(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_CASE, CUR(p)->off);
    sp_p_advance(p); /* CASE */
    if (!sp_p_kw(p, 0, "WHEN")) n->a = sp_p_expr(p);
    do {
        sp_sql_node *w = sp_p_node(p, SQL_WHEN, CUR(p)->off);
        sp_p_expect_kw(p, "WHEN");
        w->a = sp_p_expr(p);
        sp_p_expect_kw(p, "THEN");
        w->b = sp_p_expr(p);
        sp_sql_list_push(&n->list, p->arena, sp_p_done(p, w));
    } while (sp_p_kw(p, 0, "WHEN"));
    if (sp_p_accept_kw(p, "ELSE")) n->b = sp_p_expr(p);
    sp_p_expect_kw(p, "END");
    return sp_p_done(p, n);
}

static sp_sql_node *cast_expr(sp_parser *p, bool try_)
{
    sp_sql_node *n = sp_p_node(p, SQL_CAST, CUR(p)->off);
    if (try_) n->flags |= SQL_F_TRY;
    sp_p_advance(p); /* CAST */
    sp_p_expect_op(p, OP_LPAREN);
    n->a = sp_p_expr(p);
    sp_p_expect_kw(p, "AS");
    n->b = sp_p_type(p);
    sp_p_expect_op(p, OP_RPAREN);
    return sp_p_done(p, n);
}

static sp_sql_node *query_in_parens(sp_parser *p, sp_sql_kind kind, uint32_t off)
{
    sp_sql_node *n = sp_p_node(p, kind, off);
    sp_p_expect_op(p, OP_LPAREN);
    n->a = sp_p_query(p);
    sp_p_expect_op(p, OP_RPAREN);
    return sp_p_done(p, n);
}

/* '(' ... ')': a scalar subquery, a parenthesised expression or a row. */
static sp_sql_node *paren(sp_parser *p)
{
    uint32_t off = CUR(p)->off;
    if (sp_p_at_query(p, 1)) return query_in_parens(p, SQL_SUBQUERY, off);
    sp_p_advance(p);
    sp_sql_node *e = sp_p_expr(p);
    if (sp_p_op(p, 0, OP_COMMA)) {
        sp_sql_node *row = sp_p_node(p, SQL_ROW, off);
        sp_sql_list_push(&row->list, p->arena, e);
        while (sp_p_accept_op(p, OP_COMMA))
            sp_sql_list_push(&row->list, p->arena, sp_p_expr(p));
        e = row;
    }
    sp_p_expect_op(p, OP_RPAREN);
    return e->kind == SQL_ROW ? sp_p_done(p, e) : e;
}

/* TABLE t | TABLE (t) | TABLE (query), as a table-valued function's argument. */
static sp_sql_node *table_arg(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_TABLE_ARG, CUR(p)->off);
    sp_p_advance(p); /* TABLE */
    if (sp_p_op(p, 0, OP_LPAREN) && sp_p_at_query(p, 1)) {
        sp_sql_node *q = query_in_parens(p, SQL_SUBQUERY_REL, CUR(p)->off);
        n->a = q;
    } else {
        bool parens = sp_p_accept_op(p, OP_LPAREN);
        sp_sql_node *t = sp_p_node(p, SQL_TABLE_REF, CUR(p)->off);
        sp_p_multipart(p, &t->list);
        n->a = sp_p_done(p, t);
        if (parens) sp_p_expect_op(p, OP_RPAREN);
    }
    return sp_p_done(p, n);
}

static bool at_table_arg(const sp_parser *p)
{
    return sp_p_kw(p, 0, "TABLE") && (sp_p_at_ident(p, 1) || sp_p_op(p, 1, OP_LPAREN));
}

sp_sql_node *sp_p_func_call(sp_parser *p, sp_sql_list name, uint32_t off, sp_sql_kind kind)
{
    sp_sql_node *n = sp_p_node(p, kind, off);
    n->list = name;
    sp_p_expect_op(p, OP_LPAREN);
    if (sp_p_accept_kw(p, "DISTINCT"))
        n->flags |= SQL_F_DISTINCT;
    else
        sp_p_accept_kw(p, "ALL");
    if (sp_p_op(p, 0, OP_STAR) && sp_p_op(p, 1, OP_RPAREN)) {
        sp_p_advance(p);
        n->flags |= SQL_F_STAR;
    } else if (!sp_p_op(p, 0, OP_RPAREN)) {
        do {
            sp_sql_list_push(&n->list2, p->arena, at_table_arg(p) ? table_arg(p) : sp_p_expr(p));
        } while (sp_p_accept_op(p, OP_COMMA));
    }
    sp_p_expect_op(p, OP_RPAREN);
    if (kind == SQL_FUNC && sp_p_kw(p, 0, "FILTER") && sp_p_op(p, 1, OP_LPAREN)) {
        sp_p_advance(p);
        sp_p_advance(p);
        sp_p_expect_kw(p, "WHERE");
        n->a = sp_p_expr(p);
        sp_p_expect_op(p, OP_RPAREN);
    }
    return sp_p_done(p, n);
}

static bool current_like(const sp_parser *p)
{
    return !sp_p_op(p, 1, OP_LPAREN) &&
           (sp_p_kw(p, 0, "CURRENT_DATE") || sp_p_kw(p, 0, "CURRENT_TIMESTAMP") ||
            sp_p_kw(p, 0, "CURRENT_USER") || sp_p_kw(p, 0, "SESSION_USER") ||
            sp_p_kw(p, 0, "USER"));
}

/* a.b.c, a.b.*, f(x), db.f(x) */
static sp_sql_node *name_expr(sp_parser *p)
{
    uint32_t off = CUR(p)->off;
    sp_sql_list name = {0};
    /* any word before '(' names a function: left(s, 2), window(ts, '1 minute') */
    bool call_word = CUR(p)->kind == TK_WORD && sp_p_op(p, 1, OP_LPAREN);
    if (call_word) {
        sp_sql_node *w = sp_p_node(p, SQL_NAME, off);
        w->str = sp_p_copy(p, p->text + off, CUR(p)->len);
        sp_p_advance(p);
        sp_sql_list_push(&name, p->arena, sp_p_done(p, w));
    } else {
        sp_sql_list_push(&name, p->arena, sp_p_ident(p));
    }
    while (sp_p_op(p, 0, OP_DOT)) {
        if (sp_p_op(p, 1, OP_STAR)) {
            sp_p_advance(p);
            sp_p_advance(p);
            sp_sql_node *s = sp_p_node(p, SQL_STAR, off);
            s->list = name;
            return sp_p_done(p, s);
        }
        if (!sp_p_at_part(p, 1)) break;
        sp_p_advance(p);
        sp_sql_list_push(&name, p->arena, sp_p_part(p));
    }
    if (sp_p_op(p, 0, OP_LPAREN)) return sp_p_func_call(p, name, off, SQL_FUNC);
    sp_sql_node *c = sp_p_node(p, SQL_COLUMN, off);
    c->list = name;
    return sp_p_done(p, c);
}

static sp_sql_node *keyword_expr(sp_parser *p)
{
    if (sp_p_kw(p, 0, "CASE")) return case_expr(p);
    if (sp_p_op(p, 1, OP_LPAREN)) {
        if (sp_p_kw(p, 0, "CAST")) return cast_expr(p, false);
        if (sp_p_kw(p, 0, "TRY_CAST")) return cast_expr(p, true);
        if (sp_p_kw(p, 0, "EXISTS")) {
            uint32_t off = CUR(p)->off;
            sp_p_advance(p);
            return query_in_parens(p, SQL_EXISTS, off);
        }
    }
    if (sp_p_kw(p, 0, "INTERVAL") &&
        (p->tok[1].kind == TK_STRING || p->tok[1].kind == TK_INT || p->tok[1].kind == TK_DECIMAL ||
         sp_p_op(p, 1, OP_MINUS) || sp_p_op(p, 1, OP_PLUS)))
        return sp_p_interval(p);
    if (current_like(p)) {
        sp_sql_node *n = sp_p_node(p, SQL_FUNC, CUR(p)->off);
        sp_sql_node *w = sp_p_node(p, SQL_NAME, CUR(p)->off);
        w->str = sp_p_copy(p, p->text + CUR(p)->off, CUR(p)->len);
        sp_p_advance(p);
        sp_sql_list_push(&n->list, p->arena, sp_p_done(p, w));
        return sp_p_done(p, n);
    }
    return NULL;
}

sp_sql_node *sp_p_primary(sp_parser *p)
{
    const sp_sql_token *t = CUR(p);
    if (sp_p_op(p, 0, OP_LPAREN)) return paren(p);
    if (sp_p_op(p, 0, OP_STAR)) {
        sp_sql_node *s = sp_p_node(p, SQL_STAR, t->off);
        sp_p_advance(p);
        return sp_p_done(p, s);
    }
    if (sp_p_at_literal(p)) return sp_p_literal(p, false, 0);
    if (t->kind == TK_WORD) {
        sp_sql_node *k = keyword_expr(p);
        if (k) return k;
    }
    if (t->kind == TK_WORD || t->kind == TK_QIDENT) return name_expr(p);
    sp_p_syntax_error(p, t, "");
}

sp_sql_node *sp_p_postfix(sp_parser *p, sp_sql_node *base)
{
    for (;;) {
        if (sp_p_op(p, 0, OP_LBRACKET)) {
            sp_p_advance(p);
            sp_sql_node *n = sp_p_node(p, SQL_SUBSCRIPT, base->off);
            n->a = base;
            n->b = sp_p_expr(p);
            sp_p_expect_op(p, OP_RBRACKET);
            base = sp_p_done(p, n);
        } else if (sp_p_op(p, 0, OP_DOT) && sp_p_at_part(p, 1)) {
            sp_p_advance(p);
            sp_sql_node *n = sp_p_node(p, SQL_FIELD, base->off);
            n->a = base;
            n->str = sp_p_part(p)->str;
            base = sp_p_done(p, n);
        } else if (sp_p_op(p, 0, OP_DCOLON)) {
            sp_p_advance(p);
            sp_sql_node *n = sp_p_node(p, SQL_CAST, base->off);
            n->flags |= SQL_F_DCOLON;
            n->a = base;
            n->b = sp_p_type(p);
            base = sp_p_done(p, n);
        } else {
            return base;
        }
    }
}
