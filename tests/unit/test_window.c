/* Window operations (include/spate/window.h) against Spark's
 * WindowOperationsSuite: queueStream input with one RDD per 1 s batch, a
 * manual clock, and the expected output of each window slide compared as a
 * multiset (Spark's testOperation with useSet = true). Then what Spark does
 * not pin but the design does: argument checks with Spark's messages, slices
 * materialized once and dropped when they leave the window, batch memory not
 * kept for the window's length, checkpoint save -> load round trips through
 * the stream hooks, and recovery from a failed slide. */
#include "conformance_util.h"

#include "stream/ctx_impl.h"
#include "stream/window_int.h"

#include <ftw.h>
#include <stdatomic.h>
#include <unistd.h>

enum { MAXB = 16, INTERVAL = 1000, INPUT_PARTS = 2, WAIT_MS = 20000 };

/* ---- driving a context ---------------------------------------------------- */

/* A checkpoint directory for the stateful (inverse) forms; removed by rm_dir. */
static char *make_dir(void)
{
    char *dir = strdup("/tmp/spate-window-XXXXXX");
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

static bool graph_needs_checkpoint(spate_ctx *ssc)
{
    for (int i = 0; i < ssc->nstreams; i++)
        if (ssc->streams[i]->needs_checkpoint) return true;
    return false;
}

/* Pushes the batches' RDDs: spec i for batch i, "" (an empty RDD, as Spark's
 * TestInputStream gives) past the end of the spec list. */
static void push_batches(spate_ctx *ssc, spate_stream *q, const char *const *in, int nin, int n)
{
    for (int i = 0; i < n; i++)
        cr_assert_eq(spate_queue_stream_push(q, cu_rdd(ssc, i < nin ? in[i] : "", INPUT_PARTS)),
                     SPATE_OK);
}

/* Starts the context (if needed) and runs batches first+1 .. first+n. */
static void run_batches(spate_ctx *ssc, int first, int n)
{
    if (spate_ctx_get_state(ssc) == SPATE_CTX_INITIALIZED)
        cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    for (int i = first + 1; i <= first + n; i++) {
        cr_assert_eq(spate_clock_set(spate_ctx_clock(ssc), (int64_t)i * INTERVAL), SPATE_OK);
        cr_assert_eq(spate_ctx_await_batch(ssc, (int64_t)i * INTERVAL, WAIT_MS), SPATE_OK,
                     "batch %lld ms", (long long)i * INTERVAL);
    }
}

/* What a foreachRDD output saw, one formatted (sorted) string per RDD. */
typedef struct collected {
    int n;
    int64_t times[MAXB];
    char *out[MAXB];
} collected;

static spate_err collect_batch(spate_rdd *rdd, int64_t time, void *ud)
{
    collected *c = ud;
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    if (err) return err;
    if (c->n < MAXB) {
        c->times[c->n] = time;
        c->out[c->n++] = cu_format_all(v, n, true);
    }
    return SPATE_OK;
}

static void collected_free(collected *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->out[i]);
    c->n = 0;
}

/* ---- the operations, as WindowOperationsSuite calls them -------------------- */

typedef spate_stream *(*window_op)(spate_stream *in, spate_duration w, spate_duration s);

static spate_stream *o_window(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_window(in, w, s);
}
static spate_stream *o_reduce_by_key(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_reduce_by_key_and_window(in, spate_fn_sum, NULL, NULL, NULL, w, s, 0);
}
static spate_stream *o_reduce_by_key_inv(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_reduce_by_key_and_window(in, spate_fn_sum, spate_fn_subtract, NULL, NULL, w,
                                                 s, 0);
}
static bool value_non_zero(spate_task *t, spate_value kv, void *ud)
{
    (void)t, (void)ud;
    return spate_val(kv).u.i != 0;
}
static spate_stream *o_reduce_by_key_filtered(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_reduce_by_key_and_window(in, spate_fn_sum, spate_fn_subtract,
                                                 value_non_zero, NULL, w, s, 0);
}
static spate_stream *o_group_by_key(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_group_by_key_and_window(in, w, s, 0);
}
static spate_stream *o_count(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_count_by_window(in, w, s);
}
static spate_stream *o_count_by_value(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_count_by_value_and_window(in, w, s, 0);
}
static spate_stream *o_reduce(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_reduce_by_window(in, spate_fn_sum, NULL, NULL, w, s);
}
static spate_stream *o_reduce_inv(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_reduce_by_window(in, spate_fn_sum, spate_fn_subtract, NULL, w, s);
}
/* A window over a window: the inner one is computed at times no output asks
 * for, from parent batches it must still find. */
