/* task.h - what a task is while it runs, and the push-based sinks narrow
 * operators are pipelined through. */
#ifndef SP_TASK_H
#define SP_TASK_H

#include <spate/core.h>

#include "base/arena.h"
#include "exec/scope.h"

struct spate_task {
    sp_scope *scope;
    spate_arena *arena;
    int partition;
    int thread;
    bool failed;
    /* The task's final sink keeps nothing it is given without copying it
     * (counting, map-side combining): arena is then the thread's scratch arena
     * and sources release it between elements with sp_task_recycle. */
    bool transient;
    sp_arena_mark scratch_mark;
};

/* Makes t transient (see above) until sp_task_end_transient. */
void sp_task_begin_transient(spate_task *t);
void sp_task_end_transient(spate_task *t, spate_arena *persistent);
/* Called by sources between the elements they push: in a transient task,
 * frees what the chain allocated since the source took its mark. */
static inline void sp_task_recycle(spate_task *t, sp_arena_mark mark)
{
    if (t->transient) sp_arena_release(t->arena, mark);
}

/* A column batch (exec/colbatch.h). */
typedef struct sp_colbatch sp_colbatch;

/* A sink is a stage: push hands it one element, push_batch (NULL when the
 * stage takes elements only) a column batch, which it reads before returning
 * (sp_sink_push_batch turns a batch into elements for a stage without it).
 * Stages are allocated on the task's stack or arena and chained: map ->
 * filter -> shuffle writer. */
struct spate_sink {
    void (*push)(spate_sink *self, spate_value v);
    spate_task *task;
    void (*push_batch)(spate_sink *self, const sp_colbatch *b);
};

/* A growable vector of values, malloc'd (hand the buffer to a scope with
 * sp_scope_own when it must outlive the task). */
typedef struct sp_vvec {
    spate_value *data;
    size_t len, cap;
} sp_vvec;

void sp_vvec_push(sp_vvec *v, spate_value x);
void sp_vvec_free(sp_vvec *v);

/* A sink that appends to a vector. */
typedef struct sp_collect_sink {
    spate_sink base;
    sp_vvec *out;
} sp_collect_sink;

void sp_collect_sink_init(sp_collect_sink *s, spate_task *t, sp_vvec *out);

#endif
