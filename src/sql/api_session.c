/* api_session.c - the public session (SparkSession): its life, last error,
 * sql() and table(), and the scopes that own dataframes (api_int.h).
 * Any thread; plans are built under the session's API lock. */
#include "sql/api_int.h"

#include "base/arena.h"
#include "sql/parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

spate_session *spate_session_new(const spate_conf *conf, char *errstr, size_t errstr_size)
{
    char why[512] = "";
    sp_session *s = sp_session_new(conf, why, sizeof why);
    if (!s) {
        if (errstr && errstr_size) snprintf(errstr, errstr_size, "%s", why);
        return NULL;
    }
    spate_session *ss = calloc(1, sizeof *ss);
    if (!ss) abort();
    ss->s = s;
    /* Queries that SQL starts (INSERT INTO) report to the listeners too. */
    sp_session_set_listener(s, sp_api_dispatch(ss));
    ss->root.arena = spate_arena_new();
    ss->root.catalog = s->catalog;
    pthread_mutex_init(&ss->mu, NULL);
    pthread_mutex_init(&ss->lmu, NULL);
    pthread_mutex_init(&ss->emu, NULL);
    ss->next_listener = 1;
    return ss;
}

static void release_plans(sp_api_scope *sc);

void spate_session_free(spate_session *ss)
{
    if (!ss) return;
    sp_session_stop_all(ss->s);
    /* A dataframe's plan may read a view made by SQL, whose nodes the
     * session frees: walk the plans before it does. */
    release_plans(&ss->root);
    sp_session_free(ss->s); /* the queries' plans are the root scope's */
    ss->root.nviews = 0;    /* dropped with the catalog */
    sp_api_scope_end(&ss->root);
    for (int i = 0; i < ss->nstreams; i++)
        sp_catalog_table_unref(ss->streams[i]->table);
    for (int i = 0; i < ss->nstreams; i++) {
        sp_memory_stream_free(ss->streams[i]->m);
        free(ss->streams[i]);
    }
    for (int i = 0; i < ss->nq; i++)
        free(ss->queries[i]);
    free(ss->streams);
    free(ss->queries);
    free(ss->listeners);
    free(ss->last_error);
    pthread_mutex_destroy(&ss->mu);
    pthread_mutex_destroy(&ss->lmu);
    pthread_mutex_destroy(&ss->emu);
    free(ss);
}

const char *spate_session_last_error(spate_session *ss)
{
    static _Thread_local char copy[8192];
    copy[0] = '\0';
    if (!ss) return copy;
    pthread_mutex_lock(&ss->emu);
    snprintf(copy, sizeof copy, "%s", ss->last_error ? ss->last_error : "");
    pthread_mutex_unlock(&ss->emu);
    return copy;
}

void sp_api_error_take(spate_session *ss, char *msg)
{
    pthread_mutex_lock(&ss->emu);
    free(ss->last_error);
    ss->last_error = msg ? msg : strdup("unknown error");
    pthread_mutex_unlock(&ss->emu);
}

void sp_api_errorf(spate_session *ss, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = NULL;
    if (vasprintf(&m, fmt, ap) < 0) m = NULL;
    va_end(ap);
    sp_api_error_take(ss, m);
}

void spate_session_set_output(spate_session *ss, FILE *out)
{
    if (!ss) return;
    pthread_mutex_lock(&ss->s->mu);
    ss->s->out = out ? out : stdout;
    pthread_mutex_unlock(&ss->s->mu);
}

static _Thread_local struct {
    spate_session *ss;
    sp_api_scope *sc;
} batch_scope;

sp_api_scope *sp_api_home(spate_session *ss)
{
    return batch_scope.ss == ss && batch_scope.sc ? batch_scope.sc : &ss->root;
}

void sp_api_set_batch_scope(spate_session *ss, sp_api_scope *sc)
{
    batch_scope.ss = sc ? ss : NULL;
    batch_scope.sc = sc;
}

sp_analyzer sp_api_analyzer(spate_session *ss, sp_api_scope *sc, const char *text)
{
    return sp_session_analyzer(ss->s, sc->arena, text);
}

const char *sp_api_strdup(sp_api_scope *sc, const char *s)
{
    return s ? sp_arena_memdup(sc->arena, s, strlen(s) + 1) : NULL;
}

spate_dataframe *sp_api_df(spate_session *ss, sp_api_scope *sc, sp_plan *plan, bool release)
{
    spate_dataframe *df = spate_arena_alloc(sc->arena, sizeof *df);
    memset(df, 0, sizeof *df);
    df->ss = ss;
    df->scope = sc;
    df->plan = plan;
    if (release) {
        if (sc->nrelease == sc->caprelease) {
            sc->caprelease = sc->caprelease ? 2 * sc->caprelease : 8;
            sc->release = realloc(sc->release, sizeof *sc->release * (size_t)sc->caprelease);
            if (!sc->release) abort();
        }
        sc->release[sc->nrelease++] = plan;
    }
    return df;
}

