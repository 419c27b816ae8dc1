/* Spark-conformance tests of the DStream layer (src/stream): queueStream
 * input with one RDD per batch, a manual clock advanced one interval at a
 * time, and spate_ctx_await_batch to wait (never a sleep). The tables follow
 * Spark's BasicOperationsSuite: input per batch -> expected output per batch.
 * Input elements are written as in conformance_util.h ("a:1" is a pair, "''"
 * the empty string); outputs as Scala prints them, joined with "; ". */
#include "conformance_util.h"

#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAXB = 8, INTERVAL = 1000, INPUT_PARTS = 2, WAIT_MS = 20000 };

/* ---- driving a context --------------------------------------------------- */

/* Pushes one RDD per batch spec (INPUT_PARTS partitions each). A NULL spec
 * pushes nothing: that batch finds the queue empty (only at the end). */
static void push_batches(spate_ctx *ssc, spate_stream *q, const char *const *batches, int n)
{
    for (int i = 0; i < n; i++)
        if (batches[i])
            cr_assert_eq(spate_queue_stream_push(q, cu_rdd(ssc, batches[i], INPUT_PARTS)),
                         SPATE_OK);
}

/* Starts the context and runs batches first+1 .. first+n intervals after 0. */
static void run_batches(spate_ctx *ssc, int first, int n)
{
    if (spate_ctx_get_state(ssc) == SPATE_CTX_INITIALIZED)
        cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    spate_duration iv = spate_ctx_batch_interval(ssc);
    for (int i = first + 1; i <= first + n; i++) {
        cr_assert_eq(spate_clock_advance(spate_ctx_clock(ssc), iv), SPATE_OK);
        cr_assert_eq(spate_ctx_await_batch(ssc, i * iv, WAIT_MS), SPATE_OK, "batch %lld ms",
                     (long long)(i * iv));
    }
}

/* What a foreachRDD output saw: one formatted string per batch. Written on
 * the job thread, read by the test after spate_ctx_await_batch (which
 * synchronizes through the context's lock). */
typedef struct collected {
    bool sorted;
    int n;
    int64_t times[MAXB];
    int nparts[MAXB];
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
        c->nparts[c->n] = spate_rdd_num_partitions(rdd);
        c->out[c->n++] = cu_format_all(v, n, c->sorted);
    }
    return SPATE_OK;
}

static void collected_free(collected *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->out[i]);
    c->n = 0;
}

/* ---- callbacks ----------------------------------------------------------- */

static spate_value plus(spate_task *t, spate_value v, void *ud)
{
    (void)t;
    return spate_i64(v.u.i + *(const int *)ud);
}

static const int FOUR = 4, EIGHT = 8, TEN = 10;

static spate_value pair_x(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), v, spate_cstr("x"));
}

static spate_rdd *to_strings(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time, (void)ud;
    return spate_rdd_map(rdd, spate_fn_to_string, NULL);
}

static spate_rdd *sort_desc(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time, (void)ud;
    return spate_rdd_sort_by(rdd, NULL, NULL, false, 2);
}

static spate_rdd *join_rdds(spate_rdd *a, spate_rdd *b, int64_t time, void *ud)
{
    (void)time, (void)ud;
    return spate_rdd_join(a, b, 0);
}

/* ---- the table ----------------------------------------------------------- */

static spate_stream *o_map(spate_stream *s) { return spate_stream_map(s, times_three, NULL); }
static spate_stream *o_map_string(spate_stream *s)
{
    return spate_stream_map(s, spate_fn_to_string, NULL);
}
static spate_stream *o_flat_map(spate_stream *s)
{
    return spate_stream_flat_map(s, x_and_double, NULL);
}
static spate_stream *o_filter(spate_stream *s) { return spate_stream_filter(s, is_even, NULL); }
static spate_stream *o_glom(spate_stream *s) { return spate_stream_glom(s); }
static spate_stream *o_map_partitions(spate_stream *s)
{
    return spate_stream_map_partitions(s, sum_partition, NULL);
}
static spate_stream *o_reduce(spate_stream *s)
{
    return spate_stream_reduce(s, spate_fn_sum, NULL);
}
static spate_stream *o_count(spate_stream *s) { return spate_stream_count(s); }
static spate_stream *o_count_by_value(spate_stream *s) { return spate_stream_count_by_value(s, 0); }
static spate_stream *ones(spate_stream *s)
{
    return spate_stream_map(s, spate_fn_pair_with_one, NULL);
}
static spate_stream *o_group_by_key(spate_stream *s)
{
    return spate_stream_group_by_key(ones(s), 0);
}
static spate_stream *o_reduce_by_key(spate_stream *s)
{
    return spate_stream_reduce_by_key(ones(s), spate_fn_sum, NULL, 0);
}
static spate_stream *o_combine_by_key(spate_stream *s)
{
    spate_stream *c =
        spate_stream_combine_by_key(s, avg_create, avg_merge_value, avg_merge_combiners, NULL, 2);
    return spate_stream_map_values(c, avg_finish, NULL);
}
static spate_stream *o_map_values(spate_stream *s)
{
    return spate_stream_map_values(o_reduce_by_key(s), plus, (void *)&TEN);
}
static spate_stream *o_flat_map_values(spate_stream *s)
{
    return spate_stream_flat_map_values(o_reduce_by_key(s), x_and_plus_ten, NULL);
}
static spate_stream *o_union(spate_stream *s)
{
    return spate_stream_union(s, spate_stream_map(s, plus, (void *)&FOUR));
}
static spate_stream *o_ctx_union(spate_stream *s)
{
    spate_stream *three[3] = {s, spate_stream_map(s, plus, (void *)&FOUR),
                              spate_stream_map(s, plus, (void *)&EIGHT)};
    return spate_ctx_union(spate_stream_ctx(s), three, 3);
}
static spate_stream *o_transform(spate_stream *s)
{
    return spate_stream_transform(s, to_strings, NULL);
}
static spate_stream *o_transform_sort(spate_stream *s)
{
    return spate_stream_transform(s, sort_desc, NULL);
}

