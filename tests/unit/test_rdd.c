/* Spark-conformance tests of the RDD engine (src/exec). Every case runs under
 * local[1] and local[2] and must give the same result. The expected values
 * are Spark's, as its RDDSuite and PairRDDFunctionsSuite pin them:
 * parallelize slices [i*n/p, (i+1)*n/p), coalesce merges neighbouring
 * partitions, union appends partitions, outer joins wrap the optional side in
 * Some/None, sortBy range-partitions so partitions are in order, zipWithIndex
 * numbers in partition order, top is descending and takeOrdered ascending. */
#include "conformance_util.h"

#include <stdatomic.h>

/* ---- callbacks ---------------------------------------------------------- */

static spate_value plus_ten(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return spate_i64(v.u.i + 10);
}

static spate_value negate(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return spate_i64(-v.u.i);
}

static spate_value str_len(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return spate_i64(v.len);
}

static bool is_negative(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return v.u.i < 0;
}

static bool above_17(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return v.u.i > 17;
}

/* (partition index, number of elements): mapPartitionsWithIndex's view. */
static void index_and_size(spate_task *t, const spate_value *in, size_t n, spate_sink *out,
                           void *ud)
{
    (void)in, (void)ud;
    spate_value pair = spate_tuple2(spate_task_arena(t), spate_i64(spate_task_partition(t)),
                                    spate_i64((int64_t)n));
    spate_sink_push(out, pair);
}

/* ---- the table: transformation -> collected result ---------------------- */

static spate_rdd *b_map(spate_ctx *c)
{
    return spate_rdd_map(cu_range(c, 1, 6, 3), times_three, NULL);
}
static spate_rdd *b_flat_map(spate_ctx *c)
{
    return spate_rdd_flat_map(cu_range(c, 1, 4, 2), x_and_double, NULL);
}
static spate_rdd *b_filter(spate_ctx *c)
{
    return spate_rdd_filter(cu_range(c, 1, 6, 3), is_even, NULL);
}
static spate_rdd *b_map_partitions(spate_ctx *c)
{
    return spate_rdd_map_partitions(cu_range(c, 1, 4, 2), sum_partition, NULL);
}
static spate_rdd *b_map_partitions_index(spate_ctx *c)
{
    return spate_rdd_map_partitions(cu_range(c, 1, 7, 3), index_and_size, NULL);
}
static spate_rdd *b_glom(spate_ctx *c) { return spate_rdd_glom(cu_range(c, 1, 4, 2)); }
static spate_rdd *b_glom_empty_parts(spate_ctx *c) { return spate_rdd_glom(cu_range(c, 1, 2, 4)); }
static spate_rdd *b_glom_strings(spate_ctx *c) { return spate_rdd_glom(cu_rdd(c, "a b c", 1)); }
static spate_rdd *b_union(spate_ctx *c)
{
    return spate_rdd_union(cu_range(c, 1, 3, 2), cu_range(c, 4, 6, 1));
}
static spate_rdd *b_union_n(spate_ctx *c)
{
    spate_rdd *three[3] = {cu_range(c, 1, 2, 1), cu_range(c, 3, 4, 2), cu_range(c, 5, 6, 3)};
    return spate_rdd_union_n(three, 3);
}
static spate_rdd *b_coalesce_2(spate_ctx *c)
{
    return spate_rdd_glom(spate_rdd_coalesce(cu_range(c, 1, 10, 10), 2));
}
static spate_rdd *b_coalesce_3(spate_ctx *c)
{
    return spate_rdd_glom(spate_rdd_coalesce(cu_range(c, 1, 10, 10), 3));
}
static spate_rdd *b_coalesce_more(spate_ctx *c)
{
    return spate_rdd_coalesce(cu_range(c, 1, 10, 10), 20);
}
static spate_rdd *b_coalesce_doc(spate_ctx *c)
{
    return spate_rdd_glom(spate_rdd_coalesce(cu_rdd(c, "1 2 3 2 3 10", 3), 2));
}
static spate_rdd *b_map_values(spate_ctx *c)
{
    return spate_rdd_map_values(cu_rdd(c, "a:1 b:2 a:3", 2), plus_ten, NULL);
}
static spate_rdd *b_flat_map_values(spate_ctx *c)
{
    return spate_rdd_flat_map_values(cu_rdd(c, "a:2 b:1", 2), x_and_plus_ten, NULL);
}
static spate_rdd *b_zip_with_index(spate_ctx *c)
{
    return spate_rdd_zip_with_index(cu_rdd(c, "a b c d e f g", 3));
}
static spate_rdd *b_zip_after_filter(spate_ctx *c)
{
    return spate_rdd_zip_with_index(spate_rdd_filter(cu_range(c, 1, 12, 4), is_even, NULL));
}
static spate_rdd *b_distinct(spate_ctx *c)
{
    return spate_rdd_distinct(cu_rdd(c, "1 2 2 3 3 3 4 a a", 3), 2);
}

