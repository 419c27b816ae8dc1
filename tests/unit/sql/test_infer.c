/* test_infer.c - schema inference of file tables read without a schema:
 * CSV as Spark's CSVInferSchemaSuite states it (the type chain from null,
 * from another type, widening over rows, header names made safe), JSON
 * as JsonInferSchema (sorted fields, nested structs and arrays, big
 * integers as decimals, corrupt lines), and a table created in SQL without
 * columns read as a static table and as a stream. */
#include <criterion/criterion.h>

#include "base/arena.h"
#include "sql/infer.h"
#include "sql/session_int.h"

#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct infer_case {
    const char *format;
    const char *text; /* one file's contents */
    const char *options[6];
    const char *schema; /* the inferred DDL, or the error's start */
} infer_case;

static void write_dir(char *dir, const char *text)
{
    strcpy(dir, "/tmp/spate-infer-XXXXXX");
    cr_assert(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/part-0", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

static void remove_dir(const char *dir)
{
    char path[128];
    snprintf(path, sizeof path, "%s/part-0", dir);
    remove(path);
    rmdir(dir);
}

static const char *infer(const infer_case *c, spate_arena *a, char *err, size_t n)
{
    char dir[64];
    write_dir(dir, c->text);
    const char *keys[8] = {"path"}, *vals[8] = {dir};
    int k = 1;
    for (int i = 0; c->options[i]; i += 2, k++) {
        keys[k] = c->options[i];
        vals[k] = c->options[i + 1];
    }
    const sp_sql_type *t = sp_sql_infer_schema(c->format, keys, vals, k, sp_tz_utc(), a, err, n);
    remove_dir(dir);
    return t ? sp_sql_schema_ddl(a, t) : NULL;
}

static const infer_case cases[] = {
    /* without inferSchema every column is a string */
    {"csv", "1,a\n2,b\n", {NULL}, "_c0 STRING,_c1 STRING"},
    {"csv", "x,y\n1,2\n", {"header", "true", NULL}, "x STRING,y STRING"},
    /* the chain from NullType: int, long, double, date, timestamp, boolean */
    {"csv",
     "i,l,d,day,ts,b,s\n60,100000000000,3.5,2020-01-01,2015-08-20 15:57:00,true,test\n",
     {"header", "true", "inferSchema", "true", NULL},
     "i INT,l BIGINT,d DOUBLE,day DATE,ts TIMESTAMP,b BOOLEAN,s STRING"},
    /* from another type: widening over rows */
    {"csv",
     "1,1,1,1,2020-01-01,1\n1.0,100000000000,test,FALSE,2015-08-20 15:57:00,\n",
     {"inferSchema", "true", NULL},
     "_c0 DOUBLE,_c1 BIGINT,_c2 STRING,_c3 STRING,_c4 TIMESTAMP,_c5 INT"},
    {"csv", "true\nFALSE\n", {"inferSchema", "true", NULL}, "_c0 BOOLEAN"},
    {"csv", "2015-08-20 15:57:00\nfalse\n", {"inferSchema", "true", NULL}, "_c0 STRING"},
    /* a column of nulls is a string; NaN and Infinity are doubles */
    {"csv",
     "a,b\n,NaN\n,Infinity\n",
     {"header", "true", "inferSchema", "true", NULL},
     "a STRING,b DOUBLE"},
    /* makeSafeHeader: empty names _c<i>, duplicates (any case) indexed */
    {"csv",
     "a,A,,b\n1,2,3,4\n",
     {"header", "true", NULL},
     "a0 STRING,A1 STRING,_c2 STRING,b STRING"},
    {"csv", "# comment\n\"q,1\";x\n", {"sep", ";", "comment", "#", NULL}, "_c0 STRING,_c1 STRING"},
    /* JSON: sorted fields, numbers widened, nested types */
    {"json",
     "{\"b\":\"x\",\"a\":1}\n{\"a\":2.5,\"c\":true}\n",
     {NULL},
     "a DOUBLE,b STRING,c BOOLEAN"},
    {"json",
     "{\"s\":{\"y\":1,\"x\":\"q\"},\"arr\":[1,2]}\n",
     {NULL},
     "arr ARRAY<BIGINT>,s STRUCT<x: STRING, y: BIGINT>"},
    {"json",
     "{\"n\":12345678901234567890,\"z\":null}\n{\"n\":1}\n",
     {NULL},
     "n DECIMAL(20,0),z STRING"},
    {"json", "{\"a\":1}\nnot json\n", {NULL}, "_corrupt_record STRING,a BIGINT"},
    {"json", "{\"a\":1,\"b\":true}\n", {"primitivesAsString", "true", NULL}, "a STRING,b STRING"},
    {"json", "\n", {NULL}, "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for JSON."},
};

Test(sql_infer, table)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        spate_arena *a = spate_arena_new();
        char err[512] = "";
        const char *got = infer(&cases[i], a, err, sizeof err);
        if (got)
            cr_expect_str_eq(got, cases[i].schema, "case %zu", i);
        else
            cr_expect(!strncmp(err, cases[i].schema, strlen(cases[i].schema)), "case %zu: %s", i,
                      err);
        spate_arena_destroy(a);
    }
}

