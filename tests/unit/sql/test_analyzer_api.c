/* test_analyzer_api.c - the analyzer's building blocks and flags beyond
 * the SQL tables: streaming flags up the tree, views inlined (a stream
 * view read with STREAM, a static one refused), the DataFrame-style calls
 * (scan, filter, aggregate, one expression with Spark's column name),
 * case sensitivity, errors without the statement text, sp_plan_contains. */
#include "analyzer_test_util.h"

typedef struct env {
    spate_arena *a;
    sp_catalog *cat;
    int64_t next;
    sp_analyzer az;
    sp_sql_error err;
} env;

static void env_init(env *e)
{
    e->a = spate_arena_new();
    e->cat = az_catalog();
    e->next = 0;
    e->az = (sp_analyzer){.arena = e->a, .catalog = e->cat, .ansi = true, .next_id = &e->next};
    sp_sql_error_init(&e->err);
}

static void env_free(env *e)
{
    sp_sql_error_clear(&e->err);
    sp_catalog_free(e->cat);
    spate_arena_destroy(e->a);
}

static sp_plan *analyze(env *e, const char *sql)
{
    sp_sql_list stmts;
    cr_assert(sp_sql_parse(sql, strlen(sql), e->a, &stmts, &e->err));
    e->az.text = sql;
    e->az.text_len = strlen(sql);
    return sp_analyze_query(&e->az, stmts.items[0], &e->err);
}

static sp_sql_node *expr(env *e, const char *text)
{
    sp_sql_node *n;
    cr_assert(sp_sql_parse_expression(text, strlen(text), e->a, &n, &e->err));
    return n;
}

Test(analyzer_api, streaming_flag_and_contains)
{
    env e;
    env_init(&e);
    sp_plan *s = analyze(&e, "SELECT kind, count(*) FROM STREAM(orders) GROUP BY kind");
    cr_assert_not_null(s);
    cr_expect(s->streaming);
    cr_expect(sp_plan_contains(s, SP_PLAN_AGGREGATE));
    cr_expect(!sp_plan_contains(s, SP_PLAN_JOIN));
    sp_plan *t = analyze(&e, "SELECT kind FROM orders");
    cr_assert_not_null(t);
    cr_expect(!t->streaming);
    sp_analyze_release(s);
    sp_analyze_release(t);
    env_free(&e);
}

Test(analyzer_api, views_inline_their_plan)
{
    env e;
    env_init(&e);
    sp_plan *vp = analyze(&e, "SELECT kind, price FROM STREAM(orders) WHERE price > 1");
    cr_assert_not_null(vp);
    sp_catalog_table v = {.kind = SP_TABLE_VIEW, .name = "cheap", .plan = vp};
    cr_assert_eq(sp_catalog_put(e.cat, &v, false), SPATE_OK);
    sp_plan *p = analyze(&e, "SELECT cheap.kind FROM STREAM(cheap)");
    cr_assert_not_null(p, "%s", e.err.cond);
    cr_expect(p->streaming);
    cr_expect_str_eq(sp_plan_tree_string(e.a, p),
                     "Project [kind#1]\n"
                     "+- Project [kind#1, price#2]\n"
                     "   +- Filter (price#2 > 1)\n"
                     "      +- StreamingRelation orders, [time#0, kind#1, price#2, qty#3L, "
                     "amount#4]\n");
    sp_analyze_release(p);
    sp_plan *sv = analyze(&e, "SELECT kind FROM orders");
    sp_catalog_table s = {.kind = SP_TABLE_VIEW, .name = "st", .plan = sv};
    cr_assert_eq(sp_catalog_put(e.cat, &s, false), SPATE_OK);
    cr_expect_null(analyze(&e, "SELECT * FROM STREAM st"));
    cr_expect(sp_sql_error_is_set(&e.err));
    cr_expect_eq(e.err.offset, strlen("SELECT * FROM "));
    sp_analyze_release(sv);
    sp_analyze_release(vp);
    env_free(&e);
}

Test(analyzer_api, dataframe_calls)
{
    env e;
    env_init(&e);
    sp_catalog_table *t = sp_catalog_get(e.cat, "orders");
    sp_plan *scan = sp_analyze_scan(&e.az, t, true, &e.err);
    sp_catalog_table_unref(t);
    cr_assert_not_null(scan);
    sp_plan *f = sp_analyze_filter(&e.az, scan, expr(&e, "price > 100"), &e.err);
    cr_assert_not_null(f);
    sp_sql_list groups = {0}, items = {0};
    sp_sql_list_push(&groups, e.a, expr(&e, "kind"));
    sp_sql_list_push(&items, e.a, expr(&e, "kind"));
    sp_sql_list_push(&items, e.a, expr(&e, "count(*) AS count"));
    sp_plan *g = sp_analyze_aggregate(&e.az, f, &groups, &items, NULL, &e.err);
    cr_assert_not_null(g);
    cr_expect_str_eq(sp_plan_tree_string(e.a, g),
                     "Project [kind#1, count#5L]\n"
                     "+- Aggregate [kind#1], [kind#1, count(1) AS count#5L]\n"
                     "   +- Filter (price#2 > 100)\n"
                     "      +- StreamingRelation orders, [time#0, kind#1, price#2, qty#3L, "
                     "amount#4]\n");
    const char *name = NULL;
    sp_sql_expr *x = sp_analyze_expr(&e.az, scan, expr(&e, "price * 2"), &name, &e.err);
    cr_assert_not_null(x);
    cr_expect_str_eq(name, "(price * 2)");
    cr_expect_eq(x->type->id, SP_SQL_INT);
    x = sp_analyze_expr(&e.az, scan, expr(&e, "qty AS q"), &name, &e.err);
    cr_expect_str_eq(name, "q");
    cr_expect_eq(x->type->id, SP_SQL_BIGINT);
    sp_analyze_release(g);
    env_free(&e);
}

Test(analyzer_api, case_sensitive_names)
{
    env e;
    env_init(&e);
    sp_plan *p = analyze(&e, "SELECT KIND FROM orders");
    cr_assert_not_null(p);
    sp_analyze_release(p);
    e.az.case_sensitive = true;
    cr_expect_null(analyze(&e, "SELECT KIND FROM orders"));
    cr_expect_str_eq(e.err.cond, "UNRESOLVED_COLUMN.WITH_SUGGESTION");
    env_free(&e);
}

Test(analyzer_api, error_without_text_keeps_the_offset)
{
    env e;
    env_init(&e);
    const char *sql = "SELECT kind FROM orders WHERE nope > 1";
    sp_sql_list stmts;
    cr_assert(sp_sql_parse(sql, strlen(sql), e.a, &stmts, &e.err));
    cr_expect_null(sp_analyze_query(&e.az, stmts.items[0], &e.err));
    cr_expect(!e.err.has_pos);
    cr_expect_eq(e.err.offset, strlen("SELECT kind FROM orders WHERE "));
    env_free(&e);
}
