/* socket_reader.h - the socket connector's core, with no DStream or SQL
 * types: a TCP connect to host:port and a line reader over the connection.
 * socketTextStream/socketStream (stream/inputs/socket_stream.c) adapt it to a
 * receiver; connect/socket_lines.h buffers its lines for a micro-batch source.
 *
 * Stop-aware: connecting and reading never block past a stop. They wait with
 * poll() in slices of SP_SOCKET_POLL_MS and ask the caller's "should stop"
 * callback between slices (the caller may also shut the socket down to wake
 * a read at once). Once it says stop, reads return end of stream (0), without
 * the partial line the reader may hold.
 *
 * Lines are split at \n, a \r before it dropped; the last line before end of
 * stream needs no \n. Bytes are not decoded here (connect/utf8_repair.h does
 * that). A line longer than max_line bytes is dropped: logged (WARN, the
 * reader's component) and counted (dropped, on_long_line), and reading goes
 * on with the next line.
 *
 * Threads: a reader is used by one thread at a time (the one reading the
 * connection); the stop callback may look at state other threads set. */
#ifndef SP_SOCKET_READER_H
#define SP_SOCKET_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lines longer than this are dropped by default (input never decides an
 * unbounded allocation). */
#define SP_SOCKET_MAX_LINE (64u << 20)
/* How long connect and read wait between two looks at the stop callback. */
#define SP_SOCKET_POLL_MS 50

/* True when the caller wants connect/read to give up. */
typedef bool (*sp_stop_fn)(void *ud);

/* Connects to host:port over TCP (each address getaddrinfo gives, in turn).
 * Returns the connected fd (blocking reads are not assumed: it is
 * non-blocking, close-on-exec), or -1 with errno set (ECANCELED when stop said
 * so) and the reason in why ("Connection refused", a resolver message). stop
 * may be NULL (never stop). */
int sp_socket_connect(const char *host, int port, sp_stop_fn stop, void *ud, char *why,
                      size_t why_size);

typedef struct sp_line_reader {
    int fd;                         /* not owned: the caller closes it */
    sp_stop_fn stop;                /* NULL: never */
    void *ud;                       /* for stop and on_long_line */
    const char *component;          /* log name for dropped lines */
    size_t max_line;                /* SP_SOCKET_MAX_LINE unless changed after init */
    void (*on_long_line)(void *ud); /* called as a line is dropped; may be NULL */
    int64_t dropped;                /* over-long lines dropped */
    /* private */
    char *buf;
    size_t cap, start, end; /* unread bytes are buf[start, end) */
    size_t scan;            /* bytes before scan hold no newline */
    bool eof;
    bool skipping; /* dropping the rest of an over-long line */
} sp_line_reader;

void sp_line_reader_init(sp_line_reader *rd, int fd, sp_stop_fn stop, void *ud,
                         const char *component);
/* Frees the buffer (not the fd). */
void sp_line_reader_free(sp_line_reader *rd);

/* Reads up to n bytes (buffered ones first): the count, 0 at end of stream or
 * stop, -1 with errno on error (EINVAL on bad arguments). */
long sp_line_reader_read(sp_line_reader *rd, void *buf, size_t n);

/* The next line: 1 with *line and *len set (valid until the next call), 0 at end
 * of stream or stop, -1 with errno on error. */
int sp_line_reader_next(sp_line_reader *rd, const char **line, size_t *len);

/* True when the next sp_line_reader_next returns a line already buffered,
 * without reading: the buffer does not move then, so the lines taken before
 * stay valid. */
bool sp_line_reader_ready(const sp_line_reader *rd);

#endif
