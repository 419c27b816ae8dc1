/* ui_buf.c - the UI's response buffer (ui_buf.h). One thread per buffer. */
#include "ui/ui_buf.h"

#include "sql/java_num.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void reserve(sp_ui_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    b->s = realloc(b->s, cap);
    if (!b->s) abort();
    b->cap = cap;
}

void sp_ui_buf_printf(sp_ui_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sp_ui_buf_puts(sp_ui_buf *b, const char *s)
{
    size_t n = strlen(s);
    reserve(b, n);
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

void sp_ui_buf_json_str(sp_ui_buf *b, const char *s)
{
    if (!s) {
        sp_ui_buf_puts(b, "null");
        return;
    }
    reserve(b, strlen(s) + 2);
    b->s[b->len++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *esc = NULL;
        switch (*p) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            break;
        }
        if (esc) {
            sp_ui_buf_puts(b, esc);
        } else if (*p < 0x20) {
            sp_ui_buf_printf(b, "\\u%04x", *p);
        } else {
            reserve(b, 1);
            b->s[b->len++] = (char)*p;
            b->s[b->len] = '\0';
        }
    }
    reserve(b, 1);
    b->s[b->len++] = '"';
    b->s[b->len] = '\0';
}

void sp_ui_buf_json_date(sp_ui_buf *b, int64_t ms)
{
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int milli = (int)(ms - (int64_t)secs * 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    sp_ui_buf_printf(b, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dGMT\"", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
}

void sp_ui_buf_json_double(sp_ui_buf *b, double v)
{
    if (!isfinite(v)) {
        sp_ui_buf_puts(b, "null");
        return;
    }
    char out[SP_SQL_JAVA_NUM_MAX];
    sp_sql_java_double_str(v, out);
    sp_ui_buf_puts(b, out);
}

char *sp_ui_buf_take(sp_ui_buf *b)
{
    if (!b->s) sp_ui_buf_puts(b, "");
    char *s = b->s;
    *b = (sp_ui_buf){0};
    return s;
}

void sp_ui_buf_free(sp_ui_buf *b)
{
    free(b->s);
    *b = (sp_ui_buf){0};
}
