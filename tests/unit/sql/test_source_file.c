/* test_source_file.c - the csv, json and text file sources
 * (src/sql/source_file*.c) over real files in a temp dir: which files each
 * trigger takes (maxFilesPerTrigger, maxBytesPerTrigger, latestFirst, a
 * glob), the source's log across a restart (a re-run batch reads the same
 * files, committed ones are never taken again), malformed records counted,
 * FAILFAST, cleanSource, and the option errors. Facts from Spark's
 * FileStreamSourceSuite. */
#include "test_source_util.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct tdir {
    char root[64], in[96], ckpt[96];
} tdir;

static void tdir_make(tdir *t)
{
    snprintf(t->root, sizeof t->root, "/tmp/spate_fsrc_XXXXXX");
    cr_assert_not_null(mkdtemp(t->root));
    snprintf(t->in, sizeof t->in, "%s/in", t->root);
    snprintf(t->ckpt, sizeof t->ckpt, "%s/ckpt/sources/0", t->root);
    cr_assert_eq(mkdir(t->in, 0777), 0);
}

static void tdir_free(tdir *t)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", t->root);
    cr_expect_eq(system(cmd), 0);
}

/* Writes dir/name with text and mtime (seconds). */
static void put(const char *dir, const char *name, const char *text, int64_t mtime_s)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    struct timeval tv[2] = {{(time_t)mtime_s, 0}, {(time_t)mtime_s, 0}};
    cr_assert_eq(utimes(path, tv), 0);
}

static sp_source *open_file(const char *format, const char *schema, const char *opts,
                            const char *ckpt)
{
    char err[1024];
    sp_source_def *d = tsu_resolve(format, schema, opts, NULL, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    sp_source_env env = tsu_env(ckpt);
    sp_source *s = sp_source_open(d, &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    return s;
}

static void close_file(sp_source *s)
{
    sp_source_def *d = (sp_source_def *)s->def;
    s->ops->close(s);
    sp_source_def_free(d);
}

static void expect_batch(sp_source *s, const char *start, const char *end, const char *const *want,
                         int n, int64_t malformed)
{
    tsu_rows rs = {0};
    sp_source_counters c = {0};
    char err[1024];
    cr_assert_eq(tsu_run(s, start, end, &rs, &c, NULL, err, sizeof err), SPATE_OK, "%s", err);
    tsu_expect_rows(&rs, want, n);
    cr_expect_eq(c.rows, n);
    cr_expect_eq(c.malformed, malformed);
    tsu_rows_free(&rs);
}

Test(source_file, max_files_per_trigger_takes_oldest_first)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "b.csv", "2,bee\n", 2000);
    put(t.in, "a.csv", "1,ay\n", 1000);
    put(t.in, "c.csv", "3,sea\n4,dee", 3000); /* a last line without \n counts */
    put(t.in, ".hidden.csv", "9,no\n", 1500);
    put(t.in, "_tmp.csv", "9,no\n", 1500);
    char opts[256], buf[64], desc[160];
    snprintf(opts, sizeof opts, "path=%s&maxFilesPerTrigger=1", t.in);
    sp_source *s = open_file("csv", "id INT, name STRING", opts, NULL);
    snprintf(desc, sizeof desc, "FileStreamSource[file:%s]", t.in);
    cr_expect_str_eq(s->ops->description(s), desc);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"1,ay"}, 1, 0);
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":0}", buf, sizeof buf), "{\"logOffset\":1}");
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":1}", buf, sizeof buf), "{\"logOffset\":2}");
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":2}", buf, sizeof buf), "{\"logOffset\":2}");
    expect_batch(s, "{\"logOffset\":0}", "{\"logOffset\":2}",
                 (const char *const[]){"2,bee", "3,sea", "4,dee"}, 3, 0);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, unread_files_wait_for_later_triggers)
{
    /* Spark's FileStreamSource keeps what a maxFilesPerTrigger trigger
     * left (unreadFiles) and lists again only when it runs out, or when
     * fewer than a fifth of maxFilesPerTrigger are left: a file that
     * appears meanwhile waits, even with an older time. */
    static const struct {
        int nfiles, max_files;
        const char *late_batch; /* the end offset of the batch that reads the late file */
        const char *rows[2];
        int nrows;
    } cases[] = {
        /* f01 and f02 come from the cache; only then a listing finds the late file */
        {3, 1, "{\"logOffset\":3}", {"late"}, 1},
        /* 1 file left < 0.2 * 10: not kept, so batch 1 lists again */
        {11, 10, "{\"logOffset\":1}", {"late", "f10"}, 2},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        tdir t;
        tdir_make(&t);
        for (int i = 0; i < cases[c].nfiles; i++) {
            char name[16], line[16];
            snprintf(name, sizeof name, "f%02d.txt", i);
            snprintf(line, sizeof line, "f%02d\n", i);
            put(t.in, name, line, 1000 + i);
        }
        char opts[256], buf[64], prev[64] = "";
        snprintf(opts, sizeof opts, "path=%s&maxFilesPerTrigger=%d", t.in, cases[c].max_files);
        sp_source *s = open_file("text", NULL, opts, NULL);
        tsu_latest(s, NULL, prev, sizeof prev); /* batch 0 */
        put(t.in, "0-late.txt", "late\n", 500); /* older than all: first in a listing */
        bool read_late = false;
        for (int b = 1; b <= cases[c].nfiles; b++) {
            tsu_latest(s, prev, buf, sizeof buf);
            if (!strcmp(buf, prev)) break;
            if (!strcmp(buf, cases[c].late_batch)) {
                expect_batch(s, prev, buf, cases[c].rows, cases[c].nrows, 0);
                read_late = true;
            }
            snprintf(prev, sizeof prev, "%s", buf);
        }
        cr_expect(read_late, "case %zu: the late file in batch %s", c, cases[c].late_batch);
        close_file(s);
        tdir_free(&t);
    }
}

