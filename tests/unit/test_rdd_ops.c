/* test_rdd_ops.c - operators defined outside exec through its ops table
 * (exec/rdd_ops.h), as the SQL layer defines its own: each is made with
 * sp_rdd_new and run by ordinary actions, under exec's operators and
 * persist, under local[1] and local[2]. Also Spark's toDebugString layout
 * for exec's own operators. */
#include "conformance_util.h"

#include "exec/rdd.h"

#include <string.h>

/* ---- every k-th element of each partition (compute only) ---------------- */

typedef struct every_state {
    int k;
} every_state;

typedef struct every_stage {
    spate_sink base;
    spate_sink *next;
    int k, seen;
} every_stage;

static void every_push(spate_sink *self, spate_value v)
{
    every_stage *s = (every_stage *)self;
    if (s->seen++ % s->k == 0) spate_sink_push(s->next, v);
}

static void every_compute(spate_rdd *r, int part, spate_sink *out)
{
    const every_state *st = sp_rdd_state(r);
    every_stage s = {.base = {.push = every_push, .task = out->task}, .next = out, .k = st->k};
    sp_rdd_compute(sp_rdd_dep(r, 0), part, &s.base);
}

static const sp_rdd_ops EVERY_OPS = {.name = "EveryKthRDD", .compute = every_compute};

static spate_rdd *every_kth(spate_rdd *r, int k)
{
    spate_rdd *c = sp_rdd_new(sp_rdd_scope(r), &EVERY_OPS, -1, &r, 1, sizeof(every_state));
    ((every_state *)sp_rdd_state(c))->k = k;
    return c;
}

Test(rdd_ops, an_operator_defined_outside_exec_runs_under_actions)
{
    for (int m = 0; m < CU_NMASTERS; m++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[m], 1000);
        spate_rdd *r = every_kth(cu_range(ssc, 1, 10, 2), 2); /* [1..5] [6..10] */
        cr_expect_eq(spate_rdd_num_partitions(r), 2);
        char *got = cu_collect(r, false);
        cu_expect(got, "1; 3; 5; 6; 8; 10", false, CU_MASTERS[m]);
        free(got);
        int64_t n;
        cr_expect_eq(spate_rdd_count(r, &n), SPATE_OK);
        cr_expect_eq(n, 6);
        /* exec's operators over it, and it over theirs */
        got = cu_collect(every_kth(spate_rdd_map(r, times_three, NULL), 2), false);
        cu_expect(got, "3; 15; 18; 30", false, CU_MASTERS[m]);
        free(got);
        spate_value *first;
        size_t k;
        cr_expect_eq(spate_rdd_take(r, 2, &first, &k), SPATE_OK);
        cr_expect_eq(k, 2);
        cr_expect_eq(first[1].u.i, 3);
        spate_ctx_destroy(ssc);
    }
}

/* ---- a global running index: prepare runs a job first ------------------- */

typedef struct index_state {
    int64_t *first; /* first index of each partition, once prepared */
    int prepares;
} index_state;

typedef struct index_stage {
    spate_sink base;
    spate_sink *next;
    int64_t at;
} index_stage;

static void index_push(spate_sink *self, spate_value v)
{
    index_stage *s = (index_stage *)self;
    spate_sink_push(s->next, spate_tuple2(spate_task_arena(self->task), spate_i64(s->at++), v));
}

static void index_compute(spate_rdd *r, int part, spate_sink *out)
{
    const index_state *st = sp_rdd_state(r);
    index_stage s = {
        .base = {.push = index_push, .task = out->task}, .next = out, .at = st->first[part]};
    sp_rdd_compute(sp_rdd_dep(r, 0), part, &s.base);
}

typedef struct count_sink {
    spate_sink base;
    int64_t n;
} count_sink;

static void count_push(spate_sink *self, spate_value v)
{
    (void)v;
    ((count_sink *)self)->n++;
}

typedef struct count_job {
    spate_rdd *rdd;
    int64_t *counts;
} count_job;

static void count_task(spate_task *t, int part, void *ud)
{
    count_job *j = ud;
    count_sink s = {.base = {.push = count_push, .task = t}};
    sp_rdd_compute(j->rdd, part, &s.base);
    j->counts[part] = s.n;
}

static spate_err index_prepare(spate_rdd *r)
{
    index_state *st = sp_rdd_state(r);
    spate_rdd *parent = sp_rdd_dep(r, 0);
    int n = spate_rdd_num_partitions(parent);
    st->prepares++;
    st->first = spate_arena_alloc(spate_rdd_arena(r), sizeof(int64_t) * (size_t)(n + 1));
    count_job j = {.rdd = parent, .counts = st->first};
    spate_err err = sp_job_run(sp_rdd_scope(r), n, count_task, &j);
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        int64_t c = st->first[i];
        st->first[i] = total;
        total += c;
    }
    return err;
}