static spate_stream *o_transform_with(spate_stream *a, spate_stream *b)
{
    return spate_stream_transform_with(ones(a), spate_stream_map(b, pair_x, NULL), join_rdds, NULL);
}
static spate_stream *o_cogroup(spate_stream *a, spate_stream *b)
{
    return spate_stream_cogroup(ones(a), spate_stream_map(b, pair_x, NULL), 0);
}
static spate_stream *o_join(spate_stream *a, spate_stream *b)
{
    return spate_stream_join(ones(a), spate_stream_map(b, pair_x, NULL), 0);
}
static spate_stream *o_left_outer_join(spate_stream *a, spate_stream *b)
{
    return spate_stream_left_outer_join(ones(a), spate_stream_map(b, pair_x, NULL), 0);
}
static spate_stream *o_right_outer_join(spate_stream *a, spate_stream *b)
{
    return spate_stream_right_outer_join(ones(a), spate_stream_map(b, pair_x, NULL), 0);
}
static spate_stream *o_full_outer_join(spate_stream *a, spate_stream *b)
{
    return spate_stream_full_outer_join(ones(a), spate_stream_map(b, pair_x, NULL), 3);
}

typedef struct stream_case {
    const char *name;
    spate_stream *(*op1)(spate_stream *in);
    spate_stream *(*op2)(spate_stream *a, spate_stream *b);
    bool sorted; /* compare each batch as a multiset */
    int nbatches;
    const char *in1[MAXB], *in2[MAXB];
    const char *want[MAXB];
} stream_case;

#define N3 "1 2 3 4", "5 6 7 8", "9 10 11 12"
#define WORDS "a a b", "'' ''", ""
#define JOIN_IN1                                                                                   \
    {                                                                                              \
        "a b", "a ''", "''", ""                                                                    \
    }
#define JOIN_IN2                                                                                   \
    {                                                                                              \
        "a b", "b ''", "", "''"                                                                    \
    }

