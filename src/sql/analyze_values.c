/* analyze_values.c - inline tables: VALUES (1, 'a'), (2, 'b') as a query
 * or in FROM, as Spark's ResolveInlineTables: every row the same number of
 * columns, each expression foldable (no column reference: there is no
 * input), each column the wider type of its rows, named col1, col2... (or
 * by the alias's column list). Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include <string.h>

/* The expressions of the row node at *slot: a ROW's items, or the node
 * itself (one points at the slot). */
static const sp_sql_list *row_items(sp_sql_node **slot, sp_sql_list *one)
{
    if ((*slot)->kind == SQL_ROW) return &(*slot)->list;
    one->n = 1;
    one->items = (sp_sql_node **)slot;
    return one;
}

/* Row i's expressions analyzed into row[] (ncols of them). */
static bool analyze_row(sp_analyzer *az, sp_sql_node **slot, int i, int ncols, sp_sql_expr **row,
                        sp_sql_error *err)
{
    const sp_sql_node *rn = *slot;
    sp_sql_list one_list;
    const sp_sql_list *items = row_items(slot, &one_list);
    if ((int)items->n != ncols) {
        sp_az_fail(az, err, rn->off, "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH", "expectedNumCols",
                   sp_az_printf(az, "%d", ncols), "actualNumCols", sp_az_printf(az, "%u", items->n),
                   "rowIndex", sp_az_printf(az, "%d", i), NULL);
        return false;
    }
    sp_plan empty = {.kind = SP_PLAN_VALUES};
    sp_az_scope s = {.plan = &empty};
    for (int c = 0; c < ncols; c++)
        if (!(row[c] = sp_az_expr(az, &s, items->items[c], err))) return false;
    return true;
}

/* Casts every row's column c to the wider type of its rows. */
static bool widen_column(sp_analyzer *az, const sp_sql_node *n, sp_plan *p, int c,
                         sp_sql_error *err)
{
    const sp_sql_type **ts = spate_arena_alloc(az->arena, sizeof *ts * (size_t)p->nrows);
    bool nullable = false;
    for (int r = 0; r < p->nrows; r++) {
        ts[r] = p->rows[r][c]->type;
        nullable = nullable || p->rows[r][c]->nullable;
    }
    const sp_sql_type *t = sp_sql_wider_common_type(az->arena, ts, p->nrows, az->ansi);
    if (!t) {
        sp_az_fail(az, err, n->off, "INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE",
                   "colName", sp_az_sql_id(az, &p->out[c].name, 1), NULL);
        return false;
    }
    if (t->id == SP_SQL_NULL) t = sp_sql_prim(SP_SQL_STRING);
    for (int r = 0; r < p->nrows; r++) {
        bool same = sp_sql_type_equal_ignore_nullable(p->rows[r][c]->type, t);
        if (!same && !sp_sql_type_is_atomic(t)) {
            sp_az_fail(az, err, n->off, "UNSUPPORTED_FEATURE", "message",
                       sp_az_printf(az, "an inline table column of %s values of other types",
                                    sp_az_type_sql(az, t)),
                       NULL);
            return false;
        }
        p->rows[r][c] = sp_az_cast(az, p->rows[r][c], t);
    }
    p->out[c] = (sp_plan_attr){
        .name = p->out[c].name, .type = t, .nullable = nullable, .expr_id = sp_az_id(az)};
    return true;
}

sp_plan *sp_az_values(sp_analyzer *az, const sp_sql_node *n, sp_sql_error *err)
{
    sp_sql_list one_list;
    int ncols = (int)row_items(&n->list2.items[0], &one_list)->n;
    sp_plan *p = sp_plan_new(az->arena, SP_PLAN_VALUES);
    p->nrows = (int)n->list2.n;
    p->rows = spate_arena_alloc(az->arena, sizeof *p->rows * (size_t)p->nrows);
    p->nout = ncols;
    p->out = spate_arena_alloc(az->arena, sizeof *p->out * (size_t)(ncols + 1));
    for (int c = 0; c < ncols; c++)
        p->out[c].name = sp_az_printf(az, "col%d", c + 1);
    for (int r = 0; r < p->nrows; r++) {
        p->rows[r] = spate_arena_alloc(az->arena, sizeof **p->rows * (size_t)(ncols + 1));
        if (!analyze_row(az, &n->list2.items[r], r, ncols, p->rows[r], err)) return NULL;
    }
    for (int c = 0; c < ncols; c++)
        if (!widen_column(az, n, p, c, err)) return NULL;
    return p;
}
