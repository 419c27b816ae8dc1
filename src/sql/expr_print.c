/* expr_print.c - an expression as Spark's plan string (Expression.toString
 * as EXPLAIN shows it): "(a#1 + 1)", "cast(x#2 as bigint)", "isnotnull(b#3)",
 * "NOT (a#1 = 2)", "CASE WHEN (a#1 > 0) THEN 1 ELSE 0 END", "a#1 IN (1,2)".
 * Any thread; the text is made in the caller's arena. */
#include "sql/expr_int.h"

#include "base/arena.h"
#include "sql/datetime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = (b->n + (size_t)k + 1) * 2;
        b->p = sp_xrealloc(b->p, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

static void print(sbuf *b, const sp_sql_expr *e);

static void print_literal(sbuf *b, const sp_sql_expr *e)
{
    const sp_sql_lit *l = &e->lit;
    char buf[64];
    if (l->is_null) return put(b, "null");
    switch (e->type->id) {
    case SP_SQL_BOOLEAN:
        return put(b, "%s", l->b ? "true" : "false");
    case SP_SQL_FLOAT:
        sp_sql_format_float((float)l->d, buf);
        return put(b, "%s", buf);
    case SP_SQL_DOUBLE:
        sp_sql_format_double(l->d, buf);
        return put(b, "%s", buf);
    case SP_SQL_DECIMAL:
        sp_sql_format_decimal((sp_i128)(((unsigned __int128)(uint64_t)l->dec_hi << 64) | l->dec_lo),
                              e->type->scale, buf);
        return put(b, "%s", buf);
    case SP_SQL_STRING:
        return put(b, "%.*s", (int)l->len, l->str);
    case SP_SQL_BINARY:
        put(b, "0x");
        for (size_t i = 0; i < l->len; i++)
            put(b, "%02X", (unsigned char)l->str[i]);
        return;
    case SP_SQL_DATE:
        sp_sql_date_to_string((int32_t)l->i, buf);
        return put(b, "%s", buf);
    case SP_SQL_TIMESTAMP:
        sp_sql_ts_to_string(l->i, sp_tz_utc(), buf);
        return put(b, "%s", buf);
    case SP_SQL_TIMESTAMP_NTZ:
        sp_sql_ntz_to_string(l->i, buf);
        return put(b, "%s", buf);
    default:
        return put(b, "%lld", (long long)l->i);
    }
}

static void print_args(sbuf *b, const sp_sql_expr *e, int from, const char *sep)
{
    for (int i = from; i < e->nchildren; i++) {
        if (i > from) put(b, "%s", sep);
        print(b, e->children[i]);
    }
}

static void print_func(sbuf *b, const sp_sql_expr *e)
{
    if (e->op == SP_SQL_F_IF && e->nchildren == 3) {
        put(b, "if (");
        print(b, e->children[0]);
        put(b, ") ");
        print(b, e->children[1]);
        put(b, " else ");
        print(b, e->children[2]);
        return;
    }
    put(b, "%s(", e->name);
    print_args(b, e, 0, ", ");
    put(b, ")");
}

static void print_case(sbuf *b, const sp_sql_expr *e)
{
    put(b, "CASE");
    int i = 0;
    for (; i + 1 < e->nchildren; i += 2) {
        put(b, " WHEN ");
        print(b, e->children[i]);
        put(b, " THEN ");
        print(b, e->children[i + 1]);
    }
    if (i < e->nchildren) {
        put(b, " ELSE ");
        print(b, e->children[i]);
    }
    put(b, " END");
}

static const char *const arith_sym[] = {"+", "-", "*", "/", "%", "pmod", "div"};
static const char *const cmp_sym[] = {"=", "=", "<", "<=", ">", ">=", "<=>"};

static void print_binary(sbuf *b, const sp_sql_expr *e, const char *sym)
{
    put(b, "(");
    print(b, e->children[0]);
    put(b, " %s ", sym);
    print(b, e->children[1]);
    put(b, ")");
}

static void print(sbuf *b, const sp_sql_expr *e)
{
    char esc[16];
    switch (e->kind) {
    case SP_SQL_E_COLUMN:
        return put(b, "%s#%lld", e->name, (long long)e->expr_id);
    case SP_SQL_E_LITERAL:
        return print_literal(b, e);
    case SP_SQL_E_CAST:
        put(b, "cast(");
        print(b, e->children[0]);
        spate_arena *a = spate_arena_new();
        put(b, " as %s)", sp_sql_type_simple_string(a, e->type));
        spate_arena_destroy(a);
        return;
    case SP_SQL_E_NEG:
        put(b, "-");
        return print(b, e->children[0]);
    case SP_SQL_E_ARITH:
        if (e->op == SP_SQL_OP_PMOD) {
            put(b, "pmod(");
            print_args(b, e, 0, ", ");
            return put(b, ")");
        }
        return print_binary(b, e, arith_sym[e->op]);
    case SP_SQL_E_CMP:
        if (e->op == SP_SQL_CMP_NE) put(b, "NOT ");
        return print_binary(b, e, cmp_sym[e->op]);
    case SP_SQL_E_AND:
        return print_binary(b, e, "AND");
    case SP_SQL_E_OR:
        return print_binary(b, e, "OR");
    case SP_SQL_E_NOT:
        put(b, "NOT ");
        return print(b, e->children[0]);
    case SP_SQL_E_IS_NULL:
        put(b, "isnull(");
        print(b, e->children[0]);
        return put(b, ")");
    case SP_SQL_E_IS_NOT_NULL:
        put(b, "isnotnull(");
        print(b, e->children[0]);
        return put(b, ")");
    case SP_SQL_E_IN:
        print(b, e->children[0]);
        put(b, " IN (");
        print_args(b, e, 1, ",");
        return put(b, ")");
    case SP_SQL_E_CASE:
        return print_case(b, e);
    case SP_SQL_E_LIKE:
        print(b, e->children[0]);
        put(b, " LIKE ");
        print(b, e->children[1]);
        if (e->escape != '\\') {
            snprintf(esc, sizeof esc, " ESCAPE '%c'", e->escape);
            put(b, "%s", esc);
        }
        return;
    case SP_SQL_E_RLIKE:
        put(b, "RLIKE(");
        print_args(b, e, 0, ", ");
        return put(b, ")");
    case SP_SQL_E_FUNC:
        return print_func(b, e);
    }
}

const char *sp_sql_expr_print(spate_arena *a, const sp_sql_expr *e)
{
    sbuf b = {0};
    put(&b, "%s", "");
    print(&b, e);
    const char *s = sp_arena_memdup(a, b.p, b.n + 1);
    free(b.p);
    return s;
}