#define PAIRS "a:1 b:2 a:3 c:4 b:5 a:6"
static spate_rdd *b_reduce_by_key(spate_ctx *c)
{
    return spate_rdd_reduce_by_key(cu_rdd(c, PAIRS, 3), spate_fn_sum, NULL, 2);
}
static spate_rdd *b_reduce_by_key_default(spate_ctx *c)
{
    return spate_rdd_reduce_by_key(cu_rdd(c, PAIRS, 3), spate_fn_sum, NULL, 0);
}
static spate_rdd *b_group_by_key(spate_ctx *c)
{
    return spate_rdd_group_by_key(cu_rdd(c, PAIRS, 3), 2);
}
static spate_rdd *b_combine_by_key(spate_ctx *c)
{
    spate_rdd *r = spate_rdd_combine_by_key(cu_rdd(c, "a:1 b:2 a:3 c:4 b:5 a:8", 3), avg_create,
                                            avg_merge_value, avg_merge_combiners, NULL, 2);
    return spate_rdd_map_values(r, avg_finish, NULL);
}

/* PairRDDFunctionsSuite's join inputs. */
#define LEFT "1:1 1:2 2:1 3:1"
#define RIGHT "1:x 2:y 2:z 4:w"
static spate_rdd *b_join(spate_ctx *c)
{
    return spate_rdd_join(cu_rdd(c, LEFT, 2), cu_rdd(c, RIGHT, 2), 0);
}
static spate_rdd *b_left_outer_join(spate_ctx *c)
{
    return spate_rdd_left_outer_join(cu_rdd(c, LEFT, 2), cu_rdd(c, RIGHT, 2), 0);
}
static spate_rdd *b_right_outer_join(spate_ctx *c)
{
    return spate_rdd_right_outer_join(cu_rdd(c, LEFT, 2), cu_rdd(c, RIGHT, 2), 0);
}
static spate_rdd *b_full_outer_join(spate_ctx *c)
{
    return spate_rdd_full_outer_join(cu_rdd(c, LEFT, 2), cu_rdd(c, RIGHT, 2), 0);
}
static spate_rdd *b_cogroup(spate_ctx *c)
{
    return spate_rdd_cogroup(cu_rdd(c, LEFT, 2), cu_rdd(c, RIGHT, 2), 0);
}
static spate_rdd *b_join_no_match(spate_ctx *c)
{
    return spate_rdd_join(cu_rdd(c, "1:a", 1), cu_rdd(c, "2:b", 1), 0);
}
static spate_rdd *b_join_empty_side(spate_ctx *c)
{
    return spate_rdd_left_outer_join(cu_rdd(c, "1:a 2:b", 2), cu_rdd(c, "", 2), 0);
}
static spate_rdd *b_sort_asc(spate_ctx *c)
{
    return spate_rdd_sort_by(cu_rdd(c, "5 3 9 1 7 2 8 6 4 10", 3), NULL, NULL, true, 3);
}
static spate_rdd *b_sort_desc(spate_ctx *c)
{
    return spate_rdd_sort_by(cu_rdd(c, "5 3 9 1 7 2 8 6 4 10", 3), NULL, NULL, false, 3);
}
static spate_rdd *b_sort_by_value(spate_ctx *c)
{
    return spate_rdd_sort_by(cu_rdd(c, "x:3 y:1 z:2 w:4", 2), spate_fn_value, NULL, true, 2);
}
static spate_rdd *b_sort_by_len_desc(spate_ctx *c)
{
    return spate_rdd_sort_by(cu_rdd(c, "ccc a dddd bb", 2), str_len, NULL, false, 3);
}
static spate_rdd *b_sort_strings(spate_ctx *c)
{
    return spate_rdd_sort_by(cu_rdd(c, "pear apple fig banana", 4), NULL, NULL, true, 1);
}
static spate_rdd *b_sort_empty(spate_ctx *c)
{
    return spate_rdd_sort_by(cu_rdd(c, "", 2), NULL, NULL, true, 2);
}

