/* parse_interval.c - INTERVAL literals: INTERVAL '10' MINUTE, INTERVAL 10
 * MINUTES, INTERVAL '1' DAY '2' HOUR (several units), INTERVAL '1 2' DAY TO
 * HOUR (unit to unit) and INTERVAL '1 day' (a typed literal). Values are kept
 * as written; the analyzer turns them into intervals. */
#include "sql/parser_int.h"

#include <string.h>
#include <strings.h>

/* The unit of the word at tok[which] (singular or plural), 0 if none. */
static int unit_at(const sp_parser *p, int which)
{
    static const char *const names[] = {"YEAR",   "MONTH",  "WEEK",        "DAY",        "HOUR",
                                        "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"};
    const sp_sql_token *t = &p->tok[which];
    if (t->kind != TK_WORD) return 0;
    const char *w = p->text + t->off;
    for (int i = 0; i < 9; i++) {
        size_t n = strlen(names[i]);
        if ((t->len == n || (t->len == n + 1 && (w[n] == 's' || w[n] == 'S'))) &&
            strncasecmp(w, names[i], n) == 0)
            return i + 1;
    }
    return 0;
}

static bool plain_value(sp_sql_tk k) { return k == TK_STRING || k == TK_INT || k == TK_DECIMAL; }

/* Whether a value and a unit follow (a sign needs a third token of
 * lookahead: "INTERVAL 1 DAY - 1" subtracts). */
static bool another_part(const sp_parser *p)
{
    if (plain_value(CUR(p)->kind)) return unit_at(p, 1) != 0;
    if (!(sp_p_op(p, 0, OP_MINUS) || sp_p_op(p, 0, OP_PLUS)) || !plain_value(p->tok[1].kind))
        return false;
    sp_sql_lexer peek = p->lx;
    sp_parser q = {.text = p->text};
    sp_sql_lex_next(&peek, &q.tok[0]);
    return unit_at(&q, 0) != 0;
}

/* [+|-] (integer | decimal | string), then its unit. */
static sp_sql_node *part(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_INTERVAL_PART, CUR(p)->off);
    uint32_t sign_off = CUR(p)->off;
    bool minus = sp_p_op(p, 0, OP_MINUS);
    bool sign = minus || sp_p_op(p, 0, OP_PLUS);
    if (sign) sp_p_advance(p);
    sp_sql_tk k = CUR(p)->kind;
    if (k != TK_STRING && k != TK_INT && k != TK_DECIMAL) sp_p_syntax_error(p, CUR(p), "");
    if (k == TK_STRING) {
        sp_sql_node *s = sp_p_string(p);
        if (minus) {
            sp_sql_node *neg = sp_p_node(p, SQL_UNARY, sign_off);
            neg->op = UN_NEG;
            neg->a = s;
            s = sp_p_done(p, neg);
        }
        n->a = s;
    } else {
        n->a = sp_p_literal(p, minus, sign_off);
    }
    n->op = unit_at(p, 0);
    if (!n->op) sp_p_syntax_error(p, CUR(p), "");
    sp_p_advance(p);
    return sp_p_done(p, n);
}

sp_sql_node *sp_p_interval(sp_parser *p)
{
    uint32_t off = CUR(p)->off;
    sp_p_advance(p); /* INTERVAL */
    if (CUR(p)->kind == TK_STRING && !unit_at(p, 1)) {
        /* INTERVAL '1 day 2 hours': the typed literal form */
        sp_sql_node *t = sp_p_node(p, SQL_LIT_TYPED, off);
        t->str = "INTERVAL";
        t->a = sp_p_string(p);
        return sp_p_done(p, t);
    }
    sp_sql_node *n = sp_p_node(p, SQL_INTERVAL, off);
    sp_sql_list_push(&n->list, p->arena, part(p));
    if (sp_p_kw(p, 0, "TO") && unit_at(p, 1)) {
        sp_p_advance(p);
        n->op = n->list.items[0]->op;
        n->op2 = unit_at(p, 0);
        sp_p_advance(p);
        return sp_p_done(p, n);
    }
    while (another_part(p))
        sp_sql_list_push(&n->list, p->arena, part(p));
    return sp_p_done(p, n);
}
