/* analyze_nested_int.h - the analyzer's rules for arrays, maps and structs
 * (analyze_nested.c): the collection functions' casts and result types,
 * a[i] and m[k], f(x).field, and a.b resolved as a column then a struct
 * field. Private to src/sql/. Threads: the analyzer's. */
#ifndef SP_SQL_ANALYZE_NESTED_INT_H
#define SP_SQL_ANALYZE_NESTED_INT_H

#include "sql/analyzer_int.h"

/* fn(v[0..k)) for the call n (arguments resolved and counted): split,
 * size, element_at, array, struct / named_struct, map, array_contains.
 * NULL with err set. */
sp_sql_expr *sp_az_nested_call(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn,
                               sp_sql_expr **v, int k, sp_sql_error *err);
/* e (resolved from n) unless it hands ARRAY, MAP or STRUCT values to an
 * operation whose kernels do not take them yet (comparisons, CAST,
 * CASE / coalesce / if...): then UNSUPPORTED_FEATURE, NULL with err
 * set. */
sp_sql_expr *sp_az_nested_guard(sp_analyzer *az, const sp_sql_node *n, sp_sql_expr *e,
                                sp_sql_error *err);
/* s.* (star, whose qualifier matched no table): the fields of struct s
 * appended to (*ex, *names)[*n...], the arrays grown (in the analyzer's
 * arena) past *cap as needed. False with err set when s is no struct. */
bool sp_az_struct_star(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *star,
                       sp_sql_expr ***ex, const char ***names, int *n, int *cap, sp_sql_error *err);
/* explode(x) / posexplode(x) among a select list's items: a GENERATE node
 * over child (its columns, then [pos], col or key, value; an alias names
 * col) and *item the generator's index; child itself and *item -1 when no
 * item is a generator. NULL with err set on a bad call. */
sp_plan *sp_az_generate(sp_analyzer *az, sp_plan *child, const sp_sql_list *items, int *item,
                        sp_sql_error *err);
/* SQL_SUBSCRIPT (a[i], m[k]) and SQL_FIELD (x.field). */
sp_sql_expr *sp_az_subscript(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                             sp_sql_error *err);
sp_sql_expr *sp_az_field(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                         sp_sql_error *err);
/* SQL_COLUMN a.b.c: a column (qualifier.name first, as Spark), else the
 * longest column prefix then struct fields. */
sp_sql_expr *sp_az_column_path(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                               sp_sql_error *err);

#endif
