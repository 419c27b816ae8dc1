/* test_ui_events.c - the engine's events into a UI's model (ui_events.c):
 * posting never waits for the server. While the server holds the app's
 * mutex the events wait; the next page, or the engine's next event once
 * the mutex is free, applies them in the order they came. */
#include "ui/ui_app.h"

#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

static sp_ui_event *batch_event(sp_ui_event_kind kind, int64_t t)
{
    sp_ui_event *e = sp_ui_event_new(kind);
    sp_ui_input in = {0, "socket", 5};
    sp_ui_batch b = {.batch_time_ms = t,
                     .submission_ms = t,
                     .start_ms = t,
                     .end_ms = t + 1,
                     .records = 5,
                     .inputs = &in,
                     .ninputs = 1};
    e->batch = sp_ui_batch_copy(&b);
    return e;
}

static void post_batch(sp_ui_app *a, int64_t t)
{
    sp_ui_post(a, batch_event(SP_UI_EV_SUBMITTED, t));
    sp_ui_event *s = sp_ui_event_new(SP_UI_EV_STARTED);
    s->t0 = s->t1 = t;
    sp_ui_post(a, s);
    sp_ui_post(a, batch_event(SP_UI_EV_COMPLETED, t));
}

Test(ui_events, events_wait_while_the_server_renders_then_apply_in_order)
{
    spate_conf *conf = spate_conf_new();
    sp_ui_app *a = sp_ui_app_new(conf, true);
    sp_ui_stream_init(&a->stream, 0, 1000, 8);
    post_batch(a, 1000); /* the mutex is free: applied at once */
    cr_expect_eq(a->stream.completed_total, 1);
    cr_expect_null(atomic_load(&a->pending));

    pthread_mutex_lock(&a->mu); /* the server renders a page */
    post_batch(a, 2000);        /* returns at once: nothing waits */
    post_batch(a, 3000);
    cr_expect_eq(a->stream.completed_total, 1, "the model is the server's while it renders");
    cr_expect_not_null(atomic_load(&a->pending));
    sp_ui_drain(a); /* what the server does before its next page */
    pthread_mutex_unlock(&a->mu);
    cr_expect_eq(a->stream.completed_total, 3);
    cr_expect_eq(a->stream.nactive, 0, "submitted, started, completed: in that order");
    cr_expect_eq(a->stream.done[(a->stream.done_head + 2) % 8].batch_time_ms, 3000);

    pthread_mutex_lock(&a->mu);
    post_batch(a, 4000);
    pthread_mutex_unlock(&a->mu);
    post_batch(a, 5000); /* the engine's next event applies the waiting ones first */
    cr_expect_eq(a->stream.completed_total, 5);
    cr_expect_eq(a->stream.done[(a->stream.done_head + 3) % 8].batch_time_ms, 4000);
    cr_expect_eq(a->stream.done[(a->stream.done_head + 4) % 8].batch_time_ms, 5000);

    pthread_mutex_lock(&a->mu);
    post_batch(a, 6000); /* still pending when the UI stops: freed with it */
    pthread_mutex_unlock(&a->mu);
    sp_ui_app_free(a);
    spate_conf_destroy(conf);
}
