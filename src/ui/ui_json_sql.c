/* ui_json_sql.c - the Structured Streaming queries over REST. Spark has no
 * REST form for them; spate's (docs: README "Web UI"):
 *   .../sql/streaming/queries: an array of the runs kept, in start order,
 *     each {"id","runId","name","status":"RUNNING"|"FINISHED"|"FAILED",
 *     "startTime" (a REST date),"startTimestamp" (ms),"duration" (ms),
 *     "avgInputPerSec","avgProcessPerSec" (means over every report, null
 *     before one),"latestBatch" (-1 before one),"numReportsRetained",
 *     "error" (null unless failed),"lastProgress" (Spark's progress JSON or
 *     null)} - the columns of Spark's Structured Streaming tab;
 *   .../queries/{runId or id}/progress: the reports kept, oldest first, as
 *     Spark's recentProgress (an array of its progress JSON).
 * The caller holds the app's mutex. */
#include "ui/ui_model.h"

#include <math.h>

static void query(sp_ui_buf *b, const sp_ui_query *q, int64_t now_ms)
{
    const char *status = q->end_ms < 0 ? "RUNNING" : q->exception ? "FAILED" : "FINISHED";
    sp_ui_buf_puts(b, "{\"id\":");
    sp_ui_buf_json_str(b, q->id);
    sp_ui_buf_puts(b, ",\"runId\":");
    sp_ui_buf_json_str(b, q->run_id);
    sp_ui_buf_puts(b, ",\"name\":");
    sp_ui_buf_json_str(b, q->name);
    sp_ui_buf_printf(b, ",\"status\":\"%s\",\"startTime\":", status);
    sp_ui_buf_json_date(b, q->start_ms);
    int64_t end = q->end_ms < 0 ? now_ms : q->end_ms;
    sp_ui_buf_printf(b, ",\"startTimestamp\":%lld,\"duration\":%lld,\"avgInputPerSec\":",
                     (long long)q->start_ms, (long long)(end - q->start_ms));
    sp_ui_buf_json_double(b, q->nreports ? q->input_rate_sum / (double)q->nreports : NAN);
    sp_ui_buf_puts(b, ",\"avgProcessPerSec\":");
    sp_ui_buf_json_double(b, q->nreports ? q->processed_rate_sum / (double)q->nreports : NAN);
    const sp_ui_progress *last = sp_ui_query_progress(q, q->nprog - 1);
    sp_ui_buf_printf(b, ",\"latestBatch\":%lld,\"numReportsRetained\":%d,\"error\":",
                     (long long)(last ? last->batch_id : -1), q->nprog);
    sp_ui_buf_json_str(b, q->exception);
    sp_ui_buf_puts(b, ",\"lastProgress\":");
    sp_ui_buf_puts(b, last && last->json ? last->json : "null");
    sp_ui_buf_puts(b, "}");
}

void sp_ui_json_queries(sp_ui_buf *b, const sp_ui_sql *m, int64_t now_ms)
{
    sp_ui_buf_puts(b, "[");
    for (int i = 0; i < m->n; i++) {
        if (i) sp_ui_buf_puts(b, ",");
        query(b, m->q[i], now_ms);
    }
    sp_ui_buf_puts(b, "]");
}

void sp_ui_json_query_progress(sp_ui_buf *b, const sp_ui_query *q)
{
    sp_ui_buf_puts(b, "[");
    for (int i = 0; i < q->nprog; i++) {
        const sp_ui_progress *p = sp_ui_query_progress(q, i);
        if (i) sp_ui_buf_puts(b, ",");
        sp_ui_buf_puts(b, p->json ? p->json : "null");
    }
    sp_ui_buf_puts(b, "]");
}
