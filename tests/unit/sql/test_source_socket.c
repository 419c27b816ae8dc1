/* test_source_socket.c - the socket source (src/sql/source_socket.c) over
 * a real local TCP socket: lines become `value` rows (with their arrival
 * `timestamp` under includeTimestamp), LongOffsets from -1, commits drop
 * what was read. */
#include "test_source_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A listening socket on 127.0.0.1; its port in *port. */
static int listen_local(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(listen(fd, 4), 0);
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    *port = ntohs(sa.sin_port);
    return fd;
}

/* Waits (up to 5 s of real time: a socket has no manual clock) for the
 * source's latest offset to become want. */
static void wait_latest(sp_source *s, const char *start, const char *want)
{
    char buf[64];
    for (int i = 0; i < 5000; i++) {
        if (!strcmp(tsu_latest(s, start, buf, sizeof buf), want)) return;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    cr_assert_fail("latest stayed %s, want %s", buf, want);
}

static sp_source *open_socket(int port, const char *extra)
{
    char opts[128], err[512];
    snprintf(opts, sizeof opts, "host=127.0.0.1&port=%d%s", port, extra);
    sp_source_def *d = tsu_resolve("socket", NULL, opts, NULL, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    sp_source_env env = tsu_env(NULL);
    sp_source *s = sp_source_open(d, &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    return s;
}

static void close_socket(sp_source *s)
{
    sp_source_def *d = (sp_source_def *)s->def;
    s->ops->close(s);
    sp_source_def_free(d);
}

Test(source_socket, lines_become_rows)
{
    int port, lfd = listen_local(&port);
    sp_source *s = open_socket(port, "&numPartitions=1");
    int cfd = accept(lfd, NULL, NULL);
    cr_assert_geq(cfd, 0);
    char desc[64], buf[64], err[256];
    snprintf(desc, sizeof desc, "TextSocketV2[host: 127.0.0.1, port: %d]", port);
    cr_expect_str_eq(s->ops->description(s), desc);
    cr_expect_str_eq(tsu_latest(s, NULL, buf, sizeof buf), "<none>");

    cr_assert_eq(write(cfd, "hello\nworld wide\n", 17), 17);
    wait_latest(s, NULL, "1");
    tsu_rows rs = {0};
    sp_source_counters c = {0};
    cr_assert_eq(tsu_run(s, NULL, "1", &rs, &c, NULL, err, sizeof err), SPATE_OK, "%s", err);
    tsu_expect_rows(&rs, (const char *const[]){"hello", "world wide"}, 2);
    cr_expect_eq(c.rows, 2);
    tsu_rows_free(&rs);
    s->ops->commit(s, "1");

    cr_assert_eq(write(cfd, "again\n", 6), 6);
    wait_latest(s, "1", "2");
    cr_assert_eq(tsu_run(s, "1", "2", &rs, &c, NULL, err, sizeof err), SPATE_OK, "%s", err);
    tsu_expect_rows(&rs, (const char *const[]){"again"}, 1);
    tsu_rows_free(&rs);
    /* committed lines cannot be read again */
    cr_expect_neq(tsu_run(s, NULL, "2", &rs, &c, NULL, err, sizeof err), SPATE_OK);
    tsu_rows_free(&rs);

    close_socket(s);
    close(cfd);
    close(lfd);
}

Test(source_socket, include_timestamp_adds_arrival_time)
{
    int port, lfd = listen_local(&port);
    sp_source *s = open_socket(port, "&includeTimestamp=true");
    int cfd = accept(lfd, NULL, NULL);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t before_us = (int64_t)ts.tv_sec * 1000000 - 1000000;
    cr_assert_eq(write(cfd, "x\n", 2), 2);
    wait_latest(s, NULL, "0");
    tsu_rows rs = {0};
    sp_source_counters c = {0};
    char err[256];
    cr_assert_eq(tsu_run(s, NULL, "0", &rs, &c, NULL, err, sizeof err), SPATE_OK, "%s", err);
    cr_assert_eq(rs.n, 1);
    cr_expect_eq(strncmp(rs.rows[0], "x,", 2), 0, "%s", rs.rows[0]);
    cr_expect_gt(strtoll(rs.rows[0] + 2, NULL, 10), before_us, "%s", rs.rows[0]);
    tsu_rows_free(&rs);
    close_socket(s);
    close(cfd);
    close(lfd);
}

Test(source_socket, refused_connection_fails_open)
{
    int port, lfd = listen_local(&port);
    close(lfd);
    char opts[64], err[512];
    snprintf(opts, sizeof opts, "host=127.0.0.1&port=%d", port);
    sp_source_def *d = tsu_resolve("socket", NULL, opts, NULL, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    sp_source_env env = tsu_env(NULL);
    cr_expect_null(sp_source_open(d, &env, err, sizeof err));
    cr_expect(strstr(err, "Connection refused"), "%s", err);
    sp_source_def_free(d);
}

Test(source_socket, lines_are_dealt_over_partitions)
{
    int port, lfd = listen_local(&port);
    sp_source *s = open_socket(port, "&numPartitions=2");
    int cfd = accept(lfd, NULL, NULL);
    cr_assert_eq(write(cfd, "l0\nl1\nl2\n", 9), 9);
    wait_latest(s, NULL, "2");
    tsu_rows rs = {0};
    sp_source_counters c = {0};
    char err[256];
    int np;
    cr_assert_eq(tsu_run(s, NULL, "2", &rs, &c, &np, err, sizeof err), SPATE_OK, "%s", err);
    cr_expect_eq(np, 2);
    tsu_expect_rows(&rs, (const char *const[]){"l0", "l2", "l1"}, 3);
    tsu_rows_free(&rs);
    close_socket(s);
    close(cfd);
    close(lfd);
}
