/* DStream behaviour found missing by trying Spark's own examples, pinned
 * against Spark's BasicOperationsSuite (the facts, in tables):
 *  - slice(from, to) with any aligned times, the zero time included, and
 *    "has not been initialized" before the context ever started;
 *  - the time-aware updateStateByKey, (Time, K, Seq[V], Option[S]) => Option[S];
 *  - StreamingContext.transform over several streams, and its checks;
 *  - an input with no RDD for a batch (Spark's compute returning None, the
 *    suite's `null` batches): union and the transform family fail the batch,
 *    element-wise streams pass the None on, state streams keep updating.
 * The input is Spark's TestInputStream: one RDD per batch from a table, a
 * NULL entry meaning "no RDD this time". Manual clock, never a sleep. */
#include "conformance_util.h"

#include <spate/functions.h>
#include <spate/state.h>
#include <spate/window.h>

#include "stream/dstream_int.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAXB = 8, INTERVAL = 1000, INPUT_PARTS = 2, WAIT_MS = 20000 };

/* ---- Spark's TestInputStream ---------------------------------------------- */

typedef struct test_input {
    spate_rdd *rdds[MAXB]; /* batch i's RDD; NULL: none that time */
    int n;
    int64_t zero;
} test_input;

static spate_rdd *ti_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    (void)b;
    test_input *in = s->impl;
    int64_t i = (t - in->zero) / INTERVAL - 1;
    return i >= 0 && i < in->n ? in->rdds[i] : NULL;
}

static spate_err ti_start(spate_stream *s, int64_t zero_time)
{
    ((test_input *)s->impl)->zero = zero_time;
    return SPATE_OK;
}

static void ti_destroy(spate_stream *s) { free(s->impl); }

static const sp_stream_ops TEST_INPUT_OPS = {
    .name = "TestInputStream", .compute = ti_compute, .start = ti_start, .destroy = ti_destroy};

/* batches[i] is batch i's elements (conformance_util.h syntax), NULL for no
 * RDD at all (Spark's null batch). */
static spate_stream *test_input_stream(spate_ctx *ssc, const char *const *batches, int n)
{
    test_input *in = calloc(1, sizeof *in);
    in->n = n;
    for (int i = 0; i < n; i++)
        in->rdds[i] = batches[i] ? cu_rdd(ssc, batches[i], INPUT_PARTS) : NULL;
    spate_stream *s = sp_input_stream_new(ssc, &TEST_INPUT_OPS, in);
    cr_assert_not_null(s, "%s", spate_ctx_last_error(ssc));
    return s;
}

/* ---- driving a context ---------------------------------------------------- */

/* Starts ssc and runs n batches after the zero time (the clock's time at
 * start floored to the interval); returns the zero time. A failed batch
 * completes too. */
static int64_t run_batches(spate_ctx *ssc, int n)
{
    spate_clock *clock = spate_ctx_clock(ssc);
    int64_t now = spate_clock_now(clock);
    int64_t zero = now - now % INTERVAL;
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    for (int i = 1; i <= n; i++) {
        cr_assert_eq(spate_clock_set(clock, zero + i * INTERVAL), SPATE_OK);
        cr_assert_eq(spate_ctx_await_batch(ssc, zero + i * INTERVAL, WAIT_MS), SPATE_OK,
                     "batch %lld ms", (long long)(zero + i * INTERVAL));
    }
    return zero;
}

/* What a foreachRDD output saw, by batch: out[i] is batch i's elements, NULL
 * when the output did not run that batch. Job thread writes, the test reads
 * after spate_ctx_await_batch. */
typedef struct collected {
    bool sorted;
    int64_t zero;
    char *out[MAXB];
} collected;

static spate_err collect_batch(spate_rdd *rdd, int64_t time, void *ud)
{
    collected *c = ud;
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    if (err) return err;
    int64_t i = (time - c->zero) / INTERVAL - 1;
    if (i >= 0 && i < MAXB) c->out[i] = cu_format_all(v, n, c->sorted);
    return SPATE_OK;
}

/* Compares batch by batch: want[i] NULL means no output at batch i. */
static void expect_batches(collected *c, const char *const *want, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        char what[160];
        snprintf(what, sizeof what, "%s, batch %d", name, i + 1);
        if (!want[i])
            cr_expect_null(c->out[i], "%s: no output expected, got [%s]", what, c->out[i]);
        else if (!c->out[i])
            cr_expect(false, "%s: no output, want [%s]", what, want[i]);
        else
            cu_expect(c->out[i], want[i], c->sorted, what);
        free(c->out[i]);
        c->out[i] = NULL;
    }
}

/* ---- callbacks -------------------------------------------------------------- */

