/* test_file_read.c - a text file stream gives the same lines whichever way a
 * task reads it: collect keeps every line (the split is read whole), while
 * counting and map-side combining (countByValue, reduceByKey) read through a
 * small sliding window whose bytes are reused. Both must see every line that
 * starts in a split exactly once - Hadoop's LineRecordReader rule - for any
 * split size, lines longer than the window, "\r\n", a last line without a
 * newline; and an operator that holds a whole partition (mapPartitions, glom)
 * must not see its elements recycled under it when the task is transient. */
#include <spate/spate.h>

#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { T0 = 100000 };

typedef struct seen {
    size_t nlines;    /* collect */
    char **lines;     /* collected, copied */
    int64_t count;    /* count() */
    size_t ncounted;  /* countByValue entries */
    char **counted;   /* "line\tcount", copied */
    const char *mode; /* "plain", "pairs" or "partitions" */
} seen;

static char *format_copy(spate_value v)
{
    if (v.type == SPATE_STR) return strndup(v.u.s, v.len);
    size_t n = spate_value_format(v, NULL, 0);
    char *p = malloc(n + 1);
    spate_value_format(v, p, n + 1);
    return p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mapPartitions: each element tagged with its partition's size, so a stage
 * that reads recycled memory shows up as a wrong line. */
static void tag_partition(spate_task *t, const spate_value *in, size_t n, spate_sink *out, void *ud)
{
    (void)ud;
    for (size_t i = 0; i < n; i++)
        spate_sink_push(out, spate_tuple2(spate_task_arena(t), in[i], spate_i64(1)));
}

/* A copy of the line in the task's arena (garbage for a recycling source). */
static spate_value copy_line(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_value_copy(spate_task_arena(t), v);
}

static spate_err check_fn(spate_rdd *rdd, int64_t time_ms, void *ud)
{
    (void)time_ms;
    seen *s = ud;
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    if (err) return err;
    s->nlines = n;
    s->lines = calloc(n + 1, sizeof *s->lines);
    for (size_t i = 0; i < n; i++)
        s->lines[i] = format_copy(v[i]);
    if ((err = spate_rdd_count(rdd, &s->count))) return err;
    spate_rdd *by = rdd;
    if (!strcmp(s->mode, "partitions"))
        by = spate_rdd_map(
            spate_rdd_map_partitions(spate_rdd_map(rdd, copy_line, NULL), tag_partition, NULL),
            spate_fn_key, NULL);
    if ((err = spate_rdd_count_by_value(by, &v, &n))) return err;
    s->ncounted = n;
    s->counted = calloc(n + 1, sizeof *s->counted);
    for (size_t i = 0; i < n; i++) {
        char *line = format_copy(spate_key(v[i]));
        size_t len = strlen(line) + 32;
        s->counted[i] = malloc(len);
        snprintf(s->counted[i], len, "%s\t%lld", line, (long long)spate_val(v[i]).u.i);
        free(line);
    }
    qsort(s->counted, n, sizeof *s->counted, cmp_str);
    return SPATE_OK;
}

static void seen_free(seen *s)
{
    for (size_t i = 0; i < s->nlines; i++)
        free(s->lines[i]);
    for (size_t i = 0; i < s->ncounted; i++)
        free(s->counted[i]);
    free(s->lines);
    free(s->counted);
}

/* The countByValue a correct reader gives: distinct collected lines with their counts. */
static void expect_counts_match_lines(const seen *s, const char *what)
{
    char **sorted = calloc(s->nlines + 1, sizeof *sorted);
    memcpy(sorted, s->lines, s->nlines * sizeof *sorted);
    qsort(sorted, s->nlines, sizeof *sorted, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < s->nlines;) {
        size_t j = i;
        while (j < s->nlines && !strcmp(sorted[j], sorted[i]))
            j++;
        size_t size = strlen(sorted[i]) + 32;
        char *want = malloc(size);
        snprintf(want, size, "%s\t%zu", sorted[i], j - i);
        cr_assert_lt(k, s->ncounted, "%s: countByValue lacks \"%s\"", what, want);
        cr_expect_str_eq(s->counted[k], want,
                         "%s: countByValue entry %zu: \"%.60s\", want \"%.60s\"", what, k,
                         s->counted[k], want);
        free(want);
        k++;
        i = j;
    }
    cr_expect_eq(k, s->ncounted, "%s: %zu distinct lines, countByValue has %zu", what, k,
                 s->ncounted);
    cr_expect_eq(s->count, (int64_t)s->nlines, "%s: count %lld, collect %zu", what,
                 (long long)s->count, s->nlines);
    free(sorted);
}

/* One batch over a file holding text (len bytes) with the given split size;
 * fills s (mode set by the caller). */
static void run_file(const char *text, size_t len, const char *split, seen *s)
{
    char dir[] = "/tmp/spate-file-read-XXXXXX", path[128], err[256];
    cr_assert_not_null(mkdtemp(dir));
    spate_conf *conf = spate_conf_new();
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.files.maxPartitionBytes", split, err, sizeof err), 0,
                 "%s", err);
    spate_ctx *ssc = spate_ctx_new(conf, spate_seconds(1), err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    cr_assert_eq(spate_clock_set(spate_ctx_clock(ssc), T0), SPATE_OK);
    spate_stream *in = !strcmp(s->mode, "pairs") ? spate_file_stream(ssc, dir, NULL, NULL, true)
                                                 : spate_text_file_stream(ssc, dir);
    cr_assert_eq(spate_stream_foreach_rdd(in, check_fn, s), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    snprintf(path, sizeof path, "%s/f.txt", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    struct timespec ts[2] = {{T0 / 1000, 500000000}, {T0 / 1000, 500000000}}; /* T0 + 500 ms */
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
    cr_assert_eq(spate_clock_advance(spate_ctx_clock(ssc), 1000), SPATE_OK);
    cr_assert_eq(spate_ctx_await_batch(ssc, T0 + 1000, 10000), SPATE_OK, "%s",
                 spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    unlink(path);
    rmdir(dir);
}

static const char TEXT[] = "first line\n"
                           "\n"
                           "a much longer line that crosses several splits for sure\n"
                           "x\n"
                           "crlf\r\n"
                           "yz\n"
                           "x\n"
                           "\n"
                           "last without newline";

static const char *const TEXT_LINES[] = {
    "first line", "",     "a much longer line that crosses several splits for sure",
    "x",          "crlf", "yz",
    "x",          "",     "last without newline"};

Test(file_read, every_split_size_gives_every_line_once_to_every_reader, .timeout = 60)
{
    static const char *splits[] = {"1", "2", "3", "5", "7", "11", "13", "57", "64", "100000"};
    for (size_t k = 0; k < sizeof splits / sizeof *splits; k++) {
        seen s = {.mode = "plain"};
        run_file(TEXT, strlen(TEXT), splits[k], &s);
        size_t want = sizeof TEXT_LINES / sizeof *TEXT_LINES;
        cr_assert_eq(s.nlines, want, "split %s: %zu lines", splits[k], s.nlines);
        for (size_t i = 0; i < want; i++)
            cr_expect_str_eq(s.lines[i], TEXT_LINES[i], "split %s line %zu", splits[k], i);
        expect_counts_match_lines(&s, splits[k]);
        seen_free(&s);
    }
}

Test(file_read, a_file_ending_with_a_newline_has_no_empty_last_line, .timeout = 30)
{
    static const char *splits[] = {"1", "4", "100"};
    for (size_t k = 0; k < sizeof splits / sizeof *splits; k++) {
        seen s = {.mode = "plain"};
        run_file("ab\ncd\r\n", 7, splits[k], &s);
        cr_assert_eq(s.nlines, 2, "split %s", splits[k]);
        expect_counts_match_lines(&s, splits[k]);
        seen_free(&s);
    }
}

/* fileStream's (offset, line) pairs, through the window too. */
Test(file_read, offsets_are_the_same_through_the_window, .timeout = 30)
{
    static const char *splits[] = {"1", "3", "4", "100"};
    for (size_t k = 0; k < sizeof splits / sizeof *splits; k++) {
        seen s = {.mode = "pairs"};
        run_file("abc\nd\nefghij\n\r\nk", 16, splits[k], &s);
        cr_assert_eq(s.nlines, 5, "split %s", splits[k]);
        cr_expect_str_eq(s.lines[3], "(13,)", "split %s", splits[k]);
        expect_counts_match_lines(&s, splits[k]);
        seen_free(&s);
    }
}

/* Lines (some longer than the 256 KiB window) in splits of a few MiB, and
 * many short ones: far more than the 1024 elements between recycles. */
static char *big_text(size_t *len)
{
    size_t cap = 12u << 20, n = 0;
    char *text = malloc(cap);
    for (int i = 0; n + (1u << 20) < cap; i++) {
        size_t pad = i % 997 == 5 ? (size_t)300000 + (size_t)i : (size_t)(i * 7919) % 61;
        n += (size_t)sprintf(text + n, "%d:", i % 5000);
        for (size_t k = 0; k < pad; k++)
            text[n++] = (char)('a' + (i + (int)k) % 26);
        if (i % 5 == 0) text[n++] = '\r';
        text[n++] = '\n';
    }
    *len = n;
    return text;
}

Test(file_read, long_lines_and_many_lines_through_the_window, .timeout = 120)
{
    size_t len;
    char *text = big_text(&len);
    static const char *splits[] = {"3m", "100000"};
    for (size_t k = 0; k < sizeof splits / sizeof *splits; k++) {
        seen s = {.mode = "plain"};
        run_file(text, len, splits[k], &s);
        cr_assert_gt(s.nlines, 5000);
        expect_counts_match_lines(&s, splits[k]);
        seen_free(&s);
    }
    free(text);
}

/* mapPartitions holds its whole partition: the reader under it must not
 * recycle (the window, or the arena the copies live in) before it runs. */
Test(file_read, map_partitions_sees_intact_elements_in_a_combining_task, .timeout = 120)
{
    size_t len;
    char *text = big_text(&len);
    seen s = {.mode = "partitions"};
    run_file(text, len, "5m", &s);
    expect_counts_match_lines(&s, "mapPartitions");
    seen_free(&s);
    free(text);
}
