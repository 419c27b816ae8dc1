/* api_query.c - StreamingQuery and StreamingQueryManager of the public API:
 * a query's identity, state, waits, status and progress; the session's
 * queries (those started by SQL INSERT too, wrapped when first seen);
 * awaitAnyTermination; and the listeners, called through one dispatch
 * listener that every API query is started with, so a listener added later
 * hears running queries too. Any thread; listeners on the query's thread. */
#include "sql/api_int.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *spate_query_id(const spate_query *q) { return q ? sp_query_id(q->q) : NULL; }
const char *spate_query_run_id(const spate_query *q) { return q ? sp_query_run_id(q->q) : NULL; }
const char *spate_query_name(const spate_query *q) { return q ? sp_query_name(q->q) : NULL; }
bool spate_query_is_active(spate_query *q) { return q && sp_query_is_active(q->q); }

spate_err spate_query_stop(spate_query *q)
{
    if (!q) return SPATE_ERR_INVALID_ARG;
    sp_query_stop(q->q);
    return SPATE_OK;
}

/* SPATE_ERR_STATE with the exception as last error when q failed. */
static spate_err ended(spate_query *q)
{
    char *ex = sp_query_exception(q->q);
    if (!ex) return SPATE_OK;
    sp_api_error_take(q->ss, ex);
    return SPATE_ERR_STATE;
}

spate_err spate_query_await_termination(spate_query *q, int64_t timeout_ms)
{
    if (!q) return SPATE_ERR_INVALID_ARG;
    if (!sp_query_await(q->q, timeout_ms)) return SPATE_ERR_TIMEOUT;
    return ended(q);
}

spate_err spate_query_process_all_available(spate_query *q)
{
    if (!q) return SPATE_ERR_INVALID_ARG;
    char why[2048] = "";
    spate_err e = sp_query_process_all_available(q->q, why, sizeof why);
    if (e != SPATE_OK) sp_api_errorf(q->ss, "%s", why);
    return e;
}

char *spate_query_exception(spate_query *q) { return q ? sp_query_exception(q->q) : NULL; }
char *spate_query_status(spate_query *q) { return q ? sp_query_status_json(q->q) : NULL; }
char *spate_query_last_progress(spate_query *q)
{
    return q ? sp_query_last_progress(q->q, true) : NULL;
}
char *spate_query_recent_progress(spate_query *q)
{
    return q ? sp_query_recent_progress(q->q) : NULL;
}

spate_err spate_query_explain(spate_query *q, FILE *out)
{
    if (!q || !out) return SPATE_ERR_INVALID_ARG;
    spate_arena *a = spate_arena_new();
    fprintf(out, "== Analyzed Logical Plan ==\n%s\n",
            sp_plan_tree_string(a, sp_query_physical(q->q)->plan));
    fflush(out);
    spate_arena_destroy(a);
    return SPATE_OK;
}

/* ---- the manager ---- */

int spate_session_active_queries(spate_session *ss, spate_query **out, int max)
{
    if (!ss) return 0;
    int k = 0;
    pthread_mutex_lock(&ss->mu);
    for (int i = 0; i < sp_session_nqueries(ss->s); i++) {
        sp_query *q = sp_session_query(ss->s, i);
        if (!sp_query_is_active(q)) continue;
        if (out && k < max) out[k] = sp_api_wrap_query(ss, q);
        k++;
    }
    pthread_mutex_unlock(&ss->mu);
    return k;
}

spate_query *spate_session_get_query(spate_session *ss, const char *id)
{
    if (!ss || !id) return NULL;
    spate_query *w = NULL;
    pthread_mutex_lock(&ss->mu);
    for (int i = 0; !w && i < sp_session_nqueries(ss->s); i++) {
        sp_query *q = sp_session_query(ss->s, i);
        if (!strcmp(sp_query_id(q), id)) w = sp_api_wrap_query(ss, q);
    }
    pthread_mutex_unlock(&ss->mu);
    return w;
}

/* A query that ended and was not reset, or NULL. */
static spate_query *find_ended(spate_session *ss)
{
    spate_query *w = NULL;
    pthread_mutex_lock(&ss->mu);
    for (int i = 0; !w && i < sp_session_nqueries(ss->s); i++) {
        sp_query *q = sp_session_query(ss->s, i);
        if (sp_query_is_active(q)) continue;
        spate_query *x = sp_api_wrap_query(ss, q);
        if (!x->acked) w = x;
    }
    pthread_mutex_unlock(&ss->mu);
    return w;
}

