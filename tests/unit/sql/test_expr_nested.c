/* test_expr_nested.c - arrays, maps and structs through SQL text end to
 * end (parser, analyzer, kernels, show()), with facts from Spark 4.0's
 * StringExpressionsSuite (split), CollectionExpressionsSuite (size,
 * element_at, array_contains), ComplexTypeSuite (a[i], CreateMap,
 * CreateNamedStruct, GetStructField) and the error suites
 * (INVALID_ARRAY_INDEX, INVALID_ARRAY_INDEX_IN_ELEMENT_AT,
 * INVALID_INDEX_OF_ZERO, FIELD_NOT_FOUND), under ANSI on (the default) and
 * off. */
#include <criterion/criterion.h>

#include "base/arena.h"
#include "sql/generate.h"
#include "sql/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sp_session *sess;

static void setup(void)
{
    char why[256];
    sess = sp_session_new(NULL, why, sizeof why);
    cr_assert(sess, "%s", why);
}
static void teardown(void) { sp_session_free(sess); }

TestSuite(sql_expr_nested, .init = setup, .fini = teardown);

/* Runs sql; the first cell of the shown result (trimmed), or "ERR:" and
 * the error's first line. Static buffer. */
static const char *cell(const char *sql)
{
    static char res[1024];
    char *text = NULL, *err = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bool ok = sp_session_run(sess, sql, f, &err);
    fclose(f);
    if (!ok) {
        snprintf(res, sizeof res, "ERR:%.*s", (int)strcspn(err, "\n"), err);
    } else {
        const char *p = text; /* the 4th line: "|  value|..." */
        for (int i = 0; i < 3 && p; i++)
            p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
        const char *end = p ? strchr(p + 1, '|') : NULL;
        cr_assert(p && *p == '|' && end, "%s gave\n%s", sql, text);
        p++;
        while (*p == ' ')
            p++;
        snprintf(res, sizeof res, "%.*s", (int)(end - p), p);
    }
    free(text);
    free(err);
    return res;
}

/* Runs a statement that shows nothing to check. */
static void run_ok(const char *sql)
{
    char *err = NULL;
    FILE *f = fopen("/dev/null", "w");
    bool ok = sp_session_run(sess, sql, f, &err);
    fclose(f);
    cr_assert(ok, "%s: %s", sql, err ? err : "");
}

typedef struct ccase {
    const char *expr, *want;
} ccase;

static void check(const ccase *cs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT %s", cs[i].expr);
        cr_expect_str_eq(cell(sql), cs[i].want, "%s", cs[i].expr);
    }
}

#define ANSI_ON "If necessary set \"spate.sql.ansi.enabled\" to \"false\" to bypass this error."

Test(sql_expr_nested, split_as_java_string_split)
{
    static const ccase cs[] = {
        {"split('oneAtwoBthreeC', '[ABC]')", "[one, two, three, ]"},
        {"split('oneAtwoBthreeC', '[ABC]', -1)", "[one, two, three, ]"},
        {"split('oneAtwoBthreeC', '[ABC]', 2)", "[one, twoBthreeC]"},
        {"split('aa2bb3cc', '[1-9]+')", "[aa, bb, cc]"},
        {"split('aa2bb3cc', '[1-9]+', 2)", "[aa, bb3cc]"},
        {"split('aacbbcddc', 'c', 0)", "[aa, bb, dd, ]"},
        {"split('aacbbcddc', 'c', -1)", "[aa, bb, dd, ]"},
        {"split('hello', '')", "[h, e, l, l, o]"},
        {"split('hello', '', 2)", "[h, ello]"},
        {"split('hello', '', 100)", "[h, e, l, l, o]"},
        {"size(split('', ''))", "1"},
        {"split('abc', 'x')", "[abc]"},
        {"split(NULL, 'a')", "NULL"},
        {"split('a', NULL)", "NULL"},
        {"size(split('a,b,,', ','))", "4"},
        {"split('a/b/c', '/', 2)", "[a, b/c]"}, /* one literal byte: memchr */
        {"size(split('', ','))", "1"},
        {"split('a.b', '.')", "[, , , ]"}, /* a metacharacter stays a regex */
    };
    check(cs, sizeof cs / sizeof cs[0]);
}

