/* plan.h - logical plans: the analyzer's output, the planner's input.
 *
 * A plan is a tree of nodes, each with its output attributes (name, type,
 * nullability, a unique expression id as Spark prints after '#'). The
 * expressions of a node are resolved sp_sql_expr trees whose COLUMN leaves
 * are ordinals into the node's child's output (the right child's columns
 * follow the left's in a JOIN), so an operator evaluates them straight over
 * its child's batches.
 *
 *   kind        fields                          output
 *   SCAN        table (catalog.h), streaming    the table's columns
 *   PROJECT     exprs[0..n)                     one attribute per expr
 *   FILTER      cond (BOOLEAN)                  the child's
 *   AGGREGATE   groups[0..ngroups),             the groups, then one per
 *               aggs[0..naggs) (agg.h)          aggregate call
 *   SORT        sort[0..nsort)                  the child's
 *   LIMIT       limit                           the child's
 *   UNION       child, right (UNION ALL)        the child's (types widened
 *                                               by the analyzer's casts)
 *   JOIN        join kind, cond (NULL: none)    child's then right's
 *   VALUES      rows of literal exprs           one per column
 *   WATERMARK   wm_col, wm_delay_ms             the child's, wm_col marked as
 *                                               the event time (Spark's
 *                                               EventTimeWatermark)
 *
 * The analyzer lowers SELECT ... GROUP BY ... HAVING ... into PROJECT over
 * FILTER over AGGREGATE, whose select list refers to the aggregate's output
 * by ordinal, as Spark's planner splits Aggregate into its physical form.
 *
 * Plans live in an arena (the session's or the query's) and are immutable
 * once analyzed: any thread may read them. */
#ifndef SP_SQL_PLAN_H
#define SP_SQL_PLAN_H

#include "sql/agg.h"
#include "sql/expr.h"
#include "sql/types.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct sp_catalog_table sp_catalog_table;

typedef enum sp_plan_kind {
    SP_PLAN_SCAN,
    SP_PLAN_PROJECT,
    SP_PLAN_FILTER,
    SP_PLAN_AGGREGATE,
    SP_PLAN_SORT,
    SP_PLAN_LIMIT,
    SP_PLAN_UNION,
    SP_PLAN_JOIN,
    SP_PLAN_VALUES,
    SP_PLAN_GENERATE,  /* explode / posexplode: exprs[0] the collection */
    SP_PLAN_WATERMARK, /* withWatermark: observes the event time, passes rows on */
} sp_plan_kind;

typedef enum sp_plan_join_kind {
    SP_JOIN_INNER,
    SP_JOIN_LEFT_OUTER,
    SP_JOIN_RIGHT_OUTER,
    SP_JOIN_FULL_OUTER,
    SP_JOIN_LEFT_SEMI,
    SP_JOIN_LEFT_ANTI,
    SP_JOIN_CROSS,
} sp_plan_join_kind;

/* One output column of a node. */
typedef struct sp_plan_attr {
    const char *name;
    const sp_sql_type *type;
    bool nullable;
    int64_t expr_id;       /* unique within a session: "#12" */
    const char *qualifier; /* the table or alias it came from (NULL: none) */
    /* Event time (Spark's watermark metadata on an attribute): a
     * watermark's column, a reference to one, or a window's start over
     * one. wm_delay_ms is the watermark's delay; wm_span_us what a state
     * entry keyed by this column lasts past its value (a window's size; 0
     * for the event time itself), so the entry expires once value + span
     * <= the watermark. */
    bool event_time;
    int64_t wm_delay_ms, wm_span_us;
} sp_plan_attr;

typedef struct sp_plan_sort {
    sp_sql_expr *expr;
    bool descending;
    bool nulls_first; /* Spark: ASC NULLS FIRST, DESC NULLS LAST by default */
} sp_plan_sort;

typedef struct sp_plan sp_plan;
struct sp_plan {
    sp_plan_kind kind;
    int nout;
    sp_plan_attr *out;
    sp_plan *child, *right;
    bool streaming; /* some SCAN below reads a stream */

    const sp_catalog_table *table; /* SCAN */

    int nexprs; /* PROJECT */
    sp_sql_expr **exprs;

    sp_sql_expr *cond; /* FILTER, JOIN */

    int ngroups; /* AGGREGATE */
    sp_sql_expr **groups;
    int naggs;
    sp_agg_call *aggs;

    int nsort; /* SORT */
    sp_plan_sort *sort;

    int64_t limit; /* LIMIT */

    sp_plan_join_kind join; /* JOIN */
    bool single_row;        /* JOIN: the right side is a scalar subquery's (at most one row) */

    int nrows; /* VALUES: rows[r][c], c < nout */
    sp_sql_expr ***rows;

    bool gen_pos;   /* GENERATE: posexplode (out: the child's, [pos], col or key, value) */
    bool gen_outer; /* GENERATE: explode_outer: a NULL or empty collection gives a NULL row */

    /* AGGREGATE as dropDuplicates (Spark's Deduplicate): the groups are
     * the key columns, the aggs first() of the others; a key's first row is
     * emitted once, later ones dropped. WITHIN (dropDuplicatesWithinWatermark):
     * a key is remembered until the watermark passes its first row's event
     * time (aggs[dedup_time]) plus dedup_delay_ms. */
    enum { SP_DEDUP_NONE, SP_DEDUP_ALL, SP_DEDUP_WITHIN } dedup;
    int dedup_time;
    int64_t dedup_delay_ms;

    int wm_col;                /* WATERMARK: the event-time column (a TIMESTAMP) */
    int64_t wm_delay_ms;       /* WATERMARK: the delay threshold */
    const char *wm_delay_text; /* WATERMARK: the delay as written ("10 seconds") */
};

/* A node of kind with no fields set, in a. */
sp_plan *sp_plan_new(spate_arena *a, sp_plan_kind kind);

/* Spark's tree string of an analyzed plan (Dataset.explain's "== Analyzed
 * Logical Plan ==" body), made in a:
 *   Aggregate [kind#3], [kind#3, count(1) AS count#10L]
 *   +- Filter (price#4 > 100)
 *      +- StreamingRelation orders, [time#1, ...]
 * Each node on one line, children indented under "+- " / ":- ". */
const char *sp_plan_tree_string(spate_arena *a, const sp_plan *p);

/* Whether p or any node under it is of kind k. */
bool sp_plan_contains(const sp_plan *p, sp_plan_kind k);

#endif
