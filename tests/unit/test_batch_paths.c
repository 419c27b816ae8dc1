/* test_batch_paths.c - the per-batch hot paths tuned for the orders
 * dashboard change nothing a job can see:
 *   - the map-side combine's cache of short string keys (shuffle.c):
 *     reduceByKey by strings of every length up to past the cached 16 bytes,
 *     keys differing in one byte anywhere, more keys than lines, keys made in
 *     recycled task memory: the same sums as a fold in Spark's order, bit for
 *     bit;
 *   - repartition's reduce side taking a lone map task's bucket as it is, and
 *     concatenating several in map order;
 *   - a cached RDD collected through scratch blocks (cache.c): every element,
 *     in order, past block boundaries;
 *   - mapWithState handing Some(value) over the record itself: a function
 *     that returns its value argument outputs the batch's values, still
 *     intact when later batches ran. */
#include "conformance_util.h"

#include <ftw.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- reduceByKey by short strings ------------------------------------------ */

enum { NKEYS = 400, NPAIRS = 30000, NPARTS = 3 };

/* Key i: the empty string for 0, else of length 1..20 (each branch of the
 * cached form, and longer), "k"s but for one byte telling it from its
 * neighbours of that length, at a position moving along the key. */
static size_t key_text(int i, char *buf)
{
    if (i == 0) return 0;
    size_t len = 1 + (size_t)(i - 1) % 20, j = (size_t)(i - 1) / 20;
    memset(buf, 'k', len);
    buf[j % len] = (char)('A' + j / len);
    return len;
}

/* (i, v) => (key i as a string in the task's memory, v): the key lives in
 * the transient map task's scratch arena, recycled every 1024 elements. */
static spate_value key_in_task(spate_task *t, spate_value p, void *ud)
{
    (void)ud;
    char buf[32];
    size_t len = key_text((int)spate_key(p).u.i, buf);
    spate_arena *a = spate_task_arena(t);
    return spate_tuple2(a, spate_str_copy(a, buf, len), spate_val(p));
}

static double value_of(int i)
{
    return ldexp((double)(i * 2654435761u % 1000003), -(i % 50)) - 0.25;
}

static int key_of_pair(int i) { return (int)((uint64_t)i * 7919 % NKEYS); }

Test(batch_paths, reduce_by_short_string_keys_sums_in_sparks_order)
{
    /* Distinct texts for distinct indices, or the reference below is wrong. */
    char a[32], b[32];
    int distinct = 0;
    for (int i = 0; i < NKEYS; i++) {
        size_t la = key_text(i, a);
        bool dup = false;
        for (int j = 0; j < i && !dup; j++)
            dup = key_text(j, b) == la && memcmp(a, b, la) == 0;
        distinct += !dup;
    }
    cr_assert_eq(distinct, NKEYS, "the key texts are distinct");

    for (int mi = 0; mi < CU_NMASTERS; mi++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[mi], spate_seconds(1));
        spate_arena *arena = spate_arena_new();
        spate_value *pairs = malloc(sizeof *pairs * NPAIRS);
        static double want[NKEYS], part_sum[NPARTS][NKEYS];
        static bool seen[NKEYS], seen_in[NPARTS][NKEYS];
        memset(seen, 0, sizeof seen);
        memset(seen_in, 0, sizeof seen_in);
        for (int i = 0; i < NPAIRS; i++) {
            int k = key_of_pair(i);
            pairs[i] = spate_tuple2(arena, spate_i64(k), spate_f64(value_of(i)));
            int p = 0;
            while ((int64_t)(p + 1) * NPAIRS / NPARTS <= i) /* parallelize's slices */
                p++;
            part_sum[p][k] = seen_in[p][k] ? part_sum[p][k] + value_of(i) : value_of(i);
            seen_in[p][k] = true;
        }
        for (int p = 0; p < NPARTS; p++)
            for (int k = 0; k < NKEYS; k++) {
                if (!seen_in[p][k]) continue;
                want[k] = seen[k] ? want[k] + part_sum[p][k] : part_sum[p][k];
                seen[k] = true;
            }
        spate_rdd *in = spate_ctx_parallelize(ssc, pairs, NPAIRS, NPARTS);
        spate_rdd *sums =
            spate_rdd_reduce_by_key(spate_rdd_map(in, key_in_task, NULL), spate_fn_sum, NULL, 2);
        spate_value *out;
        size_t n;
        cr_assert_eq(spate_rdd_collect(sums, &out, &n), SPATE_OK);
        cr_assert_eq(n, NKEYS, "%s: %zu keys", CU_MASTERS[mi], n);
        for (size_t i = 0; i < n; i++) {
            spate_value k = spate_key(out[i]);
            int ki = -1;
            for (int j = 0; j < NKEYS && ki < 0; j++)
                if (key_text(j, a) == k.len && memcmp(a, k.u.s, k.len) == 0) ki = j;
            cr_assert_geq(ki, 0, "%s: unknown key '%.*s'", CU_MASTERS[mi], (int)k.len, k.u.s);
            double got = spate_val(out[i]).u.f;
            cr_expect(!memcmp(&got, &want[ki], sizeof got), "%s: key %d sum %.17g, want %.17g",
                      CU_MASTERS[mi], ki, got, want[ki]);
        }
        free(pairs);
        spate_arena_destroy(arena);
        spate_ctx_destroy(ssc);
    }
}

