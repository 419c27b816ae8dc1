/* log.c - loggers (see log.h): log4j console layout records
 *   "yy/MM/dd HH:mm:ss LEVEL Component: message\n"
 * on stderr, or handed to a callback.
 *
 * The calling thread's logger is a thread-local pointer; NULL means the
 * process default, a static logger whose level is read from SPATE_LOG_LEVEL
 * at first use. A record is formatted whole before it goes out, so the
 * stderr destination needs no lock (one write(2) per record); the callback
 * and its ud are read and called under the logger's recursive lock, so that
 * set_callback can swap them while other threads log, and a callback may log
 * or change its own logger without deadlocking. */
#include "base/log.h"

#include "base/arena.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

_Static_assert(SP_LOG_DEBUG == (int)SPATE_LOG_DEBUG && SP_LOG_OFF == (int)SPATE_LOG_OFF &&
                   SP_LOG_WARN == (int)SPATE_LOG_WARN,
               "sp_log_level and spate_log_level are the same numbers");

struct sp_logger {
    atomic_int level;    /* -1: not read from the environment yet (the default only) */
    pthread_mutex_t mu;  /* recursive: fn and ud */
    pthread_once_t once; /* the default's lock */
    spate_log_fn fn;     /* NULL: stderr */
    void *ud;
};

static sp_logger g_default = {.level = -1, .once = PTHREAD_ONCE_INIT};
static _Thread_local sp_logger *tls_logger;

static const char *const names[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};

static void init_lock(pthread_mutex_t *mu)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(mu, &attr);
    pthread_mutexattr_destroy(&attr);
}

static void init_default_lock(void) { init_lock(&g_default.mu); }

static pthread_mutex_t *lock_of(sp_logger *lg)
{
    if (lg == &g_default) pthread_once(&g_default.once, init_default_lock);
    return &lg->mu;
}

int sp_log_level_parse(const char *s)
{
    if (!s) return -1;
    for (int i = 0; i <= SP_LOG_OFF; i++)
        if (strcasecmp(s, names[i]) == 0) return i;
    if (strcasecmp(s, "WARNING") == 0) return SP_LOG_WARN;
    return -1;
}

const char *sp_log_level_name(sp_log_level level)
{
    return level >= SP_LOG_DEBUG && level <= SP_LOG_OFF ? names[level] : "?";
}

sp_logger *sp_logger_new(sp_log_level level)
{
    sp_logger *lg = sp_xcalloc(1, sizeof *lg);
    atomic_init(&lg->level, (int)level);
    init_lock(&lg->mu);
    return lg;
}

void sp_logger_destroy(sp_logger *lg)
{
    if (!lg || lg == &g_default) return;
    pthread_mutex_destroy(&lg->mu);
    free(lg);
}

sp_log_level sp_logger_get_level(const sp_logger *lg)
{
    sp_logger *l = lg ? (sp_logger *)lg : &g_default;
    int lv = atomic_load(&l->level);
    if (lv >= 0) return (sp_log_level)lv;
    int env = sp_log_level_parse(getenv("SPATE_LOG_LEVEL"));
    int expected = -1;
    atomic_compare_exchange_strong(&l->level, &expected, env >= 0 ? env : SP_LOG_WARN);
    return (sp_log_level)atomic_load(&l->level);
}

void sp_logger_set_level(sp_logger *lg, sp_log_level level)
{
    atomic_store(&(lg ? lg : &g_default)->level, (int)level);
}

void sp_logger_set_callback(sp_logger *lg, spate_log_fn fn, void *ud)
{
    if (!lg) lg = &g_default;
    pthread_mutex_t *mu = lock_of(lg);
    pthread_mutex_lock(mu); /* waits for a callback running on another thread */
    lg->fn = fn;
    lg->ud = ud;
    pthread_mutex_unlock(mu);
}

sp_logger *sp_log_bind(sp_logger *lg)
{
    sp_logger *prev = tls_logger;
    tls_logger = lg;
    return prev;
}

sp_logger *sp_log_bound(void) { return tls_logger; }

void sp_log_set_level(sp_log_level level) { sp_logger_set_level(&g_default, level); }
sp_log_level sp_log_get_level(void) { return sp_logger_get_level(tls_logger); }

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
                    component);
}

/* Formats "<prefix><message>\n" and hands it to lg's destination. With a
 * callback the prefix is left out (pre = 0) and the newline replaced by NUL. */
static void emit(sp_logger *lg, sp_log_level level, const char *component, const char *fmt,
                 va_list ap)
{
    component = component ? component : "spate";
    pthread_mutex_t *mu = lock_of(lg);
    pthread_mutex_lock(mu);
    spate_log_fn fn = lg->fn;
    void *ud = lg->ud;
    if (!fn) pthread_mutex_unlock(mu); /* stderr: one write, no lock */
    char small[1024];
    int pre = fn ? 0 : format_prefix(small, sizeof small, level, component);
    if (pre < 0 || (size_t)pre >= sizeof small / 2) pre = 0;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small + pre, sizeof small - (size_t)pre, fmt, ap);
    size_t total = n < 0 ? 0 : (size_t)pre + (size_t)n + 1;
    char *buf = small;
    if (total > sizeof small) {
        buf = sp_xmalloc(total);
        memcpy(buf, small, (size_t)pre);
        vsnprintf(buf + pre, total - (size_t)pre, fmt, ap2);
    }
    va_end(ap2);
    if (total > 0 && fn) {
        buf[total - 1] = '\0';
        fn((spate_log_level)level, component, buf, ud);
    } else if (total > 0) {
        buf[total - 1] = '\n';
        write_all(buf, total);
    }
    if (fn) pthread_mutex_unlock(mu);
    if (buf != small) free(buf);
}

void sp_log(sp_log_level level, const char *component, const char *fmt, ...)
{
    sp_logger *lg = tls_logger ? tls_logger : &g_default;
    if (level < SP_LOG_DEBUG || level >= SP_LOG_OFF || level < sp_logger_get_level(lg)) return;
    va_list ap;
    va_start(ap, fmt);
    emit(lg, level, component, fmt, ap);
    va_end(ap);
}

void sp_log_to(sp_logger *lg, sp_log_level level, const char *component, const char *fmt, ...)
{
    if (!lg) lg = &g_default;
    if (level < SP_LOG_DEBUG || level >= SP_LOG_OFF || level < sp_logger_get_level(lg)) return;
    va_list ap;
    va_start(ap, fmt);
    emit(lg, level, component, fmt, ap);
    va_end(ap);
}
