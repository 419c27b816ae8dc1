/* ui_json_stream.c - the REST API's application list and the DStream
 * endpoints with Spark's JSON shapes (org.apache.spark.status.api.v1 and
 * its streaming package: ApplicationInfo, StreamingStatistics, ReceiverInfo,
 * BatchInfo, OutputOperationInfo). An Option that is None is left out, as
 * Spark's Jackson writer does; dates are Spark's "...T...GMT" strings. The
 * caller holds the app's mutex. */
#include "ui/ui_model.h"

#include <spate/spate.h>

#include <stdlib.h>
#include <string.h>

void sp_ui_json_applications(sp_ui_buf *b, const sp_ui_appinfo *app, int64_t now_ms)
{
    const char *user = getenv("USER");
    sp_ui_buf_puts(b, "[{\"id\":");
    sp_ui_buf_json_str(b, app->id);
    sp_ui_buf_puts(b, ",\"name\":");
    sp_ui_buf_json_str(b, app->name);
    sp_ui_buf_puts(b, ",\"attempts\":[{\"startTime\":");
    sp_ui_buf_json_date(b, app->start_ms);
    sp_ui_buf_puts(b, ",\"endTime\":");
    sp_ui_buf_json_date(b, -1);
    sp_ui_buf_puts(b, ",\"lastUpdated\":");
    sp_ui_buf_json_date(b, now_ms);
    sp_ui_buf_printf(b, ",\"duration\":%lld,\"sparkUser\":", (long long)(now_ms - app->start_ms));
    sp_ui_buf_json_str(b, user ? user : "");
    sp_ui_buf_printf(b,
                     ",\"completed\":false,\"appSparkVersion\":\"%s\",\"startTimeEpoch\":%lld,"
                     "\"endTimeEpoch\":-1,\"lastUpdatedEpoch\":%lld}]}]",
                     SPATE_VERSION_STRING, (long long)app->start_ms, (long long)now_ms);
}

/* The retained batches, newest first: active ones, then the done ring. */
static int retained(const sp_ui_stream *m, const sp_ui_batch **out)
{
    int n = 0;
    for (int i = m->nactive - 1; i >= 0; i--)
        out[n++] = &m->active[i];
    for (int i = m->done_n - 1; i >= 0; i--)
        out[n++] = &m->done[(m->done_head + i) % m->retained];
    return n;
}

static const sp_ui_batch **retained_alloc(const sp_ui_stream *m, int *n)
{
    const sp_ui_batch **v = malloc(sizeof *v * (size_t)(m->nactive + m->done_n + 1));
    if (!v) abort();
    *n = retained(m, v);
    return v;
}

/* Spark's avgTime: the mean of the known values (long division), else None. */
static void avg_time(sp_ui_buf *b, const char *key, const sp_ui_batch **v, int n, int which)
{
    int64_t sum = 0, k = 0;
    for (int i = 0; i < n; i++) {
        const sp_ui_batch *x = v[i];
        int64_t d = -1;
        if (which == 0 && x->start_ms >= 0) d = x->start_ms - x->submission_ms;
        if (which == 1 && x->end_ms >= 0) d = x->end_ms - x->start_ms;
        if (which == 2 && x->end_ms >= 0) d = x->end_ms - x->submission_ms;
        if (d >= 0) sum += d, k++;
    }
    if (k) sp_ui_buf_printf(b, ",\"%s\":%lld", key, (long long)(sum / k));
}

void sp_ui_json_statistics(sp_ui_buf *b, const sp_ui_stream *m)
{
    int n, active = 0;
    const sp_ui_batch **v = retained_alloc(m, &n);
    for (int i = 0; i < m->nrecv; i++)
        active += m->recv[i].active;
    sp_ui_buf_puts(b, "{\"startTime\":");
    sp_ui_buf_json_date(b, m->start_ms);
    sp_ui_buf_printf(b,
                     ",\"batchDuration\":%lld,\"numReceivers\":%d,\"numActiveReceivers\":%d,"
                     "\"numInactiveReceivers\":%d,\"numTotalCompletedBatches\":%lld,"
                     "\"numRetainedCompletedBatches\":%d,\"numActiveBatches\":%d,"
                     "\"numProcessedRecords\":%lld,\"numReceivedRecords\":%lld",
                     (long long)m->batch_ms, m->nrecv, active, m->nrecv - active,
                     (long long)m->completed_total, m->done_n, m->nactive,
                     (long long)m->processed_records, (long long)m->received_records);
    if (n > 0) {
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += (double)v[i]->records * 1000.0 / (double)m->batch_ms;
        sp_ui_buf_puts(b, ",\"avgInputRate\":");
        sp_ui_buf_json_double(b, sum / n);
    }
    avg_time(b, "avgSchedulingDelay", v, n, 0);
    avg_time(b, "avgProcessingTime", v, n, 1);
    avg_time(b, "avgTotalDelay", v, n, 2);
    sp_ui_buf_puts(b, "}");
    free(v);
}

