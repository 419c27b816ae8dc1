/* test_sources.c - the input streams of connect/: queue, file (text, pairs,
 * binary records), socket and custom receivers.
 *
 * Every test drives a manual clock: it advances one batch interval and waits
 * for that batch with spate_ctx_await_batch; no test sleeps to wait for a
 * batch. Receivers get their data asynchronously, so socket and receiver tests
 * poll a counter (bounded) until the data has arrived, then advance. */
#include <spate/spate.h>

#include "stream/inputs/receiver_int.h"

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------- */

enum { MAX_BATCHES = 32 };

typedef struct batch_out {
    int64_t time;
    int nparts;
    char **items; /* copies: strings/bytes raw, other values formatted */
    size_t *lens;
    size_t n;
} batch_out;

typedef struct collector {
    pthread_mutex_t lock;
    batch_out batches[MAX_BATCHES];
    int nbatches;
    const char *unlink_dir; /* when set, the files there are deleted before collecting */
} collector;

static char *copy_value(spate_value v, size_t *len)
{
    if (v.type == SPATE_STR || v.type == SPATE_BYTES) {
        char *p = malloc(v.len + 1);
        memcpy(p, v.u.s, v.len);
        p[v.len] = 0;
        *len = v.len;
        return p;
    }
    size_t n = spate_value_format(v, NULL, 0);
    char *p = malloc(n + 1);
    spate_value_format(v, p, n + 1);
    *len = n;
    return p;
}

static void remove_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        unlink(path);
    }
    closedir(d);
}

/* Job thread: copies the batch's elements out of the RDD. */
static spate_err collect_fn(spate_rdd *rdd, int64_t time_ms, void *ud)
{
    collector *c = ud;
    if (c->unlink_dir) remove_files(c->unlink_dir);
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    if (err != SPATE_OK) return err;
    pthread_mutex_lock(&c->lock);
    if (c->nbatches < MAX_BATCHES) {
        batch_out *b = &c->batches[c->nbatches++];
        b->time = time_ms;
        b->nparts = spate_rdd_num_partitions(rdd);
        b->n = n;
        b->items = calloc(n + 1, sizeof *b->items);
        b->lens = calloc(n + 1, sizeof *b->lens);
        for (size_t i = 0; i < n; i++)
            b->items[i] = copy_value(v[i], &b->lens[i]);
    }
    pthread_mutex_unlock(&c->lock);
    return SPATE_OK;
}