static const stream_case CASES[] = {
    {"map", o_map, NULL, false, 3, {N3}, {0}, {"3; 6; 9; 12", "15; 18; 21; 24", "27; 30; 33; 36"}},
    {"map toString",
     o_map_string,
     NULL,
     false,
     3,
     {N3},
     {0},
     {"1; 2; 3; 4", "5; 6; 7; 8", "9; 10; 11; 12"}},
    {"flatMap",
     o_flat_map,
     NULL,
     false,
     3,
     {N3},
     {0},
     {"1; 2; 2; 4; 3; 6; 4; 8", "5; 10; 6; 12; 7; 14; 8; 16", "9; 18; 10; 20; 11; 22; 12; 24"}},
    {"filter", o_filter, NULL, false, 3, {N3}, {0}, {"2; 4", "6; 8", "10; 12"}},
    {"glom",
     o_glom,
     NULL,
     false,
     3,
     {N3},
     {0},
     {"Array(1, 2); Array(3, 4)", "Array(5, 6); Array(7, 8)", "Array(9, 10); Array(11, 12)"}},
    {"mapPartitions", o_map_partitions, NULL, true, 3, {N3}, {0}, {"3; 7", "11; 15", "19; 23"}},
    {"reduce", o_reduce, NULL, false, 4, {N3, ""}, {0}, {"10", "26", "42", ""}},
    {"count",
     o_count,
     NULL,
     false,
     5,
     {"", "1", "1 2", "1 2 3", "1 2 3 4"},
     {0},
     {"0", "1", "2", "3", "4"}},
    {"countByValue",
     o_count_by_value,
     NULL,
     true,
     4,
     {"1", "1 1 1", "1 2", "1 1 2 2"},
     {0},
     {"(1,1)", "(1,3)", "(1,1); (2,1)", "(2,2); (1,2)"}},
    {"glom of an empty queue", o_glom, NULL, false, 2, {"1", NULL}, {0}, {"Array(); Array(1)", ""}},
    {"reduce of an empty queue", o_reduce, NULL, false, 2, {"1 2", NULL}, {0}, {"3", ""}},
    {"count of an empty queue", o_count, NULL, false, 3, {"1 2", NULL, NULL}, {0}, {"2", "0", "0"}},
    {"groupByKey",
     o_group_by_key,
     NULL,
     true,
     3,
     {WORDS},
     {0},
     {"(a,List(1, 1)); (b,List(1))", "(,List(1, 1))", ""}},
    {"reduceByKey", o_reduce_by_key, NULL, true, 3, {WORDS}, {0}, {"(a,2); (b,1)", "(,2)", ""}},
    {"combineByKey average",
     o_combine_by_key,
     NULL,
     true,
     3,
     {"a:1 b:2 a:3", "c:5 c:6", ""},
     {0},
     {"(a,2.0); (b,2.0)", "(c,5.5)", ""}},
    {"mapValues", o_map_values, NULL, true, 3, {WORDS}, {0}, {"(a,12); (b,11)", "(,12)", ""}},
    {"flatMapValues",
     o_flat_map_values,
     NULL,
     true,
     3,
     {WORDS},
     {0},
     {"(a,2); (a,12); (b,1); (b,11)", "(,2); (,12)", ""}},
    {"union",
     o_union,
     NULL,
     false,
     3,
     {"1 2 3 4", "101 102 103 104", "201 202 203 204"},
     {0},
     {"1; 2; 3; 4; 5; 6; 7; 8", "101; 102; 103; 104; 105; 106; 107; 108",
      "201; 202; 203; 204; 205; 206; 207; 208"}},
    {"StreamingContext.union",
     o_ctx_union,
     NULL,
     false,
     2,
     {"1 2 3 4", "101 102 103 104"},
     {0},
     {"1; 2; 3; 4; 5; 6; 7; 8; 9; 10; 11; 12",
      "101; 102; 103; 104; 105; 106; 107; 108; 109; 110; 111; 112"}},
    {"transform",
     o_transform,
     NULL,
     false,
     3,
     {N3},
     {0},
     {"1; 2; 3; 4", "5; 6; 7; 8", "9; 10; 11; 12"}},
    {"transform with sortBy",
     o_transform_sort,
     NULL,
     false,
     3,
     {"3 1 2", "", "5 9 7 8"},
     {0},
     {"3; 2; 1", "", "9; 8; 7; 5"}},
    {"transformWith join",
     NULL,
     o_transform_with,
     true,
     4,
     JOIN_IN1,
     JOIN_IN2,
     {"(a,(1,x)); (b,(1,x))", "(,(1,x))", "", ""}},
    {"cogroup",
     NULL,
     o_cogroup,
     true,
     4,
     {"a a b", "a ''", "''", ""},
     {"a a b", "b ''", "", ""},
     {"(a,(List(1, 1),List(x, x))); (b,(List(1),List(x)))",
      "(a,(List(1),List())); (b,(List(),List(x))); (,(List(1),List(x)))", "(,(List(1),List()))",
      ""}},
    {"join",
     NULL,
     o_join,
     true,
     4,
     JOIN_IN1,
     JOIN_IN2,
     {"(a,(1,x)); (b,(1,x))", "(,(1,x))", "", ""}},
    {"leftOuterJoin",
     NULL,
     o_left_outer_join,
     true,
     4,
     JOIN_IN1,
     JOIN_IN2,
     {"(a,(1,Some(x))); (b,(1,Some(x)))", "(,(1,Some(x))); (a,(1,None))", "(,(1,None))", ""}},
    {"rightOuterJoin",
     NULL,
     o_right_outer_join,
     true,
     4,
     JOIN_IN1,
     JOIN_IN2,
     {"(a,(Some(1),x)); (b,(Some(1),x))", "(,(Some(1),x)); (b,(None,x))", "", "(,(None,x))"}},
    {"join with an empty queue",
     NULL,
     o_join,
     true,
     2,
     {"a b", "a"},
     {"a", NULL},
     {"(a,(1,x))", ""}},
    {"leftOuterJoin with an empty queue",
     NULL,
     o_left_outer_join,
     true,
     2,
     {"a b", "a"},
     {"a", NULL},
     {"(a,(1,Some(x))); (b,(1,None))", "(a,(1,None))"}},
    {"fullOuterJoin",
     NULL,
     o_full_outer_join,
     true,
     4,
     JOIN_IN1,
     JOIN_IN2,
     {"(a,(Some(1),Some(x))); (b,(Some(1),Some(x)))",
      "(,(Some(1),Some(x))); (a,(Some(1),None)); (b,(None,Some(x)))", "(,(Some(1),None))",
      "(,(None,Some(x)))"}},
};

enum { NCASES = sizeof CASES / sizeof CASES[0] };

static void run_case(const stream_case *c, const char *master)
{
    spate_ctx *ssc = cu_ctx(master, INTERVAL);
    spate_stream *a = spate_queue_stream(ssc, true, NULL);
    spate_stream *b = c->op2 ? spate_queue_stream(ssc, true, NULL) : NULL;
    push_batches(ssc, a, c->in1, c->nbatches);
    if (b) push_batches(ssc, b, c->in2, c->nbatches);
    spate_stream *out = c->op1 ? c->op1(a) : c->op2(a, b);
    cr_assert_not_null(out, "%s: %s", c->name, spate_ctx_last_error(ssc));
    collected col = {.sorted = c->sorted};
    cr_assert_eq(spate_stream_foreach_rdd(out, collect_batch, &col), SPATE_OK);
    run_batches(ssc, 0, c->nbatches);
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(col.n, c->nbatches, "%s [%s]: %d batches", c->name, master, col.n);
    for (int i = 0; i < c->nbatches; i++) {
        char what[160];
        snprintf(what, sizeof what, "%s [%s] batch %d", c->name, master, i + 1);
        cr_expect_eq(col.times[i], (int64_t)(i + 1) * INTERVAL, "%s: time", what);
        cu_expect(col.out[i], c->want[i], c->sorted, what);
    }
    collected_free(&col);
    spate_ctx_destroy(ssc);
}

/* Criterion runs each parameter in a fresh worker process (another address
 * space), so the parameters are indices into CASES, not pointers. */
CU_CASE_INDICES(dstream, conformance, NCASES)

ParameterizedTest(int *index, dstream, conformance)
{
    for (int m = 0; m < CU_NMASTERS; m++)
        run_case(&CASES[*index], CU_MASTERS[m]);
}

/* ---- repartition ---------------------------------------------------------- */

typedef struct part_stats {
    int n;
    int nparts[MAXB];
    int64_t count[MAXB], sum[MAXB];
} part_stats;

