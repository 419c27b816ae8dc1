/* test_combine_cache.c - the map-side combine's cache of recent scalar keys
 * (src/exec/combine_cache.h) changes nothing a job can see: reduceByKey and
 * combineByKey give the same combiners as a left-to-right fold of each map
 * partition's values, merged partition after partition - bit for bit for
 * floating-point sums, element for element for list combiners - with more
 * distinct keys than cache lines (so keys are written back and come again),
 * Boolean, Long and Timestamp keys, under local[1] and local[2]. */
#include "conformance_util.h"

#include <math.h>

enum { N = 20000, NPARTS = 3 };

static uint64_t rng = 12345;
static uint64_t next_rand(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* The key of element i: one of nkeys, in a scattered order. */
static spate_value key_of(int kind, uint64_t r, int nkeys)
{
    int64_t k = (int64_t)(r % (uint64_t)nkeys);
    switch (kind) {
    case 0:
        return spate_bool(k & 1);
    case 1:
        return spate_i64(k * 1000003 - 5000);
    default:
        return spate_timestamp(1458678328000 + k * 1000);
    }
}

/* A double of varied magnitude, so that the order of additions shows. */
static double value_of(uint64_t r) { return ldexp((double)(r >> 11), -(int)(r % 60)) - 0.5; }

static size_t key_index(const spate_value *keys, size_t nkeys, spate_value k)
{
    for (size_t i = 0; i < nkeys; i++)
        if (spate_value_eq(keys[i], k)) return i;
    return nkeys;
}

/* reduceByKey(_ + _) on doubles equals the fold Spark's order gives. */
static void float_sums_body(int kind, int nkeys)
{
    for (int mi = 0; mi < CU_NMASTERS; mi++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[mi], spate_seconds(1));
        spate_arena *a = spate_arena_new();
        spate_value *pairs = malloc(sizeof *pairs * N), keys[300];
        double part_sum[NPARTS][300], want[300];
        bool seen_in[NPARTS][300] = {{false}}, seen[300] = {false};
        size_t nk = 0;
        for (int i = 0; i < N; i++) {
            uint64_t r = next_rand();
            spate_value k = key_of(kind, r, nkeys);
            double v = value_of(next_rand());
            pairs[i] = spate_tuple2(a, k, spate_f64(v));
            size_t ki = key_index(keys, nk, k);
            if (ki == nk) keys[nk++] = k;
            int p = (int)((int64_t)i * NPARTS / N);
            while ((int64_t)(p + 1) * N / NPARTS <= i) /* parallelize's slices */
                p++;
            part_sum[p][ki] = seen_in[p][ki] ? part_sum[p][ki] + v : v;
            seen_in[p][ki] = true;
        }
        for (int p = 0; p < NPARTS; p++)
            for (size_t ki = 0; ki < nk; ki++) {
                if (!seen_in[p][ki]) continue;
                want[ki] = seen[ki] ? want[ki] + part_sum[p][ki] : part_sum[p][ki];
                seen[ki] = true;
            }
        spate_rdd *sums = spate_rdd_reduce_by_key(spate_ctx_parallelize(ssc, pairs, N, NPARTS),
                                                  spate_fn_sum, NULL, 2);
        spate_value *out;
        size_t n;
        cr_assert_eq(spate_rdd_collect(sums, &out, &n), SPATE_OK);
        cr_assert_eq(n, nk, "%s: %zu keys, want %zu", CU_MASTERS[mi], n, nk);
        for (size_t i = 0; i < n; i++) {
            size_t ki = key_index(keys, nk, spate_key(out[i]));
            cr_assert_lt(ki, nk);
            double got = spate_val(out[i]).u.f;
            cr_expect(!memcmp(&got, &want[ki], sizeof got),
                      "%s kind %d: key %zu sum %.17g, want %.17g", CU_MASTERS[mi], kind, ki, got,
                      want[ki]);
        }
        free(pairs);
        spate_arena_destroy(a);
        spate_ctx_destroy(ssc);
    }
}

