/* test_socket_lines.c - the socket connector's core on its own, with no
 * stream or receiver: the stop-aware connect, the line reader (\n and \r\n,
 * the last line at end of stream, over-long lines, stop) and the buffered
 * line source of the SQL socket source (latest offset, lines [from, to),
 * commit), over real loopback sockets. Nothing sleeps: tests wait on the
 * source's condition with a bound, or read with blocking reads. */
#include <criterion/criterion.h>

#include "connect/socket_lines.h"
#include "connect/socket_reader.h"
#include "connect/utf8_repair.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { WAIT_MS = 10000 };

/* A listening loopback socket; its port in *port. */
static int listen_on(int backlog, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(fd, backlog), 0);
    socklen_t len = sizeof a;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, s, n);
        cr_assert_gt(k, 0);
        s += k;
        n -= (size_t)k;
    }
}

static void send_str(int fd, const char *s) { send_all(fd, s, strlen(s)); }

/* A connected pair: *client from sp_socket_connect, *server accepted. */
static void connect_pair(int *client, int *server)
{
    int port;
    int l = listen_on(4, &port);
    char why[256] = "";
    *client = sp_socket_connect("127.0.0.1", port, NULL, NULL, why, sizeof why);
    cr_assert_geq(*client, 0, "connect: %s", why);
    *server = accept(l, NULL, NULL);
    cr_assert_geq(*server, 0);
    close(l);
}

/* ---- the line reader ------------------------------------------------------ */

Test(socket_reader, lines_crlf_and_last_line, .timeout = 30)
{
    int c, srv;
    connect_pair(&c, &srv);
    send_str(srv, "one\ntwo\r\n\nthree");
    close(srv);
    sp_line_reader rd;
    sp_line_reader_init(&rd, c, NULL, NULL, "test");
    const char *want[] = {"one", "two", "", "three"};
    const char *line;
    size_t len;
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(sp_line_reader_next(&rd, &line, &len), 1, "line %d", i);
        cr_expect_eq(len, strlen(want[i]));
        cr_expect_eq(memcmp(line, want[i], len), 0, "line %d: %.*s", i, (int)len, line);
    }
    cr_expect_eq(sp_line_reader_next(&rd, &line, &len), 0);
    sp_line_reader_free(&rd);
    close(c);
}

Test(socket_reader, bytes_then_lines, .timeout = 30)
{
    int c, srv;
    connect_pair(&c, &srv);
    send_str(srv, "ab\ncd\n");
    close(srv);
    sp_line_reader rd;
    sp_line_reader_init(&rd, c, NULL, NULL, "test");
    char buf[2];
    cr_assert_eq(sp_line_reader_read(&rd, buf, 2), 2);
    cr_expect_eq(memcmp(buf, "ab", 2), 0);
    const char *line;
    size_t len;
    cr_assert_eq(sp_line_reader_next(&rd, &line, &len), 1);
    cr_expect_eq(len, 0); /* the rest of "ab\n" */
    cr_assert_eq(sp_line_reader_next(&rd, &line, &len), 1);
    cr_expect_eq(len, 2);
    cr_expect_eq(memcmp(line, "cd", 2), 0);
    cr_expect_eq(sp_line_reader_next(&rd, &line, &len), 0);
    cr_expect_eq(sp_line_reader_read(&rd, buf, 2), 0);
    errno = 0;
    cr_expect_eq(sp_line_reader_read(&rd, NULL, 2), -1);
    cr_expect_eq(errno, EINVAL);
    sp_line_reader_free(&rd);
    close(c);
}

static int drops;
static void on_drop(void *ud)
{
    (void)ud;
    drops++;
}

Test(socket_reader, long_line_dropped_and_counted, .timeout = 30)
{
    int c, srv;
    connect_pair(&c, &srv);
    send_str(srv, "short\n0123456789abcdefghijklmnopqrstuvwxyz\nafter\n");
    close(srv);
    sp_line_reader rd;
    sp_line_reader_init(&rd, c, NULL, NULL, "test");
    rd.max_line = 16;
    rd.on_long_line = on_drop;
    drops = 0;
    const char *line;
    size_t len;
    cr_assert_eq(sp_line_reader_next(&rd, &line, &len), 1);
    cr_expect_eq(len, 5);
    cr_assert_eq(sp_line_reader_next(&rd, &line, &len), 1);
    cr_expect_eq(len, 5);
    cr_expect_eq(memcmp(line, "after", 5), 0, "got %.*s", (int)len, line);
    cr_expect_eq(sp_line_reader_next(&rd, &line, &len), 0);
    cr_expect_eq(rd.dropped, 1);
    cr_expect_eq(drops, 1);
    sp_line_reader_free(&rd);
    close(c);
}