static spate_err record_parts(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    part_stats *p = ud;
    spate_value *v;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &v, &n);
    if (err || p->n >= MAXB) return err;
    p->nparts[p->n] = spate_rdd_num_partitions(rdd);
    p->count[p->n] = (int64_t)n;
    p->sum[p->n] = 0;
    for (size_t i = 0; i < n; i++)
        p->sum[p->n] += v[i].u.i;
    p->n++;
    return SPATE_OK;
}

/* BasicOperationsSuite: repartition to more (2 -> 5) and fewer (5 -> 2). */
static void repartition_case(int in_parts, int out_parts)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    for (int b = 0; b < 3; b++)
        spate_queue_stream_push(q, cu_range(ssc, b * 100 + 1, b * 100 + 100, in_parts));
    part_stats p = {0};
    spate_stream_foreach_rdd(spate_stream_repartition(q, out_parts), record_parts, &p);
    run_batches(ssc, 0, 3);
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(p.n, 3);
    for (int b = 0; b < 3; b++) {
        cr_expect_eq(p.nparts[b], out_parts, "batch %d: %d partitions", b, p.nparts[b]);
        cr_expect_eq(p.count[b], 100);
        cr_expect_eq(p.sum[b], 100 * (b * 100) + 5050);
    }
    spate_ctx_destroy(ssc);
}

Test(dstream, repartition_more_partitions) { repartition_case(2, 5); }
Test(dstream, repartition_fewer_partitions) { repartition_case(5, 2); }

/* ---- slice and remember ------------------------------------------------- */

typedef struct slice_log {
    spate_stream *stream;
    int64_t from_offset; /* slice [time - from_offset, time] */
    char *seen[MAXB];
    int n;
    spate_err bad_err;
} slice_log;

static spate_err slice_each(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)rdd;
    slice_log *l = ud;
    int64_t from = time - l->from_offset < INTERVAL ? INTERVAL : time - l->from_offset;
    spate_rdd **rdds;
    int n;
    spate_err err = spate_stream_slice(l->stream, from, time, &rdds, &n);
    if (err) return err;
    char **items = calloc((size_t)n + 1, sizeof *items);
    for (int i = 0; i < n; i++) {
        spate_value *v;
        size_t len;
        if ((err = spate_rdd_collect(rdds[i], &v, &len))) return err;
        items[i] = cu_format_all(v, len, false);
    }
    if (l->n < MAXB) l->seen[l->n++] = cu_join(items, (size_t)n, false);
    free(items);
    spate_rdd **none;
    int nnone;
    l->bad_err = spate_stream_slice(l->stream, time + 1, time + 1, &none, &nnone);
    return SPATE_OK;
}

Test(dstream, slice_from_foreach_rdd_with_remember)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"1", "2 2", "3", "4", "5"};
    push_batches(ssc, q, in, 5);
    cr_assert_eq(spate_ctx_remember(ssc, spate_seconds(5)), SPATE_OK);
    slice_log log = {.stream = q, .from_offset = 3 * INTERVAL};
    cr_assert_eq(spate_stream_foreach_rdd(q, slice_each, &log), SPATE_OK);
    run_batches(ssc, 0, 5);
    cr_expect_eq(spate_ctx_remember(ssc, spate_seconds(9)), SPATE_ERR_STATE,
                 "remember is for before start");
    spate_ctx_stop(ssc, true, false);
    static const char *const want[] = {"1", "1; 2; 2", "1; 2; 2; 3", "1; 2; 2; 3; 4",
                                       "2; 2; 3; 4; 5"};
    cr_assert_eq(log.n, 5);
    for (int i = 0; i < 5; i++) {
        cu_expect(log.seen[i], want[i], false, "slice in time order");
        free(log.seen[i]);
    }
    cr_expect_eq(log.bad_err, SPATE_ERR_INVALID_ARG, "a time that is no batch time");
    /* After stop, the remembered RDDs can still be sliced and run. */
    spate_rdd **rdds;
    int n;
    cr_assert_eq(spate_stream_slice(q, 1000, 5000, &rdds, &n), SPATE_OK);
    cr_expect_eq(n, 5, "remember(5 s) keeps all five batches");
    if (n == 5) {
        char *got = cu_collect(rdds[4], false);
        cu_expect(got, "5", false, "the newest RDD after stop");
        free(got);
    }
    spate_ctx_destroy(ssc);
}

/* ---- output operations --------------------------------------------------- */

typedef struct order_log {
    char text[512];
} order_log;

typedef struct order_out {
    order_log *log;
    const char *tag;
} order_out;

static spate_err log_order(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)rdd;
    order_out *o = ud;
    size_t len = strlen(o->log->text);
    snprintf(o->log->text + len, sizeof o->log->text - len, "%s@%lld ", o->tag, (long long)time);
    return SPATE_OK;
}

Test(dstream, outputs_run_in_definition_order)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    spate_stream *m = spate_stream_map(q, times_three, NULL);
    order_log log = {{0}};
    order_out outs[] = {{&log, "A"}, {&log, "B"}, {&log, "C"}};
    cr_assert_eq(spate_stream_foreach_rdd(m, log_order, &outs[0]), SPATE_OK);
    cr_assert_eq(spate_stream_foreach_rdd(q, log_order, &outs[1]), SPATE_OK);
    cr_assert_eq(spate_stream_foreach_rdd(m, log_order, &outs[2]), SPATE_OK);
    run_batches(ssc, 0, 3);
    spate_ctx_stop(ssc, true, false);
    cr_expect_str_eq(log.text, "A@1000 B@1000 C@1000 A@2000 B@2000 C@2000 A@3000 B@3000 C@3000 ");
    spate_ctx_destroy(ssc);
}

