/* query_int.h - the query's private state, shared by query*.c. */
#ifndef SP_SQL_QUERY_INT_H
#define SP_SQL_QUERY_INT_H

#include "logs/entry_log.h"
#include "sql/event_time.h"
#include "sql/query.h"
#include "state/vstore.h"

#include <pthread.h>

struct sp_query {
    sp_query_spec spec;
    sp_physical ph;
    spate_arena *arena; /* the physical plan, names */
    char id[37], run_id[37];
    char checkpoint[4096];
    bool temp_checkpoint;
    int nshuffle; /* state partitions */

    sp_entry_log offsets, commits;
    int nsources;
    sp_source **sources; /* one per input of ph, opened in order */
    sp_sink *sink;
    sp_vstore **stores; /* nshuffle, when the plan aggregates */
    /* The late rows' sink and the stateful operator's input columns it
     * takes (the hidden ones, such as a window's start, left out). */
    sp_sink *late;
    int nlate_cols;
    const sp_column **late_cols_scratch; /* nlate_cols, reused per batch */
    int *late_cols;
    const char **late_names;

    /* Batch position (query thread). */
    int64_t next_batch; /* the id the next new batch gets */
    char **committed;   /* per source: the offset committed up to, or NULL */
    int64_t batch_time_ms;

    /* Event time (query thread): the tracker of the plan's watermarks, the
     * watermark of the batch running (or last run), and whether the
     * watermark has moved past it so that a batch without new data would
     * emit or evict state (Spark's no-data batch). */
    sp_watermark_tracker wm;
    int64_t batch_wm_ms;
    bool another_batch;

    pthread_t thread;
    bool thread_started; /* under mu once the thread runs */
    bool joining;        /* a sp_query_stop is joining the thread (under mu) */

    /* Shared with callers, under mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop_requested, active, terminated;
    bool data_available, trigger_active;
    const char *status_message;
    char *exception;
    int64_t triggers_done; /* triggers completed */
    int64_t idle_triggers; /* triggers that found no new data */
    int64_t wake;          /* bumped to cut a poll wait short */
    sp_progress **recent;  /* ring of the last kept reports (own arenas) */
    spate_arena **recent_arenas;
    int nrecent, recent_cap, recent_head;
};

/* query_ckpt.c: the checkpoint directory (query thread, at start). */
spate_err sp_query_open_checkpoint(sp_query *q, char *errstr, size_t errstr_size);
/* Writes offsets/N for the sources' offsets end[0..nsources). */
spate_err sp_query_write_offsets(sp_query *q, int64_t batch, char *const *end, char *errstr,
                                 size_t errstr_size);
spate_err sp_query_write_commit(sp_query *q, int64_t batch, char *errstr, size_t errstr_size);
/* Reads the sources' offsets of offsets/N into end[0..nsources) (each
 * malloc'd; NULL for no offset). A different count of sources is an error. */
spate_err sp_query_read_offsets(sp_query *q, int64_t batch, char **end, char *errstr,
                                size_t errstr_size);
/* Frees the offsets in v[0..n) and clears them. */
void sp_query_offsets_clear(char **v, int n);
/* The batchTimestampMs recorded in offsets/N (what current_timestamp() of
 * that batch is, also when it is re-run after a restart); -1 if unreadable. */
int64_t sp_query_offsets_timestamp(sp_query *q, int64_t batch);
/* The batchWatermarkMs of offsets/N (the watermark batch N ran with), and
 * the nextBatchWatermarkMs of commits/N (the one after it); 0 if absent. */
int64_t sp_query_offsets_watermark(sp_query *q, int64_t batch);
int64_t sp_query_commit_watermark(sp_query *q, int64_t batch);
/* Purges log entries and state versions older than the retained batches. */
void sp_query_purge(sp_query *q);

/* query_late.c: opens the late rows' sink (spec.late_sink), and writes a
 * batch's late rows to it (nothing without the sink or rows). */
spate_err sp_query_open_late(sp_query *q, char *errstr, size_t errstr_size);
spate_err sp_query_write_late(sp_query *q, int64_t batch, sp_colbatch *const *late, size_t nlate,
                              char *errstr, size_t errstr_size);

/* query_run.c: one trigger (query thread). *ran: a batch ran. */
spate_err sp_query_trigger(sp_query *q, bool *ran, char *errstr, size_t errstr_size);
/* The batch offsets/N without commits/N, when there is one, run again. */
spate_err sp_query_recover(sp_query *q, char *errstr, size_t errstr_size);

/* query_progress.c */
void sp_query_publish(sp_query *q, const sp_progress *p);
void sp_query_set_status(sp_query *q, const char *msg, bool data, bool active);

#endif