static spate_stream *o_window_of_window(spate_stream *in, spate_duration w, spate_duration s)
{
    return spate_stream_window(spate_stream_window(in, spate_seconds(2), 0), w, s);
}

typedef struct window_case {
    const char *name;
    window_op op;
    int window, slide; /* seconds; 0 means WindowOperationsSuite's 2 s and 1 s */
    int nin;
    const char *in[MAXB];
    int nout;
    const char *want[MAXB];
} window_case;

#define SIX_INTS "0", "1", "2", "3", "4", "5"
#define LARGER_SLIDE_IN "a:1", "a:2", "a:3", "a:4", "a:5", "a:6", "", ""
#define BIG_IN                                                                                     \
    "a:1", "a:1 b:1", "a:1 b:1 c:1", "a:1 b:1", "a:1", "", "a:1", "a:1 b:1", "a:1 b:1 c:1",        \
        "a:1 b:1", "a:1", ""
#define BIG_REDUCE_OUT                                                                             \
    "(a,1)", "(a,2); (b,1)", "(a,2); (b,2); (c,1)", "(a,2); (b,2); (c,1)", "(a,2); (b,1)",         \
        "(a,1)", "(a,1)", "(a,2); (b,1)", "(a,2); (b,2); (c,1)", "(a,2); (b,2); (c,1)",            \
        "(a,2); (b,1)", "(a,1)"
/* With an inverse and no filter, keys whose value falls back to 0 stay. */
#define BIG_REDUCE_INV_OUT                                                                         \
    "(a,1)", "(a,2); (b,1)", "(a,2); (b,2); (c,1)", "(a,2); (b,2); (c,1)", "(a,2); (b,1); (c,0)",  \
        "(a,1); (b,0); (c,0)", "(a,1); (b,0); (c,0)", "(a,2); (b,1); (c,0)",                       \
        "(a,2); (b,2); (c,1)", "(a,2); (b,2); (c,1)", "(a,2); (b,1); (c,0)", "(a,1); (b,0); (c,0)"
#define L11 "List(1, 1)"
#define BIG_GROUP_OUT                                                                              \
    "(a,List(1))", "(a," L11 "); (b,List(1))", "(a," L11 "); (b," L11 "); (c,List(1))",            \
        "(a," L11 "); (b," L11 "); (c,List(1))", "(a," L11 "); (b,List(1))", "(a,List(1))",        \
        "(a,List(1))", "(a," L11 "); (b,List(1))", "(a," L11 "); (b," L11 "); (c,List(1))",        \
        "(a," L11 "); (b," L11 "); (c,List(1))", "(a," L11 "); (b,List(1))", "(a,List(1))"