static spate_rdd *b_sort_duplicates(spate_ctx *c)
{
    return spate_rdd_sort_by(cu_rdd(c, "3 1 3 2 3 1 2 3", 3), NULL, NULL, false, 3);
}
static spate_rdd *b_self_join(spate_ctx *c)
{
    spate_rdd *r = cu_rdd(c, "1:a 1:b 2:c", 2);
    return spate_rdd_join(r, r, 0);
}
/* Word count, most frequent first: flatMap -> map -> reduceByKey -> sortBy. */
static spate_rdd *b_word_count(spate_ctx *c)
{
    spate_value lines[3] = {spate_cstr("to be or"), spate_cstr("to be"), spate_cstr("to")};
    spate_rdd *in = spate_ctx_parallelize(c, lines, 3, 2);
    spate_rdd *pairs = spate_rdd_map(spate_rdd_flat_map(in, spate_fn_split_words, NULL),
                                     spate_fn_pair_with_one, NULL);
    spate_rdd *counts = spate_rdd_reduce_by_key(pairs, spate_fn_sum, NULL, 3);
    return spate_rdd_sort_by(counts, spate_fn_value, NULL, false, 2);
}
static spate_rdd *b_union_of_shuffles(spate_ctx *c)
{
    spate_rdd *a = spate_rdd_reduce_by_key(cu_rdd(c, "a:1 a:2", 2), spate_fn_sum, NULL, 1);
    spate_rdd *b = spate_rdd_group_by_key(cu_rdd(c, "b:1 b:2", 2), 1);
    return spate_rdd_union(a, spate_rdd_map_values(b, spate_fn_to_string, NULL));
}

typedef struct rdd_case {
    const char *name;
    spate_rdd *(*build)(spate_ctx *ssc);
    bool sorted; /* compare as multisets */
    int nparts;  /* expected partition count, 0: not checked */
    const char *want;
} rdd_case;

static const rdd_case CASES[] = {
    {"map", b_map, false, 3, "3; 6; 9; 12; 15; 18"},
    {"flatMap", b_flat_map, false, 2, "1; 2; 2; 4; 3; 6; 4; 8"},
    {"filter", b_filter, false, 3, "2; 4; 6"},
    {"mapPartitions", b_map_partitions, false, 2, "3; 7"},
    {"mapPartitions sees its index", b_map_partitions_index, false, 3, "(0,2); (1,2); (2,3)"},
    {"glom", b_glom, false, 2, "Array(1, 2); Array(3, 4)"},
    {"glom with empty partitions", b_glom_empty_parts, false, 4,
     "Array(); Array(1); Array(); Array(2)"},
    {"glom strings", b_glom_strings, false, 1, "Array(a, b, c)"},
    {"union", b_union, false, 3, "1; 2; 3; 4; 5; 6"},
    {"union of three", b_union_n, false, 6, "1; 2; 3; 4; 5; 6"},
    {"coalesce(2)", b_coalesce_2, false, 2, "Array(1, 2, 3, 4, 5); Array(6, 7, 8, 9, 10)"},
    {"coalesce(3)", b_coalesce_3, false, 3, "Array(1, 2, 3); Array(4, 5, 6); Array(7, 8, 9, 10)"},
    {"coalesce to more keeps partitions", b_coalesce_more, false, 10,
     "1; 2; 3; 4; 5; 6; 7; 8; 9; 10"},
    {"coalesce docs example", b_coalesce_doc, false, 2, "Array(1, 2); Array(3, 2, 3, 10)"},
    {"mapValues", b_map_values, false, 2, "(a,11); (b,12); (a,13)"},
    {"flatMapValues", b_flat_map_values, false, 2, "(a,2); (a,12); (b,1); (b,11)"},
    {"zipWithIndex", b_zip_with_index, false, 3, "(a,0); (b,1); (c,2); (d,3); (e,4); (f,5); (g,6)"},
    {"zipWithIndex uneven partitions", b_zip_after_filter, false, 4,
     "(2,0); (4,1); (6,2); (8,3); (10,4); (12,5)"},
    {"distinct", b_distinct, true, 2, "1; 2; 3; 4; a"},
    {"reduceByKey", b_reduce_by_key, true, 2, "(a,10); (b,7); (c,4)"},
    {"reduceByKey default partitions", b_reduce_by_key_default, true, 3, "(a,10); (b,7); (c,4)"},
    {"groupByKey", b_group_by_key, true, 2, "(a,List(1, 3, 6)); (b,List(2, 5)); (c,List(4))"},
    {"combineByKey average", b_combine_by_key, true, 2, "(a,4.0); (b,3.5); (c,4.0)"},
    {"join", b_join, true, 2, "(1,(1,x)); (1,(2,x)); (2,(1,y)); (2,(1,z))"},
    {"leftOuterJoin", b_left_outer_join, true, 2,
     "(1,(1,Some(x))); (1,(2,Some(x))); (2,(1,Some(y))); (2,(1,Some(z))); (3,(1,None))"},
    {"rightOuterJoin", b_right_outer_join, true, 2,
     "(1,(Some(1),x)); (1,(Some(2),x)); (2,(Some(1),y)); (2,(Some(1),z)); (4,(None,w))"},
    {"fullOuterJoin", b_full_outer_join, true, 2,
     "(1,(Some(1),Some(x))); (1,(Some(2),Some(x))); (2,(Some(1),Some(y))); "
     "(2,(Some(1),Some(z))); (3,(Some(1),None)); (4,(None,Some(w)))"},
    {"cogroup", b_cogroup, true, 2,
     "(1,(List(1, 2),List(x))); (2,(List(1),List(y, z))); (3,(List(1),List())); "
     "(4,(List(),List(w)))"},
    {"join without matches", b_join_no_match, true, 1, ""},
    {"leftOuterJoin with an empty right side", b_join_empty_side, true, 2,
     "(1,(a,None)); (2,(b,None))"},
    {"sortBy ascending", b_sort_asc, false, 3, "1; 2; 3; 4; 5; 6; 7; 8; 9; 10"},
    {"sortBy descending", b_sort_desc, false, 3, "10; 9; 8; 7; 6; 5; 4; 3; 2; 1"},
    {"sortBy a key function", b_sort_by_value, false, 2, "(y,1); (z,2); (x,3); (w,4)"},
    {"sortBy key descending", b_sort_by_len_desc, false, 3, "dddd; ccc; bb; a"},
    {"sortBy into one partition", b_sort_strings, false, 1, "apple; banana; fig; pear"},
    {"sortBy empty", b_sort_empty, false, 2, ""},
    {"sortBy with duplicate keys", b_sort_duplicates, false, 3, "3; 3; 3; 3; 2; 2; 1; 1"},
    {"self join", b_self_join, true, 2, "(1,(a,a)); (1,(a,b)); (1,(b,a)); (1,(b,b)); (2,(c,c))"},
    {"word count sorted by count", b_word_count, false, 2, "(to,3); (be,2); (or,1)"},
    {"union of shuffled RDDs", b_union_of_shuffles, false, 2, "(a,3); (b,List(1, 2))"},
};

