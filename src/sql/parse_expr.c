/* parse_expr.c - expressions with Spark's precedence, loosest first:
 * OR, AND, NOT, predicates (IS, IN, BETWEEN, LIKE/ILIKE/RLIKE/REGEXP, EXISTS),
 * comparisons (= == <> != < <= > >= <=>), |, ^, &, shifts, + - ||, * / % DIV,
 * unary - + ~. Binary levels are one precedence-climbing loop, so a nested
 * parenthesis costs few stack frames. */
#include "sql/parser_int.h"

#include <string.h>

static sp_sql_node *binary(sp_parser *p, int op, sp_sql_node *l, sp_sql_node *r)
{
    sp_sql_node *n = sp_p_node(p, SQL_BINARY, l->off);
    n->op = op;
    n->a = l;
    n->b = r;
    return sp_p_done(p, n);
}

/* The value-level binary operator at the current token: its precedence
 * (higher binds tighter, 0 for none) and AST operator. */
static int value_op(const sp_parser *p, int *op)
{
    const sp_sql_token *t = CUR(p);
    if (t->kind == TK_WORD) {
        if (sp_p_kw(p, 0, "DIV")) return *op = BIN_IDIV, 7;
        return 0;
    }
    if (t->kind != TK_OP) return 0;
    switch (t->op) {
    case OP_EQ:
    case OP_EQEQ:
        return *op = BIN_EQ, 1;
    case OP_NSEQ:
        return *op = BIN_NSEQ, 1;
    case OP_NEQ:
    case OP_LTGT:
        return *op = BIN_NEQ, 1;
    case OP_LT:
        return *op = BIN_LT, 1;
    case OP_LE:
        return *op = BIN_LE, 1;
    case OP_GT:
        return *op = BIN_GT, 1;
    case OP_GE:
        return *op = BIN_GE, 1;
    case OP_PIPE:
        return *op = BIN_BITOR, 2;
    case OP_CARET:
        return *op = BIN_BITXOR, 3;
    case OP_AMP:
        return *op = BIN_BITAND, 4;
    case OP_SHL:
        return *op = BIN_SHL, 5;
    case OP_SHR:
        return *op = BIN_SHR, 5;
    case OP_USHR:
        return *op = BIN_USHR, 5;
    case OP_PLUS:
        return *op = BIN_ADD, 6;
    case OP_MINUS:
        return *op = BIN_SUB, 6;
    case OP_CONCAT:
        return *op = BIN_CONCAT, 6;
    case OP_STAR:
        return *op = BIN_MUL, 7;
    case OP_SLASH:
        return *op = BIN_DIV, 7;
    case OP_PERCENT:
        return *op = BIN_MOD, 7;
    default:
        return 0;
    }
}

static sp_sql_node *unary(sp_parser *p)
{
    const sp_sql_token *t = CUR(p);
    int op = sp_p_op(p, 0, OP_MINUS)   ? UN_NEG
             : sp_p_op(p, 0, OP_PLUS)  ? UN_PLUS
             : sp_p_op(p, 0, OP_TILDE) ? UN_BITNOT
                                       : 0;
    if (!op) return sp_p_postfix(p, sp_p_primary(p));
    uint32_t off = t->off;
    sp_p_advance(p);
    if (op == UN_NEG && sp_p_at_literal(p) && CUR(p)->kind != TK_STRING &&
        CUR(p)->kind != TK_WORD) {
        /* Spark's number rule takes the sign: -128Y is a tinyint literal */
        return sp_p_postfix(p, sp_p_literal(p, true, off));
    }
    sp_p_enter(p);
    sp_sql_node *n = sp_p_node(p, SQL_UNARY, off);
    n->op = op;
    n->a = unary(p);
    sp_p_leave(p);
    return sp_p_done(p, n);
}

/* Precedence climbing over value operators binding tighter than min. */
static sp_sql_node *value(sp_parser *p, int min)
{
    sp_sql_node *l = unary(p);
    int op = 0, prec;
    while ((prec = value_op(p, &op)) > min) {
        sp_p_advance(p);
        l = binary(p, op, l, value(p, prec));
    }
    return l;
}

static sp_sql_node *value_expr(sp_parser *p) { return value(p, 0); }

static sp_sql_node *in_pred(sp_parser *p, sp_sql_node *n)
{
    sp_p_expect_op(p, OP_LPAREN);
    if (sp_p_at_query(p, 0)) {
        n->kind = SQL_IN_QUERY;
        n->b = sp_p_query(p);
    } else {
        n->kind = SQL_IN_LIST;
        do {
            sp_sql_list_push(&n->list, p->arena, sp_p_expr(p));
        } while (sp_p_accept_op(p, OP_COMMA));
    }
    sp_p_expect_op(p, OP_RPAREN);
    return sp_p_done(p, n);
}

