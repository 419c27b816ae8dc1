/* output.c - output operations: print, saveAsTextFiles, foreachRDD. They run
 * on the job thread, every batch, in the order they were defined. */
#include "stream/ctx_impl.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

static spate_err add_output(spate_stream *s, sp_output *o)
{
    if (!s) {
        sp_output_destroy(o);
        return SPATE_ERR_INVALID_ARG;
    }
    spate_ctx *ctx = s->ctx;
    if (!sp_ctx_check_initialized(ctx)) {
        sp_output_destroy(o);
        return SPATE_ERR_STATE;
    }
    o->stream = s;
    ctx->outputs = sp_xrealloc(ctx->outputs, sizeof *ctx->outputs * (size_t)(ctx->noutputs + 1));
    ctx->outputs[ctx->noutputs++] = o;
    return SPATE_OK;
}

void sp_output_destroy(sp_output *o)
{
    if (!o) return;
    if (o->destroy_ud) o->destroy_ud(o->ud);
    free(o->prefix);
    free(o->suffix);
    free(o);
}

spate_err spate_stream_print_to(spate_stream *s, int num, void *file)
{
    sp_output *o = sp_xcalloc(1, sizeof *o);
    o->kind = OUT_PRINT;
    o->num = num;
    o->file = file ? file : stdout;
    if (num < 0 && s) {
        sp_ctx_set_error(s->ctx, "print(%d): the number of elements must not be negative", num);
        free(o);
        return SPATE_ERR_INVALID_ARG;
    }
    return add_output(s, o);
}

spate_err spate_stream_print(spate_stream *s, int num)
{
    return spate_stream_print_to(s, num, NULL);
}

spate_err spate_stream_save_as_text_files(spate_stream *s, const char *prefix, const char *suffix)
{
    if (!prefix || !*prefix) {
        if (s) sp_ctx_set_error(s->ctx, "saveAsTextFiles: the prefix must not be empty");
        return SPATE_ERR_INVALID_ARG;
    }
    sp_output *o = sp_xcalloc(1, sizeof *o);
    o->kind = OUT_SAVE_TEXT;
    o->prefix = sp_xstrdup(prefix);
    o->suffix = sp_xstrdup(suffix ? suffix : "");
    return add_output(s, o);
}

spate_err spate_stream_foreach_rdd(spate_stream *s, spate_foreach_rdd_fn fn, void *ud)
{
    if (!fn) {
        if (s) sp_ctx_set_error(s->ctx, "foreachRDD: the function is NULL");
        return SPATE_ERR_INVALID_ARG;
    }
    sp_output *o = sp_xcalloc(1, sizeof *o);
    o->kind = OUT_FOREACH;
    o->fn = fn;
    o->ud = ud;
    return add_output(s, o);
}

spate_err sp_output_add_foreach(spate_stream *s, spate_foreach_rdd_fn fn, void *ud,
                                void (*destroy_ud)(void *ud))
{
    sp_output *o = sp_xcalloc(1, sizeof *o);
    o->kind = OUT_FOREACH;
    o->fn = fn;
    o->ud = ud;
    o->destroy_ud = destroy_ud;
    return add_output(s, o);
}

/* ---- print ---- */

static void print_value(FILE *f, spate_value v)
{
    char small[256];
    size_t n = spate_value_format(v, small, sizeof small);
    if (n < sizeof small) {
        fwrite(small, 1, n, f);
    } else {
        char *big = sp_xmalloc(n + 1);
        spate_value_format(v, big, n + 1);
        fwrite(big, 1, n, f);
        free(big);
    }
    fputc('\n', f);
}

static spate_err run_print(sp_output *o, spate_rdd *rdd, int64_t time)
{
    spate_value *first;
    size_t got;
    spate_err err = spate_rdd_take(rdd, (size_t)o->num + 1, &first, &got);
    if (err) return err;
    FILE *f = o->file;
    fprintf(f,
            "-------------------------------------------\n"
            "Time: %lld ms\n"
            "-------------------------------------------\n",
            (long long)time);
    for (size_t i = 0; i < got && i < (size_t)o->num; i++)
        print_value(f, first[i]);
    if (got > (size_t)o->num) fputs("...\n", f);
    fputc('\n', f);
    fflush(f);
    return SPATE_OK;
}

spate_err sp_output_run(spate_ctx *ctx, sp_output *o, spate_rdd *rdd, int64_t time)
{
    (void)ctx;
    switch (o->kind) {
    case OUT_PRINT:
        return run_print(o, rdd, time);
    case OUT_SAVE_TEXT:
        return sp_save_text_files(rdd, o->prefix, o->suffix, time);
    case OUT_FOREACH:
        return o->fn(rdd, time, o->ud);
    }
    return SPATE_ERR_INVALID_ARG;
}