Test(source_file, a_file_path_reads_that_file_alone)
{
    /* Spark's file index lists a file path as itself (a name holding a
     * glob's characters is a glob, as in Spark) */
    static const char *const names[] = {"b.csv", "b\\1.csv"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        tdir t;
        tdir_make(&t);
        put(t.in, "a.csv", "1,ay\n", 1000);
        put(t.in, "b1.csv", "3,no\n", 1000);
        put(t.in, names[i], "2,bee\n", 2000);
        char opts[512], buf[64];
        snprintf(opts, sizeof opts, "path=%s/%s", t.in, names[i]);
        sp_source *s = open_file("csv", "id INT, name STRING", opts, NULL);
        cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
        expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"2,bee"}, 1, 0);
        close_file(s);
        tdir_free(&t);
    }
}

Test(source_file, latest_first_and_max_bytes)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "a.txt", "old\n", 1000);
    put(t.in, "b.txt", "mid\n", 2000);
    put(t.in, "c.txt", "new\n", 3000);
    char opts[256], buf[64];
    snprintf(opts, sizeof opts, "path=%s&latestFirst=true&maxFilesPerTrigger=2", t.in);
    sp_source *s = open_file("text", NULL, opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"new", "mid"}, 2, 0);
    close_file(s);

    /* maxBytesPerTrigger: files while their sizes add up to the limit */
    snprintf(opts, sizeof opts, "path=%s&maxBytesPerTrigger=9", t.in);
    s = open_file("text", NULL, opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"old", "mid"}, 2, 0);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, glob_and_empty_directory)
{
    tdir t;
    tdir_make(&t);
    char opts[256], buf[64];
    snprintf(opts, sizeof opts, "path=%s/*.json", t.in);
    sp_source *s = open_file("json", "a INT", opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "<none>");
    put(t.in, "x.json", "{\"a\":1}\n{\"a\":2}\n", 1000);
    put(t.in, "y.txt", "{\"a\":3}\n", 1000);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"1", "2"}, 2, 0);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, restart_rereads_the_same_files_and_never_committed_ones)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "a.csv", "1\n", 1000);
    put(t.in, "b.csv", "2\n", 2000);
    char opts[256], buf[64];
    snprintf(opts, sizeof opts, "path=%s&maxFilesPerTrigger=1", t.in);
    sp_source *s = open_file("csv", "v INT", opts, t.ckpt);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":0}", buf, sizeof buf), "{\"logOffset\":1}");
    close_file(s); /* batch 1 planned but not committed */

    put(t.in, "c.csv", "3\n", 500); /* a new file, older than the others */
    s = open_file("csv", "v INT", opts, t.ckpt);
    expect_batch(s, "{\"logOffset\":0}", "{\"logOffset\":1}", (const char *const[]){"2"}, 1, 0);
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":1}", buf, sizeof buf), "{\"logOffset\":2}");
    expect_batch(s, "{\"logOffset\":1}", "{\"logOffset\":2}", (const char *const[]){"3"}, 1, 0);
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":2}", buf, sizeof buf), "{\"logOffset\":2}");
    close_file(s);
    tdir_free(&t);
}