Test(sql_expr_nested, constructors_and_show)
{
    static const ccase cs[] = {
        {"array(1, 2, 3)", "[1, 2, 3]"},
        {"array(1, NULL, 3)", "[1, NULL, 3]"},
        {"array('a', 'b')", "[a, b]"},
        {"array(1, 2.5)", "[1.0, 2.5]"},
        {"array(array(1), array(2, 3))", "[[1], [2, 3]]"},
        {"named_struct('a', 1, 'b', 'x')", "{1, x}"},
        {"struct(1, NULL)", "{1, NULL}"},
        {"map('a', 1, 'b', 2)", "{a -> 1, b -> 2}"},
        {"map(1, NULL)", "{1 -> NULL}"},
        {"array(named_struct('k', 'p'), NULL)", "[{p}, NULL]"},
        {"map('a', 1, 'a', 2)", "ERR:[DUPLICATED_MAP_KEY] Duplicate map key was found, please "
                                "check the input data. If you want to remove the duplicated "
                                "keys, you can set \"spark.sql.mapKeyDedupPolicy\" to "
                                "\"LAST_WIN\" so that the key inserted at last takes "
                                "precedence. SQLSTATE: 23505"},
    };
    check(cs, sizeof cs / sizeof cs[0]);
}

static const ccase ACCESS_BOTH[] = {
    {"size(array(1, 2, 3))", "3"},
    {"cardinality(map('a', 1))", "1"},
    {"size(array())", "0"},
    {"element_at(array(1, 2, 3), 1)", "1"},
    {"element_at(array(1, 2, 3), -1)", "3"},
    {"element_at(array(1, 2, 3), -3)", "1"},
    {"element_at(array(1, 2, 3), 0)",
     "ERR:[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or > 0 "
     "(the first element has index 1). SQLSTATE: 22003"},
    {"array(1, 2, 3)[0]", "1"},
    {"array(1, 2, 3)[2]", "3"},
    {"element_at(map('a', 1, 'b', 2), 'b')", "2"},
    {"element_at(map('a', 1, 'b', 2), 'c')", "NULL"},
    {"map('a', 1)['a']", "1"},
    {"array_contains(array(1, 2), 2)", "true"},
    {"array_contains(array(1, 2), 3)", "false"},
    {"array_contains(array(1, NULL), 3)", "NULL"},
    {"array_contains(array(1, NULL), 1)", "true"},
    {"array_contains(array(1, 2), NULL)", "NULL"},
    {"named_struct('a', 1, 'b', 'x').b", "x"},
    {"array(named_struct('k', 'p'))[0].k", "p"},
};

Test(sql_expr_nested, access_ansi_on)
{
    check(ACCESS_BOTH, sizeof ACCESS_BOTH / sizeof ACCESS_BOTH[0]);
    static const ccase cs[] = {
        {"size(NULL)", "NULL"},
        {"element_at(array(1, 2, 3), 4)",
         "ERR:[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index 4 is out of bounds. The array has 3 "
         "elements. Use `try_element_at` to tolerate accessing element at invalid index and "
         "return NULL instead. " ANSI_ON " SQLSTATE: 22003"},
        {"element_at(array(1, 2, 3), -4)",
         "ERR:[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index -4 is out of bounds. The array has 3 "
         "elements. Use `try_element_at` to tolerate accessing element at invalid index and "
         "return NULL instead. " ANSI_ON " SQLSTATE: 22003"},
        {"array(1, 2, 3, 4, 5)[8]",
         "ERR:[INVALID_ARRAY_INDEX] The index 8 is out of bounds. The array has 5 elements. Use "
         "the SQL function `get()` to tolerate accessing element at invalid index and return "
         "NULL instead. " ANSI_ON " SQLSTATE: 22003"},
        {"array(1, 2, 3)[-1]",
         "ERR:[INVALID_ARRAY_INDEX] The index -1 is out of bounds. The array has 3 elements. Use "
         "the SQL function `get()` to tolerate accessing element at invalid index and return "
         "NULL instead. " ANSI_ON " SQLSTATE: 22003"},
    };
    check(cs, sizeof cs / sizeof cs[0]);
}

