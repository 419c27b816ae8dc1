/* ui_model.h - what a UI keeps: copies of the engine's batch infos and
 * progress reports in bounded rings, and the renderers of its REST JSON and
 * Prometheus text over them.
 *
 * Threads: the listener callbacks (engine threads) change a model and the
 * HTTP thread renders it, both under the owning sp_ui_app's mutex; the
 * renderers themselves take no lock and are pure functions of the model
 * (what the unit tests drive). */
#ifndef SP_UI_MODEL_H
#define SP_UI_MODEL_H

#include "ui/ui_buf.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum sp_ui_batch_status {
    SP_UI_QUEUED,
    SP_UI_PROCESSING,
    SP_UI_COMPLETED,
} sp_ui_batch_status;

typedef struct sp_ui_input {
    int stream_id;
    char *name;
    int64_t records;
} sp_ui_input;

/* One batch (Spark's BatchUIData); times in ms of the context's clock, -1
 * when not known yet. Owns its strings and inputs. */
typedef struct sp_ui_batch {
    sp_ui_batch_status status;
    int64_t batch_time_ms, submission_ms, start_ms, end_ms;
    int64_t records;
    int noutputs;
    bool failed;
    char *error; /* NULL when none */
    sp_ui_input *inputs;
    int ninputs;
} sp_ui_batch;

typedef struct sp_ui_receiver {
    int stream_id;
    char *name;
    bool active;
    char *last_error; /* NULL when none */
    int64_t last_error_ms;
} sp_ui_receiver;

/* A DStream context's model. done is a ring of the last `retained`
 * completed batches (done_n of them, oldest at done_head). */
typedef struct sp_ui_stream {
    int64_t start_ms, batch_ms;
    int64_t completed_total, processed_records, received_records;
    int retained;
    sp_ui_batch *done;
    int done_n, done_head;
    sp_ui_batch *active; /* queued and processing, in time order */
    int nactive, active_cap;
    sp_ui_receiver *recv;
    int nrecv;
    char **output_names; /* noutputs, Spark's names ("print", "foreachRDD"...) */
    int noutputs;
} sp_ui_stream;

/* The figures of one progress report the UI shows, with its JSON. */
typedef struct sp_ui_progress {
    int64_t batch_id, timestamp_ms, batch_duration_ms, num_input_rows;
    double input_rate, processed_rate; /* NaN when Spark leaves them out */
    int64_t state_rows_total, state_rows_updated, state_memory_bytes;
    int64_t rows_dropped_by_watermark;
    int64_t watermark_ms; /* eventTime.watermark, 0 without one (as Spark's gauge) */
    char *json;           /* Spark's json, malloc'd */
} sp_ui_progress;

/* One run of a query. progress is a ring of the last `retained` reports
 * (nprog of them, oldest at head). */
typedef struct sp_ui_query {
    char id[37], run_id[37];
    char *name;               /* NULL: unnamed */
    int64_t start_ms, end_ms; /* wall clock; end -1 while active */
    char *exception;          /* NULL unless it failed */
    int64_t input_rows_total; /* over every report, for the averages */
    double input_rate_sum, processed_rate_sum;
    int64_t nreports;
    sp_ui_progress *progress;
    int nprog, head, retained;
} sp_ui_query;

typedef struct sp_ui_sql {
    sp_ui_query **q; /* in start order */
    int n, cap;
    int retained_queries, retained_progress;
} sp_ui_sql;

/* The application: Spark's ApplicationInfo. */
typedef struct sp_ui_appinfo {
    const char *id;   /* "local-<start ms>" */
    const char *name; /* spate.app.name */
    int64_t start_ms; /* wall clock */
} sp_ui_appinfo;

/* ---- ui_stream_model.c: listener events into the model ---- */
void sp_ui_stream_init(sp_ui_stream *m, int64_t start_ms, int64_t batch_ms, int retained);
void sp_ui_stream_free(sp_ui_stream *m);
/* b's info moves into the model: submitted adds a queued batch, started
 * marks it processing, completed moves it into the ring of done ones. */
void sp_ui_stream_submitted(sp_ui_stream *m, const sp_ui_batch *b);
void sp_ui_stream_started(sp_ui_stream *m, int64_t batch_time_ms, int64_t start_ms);
void sp_ui_stream_completed(sp_ui_stream *m, const sp_ui_batch *b);
void sp_ui_stream_receiver(sp_ui_stream *m, const sp_ui_receiver *r);
/* A deep copy of b (strings and inputs). */
sp_ui_batch sp_ui_batch_copy(const sp_ui_batch *b);
void sp_ui_batch_free(sp_ui_batch *b);
/* The retained batch of time t (done or active), or NULL. */
const sp_ui_batch *sp_ui_stream_find(const sp_ui_stream *m, int64_t t);

/* ---- ui_sql_model.c ---- */
void sp_ui_sql_init(sp_ui_sql *m, int retained_queries, int retained_progress);
void sp_ui_sql_free(sp_ui_sql *m);
void sp_ui_sql_started(sp_ui_sql *m, const char *id, const char *run_id, const char *name,
                       int64_t now_ms);
/* p moves into the run's ring (p->json taken). */
void sp_ui_sql_progress(sp_ui_sql *m, const char *run_id, sp_ui_progress *p);
/* Ends the run; drops the oldest ended runs past retained_queries. */
void sp_ui_sql_terminated(sp_ui_sql *m, const char *run_id, const char *exception, int64_t now_ms);
/* The run with this run id, else the latest run of this query id, or NULL. */
const sp_ui_query *sp_ui_sql_find(const sp_ui_sql *m, const char *id);
/* The i-th retained report of q, oldest first. */
const sp_ui_progress *sp_ui_query_progress(const sp_ui_query *q, int i);

/* ---- ui_json_stream.c: /api/v1/applications/{appId}/streaming/... ---- */
void sp_ui_json_applications(sp_ui_buf *b, const sp_ui_appinfo *app, int64_t now_ms);
void sp_ui_json_statistics(sp_ui_buf *b, const sp_ui_stream *m);
void sp_ui_json_receivers(sp_ui_buf *b, const sp_ui_stream *m);
/* status: NULL (all), or "QUEUED", "PROCESSING", "COMPLETED". */
void sp_ui_json_batches(sp_ui_buf *b, const sp_ui_stream *m, const char *status);
void sp_ui_json_batch(sp_ui_buf *b, const sp_ui_stream *m, const sp_ui_batch *bt);
void sp_ui_json_operations(sp_ui_buf *b, const sp_ui_stream *m, const sp_ui_batch *bt);
/* spate's .../streaming/inputs: each input stream's records/s per retained
 * completed batch (ReceiverInfo's eventRates and avgEventRate). */
void sp_ui_json_inputs(sp_ui_buf *b, const sp_ui_stream *m);

/* ---- ui_json_sql.c: /api/v1/applications/{appId}/sql/streaming/queries ---- */
void sp_ui_json_queries(sp_ui_buf *b, const sp_ui_sql *m, int64_t now_ms);
void sp_ui_json_query_progress(sp_ui_buf *b, const sp_ui_query *q);

/* ---- ui_prom.c: /metrics/prometheus (either model may be NULL) ---- */
void sp_ui_prometheus(sp_ui_buf *b, const sp_ui_appinfo *app, const sp_ui_stream *st,
                      const sp_ui_sql *sql);

#endif