static const window_case CASES[] = {
    {"window - basic window",
     o_window,
     0,
     0,
     6,
     {SIX_INTS},
     6,
     {"0", "0; 1", "1; 2", "2; 3", "3; 4", "4; 5"}},
    {"window - tumbling window", o_window, 2, 2, 6, {SIX_INTS}, 3, {"0; 1", "2; 3", "4; 5"}},
    {"window - larger window",
     o_window,
     4,
     2,
     6,
     {SIX_INTS},
     4,
     {"0; 1", "0; 1; 2; 3", "2; 3; 4; 5", "4; 5"}},
    {"window - non-overlapping window", o_window, 2, 3, 6, {SIX_INTS}, 2, {"1; 2", "4; 5"}},
    {"window of a window",
     o_window_of_window,
     4,
     2,
     6,
     {SIX_INTS},
     3,
     {"0; 0; 1", "0; 0; 1; 1; 2; 2; 3", "1; 2; 2; 3; 3; 4; 4; 5"}},

    {"reduceByKeyAndWindow - basic reduction", o_reduce_by_key, 0, 0, 1, {"a:1 a:3"}, 1, {"(a,4)"}},
    {"reduceByKeyAndWindow - key already in window and new value added into window",
     o_reduce_by_key,
     0,
     0,
     2,
     {"a:1", "a:1"},
     2,
     {"(a,1)", "(a,2)"}},
    {"reduceByKeyAndWindow - new key added into window",
     o_reduce_by_key,
     0,
     0,
     2,
     {"a:1", "a:1 b:1"},
     2,
     {"(a,1)", "(a,2); (b,1)"}},
    {"reduceByKeyAndWindow - key removed from window",
     o_reduce_by_key,
     0,
     0,
     4,
     {"a:1", "a:1", "", ""},
     4,
     {"(a,1)", "(a,2)", "(a,1)", ""}},
    {"reduceByKeyAndWindow - larger slide time",
     o_reduce_by_key,
     4,
     2,
     8,
     {LARGER_SLIDE_IN},
     4,
     {"(a,3)", "(a,10)", "(a,18)", "(a,11)"}},
    {"reduceByKeyAndWindow - big test", o_reduce_by_key, 0, 0, 12, {BIG_IN}, 12, {BIG_REDUCE_OUT}},

    {"reduceByKeyAndWindow with inverse function - basic reduction",
     o_reduce_by_key_inv,
     0,
     0,
     1,
     {"a:1 a:3"},
     1,
     {"(a,4)"}},
    {"reduceByKeyAndWindow with inverse function - key already in window and new value added "
     "into window",
     o_reduce_by_key_inv,
     0,
     0,
     2,
     {"a:1", "a:1"},
     2,
     {"(a,1)", "(a,2)"}},
    {"reduceByKeyAndWindow with inverse function - new key added into window",
     o_reduce_by_key_inv,
     0,
     0,
     2,
     {"a:1", "a:1 b:1"},
     2,
     {"(a,1)", "(a,2); (b,1)"}},
    {"reduceByKeyAndWindow with inverse function - key removed from window",
     o_reduce_by_key_inv,
     0,
     0,
     4,
     {"a:1", "a:1", "", ""},
     4,
     {"(a,1)", "(a,2)", "(a,1)", "(a,0)"}},
    {"reduceByKeyAndWindow with inverse function - larger slide time",
     o_reduce_by_key_inv,
     4,
     2,
     8,
     {LARGER_SLIDE_IN},
     4,
     {"(a,3)", "(a,10)", "(a,18)", "(a,11)"}},
    {"reduceByKeyAndWindow with inverse function - big test",
     o_reduce_by_key_inv,
     0,
     0,
     12,
     {BIG_IN},
     12,
     {BIG_REDUCE_INV_OUT}},
    {"reduceByKeyAndWindow with inverse and filter functions - big test",
     o_reduce_by_key_filtered,
     0,
     0,
     12,
     {BIG_IN},
     12,
     {BIG_REDUCE_OUT}},

    {"groupByKeyAndWindow", o_group_by_key, 0, 0, 12, {BIG_IN}, 12, {BIG_GROUP_OUT}},
    {"countByWindow",
     o_count,
     0,
     0,
     6,
     {"1", "1", "1 2", "0", "", ""},
     6,
     {"1", "2", "3", "3", "1", "0"}},
    {"countByValueAndWindow",
     o_count_by_value,
     0,
     0,
     3,
     {"a", "b b", "a b"},
     3,
     {"(a,1)", "(a,1); (b,2)", "(a,1); (b,3)"}},
    {"countByValueAndWindow drops counts of 0",
     o_count_by_value,
     0,
     0,
     4,
     {"a", "b", "", ""},
     4,
     {"(a,1)", "(a,1); (b,1)", "(b,1)", ""}},
    /* reduce of an empty window gives no element; with an inverse the single
     * key stays, at 0 */
    {"reduceByWindow",
     o_reduce,
     0,
     0,
     6,
     {"1 2", "3", "", "4", "", ""},
     6,
     {"3", "6", "3", "4", "4", ""}},
    {"reduceByWindow with inverse function",
     o_reduce_inv,
     0,
     0,
     6,
     {"1 2", "3", "", "4", "", ""},
     6,
     {"3", "6", "3", "4", "4", "0"}},
    {"countByWindow - larger slide time",
     o_count,
     4,
     2,
     8,
     {"1", "1 2", "3", "", "4", "5 6", "", ""},
     4,
     {"3", "4", "4", "3"}},
};