static const int FOUR = 4, EIGHT = 8;

static spate_value plus(spate_task *t, spate_value v, void *ud)
{
    (void)t;
    return spate_i64(v.u.i + *(const int *)ud);
}

static spate_value pair_x(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), v, spate_cstr("x"));
}

static spate_stream *ones(spate_stream *s)
{
    return spate_stream_map(s, spate_fn_pair_with_one, NULL);
}

static spate_rdd *tripled(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time, (void)ud;
    return spate_rdd_map(rdd, times_three, NULL);
}

static spate_rdd *union2(spate_rdd *a, spate_rdd *b, int64_t time, void *ud)
{
    (void)time, (void)ud;
    return spate_rdd_union(a, b);
}

/* ssc.transform(streams, (rdds, time) => rdds.head.context.union(rdds)) */
static spate_rdd *union_all(spate_rdd **rdds, int n, int64_t time, void *ud)
{
    (void)time, (void)ud;
    return spate_rdd_union_n(rdds, n);
}

/* The last stream's RDD: the RDDs come in the order the streams were given. */
static spate_rdd *last_rdd(spate_rdd **rdds, int n, int64_t time, void *ud)
{
    (void)time, (void)ud;
    return rdds[n - 1];
}

/* One element: (n, time) - what the function was called with. */
static spate_rdd *count_and_time(spate_rdd **rdds, int n, int64_t time, void *ud)
{
    (void)ud;
    spate_arena *a = spate_arena_new();
    spate_value v = spate_tuple2(a, spate_i64(n), spate_i64(time));
    spate_rdd *r = spate_rdd_parallelize_like(rdds[0], &v, 1, 1);
    spate_arena_destroy(a);
    return r;
}

static spate_rdd *null_rdd(spate_rdd **rdds, int n, int64_t time, void *ud)
{
    (void)rdds, (void)n, (void)time, (void)ud;
    return NULL;
}

static spate_stream *three_streams(spate_stream *s, spate_stream **out)
{
    out[0] = s;
    out[1] = spate_stream_map(s, plus, (void *)&FOUR);
    out[2] = spate_stream_map(s, plus, (void *)&EIGHT);
    return s;
}

/* ==== slice ================================================================ */

/* BasicOperationsSuite "slice": input Seq(1), Seq(2), Seq(3), Seq(4) at 1 s
 * batches; here a fifth batch has no RDD, and the context may start at a
 * zero time other than 0. */
typedef struct slice_case {
    int64_t start_ms; /* the clock at start: zero time = start floored to 1 s */
    int64_t from, to;
    spate_err err;
    const char *want; /* the sliced RDDs' elements in time order */
} slice_case;

static const slice_case SLICES[] = {
    /* Spark's four (zero time 0) */
    {0, 0, 1000, SPATE_OK, "1"},
    {0, 0, 2000, SPATE_OK, "1; 2"},
    {0, 1000, 2000, SPATE_OK, "1; 2"},
    {0, 2000, 4000, SPATE_OK, "2; 3; 4"},
    /* at and before the zero time: aligned, nothing there */
    {0, 0, 0, SPATE_OK, ""},
    {0, -3000, 0, SPATE_OK, ""},
    {0, -3000, 1000, SPATE_OK, "1"},
    /* a batch without an RDD, beyond the last batch, from > to */
    {0, 4000, 5000, SPATE_OK, "4"},
    {0, 5000, 9000, SPATE_OK, ""},
    {0, 0, 9000, SPATE_OK, "1; 2; 3; 4"},
    {0, 3000, 1000, SPATE_OK, ""},
    /* not aligned to the slide */
    {0, 500, 2000, SPATE_ERR_INVALID_ARG, NULL},
    {0, 0, 2500, SPATE_ERR_INVALID_ARG, NULL},
    /* zero time 2000 (the clock at 2500): batches at 3000..7000 */
    {2500, 2000, 3000, SPATE_OK, "1"},
    {2500, 2000, 2000, SPATE_OK, ""},
    {2500, 0, 4000, SPATE_OK, "1; 2"},
    {2500, 2500, 4000, SPATE_ERR_INVALID_ARG, NULL},
};
enum { NSLICES = sizeof SLICES / sizeof SLICES[0] };

static spate_err nop_output(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)rdd, (void)time, (void)ud;
    return SPATE_OK;
}

