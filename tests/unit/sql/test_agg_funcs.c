/* test_agg_funcs.c - each aggregate function's final value over a column
 * of rows, with Spark 4.0's answers (the SQL reference's examples of each
 * function, DataFrameAggregateSuite), computed twice: one table over every
 * row, and two partial tables over the halves merged (sp_agg_merge), which
 * must agree. Values are typed text; NULL is a null row. */
#include "sql/show_cast.h"
#include "agg_test_util.h"
#include "sql/agg_int.h"

#include <math.h>
#include <stdlib.h>

enum { STAR = 1, DISTINCT = 2, IGNORE_NULLS = 4 };

typedef struct agg_case {
    sp_agg_fn fn;
    int flags;
    bool ansi;
    const char *ddl;
    int n;
    const char *vals[8];
    const char *want;
} agg_case;

#define N NULL
static const agg_case CASES[] = {
    /* count: SELECT count(*) / count(col) / count(DISTINCT col)
     * FROM VALUES (NULL), (5), (5), (20) -> 4, 3, 2 */
    {SP_AGG_COUNT, STAR, false, "int", 4, {N, "5", "5", "20"}, "4"},
    {SP_AGG_COUNT, 0, false, "int", 4, {N, "5", "5", "20"}, "3"},
    {SP_AGG_COUNT, DISTINCT, false, "int", 4, {N, "5", "5", "20"}, "2"},
    {SP_AGG_COUNT, DISTINCT, false, "string", 5, {"a", "b", N, "a", "c"}, "3"},
    /* DISTINCT compares as grouping does: -0.0 = 0.0, NaN = NaN */
    {SP_AGG_COUNT, DISTINCT, false, "double", 6, {"0.0", "-0.0", "NaN", "NaN", "1", N}, "3"},
    {SP_AGG_COUNT, 0, false, "string", 0, {N}, "0"},
    {SP_AGG_COUNT, STAR, false, "string", 0, {N}, "0"},
    /* sum: (5), (10), (15) -> 30; (NULL), (10), (15) -> 25; (NULL), (NULL) -> NULL */
    {SP_AGG_SUM, 0, false, "int", 3, {"5", "10", "15"}, "30"},
    {SP_AGG_SUM, 0, false, "int", 3, {N, "10", "15"}, "25"},
    {SP_AGG_SUM, 0, false, "int", 2, {N, N}, "NULL"},
    {SP_AGG_SUM, 0, false, "bigint", 0, {N}, "NULL"},
    {SP_AGG_SUM, 0, false, "tinyint", 3, {"100", "100", "100"}, "300"},
    {SP_AGG_SUM, 0, false, "double", 3, {"1.5", "2.5", N}, "4.0"},
    {SP_AGG_SUM, 0, false, "decimal(10,2)", 3, {"1.10", "2.20", N}, "3.30"},
    {SP_AGG_SUM, 0, false, "decimal(10,2)", 2, {"-1.10", "1.10"}, "0.00"},
    /* integral overflow: wraps in legacy mode, ARITHMETIC_OVERFLOW in ANSI */
    {SP_AGG_SUM, 0, false, "bigint", 2, {"9223372036854775807", "1"}, "-9223372036854775808"},
    {SP_AGG_SUM,
     0,
     true,
     "bigint",
     2,
     {"9223372036854775807", "1"},
     "ERR:[ARITHMETIC_OVERFLOW] long overflow. Use 'try_add' to tolerate overflow and return NULL "
     "instead. If necessary set \"spate.sql.ansi.enabled\" to \"false\" to bypass this error. "
     "SQLSTATE: 22003"},
    /* a decimal sum past DECIMAL(38,18): NULL, or CheckOverflowInSum's ANSI error */
    {SP_AGG_SUM,
     0,
     false,
     "decimal(38,18)",
     2,
     {"99999999999999999999.000000000000000000", "99999999999999999999.000000000000000000"},
     "NULL"},
    {SP_AGG_SUM,
     0,
     true,
     "decimal(38,18)",
     2,
     {"99999999999999999999.000000000000000000", "99999999999999999999.000000000000000000"},
     "ERR:[ARITHMETIC_OVERFLOW] Overflow in sum of decimals. If necessary set "
     "\"spate.sql.ansi.enabled\" to \"false\" to bypass this error. SQLSTATE: 22003"},
    /* past 38 digits midway, back under after: still NULL (Spark's sum is null) */
    {SP_AGG_SUM,
     0,
     false,
     "decimal(38,0)",
     4,
     {"99999999999999999999999999999999999999", "1", "-5", "-5"},
     "NULL"},
    /* avg: (1), (2), (3) -> 2.0; (1), (2), (NULL) -> 1.5 */
    {SP_AGG_AVG, 0, false, "int", 3, {"1", "2", "3"}, "2.0"},
    {SP_AGG_AVG, 0, false, "int", 3, {"1", "2", N}, "1.5"},
    {SP_AGG_AVG, 0, false, "bigint", 2, {N, N}, "NULL"},
    {SP_AGG_AVG, 0, false, "double", 0, {N}, "NULL"},
    /* avg of DECIMAL(p,s) is DECIMAL(p+4,s+4), rounded HALF_UP */
    {SP_AGG_AVG, 0, false, "decimal(10,2)", 2, {"1.00", "2.00"}, "1.500000"},
    {SP_AGG_AVG, 0, false, "decimal(10,0)", 3, {"1", "2", "2"}, "1.6667"},
    {SP_AGG_AVG, 0, false, "decimal(10,0)", 3, {"-1", "-2", "-2"}, "-1.6667"},
    {SP_AGG_AVG, 0, false, "decimal(4,1)", 3, {"0.1", "0.1", "0.2"}, "0.13333"},
    /* min/max: (10), (-1), (20) -> -1, 20; strings compare as bytes */
    {SP_AGG_MIN, 0, false, "int", 3, {"10", "-1", "20"}, "-1"},
    {SP_AGG_MAX, 0, false, "int", 3, {"10", "-1", "20"}, "20"},
    {SP_AGG_MIN, 0, false, "bigint", 3, {N, "7", N}, "7"},
    {SP_AGG_MAX, 0, false, "string", 4, {"abc", "abd", N, "ab"}, "abd"},
    {SP_AGG_MIN, 0, false, "string", 4, {"abc", "abd", N, "ab"}, "ab"},
    {SP_AGG_MAX, 0, false, "string", 2, {"z", "\xc3\xa9"}, "\xc3\xa9"},
    {SP_AGG_MAX, 0, false, "double", 3, {"1.0", "NaN", "-2.5"}, "NaN"},
    {SP_AGG_MIN, 0, false, "double", 3, {"1.0", "NaN", "-2.5"}, "-2.5"},
    {SP_AGG_MAX, 0, false, "decimal(10,2)", 3, {"1.50", "-3.00", "1.49"}, "1.50"},
    {SP_AGG_MIN, 0, false, "decimal(20,2)", 3, {"1.50", "-3.00", "1.49"}, "-3.00"},
    {SP_AGG_MIN, 0, false, "boolean", 2, {"true", "false"}, "false"},
    {SP_AGG_MAX, 0, false, "date", 2, {"2024-01-02", "2023-12-31"}, "2024-01-02"},
    {SP_AGG_MAX, 0, false, "int", 0, {N}, "NULL"},
    /* first/last: (10), (5), (20) -> 10, 20; with a NULL first/last row */
    {SP_AGG_FIRST, 0, false, "int", 3, {"10", "5", "20"}, "10"},
    {SP_AGG_FIRST, 0, false, "int", 3, {N, "5", "20"}, "NULL"},
    {SP_AGG_FIRST, IGNORE_NULLS, false, "int", 3, {N, "5", "20"}, "5"},
    {SP_AGG_LAST, 0, false, "int", 3, {"10", "5", "20"}, "20"},
    {SP_AGG_LAST, 0, false, "int", 3, {"10", "5", N}, "NULL"},
    {SP_AGG_LAST, IGNORE_NULLS, false, "int", 3, {"10", "5", N}, "5"},
    {SP_AGG_FIRST, IGNORE_NULLS, false, "string", 4, {N, N, "b", "c"}, "b"},
    {SP_AGG_LAST, 0, false, "string", 0, {N}, "NULL"},
    /* stddev/variance: (1), (2), (3) */
    {SP_AGG_STDDEV_SAMP, 0, false, "int", 3, {"1", "2", "3"}, "1.0"},
    {SP_AGG_STDDEV_POP, 0, false, "int", 3, {"1", "2", "3"}, "0.816496580927726"},
    {SP_AGG_VAR_SAMP, 0, false, "int", 3, {"1", "2", "3"}, "1.0"},
    {SP_AGG_VAR_POP, 0, false, "int", 3, {"1", "2", "3"}, "0.6666666666666666"},
    {SP_AGG_STDDEV_SAMP, 0, false, "double", 5, {"1", "2", "3", "4", "5"}, "1.5811388300841898"},
    {SP_AGG_VAR_SAMP, 0, false, "decimal(10,1)", 4, {"1.0", "2.0", N, "3.0"}, "1.0"},
    /* one row: samp is NULL (legacy.statisticalAggregate=false), pop 0.0 */
    {SP_AGG_VAR_SAMP, 0, false, "double", 2, {"4.0", N}, "NULL"},
    {SP_AGG_STDDEV_SAMP, 0, false, "double", 1, {"4.0"}, "NULL"},
    {SP_AGG_VAR_POP, 0, false, "double", 1, {"4.0"}, "0.0"},
    {SP_AGG_STDDEV_POP, 0, false, "double", 0, {N}, "NULL"},
    /* approx_count_distinct: (1), (1), (2), (2), (3) -> 3 */
    {SP_AGG_APPROX_COUNT_DISTINCT, 0, false, "int", 5, {"1", "1", "2", "2", "3"}, "3"},
    {SP_AGG_APPROX_COUNT_DISTINCT, 0, false, "string", 4, {"a", "b", N, "a"}, "2"},
    {SP_AGG_APPROX_COUNT_DISTINCT, 0, false, "double", 3, {"0.0", "-0.0", "1.5"}, "2"},
    {SP_AGG_APPROX_COUNT_DISTINCT, 0, false, "bigint", 0, {N}, "0"},
};
#undef N
enum { NCASES = sizeof CASES / sizeof CASES[0] };

