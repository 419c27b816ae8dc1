/* ui_executors.c - the Executors page's snapshot and its REST JSON
 * (ui_executors.h): Spark's ExecutorSummary fields in Spark's order, for
 * the one local executor, plus the executor threads one by one. */
#include "ui/ui_executors.h"

#include "base/arena.h"

#include <stdio.h>
#include <unistd.h>

static int64_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long long size, rss;
    int ok = f && fscanf(f, "%lld %lld", &size, &rss) == 2;
    if (f) fclose(f);
    return ok ? (int64_t)rss * sysconf(_SC_PAGESIZE) : -1;
}

void sp_ui_executors_read(sp_ui_executors *e, const sp_pool *pool, sp_pool_thread_stats *out)
{
    e->nthreads = pool ? sp_pool_stats(pool, out, SP_UI_MAX_THREADS) : 0;
    if (e->nthreads > SP_UI_MAX_THREADS) e->nthreads = SP_UI_MAX_THREADS;
    e->threads = out;
    e->rss_bytes = rss_bytes();
    e->phys_bytes = (int64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
    e->arena_cache = (int64_t)sp_arena_cache_bytes();
}

/* A thread's (or the sum's) task figures: Spark's completedTasks are the
 * ones that succeeded; totalDuration is in ms. */
static void task_figures(sp_ui_buf *b, const sp_pool_thread_stats *t)
{
    long long done = t->tasks - t->failed;
    sp_ui_buf_printf(b,
                     "\"activeTasks\":%d,\"failedTasks\":%lld,\"completedTasks\":%lld,"
                     "\"totalTasks\":%lld,\"totalDuration\":%lld",
                     t->active, t->failed, done, t->active + t->tasks, t->busy_ns / 1000000);
}

void sp_ui_json_executors(sp_ui_buf *b, const sp_ui_executors *e)
{
    sp_pool_thread_stats sum = {0};
    for (int i = 0; i < e->nthreads; i++) {
        sum.tasks += e->threads[i].tasks;
        sum.failed += e->threads[i].failed;
        sum.busy_ns += e->threads[i].busy_ns;
        sum.active += e->threads[i].active;
    }
    int64_t used = e->rss_bytes > 0 ? e->rss_bytes : 0;
    sp_ui_buf_printf(b,
                     "[{\"id\":\"driver\",\"hostPort\":\"localhost:%d\",\"isActive\":true,"
                     "\"rddBlocks\":0,\"memoryUsed\":%lld,\"diskUsed\":0,\"totalCores\":%d,"
                     "\"maxTasks\":%d,",
                     e->port, (long long)used, e->nthreads, e->nthreads);
    task_figures(b, &sum);
    sp_ui_buf_printf(b,
                     ",\"totalGCTime\":0,\"totalInputBytes\":0,\"totalShuffleRead\":0,"
                     "\"totalShuffleWrite\":0,\"isBlacklisted\":false,\"maxMemory\":%lld,"
                     "\"addTime\":",
                     (long long)e->phys_bytes);
    sp_ui_buf_json_date(b, e->add_ms);
    sp_ui_buf_puts(b, ",\"executorLogs\":{},\"blacklistedInStages\":[],\"attributes\":{},"
                      "\"resources\":{},\"resourceProfileId\":0,\"isExcluded\":false,"
                      "\"excludedInStages\":[]");
    sp_ui_buf_printf(b, ",\"arenaCacheBytes\":%lld,\"threads\":[", (long long)e->arena_cache);
    for (int i = 0; i < e->nthreads; i++) {
        sp_ui_buf_printf(b, "%s{\"id\":%d,", i ? "," : "", i);
        task_figures(b, &e->threads[i]);
        sp_ui_buf_puts(b, "}");
    }
    sp_ui_buf_puts(b, "]}]");
}
