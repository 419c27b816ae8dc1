/* test_join.c - joins through the public API: static joins of every type
 * Spark runs with a static table on each side (cases in the spirit of
 * Spark's JoinSuite: inner, outer, semi, anti, cross, USING, non-equi
 * conditions, NULL keys), and stream-static joins run as streaming queries
 * (StreamingJoinSuite's stream-static cases), with Spark's refusals; and the
 * static inputs other than a table that such plans read (a FROM-less
 * SELECT, UNION ALL, an aggregate below a join); predicate subqueries,
 * which become semi and anti joins. */
#include "api_test_util.h"

#include <sys/stat.h>
#include <unistd.h>

typedef struct fixture {
    char dir[64];
    spate_session *s;
} fixture;

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

static void run(spate_session *s, const char *sql)
{
    cr_assert(spate_session_sql(s, sql), "%s: %s", sql, spate_session_last_error(s));
}

/* clients(id, name) and accounts(cid, balance) as CSV tables in fx->dir. */
static void setup(fixture *fx)
{
    snprintf(fx->dir, sizeof fx->dir, "/tmp/spate-join-XXXXXX");
    cr_assert(mkdtemp(fx->dir));
    char sub[96];
    snprintf(sub, sizeof sub, "%s/clients", fx->dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    write_file(sub, "a.csv", "1,ann\n2,bob\n3,cid\n,nobody\n");
    snprintf(sub, sizeof sub, "%s/accounts", fx->dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    write_file(sub, "a.csv", "1,10\n1,20\n3,5\n4,7\n,1\n");
    fx->s = api_session();
    char sql[512];
    snprintf(sql, sizeof sql,
             "CREATE TABLE clients (id BIGINT, name STRING) USING csv OPTIONS (path "
             "'%s/clients');"
             "CREATE TABLE accounts (cid INT, balance INT) USING csv OPTIONS (path "
             "'%s/accounts')",
             fx->dir, fx->dir);
    run(fx->s, sql);
}

static void teardown(fixture *fx)
{
    spate_session_free(fx->s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
    cr_assert_eq(system(cmd), 0);
}

typedef struct join_case {
    const char *sql;
    const char *rows;
} join_case;

/* Every join type over two static tables, NULL keys matching nothing. */
Test(sql_join, static_join_types)
{
    static const join_case cases[] = {
        {"SELECT name, balance FROM clients JOIN accounts ON id = cid", "ann,10;ann,20;cid,5"},
        {"SELECT name, balance FROM clients c LEFT JOIN accounts a ON c.id = a.cid",
         "ann,10;ann,20;bob,NULL;cid,5;nobody,NULL"},
        {"SELECT name, cid, balance FROM clients RIGHT OUTER JOIN accounts ON id = cid",
         "NULL,4,7;NULL,NULL,1;ann,1,10;ann,1,20;cid,3,5"},
        {"SELECT name, cid, balance FROM clients FULL OUTER JOIN accounts ON id = cid",
         "NULL,4,7;NULL,NULL,1;ann,1,10;ann,1,20;bob,NULL,NULL;cid,3,5;nobody,NULL,NULL"},
        {"SELECT count(*) FROM clients FULL JOIN accounts ON id = cid AND balance > 15", "8"},
        {"SELECT * FROM clients LEFT SEMI JOIN accounts ON id = cid", "1,ann;3,cid"},
        {"SELECT name FROM clients LEFT ANTI JOIN accounts ON id = cid", "bob;nobody"},
        {"SELECT count(*) FROM clients CROSS JOIN accounts", "20"},
        {"SELECT name, balance FROM clients, accounts WHERE id = cid AND balance > 5",
         "ann,10;ann,20"},
        /* a residual condition next to the key, and a join with no key */
        {"SELECT name, balance FROM clients JOIN accounts ON id = cid AND balance < 15",
         "ann,10;cid,5"},
        {"SELECT name, balance FROM clients JOIN accounts ON id < cid AND balance = 7",
         "ann,7;bob,7;cid,7"},
        {"SELECT name, balance FROM clients LEFT JOIN accounts ON id = cid AND balance > 15",
         "ann,20;bob,NULL;cid,NULL;nobody,NULL"},
        /* an aggregation over the join */
        {"SELECT name, sum(balance) FROM clients JOIN accounts ON id = cid GROUP BY name",
         "ann,30;cid,5"},
    };
    fixture fx;
    setup(&fx);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        api_expect_rows(fx.s, cases[i].sql, cases[i].rows);
    teardown(&fx);
}

/* USING (k): the key once, then each side's other columns (Spark's
 * NaturalAndUsingJoin rule); a key missing on a side is named. */
Test(sql_join, using_columns)
{
    fixture fx;
    setup(&fx);
    run(fx.s, "CREATE TEMPORARY VIEW acc AS SELECT cid AS id, balance FROM accounts");
    spate_dataframe *df = spate_session_sql(fx.s, "SELECT * FROM clients JOIN acc USING (id)");
    cr_assert(df, "%s", spate_session_last_error(fx.s));
    cr_expect_str_eq(spate_dataframe_schema(df), "id BIGINT,name STRING,balance INT");
    api_expect_rows(fx.s, "SELECT * FROM clients JOIN acc USING (id)", "1,ann,10;1,ann,20;3,cid,5");
    api_expect_rows(fx.s, "SELECT * FROM clients RIGHT JOIN acc USING (id)",
                    "1,ann,10;1,ann,20;3,cid,5;4,NULL,7;NULL,NULL,1");
    api_expect_rows(fx.s, "SELECT * FROM clients FULL JOIN acc USING (id)",
                    "1,ann,10;1,ann,20;2,bob,NULL;3,cid,5;4,NULL,7;NULL,NULL,1;NULL,nobody,NULL");
    cr_expect_null(spate_session_sql(fx.s, "SELECT * FROM clients JOIN acc USING (nope)"));
    cr_expect(strstr(spate_session_last_error(fx.s),
                     "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `nope` cannot be resolved "
                     "on the left side of the join. The left-side columns: [`id`, `name`]."),
              "%s", spate_session_last_error(fx.s));
    cr_expect_null(spate_session_sql(fx.s, "SELECT * FROM clients JOIN acc USING (name)"));
    cr_expect(strstr(spate_session_last_error(fx.s),
                     "cannot be resolved on the right side of the join. The right-side columns: "
                     "[`balance`, `id`]."),
              "%s", spate_session_last_error(fx.s));
    teardown(&fx);
}

static spate_query *start_memory(spate_session *s, spate_dataframe *df, const char *name,
                                 const char *mode)
{
    cr_assert(df, "%s", spate_session_last_error(s));
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_output_mode(w, mode), SPATE_OK);
    cr_assert_eq(spate_stream_writer_query_name(w, name), SPATE_OK);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    return q;
}

static void add(spate_session *s, spate_memory_stream *m, spate_query *q, const char *csv)
{
    cr_assert_eq(spate_memory_stream_add_csv(m, csv, NULL), SPATE_OK);
    cr_assert_eq(spate_query_process_all_available(q), SPATE_OK, "%s", spate_session_last_error(s));
}

/* A stream of orders enriched with the static clients table: inner and
 * left outer, batch by batch; the static side is read again for each batch,
 * so a client file added between batches joins from the next one. */
Test(sql_join, stream_static_inner_and_left_outer)
{
    fixture fx;
    setup(&fx);
    /* A memory stream forgets what a query committed: one per query. */
    spate_memory_stream *m = spate_memory_stream_new(fx.s, "oid BIGINT, client BIGINT");
    spate_memory_stream *m2 = spate_memory_stream_new(fx.s, "oid BIGINT, client BIGINT");
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(m), "o"),
                 SPATE_OK);
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(m2), "o2"),
                 SPATE_OK);
    spate_query *inner = start_memory(
        fx.s,
        spate_session_sql(fx.s, "SELECT oid, name FROM STREAM(o) JOIN clients ON client = id"),
        "inner_out", "append");
    spate_query *outer =
        start_memory(fx.s,
                     spate_session_sql(
                         fx.s, "SELECT oid, name FROM STREAM(o2) LEFT JOIN clients ON client = id"),
                     "outer_out", "append");
    add(fx.s, m, inner, "10,1\n11,5\n12,3\n13,");
    add(fx.s, m2, outer, "10,1\n11,5\n12,3\n13,");
    api_expect_rows(fx.s, "SELECT * FROM inner_out", "10,ann;12,cid");
    api_expect_rows(fx.s, "SELECT * FROM outer_out", "10,ann;11,NULL;12,cid;13,NULL");
    char sub[96];
    snprintf(sub, sizeof sub, "%s/clients", fx.dir);
    write_file(sub, "b.csv", "5,eve\n");
    add(fx.s, m, inner, "14,5\n15,2");
    add(fx.s, m2, outer, "14,5\n15,2");
    api_expect_rows(fx.s, "SELECT * FROM inner_out", "10,ann;12,cid;14,eve;15,bob");
    api_expect_rows(fx.s, "SELECT * FROM outer_out", "10,ann;11,NULL;12,cid;13,NULL;14,eve;15,bob");
    teardown(&fx);
}

