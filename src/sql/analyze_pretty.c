/* analyze_pretty.c - Spark's text of an expression as users see it in
 * column names and error messages (toPrettySQL / toSQLExpr over
 * usePrettyExpression): columns by their name, string and number literals
 * bare, operators parenthesized: "(price * 2)", "count(1)",
 * "CAST(x AS BIGINT)", "(a IS NULL)". Made from the parse tree, so implicit
 * casts (never shown by Spark either) do not appear.
 * Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include "sql/java_num.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *pretty(sp_analyzer *az, const sp_sql_node *n);

static const char *const bin_sym[] = {
    [BIN_OR] = "OR",  [BIN_AND] = "AND",   [BIN_EQ] = "=",     [BIN_NSEQ] = "<=>",
    [BIN_NEQ] = "=",  [BIN_LT] = "<",      [BIN_LE] = "<=",    [BIN_GT] = ">",
    [BIN_GE] = ">=",  [BIN_BITOR] = "|",   [BIN_BITXOR] = "^", [BIN_BITAND] = "&",
    [BIN_SHL] = "<<", [BIN_SHR] = ">>",    [BIN_USHR] = ">>>", [BIN_ADD] = "+",
    [BIN_SUB] = "-",  [BIN_CONCAT] = "||", [BIN_MUL] = "*",    [BIN_DIV] = "/",
    [BIN_MOD] = "%",  [BIN_IDIV] = "div",
};

static const char *list(sp_analyzer *az, const sp_sql_list *l)
{
    const char *s = "";
    for (uint32_t i = 0; i < l->n; i++)
        s = sp_az_printf(az, "%s%s%s", s, i ? ", " : "", pretty(az, l->items[i]));
    return s;
}

static const char *lower(sp_analyzer *az, const char *s)
{
    char *c = (char *)sp_az_strdup(az, s);
    for (char *p = c; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return c;
}

static const char *literal(sp_analyzer *az, const sp_sql_node *n)
{
    char buf[SP_SQL_JAVA_NUM_MAX];
    switch (n->kind) {
    case SQL_LIT_EXPONENT:
    case SQL_LIT_DOUBLE:
        sp_sql_java_double_str(strtod(n->str, NULL), buf);
        return sp_az_strdup(az, buf);
    case SQL_LIT_FLOAT:
        sp_sql_java_float_str(strtof(n->str, NULL), buf);
        return sp_az_strdup(az, buf);
    case SQL_LIT_BOOL:
        return n->op ? "true" : "false";
    case SQL_LIT_NULL:
        return "NULL";
    case SQL_LIT_TYPED:
        return sp_az_printf(az, "%s '%s'", n->str, n->a ? n->a->str : "");
    default:
        return n->str ? n->str : "";
    }
}

static const char *func(sp_analyzer *az, const sp_sql_node *n)
{
    const char *written = n->list.items[n->list.n - 1]->str;
    const char *name = sp_az_func_pretty_name(written);
    if (!name) name = lower(az, written);
    if (n->flags & SQL_F_STAR) return sp_az_printf(az, "%s(1)", name);
    /* JsonToStructs prints its input only, not the schema nor options */
    if (!strcmp(name, "from_json") && n->list2.n > 1)
        return sp_az_printf(az, "from_json(%s)", pretty(az, n->list2.items[0]));
    /* the default format is an argument of the expression Spark names */
    bool unix = !strcmp(name, "unix_timestamp") || !strcmp(name, "to_unix_timestamp") ||
                !strcmp(name, "from_unixtime");
    if (unix && n->list2.n <= 1)
        return sp_az_printf(az, "%s(%s, yyyy-MM-dd HH:mm:ss)", name,
                            n->list2.n ? pretty(az, n->list2.items[0]) : "current_timestamp()");
    return sp_az_printf(az, "%s(%s%s)", name, (n->flags & SQL_F_DISTINCT) ? "DISTINCT " : "",
                        list(az, &n->list2));
}

static const char *case_text(sp_analyzer *az, const sp_sql_node *n)
{
    const char *s = "CASE";
    for (uint32_t i = 0; i < n->list.n; i++) {
        const sp_sql_node *w = n->list.items[i];
        const char *c = pretty(az, w->a);
        if (n->a) c = sp_az_printf(az, "(%s = %s)", pretty(az, n->a), c);
        s = sp_az_printf(az, "%s WHEN %s THEN %s", s, c, pretty(az, w->b));
    }
    if (n->b) s = sp_az_printf(az, "%s ELSE %s", s, pretty(az, n->b));
    return sp_az_printf(az, "%s END", s);
}