/* A run killed after its trigger logged a file and before the query wrote
 * the offsets entry: the restart hands that entry out alone, so the batch
 * reads the file it would have read (Spark would read it together with the
 * next trigger's files). */
Test(source_file, a_logged_but_unplanned_entry_is_the_next_batch_alone)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "a.csv", "1\n", 1000);
    put(t.in, "b.csv", "2\n", 2000);
    put(t.in, "c.csv", "3\n", 3000);
    char opts[256], buf[64];
    snprintf(opts, sizeof opts, "path=%s&maxFilesPerTrigger=1", t.in);
    sp_source *s = open_file("csv", "v INT", opts, t.ckpt);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    close_file(s); /* killed before offsets/0 */

    s = open_file("csv", "v INT", opts, t.ckpt);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"1"}, 1, 0);
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":0}", buf, sizeof buf), "{\"logOffset\":1}");
    close_file(s); /* killed before offsets/1 */

    s = open_file("csv", "v INT", opts, t.ckpt);
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":0}", buf, sizeof buf), "{\"logOffset\":1}");
    expect_batch(s, "{\"logOffset\":0}", "{\"logOffset\":1}", (const char *const[]){"2"}, 1, 0);
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":1}", buf, sizeof buf), "{\"logOffset\":2}");
    expect_batch(s, "{\"logOffset\":1}", "{\"logOffset\":2}", (const char *const[]){"3"}, 1, 0);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, malformed_records_are_counted)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "a.csv", "id,name\n1,x\nbad,y\n3\n", 1000);
    put(t.in, "b.json", "{\"id\":1}\n{oops\n{\"id\":\"s\"}\n", 1000);
    char opts[256], buf[64];
    snprintf(opts, sizeof opts, "path=%s/*.csv&header=true", t.in);
    sp_source *s = open_file("csv", "id INT, name STRING", opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"1,x", "<null>,y", "3,<null>"},
                 3, 2);
    close_file(s);
    snprintf(opts, sizeof opts, "path=%s/*.json&mode=DROPMALFORMED", t.in);
    s = open_file("json", "id INT", opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"1"}, 1, 2);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, failfast_names_the_record)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "a.csv", "1\nx\n", 1000);
    char opts[256], buf[64], err[1024];
    snprintf(opts, sizeof opts, "path=%s&mode=FAILFAST", t.in);
    sp_source *s = open_file("csv", "v INT", opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    tsu_rows rs = {0};
    sp_source_counters c = {0};
    cr_expect_eq(tsu_run(s, NULL, "{\"logOffset\":0}", &rs, &c, NULL, err, sizeof err),
                 SPATE_ERR_PARSE);
    cr_expect(strstr(err, "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION]"), "%s", err);
    cr_expect(strstr(err, "Parse Mode: FAILFAST"), "%s", err);
    cr_expect(strstr(err, "a.csv"), "%s", err);
    tsu_rows_free(&rs);
    close_file(s);
    tdir_free(&t);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

Test(source_file, clean_source_deletes_or_archives_committed_files)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "a.txt", "x\n", 1000);
    char opts[256], buf[64], path[256];
    snprintf(opts, sizeof opts, "path=%s&cleanSource=delete", t.in);
    sp_source *s = open_file("text", NULL, opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    snprintf(path, sizeof path, "%s/a.txt", t.in);
    cr_expect(exists(path));
    s->ops->commit(s, "{\"logOffset\":0}");
    cr_expect(!exists(path));
    close_file(s);

    put(t.in, "b.txt", "y\n", 1000);
    snprintf(opts, sizeof opts, "path=%s&cleanSource=ARCHIVE&sourceArchiveDir=%s/arch", t.in,
             t.root);
    s = open_file("text", NULL, opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    s->ops->commit(s, "{\"logOffset\":0}");
    snprintf(path, sizeof path, "%s/arch%s/b.txt", t.root, t.in);
    cr_expect(exists(path), "%s", path);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, max_file_age_ignores_old_files)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "new.txt", "new\n", 100000);
    char opts[256], buf[64];
    snprintf(opts, sizeof opts, "path=%s&maxFileAge=10s", t.in);
    sp_source *s = open_file("text", NULL, opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    put(t.in, "old.txt", "old\n", 1000); /* 99000 s older than the newest seen */
    put(t.in, "late.txt", "late\n", 99995);
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":0}", buf, sizeof buf), "{\"logOffset\":1}");
    expect_batch(s, "{\"logOffset\":0}", "{\"logOffset\":1}", (const char *const[]){"late"}, 1, 0);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, option_errors)
{
    static const struct {
        const char *format, *schema, *opts, *msg;
    } cases[] = {
        {"csv", NULL, "path=/tmp",
         "Schema must be specified when creating a streaming source DataFrame. If some files "
         "already exist in the directory, then depending on the file format you may be able to "
         "create a static DataFrame on that directory with 'spark.read.load(directory)' and infer "
         "schema from it."},
        {"json", NULL, "path=/tmp", "Schema must be specified"},
        {"csv", "a INT", "", "'path' is not specified"},
        {"csv", "a INT", "path=/tmp&maxFilesPerTrigger=0",
         "Invalid value '0' for option 'maxFilesPerTrigger', must be a positive integer"},
        {"csv", "a INT", "path=/tmp&maxBytesPerTrigger=lots",
         "Invalid value 'lots' for option 'maxBytesPerTrigger', must be a positive integer"},
        {"csv", "a INT", "path=/tmp&maxFilesPerTrigger=1&maxBytesPerTrigger=10",
         "Options 'maxFilesPerTrigger' and 'maxBytesPerTrigger' can't be both set at the same "
         "time"},
        {"text", NULL, "path=/tmp&latestFirst=maybe",
         "Invalid value 'maybe' for option 'latestFirst', must be 'true' or 'false'"},
        {"text", NULL, "path=/tmp&maxFileAge=old", "Invalid value 'old' for option 'maxFileAge'"},
        {"text", NULL, "path=/tmp&cleanSource=shred",
         "Invalid mode for clean source option Some(shred). Must be one of ARCHIVE,DELETE,OFF"},
        {"text", NULL, "path=/tmp&cleanSource=archive",
         "Archive mode must be used with 'sourceArchiveDir' option."},
        {"csv", "a INT", "path=/tmp&modifiedBefore=2020-06-01T05:00:00",
         "option 'modifiedBefore' is not allowed in file stream sources"},
        {"text", NULL, "path=/tmp&sep=;", "Unknown option 'sep' for the text source"},
        {"text", "a INT, b INT", "path=/tmp",
         "Text data source supports only a single column, and you have 2 columns."},
        {"csv", "a INT", "path=/tmp&colour=red", "unknown option 'colour'"},
        {"csv", "a INT", "path=/tmp&mode=LENIENT", "mode"},
        {"json", "a INT", "path=/tmp&allowComments=perhaps", "allowComments"},
        {"csv", "a ARRAY<INT>", "path=/tmp", "The csv source cannot read column `a`"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char err[1024] = "";
        sp_source_def *d =
            tsu_resolve(cases[i].format, cases[i].schema, cases[i].opts, NULL, err, sizeof err);
        cr_expect_null(d, "case %zu resolved", i);
        sp_source_def_free(d);
        cr_expect(strstr(err, cases[i].msg) == err || (i >= 13 && strstr(err, cases[i].msg)),
                  "case %zu: %s", i, err);
    }
}

Test(source_file, schema_inference_and_missing_path)
{
    spate_conf *conf = spate_conf_new();
    char err[1024];
    cr_assert_eq(
        spate_conf_set(conf, "spate.sql.streaming.schemaInference", "true", err, sizeof err),
        SPATE_OK);
    sp_source_def *d = tsu_resolve("csv", NULL, "path=/tmp", conf, err, sizeof err);
    cr_expect_null(d);
    cr_expect(strstr(err, "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for CSV."), "%s", err);
    spate_conf_destroy(conf);

    d = tsu_resolve("text", NULL, "path=/nonexistent/spate/in", NULL, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    sp_source_env env = tsu_env(NULL);
    cr_expect_null(sp_source_open(d, &env, err, sizeof err));
    cr_expect_str_eq(err, "[PATH_NOT_FOUND] Path does not exist: file:/nonexistent/spate/in. "
                          "SQLSTATE: 42K03");
    sp_source_def_free(d);
}

Test(source_file, available_now_reads_only_what_exists_then)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "a.txt", "a\n", 1000);
    put(t.in, "b.txt", "b\n", 2000);
    char opts[256], buf[64];
    snprintf(opts, sizeof opts, "path=%s&maxFilesPerTrigger=1", t.in);
    sp_source *s = open_file("text", NULL, opts, NULL);
    s->ops->prepare_available_now(s);
    put(t.in, "c.txt", "c\n", 500);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":0}", buf, sizeof buf), "{\"logOffset\":1}");
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":1}", buf, sizeof buf), "{\"logOffset\":1}");
    expect_batch(s, NULL, "{\"logOffset\":1}", (const char *const[]){"a", "b"}, 2, 0);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, equal_times_keep_name_order)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "y.txt", "y\n", 3000);
    put(t.in, "x.txt", "x\n", 3000);
    put(t.in, "a.txt", "a\n", 1000);
    char opts[256], buf[64];
    snprintf(opts, sizeof opts, "path=%s&latestFirst=true&maxFilesPerTrigger=1", t.in);
    sp_source *s = open_file("text", NULL, opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":0}", buf, sizeof buf), "{\"logOffset\":1}");
    cr_expect_str_eq(tsu_latest(s, "{\"logOffset\":1}", buf, sizeof buf), "{\"logOffset\":2}");
    expect_batch(s, NULL, "{\"logOffset\":2}", (const char *const[]){"x", "y", "a"}, 3, 0);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, csv_converts_only_the_required_columns)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "a.csv", "1,x\n2,3\n", 1000);
    char opts[256], buf[64], err[512];
    snprintf(opts, sizeof opts, "path=%s", t.in);
    sp_source_def *d = tsu_resolve("csv", "a INT, b INT", opts, NULL, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    static const bool required[] = {true, false};
    d->required = required;
    sp_source_env env = tsu_env(NULL);
    sp_source *s = sp_source_open(d, &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    /* "x" in the pruned column is not malformed */
    expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"1,<null>", "2,<null>"}, 2, 0);
    close_file(s);
    tdir_free(&t);
}

