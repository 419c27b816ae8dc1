/* cast_rules.h - which CASTs exist between Spark SQL types (Spark 4.0's
 * Cast.canCast, canAnsiCast, canTryCast, UpCastRule.canUpCast,
 * canANSIStoreAssign, forceNullable) and Spark's DATATYPE_MISMATCH error
 * for a refused CAST. Pure functions; any thread. */
#ifndef SP_SQL_CAST_RULES_H
#define SP_SQL_CAST_RULES_H

#include "sql/types.h"

/* The key that turns ANSI mode off, named in CAST_WITH_CONF_SUGGESTION
 * (Spark's spark.sql.ansi.enabled). */
#define SP_SQL_ANSI_CONF "spate.sql.ansi.enabled"

typedef enum sp_sql_cast_mode {
    SP_SQL_CAST_LEGACY, /* ANSI off: Cast.canCast */
    SP_SQL_CAST_ANSI,   /* Cast.canAnsiCast */
    SP_SQL_CAST_TRY,    /* TRY_CAST: Cast.canTryCast */
} sp_sql_cast_mode;

/* CAST(x AS to) for x of type from resolves: canAnsiCast when ansi, else
 * canCast. */
bool sp_sql_can_cast(const sp_sql_type *from, const sp_sql_type *to, bool ansi);
bool sp_sql_can_cast_mode(const sp_sql_type *from, const sp_sql_type *to, sp_sql_cast_mode mode);
/* An implicit cast that can lose nothing and never fails (Dataset's `as`,
 * store assignment under the strict policy). */
bool sp_sql_can_up_cast(const sp_sql_type *from, const sp_sql_type *to);
/* Store assignment under the ANSI policy (INSERT INTO's default). */
bool sp_sql_can_ansi_store_assign(const sp_sql_type *from, const sp_sql_type *to);
/* Whether casting a non-null value of from to to can give NULL (non-ANSI
 * CAST, TRY_CAST). */
bool sp_sql_cast_force_nullable(const sp_sql_type *from, const sp_sql_type *to);

/* Fills err with Spark's error for a CAST(child AS to) that mode refuses:
 * DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION, .CAST_WITH_CONF_SUGGESTION
 * (ANSI refuses what non-ANSI allows) or .CAST_WITH_FUNC_SUGGESTION
 * (numbers and dates/timestamps). child_sql is the child's SQL text ("a",
 * "1"); position is stored as given. Types are printed with a's memory. */
void sp_sql_cast_error(spate_arena *a, const char *child_sql, const sp_sql_type *from,
                       const sp_sql_type *to, sp_sql_cast_mode mode, int position,
                       sp_sql_type_error *err);

#endif
