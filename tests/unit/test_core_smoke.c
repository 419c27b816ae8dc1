/* Smoke tests of the engine core: an RDD pipeline and a queue-fed DStream
 * driven by the manual clock. The thorough conformance tables live in
 * test_rdd.c and test_dstream.c. */
#include <criterion/criterion.h>
#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static spate_ctx *manual_ctx(const char *master, spate_duration batch)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err), SPATE_OK,
                 "%s", err);
    cr_assert_eq(spate_conf_set(conf, "spate.master", master, err, sizeof err), SPATE_OK, "%s",
                 err);
    spate_ctx *ssc = spate_ctx_new(conf, batch, err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    return ssc;
}

static spate_value times_three(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return spate_i64(v.u.i * 3);
}

static bool is_even(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return v.u.i % 2 == 0;
}

Test(core_smoke, rdd_map_filter_reduce_by_key)
{
    spate_ctx *ssc = manual_ctx("local[2]", spate_seconds(1));
    spate_value vals[100];
    for (int i = 0; i < 100; i++)
        vals[i] = spate_i64(i);
    spate_rdd *r = spate_ctx_parallelize(ssc, vals, 100, 4);
    spate_rdd *m = spate_rdd_filter(spate_rdd_map(r, times_three, NULL), is_even, NULL);
    int64_t n;
    cr_assert_eq(spate_rdd_count(m, &n), SPATE_OK);
    cr_assert_eq(n, 50);
    spate_rdd *pairs =
        spate_rdd_map(spate_rdd_map(r, times_three, NULL), spate_fn_pair_with_one, NULL);
    spate_rdd *mod = spate_rdd_reduce_by_key(spate_rdd_map(r, spate_fn_pair_with_one, NULL),
                                             spate_fn_sum, NULL, 3);
    (void)pairs;
    spate_value *out;
    size_t len;
    cr_assert_eq(spate_rdd_collect(mod, &out, &len), SPATE_OK);
    cr_assert_eq(len, 100);
    cr_assert_eq(spate_rdd_num_partitions(mod), 3);
    spate_ctx_destroy(ssc);
}

static int64_t seen_counts[8];
static int nseen;

static spate_err record_count(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)time, (void)ud;
    spate_value *out;
    size_t n;
    spate_err err = spate_rdd_collect(rdd, &out, &n);
    if (err) return err;
    if (n == 1 && nseen < 8) seen_counts[nseen++] = out[0].u.i;
    return SPATE_OK;
}

Test(core_smoke, queue_stream_count_per_batch_and_print_format)
{
    spate_ctx *ssc = manual_ctx("local[2]", spate_milliseconds(1000));
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_not_null(q, "%s", spate_ctx_last_error(ssc));
    spate_value a[3] = {spate_cstr("a b"), spate_cstr("c"), spate_cstr("d")};
    spate_queue_stream_push(q, spate_ctx_parallelize(ssc, a, 3, 2));
    spate_queue_stream_push(q, spate_ctx_parallelize(ssc, a, 1, 1));
    cr_assert_eq(spate_stream_foreach_rdd(spate_stream_count(q), record_count, NULL), SPATE_OK);
    char *printed = NULL;
    size_t printed_len = 0;
    FILE *mem = open_memstream(&printed, &printed_len);
    spate_stream *words = spate_stream_flat_map(q, spate_fn_split_words, NULL);
    cr_assert_eq(spate_stream_print_to(words, 3, mem), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    for (int i = 1; i <= 3; i++) {
        spate_clock_advance(spate_ctx_clock(ssc), 1000);
        cr_assert_eq(spate_ctx_await_batch(ssc, i * 1000, 10000), SPATE_OK);
    }
    spate_ctx_stop(ssc, true, false);
    fclose(mem);
    cr_assert_eq(nseen, 3);
    cr_assert_eq(seen_counts[0], 3);
    cr_assert_eq(seen_counts[1], 1);
    cr_assert_eq(seen_counts[2], 0, "an empty batch counts 0");
    const char *want = "-------------------------------------------\n"
                       "Time: 1000 ms\n"
                       "-------------------------------------------\n"
                       "a\nb\nc\n...\n\n"
                       "-------------------------------------------\n"
                       "Time: 2000 ms\n"
                       "-------------------------------------------\n"
                       "a\nb\n\n"
                       "-------------------------------------------\n"
                       "Time: 3000 ms\n"
                       "-------------------------------------------\n"
                       "\n";
    cr_assert_str_eq(printed, want);
    free(printed);
    spate_ctx_destroy(ssc);
}

Test(core_smoke, start_without_outputs_and_restart_are_errors)
{
    spate_ctx *ssc = manual_ctx("local[1]", spate_seconds(1));
    cr_assert_not_null(spate_queue_stream(ssc, true, NULL));
    cr_assert_eq(spate_ctx_start(ssc), SPATE_ERR_INVALID_ARG);
    cr_assert(strstr(spate_ctx_last_error(ssc), "No output operations registered"));
    spate_ctx_stop(ssc, true, false);
    cr_assert_eq(spate_ctx_get_state(ssc), SPATE_CTX_STOPPED);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_ERR_STATE);
    cr_assert_null(spate_queue_stream(ssc, true, NULL));
    spate_ctx_destroy(ssc);
}
