/* ui_sql_model.c - a SQL session's UI model (ui_model.h): each query run
 * with the last spate.sql.streaming.ui.retainedProgressUpdates reports, at
 * most spate.sql.streaming.ui.retainedQueries ended runs kept. The caller
 * holds the app's mutex. */
#include "ui/ui_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp_ui_sql_init(sp_ui_sql *m, int retained_queries, int retained_progress)
{
    memset(m, 0, sizeof *m);
    m->retained_queries = retained_queries > 0 ? retained_queries : 0;
    m->retained_progress = retained_progress > 0 ? retained_progress : 1;
}

static void query_free(sp_ui_query *q)
{
    for (int i = 0; i < q->nprog; i++)
        free(q->progress[(q->head + i) % q->retained].json);
    free(q->progress);
    free(q->name);
    free(q->exception);
    free(q);
}

void sp_ui_sql_free(sp_ui_sql *m)
{
    for (int i = 0; i < m->n; i++)
        query_free(m->q[i]);
    free(m->q);
    memset(m, 0, sizeof *m);
}

void sp_ui_sql_started(sp_ui_sql *m, const char *id, const char *run_id, const char *name,
                       int64_t now_ms)
{
    sp_ui_query *q = calloc(1, sizeof *q);
    if (!q) abort();
    snprintf(q->id, sizeof q->id, "%s", id);
    snprintf(q->run_id, sizeof q->run_id, "%s", run_id);
    q->name = name ? strdup(name) : NULL;
    q->start_ms = now_ms;
    q->end_ms = -1;
    q->retained = m->retained_progress;
    q->progress = calloc((size_t)q->retained, sizeof *q->progress);
    if (!q->progress) abort();
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 4;
        m->q = realloc(m->q, sizeof *m->q * (size_t)m->cap);
        if (!m->q) abort();
    }
    m->q[m->n++] = q;
}

static sp_ui_query *find_run(const sp_ui_sql *m, const char *run_id)
{
    for (int i = m->n - 1; i >= 0; i--)
        if (!strcmp(m->q[i]->run_id, run_id)) return m->q[i];
    return NULL;
}

void sp_ui_sql_progress(sp_ui_sql *m, const char *run_id, sp_ui_progress *p)
{
    sp_ui_query *q = find_run(m, run_id);
    if (!q) {
        free(p->json);
        p->json = NULL;
        return;
    }
    int slot;
    if (q->nprog == q->retained) {
        slot = q->head;
        free(q->progress[slot].json);
        q->head = (q->head + 1) % q->retained;
    } else {
        slot = (q->head + q->nprog++) % q->retained;
    }
    q->progress[slot] = *p;
    p->json = NULL;
    q->nreports++;
    q->input_rows_total += p->num_input_rows;
    if (p->input_rate == p->input_rate) q->input_rate_sum += p->input_rate;
    if (p->processed_rate == p->processed_rate) q->processed_rate_sum += p->processed_rate;
}

/* Drops the oldest ended runs past retained_queries. */
static void trim(sp_ui_sql *m)
{
    int ended = 0;
    for (int i = 0; i < m->n; i++)
        ended += m->q[i]->end_ms >= 0;
    for (int i = 0; i < m->n && ended > m->retained_queries;) {
        if (m->q[i]->end_ms < 0) {
            i++;
            continue;
        }
        query_free(m->q[i]);
        memmove(&m->q[i], &m->q[i + 1], sizeof *m->q * (size_t)(m->n - i - 1));
        m->n--;
        ended--;
    }
}

void sp_ui_sql_terminated(sp_ui_sql *m, const char *run_id, const char *exception, int64_t now_ms)
{
    sp_ui_query *q = find_run(m, run_id);
    if (!q) return;
    q->end_ms = now_ms;
    free(q->exception);
    q->exception = exception && *exception ? strdup(exception) : NULL;
    trim(m);
}

const sp_ui_query *sp_ui_sql_find(const sp_ui_sql *m, const char *id)
{
    const sp_ui_query *q = find_run(m, id);
    for (int i = m->n - 1; i >= 0 && !q; i--)
        if (!strcmp(m->q[i]->id, id)) q = m->q[i];
    return q;
}

const sp_ui_progress *sp_ui_query_progress(const sp_ui_query *q, int i)
{
    if (i < 0 || i >= q->nprog) return NULL;
    return &q->progress[(q->head + i) % q->retained];
}
