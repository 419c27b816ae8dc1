/* session_show.c - a statement's rows printed as Dataset.show() prints them
 * (20 rows, strings cut at 20 characters). Caller's thread. */
#include "sql/session_int.h"

#include "sql/show.h"
#include "sql/show_buf.h"

void sp_session_print(sp_session *s, const sp_colbatch *const *batches, size_t n)
{
    sp_sql_sbuf b = {0};
    sp_sql_show_string_batches(&b, batches, n, SP_SQL_SHOW_DEFAULT_ROWS,
                               SP_SQL_SHOW_DEFAULT_TRUNCATE, false, s->tz);
    if (b.p) fputs(b.p, s->out);
    fflush(s->out);
    sp_sql_sbuf_free(&b);
}
