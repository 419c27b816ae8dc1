/* ui_buf.h - a growable text buffer for the UI's responses: printf-style
 * appends, JSON strings, Spark's REST dates. Owned by one thread. */
#ifndef SP_UI_BUF_H
#define SP_UI_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct sp_ui_buf {
    char *s; /* NUL-terminated, malloc'd (NULL until the first append) */
    size_t len, cap;
} sp_ui_buf;

void sp_ui_buf_printf(sp_ui_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sp_ui_buf_puts(sp_ui_buf *b, const char *s);
/* s as a JSON string with quotes ("null" when s is NULL). */
void sp_ui_buf_json_str(sp_ui_buf *b, const char *s);
/* A time in ms since the epoch as Spark's REST API writes a Date:
 * "2026-12-08T01:02:03.456GMT" (quoted). */
void sp_ui_buf_json_date(sp_ui_buf *b, int64_t ms);
/* A double as JSON (Jackson's form for the finite ones, null otherwise). */
void sp_ui_buf_json_double(sp_ui_buf *b, double v);
/* Hands the text over (the caller frees it); b is empty again. */
char *sp_ui_buf_take(sp_ui_buf *b);
void sp_ui_buf_free(sp_ui_buf *b);

#endif
