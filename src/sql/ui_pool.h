/* ui_pool.h - the executor pool of a SQL session, for the web UI's
 * Executors page (which reads its counters: exec/pool.h sp_pool_stats).
 * Declared apart from ui_hook.h so the hook table's header stays as it is. */
#ifndef SP_SQL_UI_POOL_H
#define SP_SQL_UI_POOL_H

#include "exec/pool.h"

struct sp_session;

/* s's pool; it lives until the session is freed, after the UI's detach
 * hook ran. Any thread. */
sp_pool *sp_session_ui_pool(struct sp_session *s);

#endif
