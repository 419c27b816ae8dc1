/* ui_stream_model.c - a DStream context's UI model (ui_model.h): the batches
 * the listener reports, the running ones in a list and the completed ones in
 * a ring of spate.streaming.ui.retainedBatches. The caller holds the app's
 * mutex. */
#include "ui/ui_model.h"

#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) abort();
    return d;
}

void sp_ui_stream_init(sp_ui_stream *m, int64_t start_ms, int64_t batch_ms, int retained)
{
    memset(m, 0, sizeof *m);
    m->start_ms = start_ms;
    m->batch_ms = batch_ms;
    m->retained = retained > 0 ? retained : 1;
    m->done = calloc((size_t)m->retained, sizeof *m->done);
    if (!m->done) abort();
}

sp_ui_batch sp_ui_batch_copy(const sp_ui_batch *b)
{
    sp_ui_batch c = *b;
    c.error = dup_or_null(b->error);
    c.inputs = NULL;
    if (b->ninputs > 0) {
        c.inputs = calloc((size_t)b->ninputs, sizeof *c.inputs);
        if (!c.inputs) abort();
        for (int i = 0; i < b->ninputs; i++) {
            c.inputs[i] = b->inputs[i];
            c.inputs[i].name = dup_or_null(b->inputs[i].name);
        }
    }
    return c;
}

void sp_ui_batch_free(sp_ui_batch *b)
{
    for (int i = 0; i < b->ninputs; i++)
        free(b->inputs[i].name);
    free(b->inputs);
    free(b->error);
    memset(b, 0, sizeof *b);
}

void sp_ui_stream_free(sp_ui_stream *m)
{
    for (int i = 0; i < m->done_n; i++)
        sp_ui_batch_free(&m->done[(m->done_head + i) % m->retained]);
    free(m->done);
    for (int i = 0; i < m->nactive; i++)
        sp_ui_batch_free(&m->active[i]);
    free(m->active);
    for (int i = 0; i < m->nrecv; i++) {
        free(m->recv[i].name);
        free(m->recv[i].last_error);
    }
    free(m->recv);
    for (int i = 0; i < m->noutputs; i++)
        free(m->output_names[i]);
    free(m->output_names);
    memset(m, 0, sizeof *m);
}

static int find_active(const sp_ui_stream *m, int64_t t)
{
    for (int i = 0; i < m->nactive; i++)
        if (m->active[i].batch_time_ms == t) return i;
    return -1;
}

void sp_ui_stream_submitted(sp_ui_stream *m, const sp_ui_batch *b)
{
    if (find_active(m, b->batch_time_ms) >= 0) return;
    if (m->nactive == m->active_cap) {
        m->active_cap = m->active_cap ? 2 * m->active_cap : 4;
        m->active = realloc(m->active, sizeof *m->active * (size_t)m->active_cap);
        if (!m->active) abort();
    }
    m->active[m->nactive] = sp_ui_batch_copy(b);
    m->active[m->nactive].status = SP_UI_QUEUED;
    m->nactive++;
    m->received_records += b->records;
}

void sp_ui_stream_started(sp_ui_stream *m, int64_t batch_time_ms, int64_t start_ms)
{
    int i = find_active(m, batch_time_ms);
    if (i < 0) return;
    m->active[i].status = SP_UI_PROCESSING;
    m->active[i].start_ms = start_ms;
}

void sp_ui_stream_completed(sp_ui_stream *m, const sp_ui_batch *b)
{
    int i = find_active(m, b->batch_time_ms);
    if (i >= 0) {
        /* Records a file stream counted while running come in at the end. */
        m->received_records += b->records - m->active[i].records;
        sp_ui_batch_free(&m->active[i]);
        memmove(&m->active[i], &m->active[i + 1], sizeof *m->active * (size_t)(m->nactive - i - 1));
        m->nactive--;
    } else {
        m->received_records += b->records;
    }
    int slot;
    if (m->done_n == m->retained) {
        slot = m->done_head;
        sp_ui_batch_free(&m->done[slot]);
        m->done_head = (m->done_head + 1) % m->retained;
    } else {
        slot = (m->done_head + m->done_n++) % m->retained;
    }
    m->done[slot] = sp_ui_batch_copy(b);
    m->done[slot].status = SP_UI_COMPLETED;
    m->completed_total++;
    m->processed_records += b->records;
}

void sp_ui_stream_receiver(sp_ui_stream *m, const sp_ui_receiver *r)
{
    sp_ui_receiver *x = NULL;
    for (int i = 0; i < m->nrecv && !x; i++)
        if (m->recv[i].stream_id == r->stream_id) x = &m->recv[i];
    if (!x) {
        m->recv = realloc(m->recv, sizeof *m->recv * (size_t)(m->nrecv + 1));
        if (!m->recv) abort();
        x = &m->recv[m->nrecv++];
        memset(x, 0, sizeof *x);
        x->stream_id = r->stream_id;
        x->name = dup_or_null(r->name);
        x->last_error_ms = -1;
    }
    x->active = r->active;
    if (r->last_error && *r->last_error) {
        free(x->last_error);
        x->last_error = dup_or_null(r->last_error);
        x->last_error_ms = r->last_error_ms;
    }
}

const sp_ui_batch *sp_ui_stream_find(const sp_ui_stream *m, int64_t t)
{
    int i = find_active(m, t);
    if (i >= 0) return &m->active[i];
    for (int k = 0; k < m->done_n; k++) {
        const sp_ui_batch *b = &m->done[(m->done_head + k) % m->retained];
        if (b->batch_time_ms == t) return b;
    }
    return NULL;
}