static const sp_rdd_ops INDEX_OPS = {
    .name = "IndexedRDD", .compute = index_compute, .prepare = index_prepare};

Test(rdd_ops, prepare_runs_once_after_the_dependencies_are_prepared)
{
    for (int m = 0; m < CU_NMASTERS; m++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[m], 1000);
        /* The dependency is a shuffle: it must be run before the count job. */
        spate_rdd *sorted = spate_rdd_sort_by(cu_rdd(ssc, "c a d b", 2), NULL, NULL, true, 2);
        spate_rdd *r =
            sp_rdd_new(sp_rdd_scope(sorted), &INDEX_OPS, -1, &sorted, 1, sizeof(index_state));
        char *got = cu_collect(r, false);
        cu_expect(got, "(0,a); (1,b); (2,c); (3,d)", false, CU_MASTERS[m]);
        free(got);
        got = cu_collect(spate_rdd_map(r, spate_fn_key, NULL), false);
        cu_expect(got, "0; 1; 2; 3", false, CU_MASTERS[m]);
        free(got);
        cr_expect_eq(((index_state *)sp_rdd_state(r))->prepares, 1);
        cr_expect(sp_rdd_is_prepared(r));
        spate_ctx_destroy(ssc);
    }
}

/* ---- partitions and dependencies of its own: interleave two RDDs -------- */

/* Partition 2i is a's partition i, 2i+1 is b's; the dependencies are in the
 * state, not given to sp_rdd_new. */
typedef struct pair_state {
    spate_rdd *deps[2];
} pair_state;

static int pair_dependencies(spate_rdd *r, spate_rdd *const **deps)
{
    *deps = ((pair_state *)sp_rdd_state(r))->deps;
    return 2;
}

static void pair_compute(spate_rdd *r, int part, spate_sink *out)
{
    sp_rdd_compute(sp_rdd_dep(r, part % 2), part / 2, out);
}

static const sp_rdd_ops PAIR_OPS = {
    .name = "InterleavedRDD", .compute = pair_compute, .dependencies = pair_dependencies};

Test(rdd_ops, dependencies_of_its_own_are_prepared_and_listed)
{
    for (int m = 0; m < CU_NMASTERS; m++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[m], 1000);
        spate_rdd *a = cu_range(ssc, 1, 4, 2);
        spate_rdd *counts = spate_rdd_reduce_by_key(
            spate_rdd_map(cu_rdd(ssc, "x y x", 2), spate_fn_pair_with_one, NULL), spate_fn_sum,
            NULL, 2);
        spate_rdd *r = sp_rdd_new(sp_rdd_scope(a), &PAIR_OPS, 4, NULL, 0, sizeof(pair_state));
        pair_state *st = sp_rdd_state(r);
        st->deps[0] = a;
        st->deps[1] = counts;
        cr_expect_eq(sp_rdd_num_deps(r), 2);
        cr_expect_eq(sp_rdd_dep(r, 1), counts);
        cr_expect_null(sp_rdd_dep(r, 2));
        char *got = cu_collect(r, true);
        cu_expect(got, "1; 2; 3; 4; (x,2); (y,1)", true, CU_MASTERS[m]);
        free(got);
        spate_ctx_destroy(ssc);
    }
}

/* ---- partitions: twice the parent's, odd and even positions ------------ */

typedef struct half_stage {
    spate_sink base;
    spate_sink *next;
    int parity, seen;
} half_stage;

static void half_push(spate_sink *self, spate_value v)
{
    half_stage *s = (half_stage *)self;
    if (s->seen++ % 2 == s->parity) spate_sink_push(s->next, v);
}

static void halves_compute(spate_rdd *r, int part, spate_sink *out)
{
    half_stage s = {
        .base = {.push = half_push, .task = out->task}, .next = out, .parity = part % 2};
    sp_rdd_compute(sp_rdd_dep(r, 0), part / 2, &s.base);
}

static int halves_partitions(spate_rdd *r)
{
    return 2 * spate_rdd_num_partitions(sp_rdd_dep(r, 0));
}

static const sp_rdd_ops HALVES_OPS = {
    .name = "HalvesRDD", .compute = halves_compute, .partitions = halves_partitions};

