/* shutdown.c - SIGTERM/SIGINT stop the registered contexts gracefully (see
 * shutdown.h).
 *
 * The self-pipe and the watcher thread are made once per process and never
 * end: a handler that runs on another thread while the last context
 * unregisters could otherwise write to a descriptor already closed and
 * reused. Both ends are non-blocking: a handler never blocks (a full pipe
 * already holds a pending signal), and the watcher polls before it reads.
 * Bytes left by signals that came while no context was registered are
 * drained when the handlers go in again.
 *
 * All the bookkeeping is under `lock`, which the handler never takes. The
 * watcher stops one context at a time with the lock released; `busy` names
 * it, so that spate_ctx_destroy of that context waits (idle_cv) until the
 * watcher has let go of it. */
#include "stream/shutdown.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/log.h"
#include "stream/dstream_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COMPONENT "StreamingContext"

typedef struct entry {
    spate_ctx *ctx;
    bool signalled; /* a signal came and the watcher has not stopped it yet */
} entry;

static int pipe_fds[2] = {-1, -1};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cv = PTHREAD_COND_INITIALIZER;
static entry *reg;
static int nreg, reg_cap;
static spate_ctx *busy; /* the context the watcher is stopping, NULL when none */
static bool watcher_started;
static pthread_t watcher;
static bool handlers_set;
static struct sigaction old_term, old_int;

/* Async-signal-safe: write(2) only, errno preserved. */
static void on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    ssize_t rc = write(pipe_fds[1], &b, 1);
    (void)rc; /* a full pipe already holds a signal */
    errno = saved;
}

/* lock held */
static void restore_handlers_locked(void)
{
    if (!handlers_set) return;
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGINT, &old_int, NULL);
    handlers_set = false;
}

static void drain_pipe(void)
{
    unsigned char buf[64];
    while (read(pipe_fds[0], buf, sizeof buf) > 0) {
    }
}

/* lock held: false when sigaction refused (the old handlers stay). */
static bool set_handlers_locked(void)
{
    if (handlers_set) return true;
    drain_pipe();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, &old_term) != 0) return false;
    if (sigaction(SIGINT, &sa, &old_int) != 0) {
        sigaction(SIGTERM, &old_term, NULL);
        return false;
    }
    handlers_set = true;
    return true;
}

/* The next signal number on the pipe (blocking), -1 on an unexpected error. */
static int next_signal(void)
{
    for (;;) {
        struct pollfd p = {.fd = pipe_fds[0], .events = POLLIN};
        if (poll(&p, 1, -1) < 0 && errno != EINTR) return -1;
        unsigned char b;
        ssize_t n = read(pipe_fds[0], &b, 1);
        if (n == 1) return b;
        if (n < 0 && errno != EAGAIN && errno != EINTR) return -1;
    }
}

/* lock held: the first context the last signal has not stopped yet. */
static spate_ctx *take_signalled_locked(void)
{
    for (int i = 0; i < nreg; i++) {
        if (!reg[i].signalled) continue;
        reg[i].signalled = false;
        return reg[i].ctx;
    }
    return NULL;
}

/* One signal: every context registered now is stopped, in turn. */
static void stop_all(int signo)
{
    const char *name = signo == SIGTERM ? "SIGTERM" : signo == SIGINT ? "SIGINT" : "a signal";
    pthread_mutex_lock(&lock);
    restore_handlers_locked(); /* a second signal acts as before */
    for (int i = 0; i < nreg; i++)
        reg[i].signalled = true;
    spate_ctx *ctx;
    while ((ctx = take_signalled_locked())) {
        busy = ctx;
        pthread_mutex_unlock(&lock);
        sp_log_to(sp_ctx_logger(ctx), SP_LOG_INFO, COMPONENT,
                  "Received %s: invoking stop(stopGracefully=true) from shutdown hook", name);
        spate_ctx_stop(ctx, false, true); /* unregisters ctx on this thread */
        pthread_mutex_lock(&lock);
        busy = NULL;
        pthread_cond_broadcast(&idle_cv);
    }
    pthread_mutex_unlock(&lock);
}

static void *watcher_main(void *arg)
{
    (void)arg;
    int signo;
    while ((signo = next_signal()) >= 0)
        if (signo > 0) stop_all(signo);
    return NULL;
}

/* lock held: the pipe and the watcher, once per process; NULL or a problem. */
static const char *start_watcher_locked(void)
{
    if (watcher_started) return NULL;
    if (pipe_fds[0] < 0 && pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0)
        return "cannot make the signal pipe";
    if (pthread_create(&watcher, NULL, watcher_main, NULL) != 0)
        return "cannot start the signal watcher thread";
    pthread_detach(watcher);
    watcher_started = true;
    return NULL;
}

void sp_shutdown_install(spate_ctx *ctx)
{
    if (!sp_conf_bool(spate_ctx_conf(ctx), "spate.streaming.stopGracefullyOnShutdown")) return;
    pthread_mutex_lock(&lock);
    const char *problem = start_watcher_locked();
    if (!problem && !set_handlers_locked()) problem = "cannot install the SIGTERM/SIGINT handlers";
    if (!problem) {
        if (nreg == reg_cap) {
            reg_cap = reg_cap ? reg_cap * 2 : 4;
            reg = sp_xrealloc(reg, (size_t)reg_cap * sizeof *reg);
        }
        reg[nreg++] = (entry){ctx, false};
    }
    pthread_mutex_unlock(&lock);
    if (problem)
        sp_log(SP_LOG_WARN, COMPONENT, "spate.streaming.stopGracefullyOnShutdown is ignored: %s",
               problem);
}

void sp_shutdown_uninstall(spate_ctx *ctx)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nreg; i++) {
        if (reg[i].ctx != ctx) continue;
        reg[i] = reg[--nreg];
        if (nreg == 0) restore_handlers_locked(); /* the program's handlers again */
        break;
    }
    bool on_watcher = watcher_started && pthread_equal(watcher, pthread_self());
    while (!on_watcher && busy == ctx)
        pthread_cond_wait(&idle_cv, &lock);
    pthread_mutex_unlock(&lock);
}
