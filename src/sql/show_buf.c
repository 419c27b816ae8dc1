/* show_buf.c - the growable buffer of show_buf.h. */
#include "sql/show_buf.h"

#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for n more bytes and the NUL. Caller's thread. */
static void reserve(sp_sql_sbuf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1)
        cap *= 2;
    b->p = sp_xrealloc(b->p, cap);
    b->cap = cap;
}

void sp_sql_sbuf_put(sp_sql_sbuf *b, const char *s, size_t n)
{
    reserve(b, n);
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sp_sql_sbuf_puts(sp_sql_sbuf *b, const char *s) { sp_sql_sbuf_put(b, s, strlen(s)); }

void sp_sql_sbuf_fill(sp_sql_sbuf *b, char c, size_t times)
{
    reserve(b, times);
    memset(b->p + b->len, c, times);
    b->len += times;
    b->p[b->len] = '\0';
}

void sp_sql_sbuf_printf(sp_sql_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    reserve(b, (size_t)k);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)k;
}

/* Cuts b back to its first len bytes (len <= its length). */
void sp_sql_sbuf_truncate(sp_sql_sbuf *b, size_t len)
{
    b->len = len;
    if (b->p) b->p[len] = '\0';
}

void sp_sql_sbuf_clear(sp_sql_sbuf *b)
{
    b->len = 0;
    if (b->p) b->p[0] = '\0';
}

void sp_sql_sbuf_free(sp_sql_sbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