Test(rdd_ops, partitions_come_from_the_table_and_persist_caches_the_operator)
{
    spate_ctx *ssc = cu_ctx("local[2]", 1000);
    spate_rdd *base = cu_range(ssc, 1, 6, 2);
    spate_rdd *r = sp_rdd_new(sp_rdd_scope(base), &HALVES_OPS, -1, &base, 1, 0);
    cr_expect_eq(spate_rdd_num_partitions(r), 4);
    spate_rdd *glommed = spate_rdd_glom(r);
    char *got = cu_collect(glommed, false);
    cu_expect(got, "Array(1, 3); Array(2); Array(4, 6); Array(5)", false, "halves");
    free(got);
    cr_expect_eq(spate_rdd_cache(r), SPATE_OK);
    cr_expect(!sp_rdd_is(r, &HALVES_OPS), "persist turns the node into a cache over it");
    got = cu_collect(r, false);
    cu_expect(got, "1; 3; 2; 4; 6; 5", false, "cached");
    free(got);
    cr_expect(sp_rdd_partition(r, 0, &(size_t){0}) != NULL, "the cache holds the partitions");
    cr_expect_eq(spate_rdd_unpersist(r), SPATE_OK);
    cr_expect(sp_rdd_is(r, &HALVES_OPS));
    spate_ctx_destroy(ssc);
}

/* ---- accessors the stream and connector layers use ---------------------- */

static void no_rows(spate_task *t, int part, spate_sink *out, void *ud)
{
    (void)t, (void)part, (void)out, (void)ud;
}

static void other_rows(spate_task *t, int part, spate_sink *out, void *ud)
{
    (void)t, (void)part, (void)out, (void)ud;
}

static spate_err fill_prepared(spate_rdd *r, spate_value **parts, size_t *lens, void *ud)
{
    spate_value *one = spate_arena_alloc(spate_rdd_arena(r), sizeof *one);
    *one = spate_i64(*(int *)ud);
    parts[0] = one;
    lens[0] = 1;
    return SPATE_OK;
}

Test(rdd_ops, sources_and_prepared_rdds_tell_their_callbacks_data)
{
    spate_ctx *ssc = cu_ctx("local[1]", 1000);
    sp_scope *scope = sp_rdd_scope(cu_range(ssc, 1, 1, 1));
    int mark = 42;
    spate_rdd *src = sp_rdd_source(scope, 3, no_rows, &mark);
    cr_expect_eq(sp_rdd_source_ud(src, no_rows), &mark);
    cr_expect_null(sp_rdd_source_ud(src, other_rows));
    cr_expect_null(sp_rdd_prepared_ud(src));
    spate_rdd *p = sp_rdd_prepared(scope, 1, NULL, 0, fill_prepared, &mark);
    cr_expect_eq(sp_rdd_prepared_ud(p), &mark);
    size_t n;
    cr_expect_null(sp_rdd_partition(p, 0, &n), "not before it is prepared");
    cr_assert_eq(sp_rdd_prepare(p), SPATE_OK);
    const spate_value *v = sp_rdd_partition(p, 0, &n);
    cr_assert(v && n == 1);
    cr_expect_eq(v[0].u.i, 42);
    cr_expect_null(sp_rdd_partition(p, 1, &n));
    cr_expect_null(sp_rdd_partition(src, 0, &n), "a source holds nothing in memory");
    spate_ctx_destroy(ssc);
}

/* ---- toDebugString ------------------------------------------------------ */

Test(rdd_ops, debug_string_has_sparks_layout)
{
    spate_ctx *ssc = cu_ctx("local[1]", 1000);
    spate_rdd *pairs = spate_rdd_map(cu_rdd(ssc, "a b a", 2), spate_fn_pair_with_one, NULL);
    spate_rdd *r =
        spate_rdd_map(spate_rdd_reduce_by_key(pairs, spate_fn_sum, NULL, 3), spate_fn_key, NULL);
    char buf[512];
    size_t n = sp_rdd_debug_string(r, buf, sizeof buf);
    cr_expect_str_eq(buf, "(3) MapPartitionsRDD\n"
                          " |  ShuffledRDD\n"
                          " +-(2) MapPartitionsRDD\n"
                          "    |  ParallelCollectionRDD\n");
    cr_expect_eq(n, strlen(buf));
    cr_expect_eq(spate_rdd_cache(pairs), SPATE_OK);
    char small[8];
    cr_expect_eq(sp_rdd_debug_string(pairs, small, sizeof small),
                 strlen("(2) CachedRDD [MEMORY_ONLY]\n"
                        " |  MapPartitionsRDD\n"
                        " |  ParallelCollectionRDD\n"));
    cr_expect_str_eq(small, "(2) Cac", "cut to the buffer, NUL-terminated");
    spate_ctx_destroy(ssc);
}