static int64_t input_records(const sp_ui_batch *x, int stream_id)
{
    for (int i = 0; i < x->ninputs; i++)
        if (x->inputs[i].stream_id == stream_id) return x->inputs[i].records;
    return 0;
}

static void receiver(sp_ui_buf *b, const sp_ui_stream *m, const sp_ui_receiver *r)
{
    sp_ui_buf_printf(b, "{\"streamId\":%d,\"streamName\":", r->stream_id);
    sp_ui_buf_json_str(b, r->name);
    sp_ui_buf_printf(b, ",\"isActive\":%s,\"executorId\":\"driver\",\"executorHost\":\"localhost\"",
                     r->active ? "true" : "false");
    if (r->last_error) {
        sp_ui_buf_puts(b, ",\"lastErrorTime\":");
        sp_ui_buf_json_date(b, r->last_error_ms);
        sp_ui_buf_puts(b, ",\"lastErrorMessage\":");
        sp_ui_buf_json_str(b, r->last_error);
        sp_ui_buf_puts(b, ",\"lastError\":");
        sp_ui_buf_json_str(b, r->last_error);
    }
    /* eventRates: (batch time, records/s) over the completed batches kept. */
    double sum = 0;
    sp_ui_buf_puts(b, ",\"eventRates\":[");
    for (int i = 0; i < m->done_n; i++) {
        const sp_ui_batch *x = &m->done[(m->done_head + i) % m->retained];
        double rate = (double)input_records(x, r->stream_id) * 1000.0 / (double)m->batch_ms;
        sum += rate;
        sp_ui_buf_printf(b, "%s[%lld,", i ? "," : "", (long long)x->batch_time_ms);
        sp_ui_buf_json_double(b, rate);
        sp_ui_buf_puts(b, "]");
    }
    sp_ui_buf_puts(b, "]");
    if (m->done_n > 0) {
        sp_ui_buf_puts(b, ",\"avgEventRate\":");
        sp_ui_buf_json_double(b, sum / m->done_n);
    }
    sp_ui_buf_puts(b, "}");
}

void sp_ui_json_receivers(sp_ui_buf *b, const sp_ui_stream *m)
{
    sp_ui_buf_puts(b, "[");
    for (int i = 0; i < m->nrecv; i++) {
        if (i) sp_ui_buf_puts(b, ",");
        receiver(b, m, &m->recv[i]);
    }
    sp_ui_buf_puts(b, "]");
}

static const char *status_name(sp_ui_batch_status s)
{
    return s == SP_UI_QUEUED ? "QUEUED" : s == SP_UI_PROCESSING ? "PROCESSING" : "COMPLETED";
}

void sp_ui_json_batch(sp_ui_buf *b, const sp_ui_stream *m, const sp_ui_batch *x)
{
    sp_ui_buf_printf(b, "{\"batchId\":%lld,\"batchTime\":", (long long)x->batch_time_ms);
    sp_ui_buf_json_date(b, x->batch_time_ms);
    sp_ui_buf_printf(b, ",\"status\":\"%s\",\"batchDuration\":%lld,\"inputSize\":%lld",
                     status_name(x->status), (long long)m->batch_ms, (long long)x->records);
    if (x->start_ms >= 0)
        sp_ui_buf_printf(b, ",\"schedulingDelay\":%lld",
                         (long long)(x->start_ms - x->submission_ms));
    if (x->end_ms >= 0)
        sp_ui_buf_printf(b, ",\"processingTime\":%lld,\"totalDelay\":%lld",
                         (long long)(x->end_ms - x->start_ms),
                         (long long)(x->end_ms - x->submission_ms));
    int active = x->status == SP_UI_PROCESSING ? x->noutputs : 0;
    int failed = x->status == SP_UI_COMPLETED && x->failed ? 1 : 0;
    int done = x->status == SP_UI_COMPLETED ? x->noutputs - failed : 0;
    sp_ui_buf_printf(b,
                     ",\"numActiveOutputOps\":%d,\"numCompletedOutputOps\":%d,"
                     "\"numFailedOutputOps\":%d,\"numTotalOutputOps\":%d",
                     active, done, failed, x->noutputs);
    if (x->failed && x->error && *x->error) {
        sp_ui_buf_puts(b, ",\"firstFailureReason\":");
        sp_ui_buf_json_str(b, x->error);
    }
    sp_ui_buf_puts(b, "}");
}

