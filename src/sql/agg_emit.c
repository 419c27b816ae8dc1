/* agg_emit.c - the output of an aggregation (agg.h): its batch's columns
 * and one row made from a group's key and buffer, with each function's
 * final value as Spark evaluates it (avg = sum / count with the decimal
 * division's rounding, then the cast to the result type; var_samp of one
 * row NULL as spark.sql.legacy.statisticalAggregate=false gives; decimal
 * overflow NULL, or ARITHMETIC_OVERFLOW in ANSI mode). The caller's
 * thread. */
#include "sql/agg_int.h"

#include "sql/coercion.h"
#include "sql/type_column.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

sp_colbatch *sp_agg_output_batch(spate_arena *a, int nkeys, const sp_sql_type *const *key_types,
                                 const char *const *key_names, int naggs, const sp_agg_call *aggs,
                                 int64_t capacity)
{
    int n = nkeys + naggs;
    sp_coltree *trees = spate_arena_alloc(a, sizeof *trees * ((size_t)n + 1));
    const char **names = spate_arena_alloc(a, sizeof *names * ((size_t)n + 1));
    for (int i = 0; i < n; i++) {
        const sp_sql_type *t = i < nkeys ? key_types[i] : aggs[i - nkeys].type;
        if (!sp_sql_type_tree(a, t, &trees[i]))
            trees[i] = (sp_coltree){.spec = {SP_COL_BOOL, 0, 0}};
        names[i] = i < nkeys ? key_names[i] : aggs[i - nkeys].name;
    }
    return sp_colbatch_new_tree(a, n, trees, names, capacity);
}

static void put_cell(sp_colbatch *b, sp_column *c, int64_t r, spate_value v);

/* collect_list / collect_set's array value (its items in the buffer's
 * encoding) as list row r of c. */
static void put_list(sp_colbatch *b, sp_column *c, spate_value v)
{
    int64_t n = v.type == SPATE_NULL ? 0 : (int64_t)v.len;
    int64_t first = sp_col_list_begin(b, c, n);
    for (int64_t i = 0; i < n; i++)
        put_cell(b, &c->children[0], first + i, v.u.items[i]);
    sp_col_list_end(c, n);
}

void sp_agg_put_value(sp_colbatch *b, int col, int64_t r, spate_value v)
{
    put_cell(b, &b->cols[col], r, v);
}

static void put_cell(sp_colbatch *b, sp_column *c, int64_t r, spate_value v)
{
    if (c->type == SP_COL_LIST) {
        put_list(b, c, v);
        return;
    }
    if (v.type == SPATE_NULL) {
        if (sp_coltype_is_varlen(c->type)) sp_col_append_bytes(b, c, "", 0);
        sp_col_set_null(b, c, r);
        return;
    }
    switch (c->type) {
    case SP_COL_BOOL:
        sp_column_set_bool(c, r, v.u.b);
        break;
    case SP_COL_F32:
        sp_column_f32(c)[r] = (float)spate_as_f64(v);
        break;
    case SP_COL_F64:
        sp_column_f64(c)[r] = spate_as_f64(v);
        break;
    case SP_COL_DATE32:
        sp_column_date32(c)[r] = (int32_t)v.u.i;
        break;
    case SP_COL_DECIMAL128:
        sp_sql_col_set_dec(c, r, sp_agg_dec_get(v));
        break;
    case SP_COL_UTF8:
    case SP_COL_BINARY:
        sp_col_append_bytes(b, c, v.u.s, v.len);
        break;
    default:
        sp_sql_put_int(c, r, v.u.i);
    }
}

/* A decimal final value checked against DECIMAL(p,s): NULL when it does
 * not fit, or in ANSI mode CheckOverflowInSum's error. */
static bool dec_final(sp_i128 v, const sp_sql_type *t, bool ansi, spate_value *out, spate_arena *a,
                      char *err, size_t err_size)
{
    if (v != SP_AGG_DEC_OVERFLOW && sp_sql_dec_fits(v, t->precision)) {
        *out = sp_agg_dec_make(a, v);
        return true;
    }
    *out = spate_null();
    if (!ansi) return true;
    snprintf(err, err_size,
             "[ARITHMETIC_OVERFLOW] Overflow in sum of decimals. If necessary set "
             "\"spate.sql.ansi.enabled\" to \"false\" to bypass this error. SQLSTATE: 22003");
    return false;
}

/* |n| / d to k more digits, rounded HALF_UP, sign of n (d > 0). */
static sp_i128 div_round(sp_i128 n, int64_t d, int k)
{
    bool neg = n < 0;
    unsigned __int128 u = neg ? -(unsigned __int128)n : (unsigned __int128)n;
    unsigned __int128 q = u / (uint64_t)d, r = u % (uint64_t)d;
    for (int i = 0; i < k; i++) {
        r *= 10;
        q = q * 10 + r / (uint64_t)d;
        r %= (uint64_t)d;
    }
    if (r * 2 >= (uint64_t)d) q++;
    return neg ? -(sp_i128)q : (sp_i128)q;
}

