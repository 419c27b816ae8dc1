/* analyze_dt_int.h - the analyzer's rules for the datetime functions that
 * take a pattern, a level or nothing (analyze_datetime.c), called by
 * analyze_func.c. Private to src/sql/. Threads: the analyzer's. */
#ifndef SP_SQL_ANALYZE_DT_INT_H
#define SP_SQL_ANALYZE_DT_INT_H

#include "sql/analyzer_int.h"

/* fn(v[0..k)) for the call n, its arguments resolved and counted: the
 * implicit casts, the default pattern, a constant pattern compiled once
 * (a bad one fails here with Spark's condition), to_timestamp(s) and
 * to_date(s) as CASTs. NULL with err set. */
sp_sql_expr *sp_az_datetime_call(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn,
                                 sp_sql_expr **v, int k, sp_sql_error *err);

#endif
