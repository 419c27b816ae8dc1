/* ui_server.c - a UI's life and its HTTP server on libmicrohttpd (ui_app.h):
 * one internal polling thread per server, GET and HEAD only, bounded
 * connections, per-connection memory and idle time; Spark's port search
 * (Utils.startServiceOnPort: the port, then the next ones,
 * spate.port.maxRetries times). */
#include "ui/ui_app.h"

#include "base/conf.h"
#include "base/log.h"

#include <microhttpd.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The server's thread runs at the lowest CPU priority (Linux: a thread's
 * own nice value): when the executors keep every core busy, a client
 * polling the UI as fast as it can takes the CPU the engine leaves, not
 * the engine's (bench/bench_ui_overhead.sh). */
enum { UI_NICE = 19 };

static void lower_priority_once(void)
{
    static _Thread_local bool done;
    if (done) return;
    done = true;
#ifdef SYS_gettid
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), UI_NICE) != 0)
        sp_log(SP_LOG_DEBUG, "SparkUI", "cannot lower the UI thread's priority");
#endif
}

int64_t sp_ui_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

sp_ui_app *sp_ui_app_new(const spate_conf *conf, bool is_stream)
{
    sp_ui_app *a = calloc(1, sizeof *a);
    if (!a) abort();
    pthread_mutex_init(&a->mu, NULL);
    a->is_stream = is_stream;
    a->info.start_ms = sp_ui_now_ms();
    snprintf(a->id, sizeof a->id, "local-%lld", (long long)a->info.start_ms);
    a->name = strdup(spate_conf_get(conf, "spate.app.name"));
    a->host = strdup(spate_conf_get(conf, "spate.ui.host"));
    if (!a->name || !a->host) abort();
    a->info.id = a->id;
    a->info.name = a->name;
    sp_ui_env_capture(&a->env, conf);
    a->kill_enabled = sp_conf_bool(conf, "spate.ui.killEnabled");
    a->port_conf = (int)sp_conf_i64(conf, "spate.ui.port");
    a->max_retries = (int)sp_conf_i64(conf, "spate.port.maxRetries");
    return a;
}

void sp_ui_app_free(sp_ui_app *a)
{
    if (!a) return;
    sp_ui_server_stop(a);
    sp_ui_drain(a); /* the engine has stopped: nothing posts any more */
    if (a->is_stream)
        sp_ui_stream_free(&a->stream);
    else
        sp_ui_sql_free(&a->sql);
    sp_ui_env_free(&a->env);
    sp_ui_cache_free(a);
    pthread_mutex_destroy(&a->mu);
    free(a->name);
    free(a->host);
    free(a);
}

static enum MHD_Result reply(struct MHD_Connection *c, int code, char *body, const char *ctype)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return ret;
}

/* The server thread: answers each request as soon as its header is in (the
 * first call); a request announcing a body is refused with 400, any method
 * but GET, HEAD and POST (ui_kill.c) with 405 (libmicrohttpd then closes
 * the connection without reading the body). */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    (void)con_cls;
    sp_ui_app *a = cls;
    lower_priority_once();
    if (*upload_size) return MHD_NO; /* not reached: answered before the body */
    bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
    if (!post && strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
        char *body = strdup("{\"message\":\"method not allowed\"}");
        return body ? reply(c, 405, body, "application/json") : MHD_NO;
    }
    const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if ((len && strcmp(len, "0")) ||
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding")) {
        char *body = strdup("{\"message\":\"a request body is not accepted\"}");
        return body ? reply(c, 400, body, "application/json") : MHD_NO;
    }
    char *body;
    if (post) {
        int code = sp_ui_kill(a, url, &body);
        return reply(c, code, body, "application/json");
    }
    const char *status = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "status");
    const char *ctype;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int code = sp_ui_serve(a, url, status, &body, &ctype,
                           (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    return reply(c, code, body, ctype);
}

static struct MHD_Daemon *listen_on(sp_ui_app *a, struct sockaddr *sa, int family)
{
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC /* quiesce */ |
                     (family == AF_INET6 ? MHD_USE_IPv6 : 0);
    return MHD_start_daemon(
        flags, 0, NULL, NULL, handle, a, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)256, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024), MHD_OPTION_END);
}

bool sp_ui_server_start(sp_ui_app *a)
{
    a->server_tried = true;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (getaddrinfo(a->host, NULL, &hints, &ai) || !ai) {
        sp_log(SP_LOG_WARN, "SparkUI", "cannot resolve spate.ui.host %s: the UI is not started",
               a->host);
        return false;
    }
    struct sockaddr_storage ss;
    memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    int family = ai->ai_family;
    freeaddrinfo(ai);
    int tries = a->port_conf == 0 ? 1 : a->max_retries + 1;
    for (int i = 0; i < tries && !a->daemon; i++) {
        int port = a->port_conf == 0 ? 0 : a->port_conf + i;
        if (port > 65535) break;
        if (family == AF_INET6)
            ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
        else
            ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
        a->daemon = listen_on(a, (struct sockaddr *)&ss, family);
        if (!a->daemon && a->port_conf != 0 && i + 1 < tries)
            sp_log(SP_LOG_INFO, "Utils",
                   "Service 'SparkUI' could not bind on port %d. Attempting port %d.", port,
                   port + 1);
    }
    if (!a->daemon) {
        sp_log(SP_LOG_WARN, "SparkUI",
               "Service 'SparkUI' could not bind on %s port %d (after %d retries): the job runs "
               "without a UI",
               a->host, a->port_conf, tries - 1);
        return false;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(a->daemon, MHD_DAEMON_INFO_BIND_PORT);
    a->port = di ? di->port : a->port_conf;
    sp_log(SP_LOG_INFO, "SparkUI", "Bound SparkUI to %s, and started at http://%s:%d", a->host,
           a->host, a->port);
    return true;
}

/* Stops accepting, lets the requests being answered finish (at most 250
 * ms: a stop request ends the program right after its answer is queued),
 * then stops the daemon, joining its thread. */
void sp_ui_server_stop(sp_ui_app *a)
{
    if (!a->daemon) return;
    MHD_socket fd = MHD_quiesce_daemon(a->daemon);
    if (fd != MHD_INVALID_SOCKET) close(fd);
    for (int i = 0; i < 25; i++) {
        const union MHD_DaemonInfo *di =
            MHD_get_daemon_info(a->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!di || di->num_connections == 0) break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(a->daemon);
    a->daemon = NULL;
}