enum { NCASES = sizeof CASES / sizeof CASES[0] };

static void run_case(const window_case *c, const char *master)
{
    spate_duration w = spate_seconds(c->window ? c->window : 2);
    spate_duration s = spate_seconds(c->slide ? c->slide : 1);
    int nbatches = c->nout * (int)(s / INTERVAL);
    spate_ctx *ssc = cu_ctx(master, INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    push_batches(ssc, q, c->in, c->nin, nbatches);
    spate_stream *out = c->op(q, w, s);
    cr_assert_not_null(out, "%s: %s", c->name, spate_ctx_last_error(ssc));
    char *dir = graph_needs_checkpoint(ssc) ? make_dir() : NULL;
    if (dir)
        cr_assert_eq(spate_ctx_checkpoint(ssc, dir), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    collected col = {0};
    cr_assert_eq(spate_stream_foreach_rdd(out, collect_batch, &col), SPATE_OK);
    run_batches(ssc, 0, nbatches);
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(col.n, c->nout, "%s [%s]: %d outputs", c->name, master, col.n);
    for (int i = 0; i < c->nout; i++) {
        char what[256];
        snprintf(what, sizeof what, "%s [%s] output %d", c->name, master, i + 1);
        cr_expect_eq(col.times[i], (int64_t)(i + 1) * s, "%s: at %lld ms", what,
                     (long long)col.times[i]);
        cu_expect(col.out[i], c->want[i], true, what);
    }
    collected_free(&col);
    spate_ctx_destroy(ssc);
    if (dir) rm_dir(dir);
}

CU_CASE_INDICES(window, conformance, NCASES)

ParameterizedTest(int *index, window, conformance)
{
    for (int m = 0; m < CU_NMASTERS; m++)
        run_case(&CASES[*index], CU_MASTERS[m]);
}

/* ---- argument checks: Spark's messages, at definition time ---------------- */

typedef enum check_kind {
    CK_WINDOW,
    CK_REDUCE,
    CK_REDUCE_INV,
    CK_COUNT,
    CK_WINDOW_OF_2S
} check_kind;

typedef struct check_case {
    check_kind kind;
    spate_duration window, slide;
    const char *msg;
} check_case;

static const check_case CHECKS[] = {
    {CK_WINDOW, 1500, 1000,
     "The window duration of windowed DStream (1500 ms) must be a multiple of the slide "
     "duration of parent DStream (1000 ms)"},
    {CK_WINDOW, 2000, 500,
     "The slide duration of windowed DStream (500 ms) must be a multiple of the slide duration "
     "of parent DStream (1000 ms)"},
    {CK_REDUCE, 2500, 1000,
     "The window duration of windowed DStream (2500 ms) must be a multiple of the slide "
     "duration of parent DStream (1000 ms)"},
    {CK_REDUCE_INV, 2500, 1000,
     "The window duration of ReducedWindowedDStream (2500 ms) must be multiple of the slide "
     "duration of parent DStream (1000 ms)"},
    {CK_COUNT, 3000, 1500,
     "The slide duration of ReducedWindowedDStream (1500 ms) must be multiple of the slide "
     "duration of parent DStream (1000 ms)"},
    {CK_WINDOW_OF_2S, 3000, 2000,
     "The window duration of windowed DStream (3000 ms) must be a multiple of the slide "
     "duration of parent DStream (2000 ms)"},
    {CK_WINDOW, 0, 1000,
     "The window duration (0 ms) and slide duration (1000 ms) of windowed DStream must be "
     "positive"},
};

Test(window, bad_durations_fail_at_definition_with_sparks_message)
{
    for (size_t i = 0; i < sizeof CHECKS / sizeof CHECKS[0]; i++) {
        const check_case *c = &CHECKS[i];
        spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
        spate_stream *q = spate_queue_stream(ssc, true, NULL);
        spate_stream *s = NULL;
        switch (c->kind) {
        case CK_WINDOW:
            s = spate_stream_window(q, c->window, c->slide);
            break;
        case CK_REDUCE:
            s = o_reduce_by_key(q, c->window, c->slide);
            break;
        case CK_REDUCE_INV:
            s = o_reduce_by_key_inv(q, c->window, c->slide);
            break;
        case CK_COUNT:
            s = spate_stream_count_by_window(q, c->window, c->slide);
            break;
        case CK_WINDOW_OF_2S:
            s = spate_stream_window(spate_stream_window(q, 4000, 2000), c->window, c->slide);
            break;
        }
        cr_expect_null(s, "case %zu made a stream", i);
        cr_expect_str_eq(spate_ctx_last_error(ssc), c->msg, "case %zu", i);
        spate_ctx_destroy(ssc);
    }
}

Test(window, slide_defaults_to_parent_and_sets_the_stream_slide)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_expect_eq(spate_stream_slide(spate_stream_window(q, 3000, 0)), 1000);
    spate_stream *w2 = spate_stream_window(q, 4000, 2000);
    cr_expect_eq(spate_stream_slide(w2), 2000);
    cr_expect_eq(spate_stream_slide(spate_stream_window(w2, 8000, 0)), 2000);
    cr_expect_eq(spate_stream_slide(spate_stream_count_by_window(q, 4000, 2000)), 2000);
    spate_ctx_destroy(ssc);
}

/* ---- what the graph sees: stateful flag, fingerprint, remember ------------ */

Test(window, inverse_forms_are_stateful_and_need_a_checkpoint_directory)
{
    spate_ctx *ssc = cu_ctx("local[1]", spate_seconds(5));
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    spate_stream *w = spate_stream_window(q, spate_hours(1), spate_seconds(5));
    spate_stream *rw = spate_stream_reduce_by_key_and_window(
        q, spate_fn_sum, spate_fn_subtract, NULL, NULL, spate_hours(1), spate_seconds(5), 2);
    cr_assert_not_null(w);
    cr_assert_not_null(rw);
    cr_expect_not(w->needs_checkpoint, "window alone needs no checkpoint (as in Spark)");
    cr_expect(rw->needs_checkpoint, "ReducedWindowedDStream must checkpoint");
    cr_expect_str_eq(w->params, "window=3600000 slide=5000");
    cr_expect_str_eq(rw->params, "window=3600000 slide=5000 nparts=2 inverse=1 filter=0");
    /* an hour-long window keeps batch scopes for a slide, not for an hour */
    cr_expect_eq(sp_graph_remember(ssc), spate_seconds(5));
    spate_stream_foreach_rdd(rw, collect_batch, &(collected){0});
    cr_expect_eq(spate_ctx_start(ssc), SPATE_ERR_INVALID_ARG);
    cr_expect(strstr(spate_ctx_last_error(ssc), "checkpoint directory") != NULL, "%s",
              spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
}

Test(window, larger_slide_keeps_parent_batches_one_slide_longer)
{
    spate_ctx *ssc = cu_ctx("local[1]", spate_seconds(5));
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    spate_stream *m = spate_stream_map(q, spate_fn_identity, NULL);
    cr_assert_not_null(spate_stream_window(m, spate_hours(1), spate_seconds(20)));
    cr_expect_eq(m->remember, spate_seconds(20));
    cr_expect_eq(q->remember, spate_seconds(20));
    cr_expect_eq(sp_graph_remember(ssc), spate_seconds(20));
    spate_ctx_destroy(ssc);
}

/* ---- each batch materialized once; slices dropped when they leave -------- */

static spate_value count_calls(spate_task *t, spate_value v, void *ud)
{
    (void)t;
    atomic_fetch_add((atomic_int *)ud, 1);
    return v;
}

static int kept_batch_scopes(spate_ctx *ssc)
{
    pthread_mutex_lock(&ssc->graph_lock);
    int n = ssc->nkept;
    pthread_mutex_unlock(&ssc->graph_lock);
    return n;
}

Test(window, window_materializes_each_batch_once_and_drops_old_slices)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"1 2 3",    "4 5 6",    "7 8 9",    "10 11 12", "13 14 15",
                                     "16 17 18", "19 20 21", "22 23 24", "25 26 27", "28 29 30"};
    push_batches(ssc, q, in, 10, 10);
    atomic_int calls = 0;
    spate_stream *w = spate_stream_window(spate_stream_map(q, count_calls, &calls), 3000, 1000);
    collected col = {0};
    spate_stream_foreach_rdd(w, collect_batch, &col);
    run_batches(ssc, 0, 10);
    /* Spark's union of remembered parent RDDs would run the map 3 times per element */
    cr_expect_eq(atomic_load(&calls), 30, "map ran %d times for 30 elements", atomic_load(&calls));
    cr_expect_leq(sp_window_slice_count(w), 4, "%d slices kept (window 3 + remember 1)",
                  sp_window_slice_count(w));
    cr_expect_leq(kept_batch_scopes(ssc), 2, "%d batch scopes kept", kept_batch_scopes(ssc));
    cu_expect(col.out[9], "22; 23; 24; 25; 26; 27; 28; 29; 30", true, "last window");
    spate_ctx_stop(ssc, true, false);
    collected_free(&col);
    spate_ctx_destroy(ssc);
}

