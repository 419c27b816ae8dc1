/* spate/listener.h - batch and receiver events with Spark's streaming metrics
 * (StreamingListener, BatchInfo, ReceiverInfo).
 *
 * Threads: on_batch_submitted runs on the generator thread (just before the
 * batch is queued), on_batch_started and on_batch_completed on the job thread
 * (completed after the batch's checkpoint, before spate_ctx_await_batch sees
 * it). Receiver events run on the receiver's supervisor thread (started, and
 * stopped for a restart), on the thread that called
 * spate_receiver_report_error (error), and on the thread stopping the
 * context (the final stopped). So callbacks may run at the same time on
 * different threads: a listener guards its own data. One batch's events come
 * in order, and batches in time order. Callbacks must return quickly and must
 * not stop the context; they may add listeners. The info passed is valid only
 * during the call.
 *
 * Every completed batch is also logged (INFO, JobScheduler) from the same
 * info: "Total delay: 0.500 s for time 2000 ms (execution: 0.300 s,
 * scheduling delay: 0.200 s), 7 records in (input 0 PluggableInputDStream: 2,
 * input 1 SocketInputDStream: 5)".
 */
#ifndef SPATE_LISTENER_H
#define SPATE_LISTENER_H

#include <spate/export.h>

#include <spate/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Records one input stream put in a batch (Spark's StreamInputInfo). Every
 * input stream of the graph is listed, in definition order. Receivers count
 * what they hand over, known when the batch is generated. File streams count
 * the records (lines, or binary records) their splits hold while the batch's
 * jobs read them, so their count is only known at the end: on_batch_submitted
 * and on_batch_started say 0 for them, on_batch_completed (and the batch's log
 * line) has the records read - each split counted once however many jobs read
 * it, a split no job of the batch read counts 0. (Spark's FileInputDStream
 * always reports 0; spate gives the count.) Queue streams report 0, as
 * Spark's QueueInputDStream does. */
typedef struct spate_input_info {
    int stream_id;
    const char *name; /* "FileInputDStream", "SocketInputDStream"... */
    int64_t records;
} spate_input_info;

/* Spark's BatchInfo. Times in ms of the context's clock; -1 when not yet
 * known (a submitted batch has no processing times, a started one no end).
 * As in Spark the delays count from the submission, which is the batch time
 * unless generation ran late. */
typedef struct spate_batch_info {
    int64_t batch_time_ms;
    int64_t records; /* records in: the sum over inputs (file streams: see above) */
    int64_t submission_time_ms;
    int64_t processing_start_ms;
    int64_t processing_end_ms;
    int64_t scheduling_delay_ms; /* processing start - submission */
    int64_t processing_time_ms;  /* processing end - processing start */
    int64_t total_delay_ms;      /* processing end - submission */
    const spate_input_info *inputs;
    int ninputs;
    int noutputs;      /* output operations with a job in this batch */
    bool failed;       /* known at completion (or at submission when generation failed) */
    const char *error; /* the batch's first failure, "" when none */
} spate_batch_info;

/* Spark's ReceiverInfo. */
typedef struct spate_receiver_info {
    int stream_id;
    const char *name;
    bool active;
    /* the last report_error message, or "Restarting receiver with delay N ms:
     * <reason>" after a restart; "" when none */
    const char *last_error;
    int64_t last_error_time_ms; /* context clock, -1 when none */
} spate_receiver_info;

typedef struct spate_listener {
    void (*on_batch_submitted)(const spate_batch_info *b, void *ud);
    void (*on_batch_started)(const spate_batch_info *b, void *ud);
    void (*on_batch_completed)(const spate_batch_info *b, void *ud);
    void (*on_receiver_started)(const spate_receiver_info *r, void *ud);
    void (*on_receiver_error)(const spate_receiver_info *r, void *ud);
    void (*on_receiver_stopped)(const spate_receiver_info *r, void *ud);
    void *ud;
} spate_listener; /* any callback may be NULL */

/* Adds a listener (copied; ud stays the caller's and must outlive the
 * context). Any time, any thread, also from a callback; events from then on.
 * SPATE_ERR_INVALID_ARG when ssc or l is NULL. */
SPATE_API spate_err spate_ctx_add_listener(spate_ctx *ssc, const spate_listener *l);

#ifdef __cplusplus
}
#endif
#endif