Test(agg_funcs, final_values)
{
    for (int i = 0; i < NCASES; i++) {
        const agg_case *k = &CASES[i];
        spate_arena *a = spate_arena_new();
        sp_agg_call c = agg_call(a, k->fn, k->ddl, k->flags & STAR, k->flags & DISTINCT,
                                 k->flags & IGNORE_NULLS, k->ansi);
        const char *got = agg_run(a, &c, k->ddl, k->vals, k->n, k->ansi);
        cr_expect_str_eq(got, k->want, "case %d: %s(%s)", i, sp_agg_fn_name(k->fn), k->ddl);
        spate_arena_destroy(a);
    }
}

/* The merged buffer emitted as an ARRAY column, shown as show() prints it. */
static const char *collect_shown(spate_arena *a, const sp_agg_call *c, spate_value buf)
{
    sp_colbatch *out = sp_agg_output_batch(a, 0, NULL, NULL, 1, c, 1);
    char err[512];
    cr_assert(sp_agg_emit_row(out, 0, NULL, spate_array_of(a, NULL, 0), 1, c, buf, false, err,
                              sizeof err),
              "%s", err);
    sp_sql_sbuf sb = {0};
    sp_sql_show_cell(&sb, &out->cols[0], 0, NULL);
    const char *s = sp_arena_memdup(a, sp_sql_sbuf_str(&sb), strlen(sp_sql_sbuf_str(&sb)) + 1);
    sp_sql_sbuf_free(&sb);
    return s;
}

