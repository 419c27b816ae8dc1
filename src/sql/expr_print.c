/* expr_print.c - an expression as Spark's plan string (Expression.toString
 * as EXPLAIN shows it): "(a#1 + 1)", "cast(x#2 as bigint)", "isnotnull(b#3)",
 * "NOT (a#1 = 2)", "CASE WHEN (a#1 > 0) THEN 1 ELSE 0 END", "a#1 IN (1,2)".
 * Any thread; the text is made in the caller's arena. */
#include "sql/expr_int.h"

#include "base/arena.h"
#include "sql/datetime.h"
#include "sql/show_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print(sp_sql_sbuf *b, const sp_sql_expr *e);

static void print_literal(sp_sql_sbuf *b, const sp_sql_expr *e)
{
    const sp_sql_lit *l = &e->lit;
    char buf[64];
    if (l->is_null) return sp_sql_sbuf_printf(b, "null");
    switch (e->type->id) {
    case SP_SQL_BOOLEAN:
        return sp_sql_sbuf_printf(b, "%s", l->b ? "true" : "false");
    case SP_SQL_FLOAT:
        sp_sql_format_float((float)l->d, buf);
        return sp_sql_sbuf_printf(b, "%s", buf);
    case SP_SQL_DOUBLE:
        sp_sql_format_double(l->d, buf);
        return sp_sql_sbuf_printf(b, "%s", buf);
    case SP_SQL_DECIMAL:
        sp_sql_format_decimal((sp_i128)(((unsigned __int128)(uint64_t)l->dec_hi << 64) | l->dec_lo),
                              e->type->scale, buf);
        return sp_sql_sbuf_printf(b, "%s", buf);
    case SP_SQL_STRING:
        return sp_sql_sbuf_printf(b, "%.*s", (int)l->len, l->str);
    case SP_SQL_BINARY:
        sp_sql_sbuf_printf(b, "0x");
        for (size_t i = 0; i < l->len; i++)
            sp_sql_sbuf_printf(b, "%02X", (unsigned char)l->str[i]);
        return;
    case SP_SQL_DATE:
        sp_sql_date_to_string((int32_t)l->i, buf);
        return sp_sql_sbuf_printf(b, "%s", buf);
    case SP_SQL_TIMESTAMP:
        sp_sql_ts_to_string(l->i, sp_tz_utc(), buf);
        return sp_sql_sbuf_printf(b, "%s", buf);
    case SP_SQL_TIMESTAMP_NTZ:
        sp_sql_ntz_to_string(l->i, buf);
        return sp_sql_sbuf_printf(b, "%s", buf);
    default:
        return sp_sql_sbuf_printf(b, "%lld", (long long)l->i);
    }
}

static void print_args(sp_sql_sbuf *b, const sp_sql_expr *e, int from, const char *sep)
{
    for (int i = from; i < e->nchildren; i++) {
        if (i > from) sp_sql_sbuf_printf(b, "%s", sep);
        print(b, e->children[i]);
    }
}

static void print_func(sp_sql_sbuf *b, const sp_sql_expr *e)
{
    if (e->op == SP_SQL_F_IF && e->nchildren == 3) {
        sp_sql_sbuf_printf(b, "if (");
        print(b, e->children[0]);
        sp_sql_sbuf_printf(b, ") ");
        print(b, e->children[1]);
        sp_sql_sbuf_printf(b, " else ");
        print(b, e->children[2]);
        return;
    }
    sp_sql_sbuf_printf(b, "%s(", e->name);
    print_args(b, e, 0, ", ");
    sp_sql_sbuf_printf(b, ")");
}

static void print_case(sp_sql_sbuf *b, const sp_sql_expr *e)
{
    sp_sql_sbuf_printf(b, "CASE");
    int i = 0;
    for (; i + 1 < e->nchildren; i += 2) {
        sp_sql_sbuf_printf(b, " WHEN ");
        print(b, e->children[i]);
        sp_sql_sbuf_printf(b, " THEN ");
        print(b, e->children[i + 1]);
    }
    if (i < e->nchildren) {
        sp_sql_sbuf_printf(b, " ELSE ");
        print(b, e->children[i]);
    }
    sp_sql_sbuf_printf(b, " END");
}

