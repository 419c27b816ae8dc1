/* test_sql_show_nested.c - nested columns (ARRAY, MAP, STRUCT) as show()
 * prints them (Spark 4.0's ToPrettyString: "[1, 2, 3]", "{a -> 1, b -> 2}",
 * "{1, x}", NULL inside as "NULL"), as the JSON sink writes them
 * (JacksonGenerator: [1,null], {"a":1}, {"k":v} with null map values
 * written and null struct fields left out), and the CSV sink refusing them
 * as Spark's CSVFileFormat does (UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE). */
#include <criterion/criterion.h>

#include "base/arena.h"
#include "sql/show.h"
#include "sql/show_cast.h"
#include "sql/sink_format.h"
#include "sql/type_column.h"

#include <string.h>

static spate_arena *arena;
static sp_sql_sbuf out;

static void setup(void) { arena = spate_arena_new(); }
static void teardown(void)
{
    sp_sql_sbuf_free(&out);
    spate_arena_destroy(arena);
}

TestSuite(sql_show_nested, .init = setup, .fini = teardown);

static const sp_sql_type *schema(const char *ddl)
{
    sp_sql_type_error e;
    const sp_sql_type *t = sp_sql_schema_parse(arena, ddl, &e);
    cr_assert_not_null(t, "%s", e.message);
    return t;
}

/* (xs ARRAY<INT>, m MAP<STRING, INT>, s STRUCT<a: INT, b: STRING>,
 *  ss ARRAY<STRUCT<k: STRING>>) with rows
 *  0: [1, 2, 3]   {a -> 1, b -> 2}      {1, x}        [{p}, NULL]
 *  1: [NULL, 4]   {c -> NULL}           {NULL, NULL}  []
 *  2: NULL        NULL                  NULL          NULL */
static sp_colbatch *nested_batch(void)
{
    sp_colbatch *b = sp_sql_batch_new(arena,
                                      schema("xs ARRAY<INT>, m MAP<STRING, INT>, "
                                             "s STRUCT<a: INT, b: STRING>, "
                                             "ss ARRAY<STRUCT<k: STRING>>"),
                                      3);
    sp_column *xs = &b->cols[0], *m = &b->cols[1], *s = &b->cols[2], *ss = &b->cols[3];
    /* xs */
    int64_t f = sp_col_list_begin(b, xs, 3);
    for (int i = 0; i < 3; i++)
        sp_column_i32(&xs->children[0])[f + i] = i + 1;
    sp_col_list_end(xs, 3);
    f = sp_col_list_begin(b, xs, 2);
    sp_col_set_null(b, &xs->children[0], f);
    sp_column_i32(&xs->children[0])[f + 1] = 4;
    sp_col_list_end(xs, 2);
    sp_col_list_begin(b, xs, 0);
    sp_col_list_end(xs, 0);
    sp_col_set_null(b, xs, 2);
    /* m */
    sp_column *e = &m->children[0];
    f = sp_col_list_begin(b, m, 2);
    sp_col_append_bytes(b, &e->children[0], "a", 1);
    sp_col_append_bytes(b, &e->children[0], "b", 1);
    sp_column_i32(&e->children[1])[f] = 1;
    sp_column_i32(&e->children[1])[f + 1] = 2;
    sp_col_list_end(m, 2);
    f = sp_col_list_begin(b, m, 1);
    sp_col_append_bytes(b, &e->children[0], "c", 1);
    sp_col_set_null(b, &e->children[1], f);
    sp_col_list_end(m, 1);
    sp_col_list_begin(b, m, 0);
    sp_col_list_end(m, 0);
    sp_col_set_null(b, m, 2);
    /* s */
    sp_column_i32(&s->children[0])[0] = 1;
    sp_col_append_bytes(b, &s->children[1], "x", 1);
    sp_col_set_null(b, &s->children[0], 1);
    sp_col_append_bytes(b, &s->children[1], "", 0);
    sp_col_set_null(b, &s->children[1], 1);
    sp_col_append_bytes(b, &s->children[1], "", 0);
    sp_col_set_null(b, s, 2);
    /* ss */
    sp_column *st = &ss->children[0];
    f = sp_col_list_begin(b, ss, 2);
    sp_col_append_bytes(b, &st->children[0], "p", 1);
    sp_col_append_bytes(b, &st->children[0], "", 0);
    sp_col_set_null(b, st, f + 1);
    sp_col_list_end(ss, 2);
    sp_col_list_begin(b, ss, 0);
    sp_col_list_end(ss, 0);
    sp_col_list_begin(b, ss, 0);
    sp_col_list_end(ss, 0);
    sp_col_set_null(b, ss, 2);
    sp_colbatch_set_length(b, 3);
    return b;
}

