/* test_split_cast_batch.c - the kernels that parse a CSV value in SQL
 * (bench/bench_sql_kafka.sh's query: CAST(value AS STRING), split on a
 * comma, a[i], CAST to numbers) over whole column batches of varied rows,
 * through SQL text on a text table of 20,000 lines (three batches of at
 * most 8192 rows), each answer checked against an independent one:
 * counts computed here, regexp_extract (PCRE2) for the pieces. They pin
 * the fast paths: split's one-byte path writing pieces into room reserved
 * once a row, a literal pattern, limit or index read from the expression,
 * a[i] of strings appended without a per-cell dispatch, a cast between
 * STRING and BINARY as a view of its input's bytes, and CAST to DOUBLE of
 * plain decimals by one exact division (Java's Double.parseDouble facts:
 * Spark's CastSuite). */
#include <criterion/criterion.h>

#include "sql/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { NLINES = 20000 };

static sp_session *sess;
static char dir[] = "/tmp/spate-split-XXXXXX";
static char path[64];
/* what the lines hold, counted as they are written */
static long long total_pieces, total_bytes, lines_with_4, limit_pieces, empty_lines;

/* Line i: up to 11 commas between pieces of 0..9 letters; every 500th
 * line long (300 commas); every 97th empty. */
static size_t make_line(int i, unsigned *seed, char *out)
{
    if (i % 97 == 0) return 0;
    int commas = i % 500 == 0 ? 300 : (int)(rand_r(seed) % 12);
    size_t n = 0;
    for (int k = 0; k <= commas; k++) {
        int len = (int)(rand_r(seed) % 10);
        for (int j = 0; j < len; j++)
            out[n++] = (char)('a' + rand_r(seed) % 26);
        if (k < commas) out[n++] = ',';
    }
    return n;
}

/* Pieces of split(s, ',', limit) (Java's String.split: limit > 0 caps them). */
static long long pieces(const char *s, size_t n, int limit)
{
    long long p = 1;
    for (size_t i = 0; i < n && (limit <= 0 || p < limit); i++)
        p += s[i] == ',';
    return p;
}

static void run_ok(const char *sql)
{
    char *err = NULL;
    FILE *f = fopen("/dev/null", "w");
    bool ok = sp_session_run(sess, sql, f, &err);
    fclose(f);
    cr_assert(ok, "%s: %s", sql, err ? err : "");
    free(err);
}

static void setup(void)
{
    char why[256];
    sess = sp_session_new(NULL, why, sizeof why);
    cr_assert(sess, "%s", why);
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/lines.txt", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    unsigned seed = 7;
    char line[4096];
    total_pieces = total_bytes = lines_with_4 = limit_pieces = empty_lines = 0;
    for (int i = 0; i < NLINES; i++) {
        size_t n = make_line(i, &seed, line);
        fwrite(line, 1, n, f);
        fputc('\n', f);
        total_pieces += pieces(line, n, -1);
        total_bytes += (long long)n;
        lines_with_4 += pieces(line, n, -1) >= 4;
        limit_pieces += pieces(line, n, (int)(n % 3));
        empty_lines += n == 0;
    }
    fclose(f);
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE TABLE t USING text OPTIONS (path '%s')", dir);
    run_ok(sql);
}

static void teardown(void)
{
    sp_session_free(sess);
    remove(path);
    rmdir(dir);
}

TestSuite(sql_split_cast_batch, .init = setup, .fini = teardown);

/* The one value a query shows (the 4th line of show()'s table), trimmed. */
static const char *value_of(const char *sql)
{
    static char res[256];
    char *text = NULL, *err = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bool ok = sp_session_run(sess, sql, f, &err);
    fclose(f);
    cr_assert(ok, "%s: %s", sql, err ? err : "");
    const char *p = text;
    for (int i = 0; i < 3 && p; i++)
        p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
    const char *end = p && *p == '|' ? strchr(p + 1, '|') : NULL;
    cr_assert(end, "%s gave\n%s", sql, text);
    for (p++; *p == ' '; p++)
        ;
    snprintf(res, sizeof res, "%.*s", (int)(end - p), p);
    free(text);
    free(err);
    return res;
}

static void expect_count(const char *sql, long long want)
{
    char w[32];
    snprintf(w, sizeof w, "%lld", want);
    cr_expect_str_eq(value_of(sql), w, "%s", sql);
}

Test(sql_split_cast_batch, split_on_a_literal_byte)
{
    expect_count("SELECT count(*) FROM t", NLINES);
    expect_count("SELECT sum(size(split(value, ','))) FROM t", total_pieces);
    /* the pieces hold every byte but the commas */
    expect_count("SELECT sum(length(p)) FROM (SELECT explode(split(value, ',')) AS p FROM t)",
                 total_bytes - (total_pieces - NLINES));
    expect_count("SELECT count(*) FROM (SELECT explode(split(value, ',')) AS p FROM t) WHERE "
                 "instr(p, ',') > 0",
                 0);
}

