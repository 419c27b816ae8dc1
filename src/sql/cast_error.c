/* cast_error.c - Spark's DATATYPE_MISMATCH error for a CAST the mode
 * refuses (Cast.typeCheckFailureMessage; see cast_rules.h). Any thread. */
#include "sql/cast_rules.h"

#include <stdio.h>
#include <string.h>

/* The functions Spark suggests for numbers to and from dates and
 * timestamps, or NULL. */
static const char *func_suggestion(const sp_sql_type *f, const sp_sql_type *t)
{
    bool fnum = sp_sql_type_is_numeric(f), tnum = sp_sql_type_is_numeric(t);
    if (fnum && t->id == SP_SQL_TIMESTAMP)
        return "`TIMESTAMP_SECONDS`/`TIMESTAMP_MILLIS`/`TIMESTAMP_MICROS`";
    if (f->id == SP_SQL_TIMESTAMP && tnum) return "`UNIX_SECONDS`/`UNIX_MILLIS`/`UNIX_MICROS`";
    if (fnum && t->id == SP_SQL_DATE) return "`DATE_FROM_UNIX_DATE`";
    if (f->id == SP_SQL_DATE && tnum) return "`UNIX_DATE`";
    return NULL;
}

void sp_sql_cast_error(spate_arena *a, const char *child_sql, const sp_sql_type *from,
                       const sp_sql_type *to, sp_sql_cast_mode mode, int position,
                       sp_sql_type_error *err)
{
    const char *fs = sp_sql_type_sql(a, from), *ts = sp_sql_type_sql(a, to);
    const char *funcs = mode == SP_SQL_CAST_LEGACY ? NULL : func_suggestion(from, to);
    bool conf = mode == SP_SQL_CAST_ANSI && !funcs && sp_sql_can_cast(from, to, false);
    const char *sub = funcs  ? "CAST_WITH_FUNC_SUGGESTION"
                      : conf ? "CAST_WITH_CONF_SUGGESTION"
                             : "CAST_WITHOUT_SUGGESTION";
    *err = (sp_sql_type_error){.position = position};
    snprintf(err->error_class, sizeof err->error_class, "DATATYPE_MISMATCH.%s", sub);
    int n = snprintf(err->message, sizeof err->message,
                     "Cannot resolve \"%s(%s AS %s)\" due to data type mismatch: cannot cast "
                     "\"%s\" to \"%s\"",
                     mode == SP_SQL_CAST_TRY ? "TRY_CAST" : "CAST", child_sql, ts, fs, ts);
    if (n < 0 || (size_t)n >= sizeof err->message) return;
    size_t left = sizeof err->message - (size_t)n;
    char *end = err->message + n;
    if (funcs)
        snprintf(end, left,
                 ". To convert values from \"%s\" to \"%s\", you can use the functions %s "
                 "instead.",
                 fs, ts, funcs);
    else if (conf)
        snprintf(end, left,
                 " with ANSI mode on. If you have to cast \"%s\" to \"%s\", you can set \"%s\" "
                 "as 'false'.",
                 fs, ts, SP_SQL_ANSI_CONF);
    else
        snprintf(end, left, ".");
}