enum { NCASES = sizeof CASES / sizeof CASES[0] };

/* Criterion runs each parameter in a fresh worker process (another address
 * space), so the parameters are indices into CASES, not pointers. */
CU_CASE_INDICES(rdd, conformance, NCASES)

ParameterizedTest(int *index, rdd, conformance)
{
    const rdd_case *c = &CASES[*index];
    for (int m = 0; m < CU_NMASTERS; m++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[m], 1000);
        spate_rdd *r = c->build(ssc);
        cr_assert_not_null(r, "%s [%s]: no RDD", c->name, CU_MASTERS[m]);
        if (c->nparts)
            cr_expect_eq(spate_rdd_num_partitions(r), c->nparts, "%s [%s]: %d partitions", c->name,
                         CU_MASTERS[m], spate_rdd_num_partitions(r));
        char *got = cu_collect(r, c->sorted);
        char what[160];
        snprintf(what, sizeof what, "%s [%s]", c->name, CU_MASTERS[m]);
        cu_expect(got, c->want, c->sorted, what);
        free(got);
        spate_ctx_destroy(ssc);
    }
}

/* ---- helpers for the property tests ------------------------------------- */

typedef void (*rdd_body)(spate_ctx *ssc, const char *master);

static void on_each_master(rdd_body body)
{
    for (int m = 0; m < CU_NMASTERS; m++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[m], 1000);
        body(ssc, CU_MASTERS[m]);
        spate_ctx_destroy(ssc);
    }
}

static int64_t count_of(spate_rdd *r)
{
    int64_t n = -1;
    cr_assert_eq(spate_rdd_count(r, &n), SPATE_OK, "%s", spate_rdd_last_error(r));
    return n;
}

static int64_t sum_of(spate_rdd *r)
{
    spate_value *v;
    size_t n;
    cr_assert_eq(spate_rdd_collect(r, &v, &n), SPATE_OK);
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i].u.i;
    return sum;
}

/* ---- repartition, union and coalesce: counts and partitions ------------- */

static void repartition_body(spate_ctx *ssc, const char *master)
{
    static const int from[] = {2, 5, 3, 1};
    static const int to[] = {5, 2, 3, 7};
    for (int i = 0; i < 4; i++) {
        spate_rdd *r = spate_rdd_repartition(cu_range(ssc, 1, 100, from[i]), to[i]);
        cr_assert_eq(spate_rdd_num_partitions(r), to[i], "[%s] %d -> %d", master, from[i], to[i]);
        cr_expect_eq(count_of(r), 100, "[%s] repartition keeps every element", master);
        cr_expect_eq(sum_of(r), 5050, "[%s] repartition changes no element", master);
        spate_value *parts;
        size_t n;
        cr_assert_eq(spate_rdd_collect(spate_rdd_glom(r), &parts, &n), SPATE_OK);
        cr_expect_eq(n, (size_t)to[i], "[%s] glom gives one array per partition", master);
    }
    spate_rdd *empty = spate_rdd_repartition(cu_range(ssc, 1, 0, 2), 3);
    cr_expect_eq(spate_rdd_num_partitions(empty), 3);
    cr_expect_eq(count_of(empty), 0);
}