const char *sp_api_hidden_name(spate_session *ss, sp_api_scope *sc)
{
    char buf[64];
    snprintf(buf, sizeof buf, "__spate_api_%lld", (long long)++ss->next_hidden);
    return sp_api_strdup(sc, buf);
}

/* Gives back the table references of sc's plans. */
static void release_plans(sp_api_scope *sc)
{
    for (int i = 0; i < sc->nrelease; i++)
        sp_analyze_release(sc->release[i]);
    free(sc->release);
    sc->release = NULL;
    sc->nrelease = sc->caprelease = 0;
}

void sp_api_scope_end(sp_api_scope *sc)
{
    release_plans(sc);
    for (int i = 0; i < sc->nviews; i++)
        sp_catalog_drop(sc->catalog, sc->views[i]);
    free(sc->views);
    sc->views = NULL;
    sc->nviews = sc->capviews = 0;
    spate_arena_destroy(sc->arena);
    sc->arena = NULL;
}

spate_query *sp_api_wrap_query(spate_session *ss, sp_query *q)
{
    for (int i = 0; i < ss->nq; i++)
        if (ss->queries[i]->q == q) return ss->queries[i];
    if (ss->nq == ss->capq) {
        ss->capq = ss->capq ? 2 * ss->capq : 4;
        ss->queries = realloc(ss->queries, sizeof *ss->queries * (size_t)ss->capq);
        if (!ss->queries) abort();
    }
    spate_query *w = calloc(1, sizeof *w);
    if (!w) abort();
    w->ss = ss;
    w->q = q;
    ss->queries[ss->nq++] = w;
    return w;
}

/* An empty static dataframe: what a statement gives. */
static spate_dataframe *empty_df(spate_session *ss)
{
    sp_plan *p = sp_plan_new(ss->root.arena, SP_PLAN_VALUES);
    p->out = spate_arena_alloc(ss->root.arena, sizeof *p->out);
    return sp_api_df(ss, &ss->root, p, false);
}

static bool is_query(const sp_sql_node *n)
{
    return n->kind == SQL_QUERY || n->kind == SQL_SELECT || n->kind == SQL_SETOP;
}

spate_dataframe *spate_session_sql(spate_session *ss, const char *text)
{
    if (!ss || !text) return NULL;
    pthread_mutex_lock(&ss->mu);
    spate_arena *a = spate_arena_new();
    sp_sql_list stmts = {0};
    sp_sql_error e;
    sp_sql_error_init(&e);
    spate_dataframe *df = NULL;
    if (!sp_sql_parse(text, strlen(text), a, &stmts, &e)) {
        sp_api_error_take(ss, sp_session_error(&e, text));
    } else if (stmts.n == 1 && is_query(stmts.items[0])) {
        /* The plan keeps names from the parse tree (aliases, a window
         * rewrite's items): parse again where the plan lives. */
        sp_api_scope *sc = sp_api_home(ss);
        const char *copy = sp_api_strdup(sc, text);
        sp_sql_list kept = {0};
        sp_sql_parse(copy, strlen(copy), sc->arena, &kept, &e);
        sp_analyzer az = sp_api_analyzer(ss, sc, copy);
        sp_plan *p = sp_analyze_query(&az, kept.items[0], &e);
        if (p)
            df = sp_api_df(ss, sc, p, true);
        else
            sp_api_error_take(ss, sp_session_error(&e, text));
    } else {
        char *err = NULL;
        pthread_mutex_lock(&ss->s->mu);
        FILE *out = ss->s->out;
        pthread_mutex_unlock(&ss->s->mu);
        if (sp_session_run(ss->s, text, out, &err))
            df = empty_df(ss);
        else
            sp_api_error_take(ss, err);
    }
    spate_arena_destroy(a);
    pthread_mutex_unlock(&ss->mu);
    return df;
}

spate_dataframe *spate_session_table(spate_session *ss, const char *name)
{
    if (!ss || !name) return NULL;
    sp_catalog_table *t = sp_catalog_get(ss->s->catalog, name);
    if (!t) {
        sp_api_errorf(ss,
                      "[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s` cannot be found. Verify "
                      "the spelling and correctness of the schema and catalog. SQLSTATE: 42P01",
                      name);
        return NULL;
    }
    pthread_mutex_lock(&ss->mu);
    sp_api_scope *sc = sp_api_home(ss);
    sp_analyzer az = sp_api_analyzer(ss, sc, NULL);
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_plan *p = sp_analyze_scan(&az, t, false, &e);
    spate_dataframe *df = p ? sp_api_df(ss, sc, p, true) : NULL;
    if (!p) sp_api_error_take(ss, sp_session_error(&e, NULL));
    pthread_mutex_unlock(&ss->mu);
    sp_catalog_table_unref(t);
    return df;
}
