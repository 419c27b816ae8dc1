/* cast_rules.c - Spark 4.0's CAST tables (see cast_rules.h). Any thread. */
#include "sql/cast_rules.h"

#include "sql/coercion.h"

#include <stdio.h>

typedef bool (*cast_fn)(const sp_sql_type *, const sp_sql_type *);

static bool is_str(const sp_sql_type *t) { return t->id == SP_SQL_STRING; }
static bool resolvable(bool from, bool to) { return !from || to; }
static bool is_ts(const sp_sql_type *t) { return t->id == SP_SQL_TIMESTAMP; }

/* Arrays, maps and structs element-wise with fn; nullable: how an element's
 * nullability must carry (force: add forceNullable of the elements, as
 * canCast does; else plain resolvable nullability). -1: not nested. */
static int nested_cast(const sp_sql_type *f, const sp_sql_type *t, cast_fn fn, bool force)
{
    if (f->id != t->id) return -1;
    switch (f->id) {
    case SP_SQL_ARRAY:
        return fn(f->elem, t->elem) &&
               resolvable(f->contains_null ||
                              (force && sp_sql_cast_force_nullable(f->elem, t->elem)),
                          t->contains_null);
    case SP_SQL_MAP:
        return fn(f->elem, t->elem) && !(force && sp_sql_cast_force_nullable(f->elem, t->elem)) &&
               fn(f->value, t->value) &&
               resolvable(f->contains_null ||
                              (force && sp_sql_cast_force_nullable(f->value, t->value)),
                          t->contains_null);
    case SP_SQL_STRUCT:
        if (f->nfields != t->nfields) return false;
        for (int i = 0; i < f->nfields; i++) {
            const sp_sql_field *x = &f->fields[i], *y = &t->fields[i];
            bool n = x->nullable || (force && sp_sql_cast_force_nullable(x->type, y->type));
            if (!fn(x->type, y->type) || !resolvable(n, y->nullable)) return false;
        }
        return true;
    default:
        return -1;
    }
}

static bool can_cast_legacy(const sp_sql_type *f, const sp_sql_type *t);

static bool can_cast_ansi(const sp_sql_type *f, const sp_sql_type *t)
{
    if (sp_sql_type_equal(f, t) || f->id == SP_SQL_NULL || is_str(t)) return true;
    int nested = nested_cast(f, t, can_cast_ansi, false);
    if (nested >= 0) return nested;
    bool fnum = sp_sql_type_is_numeric(f), tnum = sp_sql_type_is_numeric(t);
    switch (t->id) {
    case SP_SQL_BINARY:
        return is_str(f);
    case SP_SQL_BOOLEAN:
        return is_str(f) || fnum;
    case SP_SQL_TIMESTAMP:
        return is_str(f) || f->id == SP_SQL_DATE || f->id == SP_SQL_TIMESTAMP_NTZ || fnum;
    case SP_SQL_TIMESTAMP_NTZ:
        return is_str(f) || f->id == SP_SQL_DATE || is_ts(f);
    case SP_SQL_DATE:
        return is_str(f) || is_ts(f) || f->id == SP_SQL_TIMESTAMP_NTZ;
    default:
        return tnum && (fnum || is_str(f) || f->id == SP_SQL_BOOLEAN || is_ts(f));
    }
}

static bool can_cast_legacy(const sp_sql_type *f, const sp_sql_type *t)
{
    if (sp_sql_type_equal(f, t) || f->id == SP_SQL_NULL || is_str(t)) return true;
    int nested = nested_cast(f, t, can_cast_legacy, true);
    if (nested >= 0) return nested;
    bool fnum = sp_sql_type_is_numeric(f), tnum = sp_sql_type_is_numeric(t);
    switch (t->id) {
    case SP_SQL_BINARY:
        return is_str(f) || sp_sql_type_is_integral(f);
    case SP_SQL_BOOLEAN:
        return is_str(f) || f->id == SP_SQL_DATE || is_ts(f) || fnum;
    case SP_SQL_TIMESTAMP:
        return is_str(f) || f->id == SP_SQL_BOOLEAN || f->id == SP_SQL_DATE || fnum ||
               f->id == SP_SQL_TIMESTAMP_NTZ;
    case SP_SQL_TIMESTAMP_NTZ:
        return is_str(f) || f->id == SP_SQL_DATE || is_ts(f);
    case SP_SQL_DATE:
        return is_str(f) || is_ts(f) || f->id == SP_SQL_TIMESTAMP_NTZ;
    default:
        return tnum &&
               (fnum || is_str(f) || f->id == SP_SQL_BOOLEAN || f->id == SP_SQL_DATE || is_ts(f));
    }
}

