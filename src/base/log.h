/* log.h - one-line log records in log4j's console layout as Spark prints them:
 * "26/11/21 14:40:03 WARN FileInputDStream: message".
 *
 * Records go through a logger: a level and a destination (stderr, or a
 * callback). Each StreamingContext owns one (spate_ctx_set_log_level /
 * spate_ctx_set_log_callback); the process has a default one. sp_log does not
 * name a logger: it uses the one bound to the calling thread (sp_log_bind),
 * else the process default. A context binds its logger on the threads that
 * work for it - generator, job, receiver threads, and the program thread
 * inside start/stop/destroy - and an executor thread takes the logger of the
 * thread that handed it the run (exec/pool.c), so records of two contexts in
 * one process never mix, even on shared executor threads.
 *
 * Thread-safe. The level check is one atomic load; a record that passes it is
 * formatted and written with one write(2) (records never interleave), or
 * handed to the callback under the logger's lock (calls never overlap). */
#ifndef SP_LOG_H
#define SP_LOG_H

#include <spate/core.h>

typedef enum { SP_LOG_DEBUG = 0, SP_LOG_INFO, SP_LOG_WARN, SP_LOG_ERROR, SP_LOG_OFF } sp_log_level;

typedef struct sp_logger sp_logger;

/* A logger at level writing to stderr. Destroy it only once no thread has it
 * bound and no thread is logging through it. */
sp_logger *sp_logger_new(sp_log_level level);
void sp_logger_destroy(sp_logger *lg);
void sp_logger_set_level(sp_logger *lg, sp_log_level level);
sp_log_level sp_logger_get_level(const sp_logger *lg);
/* fn NULL: stderr again. Returns once no record is being given to the
 * previous callback (unless called from inside that callback). */
void sp_logger_set_callback(sp_logger *lg, spate_log_fn fn, void *ud);

/* Binds lg to the calling thread (NULL: the process default) and returns the
 * previous binding, for the caller to restore. */
sp_logger *sp_log_bind(sp_logger *lg);
/* The calling thread's binding, NULL for the process default. */
sp_logger *sp_log_bound(void);

/* Through the calling thread's logger. */
void sp_log(sp_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Through lg (NULL: the process default), whatever the thread's binding. */
void sp_log_to(sp_logger *lg, sp_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The process default's level: WARN, or the environment variable
 * SPATE_LOG_LEVEL (read at first use), until set. Contexts start from their
 * conf's spate.log.level instead. */
void sp_log_set_level(sp_log_level level);
/* The level of the calling thread's logger. */
sp_log_level sp_log_get_level(void);
/* Parses "DEBUG"/"INFO"/"WARN"/"ERROR"/"OFF" (any case); -1 when unknown. */
int sp_log_level_parse(const char *s);
/* "WARN" etc.; "?" for a value out of range. */
const char *sp_log_level_name(sp_log_level level);

#endif