Test(sql_expr_nested, access_ansi_off)
{
    run_ok("SET spate.sql.ansi.enabled = false");
    check(ACCESS_BOTH, sizeof ACCESS_BOTH / sizeof ACCESS_BOTH[0]);
    static const ccase cs[] = {
        {"size(NULL)", "-1"},
        {"element_at(array(1, 2, 3), 4)", "NULL"},
        {"element_at(array(1, 2, 3), -4)", "NULL"},
        {"array(1, 2, 3)[3]", "NULL"},
        {"array(1, 2, 3)[-1]", "NULL"},
    };
    check(cs, sizeof cs / sizeof cs[0]);
}

Test(sql_expr_nested, struct_fields_by_name)
{
    run_ok("CREATE TEMPORARY VIEW v AS SELECT named_struct('a', 1, 'b', 'x') AS s, 7 AS n");
    static const ccase cs[] = {
        {"s.a FROM v", "1"},
        {"s.B FROM v", "x"},
        {"v.s.b FROM v", "x"},
        {"v.n FROM v", "7"},
        {"s FROM v", "{1, x}"},
        {"s.c FROM v", "ERR:[FIELD_NOT_FOUND] No such struct field `c` in `a`, `b`. SQLSTATE: "
                       "42704 (line 1, pos 7)"},
        {"n.b FROM v", "ERR:[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from \"n\". "
                       "Need a complex type [STRUCT, ARRAY, MAP] but got \"INT\". SQLSTATE: 42000 "
                       "(line 1, pos 7)"},
        {"size(n) FROM v",
         "ERR:[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"size(n)\" due to data "
         "type mismatch: The first parameter requires the (\"ARRAY\" or \"MAP\") type, however "
         "\"n\" has the type \"INT\". SQLSTATE: 42K09 (line 1, pos 7)"},
    };
    check(cs, sizeof cs / sizeof cs[0]);
    /* The column is named after the field, as Spark names GetStructField. */
    char *text = NULL, *err = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert(sp_session_run(sess, "SELECT s.a FROM v", f, &err));
    fclose(f);
    cr_expect_str_eq(text, "+---+\n|  a|\n+---+\n|  1|\n+---+\n");
    free(text);
    /* s.* expands to the fields, named after them. */
    text = NULL;
    f = open_memstream(&text, &len);
    cr_assert(sp_session_run(sess, "SELECT s.*, n FROM v", f, &err), "%s", err ? err : "");
    fclose(f);
    cr_expect_str_eq(text, "+---+---+---+\n|  a|  b|  n|\n+---+---+---+\n|  1|  x|  7|\n"
                           "+---+---+---+\n");
    free(text);
    cr_expect_str_eq(cell("SELECT v.s.* FROM v"), "1");
    cr_expect_str_eq(cell("SELECT n.* FROM v"),
                     "ERR:[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from \"n\". "
                     "Need a complex type [STRUCT, ARRAY, MAP] but got \"INT\". SQLSTATE: 42000 "
                     "(line 1, pos 7)");
}