static collector *collector_new(void)
{
    collector *c = calloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void collector_free(collector *c)
{
    for (int i = 0; i < c->nbatches; i++) {
        for (size_t j = 0; j < c->batches[i].n; j++)
            free(c->batches[i].items[j]);
        free(c->batches[i].items);
        free(c->batches[i].lens);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static batch_out *last_batch(collector *c)
{
    pthread_mutex_lock(&c->lock);
    batch_out *b = c->nbatches ? &c->batches[c->nbatches - 1] : NULL;
    pthread_mutex_unlock(&c->lock);
    cr_assert_not_null(b, "no batch collected");
    return b;
}

/* Asserts the last batch holds exactly the given strings, in order. */
static void expect_last(collector *c, const char *const *want, size_t n)
{
    batch_out *b = last_batch(c);
    cr_assert_eq(b->n, n, "batch %lld: %zu elements, expected %zu", (long long)b->time, b->n, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(b->items[i], want[i], "batch %lld element %zu", (long long)b->time, i);
}

#define EXPECT_LAST(c, ...)                                                                        \
    do {                                                                                           \
        const char *const want_[] = {__VA_ARGS__};                                                 \
        expect_last((c), want_, sizeof want_ / sizeof *want_);                                     \
    } while (0)

static void expect_last_empty(collector *c)
{
    batch_out *b = last_batch(c);
    cr_assert_eq(b->n, 0, "batch %lld: %zu elements, expected none", (long long)b->time, b->n);
}

/* A context on a manual clock set to start_ms, 1 s batches, extra options as
 * key, value pairs ending with NULL. */
static spate_ctx *make_ctx(int64_t start_ms, ...)
{
    char err[256];
    spate_conf *conf = spate_conf_new();
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err), SPATE_OK,
                 "%s", err);
    va_list ap;
    va_start(ap, start_ms);
    for (const char *k; (k = va_arg(ap, const char *));) {
        const char *v = va_arg(ap, const char *);
        cr_assert_eq(spate_conf_set(conf, k, v, err, sizeof err), SPATE_OK, "%s=%s: %s", k, v, err);
    }
    va_end(ap);
    spate_ctx *ssc = spate_ctx_new(conf, spate_seconds(1), err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    if (start_ms > spate_clock_now(spate_ctx_clock(ssc)))
        cr_assert_eq(spate_clock_set(spate_ctx_clock(ssc), start_ms), SPATE_OK);
    return ssc;
}

static void start(spate_ctx *ssc, spate_stream *s, collector *c)
{
    cr_assert_not_null(s, "%s", spate_ctx_last_error(ssc));
    cr_assert_eq(spate_stream_foreach_rdd(s, collect_fn, c), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
}

/* Advances the manual clock one interval and waits for that batch. */
static int64_t run_batch(spate_ctx *ssc)
{
    spate_clock *clk = spate_ctx_clock(ssc);
    cr_assert_eq(spate_clock_advance(clk, 1000), SPATE_OK);
    int64_t t = spate_clock_now(clk);
    cr_assert_eq(spate_ctx_await_batch(ssc, t, 5000), SPATE_OK, "batch %lld: %s", (long long)t,
                 spate_ctx_last_error(ssc));
    return t;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits (bounded, 5 s) until a receiver has stored at least n elements: data
 * arriving over a socket, not a batch. */
static void wait_stored(spate_stream *s, int64_t n)
{
    int64_t deadline = real_ms() + 5000;
    while (sp_receiver_stored(sp_receiver_of(s)) < n && real_ms() < deadline)
        sleep_ms(2);
    cr_assert_geq(sp_receiver_stored(sp_receiver_of(s)), n, "stored %lld of %lld",
                  (long long)sp_receiver_stored(sp_receiver_of(s)), (long long)n);
}

/* ---- queue streams ------------------------------------------------------- */

static spate_rdd *ints(spate_ctx *ssc, int from, int n, int nparts)
{
    spate_value v[16];
    for (int i = 0; i < n; i++)
        v[i] = spate_i64(from + i);
    spate_rdd *r = spate_ctx_parallelize(ssc, v, (size_t)n, nparts);
    cr_assert_not_null(r);
    return r;
}

Test(sources, queue_one_at_a_time, .timeout = 30)
{
    spate_ctx *ssc = make_ctx(0, NULL);
    collector *c = collector_new();
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_not_null(q);
    cr_assert_eq(spate_queue_stream_push(q, ints(ssc, 1, 2, 2)), SPATE_OK);
    cr_assert_eq(spate_queue_stream_push(q, ints(ssc, 3, 1, 1)), SPATE_OK);
    start(ssc, q, c);
    run_batch(ssc);
    EXPECT_LAST(c, "1", "2");
    run_batch(ssc);
    EXPECT_LAST(c, "3");
    run_batch(ssc);
    expect_last_empty(c);
    /* pushed while running */
    cr_assert_eq(spate_queue_stream_push(q, ints(ssc, 7, 3, 2)), SPATE_OK);
    run_batch(ssc);
    EXPECT_LAST(c, "7", "8", "9");
    spate_ctx_destroy(ssc);
    collector_free(c);
}

Test(sources, queue_all_at_once, .timeout = 30)
{
    spate_ctx *ssc = make_ctx(0, NULL);
    collector *c = collector_new();
    spate_stream *q = spate_queue_stream(ssc, false, NULL);
    cr_assert_eq(spate_queue_stream_push(q, ints(ssc, 1, 2, 2)), SPATE_OK);
    cr_assert_eq(spate_queue_stream_push(q, ints(ssc, 3, 1, 1)), SPATE_OK);
    start(ssc, q, c);
    run_batch(ssc);
    EXPECT_LAST(c, "1", "2", "3");
    cr_assert_eq(last_batch(c)->nparts, 3);
    run_batch(ssc);
    expect_last_empty(c);
    spate_ctx_destroy(ssc);
    collector_free(c);
}

Test(sources, queue_default_rdd, .timeout = 30)
{
    spate_ctx *ssc = make_ctx(0, NULL);
    collector *c = collector_new();
    spate_stream *q = spate_queue_stream(ssc, true, ints(ssc, 9, 2, 1));
    cr_assert_not_null(q, "%s", spate_ctx_last_error(ssc));
    start(ssc, q, c);
    run_batch(ssc);
    EXPECT_LAST(c, "9", "10");
    cr_assert_eq(spate_queue_stream_push(q, ints(ssc, 1, 1, 1)), SPATE_OK);
    run_batch(ssc);
    EXPECT_LAST(c, "1");
    run_batch(ssc);
    EXPECT_LAST(c, "9", "10");
    spate_ctx_destroy(ssc);
    collector_free(c);
}

Test(sources, queue_push_checks, .timeout = 30)
{
    spate_ctx *ssc = make_ctx(0, NULL);
    spate_stream *f = spate_text_file_stream(ssc, "/nonexistent");
    spate_rdd *r = ints(ssc, 1, 1, 1);
    cr_assert_eq(spate_queue_stream_push(f, r), SPATE_ERR_INVALID_ARG);
    cr_assert_eq(spate_queue_stream_push(NULL, r), SPATE_ERR_INVALID_ARG);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_eq(spate_queue_stream_push(q, r), SPATE_OK); /* freed with the context */
    spate_ctx_destroy(ssc);
}

/* ---- file streams -------------------------------------------------------- */

static char *make_dir(void)
{
    char *dir = strdup("/tmp/spate-sources-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void remove_dir(char *dir)
{
    remove_files(dir);
    rmdir(dir);
    free(dir);
}

/* Writes dir/name with n bytes of data and sets its mtime to mtime_ms. */
static void write_file(const char *dir, const char *name, const void *data, size_t n,
                       int64_t mtime_ms)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = mtime_ms / 1000;
    ts[0].tv_nsec = ts[1].tv_nsec = (mtime_ms % 1000) * 1000000L;
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0, "utimensat %s", path);
}

static void write_text(const char *dir, const char *name, const char *text, int64_t mtime_ms)
{
    write_file(dir, name, text, strlen(text), mtime_ms);
}

enum { T0 = 100000 }; /* manual clock at start of the file tests */

Test(sources, text_file_stream_new_files_once, .timeout = 30)
{
    char *dir = make_dir();
    spate_ctx *ssc = make_ctx(T0, NULL);
    collector *c = collector_new();
    write_text(dir, "old.txt", "old\n", T0 - 500); /* before start: not new */
    start(ssc, spate_text_file_stream(ssc, dir), c);
    int64_t now = spate_clock_now(spate_ctx_clock(ssc));
    write_text(dir, "b.txt", "b1\nb2\n", now + 500);
    write_text(dir, "a.txt", "a1\r\na2", now + 400);
    write_text(dir, ".a.txt.tmp", "hidden\n", now + 500);
    write_text(dir, "_COPYING_", "underscore\n", now + 500);
    write_text(dir, "later.txt", "later\n", now + 1500); /* mtime after this batch */
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/subdir", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    run_batch(ssc);
    EXPECT_LAST(c, "a1", "a2", "b1", "b2");
    run_batch(ssc);
    EXPECT_LAST(c, "later");
    run_batch(ssc);
    expect_last_empty(c);
    /* a file touched again with an old time is not taken twice */
    int64_t t = spate_clock_now(spate_ctx_clock(ssc));
    write_text(dir, "c.txt", "c\n", t + 100);
    run_batch(ssc);
    EXPECT_LAST(c, "c");
    write_text(dir, "c.txt", "c\n", t + 200);
    run_batch(ssc);
    expect_last_empty(c);
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_assert_eq(st.records_in, 6);
    spate_ctx_destroy(ssc);
    collector_free(c);
    rmdir(sub);
    remove_dir(dir);
}

static bool only_logs(const char *path, void *ud)
{
    atomic_int *calls = ud;
    atomic_fetch_add(calls, 1);
    size_t n = strlen(path);
    return n > 4 && !strcmp(path + n - 4, ".log") && path[0] == '/';
}

Test(sources, file_stream_filter_offsets_and_old_files, .timeout = 30)
{
    char *dir = make_dir();
    spate_ctx *ssc = make_ctx(T0, NULL);
    collector *c = collector_new();
    atomic_int calls = 0;
    write_text(dir, "old.log", "o\n", T0 - 500);        /* taken: new_files_only is false */
    write_text(dir, "ancient.log", "x\n", T0 - 120000); /* older than the remember window */
    start(ssc, spate_file_stream(ssc, dir, only_logs, &calls, false), c);
    int64_t now = spate_clock_now(spate_ctx_clock(ssc));
    write_text(dir, "x.log", "x\nyy\n\nzzz", now + 10);
    write_text(dir, "x.txt", "no\n", now + 10);
    run_batch(ssc);
    EXPECT_LAST(c, "(0,o)", "(0,x)", "(2,yy)", "(5,)", "(6,zzz)");
    cr_assert_geq(atomic_load(&calls), 3);
    spate_ctx_destroy(ssc);
    collector_free(c);
    remove_dir(dir);
}

Test(sources, text_file_stream_ignores_old_files, .timeout = 30)
{
    char *dir = make_dir();
    spate_ctx *ssc = make_ctx(T0, NULL);
    collector *c = collector_new();
    write_text(dir, "old.txt", "old\n", T0 - 500);
    write_text(dir, "at-start.txt", "at\n", T0); /* mtime == threshold: not new */
    start(ssc, spate_text_file_stream(ssc, dir), c);
    run_batch(ssc);
    expect_last_empty(c);
    spate_ctx_destroy(ssc);
    collector_free(c);
    remove_dir(dir);
}

static const char *SPLIT_TEXT = "first line\n"
                                "\n"
                                "a much longer line that crosses several splits for sure\n"
                                "x\n"
                                "crlf\r\n"
                                "yz\n"
                                "\n"
                                "last without newline";

static const char *SPLIT_LINES[] = {"first line",
                                    "",
                                    "a much longer line that crosses several splits for sure",
                                    "x",
                                    "crlf",
                                    "yz",
                                    "",
                                    "last without newline"};

Test(sources, text_file_stream_splits_every_line_once, .timeout = 60)
{
    static const char *sizes[] = {"1", "2", "3", "5", "7", "11", "12", "13", "64", "100000"};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        char *dir = make_dir();
        spate_ctx *ssc = make_ctx(T0, "spate.files.maxPartitionBytes", sizes[k], NULL);
        collector *c = collector_new();
        start(ssc, spate_text_file_stream(ssc, dir), c);
        int64_t now = spate_clock_now(spate_ctx_clock(ssc));
        write_text(dir, "f.txt", SPLIT_TEXT, now + 1);
        write_text(dir, "g.txt", "g\n", now + 1);
        run_batch(ssc);
        batch_out *b = last_batch(c);
        size_t nlines = sizeof SPLIT_LINES / sizeof *SPLIT_LINES;
        cr_assert_eq(b->n, nlines + 1, "maxPartitionBytes %s: %zu lines", sizes[k], b->n);
        for (size_t i = 0; i < nlines; i++)
            cr_assert_str_eq(b->items[i], SPLIT_LINES[i], "maxPartitionBytes %s line %zu", sizes[k],
                             i);
        cr_assert_str_eq(b->items[nlines], "g");
        int64_t size = (int64_t)strlen(SPLIT_TEXT), chunk = atoll(sizes[k]);
        cr_assert_eq(b->nparts, (int)((size + chunk - 1) / chunk + (chunk >= 2 ? 1 : 2)),
                     "maxPartitionBytes %s: %d partitions", sizes[k], b->nparts);
        spate_ctx_destroy(ssc);
        collector_free(c);
        remove_dir(dir);
    }
}

Test(sources, file_stream_offsets_across_splits, .timeout = 30)
{
    char *dir = make_dir();
    spate_ctx *ssc = make_ctx(T0, "spate.files.maxPartitionBytes", "4", NULL);
    collector *c = collector_new();
    start(ssc, spate_file_stream(ssc, dir, NULL, NULL, true), c);
    int64_t now = spate_clock_now(spate_ctx_clock(ssc));
    write_text(dir, "f", "abc\nd\nefghij\nk", now + 1);
    run_batch(ssc);
    EXPECT_LAST(c, "(0,abc)", "(4,d)", "(6,efghij)", "(13,k)");
    spate_ctx_destroy(ssc);
    collector_free(c);
    remove_dir(dir);
}

Test(sources, binary_records_bad_size_reported, .timeout = 30)
{
    char *dir = make_dir();
    spate_ctx *ssc = make_ctx(T0, "spate.files.maxPartitionBytes", "5", NULL);
    collector *c = collector_new();
    start(ssc, spate_binary_records_stream(ssc, dir, 4), c);
    int64_t now = spate_clock_now(spate_ctx_clock(ssc));
    write_file(dir, "good.bin", "AAAABBBBCCCC", 12, now + 1);
    write_file(dir, "bad.bin", "0123456789", 10, now + 1);
    run_batch(ssc);
    EXPECT_LAST(c, "AAAA", "BBBB", "CCCC");
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_assert_geq(st.errors, 1);
    cr_assert_eq(st.records_in, 3);
    cr_assert(strstr(spate_ctx_last_error(ssc), "bad.bin") != NULL, "%s",
              spate_ctx_last_error(ssc));
    cr_assert_null(spate_binary_records_stream(ssc, dir, 0));
    spate_ctx_destroy(ssc);
    collector_free(c);
    remove_dir(dir);
}

Test(sources, file_unreadable_fails_batch, .timeout = 30)
{
    char *dir = make_dir();
    spate_ctx *ssc = make_ctx(T0, NULL);
    collector *c = collector_new();
    c->unlink_dir = dir; /* the file disappears between listing and reading */
    start(ssc, spate_text_file_stream(ssc, dir), c);
    int64_t now = spate_clock_now(spate_ctx_clock(ssc));
    write_text(dir, "gone.txt", "x\n", now + 1);
    cr_assert_eq(spate_clock_advance(spate_ctx_clock(ssc), 1000), SPATE_OK);
    bool terminated = false;
    spate_err err = spate_ctx_await_termination_or_timeout(ssc, 5000, &terminated);
    cr_assert_neq(err, SPATE_OK);
    const char *msg = spate_ctx_last_error(ssc);
    cr_assert(strstr(msg, "gone.txt") && strstr(msg, "No such file"), "%s", msg);
    spate_ctx_destroy(ssc);
    collector_free(c);
    remove_dir(dir);
}

/* ---- socket streams ------------------------------------------------------ */

static int listen_local(int *port, bool do_listen)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    if (do_listen) cr_assert_eq(listen(fd, 4), 0);
    return fd;
}

static int accept_within(int lfd, int ms)
{
    struct pollfd p = {.fd = lfd, .events = POLLIN};
    cr_assert_eq(poll(&p, 1, ms), 1, "the receiver did not connect");
    int fd = accept(lfd, NULL, NULL);
    cr_assert_geq(fd, 0);
    return fd;
}

static void send_all(int fd, const char *s)
{
    size_t n = strlen(s);
    cr_assert_eq(send(fd, s, n, MSG_NOSIGNAL), (ssize_t)n);
}

Test(sources, socket_text_stream_reconnects, .timeout = 60)
{
    int port;
    int lfd = listen_local(&port, false); /* bound, not listening: refused at first */
    spate_ctx *ssc = make_ctx(0, "spate.streaming.receiverRestartDelay", "50ms", NULL);
    collector *c = collector_new();
    spate_stream *s = spate_socket_text_stream(ssc, "127.0.0.1", port);
    start(ssc, s, c);
    sleep_ms(120); /* let it fail to connect once or twice */
    cr_assert_eq(listen(lfd, 4), 0);
    int fd = accept_within(lfd, 5000);
    /* malformed UTF-8 becomes U+FFFD as Java decodes it: one per maximal
     * subpart (a truncated sequence is one, a surrogate three); the last line
     * ends at EOF */
    send_all(fd, "hello\nworld\r\nbad \xff \xE2\x82x \xED\xA0\x80\nabc");
    close(fd);
    wait_stored(s, 4);
    run_batch(ssc);
    EXPECT_LAST(c, "hello", "world",
                "bad \xEF\xBF\xBD \xEF\xBF\xBDx \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "abc");
    fd = accept_within(lfd, 5000); /* reconnects after the server closed */
    send_all(fd, "again\n");
    wait_stored(s, 5);
    run_batch(ssc);
    EXPECT_LAST(c, "again");
    cr_assert_geq(sp_receiver_starts(sp_receiver_of(s)), 2);
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_assert_eq(st.records_in, 5);
    int64_t t0 = real_ms();
    spate_ctx_stop(ssc, true, false); /* connection still open: stop must not hang */
    cr_assert_lt(real_ms() - t0, 2000);
    close(fd);
    close(lfd);
    spate_ctx_destroy(ssc);
    collector_free(c);
}

static spate_err int_converter(spate_reader *in, spate_receiver *r, void *ud)
{
    (void)ud;
    unsigned char buf[3];
    long n;
    size_t have = 0;
    while ((n = spate_reader_read(in, buf + have, sizeof buf - have)) > 0) {
        have += (size_t)n;
        if (have == sizeof buf) {
            spate_receiver_store(r, spate_i64(buf[0] * 10000 + buf[1] * 100 + buf[2]));
            have = 0;
        }
    }
    return n < 0 ? SPATE_ERR_IO : SPATE_OK;
}

Test(sources, socket_stream_converter, .timeout = 30)
{
    int port;
    int lfd = listen_local(&port, true);
    spate_ctx *ssc = make_ctx(0, NULL);
    collector *c = collector_new();
    spate_stream *s = spate_socket_stream(ssc, "localhost", port, int_converter, NULL);
    start(ssc, s, c);
    int fd = accept_within(lfd, 5000);
    send_all(fd, "\x01\x02\x03\x04\x05\x06");
    wait_stored(s, 2);
    run_batch(ssc);
    EXPECT_LAST(c, "10203", "40506");
    spate_ctx_destroy(ssc); /* stops with the connection open */
    close(fd);
    close(lfd);
    collector_free(c);
    cr_assert_null(spate_socket_text_stream(NULL, "x", 1));
}

Test(sources, socket_stream_bad_args, .timeout = 30)
{
    spate_ctx *ssc = make_ctx(0, NULL);
    cr_assert_null(spate_socket_text_stream(ssc, "localhost", 0));
    cr_assert_null(spate_socket_text_stream(ssc, "localhost", 70000));
    cr_assert_null(spate_socket_text_stream(ssc, NULL, 80));
    cr_assert_null(spate_socket_stream(ssc, "localhost", 80, NULL, NULL));
    spate_ctx_destroy(ssc);
}

/* ---- custom receivers ---------------------------------------------------- */

typedef struct custom_state {
    atomic_int starts, stops;
    atomic_bool stopped_after_restart; /* is_stopped right after restart() */
} custom_state;

/* First start: stores 0..4 and asks for a restart; second: 5..9, then loops
 * until stopped (as a blocking receiver does). */
static void custom_on_start(spate_receiver *r, void *ud)
{
    custom_state *cs = ud;
    int k = atomic_fetch_add(&cs->starts, 1);
    for (int i = 0; i < 5; i++)
        spate_receiver_store(r, spate_i64(k * 5 + i));
    if (k == 0) {
        spate_receiver_restart(r, "test restart");
        atomic_store(&cs->stopped_after_restart, spate_receiver_is_stopped(r));
        return;
    }
    while (!spate_receiver_is_stopped(r))
        sleep_ms(1);
}

static void custom_on_stop(spate_receiver *r, void *ud)
{
    (void)r;
    custom_state *cs = ud;
    atomic_fetch_add(&cs->stops, 1);
}

Test(sources, receiver_store_and_restart, .timeout = 30)
{
    spate_ctx *ssc = make_ctx(0, "spate.streaming.receiverRestartDelay", "10ms", NULL);
    collector *c = collector_new();
    custom_state cs = {0, 0, false};
    spate_receiver_def def = {"TestReceiver", custom_on_start, custom_on_stop, &cs};
    spate_stream *s = spate_receiver_stream(ssc, &def);
    start(ssc, s, c);
    wait_stored(s, 10);
    cr_assert(sp_receiver_has_pending(s));
    run_batch(ssc);
    EXPECT_LAST(c, "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    cr_assert_eq(last_batch(c)->nparts, 5); /* 1 s / 200 ms blocks */
    cr_assert(!sp_receiver_has_pending(s));
    cr_assert_eq(atomic_load(&cs.starts), 2);
    cr_assert_eq(atomic_load(&cs.stops), 1);
    cr_assert(atomic_load(&cs.stopped_after_restart));
    run_batch(ssc);
    expect_last_empty(c);
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_assert_eq(st.records_in, 10);
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(atomic_load(&cs.stops), 2);
    spate_ctx_destroy(ssc);
    collector_free(c);
    cr_assert_null(spate_receiver_stream(NULL, &def));
}

typedef struct rate_state {
    atomic_llong elapsed_ms;
} rate_state;

static void rate_on_start(spate_receiver *r, void *ud)
{
    rate_state *rs = ud;
    int64_t t0 = real_ms();
    for (int i = 0; i < 40; i++)
        spate_receiver_store(r, spate_i64(i));
    atomic_store(&rs->elapsed_ms, real_ms() - t0);
}

Test(sources, receiver_max_rate, .timeout = 30)
{
    spate_ctx *ssc = make_ctx(0, "spate.streaming.receiver.maxRate", "100", NULL);
    collector *c = collector_new();
    rate_state rs = {-1};
    spate_receiver_def def = {"RateReceiver", rate_on_start, NULL, &rs};
    spate_stream *s = spate_receiver_stream(ssc, &def);
    start(ssc, s, c);
    wait_stored(s, 40);
    int64_t deadline = real_ms() + 5000;
    while (atomic_load(&rs.elapsed_ms) < 0 && real_ms() < deadline)
        sleep_ms(2);
    /* 40 records at 100/s: at least ~390 ms */
    cr_assert_geq(atomic_load(&rs.elapsed_ms), 300);
    run_batch(ssc);
    cr_assert_eq(last_batch(c)->n, 40);
    spate_ctx_destroy(ssc);
    collector_free(c);
}

static void error_on_start(spate_receiver *r, void *ud)
{
    (void)ud;
    spate_receiver_report_error(r, "device unplugged");
    spate_receiver_store(r, spate_cstr("still here"));
}

Test(sources, receiver_report_error, .timeout = 30)
{
    spate_ctx *ssc = make_ctx(0, NULL);
    collector *c = collector_new();
    spate_receiver_def def = {"ErrReceiver", error_on_start, NULL, NULL};
    spate_stream *s = spate_receiver_stream(ssc, &def);
    start(ssc, s, c);
    wait_stored(s, 1);
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_assert_geq(st.errors, 1);
    cr_assert(strstr(spate_ctx_last_error(ssc), "device unplugged"), "%s",
              spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    collector_free(c);
}

static void three_on_start(spate_receiver *r, void *ud)
{
    (void)ud;
    for (int i = 0; i < 3; i++)
        spate_receiver_store(r, spate_i64(i));
    while (!spate_receiver_is_stopped(r))
        sleep_ms(1);
    spate_receiver_store(r, spate_i64(99)); /* while stopping: still received */
}

Test(sources, receiver_graceful_stop_drains, .timeout = 30)
{
    spate_ctx *ssc = make_ctx(0, NULL);
    collector *c = collector_new();
    spate_receiver_def def = {"ThreeReceiver", three_on_start, NULL, NULL};
    spate_stream *s = spate_receiver_stream(ssc, &def);
    start(ssc, s, c);
    wait_stored(s, 3);
    cr_assert_eq(spate_ctx_stop(ssc, true, true), SPATE_OK);
    EXPECT_LAST(c, "0", "1", "2", "99");
    cr_assert(!sp_receiver_has_pending(s));
    spate_receiver_store(sp_receiver_of(s), spate_i64(100)); /* after stop: dropped */
    cr_assert_eq(sp_receiver_stored(sp_receiver_of(s)), 4);
    cr_assert(!sp_receiver_has_pending(s));
    spate_ctx_destroy(ssc);
    collector_free(c);
}

/* Line i of the big file: varied lengths (0..40), some with \r\n. */
static size_t big_line(int i, char *buf, size_t size)
{
    int pad = (i * 7919) % 41;
    int n = snprintf(buf, size, "%d:", i);
    for (int k = 0; k < pad && (size_t)n + 1 < size; k++)
        buf[n++] = (char)('a' + (i + k) % 26);
    buf[n] = 0;
    return (size_t)n;
}

Test(sources, text_file_stream_big_file_splits, .timeout = 60)
{
    enum { NLINES = 20000 };
    char *dir = make_dir();
    spate_ctx *ssc = make_ctx(T0, "spate.files.maxPartitionBytes", "1000", NULL);
    collector *c = collector_new();
    start(ssc, spate_text_file_stream(ssc, dir), c);
    size_t cap = NLINES * 64, len = 0;
    char *text = malloc(cap), line[64];
    for (int i = 0; i < NLINES; i++) {
        size_t n = big_line(i, line, sizeof line);
        memcpy(text + len, line, n);
        len += n;
        if (i % 5 == 0) text[len++] = '\r';
        text[len++] = '\n';
    }
    write_file(dir, "big.txt", text, len, spate_clock_now(spate_ctx_clock(ssc)) + 1);
    free(text);
    run_batch(ssc);
    batch_out *b = last_batch(c);
    cr_assert_eq(b->n, NLINES);
    cr_assert_eq(b->nparts, (int)((len + 999) / 1000));
    for (int i = 0; i < NLINES; i++) {
        big_line(i, line, sizeof line);
        cr_assert_str_eq(b->items[i], line, "line %d", i);
    }
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_assert_eq(st.records_in, NLINES);
    spate_ctx_destroy(ssc);
    collector_free(c);
    remove_dir(dir);
}
