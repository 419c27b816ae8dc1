/* Spark-conformance tests of the stateful DStream operations: updateStateByKey
 * (BasicOperationsSuite) and mapWithState with stateSnapshots
 * (MapWithStateSuite), driven batch by batch by the manual clock. Inputs are
 * pairs written as in conformance_util.h ("a:1"); outputs are compared per
 * batch as multisets (Spark's suites compare sets), except where record order
 * is the point. Also: State's rules and messages, partitioners, the
 * checkpoint hooks (full + deltas), and the ownership of state memory. */
#include "conformance_util.h"

#include "stream/state_int.h"

#include <ftw.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAXB = 10, INTERVAL = 1000, INPUT_PARTS = 2, WAIT_MS = 20000 };

/* ---- driving a context --------------------------------------------------- */

/* Stateful streams need a checkpoint directory (Spark's rule). */
static char *make_dir(void)
{
    char *dir = strdup("/tmp/spate-state-XXXXXX");
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
    if (dir) nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* A context on the manual clock with a checkpoint directory (*dir: remove
 * with rm_dir after spate_ctx_destroy). */
static spate_ctx *state_ctx(const char *master, char **dir)
{
    spate_ctx *ssc = cu_ctx(master, INTERVAL);
    *dir = make_dir();
    cr_assert_eq(spate_ctx_checkpoint(ssc, *dir), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    return ssc;
}

static void push_batches(spate_ctx *ssc, spate_stream *q, const char *const *batches, int n)
{
    for (int i = 0; i < n; i++)
        cr_assert_eq(
            spate_queue_stream_push(q, cu_rdd(ssc, batches[i] ? batches[i] : "", INPUT_PARTS)),
            SPATE_OK);
}

static void start(spate_ctx *ssc)
{
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
}

/* Runs the batches at (first+1 .. first+n) intervals. */
static void run_batches(spate_ctx *ssc, int first, int n)
{
    if (spate_ctx_get_state(ssc) == SPATE_CTX_INITIALIZED) start(ssc);
    spate_duration iv = spate_ctx_batch_interval(ssc);
    int64_t zero = spate_clock_now(spate_ctx_clock(ssc)) - (int64_t)first * iv;
    for (int i = first + 1; i <= first + n; i++) {
        cr_assert_eq(spate_clock_advance(spate_ctx_clock(ssc), iv), SPATE_OK);
        cr_assert_eq(spate_ctx_await_batch(ssc, zero + i * iv, WAIT_MS), SPATE_OK, "batch %lld",
                     (long long)(zero + i * iv));
    }
}

typedef struct collected {
    bool sorted;
    int n;
    char *out[MAXB];
} collected;

static spate_err collect_batch(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    collected *c = ud;
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    if (err) return err;
    if (c->n < MAXB) c->out[c->n++] = cu_format_all(v, n, c->sorted);
    return SPATE_OK;
}

/* An output that runs the batch and keeps nothing. */
static spate_err count_batch(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time, (void)ud;
    int64_t n;
    return spate_rdd_count(rdd, &n);
}

static void collected_free(collected *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->out[i]);
    c->n = 0;
}

/* ---- functions ----------------------------------------------------------- */

static int64_t sum_of(spate_value list)
{
    int64_t s = 0;
    for (uint32_t i = 0; i < list.len; i++)
        s += list.u.items[i].u.i;
    return s;
}

/* (values, state) => Some(values.sum + state.getOrElse(0)) */
static spate_value running_sum(spate_task *t, spate_value values, spate_value state, void *ud)
{
    (void)ud;
    int64_t prev = state.type == SPATE_SOME ? state.u.items[0].u.i : 0;
    return spate_some(spate_task_arena(t), spate_i64(sum_of(values) + prev));
}

/* The same as an iterator of (key, values, state) -> (key, state). */
static void running_sum_iter(spate_task *t, const spate_value *triples, size_t n, spate_sink *out,
                             void *ud)
{
    for (size_t i = 0; i < n; i++) {
        spate_value s = running_sum(t, spate_item(triples[i], 1), spate_item(triples[i], 2), ud);
        spate_sink_push(out,
                        spate_tuple2(spate_task_arena(t), spate_item(triples[i], 0), s.u.items[0]));
    }
}

/* BasicOperationsSuite "object lifecycle": state (counter, idle batches);
 * a key idle twice in a row is dropped. */
static spate_value lifecycle(spate_task *t, spate_value values, spate_value state, void *ud)
{
    (void)ud;
    spate_value old = state.type == SPATE_SOME ? state.u.items[0] : spate_null();
    int64_t counter = old.type == SPATE_TUPLE ? spate_item(old, 0).u.i : 0;
    int64_t idle = old.type == SPATE_TUPLE ? spate_item(old, 1).u.i : 0;
    int64_t n = sum_of(values);
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

/* mapWithState simple API: the running count, returned. */
static spate_value count_simple(spate_task *t, spate_value key, spate_value value, spate_state *st,
                                void *ud)
{
    (void)t, (void)key, (void)ud;
    spate_value prev = spate_state_get_option(st);
    int64_t sum = spate_item(value, 0).u.i + (prev.type == SPATE_SOME ? prev.u.items[0].u.i : 0);
    spate_state_update(st, spate_i64(sum));
    return spate_i64(sum);
}

/* Advanced API: Some((key, count)). */
static spate_value count_pairs(spate_task *t, int64_t time, spate_value key, spate_value value,
                               spate_state *st, void *ud)
{
    spate_value sum = count_simple(t, key, value, st, ud);
    (void)time;
    spate_arena *a = spate_task_arena(t);
    return spate_some(a, spate_tuple2(a, key, sum));
}

/* Counts, returns nothing. */
static spate_value count_silent(spate_task *t, int64_t time, spate_value key, spate_value value,
                                spate_state *st, void *ud)
{
    (void)time;
    count_simple(t, key, value, st, ud);
    return spate_none();
}

/* (key, batch time) */
static spate_value key_and_time(spate_task *t, int64_t time, spate_value key, spate_value value,
                                spate_state *st, void *ud)
{
    (void)value, (void)st, (void)ud;
    spate_arena *a = spate_task_arena(t);
    return spate_some(a, spate_tuple2(a, key, spate_i64(time)));
}

/* MapWithStateSuite "state removing". */
static spate_value remove_seen(spate_task *t, int64_t time, spate_value key, spate_value value,
                               spate_state *st, void *ud)
{
    (void)time, (void)ud;
    if (spate_state_exists(st)) {
        spate_state_remove(st);
        return spate_some(spate_task_arena(t), key);
    }
    spate_state_update(st, spate_item(value, 0));
    return spate_none();
}

/* MapWithStateSuite "state timing out": the timing-out call returns
 * (key, state, value). */
static spate_value note_timeouts(spate_task *t, int64_t time, spate_value key, spate_value value,
                                 spate_state *st, void *ud)
{
    (void)time, (void)ud;
    if (value.type == SPATE_SOME) spate_state_update(st, spate_i64(1));
    if (!spate_state_is_timing_out(st)) return spate_none();
    spate_arena *a = spate_task_arena(t);
    spate_value s;
    cr_assert_eq(spate_state_get(st, &s), SPATE_OK);
    return spate_some(a, spate_tuple3(a, key, s, value));
}

static spate_value concat_state(spate_task *t, spate_value key, spate_value value, spate_state *st,
                                void *ud);

static int by_first_char(spate_value key, int nparts, void *ud)
{
    (void)ud;
    return key.type == SPATE_STR && key.len ? (unsigned char)key.u.s[0] % nparts : 0;
}

static const spate_partitioner FIRST_CHAR_2 = {2, by_first_char, NULL};

/* ---- the conformance table ---------------------------------------------- */

typedef spate_stream *(*build_fn)(spate_ctx *ssc, spate_stream *pairs, spate_stream **snapshots);

typedef struct state_case {
    const char *name;
    build_fn build;
    bool ordered; /* compare outputs in order (not as multisets) */
    int nbatches;
    const char *in[MAXB];
    const char *want[MAXB];
    const char *snap[MAXB]; /* mapWithState: stateSnapshots per batch */
} state_case;

static spate_stream *usk_default(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c, (void)s;
    return spate_stream_update_state_by_key(p, running_sum, NULL, 0);
}
static spate_stream *usk_one(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c, (void)s;
    return spate_stream_update_state_by_key(p, running_sum, NULL, 1);
}
static spate_stream *usk_two(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c, (void)s;
    return spate_stream_update_state_by_key(p, running_sum, NULL, 2);
}
static spate_stream *usk_three(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c, (void)s;
    return spate_stream_update_state_by_key(p, running_sum, NULL, 3);
}
static spate_stream *usk_custom(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c, (void)s;
    return spate_stream_update_state_by_key_with(p, running_sum, NULL, &FIRST_CHAR_2, NULL);
}
static spate_stream *usk_iter(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c, (void)s;
    return spate_stream_update_state_by_key_iter(p, running_sum_iter, NULL, NULL, NULL);
}
static spate_stream *usk_initial(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)s;
    spate_partitioner hash3 = {3, NULL, NULL};
    return spate_stream_update_state_by_key_with(p, running_sum, NULL, &hash3,
                                                 cu_rdd(c, "a:1 c:2", 2));
}
static spate_stream *usk_iter_initial(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)s;
    return spate_stream_update_state_by_key_iter(p, running_sum_iter, NULL, &FIRST_CHAR_2,
                                                 cu_rdd(c, "a:1 c:2", 1));
}
static spate_stream *usk_lifecycle(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c, (void)s;
    return spate_stream_map_values(spate_stream_update_state_by_key(p, lifecycle, NULL, 2),
                                   first_item, NULL);
}