/* What the kernels do not take yet fails analysis instead of reaching them. */
Test(sql_expr_nested, unsupported_uses_fail_cleanly)
{
    static const ccase cs[] = {
        {"CAST(array(1, 2) AS STRING)", "ERR:[UNSUPPORTED_FEATURE] The feature is not supported: "
                                        "CAST of ARRAY, MAP or STRUCT values. SQLSTATE: 0A000 "
                                        "(line 1, pos 7)"},
        {"array(1, 2) = array(1, 2)", "ERR:[UNSUPPORTED_FEATURE] The feature is not supported: "
                                      "Comparison of ARRAY, MAP or STRUCT values. SQLSTATE: "
                                      "0A000 (line 1, pos 7)"},
        {"coalesce(array(1), array(2))", "ERR:[UNSUPPORTED_FEATURE] The feature is not supported: "
                                         "coalesce of ARRAY, MAP or STRUCT values. SQLSTATE: "
                                         "0A000 (line 1, pos 7)"},
        {"x, count(*) FROM (SELECT array(1, 2) x) GROUP BY x",
         "ERR:[UNSUPPORTED_FEATURE] The feature is not supported: Grouping by ARRAY, MAP or "
         "STRUCT values. SQLSTATE: 0A000 (line 1, pos 56)"},
        {"split('a,b', ',')[0] = 'a'", "true"},
        /* a NULL cast to a nested type is a column of nulls without the layout */
        {"CAST(NULL AS STRUCT<a: INT>).a", "NULL"},
        {"element_at(CAST(NULL AS ARRAY<INT>), 1)", "NULL"},
        {"array_contains(CAST(NULL AS ARRAY<INT>), 1)", "NULL"},
        {"size(CAST(NULL AS MAP<INT, INT>))", "NULL"},
        {"DISTINCT xs FROM (SELECT array(1) AS xs)",
         "ERR:[UNSUPPORTED_FEATURE] The feature is not supported: Grouping by ARRAY, MAP or "
         "STRUCT values. SQLSTATE: 0A000"},
        /* a join's null row stands in for the nested column as NULL */
        {"xs FROM (SELECT 1 AS id) a LEFT JOIN (SELECT 2 AS id, array(1) AS xs) b "
         "ON a.id = b.id",
         "NULL"},
    };
    check(cs, sizeof cs / sizeof cs[0]);
}

/* Columns no later step reads (keep false) come out as NULL columns of
 * their type instead of copies; the kept ones and the generated ones as
 * before. */
Test(sql_expr_nested, generate_leaves_unread_columns_null)
{
    spate_arena *a = spate_arena_new();
    static const sp_coltree i64 = {.spec = {.type = SP_COL_I64}};
    sp_coltree t[] = {{.spec = {.type = SP_COL_I32}},
                      {.spec = {.type = SP_COL_UTF8}},
                      {.spec = {.type = SP_COL_LIST}, .nchildren = 1, .children = &i64}};
    sp_colbatch *b = sp_colbatch_new_tree(a, 3, t, NULL, 2);
    sp_column *l = &b->cols[2];
    for (int r = 0; r < 2; r++) {
        sp_column_i32(&b->cols[0])[r] = 7 + r;
        sp_column_append_str(b, 1, r ? "bee" : "ay", r ? 3 : 2);
        int64_t f = sp_col_list_begin(b, l, 3);
        for (int k = 0; k < 3; k++)
            sp_column_i64(&l->children[0])[f + k] = 10 * r + k;
        sp_col_list_end(l, 3);
    }
    sp_colbatch_set_length(b, 2);
    const char *names[] = {"col"};
    const bool keep[][3] = {{false, true, false}, {true, false, false}};
    for (int v = 0; v < 2; v++) {
        sp_colbatch *g = sp_sql_generate(b, l, false, false, names, keep[v], a);
        cr_assert_eq(g->length, 6);
        cr_assert_eq(g->ncols, 4);
        for (int r = 0; r < 6; r++) {
            const sp_column *sc = &g->cols[1];
            size_t n = (size_t)(sc->offsets[r + 1] - sc->offsets[r]);
            const char *str = sc->chars + sc->offsets[r];
            cr_expect_eq(sp_column_valid(&g->cols[0], r), keep[v][0]);
            cr_expect_eq(sp_column_valid(&g->cols[1], r), keep[v][1]);
            if (keep[v][0]) cr_expect_eq(sp_column_i32(&g->cols[0])[r], 7 + r / 3);
            if (keep[v][1])
                cr_expect(n == (r < 3 ? 2u : 3u) && !memcmp(str, r < 3 ? "ay" : "bee", n));
            if (!keep[v][1]) cr_expect_eq(n, 0);
            cr_expect_eq(sp_column_i64(&g->cols[3])[r], 10 * (r / 3) + r % 3);
        }
        cr_expect_str_eq(g->cols[1].name, b->cols[1].name);
    }
    spate_arena_destroy(a);
}

/* A null list row that still holds elements (allowed by Arrow) is skipped:
 * the elements are gathered instead of viewed. */
