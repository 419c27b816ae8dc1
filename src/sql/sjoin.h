/* sjoin.h - a join of two streams (Spark's StreamingSymmetricHashJoinExec):
 * each side's rows are kept in state, each new row joins the rows the other
 * side kept, and the watermark drops what can no longer match.
 *
 * Flow of one batch (docs/architecture.md, "Stream-stream joins"):
 *   stage 1, per input partition of a side: the side's narrow steps, rows
 *     not later than the watermark kept (the others counted as dropped),
 *     the equi-join keys evaluated and hashed to a shuffle partition;
 *   stage 2, per shuffle partition: the left's new rows join the right
 *     rows in state, then are kept; the right's new rows join the left rows
 *     in state (the new left ones included), then are kept; each candidate
 *     pair passes the residual condition or not. Then each side's rows the
 *     watermark passed (by the time-range condition) are removed, an outer
 *     side's unmatched ones emitted with NULLs for the other side.
 * State: one store per shuffle partition, key [side, join keys...] -> the
 * rows [matched, columns...] of that side with those keys.
 *
 * Threads: a spec is immutable once planned; stage 2 runs one task per
 * shuffle partition. */
#ifndef SP_SQL_SJOIN_H
#define SP_SQL_SJOIN_H

#include "sql/expr.h"
#include "sql/plan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SP_SJ_LEFT = 0, SP_SJ_RIGHT = 1 };

typedef struct sp_sjoin_spec {
    const sp_plan *join;     /* the JOIN node */
    sp_plan_join_kind kind;  /* INNER (also CROSS), LEFT/RIGHT/FULL_OUTER, LEFT_SEMI */
    int ncols[2];            /* columns of each side */
    const sp_sql_type *type; /* the joined rows (left's columns, then right's): a STRUCT */
    int nkeys;
    sp_sql_expr **keys[2]; /* over each side's batch */
    bool *null_safe;       /* per key: `<=>` */
    sp_sql_expr *residual; /* over the joined rows; NULL: none */
    int late_col[2];       /* each side's event-time column: rows at or below the
                              watermark are late; -1: none */
    /* A kept row of side s can no longer match once its column evict_col[s]
     * <= watermark + evict_us[s] (from the time-range condition); -1: kept
     * until the query ends. */
    int evict_col[2];
    int64_t evict_us[2];
} sp_sjoin_spec;

/* Plans JOIN node j (both sides streams) into a spec in a. NULL with a
 * message in err for what this engine cannot keep in state (nested
 * columns). */
sp_sjoin_spec *sp_sjoin_plan(const sp_plan *j, spate_arena *a, char *err, size_t err_size);

/* The conjuncts of cond (a filter over the join's output) that may also
 * filter one side before the join (Spark's PushPredicateThroughJoin: both
 * sides under an inner join, only the preserved side under an outer or
 * semi one), each side's over its own columns (NULL: none), in a. Rows
 * they drop could never be output, so the join keeps fewer. */
void sp_sjoin_side_filters(const sp_sjoin_spec *s, const sp_sql_expr *cond, spate_arena *a,
                           sp_sql_expr **pushed);

/* Whether side s's unmatched rows are output (with NULLs for the other). */
static inline bool sp_sjoin_outer(const sp_sjoin_spec *s, int side)
{
    return s->kind == SP_JOIN_FULL_OUTER ||
           s->kind == (side == SP_SJ_LEFT ? SP_JOIN_LEFT_OUTER : SP_JOIN_RIGHT_OUTER);
}

/* Spark's check for an outer join of streams: the outer side's state must
 * be evictable (a watermark and a time-range condition). The message, or
 * NULL when j may run. */
const char *sp_sjoin_check(const sp_plan *j, char *buf, size_t n);

#endif
