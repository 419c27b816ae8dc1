/* socket_stream.c - socketTextStream and socketStream (Spark's
 * SocketInputDStream + SocketReceiver) and the spate_reader converters read:
 * the DStream adapter over the socket connector's core, connect/socket_reader.h
 * (stop-aware connect, line reading) and connect/utf8_repair.h.
 *
 * The receiver's on_start connects to host:port, runs the converter over the
 * connection, and asks the supervisor to restart it (that is: reconnect after
 * spate.streaming.receiverRestartDelay) when the connection fails, ends or
 * errs - unless the receiver is being stopped. Messages are Spark's: "Error
 * connecting to host:port", "Socket data stream had no more data", "Stopped
 * receiving".
 *
 * Stop is never blocked by the network: the core's connect and reads wait in
 * poll slices and ask spate_receiver_is_stopped (its "should stop" callback)
 * between them, and on_stop also shuts the socket down. A reader returns end
 * of stream (0) once the receiver is stopping, without the partial line it
 * may hold.
 *
 * Text: lines are split at \n (a \r before it is dropped) and decoded as UTF-8
 * the way Java's decoder does it: each malformed sequence becomes U+FFFD (the
 * line is kept). A line longer than SP_SOCKET_MAX_LINE bytes is dropped,
 * logged and counted as a bad record of the context, and reading goes on
 * with the next line.
 *
 * Threads: on_start, the converter and the reader run on the receiver's
 * supervisor thread; on_stop on the thread stopping the context (or the
 * supervisor on restart); `lock` guards the connected fd between the two. */
#include "stream/inputs/receiver_int.h"

#include "base/arena.h"
#include "base/log.h"
#include "connect/socket_reader.h"
#include "connect/utf8_repair.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define COMPONENT "SocketReceiver"

struct spate_reader {
    sp_line_reader lr; /* the connector core's reader over the connection */
    spate_receiver *r;
};

typedef struct sock_impl {
    char *host;
    int port;
    spate_socket_converter convert;
    void *ud;
    pthread_mutex_t lock; /* guards fd */
    int fd;               /* the connection, -1 when none */
} sock_impl;

/* ---- the reader: spate_reader over sp_line_reader --------------------------- */

/* The core's "should stop": the receiver is stopping or restarting. */
static bool receiver_stopped(void *ud) { return spate_receiver_is_stopped(ud); }

/* An over-long line was dropped: a bad record of the context. */
static void count_bad_record(void *ud)
{
    atomic_fetch_add(&sp_ctx_exec(sp_receiver_ctx(ud))->bad_records, 1);
}

long spate_reader_read(spate_reader *rd, void *buf, size_t n)
{
    if (!rd) {
        errno = EINVAL;
        return -1;
    }
    return sp_line_reader_read(&rd->lr, buf, n);
}

int spate_reader_read_line(spate_reader *rd, const char **line, size_t *len)
{
    if (!rd) {
        errno = EINVAL;
        return -1;
    }
    return sp_line_reader_next(&rd->lr, line, len);
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
        if (!sp_utf8_valid(line, len)) {
            if (!warned)
                sp_log(SP_LOG_WARN, COMPONENT,
                       "Malformed UTF-8 replaced by U+FFFD in received text");
            warned = true;
            char *fix = NULL;
            size_t fixcap = 0;
            len = sp_utf8_repair(line, len, &fix, &fixcap);
            line = c->owned[c->nowned++] = fix;
        }
        c->lines[c->n++] = spate_str(line, len);
        if (c->n == LINE_CHUNK || !sp_line_reader_ready(&in->lr)) chunk_flush(c, r);
    }
    chunk_flush(c, r); /* empty unless the receiver stopped */
    free(c);
    return rc < 0 ? SPATE_ERR_IO : SPATE_OK;
}

/* Supervisor thread: runs the converter over one connection. */
static spate_err sock_receive(sock_impl *si, spate_receiver *r, int fd)
{
    pthread_mutex_lock(&si->lock);
    si->fd = fd;
    pthread_mutex_unlock(&si->lock);
    spate_reader rd = {.r = r};
    sp_line_reader_init(&rd.lr, fd, receiver_stopped, r, COMPONENT);
    rd.lr.on_long_line = count_bad_record;
    spate_err err = si->convert(&rd, r, si->ud);
    sp_line_reader_free(&rd.lr);
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
    int fd = sp_socket_connect(si->host, si->port, receiver_stopped, r, why, sizeof why);
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