/* CREATE TABLE without columns infers, and the table reads statically and
 * as a stream; a directory without files stays a table without schema. */
Test(sql_infer, create_table_without_columns)
{
    char dir[64];
    write_dir(dir, "kind,qty\nbuy,2\nsell,5\nbuy,1\n");
    char why[256];
    spate_conf *conf = spate_conf_new();
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", why, sizeof why), SPATE_OK);
    sp_session *s = sp_session_new(conf, why, sizeof why);
    spate_conf_destroy(conf);
    char sql[512], *err = NULL, *out = NULL;
    size_t len = 0;
    snprintf(sql, sizeof sql,
             "CREATE TABLE t USING csv OPTIONS (path '%s', header true, inferSchema true);"
             "DESCRIBE t; SELECT kind, sum(qty) AS n FROM t GROUP BY kind ORDER BY kind",
             dir);
    FILE *f = open_memstream(&out, &len);
    cr_assert(sp_session_run(s, sql, f, &err), "%s", err ? err : "");
    fclose(f);
    cr_expect(strstr(out, "kind") && strstr(out, "qty") && strstr(out, "int"), "%s", out);
    cr_expect(strstr(out, "| buy|  3|") && strstr(out, "|sell|  5|"), "%s", out);
    free(out);
    sp_session_free(s);
    remove_dir(dir);
}

/* Through the public reader: a static read infers, a stream needs a schema
 * unless spate.sql.streaming.schemaInference is on. */
static spate_dataframe *load(spate_session *s, const char *dir, bool streaming)
{
    spate_stream_reader *r = streaming ? spate_session_read_stream(s) : spate_session_read(s);
    cr_assert_eq(spate_stream_reader_format(r, "csv"), SPATE_OK);
    cr_assert_eq(spate_stream_reader_option(r, "header", "true"), SPATE_OK);
    cr_assert_eq(spate_stream_reader_option(r, "inferSchema", "true"), SPATE_OK);
    return spate_stream_reader_load(r, dir);
}

Test(sql_infer, reader_static_and_streaming)
{
    char dir[64], why[256];
    write_dir(dir, "kind,qty\nbuy,2\n");
    for (int infer_streams = 0; infer_streams < 2; infer_streams++) {
        spate_conf *conf = spate_conf_new();
        cr_assert_eq(spate_conf_set(conf, "spate.sql.streaming.schemaInference",
                                    infer_streams ? "true" : "false", why, sizeof why),
                     SPATE_OK);
        spate_session *s = spate_session_new(conf, why, sizeof why);
        spate_conf_destroy(conf);
        spate_dataframe *st = load(s, dir, false);
        cr_assert(st, "%s", spate_session_last_error(s));
        cr_expect_str_eq(spate_dataframe_schema(st), "kind STRING,qty INT");
        spate_dataframe *df = load(s, dir, true);
        if (infer_streams) {
            cr_assert(df, "%s", spate_session_last_error(s));
            cr_expect_str_eq(spate_dataframe_schema(df), "kind STRING,qty INT");
        } else {
            cr_expect_null(df);
            cr_expect(strstr(spate_session_last_error(s), "Schema must be specified"), "%s",
                      spate_session_last_error(s));
        }
        spate_session_free(s);
    }
    remove_dir(dir);
}
