/* expr_compare.c - =, <>, <, <=, >, >=, <=> and IN over columns of one
 * physical type: numbers, strings in binary UTF-8 order, dates,
 * timestamps, booleans (false < true), doubles with Spark's NaN rules (NaN
 * equals NaN and is greater than any other value; -0.0 equals 0.0). A NULL
 * side gives NULL, except <=>. Any thread with its own context. */
#include "sql/expr_int.h"

#include <string.h>

static int cmp_double(double a, double b)
{
    if (a < b) return -1;
    if (a > b) return 1;
    if (a == b) return 0;
    bool na = a != a, nb = b != b;
    return na && nb ? 0 : na ? 1 : -1;
}

static int cmp_bytes(const sp_column *x, int64_t i, const sp_column *y, int64_t j)
{
    size_t n, m;
    const char *a = sp_sql_col_str(x, i, &n), *b = sp_sql_col_str(y, j, &m);
    int c = memcmp(a, b, n < m ? n : m);
    if (c) return c < 0 ? -1 : 1;
    return n < m ? -1 : n > m ? 1 : 0;
}

int sp_sql_cmp_rows(const sp_column *x, int64_t i, const sp_column *y, int64_t j)
{
    switch (x->type) {
    case SP_COL_F32:
    case SP_COL_F64:
        return cmp_double(sp_sql_col_double(x, i), sp_sql_col_double(y, j));
    case SP_COL_UTF8:
    case SP_COL_BINARY:
        return cmp_bytes(x, i, y, j);
    case SP_COL_DECIMAL128: {
        sp_i128 a = sp_sql_col_dec(x, i), b = sp_sql_col_dec(y, j);
        if (x->scale != y->scale) { /* the analyzer casts to one type; be safe anyway */
            int m = x->scale > y->scale ? x->scale : y->scale;
            if (!sp_sql_dec_rescale(a, x->scale, m, false, &a) ||
                !sp_sql_dec_rescale(b, y->scale, m, false, &b))
                return cmp_double(sp_sql_col_double(x, i), sp_sql_col_double(y, j));
        }
        return a < b ? -1 : a > b;
    }
    default: {
        int64_t a = sp_sql_col_int(x, i), b = sp_sql_col_int(y, j);
        return a < b ? -1 : a > b;
    }
    }
}

static bool cmp_true(int op, int c)
{
    switch (op) {
    case SP_SQL_CMP_EQ:
    case SP_SQL_CMP_EQ_NULL_SAFE:
        return c == 0;
    case SP_SQL_CMP_NE:
        return c != 0;
    case SP_SQL_CMP_LT:
        return c < 0;
    case SP_SQL_CMP_LE:
        return c <= 0;
    case SP_SQL_CMP_GT:
        return c > 0;
    default:
        return c >= 0;
    }
}

/* BIGINT or INT against the same: the common filter, one tight loop. */
static bool cmp_fast(int op, const sp_column *x, const sp_column *y, sp_column *o, int64_t n)
{
    if (x->type != y->type || (x->type != SP_COL_I64 && x->type != SP_COL_I32)) return false;
    uint8_t *bits = o->values;
    for (int64_t r = 0; r < n; r++) {
        int64_t a = sp_sql_col_int(x, r), b = sp_sql_col_int(y, r);
        int c = a < b ? -1 : a > b;
        bits[r >> 3] = (uint8_t)(bits[r >> 3] | (cmp_true(op, c) << (r & 7)));
    }
    return true;
}

/* Sets bits[r] = a[r] OP c over n rows, eight rows to a byte. */
#define CMP_SCALAR_LOOP(OP)                                                                        \
    for (int64_t r = 0; r < n; r += 8) {                                                           \
        uint8_t byte = 0;                                                                          \
        for (int k = 0; k < 8 && r + k < n; k++)                                                   \
            byte |= (uint8_t)((a[r + k] OP c) << k);                                               \
        bits[r >> 3] = byte;                                                                       \
    }

/* BIGINT against an integral literal (value % 3 = 0): no second column and
 * no comparison function per row. */
static void cmp_long_scalar(int op, const int64_t *a, int64_t c, uint8_t *bits, int64_t n)
{
    switch (op) {
    case SP_SQL_CMP_EQ:
        CMP_SCALAR_LOOP(==)
        break;
    case SP_SQL_CMP_NE:
        CMP_SCALAR_LOOP(!=)
        break;
    case SP_SQL_CMP_LT:
        CMP_SCALAR_LOOP(<)
        break;
    case SP_SQL_CMP_LE:
        CMP_SCALAR_LOOP(<=)
        break;
    case SP_SQL_CMP_GT:
        CMP_SCALAR_LOOP(>)
        break;
    default:
        CMP_SCALAR_LOOP(>=)
    }
}

/* The scalar path of sp_sql_eval_cmp when it applies (*done), else NULL. */
static sp_column *cmp_scalar(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx,
                             bool *done)
{
    const sp_sql_expr *k = e->children[1];
    *done = e->op != SP_SQL_CMP_EQ_NULL_SAFE && k->kind == SP_SQL_E_LITERAL && !k->lit.is_null &&
            k->type->id == SP_SQL_BIGINT && e->children[0]->type->id == SP_SQL_BIGINT;
    if (!*done) return NULL;
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    cmp_long_scalar(e->op, sp_column_i64(x), k->lit.i, v.c->values, v.n);
    if (x->validity)
        for (int64_t r = 0; r < v.n; r++)
            if (!sp_column_valid(x, r)) sp_sql_vec_null(&v, r);
    return sp_sql_vec_done(&v);
}

sp_column *sp_sql_eval_cmp(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    bool done;
    sp_column *scalar = cmp_scalar(e, in, ctx, &done);
    if (done) return scalar;
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    sp_column *y = x ? sp_sql_expr_eval(e->children[1], in, ctx) : NULL;
    if (!y) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    bool nullsafe = e->op == SP_SQL_CMP_EQ_NULL_SAFE;
    bool fast = !nullsafe && cmp_fast(e->op, x, y, v.c, v.n);
    for (int64_t r = 0; r < v.n; r++) {
        bool vx = sp_column_valid(x, r), vy = sp_column_valid(y, r);
        if (!vx || !vy) {
            if (nullsafe)
                sp_column_set_bool(v.c, r, !vx && !vy);
            else
                sp_sql_vec_null(&v, r);
            continue;
        }
        if (!fast) sp_column_set_bool(v.c, r, cmp_true(e->op, sp_sql_cmp_rows(x, r, y, r)));
    }
    return sp_sql_vec_done(&v);
}

/* x IN (list): TRUE if some item equals x; else NULL if x or an item is
 * NULL; else FALSE (Spark's In). */
sp_column *sp_sql_eval_in(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    int n = e->nchildren - 1;
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_column **items = spate_arena_alloc(ctx->arena, sizeof(sp_column *) * (size_t)(n + 1));
    for (int k = 0; k < n; k++)
        if (!(items[k] = sp_sql_expr_eval(e->children[k + 1], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    for (int64_t r = 0; r < v.n; r++) {
        bool found = false, saw_null = !sp_column_valid(x, r);
        for (int k = 0; k < n && !found && sp_column_valid(x, r); k++) {
            if (!sp_column_valid(items[k], r))
                saw_null = true;
            else
                found = sp_sql_cmp_rows(x, r, items[k], r) == 0;
        }
        if (found)
            sp_column_set_bool(v.c, r, true);
        else if (saw_null)
            sp_sql_vec_null(&v, r);
    }
    return sp_sql_vec_done(&v);
}