/* A streaming aggregation over a stream-static join (complete mode), and
 * the static side on the left of an inner and a right outer join. */
Test(sql_join, stream_static_aggregation)
{
    fixture fx;
    setup(&fx);
    spate_memory_stream *m = spate_memory_stream_new(fx.s, "oid BIGINT, client BIGINT, qty INT");
    spate_memory_stream *m2 = spate_memory_stream_new(fx.s, "oid BIGINT, client BIGINT, qty INT");
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(m), "o"),
                 SPATE_OK);
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(m2), "o2"),
                 SPATE_OK);
    spate_query *q = start_memory(
        fx.s,
        spate_session_sql(fx.s, "SELECT name, sum(qty) AS total FROM clients JOIN STREAM(o) ON "
                                "client = id GROUP BY name"),
        "totals", "complete");
    spate_query *r = start_memory(
        fx.s,
        spate_session_sql(fx.s,
                          "SELECT name, oid FROM clients RIGHT JOIN STREAM(o2) ON client = id"),
        "right_out", "append");
    add(fx.s, m, q, "1,1,5\n2,2,1\n3,1,2\n4,9,9");
    add(fx.s, m2, r, "1,1,5\n2,2,1\n3,1,2\n4,9,9");
    api_expect_rows(fx.s, "SELECT * FROM totals", "ann,7;bob,1");
    api_expect_rows(fx.s, "SELECT * FROM right_out", "NULL,4;ann,1;ann,3;bob,2");
    add(fx.s, m, q, "5,3,4\n6,1,1");
    api_expect_rows(fx.s, "SELECT * FROM totals", "ann,8;bob,1;cid,4");
    teardown(&fx);
}

