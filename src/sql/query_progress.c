/* query_progress.c - a query's published status and progress reports, read
 * by any thread under the query's lock (query_int.h). */
#include "sql/query_int.h"

#include "base/conf.h"
#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp_query_set_status(sp_query *q, const char *msg, bool data, bool active)
{
    pthread_mutex_lock(&q->mu);
    q->status_message = msg;
    q->data_available = data;
    q->trigger_active = active;
    pthread_mutex_unlock(&q->mu);
}

/* Keeps a copy of p in the ring of recent reports (under mu). */
static void keep(sp_query *q, const sp_progress *p)
{
    int cap = q->recent_cap;
    if (cap <= 0) return;
    int slot = (q->recent_head + q->nrecent) % cap;
    if (q->nrecent == cap) {
        slot = q->recent_head;
        q->recent_head = (q->recent_head + 1) % cap;
        spate_arena_destroy(q->recent_arenas[slot]);
    } else {
        q->nrecent++;
    }
    q->recent_arenas[slot] = spate_arena_new();
    q->recent[slot] = sp_progress_copy(q->recent_arenas[slot], p);
}

void sp_query_publish(sp_query *q, const sp_progress *p)
{
    char *json = sp_progress_json(p, false);
    sp_log(SP_LOG_INFO, "MicroBatchExecution", "Streaming query made progress: %s", json);
    free(json);
    pthread_mutex_lock(&q->mu);
    keep(q, p);
    pthread_mutex_unlock(&q->mu);
    for (int i = 0; i < q->spec.nlisteners; i++)
        if (q->spec.listeners[i].progress)
            q->spec.listeners[i].progress(p, q->spec.listeners[i].ud);
}

char *sp_query_last_progress(sp_query *q, bool pretty)
{
    pthread_mutex_lock(&q->mu);
    char *s = NULL;
    if (q->nrecent) {
        int last = (q->recent_head + q->nrecent - 1) % q->recent_cap;
        s = sp_progress_json(q->recent[last], pretty);
    }
    pthread_mutex_unlock(&q->mu);
    return s;
}

char *sp_query_recent_progress(sp_query *q)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    pthread_mutex_lock(&q->mu);
    fputc('[', f);
    for (int i = 0; i < q->nrecent; i++) {
        char *s = sp_progress_json(q->recent[(q->recent_head + i) % q->recent_cap], false);
        fprintf(f, "%s%s", i ? "," : "", s);
        free(s);
    }
    fputc(']', f);
    pthread_mutex_unlock(&q->mu);
    fclose(f);
    return buf;
}

char *sp_query_status_json(sp_query *q)
{
    pthread_mutex_lock(&q->mu);
    char *s = NULL;
    if (asprintf(&s, "{\"message\":\"%s\",\"isDataAvailable\":%s,\"isTriggerActive\":%s}",
                 q->status_message, q->data_available ? "true" : "false",
                 q->trigger_active ? "true" : "false") < 0)
        s = NULL;
    pthread_mutex_unlock(&q->mu);
    return s;
}
