/* orders_dashboard_metrics.h - a StreamingListener for the dashboard: one
 * line per completed batch with Spark's four batch metrics (the Streaming
 * tab's input size, scheduling delay, processing time and total delay):
 *
 *   batch 1763737505000 ms: 10000 records, scheduling delay 2 ms, processing time 85 ms, total delay 87 ms
 *
 * and running totals for the summary a program prints when it stops.
 * Header-only, shared by the example and bench/bench_dashboard.c.
 *
 * Threads: dash_on_batch_completed runs on the job thread; the totals are
 * atomics, so the program's thread may read them at any time. */
#ifndef SPATE_EXAMPLES_ORDERS_DASHBOARD_METRICS_H
#define SPATE_EXAMPLES_ORDERS_DASHBOARD_METRICS_H

#include <spate/spate.h>

#include <stdatomic.h>
#include <stdio.h>

typedef struct dash_metrics {
    FILE *out; /* where the per-batch lines go; NULL: no lines, totals only */
    atomic_llong batches, failed, records, processing_ms, max_total_delay_ms;
} dash_metrics;

static inline void dash_metrics_init(dash_metrics *m, FILE *out)
{
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
    atomic_fetch_add(&m->batches, 1);
    if (b->failed) atomic_fetch_add(&m->failed, 1);
    atomic_fetch_add(&m->records, b->records);
    atomic_fetch_add(&m->processing_ms, b->processing_time_ms);
    if (b->total_delay_ms > atomic_load(&m->max_total_delay_ms))
        atomic_store(&m->max_total_delay_ms, b->total_delay_ms); /* one writer: the job thread */
    if (!m->out) return;
    fprintf(m->out,
            "batch %lld ms: %lld records, scheduling delay %lld ms, processing time %lld ms, "
            "total delay %lld ms%s%s\n",
            (long long)b->batch_time_ms, (long long)b->records, (long long)b->scheduling_delay_ms,
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
