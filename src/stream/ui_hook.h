/* ui_hook.h - how a streaming context starts and stops its web UI without
 * including the ui layer: this layer declares the table, src/ui/ui_hooks.c
 * defines it (docs/architecture.md, "Web UI"). The handle is opaque here.
 *
 * Threads: start on the thread starting the context (spate_ctx_start, the
 * context's logger bound), once; stop on the thread destroying it, after the
 * context stopped (no listener callback runs any more). */
#ifndef SP_STREAM_UI_HOOK_H
#define SP_STREAM_UI_HOOK_H

#include <spate/stream.h>

typedef struct sp_stream_ui_hooks {
    /* Starts ctx's UI when spate.ui.enabled; NULL when disabled or when no
     * port could be bound (logged). */
    void *(*start)(spate_ctx *ctx);
    /* Stops the server and frees the UI (NULL: nothing). */
    void (*stop)(void *ui);
} sp_stream_ui_hooks;

extern const sp_stream_ui_hooks sp_stream_ui;

/* ui_info.c: the context's output operations and their Spark names
 * ("print", "saveAsTextFiles", "foreachRDD"); NULL past the last. Before
 * the context's threads run (the start hook). */
int sp_ctx_output_count(spate_ctx *ctx);
const char *sp_ctx_output_name(spate_ctx *ctx, int i);

#endif
