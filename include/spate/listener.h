/* spate/listener.h - batch and receiver events with Spark's streaming metrics
 * (StreamingListener, BatchInfo, ReceiverInfo).
 *
 * Threads: on_batch_submitted runs on the generator thread, on_batch_started
 * and on_batch_completed on the job thread, receiver events on the receiver's
 * thread. Callbacks must return quickly; the info passed is valid only during
 * the call.
 */
#ifndef SPATE_LISTENER_H
#define SPATE_LISTENER_H

#include <spate/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Records one input stream put in a batch (Spark's StreamInputInfo). */
typedef struct spate_input_info {
    int stream_id;
    const char *name; /* "FileInputDStream", "SocketInputDStream"... */
    int64_t records;
} spate_input_info;

/* Spark's BatchInfo. Times in ms of the context's clock; -1 when not yet
 * known (a submitted batch has no processing times). */
typedef struct spate_batch_info {
    int64_t batch_time_ms;
    int64_t records; /* records in: the sum over inputs */
    int64_t submission_time_ms;
    int64_t processing_start_ms;
    int64_t processing_end_ms;
    int64_t scheduling_delay_ms; /* processing start - batch time */
    int64_t processing_time_ms;  /* processing end - processing start */
    int64_t total_delay_ms;      /* processing end - batch time */
    const spate_input_info *inputs;
    int ninputs;
    int noutputs;
    bool failed;
    const char *error; /* the batch's failure, "" when none */
} spate_batch_info;

/* Spark's ReceiverInfo. */
typedef struct spate_receiver_info {
    int stream_id;
    const char *name;
    bool active;
    const char *last_error; /* "" when none */
    int64_t last_error_time_ms;
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

/* Adds a listener (copied). Any time; events from then on. */
spate_err spate_ctx_add_listener(spate_ctx *ssc, const spate_listener *l);

#ifdef __cplusplus
}
#endif
#endif
