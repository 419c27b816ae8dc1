/* parser_int.h - what the parser's files (parser*.c) share: the parser's
 * state, token helpers and the grammar areas' entry points.
 *
 * Errors leave through longjmp to the entry point (parser.c), which is safe
 * because every allocation made during a parse is in the caller's arena:
 * nothing is malloc'd that an error would leak. */
#ifndef SP_SQL_PARSER_INT_H
#define SP_SQL_PARSER_INT_H

#include "sql/ast.h"
#include "sql/lexer.h"
#include "sql/parser.h"
#include "sql/sql_error.h"

#include <setjmp.h>
#include <stdbool.h>

typedef struct sp_parser {
    const char *text;
    size_t len;
    spate_arena *arena;
    sp_sql_lexer lx;
    sp_sql_token tok[2]; /* tok[0] current, tok[1] the next one */
    uint32_t prev_end;   /* end offset of the last consumed token */
    int depth;
    int open_parens; /* '(' consumed minus ')' consumed */
    sp_sql_error *err;
    jmp_buf fail;
} sp_parser;

#define CUR(p) (&(p)->tok[0])
#define NEXT(p) (&(p)->tok[1])

/* parser.c: tokens, errors, names */
void sp_p_init(sp_parser *p, const char *text, size_t len, spate_arena *a, sp_sql_error *err);
void sp_p_advance(sp_parser *p);
/* Restarts lexing at byte offset off (after a raw SET). */
void sp_p_reset_at(sp_parser *p, size_t off);
bool sp_p_kw(const sp_parser *p, int which, const char *kw);
bool sp_p_accept_kw(sp_parser *p, const char *kw);
void sp_p_expect_kw(sp_parser *p, const char *kw);
bool sp_p_op(const sp_parser *p, int which, sp_sql_op op);
bool sp_p_accept_op(sp_parser *p, sp_sql_op op);
void sp_p_expect_op(sp_parser *p, sp_sql_op op);
/* PARSE_SYNTAX_ERROR at token t, with hint ("" or ": extra input 'x'"). */
_Noreturn void sp_p_syntax_error(sp_parser *p, const sp_sql_token *t, const char *hint);
/* Syntax error at the current token, with Spark's ": extra input" hint when
 * skipping that one token would have let the parse go on with want (a
 * keyword, or NULL for end of statement). */
_Noreturn void sp_p_unexpected(sp_parser *p, const char *want_kw, sp_sql_op want_op);
/* Any condition at byte offset off; params as name, value pairs ended by NULL. */
_Noreturn void sp_p_fail(sp_parser *p, size_t off, const char *cond, ...);
void sp_p_enter(sp_parser *p);
static inline void sp_p_leave(sp_parser *p) { p->depth--; }

sp_sql_node *sp_p_node(sp_parser *p, sp_sql_kind kind, uint32_t off);
/* Sets n->end to the end of the last consumed token; returns n. */
sp_sql_node *sp_p_done(sp_parser *p, sp_sql_node *n);
char *sp_p_copy(sp_parser *p, const char *s, size_t n);
/* Words that end an expression or a clause and so are never names unless
 * backquoted (FROM, WHERE, JOIN, ON, ...); see docs/sql.md. */
bool sp_p_reserved(const sp_parser *p, const sp_sql_token *t);
bool sp_p_at_ident(const sp_parser *p, int which);
/* An identifier (word or backquoted) as a SQL_NAME node. */
sp_sql_node *sp_p_ident(sp_parser *p);
/* After a '.', any word is a name part, reserved or not (`window.end`), as
 * in Spark where only the first part of a name decides how it parses. */
bool sp_p_at_part(const sp_parser *p, int which);
sp_sql_node *sp_p_part(sp_parser *p);
/* An identifier where Spark captures "a-b" as INVALID_IDENTIFIER (table and
 * column names, aliases). */
sp_sql_node *sp_p_name_ident(sp_parser *p);
/* name (. name)* into *l. */
void sp_p_multipart(sp_parser *p, sp_sql_list *l);
/* [AS] alias, where AS is optional: returns the alias or NULL. */
const char *sp_p_opt_alias(sp_parser *p);
/* '(' name (, name)* ')' into *l. */
void sp_p_ident_list(sp_parser *p, sp_sql_list *l);

/* parse_query.c */
sp_sql_node *sp_p_query(sp_parser *p);
bool sp_p_at_query(const sp_parser *p, int which);
/* parse_relation.c */
sp_sql_node *sp_p_from(sp_parser *p);
/* VALUES row, row...: an inline table (its alias is the caller's). */
sp_sql_node *sp_p_values(sp_parser *p);
/* parse_expr.c */
sp_sql_node *sp_p_expr(sp_parser *p);
/* parse_primary.c */
sp_sql_node *sp_p_primary(sp_parser *p);
sp_sql_node *sp_p_postfix(sp_parser *p, sp_sql_node *base);
sp_sql_node *sp_p_func_call(sp_parser *p, sp_sql_list name, uint32_t off, sp_sql_kind kind);
/* parse_literal.c */
bool sp_p_at_literal(const sp_parser *p);
sp_sql_node *sp_p_literal(sp_parser *p, bool negate, uint32_t minus_off);
sp_sql_node *sp_p_string(sp_parser *p);
sp_sql_node *sp_p_interval(sp_parser *p);
/* parse_type.c */
sp_sql_node *sp_p_type(sp_parser *p);
/* parse_ddl.c */
sp_sql_node *sp_p_create(sp_parser *p);
sp_sql_node *sp_p_insert(sp_parser *p);
/* parse_command.c */
sp_sql_node *sp_p_set(sp_parser *p);
sp_sql_node *sp_p_statement(sp_parser *p);

#endif