static void slice_cases_from(int64_t start_ms)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    cr_assert_eq(spate_clock_set(spate_ctx_clock(ssc), start_ms), SPATE_OK);
    static const char *const in[] = {"1", "2", "3", "4", NULL};
    spate_stream *s = test_input_stream(ssc, in, 5);
    cr_assert_eq(spate_stream_foreach_rdd(s, nop_output, NULL), SPATE_OK);
    cr_assert_eq(spate_ctx_remember(ssc, spate_seconds(60)), SPATE_OK);
    run_batches(ssc, 5);
    spate_ctx_stop(ssc, true, false); /* slices still work after stop */
    for (int i = 0; i < NSLICES; i++) {
        const slice_case *c = &SLICES[i];
        if (c->start_ms != start_ms) continue;
        char what[128];
        snprintf(what, sizeof what, "start %lld: slice(%lld, %lld)", (long long)start_ms,
                 (long long)c->from, (long long)c->to);
        static spate_rdd *stale[1];
        spate_rdd **rdds = stale; /* must be reset */
        int n = -1;
        spate_err err = spate_stream_slice(s, c->from, c->to, &rdds, &n);
        cr_expect_eq(err, c->err, "%s: %s (%s)", what, spate_err_str(err),
                     spate_ctx_last_error(ssc));
        if (err) {
            cr_expect(n == 0 && rdds == NULL, "%s: nothing returned on error", what);
            cr_expect(strstr(spate_ctx_last_error(ssc), "aligned"), "%s: [%s]", what,
                      spate_ctx_last_error(ssc));
            continue;
        }
        cr_expect(n > 0 || rdds == NULL, "%s: NULL array when empty", what);
        char **items = calloc((size_t)n + 1, sizeof *items);
        for (int j = 0; j < n; j++)
            items[j] = cu_collect(rdds[j], false);
        char *got = cu_join(items, (size_t)n, false);
        cu_expect(got, c->want, false, what);
        free(got);
        free(items);
    }
    spate_ctx_destroy(ssc);
}

Test(dstream_gaps, slice_takes_any_aligned_times_zero_time_included)
{
    slice_cases_from(0);
    slice_cases_from(2500);
}

/* BasicOperationsSuite "slice - has not been initialized": before the
 * context ever started, whatever happened to it. */
typedef enum never_started { NEVER_STARTED, STOPPED_BEFORE_START, START_FAILED } never_started;

static const struct {
    const char *name;
    never_started how;
} UNINITIALIZED[] = {
    {"never started", NEVER_STARTED},
    {"stopped before start", STOPPED_BEFORE_START},
    {"start failed (no output operation)", START_FAILED},
};

Test(dstream_gaps, slice_before_start_has_not_been_initialized)
{
    for (size_t i = 0; i < sizeof UNINITIALIZED / sizeof UNINITIALIZED[0]; i++) {
        spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
        static const char *const in[] = {"1", "2", "3", "4"};
        spate_stream *s = test_input_stream(ssc, in, 4);
        if (UNINITIALIZED[i].how == STOPPED_BEFORE_START) spate_ctx_stop(ssc, true, false);
        if (UNINITIALIZED[i].how == START_FAILED)
            cr_assert_eq(spate_ctx_start(ssc), SPATE_ERR_INVALID_ARG);
        spate_rdd **rdds;
        int n;
        cr_expect_eq(spate_stream_slice(s, 0, 1000, &rdds, &n), SPATE_ERR_STATE, "%s",
                     UNINITIALIZED[i].name);
        cr_expect_str_eq(spate_ctx_last_error(ssc), "TestInputStream has not been initialized",
                         "%s", UNINITIALIZED[i].name);
        cr_expect_eq(n, 0);
        spate_ctx_destroy(ssc);
    }
}

/* ==== an input with no RDD for a batch ======================================= */

typedef struct none_case {
    const char *name;
    spate_stream *(*op1)(spate_stream *in);
    spate_stream *(*op2)(spate_stream *a, spate_stream *b);
    bool sorted;
    int nbatches;
    const char *in1[MAXB], *in2[MAXB]; /* NULL: no RDD that batch */
    const char *want[MAXB];            /* NULL: no output that batch */
    const char *error;                 /* the failed batch's message, NULL: none fails */
} none_case;

