/* conformance_util.h - helpers shared by the Spark-conformance tables of
 * test_rdd.c and test_dstream.c: contexts on a manual clock, inputs written as
 * short text ("1 2 3", "a:1 b:2") and results formatted as Scala prints them.
 *
 * Results are joined with "; " (elements themselves may contain ", " as in
 * List(1, 2)); a multiset comparison sorts both sides' elements as strings. */
#ifndef SPATE_TEST_CONFORMANCE_UTIL_H
#define SPATE_TEST_CONFORMANCE_UTIL_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CU_UNUSED __attribute__((unused))

/* The parameters 0..n-1 of a ParameterizedTest over a table of n cases. */
#define CU_CASE_INDICES(suite, test, n)                                                            \
    ParameterizedTestParameters(suite, test)                                                       \
    {                                                                                              \
        static int indices[n];                                                                     \
        for (int i = 0; i < (n); i++)                                                              \
            indices[i] = i;                                                                        \
        return cr_make_param_array(int, indices, (n));                                             \
    }

static const char *const CU_MASTERS[] = {"local[1]", "local[2]"};
enum { CU_NMASTERS = 2 };

/* A context on the manual clock (at 0), logging off. */
static CU_UNUSED spate_ctx *cu_ctx(const char *master, spate_duration batch)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err), SPATE_OK,
                 "%s", err);
    cr_assert_eq(spate_conf_set(conf, "spate.master", master, err, sizeof err), SPATE_OK, "%s",
                 err);
    cr_assert_eq(spate_conf_set(conf, "spate.log.level", "OFF", err, sizeof err), SPATE_OK, "%s",
                 err);
    spate_ctx *ssc = spate_ctx_new(conf, batch, err, sizeof err);
    cr_assert_not_null(ssc, "%s", err);
    return ssc;
}

/* One token: "''" is the empty string, an integer is an i64, else a string. */
static CU_UNUSED spate_value cu_token(spate_arena *a, const char *s, size_t n)
{
    if (n == 2 && s[0] == '\'' && s[1] == '\'') return spate_str_copy(a, "", 0);
    size_t i = (n > 1 && s[0] == '-') ? 1 : 0;
    bool digits = i < n;
    for (size_t j = i; j < n; j++)
        if (s[j] < '0' || s[j] > '9') digits = false;
    if (digits) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.*s", (int)n, s);
        return spate_i64(strtoll(buf, NULL, 10));
    }
    return spate_str_copy(a, s, n);
}

/* "k:v" is the pair (k, v), anything else a single token. */
static CU_UNUSED spate_value cu_element(spate_arena *a, const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    if (!colon) return cu_token(a, s, n);
    size_t kn = (size_t)(colon - s);
    return spate_tuple2(a, cu_token(a, s, kn), cu_token(a, colon + 1, n - kn - 1));
}

