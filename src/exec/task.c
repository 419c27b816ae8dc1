/* task.c - the task handle callbacks see, value vectors and the collect sink. */
#include "exec/task.h"

#include "base/arena.h"
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

spate_arena *spate_task_arena(spate_task *t) { return t->arena; }
int spate_task_partition(spate_task *t) { return t->partition; }
bool spate_task_failed(const spate_task *t) { return t->failed; }

void spate_task_bad_record(spate_task *t, const char *what, spate_value record)
{
    atomic_fetch_add(&sp_scope_exec(t->scope)->bad_records, 1);
    char text[512];
    size_t n = spate_value_format(record, text, sizeof text);
    sp_log(SP_LOG_WARN, "Executor", "%s (partition %d): %s%s", what, t->partition, text,
           n >= sizeof text ? "..." : "");
}

void spate_task_fail(spate_task *t, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!t->failed) atomic_fetch_add(&sp_scope_exec(t->scope)->errors, 1);
    t->failed = true;
    sp_scope_fail(t->scope, SPATE_ERR_USER, "task for partition %d failed: %s", t->partition, msg);
    sp_log(SP_LOG_ERROR, "Executor", "task for partition %d failed: %s", t->partition, msg);
}

void spate_sink_push(spate_sink *out, spate_value v) { out->push(out, v); }

void sp_vvec_push(sp_vvec *v, spate_value x)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->data = sp_xrealloc(v->data, v->cap * sizeof *v->data);
    }
    v->data[v->len++] = x;
}

void sp_vvec_free(sp_vvec *v)
{
    free(v->data);
    v->data = NULL;
    v->len = v->cap = 0;
}

static void collect_push(spate_sink *self, spate_value v)
{
    sp_collect_sink *s = (sp_collect_sink *)self;
    if (!self->task->failed) sp_vvec_push(s->out, v);
}

void sp_collect_sink_init(sp_collect_sink *s, spate_task *t, sp_vvec *out)
{
    s->base = (spate_sink){.push = collect_push, .task = t};
    s->out = out;
}

void sp_task_begin_transient(spate_task *t)
{
    sp_exec *e = sp_scope_exec(t->scope);
    if (t->thread < 0 || t->thread >= sp_pool_threads(e->pool)) return;
    t->arena = e->scratch[t->thread];
    t->scratch_mark = sp_arena_get_mark(t->arena);
    t->transient = true;
}

void sp_task_end_transient(spate_task *t, spate_arena *persistent)
{
    if (!t->transient) return;
    sp_arena_release(t->arena, t->scratch_mark);
    t->arena = persistent;
    t->transient = false;
}
