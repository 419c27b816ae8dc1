/* analyze_window_int.h - what the time-window rewrites share
 * (analyze_window_util.c): a window's durations read and checked as Spark's
 * TimeWindow does, and the parse-tree nodes the rewrites build. Used by
 * analyze_window.c (window() in GROUP BY) and analyze_window_tvf.c (Flink's
 * TUMBLE and HOP). Private to src/sql/; the analyzer's thread. */
#ifndef SP_SQL_ANALYZE_WINDOW_INT_H
#define SP_SQL_ANALYZE_WINDOW_INT_H

#include "sql/analyzer_int.h"

/* The column holding each row's window start in the rewritten query. */
#define SP_AZW_WINDOW_START "__window_start"
/* The columns holding each row's session bounds (analyze_session.c). */
#define SP_AZW_SESSION_START "__session_start"
#define SP_AZW_SESSION_END "__session_end"

/* A window: its time column, and size, slide and start offset in µs. */
typedef struct sp_azw_window {
    const sp_sql_node *ts;
    int64_t size, slide, start;
} sp_azw_window;

/* A window duration (a string as spate_duration_parse reads it, or an
 * INTERVAL literal of weeks down to microseconds) in µs; false with err set. */
bool sp_azw_duration_us(sp_analyzer *az, const sp_sql_node *n, int64_t *out, sp_sql_error *err);
/* Spark's checks of a window's durations; w is the call errors point at. */
bool sp_azw_check(sp_analyzer *az, const sp_sql_node *w, const sp_azw_window *a, sp_sql_error *err);

/* window(ts, size[, slide[, start]])'s arguments, read and checked. */
bool sp_azw_args_of(sp_analyzer *az, const sp_sql_node *w, sp_azw_window *a, sp_sql_error *err);

/* The alias a FROM that is one table (or subquery) goes by, so that the
 * rewrite's subquery keeps t.col resolving; NULL for other relations. */
const char *sp_azw_rel_alias(const sp_sql_node *rel);

/* New nodes in the analyzer's arena, at the text of `at`. */
sp_sql_node *sp_azw_node(sp_analyzer *az, sp_sql_kind kind, const sp_sql_node *at);
sp_sql_node *sp_azw_column(sp_analyzer *az, const char *name, const sp_sql_node *at);
sp_sql_node *sp_azw_call(sp_analyzer *az, const char *name, sp_sql_node *const *args, int n,
                         const sp_sql_node *at);
sp_sql_node *sp_azw_bigint(sp_analyzer *az, int64_t v, const sp_sql_node *at);
sp_sql_node *sp_azw_string(sp_analyzer *az, const char *s, const sp_sql_node *at);
sp_sql_node *sp_azw_alias(sp_analyzer *az, sp_sql_node *e, const char *name);
sp_sql_node *sp_azw_not_null(sp_analyzer *az, const sp_sql_node *e);
/* The window start of each row: __window_start(ts, slide, start) for a
 * tumbling window, explode(__window_starts(ts, size, slide, start)) for a
 * sliding one (a row per window holding it). */
sp_sql_node *sp_azw_start(sp_analyzer *az, const sp_azw_window *w, const sp_sql_node *at);

#endif