Test(rdd, repartition_preserves_elements_in_n_partitions) { on_each_master(repartition_body); }

static void coalesce_union_body(spate_ctx *ssc, const char *master)
{
    spate_rdd *a = cu_range(ssc, 1, 50, 4), *b = cu_range(ssc, 51, 100, 3);
    spate_rdd *u = spate_rdd_union(a, b);
    cr_expect_eq(spate_rdd_num_partitions(u), 7, "[%s] union adds partition counts", master);
    cr_expect_eq(count_of(u), 100);
    spate_rdd *c = spate_rdd_coalesce(u, 2);
    cr_expect_eq(spate_rdd_num_partitions(c), 2, "[%s]", master);
    cr_expect_eq(count_of(c), 100, "[%s] coalesce loses nothing", master);
    cr_expect_eq(sum_of(c), 5050);
    cr_expect_eq(spate_rdd_num_partitions(spate_rdd_coalesce(u, 1)), 1);
    cr_expect_eq(sum_of(spate_rdd_coalesce(u, 1)), 5050);
}

Test(rdd, union_adds_partitions_and_coalesce_loses_nothing) { on_each_master(coalesce_union_body); }

/* ---- sortBy: globally sorted, partitions in order ------------------------ */

/* Every partition sorted, and each one's elements <= the next one's (asc). */
static void expect_range_sorted(spate_rdd *sorted, bool ascending, const char *master)
{
    spate_value *parts;
    size_t n;
    cr_assert_eq(spate_rdd_collect(spate_rdd_glom(sorted), &parts, &n), SPATE_OK);
    cr_assert_eq((int)n, spate_rdd_num_partitions(sorted));
    bool have_prev = false;
    spate_value prev = spate_null();
    int nonempty = 0;
    for (size_t p = 0; p < n; p++) {
        nonempty += parts[p].len > 0;
        for (uint32_t i = 0; i < parts[p].len; i++) {
            spate_value v = parts[p].u.items[i];
            if (have_prev) {
                int c = spate_value_cmp(prev, v);
                cr_expect(ascending ? c <= 0 : c >= 0, "[%s] partition %zu element %u out of order",
                          master, p, i);
            }
            prev = v;
            have_prev = true;
        }
    }
    cr_expect_gt(nonempty, 1, "[%s] a range partitioner spreads keys over partitions", master);
}

static void sort_body(spate_ctx *ssc, const char *master)
{
    spate_value vals[200];
    for (int i = 0; i < 200; i++)
        vals[i] = spate_i64((i * 7919) % 200); /* a permutation */
    spate_rdd *in = spate_ctx_parallelize(ssc, vals, 200, 5);
    for (int asc = 0; asc < 2; asc++) {
        spate_rdd *s = spate_rdd_sort_by(in, NULL, NULL, asc, 4);
        cr_expect_eq(spate_rdd_num_partitions(s), 4);
        expect_range_sorted(s, asc, master);
        spate_value *all;
        size_t n;
        cr_assert_eq(spate_rdd_collect(s, &all, &n), SPATE_OK);
        cr_assert_eq(n, 200);
        for (int i = 0; i < 200; i++)
            cr_expect_eq(all[i].u.i, asc ? i : 199 - i, "[%s] element %d", master, i);
    }
    spate_rdd *by_neg = spate_rdd_sort_by(in, negate, NULL, true, 3);
    expect_range_sorted(spate_rdd_map(by_neg, negate, NULL), true, master);
    spate_rdd *keep = spate_rdd_sort_by(in, NULL, NULL, true, 0);
    cr_expect_eq(spate_rdd_num_partitions(keep), 5, "[%s] nparts <= 0: the parent's", master);
}

Test(rdd, sort_by_is_global_across_partitions) { on_each_master(sort_body); }

/* ---- zipWithIndex -------------------------------------------------------- */

static void zip_body(spate_ctx *ssc, const char *master)
{
    spate_rdd *z = spate_rdd_zip_with_index(cu_range(ssc, 0, 99, 7));
    spate_value *all;
    size_t n;
    cr_assert_eq(spate_rdd_collect(z, &all, &n), SPATE_OK);
    cr_assert_eq(n, 100);
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(spate_key(all[i]).u.i, (int64_t)i, "[%s]", master);
        cr_expect_eq(spate_val(all[i]).u.i, (int64_t)i, "[%s] index follows partition order",
                     master);
    }
    /* Over a shuffle: the indices follow the sorted partitions. */
    spate_rdd *sorted = spate_rdd_sort_by(cu_rdd(ssc, "c a d b", 2), NULL, NULL, false, 2);
    char *got = cu_collect(spate_rdd_zip_with_index(sorted), false);
    cu_expect(got, "(d,0); (c,1); (b,2); (a,3)", false, master);
    free(got);
}

