/* listener_int.h - the context's listener bus (Spark's StreamingListenerBus)
 * and each batch's metrics (Spark's BatchInfo / StreamInputInfo).
 *
 * The scheduler reports a batch's life through three calls: submitted
 * (generator thread, just before the batch is queued), started and completed
 * (job thread). Each fills a spate_batch_info from the batch and hands it to
 * every listener; completed also logs the batch's INFO line from that same
 * info, so the log and the listeners never disagree.
 *
 * Receivers report their life through sp_listener_post_receiver.
 *
 * Delivery is synchronous on the reporting thread. The bus lock is held only
 * to copy the listener list, never during a callback, so a callback may add
 * listeners; callbacks of different events may run at the same time on
 * different threads. */
#ifndef SP_LISTENER_INT_H
#define SP_LISTENER_INT_H

#include <spate/listener.h>

#include <pthread.h>
#include <stdatomic.h>

typedef struct sp_batch sp_batch;

typedef struct sp_listener_bus {
    pthread_mutex_t lock;
    spate_listener *v;
    int n, cap;
} sp_listener_bus;

/* A batch's per-input record counts, indexed by stream id (NULL until an
 * input reports): those known when the batch is generated, and those its
 * tasks count (file streams, sp_batch_task_records), added in at completion.
 * The inputs' info is made when the batch is submitted. All are owned by the
 * batch's scope. */
typedef struct sp_batch_metrics {
    int64_t *records_by_stream;
    atomic_llong *task_records;
    spate_input_info *inputs;
    int ninputs;
} sp_batch_metrics;

/* Context creation and destruction (program thread). */
void sp_listener_bus_init(sp_listener_bus *bus);
void sp_listener_bus_destroy(sp_listener_bus *bus);

/* Generator thread, while the batch's inputs compute: n more records from
 * input into b (sp_batch_add_records). */
void sp_batch_metrics_add(spate_ctx *ctx, sp_batch *b, int stream_id, int64_t n);

/* Generator thread, before b is queued: records the submission time, fixes
 * the per-input info and posts on_batch_submitted. */
void sp_batch_submitted(spate_ctx *ctx, sp_batch *b);
/* Job thread: b's first job starts now (sets its start time), posts
 * on_batch_started. */
void sp_batch_started(spate_ctx *ctx, sp_batch *b);
/* Job thread, after b's last job: sets the end time, adds what tasks counted
 * to the records in, logs the batch's line (records in per input, scheduling
 * delay, processing time, total delay) and posts on_batch_completed. */
void sp_batch_completed(spate_ctx *ctx, sp_batch *b);

typedef enum sp_receiver_event {
    SP_RECEIVER_STARTED,
    SP_RECEIVER_ERROR,
    SP_RECEIVER_STOPPED,
} sp_receiver_event;

/* Any thread, no lock held: tells every listener about a receiver. */
void sp_listener_post_receiver(spate_ctx *ctx, sp_receiver_event ev, const spate_receiver_info *r);

#endif