Test(agg_funcs, collect_buffers_merge_and_emit_arrays)
{
    spate_arena *a = spate_arena_new();
    const char *vals[] = {"b", "a", NULL, "b"};
    sp_colbatch *b = batch1(a, "string", vals, 4);
    for (int set = 0; set < 2; set++) {
        sp_agg_call c = agg_call(a, set ? SP_AGG_COLLECT_SET : SP_AGG_COLLECT_LIST, "string", false,
                                 false, false, false);
        const char *e;
        spate_value p1 = agg_partial(a, &c, &b->cols[0], 0, 2, false, &e);
        spate_value p2 = agg_partial(a, &c, &b->cols[0], 2, 4, false, &e);
        spate_value m;
        char err[256];
        cr_assert(sp_agg_merge(&c, 1, spate_array_of(a, &p1, 1), spate_array_of(a, &p2, 1), a, &m,
                               false, err, sizeof err));
        const char *s = spate_value_to_cstr(a, m, NULL);
        cr_expect_str_eq(s, set ? "Array(Array(b, a))" : "Array(Array(b, a, b))");
        cr_expect_str_eq(collect_shown(a, &c, m), set ? "[b, a]" : "[b, a, b]");
    }
    spate_arena_destroy(a);
}

Test(agg_funcs, empty_buffer)
{
    spate_arena *a = spate_arena_new();
    sp_agg_call calls[3] = {
        agg_call(a, SP_AGG_COUNT, "int", true, false, false, false),
        agg_call(a, SP_AGG_SUM, "int", false, false, false, false),
        agg_call(a, SP_AGG_AVG, "int", false, false, false, false),
    };
    spate_value e = sp_agg_empty_buffer(calls, 3, a);
    cr_expect_str_eq(spate_value_to_cstr(a, e, NULL), "Array(0, null, Array(0.0, 0))");
    spate_value m;
    char err[64];
    cr_assert(sp_agg_merge(calls, 3, spate_null(), e, a, &m, false, err, sizeof err));
    cr_expect(spate_value_eq(m, e));
    spate_arena_destroy(a);
}