/* Says stop from its third look on. */
static bool stop_after_two(void *ud)
{
    atomic_int *calls = ud;
    return atomic_fetch_add(calls, 1) >= 2;
}

Test(socket_reader, stop_ends_a_read_without_the_partial_line, .timeout = 30)
{
    int c, srv;
    connect_pair(&c, &srv);
    send_str(srv, "partial"); /* the peer stays open: only stop ends the read */
    atomic_int calls = 0;
    sp_line_reader rd;
    sp_line_reader_init(&rd, c, stop_after_two, &calls, "test");
    const char *line;
    size_t len;
    cr_expect_eq(sp_line_reader_next(&rd, &line, &len), 0);
    cr_expect_geq(atomic_load(&calls), 3);
    sp_line_reader_free(&rd);
    close(srv);
    close(c);
}

static bool always(void *ud)
{
    (void)ud;
    return true;
}

Test(socket_reader, connect_waits_aware_of_stop, .timeout = 30)
{
    /* A full accept queue (backlog 0, never accepted): Linux drops further
     * SYNs, so a connect stays in progress until stop says so. */
    int port;
    int l = listen_on(0, &port);
    int fill[3];
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)port)};
    for (int i = 0; i < 3; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        connect(fill[i], (struct sockaddr *)&a, sizeof a);
    }
    atomic_int calls = 0;
    char why[256] = "";
    int fd = sp_socket_connect("127.0.0.1", port, stop_after_two, &calls, why, sizeof why);
    cr_expect_eq(fd, -1);
    cr_expect_eq(errno, ECANCELED, "%s", why);
    /* asked before any wait: gives up at once */
    fd = sp_socket_connect("127.0.0.1", port, always, NULL, why, sizeof why);
    cr_expect_eq(fd, -1);
    for (int i = 0; i < 3; i++)
        close(fill[i]);
    close(l);
}

Test(socket_reader, connect_refused, .timeout = 30)
{
    int port;
    close(listen_on(1, &port)); /* nobody listens there now */
    char why[256] = "";
    cr_expect_eq(sp_socket_connect("127.0.0.1", port, NULL, NULL, why, sizeof why), -1);
    cr_expect_eq(errno, ECONNREFUSED);
    cr_expect_str_eq(why, "Connection refused");
    cr_expect_eq(sp_socket_connect("no-such-host.invalid", port, NULL, NULL, why, sizeof why), -1);
    cr_expect_neq(why[0], '\0');
}

Test(socket_reader, utf8_repaired_as_java_does, .timeout = 30)
{
    char *buf = NULL;
    size_t cap = 0;
    cr_expect(sp_utf8_valid("h\xC3\xA9llo", 6));
    cr_expect_not(sp_utf8_valid("a\xFF"
                                "b",
                                3));
    size_t n = sp_utf8_repair("a\xFF"
                              "b",
                              3, &buf, &cap);
    cr_expect_eq(n, 5);
    cr_expect_eq(memcmp(buf,
                        "a\xEF\xBF\xBD"
                        "b",
                        5),
                 0);
    /* a truncated 3-byte sequence is one maximal subpart: one U+FFFD */
    n = sp_utf8_repair("\xE2\x82"
                       "x",
                       3, &buf, &cap);
    cr_expect_eq(n, 4);
    cr_expect_eq(memcmp(buf,
                        "\xEF\xBF\xBD"
                        "x",
                        4),
                 0);
    free(buf);
}

/* ---- the buffered line source -------------------------------------------- */

typedef struct got_lines {
    int64_t offsets[16];
    char text[16][32];
    int64_t ts[16];
    int n;
} got_lines;

static void collect(int64_t offset, const char *text, size_t len, int64_t ts_ms, void *ud)
{
    got_lines *g = ud;
    cr_assert_lt(g->n, 16);
    cr_assert_lt(len, 32);
    g->offsets[g->n] = offset;
    memcpy(g->text[g->n], text, len);
    g->text[g->n][len] = '\0';
    g->ts[g->n++] = ts_ms;
}

static sp_socket_lines *open_source(int *server, size_t max_line)
{
    int port;
    int l = listen_on(4, &port);
    char why[256] = "";
    sp_socket_lines *s =
        sp_socket_lines_open("127.0.0.1", port, max_line, NULL, NULL, why, sizeof why);
    cr_assert_not_null(s, "%s", why);
    *server = accept(l, NULL, NULL);
    cr_assert_geq(*server, 0);
    close(l);
    return s;
}

