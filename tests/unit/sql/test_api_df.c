/* test_api_df.c - the public DataFrame API's transformations, static
 * actions, readers, statements and errors (include/spate/sql.h only).
 * Expected texts are Spark 4.0's: messages of error-conditions.json with the
 * position and "== SQL ==" block of ParseException / AnalysisException over
 * the expression's own text, as Spark's selectExpr and filter(String) show. */
#include "api_test_util.h"

#include <unistd.h>

/* A directory with one CSV file of rows (removed by cleanup). */
static void write_csv(char *dir, const char *rows)
{
    strcpy(dir, "/tmp/spate-api-XXXXXX");
    cr_assert(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/part-0.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(rows, f);
    fclose(f);
}

static void remove_csv(const char *dir)
{
    char path[128];
    snprintf(path, sizeof path, "%s/part-0.csv", dir);
    unlink(path);
    rmdir(dir);
}

static spate_dataframe *read_orders(spate_session *s, const char *dir, bool streaming)
{
    spate_stream_reader *r = streaming ? spate_session_read_stream(s) : spate_session_read(s);
    cr_assert_eq(spate_stream_reader_format(r, "csv"), SPATE_OK);
    cr_assert_eq(spate_stream_reader_schema(r, "id BIGINT, kind STRING, amount INT, price DOUBLE"),
                 SPATE_OK);
    spate_dataframe *df = spate_stream_reader_load(r, dir);
    cr_assert(df, "%s", spate_session_last_error(s));
    return df;
}

static char *collect(spate_session *s, spate_dataframe *df)
{
    cr_assert(df, "%s", spate_session_last_error(s));
    spate_rows *r = spate_dataframe_collect(df);
    cr_assert(r, "%s", spate_session_last_error(s));
    char *out = api_rows_string(r);
    spate_rows_free(r);
    return out;
}

static void expect_rows(spate_session *s, spate_dataframe *df, const char *expected)
{
    char *got = collect(s, df);
    cr_expect_str_eq(got, expected);
    free(got);
}

static const char *orders = "1,buy,2,10.5\n2,sell,1,3.0\n3,buy,1,1.0\n4,hold,5,\n";

/* select, selectExpr, filter / where, withColumn, withColumnRenamed, drop on
 * a static read, collected. */
Test(sql_api_df, static_transformations)
{
    char dir[64];
    write_csv(dir, orders);
    spate_session *s = api_session();
    spate_dataframe *df = read_orders(s, dir, false);
    cr_expect_not(spate_dataframe_is_streaming(df));
    cr_expect_str_eq(spate_dataframe_schema(df), "id BIGINT,kind STRING,amount INT,price DOUBLE");
    expect_rows(s, spate_dataframe_select(df, (const char *[]){"kind", "id"}, 2),
                "buy,1;buy,3;hold,4;sell,2");
    expect_rows(s, spate_dataframe_where(df, "kind = 'buy' AND amount > 1"), "1,buy,2,10.5");
    spate_dataframe *t = spate_dataframe_select_expr(
        df, (const char *[]){"id", "amount * price AS total", "upper(kind)"}, 3);
    cr_expect_str_eq(spate_dataframe_schema(t), "id BIGINT,total DOUBLE,`upper(kind)` STRING");
    expect_rows(s, t, "1,21.0,BUY;2,3.0,SELL;3,1.0,BUY;4,NULL,HOLD");
    spate_dataframe *w = spate_dataframe_with_column(df, "amount", "amount * 10");
    w = spate_dataframe_with_column(w, "big", "amount >= 20");
    w = spate_dataframe_with_column_renamed(w, "kind", "side");
    w = spate_dataframe_drop(w, (const char *[]){"price", "nosuch"}, 2);
    cr_expect_str_eq(spate_dataframe_schema(w), "id BIGINT,side STRING,amount INT,big BOOLEAN");
    expect_rows(s, w, "1,buy,20,true;2,sell,10,false;3,buy,10,false;4,hold,50,true");
    /* nothing to rename or drop: the same dataframe, as Spark */
    cr_expect_eq(spate_dataframe_with_column_renamed(df, "nosuch", "x"), df);
    cr_expect_eq(spate_dataframe_drop(df, (const char *[]){"nosuch"}, 1), df);
    spate_session_free(s);
    remove_csv(dir);
}

/* groupBy().agg() and count() on a static read; show()'s table. */
Test(sql_api_df, static_group_by_and_show)
{
    char dir[64];
    write_csv(dir, orders);
    spate_session *s = api_session();
    spate_dataframe *df = read_orders(s, dir, false);
    spate_grouped_data *g = spate_dataframe_group_by(df, (const char *[]){"kind"}, 1);
    expect_rows(s, spate_grouped_count(g), "buy,2;hold,1;sell,1");
    spate_dataframe *a =
        spate_grouped_agg(g, (const char *[]){"sum(amount * price) AS total", "max(id)"}, 2);
    cr_expect_str_eq(spate_dataframe_schema(a), "kind STRING,total DOUBLE,`max(id)` BIGINT");
    expect_rows(s, a, "buy,22.0,3;hold,NULL,4;sell,3.0,2");
    expect_rows(s,
                spate_grouped_agg(spate_dataframe_group_by(df, NULL, 0),
                                  (const char *[]){"count(*)", "sum(amount)"}, 2),
                "4,9");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(spate_dataframe_show(spate_dataframe_filter(df, "id < 3"), 20, true, f), SPATE_OK);
    fclose(f);
    cr_expect_str_eq(buf, "+---+----+------+-----+\n"
                          "| id|kind|amount|price|\n"
                          "+---+----+------+-----+\n"
                          "|  1| buy|     2| 10.5|\n"
                          "|  2|sell|     1|  3.0|\n"
                          "+---+----+------+-----+\n"
                          "\n");
    free(buf);
    spate_session_free(s);
    remove_csv(dir);
}

typedef struct expr_case {
    const char *expr;
    const char *message; /* the whole rendered message */
} expr_case;

/* Errors of expression strings name the position in the expression itself
 * (Spark's selectExpr / filter(String) errors). */
Test(sql_api_df, expression_errors)
{
    static const expr_case cases[] = {
        {"v + kidn AS x",
         "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with "
         "name `kidn` cannot be resolved. Did you mean one of the following? [`kind`, `v`]. "
         "SQLSTATE: 42703 (line 1, pos 4)\n\n== SQL ==\nv + kidn AS x\n----^^^\n"},
        {"v >", "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 "
                "(line 1, pos 3)\n\n== SQL ==\nv >\n---^^^\n"},
        {"nosuchfn(v)",
         "[UNRESOLVED_ROUTINE] Cannot resolve routine `nosuchfn` on search path "
         "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]. SQLSTATE: 42883 "
         "(line 1, pos 0)\n\n== SQL ==\nnosuchfn(v)\n^^^\n"},
    };
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "kind STRING, v INT");
    spate_dataframe *df = spate_memory_stream_to_df(m);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        /* the failing expression second: its position is its own */
        const char *exprs[] = {"kind", cases[i].expr};
        cr_expect_null(spate_dataframe_select_expr(df, exprs, 2));
        cr_expect_str_eq(spate_session_last_error(s), cases[i].message, "%s", cases[i].expr);
    }
    cr_expect_null(spate_dataframe_filter(df, "v + 1"));
    cr_expect_str_eq(spate_session_last_error(s),
                     "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve \"(v + 1)\" due to "
                     "data type mismatch: Filter expression \"(v + 1)\" of type \"INT\" is not a "
                     "boolean. SQLSTATE: 42K09 (line 1, pos 0)\n\n== SQL ==\nv + 1\n^^^\n");
    cr_expect_null(spate_dataframe_with_column(df, "x", "v +* 2"));
    cr_expect(strstr(spate_session_last_error(s), "== SQL ==\nv +* 2\n"), "%s",
              spate_session_last_error(s));
    cr_expect_null(spate_grouped_agg(spate_dataframe_group_by(df, (const char *[]){"kind"}, 1),
                                     (const char *[]){"sum(amount)"}, 1));
    cr_expect(strstr(spate_session_last_error(s), "`amount` cannot be resolved"), "%s",
              spate_session_last_error(s));
    cr_expect(strstr(spate_session_last_error(s), "\n== SQL ==\nsum(amount)\n----^^^\n"), "%s",
              spate_session_last_error(s));
    /* a NULL object propagates without a new message */
    cr_expect_null(spate_dataframe_filter(NULL, "v > 1"));
    spate_session_free(s);
}

