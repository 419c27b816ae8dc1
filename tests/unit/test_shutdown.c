/* test_shutdown.c - graceful stop: stop(stopGracefully = true) finishes what
 * was received (receivers' blocks, queued RDDs, and the batch times the
 * clock already passed for file streams), and
 * spate.streaming.stopGracefullyOnShutdown makes SIGTERM/SIGINT do that stop
 * (Spark's shutdown hook), restoring the program's own handlers at stop;
 * spate.streaming.gracefulStopTimeout bounds how long it waits.
 *
 * The signal tests fork: the child runs a context whose foreachRDD writes
 * every record to a pipe, the parent sends the signal once the child has
 * received everything, then reads the pipe and checks the exit status. The
 * child's clock is manual and never advanced: only the graceful stop can
 * make its batches run. */
#include <spate/spate.h>

#include "stream/inputs/receiver_int.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { NRECORDS = 200 };

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static spate_conf *make_conf(bool on_shutdown)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err);
    spate_conf_set(conf, "spate.master", "local[2]", err, sizeof err);
    spate_conf_set(conf, "spate.log.level", "OFF", err, sizeof err);
    spate_conf_set(conf, "spate.streaming.stopGracefullyOnShutdown", on_shutdown ? "true" : "false",
                   err, sizeof err);
    return conf;
}

/* ---- the child ----------------------------------------------------------- */

typedef struct child_io {
    int out; /* the pipe to the parent */
} child_io;

static void write_line(int fd, const char *fmt, long long v)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, fmt, v);
    if (write(fd, buf, (size_t)n) != n) _exit(10);
}

/* Stores 0..NRECORDS-1, says so on the pipe, then waits to be stopped. */
static void burst_on_start(spate_receiver *r, void *ud)
{
    child_io *io = ud;
    for (int i = 0; i < NRECORDS; i++)
        spate_receiver_store(r, spate_i64(i));
    write_line(io->out, "stored %lld\n", NRECORDS);
    while (!spate_receiver_is_stopped(r))
        sleep_ms(1);
}

static spate_err to_pipe(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)t;
    child_io *io = ud;
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    for (size_t i = 0; !err && i < n; i++)
        write_line(io->out, "record %lld\n", (long long)v[i].u.i);
    return err;
}

/* Runs a context until a signal stops it; exit 0 when awaitTermination
 * returned cleanly. */
static void child_main(int out)
{
    child_io io = {out};
    char err[256];
    spate_ctx *ssc = spate_ctx_new(make_conf(true), 1000, err, sizeof err);
    if (!ssc) _exit(11);
    spate_receiver_def def = {"Burst", burst_on_start, NULL, &io};
    spate_stream *s = spate_receiver_stream(ssc, &def);
    if (spate_stream_foreach_rdd(s, to_pipe, &io) != SPATE_OK) _exit(12);
    if (spate_ctx_start(ssc) != SPATE_OK) _exit(13);
    write_line(out, "started %lld\n", 0); /* the handlers are in place from here */
    spate_err rc = spate_ctx_await_termination(ssc);
    bool stopped = spate_ctx_get_state(ssc) == SPATE_CTX_STOPPED;
    spate_ctx_destroy(ssc);
    write_line(out, "end %lld\n", 0);
    _exit(rc == SPATE_OK && stopped ? 0 : 14);
}

/* ---- the parent ---------------------------------------------------------- */

/* Reads a line from fd (bounded by 10 s); false at end of file. */
static bool read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n + 1 < size) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 10000) <= 0) return false;
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r <= 0) return false;
        if (c == '\n') break;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return true;
}

typedef struct signal_case {
    int signo;
} signal_case;

ParameterizedTestParameters(shutdown, signal_stops_gracefully)
{
    static signal_case cases[] = {{SIGTERM}, {SIGINT}};
    return cr_make_param_array(signal_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(signal_case *c, shutdown, signal_stops_gracefully, .timeout = 30)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        child_main(fds[1]);
    }
    close(fds[1]);
    char line[128];
    bool started = false, stored = false;
    while (!(started && stored)) {
        cr_assert(read_line(fds[0], line, sizeof line), "the child said nothing");
        started = started || strcmp(line, "started 0") == 0;
        stored = stored || strcmp(line, "stored 200") == 0;
    }
    cr_assert_eq(kill(pid, c->signo), 0);
    static bool seen[NRECORDS];
    memset(seen, 0, sizeof seen);
    int records = 0, dups = 0;
    bool ended = false;
    while (read_line(fds[0], line, sizeof line)) {
        long long v;
        if (sscanf(line, "record %lld", &v) == 1 && v >= 0 && v < NRECORDS) {
            dups += seen[v];
            seen[v] = true;
            records++;
        } else if (strcmp(line, "end 0") == 0) {
            ended = true;
        }
    }
    close(fds[0]);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_expect(WIFEXITED(status), "the child was killed (status %d)", status);
    cr_expect_eq(WEXITSTATUS(status), 0, "exit status");
    cr_expect(ended, "awaitTermination returned");
    cr_expect_eq(records, NRECORDS, "every received record was processed");
    cr_expect_eq(dups, 0);
}

