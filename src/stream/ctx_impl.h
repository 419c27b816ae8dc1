/* ctx_impl.h - the StreamingContext's state, shared by context.c (life
 * cycle), graph.c (streams), scheduler.c (generator and job threads) and
 * output.c (output operations). */
#ifndef SP_CTX_IMPL_H
#define SP_CTX_IMPL_H

#include "base/clock.h"
#include "stream/dstream_int.h"
#include "stream/listener_int.h"

#include <pthread.h>
#include <stdio.h>

typedef enum out_kind { OUT_PRINT, OUT_SAVE_TEXT, OUT_FOREACH } out_kind;

typedef struct sp_output {
    out_kind kind;
    spate_stream *stream;
    int num;    /* print */
    FILE *file; /* print */
    char *prefix, *suffix;
    spate_foreach_rdd_fn fn;
    void *ud;
    void (*destroy_ud)(void *ud); /* foreach outputs that own ud (writeToKafka) */
} sp_output;

struct sp_batch {
    int64_t time;
    sp_scope *scope;
    spate_rdd **out_rdds; /* one per output operation, NULL when none */
    /* RDDs of stateful streams: prepared after the outputs even when no
     * output read them, so a state store sees every batch exactly once. */
    spate_rdd **stateful_rdds;
    int nstateful;
    int64_t submitted_ms, started_ms, completed_ms; /* context clock */
    atomic_llong records;
    sp_batch_metrics metrics; /* per-input records, listener.c */
    spate_err err;
    char errmsg[512];
    struct sp_batch *next;
};

/* A batch's memory, kept until the batch leaves the remember window. */
typedef struct kept_scope {
    int64_t time;
    sp_scope *scope;
} kept_scope;

struct spate_ctx {
    spate_conf *conf;
    spate_duration batch;
    struct sp_logger *logger; /* level and destination of the context's records (base/log.h) */
    spate_clock *clock;
    sp_exec exec;
    sp_scope *ctx_scope; /* default RDDs and other context-lifetime RDDs */

    pthread_mutex_t mu; /* state, errors, queue, stats */
    pthread_cond_t cv;
    spate_ctx_state state;
    /* The most recent failure (a misuse or an asynchronous one), read by
     * spate_ctx_last_error; err_seq counts them. pending_err: the most recent
     * asynchronous failure awaitTermination has not returned yet. */
    char errmsg[512];
    uint64_t err_seq;
    spate_err pending_err;
    spate_ctx_stats stats;
    sp_listener_bus listeners;
    bool stopping; /* a stop is under way (another stop waits for it) */

    pthread_mutex_t graph_lock; /* streams' generated RDDs */
    spate_stream **streams;
    int nstreams;
    sp_output **outputs;
    int noutputs;
    spate_duration remember; /* spate_ctx_remember */

    pthread_t gen_thread, job_thread;
    bool threads_started;
    bool stop_requested, stop_graceful, generator_done, jobs_done;
    int64_t zero_time, next_time;
    sp_batch *queue_head, *queue_tail;

    kept_scope *kept;
    int nkept, kept_cap;

    struct sp_ckpt *ckpt; /* spate_ctx_checkpoint; NULL without a directory */
    void *ui;             /* the web UI (stream/ui_hook.h), NULL when none */
};

/* scheduler.c */
void sp_scheduler_start(spate_ctx *ctx);
void sp_scheduler_stop(spate_ctx *ctx, bool graceful);

/* graph.c */
/* The longest remember duration of any stream (how long batch memory lives). */
spate_duration sp_graph_remember(spate_ctx *ctx);
/* Drops each stream's RDDs older than its remember duration (graph lock held). */
void sp_graph_forget(spate_ctx *ctx, int64_t now_batch);
void sp_graph_destroy(spate_ctx *ctx);

/* output.c */
spate_err sp_output_run(spate_ctx *ctx, sp_output *o, spate_rdd *rdd, int64_t time);
void sp_output_destroy(sp_output *o);
/* A foreachRDD output that owns ud: destroy_ud(ud) when the context is
 * destroyed, or at once when the output cannot be added (the error is then
 * returned, and set on the context when s is not NULL). Before start. */
spate_err sp_output_add_foreach(spate_stream *s, spate_foreach_rdd_fn fn, void *ud,
                                void (*destroy_ud)(void *ud));

/* save_text.c: one batch of saveAsTextFiles (prefix-<time>[.suffix]/). */
spate_err sp_save_text_files(spate_rdd *rdd, const char *prefix, const char *suffix, int64_t time);

#endif
