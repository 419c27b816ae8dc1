/* query_late.c - the late rows' sink of a query (the writer option
 * lateRowsTable, beyond Spark): the rows its stateful operator drops
 * because the watermark has passed them are written there, batch by batch,
 * before the batch commits, so that late data is never lost silently.
 * Query thread (start and each batch). */
#include "sql/query_int.h"

#include "base/arena.h"

#include <stdio.h>
#include <string.h>

/* The operator's input columns the sink takes: all but hidden ones
 * ("__window_start"), with their schema (made in a). */
static const sp_sql_type *late_schema(sp_query *q, spate_arena *a)
{
    const sp_plan *in = q->ph.agg->child;
    q->late_cols = spate_arena_alloc(a, sizeof *q->late_cols * (size_t)(in->nout + 1));
    q->late_names = spate_arena_alloc(a, sizeof *q->late_names * (size_t)(in->nout + 1));
    q->late_cols_scratch =
        spate_arena_alloc(a, sizeof *q->late_cols_scratch * (size_t)(in->nout + 1));
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(in->nout + 1));
    for (int i = 0; i < in->nout; i++) {
        if (!strncmp(in->out[i].name, "__", 2)) continue;
        f[q->nlate_cols] = (sp_sql_field){in->out[i].name, in->out[i].type, true, NULL};
        q->late_names[q->nlate_cols] = in->out[i].name;
        q->late_cols[q->nlate_cols++] = i;
    }
    return sp_sql_struct(a, f, q->nlate_cols);
}

spate_err sp_query_open_late(sp_query *q, char *err, size_t n)
{
    if (!q->spec.late_sink) return SPATE_OK;
    if (!q->ph.wm_state || !q->ph.agg) {
        snprintf(err, n,
                 "lateRowsTable needs a query whose aggregation or dropDuplicates drops late rows "
                 "(a watermark on a grouping key or window)");
        return SPATE_ERR_INVALID_ARG;
    }
    sp_sink_env env = {q->spec.name, q->spec.tz, q->spec.console ? q->spec.console : stdout};
    q->late = sp_sink_open(q->spec.late_sink, late_schema(q, q->arena), &env, err, n);
    return q->late ? SPATE_OK : SPATE_ERR_INVALID_ARG;
}

spate_err sp_query_write_late(sp_query *q, int64_t batch, sp_colbatch *const *late, size_t nlate,
                              char *err, size_t n)
{
    if (!q->late || !nlate) return SPATE_OK;
    spate_arena *a = spate_arena_new();
    sp_colbatch **v = spate_arena_alloc(a, sizeof *v * nlate);
    for (size_t i = 0; i < nlate; i++) {
        for (int c = 0; c < q->nlate_cols; c++)
            q->late_cols_scratch[c] = &late[i]->cols[q->late_cols[c]];
        v[i] = sp_colbatch_view(a, late[i]->length, q->nlate_cols, q->late_cols_scratch,
                                q->late_names);
    }
    spate_err e = q->late->ops->add_batch(q->late, batch, SP_OUTPUT_APPEND,
                                          (const sp_colbatch *const *)v, nlate, err, n);
    spate_arena_destroy(a);
    return e;
}
