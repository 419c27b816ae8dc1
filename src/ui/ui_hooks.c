/* ui_hooks.c - the hook tables the engine calls (stream/ui_hook.h,
 * sql/ui_hook.h): a context's UI hears its batches through an ordinary
 * listener, a session's through one more query listener; each callback
 * copies what it is given into an event and posts it (ui_events.c), on the
 * engine's thread, and returns without waiting for the server. */
#include "ui/ui_app.h"

#include "base/conf.h"
#include "sql/progress.h"
#include "sql/session.h"
#include "sql/ui_hook.h"
#include "sql/ui_pool.h"
#include "stream/ui_hook.h"
#include "stream/ui_pool.h"

#include <spate/listener.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- DStream contexts ---- */

/* info as a model batch whose inputs point into in (nothing owned). */
static sp_ui_batch batch_of(const spate_batch_info *info, sp_ui_input *in)
{
    for (int i = 0; i < info->ninputs; i++)
        in[i] = (sp_ui_input){info->inputs[i].stream_id, (char *)info->inputs[i].name,
                              info->inputs[i].records};
    return (sp_ui_batch){.batch_time_ms = info->batch_time_ms,
                         .submission_ms = info->submission_time_ms,
                         .start_ms = info->processing_start_ms,
                         .end_ms = info->processing_end_ms,
                         .records = info->records,
                         .noutputs = info->noutputs,
                         .failed = info->failed,
                         .error = (char *)info->error,
                         .inputs = in,
                         .ninputs = info->ninputs};
}

/* An event carrying a copy of info's batch. */
static sp_ui_event *batch_event(sp_ui_event_kind kind, const spate_batch_info *info)
{
    sp_ui_input *in = calloc((size_t)info->ninputs + 1, sizeof *in);
    if (!in) abort();
    sp_ui_batch b = batch_of(info, in);
    sp_ui_event *e = sp_ui_event_new(kind);
    e->batch = sp_ui_batch_copy(&b);
    free(in);
    return e;
}

static void on_submitted(const spate_batch_info *info, void *ud)
{
    sp_ui_post(ud, batch_event(SP_UI_EV_SUBMITTED, info));
}

static void on_started(const spate_batch_info *info, void *ud)
{
    sp_ui_event *e = sp_ui_event_new(SP_UI_EV_STARTED);
    e->t0 = info->batch_time_ms;
    e->t1 = info->processing_start_ms;
    sp_ui_post(ud, e);
}

