/* ast_print.c - the s-expression form of a parse tree, for tests: one
 * parenthesised form per node, names joined by '.', string values in single
 * quotes with \ and ' escaped, a query without WITH/ORDER BY/LIMIT printed as
 * its body alone. */
#include "sql/ast.h"

#include "base/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct out {
    char *p;
    size_t len, cap;
} out;

static void put(out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        while (cap < o->len + n + 1)
            cap *= 2;
        o->p = sp_xrealloc(o->p, cap);
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n + 1);
    o->len += n;
}

static void node(out *o, const sp_sql_node *n);

static void name_part(out *o, const char *s)
{
    bool plain = *s != '\0';
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            plain = false;
    if (plain) {
        put(o, s);
        return;
    }
    put(o, "`");
    for (const char *p = s; *p; p++)
        put(o, *p == '`' ? "``" : (char[]){*p, 0});
    put(o, "`");
}

static void names(out *o, const sp_sql_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i) put(o, ".");
        name_part(o, l->items[i]->str);
    }
}

/* " a b c": names separated by spaces (column lists). */
static void name_list(out *o, const sp_sql_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        put(o, " ");
        name_part(o, l->items[i]->str);
    }
}

static void quoted(out *o, const char *s)
{
    put(o, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '\'' || *p == '\\') put(o, "\\");
        if (*p == '\n')
            put(o, "\\n");
        else if (*p == '\t')
            put(o, "\\t");
        else
            put(o, (char[]){*p, 0});
    }
    put(o, "'");
}

static void items(out *o, const sp_sql_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        put(o, " ");
        node(o, l->items[i]);
    }
}

/* " (tag child)" when child is set. */
static void opt(out *o, const char *tag, const sp_sql_node *child)
{
    if (!child) return;
    put(o, " (");
    put(o, tag);
    put(o, " ");
    node(o, child);
    put(o, ")");
}

static void opt_list(out *o, const char *tag, const sp_sql_list *l)
{
    if (!l->n) return;
    put(o, " (");
    put(o, tag);
    items(o, l);
    put(o, ")");
}

static void opt_alias(out *o, const char *alias)
{
    if (!alias) return;
    put(o, " (alias ");
    name_part(o, alias);
    put(o, ")");
}

static const char *binop_name(int op)
{
    static const char *const names_[] = {
        "?", "or", "and", "=",   "<=>", "!=", "<",  "<=", ">", ">=", "|",   "^",
        "&", "<<", ">>",  ">>>", "+",   "-",  "||", "*",  "/", "%",  "div",
    };
    return op > 0 && op < (int)(sizeof names_ / sizeof names_[0]) ? names_[op] : "?";
}

static const char *const unop_names[] = {"?", "neg", "pos", "~", "not"};
static const char *const is_names[] = {"?", "null", "true", "false", "unknown"};
static const char *const like_names[] = {"?", "like", "ilike", "rlike"};
static const char *const join_names[] = {"?",     "inner",     "left",      "right", "full",
                                         "cross", "left-semi", "left-anti", "comma"};
static const char *const setop_names[] = {"?", "union", "intersect", "except"};
static const char *const explain_names[] = {"", " extended", " formatted", " codegen", " cost"};

const char *sp_sql_unit_name(int unit)
{
    static const char *const units[] = {"?",    "YEAR",   "MONTH",  "WEEK",        "DAY",
                                        "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"};
    return unit > 0 && unit <= UNIT_MICROSECOND ? units[unit] : "?";
}

const char *sp_sql_kind_name(sp_sql_kind k)
{
    static const char *const lit[] = {"int", "bigint", "smallint", "tinyint",   "decimal",
                                      "exp", "double", "float",    "bigdecimal"};
    if (k <= SQL_LIT_BIGDEC) return lit[k];
    return "node";
}

static void open_tag(out *o, const char *tag)
{
    put(o, "(");
    put(o, tag);
}

