/* test_persist.c - Spark's persistence: DStream.cache()/persist(level) and
 * RDD.cache()/persist()/unpersist().
 *
 * What Spark guarantees and these tests pin:
 * - a persisted DStream computes each batch's RDD once, however many outputs,
 *   unions and windows read it (its callbacks run once per record, so a
 *   malformed record is reported and counted once); without persist every
 *   reader computes it again;
 * - the values read from the cache stay valid for every later job, also when
 *   the first job only counted them (transient tasks run on scratch arenas);
 * - the cache belongs to the batch: the next batch computes its own, and the
 *   memory is the batch's (freed with it when it is forgotten);
 * - RDD.persist marks the RDD itself (RDDs made from it earlier read the
 *   cache too), cannot change an assigned level, unpersist recomputes;
 * - DStream.persist only before start ("Cannot change storage level of a
 *   DStream after streaming context has started"), and cache() is
 *   persist(MEMORY_ONLY_SER) for DStreams but MEMORY_ONLY for RDDs. */
#include "conformance_util.h"

#include "exec/scope.h"
#include "exec/rdd.h"
#include "base/arena.h"
#include "base/log.h"

#include <spate/window.h>

#include <stdatomic.h>
#include <unistd.h>

/* ---- callbacks ----------------------------------------------------------- */

/* x -> x * 10, counting its calls in *ud. */
static spate_value counted_times_ten(spate_task *t, spate_value v, void *ud)
{
    (void)t;
    atomic_fetch_add((atomic_llong *)ud, 1);
    return spate_i64(v.u.i * 10);
}

/* x -> "value-<x>" made in the task's arena, counting calls in *ud. */
static spate_value counted_label(spate_task *t, spate_value v, void *ud)
{
    atomic_fetch_add((atomic_llong *)ud, 1);
    return spate_str_printf(spate_task_arena(t), "value-%lld", (long long)v.u.i);
}

static bool keep_all(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)v, (void)ud;
    return true;
}

/* The orders example's shape: "bad" is reported as a malformed line and
 * skipped, anything else goes through. */
static void parse_or_report(spate_task *t, spate_value line, spate_sink *out, void *ud)
{
    (void)ud;
    if (line.len == 3 && memcmp(line.u.s, "bad", 3) == 0)
        spate_task_bad_record(t, "Wrong line format", line);
    else
        spate_sink_push(out, line);
}

static spate_value label_and_one(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), v, spate_i64(1));
}

/* ---- helpers ------------------------------------------------------------- */

static void run_batches(spate_ctx *ssc, int n)
{
    spate_clock *clock = spate_ctx_clock(ssc);
    for (int i = 0; i < n; i++) {
        cr_assert_eq(spate_clock_advance(clock, 1000), SPATE_OK);
        int64_t t = spate_clock_now(clock);
        cr_assert_eq(spate_ctx_await_batch(ssc, t, 5000), SPATE_OK, "batch %lld: %s", (long long)t,
                     spate_ctx_last_error(ssc));
    }
}

/* foreachRDD: counts the batch's elements into *ud. */
static spate_err count_into(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)t;
    int64_t n;
    spate_err err = spate_rdd_count(rdd, &n);
    if (!err) atomic_fetch_add((atomic_llong *)ud, n);
    return err;
}

/* A queue stream of 1..n (one RDD per batch, in 2 partitions) for `batches`
 * batches. */
static spate_stream *numbers(spate_ctx *ssc, int n, int batches)
{
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    for (int i = 0; i < batches; i++)
        cr_assert_eq(spate_queue_stream_push(q, cu_range(ssc, 1, n, 2)), SPATE_OK);
    return q;
}

/* Reads stderr written during fn(ud) back into a malloc'd string. */
static char *capture_stderr(void (*fn)(void *ud), void *ud)
{
    char path[] = "/tmp/spate_persist_log_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    fn(ud);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    char *text = calloc((size_t)size + 1, 1);
    cr_assert_eq(pread(fd, text, (size_t)size, 0), size);
    close(fd);
    unlink(path);
    return text;
}