static sp_sql_node *like_pred(sp_parser *p, sp_sql_node *n, int kind, uint32_t kw_off)
{
    n->kind = SQL_LIKE;
    n->op = kind;
    if ((sp_p_kw(p, 0, "ANY") || sp_p_kw(p, 0, "SOME") || sp_p_kw(p, 0, "ALL")) &&
        sp_p_op(p, 1, OP_LPAREN))
        sp_p_syntax_error(p, CUR(p), ""); /* LIKE ANY (...): not supported yet */
    n->b = value_expr(p);
    if (kind != LIKE_RLIKE && sp_p_accept_kw(p, "ESCAPE")) {
        n->c = sp_p_string(p);
        size_t len = strlen(n->c->str);
        if (len != 1) {
            char *shown = spate_arena_alloc(p->arena, len + 3);
            shown[0] = '\'';
            memcpy(shown + 1, n->c->str, len);
            memcpy(shown + 1 + len, "'", 2);
            sp_p_fail(p, kw_off, "INVALID_ESC", "invalidEscape", shown, NULL);
        }
    }
    return sp_p_done(p, n);
}

static sp_sql_node *is_pred(sp_parser *p, sp_sql_node *n, const sp_sql_token *is_tok)
{
    sp_sql_token at = *is_tok;
    n->kind = SQL_IS;
    if (sp_p_accept_kw(p, "NOT")) n->flags |= SQL_F_NOT;
    if (sp_p_accept_kw(p, "NULL"))
        n->op = IS_NULL;
    else if (sp_p_accept_kw(p, "TRUE"))
        n->op = IS_TRUE;
    else if (sp_p_accept_kw(p, "FALSE"))
        n->op = IS_FALSE;
    else if (sp_p_accept_kw(p, "UNKNOWN"))
        n->op = IS_UNKNOWN;
    else if (sp_p_accept_kw(p, "DISTINCT")) {
        /* a IS [NOT] DISTINCT FROM b: NOT (a <=> b) / a <=> b */
        sp_p_expect_kw(p, "FROM");
        bool negated = !(n->flags & SQL_F_NOT);
        sp_sql_node *eq = binary(p, BIN_NSEQ, n->a, value_expr(p));
        if (!negated) return eq;
        n->kind = SQL_UNARY;
        n->op = UN_NOT;
        n->flags = 0;
        n->a = eq;
    } else {
        sp_p_syntax_error(p, &at, ""); /* Spark reports the IS itself */
    }
    return sp_p_done(p, n);
}

/* valueExpression predicate? */
static sp_sql_node *predicated(sp_parser *p)
{
    sp_sql_node *v = value_expr(p);
    sp_sql_token t = *CUR(p);
    if (t.kind != TK_WORD) return v;
    sp_sql_node *n = sp_p_node(p, SQL_BETWEEN, v->off);
    n->a = v;
    if (sp_p_kw(p, 0, "IS")) {
        sp_p_advance(p);
        return is_pred(p, n, &t);
    }
    if (sp_p_kw(p, 0, "NOT")) {
        if (!(sp_p_kw(p, 1, "BETWEEN") || sp_p_kw(p, 1, "IN") || sp_p_kw(p, 1, "LIKE") ||
              sp_p_kw(p, 1, "ILIKE") || sp_p_kw(p, 1, "RLIKE") || sp_p_kw(p, 1, "REGEXP")))
            sp_p_syntax_error(p, &t, "");
        n->flags |= SQL_F_NOT;
        sp_p_advance(p);
    }
    uint32_t kw_off = CUR(p)->off;
    if (sp_p_accept_kw(p, "BETWEEN")) {
        n->b = value_expr(p);
        sp_p_expect_kw(p, "AND");
        n->c = value_expr(p);
        return sp_p_done(p, n);
    }
    if (sp_p_accept_kw(p, "IN")) return in_pred(p, n);
    if (sp_p_accept_kw(p, "LIKE")) return like_pred(p, n, LIKE_LIKE, kw_off);
    if (sp_p_accept_kw(p, "ILIKE")) return like_pred(p, n, LIKE_ILIKE, kw_off);
    if (sp_p_accept_kw(p, "RLIKE") || sp_p_accept_kw(p, "REGEXP"))
        return like_pred(p, n, LIKE_RLIKE, kw_off);
    return v;
}

/* NOT booleanExpression | EXISTS (query) | predicated */
static sp_sql_node *not_expr(sp_parser *p)
{
    if (sp_p_kw(p, 0, "NOT") || sp_p_op(p, 0, OP_BANG)) {
        sp_sql_node *n = sp_p_node(p, SQL_UNARY, CUR(p)->off);
        sp_p_advance(p);
        sp_p_enter(p);
        n->op = UN_NOT;
        n->a = not_expr(p);
        sp_p_leave(p);
        return sp_p_done(p, n);
    }
    return predicated(p);
}

static sp_sql_node *boolean(sp_parser *p, int min)
{
    sp_sql_node *l = not_expr(p);
    for (;;) {
        int prec = sp_p_kw(p, 0, "OR") ? 1 : sp_p_kw(p, 0, "AND") ? 2 : 0;
        if (prec <= min) return l;
        sp_p_advance(p);
        l = binary(p, prec == 1 ? BIN_OR : BIN_AND, l, boolean(p, prec));
    }
}

sp_sql_node *sp_p_expr(sp_parser *p)
{
    sp_p_enter(p);
    sp_sql_node *e = boolean(p, 0);
    sp_p_leave(p);
    return e;
}