Test(window, inverse_reduce_reduces_each_batch_once_and_forgets_zero_keys)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    char *dir = make_dir();
    spate_ctx_checkpoint(ssc, dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"a b", "b c", "c d", "d e", "e f", "f g"};
    push_batches(ssc, q, in, 6, 9);
    atomic_int calls = 0;
    spate_stream *cv = spate_stream_count_by_value_and_window(
        spate_stream_map(q, count_calls, &calls), 3000, 1000, 2);
    collected col = {0};
    spate_stream_foreach_rdd(cv, collect_batch, &col);
    run_batches(ssc, 0, 6);
    cr_expect_eq(atomic_load(&calls), 12);
    cr_expect_leq(sp_window_slice_count(cv), 3, "%d slices kept", sp_window_slice_count(cv));
    cr_expect_eq(sp_window_key_count(cv), 4, "d, e, f, g (c fell to 0 and was filtered out)");
    run_batches(ssc, 6, 3);
    cr_expect_eq(sp_window_key_count(cv), 0, "every count fell to 0 and was filtered out");
    cr_expect_eq(sp_window_slice_count(cv), 3, "three empty batches in the window");
    cu_expect(col.out[5], "(d,1); (e,2); (f,2); (g,1)", true, "window at 6 s");
    spate_ctx_stop(ssc, true, false);
    collected_free(&col);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

