/* orders_dashboard_metrics.h - a StreamingListener for the dashboard: one
 * line per completed batch with the four batch metrics of Spark's Streaming
 * tab (input records, scheduling delay, processing time, total delay), as
 *
 *   batch 1763737505000 ms: 10000 records in, scheduling delay 2 ms,
 *       processing time 85 ms, total delay 87 ms         (on one line)
 *
 * and running totals for the summary a program prints when it stops.
 *
 * Records in: the batch info's records, which for a file stream are the
 * lines the batch read (each counted once, however many jobs read them).
 * Spark's BatchInfo.numRecords would be 0 here: its FileInputDStream reports
 * files, not a count; spate counts the lines while reading them.
 *
 * Header-only, shared by the example and bench/bench_dashboard.c.
 * Threads: dash_on_batch_completed runs on the job thread (the only writer);
 * the totals are atomics, so the program's thread may read them any time. */
#ifndef SPATE_EXAMPLES_ORDERS_DASHBOARD_METRICS_H
#define SPATE_EXAMPLES_ORDERS_DASHBOARD_METRICS_H

#include <spate/spate.h>

#include <stdatomic.h>
#include <stdio.h>

typedef struct dash_metrics {
    FILE *out; /* where the per-batch lines go; NULL: totals only */
    atomic_llong batches, failed, records, processing_ms, max_total_delay_ms;
} dash_metrics;

/* ssc is the context m will listen to (not needed any more: the batch info
 * carries the records; kept so that callers need not change). */
static inline void dash_metrics_init(dash_metrics *m, spate_ctx *ssc, FILE *out)
{
    (void)ssc;
    m->out = out;
    atomic_init(&m->batches, 0);
    atomic_init(&m->failed, 0);
    atomic_init(&m->records, 0);
    atomic_init(&m->processing_ms, 0);
    atomic_init(&m->max_total_delay_ms, 0);
}

static inline void dash_on_batch_completed(const spate_batch_info *b, void *ud)
{
    dash_metrics *m = ud;
    int64_t records = b->records;
    atomic_fetch_add(&m->batches, 1);
    if (b->failed) atomic_fetch_add(&m->failed, 1);
    atomic_fetch_add(&m->records, records);
    atomic_fetch_add(&m->processing_ms, b->processing_time_ms);
    if (b->total_delay_ms > atomic_load(&m->max_total_delay_ms))
        atomic_store(&m->max_total_delay_ms, b->total_delay_ms);
    if (!m->out) return;
    fprintf(m->out,
            "batch %lld ms: %lld records in, scheduling delay %lld ms, processing time %lld ms, "
            "total delay %lld ms%s%s\n",
            (long long)b->batch_time_ms, (long long)records, (long long)b->scheduling_delay_ms,
            (long long)b->processing_time_ms, (long long)b->total_delay_ms,
            b->failed ? ", FAILED: " : "", b->failed ? b->error : "");
    fflush(m->out);
}

/* Adds m as a listener of ssc. */
static inline spate_err dash_metrics_listen(spate_ctx *ssc, dash_metrics *m)
{
    spate_listener l = {.on_batch_completed = dash_on_batch_completed, .ud = m};
    return spate_ctx_add_listener(ssc, &l);
}

#endif
