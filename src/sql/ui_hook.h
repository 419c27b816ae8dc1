/* ui_hook.h - how a SQL session gives its queries' progress to its web UI
 * without including the ui layer: this layer declares the table,
 * src/ui/ui_hooks.c defines it (docs/architecture.md, "Web UI").
 *
 * Threads: attach on the thread making the session, detach on the thread
 * freeing it, after every query stopped (no listener callback runs any
 * more). The listener's callbacks run on the queries' threads. */
#ifndef SP_SQL_UI_HOOK_H
#define SP_SQL_UI_HOOK_H

#include "sql/query.h"

#include <spate/core.h>

struct sp_session;

typedef struct sp_sql_ui_hooks {
    /* A UI for session s with configuration conf (read now), or NULL when
     * spate.ui.enabled is false. *listener gets the listener every query
     * of the session reports to (valid until detach); its server starts
     * with the first query. With spate.ui.killEnabled the UI may stop s's
     * queries (sp_query_stop, on its server's thread) until detach. */
    void *(*attach)(struct sp_session *s, const spate_conf *conf,
                    const sp_query_listener **listener);
    /* Stops the server and frees the UI (NULL: nothing). */
    void (*detach)(void *ui);
} sp_sql_ui_hooks;

extern const sp_sql_ui_hooks sp_sql_ui;

/* query_request_stop.c: asks q to stop after its running batch and returns
 * at once (sp_query_stop waits, and must not run twice at a time: the
 * session's own stop joins the thread). Any thread. */
void sp_query_request_stop(sp_query *q);

#endif
