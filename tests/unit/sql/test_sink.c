/* test_sink.c - the console, memory, noop, foreach and foreachBatch sinks
 * (src/sql/sink*.c) and the sinks' common checks: output modes, formats and
 * options as Spark 4.0 takes or refuses them (DataSource.createSink,
 * MemorySinkSuite, ConsoleWriteSupportSuite, ForeachWriterSuite's call
 * order, ForeachBatchSinkSuite). */
#include <criterion/criterion.h>

#include "sql/sink.h"
#include "sql/sink_int.h"
#include "sql/sql_error.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static spate_arena *arena;
static char err[1024];

static void setup(void) { arena = spate_arena_new(); }
static void teardown(void) { spate_arena_destroy(arena); }

TestSuite(sql_sink, .init = setup, .fini = teardown);

/* One int column "value" holding v[0..n). */
static sp_colbatch *ints(const int *v, int n)
{
    sp_coltype t = SP_COL_I32;
    const char *name = "value";
    sp_colbatch *b = sp_colbatch_new(arena, 1, &t, &name, n ? n : 1);
    for (int i = 0; i < n; i++)
        sp_column_i32(&b->cols[0])[i] = v[i];
    sp_colbatch_set_length(b, n);
    return b;
}

static const sp_sql_type *int_schema(void)
{
    sp_sql_field f = {"value", sp_sql_prim(SP_SQL_INT), true, NULL};
    return sp_sql_struct(arena, &f, 1);
}

static sp_sink_def *resolve(const char *fmt, const char *k, const char *v)
{
    const char *keys[] = {k}, *vals[] = {v};
    return sp_sink_resolve(fmt, keys, vals, k ? 1 : 0, err, sizeof err);
}

/* ---- output modes ---- */

Test(sql_sink, output_mode_names)
{
    sp_output_mode m;
    cr_assert(sp_output_mode_parse("Append", &m) && m == SP_OUTPUT_APPEND);
    cr_assert(sp_output_mode_parse("COMPLETE", &m) && m == SP_OUTPUT_COMPLETE);
    cr_assert(sp_output_mode_parse("update", &m) && m == SP_OUTPUT_UPDATE);
    cr_assert_not(sp_output_mode_parse("upsert", &m));
    cr_assert_str_eq(sp_output_mode_name(SP_OUTPUT_APPEND), "Append");
    cr_assert_str_eq(sp_output_mode_name(SP_OUTPUT_COMPLETE), "Complete");
    cr_assert_str_eq(sp_output_mode_name(SP_OUTPUT_UPDATE), "Update");
}

/* Spark 4.0: file formats are append only
 * (STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE, the mode in lower case);
 * console, memory (update taken as append), noop take every mode. */
