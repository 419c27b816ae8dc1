/* socket_lines.h - a buffered line source over one TCP connection: the core
 * of Spark's Structured Streaming `socket` source (TextSocketMicroBatchStream),
 * with no DStream, receiver or SQL types.
 *
 * sp_socket_lines_open connects (connect/socket_reader.h) and starts a thread
 * that reads lines into a buffer; each line gets the next offset (0, 1, 2...)
 * and the wall-clock time it arrived (includeTimestamp), and its text is
 * UTF-8 repaired as Java would (connect/utf8_repair.h). The three operations:
 *   plan          sp_socket_lines_latest: the offset after the last line
 *                 received (Spark's LongOffset is this minus one: -1 = none);
 *   read-range    sp_socket_lines_read(from, to): the lines [from, to);
 *   save-position sp_socket_lines_commit(end): drops the lines before end;
 *                 a batch may not read them again.
 * Nothing is saved to disk: like Spark's, the source does not recover (a new
 * connection starts at offset 0 again).
 *
 * The thread ends at end of stream ("Stream closed by host:port", WARN, as
 * Spark logs it) or on a read error; lines received stay readable. It does
 * not reconnect.
 *
 * Threads: open and close on the owner's thread; latest, wait, read, commit,
 * ended and dropped on any thread (one lock). The read callback runs under
 * that lock: it must copy what it keeps and not call back into the source. */
#ifndef SP_SOCKET_LINES_H
#define SP_SOCKET_LINES_H

#include "connect/socket_reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_socket_lines sp_socket_lines;

/* One line: its offset, text (UTF-8, not NUL-terminated, valid during the
 * call) and arrival time in ms since the epoch. */
typedef void (*sp_socket_line_fn)(int64_t offset, const char *text, size_t len, int64_t ts_ms,
                                  void *ud);

/* Connects to host:port and starts reading. NULL with the reason in why
 * ("Error connecting to host:port: Connection refused") when it cannot
 * connect or stop said so. stop (may be NULL) is asked only while
 * connecting. max_line: longer lines are dropped (0: SP_SOCKET_MAX_LINE). */
sp_socket_lines *sp_socket_lines_open(const char *host, int port, size_t max_line, sp_stop_fn stop,
                                      void *ud, char *why, size_t why_size);
/* Stops the thread (shuts the socket down), joins it and frees everything. */
void sp_socket_lines_close(sp_socket_lines *s);

/* The offset the next line will get: lines [0, latest) have been received. */
int64_t sp_socket_lines_latest(sp_socket_lines *s);
/* Waits until latest >= offset, the thread has ended, or timeout_ms passed;
 * true when latest >= offset. */
bool sp_socket_lines_wait(sp_socket_lines *s, int64_t offset, int64_t timeout_ms);
/* Calls fn for each line of [from, to), in order; 0, or -1 with why set when
 * the range is not buffered (from < the committed offset, to > latest, or
 * from > to). */
int sp_socket_lines_read(sp_socket_lines *s, int64_t from, int64_t to, sp_socket_line_fn fn,
                         void *ud, char *why, size_t why_size);
/* Drops the lines before end; 0, or -1 with why set when end is before the
 * last commit ("Offsets committed out of order: a followed by b") or after
 * latest. */
int sp_socket_lines_commit(sp_socket_lines *s, int64_t end, char *why, size_t why_size);
/* The first offset still buffered (the last commit's end, 0 before). */
int64_t sp_socket_lines_committed(sp_socket_lines *s);
/* True once the reading thread has ended (end of stream or error). */
bool sp_socket_lines_ended(sp_socket_lines *s);
/* Over-long lines dropped so far. */
int64_t sp_socket_lines_dropped(sp_socket_lines *s);

#endif
