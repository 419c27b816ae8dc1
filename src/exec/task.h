/* task.h - what a task is while it runs, and the push-based sinks narrow
 * operators are pipelined through. */
#ifndef SP_TASK_H
#define SP_TASK_H

#include <spate/core.h>

#include "exec/scope.h"

struct spate_task {
    sp_scope *scope;
    spate_arena *arena;
    int partition;
    int thread;
    bool failed;
};

/* A sink is a stage: push hands it one element. Stages are allocated on the
 * task's stack or arena and chained: map -> filter -> shuffle writer. */
struct spate_sink {
    void (*push)(spate_sink *self, spate_value v);
    spate_task *task;
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
