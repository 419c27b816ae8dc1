/* fingerprint.c - the graph's fingerprint: a C program cannot serialise its
 * callbacks, so recovery runs setup again and checks that it built the same
 * graph as the checkpointed one. The description lists every stream in id
 * order (its operator's name, parents, slide and parameters) and every
 * output operation (its kind, stream and print/save parameters); the
 * fingerprint is its xxh64. Callbacks themselves cannot be compared: a setup
 * that passes other functions to the same operators is not detected. */
#include "stream/ckpt/ckpt_int.h"

#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

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
    case OUT_PRINT: return "print";
    case OUT_SAVE_TEXT: return "saveAsTextFiles";
    case OUT_FOREACH: return "foreachRDD";
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

char *sp_ckpt_graph_describe(spate_ctx *ctx)
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

uint64_t sp_ckpt_fingerprint(const char *description)
{
    return XXH64(description, strlen(description), 0);
}

/* Copies the line at *p (without its newline) into buf and moves *p past it. */
static void next_line(const char **p, char *buf, size_t size)
{
    size_t n = strcspn(*p, "\n");
    snprintf(buf, size, "%.*s", (int)n, *p);
    *p += n + ((*p)[n] == '\n');
}

void sp_ckpt_graph_diff(const char *ckpt, const char *now, char *buf, size_t size)
{
    const char *a = ckpt, *b = now;
    while (*a || *b) {
        char la[256], lb[256];
        next_line(&a, la, sizeof la);
        next_line(&b, lb, sizeof lb);
        if (strcmp(la, lb) == 0) continue;
        snprintf(buf, size, "the checkpoint has \"%s\", setup defined \"%s\"",
                 la[0] ? la : "(nothing more)", lb[0] ? lb : "(nothing more)");
        return;
    }
    snprintf(buf, size, "the descriptions are equal but the fingerprints differ");
}
