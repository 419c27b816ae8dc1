/* analyzer_int.h - the analyzer's internal pieces shared by its files:
 * analyzer.c (queries, SELECT lowering, set operations, CTEs, ORDER BY,
 * LIMIT), analyze_expr.c (expressions and implicit casts), analyze_func.c
 * (function calls), analyze_agg.c (GROUP BY, aggregates, HAVING),
 * analyze_names.c (column resolution and its errors), analyze_pretty.c
 * (Spark's auto-generated column names and toSQLExpr text).
 * Threads: as analyzer.h (one analyzer per statement on one thread). */
#ifndef SP_SQL_ANALYZER_INT_H
#define SP_SQL_ANALYZER_INT_H

#include "sql/analyzer.h"

#include <stdarg.h>

/* Aggregate calls met while resolving a SELECT in aggregate mode. */
typedef struct sp_az_aggs {
    sp_agg_call *calls;
    int n, cap;
} sp_az_aggs;

/* What an expression is resolved against: the input plan's output, and
 * (aggs non-NULL) a collector that allows aggregate calls: each becomes a
 * COLUMN with ordinal SP_AZ_AGG_REF(i) until analyze_agg.c rewrites it. */
typedef struct sp_az_scope {
    const sp_plan *plan;
    sp_az_aggs *aggs;
} sp_az_scope;

#define SP_AZ_AGG_REF(i) (-1000000 - (i))
#define SP_AZ_IS_AGG_REF(o) ((o) <= -1000000)
#define SP_AZ_AGG_INDEX(o) (-1000000 - (o))

/* Sets err to condition cond with (name, value) parameters ended by NULL,
 * at byte offset off of the statement. Returns NULL for the caller's
 * "return sp_az_fail(...)". */
void *sp_az_fail(const sp_analyzer *az, sp_sql_error *err, uint32_t off, const char *cond, ...);

