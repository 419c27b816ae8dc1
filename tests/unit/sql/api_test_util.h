/* api_test_util.h - helpers of the public DataFrame API's tests: a session
 * with small settings and a dataframe's rows as one sorted string. Public
 * header only, as a program would use it. */
#ifndef API_TEST_UTIL_H
#define API_TEST_UTIL_H

#include <criterion/criterion.h>

#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline spate_session *api_session(void)
{
    spate_conf *conf = spate_conf_new();
    char why[256] = "";
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", why, sizeof why), SPATE_OK);
    cr_assert_eq(spate_conf_set(conf, "spate.sql.shuffle.partitions", "2", why, sizeof why),
                 SPATE_OK);
    spate_session *s = spate_session_new(conf, why, sizeof why);
    cr_assert(s, "%s", why);
    spate_conf_destroy(conf);
    return s;
}

static inline int api_cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The rows of r as "a,b" strings (show()'s text of each value), sorted,
 * joined by ';' (malloc'd). */
static inline char *api_rows_string(const spate_rows *r)
{
    int64_t n = spate_rows_count(r);
    char **rows = calloc((size_t)n + 1, sizeof *rows);
    size_t total = 1;
    for (int64_t i = 0; i < n; i++) {
        const spate_row *row = spate_rows_get(r, i);
        char buf[512] = "";
        for (int c = 0; c < spate_row_ncols(row); c++) {
            char v[128];
            spate_row_format(row, c, v, sizeof v);
            strcat(buf, c ? "," : "");
            strcat(buf, v);
        }
        rows[i] = strdup(buf);
        total += strlen(buf) + 1;
    }
    qsort(rows, (size_t)n, sizeof *rows, api_cmp_str);
    char *out = calloc(1, total);
    for (int64_t i = 0; i < n; i++) {
        strcat(out, i ? ";" : "");
        strcat(out, rows[i]);
        free(rows[i]);
    }
    free(rows);
    return out;
}

/* The rows of spate_session_sql(s, sql), as api_rows_string. */
static inline char *api_sql_rows(spate_session *s, const char *sql)
{
    spate_dataframe *df = spate_session_sql(s, sql);
    cr_assert(df, "%s: %s", sql, spate_session_last_error(s));
    spate_rows *r = spate_dataframe_collect(df);
    cr_assert(r, "%s: %s", sql, spate_session_last_error(s));
    char *out = api_rows_string(r);
    spate_rows_free(r);
    return out;
}

static inline void api_expect_rows(spate_session *s, const char *sql, const char *expected)
{
    char *got = api_sql_rows(s, sql);
    cr_expect_str_eq(got, expected, "%s", sql);
    free(got);
}

/* Starts df into a memory sink named "out" in output mode, with a
 * checkpoint directory when ckpt is not NULL. */
static inline spate_query *api_start_memory(spate_session *s, spate_dataframe *df, const char *mode,
                                            const char *ckpt)
{
    cr_assert(df, "%s", spate_session_last_error(s));
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    cr_assert_eq(spate_stream_writer_format(w, "memory"), SPATE_OK);
    cr_assert_eq(spate_stream_writer_output_mode(w, mode), SPATE_OK);
    cr_assert_eq(spate_stream_writer_query_name(w, "out"), SPATE_OK);
    if (ckpt) cr_assert_eq(spate_stream_writer_option(w, "checkpointLocation", ckpt), SPATE_OK);
    spate_query *q = spate_stream_writer_start(w);
    cr_assert(q, "%s", spate_session_last_error(s));
    return q;
}

/* Adds CSV lines to memory stream m of session s. */
static inline void api_add_csv(spate_session *s, spate_memory_stream *m, const char *csv)
{
    cr_assert_eq(spate_memory_stream_add_csv(m, csv, NULL), SPATE_OK, "%s",
                 spate_session_last_error(s));
}

/* Runs q until its sources have nothing new (processAllAvailable). */
static inline void api_process(spate_session *s, spate_query *q)
{
    cr_assert_eq(spate_query_process_all_available(q), SPATE_OK, "%s", spate_session_last_error(s));
}

/* The value after "key" in JSON text p (compact or pretty), or NULL. */
static inline char *api_json_value(char *p, const char *key)
{
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    char *k = p ? strstr(p, quoted) : NULL;
    if (!k) return NULL;
    k += strlen(quoted);
    while (*k == ' ' || *k == ':')
        k++;
    return k;
}

/* The last progress report in recentProgress's text all that read rows
 * (Spark's suites skip the batches without new data), or with any the last
 * report; NULL when none. Points into all. */
static inline char *api_last_report(char *all, bool any)
{
    char *best = NULL; /* each report starts with its id and runId */
    for (char *p = all; (p = strstr(p, "\"runId\"")); p++)
        if (any || atoll(api_json_value(p, "numInputRows")) > 0) best = p;
    return best;
}

/* The number after "key" in q's last report that read rows (any: its last
 * report), or -1. */
static inline long long api_progress_figure(spate_query *q, const char *key, bool any)
{
    char *all = spate_query_recent_progress(q);
    cr_assert(all);
    char *v = api_json_value(api_last_report(all, any), key);
    long long x = v ? atoll(v) : -1;
    free(all);
    return x;
}

#endif