static spate_stream *o_union(spate_stream *s)
{
    return spate_stream_union(s, spate_stream_map(s, plus, (void *)&FOUR));
}
static spate_stream *o_ctx_union(spate_stream *s)
{
    spate_stream *three[3];
    return spate_ctx_union(spate_stream_ctx(three_streams(s, three)), three, 3);
}
static spate_stream *o_transform(spate_stream *s)
{
    return spate_stream_transform(s, tripled, NULL);
}
static spate_stream *o_transform_with(spate_stream *a, spate_stream *b)
{
    return spate_stream_transform_with(a, b, union2, NULL);
}
static spate_stream *o_ctx_transform(spate_stream *s)
{
    spate_stream *three[3];
    return spate_ctx_transform(spate_stream_ctx(three_streams(s, three)), three, 3, union_all,
                               NULL);
}
static spate_stream *o_join(spate_stream *a, spate_stream *b)
{
    return spate_stream_join(ones(a), spate_stream_map(b, pair_x, NULL), 0);
}
static spate_stream *o_cogroup(spate_stream *a, spate_stream *b)
{
    return spate_stream_cogroup(ones(a), spate_stream_map(b, pair_x, NULL), 0);
}
static spate_stream *o_repartition(spate_stream *s) { return spate_stream_repartition(s, 3); }
static spate_stream *o_count(spate_stream *s) { return spate_stream_count(s); }
static spate_stream *o_map(spate_stream *s) { return spate_stream_map(s, times_three, NULL); }
static spate_stream *o_filter(spate_stream *s) { return spate_stream_filter(s, is_even, NULL); }
static spate_stream *o_reduce(spate_stream *s)
{
    return spate_stream_reduce(s, spate_fn_sum, NULL);
}
static spate_stream *o_reduce_by_key(spate_stream *s)
{
    return spate_stream_reduce_by_key(ones(s), spate_fn_sum, NULL, 0);
}
static spate_stream *o_count_by_value(spate_stream *s) { return spate_stream_count_by_value(s, 0); }
/* WindowedDStream unions the parent's slice, which skips the missing RDD. */
static spate_stream *o_window(spate_stream *s)
{
    return spate_stream_window(s, spate_seconds(2), spate_seconds(1));
}

#define R1 "1 2 3 4"
#define R101 "101 102 103 104"
#define R201 "201 202 203 204"
#define U8 "1; 2; 3; 4; 5; 6; 7; 8"
#define U108 "101; 102; 103; 104; 105; 106; 107; 108"
#define U208 "201; 202; 203; 204; 205; 206; 207; 208"

static const none_case NONE_CASES[] = {
    /* Spark's "... with input stream return None": the batch fails */
    {"union with input stream return None",
     o_union,
     NULL,
     false,
     4,
     {R1, R101, R201, NULL},
     {0},
     {U8, U108, U208, NULL},
     "Could not generate RDD from a parent for unifying at time 4000 ms"},
    {"StreamingContext.union with input stream return None",
     o_ctx_union,
     NULL,
     false,
     4,
     {R1, R101, R201, NULL},
     {0},
     {"1; 2; 3; 4; 5; 6; 7; 8; 9; 10; 11; 12",
      "101; 102; 103; 104; 105; 106; 107; 108; 109; 110; 111; 112",
      "201; 202; 203; 204; 205; 206; 207; 208; 209; 210; 211; 212", NULL},
     "Could not generate RDD from a parent for unifying at time 4000 ms"},
    {"transform with input stream return None",
     o_transform,
     NULL,
     false,
     3,
     {"1 2 3 4", "5 6 7 8", NULL},
     {0},
     {"3; 6; 9; 12", "15; 18; 21; 24", NULL},
     "Couldn't generate RDD from parent at time 3000 ms"},
    {"transformWith with input stream return None",
     NULL,
     o_transform_with,
     true,
     4,
     {"a b", "a c", "c", NULL},
     {"a b", "b c", "", NULL},
     {"a; a; b; b", "a; b; c; c", "c", NULL},
     "Couldn't generate RDD from parent at time 4000 ms"},
    {"StreamingContext.transform with input stream return None",
     o_ctx_transform,
     NULL,
     false,
     4,
     {R1, R101, R201, NULL},
     {0},
     {"1; 2; 3; 4; 5; 6; 7; 8; 9; 10; 11; 12",
      "101; 102; 103; 104; 105; 106; 107; 108; 109; 110; 111; 112",
      "201; 202; 203; 204; 205; 206; 207; 208; 209; 210; 211; 212", NULL},
     "Couldn't generate RDD from parent at time 4000 ms"},
    /* Spark builds these with transformWith / transform: they fail alike */
    {"join (transformWith in Spark), second input None",
     NULL,
     o_join,
     true,
     2,
     {"a b", "a"},
     {"a b", NULL},
     {"(a,(1,x)); (b,(1,x))", NULL},
     "Couldn't generate RDD from parent at time 2000 ms"},
    {"cogroup (transformWith in Spark)",
     NULL,
     o_cogroup,
     true,
     2,
     {"a", NULL},
     {"a", "a"},
     {"(a,(List(1),List(x)))", NULL},
     "Couldn't generate RDD from parent at time 2000 ms"},
    {"repartition (transform in Spark)",
     o_repartition,
     NULL,
     true,
     2,
     {"1 2", NULL},
     {0},
     {"1; 2", NULL},
     "Couldn't generate RDD from parent at time 2000 ms"},
    {"count (map + transform in Spark)",
     o_count,
     NULL,
     false,
     3,
     {"1 2 3", NULL, "4"},
     {0},
     {"3", NULL, "1"},
     "Couldn't generate RDD from parent at time 2000 ms"},
    /* element-wise streams have no RDD either: the output skips the batch */
    {"map passes None on",
     o_map,
     NULL,
     false,
     3,
     {"1 2", NULL, "3"},
     {0},
     {"3; 6", NULL, "9"},
     NULL},
    {"filter passes None on",
     o_filter,
     NULL,
     false,
     3,
     {"1 2", NULL, "4"},
     {0},
     {"2", NULL, "4"},
     NULL},
    {"reduce passes None on",
     o_reduce,
     NULL,
     false,
     3,
     {"1 2 3", NULL, "4"},
     {0},
     {"6", NULL, "4"},
     NULL},
    {"reduceByKey passes None on",
     o_reduce_by_key,
     NULL,
     true,
     3,
     {"a a b", NULL, "b"},
     {0},
     {"(a,2); (b,1)", NULL, "(b,1)"},
     NULL},
    {"countByValue passes None on",
     o_count_by_value,
     NULL,
     true,
     2,
     {"1 1", NULL},
     {0},
     {"(1,2)", NULL},
     NULL},
    /* a window is made of the RDDs that exist */
    {"window over a batch without RDD",
     o_window,
     NULL,
     true,
     4,
     {"1", NULL, "3", NULL},
     {0},
     {"1", "1", "3", "3"},
     NULL},
};
enum { NNONE = sizeof NONE_CASES / sizeof NONE_CASES[0] };

