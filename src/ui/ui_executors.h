/* ui_executors.h - the Executors page's data: a snapshot of the executor
 * pool's counters (exec/pool.h, read from atomics: the engine never waits)
 * and the process's memory, and its REST form,
 * /api/v1/applications/{appId}/executors (Spark's ExecutorSummary).
 *
 * Threads: sp_ui_executors_read on the server's thread (no lock: the
 * pool's counters are atomics); the renderer is a pure function of the
 * snapshot (what the unit tests drive). */
#ifndef SP_UI_EXECUTORS_H
#define SP_UI_EXECUTORS_H

#include "exec/pool.h"
#include "ui/ui_buf.h"

#include <stdint.h>

enum { SP_UI_MAX_THREADS = 1024 };

typedef struct sp_ui_executors {
    int port;            /* the UI's, for hostPort */
    int64_t add_ms;      /* when the UI started (wall clock) */
    int64_t rss_bytes;   /* the process's resident set (/proc/self/statm), -1 unknown */
    int64_t phys_bytes;  /* the machine's memory, maxMemory */
    int64_t arena_cache; /* bytes spate's free arena chunks hold (base/arena.h) */
    int nthreads;
    sp_pool_thread_stats *threads; /* nthreads */
} sp_ui_executors;

/* Reads pool's counters (NULL: no pool, 0 threads) into e, threads in
 * out[SP_UI_MAX_THREADS]. */
void sp_ui_executors_read(sp_ui_executors *e, const sp_pool *pool, sp_pool_thread_stats *out);
/* One ExecutorSummary, "driver", as Spark's local mode shows: totalCores
 * and maxTasks are the pool's threads; the task figures sum the threads';
 * memoryUsed is the process's RSS (spate has no storage memory pool);
 * spate adds "threads" (each executor thread's figures) and
 * "arenaCacheBytes". */
void sp_ui_json_executors(sp_ui_buf *b, const sp_ui_executors *e);

#endif