static spate_stream *with_snapshots(spate_stream *mapped, spate_stream **snap)
{
    *snap = spate_stream_state_snapshots(mapped);
    return mapped;
}
static spate_stream *mws_simple(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c;
    return with_snapshots(
        spate_stream_map_with_state(p, spate_state_spec_function(count_simple, NULL)), s);
}
static spate_stream *mws_parts(spate_stream *p, spate_stream **s, int n)
{
    spate_state_spec *spec = spate_state_spec_function(count_simple, NULL);
    spate_state_spec_num_partitions(spec, n);
    return with_snapshots(spate_stream_map_with_state(p, spec), s);
}
static spate_stream *mws_one(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c;
    return mws_parts(p, s, 1);
}
static spate_stream *mws_two(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c;
    return mws_parts(p, s, 2);
}
static spate_stream *mws_three(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c;
    return mws_parts(p, s, 3);
}
static spate_stream *mws_custom(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c;
    spate_state_spec *spec = spate_state_spec_function(count_simple, NULL);
    spate_state_spec_partitioner(spec, &FIRST_CHAR_2);
    return with_snapshots(spate_stream_map_with_state(p, spec), s);
}
static spate_stream *mws_pairs(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c;
    return with_snapshots(
        spate_stream_map_with_state(p, spate_state_spec_function_time(count_pairs, NULL)), s);
}
static spate_stream *mws_initial(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    spate_state_spec *spec = spate_state_spec_function_time(count_silent, NULL);
    spate_state_spec_initial_state(spec, cu_rdd(c, "a:5 b:10 c:-20 d:0", 2));
    return with_snapshots(spate_stream_map_with_state(p, spec), s);
}
static spate_stream *mws_remove(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c;
    spate_state_spec *spec = spate_state_spec_function_time(remove_seen, NULL);
    spate_state_spec_num_partitions(spec, 1);
    return with_snapshots(spate_stream_map_with_state(p, spec), s);
}
static spate_stream *mws_timeout(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c;
    spate_state_spec *spec = spate_state_spec_function_time(note_timeouts, NULL);
    spate_state_spec_timeout(spec, spate_seconds(3));
    return with_snapshots(spate_stream_map_with_state(p, spec), s);
}
/* Initial state with a timeout: initial keys count as updated at the first
 * batch (Spark's createFromPairRDD). */