static bool literal(out *o, const sp_sql_node *n)
{
    switch (n->kind) {
    case SQL_LIT_STRING:
        open_tag(o, "str ");
        quoted(o, n->str);
        break;
    case SQL_LIT_BOOL:
        put(o, n->op ? "true" : "false");
        return true;
    case SQL_LIT_NULL:
        put(o, "null");
        return true;
    case SQL_LIT_TYPED:
        open_tag(o, "typed ");
        put(o, n->str);
        put(o, " ");
        node(o, n->a);
        break;
    case SQL_INTERVAL:
        open_tag(o, "interval");
        for (uint32_t i = 0; i < n->list.n; i++) {
            put(o, " ");
            node(o, n->list.items[i]->a);
            if (n->op2) break; /* unit to unit: the units follow */
            put(o, " ");
            put(o, sp_sql_unit_name(n->list.items[i]->op));
        }
        if (n->op2) {
            put(o, " ");
            put(o, sp_sql_unit_name(n->op));
            put(o, " TO ");
            put(o, sp_sql_unit_name(n->op2));
        }
        break;
    default:
        if (n->kind > SQL_LIT_BIGDEC) return false;
        open_tag(o, sp_sql_kind_name(n->kind));
        put(o, " ");
        put(o, n->str);
    }
    put(o, ")");
    return true;
}

static void predicate(out *o, const sp_sql_node *n, const char *tag)
{
    put(o, "(");
    if (n->flags & SQL_F_NOT) put(o, "not-");
    put(o, tag);
}

static bool operator_expr(out *o, const sp_sql_node *n)
{
    switch (n->kind) {
    case SQL_UNARY:
        open_tag(o, unop_names[n->op]);
        put(o, " ");
        node(o, n->a);
        break;
    case SQL_BINARY:
        open_tag(o, binop_name(n->op));
        put(o, " ");
        node(o, n->a);
        put(o, " ");
        node(o, n->b);
        break;
    case SQL_IS:
        open_tag(o, n->flags & SQL_F_NOT ? "is-not-" : "is-");
        put(o, is_names[n->op]);
        put(o, " ");
        node(o, n->a);
        break;
    case SQL_IN_LIST:
        predicate(o, n, "in ");
        node(o, n->a);
        items(o, &n->list);
        break;
    case SQL_IN_QUERY:
        predicate(o, n, "in ");
        node(o, n->a);
        put(o, " ");
        node(o, n->b);
        break;
    case SQL_BETWEEN:
        predicate(o, n, "between ");
        node(o, n->a);
        put(o, " ");
        node(o, n->b);
        put(o, " ");
        node(o, n->c);
        break;
    case SQL_LIKE:
        predicate(o, n, like_names[n->op]);
        put(o, " ");
        node(o, n->a);
        put(o, " ");
        node(o, n->b);
        opt(o, "escape", n->c);
        break;
    default:
        return false;
    }
    put(o, ")");
    return true;
}

/* CASE, CAST and calls. */
static bool call_like(out *o, const sp_sql_node *n)
{
    switch (n->kind) {
    case SQL_CASE:
        open_tag(o, "case");
        if (n->a) put(o, " "), node(o, n->a);
        items(o, &n->list);
        opt(o, "else", n->b);
        break;
    case SQL_WHEN:
        open_tag(o, "when ");
        node(o, n->a);
        put(o, " ");
        node(o, n->b);
        break;
    case SQL_CAST:
        open_tag(o, n->flags & SQL_F_TRY ? "try_cast " : "cast ");
        node(o, n->a);
        put(o, " ");
        node(o, n->b);
        break;
    case SQL_TYPE:
        put(o, n->str);
        return true;
    case SQL_FUNC:
        open_tag(o, "call ");
        names(o, &n->list);
        if (n->flags & SQL_F_DISTINCT) put(o, " distinct");
        if (n->flags & SQL_F_STAR) put(o, " *");
        items(o, &n->list2);
        opt(o, "filter", n->a);
        break;
    default:
        return false;
    }
    put(o, ")");
    return true;
}