#define DASHES "-------------------------------------------\n"

typedef struct print_case {
    int num;
    const char *batches[3];
    const char *want;
} print_case;

static const print_case PRINT_CASES[] = {
    {3,
     {"a b c d", "a b c", ""},
     DASHES "Time: 1000 ms\n" DASHES "a\nb\nc\n...\n\n" DASHES "Time: 2000 ms\n" DASHES
            "a\nb\nc\n\n" DASHES "Time: 3000 ms\n" DASHES "\n"},
    {10,
     {"a:1 b:2", "1", "x"},
     DASHES "Time: 1000 ms\n" DASHES "(a,1)\n(b,2)\n\n" DASHES "Time: 2000 ms\n" DASHES
            "1\n\n" DASHES "Time: 3000 ms\n" DASHES "x\n\n"},
    {0,
     {"a", "", "a b"},
     DASHES "Time: 1000 ms\n" DASHES "...\n\n" DASHES "Time: 2000 ms\n" DASHES "\n" DASHES
            "Time: 3000 ms\n" DASHES "...\n\n"},
};

Test(dstream, print_format)
{
    for (size_t c = 0; c < sizeof PRINT_CASES / sizeof PRINT_CASES[0]; c++) {
        const print_case *pc = &PRINT_CASES[c];
        spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
        spate_stream *q = spate_queue_stream(ssc, true, NULL);
        push_batches(ssc, q, pc->batches, 3);
        char *printed = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&printed, &len);
        cr_assert_eq(spate_stream_print_to(q, pc->num, mem), SPATE_OK);
        run_batches(ssc, 0, 3);
        spate_ctx_stop(ssc, true, false);
        fclose(mem);
        cr_expect_str_eq(printed, pc->want, "print(%d):\n%s", pc->num, printed);
        free(printed);
        spate_ctx_destroy(ssc);
    }
}

Test(dstream, print_rejects_a_negative_count)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_expect_eq(spate_stream_print_to(q, -1, stdout), SPATE_ERR_INVALID_ARG);
    spate_ctx_destroy(ssc);
}

/* ---- saveAsTextFiles ----------------------------------------------------- */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char *buf = calloc(1, 4096);
    size_t n = fread(buf, 1, 4095, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* The parts of one batch directory, concatenated, and their count. */
static char *read_parts(const char *dir, int *nparts)
{
    char *all = calloc(1, 8192);
    *nparts = 0;
    for (int p = 0; p < 100; p++) {
        char path[1100];
        snprintf(path, sizeof path, "%s/part-%05d", dir, p);
        char *text = read_file(path);
        if (!text) break;
        strcat(all, text);
        free(text);
        (*nparts)++;
    }
    return all;
}

static void expect_no_hidden_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            cr_expect(false, "a temporary entry remains: %s/%s", dir, e->d_name);
    closedir(d);
}

static void save_case(const char *suffix, const char *ext)
{
    char dir[] = "/tmp/spate-save-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s/out/words", dir);
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"a b c", "", "d:1"};
    push_batches(ssc, q, in, 3);
    cr_assert_eq(spate_stream_save_as_text_files(q, prefix, suffix), SPATE_OK);
    run_batches(ssc, 0, 4); /* the fourth batch finds the queue empty */
    spate_ctx_stop(ssc, true, false);
    static const char *const want[] = {"a\nb\nc\n", "", "(d,1)\n", ""};
    for (int b = 0; b < 4; b++) {
        char batch_dir[512], success[600];
        snprintf(batch_dir, sizeof batch_dir, "%s-%d%s", prefix, (b + 1) * INTERVAL, ext);
        snprintf(success, sizeof success, "%s/_SUCCESS", batch_dir);
        cr_expect(exists(success), "%s exists", success);
        int nparts;
        char *text = read_parts(batch_dir, &nparts);
        cr_expect_str_eq(text, want[b], "%s", batch_dir);
        if (b == 0) cr_expect_eq(nparts, INPUT_PARTS, "one part file per partition");
        free(text);
    }
    char out_dir[300];
    snprintf(out_dir, sizeof out_dir, "%s/out", dir);
    expect_no_hidden_entries(out_dir);
    spate_ctx_destroy(ssc);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(dstream, save_as_text_files_with_suffix) { save_case("txt", ".txt"); }
Test(dstream, save_as_text_files_without_suffix) { save_case(NULL, ""); }
Test(dstream, save_as_text_files_empty_suffix) { save_case("", ""); }

/* A batch run again after a crash replaces its earlier output and removes
 * what the killed process left half-written. */
Test(dstream, save_as_text_files_replaces_a_rerun_batch_and_its_leftovers)
{
    char dir[] = "/tmp/spate-save-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char prefix[256], path[600];
    snprintf(prefix, sizeof prefix, "%s/words", dir);
    const char *stale[] = {"%s-%d.txt", "%s/.words-%d.txt.tmp", "%s/.words-%d.txt.old"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, stale[i], i ? dir : prefix, INTERVAL);
        cr_assert_eq(mkdir(path, 0755), 0, "%s", path);
        strcat(path, "/part-00000");
        FILE *f = fopen(path, "w");
        fputs("stale\n", f);
        fclose(f);
    }
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"fresh"};
    push_batches(ssc, q, in, 1);
    cr_assert_eq(spate_stream_save_as_text_files(q, prefix, "txt"), SPATE_OK);
    run_batches(ssc, 0, 1);
    spate_ctx_stop(ssc, true, false);
    snprintf(path, sizeof path, "%s-%d.txt", prefix, INTERVAL);
    int nparts;
    char *text = read_parts(path, &nparts);
    cr_expect_str_eq(text, "fresh\n");
    free(text);
    expect_no_hidden_entries(dir);
    spate_ctx_destroy(ssc);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- batch times --------------------------------------------------------- */