/* Readers refuse what Spark refuses, with its messages. */
Test(sql_api_df, reader_errors)
{
    spate_session *s = api_session();
    spate_stream_reader *r = spate_session_read_stream(s);
    spate_stream_reader_format(r, "nope");
    cr_expect_null(spate_stream_reader_load(r, "/tmp"));
    cr_expect_str_eq(spate_session_last_error(s),
                     "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: nope. Make sure "
                     "the provider name is correct and the package is properly registered and "
                     "compatible with your Spark version. SQLSTATE: 42K02");
    r = spate_session_read_stream(s);
    spate_stream_reader_format(r, "csv");
    cr_expect_null(spate_stream_reader_load(r, "/tmp"));
    cr_expect(strstr(spate_session_last_error(s),
                     "Schema must be specified when creating a streaming source DataFrame."));
    cr_expect_eq(spate_stream_reader_schema(r, "a INTT"), SPATE_ERR_PARSE);
    cr_expect_str_eq(spate_session_last_error(s), "[UNSUPPORTED_DATATYPE] Unsupported data type "
                                                  "\"INTT\".");
    spate_memory_stream *m = spate_memory_stream_new(s, "k STRING, v INT");
    cr_expect_eq(spate_memory_stream_add_csv(m, "a,1\nb,x", NULL), SPATE_ERR_PARSE);
    cr_expect(strstr(spate_session_last_error(s), "line 2 (\"b,x\"): [MALFORMED_RECORD_IN_PARSING"),
              "%s", spate_session_last_error(s));
    int64_t off = -1;
    cr_expect_eq(spate_memory_stream_add_csv(m, "a,1", &off), SPATE_OK);
    cr_expect_eq(off, 0);
    cr_expect_eq(spate_memory_stream_add_csv(m, "b,2", &off), SPATE_OK);
    cr_expect_eq(off, 1);
    spate_session_free(s);
}

