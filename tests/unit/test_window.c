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
    for (int i = 0; i < c->n; i++) free(c->out[i]);
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
    return spate_stream_reduce_by_key_and_window(in, spate_fn_sum, spate_fn_subtract, NULL, NULL,
                                                 w, s, 0);
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
    "(a,1)", "(a,2); (b,1)", "(a,2); (b,2); (c,1)", "(a,2); (b,2); (c,1)",                         \
        "(a,2); (b,1); (c,0)", "(a,1); (b,0); (c,0)", "(a,1); (b,0); (c,0)",                       \
        "(a,2); (b,1); (c,0)", "(a,2); (b,2); (c,1)", "(a,2); (b,2); (c,1)",                       \
        "(a,2); (b,1); (c,0)", "(a,1); (b,0); (c,0)"
#define L11 "List(1, 1)"
#define BIG_GROUP_OUT                                                                              \
    "(a,List(1))", "(a," L11 "); (b,List(1))", "(a," L11 "); (b," L11 "); (c,List(1))",           \
        "(a," L11 "); (b," L11 "); (c,List(1))", "(a," L11 "); (b,List(1))", "(a,List(1))",        \
        "(a,List(1))", "(a," L11 "); (b,List(1))", "(a," L11 "); (b," L11 "); (c,List(1))",        \
        "(a," L11 "); (b," L11 "); (c,List(1))", "(a," L11 "); (b,List(1))", "(a,List(1))"

static const window_case CASES[] = {
    {"window - basic window", o_window, 0, 0, 6, {SIX_INTS}, 6,
     {"0", "0; 1", "1; 2", "2; 3", "3; 4", "4; 5"}},
    {"window - tumbling window", o_window, 2, 2, 6, {SIX_INTS}, 3, {"0; 1", "2; 3", "4; 5"}},
    {"window - larger window", o_window, 4, 2, 6, {SIX_INTS}, 4,
     {"0; 1", "0; 1; 2; 3", "2; 3; 4; 5", "4; 5"}},
    {"window - non-overlapping window", o_window, 2, 3, 6, {SIX_INTS}, 2, {"1; 2", "4; 5"}},
    {"window of a window", o_window_of_window, 4, 2, 6, {SIX_INTS}, 3,
     {"0; 0; 1", "0; 0; 1; 1; 2; 2; 3", "1; 2; 2; 3; 3; 4; 4; 5"}},

    {"reduceByKeyAndWindow - basic reduction", o_reduce_by_key, 0, 0, 1, {"a:1 a:3"}, 1,
     {"(a,4)"}},
    {"reduceByKeyAndWindow - key already in window and new value added into window",
     o_reduce_by_key, 0, 0, 2, {"a:1", "a:1"}, 2, {"(a,1)", "(a,2)"}},
    {"reduceByKeyAndWindow - new key added into window", o_reduce_by_key, 0, 0, 2,
     {"a:1", "a:1 b:1"}, 2, {"(a,1)", "(a,2); (b,1)"}},
    {"reduceByKeyAndWindow - key removed from window", o_reduce_by_key, 0, 0, 4,
     {"a:1", "a:1", "", ""}, 4, {"(a,1)", "(a,2)", "(a,1)", ""}},
    {"reduceByKeyAndWindow - larger slide time", o_reduce_by_key, 4, 2, 8, {LARGER_SLIDE_IN}, 4,
     {"(a,3)", "(a,10)", "(a,18)", "(a,11)"}},
    {"reduceByKeyAndWindow - big test", o_reduce_by_key, 0, 0, 12, {BIG_IN}, 12,
     {BIG_REDUCE_OUT}},

    {"reduceByKeyAndWindow with inverse function - basic reduction", o_reduce_by_key_inv, 0, 0,
     1, {"a:1 a:3"}, 1, {"(a,4)"}},
    {"reduceByKeyAndWindow with inverse function - key already in window and new value added "
     "into window",
     o_reduce_by_key_inv, 0, 0, 2, {"a:1", "a:1"}, 2, {"(a,1)", "(a,2)"}},
    {"reduceByKeyAndWindow with inverse function - new key added into window",
     o_reduce_by_key_inv, 0, 0, 2, {"a:1", "a:1 b:1"}, 2, {"(a,1)", "(a,2); (b,1)"}},
    {"reduceByKeyAndWindow with inverse function - key removed from window", o_reduce_by_key_inv,
     0, 0, 4, {"a:1", "a:1", "", ""}, 4, {"(a,1)", "(a,2)", "(a,1)", "(a,0)"}},
    {"reduceByKeyAndWindow with inverse function - larger slide time", o_reduce_by_key_inv, 4, 2,
     8, {LARGER_SLIDE_IN}, 4, {"(a,3)", "(a,10)", "(a,18)", "(a,11)"}},
    {"reduceByKeyAndWindow with inverse function - big test", o_reduce_by_key_inv, 0, 0, 12,
     {BIG_IN}, 12, {BIG_REDUCE_INV_OUT}},
    {"reduceByKeyAndWindow with inverse and filter functions - big test",
     o_reduce_by_key_filtered, 0, 0, 12, {BIG_IN}, 12, {BIG_REDUCE_OUT}},

    {"groupByKeyAndWindow", o_group_by_key, 0, 0, 12, {BIG_IN}, 12, {BIG_GROUP_OUT}},
    {"countByWindow", o_count, 0, 0, 6, {"1", "1", "1 2", "0", "", ""}, 6,
     {"1", "2", "3", "3", "1", "0"}},
    {"countByValueAndWindow", o_count_by_value, 0, 0, 3, {"a", "b b", "a b"}, 3,
     {"(a,1)", "(a,1); (b,2)", "(a,1); (b,3)"}},
    {"countByValueAndWindow drops counts of 0", o_count_by_value, 0, 0, 4, {"a", "b", "", ""}, 4,
     {"(a,1)", "(a,1); (b,1)", "(b,1)", ""}},
    /* reduce of an empty window gives no element; with an inverse the single
     * key stays, at 0 */
    {"reduceByWindow", o_reduce, 0, 0, 6, {"1 2", "3", "", "4", "", ""}, 6,
     {"3", "6", "3", "4", "4", ""}},
    {"reduceByWindow with inverse function", o_reduce_inv, 0, 0, 6, {"1 2", "3", "", "4", "", ""},
     6, {"3", "6", "3", "4", "4", "0"}},
    {"countByWindow - larger slide time", o_count, 4, 2, 8, {"1", "1 2", "3", "", "4", "5 6", "",
     ""}, 4, {"3", "4", "4", "3"}},
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
    if (dir) cr_assert_eq(spate_ctx_checkpoint(ssc, dir), SPATE_OK, "%s", spate_ctx_last_error(ssc));
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

ParameterizedTestParameters(window, conformance)
{
    static int indices[NCASES];
    for (int i = 0; i < NCASES; i++) indices[i] = i;
    return cr_make_param_array(int, indices, NCASES);
}

ParameterizedTest(int *index, window, conformance)
{
    for (int m = 0; m < CU_NMASTERS; m++) run_case(&CASES[*index], CU_MASTERS[m]);
}