static void on_completed(const spate_batch_info *info, void *ud)
{
    sp_ui_post(ud, batch_event(SP_UI_EV_COMPLETED, info));
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void on_receiver(const spate_receiver_info *r, void *ud)
{
    sp_ui_event *e = sp_ui_event_new(SP_UI_EV_RECEIVER);
    e->recv = (sp_ui_receiver){r->stream_id, dup_or_null(r->name), r->active,
                               dup_or_null(r->last_error), r->last_error_time_ms};
    sp_ui_post(ud, e);
}

static void *stream_start(spate_ctx *ctx)
{
    const spate_conf *conf = spate_ctx_conf(ctx);
    if (!sp_conf_bool(conf, "spate.ui.enabled")) return NULL;
    sp_ui_app *a = sp_ui_app_new(conf, true);
    sp_ui_stream_init(&a->stream, spate_clock_now(spate_ctx_clock(ctx)),
                      spate_ctx_batch_interval(ctx),
                      (int)sp_conf_i64(conf, "spate.streaming.ui.retainedBatches"));
    int n = sp_ctx_output_count(ctx);
    a->stream.output_names = calloc((size_t)n + 1, sizeof *a->stream.output_names);
    if (!a->stream.output_names) abort();
    for (int i = 0; i < n; i++)
        a->stream.output_names[i] = strdup(sp_ctx_output_name(ctx, i));
    a->stream.noutputs = n;
    a->pool = sp_ctx_ui_pool(ctx);
    if (!sp_ui_server_start(a)) {
        sp_ui_app_free(a);
        return NULL;
    }
    spate_listener l = {.on_batch_submitted = on_submitted,
                        .on_batch_started = on_started,
                        .on_batch_completed = on_completed,
                        .on_receiver_started = on_receiver,
                        .on_receiver_error = on_receiver,
                        .on_receiver_stopped = on_receiver,
                        .ud = a};
    spate_ctx_add_listener(ctx, &l);
    return a;
}

static void stream_stop(void *ui) { sp_ui_app_free(ui); }

const sp_stream_ui_hooks sp_stream_ui = {stream_start, stream_stop};

/* ---- SQL sessions ---- */

typedef struct sql_ui {
    sp_ui_app *app;
    sp_query_listener listener;
} sql_ui;

static void q_started(const char *id, const char *run_id, const char *name, void *ud)
{
    sp_ui_app *a = ((sql_ui *)ud)->app;
    pthread_mutex_lock(&a->mu); /* once per query: the server may start here */
    sp_ui_drain(a);
    sp_ui_sql_started(&a->sql, id, run_id, name, sp_ui_now_ms());
    if (!a->server_tried) sp_ui_server_start(a); /* the session's first query */
    pthread_mutex_unlock(&a->mu);
}

static void q_progress(const sp_progress *p, void *ud)
{
    sp_ui_event *e = sp_ui_event_new(SP_UI_EV_PROGRESS);
    sp_ui_progress x = {.batch_id = p->batch_id,
                        .timestamp_ms = p->timestamp_ms,
                        .batch_duration_ms = p->batch_duration_ms,
                        .num_input_rows = p->num_input_rows,
                        .input_rate = p->input_rows_per_second,
                        .processed_rate = p->processed_rows_per_second,
                        .watermark_ms = p->has_event_time ? p->watermark_ms : 0,
                        .json = sp_progress_json(p, false)};
    for (int i = 0; i < p->nstate_ops; i++) {
        x.state_rows_total += p->state_ops[i].num_rows_total;
        x.state_rows_updated += p->state_ops[i].num_rows_updated;
        x.state_memory_bytes += p->state_ops[i].memory_used_bytes;
        x.rows_dropped_by_watermark += p->state_ops[i].num_rows_dropped_by_watermark;
    }
    e->progress = x;
    e->run_id = strdup(p->run_id);
    sp_ui_post(((sql_ui *)ud)->app, e);
}

static void q_terminated(const char *id, const char *run_id, const char *exception, void *ud)
{
    (void)id;
    sp_ui_event *e = sp_ui_event_new(SP_UI_EV_TERMINATED);
    e->run_id = strdup(run_id);
    e->text = dup_or_null(exception);
    e->t0 = sp_ui_now_ms();
    sp_ui_post(((sql_ui *)ud)->app, e);
}

static void *sql_attach(sp_session *s, const spate_conf *conf, const sp_query_listener **listener)
{
    *listener = NULL;
    if (!sp_conf_bool(conf, "spate.ui.enabled")) return NULL;
    sql_ui *u = calloc(1, sizeof *u);
    if (!u) abort();
    u->app = sp_ui_app_new(conf, false);
    u->app->session = s;
    u->app->pool = sp_session_ui_pool(s);
    sp_ui_sql_init(&u->app->sql, (int)sp_conf_i64(conf, "spate.sql.streaming.ui.retainedQueries"),
                   (int)sp_conf_i64(conf, "spate.sql.streaming.ui.retainedProgressUpdates"));
    u->listener = (sp_query_listener){q_started, q_progress, NULL, q_terminated, u};
    *listener = &u->listener;
    return u;
}

static void sql_detach(void *ui)
{
    sql_ui *u = ui;
    if (!u) return;
    sp_ui_app_free(u->app);
    free(u);
}

const sp_sql_ui_hooks sp_sql_ui = {sql_attach, sql_detach};
