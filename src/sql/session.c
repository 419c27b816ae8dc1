/* session.c - a session's life, its statements run in order, and its
 * queries (session.h). */
#include "sql/session_int.h"

#include "base/clock.h"
#include "base/conf.h"
#include "sql/parser.h"
#include "sql/ui_hook.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sp_session *sp_session_new(const spate_conf *conf, char *err, size_t n)
{
    spate_conf *c = conf ? spate_conf_dup(conf) : spate_conf_new();
    const char *zone = spate_conf_get(c, "spate.sql.session.timeZone");
    const sp_tz *tz = sp_tz_get(zone ? zone : "UTC", err, n);
    int threads = sp_master_threads(spate_conf_get(c, "spate.master"));
    if (!tz || threads < 1) {
        if (tz) snprintf(err, n, "invalid spate.master: %s", spate_conf_get(c, "spate.master"));
        spate_conf_destroy(c);
        return NULL;
    }
    sp_session *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->conf = c;
    s->tz = tz;
    s->catalog = sp_catalog_new(sp_conf_bool(c, "spate.sql.caseSensitive"));
    s->pool = sp_pool_new(threads);
    const char *clock = spate_conf_get(c, "spate.streaming.clock");
    s->clock = sp_clock_new(clock && strcmp(clock, "manual") == 0, 0);
    s->arena = spate_arena_new();
    s->parsed = spate_arena_new();
    s->next_id = 1;
    s->out = stdout;
    pthread_mutex_init(&s->mu, NULL);
    s->ui = sp_sql_ui.attach(s, c, &s->ui_listener); /* spate.ui.enabled */
    sp_session_set_listener(s, NULL);
    return s;
}

void sp_session_stop_all(sp_session *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->nq;
    pthread_mutex_unlock(&s->mu);
    for (int i = 0; i < n; i++)
        sp_query_stop(s->queries[i].q);
}

void sp_session_free(sp_session *s)
{
    if (!s) return;
    sp_session_stop_all(s);
    sp_sql_ui.detach(s->ui); /* no query calls its listener any more */
    for (int i = 0; i < s->nq; i++) {
        sp_started_query *sq = &s->queries[i];
        if (sp_query_name(sq->q)) sp_catalog_drop(s->catalog, sp_query_name(sq->q));
        sp_query_free(sq->q);
        if (sq->plan) sp_analyze_release(sq->plan);
        sp_session_source_defs_free(sq->sources, sq->nsources);
        sp_sink_def_free(sq->sink);
        spate_arena_destroy(sq->arena);
    }
    free(s->queries);
    for (int i = 0; i < s->nviews; i++)
        sp_analyze_release(s->views[i]);
    free(s->views);
    sp_catalog_free(s->catalog);
    sp_pool_destroy(s->pool);
    sp_clock_destroy(s->clock);
    spate_arena_destroy(s->arena);
    spate_arena_destroy(s->parsed);
    spate_conf_destroy(s->conf);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

void sp_session_set_listener(sp_session *s, const sp_query_listener *l)
{
    s->listener = l;
    s->nql = 0;
    if (l) s->qlisteners[s->nql++] = *l;
    if (s->ui_listener) s->qlisteners[s->nql++] = *s->ui_listener;
}

const sp_query_listener *sp_session_query_listeners(sp_session *s, int *n)
{
    *n = s->nql;
    return s->nql ? s->qlisteners : NULL;
}

void sp_session_keep_view(sp_session *s, const sp_plan *p)
{
    if (s->nviews == s->capviews) {
        s->capviews = s->capviews ? 2 * s->capviews : 8;
        s->views = realloc(s->views, sizeof *s->views * (size_t)s->capviews);
        if (!s->views) abort();
    }
    s->views[s->nviews++] = p;
}

sp_analyzer sp_session_analyzer(sp_session *s, spate_arena *a, const char *text)
{
    sp_analyzer az = {a,
                      s->catalog,
                      sp_conf_bool(s->conf, "spate.sql.ansi.enabled"),
                      sp_conf_bool(s->conf, "spate.sql.caseSensitive"),
                      s->tz,
                      &s->next_id,
                      text,
                      text ? strlen(text) : 0,
                      NULL};
    return az;
}

char *sp_session_error(sp_sql_error *e, const char *text)
{
    char *msg = sp_sql_error_render(e, text);
    sp_sql_error_clear(e);
    return msg;
}

char *sp_session_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) s = NULL;
    va_end(ap);
    return s;
}

bool sp_session_run(sp_session *s, const char *text, FILE *out, char **err)
{
    *err = NULL;
    sp_sql_list stmts = {0};
    sp_sql_error e;
    sp_sql_error_init(&e);
    spate_arena *a = s->parsed;
    bool ok = sp_sql_parse(text, strlen(text), a, &stmts, &e);
    if (!ok) *err = sp_session_error(&e, text);
    pthread_mutex_lock(&s->mu);
    s->out = out;
    pthread_mutex_unlock(&s->mu);
    for (uint32_t i = 0; ok && i < stmts.n; i++)
        ok = sp_session_exec(s, stmts.items[i], text, err);
    return ok;
}

int sp_session_nqueries(sp_session *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->nq;
    pthread_mutex_unlock(&s->mu);
    return n;
}

sp_query *sp_session_query(sp_session *s, int i)
{
    pthread_mutex_lock(&s->mu);
    sp_query *q = i >= 0 && i < s->nq ? s->queries[i].q : NULL;
    pthread_mutex_unlock(&s->mu);
    return q;
}

bool sp_session_await_all(sp_session *s, int64_t timeout_ms)
{
    int64_t deadline = sp_monotonic_ms() + timeout_ms;
    for (int i = 0; i < sp_session_nqueries(s); i++) {
        int64_t left = timeout_ms < 0 ? -1 : deadline - sp_monotonic_ms();
        if (timeout_ms >= 0 && left < 0) left = 0;
        if (!sp_query_await(sp_session_query(s, i), left)) return false;
    }
    return true;
}

spate_clock *sp_session_clock(sp_session *s) { return s->clock; }
const spate_conf *sp_session_conf(sp_session *s) { return s->conf; }
