/* analyzer.h - parse trees (ast.h) to resolved logical plans (plan.h):
 * names resolved against the catalog and the child's output, function calls
 * to expressions or aggregate calls, Spark's implicit casts inserted, types
 * checked; errors are Spark's conditions at the node's position:
 *   [TABLE_OR_VIEW_NOT_FOUND] The table or view `t` cannot be found. ...
 *   [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function
 *   parameter with name `kidn` cannot be resolved. Did you mean one of the
 *   following? [`kind`, `id`]. SQLSTATE: 42703
 *   [MISSING_AGGREGATION] ..., [UNRESOLVED_ROUTINE] ..., [DATATYPE_MISMATCH.*]
 *
 * SELECT lowers to PROJECT(FILTER(AGGREGATE(FILTER(from)))) as plan.h says;
 * GROUP BY by position (spark.sql.groupByOrdinal) and by select-list alias
 * (groupByAliases) work; ORDER BY to SORT, LIMIT to LIMIT, UNION ALL to UNION,
 * WITH to the CTE's plan inlined; FROM STREAM(t) / STREAM t makes a streaming
 * SCAN, plain FROM t a static one (a view keeps its own flag).
 *
 * The building blocks are exposed for the DataFrame API, which makes its
 * plans one call at a time (select, filter, groupBy().agg(), withColumn).
 *
 * Threads: one analyzer per statement (or DataFrame call) on the caller's
 * thread; the catalog has its own lock. */
#ifndef SP_SQL_ANALYZER_H
#define SP_SQL_ANALYZER_H

#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/plan.h"
#include "sql/sql_error.h"
#include "sql/tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_analyzer {
    spate_arena *arena; /* where plans and expressions are made */
    sp_catalog *catalog;
    bool ansi;           /* spate.sql.ansi.enabled */
    bool case_sensitive; /* spate.sql.caseSensitive */
    const sp_tz *tz;     /* the session time zone */
    int64_t *next_id;    /* the session's expression id counter */
    /* The statement's text (NULL: unknown): errors get its line and
     * position; without it only err->offset is set. */
    const char *text;
    size_t text_len;
    /* The scalar subqueries of the SELECT being analyzed, joined below it
     * (analyze_scalar.c); NULL: none. */
    struct sp_az_scalar *scalars;
} sp_analyzer;

/* A query (SQL_QUERY, SQL_SELECT or SQL_SETOP node) to an analyzed plan, or
 * NULL with *err set (its offset is the offending node's). */
sp_plan *sp_analyze_query(sp_analyzer *az, const sp_sql_node *query, sp_sql_error *err);

/* A scan of catalog table t (streaming: read as a stream), with fresh
 * expression ids. NULL with *err when a stream is asked of a table that is
 * not one (a sink-only format, a static view). */
sp_plan *sp_analyze_scan(sp_analyzer *az, const sp_catalog_table *t, bool streaming,
                         sp_sql_error *err);

/* PROJECT of items (SQL_ALIAS, expressions, SQL_STAR) over child. */
sp_plan *sp_analyze_project(sp_analyzer *az, sp_plan *child, const sp_sql_list *items,
                            sp_sql_error *err);
/* FILTER of condition cond (a BOOLEAN expression) over child. */
sp_plan *sp_analyze_filter(sp_analyzer *az, sp_plan *child, const sp_sql_node *cond,
                           sp_sql_error *err);
/* AGGREGATE by groups with the select list items (each a grouping
 * expression, an aggregate, or an expression over both), optional HAVING,
 * lowered to PROJECT(FILTER(AGGREGATE)). */
sp_plan *sp_analyze_aggregate(sp_analyzer *az, sp_plan *child, const sp_sql_list *groups,
                              const sp_sql_list *items, const sp_sql_node *having,
                              sp_sql_error *err);

/* Drops the table references an analyzed plan holds: the analyzer takes
 * one per SCAN node it makes (a view's plan inlined takes its own), so a
 * dropped table stays alive while a plan reads it. Call once per plan made
 * by sp_analyze_query / sp_analyze_scan when it is no longer used (added
 * with analyzer.c). */
void sp_analyze_release(const sp_plan *p);

/* One expression over child's output (a column name, "price * 2"), with the
 * name Spark gives its column (the alias, the column's name, or the
 * expression's text as Spark prints it: "(price * 2)"). */
sp_sql_expr *sp_analyze_expr(sp_analyzer *az, const sp_plan *child, const sp_sql_node *e,
                             const char **name, sp_sql_error *err);

#endif
