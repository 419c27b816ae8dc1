/* parser.h - Spark SQL statements and expressions into parse trees (ast.h).
 *
 * A hand-written recursive-descent parser over Spark 4.0's grammar
 * (SqlBaseParser.g4 is the reference; docs/sql.md has the grammar as built and
 * where it departs). Errors are Spark's error classes with the position of the
 * offending token (sql_error.h). Nesting deeper than SP_SQL_MAX_DEPTH
 * (parentheses, subqueries, unary chains) is refused with
 * FAILED_TO_PARSE_TOO_COMPLEX instead of overflowing the stack.
 * Reentrant: each call has its own state; any thread. */
#ifndef SP_SQL_PARSER_H
#define SP_SQL_PARSER_H

#include "sql/ast.h"
#include "sql/sql_error.h"

#include <stdbool.h>
#include <stddef.h>

enum { SP_SQL_MAX_DEPTH = 256 };

/* Parses text (len bytes; need not be NUL-terminated) as statements separated
 * by ';'. On success fills *stmts (nodes in arena a, valid until it is
 * destroyed) and returns true. On failure returns false with *err set (the
 * caller clears it); positions are relative to text, so render the error with
 * the same text. Nothing but arena memory is allocated on success. */
bool sp_sql_parse(const char *text, size_t len, spate_arena *a, sp_sql_list *stmts,
                  sp_sql_error *err);

/* Parses one expression with an optional alias (Spark's singleExpression:
 * selectExpr, filter strings), the whole text; an alias makes *out a
 * SQL_ALIAS. Same conventions as sp_sql_parse. */
bool sp_sql_parse_expression(const char *text, size_t len, spate_arena *a, sp_sql_node **out,
                             sp_sql_error *err);

#endif