/* Cast.canTryCast: nested types as canCast does, the rest as canAnsiCast. */
static bool can_try_cast(const sp_sql_type *f, const sp_sql_type *t)
{
    int nested = nested_cast(f, t, can_cast_legacy, true);
    return nested >= 0 ? nested : can_cast_ansi(f, t);
}

bool sp_sql_can_cast_mode(const sp_sql_type *from, const sp_sql_type *to, sp_sql_cast_mode mode)
{
    switch (mode) {
    case SP_SQL_CAST_ANSI:
        return can_cast_ansi(from, to);
    case SP_SQL_CAST_TRY:
        return can_try_cast(from, to);
    default:
        return can_cast_legacy(from, to);
    }
}

bool sp_sql_can_cast(const sp_sql_type *from, const sp_sql_type *to, bool ansi)
{
    return ansi ? can_cast_ansi(from, to) : can_cast_legacy(from, to);
}

/* UpCastRule.numericPrecedence: TINYINT < SMALLINT < INT < BIGINT < FLOAT <
 * DOUBLE; -1 for the rest (DECIMAL included). */
static int numeric_rank(const sp_sql_type *t)
{
    return t->id >= SP_SQL_TINYINT && t->id <= SP_SQL_DOUBLE ? (int)(t->id - SP_SQL_TINYINT) : -1;
}

/* Both nested the same way, each part by fn with plain nullability. */
static int nested_plain(const sp_sql_type *f, const sp_sql_type *t, cast_fn fn)
{
    return nested_cast(f, t, fn, false);
}

bool sp_sql_can_up_cast(const sp_sql_type *f, const sp_sql_type *t)
{
    if (sp_sql_type_equal(f, t) || f->id == SP_SQL_NULL) return true;
    if (t->id == SP_SQL_DECIMAL && sp_sql_type_is_numeric(f) && sp_sql_decimal_wider_than(t, f))
        return true;
    if (f->id == SP_SQL_DECIMAL && sp_sql_type_is_numeric(t) && sp_sql_decimal_tighter_than(f, t))
        return true;
    int fr = numeric_rank(f), tr = numeric_rank(t);
    if (fr >= 0 && fr < tr) return true;
    bool fts = is_ts(f) || f->id == SP_SQL_TIMESTAMP_NTZ;
    bool tts = is_ts(t) || t->id == SP_SQL_TIMESTAMP_NTZ;
    if ((f->id == SP_SQL_DATE || fts) && tts) return true;
    if (sp_sql_type_is_atomic(f) && is_str(t)) return true;
    if ((is_ts(f) && t->id == SP_SQL_BIGINT) || (f->id == SP_SQL_BIGINT && is_ts(t))) return true;
    return nested_plain(f, t, sp_sql_can_up_cast) == 1;
}

bool sp_sql_can_ansi_store_assign(const sp_sql_type *f, const sp_sql_type *t)
{
    if (sp_sql_type_equal(f, t) || f->id == SP_SQL_NULL) return true;
    if (sp_sql_type_is_numeric(f) && sp_sql_type_is_numeric(t)) return true;
    if (sp_sql_type_is_atomic(f) && is_str(t)) return true;
    if (sp_sql_type_is_datetime(f) && sp_sql_type_is_datetime(t)) return true;
    return nested_plain(f, t, sp_sql_can_ansi_store_assign) == 1;
}

/* Cast.canNullSafeCastToDecimal. */
static bool null_safe_to_decimal(const sp_sql_type *f, const sp_sql_type *to)
{
    if (f->id == SP_SQL_BOOLEAN) /* BooleanDecimal is DECIMAL(1,0) */
        return to->precision - to->scale >= 1;
    if (f->id == SP_SQL_DECIMAL) return to->precision - to->scale > f->precision - f->scale;
    return sp_sql_type_is_numeric(f) && sp_sql_decimal_wider_than(to, f);
}

bool sp_sql_cast_force_nullable(const sp_sql_type *f, const sp_sql_type *t)
{
    if (f->id == SP_SQL_NULL || sp_sql_type_equal(f, t)) return false;
    if (is_str(f)) return !(t->id == SP_SQL_BINARY || is_str(t));
    if (is_str(t)) return false;
    if (is_ts(f) && (t->id == SP_SQL_TINYINT || t->id == SP_SQL_SMALLINT || t->id == SP_SQL_INT))
        return true;
    if ((f->id == SP_SQL_FLOAT || f->id == SP_SQL_DOUBLE) && is_ts(t)) return true;
    if (is_ts(f) && t->id == SP_SQL_DATE) return false;
    if (t->id == SP_SQL_DATE) return true;
    if (f->id == SP_SQL_DATE && is_ts(t)) return false;
    if (f->id == SP_SQL_DATE) return true;
    if (t->id == SP_SQL_DECIMAL && !null_safe_to_decimal(f, t)) return true;
    return sp_sql_type_is_fractional(f) && sp_sql_type_is_integral(t); /* NaN, infinity */
}