Test(dstream, batch_times_are_multiples_of_the_interval)
{
    spate_ctx *ssc = cu_ctx("local[1]", 500);
    cr_assert_eq(spate_clock_set(spate_ctx_clock(ssc), 12345), SPATE_OK);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    collected col = {0};
    cr_assert_eq(spate_stream_foreach_rdd(q, collect_batch, &col), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    for (int i = 1; i <= 4; i++) {
        spate_clock_advance(spate_ctx_clock(ssc), 500);
        cr_assert_eq(spate_ctx_await_batch(ssc, 12000 + i * 500, WAIT_MS), SPATE_OK);
    }
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(col.n, 4);
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(col.times[i] % 500, 0, "batch time %lld", (long long)col.times[i]);
        cr_expect_eq(col.times[i], 12500 + i * 500);
    }
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_expect_eq(st.batches_completed, 4);
    cr_expect_eq(st.last_batch_ms, 14000);
    collected_free(&col);
    spate_ctx_destroy(ssc);
}

/* ---- life cycle rules ---------------------------------------------------- */

static spate_err nop_output(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)rdd, (void)time, (void)ud;
    return SPATE_OK;
}

Test(dstream, no_new_streams_after_start)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_eq(spate_stream_foreach_rdd(q, nop_output, NULL), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    cr_expect_eq(spate_ctx_get_state(ssc), SPATE_CTX_ACTIVE);
    cr_expect_null(spate_stream_map(q, times_three, NULL));
    cr_expect(strstr(spate_ctx_last_error(ssc), "after starting"), "\"%s\"",
              spate_ctx_last_error(ssc));
    cr_expect_null(spate_queue_stream(ssc, true, NULL));
    cr_expect_null(spate_stream_union(q, q));
    cr_expect_null(spate_stream_count(q));
    cr_expect_eq(spate_stream_foreach_rdd(q, nop_output, NULL), SPATE_ERR_STATE);
    cr_expect_eq(spate_stream_print(q, 10), SPATE_ERR_STATE);
    cr_expect(strstr(spate_ctx_last_error(ssc), "after starting"));
    cr_expect_eq(spate_ctx_start(ssc), SPATE_ERR_STATE, "start twice");
    cr_expect_eq(spate_ctx_stop(ssc, true, false), SPATE_OK);
    cr_expect_eq(spate_ctx_get_state(ssc), SPATE_CTX_STOPPED);
    cr_expect_eq(spate_ctx_start(ssc), SPATE_ERR_STATE, "start after stop");
    cr_expect_eq(spate_ctx_stop(ssc, true, false), SPATE_OK, "stop is idempotent");
    cr_expect_null(spate_stream_map(q, times_three, NULL));
    spate_ctx_destroy(ssc);
}

Test(dstream, start_without_outputs_fails)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_not_null(spate_stream_map(q, times_three, NULL));
    cr_expect_neq(spate_ctx_start(ssc), SPATE_OK);
    cr_expect(strstr(spate_ctx_last_error(ssc), "No output operations registered"), "\"%s\"",
              spate_ctx_last_error(ssc));
    cr_expect_eq(spate_ctx_get_state(ssc), SPATE_CTX_INITIALIZED);
    spate_ctx_destroy(ssc);
}

Test(dstream, stop_before_start_then_start_fails)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_eq(spate_stream_foreach_rdd(q, nop_output, NULL), SPATE_OK);
    cr_expect_eq(spate_ctx_stop(ssc, true, false), SPATE_OK);
    cr_expect_eq(spate_ctx_start(ssc), SPATE_ERR_STATE);
    spate_ctx_destroy(ssc);
}

Test(dstream, streams_of_two_contexts_do_not_mix)
{
    spate_ctx *a = cu_ctx("local[1]", INTERVAL), *b = cu_ctx("local[1]", INTERVAL);
    spate_stream *qa = spate_queue_stream(a, true, NULL), *qb = spate_queue_stream(b, true, NULL);
    cr_expect_null(spate_stream_union(qa, qb));
    cr_expect_null(spate_stream_join(qa, qb, 0));
    cr_expect_neq(spate_queue_stream_push(qa, cu_rdd(b, "1", 1)), SPATE_OK,
                  "an RDD of another context");
    spate_ctx_destroy(a);
    spate_ctx_destroy(b);
}

