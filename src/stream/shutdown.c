/* shutdown.c - SIGTERM/SIGINT stop the context gracefully (see shutdown.h).
 *
 * The self-pipe is made once per process and never closed: a handler that
 * runs on another thread while a context uninstalls could otherwise write to
 * a descriptor already closed and reused. Both ends are non-blocking: a
 * handler never blocks (a full pipe already holds a pending signal), and the
 * watcher polls before it reads.
 *
 * Byte 0 on the pipe asks the watcher to end (signal numbers are never 0).
 * Bytes left by signals that arrived together are drained at the next
 * install. All the bookkeeping is under `lock`, which the handler never
 * takes. */
#include "stream/shutdown.h"

#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define COMPONENT "StreamingContext"

enum { QUIT_BYTE = 0 };

static pthread_once_t pipe_once = PTHREAD_ONCE_INIT;
static int pipe_fds[2] = {-1, -1};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static spate_ctx *owner; /* the context the handlers stop, NULL when none */
static pthread_t watcher;
static bool handlers_set;
static struct sigaction old_term, old_int;

static void make_pipe(void)
{
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) pipe_fds[0] = pipe_fds[1] = -1;
}

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

/* lock held: false when sigaction refused (the old handlers stay). */
static bool set_handlers_locked(void)
{
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

static void drain_pipe(void)
{
    unsigned char buf[64];
    while (read(pipe_fds[0], buf, sizeof buf) > 0) {
    }
}

/* The next byte on the pipe (blocking), -1 on an unexpected error. */
static int next_byte(void)
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

static void *watcher_main(void *arg)
{
    spate_ctx *ctx = arg;
    int b = next_byte();
    if (b <= QUIT_BYTE) return NULL;
    pthread_mutex_lock(&lock);
    restore_handlers_locked(); /* a second signal acts as before */
    pthread_mutex_unlock(&lock);
    const char *name = b == SIGTERM ? "SIGTERM" : b == SIGINT ? "SIGINT" : "a signal";
    sp_log(SP_LOG_INFO, COMPONENT,
           "Received %s: invoking stop(stopGracefully=true) from shutdown hook", name);
    /* Ends in sp_shutdown_uninstall on this thread, which detaches it. */
    spate_ctx_stop(ctx, false, true);
    return NULL;
}

void sp_shutdown_install(spate_ctx *ctx)
{
    if (!spate_conf_get_bool(spate_ctx_conf(ctx), "spate.streaming.stopGracefullyOnShutdown"))
        return;
    pthread_once(&pipe_once, make_pipe);
    pthread_mutex_lock(&lock);
    const char *problem = NULL;
    if (owner)
        problem = "another StreamingContext already stops on SIGTERM/SIGINT";
    else if (pipe_fds[0] < 0)
        problem = "cannot make the signal pipe";
    else {
        drain_pipe();
        if (!set_handlers_locked())
            problem = "cannot install the SIGTERM/SIGINT handlers";
        else if (pthread_create(&watcher, NULL, watcher_main, ctx) != 0) {
            restore_handlers_locked();
            problem = "cannot start the signal watcher thread";
        } else
            owner = ctx;
    }
    pthread_mutex_unlock(&lock);
    if (problem)
        sp_log(SP_LOG_WARN, COMPONENT, "spate.streaming.stopGracefullyOnShutdown is ignored: %s",
               problem);
}

void sp_shutdown_uninstall(spate_ctx *ctx)
{
    pthread_mutex_lock(&lock);
    if (!owner || owner != ctx) {
        pthread_mutex_unlock(&lock);
        return;
    }
    restore_handlers_locked();
    owner = NULL;
    pthread_t w = watcher;
    pthread_mutex_unlock(&lock);
    if (pthread_equal(w, pthread_self())) { /* the watcher is stopping the context */
        pthread_detach(w);
        return;
    }
    unsigned char quit = QUIT_BYTE;
    ssize_t rc = write(pipe_fds[1], &quit, 1);
    (void)rc; /* a full pipe wakes the watcher as well */
    pthread_join(w, NULL);
}
