/* analyzer_test_util.h - the analyzer tests' fixture: a catalog holding
 *   orders  CSV table  (time TIMESTAMP, kind STRING, price INT, qty BIGINT,
 *                       amount DECIMAL(10,2))
 *   events  memory stream (id BIGINT, kind STRING, ts TIMESTAMP)
 *   prices  CSV table  (kind STRING, rate DOUBLE, price INT)
 *   big     memory table (c1..c7 INT)
 *   users   memory table (name_user STRING, city_user STRING, age_user INT)
 * and one call from SQL text to the analyzed plan's tree string or the
 * rendered error (with its position and caret), malloc'd. Expression ids
 * start at 0 for each statement, as in a fresh Spark session. */
#ifndef SPATE_TEST_ANALYZER_UTIL_H
#define SPATE_TEST_ANALYZER_UTIL_H

#include "sql/analyzer.h"
#include "sql/parser.h"

#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

__attribute__((unused)) static sp_catalog *az_catalog(void)
{
    spate_arena *a = spate_arena_new();
    sp_sql_type_error te;
    sp_catalog *c = sp_catalog_new(false);
    struct {
        sp_table_kind kind;
        const char *name, *schema;
        bool stream;
    } defs[] = {
        {SP_TABLE_DATASOURCE, "orders",
         "time TIMESTAMP, kind STRING, price INT, qty BIGINT, amount DECIMAL(10,2)", false},
        {SP_TABLE_MEMORY, "events", "id BIGINT, kind STRING, ts TIMESTAMP", true},
        {SP_TABLE_DATASOURCE, "prices", "kind STRING, rate DOUBLE, price INT", false},
        {SP_TABLE_MEMORY, "big", "c1 INT, c2 INT, c3 INT, c4 INT, c5 INT, c6 INT, c7 INT", false},
        {SP_TABLE_MEMORY, "users", "name_user STRING, city_user STRING, age_user INT", false},
    };
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        sp_catalog_table t = {.kind = defs[i].kind, .name = defs[i].name};
        t.schema = sp_sql_schema_parse(a, defs[i].schema, &te);
        cr_assert_not_null(t.schema, "%s", te.message);
        t.format = defs[i].kind == SP_TABLE_DATASOURCE ? "csv" : NULL;
        t.memory_is_stream = defs[i].stream;
        cr_assert_eq(sp_catalog_put(c, &t, false), SPATE_OK);
    }
    spate_arena_destroy(a);
    return c;
}

/* The tree string of sql's plan, or its rendered error; malloc'd. */
__attribute__((unused)) static char *az_run(sp_catalog *cat, const char *sql, bool ansi)
{
    spate_arena *a = spate_arena_new();
    sp_sql_error err;
    sp_sql_error_init(&err);
    sp_sql_list stmts;
    char *out;
    if (!sp_sql_parse(sql, strlen(sql), a, &stmts, &err)) {
        out = sp_sql_error_render(&err, sql);
    } else {
        int64_t next = 0;
        sp_analyzer az = {.arena = a,
                          .catalog = cat,
                          .ansi = ansi,
                          .next_id = &next,
                          .text = sql,
                          .text_len = strlen(sql)};
        sp_plan *p = sp_analyze_query(&az, stmts.items[0], &err);
        if (p) {
            out = strdup(sp_plan_tree_string(a, p));
            sp_analyze_release(p);
        } else {
            out = sp_sql_error_render(&err, sql);
        }
    }
    sp_sql_error_clear(&err);
    spate_arena_destroy(a);
    return out;
}

#endif
