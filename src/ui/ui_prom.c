/* ui_prom.c - /metrics/prometheus in Prometheus' text exposition format
 * (0.0.4). The gauges are Spark's, with its Dropwizard names made legal
 * ('.' and '-' become '_') under the prefix spate_:
 *   DStreams (StreamingSource, "streaming.*"): lastCompletedBatch_
 *   schedulingDelay, _processingDelay, _totalDelay (ms, -1 before a batch),
 *   lastReceivedBatch_records, totalCompletedBatches, totalProcessedRecords,
 *   totalReceivedRecords, runningBatches, waitingBatches, receivers; plus
 *   spate's lastCompletedBatch_inputRate (records/s over the interval).
 *   Queries (MetricsReporter, spark.sql.streaming.metricsEnabled): inputRate-
 *   total, processingRate-total, latency (ms), eventTime-watermark (ms, 0
 *   without one), states-rowsTotal, states-usedBytes, for each running
 *   query with a report, as spate_sql_streaming_inputRate_total...
 * Every sample is labelled application_id and application_name, and a
 * query's also query (its name, else its id) and query_id. The caller holds
 * the app's mutex. */
#include "ui/ui_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void label_value(sp_ui_buf *b, const char *s)
{
    sp_ui_buf_puts(b, "\"");
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '"')
            sp_ui_buf_printf(b, "\\%c", *s);
        else if (*s == '\n')
            sp_ui_buf_puts(b, "\\n");
        else
            sp_ui_buf_printf(b, "%c", *s);
    }
    sp_ui_buf_puts(b, "\"");
}

static void head(sp_ui_buf *b, const char *name, const char *help)
{
    sp_ui_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void app_labels(sp_ui_buf *b, const sp_ui_appinfo *app)
{
    sp_ui_buf_puts(b, "{application_id=");
    label_value(b, app->id);
    sp_ui_buf_puts(b, ",application_name=");
    label_value(b, app->name);
}

static void value(sp_ui_buf *b, double v)
{
    if (isnan(v))
        sp_ui_buf_puts(b, " NaN\n");
    else if (v == (double)(int64_t)v && fabs(v) < 9e15)
        sp_ui_buf_printf(b, " %lld\n", (long long)v);
    else {
        sp_ui_buf_puts(b, " ");
        sp_ui_buf_json_double(b, v); /* as the progress JSON prints it */
        sp_ui_buf_puts(b, "\n");
    }
}

static void stream_gauge(sp_ui_buf *b, const sp_ui_appinfo *app, const char *name, const char *help,
                         double v)
{
    char full[128];
    snprintf(full, sizeof full, "spate_streaming_%s", name);
    head(b, full, help);
    sp_ui_buf_puts(b, full);
    app_labels(b, app);
    sp_ui_buf_puts(b, "}");
    value(b, v);
}

static void stream_metrics(sp_ui_buf *b, const sp_ui_appinfo *app, const sp_ui_stream *m)
{
    const sp_ui_batch *last =
        m->done_n ? &m->done[(m->done_head + m->done_n - 1) % m->retained] : NULL;
    int running = 0;
    for (int i = 0; i < m->nactive; i++)
        running += m->active[i].status == SP_UI_PROCESSING;
    stream_gauge(b, app, "lastCompletedBatch_inputRate",
                 "Records per second of the last completed batch (records / batch interval).",
                 last ? (double)last->records * 1000.0 / (double)m->batch_ms : -1);
    stream_gauge(b, app, "lastCompletedBatch_schedulingDelay",
                 "Scheduling delay of the last completed batch in ms.",
                 last ? (double)(last->start_ms - last->submission_ms) : -1);
    stream_gauge(b, app, "lastCompletedBatch_processingDelay",
                 "Processing time of the last completed batch in ms.",
                 last ? (double)(last->end_ms - last->start_ms) : -1);
    stream_gauge(b, app, "lastCompletedBatch_totalDelay",
                 "Total delay of the last completed batch in ms.",
                 last ? (double)(last->end_ms - last->submission_ms) : -1);
    stream_gauge(b, app, "lastReceivedBatch_records", "Records in the last completed batch.",
                 last ? (double)last->records : -1);
    stream_gauge(b, app, "totalCompletedBatches", "Batches completed since the start.",
                 (double)m->completed_total);
    stream_gauge(b, app, "totalProcessedRecords", "Records of the completed batches.",
                 (double)m->processed_records);
    stream_gauge(b, app, "totalReceivedRecords", "Records of the submitted batches.",
                 (double)m->received_records);
    stream_gauge(b, app, "runningBatches", "Batches processing now.", running);
    stream_gauge(b, app, "waitingBatches", "Batches queued.", m->nactive - running);
    stream_gauge(b, app, "receivers", "Receivers.", m->nrecv);
}

enum { Q_INPUT, Q_PROCESS, Q_LATENCY, Q_WATERMARK, Q_ROWS, Q_BYTES, Q_N };

static double query_value(const sp_ui_progress *p, int which)
{
    switch (which) {
    case Q_INPUT:
        return p->input_rate;
    case Q_PROCESS:
        return p->processed_rate;
    case Q_LATENCY:
        return (double)p->batch_duration_ms;
    case Q_WATERMARK:
        return (double)p->watermark_ms;
    case Q_ROWS:
        return (double)p->state_rows_total;
    default:
        return (double)p->state_memory_bytes;
    }
}

static void sql_metrics(sp_ui_buf *b, const sp_ui_appinfo *app, const sp_ui_sql *m)
{
    static const char *const names[Q_N][2] = {
        {"spate_sql_streaming_inputRate_total", "inputRowsPerSecond of the last report."},
        {"spate_sql_streaming_processingRate_total", "processedRowsPerSecond of the last report."},
        {"spate_sql_streaming_latency", "Duration of the last trigger in ms."},
        {"spate_sql_streaming_eventTime_watermark",
         "The watermark of the last report in ms since the epoch (0 without one)."},
        {"spate_sql_streaming_states_rowsTotal", "State rows over the stateful operators."},
        {"spate_sql_streaming_states_usedBytes", "State memory in bytes."},
    };
    for (int w = 0; w < Q_N; w++) {
        bool any = false;
        for (int i = 0; i < m->n; i++) {
            const sp_ui_query *q = m->q[i];
            const sp_ui_progress *p = sp_ui_query_progress(q, q->nprog - 1);
            if (q->end_ms >= 0 || !p) continue;
            if (!any) head(b, names[w][0], names[w][1]);
            any = true;
            sp_ui_buf_puts(b, names[w][0]);
            app_labels(b, app);
            sp_ui_buf_puts(b, ",query=");
            label_value(b, q->name ? q->name : q->id);
            sp_ui_buf_puts(b, ",query_id=");
            label_value(b, q->id);
            sp_ui_buf_puts(b, "}");
            value(b, query_value(p, w));
        }
    }
}

void sp_ui_prometheus(sp_ui_buf *b, const sp_ui_appinfo *app, const sp_ui_stream *st,
                      const sp_ui_sql *sql)
{
    if (st) stream_metrics(b, app, st);
    if (sql) sql_metrics(b, app, sql);
    if (!b->s) sp_ui_buf_puts(b, "");
}
