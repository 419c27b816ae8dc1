/* show_int.h - what the show module's files share (sql/show*.c only). */
#ifndef SP_SQL_SHOW_INT_H
#define SP_SQL_SHOW_INT_H

#include "sql/show_buf.h"

#include <stddef.h>

/* Appends n bytes of s to out as showString shows a cell or a name: the
 * control characters escaped, bytes that are not UTF-8 as U+FFFD, then cut
 * to truncate UTF-16 code units as show.h describes (truncate <= 0: not
 * cut). Caller's thread. */
void sp_sql_show_cell_text(sp_sql_sbuf *out, const char *s, size_t n, int truncate);

#endif