Test(sql_sink, mode_refusals)
{
    static const struct {
        const char *fmt;
        sp_output_mode mode;
        const char *msg; /* NULL: accepted */
    } cases[] = {
        {"csv", SP_OUTPUT_APPEND, NULL},
        {"csv", SP_OUTPUT_COMPLETE,
         "[STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE] Invalid streaming output mode: complete. "
         "This output mode is not supported in Data Source csv. SQLSTATE: 42KDE"},
        {"json", SP_OUTPUT_UPDATE,
         "[STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE] Invalid streaming output mode: update. "
         "This output mode is not supported in Data Source json. SQLSTATE: 42KDE"},
        {"text", SP_OUTPUT_COMPLETE,
         "[STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE] Invalid streaming output mode: complete. "
         "This output mode is not supported in Data Source text. SQLSTATE: 42KDE"},
        {"memory", SP_OUTPUT_UPDATE, NULL},
        {"memory", SP_OUTPUT_COMPLETE, NULL},
        {"console", SP_OUTPUT_COMPLETE, NULL},
        {"noop", SP_OUTPUT_UPDATE, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_sink_def *d = resolve(cases[i].fmt,
                                 strcmp(cases[i].fmt, "csv") && strcmp(cases[i].fmt, "json") &&
                                         strcmp(cases[i].fmt, "text")
                                     ? NULL
                                     : "path",
                                 "/tmp/spate-sink-unused");
        cr_assert_not_null(d, "%s: %s", cases[i].fmt, err);
        const char *m = sp_sink_check_mode(d, cases[i].mode);
        if (cases[i].msg)
            cr_expect_str_eq(m ? m : "(accepted)", cases[i].msg, "case %zu", i);
        else
            cr_expect_null(m, "case %zu: %s", i, m);
        sp_sink_def_free(d);
    }
}

/* The refusal is the error table's condition, rendered. */
Test(sql_sink, mode_refusal_matches_error_table)
{
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_sql_error_set(&e, "STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE", "outputMode", "complete",
                     "className", "csv", NULL);
    char *msg = sp_sql_error_message(&e);
    sp_sink_def *d = resolve("csv", "path", "/tmp/x");
    cr_expect_str_eq(sp_sink_check_mode(d, SP_OUTPUT_COMPLETE), msg);
    free(msg);
    sp_sql_error_clear(&e);
    sp_sink_def_free(d);
}

Test(sql_sink, resolve_errors)
{
    static const struct {
        const char *fmt, *key, *val, *msg;
    } cases[] = {
        {"parquet2", NULL, NULL,
         "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: parquet2. Make sure the "
         "provider name is correct and the package is properly registered and compatible with "
         "your Spark version. SQLSTATE: 42K02"},
        {"csv", NULL, NULL, "'path' is not specified."},
        {"json", "sep", ",",
         "Unknown option 'sep' for the json sink (its options: path, dateFormat, "
         "timestampFormat, timestampNTZFormat, ignoreNullFields, lineSep, compression, "
         "encoding)."},
        {"memory", "path", "/x", "Unknown option 'path' for the memory sink: it takes no option."},
        {"console", "numRows", "ten",
         "Invalid value for the console sink's option numRows: For input string: \"ten\""},
        {"console", "truncate", "yes",
         "Invalid value for the console sink's option truncate: yes is not a boolean string."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = '\0';
        sp_sink_def *d = resolve(cases[i].fmt, cases[i].key, cases[i].val);
        cr_expect_null(d, "case %zu", i);
        cr_expect_str_eq(err, cases[i].msg, "case %zu", i);
        sp_sink_def_free(d);
    }
}

Test(sql_sink, resolve_accepts_writer_settings_and_any_case)
{
    const char *keys[] = {"PATH", "Header", "checkpointLocation", "queryName", "outputMode"};
    const char *vals[] = {"/tmp/x", "TRUE", "/tmp/ck", "q", "append"};
    sp_sink_def *d = sp_sink_resolve("CSV", keys, vals, 5, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    cr_expect_str_eq(d->format, "csv");
    cr_expect_str_eq(sp_sink_opt(d, "path"), "/tmp/x");
    sp_sink_def_free(d);
    const char *bad[] = {"path", "header"}, *badv[] = {"/tmp/x", "maybe"};
    cr_expect_null(sp_sink_resolve("csv", bad, badv, 2, err, sizeof err));
    cr_expect_str_eq(err, "Invalid value for the option header: 'maybe' (expected true or false).");
}

/* ---- console ---- */

Test(sql_sink, console_two_batches)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    sp_sink_def *d = resolve("console", "numRows", "2");
    cr_assert_not_null(d, "%s", err);
    sp_sink_env env = {.console = f};
    sp_sink *s = sp_sink_open(d, int_schema(), &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    cr_expect_str_eq(s->ops->description(s), "ConsoleTable");
    int v0[] = {1, 2, 3}, v1[] = {4};
    const sp_colbatch *b0[] = {ints(v0, 2), ints(v0 + 2, 1)}, *b1[] = {ints(v1, 1)};
    cr_assert_eq(s->ops->add_batch(s, 0, SP_OUTPUT_APPEND, b0, 2, err, sizeof err), SPATE_OK);
    cr_assert_eq(s->ops->add_batch(s, 1, SP_OUTPUT_APPEND, b1, 1, err, sizeof err), SPATE_OK);
    s->ops->close(s);
    sp_sink_def_free(d);
    fclose(f);
    cr_expect_str_eq(text, "-------------------------------------------\n"
                           "Batch: 0\n"
                           "-------------------------------------------\n"
                           "+-----+\n"
                           "|value|\n"
                           "+-----+\n"
                           "|    1|\n"
                           "|    2|\n"
                           "+-----+\n"
                           "only showing top 2 rows\n"
                           "\n"
                           "-------------------------------------------\n"
                           "Batch: 1\n"
                           "-------------------------------------------\n"
                           "+-----+\n"
                           "|value|\n"
                           "+-----+\n"
                           "|    4|\n"
                           "+-----+\n"
                           "\n");
    free(text);
}

/* ---- memory (MemorySinkSuite) ---- */

static int table_ints(sp_memory_table *t, int *out, int max)
{
    spate_arena *a = spate_arena_new();
    size_t n;
    sp_colbatch **bs = sp_memory_table_snapshot(t, a, &n);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        for (int64_t r = 0; r < bs[i]->length && k < max; r++)
            out[k++] =
                sp_column_valid(&bs[i]->cols[0], r) ? sp_column_i32(&bs[i]->cols[0])[r] : -999;
    spate_arena_destroy(a);
    return k;
}

static sp_sink *memory_sink(sp_sink_def **d)
{
    *d = resolve("memory", NULL, NULL);
    cr_assert_not_null(*d, "%s", err);
    sp_sink_env env = {.query_name = "memStream"};
    sp_sink *s = sp_sink_open(*d, int_schema(), &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    return s;
}

static void add(sp_sink *s, int64_t id, sp_output_mode m, const int *v, int n)
{
    const sp_colbatch *b = ints(v, n);
    cr_assert_eq(s->ops->add_batch(s, id, m, &b, 1, err, sizeof err), SPATE_OK, "%s", err);
}

Test(sql_sink, memory_append_skips_rerun)
{
    sp_sink_def *d;
    sp_sink *s = memory_sink(&d);
    sp_memory_table *t = sp_memory_sink_table(s);
    cr_assert_not_null(t);
    int got[16], v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    cr_expect_eq(table_ints(t, got, 16), 0);
    add(s, 0, SP_OUTPUT_APPEND, v, 3);
    add(s, 1, SP_OUTPUT_APPEND, v + 3, 3);
    add(s, 1, SP_OUTPUT_APPEND, v + 6, 3); /* re-run of batch 1: skipped */
    add(s, 0, SP_OUTPUT_APPEND, v + 6, 3); /* older: skipped */
    cr_assert_eq(table_ints(t, got, 16), 6);
    for (int i = 0; i < 6; i++)
        cr_expect_eq(got[i], i + 1);
    add(s, 2, SP_OUTPUT_UPDATE, v + 6, 1); /* update: appended */
    cr_assert_eq(table_ints(t, got, 16), 7);
    cr_expect_eq(got[6], 7);
    cr_expect_str_eq(s->ops->description(s), "MemorySink");
    /* the table outlives the sink with a reference */
    sp_memory_table_ref(t);
    s->ops->close(s);
    cr_expect_eq(table_ints(t, got, 16), 7);
    cr_expect_eq(sp_memory_table_schema(t)->fields[0].type->id, SP_SQL_INT);
    sp_memory_table_unref(t);
    sp_sink_def_free(d);
}

Test(sql_sink, memory_complete_replaces)
{
    sp_sink_def *d;
    sp_sink *s = memory_sink(&d);
    sp_memory_table *t = sp_memory_sink_table(s);
    int got[16], v[] = {1, 2, 3, 4, 5, 6, 7};
    add(s, 0, SP_OUTPUT_COMPLETE, v, 3);
    add(s, 1, SP_OUTPUT_COMPLETE, v + 3, 3);
    cr_assert_eq(table_ints(t, got, 16), 3);
    cr_expect(got[0] == 4 && got[1] == 5 && got[2] == 6);
    add(s, 1, SP_OUTPUT_COMPLETE, v + 6, 1); /* re-run: skipped */
    cr_assert_eq(table_ints(t, got, 16), 3);
    add(s, 2, SP_OUTPUT_COMPLETE, v, 0); /* an empty result empties the table */
    cr_expect_eq(table_ints(t, got, 16), 0);
    s->ops->close(s);
    sp_sink_def_free(d);
}

Test(sql_sink, memory_snapshot_copies_nulls_and_strings)
{
    sp_sink_def *d = resolve("memory", NULL, NULL);
    sp_sql_field f[] = {{"s", sp_sql_prim(SP_SQL_STRING), true, NULL},
                        {"b", sp_sql_prim(SP_SQL_BOOLEAN), true, NULL}};
    sp_sink_env env = {.query_name = "q"};
    sp_sink *s = sp_sink_open(d, sp_sql_struct(arena, f, 2), &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    sp_coltype ts[] = {SP_COL_UTF8, SP_COL_BOOL};
    const char *names[] = {"s", "b"};
    sp_colbatch *b = sp_colbatch_new(arena, 2, ts, names, 3);
    sp_column_append_str(b, 0, "abc", 3);
    sp_column_append_str(b, 0, "", 0);
    sp_column_set_null(b, 0, 1);
    sp_column_append_str(b, 0, "xyz", 3);
    sp_column_set_bool(&b->cols[1], 0, true);
    sp_column_set_bool(&b->cols[1], 1, false);
    sp_column_set_null(b, 1, 2);
    sp_colbatch_set_length(b, 3);
    const sp_colbatch *bb = b;
    cr_assert_eq(s->ops->add_batch(s, 0, SP_OUTPUT_APPEND, &bb, 1, err, sizeof err), SPATE_OK);
    spate_arena *a = spate_arena_new();
    size_t n;
    sp_colbatch **snap = sp_memory_table_snapshot(sp_memory_sink_table(s), a, &n);
    s->ops->close(s); /* the snapshot is the reader's own */
    cr_assert_eq(n, 1);
    cr_assert_eq(snap[0]->length, 3);
    const sp_column *c = &snap[0]->cols[0];
    cr_expect_eq(memcmp(c->chars + c->offsets[2], "xyz", 3), 0);
    cr_expect_not(sp_column_valid(c, 1));
    cr_expect(sp_column_get_bool(&snap[0]->cols[1], 0));
    cr_expect_not(sp_column_valid(&snap[0]->cols[1], 2));
    cr_expect_str_eq(snap[0]->cols[0].name, "s");
    spate_arena_destroy(a);
    sp_sink_def_free(d);
}

Test(sql_sink, memory_needs_query_name)
{
    sp_sink_def *d = resolve("memory", NULL, NULL);
    sp_sink_env env = {0};
    cr_expect_null(sp_sink_open(d, int_schema(), &env, err, sizeof err));
    cr_expect_str_eq(err, "queryName must be specified for memory sink.");
    sp_sink_def_free(d);
}

/* ---- noop ---- */

Test(sql_sink, noop_counts_rows)
{
    sp_sink_def *d = resolve("noop", NULL, NULL);
    sp_sink *s = sp_sink_open(d, int_schema(), NULL, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    int v[] = {1, 2, 3};
    const sp_colbatch *b[] = {ints(v, 3), ints(v, 2)};
    cr_assert_eq(s->ops->add_batch(s, 0, SP_OUTPUT_COMPLETE, b, 2, err, sizeof err), SPATE_OK);
    cr_expect_str_eq(s->ops->description(s), "NoopTable");
    cr_expect_null(sp_memory_sink_table(s));
    s->ops->close(s);
    sp_sink_def_free(d);
}

/* ---- foreachBatch and foreach ---- */

typedef struct calls {
    char log[1024];
    int fail_at; /* foreachBatch: the batch id to fail, -1 none */
    int64_t refuse_partition;
} calls;

static void calllog(calls *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void calllog(calls *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t len = strlen(c->log);
    vsnprintf(c->log + len, sizeof c->log - len, fmt, ap);
    va_end(ap);
}

static spate_err on_batch(const sp_colbatch *const *batches, size_t n, const sp_sql_type *schema,
                          int64_t id, void *ud)
{
    calls *c = ud;
    int64_t rows = 0;
    for (size_t i = 0; i < n; i++)
        rows += batches[i]->length;
    calllog(c, "batch %lld: %zu parts %lld rows %s;", (long long)id, n, (long long)rows,
            schema->fields[0].name);
    return id == c->fail_at ? SPATE_ERR_USER : SPATE_OK;
}

Test(sql_sink, foreach_batch_calls)
{
    calls c = {.fail_at = 2};
    sp_sink_def *d = sp_sink_def_foreach_batch(on_batch, &c);
    cr_expect_null(sp_sink_check_mode(d, SP_OUTPUT_COMPLETE));
    sp_sink *s = sp_sink_open(d, int_schema(), NULL, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    cr_expect_str_eq(s->ops->description(s), "ForeachBatchSink");
    int v[] = {1, 2, 3};
    const sp_colbatch *b[] = {ints(v, 3), ints(v, 1)};
    cr_expect_eq(s->ops->add_batch(s, 0, SP_OUTPUT_APPEND, b, 2, err, sizeof err), SPATE_OK);
    cr_expect_eq(s->ops->add_batch(s, 0, SP_OUTPUT_APPEND, b, 1, err, sizeof err), SPATE_OK);
    cr_expect_eq(s->ops->add_batch(s, 2, SP_OUTPUT_APPEND, b, 1, err, sizeof err), SPATE_ERR_USER);
    cr_expect_str_eq(err, "foreachBatch function failed on batch 2: user function failed");
    cr_expect_str_eq(c.log, "batch 0: 2 parts 4 rows value;batch 0: 1 parts 3 rows value;"
                            "batch 2: 1 parts 3 rows value;");
    s->ops->close(s);
    sp_sink_def_free(d);
}

static bool fe_open(int64_t partition, int64_t epoch, void *ud)
{
    calls *c = ud;
    calllog(c, "open(%lld,%lld) ", (long long)partition, (long long)epoch);
    return partition != c->refuse_partition;
}

static void fe_process(const sp_colbatch *b, int64_t row, void *ud)
{
    calllog(ud, "process(%d) ", sp_column_i32(&b->cols[0])[row]);
}

static void fe_close(const char *e, void *ud) { calllog(ud, "close(%s) ", e ? e : "null"); }

Test(sql_sink, foreach_writer_call_order)
{
    calls c = {.refuse_partition = 1};
    sp_foreach_writer w = {fe_open, fe_process, fe_close, &c};
    sp_sink_def *d = sp_sink_def_foreach(&w);
    sp_sink *s = sp_sink_open(d, int_schema(), NULL, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    int v[] = {10, 20, 30};
    const sp_colbatch *b[] = {ints(v, 2), ints(v + 2, 1), ints(v, 0)};
    cr_assert_eq(s->ops->add_batch(s, 7, SP_OUTPUT_APPEND, b, 3, err, sizeof err), SPATE_OK);
    cr_expect_str_eq(c.log, "open(0,7) process(10) process(20) close(null) "
                            "open(1,7) close(null) open(2,7) close(null) ");
    s->ops->close(s);
    sp_sink_def_free(d);
}

/* A reader on another thread sees whole batches only, while batches come. */
typedef struct reader {
    sp_memory_table *t;
    atomic_bool stop;
    int bad, snapshots;
} reader;

static void *read_loop(void *arg)
{
    reader *r = arg;
    while (!atomic_load(&r->stop)) {
        int got[1024];
        int n = table_ints(r->t, got, 1024);
        if (n % 4) r->bad++;
        for (int i = 0; i < n; i++)
            if (got[i] != i) r->bad++;
        r->snapshots++;
    }
    return NULL;
}

Test(sql_sink, memory_table_read_while_written)
{
    sp_sink_def *d;
    sp_sink *s = memory_sink(&d);
    reader r = {.t = sp_memory_sink_table(s)};
    atomic_init(&r.stop, false);
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, read_loop, &r), 0);
    int v[1024];
    for (int i = 0; i < 1024; i++)
        v[i] = i;
    for (int b = 0; b < 200; b++)
        add(s, b, SP_OUTPUT_APPEND, v + 4 * b, 4);
    atomic_store(&r.stop, true);
    pthread_join(th, NULL);
    cr_expect_eq(r.bad, 0);
    int got[1024];
    cr_expect_eq(table_ints(r.t, got, 1024), 800);
    s->ops->close(s);
    sp_sink_def_free(d);
}
