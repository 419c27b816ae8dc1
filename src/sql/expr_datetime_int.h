/* expr_datetime_int.h - what the datetime kernels (expr_datetime*.c) and the
 * analyzer's datetime rules (analyze_datetime.c) share: a datetime pattern
 * kept in an arena with the expression it belongs to, and the pattern of one
 * row when the format is not a constant. Private to src/sql/. */
#ifndef SP_SQL_EXPR_DATETIME_INT_H
#define SP_SQL_EXPR_DATETIME_INT_H

#include "sql/datetime_format.h"
#include "sql/expr_int.h"

/* A copy of the compiled pattern f made in a (lives as long as a; nothing to
 * free). Any thread owning a. */
const sp_dtf *sp_sql_dtf_in_arena(spate_arena *a, const sp_dtf *f);

/* The last pattern compiled for a non-constant format column, so that a
 * column holding one format compiles it once per batch. */
typedef struct sp_sql_dtf_cache {
    char *text; /* malloc'd */
    size_t len;
    sp_dtf *f;
} sp_sql_dtf_cache;

/* The pattern for row r: e->aux if the analyzer compiled a constant, else
 * fmt's row r compiled (for parsing or formatting) through cache. NULL when
 * the row's format is NULL (*bad false: the row is NULL) or does not compile
 * (*bad true: the error was raised in ctx, or the row is NULL if inactive). */
const sp_dtf *sp_sql_dtf_for_row(const sp_sql_expr *e, const sp_column *fmt, int64_t r,
                                 bool parsing, sp_sql_dtf_cache *cache, sp_sql_eval_ctx *ctx,
                                 bool *bad);
void sp_sql_dtf_cache_free(sp_sql_dtf_cache *cache);

/* expr_datetime_zone.c: from_utc_timestamp, to_utc_timestamp. */
sp_column *sp_sql_eval_dt_zone(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);

#endif