/* approx_count_distinct hashes as Spark's xxhash64: the SQL reference's
 * SELECT xxhash64('Spark', array(123), 2) is 5602566077635097486 (each
 * value hashed with the previous hash as seed, from 42). */
Test(agg_funcs, xxhash64_as_spark)
{
    spate_arena *a = spate_arena_new();
    const char *s[] = {"Spark"}, *i1[] = {"123"}, *i2[] = {"2"};
    sp_colbatch *bs = batch1(a, "string", s, 1), *b1 = batch1(a, "int", i1, 1),
                *b2 = batch1(a, "int", i2, 1);
    uint64_t h = sp_agg_xxhash64(sp_agg_col_value(&bs->cols[0], 0, NULL), &bs->cols[0], 42);
    h = sp_agg_xxhash64(sp_agg_col_value(&b1->cols[0], 0, NULL), &b1->cols[0], h);
    h = sp_agg_xxhash64(sp_agg_col_value(&b2->cols[0], 0, NULL), &b2->cols[0], h);
    cr_expect_eq((int64_t)h, 5602566077635097486LL);
    spate_arena_destroy(a);
}

/* Linear counting up to E <= 2.5m: exact or nearly for small sets; HLL's
 * relative error (1.04 / sqrt(512) = 4.6%) beyond. */
Test(agg_funcs, approx_count_distinct_error)
{
    spate_arena *a = spate_arena_new();
    static const int sizes[] = {10, 100, 1000, 5000, 50000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int n = sizes[k];
        sp_colbatch *b = sp_colbatch_new(a, 1, (sp_coltype[]){SP_COL_I64}, NULL, n);
        for (int i = 0; i < n; i++)
            sp_column_i64(&b->cols[0])[i] = (int64_t)i * 7;
        sp_colbatch_set_length(b, n);
        sp_agg_call c =
            agg_call(a, SP_AGG_APPROX_COUNT_DISTINCT, "bigint", false, false, false, false);
        sp_agg_table *t = sp_agg_table_new(0, NULL, 1, &c, false);
        const sp_column *args[1] = {&b->cols[0]};
        char err[64];
        cr_assert(sp_agg_table_add(t, NULL, args, n, NULL, 0, err, sizeof err));
        spate_value buf = sp_agg_table_buffer(t, 0, a);
        int64_t est = atoll(agg_final_text(a, &c, buf, false));
        double rel = fabs((double)est - n) / n;
        cr_expect(rel < (n <= 100 ? 0.05 : 0.1), "n %d: estimate %lld", n, (long long)est);
        sp_agg_table_free(t);
    }
    spate_arena_destroy(a);
}

Test(agg_funcs, count_distinct_many_values_and_groups)
{
    spate_arena *a = spate_arena_new();
    enum { N = 20000 };
    sp_colbatch *b = sp_colbatch_new(a, 2, (sp_coltype[]){SP_COL_I64, SP_COL_I64}, NULL, N);
    for (int i = 0; i < N; i++) {
        sp_column_i64(&b->cols[0])[i] = i % 4;          /* key */
        sp_column_i64(&b->cols[1])[i] = (i / 4) % 1000; /* 1000 values per key */
    }
    sp_colbatch_set_length(b, N);
    const sp_sql_type *kt = sp_sql_prim(SP_SQL_BIGINT);
    sp_agg_call c = agg_call(a, SP_AGG_COUNT, "bigint", false, true, false, false);
    sp_agg_table *t = sp_agg_table_new(1, &kt, 1, &c, false);
    const sp_column *keys[1] = {&b->cols[0]}, *args[1] = {&b->cols[1]};
    char err[64];
    for (int round = 0; round < 2; round++) {
        cr_assert(sp_agg_table_add(t, keys, args, N, NULL, 0, err, sizeof err));
        cr_assert_eq(sp_agg_table_ngroups(t), 4);
        for (int64_t g = 0; g < 4; g++) {
            spate_value buf = sp_agg_table_buffer(t, g, a);
            cr_expect_str_eq(agg_final_text(a, &c, buf, false), "1000");
        }
        sp_agg_table_clear(t);
    }
    sp_agg_table_free(t);
    spate_arena_destroy(a);
}
