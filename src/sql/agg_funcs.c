/* agg_funcs.c - each aggregate function's accumulators over a table's
 * groups (agg_int.h's sp_agg_acc): making them, adding a chunk of rows of
 * the argument column to the rows' groups, and turning a group's state into
 * its buffer element (agg.h's encoding):
 *   count: I64 (DISTINCT: ARRAY of the distinct values); sum: the sum or
 *   NULL (no value); avg: ARRAY [sum (F64, or 16-byte decimal), I64 count];
 *   min/max: the value or NULL; first/last: ARRAY [value, BOOL valueSet];
 *   stddev/variance: ARRAY [F64 n, F64 avg, F64 m2] (Spark's
 *   CentralMomentAgg); approx_count_distinct: BYTES of HLL++ registers;
 *   collect_list/collect_set: ARRAY of the values.
 * A decimal sum past 38 digits is stuck at SP_AGG_DEC_OVERFLOW (as Spark's
 * sum turns null), so the final value is NULL or the ANSI error.
 * One thread per table. */
#include "sql/agg_int.h"

#include "base/arena.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void sp_agg_overflow_error(char *err, size_t err_size)
{
    if (err && err_size)
        snprintf(err, err_size,
                 "[ARITHMETIC_OVERFLOW] long overflow. Use 'try_add' to tolerate overflow and "
                 "return NULL instead. If necessary set \"%s\" to \"false\" to bypass this "
                 "error. SQLSTATE: 22003",
                 "spate.sql.ansi.enabled");
}

sp_i128 sp_agg_dec_get(spate_value v)
{
    sp_i128 d = 0;
    if (v.type == SPATE_BYTES && v.len == 16) memcpy(&d, v.u.bytes, 16);
    return d;
}

spate_value sp_agg_dec_make(spate_arena *a, sp_i128 v) { return spate_bytes_copy(a, &v, 16); }

spate_value sp_agg_col_value(const sp_column *c, int64_t r, spate_arena *a)
{
    if (!sp_column_valid(c, r)) return spate_null();
    switch (c->type) {
    case SP_COL_BOOL:
        return spate_bool(sp_column_get_bool(c, r));
    case SP_COL_F32:
        return spate_f64((double)sp_column_f32(c)[r]);
    case SP_COL_F64:
        return spate_f64(sp_column_f64(c)[r]);
    case SP_COL_DECIMAL128: {
        sp_i128 d = sp_sql_col_dec(c, r);
        if (a) return sp_agg_dec_make(a, d);
        return (spate_value){SPATE_BYTES, 16, {.bytes = (const uint8_t *)c->values + 16 * r}};
    }
    case SP_COL_UTF8:
    case SP_COL_BINARY: {
        size_t n;
        const char *s = sp_sql_col_str(c, r, &n);
        if (c->type == SP_COL_UTF8) return a ? spate_str_copy(a, s, n) : spate_str(s, n);
        if (a) return spate_bytes_copy(a, s, n);
        return (spate_value){SPATE_BYTES, (uint32_t)n, {.bytes = (const uint8_t *)s}};
    }
    case SP_COL_LIST: /* not keyed or aggregated: the analyzer and the table refuse them */
    case SP_COL_STRUCT:
    case SP_COL_MAP:
        return spate_null();
    default:
        return spate_i64(sp_sql_col_int(c, r));
    }
}

static int cmp_double(double x, double y)
{
    if (isnan(x)) return isnan(y) ? 0 : 1;
    if (isnan(y)) return -1;
    return (x > y) - (x < y);
}

