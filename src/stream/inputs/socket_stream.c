/* socket_stream.c - socketTextStream and socketStream (Spark's
 * SocketInputDStream + SocketReceiver) and the spate_reader converters read.
 *
 * The receiver's on_start connects to host:port (getaddrinfo, TCP), runs the
 * converter over the connection, and asks the supervisor to restart it (that
 * is: reconnect after spate.streaming.receiverRestartDelay) when the connection
 * fails, ends or errs - unless the receiver is being stopped. Messages are
 * Spark's: "Error connecting to host:port", "Socket data stream had no more
 * data", "Stopped receiving".
 *
 * Stop is never blocked by the network: connect and read wait with poll() in
 * short slices and look at spate_receiver_is_stopped between them, and on_stop
 * also shuts the socket down. A reader returns end of stream (0) once the
 * receiver is stopping, without the partial line it may hold.
 *
 * Text: lines are split at \n (a \r before it is dropped) and decoded as UTF-8
 * the way Java's decoder does it: each malformed sequence becomes U+FFFD (the
 * line is kept). A line longer than SP_READER_MAX_LINE bytes is dropped, logged
 * and counted as a bad record, and reading goes on with the next line.
 *
 * Threads: on_start, the converter and the reader run on the receiver's
 * supervisor thread; on_stop on the thread stopping the context (or the
 * supervisor on restart); `lock` guards the connected fd between the two. */
#include "stream/inputs/receiver_int.h"

#include "base/arena.h"
#include "base/log.h"
#include "connect/source_util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define COMPONENT "SocketReceiver"

/* Lines longer than this are dropped (input never decides an unbounded allocation). */
#define SP_READER_MAX_LINE (64u << 20)

enum { POLL_SLICE_MS = 50, READ_CHUNK = 64 * 1024 };

struct spate_reader {
    int fd;
    spate_receiver *r;
    char *buf;
    size_t cap, start, end; /* unread bytes are buf[start, end) */
    size_t scan;            /* bytes before scan hold no newline */
    bool eof;
    bool skipping; /* dropping the rest of an over-long line */
};

typedef struct sock_impl {
    char *host;
    int port;
    spate_socket_converter convert;
    void *ud;
    pthread_mutex_t lock; /* guards fd */
    int fd;               /* the connection, -1 when none */
} sock_impl;

/* ---- the reader ---------------------------------------------------------- */

/* Supervisor thread. Waits until fd is readable: 1 ready, 0 receiver stopping,
 * -1 error. */
static int reader_wait(spate_reader *rd)
{
    struct pollfd p = {.fd = rd->fd, .events = POLLIN};
    for (;;) {
        if (spate_receiver_is_stopped(rd->r)) return 0;
        int rc = poll(&p, 1, POLL_SLICE_MS);
        if (rc > 0) return 1;
        if (rc < 0 && errno != EINTR) return -1;
    }
}

/* Reads what is available into buf: bytes, 0 at end of stream or stop, -1 on error. */
static long reader_fill(spate_reader *rd, void *buf, size_t n)
{
    for (;;) {
        int w = reader_wait(rd);
        if (w <= 0) return w;
        ssize_t got = read(rd->fd, buf, n);
        if (got >= 0) return (long)got;
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
    }
}

long spate_reader_read(spate_reader *rd, void *buf, size_t n)
{
    if (!rd || (!buf && n)) {
        errno = EINVAL;
        return -1;
    }
    if (n == 0) return 0;
    if (spate_receiver_is_stopped(rd->r)) return 0;
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
static bool reader_make_room(spate_reader *rd)
{
    if (rd->start > 0) {
        memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
        rd->end -= rd->start;
        rd->scan -= rd->start;
        rd->start = 0;
    }
    if (rd->end < rd->cap) return true;
    if (rd->cap >= SP_READER_MAX_LINE) return false;
    rd->cap = rd->cap ? rd->cap * 2 : READ_CHUNK;
    rd->buf = sp_xrealloc(rd->buf, rd->cap);
    return true;
}

/* An over-long line: drop what is buffered and skip to its end. */
static void reader_drop_long_line(spate_reader *rd)
{
    sp_log(SP_LOG_WARN, COMPONENT, "Dropped a line longer than %u bytes", SP_READER_MAX_LINE);
    atomic_fetch_add(&sp_ctx_exec(sp_receiver_ctx(rd->r))->bad_records, 1);
    rd->start = rd->end = rd->scan = 0;
    rd->skipping = true;
}

/* Returns the line ending at nl (1), or skips it after an over-long line (0). */
static int reader_take_line(spate_reader *rd, char *nl, const char **line, size_t *len)
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

int spate_reader_read_line(spate_reader *rd, const char **line, size_t *len)
{
    if (!rd || !line || !len) {
        errno = EINVAL;
        return -1;
    }
    for (;;) {
        if (spate_receiver_is_stopped(rd->r)) return 0;
        char *nl = rd->end > rd->scan ? memchr(rd->buf + rd->scan, '\n', rd->end - rd->scan) : NULL;
        if (nl) {
            if (reader_take_line(rd, nl, line, len)) return 1;
            continue;
        }
        rd->scan = rd->end;
        if (rd->eof) {
            if (rd->start == rd->end || rd->skipping) return 0;
            *line = rd->buf + rd->start;
            *len = rd->end - rd->start;
            rd->start = rd->scan = rd->end;
            return 1;
        }
        if (!reader_make_room(rd)) {
            reader_drop_long_line(rd);
            continue;
        }
        long got = reader_fill(rd, rd->buf + rd->end, rd->cap - rd->end);
        if (got < 0) return -1;
        if (got == 0) {
            if (spate_receiver_is_stopped(rd->r)) return 0;
            rd->eof = true;
        }
        rd->end += (size_t)(got > 0 ? got : 0);
    }
}

/* ---- UTF-8 as Java decodes it -------------------------------------------- */

/* Length of the well-formed sequence at p (Unicode table 3-7), or 0 with
 * *bad set to the length of the malformed maximal subpart (>= 1). */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
    unsigned c = p[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        *bad = 1;
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= n || p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xBF)) {
            *bad = i;
            return 0;
        }
    }
    return need;
}

