/* ui_kill.c - stopping a query from the UI (spate.ui.killEnabled, off by
 * default): POST /api/v1/applications/{appId}/sql/streaming/queries/
 * {runId}/stop. The page asks for a confirmation first. Runs on the
 * server's thread: the app's mutex only to check the run, then asks the
 * query to stop (it ends after its running batch; the terminated callback
 * marks it in the model) and answers at once. */
#include "ui/ui_app.h"

#include "sql/session.h"
#include "sql/ui_hook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int answer(char **body, int code, const char *key, const char *value)
{
    sp_ui_buf b = {0};
    sp_ui_buf_printf(&b, "{\"%s\":", key);
    sp_ui_buf_json_str(&b, value);
    sp_ui_buf_puts(&b, "}");
    *body = sp_ui_buf_take(&b);
    return code;
}

/* The run id in path when it is .../{appId}/sql/streaming/queries/{id}/stop. */
static bool stop_path(const sp_ui_app *a, const char *path, char *run, size_t n)
{
    char prefix[160];
    snprintf(prefix, sizeof prefix, "/api/v1/applications/%s/sql/streaming/queries/", a->id);
    size_t k = strlen(prefix);
    if (strncmp(path, prefix, k)) return false;
    const char *id = path + k, *slash = strchr(id, '/');
    if (!slash || slash == id || (size_t)(slash - id) >= n || strcmp(slash, "/stop")) return false;
    snprintf(run, n, "%.*s", (int)(slash - id), id);
    return true;
}

int sp_ui_kill(sp_ui_app *a, const char *path, char **body)
{
    char run[64];
    if (!a->kill_enabled || a->is_stream || !a->session || !stop_path(a, path, run, sizeof run))
        return answer(body, 405, "message",
                      "POST is accepted only to stop a query, with "
                      "spate.ui.killEnabled=true");
    pthread_mutex_lock(&a->mu);
    const sp_ui_query *uq = sp_ui_sql_find(&a->sql, run);
    bool running = uq && uq->end_ms < 0 && !strcmp(uq->run_id, run);
    pthread_mutex_unlock(&a->mu);
    sp_query *q = NULL;
    for (int i = 0, n = running ? sp_session_nqueries(a->session) : 0; i < n && !q; i++) {
        sp_query *x = sp_session_query(a->session, i);
        if (x && !strcmp(sp_query_run_id(x), run)) q = x;
    }
    if (!q) return answer(body, 404, "message", "no running query with this run id");
    /* Not sp_query_stop: the session's stop may join the thread meanwhile. */
    sp_query_request_stop(q);
    return answer(body, 200, "stopping", run);
}
