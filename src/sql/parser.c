/* parser.c - the parser's entry points, token helpers, errors and names
 * (parser.h, parser_int.h). */
#include "sql/parser_int.h"

#include "base/arena.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void sp_p_init(sp_parser *p, const char *text, size_t len, spate_arena *a, sp_sql_error *err)
{
    memset(p, 0, sizeof *p);
    p->text = text;
    p->len = len;
    p->arena = a;
    p->err = err;
    sp_sql_lexer_init(&p->lx, text, len);
    sp_sql_lex_next(&p->lx, &p->tok[0]);
    sp_sql_lex_next(&p->lx, &p->tok[1]);
}

void sp_p_advance(sp_parser *p)
{
    p->prev_end = p->tok[0].off + p->tok[0].len;
    if (p->tok[0].kind == TK_OP && p->tok[0].op == OP_LPAREN) p->open_parens++;
    if (p->tok[0].kind == TK_OP && p->tok[0].op == OP_RPAREN) p->open_parens--;
    p->tok[0] = p->tok[1];
    sp_sql_lex_next(&p->lx, &p->tok[1]);
}

void sp_p_reset_at(sp_parser *p, size_t off)
{
    p->lx.pos = off;
    sp_sql_lex_next(&p->lx, &p->tok[0]);
    sp_sql_lex_next(&p->lx, &p->tok[1]);
}

static bool word_is(const sp_parser *p, const sp_sql_token *t, const char *kw)
{
    size_t n = strlen(kw);
    return t->kind == TK_WORD && t->len == n && strncasecmp(p->text + t->off, kw, n) == 0;
}

bool sp_p_kw(const sp_parser *p, int which, const char *kw)
{
    return word_is(p, &p->tok[which], kw);
}

bool sp_p_accept_kw(sp_parser *p, const char *kw)
{
    if (!sp_p_kw(p, 0, kw)) return false;
    sp_p_advance(p);
    return true;
}

void sp_p_expect_kw(sp_parser *p, const char *kw)
{
    if (!sp_p_accept_kw(p, kw)) sp_p_unexpected(p, kw, OP_NONE);
}

bool sp_p_op(const sp_parser *p, int which, sp_sql_op op)
{
    return p->tok[which].kind == TK_OP && p->tok[which].op == op;
}

bool sp_p_accept_op(sp_parser *p, sp_sql_op op)
{
    if (!sp_p_op(p, 0, op)) return false;
    sp_p_advance(p);
    return true;
}

void sp_p_expect_op(sp_parser *p, sp_sql_op op)
{
    if (sp_p_accept_op(p, op)) return;
    /* ANTLR's single-token insertion: at the end of input, a ')' that would
     * close the last open parenthesis is reported as missing */
    if (op == OP_RPAREN && CUR(p)->kind == TK_EOF && p->open_parens == 1)
        sp_p_syntax_error(p, CUR(p), ": missing ')'");
    sp_p_unexpected(p, NULL, op);
}

_Noreturn void sp_p_syntax_error(sp_parser *p, const sp_sql_token *t, const char *hint)
{
    size_t cap = (size_t)t->len * 2 + 16;
    char *shown = sp_xmalloc(cap);
    sp_sql_token_display(p->text, t, shown, cap);
    sp_sql_error_set(p->err, "PARSE_SYNTAX_ERROR", "error", shown, "hint", hint, NULL);
    free(shown);
    sp_sql_error_at(p->err, p->text, p->len, t->off);
    longjmp(p->fail, 1);
}

_Noreturn void sp_p_unexpected(sp_parser *p, const char *want_kw, sp_sql_op want_op)
{
    const sp_sql_token *nx = NEXT(p);
    bool fits = want_kw   ? word_is(p, nx, want_kw)
                : want_op ? (nx->kind == TK_OP && nx->op == want_op)
                          : (nx->kind == TK_EOF || (nx->kind == TK_OP && nx->op == OP_SEMI));
    if (fits && CUR(p)->kind != TK_EOF) {
        /* ANTLR's single-token deletion: "extra input" */
        size_t cap = (size_t)CUR(p)->len * 2 + 32;
        char *hint = sp_xmalloc(cap + 16);
        memcpy(hint, ": extra input ", 15);
        sp_sql_token_display(p->text, CUR(p), hint + 14, cap);
        sp_sql_token t = *CUR(p);
        /* the message's hint is copied by sp_p_syntax_error's error_set */
        sp_sql_error_set(p->err, "PARSE_SYNTAX_ERROR", "error", hint + 14, "hint", hint, NULL);
        free(hint);
        sp_sql_error_at(p->err, p->text, p->len, t.off);
        longjmp(p->fail, 1);
    }
    sp_p_syntax_error(p, CUR(p), "");
}