int sp_agg_value_cmp(spate_value x, spate_value y, bool is_dec)
{
    if (is_dec) {
        sp_i128 a = sp_agg_dec_get(x), b = sp_agg_dec_get(y);
        return (a > b) - (a < b);
    }
    if (x.type == SPATE_F64 || y.type == SPATE_F64)
        return cmp_double(spate_as_f64(x), spate_as_f64(y));
    if (x.type == SPATE_BOOL) return (int)x.u.b - (int)y.u.b;
    if (x.type == SPATE_STR || x.type == SPATE_BYTES) {
        size_t n = x.len < y.len ? x.len : y.len;
        int c = n ? memcmp(x.u.s, y.u.s, n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return (x.len > y.len) - (x.len < y.len);
    }
    return (x.u.i > y.u.i) - (x.u.i < y.u.i);
}

bool sp_agg_value_eq(spate_value x, spate_value y)
{
    if (x.type != y.type) return false;
    if (x.type == SPATE_NULL) return true;
    return sp_agg_value_cmp(x, y, false) == 0;
}

/* ---- making accumulators ---- */

static bool is_moment(sp_agg_fn fn)
{
    return fn == SP_AGG_STDDEV_SAMP || fn == SP_AGG_STDDEV_POP || fn == SP_AGG_VAR_SAMP ||
           fn == SP_AGG_VAR_POP;
}

static bool uses_list(const sp_agg_call *c)
{
    return c->fn == SP_AGG_COLLECT_LIST || c->fn == SP_AGG_COLLECT_SET ||
           (c->fn == SP_AGG_COUNT && c->distinct);
}

void sp_agg_acc_init(sp_agg_acc *acc, const sp_agg_call *call)
{
    memset(acc, 0, sizeof *acc);
    acc->call = *call;
}

void sp_agg_acc_free(sp_agg_acc *acc)
{
    if (acc->list)
        for (int64_t g = 0; g < acc->cap; g++)
            free(acc->list[g].items);
    free(acc->cnt);
    free(acc->isum);
    free(acc->dsum);
    free(acc->mean);
    free(acc->m2);
    free(acc->dec);
    free(acc->has);
    free(acc->val);
    free(acc->regs);
    free(acc->list);
    sp_agg_dset_free(&acc->dset);
    memset(acc, 0, sizeof *acc);
}

#define GROW(p, cap) ((p) = sp_xrealloc((p), (size_t)(cap) * sizeof *(p)))

void sp_agg_acc_reserve(sp_agg_acc *acc, int64_t cap)
{
    if (cap <= acc->cap) return;
    sp_agg_fn fn = acc->call.fn;
    GROW(acc->has, cap);
    if (fn == SP_AGG_COUNT || fn == SP_AGG_AVG) GROW(acc->cnt, cap);
    if (fn == SP_AGG_SUM) GROW(acc->isum, cap);
    if (fn == SP_AGG_SUM || fn == SP_AGG_AVG || is_moment(fn)) GROW(acc->dsum, cap);
    if (fn == SP_AGG_SUM || fn == SP_AGG_AVG) GROW(acc->dec, cap);
    if (is_moment(fn)) {
        GROW(acc->mean, cap);
        GROW(acc->m2, cap);
    }
    if (fn == SP_AGG_MIN || fn == SP_AGG_MAX || fn == SP_AGG_FIRST || fn == SP_AGG_LAST)
        GROW(acc->val, cap);
    if (fn == SP_AGG_APPROX_COUNT_DISTINCT) GROW(acc->regs, cap);
    if (uses_list(&acc->call)) {
        GROW(acc->list, cap);
        memset(acc->list + acc->cap, 0, (size_t)(cap - acc->cap) * sizeof *acc->list);
    }
    acc->cap = cap;
}

void sp_agg_acc_new_group(sp_agg_acc *acc, int64_t g)
{
    acc->has[g] = 0;
    if (acc->cnt) acc->cnt[g] = 0;
    if (acc->isum) acc->isum[g] = 0;
    if (acc->dsum) acc->dsum[g] = 0;
    if (acc->dec) acc->dec[g] = 0;
    if (acc->mean) acc->mean[g] = acc->m2[g] = 0;
    if (acc->val) acc->val[g] = spate_null();
    if (acc->regs) acc->regs[g] = NULL;
    if (acc->list) acc->list[g].n = 0;
    if (g == 0) sp_agg_dset_clear(&acc->dset); /* a new or cleared table */
}

/* ---- updates, one loop per function ---- */

static void update_count(sp_agg_acc *acc, const sp_column *arg, const int32_t *rows,
                         const int32_t *gid, int n)
{
    int64_t *cnt = acc->cnt;
    if (!arg || !arg->validity) {
        for (int i = 0; i < n; i++)
            cnt[gid[i]]++;
        return;
    }
    for (int i = 0; i < n; i++)
        cnt[gid[i]] += sp_column_valid(arg, rows[i]);
}

sp_i128 sp_agg_dec_add(sp_i128 x, sp_i128 y)
{
    sp_i128 r;
    if (x == SP_AGG_DEC_OVERFLOW || y == SP_AGG_DEC_OVERFLOW || __builtin_add_overflow(x, y, &r) ||
        !sp_sql_dec_fits(r, SP_SQL_DECIMAL_MAX_PRECISION))
        return SP_AGG_DEC_OVERFLOW; /* Spark's Add of DECIMAL(38) gives null: sticky */
    return r;
}

static bool update_sum(sp_agg_acc *acc, const sp_column *arg, const int32_t *rows,
                       const int32_t *gid, int n, bool ansi, char *err, size_t err_size)
{
    bool avg = acc->call.fn == SP_AGG_AVG;
    for (int i = 0; i < n; i++) {
        int64_t r = rows[i], g = gid[i];
        if (!sp_column_valid(arg, r)) continue;
        acc->has[g] = 1;
        if (avg) acc->cnt[g]++;
        switch (arg->type) {
        case SP_COL_F32:
        case SP_COL_F64:
            acc->dsum[g] += sp_sql_col_double(arg, r);
            break;
        case SP_COL_DECIMAL128:
            acc->dec[g] = sp_agg_dec_add(acc->dec[g], sp_sql_col_dec(arg, r));
            break;
        default:
            if (avg) {
                acc->dsum[g] += (double)sp_sql_col_int(arg, r);
            } else if (__builtin_add_overflow(acc->isum[g], sp_sql_col_int(arg, r),
                                              &acc->isum[g]) &&
                       ansi) {
                sp_agg_overflow_error(err, err_size);
                return false;
            }
        }
    }
    return true;
}

static void update_minmax(sp_agg_acc *acc, const sp_column *arg, const int32_t *rows,
                          const int32_t *gid, int n, spate_arena *a)
{
    int sign = acc->call.fn == SP_AGG_MIN ? -1 : 1;
    bool dec = arg->type == SP_COL_DECIMAL128;
    for (int i = 0; i < n; i++) {
        int64_t g = gid[i];
        spate_value v = sp_agg_col_value(arg, rows[i], NULL);
        if (v.type == SPATE_NULL) continue;
        if (acc->has[g] && sp_agg_value_cmp(v, acc->val[g], dec) * sign <= 0) continue;
        acc->val[g] = (v.type == SPATE_STR || v.type == SPATE_BYTES) ? spate_value_copy(a, v) : v;
        acc->has[g] = 1;
    }
}

static void update_first_last(sp_agg_acc *acc, const sp_column *arg, const int32_t *rows,
                              const int32_t *gid, int n, spate_arena *a)
{
    bool first = acc->call.fn == SP_AGG_FIRST, ign = acc->call.ignore_nulls;
    for (int i = 0; i < n; i++) {
        int64_t g = gid[i];
        if (first && acc->has[g]) continue;
        spate_value v = sp_agg_col_value(arg, rows[i], NULL);
        if (ign && v.type == SPATE_NULL) continue;
        acc->val[g] = (v.type == SPATE_STR || v.type == SPATE_BYTES) ? spate_value_copy(a, v) : v;
        acc->has[g] = 1;
    }
}

static void update_moments(sp_agg_acc *acc, const sp_column *arg, const int32_t *rows,
                           const int32_t *gid, int n)
{
    for (int i = 0; i < n; i++) {
        int64_t r = rows[i], g = gid[i];
        if (!sp_column_valid(arg, r)) continue;
        double x = arg->type == SP_COL_DECIMAL128
                       ? (double)sp_sql_col_dec(arg, r) / pow(10, arg->scale)
                       : sp_sql_col_double(arg, r);
        double nn = acc->dsum[g] + 1, delta = x - acc->mean[g], delta_n = delta / nn;
        acc->mean[g] += delta_n;
        acc->m2[g] += delta * (delta - delta_n);
        acc->dsum[g] = nn;
    }
}

static void list_push(sp_agg_vlist *l, spate_value v)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->items = sp_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = v;
}

