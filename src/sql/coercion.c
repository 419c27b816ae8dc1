/* coercion.c - Spark 4.0's common types: findTightestCommonType,
 * findWiderTypeForTwo, findWiderCommonType, the comparison type and the
 * result type of arithmetic, ANSI or not (see coercion.h). Any thread. */
#include "sql/coercion.h"

#include "sql/cast_rules.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

typedef const sp_sql_type *(*common_fn)(spate_arena *, const sp_sql_type *, const sp_sql_type *,
                                        bool);

static const sp_sql_type *prim(sp_sql_type_id id) { return sp_sql_prim(id); }

/* TINYINT < SMALLINT < INT < BIGINT < FLOAT < DOUBLE; -1 for the rest. */
static int numeric_rank(const sp_sql_type *t)
{
    return t->id >= SP_SQL_TINYINT && t->id <= SP_SQL_DOUBLE ? (int)(t->id - SP_SQL_TINYINT) : -1;
}

/* findWiderDateTimeType: TIMESTAMP wins, then TIMESTAMP_NTZ, then DATE. */
static const sp_sql_type *wider_datetime(const sp_sql_type *x, const sp_sql_type *y)
{
    if (x->id == SP_SQL_TIMESTAMP || y->id == SP_SQL_TIMESTAMP) return prim(SP_SQL_TIMESTAMP);
    if (x->id == SP_SQL_TIMESTAMP_NTZ || y->id == SP_SQL_TIMESTAMP_NTZ)
        return prim(SP_SQL_TIMESTAMP_NTZ);
    return prim(SP_SQL_DATE);
}

static const sp_sql_type *complex_array(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y,
                                        common_fn fn, bool ansi)
{
    const sp_sql_type *e = fn(a, x->elem, y->elem, ansi);
    if (!e) return NULL;
    bool cn = x->contains_null || y->contains_null || sp_sql_cast_force_nullable(x->elem, e) ||
              sp_sql_cast_force_nullable(y->elem, e);
    return sp_sql_array(a, e, cn);
}

static const sp_sql_type *complex_map(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y,
                                      common_fn fn, bool ansi)
{
    const sp_sql_type *k = fn(a, x->elem, y->elem, ansi);
    if (!k || sp_sql_cast_force_nullable(x->elem, k) || sp_sql_cast_force_nullable(y->elem, k))
        return NULL;
    const sp_sql_type *v = fn(a, x->value, y->value, ansi);
    if (!v) return NULL;
    bool cn = x->contains_null || y->contains_null || sp_sql_cast_force_nullable(x->value, v) ||
              sp_sql_cast_force_nullable(y->value, v);
    return sp_sql_map(a, k, v, cn);
}

/* Structs of as many fields, names equal ignoring case (Spark's default
 * resolver); a field keeps the left name when both are spelt the same, else
 * its lower case. Comments are dropped, as Spark drops the metadata. */
static const sp_sql_type *complex_struct(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y,
                                         common_fn fn, bool ansi)
{
    if (x->nfields != y->nfields) return NULL;
    int n = x->nfields;
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        const sp_sql_field *l = &x->fields[i], *r = &y->fields[i];
        if (strcasecmp(l->name, r->name) != 0) return NULL;
        const sp_sql_type *t = fn(a, l->type, r->type, ansi);
        if (!t) return NULL;
        char *name = spate_arena_alloc(a, strlen(l->name) + 1);
        strcpy(name, l->name);
        if (strcmp(l->name, r->name) != 0)
            for (char *c = name; *c; c++)
                *c = (char)tolower((unsigned char)*c);
        f[i] = (sp_sql_field){.name = name,
                              .type = t,
                              .nullable = l->nullable || r->nullable ||
                                          sp_sql_cast_force_nullable(l->type, t) ||
                                          sp_sql_cast_force_nullable(r->type, t)};
    }
    return sp_sql_struct(a, f, n);
}

