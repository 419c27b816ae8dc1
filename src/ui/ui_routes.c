/* ui_routes.c - which renderer answers which path (ui_app.h). Paths are
 * Spark's REST API's (/api/v1/applications/{appId}/streaming/...) plus
 * spate's queries and /metrics/prometheus; anything else is a 404 with a
 * JSON message, as an unknown batch or query is; the pages and their
 * scripts (ui_assets.h) by their exact names. Runs on the server's
 * thread; renders under the app's mutex. */
#include "ui/ui_app.h"
#include "ui/ui_assets.h"
#include "ui/ui_executors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char JSON[] = "application/json";

enum { MAX_SEGS = 10 };

/* Splits path into its '/' segments (in buf); -1 when there are too many
 * or one is "." or "..". */
static int split(const char *path, char *buf, size_t n, char **seg)
{
    snprintf(buf, n, "%s", path);
    int k = 0;
    for (char *save = NULL, *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (k == MAX_SEGS || !strcmp(t, ".") || !strcmp(t, "..")) return -1;
        seg[k++] = t;
    }
    return k;
}

static int not_found(sp_ui_buf *b, const char *what, const char *arg)
{
    sp_ui_buf_puts(b, "{\"message\":");
    char msg[300];
    snprintf(msg, sizeof msg, "%s%s", what, arg ? arg : "");
    sp_ui_buf_json_str(b, msg);
    sp_ui_buf_puts(b, "}");
    return 404;
}

static bool parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end) return false;
    *out = v;
    return true;
}

static int streaming(sp_ui_app *a, char **seg, int n, const char *status, sp_ui_buf *b)
{
    const sp_ui_stream *m = &a->stream;
    if (!a->is_stream) return not_found(b, "no streaming listener attached to ", a->info.name);
    if (n == 1 && !strcmp(seg[0], "statistics")) return sp_ui_json_statistics(b, m), 200;
    if (n == 1 && !strcmp(seg[0], "receivers")) return sp_ui_json_receivers(b, m), 200;
    if (n == 1 && !strcmp(seg[0], "inputs")) return sp_ui_json_inputs(b, m), 200;
    if (n == 1 && !strcmp(seg[0], "batches")) return sp_ui_json_batches(b, m, status), 200;
    if ((n == 2 || n == 3) && !strcmp(seg[0], "batches")) {
        int64_t t;
        const sp_ui_batch *x = parse_i64(seg[1], &t) ? sp_ui_stream_find(m, t) : NULL;
        if (!x) return not_found(b, "unknown batch: ", seg[1]);
        if (n == 2) return sp_ui_json_batch(b, m, x), 200;
        if (!strcmp(seg[2], "operations")) return sp_ui_json_operations(b, m, x), 200;
    }
    return not_found(b, "unknown path", NULL);
}

static int queries(sp_ui_app *a, char **seg, int n, sp_ui_buf *b)
{
    if (a->is_stream) return not_found(b, "no streaming queries in ", a->info.name);
    if (n == 0) return sp_ui_json_queries(b, &a->sql, sp_ui_now_ms()), 200;
    const sp_ui_query *q = sp_ui_sql_find(&a->sql, seg[0]);
    if (!q) return not_found(b, "unknown query: ", seg[0]);
    if (n == 2 && !strcmp(seg[1], "progress")) return sp_ui_json_query_progress(b, q), 200;
    return not_found(b, "unknown path", NULL);
}

static int api(sp_ui_app *a, char **seg, int n, const char *status, sp_ui_buf *b)
{
    if (n == 0) return sp_ui_json_applications(b, &a->info, sp_ui_now_ms()), 200;
    if (strcmp(seg[0], a->id)) return not_found(b, "unknown app: ", seg[0]);
    if (n == 2 && !strcmp(seg[1], "environment")) return sp_ui_json_environment(b, &a->env), 200;
    if (n >= 2 && !strcmp(seg[1], "streaming")) return streaming(a, seg + 2, n - 2, status, b);
    if (n >= 4 && !strcmp(seg[1], "sql") && !strcmp(seg[2], "streaming") &&
        !strcmp(seg[3], "queries"))
        return queries(a, seg + 4, n - 4, b);
    return not_found(b, "unknown path", NULL);
}

/* The embedded file served at exactly path (a copy), or NULL: a name is
 * looked up as a whole, so no path reaches the file system. */
static char *asset(const char *path, const char **ctype)
{
    if (!strcmp(path, "/executors/")) path = "/"; /* the start page is the Executors tab */
    for (int i = 0; i < sp_ui_nassets; i++) {
        if (strcmp(sp_ui_assets[i].url, path)) continue;
        char *copy = malloc(sp_ui_assets[i].len + 1);
        if (!copy) abort();
        memcpy(copy, sp_ui_assets[i].data, sp_ui_assets[i].len);
        copy[sp_ui_assets[i].len] = '\0';
        *ctype = sp_ui_assets[i].content_type;
        return copy;
    }
    return NULL;
}

/* .../executors: the pool's atomics and the process's memory, read
 * without holding the app's mutex while reading (ui_executors.h). */
static int executors(sp_ui_app *a, char **body)
{
    sp_pool_thread_stats *t = malloc(sizeof *t * SP_UI_MAX_THREADS);
    if (!t) abort();
    sp_ui_executors e = {.add_ms = a->info.start_ms};
    pthread_mutex_lock(&a->mu); /* port is set after the server's thread starts */
    e.port = a->port;
    pthread_mutex_unlock(&a->mu);
    sp_ui_executors_read(&e, a->pool, t);
    sp_ui_buf b = {0};
    sp_ui_json_executors(&b, &e);
    free(t);
    *body = sp_ui_buf_take(&b);
    return 200;
}

int sp_ui_route(sp_ui_app *a, const char *path, const char *status, char **body, const char **ctype)
{
    if ((*body = asset(path, ctype))) return 200;
    char buf[1024], *seg[MAX_SEGS];
    sp_ui_buf b = {0};
    int code, n = strlen(path) < sizeof buf ? split(path, buf, sizeof buf, seg) : -1;
    *ctype = JSON;
    if (n == 5 && !strcmp(seg[0], "api") && !strcmp(seg[1], "v1") &&
        !strcmp(seg[2], "applications") && !strcmp(seg[3], a->id) &&
        (!strcmp(seg[4], "executors") || !strcmp(seg[4], "allexecutors")))
        return executors(a, body);
    pthread_mutex_lock(&a->mu);
    sp_ui_drain(a); /* the engine's events since the last page */
    if (n < 0) {
        code = not_found(&b, "unknown path", NULL);
    } else if (n == 2 && !strcmp(seg[0], "metrics") && !strcmp(seg[1], "prometheus")) {
        sp_ui_prometheus(&b, &a->info, a->is_stream ? &a->stream : NULL,
                         a->is_stream ? NULL : &a->sql);
        *ctype = "text/plain; version=0.0.4; charset=utf-8";
        code = 200;
    } else if (n >= 3 && !strcmp(seg[0], "api") && !strcmp(seg[1], "v1") &&
               !strcmp(seg[2], "applications")) {
        code = api(a, seg + 3, n - 3, status, &b);
    } else {
        code = not_found(&b, "unknown path", NULL);
    }
    pthread_mutex_unlock(&a->mu);
    *body = sp_ui_buf_take(&b);
    return code;
}