static void run_none_case(const none_case *c, const char *master)
{
    spate_ctx *ssc = cu_ctx(master, INTERVAL);
    spate_stream *a = test_input_stream(ssc, c->in1, c->nbatches);
    spate_stream *b = c->op2 ? test_input_stream(ssc, c->in2, c->nbatches) : NULL;
    spate_stream *out = c->op1 ? c->op1(a) : c->op2(a, b);
    cr_assert_not_null(out, "%s: %s", c->name, spate_ctx_last_error(ssc));
    collected col = {.sorted = c->sorted};
    cr_assert_eq(spate_stream_foreach_rdd(out, collect_batch, &col), SPATE_OK);
    col.zero = run_batches(ssc, c->nbatches);
    bool stopped = false;
    spate_err err = spate_ctx_await_termination_or_timeout(ssc, 0, &stopped);
    char name[160];
    snprintf(name, sizeof name, "%s [%s]", c->name, master);
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    if (c->error) {
        cr_expect_neq(err, SPATE_OK, "%s: the batch fails", name);
        cr_expect(strstr(spate_ctx_last_error(ssc), c->error), "%s: [%s], want [%s]", name,
                  spate_ctx_last_error(ssc), c->error);
        cr_expect_eq(st.batches_failed, 1, "%s: one batch failed", name);
    } else {
        cr_expect_eq(err, SPATE_OK, "%s: %s", name, spate_ctx_last_error(ssc));
        cr_expect_eq(st.batches_failed, 0, "%s: no batch failed", name);
    }
    spate_ctx_stop(ssc, true, false);
    expect_batches(&col, c->want, c->nbatches, name);
    spate_ctx_destroy(ssc);
}

CU_CASE_INDICES(dstream_gaps, input_without_rdd, NNONE)

ParameterizedTest(int *index, dstream_gaps, input_without_rdd)
{
    for (int m = 0; m < CU_NMASTERS; m++)
        run_none_case(&NONE_CASES[*index], CU_MASTERS[m]);
}

/* ==== StreamingContext.transform ============================================== */

typedef struct ctx_transform_case {
    const char *name;
    spate_transform_n_fn fn;
    const char *want[3];
} ctx_transform_case;

static const ctx_transform_case CTX_TRANSFORMS[] = {
    /* BasicOperationsSuite "StreamingContext.transform" */
    {"union of the 3 RDDs",
     union_all,
     {"1; 2; 3; 4; 5; 6; 7; 8; 9; 10; 11; 12",
      "101; 102; 103; 104; 105; 106; 107; 108; 109; 110; 111; 112",
      "201; 202; 203; 204; 205; 206; 207; 208; 209; 210; 211; 212"}},
    {"the RDDs in the streams' order",
     last_rdd,
     {"9; 10; 11; 12", "109; 110; 111; 112", "209; 210; 211; 212"}},
    {"n and the batch time", count_and_time, {"(3,1000)", "(3,2000)", "(3,3000)"}},
};

