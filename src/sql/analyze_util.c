/* analyze_util.c - the analyzer's small shared helpers: errors at a node's
 * position, fresh expression ids, strings in the analyzer's arena.
 * Threads: the analyzer's (one statement on one thread). */
#include "sql/analyzer_int.h"

#include "base/arena.h"

#include <stdio.h>
#include <string.h>

void *sp_az_fail(const sp_analyzer *az, sp_sql_error *err, uint32_t off, const char *cond, ...)
{
    sp_sql_error_set(err, cond, NULL);
    va_list ap;
    va_start(ap, cond);
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name) break;
        sp_sql_error_param(err, name, va_arg(ap, const char *));
    }
    va_end(ap);
    if (az->text) {
        sp_sql_error_at(err, az->text, az->text_len, off);
    } else {
        err->has_pos = false;
        err->offset = off;
    }
    return NULL;
}

int64_t sp_az_id(sp_analyzer *az) { return (*az->next_id)++; }

const char *sp_az_strdup(sp_analyzer *az, const char *s)
{
    return sp_arena_memdup(az->arena, s, strlen(s) + 1);
}

char *sp_az_printf(sp_analyzer *az, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = spate_arena_alloc(az->arena, (size_t)(k < 0 ? 0 : k) + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)(k < 0 ? 0 : k) + 1, fmt, ap);
    va_end(ap);
    return s;
}