Test(rdd, zip_with_index_follows_partition_order) { on_each_master(zip_body); }

/* ---- actions ------------------------------------------------------------- */

static char *take_fmt(spate_rdd *r, size_t n)
{
    spate_value *v;
    size_t got;
    cr_assert_eq(spate_rdd_take(r, n, &v, &got), SPATE_OK);
    return cu_format_all(v, got, false);
}

static void take_body(spate_ctx *ssc, const char *master)
{
    spate_rdd *r = cu_range(ssc, 1, 10, 4);
    struct {
        size_t n;
        const char *want;
    } cases[] = {{3, "1; 2; 3"},
                 {0, ""},
                 {10, "1; 2; 3; 4; 5; 6; 7; 8; 9; 10"},
                 {20, "1; 2; 3; 4; 5; 6; 7; 8; 9; 10"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = take_fmt(r, cases[i].n);
        cu_expect(got, cases[i].want, false, master);
        free(got);
    }
    /* The first partitions are empty: take has to scan further. */
    char *got = take_fmt(spate_rdd_filter(cu_range(ssc, 1, 20, 10), above_17, NULL), 2);
    cu_expect(got, "18; 19", false, master);
    free(got);
    got = take_fmt(cu_range(ssc, 1, 0, 3), 5);
    cu_expect(got, "", false, master);
    free(got);
}

Test(rdd, take_fewer_and_more_than_available) { on_each_master(take_body); }

static char *ordered_fmt(spate_rdd *r, size_t n, spate_map_fn key, bool top)
{
    spate_value *v;
    size_t got;
    spate_err err = top ? spate_rdd_top(r, n, key, NULL, &v, &got)
                        : spate_rdd_take_ordered(r, n, key, NULL, &v, &got);
    cr_assert_eq(err, SPATE_OK);
    return cu_format_all(v, got, false);
}

static void top_body(spate_ctx *ssc, const char *master)
{
    spate_rdd *r = cu_rdd(ssc, "5 3 9 1 7 2 8 6 4 10", 2);
    struct {
        size_t n;
        spate_map_fn key;
        bool top;
        const char *want;
    } cases[] = {
        {5, NULL, true, "10; 9; 8; 7; 6"},
        {5, NULL, false, "1; 2; 3; 4; 5"},
        {3, negate, true, "1; 2; 3"},
        {3, negate, false, "10; 9; 8"},
        {20, NULL, false, "1; 2; 3; 4; 5; 6; 7; 8; 9; 10"},
        {0, NULL, true, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = ordered_fmt(r, cases[i].n, cases[i].key, cases[i].top);
        cu_expect(got, cases[i].want, false, master);
        free(got);
    }
    char *got = ordered_fmt(cu_rdd(ssc, "", 2), 3, NULL, true);
    cu_expect(got, "", false, master);
    free(got);
}

Test(rdd, top_and_take_ordered) { on_each_master(top_body); }

static void first_count_body(spate_ctx *ssc, const char *master)
{
    spate_rdd *r = cu_range(ssc, 1, 10, 3);
    spate_value v = spate_null();
    cr_assert_eq(spate_rdd_first(r, &v), SPATE_OK);
    cr_expect_eq(v.u.i, 1, "[%s]", master);
    cr_expect_eq(spate_rdd_first(cu_range(ssc, 1, 0, 2), &v), SPATE_ERR_NOT_FOUND,
                 "[%s] first of an empty RDD", master);
    cr_expect_eq(spate_rdd_first(spate_rdd_empty_like(r), &v), SPATE_ERR_NOT_FOUND);
    cr_expect_eq(spate_rdd_first(spate_rdd_filter(r, is_negative, NULL), &v), SPATE_ERR_NOT_FOUND);
    cr_expect_eq(count_of(r), 10);
    cr_expect_eq(count_of(spate_rdd_empty_like(r)), 0);
    cr_expect_eq(count_of(spate_rdd_filter(r, is_even, NULL)), 5);
    char *got = cu_collect(r, false);
    cu_expect(got, "1; 2; 3; 4; 5; 6; 7; 8; 9; 10", false, master);
    free(got);
}

Test(rdd, first_count_collect) { on_each_master(first_count_body); }

static bool empty_of(spate_rdd *r)
{
    bool empty = false;
    cr_assert_eq(spate_rdd_is_empty(r, &empty), SPATE_OK);
    return empty;
}

static void is_empty_body(spate_ctx *ssc, const char *master)
{
    spate_rdd *r = cu_range(ssc, 1, 3, 3);
    cr_expect(empty_of(spate_rdd_empty_like(r)), "[%s] emptyRDD", master);
    cr_expect(empty_of(cu_range(ssc, 1, 0, 2)), "[%s] parallelize(Seq())", master);
    cr_expect(!empty_of(cu_range(ssc, 1, 1, 1)), "[%s] parallelize(Seq(1))", master);
    cr_expect(empty_of(spate_rdd_filter(r, is_negative, NULL)), "[%s] filter(_ < 0)", master);
    cr_expect(!empty_of(spate_rdd_filter(r, is_even, NULL)), "[%s] filter(even)", master);
}

Test(rdd, is_empty) { on_each_master(is_empty_body); }

static void reduce_body(spate_ctx *ssc, const char *master)
{
    spate_value v = spate_null();
    cr_assert_eq(spate_rdd_reduce(cu_range(ssc, 1, 10, 3), spate_fn_sum, NULL, &v), SPATE_OK);
    cr_expect_eq(v.u.i, 55, "[%s]", master);
    cr_assert_eq(spate_rdd_reduce(cu_range(ssc, 1, 10, 3), spate_fn_max, NULL, &v), SPATE_OK);
    cr_expect_eq(v.u.i, 10);
    cr_expect_eq(spate_rdd_reduce(cu_range(ssc, 1, 0, 3), spate_fn_sum, NULL, &v),
                 SPATE_ERR_NOT_FOUND, "[%s] reduce of an empty collection", master);
}

Test(rdd, reduce) { on_each_master(reduce_body); }

static void count_by_value_body(spate_ctx *ssc, const char *master)
{
    spate_value *v;
    size_t n;
    cr_assert_eq(spate_rdd_count_by_value(cu_rdd(ssc, "1 1 2 3 3 3", 2), &v, &n), SPATE_OK);
    char *got = cu_format_all(v, n, true);
    cu_expect(got, "(1,2); (2,1); (3,3)", true, master);
    free(got);
    cr_assert_eq(spate_rdd_count_by_value(cu_rdd(ssc, "", 2), &v, &n), SPATE_OK);
    cr_expect_eq(n, 0);
}

Test(rdd, count_by_value) { on_each_master(count_by_value_body); }

typedef struct foreach_acc {
    atomic_llong sum, calls;
} foreach_acc;

static void add_to_acc(spate_task *t, spate_value v, void *ud)
{
    (void)t;
    foreach_acc *acc = ud;
    atomic_fetch_add(&acc->sum, v.u.i);
    atomic_fetch_add(&acc->calls, 1);
}

static void foreach_body(spate_ctx *ssc, const char *master)
{
    foreach_acc acc;
    atomic_init(&acc.sum, 0);
    atomic_init(&acc.calls, 0);
    cr_assert_eq(spate_rdd_foreach(cu_range(ssc, 1, 100, 4), add_to_acc, &acc), SPATE_OK);
    cr_expect_eq(atomic_load(&acc.sum), 5050, "[%s]", master);
    cr_expect_eq(atomic_load(&acc.calls), 100, "[%s]", master);
}

Test(rdd, foreach_runs_on_every_element) { on_each_master(foreach_body); }

/* ---- partition counts of binary shuffles --------------------------------- */

static void join_parts_body(spate_ctx *ssc, const char *master)
{
    spate_rdd *a = cu_rdd(ssc, "1:a 2:b", 2), *b = cu_rdd(ssc, "1:x 3:y", 3);
    cr_expect_eq(spate_rdd_num_partitions(spate_rdd_join(a, b, 0)), 3,
                 "[%s] default: the larger parent's count", master);
    cr_expect_eq(spate_rdd_num_partitions(spate_rdd_join(b, a, 0)), 3);
    cr_expect_eq(spate_rdd_num_partitions(spate_rdd_join(a, b, 2)), 2,
                 "[%s] an explicit count is kept", master);
    cr_expect_eq(spate_rdd_num_partitions(spate_rdd_cogroup(a, b, 2)), 2);
    cr_expect_eq(spate_rdd_num_partitions(spate_rdd_full_outer_join(a, b, 5)), 5);
    char *got = cu_collect(spate_rdd_join(a, b, 2), true);
    cu_expect(got, "(1,(a,x))", true, master);
    free(got);
}

Test(rdd, join_partition_counts) { on_each_master(join_parts_body); }

/* ---- many keys: map-side combining across tasks -------------------------- */

static spate_value mod_17_pair(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), spate_i64(v.u.i % 17), spate_i64(1));
}

