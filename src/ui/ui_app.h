/* ui_app.h - one UI: the application's identity, its model (a context's or
 * a session's), the mutex guarding the model and the HTTP server serving
 * it (libmicrohttpd, one internal thread).
 *
 * Threads: the server's thread takes mu around every use of the model; the
 * engine's listener callbacks post their events (sp_ui_post), which never
 * waits for the server; start and stop are called by the hooks
 * (ui_hooks.c) on the threads stream/ui_hook.h and sql/ui_hook.h name. */
#ifndef SP_UI_APP_H
#define SP_UI_APP_H

#include "ui/ui_model.h"

#include <spate/core.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct MHD_Daemon;

/* ui_env.c: the effective configuration, sorted by key, secrets redacted. */
typedef struct sp_ui_env {
    char **keys, **values;
    int n;
} sp_ui_env;

void sp_ui_env_capture(sp_ui_env *e, const spate_conf *conf);
void sp_ui_env_free(sp_ui_env *e);
/* Spark's redaction (spark.redaction.regex's default) of key = value. */
bool sp_ui_redacted(const char *key, const char *value);
/* /api/v1/applications/{appId}/environment (ApplicationEnvironmentInfo). */
void sp_ui_json_environment(sp_ui_buf *b, const sp_ui_env *e);

/* ui_cache.c: one GET answer kept for SP_UI_CACHE_MS. */
enum { SP_UI_CACHE = 16, SP_UI_CACHE_MS = 50 };
typedef struct sp_ui_cached {
    char *key; /* "path?status", NULL: free slot */
    int code;
    const char *ctype; /* static */
    char *body;
    size_t len;
    int64_t at_ms;
} sp_ui_cached;

/* ui_events.c: one engine event on its way into the model (what it
 * carries is owned by it). */
typedef enum sp_ui_event_kind {
    SP_UI_EV_SUBMITTED, /* batch */
    SP_UI_EV_STARTED,   /* t0 the batch's time, t1 its start */
    SP_UI_EV_COMPLETED, /* batch */
    SP_UI_EV_RECEIVER,  /* recv */
    SP_UI_EV_PROGRESS,  /* run_id, progress */
    SP_UI_EV_TERMINATED /* run_id, text (the exception or NULL), t0 the time */
} sp_ui_event_kind;

typedef struct sp_ui_event {
    struct sp_ui_event *next;
    sp_ui_event_kind kind;
    sp_ui_batch batch;
    sp_ui_receiver recv;
    sp_ui_progress progress;
    char *run_id, *text;
    int64_t t0, t1;
} sp_ui_event;

typedef struct sp_ui_app {
    pthread_mutex_t mu;
    /* events not applied to the model yet, newest first (ui_events.c) */
    sp_ui_event *_Atomic pending;
    char id[48];
    char *name;
    sp_ui_appinfo info;
    sp_ui_env env;       /* immutable once made */
    sp_ui_stream stream; /* when is_stream */
    sp_ui_sql sql;       /* otherwise */
    bool is_stream;
    struct sp_session *session; /* a session's, for spate.ui.killEnabled */
    const struct sp_pool *pool; /* the executors (read through atomics only) */
    bool kill_enabled;
    /* the server (mu held to start it; stop runs alone) */
    char *host;
    int port_conf, max_retries;
    struct MHD_Daemon *daemon;
    int port;                        /* bound, 0 before */
    bool server_tried;               /* a session starts it with its first query */
    sp_ui_cached cache[SP_UI_CACHE]; /* the server's thread's only */
} sp_ui_app;

/* A zeroed event of kind (calloc). */
sp_ui_event *sp_ui_event_new(sp_ui_event_kind kind);
/* Hands e to the model: pushed without a lock, then applied with every
 * pending event when mu is free at once; otherwise it waits for the next
 * sp_ui_drain. The engine's threads: never waits for the server. */
void sp_ui_post(sp_ui_app *a, sp_ui_event *e);
/* Applies and frees the pending events, oldest first. mu held. */
void sp_ui_drain(sp_ui_app *a);

/* A new app with conf's spate.app.name and spate.ui.* settings. */
sp_ui_app *sp_ui_app_new(const spate_conf *conf, bool is_stream);
/* Stops the server (if any), then frees the model and app. */
void sp_ui_app_free(sp_ui_app *a);
/* Binds spate.ui.host at spate.ui.port, trying the next port up to
 * spate.port.maxRetries times when taken; logs the address at INFO, or a
 * WARN when no port could be bound. False then. */
bool sp_ui_server_start(sp_ui_app *a);
void sp_ui_server_stop(sp_ui_app *a);
/* ui_routes.c: the response to GET path (status: the ?status= argument
 * or NULL): its HTTP status, *body (malloc'd) and *ctype. Takes mu. */
int sp_ui_route(sp_ui_app *a, const char *path, const char *status, char **body,
                const char **ctype);
/* ui_cache.c: sp_ui_route's answer to GET path, or a copy of the one given
 * for the same path and status less than SP_UI_CACHE_MS before now_ms (a
 * monotonic clock). The server's thread. */
int sp_ui_serve(sp_ui_app *a, const char *path, const char *status, char **body, const char **ctype,
                int64_t now_ms);
void sp_ui_cache_free(sp_ui_app *a);
/* ui_kill.c: POST path: with spate.ui.killEnabled, .../sql/streaming/
 * queries/{runId}/stop asks that running query to stop (after its batch)
 * and gives 200 with {"stopping":runId}; 405 when not enabled or not such
 * a path, 404 for a run that is not running. *body malloc'd. */
int sp_ui_kill(sp_ui_app *a, const char *path, char **body);
/* Wall clock in ms. */
int64_t sp_ui_now_ms(void);

#endif