Test(sql_split_cast_batch, pieces_match_regexp_extract)
{
    run_ok("SET spate.sql.ansi.enabled = false"); /* a[i] past the end: NULL */
    expect_count("SELECT count(*) FROM (SELECT value, split(value, ',') AS f FROM t) WHERE "
                 "f[0] <> regexp_extract(value, '^([^,]*)', 1) OR "
                 "f[3] <> regexp_extract(value, '^(?:[^,]*,){3}([^,]*)', 1) OR "
                 "element_at(f, -1) <> regexp_extract(value, '([^,]*)$', 1)",
                 0);
    expect_count("SELECT count(f[3]) FROM (SELECT split(value, ',') AS f FROM t)", lines_with_4);
    expect_count("SELECT count(*) FROM (SELECT split(value, ',') AS f FROM t) WHERE f[-1] IS NOT "
                 "NULL OR f[1000] IS NOT NULL",
                 0);
}

Test(sql_split_cast_batch, pattern_and_limit_from_columns)
{
    /* not literals: evaluated per row (a CASE the planner cannot fold) */
    expect_count("SELECT sum(size(split(value, CASE WHEN value IS NULL THEN ';' ELSE ',' END))) "
                 "FROM t",
                 total_pieces);
    expect_count("SELECT sum(size(split(value, ',', length(value) % 3))) FROM t", limit_pieces);
    expect_count("SELECT count(*) FROM t WHERE split(value, CASE WHEN length(value) > 0 THEN "
                 "NULL ELSE ',' END) IS NOT NULL",
                 empty_lines); /* the empty lines only */
}

Test(sql_split_cast_batch, null_rows)
{
    expect_count("SELECT count(*) FROM (SELECT CASE WHEN length(value) % 2 = 0 THEN NULL ELSE "
                 "value END AS v FROM t) WHERE split(v, ',') IS NOT NULL",
                 NLINES - atoll(value_of("SELECT count(*) FROM t WHERE length(value) % 2 = 0")));
    run_ok("SET spate.sql.ansi.enabled = false");
    expect_count("SELECT count(*) FROM (SELECT split(CASE WHEN length(value) % 2 = 0 THEN NULL "
                 "ELSE value END, ',') AS f, value FROM t) WHERE (f IS NULL) <> (length(value) % "
                 "2 = 0) OR f[0] <> regexp_extract(value, '^([^,]*)', 1)",
                 0);
}

Test(sql_split_cast_batch, binary_and_string_casts_keep_the_bytes)
{
    expect_count("SELECT count(*) FROM t WHERE CAST(CAST(value AS BINARY) AS STRING) <> value", 0);
    expect_count("SELECT sum(length(CAST(CAST(value AS BINARY) AS STRING))) FROM t", total_bytes);
    expect_count("SELECT sum(size(split(CAST(CAST(value AS BINARY) AS STRING), ','))) FROM t",
                 total_pieces);
    expect_count("SELECT count(CAST(b AS STRING)) FROM (SELECT CASE WHEN length(value) % 2 = 0 "
                 "THEN NULL ELSE CAST(value AS BINARY) END AS b FROM t)",
                 NLINES - atoll(value_of("SELECT count(*) FROM t WHERE length(value) % 2 = 0")));
    cr_expect_str_eq(value_of("SELECT CAST(CAST('a\xc3\xa9"
                              "b' AS BINARY) AS STRING) = 'a\xc3\xa9"
                              "b'"),
                     "true");
}

/* Double.parseDouble's answers, printed as Java does: the plain forms
 * take the exact division, the others strtod; either way correctly
 * rounded. */
Test(sql_split_cast_batch, cast_to_double)
{
    static const char *const cases[][2] = {
        {"1.5", "1.5"},
        {"-0", "-0.0"},
        {"+.5", "0.5"},
        {"5.", "5.0"},
        {" 7 ", "7.0"},
        {"0.1", "0.1"},
        {"44.99", "44.99"},
        {"-123.456", "-123.456"},
        {"9007199254740991", "9.007199254740991E15"}, /* 2^53 - 1: exact */
        {"9007199254740993", "9.007199254740992E15"}, /* past 2^53: strtod rounds to even */
        {"100000000000000000000000", "1.0E23"},       /* 24 digits: strtod */
        {"0.30000000000000004", "0.30000000000000004"},
        {"1e3", "1000.0"},
        {"1.5d", "1.5"},
        {"NaN", "NaN"},
        {"-Infinity", "-Infinity"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT CAST(CAST('%s' AS STRING) AS DOUBLE)", cases[i][0]);
        cr_expect_str_eq(value_of(sql), cases[i][1], "%s", cases[i][0]);
    }
    run_ok("SET spate.sql.ansi.enabled = false");
    static const char *const bad[] = {".", "", "-", "1..2", "1,5", "1.5.", "++1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT CAST('%s' AS DOUBLE)", bad[i]);
        cr_expect_str_eq(value_of(sql), "NULL", "%s", bad[i]);
    }
}
