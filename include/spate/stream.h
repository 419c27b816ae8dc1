/* spate/stream.h - the StreamingContext and the DStream API.
 *
 * Threads: the functions that build the graph (stream constructors,
 * transformations, outputs) and the context's life cycle functions are called
 * from the program's thread; the callbacks passed to transformations run on
 * executor threads; transform callbacks run on the batch generator thread
 * (when the batch's lineage is built, as in Spark's JobGenerator) and
 * foreachRDD callbacks on the job thread.
 *
 * Ownership: a context owns every stream made from it; streams are freed by
 * spate_ctx_destroy and never by the caller.
 *
 * Errors: stream constructors and transformations return NULL when the context
 * is not INITIALIZED (Spark: no new streams after start) or an argument is
 * invalid; spate_ctx_last_error says why. A NULL parent gives NULL, so a chain
 * of calls can be checked once at its end.
 */
#ifndef SPATE_STREAM_H
#define SPATE_STREAM_H

#include <spate/export.h>

#include <spate/rdd.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spate_ctx spate_ctx;
typedef struct spate_stream spate_stream;

typedef enum spate_ctx_state {
    SPATE_CTX_INITIALIZED = 0,
    SPATE_CTX_ACTIVE = 1,
    SPATE_CTX_STOPPED = 2,
} spate_ctx_state;

/* ---- the context --------------------------------------------------------- */
/* Creates a context with batches every batch_interval. Takes ownership of conf
 * on success and on failure (conf may be NULL: the defaults). Returns NULL and
 * fills errstr when the conf or the interval is invalid. */
SPATE_API spate_ctx *spate_ctx_new(spate_conf *conf, spate_duration batch_interval, char *errstr,
                                   size_t errstr_size);
/* Stops the context if it is active, then frees it and all its streams. */
SPATE_API void spate_ctx_destroy(spate_ctx *ssc);
/* Starts receiving and batch generation. SPATE_ERR_STATE when already started
 * or stopped; SPATE_ERR_INVALID_ARG when the graph has no output operation
 * ("No output operations registered, so nothing to execute"), with the reason
 * in spate_ctx_last_error. */
SPATE_API spate_err spate_ctx_start(spate_ctx *ssc);
/* Stops the context. stop_spark_context is accepted for Spark's signature (spate
 * has no separate SparkContext: it releases the executors either way);
 * gracefully waits until all received data has been processed. Idempotent. */
SPATE_API spate_err spate_ctx_stop(spate_ctx *ssc, bool stop_spark_context, bool gracefully);
/* Blocks until the context stops or a job fails. Returns SPATE_OK after a stop,
 * or a failure (a failed job, an unreadable input) as soon as it happens: the
 * most recent one not returned yet, each returned once (the context keeps
 * running; call again to go on waiting). spate_ctx_last_error has its
 * message unless a later failure came meanwhile. Any thread. */
SPATE_API spate_err spate_ctx_await_termination(spate_ctx *ssc);
/* Same, for at most timeout_ms: *terminated says whether the context stopped.
 * Returns SPATE_OK on stop or timeout, the error otherwise. */
SPATE_API spate_err spate_ctx_await_termination_or_timeout(spate_ctx *ssc, int64_t timeout_ms,
                                                           bool *terminated);
SPATE_API spate_ctx_state spate_ctx_get_state(spate_ctx *ssc);
/* Keeps each stream's RDDs at least this long (Spark's remember). Before start. */
SPATE_API spate_err spate_ctx_remember(spate_ctx *ssc, spate_duration d);
SPATE_API spate_duration spate_ctx_batch_interval(const spate_ctx *ssc);
/* The clock batches are scheduled by (a manual one if the conf asked for it). */
SPATE_API spate_clock *spate_ctx_clock(spate_ctx *ssc);
/* The conf the context runs with. Read-only; valid while the context lives. */
SPATE_API const spate_conf *spate_ctx_conf(const spate_ctx *ssc);
/* The message of the most recent failure on this context or its streams: a
 * call that returned an error or NULL, or a failure while running (a job, an
 * input, a receiver: what awaitTermination returns). "" before the first.
 * Successes do not clear it: read it right after a call fails. Any thread.
 * The string is a copy owned by the calling thread, valid until that
 * thread's next spate_ctx_last_error call (on any context) or its end; it
 * does not change meanwhile, whatever other threads do. */