/* ---- checkpoint hooks: save -> load round trips ----------------------------- */

/* The stream whose state is saved, and the output read from it. */
typedef struct ckpt_graph {
    spate_stream *stateful, *out;
} ckpt_graph;

typedef ckpt_graph (*ckpt_build)(spate_stream *q);

static ckpt_graph build_window(spate_stream *q)
{
    spate_stream *w = spate_stream_window(q, 8000, 1000);
    return (ckpt_graph){w, w};
}

static ckpt_graph build_reduce_inv(spate_stream *q)
{
    spate_stream *rw = spate_stream_reduce_by_key_and_window(q, spate_fn_sum, spate_fn_subtract,
                                                             value_non_zero, NULL, 8000, 1000, 2);
    /* as Spark's suite: a long interval keeps the checkpoint writer out of the way */
    spate_stream_checkpoint(rw, spate_seconds(100));
    return (ckpt_graph){rw, rw};
}

static ckpt_graph build_reduce_inv_slide2(spate_stream *q)
{
    spate_stream *rw = spate_stream_reduce_by_key_and_window(q, spate_fn_sum, spate_fn_subtract,
                                                             NULL, NULL, 6000, 2000, 3);
    spate_stream_checkpoint(rw, spate_seconds(100));
    return (ckpt_graph){rw, rw};
}

/* A context on the manual clock at start_ms with the graph over a queue of the
 * given batches; dir is set when the graph needs one. */
typedef struct ckpt_run {
    spate_ctx *ssc;
    ckpt_graph g;
    collected col;
    char *dir;
} ckpt_run;

