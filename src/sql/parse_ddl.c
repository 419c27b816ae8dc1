/* parse_ddl.c - CREATE VIEW, CREATE TABLE (columns, USING, OPTIONS, COMMENT,
 * WATERMARK FOR, AS query) and INSERT INTO/OVERWRITE. */
#include "sql/parser_int.h"

#include <string.h>

/* A dotted name or a string, as text: an option key (Spark's propertyKey,
 * plain identifiers) or with provider set a USING format (a multipart name,
 * where a-b is INVALID_IDENTIFIER). */
static const char *option_key(sp_parser *p, bool provider)
{
    if (CUR(p)->kind == TK_STRING) return sp_p_string(p)->str;
    sp_sql_list parts = {0};
    if (provider) {
        sp_p_multipart(p, &parts);
    } else {
        sp_sql_list_push(&parts, p->arena, sp_p_ident(p));
        while (sp_p_accept_op(p, OP_DOT))
            sp_sql_list_push(&parts, p->arena, sp_p_ident(p));
    }
    size_t len = 0;
    for (uint32_t i = 0; i < parts.n; i++)
        len += strlen(parts.items[i]->str) + 1;
    char *key = spate_arena_alloc(p->arena, len + 1);
    key[0] = '\0';
    for (uint32_t i = 0; i < parts.n; i++) {
        if (i) strcat(key, ".");
        strcat(key, parts.items[i]->str);
    }
    return key;
}

/* OPTIONS (key [=] value, ...): values are strings, numbers or booleans. */
static void options(sp_parser *p, sp_sql_list *l)
{
    sp_p_expect_op(p, OP_LPAREN);
    do {
        sp_sql_node *o = sp_p_node(p, SQL_OPTION, CUR(p)->off);
        o->str = option_key(p, false);
        sp_p_accept_op(p, OP_EQ);
        sp_sql_tk k = CUR(p)->kind;
        bool number = k == TK_INT || k == TK_DECIMAL || k == TK_EXPONENT || k == TK_BIGINT;
        if (k == TK_STRING)
            o->a = sp_p_string(p);
        else if (number || sp_p_kw(p, 0, "TRUE") || sp_p_kw(p, 0, "FALSE"))
            o->a = sp_p_literal(p, false, 0);
        else
            sp_p_syntax_error(p, CUR(p), "");
        sp_sql_list_push(l, p->arena, sp_p_done(p, o));
    } while (sp_p_accept_op(p, OP_COMMA));
    sp_p_expect_op(p, OP_RPAREN);
}

/* Whether a watermark clause starts here: Flink's WATERMARK FOR col AS
 * expr, anywhere; spate's WATERMARK col DELAY OF interval only after the
 * column list (within it, `watermark ts` would be a column). */
static bool at_watermark(sp_parser *p, bool in_columns)
{
    return sp_p_kw(p, 0, "WATERMARK") && (!in_columns || sp_p_kw(p, 1, "FOR"));
}

/* FOR col AS expr (a = expr), or col DELAY OF delay (b = delay), after
 * WATERMARK. */
static sp_sql_node *watermark(sp_parser *p, uint32_t off)
{
    sp_sql_node *w = sp_p_node(p, SQL_WATERMARK, off);
    bool flink = sp_p_accept_kw(p, "FOR");
    w->str = sp_p_name_ident(p)->str;
    if (flink) {
        sp_p_expect_kw(p, "AS");
        w->a = sp_p_expr(p);
    } else {
        sp_p_expect_kw(p, "DELAY");
        sp_p_expect_kw(p, "OF");
        w->b = sp_p_expr(p);
    }
    return sp_p_done(p, w);
}

static sp_sql_node *column_def(sp_parser *p)
{
    sp_sql_node *c = sp_p_node(p, SQL_COLDEF, CUR(p)->off);
    c->str = sp_p_name_ident(p)->str;
    c->a = sp_p_type(p);
    for (;;) {
        if (sp_p_kw(p, 0, "NOT") && sp_p_kw(p, 1, "NULL")) {
            sp_p_advance(p);
            sp_p_advance(p);
            c->flags |= SQL_F_NOT_NULL;
        } else if (sp_p_accept_kw(p, "COMMENT")) {
            c->b = sp_p_string(p);
        } else {
            return sp_p_done(p, c);
        }
    }
}