SPATE_API const char *spate_ctx_last_error(spate_ctx *ssc);

/* ---- logging (Spark's sc.setLogLevel) -------------------------------------- */
/* Each context has its own log level and destination, used by the records of
 * its threads (generator, job, executor, receiver) and of the context
 * functions called on it; other contexts and records not tied to a context
 * (the process default: stderr, level SPATE_LOG_LEVEL or WARN) are not
 * affected. */
/* The lowest level of the context's records, SPATE_LOG_OFF for none. Starts
 * at the conf's spate.log.level. Any thread, any time: the next record
 * obeys it. SPATE_ERR_INVALID_ARG for a level out of range. */
SPATE_API spate_err spate_ctx_set_log_level(spate_ctx *ssc, spate_log_level level);
SPATE_API spate_log_level spate_ctx_get_log_level(const spate_ctx *ssc);
/* Sends the context's records to fn (see spate_log_fn in core.h) instead of
 * stderr; fn NULL: stderr again (the default). ud is borrowed: it must stay
 * valid until the callback is replaced or the context destroyed. Any thread,
 * any time, also from inside the callback; when it returns (from another
 * thread), the previous callback is not running and is not called again, so
 * its ud may be freed. */
SPATE_API spate_err spate_ctx_set_log_callback(spate_ctx *ssc, spate_log_fn fn, void *ud);
/* An RDD owned by the context (for queueStream), a deep copy of n values in
 * nparts partitions (<= 0: spate.default.parallelism or the thread count). */
SPATE_API spate_rdd *spate_ctx_parallelize(spate_ctx *ssc, const spate_value *values, size_t n,
                                           int nparts);

/* Counters since start. */
typedef struct spate_ctx_stats {
    int64_t batches_completed;
    int64_t batches_failed;
    int64_t records_in;    /* elements that entered through input streams */
    int64_t bad_records;   /* records skipped as malformed (spate_task_bad_record) */
    int64_t errors;        /* failures reported (jobs, inputs, receivers) */
    int64_t last_batch_ms; /* time of the last completed batch, -1 before the first */
} spate_ctx_stats;
SPATE_API void spate_ctx_get_stats(spate_ctx *ssc, spate_ctx_stats *out);

/* For tests driving a manual clock: blocks until the batch of time batch_ms
 * (and every earlier one) has completed, or timeout_ms passes in real time.
 * Returns SPATE_ERR_TIMEOUT then, SPATE_ERR_STATE when the context stopped
 * before that batch (messages in spate_ctx_last_error). */
SPATE_API spate_err spate_ctx_await_batch(spate_ctx *ssc, int64_t batch_ms, int64_t timeout_ms);

/* ---- input streams ------------------------------------------------------- */
/* queueStream: each batch takes one RDD from the queue (one_at_a_time) or all
 * of them (their union); when the queue is empty it uses default_rdd (may be
 * NULL: an empty RDD). Takes ownership of default_rdd. */
SPATE_API spate_stream *spate_queue_stream(spate_ctx *ssc, bool one_at_a_time,
                                           spate_rdd *default_rdd);
/* Appends rdd (made by spate_ctx_parallelize on the same context) to a queue
 * stream; takes ownership. Thread-safe. */
SPATE_API spate_err spate_queue_stream_push(spate_stream *queue, spate_rdd *rdd);

/* Lines of text (UTF-8, without the \n or \r\n) from a TCP server; reconnects
 * when the peer closes or is not there yet. */
SPATE_API spate_stream *spate_socket_text_stream(spate_ctx *ssc, const char *host, int port);

/* A reader over a connected socket, for socketStream converters. */
typedef struct spate_reader spate_reader;
/* Reads up to n bytes; returns 0 at end of stream, -1 on error (errno set). */
SPATE_API long spate_reader_read(spate_reader *r, void *buf, size_t n);
/* Reads one line into *line (without the newline; valid until the next read).
 * Returns 1 for a line, 0 at end of stream, -1 on error. */
SPATE_API int spate_reader_read_line(spate_reader *r, const char **line, size_t *len);

