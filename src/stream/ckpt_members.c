/* ckpt_members.c - the DStream graph as the checkpoint coordinator sees it
 * (stream/ckpt/ckpt.h): one member per stream whose checkpoint hooks it
 * forwards, a stream's checkpoint interval (DStream.checkpoint), and the
 * graph's description for the fingerprint. The coordinator
 * reads no stream itself: this file is the only place where the two meet.
 *
 * The description lists every stream in id order (its operator's name,
 * parents, slide and parameters) and every output operation (its kind,
 * stream and print/save parameters). Callbacks themselves cannot be
 * compared: a setup that passes other functions to the same operators is
 * not detected. */
#include "stream/ckpt/ckpt.h"
#include "stream/ctx_impl.h"

#include "base/arena.h"
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- hooks: a member's self is its stream ---------------------------------- */

static spate_err save_state(void *self, int64_t t, bool full, sp_ckpt_out *w)
{
    spate_stream *s = self;
    return s->ops->save_state(s, t, full, w);
}

static spate_err load_state(void *self, int64_t t, bool full, sp_ckpt_in *in)
{
    spate_stream *s = self;
    return s->ops->load_state(s, t, full, in);
}

static void save_batch_input(void *self, int64_t t, sp_ckpt_out *w)
{
    spate_stream *s = self;
    s->ops->save_batch_input(s, t, w);
}

static spate_err restore_batch_input(void *self, int64_t t, sp_ckpt_in *in)
{
    spate_stream *s = self;
    return s->ops->restore_batch_input(s, t, in);
}

static void save_position(void *self, sp_ckpt_out *w)
{
    spate_stream *s = self;
    s->ops->save_position(s, w);
}

static spate_err load_position(void *self, sp_ckpt_in *in)
{
    spate_stream *s = self;
    return s->ops->load_position(s, in);
}

static sp_ckpt_member member_of(spate_stream *s)
{
    const sp_stream_ops *o = s->ops;
    /* Inputs alone save what they took and where they stand. */
    bool in = s->is_input;
    return (sp_ckpt_member){
        .id = s->id,
        .name = o->name,
        .is_input = in,
        .needs_directory = s->needs_checkpoint || s->checkpoint_interval > 0,
        .interval = s->checkpoint_interval,
        .slide = s->slide,
        .self = s,
        .save_state = o->save_state ? save_state : NULL,
        .load_state = o->load_state ? load_state : NULL,
        .save_batch_input = in && o->save_batch_input ? save_batch_input : NULL,
        .restore_batch_input = in && o->restore_batch_input ? restore_batch_input : NULL,
        .save_position = in && o->save_position ? save_position : NULL,
        .load_position = in && o->load_position ? load_position : NULL,
    };
}

sp_ckpt_member *sp_graph_ckpt_members(spate_ctx *ctx, int *n)
{
    sp_ckpt_member *v = sp_xcalloc((size_t)ctx->nstreams + 1, sizeof *v);
    for (int i = 0; i < ctx->nstreams; i++)
        v[i] = member_of(ctx->streams[i]);
    *n = ctx->nstreams;
    return v;
}

/* ---- DStream.checkpoint(interval) ------------------------------------------ */

spate_err spate_stream_checkpoint(spate_stream *s, spate_duration interval)
{
    if (!s) return SPATE_ERR_INVALID_ARG;
    if (spate_ctx_get_state(s->ctx) != SPATE_CTX_INITIALIZED) {
        sp_ctx_set_error(s->ctx, "Cannot change checkpoint interval of a DStream after streaming "
                                 "context has started");
        return SPATE_ERR_STATE;
    }
    if (interval < s->slide) {
        sp_ctx_set_error(s->ctx,
                         "The checkpoint interval for %s has been set to %lld ms which is lower "
                         "than its slide time (%lld ms). Please set it to at least %lld ms.",
                         s->ops->name, (long long)interval, (long long)s->slide,
                         (long long)s->slide);
        return SPATE_ERR_INVALID_ARG;
    }
    if (interval % s->slide != 0) {
        sp_ctx_set_error(s->ctx,
                         "The checkpoint interval for %s has been set to %lld ms which is not a "
                         "multiple of its slide time (%lld ms). Please set it to a multiple of "
                         "%lld ms.",
                         s->ops->name, (long long)interval, (long long)s->slide,
                         (long long)s->slide);
        return SPATE_ERR_INVALID_ARG;
    }
    s->checkpoint_interval = interval;
    return SPATE_OK;
}

/* ---- the description --------------------------------------------------------- */

typedef struct text {
    char *buf;
    size_t len, cap;
} text;

static void append(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void append(text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = 2 * (t->len + (size_t)n + 1);
        t->buf = sp_xrealloc(t->buf, t->cap);
    }
}

static const char *output_kind(out_kind k)
{
    switch (k) {
    case OUT_PRINT:
        return "print";
    case OUT_SAVE_TEXT:
        return "saveAsTextFiles";
    case OUT_FOREACH:
        return "foreachRDD";
    }
    return "?";
}

static void describe_stream(text *t, const spate_stream *s)
{
    append(t, "stream %d: %s(", s->id, s->ops->name);
    for (int i = 0; i < s->nparents; i++)
        append(t, "%s%d", i ? ", " : "", s->parents[i] ? s->parents[i]->id : -1);
    append(t, ") slide=%lld", (long long)s->slide);
    if (s->params[0]) append(t, " %.*s", (int)sizeof s->params, s->params);
    append(t, "\n");
}

static void describe_output(text *t, int i, const sp_output *o)
{
    append(t, "output %d: %s(stream %d)", i, output_kind(o->kind), o->stream->id);
    if (o->kind == OUT_PRINT) append(t, " num=%d", o->num);
    if (o->kind == OUT_SAVE_TEXT) append(t, " prefix=%s suffix=%s", o->prefix, o->suffix);
    append(t, "\n");
}

char *sp_graph_describe(spate_ctx *ctx)
{
    text t = {.cap = 256};
    t.buf = sp_xmalloc(t.cap);
    t.buf[0] = '\0';
    for (int i = 0; i < ctx->nstreams; i++)
        describe_stream(&t, ctx->streams[i]);
    for (int i = 0; i < ctx->noutputs; i++)
        describe_output(&t, i, ctx->outputs[i]);
    return t.buf;
}