static bool utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, bad;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, n - i, &bad);
        if (!k) return false;
        i += k;
    }
    return true;
}

/* Copies s into *buf with each malformed subpart replaced by U+FFFD. */
static size_t utf8_fix(const char *s, size_t n, char **buf, size_t *cap)
{
    if (*cap < n * 3) {
        *cap = n * 3;
        *buf = sp_xrealloc(*buf, *cap);
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0, bad = 0;
    while (i < n) {
        size_t k = utf8_seq(p + i, n - i, &bad);
        if (k) {
            memcpy(*buf + o, p + i, k);
            o += k;
            i += k;
        } else {
            memcpy(*buf + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += bad;
        }
    }
    return o;
}

/* True when the next spate_reader_read_line returns a line already in the
 * buffer, without reading: the buffer does not move, so the lines taken
 * before stay valid. */
static bool reader_line_ready(const spate_reader *rd)
{
    if (rd->skipping) return false;
    if (rd->end > rd->scan && memchr(rd->buf + rd->scan, '\n', rd->end - rd->scan)) return true;
    return rd->eof && rd->start < rd->end;
}

/* Lines received together, stored with one spate_receiver_store_many (one
 * write-ahead log sync instead of one per line). */
enum { LINE_CHUNK = 1024 };
typedef struct line_chunk {
    spate_value lines[LINE_CHUNK]; /* in the reader's buffer, or in owned */
    char *owned[LINE_CHUNK];       /* lines with malformed UTF-8, repaired */
    int n, nowned;
} line_chunk;

static void chunk_flush(line_chunk *c, spate_receiver *r)
{
    spate_receiver_store_many(r, c->lines, (size_t)c->n);
    for (int i = 0; i < c->nowned; i++)
        free(c->owned[i]);
    c->n = c->nowned = 0;
}

/* socketTextStream's converter (Spark's bytesToLines). */
static spate_err text_converter(spate_reader *in, spate_receiver *r, void *ud)
{
    (void)ud;
    const char *line;
    size_t len;
    int rc;
    bool warned = false;
    line_chunk *c = sp_xcalloc(1, sizeof *c);
    while ((rc = spate_reader_read_line(in, &line, &len)) == 1) {
        if (!utf8_valid(line, len)) {
            if (!warned)
                sp_log(SP_LOG_WARN, COMPONENT,
                       "Malformed UTF-8 replaced by U+FFFD in received text");
            warned = true;
            char *fix = NULL;
            size_t fixcap = 0;
            len = utf8_fix(line, len, &fix, &fixcap);
            line = c->owned[c->nowned++] = fix;
        }
        c->lines[c->n++] = spate_str(line, len);
        if (c->n == LINE_CHUNK || !reader_line_ready(in)) chunk_flush(c, r);
    }
    chunk_flush(c, r); /* empty unless the receiver stopped */
    free(c);
    return rc < 0 ? SPATE_ERR_IO : SPATE_OK;
}

/* ---- connecting ---------------------------------------------------------- */

/* Supervisor thread: a non-blocking connect to one address, waited for in
 * slices. Returns the fd or -1 with errno (ECANCELED when stopping). */
static int connect_one(const struct addrinfo *ai, spate_receiver *r)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
    int err = errno;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    while (err == EINPROGRESS || err == EINTR) {
        if (spate_receiver_is_stopped(r)) {
            err = ECANCELED;
            break;
        }
        int rc = poll(&p, 1, POLL_SLICE_MS);
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

/* Supervisor thread: connects to host:port; -1 with *why filled on failure. */
static int sock_connect(sock_impl *si, spate_receiver *r, char *why, size_t why_size)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char port[16];
    snprintf(port, sizeof port, "%d", si->port);
    int rc = getaddrinfo(si->host, port, &hints, &res);
    if (rc != 0) {
        snprintf(why, why_size, "%s", gai_strerror(rc));
        return -1;
    }
    int fd = -1, err = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = connect_one(ai, r);
        if (fd < 0) err = errno;
        if (err == ECANCELED) break;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        char buf[128];
        snprintf(why, why_size, "%s", sp_strerror(err, buf, sizeof buf));
    }
    return fd;
}

/* Supervisor thread: runs the converter over one connection. */
static spate_err sock_receive(sock_impl *si, spate_receiver *r, int fd)
{
    pthread_mutex_lock(&si->lock);
    si->fd = fd;
    pthread_mutex_unlock(&si->lock);
    spate_reader rd = {.fd = fd, .r = r};
    spate_err err = si->convert(&rd, r, si->ud);
    free(rd.buf);
    pthread_mutex_lock(&si->lock);
    si->fd = -1;
    close(fd);
    pthread_mutex_unlock(&si->lock);
    return err;
}

static void sock_on_start(spate_receiver *r, void *ud)
{
    sock_impl *si = ud;
    char why[256], msg[512];
    sp_log(SP_LOG_INFO, COMPONENT, "Connecting to %s:%d", si->host, si->port);
    int fd = sock_connect(si, r, why, sizeof why);
    if (fd < 0) {
        if (spate_receiver_is_stopped(r)) return;
        snprintf(msg, sizeof msg, "Error connecting to %s:%d: %s", si->host, si->port, why);
        spate_receiver_restart(r, msg);
        return;
    }
    sp_log(SP_LOG_INFO, COMPONENT, "Connected to %s:%d", si->host, si->port);
    spate_err err = sock_receive(si, r, fd);
    sp_log(SP_LOG_INFO, COMPONENT, "Closed socket to %s:%d", si->host, si->port);
    if (spate_receiver_is_stopped(r)) {
        sp_log(SP_LOG_INFO, COMPONENT, "Stopped receiving");
    } else if (err != SPATE_OK) {
        snprintf(msg, sizeof msg, "Error receiving data from %s:%d: %s", si->host, si->port,
                 spate_err_str(err));
        spate_receiver_restart(r, msg);
    } else {
        sp_log(SP_LOG_WARN, COMPONENT, "Stopped receiving");
        spate_receiver_restart(r, "Socket data stream had no more data");
    }
}

/* Thread stopping the receiver: wakes a blocked read at once. */
static void sock_on_stop(spate_receiver *r, void *ud)
{
    (void)r;
    sock_impl *si = ud;
    pthread_mutex_lock(&si->lock);
    if (si->fd >= 0) shutdown(si->fd, SHUT_RDWR);
    pthread_mutex_unlock(&si->lock);
}

static void sock_free(void *ud)
{
    sock_impl *si = ud;
    if (!si) return;
    pthread_mutex_destroy(&si->lock);
    free(si->host);
    free(si);
}

static const sp_stream_ops socket_ops = {
    .name = "SocketInputDStream",
    .compute = sp_receiver_compute,
    .start = sp_receiver_start,
    .stop = sp_receiver_stop,
    .has_pending = sp_receiver_has_pending,
    .destroy = sp_receiver_destroy,
    .save_batch_input = sp_receiver_save_batch_input,
    .restore_batch_input = sp_receiver_restore_batch_input,
    .save_position = sp_receiver_save_position,
    .load_position = sp_receiver_load_position,
};

spate_stream *spate_socket_stream(spate_ctx *ssc, const char *host, int port,
                                  spate_socket_converter convert, void *ud)
{
    if (!ssc) return NULL;
    if (!host || !*host || port <= 0 || port > 65535 || !convert) {
        sp_ctx_set_error(ssc, "socketStream: invalid host, port (%d) or converter", port);
        return NULL;
    }
    sock_impl *si = sp_xcalloc(1, sizeof *si);
    si->host = sp_xstrdup(host);
    si->port = port;
    si->convert = convert;
    si->ud = ud;
    si->fd = -1;
    pthread_mutex_init(&si->lock, NULL);
    spate_receiver_def def = {
        .name = COMPONENT, .on_start = sock_on_start, .on_stop = sock_on_stop, .ud = si};
    return sp_receiver_stream_new(ssc, &socket_ops, &def, sock_free);
}

spate_stream *spate_socket_text_stream(spate_ctx *ssc, const char *host, int port)
{
    return spate_socket_stream(ssc, host, port, text_converter, NULL);
}