static spate_stream *mws_initial_timeout(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    spate_state_spec *spec = spate_state_spec_function(concat_state, NULL);
    spate_state_spec_initial_state(spec, cu_rdd(c, "a:p b:q", 2));
    spate_state_spec_timeout(spec, spate_seconds(2));
    return with_snapshots(spate_stream_map_with_state(p, spec), s);
}
static spate_stream *mws_time(spate_ctx *c, spate_stream *p, spate_stream **s)
{
    (void)c, (void)s;
    return spate_stream_map_with_state(p, spate_state_spec_function_time(key_and_time, NULL));
}

#define USK_IN                                                                                     \
    {                                                                                              \
        "a:1", "a:1 b:1", "a:1 b:1 c:1", "a:1 b:1", "a:1", ""                                      \
    }
#define USK_WANT                                                                                   \
    {                                                                                              \
        "(a,1)", "(a,2); (b,1)", "(a,3); (b,2); (c,1)", "(a,4); (b,3); (c,1)",                     \
            "(a,5); (b,3); (c,1)", "(a,5); (b,3); (c,1)"                                           \
    }
#define USK_INIT_WANT                                                                              \
    {                                                                                              \
        "(a,2); (c,2)", "(a,3); (b,1); (c,2)", "(a,4); (b,2); (c,3)", "(a,5); (b,3); (c,3)",       \
            "(a,6); (b,3); (c,3)", "(a,6); (b,3); (c,3)"                                           \
    }
#define MWS_IN                                                                                     \
    {                                                                                              \
        "", "a:1", "a:1 b:1", "a:1 b:1 c:1", "a:1 b:1", "a:1", ""                                  \
    }
#define MWS_SNAP                                                                                   \
    {                                                                                              \
        "", "(a,1)", "(a,2); (b,1)", "(a,3); (b,2); (c,1)", "(a,4); (b,3); (c,1)",                 \
            "(a,5); (b,3); (c,1)", "(a,5); (b,3); (c,1)"                                           \
    }
#define MWS_WANT                                                                                   \
    {                                                                                              \
        "", "1", "2; 1", "3; 2; 1", "4; 3", "5", ""                                                \
    }

static const state_case CASES[] = {
    {"updateStateByKey", usk_default, false, 6, USK_IN, USK_WANT, {0}},
    {"updateStateByKey, 1 partition", usk_one, false, 6, USK_IN, USK_WANT, {0}},
    {"updateStateByKey, 2 partitions", usk_two, false, 6, USK_IN, USK_WANT, {0}},
    {"updateStateByKey, 3 partitions", usk_three, false, 6, USK_IN, USK_WANT, {0}},
    {"updateStateByKey, custom partitioner", usk_custom, false, 6, USK_IN, USK_WANT, {0}},
    {"updateStateByKey, iterator", usk_iter, false, 6, USK_IN, USK_WANT, {0}},
    {"updateStateByKey, initial RDD", usk_initial, false, 6, USK_IN, USK_INIT_WANT, {0}},
    {"updateStateByKey, iterator, initial RDD",
     usk_iter_initial,
     false,
     6,
     USK_IN,
     USK_INIT_WANT,
     {0}},
    {"updateStateByKey, object lifecycle",
     usk_lifecycle,
     false,
     6,
     {"a:1 b:1", "", "a:1 c:1 a:1", "c:1", "", ""},
     {"(a,1); (b,1)", "(a,1); (b,1)", "(a,3); (c,1)", "(a,3); (c,2)", "(c,2)", ""},
     {0}},
    {"mapWithState, simple API", mws_simple, false, 7, MWS_IN, MWS_WANT, MWS_SNAP},
    {"mapWithState, numPartitions(1)", mws_one, false, 7, MWS_IN, MWS_WANT, MWS_SNAP},
    {"mapWithState, numPartitions(2)", mws_two, false, 7, MWS_IN, MWS_WANT, MWS_SNAP},
    {"mapWithState, numPartitions(3)", mws_three, false, 7, MWS_IN, MWS_WANT, MWS_SNAP},
    {"mapWithState, custom partitioner", mws_custom, false, 7, MWS_IN, MWS_WANT, MWS_SNAP},
    {"mapWithState, advanced API",
     mws_pairs,
     false,
     7,
     MWS_IN,
     {"", "(a,1)", "(a,2); (b,1)", "(a,3); (b,2); (c,1)", "(a,4); (b,3)", "(a,5)", ""},
     MWS_SNAP},
    {"mapWithState, initial state, nothing returned",
     mws_initial,
     false,
     7,
     MWS_IN,
     {"", "", "", "", "", "", ""},
     {"(a,5); (b,10); (c,-20); (d,0)", "(a,6); (b,10); (c,-20); (d,0)",
      "(a,7); (b,11); (c,-20); (d,0)", "(a,8); (b,12); (c,-19); (d,0)",
      "(a,9); (b,13); (c,-19); (d,0)", "(a,10); (b,13); (c,-19); (d,0)",
      "(a,10); (b,13); (c,-19); (d,0)"}},
    {"mapWithState, state removing",
     mws_remove,
     false,
     8,
     {"", "a:1", "a:1 b:1", "a:1 b:1 c:1", "a:1 b:1 c:1", "a:1 b:1", "a:1", ""},
     {"", "", "a", "b", "a; c", "b", "a", ""},
     {"", "(a,1)", "(b,1)", "(a,1); (c,1)", "(b,1)", "(a,1)", "", ""}},
    /* timeout 3 s: c (last data at 1000) times out at 5000, the first batch
     * t with 1000 < t - 3000; b (2000) at 6000; a keeps getting data. */
    {"mapWithState, timeouts",
     mws_timeout,
     false,
     10,
     {"a:1 b:1 c:1", "a:1 b:1", "a:1", "", "", "a:1", "a:1", "a:1", "a:1", "a:1"},
     {"", "", "", "", "(c,1,None)", "(b,1,None)", "", "", "", ""},
     {"(a,1); (b,1); (c,1)", "(a,1); (b,1); (c,1)", "(a,1); (b,1); (c,1)", "(a,1); (b,1); (c,1)",
      "(a,1); (b,1)", "(a,1)", "(a,1)", "(a,1)", "(a,1)", "(a,1)"}},
    /* a (data at 1000) and b (initial, 1000) time out at 4000: 1000 < 4000 - 2000 */
    {"mapWithState, initial state times out",
     mws_initial_timeout,
     false,
     4,
     {"a:r", "", "", ""},
     {"(a,pr)", "", "", "(a,timeout,pr); (b,timeout,q)"},
     {"(a,pr); (b,q)", "(a,pr); (b,q)", "(a,pr); (b,q)", ""}},
    {"mapWithState, called once per record in record order",
     mws_simple,
     true,
     2,
     {"a:1 a:2 a:3", "a:10 a:20"},
     {"1; 3; 6", "16; 36"},
     {"(a,6)", "(a,36)"}},
    {"mapWithState, the function gets the batch time",
     mws_time,
     false,
     2,
     {"a:1", "b:1 b:2"},
     {"(a,1000)", "(b,2000); (b,2000)"},
     {0}},
};

