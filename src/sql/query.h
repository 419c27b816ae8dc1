/* query.h - a running streaming query (Spark's StreamingQuery and
 * MicroBatchExecution): a thread that, at each trigger, asks the source for
 * its latest offset, writes offsets/N, runs batch N (batch_exec.h), hands
 * the output to the sink, writes commits/N, tells the source to forget what
 * was committed, and publishes a progress report.
 *
 * The checkpoint location has Spark's layout:
 *   metadata            {"id":"<query id>"}
 *   offsets/<N>         v1, the batch's metadata JSON, one offset per source
 *   commits/<N>         v1, {"nextBatchWatermarkMs":0}
 *   sources/<i>/        the sources' own logs
 *   state/0/<p>/        the aggregation's versioned stores (vstore.h)
 * every file checksummed and written atomically (logs/). A restart keeps
 * the query id (new run id), re-runs a batch whose offsets were written but
 * not its commit with the same offsets, and refuses a different
 * spate.sql.shuffle.partitions for a query with state.
 *
 * Threads: sp_query_* may be called from any thread; listeners are called
 * on the query's thread. */
#ifndef SP_SQL_QUERY_H
#define SP_SQL_QUERY_H

#include "base/clock.h"
#include "exec/pool.h"
#include "sql/physical.h"
#include "sql/progress.h"
#include "sql/sink.h"
#include "sql/source.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum sp_trigger_kind {
    SP_TRIGGER_DEFAULT, /* the next batch as soon as the previous one ends */
    SP_TRIGGER_PROCESSING_TIME,
    SP_TRIGGER_ONCE,
    SP_TRIGGER_AVAILABLE_NOW,
} sp_trigger_kind;

typedef struct sp_trigger {
    sp_trigger_kind kind;
    int64_t interval_ms; /* PROCESSING_TIME */
} sp_trigger;

/* A trigger as written in an option: "5 seconds", "1 minute", "500ms"
 * (ProcessingTime; "0 seconds" is the default trigger), "once",
 * "availableNow" (case-insensitive). False with errstr naming the text. */
bool sp_trigger_parse(const char *text, sp_trigger *t, char *errstr, size_t errstr_size);

/* A query's life events (Spark's StreamingQueryListener), on its thread. */
typedef struct sp_query_listener {
    void (*started)(const char *id, const char *run_id, const char *name, void *ud);
    void (*progress)(const sp_progress *p, void *ud);
    void (*idle)(const char *id, const char *run_id, int64_t timestamp_ms, void *ud);
    void (*terminated)(const char *id, const char *run_id, const char *exception, void *ud);
    void *ud;
} sp_query_listener;

typedef struct sp_query_spec {
    const sp_plan *plan;                 /* analyzed, streaming */
    const sp_source_def *const *sources; /* one per input of the plan (physical.h) */
    int nsources;
    const sp_sink_def *sink;
    /* Optional (lateRowsTable, beyond Spark): where the rows a stateful
     * operator drops as late go. Owned by the query from sp_query_start on
     * (freed with it, or by a start that fails). */
    sp_sink_def *late_sink;
    sp_output_mode mode;
    sp_trigger trigger;
    const char *name;       /* queryName or NULL */
    const char *checkpoint; /* checkpointLocation or NULL: a temporary one */
    const spate_conf *conf; /* the session's (read at start) */
    spate_clock *clock;     /* the session's */
    sp_pool *pool;
    const sp_tz *tz;
    FILE *console;
    const sp_query_listener *listeners; /* the manager's, nlisteners of them */
    int nlisteners;
} sp_query_spec;

typedef struct sp_query sp_query;

/* Checks the plan against the output mode and the sink, opens the
 * checkpoint, the source and the sink, and starts the query's thread. NULL
 * with the message in errstr (Spark's AnalysisException texts for refused
 * plans). The spec's pointers must outlive the query. */
sp_query *sp_query_start(const sp_query_spec *spec, char *errstr, size_t errstr_size);
/* Stops the query (the batch running finishes first) and waits for its
 * thread. Idempotent. */
void sp_query_stop(sp_query *q);
/* Waits until the query ends, at most timeout_ms (< 0: forever). True when
 * it has ended. */
bool sp_query_await(sp_query *q, int64_t timeout_ms);
/* Blocks until every row available when called has been processed and
 * committed, or the query ended (then its error, if any). */
spate_err sp_query_process_all_available(sp_query *q, char *errstr, size_t errstr_size);
/* Frees a stopped query. */
void sp_query_free(sp_query *q);

const char *sp_query_id(const sp_query *q);
const char *sp_query_run_id(const sp_query *q);
const char *sp_query_name(const sp_query *q);
bool sp_query_is_active(sp_query *q);
/* The error the query ended with, malloc'd, or NULL. */
char *sp_query_exception(sp_query *q);
/* Status (Spark's StreamingQueryStatus) as JSON, malloc'd:
 * {"message":"Waiting for data to arrive","isDataAvailable":false,"isTriggerActive":false} */
char *sp_query_status_json(sp_query *q);
/* The last progress report's JSON (pretty or compact), malloc'd; NULL before
 * the first. recent: all kept ones as a JSON array. */
char *sp_query_last_progress(sp_query *q, bool pretty);
char *sp_query_recent_progress(sp_query *q);
/* The running sink (a memory sink's table is registered from it). */
sp_sink *sp_query_sink(const sp_query *q);
/* The physical parts of the plan, as explain prints them. */
const sp_physical *sp_query_physical(const sp_query *q);

#endif