static int count_occurrences(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- a persisted DStream is computed once per batch ---------------------- */

/* Plain data only: Criterion copies parameters into the test's process
 * (pointers would not survive), so the master is an index into CU_MASTERS. */
typedef struct once_case {
    int master;
    bool cache;
    int64_t calls_per_batch; /* map calls for 6 elements */
} once_case;

ParameterizedTestParameters(persist, stream_computed_once_per_batch)
{
    /* Readers: two foreachRDD counts, a union of the stream with itself and
     * a 2-batch window: 1 + 1 + 2 + 1 (the window reads each batch once,
     * when it takes the batch's slice) = 5 computations without cache. */
    static once_case cases[] = {
        {0, false, 30},
        {1, false, 30},
        {0, true, 6},
        {1, true, 6},
    };
    return cr_make_param_array(once_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(once_case *c, persist, stream_computed_once_per_batch, .timeout = 30)
{
    spate_ctx *ssc = cu_ctx(CU_MASTERS[c->master], 1000);
    atomic_llong calls = 0, first = 0, second = 0, both = 0, windowed = 0;
    spate_stream *mapped = spate_stream_map(numbers(ssc, 6, 3), counted_times_ten, &calls);
    if (c->cache) cr_assert_eq(spate_stream_cache(mapped), SPATE_OK);
    cr_assert_eq(spate_stream_foreach_rdd(mapped, count_into, &first), SPATE_OK);
    cr_assert_eq(spate_stream_foreach_rdd(mapped, count_into, &second), SPATE_OK);
    cr_assert_eq(spate_stream_foreach_rdd(spate_stream_union(mapped, mapped), count_into, &both),
                 SPATE_OK);
    spate_stream *window = spate_stream_window(mapped, 2000, 1000);
    cr_assert_eq(spate_stream_foreach_rdd(window, count_into, &windowed), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));

    run_batches(ssc, 1);
    cr_expect_eq(atomic_load(&calls), c->calls_per_batch, "map calls after one batch: %lld",
                 (long long)atomic_load(&calls));
    /* Each batch computes its own RDD: the cache is not kept across batches. */
    run_batches(ssc, 2);
    cr_expect_eq(atomic_load(&calls), 3 * c->calls_per_batch, "map calls after three batches");
    cr_expect_eq(atomic_load(&first), 18);
    cr_expect_eq(atomic_load(&second), 18);
    cr_expect_eq(atomic_load(&both), 36);
    cr_expect_eq(atomic_load(&windowed), 6 + 12 + 12);
    spate_ctx_destroy(ssc);
}

/* ---- values stay valid across jobs --------------------------------------- */

typedef struct labels_seen {
    char *counted_first; /* reduceByKey result, formatted and sorted */
    char *collected;
    int64_t count;
} labels_seen;

/* The first job only counts (a transient task), the second combines by key
 * (transient on its map side), the third collects the strings: all see the
 * values the single computation made. */
static spate_err three_jobs(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)t;
    labels_seen *seen = ud;
    spate_err err = spate_rdd_count(rdd, &seen->count);
    if (err) return err;
    spate_value *v;
    size_t n;
    spate_rdd *pairs =
        spate_rdd_reduce_by_key(spate_rdd_map(rdd, label_and_one, NULL), spate_fn_sum, NULL, 2);
    if ((err = spate_rdd_collect(pairs, &v, &n))) return err;
    seen->counted_first = cu_format_all(v, n, true);
    if ((err = spate_rdd_collect(rdd, &v, &n))) return err;
    seen->collected = cu_format_all(v, n, true);
    return SPATE_OK;
}

Test(persist, values_valid_across_jobs_after_a_counting_job, .timeout = 30)
{
    spate_ctx *ssc = cu_ctx("local[2]", 1000);
    atomic_llong calls = 0;
    enum { N = 3000 }; /* more than the 1024 elements between recycles */
    spate_stream *labels = spate_stream_map(numbers(ssc, N, 1), counted_label, &calls);
    cr_assert_eq(spate_stream_cache(labels), SPATE_OK);
    labels_seen seen = {0};
    cr_assert_eq(spate_stream_foreach_rdd(labels, three_jobs, &seen), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    run_batches(ssc, 1);
    cr_expect_eq(atomic_load(&calls), N);
    cr_expect_eq(seen.count, N);

    spate_value *want = calloc(N, sizeof *want), *want_pairs = calloc(N, sizeof *want_pairs);
    spate_arena *a = spate_arena_new();
    for (int i = 0; i < N; i++) {
        want[i] = spate_str_printf(a, "value-%d", i + 1);
        want_pairs[i] = spate_tuple2(a, want[i], spate_i64(1));
    }
    char *want_text = cu_format_all(want, N, true),
         *want_pairs_text = cu_format_all(want_pairs, N, true);
    cr_assert_not_null(seen.collected);
    cr_expect_str_eq(seen.collected, want_text);
    cr_expect_str_eq(seen.counted_first, want_pairs_text);
    free(want_text);
    free(want_pairs_text);
    free(want);
    free(want_pairs);
    free(seen.collected);
    free(seen.counted_first);
    spate_arena_destroy(a);
    spate_ctx_destroy(ssc);
}

/* ---- bad records: once with cache, once per reader without --------------- */

typedef struct bad_case {
    bool cache;
    int64_t bad_records;
    int warnings;
} bad_case;

typedef struct bad_run {
    const bad_case *c;
    spate_ctx_stats stats;
    char printed[512];
} bad_run;

static void run_bad_records(void *ud)
{
    bad_run *run = ud;
    spate_ctx *ssc = cu_ctx("local[2]", 1000);
    spate_ctx_set_log_level(ssc, SPATE_LOG_WARN); /* cu_ctx turns logging off */
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_eq(spate_queue_stream_push(q, cu_rdd(ssc, "good bad", 1)), SPATE_OK);
    spate_stream *parsed = spate_stream_flat_map(q, parse_or_report, NULL);
    if (run->c->cache) cr_assert_eq(spate_stream_cache(parsed), SPATE_OK);
    spate_stream *counts =
        spate_stream_union(spate_stream_count(parsed), spate_stream_count(parsed));
    FILE *out = tmpfile();
    cr_assert_eq(spate_stream_print_to(counts, 10, out), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    run_batches(ssc, 1);
    spate_ctx_get_stats(ssc, &run->stats);
    spate_ctx_destroy(ssc);
    rewind(out);
    size_t n = fread(run->printed, 1, sizeof run->printed - 1, out);
    run->printed[n] = '\0';
    fclose(out);
}

ParameterizedTestParameters(persist, bad_record_reported_once_with_cache)
{
    static bad_case cases[] = {{false, 2, 2}, {true, 1, 1}};
    return cr_make_param_array(bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(bad_case *c, persist, bad_record_reported_once_with_cache, .timeout = 30)
{
    bad_run run = {.c = c};
    char *log = capture_stderr(run_bad_records, &run);
    cr_expect_eq(run.stats.bad_records, c->bad_records, "bad_records %lld",
                 (long long)run.stats.bad_records);
    cr_expect_eq(count_occurrences(log, "WARN Executor: Wrong line format (partition 0): bad"),
                 c->warnings, "log:\n%s", log);
    cr_expect_str_eq(run.printed, "-------------------------------------------\n"
                                  "Time: 1000 ms\n"
                                  "-------------------------------------------\n"
                                  "1\n1\n\n");
    free(log);
}

/* ---- RDD.cache in foreachRDD --------------------------------------------- */

typedef struct foreach_cache {
    atomic_llong calls;
    int64_t calls_after_two_actions, calls_after_unpersist;
    spate_storage_level stream_level, cached_level, after_unpersist_level;
    char *collected;
    int64_t counted;
} foreach_cache;

static spate_err cache_then_two_actions(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)t;
    foreach_cache *fc = ud;
    fc->stream_level = spate_rdd_get_storage_level(rdd);
    spate_rdd *tens = spate_rdd_map(rdd, counted_times_ten, &fc->calls);
    cr_assert_eq(spate_rdd_cache(tens), SPATE_OK);
    fc->cached_level = spate_rdd_get_storage_level(tens);
    spate_value *v;
    size_t n;
    cr_assert_eq(spate_rdd_count(tens, &fc->counted), SPATE_OK);
    cr_assert_eq(spate_rdd_collect(tens, &v, &n), SPATE_OK);
    fc->calls_after_two_actions = atomic_load(&fc->calls);
    fc->collected = cu_format_all(v, n, false);
    cr_assert_eq(spate_rdd_unpersist(tens), SPATE_OK);
    fc->after_unpersist_level = spate_rdd_get_storage_level(tens);
    cr_assert_eq(spate_rdd_count(tens, &fc->counted), SPATE_OK);
    fc->calls_after_unpersist = atomic_load(&fc->calls);
    return SPATE_OK;
}

Test(persist, rdd_cache_in_foreach_rdd_serves_two_actions, .timeout = 30)
{
    spate_ctx *ssc = cu_ctx("local[2]", 1000);
    foreach_cache fc = {0};
    cr_assert_eq(spate_stream_foreach_rdd(numbers(ssc, 5, 1), cache_then_two_actions, &fc),
                 SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    run_batches(ssc, 1);
    cr_expect_eq(fc.stream_level, SPATE_STORAGE_NONE);
    cr_expect_eq(fc.cached_level, SPATE_STORAGE_MEMORY_ONLY, "RDD.cache() is MEMORY_ONLY");
    cr_expect_eq(fc.counted, 5);
    cr_expect_eq(fc.calls_after_two_actions, 5, "count and collect computed it once");
    cr_assert_not_null(fc.collected);
    cr_expect_str_eq(fc.collected, "10; 20; 30; 40; 50");
    cr_expect_eq(fc.after_unpersist_level, SPATE_STORAGE_NONE);
    cr_expect_eq(fc.calls_after_unpersist, 10, "after unpersist the next action computes again");
    free(fc.collected);
    spate_ctx_destroy(ssc);
}

/* ---- RDD.persist outside streams ----------------------------------------- */

static char *collect_text(spate_rdd *r)
{
    spate_value *v;
    size_t n;
    cr_assert_eq(spate_rdd_collect(r, &v, &n), SPATE_OK, "%s", spate_rdd_last_error(r));
    return cu_format_all(v, n, false);
}

static void expect_collect(spate_rdd *r, const char *want)
{
    char *got = collect_text(r);
    cr_expect_str_eq(got, want);
    free(got);
}

Test(persist, rdd_persist_marks_the_rdd_itself, .timeout = 30)
{
    for (int m = 0; m < CU_NMASTERS; m++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[m], 1000);
        atomic_llong calls = 0;
        spate_rdd *tens = spate_rdd_map(cu_range(ssc, 1, 6, 3), counted_times_ten, &calls);
        spate_rdd *early = spate_rdd_filter(tens, keep_all, NULL); /* made before persist */
        int64_t n;
        cr_assert_eq(spate_rdd_count(early, &n), SPATE_OK); /* prepares early */
        cr_assert_eq(calls, 6);
        cr_assert_eq(spate_rdd_persist(tens, SPATE_STORAGE_MEMORY_AND_DISK), SPATE_OK);
        /* early was prepared before tens was persisted: it still gets every
         * element (computing tens as before), never an empty cache */
        expect_collect(early, "10; 20; 30; 40; 50; 60");
        cr_expect_eq(calls, 12);
        expect_collect(tens, "10; 20; 30; 40; 50; 60"); /* fills the cache */
        cr_expect_eq(calls, 18);
        expect_collect(early, "10; 20; 30; 40; 50; 60");
        spate_rdd *late = spate_rdd_map(tens, counted_times_ten, &calls);
        expect_collect(late, "100; 200; 300; 400; 500; 600");
        cr_expect_eq(calls, 24, "only late's own map ran");
        cr_assert_eq(spate_rdd_count(tens, &n), SPATE_OK);
        cr_expect_eq(n, 6);
        cr_expect_eq(calls, 24, "%s: a cached count computes nothing", CU_MASTERS[m]);
        cr_expect_eq(spate_rdd_get_storage_level(tens), SPATE_STORAGE_MEMORY_AND_DISK);
        cr_assert_eq(spate_rdd_unpersist(tens), SPATE_OK);
        expect_collect(tens, "10; 20; 30; 40; 50; 60");
        cr_expect_eq(calls, 30);
        spate_ctx_destroy(ssc);
    }
}

Test(persist, rdd_levels_follow_spark, .timeout = 30)
{
    spate_ctx *ssc = cu_ctx("local[2]", 1000);
    spate_rdd *base = cu_range(ssc, 1, 4, 2);
    atomic_llong calls = 0;
    spate_rdd *r = spate_rdd_map(base, counted_times_ten, &calls);
    cr_expect_eq(spate_rdd_get_storage_level(r), SPATE_STORAGE_NONE);
    cr_expect_eq(spate_rdd_persist(r, SPATE_STORAGE_NONE), SPATE_ERR_INVALID_ARG);
    cr_expect_eq(spate_rdd_persist(r, (spate_storage_level)99), SPATE_ERR_INVALID_ARG);
    cr_expect_eq(spate_rdd_persist(NULL, SPATE_STORAGE_MEMORY_ONLY), SPATE_ERR_INVALID_ARG);
    cr_expect_eq(spate_rdd_persist(r, SPATE_STORAGE_DISK_ONLY), SPATE_OK, "disk: kept in memory");
    cr_expect_eq(spate_rdd_persist(r, SPATE_STORAGE_DISK_ONLY), SPATE_OK, "same level again");
    /* Spark: "Cannot change storage level of an RDD after it was already
     * assigned a level" */
    cr_expect_eq(spate_rdd_cache(r), SPATE_ERR_UNSUPPORTED);
    cr_expect_eq(spate_rdd_get_storage_level(r), SPATE_STORAGE_DISK_ONLY);
    cr_expect_eq(spate_rdd_unpersist(r), SPATE_OK);
    cr_expect_eq(spate_rdd_cache(r), SPATE_OK, "after unpersist a new level may be set");
    cr_expect_eq(spate_rdd_unpersist(base), SPATE_OK, "not persisted: nothing to do");
    /* in memory already (parallelize): the level is recorded */
    cr_expect_eq(spate_rdd_cache(base), SPATE_OK);
    cr_expect_eq(spate_rdd_get_storage_level(base), SPATE_STORAGE_MEMORY_ONLY);
    expect_collect(base, "1; 2; 3; 4");
    expect_collect(r, "10; 20; 30; 40");
    const struct {
        spate_storage_level level;
        const char *name;
    } names[] = {{SPATE_STORAGE_NONE, "NONE"},
                 {SPATE_STORAGE_MEMORY_ONLY, "MEMORY_ONLY"},
                 {SPATE_STORAGE_MEMORY_ONLY_SER_2, "MEMORY_ONLY_SER_2"},
                 {SPATE_STORAGE_MEMORY_AND_DISK_SER, "MEMORY_AND_DISK_SER"},
                 {SPATE_STORAGE_DISK_ONLY_3, "DISK_ONLY_3"},
                 {SPATE_STORAGE_OFF_HEAP, "OFF_HEAP"},
                 {(spate_storage_level)-1, ""}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        cr_expect_str_eq(spate_storage_level_name(names[i].level), names[i].name);
    spate_ctx_destroy(ssc);
}

/* ---- DStream.persist rules ----------------------------------------------- */

static spate_err level_into(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)t;
    *(spate_storage_level *)ud = spate_rdd_get_storage_level(rdd);
    return SPATE_OK;
}

Test(persist, stream_persist_only_before_start, .timeout = 30)
{
    spate_ctx *ssc = cu_ctx("local[1]", 1000);
    atomic_llong calls = 0;
    spate_stream *s = spate_stream_map(numbers(ssc, 3, 1), counted_times_ten, &calls);
    cr_expect_eq(spate_stream_get_storage_level(s), SPATE_STORAGE_NONE);
    cr_expect_eq(spate_stream_cache(s), SPATE_OK);
    cr_expect_eq(spate_stream_get_storage_level(s), SPATE_STORAGE_MEMORY_ONLY_SER,
                 "DStream.cache() is persist(MEMORY_ONLY_SER)");
    cr_expect_eq(spate_stream_persist(s, SPATE_STORAGE_MEMORY_AND_DISK_2), SPATE_OK,
                 "the level may change before start");
    cr_expect_eq(spate_stream_persist(s, (spate_storage_level)42), SPATE_ERR_INVALID_ARG);
    cr_expect_eq(spate_stream_persist(NULL, SPATE_STORAGE_MEMORY_ONLY), SPATE_ERR_INVALID_ARG);
    spate_storage_level seen = SPATE_STORAGE_NONE;
    cr_assert_eq(spate_stream_foreach_rdd(s, level_into, &seen), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    cr_expect_eq(spate_stream_persist(s, SPATE_STORAGE_MEMORY_ONLY), SPATE_ERR_STATE);
    cr_expect_str_eq(
        spate_ctx_last_error(ssc),
        "Cannot change storage level of a DStream after streaming context has started");
    cr_expect_eq(spate_stream_get_storage_level(s), SPATE_STORAGE_MEMORY_AND_DISK_2);
    run_batches(ssc, 1);
    cr_expect_eq(seen, SPATE_STORAGE_MEMORY_AND_DISK_2, "the batch's RDD has the stream's level");
    spate_ctx_destroy(ssc);
}

/* ---- the cache is the batch's memory -------------------------------------- */

typedef struct scope_probe {
    sp_scope *long_lived; /* a scope the context owns (not a batch's) */
    int batches, in_batch_scope;
    size_t grown; /* bytes the cached RDD's scope took for its values */
} scope_probe;

static size_t thread_arena_bytes(sp_scope *s, int nthreads)
{
    size_t total = 0;
    for (int i = 0; i < nthreads; i++)
        total += sp_arena_bytes(sp_scope_thread_arena(s, i));
    return total;
}

static spate_err probe_scope(spate_rdd *rdd, int64_t t, void *ud)
{
    (void)t;
    scope_probe *p = ud;
    sp_scope *s = sp_rdd_scope(rdd);
    p->batches++;
    /* Of a context-owned scope and s, the one that ends first is s when s is
     * a batch's. */
    if (sp_scope_shorter(p->long_lived, s) == s) p->in_batch_scope++;
    size_t before = thread_arena_bytes(s, 2);
    int64_t n;
    spate_err err = spate_rdd_count(rdd, &n); /* fills the cache */
    if (thread_arena_bytes(s, 2) > before) p->grown += thread_arena_bytes(s, 2) - before;
    return err;
}

Test(persist, cached_values_belong_to_the_batch, .timeout = 30)
{
    spate_ctx *ssc = cu_ctx("local[2]", 1000);
    atomic_llong calls = 0;
    spate_stream *labels = spate_stream_map(numbers(ssc, 2000, 2), counted_label, &calls);
    cr_assert_eq(spate_stream_cache(labels), SPATE_OK);
    spate_rdd *unused = cu_range(ssc, 1, 1, 1); /* its scope stays the context's */
    scope_probe p = {.long_lived = sp_rdd_scope(unused)};
    cr_assert_eq(spate_stream_foreach_rdd(labels, probe_scope, &p), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    run_batches(ssc, 2);
    cr_expect_eq(p.batches, 2);
    cr_expect_eq(p.in_batch_scope, 2, "the cached RDD is in its batch's scope");
    /* 2000 strings of 10-14 bytes per batch, made by the fill job's tasks */
    cr_expect_geq(p.grown, 2 * 2000 * 10, "values allocated in the batch's arenas: %zu", p.grown);
    cr_expect_eq(atomic_load(&calls), 4000);
    spate_ctx_destroy(ssc);
}