Test(source_file, a_file_reads_as_it_was_listed)
{
    tdir t;
    tdir_make(&t);
    put(t.in, "a.txt", "1\n2\n", 1000);
    char opts[256], buf[64], path[256], err[512];
    snprintf(opts, sizeof opts, "path=%s", t.in);
    sp_source *s = open_file("text", NULL, opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    snprintf(path, sizeof path, "%s/a.txt", t.in);
    FILE *f = fopen(path, "a");
    fputs("3\n", f);
    fclose(f);
    expect_batch(s, NULL, "{\"logOffset\":0}", (const char *const[]){"1", "2"}, 2, 0);
    cr_assert_eq(truncate(path, 1), 0);
    tsu_rows rs = {0};
    sp_source_counters c = {0};
    cr_expect_eq(tsu_run(s, NULL, "{\"logOffset\":0}", &rs, &c, NULL, err, sizeof err),
                 SPATE_ERR_IO);
    cr_expect(strstr(err, "it shrank while being read"), "%s", err);
    tsu_rows_free(&rs);
    cr_assert_eq(unlink(path), 0);
    cr_expect_eq(tsu_run(s, NULL, "{\"logOffset\":0}", &rs, &c, NULL, err, sizeof err),
                 SPATE_ERR_IO);
    cr_expect(strstr(err, "No such file or directory"), "%s", err);
    tsu_rows_free(&rs);
    close_file(s);
    /* ignoreMissingFiles: a file gone since it was listed reads as empty */
    put(t.in, "b.txt", "b\n", 2000);
    snprintf(opts, sizeof opts, "path=%s&ignoreMissingFiles=true", t.in);
    s = open_file("text", NULL, opts, NULL);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "{\"logOffset\":0}");
    snprintf(path, sizeof path, "%s/b.txt", t.in);
    cr_assert_eq(unlink(path), 0);
    expect_batch(s, NULL, "{\"logOffset\":0}", NULL, 0, 0);
    close_file(s);
    tdir_free(&t);
}