static void update_list(sp_agg_acc *acc, const sp_column *arg, const int32_t *rows,
                        const int32_t *gid, int n, spate_arena *a)
{
    bool set = acc->call.fn != SP_AGG_COLLECT_LIST;
    for (int i = 0; i < n; i++) {
        spate_value v = sp_agg_col_value(arg, rows[i], NULL), kept;
        if (v.type == SPATE_NULL) continue;
        if (!set)
            list_push(&acc->list[gid[i]], spate_value_copy(a, v));
        else if (sp_agg_dset_add(&acc->dset, gid[i], v, a, &kept))
            list_push(&acc->list[gid[i]], kept);
    }
}

static void update_hll(sp_agg_acc *acc, const sp_column *arg, const int32_t *rows,
                       const int32_t *gid, int n, spate_arena *a)
{
    for (int i = 0; i < n; i++) {
        int64_t g = gid[i];
        spate_value v = sp_agg_col_value(arg, rows[i], NULL);
        if (v.type == SPATE_NULL) continue;
        if (!acc->regs[g]) {
            acc->regs[g] = spate_arena_alloc(a, SP_AGG_HLL_M);
            memset(acc->regs[g], 0, SP_AGG_HLL_M);
        }
        sp_agg_hll_add(acc->regs[g], sp_agg_hll_hash(v, arg));
    }
}