/* A receiver: the object that brings data from outside (Spark's Receiver). */
typedef struct spate_receiver spate_receiver;
/* Stores one element (deep-copied) into the current block. With the
 * write-ahead log, the record is on disk when it returns. Thread-safe. */
SPATE_API void spate_receiver_store(spate_receiver *r, spate_value v);
/* Spark's store(ArrayBuffer) / store(Iterator): stores n elements at once,
 * in order; with the write-ahead log they are all on disk, after one sync
 * instead of n, when it returns (what a receiver reading in chunks should
 * use: one sync costs milliseconds). Counts n records against
 * spate.streaming.receiver.maxRate. Thread-safe. */
SPATE_API void spate_receiver_store_many(spate_receiver *r, const spate_value *vs, size_t n);
/* Reports a problem without stopping the receiver (listeners, log, errors). */
SPATE_API void spate_receiver_report_error(spate_receiver *r, const char *msg);
/* Asks to be stopped and started again after spate.streaming.receiverRestartDelay. */
SPATE_API void spate_receiver_restart(spate_receiver *r, const char *msg);
/* True once the receiver is being stopped: on_start loops should return. */
SPATE_API bool spate_receiver_is_stopped(spate_receiver *r);

/* socketStream: converter reads the connection and stores elements; it
 * returns when the stream ends (the receiver then reconnects) or on error. */
typedef spate_err (*spate_socket_converter)(spate_reader *in, spate_receiver *r, void *ud);
SPATE_API spate_stream *spate_socket_stream(spate_ctx *ssc, const char *host, int port,
                                            spate_socket_converter convert, void *ud);

/* receiverStream: on_start runs on its own thread (it may block and loop until
 * spate_receiver_is_stopped); on_stop is called when the context stops. */
typedef struct spate_receiver_def {
    const char *name;
    void (*on_start)(spate_receiver *r, void *ud);
    void (*on_stop)(spate_receiver *r, void *ud);
    void *ud;
} spate_receiver_def;
SPATE_API spate_stream *spate_receiver_stream(spate_ctx *ssc, const spate_receiver_def *def);

/* Lines of the new files of a directory (textFileStream). */
SPATE_API spate_stream *spate_text_file_stream(spate_ctx *ssc, const char *dir);
/* fileStream: filter (may be NULL) decides which paths to take; new_files_only
 * false also takes the files present at start. Elements are (offset, line)
 * pairs as Hadoop's TextInputFormat gives (LongWritable, Text). */
typedef bool (*spate_path_filter)(const char *path, void *ud);
SPATE_API spate_stream *spate_file_stream(spate_ctx *ssc, const char *dir, spate_path_filter filter,
                                          void *ud, bool new_files_only);
/* Fixed-length records as SPATE_BYTES. A file whose size is not a multiple of
 * record_length is reported (error) and its records are not used. */
SPATE_API spate_stream *spate_binary_records_stream(spate_ctx *ssc, const char *dir,
                                                    int record_length);

/* ---- transformations ----------------------------------------------------- */
SPATE_API spate_stream *spate_stream_map(spate_stream *s, spate_map_fn fn, void *ud);
SPATE_API spate_stream *spate_stream_flat_map(spate_stream *s, spate_flat_map_fn fn, void *ud);
SPATE_API spate_stream *spate_stream_filter(spate_stream *s, spate_filter_fn fn, void *ud);
SPATE_API spate_stream *spate_stream_map_partitions(spate_stream *s, spate_map_partitions_fn fn,
                                                    void *ud);
SPATE_API spate_stream *spate_stream_glom(spate_stream *s);
SPATE_API spate_stream *spate_stream_repartition(spate_stream *s, int nparts);
/* A one-element stream per batch (none for an empty batch). */
SPATE_API spate_stream *spate_stream_reduce(spate_stream *s, spate_reduce_fn fn, void *ud);
/* One element per batch: the number of elements (0 for an empty batch). */
SPATE_API spate_stream *spate_stream_count(spate_stream *s);
/* (value, count) pairs. nparts <= 0: default. */
SPATE_API spate_stream *spate_stream_count_by_value(spate_stream *s, int nparts);
/* A stream without an RDD for a batch (an input that has none for it, as
 * Spark's compute returning None) makes the streams built on it element by
 * element (map, filter, reduceByKey...) have none either: outputs skip that
 * batch. The streams Spark builds as a UnionDStream or TransformedDStream
 * fail the batch instead, as Spark does: union and spate_ctx_union ("Could
 * not generate RDD from a parent for unifying at time <t> ms"), transform,
 * transformWith, spate_ctx_transform, and repartition, count, cogroup and the
 * joins, which Spark makes with transform or transformWith ("Couldn't
 * generate RDD from parent at time <t> ms"). */