void sp_ui_json_batches(sp_ui_buf *b, const sp_ui_stream *m, const char *status)
{
    int n, k = 0;
    const sp_ui_batch **v = retained_alloc(m, &n);
    sp_ui_buf_puts(b, "[");
    for (int i = 0; i < n; i++) {
        if (status && strcmp(status, status_name(v[i]->status))) continue;
        if (k++) sp_ui_buf_puts(b, ",");
        sp_ui_json_batch(b, m, v[i]);
    }
    sp_ui_buf_puts(b, "]");
    free(v);
}

/* Each output operation of the batch (Spark's OutputOperationInfo). The
 * listener times batches, not output operations one by one: a batch with
 * one output operation gives it the batch's processing span (startTime,
 * endTime, duration); with several they are left out (None), and a failed
 * batch's reason goes on its first operation. */
void sp_ui_json_operations(sp_ui_buf *b, const sp_ui_stream *m, const sp_ui_batch *x)
{
    sp_ui_buf_puts(b, "[");
    for (int i = 0; i < x->noutputs; i++) {
        const char *name = i < m->noutputs ? m->output_names[i] : "output";
        sp_ui_buf_printf(b, "%s{\"outputOpId\":%d,\"name\":", i ? "," : "", i);
        sp_ui_buf_json_str(b, name);
        sp_ui_buf_puts(b, ",\"description\":");
        sp_ui_buf_json_str(b, name);
        if (x->noutputs == 1 && x->start_ms >= 0) {
            sp_ui_buf_puts(b, ",\"startTime\":");
            sp_ui_buf_json_date(b, x->start_ms);
            if (x->end_ms >= 0) {
                sp_ui_buf_puts(b, ",\"endTime\":");
                sp_ui_buf_json_date(b, x->end_ms);
                sp_ui_buf_printf(b, ",\"duration\":%lld", (long long)(x->end_ms - x->start_ms));
            }
        }
        if (i == 0 && x->failed && x->error && *x->error) {
            sp_ui_buf_puts(b, ",\"failureReason\":");
            sp_ui_buf_json_str(b, x->error);
        }
        sp_ui_buf_puts(b, ",\"jobIds\":[]}");
    }
    sp_ui_buf_puts(b, "]");
}

/* The name of input stream id in the retained completed batches, or NULL. */
static const char *input_name(const sp_ui_stream *m, int id)
{
    for (int i = 0; i < m->done_n; i++) {
        const sp_ui_batch *x = &m->done[(m->done_head + i) % m->retained];
        for (int k = 0; k < x->ninputs; k++)
            if (x->inputs[k].stream_id == id) return x->inputs[k].name;
    }
    return NULL;
}

/* spate's .../streaming/inputs: every input stream of the retained completed
 * batches (receivers or not: file, queue, Kafka direct), by stream id, with
 * its records/s per batch in ReceiverInfo's eventRates form - the charts
 * Spark draws per input stream under the input rate. */
void sp_ui_json_inputs(sp_ui_buf *b, const sp_ui_stream *m)
{
    sp_ui_buf_puts(b, "[");
    int last = -1, k = 0;
    for (;;) {
        int id = -1; /* the next stream id above last */
        for (int i = 0; i < m->done_n; i++) {
            const sp_ui_batch *x = &m->done[(m->done_head + i) % m->retained];
            for (int j = 0; j < x->ninputs; j++) {
                int s = x->inputs[j].stream_id;
                if (s > last && (id < 0 || s < id)) id = s;
            }
        }
        if (id < 0) break;
        sp_ui_buf_printf(b, "%s{\"streamId\":%d,\"streamName\":", k++ ? "," : "", id);
        sp_ui_buf_json_str(b, input_name(m, id));
        double sum = 0;
        sp_ui_buf_puts(b, ",\"eventRates\":[");
        for (int i = 0; i < m->done_n; i++) {
            const sp_ui_batch *x = &m->done[(m->done_head + i) % m->retained];
            double rate = (double)input_records(x, id) * 1000.0 / (double)m->batch_ms;
            sum += rate;
            sp_ui_buf_printf(b, "%s[%lld,", i ? "," : "", (long long)x->batch_time_ms);
            sp_ui_buf_json_double(b, rate);
            sp_ui_buf_puts(b, "]");
        }
        sp_ui_buf_puts(b, "],\"avgEventRate\":");
        sp_ui_buf_json_double(b, sum / m->done_n);
        sp_ui_buf_puts(b, "}");
        last = id;
    }
    sp_ui_buf_puts(b, "]");
}