Test(dstream, two_contexts_run_independently)
{
    spate_ctx *a = cu_ctx("local[2]", INTERVAL), *b = cu_ctx("local[1]", 500);
    spate_stream *qa = spate_queue_stream(a, true, NULL), *qb = spate_queue_stream(b, true, NULL);
    static const char *const in_a[] = {"1 2", "3"}, *const in_b[] = {"x", "y z", "w"};
    push_batches(a, qa, in_a, 2);
    push_batches(b, qb, in_b, 3);
    collected ca = {0}, cb = {0};
    spate_stream_foreach_rdd(spate_stream_count(qa), collect_batch, &ca);
    spate_stream_foreach_rdd(qb, collect_batch, &cb);
    cr_assert_eq(spate_ctx_start(a), SPATE_OK);
    cr_assert_eq(spate_ctx_start(b), SPATE_OK);
    run_batches(a, 0, 2);
    cr_expect_eq(cb.n, 0, "b's clock has not moved");
    run_batches(b, 0, 3);
    cr_expect_eq(ca.n, 2, "a ran only its own batches");
    spate_ctx_stop(a, true, false);
    cr_expect_eq(spate_ctx_get_state(b), SPATE_CTX_ACTIVE, "stopping a leaves b running");
    spate_ctx_stop(b, true, false);
    cr_assert_eq(ca.n, 2);
    cr_assert_eq(cb.n, 3);
    cu_expect(ca.out[0], "2", false, "a batch 1");
    cu_expect(ca.out[1], "1", false, "a batch 2");
    cu_expect(cb.out[1], "y; z", false, "b batch 2");
    cr_expect_eq(cb.times[2], 1500);
    collected_free(&ca);
    collected_free(&cb);
    spate_ctx_destroy(a);
    spate_ctx_destroy(b);
}

Test(dstream, await_termination_or_timeout)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    spate_stream_foreach_rdd(q, nop_output, NULL);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    bool terminated = true;
    cr_expect_eq(spate_ctx_await_termination_or_timeout(ssc, 50, &terminated), SPATE_OK);
    cr_expect(!terminated, "timed out while running");
    run_batches(ssc, 0, 1);
    spate_ctx_stop(ssc, true, false);
    cr_expect_eq(spate_ctx_await_termination_or_timeout(ssc, 50, &terminated), SPATE_OK);
    cr_expect(terminated, "stopped");
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_OK);
    spate_ctx_destroy(ssc);
}

/* ---- failures ------------------------------------------------------------ */

static spate_value fail_on_13(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    if (v.type == SPATE_I64 && v.u.i == 13) spate_task_fail(t, "unlucky %lld", (long long)v.u.i);
    return v;
}

Test(dstream, failing_callback_fails_its_batch_only)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"1 2", "12 13 14", "3"};
    push_batches(ssc, q, in, 3);
    collected col = {0};
    spate_stream_foreach_rdd(spate_stream_map(q, fail_on_13, NULL), collect_batch, &col);
    run_batches(ssc, 0, 3);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_ERR_USER);
    cr_expect(strstr(spate_ctx_last_error(ssc), "unlucky 13"), "\"%s\"", spate_ctx_last_error(ssc));
    cr_assert_eq(col.n, 2, "batches 1 and 3 delivered");
    cu_expect(col.out[0], "1; 2", false, "batch 1");
    cu_expect(col.out[1], "3", false, "batch 3 still runs");
    cr_expect_eq(col.times[1], 3000);
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    cr_expect_eq(st.batches_completed, 3);
    cr_expect_eq(st.batches_failed, 1);
    spate_ctx_stop(ssc, true, false);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_OK, "the error is reported once");
    collected_free(&col);
    spate_ctx_destroy(ssc);
}

static spate_err fail_at_1000(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)rdd;
    int *calls = ud;
    (*calls)++;
    return time == 1000 ? SPATE_ERR_IO : SPATE_OK;
}

Test(dstream, foreach_rdd_error_fails_the_batch)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    int calls = 0;
    spate_stream_foreach_rdd(q, fail_at_1000, &calls);
    run_batches(ssc, 0, 3);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_ERR_IO);
    cr_expect_neq(spate_ctx_last_error(ssc)[0], '\0', "the error has a message");
    spate_ctx_stop(ssc, true, false);
    cr_expect_eq(calls, 3, "later batches still run");
    spate_ctx_destroy(ssc);
}

static spate_rdd *no_rdd(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)rdd, (void)time, (void)ud;
    return NULL;
}

Test(dstream, transform_returning_null_fails_the_batch)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    spate_stream_foreach_rdd(spate_stream_transform(q, no_rdd, NULL), nop_output, NULL);
    run_batches(ssc, 0, 1);
    cr_expect_neq(spate_ctx_await_termination(ssc), SPATE_OK);
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
}

Test(dstream, graceful_stop_finishes)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"1", "2", "3"};
    push_batches(ssc, q, in, 3);
    collected col = {0};
    spate_stream_foreach_rdd(q, collect_batch, &col);
    run_batches(ssc, 0, 2);
    cr_expect_eq(spate_ctx_stop(ssc, true, true), SPATE_OK);
    cr_expect_eq(spate_ctx_get_state(ssc), SPATE_CTX_STOPPED);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_OK);
    cr_expect_eq(col.n, 2, "the batches that were due ran, no more");
    cr_expect_eq(spate_ctx_await_batch(ssc, 3000, 100), SPATE_ERR_STATE,
                 "no batch comes after stop");
    collected_free(&col);
    spate_ctx_destroy(ssc);
}

/* A queue with a default RDD: empty batches get the default's elements. */
Test(dstream, queue_default_rdd_and_one_at_a_time_false)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *def = spate_queue_stream(ssc, true, cu_rdd(ssc, "d", 1));
    spate_stream *all = spate_queue_stream(ssc, false, NULL);
    spate_queue_stream_push(def, cu_rdd(ssc, "1", 1));
    spate_queue_stream_push(all, cu_rdd(ssc, "1 2", 2));
    spate_queue_stream_push(all, cu_rdd(ssc, "3", 1));
    collected cd = {0}, ca = {0};
    spate_stream_foreach_rdd(def, collect_batch, &cd);
    spate_stream_foreach_rdd(all, collect_batch, &ca);
    run_batches(ssc, 0, 3);
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(cd.n, 3);
    cu_expect(cd.out[0], "1", false, "queued first");
    cu_expect(cd.out[1], "d", false, "then the default");
    cu_expect(cd.out[2], "d", false, "again");
    cr_assert_eq(ca.n, 3);
    cu_expect(ca.out[0], "1; 2; 3", false, "all queued RDDs at once");
    cr_expect_eq(ca.nparts[0], 3, "their union");
    cu_expect(ca.out[1], "", false, "then nothing");
    collected_free(&cd);
    collected_free(&ca);
    spate_ctx_destroy(ssc);
}

