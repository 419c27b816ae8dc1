/* query_request_stop.c - asks a query to stop without waiting for it (the
 * web UI's stop, sql/ui_hook.h): the query's thread ends after its running
 * batch, and whoever stops the session joins it, once. Any thread. */
#include "sql/query_int.h"
#include "sql/ui_hook.h"

void sp_query_request_stop(sp_query *q)
{
    pthread_mutex_lock(&q->mu);
    q->stop_requested = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}