/* Spark's UnsupportedOperationChecker messages for stream-static joins. */
Test(sql_join, stream_static_refusals)
{
    static const join_case cases[] = {
        {"SELECT * FROM clients LEFT JOIN STREAM(o) ON client = id",
         "LeftOuter join with a streaming DataFrame/Dataset on the right and a static "
         "DataFrame/Dataset on the left is not supported"},
        {"SELECT * FROM STREAM(o) RIGHT JOIN clients ON client = id",
         "RightOuter join with a streaming DataFrame/Dataset on the left and a static "
         "DataFrame/DataSet on the right not supported"},
        {"SELECT * FROM STREAM(o) FULL JOIN clients ON client = id",
         "FullOuter joins with streaming DataFrames/Datasets on the left and a static "
         "DataFrame/Dataset on the right is not supported"},
        {"SELECT * FROM clients LEFT ANTI JOIN STREAM(o) ON client = id",
         "LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported"},
        {"SELECT * FROM clients LEFT SEMI JOIN STREAM(o) ON client = id",
         "LeftSemi join with a streaming DataFrame/Dataset on the right and a static "
         "DataFrame/Dataset on the left is not supported"},
    };
    fixture fx;
    setup(&fx);
    spate_memory_stream *m = spate_memory_stream_new(fx.s, "oid BIGINT, client BIGINT");
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(m), "o"),
                 SPATE_OK);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        spate_dataframe *df = spate_session_sql(fx.s, cases[i].sql);
        cr_assert(df, "%s: %s", cases[i].sql, spate_session_last_error(fx.s));
        spate_stream_writer *w = spate_dataframe_write_stream(df);
        cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
        cr_assert_eq(spate_stream_writer_query_name(w, "refused"), SPATE_OK);
        cr_expect_null(spate_stream_writer_start(w), "%s", cases[i].sql);
        cr_expect(strstr(spate_session_last_error(fx.s), cases[i].rows), "%s: %s", cases[i].sql,
                  spate_session_last_error(fx.s));
    }
    teardown(&fx);
}

