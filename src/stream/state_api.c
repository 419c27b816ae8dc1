/* state_api.c - Spark's State[S] inside a mapWithState mapping function, with
 * Spark's rules and messages (StateImpl), and the StateSpec builder.
 *
 * A rule broken (get without a state, update after remove or while timing
 * out, remove twice or while timing out) fails the task with Spark's message
 * and returns SPATE_ERR_STATE. */
#include "stream/state_int.h"

#include "base/arena.h"
#include "state/owned_value.h"

#include <stdlib.h>

bool spate_state_exists(const spate_state *st) { return st && st->defined; }

bool spate_state_is_timing_out(const spate_state *st) { return st && st->timing_out; }

/* The state as the function sees it: the update, or a copy of the store's
 * state in the task's memory (the store's copy may be freed by a later batch
 * while this batch's output still points at what get returned). */
static spate_value current(spate_state *st)
{
    if (!st->have_value) {
        st->value = sp_owned_is_inline(st->stored)
                        ? st->stored
                        : spate_value_copy(spate_task_arena(st->task), st->stored);
        st->have_value = true;
    }
    return st->value;
}

spate_err spate_state_get(spate_state *st, spate_value *out)
{
    *out = spate_null();
    if (!st) return SPATE_ERR_INVALID_ARG;
    if (!st->defined) {
        spate_task_fail(st->task, "State is not set");
        return SPATE_ERR_STATE;
    }
    *out = current(st);
    return SPATE_OK;
}

spate_value spate_state_get_option(const spate_state *st)
{
    if (!st || !st->defined) return spate_none();
    spate_state *s = (spate_state *)st; /* caches the copy; not visible to the caller */
    return spate_some(spate_task_arena(s->task), current(s));
}

spate_err spate_state_update(spate_state *st, spate_value v)
{
    if (!st) return SPATE_ERR_INVALID_ARG;
    if (st->removed || st->timing_out) {
        spate_task_fail(st->task, "requirement failed: %s",
                        st->removed ? "Cannot update the state after it has been removed"
                                    : "Cannot update the state that is timing out");
        return SPATE_ERR_STATE;
    }
    st->value = v;
    st->have_value = st->defined = st->updated = true;
    return SPATE_OK;
}

spate_err spate_state_remove(spate_state *st)
{
    if (!st) return SPATE_ERR_INVALID_ARG;
    if (st->timing_out || st->removed) {
        spate_task_fail(st->task, "requirement failed: %s",
                        st->timing_out ? "Cannot remove the state that is timing out"
                                       : "Cannot remove the state that has already been removed");
        return SPATE_ERR_STATE;
    }
    st->defined = st->updated = false;
    st->removed = true;
    return SPATE_OK;
}

/* ---- StateSpec ---- */

static spate_state_spec *new_spec(void) { return sp_xcalloc(1, sizeof(spate_state_spec)); }

spate_state_spec *spate_state_spec_function(spate_state_mapping_fn fn, void *ud)
{
    spate_state_spec *spec = new_spec();
    spec->fn = fn;
    spec->ud = ud;
    return spec;
}

spate_state_spec *spate_state_spec_function_time(spate_state_mapping_time_fn fn, void *ud)
{
    spate_state_spec *spec = new_spec();
    spec->fn_time = fn;
    spec->ud = ud;
    return spec;
}

void spate_state_spec_initial_state(spate_state_spec *spec, spate_rdd *initial)
{
    if (spec) spec->initial = initial;
}

/* numPartitions and partitioner both set the partitioner: the last one wins,
 * as in Spark (numPartitions(n) is partitioner(new HashPartitioner(n))). */
void spate_state_spec_num_partitions(spate_state_spec *spec, int nparts)
{
    if (!spec) return;
    spec->nparts = nparts;
    spec->has_part = false;
}

void spate_state_spec_partitioner(spate_state_spec *spec, const spate_partitioner *p)
{
    if (!spec || !p) return;
    spec->part = *p;
    spec->has_part = true;
    spec->nparts = p->nparts;
}

void spate_state_spec_timeout(spate_state_spec *spec, spate_duration idle)
{
    if (!spec) return;
    spec->timeout = idle;
    spec->has_timeout = true;
}

void spate_state_spec_destroy(spate_state_spec *spec) { free(spec); }
