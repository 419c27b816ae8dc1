/* parse_relation.c - the FROM clause: tables (a.b.c [AS] alias), STREAM(t)
 * and STREAM t, subqueries with an alias and column aliases, table-valued
 * function calls (TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES) is a
 * generic call), joins (INNER, LEFT/RIGHT/FULL [OUTER], CROSS, [LEFT] SEMI,
 * [LEFT] ANTI with ON or USING) and comma-separated lists. */
#include "sql/parser_int.h"

static void rel_alias(sp_parser *p, sp_sql_node *n)
{
    n->str = sp_p_opt_alias(p);
    if (n->str && (n->kind == SQL_SUBQUERY_REL || n->kind == SQL_VALUES) &&
        sp_p_op(p, 0, OP_LPAREN))
        sp_p_ident_list(p, &n->list);
}

static sp_sql_node *table_or_call(sp_parser *p, bool stream)
{
    sp_sql_node *n = sp_p_node(p, SQL_TABLE_REF, CUR(p)->off);
    bool parens = stream && sp_p_accept_op(p, OP_LPAREN);
    sp_p_multipart(p, &n->list);
    if (parens) sp_p_expect_op(p, OP_RPAREN);
    if (stream)
        n->flags |= SQL_F_STREAM;
    else if (sp_p_op(p, 0, OP_LPAREN))
        n = sp_p_func_call(p, n->list, n->off, SQL_TVF);
    rel_alias(p, n);
    return sp_p_done(p, n);
}

static sp_sql_node *relation(sp_parser *p);

static sp_sql_node *relation_primary(sp_parser *p)
{
    uint32_t off = CUR(p)->off;
    if (sp_p_op(p, 0, OP_LPAREN)) {
        if (sp_p_at_query(p, 1)) {
            sp_sql_node *n = sp_p_node(p, SQL_SUBQUERY_REL, off);
            sp_p_advance(p);
            n->a = sp_p_query(p);
            sp_p_expect_op(p, OP_RPAREN);
            rel_alias(p, n);
            return sp_p_done(p, n);
        }
        sp_p_advance(p);
        sp_p_enter(p);
        sp_sql_node *r = relation(p);
        sp_p_leave(p);
        sp_p_expect_op(p, OP_RPAREN);
        return r;
    }
    if (sp_p_kw(p, 0, "VALUES")) { /* an inline table */
        sp_sql_node *n = sp_p_values(p);
        rel_alias(p, n);
        return sp_p_done(p, n);
    }
    if (sp_p_kw(p, 0, "STREAM") && (sp_p_at_ident(p, 1) || (sp_p_op(p, 1, OP_LPAREN)))) {
        sp_p_advance(p);
        sp_sql_node *n = table_or_call(p, true);
        n->off = off;
        return n;
    }
    return table_or_call(p, false);
}

/* The join type before JOIN, 0 if the current token starts no join. */
static int join_type(sp_parser *p)
{
    if (sp_p_accept_kw(p, "JOIN")) return JOIN_INNER;
    int kind = 0;
    if (sp_p_accept_kw(p, "INNER"))
        kind = JOIN_INNER;
    else if (sp_p_accept_kw(p, "CROSS"))
        kind = JOIN_CROSS;
    else if (sp_p_accept_kw(p, "SEMI"))
        kind = JOIN_LEFT_SEMI;
    else if (sp_p_accept_kw(p, "ANTI"))
        kind = JOIN_LEFT_ANTI;
    else if (sp_p_accept_kw(p, "LEFT")) {
        kind = sp_p_accept_kw(p, "SEMI")   ? JOIN_LEFT_SEMI
               : sp_p_accept_kw(p, "ANTI") ? JOIN_LEFT_ANTI
                                           : (sp_p_accept_kw(p, "OUTER"), JOIN_LEFT);
    } else if (sp_p_accept_kw(p, "RIGHT")) {
        sp_p_accept_kw(p, "OUTER");
        kind = JOIN_RIGHT;
    } else if (sp_p_accept_kw(p, "FULL")) {
        sp_p_accept_kw(p, "OUTER");
        kind = JOIN_FULL;
    } else {
        return 0;
    }
    if (!sp_p_kw(p, 0, "JOIN") && sp_p_at_ident(p, 0))
        sp_p_syntax_error(p, CUR(p), ": missing 'JOIN'"); /* ANTLR's single-token insertion */
    sp_p_expect_kw(p, "JOIN");
    return kind;
}

static sp_sql_node *relation(sp_parser *p)
{
    sp_sql_node *l = relation_primary(p);
    for (;;) {
        uint32_t off = CUR(p)->off;
        int kind = join_type(p);
        if (!kind) return l;
        sp_sql_node *j = sp_p_node(p, SQL_JOIN, l->off);
        (void)off;
        j->op = kind;
        j->a = l;
        j->b = relation_primary(p);
        if (kind != JOIN_CROSS && sp_p_accept_kw(p, "ON")) {
            j->c = sp_p_expr(p);
        } else if (kind != JOIN_CROSS && sp_p_accept_kw(p, "USING")) {
            sp_p_ident_list(p, &j->list);
        }
        l = sp_p_done(p, j);
    }
}

sp_sql_node *sp_p_from(sp_parser *p)
{
    sp_sql_node *l = relation(p);
    while (sp_p_accept_op(p, OP_COMMA)) {
        sp_sql_node *j = sp_p_node(p, SQL_JOIN, l->off);
        j->op = JOIN_COMMA;
        j->a = l;
        j->b = relation(p);
        l = sp_p_done(p, j);
    }
    return l;
}
