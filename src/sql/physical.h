/* physical.h - an analyzed plan cut into the parts one micro-batch runs:
 *
 *   driver steps   the nodes from the top down to the lowest SORT or LIMIT,
 *                  run on the query's thread over the whole batch's output
 *                  (SORT needs every row; complete mode only when streaming)
 *   post           FILTER / PROJECT over the aggregate's output (HAVING, the
 *                  select list), run in each shuffle partition's task
 *   agg            the AGGREGATE node (at most one), or none: a stateless query
 *   sjoin          instead of agg, a JOIN of two streams (sjoin.h): inputs[0]
 *                  reads its left side, inputs[1] its right, pre is empty
 *   pre            FILTER / PROJECT between the scan and the aggregate (or the
 *                  output), and the probe steps of joins whose other side is
 *                  built once per batch (join.h), run in each input
 *                  partition's task as it reads
 *   inputs         the SCAN at the bottom of the pre path (down each join's
 *                  probe side), or the streams of a UNION of streams there,
 *                  each with its own narrow steps; in a static plan, any
 *                  other node there (VALUES, UNION, an aggregate below a
 *                  join) is an input computed before the batch
 *                  (sp_static_run)
 * A streaming plan of another shape (a join over an aggregate, several
 * aggregates) is refused with a message naming what is not
 * supported yet.
 *
 * Threads: built once on the query's thread; immutable afterwards. */
#ifndef SP_SQL_PHYSICAL_H
#define SP_SQL_PHYSICAL_H

#include "sql/pipeline.h"
#include "sql/plan.h"
#include "sql/sjoin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One stream the pre pipeline reads: its scan and the narrow steps between
 * it and the union above (none when the plan reads one stream). */
typedef struct sp_phys_input {
    const sp_plan *scan;
    sp_pipeline pre;
    /* The scan's columns the plan reads (one per scan->out): a source may
     * leave the others unconverted (column pruning). */
    bool *scan_required;
} sp_phys_input;

typedef struct sp_physical {
    const sp_plan *plan;
    const sp_plan *scan; /* inputs[0].scan */
    sp_pipeline pre;
    const sp_plan *agg;
    const sp_sql_type **key_types; /* agg: the group expressions' types */
    const char **key_names;
    sp_pipeline post;
    int ndriver;
    const sp_plan **driver;    /* bottom-up: SORT, LIMIT, FILTER, PROJECT nodes */
    const sp_sql_type *schema; /* the output: a STRUCT of plan->out */
    bool *scan_required;       /* inputs[0].scan_required */
    /* What pre reads: one input, or the streams of a union of streams
     * (each batch's rows go through its input's steps, then pre). */
    int ninputs;
    sp_phys_input *inputs;
    int njoins;
    const sp_join_spec **joins; /* by index: each one's table is built per batch */
    /* The WATERMARK nodes of the pipelines (their steps record event
     * times) with their delays, in a fixed order: the inputs', then pre's. */
    int nwm;
    const sp_plan **wm_nodes;
    int64_t *wm_delays_ms;
    /* The aggregate's event-time group key (Spark's watermark on a state
     * key: the first group that is an event-time column), or -1; a group's
     * state expires once its key + agg_wm_span_us <= the watermark. */
    int agg_wm_key;
    int64_t agg_wm_span_us;
    /* The watermark expires the stateful operator's entries: an event-time
     * key, or dropDuplicatesWithinWatermark (its event time in the state). */
    bool wm_state;
    /* Every input column of the aggregate is read (its late rows are kept
     * whole): set before sp_physical_required_columns. */
    bool keep_agg_input;
    /* A session window's aggregate (analyze_session.c): the groups holding
     * each row's session start and end; its state merges the sessions of
     * the other groups' key (batch_session.c). */
    bool session;
    int session_start_key, session_end_key;
    /* An aggregation over a sliding window's generate (each row in
     * size / slide windows): stage 1 runs source batches this many rows at
     * a time (about 64 Ki exploded rows); 0: whole batches. */
    int64_t agg_slice_rows;
    /* A join of two streams, or NULL (then agg may be set). */
    const sp_sjoin_spec *sjoin;
} sp_physical;

/* Whether ph keeps state across batches (an aggregate or a join of
 * streams): one store per shuffle partition, a stage 2. */
static inline bool sp_physical_stateful(const sp_physical *ph) { return ph->agg || ph->sjoin; }

/* Cuts plan into *ph (made in a). False with a message in err for a shape
 * this engine does not run yet. */
bool sp_physical_plan(sp_physical *ph, const sp_plan *plan, spate_arena *a, char *err,
                      size_t err_size);

/* Makes every input column of the aggregate read (keep_agg_input), e.g.
 * to keep its late rows whole, and sets scan_required again. */
void sp_physical_read_all_agg_input(sp_physical *ph, spate_arena *a);

/* Sets each input's scan_required (physical_needs.c). */
void sp_physical_required_columns(sp_physical *ph, spate_arena *a);

/* The STRUCT type of a node's output attributes, in a. */
const sp_sql_type *sp_plan_schema(spate_arena *a, const sp_plan *p);

#endif
