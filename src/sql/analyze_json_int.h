/* analyze_json_int.h - the analyzer's rules for the JSON functions
 * (analyze_json.c), called by analyze_func.c. Private to src/sql/.
 * Threads: the analyzer's. */
#ifndef SP_SQL_ANALYZE_JSON_INT_H
#define SP_SQL_ANALYZE_JSON_INT_H

#include "sql/analyzer_int.h"

/* fn(v[0..k)) for the call n, its arguments resolved and counted:
 * from_json's schema literal parsed into the result type, the string
 * arguments cast. NULL with err set. */
sp_sql_expr *sp_az_json_call(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn, sp_sql_expr **v,
                             int k, sp_sql_error *err);

#endif