/* Parses space-separated elements into vals (at most cap); returns the count. */
static CU_UNUSED size_t cu_parse(spate_arena *a, const char *spec, spate_value *vals, size_t cap)
{
    size_t n = 0;
    const char *p = spec ? spec : "";
    while (*p) {
        while (*p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        if (p > start) {
            cr_assert_lt(n, cap, "too many elements in \"%s\"", spec);
            vals[n++] = cu_element(a, start, (size_t)(p - start));
        }
    }
    return n;
}

/* An RDD owned by the context with the elements of spec in nparts partitions. */
static CU_UNUSED spate_rdd *cu_rdd(spate_ctx *ssc, const char *spec, int nparts)
{
    spate_arena *a = spate_arena_new();
    spate_value vals[512];
    size_t n = cu_parse(a, spec, vals, 512);
    spate_rdd *r = spate_ctx_parallelize(ssc, vals, n, nparts);
    spate_arena_destroy(a);
    cr_assert_not_null(r);
    return r;
}

/* The integers from..to (inclusive) in nparts partitions. */
static CU_UNUSED spate_rdd *cu_range(spate_ctx *ssc, int64_t from, int64_t to, int nparts)
{
    size_t n = to >= from ? (size_t)(to - from + 1) : 0;
    spate_value *vals = calloc(n + 1, sizeof *vals);
    for (size_t i = 0; i < n; i++)
        vals[i] = spate_i64(from + (int64_t)i);
    spate_rdd *r = spate_ctx_parallelize(ssc, vals, n, nparts);
    free(vals);
    return r;
}

static CU_UNUSED char *cu_format(spate_value v)
{
    char probe[1];
    size_t n = spate_value_format(v, probe, sizeof probe);
    char *s = malloc(n + 1);
    spate_value_format(v, s, n + 1);
    return s;
}

static int cu_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Joins n strings with "; " (sorted first when asked); frees them. Malloc'd. */
static CU_UNUSED char *cu_join(char **items, size_t n, bool sorted)
{
    if (sorted && n > 1) qsort(items, n, sizeof *items, cu_cmp_str);
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += strlen(items[i]) + 2;
    char *out = malloc(total), *p = out;
    *p = '\0';
    for (size_t i = 0; i < n; i++) {
        p += sprintf(p, "%s%s", i ? "; " : "", items[i]);
        free(items[i]);
    }
    return out;
}

/* The elements formatted as Scala prints them, joined by "; ". Malloc'd. */
static CU_UNUSED char *cu_format_all(const spate_value *v, size_t n, bool sorted)
{
    char **items = calloc(n + 1, sizeof *items);
    for (size_t i = 0; i < n; i++)
        items[i] = cu_format(v[i]);
    char *out = cu_join(items, n, sorted);
    free(items);
    return out;
}

/* want with its "; "-separated elements sorted (for multiset comparisons). */
static CU_UNUSED char *cu_sorted_spec(const char *want)
{
    size_t cap = 8, n = 0;
    char **items = malloc(cap * sizeof *items);
    const char *p = want;
    while (*p) {
        const char *end = strstr(p, "; ");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (n == cap) items = realloc(items, (cap *= 2) * sizeof *items);
        items[n++] = strndup(p, len);
        p += len + (end ? 2 : 0);
    }
    char *out = cu_join(items, n, true);
    free(items);
    return out;
}

/* Collects r and formats it; the action must succeed. */
static CU_UNUSED char *cu_collect(spate_rdd *r, bool sorted)
{
    cr_assert_not_null(r);
    spate_value *out;
    size_t n;
    spate_err err = spate_rdd_collect(r, &out, &n);
    cr_assert_eq(err, SPATE_OK, "collect failed: %s (%s)", spate_err_str(err),
                 spate_rdd_last_error(r));
    return cu_format_all(out, n, sorted);
}

/* Asserts got equals want, as sequences or (sorted) as multisets. */
static CU_UNUSED void cu_expect(const char *got, const char *want, bool sorted, const char *what)
{
    char *w = sorted ? cu_sorted_spec(want) : strdup(want);
    cr_expect_str_eq(got, w, "%s:\n  got  [%s]\n  want [%s]", what, got, w);
    free(w);
}

/* combineByKey average: the combiner is (sum, count). */
static inline spate_value avg_create(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), v, spate_i64(1));
}

static inline spate_value avg_merge_value(spate_task *t, spate_value c, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), spate_i64(spate_key(c).u.i + v.u.i),
                        spate_i64(spate_val(c).u.i + 1));
}

static inline spate_value avg_merge_combiners(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), spate_i64(spate_key(a).u.i + spate_key(b).u.i),
                        spate_i64(spate_val(a).u.i + spate_val(b).u.i));
}

static inline spate_value avg_finish(spate_task *t, spate_value c, void *ud)
{
    (void)t, (void)ud;
    return spate_f64((double)spate_key(c).u.i / (double)spate_val(c).u.i);
}

/* Callbacks both conformance tables use. */
static inline bool is_even(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return v.u.i % 2 == 0;
}

static inline void sum_partition(spate_task *t, const spate_value *in, size_t n, spate_sink *out,
                                 void *ud)
{
    (void)t, (void)ud;
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += in[i].u.i;
    spate_sink_push(out, spate_i64(sum));
}

static inline spate_value times_three(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return spate_i64(v.u.i * 3);
}

static inline void x_and_double(spate_task *t, spate_value v, spate_sink *out, void *ud)
{
    (void)t, (void)ud;
    spate_sink_push(out, v);
    spate_sink_push(out, spate_i64(v.u.i * 2));
}

static inline void x_and_plus_ten(spate_task *t, spate_value v, spate_sink *out, void *ud)
{
    (void)t, (void)ud;
    spate_sink_push(out, v);
    spate_sink_push(out, spate_i64(v.u.i + 10));
}

#endif