/* findTypeForComplex. */
static const sp_sql_type *complex_common(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y,
                                         common_fn fn, bool ansi)
{
    if (x->id != y->id) return NULL;
    switch (x->id) {
    case SP_SQL_ARRAY:
        return complex_array(a, x, y, fn, ansi);
    case SP_SQL_MAP:
        return complex_map(a, x, y, fn, ansi);
    case SP_SQL_STRUCT:
        return complex_struct(a, x, y, fn, ansi);
    default:
        return NULL;
    }
}

const sp_sql_type *sp_sql_tightest_common_type(spate_arena *a, const sp_sql_type *x,
                                               const sp_sql_type *y, bool ansi)
{
    if (sp_sql_type_equal(x, y)) return x;
    if (x->id == SP_SQL_NULL) return y;
    if (y->id == SP_SQL_NULL) return x;
    if (sp_sql_type_is_integral(x) && y->id == SP_SQL_DECIMAL && sp_sql_decimal_wider_than(y, x))
        return y;
    if (x->id == SP_SQL_DECIMAL && sp_sql_type_is_integral(y) && sp_sql_decimal_wider_than(x, y))
        return x;
    int rx = numeric_rank(x), ry = numeric_rank(y);
    if (rx >= 0 && ry >= 0) {
        const sp_sql_type *w = rx > ry ? x : y;
        /* ANSI: an integral with a FLOAT meets in DOUBLE, losing nothing */
        return ansi && w->id == SP_SQL_FLOAT ? prim(SP_SQL_DOUBLE) : w;
    }
    if (sp_sql_type_is_datetime(x) && sp_sql_type_is_datetime(y)) return wider_datetime(x, y);
    return complex_common(a, x, y, sp_sql_tightest_common_type, ansi);
}

/* findWiderTypeForDecimal. */
static const sp_sql_type *wider_decimal(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y)
{
    if (x->id != SP_SQL_DECIMAL && y->id != SP_SQL_DECIMAL) return NULL;
    if (x->id == SP_SQL_DECIMAL && y->id == SP_SQL_DECIMAL) return sp_sql_decimal_wider(a, x, y);
    const sp_sql_type *other = x->id == SP_SQL_DECIMAL ? y : x;
    const sp_sql_type *dec = x->id == SP_SQL_DECIMAL ? x : y;
    if (sp_sql_type_is_integral(other))
        return sp_sql_decimal_wider(a, sp_sql_decimal_for_type(a, other), dec);
    if (other->id == SP_SQL_FLOAT || other->id == SP_SQL_DOUBLE) return prim(SP_SQL_DOUBLE);
    return NULL;
}

/* Non-ANSI stringPromotion: a STRING and another atomic type but BINARY or
 * BOOLEAN meet in STRING. */
static const sp_sql_type *string_promotion(const sp_sql_type *x, const sp_sql_type *y)
{
    const sp_sql_type *o = x->id == SP_SQL_STRING ? y : y->id == SP_SQL_STRING ? x : NULL;
    if (!o || !sp_sql_type_is_atomic(o) || o->id == SP_SQL_BINARY || o->id == SP_SQL_BOOLEAN)
        return NULL;
    return prim(SP_SQL_STRING);
}

/* AnsiTypeCoercion.findWiderTypeForString: the STRING takes the other
 * side's type (BIGINT for integrals, DOUBLE for fractionals). */
static const sp_sql_type *ansi_string(const sp_sql_type *x, const sp_sql_type *y)
{
    const sp_sql_type *o = x->id == SP_SQL_STRING ? y : y->id == SP_SQL_STRING ? x : NULL;
    if (!o || o->id == SP_SQL_STRING) return NULL;
    if (sp_sql_type_is_integral(o)) return prim(SP_SQL_BIGINT);
    if (sp_sql_type_is_fractional(o)) return prim(SP_SQL_DOUBLE);
    if (o->id == SP_SQL_NULL) return prim(SP_SQL_STRING);
    return sp_sql_type_is_atomic(o) ? o : NULL;
}

const sp_sql_type *sp_sql_wider_type(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y,
                                     bool ansi)
{
    const sp_sql_type *t = sp_sql_tightest_common_type(a, x, y, ansi);
    if (!t) t = wider_decimal(a, x, y);
    if (!t) t = ansi ? ansi_string(x, y) : string_promotion(x, y);
    if (!t) t = complex_common(a, x, y, sp_sql_wider_type, ansi);
    return t;
}

