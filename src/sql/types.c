/* types.c - making Spark SQL types (static singletons for the primitive
 * ones, the arena for the others), equality and the type families (see
 * types.h). Any thread. */
#include "sql/types.h"

#include "base/arena.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const sp_sql_type PRIMS[] = {
    [SP_SQL_NULL] = {.id = SP_SQL_NULL},
    [SP_SQL_BOOLEAN] = {.id = SP_SQL_BOOLEAN},
    [SP_SQL_TINYINT] = {.id = SP_SQL_TINYINT},
    [SP_SQL_SMALLINT] = {.id = SP_SQL_SMALLINT},
    [SP_SQL_INT] = {.id = SP_SQL_INT},
    [SP_SQL_BIGINT] = {.id = SP_SQL_BIGINT},
    [SP_SQL_FLOAT] = {.id = SP_SQL_FLOAT},
    [SP_SQL_DOUBLE] = {.id = SP_SQL_DOUBLE},
    [SP_SQL_DECIMAL] = {.id = SP_SQL_DECIMAL, .precision = 10, .scale = 0},
    [SP_SQL_STRING] = {.id = SP_SQL_STRING},
    [SP_SQL_BINARY] = {.id = SP_SQL_BINARY},
    [SP_SQL_DATE] = {.id = SP_SQL_DATE},
    [SP_SQL_TIMESTAMP] = {.id = SP_SQL_TIMESTAMP},
    [SP_SQL_TIMESTAMP_NTZ] = {.id = SP_SQL_TIMESTAMP_NTZ},
};

const sp_sql_type *sp_sql_prim(sp_sql_type_id id)
{
    assert(id < SP_SQL_ARRAY);
    return &PRIMS[id]; /* DECIMAL: the default DECIMAL(10,0) */
}

const sp_sql_type *sp_sql_decimal(spate_arena *a, int precision, int scale)
{
    assert(precision >= 1 && precision <= SP_SQL_DECIMAL_MAX_PRECISION);
    assert(scale >= 0 && scale <= precision);
    sp_sql_type *t = spate_arena_alloc(a, sizeof *t);
    *t = (sp_sql_type){
        .id = SP_SQL_DECIMAL, .precision = (uint8_t)precision, .scale = (uint8_t)scale};
    return t;
}

const sp_sql_type *sp_sql_array(spate_arena *a, const sp_sql_type *elem, bool contains_null)
{
    sp_sql_type *t = spate_arena_alloc(a, sizeof *t);
    *t = (sp_sql_type){.id = SP_SQL_ARRAY, .elem = elem, .contains_null = contains_null};
    return t;
}

const sp_sql_type *sp_sql_map(spate_arena *a, const sp_sql_type *key, const sp_sql_type *value,
                              bool value_contains_null)
{
    sp_sql_type *t = spate_arena_alloc(a, sizeof *t);
    *t = (sp_sql_type){
        .id = SP_SQL_MAP, .elem = key, .value = value, .contains_null = value_contains_null};
    return t;
}

static const char *arena_strdup(spate_arena *a, const char *s)
{
    return s ? sp_arena_memdup(a, s, strlen(s) + 1) : NULL;
}

const sp_sql_type *sp_sql_struct(spate_arena *a, const sp_sql_field *fields, int n)
{
    assert(n >= 0);
    sp_sql_type *t = spate_arena_alloc(a, sizeof *t);
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        f[i] = (sp_sql_field){.name = arena_strdup(a, fields[i].name),
                              .type = fields[i].type,
                              .nullable = fields[i].nullable,
                              .comment = arena_strdup(a, fields[i].comment)};
    *t = (sp_sql_type){.id = SP_SQL_STRUCT, .nfields = n, .fields = f};
    return t;
}

static bool str_eq(const char *x, const char *y) { return x == y || (x && y && strcmp(x, y) == 0); }

static bool type_eq(const sp_sql_type *x, const sp_sql_type *y, bool nullability)
{
    if (x == y) return true;
    if (x->id != y->id) return false;
    switch (x->id) {
    case SP_SQL_DECIMAL:
        return x->precision == y->precision && x->scale == y->scale;
    case SP_SQL_ARRAY:
        return (!nullability || x->contains_null == y->contains_null) &&
               type_eq(x->elem, y->elem, nullability);
    case SP_SQL_MAP:
        return (!nullability || x->contains_null == y->contains_null) &&
               type_eq(x->elem, y->elem, nullability) && type_eq(x->value, y->value, nullability);
    case SP_SQL_STRUCT:
        if (x->nfields != y->nfields) return false;
        for (int i = 0; i < x->nfields; i++) {
            const sp_sql_field *f = &x->fields[i], *g = &y->fields[i];
            if (!str_eq(f->name, g->name) || !type_eq(f->type, g->type, nullability)) return false;
            if (nullability && (f->nullable != g->nullable || !str_eq(f->comment, g->comment)))
                return false;
        }
        return true;
    default:
        return true;
    }
}

bool sp_sql_type_equal(const sp_sql_type *x, const sp_sql_type *y) { return type_eq(x, y, true); }

bool sp_sql_type_equal_ignore_nullable(const sp_sql_type *x, const sp_sql_type *y)
{
    return type_eq(x, y, false);
}

bool sp_sql_type_is_integral(const sp_sql_type *t)
{
    return t->id >= SP_SQL_TINYINT && t->id <= SP_SQL_BIGINT;
}

bool sp_sql_type_is_fractional(const sp_sql_type *t)
{
    return t->id == SP_SQL_FLOAT || t->id == SP_SQL_DOUBLE || t->id == SP_SQL_DECIMAL;
}

bool sp_sql_type_is_numeric(const sp_sql_type *t)
{
    return sp_sql_type_is_integral(t) || sp_sql_type_is_fractional(t);
}

bool sp_sql_type_is_atomic(const sp_sql_type *t)
{
    return t->id != SP_SQL_NULL && t->id < SP_SQL_ARRAY;
}

bool sp_sql_type_is_datetime(const sp_sql_type *t)
{
    return t->id == SP_SQL_DATE || t->id == SP_SQL_TIMESTAMP || t->id == SP_SQL_TIMESTAMP_NTZ;
}

void sp_sql_type_error_format(const sp_sql_type_error *e, char *buf, size_t size)
{
    if (size) snprintf(buf, size, "[%s] %s", e->error_class, e->message);
}
