/* analyze_dedup.c - dropDuplicates and dropDuplicatesWithinWatermark
 * (Spark's Deduplicate / DeduplicateWithinWatermark) as plans: an
 * AGGREGATE flagged dedup whose groups are the key columns and whose
 * aggregates are first() of the other columns, under a PROJECT giving the
 * columns back in their order. The state keeps one entry per key seen, so
 * only a key's first row comes out; with a watermark on a key column (or,
 * within watermark, on the event time) entries expire. Threads: the
 * analyzer's. */
#include "sql/analyzer_int.h"

#include "base/arena.h"

#include <string.h>

/* Spark's UNRESOLVED_COLUMN_AMONG_FIELD_NAMES for a key not in p. */
static void *not_among(sp_analyzer *az, const sp_plan *p, const char *name, sp_sql_error *err)
{
    size_t len = 1;
    for (int i = 0; i < p->nout; i++)
        len += strlen(p->out[i].name) + 4;
    char *fields = spate_arena_alloc(az->arena, len);
    fields[0] = 0;
    for (int i = 0; i < p->nout; i++) {
        strcat(fields, i ? ", " : "");
        strcat(fields, "\"");
        strcat(fields, p->out[i].name);
        strcat(fields, "\"");
    }
    return sp_az_fail(az, err, 0, "UNRESOLVED_COLUMN_AMONG_FIELD_NAMES", "colName",
                      sp_az_printf(az, "\"%s\"", name), "fieldNames", fields, NULL);
}

/* Marks in key[] the columns named in cols (all when n is 0). */
static bool key_columns(sp_analyzer *az, const sp_plan *child, const char *const *cols, size_t n,
                        bool *key, sp_sql_error *err)
{
    for (int c = 0; c < child->nout; c++)
        key[c] = n == 0;
    for (size_t i = 0; i < n; i++) {
        int found = -1;
        for (int c = 0; c < child->nout && found < 0; c++)
            if (sp_az_name_eq(az, child->out[c].name, cols[i])) found = c;
        if (found < 0) return not_among(az, child, cols[i], err) != NULL;
        key[found] = true;
    }
    return true;
}

/* first(column c) as an aggregate call. */
static sp_agg_call first_of(sp_analyzer *az, const sp_plan *child, int c)
{
    const sp_plan_attr *at = &child->out[c];
    return (sp_agg_call){.fn = SP_AGG_FIRST,
                         .arg = sp_az_column_ref(az, child, c),
                         .type = at->type,
                         .nullable = true,
                         .name = at->name,
                         .expr_id = sp_az_id(az)};
}

static int event_time_column(const sp_plan *p)
{
    for (int c = 0; c < p->nout; c++)
        if (p->out[c].event_time) return c;
    return -1;
}

/* The AGGREGATE: keys as groups, first() of the rest; its output column
 * of child column c in at[c]. */
static sp_plan *dedup_node(sp_analyzer *az, sp_plan *child, const bool *key, int *at)
{
    sp_plan *g = sp_plan_new(az->arena, SP_PLAN_AGGREGATE);
    int n = child->nout;
    g->child = child;
    g->streaming = child->streaming;
    g->groups = spate_arena_alloc(az->arena, sizeof *g->groups * (size_t)(n + 1));
    g->aggs = spate_arena_alloc(az->arena, sizeof *g->aggs * (size_t)(n + 1));
    g->out = spate_arena_alloc(az->arena, sizeof *g->out * (size_t)(n + 1));
    for (int c = 0; c < n; c++)
        if (key[c]) {
            at[c] = g->ngroups;
            g->out[g->ngroups] = child->out[c];
            g->groups[g->ngroups++] = sp_az_column_ref(az, child, c);
        }
    for (int c = 0; c < n; c++)
        if (!key[c]) {
            at[c] = g->ngroups + g->naggs;
            g->aggs[g->naggs] = first_of(az, child, c);
            g->out[at[c]] = child->out[c];
            g->out[at[c]].expr_id = g->aggs[g->naggs++].expr_id;
        }
    g->nout = n;
    return g;
}

sp_plan *sp_az_drop_duplicates(sp_analyzer *az, sp_plan *child, const char *const *cols, size_t n,
                               bool within, sp_sql_error *err)
{
    bool *key = spate_arena_alloc(az->arena, (size_t)child->nout + 1);
    int *at = spate_arena_alloc(az->arena, sizeof *at * ((size_t)child->nout + 1));
    if (!key_columns(az, child, cols, n, key, err)) return NULL;
    int et = event_time_column(child);
    if (within && !child->streaming)
        return sp_az_fail(az, err, 0, "INTERNAL_ERROR", "message",
                          "dropDuplicatesWithinWatermark is not supported with batch "
                          "DataFrames/DataSets",
                          NULL);
    if (within && et < 0)
        return sp_az_fail(az, err, 0, "INTERNAL_ERROR", "message",
                          "dropDuplicatesWithinWatermark is not supported with streaming "
                          "DataFrames/DataSets without watermark",
                          NULL);
    if (within && et >= 0 && key[et]) key[et] = false; /* the event time is never a key */
    sp_plan *g = dedup_node(az, child, key, at);
    g->dedup = within ? SP_DEDUP_WITHIN : SP_DEDUP_ALL;
    if (within && et >= 0) {
        g->dedup_time = at[et] - g->ngroups;
        g->dedup_delay_ms = child->out[et].wm_delay_ms;
    }
    sp_sql_expr **ex = spate_arena_alloc(az->arena, sizeof *ex * ((size_t)child->nout + 1));
    const char **nm = spate_arena_alloc(az->arena, sizeof *nm * ((size_t)child->nout + 1));
    for (int c = 0; c < child->nout; c++) {
        ex[c] = sp_az_column_ref(az, g, at[c]);
        nm[c] = child->out[c].name;
    }
    return sp_az_make_project(az, g, ex, nm, child->nout);
}