_Noreturn void sp_p_fail(sp_parser *p, size_t off, const char *cond, ...)
{
    sp_sql_error_set(p->err, cond, NULL);
    va_list ap;
    va_start(ap, cond);
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name) break;
        sp_sql_error_param(p->err, name, va_arg(ap, const char *));
    }
    va_end(ap);
    sp_sql_error_at(p->err, p->text, p->len, off);
    longjmp(p->fail, 1);
}

void sp_p_enter(sp_parser *p)
{
    if (++p->depth > SP_SQL_MAX_DEPTH)
        sp_p_fail(p, CUR(p)->off, "FAILED_TO_PARSE_TOO_COMPLEX", NULL);
}

sp_sql_node *sp_p_node(sp_parser *p, sp_sql_kind kind, uint32_t off)
{
    return sp_sql_node_new(p->arena, kind, off);
}

sp_sql_node *sp_p_done(sp_parser *p, sp_sql_node *n)
{
    n->end = p->prev_end > n->off ? p->prev_end : n->off;
    return n;
}

char *sp_p_copy(sp_parser *p, const char *s, size_t n)
{
    char *c = spate_arena_alloc(p->arena, n + 1);
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/* Never a name unless backquoted: they end expressions and clauses. */
static const char *const reserved_words[] = {
    "ALL",     "AND",      "ANTI",       "AS",    "BETWEEN",     "BY",        "CASE",   "CLUSTER",
    "CROSS",   "DISTINCT", "DISTRIBUTE", "ELSE",  "END",         "EXCEPT",    "FROM",   "FULL",
    "GROUP",   "HAVING",   "ILIKE",      "IN",    "INNER",       "INTERSECT", "IS",     "JOIN",
    "LATERAL", "LEFT",     "LIKE",       "LIMIT", "MINUS",       "NATURAL",   "NOT",    "OFFSET",
    "ON",      "OR",       "ORDER",      "OVER",  "PIVOT",       "QUALIFY",   "REGEXP", "RIGHT",
    "RLIKE",   "SELECT",   "SEMI",       "SORT",  "TABLESAMPLE", "THEN",      "UNION",  "UNPIVOT",
    "USING",   "WHEN",     "WHERE",      "WITH",
};

bool sp_p_reserved(const sp_parser *p, const sp_sql_token *t)
{
    if (t->kind != TK_WORD) return false;
    for (size_t i = 0; i < sizeof reserved_words / sizeof reserved_words[0]; i++)
        if (word_is(p, t, reserved_words[i])) return true;
    return false;
}

bool sp_p_at_ident(const sp_parser *p, int which)
{
    const sp_sql_token *t = &p->tok[which];
    /* OFFSET ends a query only before its count; elsewhere it is a name, as
     * in Spark's default mode (a Kafka row's `offset` column) */
    if (which == 0 && t->kind == TK_WORD && word_is(p, t, "OFFSET"))
        return p->tok[1].kind != TK_INT && p->tok[1].kind != TK_BIGINT;
    return t->kind == TK_QIDENT || (t->kind == TK_WORD && !sp_p_reserved(p, t));
}

bool sp_p_at_part(const sp_parser *p, int which)
{
    return p->tok[which].kind == TK_QIDENT || p->tok[which].kind == TK_WORD;
}

/* The name token at the cursor (reserved or not: the caller decided). */
static sp_sql_node *name_token(sp_parser *p)
{
    sp_sql_token t = *CUR(p);
    sp_sql_node *n = sp_p_node(p, SQL_NAME, t.off);
    if (t.kind == TK_QIDENT) {
        /* drop the quotes, `` -> ` */
        char *s = spate_arena_alloc(p->arena, t.len);
        size_t k = 0;
        for (uint32_t i = 1; i + 1 < t.len; i++) {
            s[k++] = p->text[t.off + i];
            if (p->text[t.off + i] == '`') i++;
        }
        s[k] = '\0';
        n->str = s;
    } else {
        n->str = sp_p_copy(p, p->text + t.off, t.len);
        for (uint32_t i = 0; i < t.len; i++)
            if ((unsigned char)n->str[i] >= 0x80)
                sp_p_fail(p, t.off, "INVALID_IDENTIFIER", "ident", n->str, NULL);
    }
    sp_p_advance(p);
    return sp_p_done(p, n);
}

sp_sql_node *sp_p_ident(sp_parser *p)
{
    if (!sp_p_at_ident(p, 0)) sp_p_syntax_error(p, CUR(p), "");
    return name_token(p);
}

sp_sql_node *sp_p_part(sp_parser *p)
{
    if (!sp_p_at_part(p, 0)) sp_p_syntax_error(p, CUR(p), "");
    return name_token(p);
}

sp_sql_node *sp_p_name_ident(sp_parser *p)
{
    sp_sql_node *n = sp_p_ident(p);
    if (!sp_p_op(p, 0, OP_MINUS) || p->tok[1].kind != TK_WORD) return n;
    /* Spark's errorCapturingIdentifier: a-b-c is one bad identifier whose
     * text joins the tokens; the error is at the first '-' */
    uint32_t minus_off = CUR(p)->off;
    size_t cap = strlen(n->str) + 1;
    char *joined = sp_xmalloc(cap);
    memcpy(joined, n->str, cap);
    while (sp_p_op(p, 0, OP_MINUS) && p->tok[1].kind == TK_WORD) {
        const sp_sql_token *w = &p->tok[1];
        joined = sp_xrealloc(joined, cap + 1 + w->len);
        joined[cap - 1] = '-';
        memcpy(joined + cap, p->text + w->off, w->len);
        cap += 1 + w->len;
        joined[cap - 1] = '\0';
        sp_p_advance(p);
        sp_p_advance(p);
    }
    char *in_arena = sp_p_copy(p, joined, cap - 1);
    free(joined);
    sp_p_fail(p, minus_off, "INVALID_IDENTIFIER", "ident", in_arena, NULL);
}

void sp_p_multipart(sp_parser *p, sp_sql_list *l)
{
    sp_sql_list_push(l, p->arena, sp_p_name_ident(p));
    while (sp_p_op(p, 0, OP_DOT) && sp_p_at_ident(p, 1)) {
        sp_p_advance(p);
        sp_sql_list_push(l, p->arena, sp_p_name_ident(p));
    }
}

const char *sp_p_opt_alias(sp_parser *p)
{
    if (sp_p_accept_kw(p, "AS")) return sp_p_name_ident(p)->str;
    if (sp_p_at_ident(p, 0)) return sp_p_name_ident(p)->str;
    return NULL;
}

void sp_p_ident_list(sp_parser *p, sp_sql_list *l)
{
    sp_p_expect_op(p, OP_LPAREN);
    do {
        sp_sql_list_push(l, p->arena, sp_p_name_ident(p));
    } while (sp_p_accept_op(p, OP_COMMA));
    sp_p_expect_op(p, OP_RPAREN);
}

static bool blank(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] > ' ') return false; /* Java's String.trim */
    return true;
}

