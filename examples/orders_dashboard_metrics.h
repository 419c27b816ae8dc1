/* orders_dashboard_metrics.h - a StreamingListener for the dashboard: one
 * line per completed batch with the four batch metrics of Spark's Streaming
 * tab (input records, scheduling delay, processing time, total delay), as
 *
 *   batch 1763737505000 ms: 10000 records in, scheduling delay 2 ms,
 *       processing time 85 ms, total delay 87 ms         (on one line)
 *
 * and running totals for the summary a program prints when it stops.
 *
 * Records in: Spark's BatchInfo.numRecords is 0 for file streams
 * (FileInputDStream reports its files, not a count, and spate does the same),
 * so the line shows instead the lines the batch read: the growth of the
 * context's records-in counter since the previous batch. That is exact
 * because batches run one at a time (concurrentJobs = 1) and a file split
 * counts its lines once, however many branches read it.
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
    spate_ctx *ssc;
    FILE *out;               /* where the per-batch lines go; NULL: totals only */
    int64_t records_in_seen; /* the context's records-in at the last batch */
    atomic_llong batches, failed, records, processing_ms, max_total_delay_ms;
} dash_metrics;

static inline void dash_metrics_init(dash_metrics *m, spate_ctx *ssc, FILE *out)
{
    m->ssc = ssc;
    m->out = out;
    m->records_in_seen = 0;
    atomic_init(&m->batches, 0);
    atomic_init(&m->failed, 0);
    atomic_init(&m->records, 0);
    atomic_init(&m->processing_ms, 0);
    atomic_init(&m->max_total_delay_ms, 0);
}

static inline void dash_on_batch_completed(const spate_batch_info *b, void *ud)
{
    dash_metrics *m = ud;
    spate_ctx_stats st;
    spate_ctx_get_stats(m->ssc, &st);
    int64_t records = st.records_in - m->records_in_seen;
    m->records_in_seen = st.records_in;
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

/* Adds m (initialised with this ssc) as a listener of ssc. */
static inline spate_err dash_metrics_listen(spate_ctx *ssc, dash_metrics *m)
{
    spate_listener l = {.on_batch_completed = dash_on_batch_completed, .ud = m};
    return spate_ctx_add_listener(ssc, &l);
}

#endif