/* ---- repartition ------------------------------------------------------------- */

/* Every element once; within each output partition, elements of one input
 * partition keep their order. */
static void check_repartition(int in_parts, int out_parts)
{
    enum { M = 5000 };
    spate_ctx *ssc = cu_ctx("local[2]", spate_seconds(1));
    spate_rdd *r = spate_rdd_repartition(cu_range(ssc, 0, M - 1, in_parts), out_parts);
    spate_value *out;
    size_t n;
    cr_assert_eq(spate_rdd_collect(spate_rdd_glom(r), &out, &n), SPATE_OK);
    cr_assert_eq(n, (size_t)out_parts);
    static bool got[M];
    memset(got, 0, sizeof got);
    size_t total = 0;
    for (size_t p = 0; p < n; p++) {
        int64_t last[8];
        for (int i = 0; i < 8; i++)
            last[i] = -1;
        for (size_t j = 0; j < out[p].len; j++) {
            int64_t x = out[p].u.items[j].u.i;
            cr_assert(x >= 0 && x < M && !got[x], "%lld once", (long long)x);
            got[x] = true;
            int src = (int)(x * in_parts / M);
            cr_assert_gt(x, last[src], "partition %zu: %lld after %lld", p, (long long)x,
                         (long long)last[src]);
            last[src] = x;
        }
        total += out[p].len;
    }
    cr_assert_eq(total, M);
    spate_ctx_destroy(ssc);
}

Test(batch_paths, repartition_from_one_map_task) { check_repartition(1, 3); }
Test(batch_paths, repartition_from_several_map_tasks) { check_repartition(3, 2); }

/* ---- cache ----------------------------------------------------------------- */

static spate_value tripled(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return spate_i64(v.u.i * 3);
}

Test(batch_paths, cached_partitions_keep_every_element_in_order_past_block_ends)
{
    enum { M = 20000 }; /* partitions of several 4096-element blocks, one exact */
    spate_ctx *ssc = cu_ctx("local[2]", spate_seconds(1));
    spate_rdd *r = spate_rdd_map(cu_range(ssc, 0, M - 1, 3), tripled, NULL);
    cr_assert_eq(spate_rdd_cache(r), SPATE_OK);
    for (int round = 0; round < 2; round++) { /* filled, then read from the cache */
        spate_value *out;
        size_t n;
        cr_assert_eq(spate_rdd_collect(r, &out, &n), SPATE_OK);
        cr_assert_eq(n, M);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(out[i].u.i, (int64_t)i * 3, "round %d element %zu", round, i);
    }
    spate_ctx_destroy(ssc);
}

/* ---- mapWithState ---------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* (key, value, state) => value: the Option handed in is the output. */
static spate_value echo_value(spate_task *t, spate_value key, spate_value value, spate_state *st,
                              void *ud)
{
    (void)t, (void)key, (void)ud;
    spate_state_update(st, spate_i64(1));
    return value;
}

typedef struct kept {
    int n;
    spate_value *v[4];
    size_t len[4];
} kept;

static spate_err keep_batch(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time;
    kept *k = ud;
    if (k->n >= 4) return SPATE_OK;
    spate_err err = spate_rdd_collect(rdd, &k->v[k->n], &k->len[k->n]);
    k->n++;
    return err;
}

Test(batch_paths, map_with_state_value_handed_in_outlives_later_batches)
{
    char dir[] = "/tmp/spate-paths-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    spate_ctx *ssc = cu_ctx("local[2]", 1000);
    cr_assert_eq(spate_ctx_checkpoint(ssc, dir), SPATE_OK);
    cr_assert_eq(spate_ctx_remember(ssc, spate_seconds(60)), SPATE_OK);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    static const char *const in[] = {"k1:a k2:b", "k1:c k3:d", "k2:e"};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(spate_queue_stream_push(q, cu_rdd(ssc, in[i], 2)), SPATE_OK);
    kept k = {0};
    spate_stream_foreach_rdd(
        spate_stream_map_with_state(q, spate_state_spec_function(echo_value, NULL)), keep_batch,
        &k);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    for (int i = 1; i <= 3; i++) {
        cr_assert_eq(spate_clock_advance(spate_ctx_clock(ssc), 1000), SPATE_OK);
        cr_assert_eq(spate_ctx_await_batch(ssc, i * 1000, 20000), SPATE_OK);
    }
    static const char *const want[] = {"Some(a); Some(b)", "Some(c); Some(d)", "Some(e)"};
    cr_assert_eq(k.n, 3);
    for (int i = 0; i < 3; i++) {
        char *got = cu_format_all(k.v[i], k.len[i], true);
        cu_expect(got, want[i], true, "mapWithState output kept");
        free(got);
    }
    spate_ctx_stop(ssc, true, false);
    spate_ctx_destroy(ssc);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