static void many_keys_body(spate_ctx *ssc, const char *master)
{
    spate_rdd *pairs = spate_rdd_map(cu_range(ssc, 0, 16999, 8), mod_17_pair, NULL);
    spate_value *v;
    size_t n;
    cr_assert_eq(spate_rdd_collect(spate_rdd_reduce_by_key(pairs, spate_fn_sum, NULL, 5), &v, &n),
                 SPATE_OK);
    cr_assert_eq(n, 17, "[%s]", master);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(spate_val(v[i]).u.i, 1000, "[%s]", master);
    cr_assert_eq(spate_rdd_collect(spate_rdd_group_by_key(pairs, 3), &v, &n), SPATE_OK);
    cr_assert_eq(n, 17);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(spate_val(v[i]).len, 1000, "[%s]", master);
    cr_expect_eq(count_of(spate_rdd_distinct(spate_rdd_map(pairs, spate_fn_key, NULL), 4)), 17);
}

Test(rdd, many_keys_reduce_and_group) { on_each_master(many_keys_body); }

/* ---- failures ------------------------------------------------------------- */

static spate_value fail_on_7(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    if (v.u.i == 7) spate_task_fail(t, "boom at %lld", (long long)v.u.i);
    return v;
}

static spate_value fail_merge(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)b, (void)ud;
    spate_task_fail(t, "merge refused");
    return a;
}

