/* spate/core.h - errors, durations, configuration, clocks, tasks and the
 * callback types shared by the RDD and DStream APIs. */
#ifndef SPATE_CORE_H
#define SPATE_CORE_H

#include <spate/export.h>

#include <spate/value.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */
/* One convention for the whole API (docs/architecture.md, "Errors"):
 * - Constructors return the new object, or NULL on failure. One that parses
 *   user input before any object exists (spate_ctx_new, get_or_create,
 *   spate_kafka_sink_new) writes the reason to (errstr, errstr_size); one
 *   made from a context (streams) leaves it in spate_ctx_last_error. A NULL
 *   parent gives NULL with no new message, so a chain is checked once.
 * - Actions and setters return spate_err: SPATE_OK (0) or a negative code.
 *   The reason goes to errstr where the function parses user input
 *   (spate_conf_set, spate_duration_parse, spate_kafka_params_set), else to
 *   the owner's last error: spate_ctx_last_error for contexts and streams,
 *   spate_rdd_last_error for RDD actions.
 * - Failures while running (tasks, inputs, receivers, outputs) are returned
 *   by the next awaitTermination, counted, logged and told to listeners; the
 *   message is spate_ctx_last_error's.
 * - *_last_error is the most recent failure ("" before one; a success does
 *   not clear it), callable from any thread, as a copy owned by the calling
 *   thread and valid until that thread calls the same function again.
 * errstr may be NULL or errstr_size 0: the reason is then not written. */
typedef enum spate_err {
    SPATE_OK = 0,
    SPATE_ERR_INVALID_ARG = -1, /* a bad argument, option or duration */
    SPATE_ERR_STATE = -2,       /* not allowed in the object's current state */
    SPATE_ERR_IO = -3,          /* a file or socket failed */
    SPATE_ERR_PARSE = -4,       /* input text could not be parsed */
    SPATE_ERR_USER = -5,        /* a user callback reported a failure */
    SPATE_ERR_TIMEOUT = -6,     /* a wait ran out of time */
    SPATE_ERR_NOT_FOUND = -7,   /* no such key, file or option */
    SPATE_ERR_CORRUPT = -8,     /* a file on disk fails its checks */
    SPATE_ERR_UNSUPPORTED = -9, /* a combination spate does not do */
} spate_err;

/* A static English description of err, never NULL. */
SPATE_API const char *spate_err_str(spate_err err);

/* ---- logging ------------------------------------------------------------- */
/* log4j's levels, lowest first: a logger passes records at its level and
 * above; OFF passes none. Each context has its own level and destination
 * (spate_ctx_set_log_level, spate_ctx_set_log_callback in stream.h). */
typedef enum spate_log_level {
    SPATE_LOG_DEBUG = 0,
    SPATE_LOG_INFO = 1,
    SPATE_LOG_WARN = 2,
    SPATE_LOG_ERROR = 3,
    SPATE_LOG_OFF = 4,
} spate_log_level;

/* Receives one log record. component is the short logger name Spark uses
 * ("JobScheduler", "Executor"), message the text alone (no time, level or
 * newline); both are valid only during the call. Called on whichever thread
 * logs (the context's generator, job, executor or receiver threads, or the
 * thread calling a context function), one call at a time per context. It
 * must not call spate_ctx_stop or spate_ctx_destroy. */
typedef void (*spate_log_fn)(spate_log_level level, const char *component, const char *message,
                             void *ud);

/* ---- durations ----------------------------------------------------------- */
/* A duration in milliseconds (Spark's Duration). */
typedef int64_t spate_duration;

static inline spate_duration spate_milliseconds(int64_t n) { return n; }
static inline spate_duration spate_seconds(int64_t n) { return n * 1000; }
static inline spate_duration spate_minutes(int64_t n) { return n * 60000; }
static inline spate_duration spate_hours(int64_t n) { return n * 3600000; }

/* Parses a duration as Spark accepts it: "5 seconds", "5s", "500ms", "500 ms",
 * "1 hour", "2 minutes", "1min", "3 days", "100" (milliseconds), and
 * "Seconds(5)"/"Milliseconds(500)"/"Minutes(1)". On failure returns
 * SPATE_ERR_INVALID_ARG and writes the position and offending text to errstr. */
SPATE_API spate_err spate_duration_parse(const char *text, spate_duration *out, char *errstr,
                                         size_t errstr_size);
/* Formats as Spark's Duration.toString does: "5000 ms". Returns buf. */
SPATE_API const char *spate_duration_format(spate_duration d, char *buf, size_t size);

/* ---- configuration ------------------------------------------------------- */
/* Options are declared once in a table (src/base/conf_table.c) with name, type,
 * default, range and documentation; docs/configuration.md is generated from it.
 * Names follow Spark's with spark. replaced by spate. (spark.* is accepted too). */