/* Average's decimal evaluation: Divide(sum, count AS DECIMAL(20,0)) in the
 * division's type, then cast to the result type (both HALF_UP). */
static bool avg_decimal(const sp_agg_call *c, spate_value buf, spate_arena *a, bool ansi,
                        spate_value *out, char *err, size_t err_size)
{
    const sp_sql_type *in = c->arg && c->arg->type && c->arg->type->id == SP_SQL_DECIMAL
                                ? c->arg->type
                                : sp_sql_decimal(a, c->type->precision - 4, c->type->scale - 4);
    int s = in->scale;
    const sp_sql_type *sum_t = sp_sql_decimal_bounded(a, in->precision + 10, s);
    const sp_sql_type *div_t =
        sp_sql_decimal_result(a, SP_SQL_OP_DIV, sum_t, sp_sql_decimal(a, 20, 0), true);
    sp_i128 sum = sp_agg_dec_get(buf.u.items[0]);
    if (sum == SP_AGG_DEC_OVERFLOW) return dec_final(sum, c->type, ansi, out, a, err, err_size);
    sp_i128 q = div_round(sum, buf.u.items[1].u.i, div_t->scale - s), r;
    if (!sp_sql_dec_rescale(q, div_t->scale, c->type->scale, false, &r)) r = SP_AGG_DEC_OVERFLOW;
    return dec_final(r, c->type, ansi, out, a, err, err_size);
}

static spate_value moments_final(sp_agg_fn fn, spate_value buf)
{
    double n = buf.u.items[0].u.f, m2 = buf.u.items[2].u.f;
    if (n == 0) return spate_null();
    if (fn == SP_AGG_VAR_POP) return spate_f64(m2 / n);
    if (fn == SP_AGG_STDDEV_POP) return spate_f64(sqrt(m2 / n));
    if (n == 1) return spate_null(); /* divideByZeroEvalResult: null in 4.0 */
    double v = m2 / (n - 1.0);
    return spate_f64(fn == SP_AGG_VAR_SAMP ? v : sqrt(v));
}

/* Call c's final value from its buffer element. */
static bool final_value(const sp_agg_call *c, spate_value buf, spate_arena *a, bool ansi,
                        spate_value *out, char *err, size_t err_size)
{
    bool dec = c->type && c->type->id == SP_SQL_DECIMAL;
    *out = spate_null();
    switch (c->fn) {
    case SP_AGG_COUNT:
        *out = c->distinct ? spate_i64(buf.len) : buf;
        return true;
    case SP_AGG_SUM:
        if (dec && buf.type != SPATE_NULL)
            return dec_final(sp_agg_dec_get(buf), c->type, ansi, out, a, err, err_size);
        *out = buf;
        return true;
    case SP_AGG_AVG:
        if (buf.u.items[1].u.i == 0) return true;
        if (dec) return avg_decimal(c, buf, a, ansi, out, err, err_size);
        *out = spate_f64(buf.u.items[0].u.f / (double)buf.u.items[1].u.i);
        return true;
    case SP_AGG_MIN:
    case SP_AGG_MAX:
        *out = buf;
        return true;
    case SP_AGG_FIRST:
    case SP_AGG_LAST:
        *out = buf.u.items[0];
        return true;
    case SP_AGG_APPROX_COUNT_DISTINCT:
        *out = spate_i64(sp_agg_hll_estimate(buf.u.bytes));
        return true;
    case SP_AGG_COLLECT_LIST: /* the values' array (no value: the empty array) */
    case SP_AGG_COLLECT_SET:
        *out = buf.type == SPATE_NULL ? spate_array_of(a, NULL, 0) : buf;
        return true;
    default:
        *out = moments_final(c->fn, buf);
        return true;
    }
}

bool sp_agg_emit_row(sp_colbatch *out, int nkeys, const sp_sql_type *const *key_types,
                     spate_value key, int naggs, const sp_agg_call *aggs, spate_value buffer,
                     bool ansi, char *err, size_t err_size)
{
    (void)key_types;
    int64_t r = out->length;
    if (r >= out->capacity) {
        snprintf(err, err_size, "aggregation output: no room for row %lld (capacity %lld)",
                 (long long)r, (long long)out->capacity);
        return false;
    }
    spate_value vals[64],
        *v = naggs <= 64 ? vals : spate_arena_alloc(out->arena, sizeof *v * (size_t)naggs);
    for (int i = 0; i < naggs; i++)
        if (!final_value(&aggs[i], spate_item(buffer, (size_t)i), out->arena, ansi, &v[i], err,
                         err_size))
            return false;
    for (int k = 0; k < nkeys; k++)
        sp_agg_put_value(out, k, r, spate_item(key, (size_t)k));
    for (int i = 0; i < naggs; i++)
        sp_agg_put_value(out, nkeys + i, r, v[i]);
    sp_colbatch_set_length(out, r + 1);
    return true;
}