enum { NCASES = sizeof CASES / sizeof CASES[0] };

static void run_case(const state_case *c, const char *master)
{
    char *dir;
    spate_ctx *ssc = state_ctx(master, &dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    push_batches(ssc, q, c->in, c->nbatches);
    spate_stream *snap = NULL;
    spate_stream *out = c->build(ssc, q, &snap);
    cr_assert_not_null(out, "%s: %s", c->name, spate_ctx_last_error(ssc));
    collected col = {.sorted = !c->ordered}, snaps = {.sorted = true};
    cr_assert_eq(spate_stream_foreach_rdd(out, collect_batch, &col), SPATE_OK);
    if (snap) cr_assert_eq(spate_stream_foreach_rdd(snap, collect_batch, &snaps), SPATE_OK);
    run_batches(ssc, 0, c->nbatches);
    spate_ctx_stop(ssc, true, false);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_OK, "%s: %s", c->name,
                 spate_ctx_last_error(ssc));
    cr_assert_eq(col.n, c->nbatches, "%s [%s]: %d batches", c->name, master, col.n);
    for (int i = 0; i < c->nbatches; i++) {
        char what[160];
        snprintf(what, sizeof what, "%s [%s] batch %d", c->name, master, i + 1);
        cu_expect(col.out[i], c->want[i], c->ordered == false, what);
        if (!snap) continue;
        snprintf(what, sizeof what, "%s [%s] batch %d stateSnapshots", c->name, master, i + 1);
        cu_expect(snaps.out[i], c->snap[i], true, what);
    }
    collected_free(&col);
    collected_free(&snaps);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

CU_CASE_INDICES(state, conformance, NCASES)

ParameterizedTest(int *index, state, conformance)
{
    for (int m = 0; m < CU_NMASTERS; m++)
        run_case(&CASES[*index], CU_MASTERS[m]);
}

/* ---- State's rules: Spark's messages, the task fails ---------------------- */

typedef enum rule_action {
    GET_UNSET,
    UPDATE_AFTER_REMOVE,
    REMOVE_TWICE,
    UPDATE_TIMING_OUT,
    REMOVE_TIMING_OUT,
} rule_action;

typedef struct rule_probe {
    rule_action action;
    atomic_int err; /* what the breaking call returned */
} rule_probe;

static spate_value break_rule(spate_task *t, int64_t time, spate_value key, spate_value value,
                              spate_state *st, void *ud)
{
    (void)t, (void)time, (void)key;
    rule_probe *p = ud;
    spate_value v;
    spate_err err = SPATE_OK;
    if (value.type == SPATE_SOME) {
        switch (p->action) {
        case GET_UNSET:
            err = spate_state_get(st, &v);
            break;
        case UPDATE_AFTER_REMOVE:
            spate_state_remove(st);
            err = spate_state_update(st, spate_i64(1));
            break;
        case REMOVE_TWICE:
            spate_state_remove(st);
            err = spate_state_remove(st);
            break;
        default:
            spate_state_update(st, spate_i64(1));
            break;
        }
    } else if (spate_state_is_timing_out(st)) {
        err = p->action == UPDATE_TIMING_OUT ? spate_state_update(st, spate_i64(2))
                                             : spate_state_remove(st);
    }
    if (err) atomic_store(&p->err, err);
    return spate_none();
}

typedef struct rule_case {
    const char *name;
    rule_action action;
    const char *message;
} rule_case;

static const rule_case RULES[] = {
    {"get without a state", GET_UNSET, "State is not set"},
    {"update after remove", UPDATE_AFTER_REMOVE,
     "requirement failed: Cannot update the state after it has been removed"},
    {"remove twice", REMOVE_TWICE,
     "requirement failed: Cannot remove the state that has already been removed"},
    {"update while timing out", UPDATE_TIMING_OUT,
     "requirement failed: Cannot update the state that is timing out"},
    {"remove while timing out", REMOVE_TIMING_OUT,
     "requirement failed: Cannot remove the state that is timing out"},
};

Test(state, broken_state_rules_fail_the_task_with_sparks_messages)
{
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++) {
        const rule_case *c = &RULES[i];
        char *dir;
        spate_ctx *ssc = state_ctx("local[2]", &dir);
        spate_stream *q = spate_queue_stream(ssc, true, NULL);
        static const char *const in[] = {"a:1", "", ""};
        push_batches(ssc, q, in, 3);
        rule_probe probe = {.action = c->action};
        spate_state_spec *spec = spate_state_spec_function_time(break_rule, &probe);
        /* a (data at 1000) times out at 3000: 1000 < 3000 - 1000 */
        spate_state_spec_timeout(spec, spate_seconds(1));
        spate_stream *m = spate_stream_map_with_state(q, spec);
        spate_stream_foreach_rdd(m, count_batch, NULL);
        run_batches(ssc, 0, 3);
        cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_ERR_USER, "%s", c->name);
        cr_expect(strstr(spate_ctx_last_error(ssc), c->message), "%s: \"%s\"", c->name,
                  spate_ctx_last_error(ssc));
        cr_expect_eq(atomic_load(&probe.err), SPATE_ERR_STATE, "%s: the call returns the error",
                     c->name);
        spate_ctx_stop(ssc, true, false);
        spate_ctx_destroy(ssc);
        rm_dir(dir);
    }
}

/* Legal uses: what each call sees, as "exists,getOption,get,exists after
 * remove,getOption after remove". */