static const char *const arith_sym[] = {"+", "-", "*", "/", "%", "pmod", "div"};
static const char *const cmp_sym[] = {"=", "=", "<", "<=", ">", ">=", "<=>"};

static void print_binary(sp_sql_sbuf *b, const sp_sql_expr *e, const char *sym)
{
    sp_sql_sbuf_printf(b, "(");
    print(b, e->children[0]);
    sp_sql_sbuf_printf(b, " %s ", sym);
    print(b, e->children[1]);
    sp_sql_sbuf_printf(b, ")");
}

static void print(sp_sql_sbuf *b, const sp_sql_expr *e)
{
    char esc[16];
    switch (e->kind) {
    case SP_SQL_E_COLUMN:
        return sp_sql_sbuf_printf(b, "%s#%lld", e->name, (long long)e->expr_id);
    case SP_SQL_E_LITERAL:
        return print_literal(b, e);
    case SP_SQL_E_CAST:
        sp_sql_sbuf_printf(b, "cast(");
        print(b, e->children[0]);
        spate_arena *a = spate_arena_new();
        sp_sql_sbuf_printf(b, " as %s)", sp_sql_type_simple_string(a, e->type));
        spate_arena_destroy(a);
        return;
    case SP_SQL_E_NEG:
        sp_sql_sbuf_printf(b, "-");
        return print(b, e->children[0]);
    case SP_SQL_E_ARITH:
        if (e->op == SP_SQL_OP_PMOD) {
            sp_sql_sbuf_printf(b, "pmod(");
            print_args(b, e, 0, ", ");
            return sp_sql_sbuf_printf(b, ")");
        }
        return print_binary(b, e, arith_sym[e->op]);
    case SP_SQL_E_CMP:
        if (e->op == SP_SQL_CMP_NE) sp_sql_sbuf_printf(b, "NOT ");
        return print_binary(b, e, cmp_sym[e->op]);
    case SP_SQL_E_AND:
        return print_binary(b, e, "AND");
    case SP_SQL_E_OR:
        return print_binary(b, e, "OR");
    case SP_SQL_E_NOT:
        sp_sql_sbuf_printf(b, "NOT ");
        return print(b, e->children[0]);
    case SP_SQL_E_IS_NULL:
        sp_sql_sbuf_printf(b, "isnull(");
        print(b, e->children[0]);
        return sp_sql_sbuf_printf(b, ")");
    case SP_SQL_E_IS_NOT_NULL:
        sp_sql_sbuf_printf(b, "isnotnull(");
        print(b, e->children[0]);
        return sp_sql_sbuf_printf(b, ")");
    case SP_SQL_E_IN:
        print(b, e->children[0]);
        sp_sql_sbuf_printf(b, " IN (");
        print_args(b, e, 1, ",");
        return sp_sql_sbuf_printf(b, ")");
    case SP_SQL_E_CASE:
        return print_case(b, e);
    case SP_SQL_E_LIKE:
        print(b, e->children[0]);
        sp_sql_sbuf_printf(b, " LIKE ");
        print(b, e->children[1]);
        if (e->escape != '\\') {
            snprintf(esc, sizeof esc, " ESCAPE '%c'", e->escape);
            sp_sql_sbuf_printf(b, "%s", esc);
        }
        return;
    case SP_SQL_E_RLIKE:
        sp_sql_sbuf_printf(b, "RLIKE(");
        print_args(b, e, 0, ", ");
        return sp_sql_sbuf_printf(b, ")");
    case SP_SQL_E_FUNC:
        return print_func(b, e);
    }
}

const char *sp_sql_expr_print(spate_arena *a, const sp_sql_expr *e)
{
    sp_sql_sbuf b = {0};
    sp_sql_sbuf_printf(&b, "%s", "");
    print(&b, e);
    const char *s = sp_arena_memdup(a, sp_sql_sbuf_str(&b), b.len + 1);
    sp_sql_sbuf_free(&b);
    return s;
}