SPATE_API spate_stream *spate_stream_union(spate_stream *a, spate_stream *b);
/* The union of n (1..8) streams of the same context and slide (ssc.union;
 * nest unions for more). NULL with Spark's message in spate_ctx_last_error
 * ("requirement failed: List of DStreams to union is empty", "...Some of the
 * DStreams have different contexts", "...different slide durations"). */
SPATE_API spate_stream *spate_ctx_union(spate_ctx *ssc, spate_stream **streams, int n);
/* transform: fn maps the batch's RDD to another RDD of the same batch (made
 * from it with the spate_rdd_* functions). It runs on the generator thread
 * when the batch is generated; it may run actions. Returning NULL fails the
 * batch (Spark: "Transform function must not return null"); return
 * spate_rdd_empty_like(rdd) for no elements. A NULL fn gives NULL ("transform:
 * the transform function must not be NULL" in spate_ctx_last_error). */
typedef spate_rdd *(*spate_transform_fn)(spate_rdd *rdd, int64_t time_ms, void *ud);
typedef spate_rdd *(*spate_transform2_fn)(spate_rdd *a, spate_rdd *b, int64_t time_ms, void *ud);
SPATE_API spate_stream *spate_stream_transform(spate_stream *s, spate_transform_fn fn, void *ud);
SPATE_API spate_stream *spate_stream_transform_with(spate_stream *a, spate_stream *b,
                                                    spate_transform2_fn fn, void *ud);
/* StreamingContext.transform(dstreams, transformFunc): fn gets the batch's
 * RDDs of the n streams, in the order given (rdds[i] is streams[i]'s RDD;
 * the array is valid during the call), and returns the batch's RDD, as the
 * transform callback above (same thread, same rules; spate_rdd_union_n(rdds,
 * n) is Spark's rdds.head.context.union(rdds)). n is 1..8; the streams
 * must share ssc and their slide. Returns NULL (program thread, before
 * start) with Spark's message in spate_ctx_last_error when they do not
 * ("requirement failed: List of DStreams to transform is empty", "...Some of
 * the DStreams have different contexts", "...different slide durations"),
 * or when fn is NULL; NULL without a new message when a stream is NULL. The
 * stream is owned by ssc. */
typedef spate_rdd *(*spate_transform_n_fn)(spate_rdd **rdds, int n, int64_t time_ms, void *ud);
SPATE_API spate_stream *spate_ctx_transform(spate_ctx *ssc, spate_stream **streams, int n,
                                            spate_transform_n_fn fn, void *ud);

/* Pair streams (elements are 2-tuples). nparts <= 0: default partitions. */
SPATE_API spate_stream *spate_stream_reduce_by_key(spate_stream *s, spate_reduce_fn fn, void *ud,
                                                   int nparts);
SPATE_API spate_stream *spate_stream_group_by_key(spate_stream *s, int nparts);
SPATE_API spate_stream *spate_stream_combine_by_key(spate_stream *s, spate_map_fn create,
                                                    spate_reduce_fn merge_value,
                                                    spate_reduce_fn merge_combiners, void *ud,
                                                    int nparts);
SPATE_API spate_stream *spate_stream_map_values(spate_stream *s, spate_map_fn fn, void *ud);
SPATE_API spate_stream *spate_stream_flat_map_values(spate_stream *s, spate_flat_map_fn fn,
                                                     void *ud);
SPATE_API spate_stream *spate_stream_cogroup(spate_stream *a, spate_stream *b, int nparts);
SPATE_API spate_stream *spate_stream_join(spate_stream *a, spate_stream *b, int nparts);
SPATE_API spate_stream *spate_stream_left_outer_join(spate_stream *a, spate_stream *b, int nparts);
SPATE_API spate_stream *spate_stream_right_outer_join(spate_stream *a, spate_stream *b, int nparts);
SPATE_API spate_stream *spate_stream_full_outer_join(spate_stream *a, spate_stream *b, int nparts);