Test(dstream_gaps, streaming_context_transform)
{
    for (size_t i = 0; i < sizeof CTX_TRANSFORMS / sizeof CTX_TRANSFORMS[0]; i++) {
        const ctx_transform_case *c = &CTX_TRANSFORMS[i];
        spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
        static const char *const in[] = {R1, R101, R201};
        spate_stream *three[3];
        three_streams(test_input_stream(ssc, in, 3), three);
        spate_stream *out = spate_ctx_transform(ssc, three, 3, c->fn, NULL);
        cr_assert_not_null(out, "%s: %s", c->name, spate_ctx_last_error(ssc));
        cr_expect_eq(spate_stream_slide(out), INTERVAL);
        collected col = {0};
        cr_assert_eq(spate_stream_foreach_rdd(out, collect_batch, &col), SPATE_OK);
        col.zero = run_batches(ssc, 3);
        spate_ctx_stop(ssc, true, false);
        expect_batches(&col, c->want, 3, c->name);
        spate_ctx_destroy(ssc);
    }
}

/* Spark's requirements of TransformedDStream and UnionDStream. */
typedef enum bad_streams {
    BAD_EMPTY,
    BAD_OTHER_CONTEXT,
    BAD_OTHER_SLIDE,
    BAD_TOO_MANY,
    BAD_NULL_STREAM,
    BAD_NULL_FN,
    BAD_AFTER_START,
} bad_streams;

typedef struct bad_case {
    const char *name;
    bad_streams how;
    const char *transform_error, *union_error; /* "" : no new message */
} bad_case;

static const bad_case BAD_CASES[] = {
    {"no streams", BAD_EMPTY, "requirement failed: List of DStreams to transform is empty",
     "requirement failed: List of DStreams to union is empty"},
    {"streams of two contexts", BAD_OTHER_CONTEXT,
     "requirement failed: Some of the DStreams have different contexts",
     "requirement failed: Some of the DStreams have different contexts"},
    {"different slides", BAD_OTHER_SLIDE,
     "requirement failed: Some of the DStreams have different slide durations",
     "requirement failed: Some of the DStreams have different slide durations"},
    {"nine streams", BAD_TOO_MANY, "transform of 9 streams: at most 8 at once",
     "union of 9 streams: at most 8 at once"},
    {"a NULL stream (a failed step before)", BAD_NULL_STREAM, "", ""},
    {"a NULL function", BAD_NULL_FN, "transform: the transform function must not be NULL", NULL},
    {"after start", BAD_AFTER_START, "", ""},
};

static spate_stream *make_bad(spate_ctx *ssc, spate_ctx *other, const bad_case *c, bool transform)
{
    static const char *const in[] = {"1"};
    spate_stream *s = test_input_stream(ssc, in, 1);
    spate_stream *streams[9] = {s, s, s, s, s, s, s, s, s};
    int n = 2;
    if (c->how == BAD_EMPTY) n = 0;
    if (c->how == BAD_OTHER_CONTEXT) streams[1] = test_input_stream(other, in, 1);
    if (c->how == BAD_OTHER_SLIDE)
        streams[1] = spate_stream_window(s, spate_seconds(2), spate_seconds(2));
    if (c->how == BAD_TOO_MANY) n = 9;
    if (c->how == BAD_NULL_STREAM) streams[1] = NULL;
    if (c->how == BAD_AFTER_START) {
        cr_assert_eq(spate_stream_foreach_rdd(s, nop_output, NULL), SPATE_OK);
        cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    }
    spate_transform_n_fn fn = c->how == BAD_NULL_FN ? NULL : union_all;
    return transform ? spate_ctx_transform(ssc, streams, n, fn, NULL)
                     : spate_ctx_union(ssc, streams, n);
}

Test(dstream_gaps, transform_and_union_check_their_streams)
{
    for (size_t i = 0; i < sizeof BAD_CASES / sizeof BAD_CASES[0]; i++) {
        for (int transform = 0; transform < 2; transform++) {
            const bad_case *c = &BAD_CASES[i];
            const char *want = transform ? c->transform_error : c->union_error;
            if (!want) continue;
            spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
            spate_ctx *other = cu_ctx("local[1]", INTERVAL);
            const char *what = transform ? "transform" : "union";
            cr_expect_null(make_bad(ssc, other, c, transform), "%s: %s", what, c->name);
            if (want[0])
                cr_expect(strstr(spate_ctx_last_error(ssc), want), "%s: %s: [%s], want [%s]", what,
                          c->name, spate_ctx_last_error(ssc), want);
            else if (c->how == BAD_NULL_STREAM)
                cr_expect_str_eq(spate_ctx_last_error(ssc), "", "%s: %s: no new message", what,
                                 c->name);
            else
                cr_expect_neq(spate_ctx_last_error(ssc)[0], '\0', "%s: %s", what, c->name);
            spate_ctx_destroy(other);
            spate_ctx_destroy(ssc);
        }
    }
}

