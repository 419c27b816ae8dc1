/* socket_reader.c - stop-aware TCP connect and line reading (see
 * socket_reader.h). */
#include "connect/socket_reader.h"

#include "base/arena.h"
#include "base/log.h"
#include "connect/source_util.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { READ_CHUNK = 64 * 1024 };

static bool should_stop(sp_stop_fn stop, void *ud) { return stop && stop(ud); }

/* ---- connecting ---------------------------------------------------------- */

/* A non-blocking connect to one address, waited for in slices. Returns the fd
 * or -1 with errno (ECANCELED when stopping). */
static int connect_one(const struct addrinfo *ai, sp_stop_fn stop, void *ud)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
    int err = errno;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    while (err == EINPROGRESS || err == EINTR) {
        if (should_stop(stop, ud)) {
            err = ECANCELED;
            break;
        }
        int rc = poll(&p, 1, SP_SOCKET_POLL_MS);
        if (rc < 0 && errno != EINTR) err = errno;
        if (rc <= 0) continue;
        socklen_t len = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
        if (err == 0) return fd;
    }
    close(fd);
    errno = err;
    return -1;
}

int sp_socket_connect(const char *host, int port, sp_stop_fn stop, void *ud, char *why,
                      size_t why_size)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0) {
        snprintf(why, why_size, "%s", gai_strerror(rc));
        errno = EHOSTUNREACH;
        return -1;
    }
    int fd = -1, err = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = connect_one(ai, stop, ud);
        if (fd < 0) err = errno;
        if (err == ECANCELED) break;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        char buf[128];
        snprintf(why, why_size, "%s", sp_strerror(err, buf, sizeof buf));
        errno = err;
    }
    return fd;
}

/* ---- reading ------------------------------------------------------------- */

void sp_line_reader_init(sp_line_reader *rd, int fd, sp_stop_fn stop, void *ud,
                         const char *component)
{
    *rd = (sp_line_reader){.fd = fd,
                           .stop = stop,
                           .ud = ud,
                           .component = component ? component : "SocketReader",
                           .max_line = SP_SOCKET_MAX_LINE};
}

void sp_line_reader_free(sp_line_reader *rd)
{
    free(rd->buf);
    rd->buf = NULL;
    rd->cap = rd->start = rd->end = rd->scan = 0;
}

/* Waits until fd is readable: 1 ready, 0 stopping, -1 error. */
static int reader_wait(sp_line_reader *rd)
{
    struct pollfd p = {.fd = rd->fd, .events = POLLIN};
    for (;;) {
        if (should_stop(rd->stop, rd->ud)) return 0;
        int rc = poll(&p, 1, SP_SOCKET_POLL_MS);
        if (rc > 0) return 1;
        if (rc < 0 && errno != EINTR) return -1;
    }
}

/* Reads what is available into buf: bytes, 0 at end of stream or stop, -1 on error. */
static long reader_fill(sp_line_reader *rd, void *buf, size_t n)
{
    for (;;) {
        int w = reader_wait(rd);
        if (w <= 0) return w;
        ssize_t got = read(rd->fd, buf, n);
        if (got >= 0) return (long)got;
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
    }
}

long sp_line_reader_read(sp_line_reader *rd, void *buf, size_t n)
{
    if (!rd || (!buf && n)) {
        errno = EINVAL;
        return -1;
    }
    if (n == 0) return 0;
    if (should_stop(rd->stop, rd->ud)) return 0;
    if (rd->start < rd->end) {
        size_t k = rd->end - rd->start < n ? rd->end - rd->start : n;
        memcpy(buf, rd->buf + rd->start, k);
        rd->start += k;
        if (rd->scan < rd->start) rd->scan = rd->start;
        return (long)k;
    }
    if (rd->eof) return 0;
    long got = reader_fill(rd, buf, n);
    if (got == 0) rd->eof = true;
    return got;
}

/* Makes room at the end of the buffer; false when a line has reached the limit. */
static bool reader_make_room(sp_line_reader *rd)
{
    if (rd->start > 0) {
        memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
        rd->end -= rd->start;
        rd->scan -= rd->start;
        rd->start = 0;
    }
    if (rd->end < rd->cap) return true;
    if (rd->cap >= rd->max_line) return false;
    rd->cap = rd->cap ? rd->cap * 2 : READ_CHUNK;
    if (rd->cap > rd->max_line) rd->cap = rd->max_line;
    rd->buf = sp_xrealloc(rd->buf, rd->cap);
    return true;
}

/* An over-long line: drop what is buffered and skip to its end (logged and
 * counted once, however many buffers it spans). */
static void reader_drop_long_line(sp_line_reader *rd)
{
    rd->start = rd->end = rd->scan = 0;
    if (rd->skipping) return;
    rd->skipping = true;
    sp_log(SP_LOG_WARN, rd->component, "Dropped a line longer than %zu bytes", rd->max_line);
    rd->dropped++;
    if (rd->on_long_line) rd->on_long_line(rd->ud);
}

/* Returns the line ending at nl (1), or skips it after an over-long line (0). */
static int reader_take_line(sp_line_reader *rd, char *nl, const char **line, size_t *len)
{
    size_t n = (size_t)(nl - (rd->buf + rd->start));
    const char *p = rd->buf + rd->start;
    rd->start = rd->scan = (size_t)(nl - rd->buf) + 1;
    if (rd->skipping) {
        rd->skipping = false;
        return 0;
    }
    if (n > 0 && p[n - 1] == '\r') n--;
    *line = p;
    *len = n;
    return 1;
}

/* At end of stream: the last line without a newline (1), or none (0). */
static int reader_last_line(sp_line_reader *rd, const char **line, size_t *len)
{
    if (rd->start == rd->end || rd->skipping) return 0;
    *line = rd->buf + rd->start;
    *len = rd->end - rd->start;
    rd->start = rd->scan = rd->end;
    return 1;
}

int sp_line_reader_next(sp_line_reader *rd, const char **line, size_t *len)
{
    if (!rd || !line || !len) {
        errno = EINVAL;
        return -1;
    }
    for (;;) {
        if (should_stop(rd->stop, rd->ud)) return 0;
        char *nl = rd->end > rd->scan ? memchr(rd->buf + rd->scan, '\n', rd->end - rd->scan) : NULL;
        if (nl) {
            if (reader_take_line(rd, nl, line, len)) return 1;
            continue;
        }
        rd->scan = rd->end;
        if (rd->eof) return reader_last_line(rd, line, len);
        if (!reader_make_room(rd)) {
            reader_drop_long_line(rd);
            continue;
        }
        long got = reader_fill(rd, rd->buf + rd->end, rd->cap - rd->end);
        if (got < 0) return -1;
        if (got == 0) {
            if (should_stop(rd->stop, rd->ud)) return 0;
            rd->eof = true;
        }
        rd->end += (size_t)(got > 0 ? got : 0);
    }
}

bool sp_line_reader_ready(const sp_line_reader *rd)
{
    if (rd->skipping) return false;
    if (rd->end > rd->scan && memchr(rd->buf + rd->scan, '\n', rd->end - rd->scan)) return true;
    return rd->eof && rd->start < rd->end;
}