static void nop_each(spate_task *t, spate_value v, void *ud) { (void)t, (void)v, (void)ud; }

typedef enum { ACT_COLLECT, ACT_COUNT, ACT_TAKE, ACT_FOREACH, ACT_FIRST } action_kind;

static spate_err run_action(spate_rdd *r, action_kind a)
{
    spate_value *v, one;
    size_t n;
    int64_t cnt;
    switch (a) {
    case ACT_COLLECT:
        return spate_rdd_collect(r, &v, &n);
    case ACT_COUNT:
        return spate_rdd_count(r, &cnt);
    case ACT_TAKE:
        return spate_rdd_take(r, 100, &v, &n);
    case ACT_FOREACH:
        return spate_rdd_foreach(r, nop_each, NULL);
    case ACT_FIRST:
        return spate_rdd_first(r, &one);
    }
    return SPATE_ERR_INVALID_ARG;
}

static void task_fail_body(spate_ctx *ssc, const char *master)
{
    for (action_kind a = ACT_COLLECT; a <= ACT_FIRST; a++) {
        spate_rdd *r = spate_rdd_map(cu_range(ssc, 1, 10, 3), fail_on_7, NULL);
        if (a == ACT_FIRST)
            r = spate_rdd_sort_by(r, NULL, NULL, true, 2); /* fails in the shuffle */
        cr_expect_eq(run_action(r, a), SPATE_ERR_USER, "[%s] action %d", master, (int)a);
        cr_expect(strstr(spate_rdd_last_error(r), "boom at 7"), "[%s] action %d: \"%s\"", master,
                  (int)a, spate_rdd_last_error(r));
    }
    spate_rdd *pairs = cu_rdd(ssc, "a:1 a:2 a:3", 1);
    spate_rdd *merged = spate_rdd_reduce_by_key(pairs, fail_merge, NULL, 1);
    spate_value *v;
    size_t n;
    cr_expect_eq(spate_rdd_collect(merged, &v, &n), SPATE_ERR_USER, "[%s]", master);
    cr_expect(strstr(spate_rdd_last_error(merged), "merge refused"), "[%s] \"%s\"", master,
              spate_rdd_last_error(merged));
    spate_value out;
    spate_rdd *nums = cu_range(ssc, 1, 3, 1);
    cr_expect_eq(spate_rdd_reduce(nums, fail_merge, NULL, &out), SPATE_ERR_USER);
    cr_expect(strstr(spate_rdd_last_error(nums), "merge refused"));
}

Test(rdd, failing_callback_fails_the_action) { on_each_master(task_fail_body); }

static void parse_or_skip(spate_task *t, spate_value v, spate_sink *out, void *ud)
{
    (void)ud;
    if (v.type == SPATE_I64)
        spate_sink_push(out, v);
    else
        spate_task_bad_record(t, "not a number", v);
}

static void bad_record_body(spate_ctx *ssc, const char *master)
{
    spate_ctx_stats before;
    spate_ctx_get_stats(ssc, &before);
    spate_rdd *r = spate_rdd_flat_map(cu_rdd(ssc, "1 2 x 3 y", 2), parse_or_skip, NULL);
    char *got = cu_collect(r, false);
    cu_expect(got, "1; 2; 3", false, master);
    free(got);
    spate_ctx_stats after;
    spate_ctx_get_stats(ssc, &after);
    cr_expect_eq(after.bad_records - before.bad_records, 2, "[%s] bad records counted", master);
    cr_expect_str_eq(spate_rdd_last_error(r), "", "[%s] a bad record is no failure", master);
}

Test(rdd, bad_records_are_counted_and_skipped) { on_each_master(bad_record_body); }