static spate_value observe(spate_task *t, spate_value key, spate_value value, spate_state *st,
                           void *ud)
{
    (void)key, (void)ud;
    spate_arena *a = spate_task_arena(t);
    bool existed = spate_state_exists(st);
    spate_value before = spate_state_get_option(st);
    spate_state_update(st, spate_i64(100));
    spate_state_update(st, spate_item(value, 0));
    spate_value now;
    cr_assert_eq(spate_state_get(st, &now), SPATE_OK);
    if (now.u.i == 2) spate_state_remove(st);
    spate_value items[5] = {spate_bool(existed), before, now, spate_bool(spate_state_exists(st)),
                            spate_state_get_option(st)};
    return spate_tuple_of(a, items, 5);
}

Test(state, state_calls_see_updates_and_removals_at_once)
{
    char *dir;
    spate_ctx *ssc = state_ctx("local[1]", &dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"a:1", "a:2", "a:3"};
    push_batches(ssc, q, in, 3);
    collected col = {.sorted = true};
    spate_stream_foreach_rdd(
        spate_stream_map_with_state(q, spate_state_spec_function(observe, NULL)), collect_batch,
        &col);
    run_batches(ssc, 0, 3);
    cu_expect(col.out[0], "(false,None,1,true,Some(1))", true, "batch 1");
    cu_expect(col.out[1], "(true,Some(1),2,false,None)", true, "batch 2: removed");
    cu_expect(col.out[2], "(false,None,3,true,Some(3))", true, "batch 3: gone, then new");
    spate_ctx_stop(ssc, true, false);
    collected_free(&col);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

/* ---- partitioners ----------------------------------------------------------- */

typedef struct placement {
    atomic_int batches, misplaced;
    int nparts;
} placement;

/* Every key of partition i has a first character congruent to i. */
static spate_err check_placement(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    placement *p = ud;
    spate_value *parts;
    size_t n;
    spate_err err = spate_rdd_collect(spate_rdd_glom(rdd), &parts, &n);
    if (err) return err;
    p->nparts = (int)n;
    for (size_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < parts[i].len; j++)
            if (by_first_char(spate_key(parts[i].u.items[j]), (int)n, NULL) != (int)i)
                atomic_fetch_add(&p->misplaced, 1);
    atomic_fetch_add(&p->batches, 1);
    return SPATE_OK;
}

Test(state, custom_partitioner_places_state_and_output)
{
    char *dir;
    spate_ctx *ssc = state_ctx("local[2]", &dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"a:1 b:1 c:1 d:1", "e:1 f:1 a:1"};
    push_batches(ssc, q, in, 2);
    placement usk = {0}, snaps = {0};
    spate_stream_foreach_rdd(
        spate_stream_update_state_by_key_with(q, running_sum, NULL, &FIRST_CHAR_2, NULL),
        check_placement, &usk);
    spate_state_spec *spec = spate_state_spec_function(count_simple, NULL);
    spate_state_spec_num_partitions(spec, 5);
    spate_state_spec_partitioner(spec, &FIRST_CHAR_2); /* the last one wins, as in Spark */
    spate_stream_foreach_rdd(spate_stream_state_snapshots(spate_stream_map_with_state(q, spec)),
                             check_placement, &snaps);
    run_batches(ssc, 0, 2);
    cr_expect_eq(atomic_load(&usk.batches), 2);
    cr_expect_eq(usk.nparts, 2);
    cr_expect_eq(atomic_load(&usk.misplaced), 0);
    cr_expect_eq(atomic_load(&snaps.batches), 2);
    cr_expect_eq(snaps.nparts, 2);
    cr_expect_eq(atomic_load(&snaps.misplaced), 0);
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

static int out_of_range(spate_value key, int nparts, void *ud)
{
    (void)key, (void)ud;
    return nparts + 3;
}

Test(state, partitioner_out_of_range_fails_the_batch)
{
    char *dir;
    spate_ctx *ssc = state_ctx("local[2]", &dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"a:1"};
    push_batches(ssc, q, in, 1);
    spate_partitioner bad = {2, out_of_range, NULL};
    spate_stream_foreach_rdd(
        spate_stream_update_state_by_key_with(q, running_sum, NULL, &bad, NULL), count_batch, NULL);
    run_batches(ssc, 0, 1);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_ERR_USER);
    cr_expect(strstr(spate_ctx_last_error(ssc), "partitioner returned partition 5 for key a, not "
                                                "in [0, 2)"),
              "\"%s\"", spate_ctx_last_error(ssc));
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

/* ---- construction ------------------------------------------------------------ */

Test(state, constructors_check_their_arguments)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_expect_null(spate_stream_state_snapshots(q));
    cr_expect(strstr(spate_ctx_last_error(ssc), "not made by mapWithState"), "%s",
              spate_ctx_last_error(ssc));
    cr_expect_null(spate_stream_map_with_state(q, NULL));
    spate_state_spec *spec = spate_state_spec_function(count_simple, NULL);
    spate_state_spec_timeout(spec, -5);
    cr_expect_null(spate_stream_map_with_state(q, spec));
    cr_expect(strstr(spate_ctx_last_error(ssc), "timeout must not be negative"), "%s",
              spate_ctx_last_error(ssc));
    spate_partitioner none = {0, NULL, NULL};
    cr_expect_null(spate_stream_update_state_by_key_with(q, running_sum, NULL, &none, NULL));
    cr_expect(strstr(spate_ctx_last_error(ssc), "at least one partition"), "%s",
              spate_ctx_last_error(ssc));
    cr_expect_null(spate_stream_update_state_by_key(q, NULL, NULL, 2));
    cr_expect_null(spate_stream_update_state_by_key(NULL, running_sum, NULL, 2));

    spec = spate_state_spec_function(count_simple, NULL);
    spate_state_spec_num_partitions(spec, 4);
    spate_state_spec_timeout(spec, spate_seconds(30));
    spate_stream *m = spate_stream_map_with_state(q, spec);
    spate_stream *u = spate_stream_update_state_by_key(q, running_sum, NULL, 3);
    cr_assert_not_null(m);
    cr_assert_not_null(u);
    cr_expect(m->needs_checkpoint && u->needs_checkpoint, "stateful streams must checkpoint");
    cr_expect_eq(m->checkpoint_interval, 10 * INTERVAL, "mapWithState: every 10 slides (Spark)");
    cr_expect_str_eq(m->params, "nparts=4 partitioner=hash initial=0 timeout=30000 fn=plain");
    cr_expect_str_eq(u->params, "nparts=3 partitioner=hash initial=0 fn=values");
    spate_stream_foreach_rdd(m, count_batch, NULL);
    cr_expect_neq(spate_ctx_start(ssc), SPATE_OK, "no checkpoint directory");
    cr_expect(strstr(spate_ctx_last_error(ssc), "checkpoint"), "%s", spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
}

/* ---- checkpoint hooks: full + deltas, then a new context goes on -------------- */

/* Strings all the way: key -> the concatenation of its values; "x" removes
 * the key. Outputs (key, state) on update, (key, removed) on removal and
 * (key, timeout, state) when timing out. */
static spate_value concat_state(spate_task *t, spate_value key, spate_value value, spate_state *st,
                                void *ud)
{
    (void)ud;
    spate_arena *a = spate_task_arena(t);
    spate_value old = spate_null();
    if (spate_state_exists(st)) spate_state_get(st, &old);
    if (spate_state_is_timing_out(st)) return spate_tuple3(a, key, spate_cstr("timeout"), old);
    spate_value v = spate_item(value, 0);
    if (spate_str_eq(v, "x")) {
        spate_state_remove(st);
        return spate_tuple2(a, key, spate_cstr("removed"));
    }
    spate_value s = old.type == SPATE_STR
                        ? spate_str_printf(a, "%.*s%.*s", (int)old.len, old.u.s, (int)v.len, v.u.s)
                        : v;
    spate_state_update(st, s);
    return spate_tuple2(a, key, s);
}

static spate_stream *build_concat(spate_stream *q)
{
    spate_state_spec *spec = spate_state_spec_function(concat_state, NULL);
    spate_state_spec_num_partitions(spec, 2);
    spate_state_spec_timeout(spec, spate_seconds(3));
    return spate_stream_map_with_state(q, spec);
}

/* updateStateByKey on strings: the state is the concatenation of the
 * values; a value "x" removes the key; no values keep it as it is. */
static spate_value concat_update(spate_task *t, spate_value values, spate_value state, void *ud)
{
    (void)ud;
    spate_arena *a = spate_task_arena(t);
    spate_value s = state.type == SPATE_SOME ? state.u.items[0] : spate_cstr("");
    for (uint32_t i = 0; i < values.len; i++) {
        spate_value v = values.u.items[i];
        if (spate_str_eq(v, "x")) return spate_none();
        s = spate_str_printf(a, "%.*s%.*s", (int)s.len, s.u.s, (int)v.len, v.u.s);
    }
    return spate_some(a, s);
}

static spate_stream *build_concat_usk(spate_stream *q)
{
    return spate_stream_update_state_by_key_with(q, concat_update, NULL, &FIRST_CHAR_2, NULL);
}

typedef spate_stream *(*ckpt_build)(spate_stream *q);

typedef struct ckpt_run {
    spate_ctx *ssc;
    spate_stream *stateful;
    collected col, snaps;
    char *dir;
} ckpt_run;

static void ckpt_run_open(ckpt_run *r, ckpt_build build, int64_t start_ms, const char *const *in,
                          int nin)
{
    memset(r, 0, sizeof *r);
    r->ssc = state_ctx("local[2]", &r->dir);
    cr_assert_eq(spate_clock_set(spate_ctx_clock(r->ssc), start_ms), SPATE_OK);
    spate_stream *q = spate_queue_stream(r->ssc, true, NULL);
    push_batches(r->ssc, q, in, nin);
    r->stateful = build(q);
    cr_assert_not_null(r->stateful, "%s", spate_ctx_last_error(r->ssc));
    /* a long interval keeps the context's checkpoint writer out of the way */
    spate_stream_checkpoint(r->stateful, spate_seconds(100));
    r->col.sorted = r->snaps.sorted = true;
    spate_stream_foreach_rdd(r->stateful, collect_batch, &r->col);
    if (r->stateful->ops == &sp_map_with_state_ops)
        spate_stream_foreach_rdd(spate_stream_state_snapshots(r->stateful), collect_batch,
                                 &r->snaps);
}

static void ckpt_run_close(ckpt_run *r)
{
    spate_ctx_stop(r->ssc, true, false);
    spate_ctx_destroy(r->ssc);
    collected_free(&r->col);
    collected_free(&r->snaps);
    rm_dir(r->dir);
}

static void save(ckpt_run *r, int64_t t, bool full, sp_ckpt_out *w)
{
    sp_ckpt_out_init(w);
    cr_assert_eq(r->stateful->ops->save_state(r->stateful, t, full, w), SPATE_OK);
}

static void load(ckpt_run *r, int64_t t, bool full, const sp_ckpt_out *w)
{
    sp_ckpt_in in;
    sp_ckpt_in_init(&in, w->buf, w->len);
    cr_assert_eq(r->stateful->ops->load_state(r->stateful, t, full, &in), SPATE_OK, "%s",
                 spate_ctx_last_error(r->ssc));
    cr_expect(sp_ckpt_in_done(&in), "the whole record was read");
}

enum { NCKPT = 9 };

/* Runs NCKPT batches straight; then again as batches 1-3, a full save, 4-5,
 * a delta, 6, a delta, and a new context (clock at 6000, as a recovered one)
 * that loads the three and runs 7-9. Its outputs must be the reference's:
 * states, removals and timeouts (whose times come from the checkpoint). */
static void round_trip(ckpt_build build)
{
    static const char *const in[NCKPT] = {"a:p b:q c:r", "a:p d:s", "b:x e:t", "a:x c:r b:n", "e:t",
                                          "d:s",         "c:r",     "",        "a:z"};
    ckpt_run ref, first, again;
    ckpt_run_open(&ref, build, 0, in, NCKPT);
    run_batches(ref.ssc, 0, NCKPT);

    ckpt_run_open(&first, build, 0, in, 6);
    run_batches(first.ssc, 0, 3);
    sp_ckpt_out full, d1, d2;
    save(&first, 3000, true, &full);
    run_batches(first.ssc, 3, 2);
    save(&first, 5000, false, &d1);
    run_batches(first.ssc, 5, 1);
    save(&first, 6000, false, &d2);
    ckpt_run_close(&first);
    cr_expect_lt(d2.len, full.len,
                 "a delta (%zu bytes) holds one batch's changes, the full "
                 "state (%zu bytes) every key",
                 d2.len, full.len);

    ckpt_run_open(&again, build, 6000, in + 6, NCKPT - 6);
    load(&again, 3000, true, &full);
    load(&again, 5000, false, &d1);
    load(&again, 6000, false, &d2);
    run_batches(again.ssc, 6, NCKPT - 6);
    cr_assert_eq(again.col.n, NCKPT - 6);
    cr_assert_eq(ref.col.n, NCKPT);
    for (int i = 0; i < again.col.n; i++) {
        cr_expect_str_eq(again.col.out[i], ref.col.out[i + 6], "batch %d", i + 7);
        if (ref.snaps.n)
            cr_expect_str_eq(again.snaps.out[i], ref.snaps.out[i + 6], "snapshot %d", i + 7);
    }
    sp_ckpt_out_free(&full);
    sp_ckpt_out_free(&d1);
    sp_ckpt_out_free(&d2);
    ckpt_run_close(&again);
    ckpt_run_close(&ref);
}

Test(state, checkpoint_round_trip_map_with_state) { round_trip(build_concat); }
Test(state, checkpoint_round_trip_update_state_by_key) { round_trip(build_concat_usk); }

Test(state, checkpoint_reference_run_has_removals_and_timeouts)
{
    static const char *const in[NCKPT] = {"a:p b:q c:r", "a:p d:s", "b:x e:t", "a:x c:r b:n", "e:t",
                                          "d:s",         "c:r",     "",        "a:z"};
    ckpt_run r;
    ckpt_run_open(&r, build_concat, 0, in, NCKPT);
    run_batches(r.ssc, 0, NCKPT);
    /* b: last data at 4000, times out at 8000; e (5000) at 9000. */
    static const char *const want[NCKPT] = {"(a,p); (b,q); (c,r)",
                                            "(a,pp); (d,s)",
                                            "(b,removed); (e,t)",
                                            "(a,removed); (b,n); (c,rr)",
                                            "(e,tt)",
                                            "(d,ss)",
                                            "(c,rrr)",
                                            "(b,timeout,n)",
                                            "(a,z); (e,timeout,tt)"};
    for (int i = 0; i < NCKPT; i++) {
        char what[32];
        snprintf(what, sizeof what, "batch %d", i + 1);
        cu_expect(r.col.out[i], want[i], true, what);
    }
    ckpt_run_close(&r);
}

Test(state, load_rejects_a_damaged_record)
{
    static const char *const in[] = {"a:p b:q"};
    ckpt_run r;
    ckpt_run_open(&r, build_concat, 0, in, 1);
    run_batches(r.ssc, 0, 1);
    sp_ckpt_out full;
    save(&r, 1000, true, &full);
    sp_ckpt_in cut;
    sp_ckpt_in_init(&cut, full.buf, full.len - 2);
    cr_expect_eq(r.stateful->ops->load_state(r.stateful, 1000, true, &cut), SPATE_ERR_CORRUPT);
    cr_expect(strstr(spate_ctx_last_error(r.ssc), "state checkpoint"), "%s",
              spate_ctx_last_error(r.ssc));
    sp_ckpt_out_free(&full);
    ckpt_run_close(&r);
}

/* ---- memory: owned by the stores, per live key ------------------------------- */

/* Returns the previous state (from the store), then appends the value. */
static spate_value previous_state(spate_task *t, spate_value key, spate_value value,
                                  spate_state *st, void *ud)
{
    (void)ud;
    spate_arena *a = spate_task_arena(t);
    spate_value old = spate_cstr("-");
    if (spate_state_exists(st)) spate_state_get(st, &old);
    spate_value v = spate_item(value, 0);
    spate_state_update(st,
                       spate_str_printf(a, "%.*s%.*s", (int)key.len, key.u.s, (int)v.len, v.u.s));
    return spate_tuple2(a, key, old);
}

typedef struct kept_outputs {
    int n;
    spate_value *v[MAXB];
    size_t len[MAXB];
} kept_outputs;

/* Keeps the collected values themselves (valid while the batch is remembered). */
static spate_err keep_batch(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    kept_outputs *k = ud;
    if (k->n >= MAXB) return SPATE_OK;
    spate_err err = spate_rdd_collect(rdd, &k->v[k->n], &k->len[k->n]);
    k->n++;
    return err;
}

Test(state, outputs_do_not_point_into_state_that_later_batches_replace)
{
    char *dir;
    spate_ctx *ssc = state_ctx("local[2]", &dir);
    cr_assert_eq(spate_ctx_remember(ssc, spate_seconds(60)), SPATE_OK);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"k1:a k2:b", "k1:c k2:d", "k1:e"};
    push_batches(ssc, q, in, 3);
    kept_outputs mws = {0}, usk = {0};
    spate_stream_foreach_rdd(
        spate_stream_map_with_state(q, spate_state_spec_function(previous_state, NULL)), keep_batch,
        &mws);
    spate_stream_foreach_rdd(spate_stream_update_state_by_key(q, concat_update, NULL, 2),
                             keep_batch, &usk);
    run_batches(ssc, 0, 3);
    /* Every state was replaced since: these must be the batches' own copies. */
    static const char *const want_mws[] = {"(k1,-); (k2,-)", "(k1,k1a); (k2,k2b)", "(k1,k1c)"};
    static const char *const want_usk[] = {"(k1,a); (k2,b)", "(k1,ac); (k2,bd)",
                                           "(k1,ace); (k2,bd)"};
    cr_assert_eq(mws.n, 3);
    cr_assert_eq(usk.n, 3);
    for (int i = 0; i < 3; i++) {
        char *got = cu_format_all(mws.v[i], mws.len[i], true);
        cu_expect(got, want_mws[i], true, "mapWithState output kept");
        free(got);
        got = cu_format_all(usk.v[i], usk.len[i], true);
        cu_expect(got, want_usk[i], true, "updateStateByKey output kept");
        free(got);
    }
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

/* Appends a character, cycling the state through lengths 1..8. */
static spate_value cycle_state(spate_task *t, spate_value key, spate_value value, spate_state *st,
                               void *ud)
{
    (void)key, (void)value, (void)ud;
    spate_value old = spate_cstr("");
    if (spate_state_exists(st)) spate_state_get(st, &old);
    spate_value s = old.len >= 8
                        ? spate_cstr("z")
                        : spate_str_printf(spate_task_arena(t), "%.*sz", (int)old.len, old.u.s);
    spate_state_update(st, s);
    return spate_null();
}

Test(state, memory_follows_live_keys_not_batches)
{
    enum { KEYS = 200, BATCHES = 40 };
    char *dir;
    spate_ctx *ssc = state_ctx("local[2]", &dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    char *spec = malloc(KEYS * 16);
    spec[0] = '\0';
    for (int k = 0; k < KEYS; k++)
        sprintf(spec + strlen(spec), "%skey%d:v", k ? " " : "", k);
    for (int b = 0; b < BATCHES; b++)
        cr_assert_eq(spate_queue_stream_push(q, cu_rdd(ssc, spec, INPUT_PARTS)), SPATE_OK);
    free(spec);
    spate_stream *m = spate_stream_map_with_state(q, spate_state_spec_function(cycle_state, NULL));
    spate_stream_foreach_rdd(m, count_batch, NULL);
    run_batches(ssc, 0, 8);
    size_t keys8, bytes8, keys40, bytes40;
    sp_state_stream_usage(m, &keys8, &bytes8);
    run_batches(ssc, 8, BATCHES - 8); /* the same phase of the 8-length cycle */
    sp_state_stream_usage(m, &keys40, &bytes40);
    cr_expect_eq(keys8, KEYS);
    cr_expect_eq(keys40, KEYS);
    cr_expect_leq(bytes40, bytes8 + bytes8 / 10, "%zu bytes after 8 batches, %zu after %d", bytes8,
                  bytes40, BATCHES);
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

/* A stateful stream over a windowed one runs at the window's slide: state
 * updates every 2 s from the 4 s of data the window holds. */
Test(state, update_state_by_key_at_a_window_slide)
{
    char *dir;
    spate_ctx *ssc = state_ctx("local[2]", &dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"a:1", "a:1", "a:1", "a:1"};
    push_batches(ssc, q, in, 4);
    collected col = {.sorted = true};
    spate_stream *s =
        spate_stream_update_state_by_key(spate_stream_window(q, 4000, 2000), running_sum, NULL, 2);
    cr_assert_not_null(s, "%s", spate_ctx_last_error(ssc));
    cr_expect_eq(spate_stream_slide(s), 2000);
    spate_stream_foreach_rdd(s, collect_batch, &col);
    run_batches(ssc, 0, 4);
    spate_ctx_stop(ssc, true, false);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    cr_assert_eq(col.n, 2);
    cu_expect(col.out[0], "(a,2)", true, "at 2000 ms: 2 values");
    cu_expect(col.out[1], "(a,6)", true, "at 4000 ms: 2 + the window's 4");
    collected_free(&col);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

/* ---- only keys with new data cost work ------------------------------------- */

static spate_value count_calls(spate_task *t, spate_value key, spate_value value, spate_state *st,
                               void *ud)
{
    atomic_fetch_add((atomic_int *)ud, 1);
    return count_simple(t, key, value, st, NULL);
}

Test(state, map_with_state_calls_the_function_only_for_new_records)
{
    char *dir;
    spate_ctx *ssc = state_ctx("local[2]", &dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    char *many = malloc(100 * 16);
    many[0] = '\0';
    for (int k = 0; k < 100; k++)
        sprintf(many + strlen(many), "%sk%d:1", k ? " " : "", k);
    const char *in[] = {many, "k7:1", ""};
    push_batches(ssc, q, in, 3);
    free(many);
    atomic_int calls = 0;
    spate_state_spec *spec = spate_state_spec_function(count_calls, &calls);
    spate_state_spec_timeout(spec, spate_seconds(60)); /* the idle check finds nothing to do */
    spate_stream_foreach_rdd(spate_stream_map_with_state(q, spec), count_batch, NULL);
    run_batches(ssc, 0, 1);
    cr_expect_eq(atomic_load(&calls), 100);
    run_batches(ssc, 1, 1);
    cr_expect_eq(atomic_load(&calls), 101, "one record, one call (100 live keys)");
    run_batches(ssc, 2, 1);
    cr_expect_eq(atomic_load(&calls), 101, "no records, no calls");
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}

/* ---- a failed output does not make the state skip a batch ------------------ */

typedef struct failing_collect {
    int64_t fail_at; /* batch time whose output fails without reading the RDD */
    collected col;
} failing_collect;

static spate_err collect_or_fail(spate_rdd *rdd, int64_t time, void *ud)
{
    failing_collect *f = ud;
    if (time == f->fail_at) return SPATE_ERR_USER;
    return collect_batch(rdd, time, &f->col);
}

Test(state, a_batch_whose_output_failed_still_updates_the_state)
{
    char *dir;
    spate_ctx *ssc = state_ctx("local[2]", &dir);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    const char *in[] = {"a:1", "a:2", "a:4"};
    push_batches(ssc, q, in, 3);
    int64_t zero = spate_clock_now(spate_ctx_clock(ssc));
    failing_collect f = {.fail_at = zero + 2 * INTERVAL};
    spate_stream *sums = spate_stream_update_state_by_key(q, running_sum, NULL, 2);
    spate_stream_foreach_rdd(sums, collect_or_fail, &f);
    run_batches(ssc, 0, 3);
    cr_assert_eq(f.col.n, 2);
    cr_expect_str_eq(f.col.out[0], "(a,1)");
    cr_expect_str_eq(f.col.out[1], "(a,7)", "batch 2's value is in the state");
    collected_free(&f.col);
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    rm_dir(dir);
}
