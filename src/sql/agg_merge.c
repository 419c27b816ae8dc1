/* agg_merge.c - aggregation buffers as values (agg.h, encoding in
 * agg_funcs.c): the buffer over no row and the merge of two partial
 * buffers (Spark's mergeExpressions: sums add, first keeps the left set
 * value, last the right, moments merge by count/mean/m2, HLL registers take
 * the maximum, collect_* concatenate). Any thread, results in its arena. */
#include "sql/agg_int.h"

#include <string.h>

static bool is_dec(const sp_agg_call *c) { return c->type && c->type->id == SP_SQL_DECIMAL; }

static bool is_list(const sp_agg_call *c)
{
    return c->fn == SP_AGG_COLLECT_LIST || c->fn == SP_AGG_COLLECT_SET ||
           (c->fn == SP_AGG_COUNT && c->distinct);
}

static spate_value empty_one(const sp_agg_call *c, spate_arena *a)
{
    spate_value it[3];
    if (is_list(c)) return spate_array_of(a, NULL, 0);
    switch (c->fn) {
    case SP_AGG_COUNT:
        return spate_i64(0);
    case SP_AGG_AVG:
        it[0] = is_dec(c) ? sp_agg_dec_make(a, 0) : spate_f64(0);
        it[1] = spate_i64(0);
        return spate_array_of(a, it, 2);
    case SP_AGG_FIRST:
    case SP_AGG_LAST:
        it[0] = spate_null();
        it[1] = spate_bool(false);
        return spate_array_of(a, it, 2);
    case SP_AGG_STDDEV_SAMP:
    case SP_AGG_STDDEV_POP:
    case SP_AGG_VAR_SAMP:
    case SP_AGG_VAR_POP:
        it[0] = it[1] = it[2] = spate_f64(0);
        return spate_array_of(a, it, 3);
    case SP_AGG_APPROX_COUNT_DISTINCT: {
        uint8_t *regs = spate_arena_alloc(a, SP_AGG_HLL_M);
        memset(regs, 0, SP_AGG_HLL_M);
        return (spate_value){SPATE_BYTES, SP_AGG_HLL_M, {.bytes = regs}};
    }
    default:
        return spate_null(); /* sum, min, max: no value yet */
    }
}

spate_value sp_agg_empty_buffer(const sp_agg_call *aggs, int naggs, spate_arena *a)
{
    spate_value buf = spate_array_of(a, NULL, (size_t)naggs);
    for (int i = 0; i < naggs; i++)
        spate_items_mut(buf)[i] = empty_one(&aggs[i], a);
    return buf;
}

static bool merge_sum(const sp_agg_call *c, spate_value x, spate_value y, spate_arena *a,
                      spate_value *out, bool ansi, char *err, size_t err_size)
{
    if (x.type == SPATE_NULL || y.type == SPATE_NULL) {
        *out = x.type == SPATE_NULL ? y : x;
        return true;
    }
    if (is_dec(c)) {
        *out = sp_agg_dec_make(a, sp_agg_dec_add(sp_agg_dec_get(x), sp_agg_dec_get(y)));
    } else if (x.type == SPATE_F64) {
        *out = spate_f64(x.u.f + y.u.f);
    } else {
        int64_t r;
        if (__builtin_add_overflow(x.u.i, y.u.i, &r) && ansi) {
            sp_agg_overflow_error(err, err_size);
            return false;
        }
        *out = spate_i64(r);
    }
    return true;
}

static spate_value merge_moments(spate_value x, spate_value y, spate_arena *a)
{
    double n1 = x.u.items[0].u.f, n2 = y.u.items[0].u.f;
    double m1 = x.u.items[1].u.f, m2v = y.u.items[1].u.f;
    double n = n1 + n2, delta = m2v - m1, delta_n = n == 0 ? 0 : delta / n;
    spate_value it[3] = {
        spate_f64(n),
        spate_f64(m1 + delta_n * n2),
        spate_f64(x.u.items[2].u.f + y.u.items[2].u.f + delta * delta_n * n1 * n2),
    };
    return spate_array_of(a, it, 3);
}