/* sql(): a query gives its dataframe; statements run and give an empty one. */
Test(sql_api_df, sql_statements_and_views)
{
    char dir[64];
    write_csv(dir, orders);
    spate_session *s = api_session();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    spate_session_set_output(s, f);
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE TABLE o (id BIGINT, kind STRING, amount INT, price DOUBLE) USING csv "
             "OPTIONS (path '%s'); SET spark.sql.shuffle.partitions = 3",
             dir);
    spate_dataframe *e = spate_session_sql(s, sql);
    cr_assert(e, "%s", spate_session_last_error(s));
    spate_rows *r = spate_dataframe_collect(e);
    cr_expect_eq(spate_rows_count(r), 0);
    spate_rows_free(r);
    fflush(f);
    cr_expect_str_eq(buf, "spate.sql.shuffle.partitions\t3\n");
    api_expect_rows(s, "SELECT kind, count(*) FROM o GROUP BY kind", "buy,2;hold,1;sell,1");
    spate_dataframe *st = spate_session_sql(s, "SELECT * FROM STREAM(o)");
    cr_assert(st, "%s", spate_session_last_error(s));
    cr_expect(spate_dataframe_is_streaming(st));
    cr_expect_null(spate_dataframe_collect(st));
    cr_expect_str_eq(spate_session_last_error(s),
                     "Queries with streaming sources must be executed with writeStream.start();");
    spate_dataframe *big = spate_dataframe_filter(spate_session_table(s, "o"), "amount > 1");
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(big, "big"), SPATE_OK);
    api_expect_rows(s, "SELECT id FROM big", "1;4");
    cr_expect_null(spate_session_sql(s, "SELECT * FORM o"));
    cr_expect_str_eq(spate_session_last_error(s),
                     "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'. SQLSTATE: 42601 (line "
                     "1, pos 9)\n\n== SQL ==\nSELECT * FORM o\n---------^^^\n");
    cr_expect_null(spate_session_table(s, "nosuch"));
    cr_expect(strstr(spate_session_last_error(s), "[TABLE_OR_VIEW_NOT_FOUND]"));
    spate_session_free(s);
    fclose(f);
    free(buf);
    remove_csv(dir);
}

/* explain prints the analyzed plan as Spark's tree string. */
Test(sql_api_df, explain_tree)
{
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "kind STRING, v INT");
    spate_dataframe *df = spate_dataframe_filter(spate_memory_stream_to_df(m), "v > 1");
    spate_dataframe *a =
        spate_grouped_agg(spate_dataframe_group_by(df, (const char *[]){"kind"}, 1),
                          (const char *[]){"sum(v) AS t"}, 1);
    cr_assert(a, "%s", spate_session_last_error(s));
    cr_expect_str_eq(spate_dataframe_plan_string(a),
                     "Project [kind#1, t#3L]\n"
                     "+- Aggregate [kind#1], [kind#1, sum(v#2) AS t#3L]\n"
                     "   +- Filter (v#2 > 1)\n"
                     "      +- StreamingRelation MemoryStream, [kind#1, v#2]");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(spate_dataframe_explain(a, f), SPATE_OK);
    fclose(f);
    cr_expect(strncmp(buf, "== Analyzed Logical Plan ==\nProject [kind#1, t#3L]\n", 51) == 0, "%s",
              buf);
    free(buf);
    spate_session_free(s);
}