bool sp_agg_acc_update(sp_agg_acc *acc, const sp_column *arg, const int32_t *rows,
                       const int32_t *gid, int n, spate_arena *a, bool ansi, char *err,
                       size_t err_size)
{
    const sp_agg_call *c = &acc->call;
    if (uses_list(c)) {
        if (arg) update_list(acc, arg, rows, gid, n, a);
        return true;
    }
    if (c->fn == SP_AGG_COUNT || !arg) {
        update_count(acc, arg, rows, gid, n);
        return true;
    }
    switch (c->fn) {
    case SP_AGG_SUM:
    case SP_AGG_AVG:
        return update_sum(acc, arg, rows, gid, n, ansi, err, err_size);
    case SP_AGG_MIN:
    case SP_AGG_MAX:
        update_minmax(acc, arg, rows, gid, n, a);
        break;
    case SP_AGG_FIRST:
    case SP_AGG_LAST:
        update_first_last(acc, arg, rows, gid, n, a);
        break;
    case SP_AGG_APPROX_COUNT_DISTINCT:
        update_hll(acc, arg, rows, gid, n, a);
        break;
    default:
        update_moments(acc, arg, rows, gid, n);
    }
    return true;
}

/* ---- buffers ---- */

static spate_value list_value(const sp_agg_vlist *l, spate_arena *a)
{
    spate_value r = spate_array_of(a, NULL, l->n);
    for (uint32_t i = 0; i < l->n; i++)
        spate_items_mut(r)[i] = spate_value_copy(a, l->items[i]);
    return r;
}

static bool is_dec_call(const sp_agg_call *c) { return c->type && c->type->id == SP_SQL_DECIMAL; }

spate_value sp_agg_acc_buffer(const sp_agg_acc *acc, int64_t g, spate_arena *a)
{
    const sp_agg_call *c = &acc->call;
    if (uses_list(c)) return list_value(&acc->list[g], a);
    spate_value it[3];
    switch (c->fn) {
    case SP_AGG_COUNT:
        return spate_i64(acc->cnt[g]);
    case SP_AGG_SUM:
        if (!acc->has[g]) return spate_null();
        if (is_dec_call(c)) return sp_agg_dec_make(a, acc->dec[g]);
        return c->type && c->type->id == SP_SQL_DOUBLE ? spate_f64(acc->dsum[g])
                                                       : spate_i64(acc->isum[g]);
    case SP_AGG_AVG:
        it[0] = is_dec_call(c) ? sp_agg_dec_make(a, acc->dec[g]) : spate_f64(acc->dsum[g]);
        it[1] = spate_i64(acc->cnt[g]);
        return spate_array_of(a, it, 2);
    case SP_AGG_MIN:
    case SP_AGG_MAX:
        return acc->has[g] ? spate_value_copy(a, acc->val[g]) : spate_null();
    case SP_AGG_FIRST:
    case SP_AGG_LAST:
        it[0] = acc->has[g] ? spate_value_copy(a, acc->val[g]) : spate_null();
        it[1] = spate_bool(acc->has[g]);
        return spate_array_of(a, it, 2);
    case SP_AGG_APPROX_COUNT_DISTINCT: {
        uint8_t *regs = spate_arena_alloc(a, SP_AGG_HLL_M);
        if (acc->regs[g])
            memcpy(regs, acc->regs[g], SP_AGG_HLL_M);
        else
            memset(regs, 0, SP_AGG_HLL_M);
        return (spate_value){SPATE_BYTES, SP_AGG_HLL_M, {.bytes = regs}};
    }
    default:
        it[0] = spate_f64(acc->dsum[g]);
        it[1] = spate_f64(acc->mean[g]);
        it[2] = spate_f64(acc->m2[g]);
        return spate_array_of(a, it, 3);
    }
}