/* Static plans whose input is computed first: one row without FROM, UNION
 * (ALL and distinct), an aggregate on the build and on the probe side. */
Test(sql_join, static_computed_inputs)
{
    static const join_case cases[] = {
        {"SELECT 1 + 1 AS x, 'a' AS y", "2,a"},
        {"SELECT upper('spate'), 7 % 4", "SPATE,3"},
        /* inline tables: col1..., widened column types, aliases */
        {"VALUES (1, 'a'), (2.5, NULL)", "1.0,a;2.5,NULL"},
        {"SELECT t.x + 1 FROM VALUES 1, 2 AS t(x)", "2;3"},
        {"SELECT name FROM clients JOIN VALUES (1), (3) AS v(k) ON id = k", "ann;cid"},
        /* an outer join's missing side holds nested columns too */
        {"SELECT k, a IS NULL FROM VALUES (1) t(k) LEFT JOIN (SELECT 2 AS k2, array(1, 2) AS a) "
         "ON k = k2",
         "1,true"},
        {"SELECT id FROM clients UNION ALL SELECT cid FROM accounts", "1;1;1;2;3;3;4;NULL;NULL"},
        {"SELECT id FROM clients UNION SELECT cid FROM accounts", "1;2;3;4;NULL"},
        {"SELECT count(*) FROM (SELECT id FROM clients UNION ALL SELECT 9)", "5"},
        /* INTERSECT / EXCEPT: distinct rows, NULL equal to NULL */
        {"SELECT id FROM clients INTERSECT SELECT cid FROM accounts", "1;3;NULL"},
        {"SELECT cid FROM accounts EXCEPT SELECT id FROM clients", "4"},
        {"SELECT cid FROM accounts EXCEPT DISTINCT SELECT id FROM clients WHERE id > 1",
         "1;4;NULL"},
        {"SELECT name, total FROM clients JOIN (SELECT cid, sum(balance) AS total FROM accounts "
         "GROUP BY cid) t ON id = t.cid",
         "ann,30;cid,5"},
        {"SELECT t.cid, name FROM (SELECT cid, count(*) AS n FROM accounts GROUP BY cid) t "
         "LEFT JOIN clients ON id = t.cid",
         "1,ann;3,cid;4,NULL;NULL,NULL"},
    };
    fixture fx;
    setup(&fx);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        api_expect_rows(fx.s, cases[i].sql, cases[i].rows);
    teardown(&fx);
}

/* Predicate subqueries in WHERE (Spark's SubquerySuite: IN, NOT IN with
 * its NULL rules, EXISTS, NOT EXISTS), and one over a stream. */