static void ckpt_run_open(ckpt_run *r, ckpt_build build, int64_t start_ms, const char *const *in,
                          int nin)
{
    memset(r, 0, sizeof *r);
    r->ssc = cu_ctx("local[2]", INTERVAL);
    cr_assert_eq(spate_clock_set(spate_ctx_clock(r->ssc), start_ms), SPATE_OK);
    spate_stream *q = spate_queue_stream(r->ssc, true, NULL);
    push_batches(r->ssc, q, in, nin, nin);
    r->g = build(q);
    cr_assert_not_null(r->g.out, "%s", spate_ctx_last_error(r->ssc));
    if (graph_needs_checkpoint(r->ssc)) {
        r->dir = make_dir();
        cr_assert_eq(spate_ctx_checkpoint(r->ssc, r->dir), SPATE_OK);
    }
    spate_stream_foreach_rdd(r->g.out, collect_batch, &r->col);
}

static void ckpt_run_close(ckpt_run *r)
{
    spate_ctx_stop(r->ssc, true, false);
    spate_ctx_destroy(r->ssc);
    collected_free(&r->col);
    if (r->dir) rm_dir(r->dir);
}

static void save(ckpt_run *r, int64_t t, bool full, sp_ckpt_out *w)
{
    sp_ckpt_out_init(w);
    spate_stream *s = r->g.stateful;
    cr_assert_eq(s->ops->save_state(s, t, full, w), SPATE_OK);
}

static void load(ckpt_run *r, int64_t t, bool full, const sp_ckpt_out *w)
{
    sp_ckpt_in in;
    sp_ckpt_in_init(&in, w->buf, w->len);
    spate_stream *s = r->g.stateful;
    cr_assert_eq(s->ops->load_state(s, t, full, &in), SPATE_OK, "%s", spate_ctx_last_error(r->ssc));
    cr_expect(sp_ckpt_in_done(&in), "the whole record was read");
}

/* Runs 12 batches straight, then again as: batches 1..6, a full save, one
 * more slide, a delta save, and a new context that loads both and runs the
 * remaining batches (started at the delta's time, so its batch times keep the
 * phase of the slide as a recovered context's do). Outputs must match. */
static void round_trip(ckpt_build build, int slide)
{
    static const char *const in[] = {BIG_IN};
    int mid = 6 + slide;
    ckpt_run ref;
    ckpt_run_open(&ref, build, 0, in, 12);
    run_batches(ref.ssc, 0, 12);
    spate_ctx_stop(ref.ssc, true, false);

    ckpt_run first;
    ckpt_run_open(&first, build, 0, in, mid);
    run_batches(first.ssc, 0, 6);
    sp_ckpt_out full, delta;
    save(&first, 6000, true, &full);
    run_batches(first.ssc, 6, slide);
    save(&first, mid * INTERVAL, false, &delta);
    ckpt_run_close(&first);
    cr_expect_lt(delta.len, full.len / 2,
                 "a delta (%zu bytes) holds one slide, the full "
                 "state (%zu bytes) the window",
                 delta.len, full.len);

    ckpt_run again;
    ckpt_run_open(&again, build, mid * INTERVAL, in + mid, 12 - mid);
    load(&again, 6000, true, &full);
    load(&again, mid * INTERVAL, false, &delta);
    run_batches(again.ssc, mid, 12 - mid);
    int skip = mid / slide; /* the reference's outputs up to the delta */
    cr_assert_eq(again.col.n, ref.col.n - skip);
    for (int i = 0; i < again.col.n; i++) {
        cr_expect_eq(again.col.times[i], ref.col.times[i + skip]);
        cr_expect_str_eq(again.col.out[i], ref.col.out[i + skip], "at %lld ms",
                         (long long)again.col.times[i]);
    }
    sp_ckpt_out_free(&full);
    sp_ckpt_out_free(&delta);
    ckpt_run_close(&again);
    ckpt_run_close(&ref);
}

Test(window, checkpoint_round_trip_window) { round_trip(build_window, 1); }
Test(window, checkpoint_round_trip_reduce_with_inverse) { round_trip(build_reduce_inv, 1); }
Test(window, checkpoint_round_trip_reduce_with_larger_slide)
{
    round_trip(build_reduce_inv_slide2, 2);
}