static const char *cast_text(sp_analyzer *az, const sp_sql_node *n)
{
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_type_parse(az->arena, n->b->str, &te);
    const char *ts = t ? sp_sql_type_sql(az->arena, t) : n->b->str;
    return sp_az_printf(az, "%s(%s AS %s)", (n->flags & SQL_F_TRY) ? "TRY_CAST" : "CAST",
                        pretty(az, n->a), ts);
}

static const char *unary(sp_analyzer *az, const sp_sql_node *n)
{
    const char *x = pretty(az, n->a);
    switch (n->op) {
    case UN_NEG:
        return sp_az_printf(az, "(- %s)", x);
    case UN_PLUS:
        return sp_az_printf(az, "(+ %s)", x);
    case UN_BITNOT:
        return sp_az_printf(az, "~%s", x);
    default:
        return sp_az_printf(az, "(NOT %s)", x);
    }
}

static const char *binary(sp_analyzer *az, const sp_sql_node *n)
{
    const char *x = pretty(az, n->a), *y = pretty(az, n->b);
    if (n->op == BIN_CONCAT) return sp_az_printf(az, "concat(%s, %s)", x, y);
    const char *s = sp_az_printf(az, "(%s %s %s)", x, bin_sym[n->op], y);
    return n->op == BIN_NEQ ? sp_az_printf(az, "(NOT %s)", s) : s;
}

static const char *not_if(sp_analyzer *az, const sp_sql_node *n, const char *s)
{
    return (n->flags & SQL_F_NOT) ? sp_az_printf(az, "(NOT %s)", s) : s;
}

static const char *pretty(sp_analyzer *az, const sp_sql_node *n)
{
    static const char *const is_what[] = {"", "NULL", "TRUE", "FALSE", "UNKNOWN"};
    switch (n->kind) {
    case SQL_LIT_INT ... SQL_LIT_TYPED:
        return literal(az, n);
    case SQL_COLUMN:
        return n->list.items[n->list.n - 1]->str;
    case SQL_ALIAS:
        return pretty(az, n->a);
    case SQL_UNARY:
        return unary(az, n);
    case SQL_BINARY:
        return binary(az, n);
    case SQL_IS:
        return sp_az_printf(az, "(%s IS %s%s)", pretty(az, n->a),
                            (n->flags & SQL_F_NOT) ? "NOT " : "", is_what[n->op]);
    case SQL_IN_LIST:
        return not_if(az, n,
                      sp_az_printf(az, "(%s IN (%s))", pretty(az, n->a), list(az, &n->list)));
    case SQL_BETWEEN: {
        const char *x = pretty(az, n->a);
        return not_if(az, n,
                      sp_az_printf(az, "((%s >= %s) AND (%s <= %s))", x, pretty(az, n->b), x,
                                   pretty(az, n->c)));
    }
    case SQL_LIKE: {
        const char *kw = n->op == LIKE_RLIKE ? "RLIKE" : n->op == LIKE_ILIKE ? "ILIKE" : "LIKE";
        return not_if(az, n, sp_az_printf(az, "%s %s %s", pretty(az, n->a), kw, pretty(az, n->b)));
    }
    case SQL_CASE:
        return case_text(az, n);
    case SQL_CAST:
        return cast_text(az, n);
    case SQL_FUNC:
        return func(az, n);
    case SQL_STAR:
        return "*";
    default:
        if (az->text && n->end <= az->text_len && n->end > n->off)
            return sp_az_printf(az, "%.*s", (int)(n->end - n->off), az->text + n->off);
        return "?";
    }
}

const char *sp_az_pretty(sp_analyzer *az, const sp_sql_node *n) { return pretty(az, n); }

const char *sp_az_sql_expr(sp_analyzer *az, const sp_sql_node *n)
{
    return sp_az_printf(az, "\"%s\"", pretty(az, n));
}

const char *sp_az_item_name(sp_analyzer *az, const sp_sql_node *item)
{
    if (item->kind == SQL_ALIAS) return item->str;
    /* Spark's ResolveAliases names a cast of a column after the column:
     * CAST(value AS STRING) is `value` */
    if (item->kind == SQL_CAST && item->a && item->a->kind == SQL_COLUMN && item->a->list.n)
        return item->a->list.items[item->a->list.n - 1]->str;
    return pretty(az, item);
}
