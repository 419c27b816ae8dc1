/* ui_pool.c - a session's executor pool for the web UI (ui_pool.h). */
#include "sql/ui_pool.h"

#include "sql/session_int.h"

sp_pool *sp_session_ui_pool(struct sp_session *s) { return s->pool; }
