/* ui_pool.h - the executor pool of a context, for the web UI's Executors
 * page (which reads its counters: exec/pool.h sp_pool_stats). Declared
 * apart from ui_hook.h so the hook table's header stays as it is. */
#ifndef SP_STREAM_UI_POOL_H
#define SP_STREAM_UI_POOL_H

#include "exec/pool.h"

#include <spate/stream.h>

/* ctx's pool; it lives until the context is destroyed, after the UI's stop
 * hook ran. Any thread. */
sp_pool *sp_ctx_ui_pool(spate_ctx *ctx);

#endif