/* ---- handlers are the program's again after stop ---------------------------- */

static void program_handler(int signo) { (void)signo; }

static spate_err nothing_fn(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)rdd, (void)t, (void)ud;
    return SPATE_OK;
}

static void (*current_handler(int signo))(int)
{
    struct sigaction sa;
    sigaction(signo, NULL, &sa);
    return sa.sa_handler;
}

Test(shutdown, handlers_installed_only_when_asked_and_restored_at_stop, .timeout = 10)
{
    struct sigaction mine = {0}, before_term, before_int;
    mine.sa_handler = program_handler;
    sigaction(SIGTERM, &mine, &before_term);
    sigaction(SIGINT, &mine, &before_int);
    for (int on = 0; on <= 1; on++) {
        char err[256];
        spate_ctx *ssc = spate_ctx_new(make_conf(on), 1000, err, sizeof err);
        spate_stream_foreach_rdd(spate_queue_stream(ssc, true, NULL), nothing_fn, NULL);
        cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
        if (on) {
            cr_expect_neq(current_handler(SIGTERM), program_handler);
            cr_expect_neq(current_handler(SIGINT), program_handler);
        } else {
            cr_expect_eq(current_handler(SIGTERM), program_handler, "nothing installed when off");
        }
        spate_ctx_stop(ssc, true, false);
        cr_expect_eq(current_handler(SIGTERM), program_handler, "restored at stop (on=%d)", on);
        cr_expect_eq(current_handler(SIGINT), program_handler, "restored at stop (on=%d)", on);
        spate_ctx_destroy(ssc);
    }
    sigaction(SIGTERM, &before_term, NULL);
    sigaction(SIGINT, &before_int, NULL);
}

/* ---- what a graceful stop finishes (no signals) ---------------------------- */

typedef struct lines {
    pthread_mutex_t mu;
    char text[4096];
} lines;

