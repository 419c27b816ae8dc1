/* analyze_json.c - from_json, to_json and get_json_object in the analyzer
 * (analyze_json_int.h). from_json's schema is a string literal, in DDL
 * ("a INT, b STRING") or as a type ("STRUCT<a: INT>"), every field made
 * nullable as Spark's JsonToStructs does; it is the call's result type,
 * and the call keeps only its input argument, so its column is named
 * `from_json(value)` as Spark's. Errors: INVALID_SCHEMA.*,
 * DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE. Threads: the analyzer's. */
#include "sql/analyze_json_int.h"

#include "sql/scan_json.h"

#include <string.h>

static void *bad_schema(sp_analyzer *az, const sp_sql_node *n, const char *cond, const char *input,
                        const char *k2, const char *v2, sp_sql_error *err)
{
    return sp_az_fail(az, err, n->off, cond, "inputSchema", input, k2, v2, NULL);
}

/* The STRUCT from_json reads, every field nullable; NULL with err set. */
static const sp_sql_type *json_schema(sp_analyzer *az, const sp_sql_node *n, const sp_sql_expr *s,
                                      sp_sql_error *err)
{
    const char *shown = sp_az_sql_expr(az, n->list2.items[1]);
    if (s->kind != SP_SQL_E_LITERAL || s->type->id != SP_SQL_STRING || s->lit.is_null)
        return bad_schema(az, n, "INVALID_SCHEMA.NON_STRING_LITERAL", shown, NULL, NULL, err);
    const char *text = sp_az_printf(az, "%.*s", (int)s->lit.len, s->lit.str);
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_schema_parse(az->arena, text, &te);
    if (!t) {
        sp_sql_type_error te2;
        t = sp_sql_type_parse(az->arena, text, &te2);
    }
    if (!t)
        return bad_schema(az, n, "INVALID_SCHEMA.PARSE_ERROR", shown, "reason", te.message, err);
    if (t->id != SP_SQL_STRUCT)
        return bad_schema(az, n, "INVALID_SCHEMA.NON_STRUCT_TYPE", shown, "dataType",
                          sp_az_type_sql(az, t), err);
    sp_sql_field *f = spate_arena_alloc(az->arena, sizeof *f * (size_t)(t->nfields + 1));
    for (int i = 0; i < t->nfields; i++) {
        f[i] = t->fields[i];
        f[i].nullable = true;
    }
    return sp_sql_struct(az->arena, f, t->nfields);
}

/* Whether the JSON reader takes t's fields (primitive types only yet). */
static bool readable(sp_analyzer *az, const sp_sql_node *n, const sp_sql_type *t, sp_sql_error *err)
{
    sp_sql_json_options o;
    sp_sql_json_options_init(&o);
    char why[256];
    sp_sql_json_scanner *sc = sp_sql_json_scanner_new(t, &o, why, sizeof why);
    if (sc) {
        sp_sql_json_scanner_free(sc);
        return true;
    }
    sp_az_fail(az, err, n->off, "UNSUPPORTED_FEATURE", "message",
               sp_az_printf(az, "from_json into %s: %s", sp_az_type_sql(az, t), why), NULL);
    return false;
}

static sp_sql_expr *string_arg(sp_analyzer *az, sp_sql_expr *e)
{
    return e->type->id == SP_SQL_STRING ? e : sp_az_cast(az, e, sp_sql_prim(SP_SQL_STRING));
}

sp_sql_expr *sp_az_json_call(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn, sp_sql_expr **v,
                             int k, sp_sql_error *err)
{
    if (k == (fn == SP_SQL_F_TO_JSON ? 2 : 3))
        return sp_az_fail(
            az, err, n->list2.items[k - 1]->off, "UNSUPPORTED_FEATURE", "message",
            sp_az_printf(az, "the options of %s in spate (yet)", sp_sql_func_name(fn)), NULL);
    if (fn == SP_SQL_F_TO_JSON) {
        if (v[0]->type->id != SP_SQL_STRUCT)
            return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.INVALID_JSON_SCHEMA", "sqlExpr",
                              sp_az_sql_expr(az, n), "schema", sp_az_type_sql(az, v[0]->type),
                              NULL);
        sp_sql_expr *e = sp_sql_expr_func(az->arena, fn, v, 1, NULL);
        e->nullable = true; /* StructsToJson is nullable, whatever its input */
        return e;
    }
    v[0] = string_arg(az, v[0]);
    if (fn == SP_SQL_F_GET_JSON_OBJECT) {
        v[1] = string_arg(az, v[1]);
        return sp_sql_expr_func(az->arena, fn, v, 2, NULL);
    }
    const sp_sql_type *t = json_schema(az, n, v[1], err);
    if (!t || !readable(az, n, t, err)) return NULL;
    sp_sql_expr *e = sp_sql_expr_func(az->arena, fn, v, 1, t);
    e->nullable = true;
    return e;
}