Test(sql_join, predicate_subqueries)
{
    static const join_case cases[] = {
        {"SELECT name FROM clients WHERE id IN (SELECT cid FROM accounts)", "ann;cid"},
        {"SELECT name FROM clients WHERE id IN (SELECT cid FROM accounts WHERE balance > 6) "
         "AND name <> 'cid'",
         "ann"},
        /* accounts has a NULL cid: NOT IN keeps nothing */
        {"SELECT name FROM clients WHERE id NOT IN (SELECT cid FROM accounts)", ""},
        {"SELECT name FROM clients WHERE id NOT IN (SELECT cid FROM accounts WHERE cid IS NOT "
         "NULL)",
         "bob"},
        /* an empty subquery: NOT IN keeps every row, NULLs too */
        {"SELECT name FROM clients WHERE id NOT IN (SELECT cid FROM accounts WHERE balance > 99)",
         "ann;bob;cid;nobody"},
        {"SELECT count(*) FROM clients WHERE EXISTS (SELECT * FROM accounts WHERE balance = 7)",
         "4"},
        {"SELECT count(*) FROM clients WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE balance = "
         "7)",
         "0"},
        /* scalar subqueries: one value, NULL for no row, hidden from `*` */
        {"SELECT name, (SELECT max(balance) FROM accounts) AS top FROM clients WHERE id = 1",
         "ann,20"},
        {"SELECT * FROM clients WHERE id = (SELECT min(cid) FROM accounts)", "1,ann"},
        {"SELECT name FROM clients WHERE id > (SELECT cid FROM accounts WHERE balance > 99)", ""},
        {"SELECT (SELECT 1) + (SELECT 2)", "3"},
    };
    fixture fx;
    setup(&fx);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        api_expect_rows(fx.s, cases[i].sql, cases[i].rows);
    cr_expect_null(
        spate_session_sql(fx.s, "SELECT * FROM clients WHERE id IN (SELECT cid, 1 FROM accounts)"));
    cr_expect(
        strstr(spate_session_last_error(fx.s), "[DATATYPE_MISMATCH.INVALID_IN_SUBQUERY_LENGTH]"),
        "%s", spate_session_last_error(fx.s));
    spate_memory_stream *m = spate_memory_stream_new(fx.s, "oid BIGINT, client BIGINT");
    cr_assert_eq(spate_dataframe_create_or_replace_temp_view(spate_memory_stream_to_df(m), "o"),
                 SPATE_OK);
    spate_query *q = start_memory(
        fx.s,
        spate_session_sql(fx.s, "SELECT oid FROM STREAM(o) WHERE client IN (SELECT id FROM "
                                "clients WHERE name LIKE '%b%')"),
        "sub_out", "append");
    add(fx.s, m, q, "1,1\n2,2\n3,2");
    api_expect_rows(fx.s, "SELECT * FROM sub_out", "2;3");
    teardown(&fx);
}

/* A static aggregation without GROUP BY gives one row over no input. */
Test(sql_join, global_aggregate_over_no_rows)
{
    fixture fx;
    setup(&fx);
    api_expect_rows(fx.s, "SELECT count(*), sum(balance), max(cid) FROM accounts WHERE cid > 99",
                    "0,NULL,NULL");
    api_expect_rows(fx.s, "SELECT cid, count(*) FROM accounts WHERE cid > 99 GROUP BY cid", "");
    teardown(&fx);
}

/* INTERSECT ALL and EXCEPT ALL are refused, naming the operator. */
Test(sql_join, set_operation_errors)
{
    fixture fx;
    setup(&fx);
    cr_expect_null(spate_session_sql(fx.s, "SELECT id FROM clients INTERSECT ALL SELECT cid FROM "
                                           "accounts"));
    cr_expect(strstr(spate_session_last_error(fx.s), "INTERSECT ALL"), "%s",
              spate_session_last_error(fx.s));
    cr_expect_null(spate_session_sql(fx.s, "SELECT id, name FROM clients EXCEPT SELECT cid FROM "
                                           "accounts"));
    cr_expect(strstr(spate_session_last_error(fx.s), "[NUM_COLUMNS_MISMATCH] EXCEPT can only"),
              "%s", spate_session_last_error(fx.s));
    cr_expect_null(spate_session_sql(fx.s, "SELECT (SELECT 1, 2)"));
    cr_expect(strstr(spate_session_last_error(fx.s),
                     "[INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_"
                     "COLUMN] Invalid subquery: Scalar subquery must return only one column, but "
                     "got 2."),
              "%s", spate_session_last_error(fx.s));
    spate_dataframe *many = spate_session_sql(fx.s, "SELECT (SELECT cid FROM accounts) AS c");
    cr_assert(many, "%s", spate_session_last_error(fx.s));
    cr_expect_null(spate_dataframe_collect(many));
    cr_expect(strstr(spate_session_last_error(fx.s), "[SCALAR_SUBQUERY_TOO_MANY_ROWS]"), "%s",
              spate_session_last_error(fx.s));
    cr_expect_null(spate_session_sql(fx.s, "VALUES (1, 2), (3)"));
    cr_expect(strstr(spate_session_last_error(fx.s),
                     "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline table. Inline "
                     "table expected 2 columns but found 1 columns in row 1."),
              "%s", spate_session_last_error(fx.s));
    teardown(&fx);
}