/* script := ';'* [statement (';'+ statement)*] ';'* EOF */
static void skip_semis(sp_parser *p)
{
    while (sp_p_accept_op(p, OP_SEMI))
        continue;
}

static void script(sp_parser *p, sp_sql_list *stmts)
{
    sp_sql_token first = *CUR(p);
    skip_semis(p);
    if (CUR(p)->kind == TK_EOF) {
        /* no statement at all: Spark's singleStatement fails at the first
         * token, which withCommand turns into PARSE_EMPTY_STATEMENT when the
         * text is blank */
        if (blank(p->text, p->len)) sp_p_fail(p, CUR(p)->off, "PARSE_EMPTY_STATEMENT", NULL);
        sp_p_syntax_error(p, &first, "");
    }
    while (CUR(p)->kind != TK_EOF) {
        sp_sql_list_push(stmts, p->arena, sp_p_statement(p));
        if (CUR(p)->kind == TK_EOF) break;
        if (!sp_p_op(p, 0, OP_SEMI)) sp_p_unexpected(p, NULL, OP_NONE);
        skip_semis(p);
    }
    if (p->lx.unclosed_comment)
        sp_p_fail(p, p->lx.unclosed_comment_off, "UNCLOSED_BRACKETED_COMMENT", NULL);
}

bool sp_sql_parse(const char *text, size_t len, spate_arena *a, sp_sql_list *stmts,
                  sp_sql_error *err)
{
    sp_parser *p = spate_arena_alloc(a, sizeof *p);
    sp_p_init(p, text, len, a, err);
    memset(stmts, 0, sizeof *stmts);
    if (setjmp(p->fail)) return false;
    script(p, stmts);
    return true;
}

bool sp_sql_parse_expression(const char *text, size_t len, spate_arena *a, sp_sql_node **out,
                             sp_sql_error *err)
{
    sp_parser *p = spate_arena_alloc(a, sizeof *p);
    sp_p_init(p, text, len, a, err);
    *out = NULL;
    if (setjmp(p->fail)) return false;
    if (CUR(p)->kind == TK_EOF && blank(text, len))
        sp_p_fail(p, CUR(p)->off, "PARSE_EMPTY_STATEMENT", NULL);
    /* Spark's singleExpression is a namedExpression: "a + 1 AS b" */
    sp_sql_node *e = sp_p_expr(p);
    uint32_t off = e->off;
    const char *alias = sp_p_opt_alias(p);
    if (alias) {
        sp_sql_node *a = sp_p_node(p, SQL_ALIAS, off);
        a->a = e;
        a->str = alias;
        e = sp_p_done(p, a);
    }
    if (CUR(p)->kind != TK_EOF) sp_p_unexpected(p, NULL, OP_NONE);
    if (p->lx.unclosed_comment)
        sp_p_fail(p, p->lx.unclosed_comment_off, "UNCLOSED_BRACKETED_COMMENT", NULL);
    *out = e;
    return true;
}