/* A stream-static join through join(): it analyzes, explains and runs as a
 * streaming query (left outer: an order without a match keeps nulls). */
Test(sql_api_df, stream_static_join)
{
    char dir[64];
    write_csv(dir, orders);
    spate_session *s = api_session();
    spate_memory_stream *m = spate_memory_stream_new(s, "oid BIGINT, note STRING");
    spate_dataframe *stream = spate_memory_stream_to_df(m);
    spate_dataframe *stat = read_orders(s, dir, false);
    spate_dataframe *j = spate_dataframe_join(stream, stat, "l.oid = r.id", "left_outer");
    cr_assert(j, "%s", spate_session_last_error(s));
    cr_expect(spate_dataframe_is_streaming(j));
    cr_expect_str_eq(spate_dataframe_schema(j),
                     "oid BIGINT,note STRING,id BIGINT,kind STRING,amount INT,price DOUBLE");
    cr_expect(strstr(spate_dataframe_plan_string(j), "Join LeftOuter, (oid#"), "%s",
              spate_dataframe_plan_string(j));
    spate_stream_writer *w = spate_dataframe_write_stream(j);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_query_name(w, "joined"), SPATE_OK);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    cr_assert_eq(spate_memory_stream_add_csv(m, "2,late\n9,lost", NULL), SPATE_OK);
    cr_assert_eq(spate_query_process_all_available(q), SPATE_OK);
    api_expect_rows(s, "SELECT oid, note, kind, amount FROM joined",
                    "2,late,sell,1;9,lost,NULL,NULL");
    cr_expect_null(spate_dataframe_join(stream, stat, "l.oid = r.id", "sideways"));
    cr_expect(strstr(spate_session_last_error(s), "[UNSUPPORTED_JOIN_TYPE]"));
    cr_expect_null(spate_dataframe_join(stream, stat, "l.nope = r.id", NULL));
    cr_expect(strstr(spate_session_last_error(s), "\n== SQL ==\nl.nope = r.id\n^^^\n"), "%s",
              spate_session_last_error(s));
    spate_session_free(s);
    remove_csv(dir);
}

/* rows as show() prints them, in order (no sorting), joined by ';'. */
static char *ordered(spate_session *s, spate_dataframe *df)
{
    cr_assert(df, "%s", spate_session_last_error(s));
    spate_rows *r = spate_dataframe_collect(df);
    cr_assert(r, "%s", spate_session_last_error(s));
    char *out = calloc(1, 1024);
    for (int64_t i = 0; i < spate_rows_count(r); i++) {
        char v[64];
        spate_row_format(spate_rows_get(r, i), 0, v, sizeof v);
        strcat(out, i ? ";" : "");
        strcat(out, v);
    }
    spate_rows_free(r);
    return out;
}

/* orderBy / limit: Spark's default ASC NULLS FIRST, DESC NULLS LAST. */
Test(sql_api_df, order_by_and_limit)
{
    char dir[64];
    write_csv(dir, orders);
    spate_session *s = api_session();
    spate_dataframe *df = read_orders(s, dir, false);
    char *got = ordered(s, spate_dataframe_order_by(df, (const char *[]){"price"}, 1));
    cr_expect_str_eq(got, "4;3;2;1");
    free(got);
    got = ordered(s, spate_dataframe_order_by(df, (const char *[]){"price DESC"}, 1));
    cr_expect_str_eq(got, "1;2;3;4");
    free(got);
    got = ordered(s, spate_dataframe_limit(
                         spate_dataframe_order_by(df, (const char *[]){"kind", "id DESC"}, 2), 3));
    cr_expect_str_eq(got, "3;1;4");
    free(got);
    cr_expect_null(spate_dataframe_order_by(df, (const char *[]){"prise DESC"}, 1));
    cr_expect(strstr(spate_session_last_error(s), "[UNRESOLVED_COLUMN.WITH_SUGGESTION]"), "%s",
              spate_session_last_error(s));
    cr_expect(
        strstr(spate_session_last_error(s), "(line 1, pos 0)\n\n== SQL ==\nprise DESC\n^^^\n"),
        "%s", spate_session_last_error(s));
    cr_expect_null(spate_dataframe_order_by(df, (const char *[]){"price DOWN"}, 1));
    cr_expect(strstr(spate_session_last_error(s), "== SQL ==\nprice DOWN\n"), "%s",
              spate_session_last_error(s));
    cr_expect_null(spate_dataframe_limit(df, -1));
    cr_expect(strstr(spate_session_last_error(s), "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE]"));
    spate_session_free(s);
    remove_csv(dir);
}