static spate_value merge_lists(const sp_agg_call *c, spate_value x, spate_value y, spate_arena *a)
{
    bool set = c->fn != SP_AGG_COLLECT_LIST;
    spate_value r = spate_array_of(a, NULL, x.len + y.len);
    spate_value *it = spate_items_mut(r);
    uint32_t n = 0;
    for (uint32_t i = 0; i < x.len; i++)
        it[n++] = x.u.items[i];
    for (uint32_t j = 0; j < y.len; j++) {
        bool dup = false;
        for (uint32_t i = 0; set && !dup && i < x.len; i++)
            dup = sp_agg_value_eq(x.u.items[i], y.u.items[j]);
        if (!dup) it[n++] = y.u.items[j];
    }
    r.len = n;
    return r;
}

static spate_value merge_hll(spate_value x, spate_value y, spate_arena *a)
{
    uint8_t *regs = spate_arena_alloc(a, SP_AGG_HLL_M);
    for (int i = 0; i < SP_AGG_HLL_M; i++)
        regs[i] = x.u.bytes[i] > y.u.bytes[i] ? x.u.bytes[i] : y.u.bytes[i];
    return (spate_value){SPATE_BYTES, SP_AGG_HLL_M, {.bytes = regs}};
}

static bool merge_one(const sp_agg_call *c, spate_value x, spate_value y, spate_arena *a,
                      spate_value *out, bool ansi, char *err, size_t err_size)
{
    if (is_list(c)) {
        *out = merge_lists(c, x, y, a);
        return true;
    }
    spate_value it[2];
    switch (c->fn) {
    case SP_AGG_COUNT:
        *out = spate_i64(x.u.i + y.u.i);
        return true;
    case SP_AGG_SUM:
        return merge_sum(c, x, y, a, out, ansi, err, err_size);
    case SP_AGG_AVG:
        if (is_dec(c))
            it[0] = sp_agg_dec_make(
                a, sp_agg_dec_add(sp_agg_dec_get(x.u.items[0]), sp_agg_dec_get(y.u.items[0])));
        else
            it[0] = spate_f64(x.u.items[0].u.f + y.u.items[0].u.f);
        it[1] = spate_i64(x.u.items[1].u.i + y.u.items[1].u.i);
        *out = spate_array_of(a, it, 2);
        return true;
    case SP_AGG_MIN:
    case SP_AGG_MAX: {
        int sign = c->fn == SP_AGG_MIN ? -1 : 1;
        if (x.type == SPATE_NULL || y.type == SPATE_NULL)
            *out = x.type == SPATE_NULL ? y : x;
        else
            *out = sp_agg_value_cmp(y, x, is_dec(c)) * sign > 0 ? y : x;
        return true;
    }
    case SP_AGG_FIRST:
        *out = x.u.items[1].u.b ? x : y;
        return true;
    case SP_AGG_LAST:
        *out = y.u.items[1].u.b ? y : x;
        return true;
    case SP_AGG_APPROX_COUNT_DISTINCT:
        *out = merge_hll(x, y, a);
        return true;
    default:
        *out = merge_moments(x, y, a);
        return true;
    }
}

bool sp_agg_merge(const sp_agg_call *aggs, int naggs, spate_value into, spate_value add,
                  spate_arena *a, spate_value *out, bool ansi, char *err, size_t err_size)
{
    if (into.type == SPATE_NULL) {
        *out = spate_value_copy(a, add);
        return true;
    }
    spate_value r = spate_array_of(a, NULL, (size_t)naggs);
    for (int i = 0; i < naggs; i++) {
        spate_value m;
        if (!merge_one(&aggs[i], into.u.items[i], add.u.items[i], a, &m, ansi, err, err_size))
            return false;
        spate_items_mut(r)[i] = spate_value_copy(a, m);
    }
    *out = r;
    return true;
}
