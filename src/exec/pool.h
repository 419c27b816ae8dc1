/* pool.h - the executor threads of local[N].
 *
 * sp_pool_run runs ntasks tasks on the pool's threads and returns when all are
 * done. One run at a time per pool (callers serialize with the pool's lock,
 * which sp_pool_run takes). Never call sp_pool_run from inside a task. */
#ifndef SP_POOL_H
#define SP_POOL_H

typedef struct sp_pool sp_pool;

/* Task body: task index in [0, ntasks), thread index in [0, nthreads). */
typedef void (*sp_task_fn)(void *arg, int task, int thread);

sp_pool *sp_pool_new(int nthreads);
void sp_pool_destroy(sp_pool *p);
int sp_pool_threads(const sp_pool *p);
/* Runs take the logger bound to the submitting thread (base/log.h), or else
 * this one: the owner's (a context's pool logs as the context even for an
 * action called on a thread the context did not bind, as the program's).
 * NULL: the process default. Before the first run. */
struct sp_logger;
void sp_pool_set_logger(sp_pool *p, struct sp_logger *lg);
void sp_pool_run(sp_pool *p, int ntasks, sp_task_fn fn, void *arg);

/* What one executor thread has done (the web UI's Executors page): counters
 * the thread bumps with relaxed atomics around each task, read without a
 * lock, so a reader never delays a run. tasks counts the tasks that ended,
 * failed those marked by sp_pool_task_failed, busy_ns their time. */
typedef struct sp_pool_thread_stats {
    long long tasks, failed, busy_ns;
    int active; /* 1 while the thread runs a task */
} sp_pool_thread_stats;

/* Fills out[0..min(max, threads)) and returns the thread count. Any thread,
 * while the pool lives. */
int sp_pool_stats(const sp_pool *p, sp_pool_thread_stats *out, int max);
/* Marks the task the calling executor thread runs as failed (no-op on a
 * thread that is not an executor's). */
void sp_pool_task_failed(void);

/* Parses a master URL: "local" (1), "local[N]", "local[*]" (cores). Returns the
 * thread count, or -1 when the text is not one of those forms. */
int sp_master_threads(const char *master);

#endif