Test(window, checkpoint_damaged_body_is_refused)
{
    static const char *const in[] = {BIG_IN};
    ckpt_build builds[] = {build_window, build_reduce_inv};
    for (int b = 0; b < 2; b++) {
        ckpt_run r;
        ckpt_run_open(&r, builds[b], 0, in, 4);
        run_batches(r.ssc, 0, 4);
        sp_ckpt_out full;
        save(&r, 4000, true, &full);
        for (size_t cut = 0; cut < full.len; cut += 1 + full.len / 7) {
            sp_ckpt_in trunc;
            sp_ckpt_in_init(&trunc, full.buf, cut);
            spate_stream *s = r.g.stateful;
            cr_expect_eq(s->ops->load_state(s, 4000, true, &trunc), SPATE_ERR_CORRUPT,
                         "kind %d cut at %zu of %zu", b, cut, full.len);
        }
        sp_ckpt_out_free(&full);
        ckpt_run_close(&r);
    }
}

/* ---- a failed slide, and what a slide costs -------------------------------- */

static spate_value sum_or_fail(spate_task *t, spate_value a, spate_value b, void *ud)
{
    if (ud) atomic_fetch_add((atomic_int *)ud, 1);
    if (a.u.i == 666 || b.u.i == 666) {
        spate_task_fail(t, "bad value 666");
        return a;
    }
    return spate_i64(a.u.i + b.u.i);
}

static spate_value subtract_counted(spate_task *t, spate_value a, spate_value b, void *ud)
{
    if (ud) atomic_fetch_add((atomic_int *)ud, 1);
    return spate_fn_subtract(t, a, b, NULL);
}

Test(window, failed_slide_fails_its_batch_and_the_window_recovers)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    char *dir = make_dir();
    spate_ctx_checkpoint(ssc, dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"a:1", "a:1", "a:666", "a:1", "a:1", "a:1"};
    push_batches(ssc, q, in, 6, 6);
    spate_stream *rw = spate_stream_reduce_by_key_and_window(q, sum_or_fail, subtract_counted, NULL,
                                                             NULL, 2000, 1000, 2);
    collected col = {0};
    spate_stream_foreach_rdd(rw, collect_batch, &col);
    run_batches(ssc, 0, 6);
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_expect_eq(st.batches_failed, 2, "3 s and 4 s see the bad value");
    cr_expect(strstr(spate_ctx_last_error(ssc), "bad value 666") != NULL, "%s",
              spate_ctx_last_error(ssc));
    cr_assert_eq(col.n, 4);
    static const int64_t times[] = {1000, 2000, 5000, 6000};
    static const char *const want[] = {"(a,1)", "(a,2)", "(a,2)", "(a,2)"};
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(col.times[i], times[i]);
        cu_expect(col.out[i], want[i], true, "after the failure");
    }
    spate_ctx_stop(ssc, true, false);
    collected_free(&col);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

/* The callbacks a run of 12 one-key batches makes: with an inverse, each
 * slide merges what enters and leaves (fewer calls for a longer window);
 * without, each slide reduces the whole window. */
static int reduce_calls(spate_duration window, bool inverse)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    char *dir = make_dir();
    spate_ctx_checkpoint(ssc, dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"a:1", "a:1", "a:1", "a:1", "a:1", "a:1",
                                     "a:1", "a:1", "a:1", "a:1", "a:1", "a:1"};
    push_batches(ssc, q, in, 12, 12);
    atomic_int calls = 0;
    spate_stream *rw = spate_stream_reduce_by_key_and_window(
        q, sum_or_fail, inverse ? subtract_counted : NULL, NULL, &calls, window, 1000, 1);
    collected col = {0};
    spate_stream_foreach_rdd(rw, collect_batch, &col);
    run_batches(ssc, 0, 12);
    spate_ctx_stop(ssc, true, false);
    collected_free(&col);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
    return atomic_load(&calls);
}

Test(window, inverse_slide_cost_does_not_grow_with_the_window)
{
    int inv2 = reduce_calls(2000, true), inv8 = reduce_calls(8000, true);
    int plain2 = reduce_calls(2000, false), plain8 = reduce_calls(8000, false);
    cr_expect_eq(inv2, 11 + 10, "11 merges of new values, 10 of leaving ones: %d", inv2);
    cr_expect_eq(inv8, 11 + 4, "%d", inv8);
    cr_expect_gt(plain8, plain2, "without an inverse the window is reduced again: %d vs %d", plain8,
                 plain2);
}