/* Spark runs every output operation of a batch as its own job: one failing
 * does not keep the next from running. */
Test(dstream, a_failing_output_does_not_skip_the_next)
{
    spate_ctx *ssc = cu_ctx("local[1]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"1", "2"};
    push_batches(ssc, q, in, 2);
    int calls = 0;
    collected col = {0};
    spate_stream_foreach_rdd(q, fail_at_1000, &calls);
    spate_stream_foreach_rdd(q, collect_batch, &col);
    run_batches(ssc, 0, 2);
    cr_expect_eq(spate_ctx_await_termination(ssc), SPATE_ERR_IO);
    spate_ctx_stop(ssc, true, false);
    cr_expect_eq(calls, 2);
    cr_assert_eq(col.n, 2, "the second output saw the failed batch too");
    cu_expect(col.out[0], "1", false, "batch 1, second output");
    collected_free(&col);
    spate_ctx_destroy(ssc);
}

/* ManualClock jumps: every batch time passed is generated, in order. */
Test(dstream, a_clock_jump_runs_every_missed_batch_in_order)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"1", "2", "3"};
    push_batches(ssc, q, in, 3);
    collected col = {0};
    spate_stream_foreach_rdd(q, collect_batch, &col);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    spate_clock_advance(spate_ctx_clock(ssc), 3 * INTERVAL);
    cr_assert_eq(spate_ctx_await_batch(ssc, 3 * INTERVAL, WAIT_MS), SPATE_OK);
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(col.n, 3);
    for (int i = 0; i < 3; i++) {
        cr_expect_eq(col.times[i], (i + 1) * INTERVAL);
        cu_expect(col.out[i], in[i], false, "batch in order");
    }
    collected_free(&col);
    spate_ctx_destroy(ssc);
}

/* Spark's transform(rdd => rdd.join(staticRDD)) pattern: an RDD made before
 * start is joined with every batch. The clock jumps so that batches are
 * generated while earlier ones run. */
static spate_rdd *join_static(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    return spate_rdd_join(ud, spate_rdd_map(rdd, spate_fn_pair_with_one, NULL), 0);
}

Test(dstream, transform_joins_a_static_rdd_every_batch)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_rdd *table = cu_rdd(ssc, "a:A b:B", 2);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    enum { N = 8 };
    static const char *const in[N] = {"a", "b b", "c", "a b", "a", "b", "", "a c"};
    static const char *const want[N] = {"(a,(A,1))", "(b,(B,1)); (b,(B,1))",
                                        "",          "(a,(A,1)); (b,(B,1))",
                                        "(a,(A,1))", "(b,(B,1))",
                                        "",          "(a,(A,1))"};
    push_batches(ssc, q, in, N);
    collected col = {.sorted = true};
    spate_stream_foreach_rdd(spate_stream_transform(q, join_static, table), collect_batch, &col);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    spate_clock_advance(spate_ctx_clock(ssc), N * INTERVAL);
    cr_assert_eq(spate_ctx_await_batch(ssc, N * INTERVAL, WAIT_MS), SPATE_OK);
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(col.n, N);
    for (int i = 0; i < N; i++)
        cu_expect(col.out[i], want[i], true, "joined with the table");
    char *got = cu_collect(table, true);
    cu_expect(got, "(a,A); (b,B)", true, "the table is intact after the batches");
    free(got);
    collected_free(&col);
    spate_ctx_destroy(ssc);
}

/* transform may run actions on the batch's RDD (Spark:
 * transform(rdd => { val n = rdd.count(); rdd.map(_ + n) })). The clock
 * jumps so that generation overlaps with running batches. */
static spate_value plus_ud(spate_task *t, spate_value v, void *ud)
{
    (void)t;
    return spate_i64(v.u.i + *(const int64_t *)ud);
}

static spate_rdd *add_count(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time, (void)ud;
    int64_t *n = spate_arena_alloc(spate_rdd_arena(rdd), sizeof *n);
    if (spate_rdd_count(rdd, n) != SPATE_OK) return NULL;
    return spate_rdd_map(rdd, plus_ud, n);
}

Test(dstream, transform_may_run_actions)
{
    spate_ctx *ssc = cu_ctx("local[2]", INTERVAL);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"1 2", "10", "", "0 0 0"};
    static const char *const want[] = {"3; 4", "11", "", "3; 3; 3"};
    push_batches(ssc, q, in, 4);
    collected col = {0};
    spate_stream_foreach_rdd(spate_stream_transform(q, add_count, NULL), collect_batch, &col);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK);
    spate_clock_advance(spate_ctx_clock(ssc), 4 * INTERVAL);
    cr_assert_eq(spate_ctx_await_batch(ssc, 4 * INTERVAL, WAIT_MS), SPATE_OK);
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(col.n, 4);
    for (int i = 0; i < 4; i++)
        cu_expect(col.out[i], want[i], false, "x + count of its batch");
    collected_free(&col);
    spate_ctx_destroy(ssc);
}