Test(socket_lines, plan_read_commit, .timeout = 30)
{
    int srv;
    sp_socket_lines *s = open_source(&srv, 0);
    cr_expect_eq(sp_socket_lines_latest(s), 0);
    send_str(srv, "a\nb\r\nc\n");
    cr_assert(sp_socket_lines_wait(s, 3, WAIT_MS));
    cr_expect_eq(sp_socket_lines_latest(s), 3);

    got_lines g = {0};
    char why[256] = "";
    cr_assert_eq(sp_socket_lines_read(s, 1, 3, collect, &g, why, sizeof why), 0, "%s", why);
    cr_assert_eq(g.n, 2);
    cr_expect_eq(g.offsets[0], 1);
    cr_expect_str_eq(g.text[0], "b");
    cr_expect_str_eq(g.text[1], "c");
    cr_expect_gt(g.ts[0], 1500000000000LL); /* wall-clock ms */

    cr_assert_eq(sp_socket_lines_commit(s, 2, why, sizeof why), 0, "%s", why);
    cr_expect_eq(sp_socket_lines_committed(s), 2);
    g.n = 0;
    cr_expect_eq(sp_socket_lines_read(s, 1, 3, collect, &g, why, sizeof why), -1);
    cr_expect_eq(g.n, 0);
    cr_expect_eq(sp_socket_lines_read(s, 2, 4, collect, &g, why, sizeof why), -1);
    cr_assert_eq(sp_socket_lines_read(s, 2, 3, collect, &g, why, sizeof why), 0);
    cr_assert_eq(g.n, 1);
    cr_expect_str_eq(g.text[0], "c");

    /* lines arriving after a commit keep counting from where they were */
    send_str(srv, "d\n");
    cr_assert(sp_socket_lines_wait(s, 4, WAIT_MS));
    g.n = 0;
    cr_assert_eq(sp_socket_lines_read(s, 2, 4, collect, &g, why, sizeof why), 0);
    cr_assert_eq(g.n, 2);
    cr_expect_eq(g.offsets[1], 3);
    cr_expect_str_eq(g.text[1], "d");

    cr_expect_eq(sp_socket_lines_commit(s, 1, why, sizeof why), -1);
    cr_expect_str_eq(why, "Offsets committed out of order: 1 followed by 0");
    cr_expect_eq(sp_socket_lines_commit(s, 9, why, sizeof why), -1);
    cr_assert_eq(sp_socket_lines_commit(s, 4, why, sizeof why), 0);
    cr_expect_eq(sp_socket_lines_latest(s), 4);
    cr_expect_not(sp_socket_lines_ended(s));
    close(srv);
    sp_socket_lines_close(s);
}

Test(socket_lines, end_of_stream_keeps_lines, .timeout = 30)
{
    int srv;
    sp_socket_lines *s = open_source(&srv, 16);
    send_str(srv, "x\xFFy\n0123456789abcdefghijklmnop\nlast");
    close(srv);
    /* the thread ends: the wait for a fifth line returns at once, not at the bound */
    cr_expect_not(sp_socket_lines_wait(s, 5, 60000));
    cr_expect(sp_socket_lines_ended(s));
    cr_expect_eq(sp_socket_lines_latest(s), 2);
    cr_expect_eq(sp_socket_lines_dropped(s), 1);
    got_lines g = {0};
    char why[256];
    cr_assert_eq(sp_socket_lines_read(s, 0, 2, collect, &g, why, sizeof why), 0);
    cr_expect_str_eq(g.text[0], "x\xEF\xBF\xBDy");
    cr_expect_str_eq(g.text[1], "last");
    sp_socket_lines_close(s);
}

Test(socket_lines, close_while_reading, .timeout = 30)
{
    int srv;
    sp_socket_lines *s = open_source(&srv, 0);
    send_str(srv, "held");
    sp_socket_lines_close(s); /* the peer is still open: close must not block */
    close(srv);
}

Test(socket_lines, connect_error_message, .timeout = 30)
{
    int port;
    close(listen_on(1, &port));
    char why[256] = "", want[256];
    cr_expect_null(sp_socket_lines_open("127.0.0.1", port, 0, NULL, NULL, why, sizeof why));
    snprintf(want, sizeof want, "Error connecting to 127.0.0.1:%d: Connection refused", port);
    cr_expect_str_eq(why, want);
}