/* A fresh expression id. */
int64_t sp_az_id(sp_analyzer *az);
/* A string copied into the analyzer's arena. */
const char *sp_az_strdup(sp_analyzer *az, const char *s);
char *sp_az_printf(sp_analyzer *az, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- names (analyze_names.c) ---- */

/* Name equality under the analyzer's case sensitivity. */
bool sp_az_name_eq(const sp_analyzer *az, const char *x, const char *y);
/* The ordinal in p's output of the column named by parts[0..n) (name or
 * qualifier.name); -1 when none (*ambiguous set when more than one). */
int sp_az_find_column(const sp_analyzer *az, const sp_plan *p, const sp_sql_list *parts,
                      bool *ambiguous);
/* The COLUMN node col over p: its ordinal, or -1 with Spark's
 * UNRESOLVED_COLUMN / AMBIGUOUS_REFERENCE error at col. */
int sp_az_resolve_column(sp_analyzer *az, const sp_plan *p, const sp_sql_node *col,
                         sp_sql_error *err);
/* A COLUMN expression reading output i of p. */
sp_sql_expr *sp_az_column_ref(sp_analyzer *az, const sp_plan *p, int i);
/* "`a`.`b`" of name parts (Spark's toSQLId). */
const char *sp_az_sql_id(sp_analyzer *az, const char *const *parts, int n);

/* ---- text (analyze_pretty.c) ---- */

/* Spark's auto-generated name of an unaliased select item (toPrettySQL):
 * "price", "(price * 2)", "count(1)", "CAST(x AS BIGINT)". */
const char *sp_az_pretty(sp_analyzer *az, const sp_sql_node *n);
/* toSQLExpr: the pretty text in double quotes. */
const char *sp_az_sql_expr(sp_analyzer *az, const sp_sql_node *n);
/* The column name of a select item: its alias, a column's own name, or
 * the pretty text. */
const char *sp_az_item_name(sp_analyzer *az, const sp_sql_node *item);

/* ---- expressions (analyze_expr.c, analyze_func.c) ---- */

sp_sql_expr *sp_az_expr(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                        sp_sql_error *err);
/* analyze_window.c: a SELECT grouping by window(ts, ...) as a SELECT over
 * the rows with their window start (Spark's TimeWindowing), or sel itself;
 * NULL with err set on a bad window. */
const sp_sql_node *sp_az_window_rewrite(sp_analyzer *az, const sp_sql_node *sel, sp_sql_error *err);
/* analyze_session.c: the same for session_window(ts, gap): a SELECT over
 * the rows with their session bounds, grouped by them. */
const sp_sql_node *sp_az_session_rewrite(sp_analyzer *az, const sp_sql_node *sel,
                                         sp_sql_error *err);
/* Flink's TUMBLE(TABLE t, DESCRIPTOR(ts), size[, offset]) and HOP(TABLE t,
 * DESCRIPTOR(ts), slide, size[, offset]) (also under TABLE(...)) as a
 * subquery adding window_start, window_end and window_time; NULL when r is
 * another table function (or with err set on bad arguments). */
const sp_sql_node *sp_az_window_tvf(sp_analyzer *az, const sp_sql_node *r, sp_sql_error *err);
/* The rewrite's __window_start / __window_end / __window_starts calls. */
sp_sql_expr *sp_az_window_call(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn,
                               sp_sql_expr **v, int k, sp_sql_error *err);
/* x op y as Spark types arithmetic (decimal rules, implicit casts), for the
 * operators and for mod() / pmod(); n is the node errors point at. */
sp_sql_expr *sp_az_arith(sp_analyzer *az, const sp_sql_node *n, sp_sql_arith_op op, sp_sql_expr *x,
                         sp_sql_expr *y, sp_sql_error *err);
/* The compound forms (analyze_cond.c): IN list, BETWEEN, LIKE/RLIKE/ILIKE,
 * CASE, CAST / TRY_CAST. */
sp_sql_expr *sp_az_in_list(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                           sp_sql_error *err);
sp_sql_expr *sp_az_between(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                           sp_sql_error *err);
sp_sql_expr *sp_az_like(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                        sp_sql_error *err);
sp_sql_expr *sp_az_case(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                        sp_sql_error *err);
sp_sql_expr *sp_az_cast_node(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                             sp_sql_error *err);
/* "\"INT\"": a type as Spark's toSQLType. */
const char *sp_az_type_sql(sp_analyzer *az, const sp_sql_type *t);
/* e cast to t (e itself when it has that type already). */
sp_sql_expr *sp_az_cast(sp_analyzer *az, sp_sql_expr *e, const sp_sql_type *t);
/* A function call node: a scalar function (expr.h) or, in an aggregate
 * scope, an aggregate call. */
sp_sql_expr *sp_az_func(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                        sp_sql_error *err);
/* Spark's prettyName of the scalar function called name when it is the
 * function's own name ("SQRT" for sqrt), else NULL (an alias: as written,
 * lower-cased). */
const char *sp_az_func_pretty_name(const char *name);
/* Whether the call's name is an aggregate function. */
bool sp_az_is_agg_call(const sp_sql_node *n);
/* Whether n contains an aggregate call (not looking into subqueries). */
bool sp_az_has_agg(const sp_sql_node *n);
/* The first aggregate call in n, or NULL. */
const sp_sql_node *sp_az_find_agg(const sp_sql_node *n);

/* ---- aggregation (analyze_agg.c) ---- */

/* Structural equality of two resolved expressions. */
bool sp_az_expr_equal(const sp_sql_expr *x, const sp_sql_expr *y);
/* A copy of n where each one-part column that child's output lacks but a
 * select item aliases is that item's expression (GROUP BY and HAVING by
 * alias). */
const sp_sql_node *sp_az_subst_aliases(sp_analyzer *az, const sp_plan *child,
                                       const sp_sql_list *items, const sp_sql_node *n);

/* ---- plans (analyzer.c, analyze_rel.c) ---- */

/* CTEs in scope, innermost first. */
typedef struct sp_az_cte {
    const char *name;
    sp_plan *plan;
    const struct sp_az_cte *next;
} sp_az_cte;

/* A query body: SQL_QUERY, SQL_SELECT or SQL_SETOP. */
sp_plan *sp_az_query(sp_analyzer *az, const sp_sql_node *q, const sp_az_cte *ctes,
                     sp_sql_error *err);
/* A FROM item: table, subquery, join. */
sp_plan *sp_az_relation(sp_analyzer *az, const sp_sql_node *r, const sp_az_cte *ctes,
                        sp_sql_error *err);
/* An inline table (SQL_VALUES, analyze_values.c), its columns col1... */
sp_plan *sp_az_values(sp_analyzer *az, const sp_sql_node *n, sp_sql_error *err);
/* Scalar subqueries (analyze_scalar.c): the (SELECT ...) expressions of a
 * SELECT's items and WHERE, outside aggregates, each analyzed and joined to
 * *from as a left outer join of at most one row (SCALAR_SUBQUERY_TOO_MANY_ROWS
 * at run time otherwise), its column hidden from `*`; az remembers them for
 * sp_az_scalar_ref. False with err set (*from still to be released). */
bool sp_az_join_scalars(sp_analyzer *az, sp_plan **from, const sp_sql_node *select,
                        const sp_az_cte *ctes, sp_sql_error *err);
/* The column of scalar subquery n in scope s, or an error. */
sp_sql_expr *sp_az_scalar_ref(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                              sp_sql_error *err);
/* Whether attribute a is a scalar subquery's hidden column. */
bool sp_az_is_scalar_attr(const sp_plan_attr *a);
/* A JOIN node of l and rt, without condition: the output l's columns then
 * rt's (nullable on an outer join's optional side; a semi or anti join's
 * callers set nout to l's). */
sp_plan *sp_az_make_join(sp_analyzer *az, sp_plan *l, sp_plan *rt, sp_plan_join_kind kind);
/* WHERE cond's top-level predicate subqueries (analyze_subquery.c): each
 * uncorrelated `x [NOT] IN (query)` or `[NOT] EXISTS (query)` conjunct
 * becomes a left semi / anti join over *plan. Returns the other conjuncts
 * (a new AND node, the conjunct itself, or NULL when none is left); on an
 * error NULL with *failed and err set (*plan still to be released). */
const sp_sql_node *sp_az_predicate_subqueries(sp_analyzer *az, sp_plan **plan,
                                              const sp_sql_node *cond, const sp_az_cte *ctes,
                                              bool *failed, sp_sql_error *err);
/* A JOIN relation: ON or USING (analyze_join.c). */
sp_plan *sp_az_join(sp_analyzer *az, const sp_sql_node *r, const sp_az_cte *ctes,
                    sp_sql_error *err);
/* ORDER BY keys over p (analyze_sort.c). */
sp_plan *sp_az_sort(sp_analyzer *az, sp_plan *p, const sp_sql_list *keys, sp_sql_error *err);
/* p with its output qualified by q (a shallow copy of its top node). */
sp_plan *sp_az_requalify(sp_analyzer *az, const sp_plan *p, const char *q);

/* PROJECT over child of exprs[0..n) named names[i]: a plain reference to a
 * child column of the same name keeps its attribute (id, qualifier), any
 * other expression gets a fresh id. */
sp_plan *sp_az_make_project(sp_analyzer *az, sp_plan *child, sp_sql_expr **exprs,
                            const char **names, int n);

/* analyze_interval.c. An interval literal's value: months (years too),
 * then microseconds (weeks down). */
typedef struct sp_az_interval {
    int32_t months;
    int64_t us;
} sp_az_interval;
/* Whether n is an interval literal (INTERVAL ... or INTERVAL 'text'). */
bool sp_az_is_interval_literal(const sp_sql_node *n);
/* The value of an interval literal (or a string as "2 days 3 hours");
 * false when it is not one spate reads. */
bool sp_az_interval_of(const sp_sql_node *n, sp_az_interval *iv);
bool sp_az_interval_text(const char *text, sp_az_interval *iv);
/* n, a +/- whose operand is an interval literal: date/timestamp arithmetic. */
sp_sql_expr *sp_az_interval_arith(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                                  sp_sql_error *err);

/* analyze_dedup.c: dropDuplicates(cols) over child (every column when n is
 * 0), or dropDuplicatesWithinWatermark (within: child must be a stream
 * with a watermark); UNRESOLVED_COLUMN_AMONG_FIELD_NAMES for a
 * column child does not have. */
sp_plan *sp_az_drop_duplicates(sp_analyzer *az, sp_plan *child, const char *const *cols, size_t n,
                               bool within, sp_sql_error *err);

/* analyze_watermark.c. A delay threshold as withWatermark reads it ("10
 * seconds", "2 years 5 months", "interval 1 minute"): milliseconds, a
 * month counted as 31 days; false with Spark's message in why (a bad
 * interval, or a negative delay). */
bool sp_az_delay_parse(const char *text, int64_t *ms, char *why, size_t n);
/* The same of a parse-tree delay (an INTERVAL literal or a string);
 * *text is the delay as written. */
bool sp_az_delay_of_node(sp_analyzer *az, const sp_sql_node *n, int64_t *ms, const char **text,
                         sp_sql_error *err);
/* The WATERMARK node over child on its column col (a TIMESTAMP, else
 * EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE at off); child itself when it is
 * not a stream (a batch query ignores watermarks, as Spark). */
sp_plan *sp_az_watermark(sp_analyzer *az, sp_plan *child, int col, int64_t delay_ms,
                         const char *delay_text, uint32_t off, sp_sql_error *err);
/* scan under the watermark its table declares (CREATE TABLE ... WATERMARK),
 * or scan itself. */
sp_plan *sp_az_table_watermark(sp_analyzer *az, sp_plan *scan, const sp_catalog_table *t,
                               sp_sql_error *err);
/* Marks *at as event time when e (over child's output) is a reference to
 * an event-time column or a tumbling window's start over one. */
void sp_az_event_time_of(const sp_plan *child, const sp_sql_expr *e, sp_plan_attr *at);
/* The same for the column explode(x) generates: a sliding window's start. */
void sp_az_event_time_of_generated(const sp_plan *child, const sp_sql_expr *x, sp_plan_attr *at);

#endif
