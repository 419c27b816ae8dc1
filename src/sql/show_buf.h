/* show_buf.h - the SQL layer's growable text buffer: show() and the console
 * sink build their text in it (sql/show_cast.c, sql/show.c,
 * sql/console_sink_format.c), and so do plan and expression printing.
 *
 * The buffer grows geometrically with sp_xrealloc (arena.h's out-of-memory
 * policy), so appending costs no allocation per row once it has grown; the
 * text is NUL-terminated after every append. One thread uses a buffer. */
#ifndef SP_SQL_SHOW_BUF_H
#define SP_SQL_SHOW_BUF_H

#include <stddef.h>

typedef struct sp_sql_sbuf {
    char *p; /* NULL until the first append; the caller frees it (sp_sql_sbuf_free) */
    size_t len, cap;
} sp_sql_sbuf;

/* Appends n bytes of s. */
void sp_sql_sbuf_put(sp_sql_sbuf *b, const char *s, size_t n);
/* Appends the NUL-terminated s. */
void sp_sql_sbuf_puts(sp_sql_sbuf *b, const char *s);
/* Appends c times times. */
void sp_sql_sbuf_fill(sp_sql_sbuf *b, char c, size_t times);
/* Appends printf's text of fmt. */
void sp_sql_sbuf_printf(sp_sql_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Cuts b back to its first len bytes (len no more than its length). */
void sp_sql_sbuf_truncate(sp_sql_sbuf *b, size_t len);
/* Empties b, keeping its memory. */
void sp_sql_sbuf_clear(sp_sql_sbuf *b);
/* Frees b's memory; b is empty and usable afterwards. */
void sp_sql_sbuf_free(sp_sql_sbuf *b);
/* The text so far ("" when nothing was appended). */
static inline const char *sp_sql_sbuf_str(const sp_sql_sbuf *b) { return b->p ? b->p : ""; }

#endif
