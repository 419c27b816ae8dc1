/* socket_lines.c - a thread reading lines of one connection into an
 * offset-addressed buffer (see socket_lines.h). The buffer is an array of
 * line entries over one byte pool; commit drops the entries before an offset
 * and compacts both. */
#include "connect/socket_lines.h"

#include "base/arena.h"
#include "base/log.h"
#include "connect/source_util.h"
#include "connect/utf8_repair.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define COMPONENT "TextSocketMicroBatchStream"

static const int64_t NS_PER_S = 1000000000LL;

typedef struct line_entry {
    size_t at, len; /* text is pool[at, at + len) */
    int64_t ts_ms;
} line_entry;

struct sp_socket_lines {
    char *host;
    int port;
    int fd;
    size_t max_line;
    pthread_t thread;
    atomic_bool closing;

    pthread_mutex_t lock;
    pthread_cond_t cond; /* CLOCK_MONOTONIC: a line arrived or the thread ended */
    line_entry *lines;   /* offsets [base, base + n) */
    size_t n, cap;
    char *pool;
    size_t pool_len, pool_cap;
    int64_t base;
    int64_t dropped;
    bool ended;
};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool is_closing(void *ud) { return atomic_load(&((sp_socket_lines *)ud)->closing); }

static void count_long_line(void *ud)
{
    sp_socket_lines *s = ud;
    pthread_mutex_lock(&s->lock);
    s->dropped++;
    pthread_mutex_unlock(&s->lock);
}

/* Reading thread: appends one line and wakes the waiters. */
static void append_line(sp_socket_lines *s, const char *text, size_t len, int64_t ts)
{
    pthread_mutex_lock(&s->lock);
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->lines = sp_xrealloc(s->lines, s->cap * sizeof *s->lines);
    }
    if (s->pool_len + len > s->pool_cap || !s->pool) {
        while (s->pool_len + len > s->pool_cap || s->pool_cap == 0)
            s->pool_cap = s->pool_cap ? s->pool_cap * 2 : 4096;
        s->pool = sp_xrealloc(s->pool, s->pool_cap);
    }
    memcpy(s->pool + s->pool_len, text, len);
    s->lines[s->n++] = (line_entry){.at = s->pool_len, .len = len, .ts_ms = ts};
    s->pool_len += len;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

