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

typedef struct sp_sql_ui_hooks {
    /* A UI for a session with configuration conf (read now), or NULL when
     * spate.ui.enabled is false. *listener gets the listener every query
     * of the session reports to (valid until detach); its server starts
     * with the first query. */
    void *(*attach)(const spate_conf *conf, const sp_query_listener **listener);
    /* Stops the server and frees the UI (NULL: nothing). */
    void (*detach)(void *ui);
} sp_sql_ui_hooks;

extern const sp_sql_ui_hooks sp_sql_ui;

#endif
