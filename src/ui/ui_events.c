/* ui_events.c - the engine's events on their way into a UI's model without
 * the engine ever waiting for the UI: a listener callback copies its event
 * onto the app's pending stack (a lock-free push), then applies everything
 * pending only if it gets the app's mutex at once (trylock). When the
 * server's thread holds it (rendering a page), the events wait on the stack
 * and whoever takes the mutex next, the server before its next page or the
 * engine at its next event, applies them first, in the order they came. */
#include "ui/ui_app.h"

#include <stdlib.h>
#include <string.h>

sp_ui_event *sp_ui_event_new(sp_ui_event_kind kind)
{
    sp_ui_event *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->kind = kind;
    return e;
}

static void event_free(sp_ui_event *e)
{
    sp_ui_batch_free(&e->batch);
    free(e->recv.name);
    free(e->recv.last_error);
    free(e->progress.json);
    free(e->run_id);
    free(e->text);
    free(e);
}

static void apply(sp_ui_app *a, sp_ui_event *e)
{
    switch (e->kind) {
    case SP_UI_EV_SUBMITTED:
        sp_ui_stream_submitted(&a->stream, &e->batch);
        break;
    case SP_UI_EV_STARTED:
        sp_ui_stream_started(&a->stream, e->t0, e->t1);
        break;
    case SP_UI_EV_COMPLETED:
        sp_ui_stream_completed(&a->stream, &e->batch);
        break;
    case SP_UI_EV_RECEIVER:
        sp_ui_stream_receiver(&a->stream, &e->recv);
        break;
    case SP_UI_EV_PROGRESS:
        sp_ui_sql_progress(&a->sql, e->run_id, &e->progress);
        e->progress.json = NULL; /* taken */
        break;
    case SP_UI_EV_TERMINATED:
        sp_ui_sql_terminated(&a->sql, e->run_id, e->text, e->t0);
        break;
    }
}

void sp_ui_drain(sp_ui_app *a)
{
    sp_ui_event *e = atomic_exchange_explicit(&a->pending, NULL, memory_order_acquire);
    sp_ui_event *in_order = NULL;
    while (e) { /* the stack holds the newest first */
        sp_ui_event *next = e->next;
        e->next = in_order;
        in_order = e;
        e = next;
    }
    while (in_order) {
        sp_ui_event *next = in_order->next;
        apply(a, in_order);
        event_free(in_order);
        in_order = next;
    }
}

void sp_ui_post(sp_ui_app *a, sp_ui_event *e)
{
    e->next = atomic_load_explicit(&a->pending, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&a->pending, &e->next, e, memory_order_release,
                                                  memory_order_relaxed))
        ;
    if (pthread_mutex_trylock(&a->mu) != 0) return; /* the server applies it later */
    sp_ui_drain(a);
    pthread_mutex_unlock(&a->mu);
}
