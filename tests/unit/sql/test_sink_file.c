/* test_sink_file.c - the csv, json and text file sinks (src/sql/sink_file.c,
 * sink_format*.c) and their _spark_metadata log (file_sink_log*.c): the
 * log's text as FileStreamSinkLogSuite expects it, part file names as
 * ManifestFileCommitProtocol makes them, a re-run batch not written twice,
 * a crash between the part files and the log entry (the files never
 * listed), and the values' text as Spark's CSV and JSON writers make it. */
#include <criterion/criterion.h>

#include "base/fsutil.h"
#include "sql/file_sink_log.h"
#include "sql/sink.h"
#include "sql/sink_format.h"
#include "sql/sink_int.h"

#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static spate_arena *arena;
static char err[1024], dir[64];

static void setup(void)
{
    arena = spate_arena_new();
    strcpy(dir, "/tmp/spate-sink-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}
static void teardown(void)
{
    sp_remove_tree(dir);
    spate_arena_destroy(arena);
}

TestSuite(sql_sink_file, .init = setup, .fini = teardown);

/* ---- the log (FileStreamSinkLogSuite "serialize") ---- */

Test(sql_sink_file, log_serialize_as_spark)
{
    sp_sink_file_status f[] = {
        {"/a/b/x", 100, false, 1000, 1, 10000, "add"},
        {"/a/b/y", 200, false, 2000, 2, 20000, "delete"},
        {"/a/b/z", 300, false, 3000, 3, 30000, "add"},
    };
    sp_sql_sbuf out = {0};
    sp_file_sink_log_serialize(f, 3, &out);
    cr_expect_str_eq(sp_sql_sbuf_str(&out),
                     "v1\n"
                     "{\"path\":\"/a/b/x\",\"size\":100,\"isDir\":false,\"modificationTime\":1000,"
                     "\"blockReplication\":1,\"blockSize\":10000,\"action\":\"add\"}\n"
                     "{\"path\":\"/a/b/y\",\"size\":200,\"isDir\":false,\"modificationTime\":2000,"
                     "\"blockReplication\":2,\"blockSize\":20000,\"action\":\"delete\"}\n"
                     "{\"path\":\"/a/b/z\",\"size\":300,\"isDir\":false,\"modificationTime\":3000,"
                     "\"blockReplication\":3,\"blockSize\":30000,\"action\":\"add\"}");
    sp_sql_sbuf_clear(&out);
    sp_file_sink_log_serialize(f, 0, &out);
    cr_expect_str_eq(sp_sql_sbuf_str(&out), "v1");
    sp_sql_sbuf_free(&out);
}

Test(sql_sink_file, log_add_once_and_read_with_deletes)
{
    sp_sink_file_status a[] = {{"file:/o/p%20q", 1, false, 1, 1, 1, "add"},
                               {"file:/o/r", 1, false, 1, 1, 1, "add"}};
    sp_sink_file_status b[] = {{"file:/o/r", 1, false, 1, 1, 1, "delete"},
                               {"file:///o/s", 1, false, 1, 1, 1, "add"}};
    int64_t latest;
    cr_expect_not(sp_file_sink_has_log(dir));
    cr_expect_eq(sp_file_sink_log_latest(dir, &latest, err, sizeof err), SPATE_ERR_NOT_FOUND);
    cr_assert_eq(sp_file_sink_log_add(dir, 0, a, 2, err, sizeof err), SPATE_OK, "%s", err);
    cr_expect(sp_file_sink_has_log(dir));
    cr_expect_eq(sp_file_sink_log_add(dir, 0, b, 2, err, sizeof err), SPATE_ERR_STATE);
    cr_assert_eq(sp_file_sink_log_add(dir, 1, b, 2, err, sizeof err), SPATE_OK, "%s", err);
    cr_assert_eq(sp_file_sink_log_latest(dir, &latest, err, sizeof err), SPATE_OK);
    cr_expect_eq(latest, 1);
    char **paths;
    int n = sp_file_sink_committed_files(dir, &paths, err, sizeof err);
    cr_assert_eq(n, 2, "%s", err);
    cr_expect_str_eq(paths[0], "/o/p q");
    cr_expect_str_eq(paths[1], "/o/s");
    sp_file_sink_paths_free(paths, n);
    /* no temporary file is left behind */
    char p[256];
    snprintf(p, sizeof p, "%s/_spark_metadata/2", dir);
    cr_expect_neq(access(p, F_OK), 0);
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(sql_sink_file, log_reader_names_bad_entries_and_reads_compact)
{
    char p[256];
    snprintf(p, sizeof p, "%s/_spark_metadata", dir);
    cr_assert_eq(sp_mkdirs(p), 0);
    snprintf(p, sizeof p, "%s/_spark_metadata/0", dir);
    put_file(p, "v1\n{\"path\":\"file:/old\",\"size\":1,\"action\":\"add\"}");
    snprintf(p, sizeof p, "%s/_spark_metadata/1.compact", dir);
    put_file(p, "v1\n{\"path\":\"file:/a\",\"size\":1,\"isDir\":false,\"action\":\"add\"}\n"
                "{\"path\":\"file:/b\\\"c\",\"action\":\"add\"}");
    snprintf(p, sizeof p, "%s/_spark_metadata/.2.tmp", dir); /* ignored */
    put_file(p, "garbage");
    char **paths;
    int n = sp_file_sink_committed_files(dir, &paths, err, sizeof err);
    cr_assert_eq(n, 2, "%s", err);
    cr_expect_str_eq(paths[0], "/a");
    cr_expect_str_eq(paths[1], "/b\"c");
    sp_file_sink_paths_free(paths, n);
    snprintf(p, sizeof p, "%s/_spark_metadata/2", dir);
    put_file(p, "v2\n");
    cr_expect_eq(sp_file_sink_committed_files(dir, &paths, err, sizeof err), -1);
    char want[256];
    snprintf(want, sizeof want,
             "%s/_spark_metadata/2: expected the log version v1 on its first line", dir);
    cr_expect_str_eq(err, want);
    put_file(p, "v1\n{\"path\":\"file:/x\",\"size\":}");
    cr_expect_eq(sp_file_sink_committed_files(dir, &paths, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s/_spark_metadata/2, line 2: not a SinkFileStatus JSON object",
             dir);
    cr_expect_str_eq(err, want);
}

/* ---- batches ---- */

/* Rows of (i INT, s STRING): s NULL is a null string, i < 0 a null int. */
static sp_colbatch *rows(const int *iv, const char *const *sv, int n)
{
    sp_coltype t[] = {SP_COL_I32, SP_COL_UTF8};
    const char *names[] = {"i", "s"};
    sp_colbatch *b = sp_colbatch_new(arena, 2, t, names, n ? n : 1);
    for (int r = 0; r < n; r++) {
        sp_column_i32(&b->cols[0])[r] = iv[r];
        if (iv[r] < 0) sp_column_set_null(b, 0, r);
        sp_column_append_str(b, 1, sv[r] ? sv[r] : "", sv[r] ? strlen(sv[r]) : 0);
        if (!sv[r]) sp_column_set_null(b, 1, r);
    }
    sp_colbatch_set_length(b, n);
    return b;
}

static const sp_sql_type *rows_schema(void)
{
    sp_sql_field f[] = {{"i", sp_sql_prim(SP_SQL_INT), true, NULL},
                        {"s", sp_sql_prim(SP_SQL_STRING), true, NULL}};
    return sp_sql_struct(arena, f, 2);
}

static sp_sink *open_sink(const char *fmt, sp_sink_def **d, const char *k2, const char *v2)
{
    const char *keys[] = {"path", k2}, *vals[] = {dir, v2};
    *d = sp_sink_resolve(fmt, keys, vals, k2 ? 2 : 1, err, sizeof err);
    cr_assert_not_null(*d, "%s", err);
    sp_sink_env env = {0};
    sp_sink *s = sp_sink_open(*d, rows_schema(), &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    return s;
}

static char *slurp(const char *path)
{
    char *buf;
    size_t len;
    cr_assert_eq(sp_read_whole(path, &buf, &len), 0, "%s", path);
    buf = realloc(buf, len + 1);
    buf[len] = '\0';
    return buf;
}

/* The committed files' text, concatenated in log order. */
static char *committed_text(int *nfiles)
{
    char **paths;
    int n = sp_file_sink_committed_files(dir, &paths, err, sizeof err);
    cr_assert_geq(n, 0, "%s", err);
    sp_sql_sbuf all = {0};
    for (int i = 0; i < n; i++) {
        char *t = slurp(paths[i]);
        sp_sql_sbuf_puts(&all, t);
        free(t);
    }
    sp_file_sink_paths_free(paths, n);
    *nfiles = n;
    char *s = strdup(sp_sql_sbuf_str(&all));
    sp_sql_sbuf_free(&all);
    return s;
}

Test(sql_sink_file, csv_batches_names_and_log)
{
    sp_sink_def *d;
    sp_sink *s = open_sink("csv", &d, NULL, NULL);
    char want[128];
    snprintf(want, sizeof want, "FileSink[%s]", dir);
    cr_expect_str_eq(s->ops->description(s), want);
    int i0[] = {1, 2}, i1[] = {3};
    const char *s0[] = {"a", "b"}, *s1[] = {"c"};
    const sp_colbatch *b0[] = {rows(i0, s0, 1), rows(i0, s0, 0), rows(i0 + 1, s0 + 1, 1)};
    const sp_colbatch *b1[] = {rows(i1, s1, 1)};
    cr_assert_eq(s->ops->add_batch(s, 0, SP_OUTPUT_APPEND, b0, 3, err, sizeof err), SPATE_OK, "%s",
                 err);
    cr_assert_eq(s->ops->add_batch(s, 1, SP_OUTPUT_APPEND, b1, 1, err, sizeof err), SPATE_OK, "%s",
                 err);
    /* the re-run of batch 1 after a crash before commits/1: skipped */
    cr_assert_eq(s->ops->add_batch(s, 1, SP_OUTPUT_APPEND, b1, 1, err, sizeof err), SPATE_OK);
    int n;
    char *text = committed_text(&n);
    cr_expect_eq(n, 3);
    cr_expect_str_eq(text, "1,a\n2,b\n3,c\n");
    free(text);
    /* entry 0 lists two part files, named as Spark names them */
    char p[256];
    snprintf(p, sizeof p, "%s/_spark_metadata/0", dir);
    char *log = slurp(p);
    regex_t re;
    char pat[512];
    snprintf(pat, sizeof pat,
             "^v1\n\\{\"path\":\"file:%s/part-00000-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
             "[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.c000\\.csv\",\"size\":4,\"isDir\":false,"
             "\"modificationTime\":[0-9]{13},\"blockReplication\":1,\"blockSize\":33554432,"
             "\"action\":\"add\"\\}\n\\{\"path\":\"file:%s/part-00002-[-0-9a-f]{36}\\.c000\\.csv\""
             ",\"size\":4,[^\n]*\\}$",
             dir, dir);
    cr_assert_eq(regcomp(&re, pat, REG_EXTENDED), 0);
    cr_expect_eq(regexec(&re, log, 0, NULL, 0), 0, "%s", log);
    regfree(&re);
    free(log);
    s->ops->close(s);
    sp_sink_def_free(d);
}

/* A crash after the part files of batch 1, before its log entry: the
 * files stay on disk but are never listed; the re-run writes new ones. */
Test(sql_sink_file, crash_between_parts_and_log)
{
    sp_sink_def *d;
    sp_sink *s = open_sink("json", &d, NULL, NULL);
    int i0[] = {1}, i1[] = {2};
    const char *s0[] = {"x"}, *s1[] = {"y"};
    const sp_colbatch *b0 = rows(i0, s0, 1), *b1 = rows(i1, s1, 1);
    cr_assert_eq(s->ops->add_batch(s, 0, SP_OUTPUT_APPEND, &b0, 1, err, sizeof err), SPATE_OK);
    sp_sink_file_status *files;
    size_t nfiles;
    cr_assert_eq(sp_sink_file_write_parts(s, &b1, 1, arena, &files, &nfiles, err, sizeof err),
                 SPATE_OK, "%s", err);
    cr_assert_eq(nfiles, 1);
    const char *orphan = files[0].path + strlen("file:");
    cr_expect_eq(access(orphan, F_OK), 0);
    s->ops->close(s); /* the process dies */
    int n;
    char *text = committed_text(&n);
    cr_expect_eq(n, 1);
    cr_expect_str_eq(text, "{\"i\":1,\"s\":\"x\"}\n");
    free(text);
    /* restart: batch 1 re-runs */
    s = sp_sink_open(d, rows_schema(), NULL, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    cr_assert_eq(s->ops->add_batch(s, 1, SP_OUTPUT_APPEND, &b1, 1, err, sizeof err), SPATE_OK);
    text = committed_text(&n);
    cr_expect_eq(n, 2);
    cr_expect_str_eq(text, "{\"i\":1,\"s\":\"x\"}\n{\"i\":2,\"s\":\"y\"}\n");
    free(text);
    char **paths;
    n = sp_file_sink_committed_files(dir, &paths, err, sizeof err);
    for (int i = 0; i < n; i++)
        cr_expect_str_neq(paths[i], orphan);
    sp_file_sink_paths_free(paths, n);
    s->ops->close(s);
    sp_sink_def_free(d);
}

Test(sql_sink_file, text_schema_checks_and_empty_batch)
{
    const char *keys[] = {"path"}, *vals[] = {dir};
    sp_sink_def *d = sp_sink_resolve("text", keys, vals, 1, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    cr_expect_null(sp_sink_open(d, rows_schema(), NULL, err, sizeof err));
    cr_expect_str_eq(err,
                     "Text data source supports only a single column, and you have 2 columns.");
    sp_sql_field fi = {"value", sp_sql_prim(SP_SQL_INT), true, NULL};
    cr_expect_null(sp_sink_open(d, sp_sql_struct(arena, &fi, 1), NULL, err, sizeof err));
    cr_expect_str_eq(err, "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Text datasource doesn't "
                          "support the column `value` of the type \"INT\". SQLSTATE: 0A000");
    sp_sql_field f = {"value", sp_sql_prim(SP_SQL_STRING), true, NULL};
    sp_sink *s = sp_sink_open(d, sp_sql_struct(arena, &f, 1), NULL, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    sp_coltype t = SP_COL_UTF8;
    const char *name = "value";
    sp_colbatch *b = sp_colbatch_new(arena, 1, &t, &name, 1);
    const sp_colbatch *bb = b;
    cr_assert_eq(s->ops->add_batch(s, 0, SP_OUTPUT_APPEND, &bb, 1, err, sizeof err), SPATE_OK);
    char p[256];
    snprintf(p, sizeof p, "%s/_spark_metadata/0", dir);
    char *log = slurp(p);
    /* partition 0 always has a file, empty here (FileFormatWriter) */
    regex_t re;
    char pat[512];
    snprintf(pat, sizeof pat,
             "^v1\n\\{\"path\":\"file:%s/part-00000-[-0-9a-f]{36}\\.c000\\.txt\",\"size\":0,"
             "[^\n]*\\}$",
             dir);
    cr_assert_eq(regcomp(&re, pat, REG_EXTENDED), 0);
    cr_expect_eq(regexec(&re, log, 0, NULL, 0), 0, "%s", log);
    regfree(&re);
    free(log);
    int nfiles;
    char *text = committed_text(&nfiles);
    cr_expect_eq(nfiles, 1);
    cr_expect_str_eq(text, "");
    free(text);
    s->ops->close(s);
    sp_sink_def_free(d);
}

Test(sql_sink_file, csv_refuses_binary)
{
    sp_sql_field f = {"b", sp_sql_prim(SP_SQL_BINARY), true, NULL};
    const char *keys[] = {"path"}, *vals[] = {dir};
    sp_sink_def *d = sp_sink_resolve("csv", keys, vals, 1, err, sizeof err);
    cr_expect_null(sp_sink_open(d, sp_sql_struct(arena, &f, 1), NULL, err, sizeof err));
    cr_expect_str_eq(err, "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't "
                          "support the column `b` of the type \"BINARY\". SQLSTATE: 0A000");
    sp_sink_def_free(d);
}

/* ---- kill -9 at random points (a child process running batches and
 * commits, killed up to 50 times): every row committed exactly once ---- */

enum { KILL_BATCHES = 24, KILL_TRIALS = 50 };

/* The query's commit log, reduced to one number written atomically. */
static int64_t read_commit(const char *path)
{
    FILE *f = fopen(path, "r");
    long long v = -1;
    if (f) {
        if (fscanf(f, "%lld", &v) != 1) v = -1;
        fclose(f);
    }
    return v;
}

static void write_commit(const char *path, int64_t id)
{
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    fprintf(f, "%lld", (long long)id);
    fclose(f);
    rename(tmp, path);
}

/* Batches from..KILL_BATCHES-1, each as two partitions of rows 3id..3id+2,
 * each followed by its commit: what a query does. */
static void run_query(const char *commit)
{
    sp_sink_def *d;
    sp_sink *s = open_sink("csv", &d, NULL, NULL);
    for (int64_t id = read_commit(commit) + 1; id < KILL_BATCHES; id++) {
        int iv[] = {(int)id * 3, (int)id * 3 + 1, (int)id * 3 + 2};
        const char *sv[] = {"r", "r", "r"};
        const sp_colbatch *b[] = {rows(iv, sv, 2), rows(iv + 2, sv, 1)};
        if (s->ops->add_batch(s, id, SP_OUTPUT_APPEND, b, 2, err, sizeof err) != SPATE_OK) _exit(3);
        write_commit(commit, id);
    }
    s->ops->close(s);
    sp_sink_def_free(d);
}

Test(sql_sink_file, kill9_exactly_once, .timeout = 60)
{
    char commit[128];
    snprintf(commit, sizeof commit, "%s.commit", dir);
    unlink(commit);
    srand(12345);
    int t = 0;
    for (; t < KILL_TRIALS && read_commit(commit) < KILL_BATCHES - 1; t++) {
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            run_query(commit);
            _exit(0);
        }
        usleep((useconds_t)(rand() % 20000));
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        cr_assert(!WIFEXITED(st) || WEXITSTATUS(st) == 0, "the query failed: %d", st);
    }
    int64_t before_last = read_commit(commit);
    run_query(commit); /* the last restart runs to the end */
    unlink(commit);
    int n;
    char *text = committed_text(&n);
    int seen[KILL_BATCHES * 3] = {0}, v;
    for (char *p = text; sscanf(p, "%d,r\n", &v) == 1; p = strchr(p, '\n') + 1) {
        cr_assert(v >= 0 && v < KILL_BATCHES * 3, "row %d", v);
        seen[v]++;
    }
    for (int i = 0; i < KILL_BATCHES * 3; i++)
        cr_expect_eq(seen[i], 1, "row %d seen %d times", i, seen[i]);
    free(text);
    int on_disk = 0;
    DIR *dd = opendir(dir);
    for (struct dirent *e; dd && (e = readdir(dd));)
        on_disk += !strncmp(e->d_name, "part-", 5);
    if (dd) closedir(dd);
    cr_log_info("kill -9: %d kills, the last at commit %lld of %d; %d files committed, %d on "
                "disk",
                t, (long long)before_last, KILL_BATCHES - 1, n, on_disk);
}
