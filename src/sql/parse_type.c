/* parse_type.c - data types in CAST, :: and column definitions, kept as their
 * source text (sql/types.h parses that text): a word, then optional
 * parenthesised parameters (DECIMAL(10, 2)) and angle-bracketed element types
 * (ARRAY<STRUCT<a: INT>>, where ">>" closes two), or INTERVAL's units
 * (INTERVAL DAY TO SECOND). The brackets must balance. */
#include "sql/parser_int.h"

/* How much a token opens (+) or closes (-) angle brackets. */
static int angle(const sp_sql_token *t)
{
    if (t->kind != TK_OP) return 0;
    switch (t->op) {
    case OP_LT:
        return 1;
    case OP_GT:
        return -1;
    case OP_SHR:
        return -2;
    case OP_USHR:
        return -3;
    case OP_NEQ:
    case OP_LTGT:
    case OP_LE:
    case OP_GE:
    case OP_NSEQ:
        return 99; /* never in a type */
    default:
        return 0;
    }
}

/* Skips a balanced run that starts at an opening '(' or '<'. */
static void balanced(sp_parser *p)
{
    int parens = 0, angles = 0;
    do {
        const sp_sql_token *t = CUR(p);
        int a = angle(t);
        if (t->kind == TK_EOF || t->kind == TK_ERROR || a == 99 || sp_p_op(p, 0, OP_SEMI))
            sp_p_syntax_error(p, t, "");
        if (a < 0 && angles + a < 0) sp_p_syntax_error(p, t, "");
        angles += a;
        if (sp_p_op(p, 0, OP_LPAREN)) parens++;
        if (sp_p_op(p, 0, OP_RPAREN) && --parens < 0) sp_p_syntax_error(p, t, "");
        sp_p_advance(p);
    } while (parens > 0 || angles > 0);
}

sp_sql_node *sp_p_type(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_TYPE, CUR(p)->off);
    if (CUR(p)->kind != TK_WORD) sp_p_syntax_error(p, CUR(p), "");
    bool interval = sp_p_kw(p, 0, "INTERVAL");
    sp_p_advance(p);
    if (interval) {
        /* INTERVAL [unit [TO unit]] */
        if (CUR(p)->kind == TK_WORD && !sp_p_reserved(p, CUR(p)) && !sp_p_kw(p, 0, "NOT") &&
            !sp_p_kw(p, 0, "COMMENT")) {
            sp_p_advance(p);
            if (sp_p_accept_kw(p, "TO")) {
                if (CUR(p)->kind != TK_WORD) sp_p_syntax_error(p, CUR(p), "");
                sp_p_advance(p);
            }
        }
    } else {
        if (sp_p_op(p, 0, OP_LT)) balanced(p);
        if (sp_p_op(p, 0, OP_LPAREN)) balanced(p);
    }
    sp_p_done(p, n);
    n->str = sp_p_copy(p, p->text + n->off, n->end - n->off);
    return n;
}