Test(sql_expr_nested, generate_skips_null_rows_holding_elements)
{
    spate_arena *a = spate_arena_new();
    static const sp_coltree i64 = {.spec = {.type = SP_COL_I64}};
    sp_coltree t[] = {{.spec = {.type = SP_COL_I32}},
                      {.spec = {.type = SP_COL_LIST}, .nchildren = 1, .children = &i64}};
    sp_colbatch *b = sp_colbatch_new_tree(a, 2, t, NULL, 3);
    sp_column *l = &b->cols[1];
    for (int r = 0; r < 3; r++) {
        sp_column_i32(&b->cols[0])[r] = r;
        int64_t f = sp_col_list_begin(b, l, 2);
        sp_column_i64(&l->children[0])[f] = 10 * r;
        sp_column_i64(&l->children[0])[f + 1] = 10 * r + 1;
        sp_col_list_end(l, 2);
    }
    sp_col_set_null(b, l, 1);
    sp_colbatch_set_length(b, 3);
    const char *names[] = {"pos", "col"};
    sp_colbatch *g = sp_sql_generate(b, l, true, false, names, NULL, a);
    cr_assert_eq(g->length, 4);
    cr_assert_eq(g->ncols, 4);
    static const int32_t id[] = {0, 0, 2, 2}, pos[] = {0, 1, 0, 1};
    static const int64_t col[] = {0, 1, 20, 21};
    for (int r = 0; r < 4; r++) {
        cr_expect_eq(sp_column_i32(&g->cols[0])[r], id[r]);
        cr_expect_eq(sp_column_i32(&g->cols[2])[r], pos[r]);
        cr_expect_eq(sp_column_i64(&g->cols[3])[r], col[r]);
    }
    cr_expect_str_eq(g->cols[3].name, "col");
    /* explode of a NULL cast to ARRAY: no row */
    char *text = NULL, *err = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);
    cr_assert(sp_session_run(sess, "SELECT 1 AS k, explode(CAST(NULL AS ARRAY<INT>))", o, &err));
    fclose(o);
    cr_expect_str_eq(text, "+---+---+\n|  k|col|\n+---+---+\n+---+---+\n");
    free(text);
    spate_arena_destroy(a);
}

/* Column pruning carries a Generate's needs down to the scan: the exploded
 * column is read, the unused one is not needed. */
Test(sql_expr_nested, explode_over_a_pruned_csv_scan)
{
    char dir[] = "/tmp/spate-explode-XXXXXX";
    cr_assert(mkdtemp(dir));
    char path[96], sql[256];
    snprintf(path, sizeof path, "%s/p.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("1,a b,x\n2,c,y\n", f);
    fclose(f);
    snprintf(sql, sizeof sql,
             "CREATE TABLE t (id INT, s STRING, z STRING) USING csv OPTIONS (path '%s')", dir);
    run_ok(sql);
    char *text = NULL, *err = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);
    cr_assert(sp_session_run(sess, "SELECT id, explode(split(s, ' ')) AS w FROM t", o, &err), "%s",
              err ? err : "");
    fclose(o);
    cr_expect_str_eq(text, "+---+---+\n| id|  w|\n+---+---+\n|  1|  a|\n|  1|  b|\n|  2|  c|\n"
                           "+---+---+\n");
    free(text);
    remove(path);
    rmdir(dir);
}

/* explode_outer / posexplode_outer: a NULL or empty collection gives one
 * row of NULLs (Spark's GeneratorFunctionSuite). */
Test(sql_expr_nested, explode_outer)
{
    static const ccase cases[] = {
        {"count(*) FROM (SELECT explode_outer(split(s, ',')) FROM VALUES 'a,b', NULL AS t(s))",
         "3"},
        {"count(*) FROM (SELECT explode(split(s, ',')) FROM VALUES 'a,b', NULL AS t(s))", "2"},
        {"e IS NULL FROM (SELECT explode_outer(array()) AS e)", "true"},
        {"pos IS NULL AND col IS NULL FROM (SELECT posexplode_outer(split(s, ',')) FROM VALUES "
         "CAST(NULL AS STRING) AS t(s))",
         "true"},
        {"max(pos) FROM (SELECT posexplode_outer(split('x,y,z', ',')))", "2"},
    };
    check(cases, sizeof cases / sizeof *cases);
}
