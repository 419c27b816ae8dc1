/* ui_info.c - what the web UI asks a context that its listener does not
 * tell: the names of the output operations (stream/ui_hook.h). Called on the
 * thread starting the context, before its threads run. */
#include "stream/ctx_impl.h"
#include "stream/ui_hook.h"

int sp_ctx_output_count(spate_ctx *ctx) { return ctx->noutputs; }

const char *sp_ctx_output_name(spate_ctx *ctx, int i)
{
    if (i < 0 || i >= ctx->noutputs) return NULL;
    switch (ctx->outputs[i]->kind) {
    case OUT_PRINT:
        return "print";
    case OUT_SAVE_TEXT:
        return "saveAsTextFiles";
    default:
        return "foreachRDD";
    }
}