static spate_err collect_strings(spate_rdd *rdd, int64_t t, void *ud)
{
    lines *l = ud;
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    pthread_mutex_lock(&l->mu);
    size_t used = strlen(l->text);
    used += (size_t)snprintf(l->text + used, sizeof l->text - used, "%lld:", (long long)t);
    for (size_t i = 0; !err && i < n && used < sizeof l->text; i++)
        used += (size_t)snprintf(l->text + used, sizeof l->text - used, "%s%.*s", i ? " " : "",
                                 (int)v[i].len, v[i].u.s);
    if (used < sizeof l->text) snprintf(l->text + used, sizeof l->text - used, ";");
    pthread_mutex_unlock(&l->mu);
    return err;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void write_file(const char *dir, const char *name, const char *text, int64_t mtime_ms)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    struct timespec ts[2] = {{mtime_ms / 1000, (mtime_ms % 1000) * 1000000L},
                             {mtime_ms / 1000, (mtime_ms % 1000) * 1000000L}};
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

Test(shutdown, graceful_stop_runs_the_batch_times_already_due, .timeout = 20)
{
    char dir[] = "/tmp/spate_shutdown_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char err[256];
    spate_ctx *ssc = spate_ctx_new(make_conf(false), 1000, err, sizeof err);
    lines l = {PTHREAD_MUTEX_INITIALIZER, ""};
    spate_stream_foreach_rdd(spate_text_file_stream(ssc, dir), collect_strings, &l);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    write_file(dir, "a.txt", "a1\na2\n", 500);
    write_file(dir, "b.txt", "b1\n", 1500);
    write_file(dir, "c.txt", "c1\n", 2500);
    /* The clock passes three batch times at once and the stop comes at once:
     * the three batches are due, so a graceful stop runs them all. */
    spate_clock_set(spate_ctx_clock(ssc), 3000);
    cr_assert_eq(spate_ctx_stop(ssc, true, true), SPATE_OK);
    cr_expect_str_eq(l.text, "1000:a1 a2;2000:b1;3000:c1;");
    spate_ctx_destroy(ssc);
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* A slow output: each batch takes 150 ms of processing. */
static spate_err slow_collect(spate_rdd *rdd, int64_t t, void *ud)
{
    sleep_ms(150);
    return collect_strings(rdd, t, ud);
}

/* Four due batches of 150 ms each: within the timeout a graceful stop runs
 * them all; past it (50 ms) the batches not begun yet are abandoned. */
Test(shutdown, graceful_stop_timeout_abandons_the_batches_not_begun, .timeout = 20)
{
    const char *timeouts[] = {"0" /* Spark's 10 batch intervals: 10 s */, "50ms"};
    for (int i = 0; i < 2; i++) {
        char dir[] = "/tmp/spate_shutdown_XXXXXX";
        cr_assert_not_null(mkdtemp(dir));
        char err[256];
        spate_conf *conf = make_conf(false);
        cr_assert_eq(spate_conf_set(conf, "spate.streaming.gracefulStopTimeout", timeouts[i], err,
                                    sizeof err),
                     SPATE_OK);
        spate_ctx *ssc = spate_ctx_new(conf, 1000, err, sizeof err);
        lines l = {PTHREAD_MUTEX_INITIALIZER, ""};
        spate_stream_foreach_rdd(spate_text_file_stream(ssc, dir), slow_collect, &l);
        cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
        for (int f = 0; f < 4; f++) {
            char name[16], text[16];
            snprintf(name, sizeof name, "%c.txt", 'a' + f);
            snprintf(text, sizeof text, "%c\n", 'a' + f);
            write_file(dir, name, text, 500 + 1000 * f);
        }
        spate_clock_set(spate_ctx_clock(ssc), 4000);
        cr_assert_eq(spate_ctx_stop(ssc, true, true), SPATE_OK);
        spate_ctx_stats st;
        spate_ctx_get_stats(ssc, &st);
        if (i == 0) {
            cr_expect_str_eq(l.text, "1000:a;2000:b;3000:c;4000:d;");
        } else {
            cr_expect_lt(st.batches_completed, 4, "%s", l.text);
            cr_expect_eq(strncmp(l.text, "1000:a;", strlen(l.text)), 0, "in order: %s", l.text);
        }
        spate_ctx_destroy(ssc);
        nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    }
}

static void three_then_wait(spate_receiver *r, void *ud)
{
    atomic_int *stored = ud;
    for (int i = 0; i < 3; i++) {
        spate_receiver_store(r, spate_cstr(i == 0 ? "x" : i == 1 ? "y" : "z"));
        atomic_fetch_add(stored, 1);
    }
    while (!spate_receiver_is_stopped(r))
        sleep_ms(1);
}

Test(shutdown, graceful_stop_finishes_received_data_immediate_stop_drops_it, .timeout = 20)
{
    for (int graceful = 0; graceful <= 1; graceful++) {
        char err[256];
        spate_ctx *ssc = spate_ctx_new(make_conf(false), 1000, err, sizeof err);
        lines l = {PTHREAD_MUTEX_INITIALIZER, ""};
        atomic_int stored = 0;
        spate_receiver_def def = {"XYZ", three_then_wait, NULL, &stored};
        spate_stream_foreach_rdd(spate_receiver_stream(ssc, &def), collect_strings, &l);
        cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
        for (int i = 0; i < 5000 && atomic_load(&stored) < 3; i++)
            sleep_ms(1);
        cr_assert_eq(spate_ctx_stop(ssc, true, graceful), SPATE_OK);
        /* the clock never moved: only the graceful stop runs a batch */
        cr_expect_str_eq(l.text, graceful ? "1000:x y z;" : "", "graceful=%d", graceful);
        spate_ctx_destroy(ssc);
    }
}

/* Two threads stop at once (a signal's stop racing the program's): both
 * return, the context is stopped once. */
static void *stop_thread(void *arg)
{
    spate_ctx_stop(arg, true, true);
    return NULL;
}

Test(shutdown, concurrent_stops_are_one_stop, .timeout = 20)
{
    char err[256];
    spate_ctx *ssc = spate_ctx_new(make_conf(false), 1000, err, sizeof err);
    lines l = {PTHREAD_MUTEX_INITIALIZER, ""};
    atomic_int stored = 0;
    spate_receiver_def def = {"XYZ", three_then_wait, NULL, &stored};
    spate_stream_foreach_rdd(spate_receiver_stream(ssc, &def), collect_strings, &l);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    for (int i = 0; i < 5000 && atomic_load(&stored) < 3; i++)
        sleep_ms(1);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, stop_thread, ssc);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    cr_expect_eq(spate_ctx_get_state(ssc), SPATE_CTX_STOPPED);
    cr_expect_str_eq(l.text, "1000:x y z;");
    spate_ctx_destroy(ssc);
}