Test(sql_show_nested, cells_as_to_pretty_string)
{
    sp_colbatch *b = nested_batch();
    static const char *const want[3][4] = {
        {"[1, 2, 3]", "{a -> 1, b -> 2}", "{1, x}", "[{p}, NULL]"},
        {"[NULL, 4]", "{c -> NULL}", "{NULL, NULL}", "[]"},
        {"NULL", "NULL", "NULL", "NULL"},
    };
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) {
            sp_sql_sbuf_clear(&out);
            sp_sql_show_cell(&out, &b->cols[c], r, NULL);
            cr_expect_str_eq(sp_sql_sbuf_str(&out), want[r][c], "row %d col %d", r, c);
        }
}

Test(sql_show_nested, show_string_table)
{
    sp_colbatch *b = nested_batch();
    sp_sql_sbuf_clear(&out);
    sp_sql_show_string(&out, b, 20, 20, false, NULL);
    cr_expect_str_eq(sp_sql_sbuf_str(&out),
                     "+---------+----------------+------------+-----------+\n"
                     "|       xs|               m|           s|         ss|\n"
                     "+---------+----------------+------------+-----------+\n"
                     "|[1, 2, 3]|{a -> 1, b -> 2}|      {1, x}|[{p}, NULL]|\n"
                     "|[NULL, 4]|     {c -> NULL}|{NULL, NULL}|         []|\n"
                     "|     NULL|            NULL|        NULL|       NULL|\n"
                     "+---------+----------------+------------+-----------+\n");
}

Test(sql_show_nested, json_sink_writes_arrays_and_objects)
{
    sp_colbatch *b = nested_batch();
    char err[512];
    sp_sink_writer *w =
        sp_sink_writer_new(SP_SINK_FMT_JSON, NULL, NULL, 0, NULL, NULL, err, sizeof err);
    cr_assert_not_null(w, "%s", err);
    sp_sql_sbuf_clear(&out);
    sp_sink_writer_rows(w, b, &out);
    cr_expect_str_eq(sp_sql_sbuf_str(&out),
                     "{\"xs\":[1,2,3],\"m\":{\"a\":1,\"b\":2},\"s\":{\"a\":1,\"b\":\"x\"},"
                     "\"ss\":[{\"k\":\"p\"},null]}\n"
                     "{\"xs\":[null,4],\"m\":{\"c\":null},\"s\":{},\"ss\":[]}\n"
                     "{}\n");
    sp_sink_writer_free(w);
}

Test(sql_show_nested, csv_sink_refuses_nested_columns_json_takes_them)
{
    char err[512];
    const sp_sql_type *t = schema("id INT, xs ARRAY<INT>");
    cr_expect_null(sp_sink_writer_new(SP_SINK_FMT_CSV, NULL, NULL, 0, t, NULL, err, sizeof err));
    cr_expect_str_eq(err, "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't "
                          "support the column `xs` of the type \"ARRAY<INT>\". SQLSTATE: 0A000");
    sp_sink_writer *w =
        sp_sink_writer_new(SP_SINK_FMT_JSON, NULL, NULL, 0, t, NULL, err, sizeof err);
    cr_expect_not_null(w, "%s", err);
    sp_sink_writer_free(w);
}
