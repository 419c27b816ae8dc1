/* test_ui_render.c - the web UI's models and renderers (src/ui/): Spark's
 * REST dates and JSON shapes for the DStream endpoints, the queries' JSON,
 * the bounded rings, the routes' 404s, and /metrics/prometheus checked by
 * a strict parser of the text exposition format. Table-driven; no server. */
#include "ui/ui_app.h"
#include "ui/ui_model.h"

#include <criterion/criterion.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *take(sp_ui_buf *b) { return sp_ui_buf_take(b); }

/* ---- dates, strings, doubles ---- */

Test(ui_render, rest_dates_as_spark_writes_them)
{
    static const struct {
        int64_t ms;
        const char *want;
    } cases[] = {
        {0, "\"1970-01-01T00:00:00.000GMT\""},
        {-1, "\"1969-12-31T23:59:59.999GMT\""}, /* a live app's endTime */
        {1796692408200, "\"2026-12-08T01:13:28.200GMT\""},
        {1000, "\"1970-01-01T00:00:01.000GMT\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_ui_buf b = {0};
        sp_ui_buf_json_date(&b, cases[i].ms);
        char *s = take(&b);
        cr_expect_str_eq(s, cases[i].want, "ms %lld", (long long)cases[i].ms);
        free(s);
    }
}

Test(ui_render, json_strings_and_doubles)
{
    static const struct {
        const char *in, *want;
    } strs[] = {
        {"plain", "\"plain\""},
        {"a\"b\\c", "\"a\\\"b\\\\c\""},
        {"line\nnext\ttab", "\"line\\nnext\\ttab\""},
        {"\x01", "\"\\u0001\""},
        {NULL, "null"},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        sp_ui_buf b = {0};
        sp_ui_buf_json_str(&b, strs[i].in);
        char *s = take(&b);
        cr_expect_str_eq(s, strs[i].want);
        free(s);
    }
    static const struct {
        double v;
        const char *want;
    } dbls[] = {{120.0, "120.0"}, {8.75, "8.75"}, {1e-4, "1.0E-4"}, {NAN, "null"}};
    for (size_t i = 0; i < sizeof dbls / sizeof dbls[0]; i++) {
        sp_ui_buf b = {0};
        sp_ui_buf_json_double(&b, dbls[i].v);
        char *s = take(&b);
        cr_expect_str_eq(s, dbls[i].want);
        free(s);
    }
}

/* ---- the DStream model ---- */

/* A batch of time t: submitted at t + sub, started at t + start, ended at
 * t + end (each -1 for unknown), records, one input "SocketInputDStream". */
static void event(sp_ui_stream *m, char kind, int64_t t, int64_t start, int64_t end,
                  int64_t records, const char *error)
{
    sp_ui_input in = {0, "SocketInputDStream", records};
    sp_ui_batch b = {.batch_time_ms = t,
                     .submission_ms = t,
                     .start_ms = start < 0 ? -1 : t + start,
                     .end_ms = end < 0 ? -1 : t + end,
                     .records = records,
                     .noutputs = 2,
                     .failed = error != NULL,
                     .error = (char *)error,
                     .inputs = &in,
                     .ninputs = 1};
    if (kind == 's') sp_ui_stream_submitted(m, &b);
    if (kind == 'p') sp_ui_stream_started(m, t, t + start);
    if (kind == 'c') sp_ui_stream_completed(m, &b);
}

static sp_ui_stream three_batches(int retained)
{
    sp_ui_stream m;
    sp_ui_stream_init(&m, 0, 1000, retained);
    event(&m, 's', 1000, -1, -1, 10, NULL);
    event(&m, 'p', 1000, 5, -1, 10, NULL);
    event(&m, 'c', 1000, 5, 105, 10, NULL); /* sched 5, proc 100, total 105 */
    event(&m, 's', 2000, -1, -1, 30, NULL);
    event(&m, 'p', 2000, 15, -1, 30, NULL);
    event(&m, 'c', 2000, 15, 315, 30, "boom"); /* sched 15, proc 300, total 315 */
    event(&m, 's', 3000, -1, -1, 2, NULL);     /* still queued */
    return m;
}

Test(ui_render, statistics_as_spark_averages_them)
{
    sp_ui_stream m = three_batches(10);
    sp_ui_buf b = {0};
    sp_ui_json_statistics(&b, &m);
    char *s = take(&b);
    /* avgInputRate over the 3 retained batches: (10 + 30 + 2) / 3 per s; the
     * delays over the batches that know them (long division). */
    cr_expect_str_eq(s, "{\"startTime\":\"1970-01-01T00:00:00.000GMT\",\"batchDuration\":1000,"
                        "\"numReceivers\":0,\"numActiveReceivers\":0,\"numInactiveReceivers\":0,"
                        "\"numTotalCompletedBatches\":2,\"numRetainedCompletedBatches\":2,"
                        "\"numActiveBatches\":1,\"numProcessedRecords\":40,"
                        "\"numReceivedRecords\":42,\"avgInputRate\":14.0,"
                        "\"avgSchedulingDelay\":10,\"avgProcessingTime\":200,"
                        "\"avgTotalDelay\":210}");
    free(s);
    sp_ui_stream_free(&m);
}

Test(ui_render, batches_newest_first_with_status_filter)
{
    sp_ui_stream m = three_batches(10);
    static const struct {
        const char *status;
        const char *want;
    } cases[] = {
        {"QUEUED",
         "[{\"batchId\":3000,\"batchTime\":\"1970-01-01T00:00:03.000GMT\",\"status\":\"QUEUED\","
         "\"batchDuration\":1000,\"inputSize\":2,\"numActiveOutputOps\":0,"
         "\"numCompletedOutputOps\":0,\"numFailedOutputOps\":0,\"numTotalOutputOps\":2}]"},
        {"COMPLETED",
         "[{\"batchId\":2000,\"batchTime\":\"1970-01-01T00:00:02.000GMT\",\"status\":\"COMPLETED\","
         "\"batchDuration\":1000,\"inputSize\":30,\"schedulingDelay\":15,\"processingTime\":300,"
         "\"totalDelay\":315,\"numActiveOutputOps\":0,\"numCompletedOutputOps\":1,"
         "\"numFailedOutputOps\":1,\"numTotalOutputOps\":2,\"firstFailureReason\":\"boom\"},"
         "{\"batchId\":1000,\"batchTime\":\"1970-01-01T00:00:01.000GMT\",\"status\":\"COMPLETED\","
         "\"batchDuration\":1000,\"inputSize\":10,\"schedulingDelay\":5,\"processingTime\":100,"
         "\"totalDelay\":105,\"numActiveOutputOps\":0,\"numCompletedOutputOps\":2,"
         "\"numFailedOutputOps\":0,\"numTotalOutputOps\":2}]"},
        {"PROCESSING", "[]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_ui_buf b = {0};
        sp_ui_json_batches(&b, &m, cases[i].status);
        char *s = take(&b);
        cr_expect_str_eq(s, cases[i].want, "status %s", cases[i].status);
        free(s);
    }
    sp_ui_buf b = {0};
    sp_ui_json_batches(&b, &m, NULL);
    char *all = take(&b);
    cr_expect(strstr(all, "\"batchId\":3000") < strstr(all, "\"batchId\":2000"));
    cr_expect(strstr(all, "\"batchId\":2000") < strstr(all, "\"batchId\":1000"));
    free(all);
    sp_ui_stream_free(&m);
}

Test(ui_render, completed_batches_kept_in_a_bounded_ring)
{
    sp_ui_stream m;
    sp_ui_stream_init(&m, 0, 100, 2);
    for (int64_t t = 100; t <= 500; t += 100) {
        event(&m, 's', t, -1, -1, t / 100, NULL);
        event(&m, 'c', t, 1, 2, t / 100, NULL);
    }
    cr_expect_eq(m.done_n, 2);
    cr_expect_eq(m.completed_total, 5);
    cr_expect_eq(m.processed_records, 15);
    cr_expect_null(sp_ui_stream_find(&m, 300));
    cr_expect_not_null(sp_ui_stream_find(&m, 400));
    cr_expect_not_null(sp_ui_stream_find(&m, 500));
    cr_expect_eq(m.nactive, 0);
    sp_ui_stream_free(&m);
}

Test(ui_render, operations_and_receivers)
{
    sp_ui_stream m = three_batches(10);
    m.output_names = calloc(2, sizeof *m.output_names);
    m.output_names[0] = strdup("print");
    m.output_names[1] = strdup("foreachRDD");
    m.noutputs = 2;
    sp_ui_buf b = {0};
    sp_ui_json_operations(&b, &m, sp_ui_stream_find(&m, 2000));
    char *s = take(&b);
    cr_expect_str_eq(s, "[{\"outputOpId\":0,\"name\":\"print\",\"description\":\"print\","
                        "\"failureReason\":\"boom\",\"jobIds\":[]},{\"outputOpId\":1,\"name\":"
                        "\"foreachRDD\",\"description\":\"foreachRDD\",\"jobIds\":[]}]");
    free(s);
    sp_ui_receiver r = {0, "SocketReceiver", true, NULL, -1};
    sp_ui_stream_receiver(&m, &r);
    sp_ui_json_receivers(&b, &m);
    s = take(&b);
    cr_expect_str_eq(s, "[{\"streamId\":0,\"streamName\":\"SocketReceiver\",\"isActive\":true,"
                        "\"executorId\":\"driver\",\"executorHost\":\"localhost\","
                        "\"eventRates\":[[1000,10.0],[2000,30.0]],\"avgEventRate\":20.0}]");
    free(s);
    sp_ui_stream_free(&m);
}

/* ---- the SQL model ---- */

static void report(sp_ui_sql *m, const char *run, int64_t batch, double in, double proc,
                   int64_t rows, int64_t mem)
{
    char json[64];
    snprintf(json, sizeof json, "{\"batchId\":%lld}", (long long)batch);
    sp_ui_progress p = {.batch_id = batch,
                        .batch_duration_ms = 7,
                        .input_rate = in,
                        .processed_rate = proc,
                        .state_rows_total = rows,
                        .state_memory_bytes = mem,
                        .watermark_ms = 1000 * batch,
                        .json = strdup(json)};
    sp_ui_sql_progress(m, run, &p);
    cr_assert_null(p.json, "the report's JSON moves into the model");
}

Test(ui_render, queries_progress_ring_and_retained_queries)
{
    sp_ui_sql m;
    sp_ui_sql_init(&m, 1, 2);
    sp_ui_sql_started(&m, "q1", "r1", NULL, 1000);
    for (int i = 0; i < 3; i++)
        report(&m, "r1", i, 10.0 * (i + 1), 20.0, 5, 100);
    const sp_ui_query *q = sp_ui_sql_find(&m, "q1");
    cr_assert_not_null(q);
    cr_expect_eq(q->nprog, 2);
    cr_expect_eq(sp_ui_query_progress(q, 0)->batch_id, 1);
    sp_ui_buf b = {0};
    sp_ui_json_query_progress(&b, q);
    char *s = take(&b);
    cr_expect_str_eq(s, "[{\"batchId\":1},{\"batchId\":2}]");
    free(s);
    sp_ui_json_queries(&b, &m, 3500);
    s = take(&b);
    cr_expect_str_eq(s, "[{\"id\":\"q1\",\"runId\":\"r1\",\"name\":null,\"status\":\"RUNNING\","
                        "\"startTime\":\"1970-01-01T00:00:01.000GMT\",\"startTimestamp\":1000,"
                        "\"duration\":2500,\"avgInputPerSec\":20.0,\"avgProcessPerSec\":20.0,"
                        "\"latestBatch\":2,\"numReportsRetained\":2,\"error\":null,"
                        "\"lastProgress\":{\"batchId\":2}}]");
    free(s);
    /* Two ended runs with retainedQueries 1: the older goes. */
    sp_ui_sql_terminated(&m, "r1", "", 4000);
    sp_ui_sql_started(&m, "q2", "r2", "named", 4100);
    sp_ui_sql_terminated(&m, "r2", "it failed", 4200);
    cr_expect_eq(m.n, 1);
    cr_expect_null(sp_ui_sql_find(&m, "r1"));
    sp_ui_json_queries(&b, &m, 5000);
    s = take(&b);
    cr_expect(strstr(s, "\"status\":\"FAILED\"") && strstr(s, "\"error\":\"it failed\"") &&
                  strstr(s, "\"name\":\"named\"") && strstr(s, "\"duration\":100"),
              "%s", s);
    free(s);
    report(&m, "unknown-run", 9, 1, 1, 1, 1); /* dropped, not leaked */
    sp_ui_sql_free(&m);
}

/* ---- Prometheus: a strict parser of the text exposition format ---- */

static bool metric_name(const char **p)
{
    const char *s = *p;
    if (!(isalpha((unsigned char)*s) || *s == '_' || *s == ':')) return false;
    while (isalnum((unsigned char)*s) || *s == '_' || *s == ':')
        s++;
    *p = s;
    return true;
}

/* Checks one sample line's labels: {name="value",...} with \\ \" \n escapes. */
static bool labels(const char **p)
{
    const char *s = *p;
    if (*s != '{') return true;
    s++;
    while (*s != '}') {
        if (!(isalpha((unsigned char)*s) || *s == '_')) return false;
        while (isalnum((unsigned char)*s) || *s == '_')
            s++;
        if (*s++ != '=' || *s++ != '"') return false;
        while (*s != '"') {
            if (!*s || *s == '\n') return false;
            if (*s == '\\') {
                s++;
                if (*s != '\\' && *s != '"' && *s != 'n') return false;
            }
            s++;
        }
        s++;
        if (*s == ',')
            s++;
        else if (*s != '}')
            return false;
    }
    *p = s + 1;
    return true;
}

/* Returns the number of samples, or -1 with *why. */
static int parse_prometheus(const char *text, char *why, size_t n)
{
    char typed[64][128];
    int ntyped = 0, samples = 0;
    int lineno = 0;
    for (const char *line = text; *line; lineno++) {
        const char *end = strchr(line, '\n');
        if (!end) return snprintf(why, n, "line %d: no newline at the end", lineno), -1;
        char l[1024];
        snprintf(l, sizeof l, "%.*s", (int)(end - line), line);
        line = end + 1;
        if (!strncmp(l, "# HELP ", 7)) continue;
        if (!strncmp(l, "# TYPE ", 7)) {
            char name[128], type[32];
            if (sscanf(l + 7, "%127s %31s", name, type) != 2 || strcmp(type, "gauge"))
                return snprintf(why, n, "line %d: bad TYPE", lineno), -1;
            for (int i = 0; i < ntyped; i++)
                if (!strcmp(typed[i], name))
                    return snprintf(why, n, "line %d: %s typed twice", lineno, name), -1;
            snprintf(typed[ntyped++], sizeof typed[0], "%s", name);
            continue;
        }
        if (l[0] == '#') return snprintf(why, n, "line %d: unknown comment", lineno), -1;
        const char *p = l;
        if (!metric_name(&p)) return snprintf(why, n, "line %d: bad name", lineno), -1;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(p - l), l);
        if (!ntyped || strcmp(typed[ntyped - 1], name))
            return snprintf(why, n, "line %d: %s not under its TYPE", lineno, name), -1;
        if (!labels(&p)) return snprintf(why, n, "line %d: bad labels", lineno), -1;
        if (*p++ != ' ') return snprintf(why, n, "line %d: no value", lineno), -1;
        char *vend;
        strtod(p, &vend);
        if (vend == p || *vend) return snprintf(why, n, "line %d: bad value '%s'", lineno, p), -1;
        samples++;
    }
    return samples;
}

Test(ui_render, prometheus_text_is_valid_and_labelled)
{
    sp_ui_stream st = three_batches(10);
    sp_ui_sql sql;
    sp_ui_sql_init(&sql, 10, 10);
    sp_ui_sql_started(&sql, "id-1", "run-1", "q \"one\"", 0);
    report(&sql, "run-1", 0, 1e-4, 2.5, 7, 4096);
    sp_ui_sql_started(&sql, "id-2", "run-2", NULL, 0);
    report(&sql, "run-2", 0, NAN, 3.0, 0, 0);
    sp_ui_appinfo app = {"local-1", "my\\app", 0};
    sp_ui_buf b = {0};
    sp_ui_prometheus(&b, &app, &st, &sql);
    char *s = take(&b), why[256] = "";
    int n = parse_prometheus(s, why, sizeof why);
    cr_expect_eq(n, 11 + 6 * 2, "%s\n%s", why, s);
    static const char *const want[] = {
        "spate_streaming_lastCompletedBatch_processingDelay{application_id=\"local-1\","
        "application_name=\"my\\\\app\"} 300\n",
        "spate_streaming_lastCompletedBatch_schedulingDelay{application_id=\"local-1\","
        "application_name=\"my\\\\app\"} 15\n",
        "spate_streaming_lastCompletedBatch_totalDelay{application_id=\"local-1\","
        "application_name=\"my\\\\app\"} 315\n",
        "spate_streaming_lastCompletedBatch_inputRate{application_id=\"local-1\","
        "application_name=\"my\\\\app\"} 30\n",
        "spate_streaming_waitingBatches{application_id=\"local-1\","
        "application_name=\"my\\\\app\"} 1\n",
        "spate_sql_streaming_inputRate_total{application_id=\"local-1\",application_name="
        "\"my\\\\app\",query=\"q \\\"one\\\"\",query_id=\"id-1\"} 1.0E-4\n",
        "spate_sql_streaming_inputRate_total{application_id=\"local-1\",application_name="
        "\"my\\\\app\",query=\"id-2\",query_id=\"id-2\"} NaN\n",
        "spate_sql_streaming_states_usedBytes{application_id=\"local-1\",application_name="
        "\"my\\\\app\",query=\"q \\\"one\\\"\",query_id=\"id-1\"} 4096\n",
        "spate_sql_streaming_processingRate_total{application_id=\"local-1\",application_name="
        "\"my\\\\app\",query=\"q \\\"one\\\"\",query_id=\"id-1\"} 2.5\n",
        "spate_sql_streaming_eventTime_watermark{application_id=\"local-1\",application_name="
        "\"my\\\\app\",query=\"q \\\"one\\\"\",query_id=\"id-1\"} 0\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(s, want[i]), "missing %s", want[i]);
    free(s);
    /* An ended query is no longer exported; before any batch the delays are -1. */
    sp_ui_sql_terminated(&sql, "run-1", NULL, 1);
    sp_ui_sql_terminated(&sql, "run-2", NULL, 1);
    sp_ui_stream empty;
    sp_ui_stream_init(&empty, 0, 1000, 4);
    sp_ui_prometheus(&b, &app, &empty, &sql);
    s = take(&b);
    cr_expect_eq(parse_prometheus(s, why, sizeof why), 11, "%s", why);
    cr_expect_null(strstr(s, "spate_sql_"));
    cr_expect(strstr(s, "lastCompletedBatch_totalDelay{application_id=\"local-1\","
                        "application_name=\"my\\\\app\"} -1\n"));
    free(s);
    sp_ui_stream_free(&empty);
    sp_ui_stream_free(&st);
    sp_ui_sql_free(&sql);
}

Test(ui_render, strict_parser_rejects_bad_text)
{
    static const char *const bad[] = {
        "x 1\n",                                 /* no TYPE */
        "# TYPE x gauge\nx{a=\"b} 1\n",          /* unterminated label */
        "# TYPE x gauge\nx 1",                   /* no final newline */
        "# TYPE x gauge\nx{a=\"\\q\"} 1\n",      /* bad escape */
        "# TYPE 1x gauge\n1x 1\n",               /* bad name */
        "# TYPE x gauge\nx one\n",               /* bad value */
        "# TYPE x gauge\n# TYPE x gauge\nx 1\n", /* typed twice */
    };
    char why[128];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(parse_prometheus(bad[i], why, sizeof why), -1, "case %zu", i);
}

/* ---- routes ---- */

Test(ui_render, routes_answer_404_with_json)
{
    spate_conf *conf = spate_conf_new();
    sp_ui_app *a = sp_ui_app_new(conf, true);
    sp_ui_stream_init(&a->stream, 0, 1000, 4);
    event(&a->stream, 's', 1000, -1, -1, 3, NULL);
    char base[128], path[256];
    snprintf(base, sizeof base, "/api/v1/applications/%s", a->id);
    static const struct {
        const char *suffix; /* after base; a leading '!' means the path as is */
        int code;
        const char *has;
    } cases[] = {
        {"!/api/v1/applications", 200, "\"attempts\""},
        {"/streaming/statistics", 200, "\"numActiveBatches\":1"},
        {"/streaming/batches", 200, "\"QUEUED\""},
        {"/streaming/batches/1000", 200, "\"batchId\":1000"},
        {"/streaming/batches/1000/operations", 200, "[]"},
        {"/streaming/batches/999", 404, "unknown batch: 999"},
        {"/streaming/batches/abc", 404, "unknown batch: abc"},
        {"/streaming/nope", 404, "unknown path"},
        {"/sql/streaming/queries", 404, "no streaming queries"},
        {"!/api/v1/applications/local-0/streaming/statistics", 404, "unknown app: local-0"},
        {"!/static/../../etc/passwd", 404, "unknown path"},
        {"!/api/v1/../v1/applications", 404, "unknown path"},
        {"!/", 200, "<!doctype html>"},
        {"!/streaming/", 200, "uPlot"},
        {"!/StreamingQuery/", 200, "Structured Streaming"},
        {"!/static/uPlot.iife.min.js", 200, "uPlot"},
        {"!/static/../static/uPlot.iife.min.js", 404, "unknown path"},
        {"!/static/", 404, "unknown path"},
        {"!/metrics/prometheus", 200, "# TYPE spate_streaming_"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].suffix[0] == '!')
            snprintf(path, sizeof path, "%s", cases[i].suffix + 1);
        else
            snprintf(path, sizeof path, "%s%s", base, cases[i].suffix);
        char *body;
        const char *ctype;
        int code = sp_ui_route(a, path, NULL, &body, &ctype);
        cr_expect_eq(code, cases[i].code, "%s: %d %s", path, code, body);
        cr_expect(strstr(body, cases[i].has), "%s: %s", path, body);
        free(body);
    }
    sp_ui_app_free(a);
    spate_conf_destroy(conf);
}

/* ---- the environment ---- */

Test(ui_render, environment_redacts_secrets_as_spark)
{
    static const struct {
        const char *key, *value;
        bool redacted;
    } cases[] = {
        {"spate.master", "local[2]", false},   {"kafka.sasl.password", "hunter2", true},
        {"kafka.ssl.key.password", "x", true}, {"fs.s3a.access.key", "AKIA", true},
        {"fs.s3a.accessKey", "AKIA", true},    {"my.Secret", "x", true},
        {"auth", "Bearer token-123", true}, /* the value matches */
        {"spate.app.name", "tokenless", true}, {"spate.app.name", "orders", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(sp_ui_redacted(cases[i].key, cases[i].value), cases[i].redacted, "%s = %s",
                     cases[i].key, cases[i].value);
    spate_conf *conf = spate_conf_new();
    char err[256];
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[3]", err, sizeof err), SPATE_OK, "%s",
                 err);
    cr_assert_eq(spate_conf_set(conf, "kafka.sasl.password", "hunter2", err, sizeof err), SPATE_OK,
                 "%s", err);
    sp_ui_env e;
    sp_ui_env_capture(&e, conf);
    sp_ui_buf b = {0};
    sp_ui_json_environment(&b, &e);
    char *s = take(&b);
    cr_expect(strstr(s, "[\"spate.master\",\"local[3]\"]"), "%s", s);
    cr_expect(strstr(s, "[\"spate.ui.port\",\"4040\"]"), "defaults are listed: %s", s);
    cr_expect(strstr(s, "[\"kafka.sasl.password\",\"*********(redacted)\"]"), "%s", s);
    cr_expect_null(strstr(s, "hunter2"));
    for (int i = 1; i < e.n; i++)
        cr_expect_lt(strcmp(e.keys[i - 1], e.keys[i]), 0, "sorted, once each");
    free(s);
    sp_ui_env_free(&e);
    spate_conf_destroy(conf);
}

Test(ui_render, stopping_a_query_is_refused_unless_enabled)
{
    spate_conf *conf = spate_conf_new();
    sp_ui_app *a = sp_ui_app_new(conf, false);
    sp_ui_sql_init(&a->sql, 4, 4);
    sp_ui_sql_started(&a->sql, "q1", "r1", NULL, 0);
    char path[256], *body;
    snprintf(path, sizeof path, "/api/v1/applications/%s/sql/streaming/queries/r1/stop", a->id);
    cr_expect_eq(sp_ui_kill(a, path, &body), 405, "read-only by default: %s", body);
    cr_expect(strstr(body, "spate.ui.killEnabled"), "%s", body);
    free(body);
    a->kill_enabled = true; /* no session: nothing to stop */
    cr_expect_eq(sp_ui_kill(a, path, &body), 405, "%s", body);
    free(body);
    sp_ui_app_free(a);
    spate_conf_destroy(conf);
}
