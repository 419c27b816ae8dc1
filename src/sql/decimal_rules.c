/* decimal_rules.c - Spark's DecimalPrecision rules: the decimal of each
 * numeric type, bounding and adjusting precision and scale, and the result
 * type of arithmetic over decimals (see coercion.h). Any thread. */
#include "sql/coercion.h"

#include <assert.h>

enum { MAXP = SP_SQL_DECIMAL_MAX_PRECISION };

static int imax(int x, int y) { return x > y ? x : y; }
static int imin(int x, int y) { return x < y ? x : y; }

const sp_sql_type *sp_sql_decimal_for_type(spate_arena *a, const sp_sql_type *t)
{
    switch (t->id) {
    case SP_SQL_TINYINT:
        return sp_sql_decimal(a, 3, 0);
    case SP_SQL_SMALLINT:
        return sp_sql_decimal(a, 5, 0);
    case SP_SQL_INT:
        return sp_sql_decimal(a, 10, 0);
    case SP_SQL_BIGINT:
        return sp_sql_decimal(a, 20, 0);
    case SP_SQL_FLOAT:
        return sp_sql_decimal(a, 14, 7);
    case SP_SQL_DOUBLE:
        return sp_sql_decimal(a, 30, 15);
    case SP_SQL_DECIMAL:
        return t;
    default:
        return NULL;
    }
}

const sp_sql_type *sp_sql_decimal_bounded(spate_arena *a, int precision, int scale)
{
    return sp_sql_decimal(a, imin(precision, MAXP), imin(scale, MAXP));
}

const sp_sql_type *sp_sql_decimal_adjust(spate_arena *a, int precision, int scale)
{
    assert(scale >= 0 && precision >= scale);
    if (precision <= MAXP) return sp_sql_decimal(a, precision, scale);
    int int_digits = precision - scale;
    int min_scale = imin(scale, SP_SQL_DECIMAL_MIN_ADJUSTED_SCALE);
    return sp_sql_decimal(a, MAXP, imax(MAXP - int_digits, min_scale));
}

/* Precision and scale of a DECIMAL or of an integral type's decimal. */
static bool digits_of(const sp_sql_type *t, int *p, int *s)
{
    static const int INTEGRAL[] = {
        [SP_SQL_TINYINT] = 3, [SP_SQL_SMALLINT] = 5, [SP_SQL_INT] = 10, [SP_SQL_BIGINT] = 20};
    if (t->id == SP_SQL_DECIMAL) {
        *p = t->precision, *s = t->scale;
        return true;
    }
    if (!sp_sql_type_is_integral(t)) return false;
    *p = INTEGRAL[t->id], *s = 0;
    return true;
}

bool sp_sql_decimal_wider_than(const sp_sql_type *d, const sp_sql_type *other)
{
    int p, s;
    return digits_of(other, &p, &s) && d->precision - d->scale >= p - s && d->scale >= s;
}

bool sp_sql_decimal_tighter_than(const sp_sql_type *d, const sp_sql_type *other)
{
    int p, s;
    return digits_of(other, &p, &s) && d->precision - d->scale <= p - s && d->scale <= s;
}

const sp_sql_type *sp_sql_decimal_wider(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y)
{
    int scale = imax(x->scale, y->scale);
    int range = imax(x->precision - x->scale, y->precision - y->scale);
    return sp_sql_decimal_bounded(a, range + scale, scale);
}

/* Divide without precision loss (allowPrecisionLoss = false): integral and
 * fractional digits each capped at 38, then shared out when together they
 * pass 38. */
static const sp_sql_type *divide_exact(spate_arena *a, int p1, int s1, int p2, int s2)
{
    int int_dig = imin(MAXP, p1 - s1 + s2);
    int dec_dig = imin(MAXP, imax(SP_SQL_DECIMAL_MIN_ADJUSTED_SCALE, s1 + p2 + 1));
    int diff = int_dig + dec_dig - MAXP;
    if (diff > 0) {
        dec_dig -= diff / 2 + 1;
        int_dig = MAXP - dec_dig;
    }
    return sp_sql_decimal_bounded(a, int_dig + dec_dig, dec_dig);
}

const sp_sql_type *sp_sql_decimal_result(spate_arena *a, sp_sql_arith_op op, const sp_sql_type *x,
                                         const sp_sql_type *y, bool allow_loss)
{
    int p1 = x->precision, s1 = x->scale, p2 = y->precision, s2 = y->scale, p, s;
    switch (op) {
    case SP_SQL_OP_ADD:
    case SP_SQL_OP_SUB:
        s = imax(s1, s2);
        p = imax(p1 - s1, p2 - s2) + s + 1;
        break;
    case SP_SQL_OP_MUL:
        p = p1 + p2 + 1;
        s = s1 + s2;
        break;
    case SP_SQL_OP_DIV:
        if (!allow_loss) return divide_exact(a, p1, s1, p2, s2);
        s = imax(SP_SQL_DECIMAL_MIN_ADJUSTED_SCALE, s1 + p2 + 1);
        p = p1 - s1 + s2 + s;
        break;
    case SP_SQL_OP_MOD:
    case SP_SQL_OP_PMOD:
        s = imax(s1, s2);
        p = imin(p1 - s1, p2 - s2) + s;
        break;
    case SP_SQL_OP_INT_DIV:
    default:
        return sp_sql_prim(SP_SQL_BIGINT);
    }
    return allow_loss ? sp_sql_decimal_adjust(a, p, s) : sp_sql_decimal_bounded(a, p, s);
}