static bool other_expr(out *o, const sp_sql_node *n)
{
    switch (n->kind) {
    case SQL_COLUMN:
        open_tag(o, "col ");
        names(o, &n->list);
        break;
    case SQL_STAR:
        open_tag(o, "star");
        if (n->list.n) put(o, " ");
        names(o, &n->list);
        break;
    case SQL_FIELD:
        open_tag(o, "field ");
        node(o, n->a);
        put(o, " ");
        name_part(o, n->str);
        break;
    case SQL_SUBSCRIPT:
        open_tag(o, "sub ");
        node(o, n->a);
        put(o, " ");
        node(o, n->b);
        break;
    case SQL_TABLE_ARG:
        open_tag(o, "table-arg ");
        node(o, n->a);
        break;
    case SQL_SUBQUERY:
        open_tag(o, "subquery ");
        node(o, n->a);
        break;
    case SQL_EXISTS:
        open_tag(o, "exists ");
        node(o, n->a);
        break;
    case SQL_ROW:
        open_tag(o, "row");
        items(o, &n->list);
        break;
    case SQL_ALIAS:
        open_tag(o, "as ");
        node(o, n->a);
        put(o, " ");
        name_part(o, n->str);
        break;
    default:
        return false;
    }
    put(o, ")");
    return true;
}

/* A relation's alias and its column names: " (alias s) (cols x y)". */
static void alias_cols(out *o, const sp_sql_node *n)
{
    opt_alias(o, n->str);
    if (!n->list.n) return;
    put(o, " (cols");
    name_list(o, &n->list);
    put(o, ")");
}

static bool relation(out *o, const sp_sql_node *n)
{
    switch (n->kind) {
    case SQL_TABLE_REF:
        open_tag(o, n->flags & SQL_F_STREAM ? "stream " : "table ");
        names(o, &n->list);
        opt_alias(o, n->str);
        break;
    case SQL_SUBQUERY_REL:
        open_tag(o, "subquery-rel ");
        node(o, n->a);
        alias_cols(o, n);
        break;
    case SQL_VALUES:
        open_tag(o, "values");
        items(o, &n->list2);
        alias_cols(o, n);
        break;
    case SQL_TVF:
        open_tag(o, "tvf ");
        names(o, &n->list);
        items(o, &n->list2);
        opt_alias(o, n->str);
        break;
    case SQL_JOIN:
        open_tag(o, "join ");
        put(o, join_names[n->op]);
        put(o, " ");
        node(o, n->a);
        put(o, " ");
        node(o, n->b);
        opt(o, "on", n->c);
        opt_list(o, "using", &n->list);
        break;
    default:
        return false;
    }
    put(o, ")");
    return true;
}

static void query(out *o, const sp_sql_node *n)
{
    if (!n->list.n && !n->list2.n && !n->b && !n->c) {
        node(o, n->a);
        return;
    }
    open_tag(o, "query");
    opt_list(o, "with", &n->list);
    put(o, " ");
    node(o, n->a);
    opt_list(o, "order-by", &n->list2);
    opt(o, "limit", n->b);
    opt(o, "offset", n->c);
    put(o, ")");
}

static bool query_part(out *o, const sp_sql_node *n)
{
    switch (n->kind) {
    case SQL_QUERY:
        query(o, n);
        return true;
    case SQL_CTE:
        open_tag(o, "cte ");
        name_part(o, n->str);
        if (n->list.n) put(o, " (cols"), name_list(o, &n->list), put(o, ")");
        put(o, " ");
        node(o, n->a);
        break;
    case SQL_SORT:
        open_tag(o, n->op == SORT_ASC ? "asc " : n->op == SORT_DESC ? "desc " : "sort ");
        node(o, n->a);
        if (n->op2) put(o, n->op2 == NULLS_FIRST ? " nulls-first" : " nulls-last");
        break;
    case SQL_SELECT:
        open_tag(o, "select");
        if (n->flags & SQL_F_DISTINCT) put(o, " distinct");
        opt_list(o, "items", &n->list);
        opt(o, "from", n->a);
        opt(o, "where", n->b);
        opt_list(o, "group-by", &n->list2);
        opt(o, "having", n->c);
        break;
    case SQL_SETOP:
        open_tag(o, setop_names[n->op]);
        if (n->flags & SQL_F_ALL) put(o, "-all");
        put(o, " ");
        node(o, n->a);
        put(o, " ");
        node(o, n->b);
        break;
    default:
        return false;
    }
    put(o, ")");
    return true;
}