/* Reading thread: lines until end of stream, an error or close. */
static void *read_main(void *arg)
{
    sp_socket_lines *s = arg;
    sp_line_reader rd;
    sp_line_reader_init(&rd, s->fd, is_closing, s, COMPONENT);
    rd.max_line = s->max_line;
    rd.on_long_line = count_long_line;
    char *fix = NULL;
    size_t fixcap = 0;
    const char *line;
    size_t len;
    int rc;
    bool warned = false;
    while ((rc = sp_line_reader_next(&rd, &line, &len)) == 1) {
        if (!sp_utf8_valid(line, len)) {
            if (!warned)
                sp_log(SP_LOG_WARN, COMPONENT,
                       "Malformed UTF-8 replaced by U+FFFD in received text");
            warned = true;
            len = sp_utf8_repair(line, len, &fix, &fixcap);
            line = fix;
        }
        append_line(s, line, len, wall_ms());
    }
    int err = errno;
    if (!atomic_load(&s->closing)) {
        char buf[128];
        if (rc < 0)
            sp_log(SP_LOG_WARN, COMPONENT, "Error reading from %s:%d: %s", s->host, s->port,
                   sp_strerror(err, buf, sizeof buf));
        else
            sp_log(SP_LOG_WARN, COMPONENT, "Stream closed by %s:%d", s->host, s->port);
    }
    free(fix);
    sp_line_reader_free(&rd);
    pthread_mutex_lock(&s->lock);
    s->ended = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void lines_free(sp_socket_lines *s)
{
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    free(s->lines);
    free(s->pool);
    free(s->host);
    free(s);
}

sp_socket_lines *sp_socket_lines_open(const char *host, int port, size_t max_line, sp_stop_fn stop,
                                      void *ud, char *why, size_t why_size)
{
    char reason[256];
    int fd = sp_socket_connect(host, port, stop, ud, reason, sizeof reason);
    if (fd < 0) {
        snprintf(why, why_size, "Error connecting to %s:%d: %s", host, port, reason);
        return NULL;
    }
    sp_socket_lines *s = sp_xcalloc(1, sizeof *s);
    s->host = sp_xstrdup(host);
    s->port = port;
    s->fd = fd;
    s->max_line = max_line ? max_line : SP_SOCKET_MAX_LINE;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    int rc = pthread_create(&s->thread, NULL, read_main, s);
    if (rc != 0) {
        char buf[128];
        snprintf(why, why_size, "cannot start the reading thread: %s",
                 sp_strerror(rc, buf, sizeof buf));
        close(fd);
        lines_free(s);
        return NULL;
    }
    sp_log(SP_LOG_INFO, COMPONENT, "Connected to %s:%d", host, port);
    return s;
}

void sp_socket_lines_close(sp_socket_lines *s)
{
    if (!s) return;
    atomic_store(&s->closing, true);
    shutdown(s->fd, SHUT_RDWR); /* wakes a blocked poll at once */
    pthread_join(s->thread, NULL);
    close(s->fd);
    lines_free(s);
}

int64_t sp_socket_lines_latest(sp_socket_lines *s)
{
    pthread_mutex_lock(&s->lock);
    int64_t latest = s->base + (int64_t)s->n;
    pthread_mutex_unlock(&s->lock);
    return latest;
}

bool sp_socket_lines_wait(sp_socket_lines *s, int64_t offset, int64_t timeout_ms)
{
    int64_t deadline = sp_mono_ns() + (timeout_ms > 0 ? timeout_ms : 0) * 1000000LL;
    struct timespec ts = {.tv_sec = deadline / NS_PER_S, .tv_nsec = deadline % NS_PER_S};
    pthread_mutex_lock(&s->lock);
    while (s->base + (int64_t)s->n < offset && !s->ended && sp_mono_ns() < deadline)
        pthread_cond_timedwait(&s->cond, &s->lock, &ts);
    bool ok = s->base + (int64_t)s->n >= offset;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

int sp_socket_lines_read(sp_socket_lines *s, int64_t from, int64_t to, sp_socket_line_fn fn,
                         void *ud, char *why, size_t why_size)
{
    pthread_mutex_lock(&s->lock);
    int64_t latest = s->base + (int64_t)s->n;
    if (from < s->base || to > latest || from > to) {
        snprintf(why, why_size, "Lines [%lld, %lld) are not buffered (buffered: [%lld, %lld))",
                 (long long)from, (long long)to, (long long)s->base, (long long)latest);
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    for (int64_t o = from; o < to; o++) {
        const line_entry *e = &s->lines[o - s->base];
        fn(o, s->pool + e->at, e->len, e->ts_ms, ud);
    }
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* Lock held: drops the first k entries and their bytes. */
static void drop_front_locked(sp_socket_lines *s, size_t k)
{
    if (k == 0) return;
    size_t bytes = k < s->n ? s->lines[k].at : s->pool_len;
    memmove(s->lines, s->lines + k, (s->n - k) * sizeof *s->lines);
    s->n -= k;
    for (size_t i = 0; i < s->n; i++)
        s->lines[i].at -= bytes;
    memmove(s->pool, s->pool + bytes, s->pool_len - bytes);
    s->pool_len -= bytes;
    s->base += (int64_t)k;
}

int sp_socket_lines_commit(sp_socket_lines *s, int64_t end, char *why, size_t why_size)
{
    pthread_mutex_lock(&s->lock);
    int64_t latest = s->base + (int64_t)s->n;
    int rc = 0;
    if (end < s->base) {
        /* in Spark's LongOffsets (ours minus one) */
        snprintf(why, why_size, "Offsets committed out of order: %lld followed by %lld",
                 (long long)s->base - 1, (long long)end - 1);
        rc = -1;
    } else if (end > latest) {
        snprintf(why, why_size, "commit() received an offset (%lld) beyond the latest (%lld)",
                 (long long)end - 1, (long long)latest - 1);
        rc = -1;
    } else {
        drop_front_locked(s, (size_t)(end - s->base));
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int64_t sp_socket_lines_committed(sp_socket_lines *s)
{
    pthread_mutex_lock(&s->lock);
    int64_t base = s->base;
    pthread_mutex_unlock(&s->lock);
    return base;
}

bool sp_socket_lines_ended(sp_socket_lines *s)
{
    pthread_mutex_lock(&s->lock);
    bool ended = s->ended;
    pthread_mutex_unlock(&s->lock);
    return ended;
}

int64_t sp_socket_lines_dropped(sp_socket_lines *s)
{
    pthread_mutex_lock(&s->lock);
    int64_t d = s->dropped;
    pthread_mutex_unlock(&s->lock);
    return d;
}
