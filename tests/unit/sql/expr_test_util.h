/* expr_test_util.h - helpers of the expression tests (test_sql_expr_*.c):
 * batches from typed string rows, evaluation to text ("NULL" for a null
 * row, "ERR:<message>" on an error). Test thread only. */
#ifndef EXPR_TEST_UTIL_H
#define EXPR_TEST_UTIL_H

#include <criterion/criterion.h>

#include "sql/expr_cast_int.h"
#include "sql/type_column.h"

#include <stdio.h>
#include <string.h>

static inline const sp_sql_type *tt(spate_arena *a, const char *ddl)
{
    sp_sql_type_error err;
    const sp_sql_type *t = sp_sql_type_parse(a, ddl, &err);
    cr_assert_not_null(t, "%s: %s", ddl, err.message);
    return t;
}

/* A literal of type ddl from its string form (CAST(s AS ddl), non-ANSI);
 * NULL for s == NULL. */
static inline sp_sql_expr *lit(spate_arena *a, const char *ddl, const char *s)
{
    const sp_sql_type *t = tt(a, ddl);
    if (!s) return sp_sql_expr_lit_null(a, t);
    sp_sql_expr *e = sp_sql_expr_lit_string(a, s);
    return t->id == SP_SQL_STRING ? e : sp_sql_expr_cast(a, e, t);
}

/* One column of type ddl holding rows vals[0..n) (NULL: a null row), as
 * a batch; the cast is done by the code under test, in legacy mode. */
static inline sp_colbatch *batch1(spate_arena *a, const char *ddl, const char *const *vals, int n)
{
    sp_colbatch *src = sp_colbatch_new(a, 1, (sp_coltype[]){SP_COL_UTF8}, NULL, n);
    for (int i = 0; i < n; i++) {
        sp_column_append_str(src, 0, vals[i] ? vals[i] : "", vals[i] ? strlen(vals[i]) : 0);
        if (!vals[i]) sp_column_set_null(src, 0, i);
    }
    sp_colbatch_set_length(src, n);
    sp_sql_eval_ctx ctx;
    sp_sql_eval_ctx_init(&ctx, a, NULL, false);
    sp_sql_expr *e = sp_sql_expr_cast(
        a, sp_sql_expr_column(a, 0, "s", 0, sp_sql_prim(SP_SQL_STRING), true), tt(a, ddl));
    sp_column *c = sp_sql_expr_eval(e, src, &ctx);
    cr_assert_not_null(c, "%s", ctx.error);
    sp_colbatch *b = sp_colbatch_new(a, 1, (sp_coltype[]){c->type}, NULL, n);
    b->cols[0] = *c;
    b->length = n;
    return b;
}

/* Row r of c as text ("NULL" for null). */
static inline const char *row_text(spate_arena *a, const sp_column *c, int64_t r)
{
    if (!sp_column_valid(c, r)) return "NULL";
    char buf[64];
    const char *p;
    size_t n = sp_sql_value_text(c, r, sp_tz_utc(), buf, &p);
    char *s = spate_arena_alloc(a, n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* e evaluated over in (or a one-row batch without columns), row 0 as text,
 * or "ERR:" + the error message. */
static inline const char *eval_row(spate_arena *a, sp_sql_expr *e, const sp_colbatch *in,
                                   int64_t row, bool ansi)
{
    static const sp_coltype none[1] = {SP_COL_BOOL};
    if (!in) {
        sp_colbatch *b = sp_colbatch_new(a, 1, none, NULL, 1);
        sp_colbatch_set_length(b, 1);
        in = b;
    }
    sp_sql_eval_ctx ctx;
    sp_sql_eval_ctx_init(&ctx, a, NULL, ansi);
    sp_column *c = sp_sql_expr_eval(e, in, &ctx);
    if (!c) {
        char *s = spate_arena_alloc(a, strlen(ctx.error) + 5);
        sprintf(s, "ERR:%s", ctx.error);
        return s;
    }
    return row_text(a, c, row);
}

static inline const char *eval1(spate_arena *a, sp_sql_expr *e, bool ansi)
{
    return eval_row(a, e, NULL, 0, ansi);
}

#endif