typedef struct spate_conf spate_conf;

SPATE_API spate_conf *spate_conf_new(void);
SPATE_API void spate_conf_destroy(spate_conf *conf);
SPATE_API spate_conf *spate_conf_dup(const spate_conf *conf);
/* Sets a known option after checking its type and range. Unknown keys are an
 * error, except under the "kafka." and "user." prefixes which are kept as given. */
SPATE_API spate_err spate_conf_set(spate_conf *conf, const char *key, const char *value,
                                   char *errstr, size_t errstr_size);
/* The value set, or the table's default; NULL for an unknown key. Valid until
 * the next set of that key or destroy. */
SPATE_API const char *spate_conf_get(const spate_conf *conf, const char *key);
/* Typed reads: SPATE_OK with the value set, or the table's default, in *out.
 * SPATE_ERR_NOT_FOUND for a key that is not in the option table (a misspelt
 * key is never a silent 0) or a "kafka."/"user." key that was not set;
 * SPATE_ERR_INVALID_ARG when the option is of another type (i64 reads INT,
 * SIZE in bytes and DURATION in ms; f64 reads DOUBLE, INT and SIZE) or a
 * "user." value does not parse as one. *out is untouched on error. Any
 * thread, while no other thread sets the conf. */
SPATE_API spate_err spate_conf_get_i64(const spate_conf *conf, const char *key, int64_t *out);
SPATE_API spate_err spate_conf_get_f64(const spate_conf *conf, const char *key, double *out);
SPATE_API spate_err spate_conf_get_bool(const spate_conf *conf, const char *key, bool *out);
/* Durations accept Spark's forms ("10s", "200ms"); *out is in ms. */
SPATE_API spate_err spate_conf_get_duration(const spate_conf *conf, const char *key,
                                            spate_duration *out);

/* ---- clocks -------------------------------------------------------------- */
/* The clock a context schedules batches by: the system clock, or a manual clock
 * that only moves when a test advances it (conf "spate.streaming.clock" =
 * "system" | "manual"). Thread-safe. */
typedef struct spate_clock spate_clock;

SPATE_API int64_t spate_clock_now(spate_clock *c);
/* Manual clocks only: moves time forward by ms / to ms and wakes waiters.
 * Returns SPATE_ERR_STATE on a system clock. */
SPATE_API spate_err spate_clock_advance(spate_clock *c, int64_t ms);
SPATE_API spate_err spate_clock_set(spate_clock *c, int64_t ms);

/* ---- tasks and sinks ----------------------------------------------------- */
/* A task computes one partition on one executor thread. Callbacks receive the
 * task: they allocate results in its arena and report problems through it.
 * A task pointer is valid only during the callback. */
typedef struct spate_task spate_task;
/* Where a flatMap-like callback sends its output elements. */
typedef struct spate_sink spate_sink;

/* The arena for values a callback makes; they live until the batch ends. */
SPATE_API spate_arena *spate_task_arena(spate_task *t);
/* The index of the partition this task computes. */
SPATE_API int spate_task_partition(spate_task *t);
/* Reports a record that cannot be used (a malformed line): the record is
 * skipped, counted in the context's bad-record counter and logged with what
 * and the offending text. The batch goes on. */
SPATE_API void spate_task_bad_record(spate_task *t, const char *what, spate_value record);
/* Fails the task: the batch's job fails with SPATE_ERR_USER and this message,
 * which awaitTermination returns. Further output of the task is discarded. */
SPATE_API void spate_task_fail(spate_task *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* True once the task has failed (a callback may stop early). */
SPATE_API bool spate_task_failed(const spate_task *t);

/* Sends v downstream. v must stay valid until the batch ends (allocate it in
 * spate_task_arena, or borrow from the input element). */
SPATE_API void spate_sink_push(spate_sink *out, spate_value v);

/* ---- callback types ------------------------------------------------------ */
/* All callbacks run on executor threads, possibly on several at once with the
 * same ud: they must not write to shared memory without their own locking. */
typedef spate_value (*spate_map_fn)(spate_task *t, spate_value v, void *ud);
typedef bool (*spate_filter_fn)(spate_task *t, spate_value v, void *ud);
typedef void (*spate_flat_map_fn)(spate_task *t, spate_value v, spate_sink *out, void *ud);
/* Called once per partition with all its elements. */
typedef void (*spate_map_partitions_fn)(spate_task *t, const spate_value *in, size_t n,
                                        spate_sink *out, void *ud);
/* An associative (and for by-key operations commutative) combination. */
typedef spate_value (*spate_reduce_fn)(spate_task *t, spate_value a, spate_value b, void *ud);

#ifdef __cplusplus
}
#endif
#endif
