/* ui_pool.c - a context's executor pool for the web UI (ui_pool.h). */
#include "stream/ui_pool.h"

#include "stream/dstream_int.h"

sp_pool *sp_ctx_ui_pool(spate_ctx *ctx) { return sp_ctx_exec(ctx)->pool; }
