/* test_ui_executors.c - the Executors page's data: the executor pool's
 * per-thread counters (exec/pool.h: tasks, failed tasks, task time, read
 * from atomics) and /api/v1/applications/{appId}/executors rendered with
 * Spark's ExecutorSummary fields from a snapshot. */
#include "exec/pool.h"
#include "ui/ui_executors.h"

#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void task(void *arg, int index, int thread)
{
    (void)thread;
    int *fail_every = arg;
    struct timespec ts = {0, 200 * 1000}; /* some task time */
    nanosleep(&ts, NULL);
    if (index % *fail_every == 0) sp_pool_task_failed();
}

Test(ui_executors, the_pool_counts_tasks_failures_and_time)
{
    sp_pool *p = sp_pool_new(3);
    sp_pool_thread_stats st[8];
    cr_assert_eq(sp_pool_stats(p, st, 8), 3);
    for (int i = 0; i < 3; i++)
        cr_expect(st[i].tasks == 0 && st[i].failed == 0 && st[i].busy_ns == 0 && !st[i].active);
    int fail_every = 4;
    sp_pool_run(p, 40, task, &fail_every); /* tasks 0, 4, ... 36 fail: 10 */
    sp_pool_run(p, 8, task, &fail_every);  /* 0 and 4: 2 more */
    cr_assert_eq(sp_pool_stats(p, st, 8), 3);
    long long tasks = 0, failed = 0;
    for (int i = 0; i < 3; i++) {
        tasks += st[i].tasks;
        failed += st[i].failed;
        cr_expect_eq(st[i].active, 0);
        cr_expect(st[i].tasks == 0 || st[i].busy_ns >= st[i].tasks * 200000LL, "thread %d", i);
    }
    cr_expect_eq(tasks, 48);
    cr_expect_eq(failed, 12);
    sp_pool_task_failed(); /* not an executor thread: nothing counted */
    sp_pool_stats(p, st, 8);
    cr_expect_eq(st[0].failed + st[1].failed + st[2].failed, 12);
    cr_expect_eq(sp_pool_stats(p, st, 1), 3, "max bounds the copy, not the count");
    sp_pool_destroy(p);
}

Test(ui_executors, executor_summary_as_spark_shapes_it)
{
    sp_pool_thread_stats t[2] = {{.tasks = 5, .failed = 1, .busy_ns = 2500000000LL, .active = 1},
                                 {.tasks = 3, .failed = 0, .busy_ns = 999999, .active = 0}};
    sp_ui_executors e = {.port = 4041,
                         .add_ms = 1796692408200,
                         .rss_bytes = 1 << 20,
                         .phys_bytes = 1LL << 33,
                         .arena_cache = 4096,
                         .nthreads = 2,
                         .threads = t};
    sp_ui_buf b = {0};
    sp_ui_json_executors(&b, &e);
    char *s = sp_ui_buf_take(&b);
    const char *want =
        "[{\"id\":\"driver\",\"hostPort\":\"localhost:4041\",\"isActive\":true,\"rddBlocks\":0,"
        "\"memoryUsed\":1048576,\"diskUsed\":0,\"totalCores\":2,\"maxTasks\":2,"
        "\"activeTasks\":1,\"failedTasks\":1,\"completedTasks\":7,\"totalTasks\":9,"
        "\"totalDuration\":2500,\"totalGCTime\":0,\"totalInputBytes\":0,"
        "\"totalShuffleRead\":0,\"totalShuffleWrite\":0,\"isBlacklisted\":false,"
        "\"maxMemory\":8589934592,\"addTime\":\"2026-12-08T01:13:28.200GMT\","
        "\"executorLogs\":{},\"blacklistedInStages\":[],\"attributes\":{},\"resources\":{},"
        "\"resourceProfileId\":0,\"isExcluded\":false,\"excludedInStages\":[],"
        "\"arenaCacheBytes\":4096,\"threads\":["
        "{\"id\":0,\"activeTasks\":1,\"failedTasks\":1,\"completedTasks\":4,\"totalTasks\":6,"
        "\"totalDuration\":2500},"
        "{\"id\":1,\"activeTasks\":0,\"failedTasks\":0,\"completedTasks\":3,\"totalTasks\":3,"
        "\"totalDuration\":0}]}]";
    cr_expect_str_eq(s, want);
    free(s);
}

Test(ui_executors, a_snapshot_reads_the_process_memory)
{
    sp_pool *p = sp_pool_new(2);
    sp_pool_thread_stats *t = calloc(SP_UI_MAX_THREADS, sizeof *t);
    sp_ui_executors e = {0};
    sp_ui_executors_read(&e, p, t);
    cr_expect_eq(e.nthreads, 2);
    cr_expect_gt(e.rss_bytes, 0);
    cr_expect_gt(e.phys_bytes, e.rss_bytes);
    sp_ui_executors_read(&e, NULL, t);
    cr_expect_eq(e.nthreads, 0, "no pool: no threads");
    free(t);
    sp_pool_destroy(p);
}
