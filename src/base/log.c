/* log.c - log4j console layout records on stderr:
 *   "yy/MM/dd HH:mm:ss LEVEL Component: message\n"
 * Each record is formatted whole and written with one write(2), so records of
 * concurrent threads never interleave. The level is WARN unless
 * sp_log_set_level or the environment variable SPATE_LOG_LEVEL (read at first
 * use) says otherwise. Thread-safe. */
#include "base/log.h"

#include "base/arena.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static atomic_int g_level = -1; /* -1: not read from the environment yet */

static const char *const names[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};

int sp_log_level_parse(const char *s)
{
    if (!s) return -1;
    for (int i = 0; i <= SP_LOG_OFF; i++)
        if (strcasecmp(s, names[i]) == 0) return i;
    if (strcasecmp(s, "WARNING") == 0) return SP_LOG_WARN;
    return -1;
}

sp_log_level sp_log_get_level(void)
{
    int lv = atomic_load(&g_level);
    if (lv >= 0) return (sp_log_level)lv;
    int env = sp_log_level_parse(getenv("SPATE_LOG_LEVEL"));
    int expected = -1;
    atomic_compare_exchange_strong(&g_level, &expected, env >= 0 ? env : SP_LOG_WARN);
    return (sp_log_level)atomic_load(&g_level);
}

void sp_log_set_level(sp_log_level level) { atomic_store(&g_level, (int)level); }

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

static int format_prefix(char *buf, size_t size, sp_log_level level, const char *component)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return snprintf(buf, size, "%02d/%02d/%02d %02d:%02d:%02d %s %s: ", tm.tm_year % 100,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, names[level],
                    component ? component : "spate");
}

void sp_log(sp_log_level level, const char *component, const char *fmt, ...)
{
    if (level < SP_LOG_DEBUG || level >= SP_LOG_OFF || level < sp_log_get_level()) return;
    char small[1024];
    int pre = format_prefix(small, sizeof small, level, component);
    if (pre < 0 || (size_t)pre >= sizeof small / 2) pre = 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small + pre, sizeof small - (size_t)pre, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t total = (size_t)pre + (size_t)n + 1;
    char *buf = small;
    if (total > sizeof small) {
        buf = sp_xmalloc(total);
        memcpy(buf, small, (size_t)pre);
        va_start(ap, fmt);
        vsnprintf(buf + pre, total - (size_t)pre, fmt, ap);
        va_end(ap);
    }
    buf[total - 1] = '\n';
    write_all(buf, total);
    if (buf != small) free(buf);
}