const sp_sql_type *sp_sql_wider_common_type(spate_arena *a, const sp_sql_type *const *types, int n,
                                            bool ansi)
{
    const sp_sql_type *t = prim(SP_SQL_NULL);
    for (int i = 0; i < n && t; i++)
        t = sp_sql_wider_type(a, t, types[i], ansi);
    return t;
}

/* TypeCoercion.findCommonTypeForBinaryComparison (non-ANSI). */
static const sp_sql_type *legacy_comparison(const sp_sql_type *x, const sp_sql_type *y)
{
    const sp_sql_type *o = x->id == SP_SQL_STRING ? y : y->id == SP_SQL_STRING ? x : NULL;
    if (o && o->id == SP_SQL_NULL) return prim(SP_SQL_STRING);
    if (o && o->id == SP_SQL_DECIMAL) return prim(SP_SQL_DOUBLE); /* SPARK-22469 */
    if (o && o->id != SP_SQL_STRING && sp_sql_type_is_atomic(o)) return o;
    if ((x->id == SP_SQL_TIMESTAMP && y->id == SP_SQL_DATE) ||
        (x->id == SP_SQL_DATE && y->id == SP_SQL_TIMESTAMP))
        return prim(SP_SQL_TIMESTAMP);
    return NULL;
}

const sp_sql_type *sp_sql_comparison_type(spate_arena *a, const sp_sql_type *x,
                                          const sp_sql_type *y, bool ansi)
{
    if (ansi) return sp_sql_wider_type(a, x, y, true);
    const sp_sql_type *t = legacy_comparison(x, y);
    if (!t) t = sp_sql_tightest_common_type(a, x, y, false);
    if (!t) t = wider_decimal(a, x, y);
    return t;
}

/* A STRING operand of arithmetic: DOUBLE (non-ANSI PromoteStrings, and ANSI
 * when both are strings); ANSI against a non-string, the wider type. */
static const sp_sql_type *arith_string(const sp_sql_type *s, const sp_sql_type *other, bool ansi)
{
    if (!ansi || other->id == SP_SQL_STRING || other->id == SP_SQL_NULL) return prim(SP_SQL_DOUBLE);
    const sp_sql_type *t = ansi_string(s, other);
    return t && sp_sql_type_is_numeric(t) ? t : NULL;
}

const sp_sql_type *sp_sql_arith_result_type(spate_arena *a, sp_sql_arith_op op,
                                            const sp_sql_type *x, const sp_sql_type *y, bool ansi,
                                            bool allow_loss)
{
    if (x->id == SP_SQL_STRING) x = arith_string(x, y, ansi);
    if (y->id == SP_SQL_STRING && x) y = arith_string(y, x, ansi);
    if (!x || !y) return NULL;
    if (x->id == SP_SQL_NULL) x = y;
    if (y->id == SP_SQL_NULL) y = x;
    if (x->id == SP_SQL_NULL) /* both NULL: Spark's defaults for the operator */
        return op == SP_SQL_OP_DIV       ? prim(SP_SQL_DOUBLE)
               : op == SP_SQL_OP_INT_DIV ? prim(SP_SQL_BIGINT)
                                         : x;
    if (!sp_sql_type_is_numeric(x) || !sp_sql_type_is_numeric(y)) return NULL;
    if (op == SP_SQL_OP_INT_DIV) return prim(SP_SQL_BIGINT);
    if (x->id == SP_SQL_DECIMAL || y->id == SP_SQL_DECIMAL) {
        const sp_sql_type *o = x->id == SP_SQL_DECIMAL ? y : x;
        if (o->id == SP_SQL_FLOAT || o->id == SP_SQL_DOUBLE) return prim(SP_SQL_DOUBLE);
        return sp_sql_decimal_result(a, op, sp_sql_decimal_for_type(a, x),
                                     sp_sql_decimal_for_type(a, y), allow_loss);
    }
    if (op == SP_SQL_OP_DIV) return prim(SP_SQL_DOUBLE);
    return sp_sql_tightest_common_type(a, x, y, ansi);
}