Test(dstream_gaps, transform_functions_must_not_be_null)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    static const char *const in[] = {"1"};
    spate_stream *s = test_input_stream(ssc, in, 1);
    static const char *const want = "transform: the transform function must not be NULL";
    cr_expect_null(spate_stream_transform(s, NULL, NULL));
    cr_expect_str_eq(spate_ctx_last_error(ssc), want, "transform");
    cr_expect_null(spate_stream_transform_with(s, s, NULL, NULL));
    cr_expect_str_eq(spate_ctx_last_error(ssc), want, "transformWith");
    cr_expect_null(spate_ctx_transform(ssc, &s, 1, NULL, NULL));
    cr_expect_str_eq(spate_ctx_last_error(ssc), want, "ssc.transform");
    spate_ctx_destroy(ssc);
}

Test(dstream_gaps, transform_returning_null_fails_with_sparks_message)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    static const char *const in[] = {"1"};
    spate_stream *s = test_input_stream(ssc, in, 1);
    spate_stream *out = spate_ctx_transform(ssc, &s, 1, null_rdd, NULL);
    cr_assert_eq(spate_stream_foreach_rdd(out, nop_output, NULL), SPATE_OK);
    run_batches(ssc, 1);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_ERR_USER);
    cr_expect(strstr(spate_ctx_last_error(ssc), "Transform function must not return null"), "[%s]",
              spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
}

/* ==== updateStateByKey with the batch time ===================================== */