Test(combine_cache, float_sums_are_folded_in_order_with_few_keys) { float_sums_body(0, 2); }
Test(combine_cache, float_sums_are_folded_in_order_with_many_long_keys) { float_sums_body(1, 300); }
Test(combine_cache, float_sums_are_folded_in_order_with_timestamp_keys) { float_sums_body(2, 97); }

/* combineByKey into lists: List(v), _ :+ v, _ ++ _. */
static spate_value list_create(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_list_of(spate_task_arena(t), &v, 1);
}

static spate_value list_append(spate_task *t, spate_value c, spate_value v, void *ud)
{
    (void)ud;
    spate_value l = spate_list_of(spate_task_arena(t), NULL, c.len + 1);
    memcpy(spate_items_mut(l), c.u.items, sizeof *c.u.items * c.len);
    spate_items_mut(l)[c.len] = v;
    return l;
}

static spate_value list_concat(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)ud;
    spate_value l = spate_list_of(spate_task_arena(t), NULL, a.len + b.len);
    memcpy(spate_items_mut(l), a.u.items, sizeof *a.u.items * a.len);
    memcpy(spate_items_mut(l) + a.len, b.u.items, sizeof *b.u.items * b.len);
    return l;
}

Test(combine_cache, list_combiners_keep_every_value_in_order)
{
    enum { M = 3000, NKEYS = 150 };
    for (int mi = 0; mi < CU_NMASTERS; mi++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[mi], spate_seconds(1));
        spate_arena *a = spate_arena_new();
        spate_value *pairs = malloc(sizeof *pairs * M);
        for (int i = 0; i < M; i++)
            pairs[i] = spate_tuple2(a, spate_i64((int64_t)(next_rand() % NKEYS)), spate_i64(i));
        spate_rdd *lists = spate_rdd_combine_by_key(spate_ctx_parallelize(ssc, pairs, M, NPARTS),
                                                    list_create, list_append, list_concat, NULL, 2);
        spate_value *out;
        size_t n;
        cr_assert_eq(spate_rdd_collect(lists, &out, &n), SPATE_OK);
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t k = spate_key(out[i]).u.i;
            spate_value l = spate_val(out[i]);
            /* the values of key k, in input order */
            size_t j = 0;
            for (int e = 0; e < M; e++) {
                if (spate_key(pairs[e]).u.i != k) continue;
                cr_assert_lt(j, l.len, "%s: key %lld lacks values", CU_MASTERS[mi], (long long)k);
                cr_assert_eq(l.u.items[j].u.i, e, "%s: key %lld item %zu", CU_MASTERS[mi],
                             (long long)k, j);
                j++;
            }
            cr_assert_eq(j, l.len, "%s: key %lld has extra values", CU_MASTERS[mi], (long long)k);
            total += l.len;
        }
        cr_expect_eq(total, M);
        free(pairs);
        spate_arena_destroy(a);
        spate_ctx_destroy(ssc);
    }
}

/* countByValue of Booleans: the orders benchmark's shape. */
Test(combine_cache, counts_by_boolean)
{
    for (int mi = 0; mi < CU_NMASTERS; mi++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[mi], spate_seconds(1));
        spate_value *v = malloc(sizeof *v * N);
        int64_t trues = 0;
        for (int i = 0; i < N; i++) {
            bool b = next_rand() & 1;
            trues += b;
            v[i] = spate_bool(b);
        }
        spate_value *out;
        size_t n;
        cr_assert_eq(spate_rdd_count_by_value(spate_ctx_parallelize(ssc, v, N, 4), &out, &n),
                     SPATE_OK);
        cr_assert_eq(n, 2);
        for (size_t i = 0; i < n; i++)
            cr_expect_eq(spate_val(out[i]).u.i, spate_key(out[i]).u.b ? trues : N - trues, "%s",
                         CU_MASTERS[mi]);
        free(v);
        spate_ctx_destroy(ssc);
    }
}