spate_err spate_session_await_any_termination(spate_session *ss, int64_t timeout_ms)
{
    if (!ss) return SPATE_ERR_INVALID_ARG;
    for (int64_t waited = 0;; waited += 5) {
        spate_query *w = find_ended(ss);
        if (w) return ended(w);
        if (timeout_ms >= 0 && waited >= timeout_ms) return SPATE_ERR_TIMEOUT;
        nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
    }
}

void spate_session_reset_terminated(spate_session *ss)
{
    if (!ss) return;
    pthread_mutex_lock(&ss->mu);
    for (int i = 0; i < sp_session_nqueries(ss->s); i++) {
        sp_query *q = sp_session_query(ss->s, i);
        if (!sp_query_is_active(q)) sp_api_wrap_query(ss, q)->acked = true;
    }
    pthread_mutex_unlock(&ss->mu);
}

/* ---- listeners ---- */

int spate_session_add_listener(spate_session *ss, const spate_query_listener *l)
{
    if (!ss || !l) return SPATE_ERR_INVALID_ARG;
    pthread_mutex_lock(&ss->lmu);
    if (ss->nl == ss->capl) {
        ss->capl = ss->capl ? 2 * ss->capl : 4;
        ss->listeners = realloc(ss->listeners, sizeof *ss->listeners * (size_t)ss->capl);
        if (!ss->listeners) abort();
    }
    int id = ss->next_listener++;
    ss->listeners[ss->nl++] = (sp_api_listener){id, *l};
    pthread_mutex_unlock(&ss->lmu);
    return id;
}

spate_err spate_session_remove_listener(spate_session *ss, int id)
{
    if (!ss) return SPATE_ERR_INVALID_ARG;
    spate_err e = SPATE_ERR_NOT_FOUND;
    pthread_mutex_lock(&ss->lmu);
    for (int i = 0; i < ss->nl; i++)
        if (ss->listeners[i].id == id) {
            memmove(&ss->listeners[i], &ss->listeners[i + 1],
                    sizeof *ss->listeners * (size_t)(ss->nl - i - 1));
            ss->nl--;
            e = SPATE_OK;
            break;
        }
    pthread_mutex_unlock(&ss->lmu);
    return e;
}

/* A copy of the listeners (malloc'd), *n of them. */
static spate_query_listener *snapshot(spate_session *ss, int *n)
{
    pthread_mutex_lock(&ss->lmu);
    *n = ss->nl;
    spate_query_listener *v = malloc(sizeof *v * (size_t)(ss->nl + 1));
    if (!v) abort();
    for (int i = 0; i < ss->nl; i++)
        v[i] = ss->listeners[i].l;
    pthread_mutex_unlock(&ss->lmu);
    return v;
}

static void on_started(const char *id, const char *run_id, const char *name, void *ud)
{
    int n;
    spate_query_listener *v = snapshot(ud, &n);
    for (int i = 0; i < n; i++)
        if (v[i].on_started) v[i].on_started(id, run_id, name, v[i].ud);
    free(v);
}

static void on_progress(const sp_progress *p, void *ud)
{
    int n;
    spate_query_listener *v = snapshot(ud, &n);
    char *json = n ? sp_progress_json(p, false) : NULL;
    for (int i = 0; i < n; i++)
        if (v[i].on_progress) v[i].on_progress(json, v[i].ud);
    free(json);
    free(v);
}

static void on_idle(const char *id, const char *run_id, int64_t ts, void *ud)
{
    int n;
    spate_query_listener *v = snapshot(ud, &n);
    for (int i = 0; i < n; i++)
        if (v[i].on_idle) v[i].on_idle(id, run_id, ts, v[i].ud);
    free(v);
}

static void on_terminated(const char *id, const char *run_id, const char *ex, void *ud)
{
    int n;
    spate_query_listener *v = snapshot(ud, &n);
    for (int i = 0; i < n; i++)
        if (v[i].on_terminated) v[i].on_terminated(id, run_id, ex, v[i].ud);
    free(v);
}

const sp_query_listener *sp_api_dispatch(spate_session *ss)
{
    /* Set once, before the first query's thread starts: running queries'
     * threads read it, so it is never written again. */
    if (!ss->dispatch.ud)
        ss->dispatch = (sp_query_listener){on_started, on_progress, on_idle, on_terminated, ss};
    return &ss->dispatch;
}