/* (col type ..., [WATERMARK ...]) */
static void columns(sp_parser *p, sp_sql_node *t)
{
    sp_p_expect_op(p, OP_LPAREN);
    do {
        uint32_t off = CUR(p)->off;
        if (at_watermark(p, true)) {
            sp_p_advance(p);
            t->a = watermark(p, off);
        } else {
            sp_sql_list_push(&t->list2, p->arena, column_def(p));
        }
    } while (sp_p_accept_op(p, OP_COMMA));
    sp_p_expect_op(p, OP_RPAREN);
}

static void if_not_exists(sp_parser *p, sp_sql_node *n)
{
    if (!sp_p_kw(p, 0, "IF")) return;
    sp_p_advance(p);
    sp_p_expect_kw(p, "NOT");
    sp_p_expect_kw(p, "EXISTS");
    n->flags |= SQL_F_IF_NOT_EXISTS;
}

/* USING / OPTIONS / COMMENT / WATERMARK in any order, then [AS] query. */
static sp_sql_node *table_tail(sp_parser *p, sp_sql_node *t)
{
    t->kind = SQL_CREATE_TABLE;
    for (;;) {
        uint32_t off = CUR(p)->off;
        if (sp_p_accept_kw(p, "USING"))
            t->str = option_key(p, true);
        else if (sp_p_accept_kw(p, "OPTIONS"))
            options(p, &t->list3);
        else if (sp_p_accept_kw(p, "COMMENT"))
            t->c = sp_p_string(p);
        else if (at_watermark(p, false)) {
            sp_p_advance(p);
            t->a = watermark(p, off);
        } else
            break;
    }
    if (sp_p_accept_kw(p, "AS") || sp_p_at_query(p, 0)) t->b = sp_p_query(p);
    return sp_p_done(p, t);
}

static sp_sql_node *create_table(sp_parser *p, sp_sql_node *t)
{
    if_not_exists(p, t);
    sp_p_multipart(p, &t->list);
    if (sp_p_op(p, 0, OP_LPAREN)) columns(p, t);
    return table_tail(p, t);
}

sp_sql_node *sp_p_create(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_CREATE_VIEW, CUR(p)->off);
    sp_p_advance(p); /* CREATE */
    if (sp_p_accept_kw(p, "OR")) {
        sp_p_expect_kw(p, "REPLACE");
        n->flags |= SQL_F_OR_REPLACE;
    }
    if (sp_p_accept_kw(p, "GLOBAL")) n->flags |= SQL_F_GLOBAL;
    if (sp_p_accept_kw(p, "TEMPORARY") || sp_p_accept_kw(p, "TEMP")) n->flags |= SQL_F_TEMPORARY;
    if (!(n->flags & SQL_F_GLOBAL) && sp_p_accept_kw(p, "TABLE")) return create_table(p, n);
    sp_p_expect_kw(p, "VIEW");
    if_not_exists(p, n);
    sp_p_multipart(p, &n->list);
    /* CREATE TEMPORARY VIEW v [(cols)] USING fmt OPTIONS (...): Spark's
     * CreateTempViewUsing (without its column list), a table here */
    if (sp_p_kw(p, 0, "USING")) return table_tail(p, n);
    if (sp_p_op(p, 0, OP_LPAREN)) sp_p_ident_list(p, &n->list2);
    sp_p_expect_kw(p, "AS");
    n->a = sp_p_query(p);
    return sp_p_done(p, n);
}

sp_sql_node *sp_p_insert(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_INSERT, CUR(p)->off);
    sp_p_advance(p); /* INSERT */
    if (sp_p_accept_kw(p, "OVERWRITE"))
        n->flags |= SQL_F_OVERWRITE;
    else
        sp_p_expect_kw(p, "INTO");
    sp_p_accept_kw(p, "TABLE");
    sp_p_multipart(p, &n->list);
    n->a = sp_p_query(p);
    return sp_p_done(p, n);
}