static char *make_dir(void)
{
    char *dir = strdup("/tmp/spate-gaps-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void rm_dir(char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* BasicOperationsSuite "testing time stamps as input": time + state when the
 * key has values, the state (or 0) otherwise. */
static spate_value add_time_if_values(spate_task *t, int64_t time, spate_value key,
                                      spate_value values, spate_value state, void *ud)
{
    (void)key, (void)ud;
    int64_t prev = state.type == SPATE_SOME ? state.u.items[0].u.i : 0;
    return spate_some(spate_task_arena(t), spate_i64(values.len ? time + prev : prev));
}

/* Some(time) while the key has values; None (removed) at its first idle batch. */
static spate_value time_while_active(spate_task *t, int64_t time, spate_value key,
                                     spate_value values, spate_value state, void *ud)
{
    (void)key, (void)state, (void)ud;
    return values.len ? spate_some(spate_task_arena(t), spate_i64(time)) : spate_none();
}

/* "key@time" of the key's last batch with values. */
static spate_value last_seen(spate_task *t, int64_t time, spate_value key, spate_value values,
                             spate_value state, void *ud)
{
    (void)ud;
    if (!values.len) return state;
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.*s@%lld", (int)key.len, key.u.s, (long long)time);
    spate_arena *a = spate_task_arena(t);
    return spate_some(a, spate_str_copy(a, buf, (size_t)n));
}

typedef struct time_state_case {
    const char *name;
    spate_update_state_time_fn fn;
    const char *initial; /* (key, state) pairs, NULL: none */
    int nbatches;
    const char *in[MAXB];
    const char *want[MAXB];
} time_state_case;

static const time_state_case TIME_STATES[] = {
    /* a -> 1000, 3000, 6000, 10000, 15000, 15000
     * b -> 0, 2000, 5000, 9000, 9000, 9000
     * c -> 1000, 1000, 3000, 3000, 3000, 3000 (Spark's comment; c starts at 0) */
    {"testing time stamps as input",
     add_time_if_values,
     "a:0 c:0",
     6,
     {"a", "a b", "a b c", "a b", "a", ""},
     {"(a,1000); (c,0)", "(a,3000); (b,2000); (c,0)", "(a,6000); (b,5000); (c,3000)",
      "(a,10000); (b,9000); (c,3000)", "(a,15000); (b,9000); (c,3000)",
      "(a,15000); (b,9000); (c,3000)"}},
    {"None removes the key",
     time_while_active,
     NULL,
     4,
     {"a", "a b", "b", ""},
     {"(a,1000)", "(a,2000); (b,2000)", "(b,3000)", ""}},
    {"the key and the time",
     last_seen,
     NULL,
     3,
     {"a b", "b", "c"},
     {"(a,a@1000); (b,b@1000)", "(a,a@1000); (b,b@2000)", "(a,a@1000); (b,b@2000); (c,c@3000)"}},
    {"a batch without an input RDD still calls the function",
     add_time_if_values,
     "a:0",
     3,
     {"a", NULL, "a"},
     {"(a,1000)", "(a,1000)", "(a,4000)"}},
};

static void run_time_state(const time_state_case *c, const char *master)
{
    spate_ctx *ssc = cu_ctx(master, INTERVAL);
    char *dir = make_dir();
    cr_assert_eq(spate_ctx_checkpoint(ssc, dir), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    spate_stream *in = test_input_stream(ssc, c->in, c->nbatches);
    spate_partitioner p = {.nparts = INPUT_PARTS};
    spate_rdd *initial = c->initial ? cu_rdd(ssc, c->initial, 2) : NULL;
    spate_stream *st = spate_stream_update_state_by_key_time(ones(in), c->fn, NULL, &p, initial);
    cr_assert_not_null(st, "%s: %s", c->name, spate_ctx_last_error(ssc));
    collected col = {.sorted = true};
    cr_assert_eq(spate_stream_foreach_rdd(st, collect_batch, &col), SPATE_OK);
    col.zero = run_batches(ssc, c->nbatches);
    spate_ctx_stop(ssc, true, false);
    char name[160];
    snprintf(name, sizeof name, "%s [%s]", c->name, master);
    expect_batches(&col, c->want, c->nbatches, name);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

Test(dstream_gaps, update_state_by_key_with_time)
{
    for (size_t i = 0; i < sizeof TIME_STATES / sizeof TIME_STATES[0]; i++)
        for (int m = 0; m < CU_NMASTERS; m++)
            run_time_state(&TIME_STATES[i], CU_MASTERS[m]);
}

Test(dstream_gaps, update_state_by_key_with_time_needs_a_function)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    static const char *const in[] = {"a"};
    spate_stream *s = ones(test_input_stream(ssc, in, 1));
    cr_expect_null(spate_stream_update_state_by_key_time(s, NULL, NULL, NULL, NULL));
    cr_expect_str_eq(spate_ctx_last_error(ssc),
                     "updateStateByKey: the update function must not be NULL");
    cr_expect_null(
        spate_stream_update_state_by_key_time(NULL, add_time_if_values, NULL, NULL, NULL),
        "a NULL parent gives NULL");
    spate_partitioner none = {.nparts = 0};
    cr_expect_null(spate_stream_update_state_by_key_time(s, add_time_if_values, NULL, &none, NULL));
    spate_ctx_destroy(ssc);
}

/* BasicOperationsSuite "updateStateByKey - object lifecycle", with its null
 * batches as real missing RDDs: the state is still updated those batches. */
static spate_value lifecycle(spate_task *t, spate_value values, spate_value state, void *ud)
{
    (void)ud;
    spate_value old = state.type == SPATE_SOME ? state.u.items[0] : spate_null();
    int64_t counter = old.type == SPATE_TUPLE ? spate_item(old, 0).u.i : 0;
    int64_t idle = old.type == SPATE_TUPLE ? spate_item(old, 1).u.i : 0;
    int64_t n = 0;
    for (uint32_t i = 0; i < values.len; i++)
        n += values.u.items[i].u.i;
    if (n == 0)
        idle++;
    else
        counter += n, idle = 0;
    if (idle == 2) return spate_none();
    spate_arena *a = spate_task_arena(t);
    return spate_some(a, spate_tuple2(a, spate_i64(counter), spate_i64(idle)));
}

static spate_value first_item(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return spate_item(v, 0);
}

Test(dstream_gaps, update_state_by_key_over_batches_without_rdd)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    char *dir = make_dir();
    cr_assert_eq(spate_ctx_checkpoint(ssc, dir), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    static const char *const in[] = {"a b", NULL, "a c a", "c", NULL, NULL};
    spate_stream *st =
        spate_stream_update_state_by_key(ones(test_input_stream(ssc, in, 6)), lifecycle, NULL, 0);
    collected col = {.sorted = true};
    cr_assert_eq(spate_stream_foreach_rdd(spate_stream_map_values(st, first_item, NULL),
                                          collect_batch, &col),
                 SPATE_OK);
    col.zero = run_batches(ssc, 6);
    spate_ctx_stats stats;
    spate_ctx_get_stats(ssc, &stats);
    cr_expect_eq(stats.batches_failed, 0, "%s", spate_ctx_last_error(ssc));
    spate_ctx_stop(ssc, true, false);
    static const char *const want[] = {"(a,1); (b,1)", "(a,1); (b,1)", "(a,3); (c,1)",
                                       "(a,3); (c,2)", "(c,2)",        ""};
    expect_batches(&col, want, 6, "object lifecycle");
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}
