/* agg_test_util.h - helpers of the aggregation tests (test_agg_*.c): a
 * call over one typed column, a global aggregation of rows to the text of
 * its final value (through a table, its buffer and sp_agg_emit_row), and the
 * same over two partial tables merged. Test thread only. */
#ifndef AGG_TEST_UTIL_H
#define AGG_TEST_UTIL_H

#include "expr_test_util.h"
#include "sql/agg.h"

/* fn over a column "x" of type ddl. */
static inline sp_agg_call agg_call(spate_arena *a, sp_agg_fn fn, const char *ddl, bool star,
                                   bool distinct, bool ignore_nulls, bool ansi)
{
    char err[512];
    const sp_sql_type *t = tt(a, ddl);
    sp_agg_call c = {.fn = fn, .distinct = distinct, .ignore_nulls = ignore_nulls};
    c.arg = star ? NULL : sp_sql_expr_column(a, 0, "x", 1, t, true);
    c.type = sp_agg_result_type(a, fn, star ? NULL : t, ansi, err, sizeof err);
    cr_assert_not_null(c.type, "%s", err);
    c.nullable = fn != SP_AGG_COUNT;
    c.name = "agg";
    return c;
}

/* The final value of buffer as text, or "ERR:" + the message. */
static inline const char *agg_final_text(spate_arena *a, const sp_agg_call *c, spate_value buf,
                                         bool ansi)
{
    sp_colbatch *out = sp_agg_output_batch(a, 0, NULL, NULL, 1, c, 1);
    char err[512];
    if (!sp_agg_emit_row(out, 0, NULL, spate_array_of(a, NULL, 0), 1, c, buf, ansi, err,
                         sizeof err)) {
        char *s = spate_arena_alloc(a, strlen(err) + 5);
        sprintf(s, "ERR:%s", err);
        return s;
    }
    return row_text(a, &out->cols[0], 0);
}

/* The buffer of rows [from, to) of col in a fresh table (no key), or the
 * empty buffer when no row; NULL text in *err_text on an add error. */
static inline spate_value agg_partial(spate_arena *a, const sp_agg_call *c, const sp_column *col,
                                      int from, int to, bool ansi, const char **err_text)
{
    sp_agg_table *t = sp_agg_table_new(0, NULL, 1, c, ansi);
    int32_t sel[64];
    int n = 0;
    for (int r = from; r < to && n < 64; r++)
        sel[n++] = r;
    char err[512];
    const sp_column *args[1] = {c->arg ? col : NULL};
    spate_value buf;
    *err_text = NULL;
    if (!sp_agg_table_add(t, NULL, args, to, sel, n, err, sizeof err)) {
        char *s = spate_arena_alloc(a, strlen(err) + 5);
        sprintf(s, "ERR:%s", err);
        *err_text = s;
        buf = spate_null();
    } else if (sp_agg_table_ngroups(t) == 0) {
        buf = spate_item(sp_agg_empty_buffer(c, 1, a), 0);
    } else {
        buf = spate_item(sp_agg_table_buffer(t, 0, a), 0);
    }
    sp_agg_table_free(t);
    return buf;
}

/* fn over vals[0..n) as one table, and as two halves merged; both must
 * agree and the text is returned. */
static inline const char *agg_run(spate_arena *a, const sp_agg_call *c, const char *ddl,
                                  const char *const *vals, int n, bool ansi)
{
    sp_colbatch *b = batch1(a, ddl, vals, n);
    const char *e1, *e2, *e3;
    spate_value whole = agg_partial(a, c, &b->cols[0], 0, n, ansi, &e1);
    if (e1) return e1;
    const char *t1 = agg_final_text(a, c, spate_array_of(a, &whole, 1), ansi);
    spate_value p1 = agg_partial(a, c, &b->cols[0], 0, n / 2, ansi, &e2);
    spate_value p2 = agg_partial(a, c, &b->cols[0], n / 2, n, ansi, &e3);
    cr_assert_null(e2);
    cr_assert_null(e3);
    spate_value m, b1 = spate_array_of(a, &p1, 1), b2 = spate_array_of(a, &p2, 1);
    char err[512];
    if (!sp_agg_merge(c, 1, b1, b2, a, &m, ansi, err, sizeof err)) {
        char *s = spate_arena_alloc(a, strlen(err) + 5);
        sprintf(s, "ERR:%s", err);
        return s;
    }
    const char *t2 = agg_final_text(a, c, m, ansi);
    cr_expect_str_eq(t2, t1, "merged halves differ from one table: %s vs %s", t2, t1);
    return t1;
}

#endif