/* DStream.persist(level): each batch's RDD of s is persisted at level (see
 * spate_rdd_persist: with spate every level keeps the values in memory): the
 * first job of the batch that needs it computes it, every later job and
 * every other stream made from s reads it, so a stream feeding several
 * outputs or branches computes each batch once - and its callbacks run, and
 * report bad records, once per record. The cached partitions belong to the
 * batch and are freed with it (Spark unpersists generated RDDs when the
 * batch is forgotten). Program thread, before start: SPATE_ERR_STATE after
 * ("Cannot change storage level of a DStream after streaming context has
 * started" in spate_ctx_last_error). The level may be changed before start;
 * SPATE_STORAGE_NONE turns persistence off. SPATE_ERR_INVALID_ARG for a NULL
 * stream or an unknown level. Persisting is not part of the graph's
 * checkpoint fingerprint: a checkpoint taken without it is still valid. */
SPATE_API spate_err spate_stream_persist(spate_stream *s, spate_storage_level level);
/* DStream.cache() = persist(): persist(MEMORY_ONLY_SER), Spark's default for
 * DStreams (kept in memory as values by spate, like every level). */
SPATE_API spate_err spate_stream_cache(spate_stream *s);
/* The level set by persist/cache, SPATE_STORAGE_NONE by default. */
SPATE_API spate_storage_level spate_stream_get_storage_level(const spate_stream *s);

/* slice: the RDDs of the batches with from_ms <= time <= to_ms that the stream
 * still remembers, in time order (Spark's slice(fromTime, toTime), both ends
 * included). from and to may be any times aligned to the stream's slide
 * after the context's zero time (the start time floored to the batch
 * interval), the zero time itself and earlier ones included: there is no RDD
 * at or before the zero time, so they add nothing; from > to gives none.
 * Only from foreachRDD/transform callbacks (the job thread) or after stop.
 * *out (NULL when *n is 0) lives until the newest batch it lists is
 * forgotten. SPATE_ERR_STATE when the context was never started (Spark:
 * "<stream> has not been initialized"); SPATE_ERR_INVALID_ARG when from or
 * to is not aligned to the slide (Spark floors such times with a warning;
 * spate refuses them). Messages in spate_ctx_last_error. */
SPATE_API spate_err spate_stream_slice(spate_stream *s, int64_t from_ms, int64_t to_ms,
                                       spate_rdd ***out, int *n);

/* ---- output operations (run every batch in the order they were defined) -- */
/* Spark's print(num): the 43-dash header with "Time: <ms> ms", the first num
 * elements, "..." when there are more, then an empty line; flushed each batch.
 * Goes to stdout, or to the FILE set by spate_stream_print_to. */
SPATE_API spate_err spate_stream_print(spate_stream *s, int num);
SPATE_API spate_err spate_stream_print_to(spate_stream *s, int num, void *file /* FILE* */);
/* saveAsTextFiles: every batch writes prefix-<ms>[.suffix]/part-NNNNN (one per
 * partition, one element per line) and _SUCCESS into a temporary directory,
 * then renames it into place, so readers never see half a batch. suffix may be
 * NULL or "". */
SPATE_API spate_err spate_stream_save_as_text_files(spate_stream *s, const char *prefix,
                                                    const char *suffix);
/* foreachRDD: fn runs on the job thread every batch with the batch's RDD and
 * time; returning an error fails the batch. */
typedef spate_err (*spate_foreach_rdd_fn)(spate_rdd *rdd, int64_t time_ms, void *ud);
SPATE_API spate_err spate_stream_foreach_rdd(spate_stream *s, spate_foreach_rdd_fn fn, void *ud);

/* The context a stream belongs to. */
SPATE_API spate_ctx *spate_stream_ctx(const spate_stream *s);
/* The stream's slide in ms (the batch interval for most streams). */
SPATE_API spate_duration spate_stream_slide(const spate_stream *s);

#ifdef __cplusplus
}
#endif
#endif
