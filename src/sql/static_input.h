/* static_input.h - the input of a static plan whose pre path does not end
 * at a table (physical.h): a FROM-less SELECT's one row (VALUES), a UNION
 * ALL of two plans, an aggregate a join reads, a full outer join (its left
 * outer join, then the right's unmatched rows). The node is computed first,
 * each child plan with sp_static_run, and its rows become the batch's
 * input as a memory table's would. Caller's thread. */
#ifndef SP_SQL_STATIC_INPUT_H
#define SP_SQL_STATIC_INPUT_H

#include "sql/batch_exec.h"
#include "sql/plan.h"

typedef struct sp_static_input {
    sp_colbatch **batches;
    size_t n;
    /* private: the runs whose memory the batches live in */
    sp_batch_result *runs;
    int nruns;
    spate_arena *arena;
} sp_static_input;

/* Computes node p into in. SPATE_OK, or an error with the message in err.
 * Free in with sp_static_input_free (after handing over its memory, if the
 * output may view it, with sp_static_input_adopt). */
spate_err sp_static_input_compute(const sp_plan *p, sp_pool *pool, const spate_conf *conf,
                                  const sp_tz *tz, sp_static_input *in, char *err, size_t n);
/* Moves the memory of in's batches into r (freed with r). */
void sp_static_input_adopt(sp_static_input *in, sp_batch_result *r);
void sp_static_input_free(sp_static_input *in);

#endif