static void flag(out *o, const sp_sql_node *n, uint32_t f, const char *word)
{
    if (n->flags & f) put(o, word);
}

static void create_table(out *o, const sp_sql_node *n)
{
    open_tag(o, "create-table");
    flag(o, n, SQL_F_OR_REPLACE, " or-replace");
    flag(o, n, SQL_F_TEMPORARY, " temporary");
    flag(o, n, SQL_F_IF_NOT_EXISTS, " if-not-exists");
    put(o, " ");
    names(o, &n->list);
    opt_list(o, "cols", &n->list2);
    if (n->str) put(o, " (using "), name_part(o, n->str), put(o, ")");
    opt_list(o, "options", &n->list3);
    opt(o, "comment", n->c);
    if (n->a) node(o, (put(o, " "), n->a));
    opt(o, "as", n->b);
}

static bool ddl(out *o, const sp_sql_node *n)
{
    switch (n->kind) {
    case SQL_CREATE_TABLE:
        create_table(o, n);
        break;
    case SQL_COLDEF:
        open_tag(o, "col ");
        name_part(o, n->str);
        put(o, " ");
        node(o, n->a);
        flag(o, n, SQL_F_NOT_NULL, " not-null");
        opt(o, "comment", n->b);
        break;
    case SQL_OPTION:
        put(o, "(");
        quoted(o, n->str);
        put(o, " ");
        node(o, n->a);
        break;
    case SQL_WATERMARK:
        open_tag(o, "watermark ");
        name_part(o, n->str);
        put(o, n->a ? " " : " delay ");
        node(o, n->a ? n->a : n->b);
        break;
    case SQL_CREATE_VIEW:
        open_tag(o, "create-view");
        flag(o, n, SQL_F_OR_REPLACE, " or-replace");
        flag(o, n, SQL_F_GLOBAL, " global");
        flag(o, n, SQL_F_TEMPORARY, " temporary");
        flag(o, n, SQL_F_IF_NOT_EXISTS, " if-not-exists");
        put(o, " ");
        names(o, &n->list);
        if (n->list2.n) put(o, " (cols"), name_list(o, &n->list2), put(o, ")");
        put(o, " ");
        node(o, n->a);
        break;
    case SQL_INSERT:
        open_tag(o, n->flags & SQL_F_OVERWRITE ? "insert-overwrite " : "insert-into ");
        names(o, &n->list);
        put(o, " ");
        node(o, n->a);
        break;
    default:
        return false;
    }
    put(o, ")");
    return true;
}

static bool command(out *o, const sp_sql_node *n)
{
    switch (n->kind) {
    case SQL_SET:
        open_tag(o, "set");
        if (n->str) put(o, " "), quoted(o, n->str);
        if (n->b) put(o, " "), node(o, n->b);
        break;
    case SQL_EXPLAIN:
        open_tag(o, "explain");
        put(o, explain_names[n->op]);
        put(o, " ");
        node(o, n->a);
        break;
    case SQL_SHOW_TABLES:
        open_tag(o, "show-tables");
        if (n->list.n) put(o, " "), names(o, &n->list);
        opt(o, "like", n->b);
        break;
    case SQL_DESCRIBE:
        open_tag(o, "describe");
        flag(o, n, SQL_F_EXTENDED, " extended");
        put(o, " ");
        names(o, &n->list);
        break;
    case SQL_NAME:
        name_part(o, n->str);
        return true;
    default:
        return false;
    }
    put(o, ")");
    return true;
}

static void node(out *o, const sp_sql_node *n)
{
    if (!n) {
        put(o, "<null>");
        return;
    }
    if (literal(o, n) || operator_expr(o, n) || call_like(o, n) || other_expr(o, n) ||
        relation(o, n) || query_part(o, n) || ddl(o, n) || command(o, n))
        return;
    put(o, "(?)");
}

const char *sp_sql_node_sexpr(spate_arena *a, const sp_sql_node *n)
{
    out o = {0};
    node(&o, n);
    char *s = sp_arena_memdup(a, o.p, o.len + 1);
    free(o.p);
    return s;
}
