/* analyze_nested.c - arrays, maps and structs in the analyzer (see
 * analyze_nested_int.h): Spark's ImplicitCastInputTypes for split, size,
 * element_at, array_contains; CreateArray, CreateNamedStruct and CreateMap
 * with one wider element / key / value type; ExtractValue for a[i], m[k] and
 * s.field; and a.b's resolution, a table qualifier first, then a struct
 * field. Errors: DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE,
 * DATATYPE_MISMATCH.DATA_DIFF_TYPES, FIELD_NOT_FOUND,
 * INVALID_EXTRACT_BASE_FIELD_TYPE. Threads: the analyzer's. */
#include "sql/analyze_nested_int.h"

#include <string.h>
#include <strings.h>

static void *wrong_type(sp_analyzer *az, const sp_sql_node *n, const char *index,
                        const char *required, const sp_sql_node *arg, const sp_sql_type *t,
                        sp_sql_error *err)
{
    return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "sqlExpr",
                      sp_az_sql_expr(az, n), "paramIndex", index, "requiredType", required,
                      "inputSql", sp_az_sql_expr(az, arg), "inputType", sp_az_type_sql(az, t),
                      NULL);
}

/* One wider type of v[from], v[from + step]...; NULL with err set. */
static const sp_sql_type *common(sp_analyzer *az, const sp_sql_node *n, sp_sql_expr **v, int k,
                                 int from, int step, const char *fname, sp_sql_error *err)
{
    const sp_sql_type **ts = spate_arena_alloc(az->arena, sizeof *ts * (size_t)(k + 1));
    int m = 0;
    for (int i = from; i < k; i += step)
        ts[m++] = v[i]->type;
    if (m == 0) return sp_sql_prim(SP_SQL_NULL);
    const sp_sql_type *t = sp_sql_wider_common_type(az->arena, ts, m, az->ansi);
    if (t) return t;
    const char *l = "";
    for (int i = 0; i < m; i++)
        l = sp_az_printf(az, "%s%s%s", l, i ? ", " : "", sp_az_type_sql(az, ts[i]));
    return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.DATA_DIFF_TYPES", "sqlExpr",
                      sp_az_sql_expr(az, n), "functionName", sp_az_sql_id(az, &fname, 1),
                      "dataType", sp_az_printf(az, "[%s]", l), NULL);
}

static bool any_nullable(sp_sql_expr *const *v, int k, int from, int step)
{
    for (int i = from; i < k; i += step)
        if (v[i]->nullable || v[i]->type->id == SP_SQL_NULL) return true;
    return false;
}

static sp_sql_expr *func(sp_analyzer *az, sp_sql_func fn, sp_sql_expr **v, int k,
                         const sp_sql_type *t, bool nullable)
{
    sp_sql_expr *e = sp_sql_expr_func(az->arena, fn, v, k, t);
    e->nullable = nullable;
    return e;
}

/* x[i] (0-based) or element_at(x, i) (1-based) on an array, x[k] or
 * element_at(x, k) on a map. */
static sp_sql_expr *extract(sp_analyzer *az, const sp_sql_node *n, const sp_sql_node *base_node,
                            sp_sql_func fn, sp_sql_expr *x, sp_sql_expr *i, sp_sql_error *err)
{
    sp_sql_expr *v[2] = {x, i};
    if (x->type->id == SP_SQL_ARRAY) {
        v[1] = sp_az_cast(az, i, sp_sql_prim(SP_SQL_INT));
        return func(az, fn, v, 2, x->type->elem, true);
    }
    if (x->type->id == SP_SQL_MAP) {
        if (x->type->elem->id >= SP_SQL_ARRAY) /* keys compared by kernels of atomic values */
            return sp_az_fail(az, err, n->off, "UNSUPPORTED_FEATURE", "message",
                              "Looking up a map by ARRAY, MAP or STRUCT keys", NULL);
        v[1] = sp_az_cast(az, i, x->type->elem);
        return func(az, fn, v, 2, x->type->value, true);
    }
    if (fn == SP_SQL_F_ELEMENT_AT)
        return wrong_type(az, n, "first", "(\"ARRAY\" or \"MAP\")", base_node, x->type, err);
    return sp_az_fail(az, err, n->off, "INVALID_EXTRACT_BASE_FIELD_TYPE", "base",
                      sp_az_sql_expr(az, base_node), "other", sp_az_type_sql(az, x->type), NULL);
}

/* struct(a, b + 1) names its fields a, col2 (CreateStruct); named_struct
 * takes literal names. The values go to v[0..*nv). */
static const sp_sql_type *struct_type(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn,
                                      sp_sql_expr **v, int k, int *nv, sp_sql_error *err)
{
    bool named = strcasecmp(n->list.items[n->list.n - 1]->str, "named_struct") == 0;
    int m = named ? k / 2 : k;
    (void)fn;
    sp_sql_field *fs = spate_arena_alloc(az->arena, sizeof *fs * (size_t)(m ? m : 1));
    for (int i = 0; i < m; i++) {
        const sp_sql_node *a = n->list2.items[named ? 2 * i : i];
        const char *name;
        if (named) {
            if (a->kind != SQL_LIT_STRING)
                return wrong_type(az, n, sp_az_printf(az, "%d", 2 * i + 1), "\"STRING\"", a,
                                  v[2 * i]->type, err);
            name = v[2 * i]->lit.str;
        } else {
            name = a->kind == SQL_COLUMN  ? a->list.items[a->list.n - 1]->str
                   : a->kind == SQL_ALIAS ? a->str
                                          : sp_az_printf(az, "col%d", i + 1);
        }
        sp_sql_expr *val = v[named ? 2 * i + 1 : i];
        fs[i] = (sp_sql_field){.name = name, .type = val->type, .nullable = val->nullable};
        v[i] = val;
    }
    *nv = m;
    return sp_sql_struct(az->arena, fs, m);
}

static sp_sql_expr *split(sp_analyzer *az, sp_sql_expr **v, int k)
{
    const sp_sql_type *str = sp_sql_prim(SP_SQL_STRING);
    sp_sql_expr *args[3] = {sp_az_cast(az, v[0], str), sp_az_cast(az, v[1], str),
                            k > 2 ? sp_az_cast(az, v[2], sp_sql_prim(SP_SQL_INT))
                                  : sp_sql_expr_lit_int(az->arena, -1)};
    return func(az, SP_SQL_F_SPLIT, args, 3, sp_sql_array(az->arena, str, false),
                any_nullable(args, 3, 0, 1));
}

sp_sql_expr *sp_az_nested_call(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn,
                               sp_sql_expr **v, int k, sp_sql_error *err)
{
    const sp_sql_node *const *nodes = (const sp_sql_node *const *)n->list2.items;
    const sp_sql_type *t;
    switch (fn) {
    case SP_SQL_F_SPLIT:
        return split(az, v, k);
    case SP_SQL_F_SIZE:
        if (v[0]->type->id == SP_SQL_NULL) /* NULL casts to any array: -1, or NULL */
            return az->ansi ? sp_sql_expr_lit_null(az->arena, sp_sql_prim(SP_SQL_INT))
                            : sp_sql_expr_lit_int(az->arena, -1);
        if (v[0]->type->id != SP_SQL_ARRAY && v[0]->type->id != SP_SQL_MAP)
            return wrong_type(az, n, "first", "(\"ARRAY\" or \"MAP\")", nodes[0], v[0]->type, err);
        return func(az, fn, v, 1, sp_sql_prim(SP_SQL_INT), az->ansi && v[0]->nullable);
    case SP_SQL_F_ELEMENT_AT:
        return extract(az, n, nodes[0], fn, v[0], v[1], err);
    case SP_SQL_F_ARRAY:
        if (!(t = common(az, n, v, k, 0, 1, "array", err))) return NULL;
        for (int i = 0; i < k; i++)
            v[i] = sp_az_cast(az, v[i], t);
        return func(az, fn, v, k, sp_sql_array(az->arena, t, any_nullable(v, k, 0, 1)), false);
    case SP_SQL_F_NAMED_STRUCT: {
        int m = 0;
        if (!(t = struct_type(az, n, fn, v, k, &m, err))) return NULL;
        return func(az, fn, v, m, t, false);
    }
    case SP_SQL_F_MAP: {
        if (k % 2)
            return sp_az_fail(az, err, n->off, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "functionName",
                              "`map`", "expectedNum", "2n (n > 0)", "actualNum",
                              sp_az_printf(az, "%d", k), NULL);
        const sp_sql_type *kt = common(az, n, v, k, 0, 2, "map", err), *vt;
        if (!kt || !(vt = common(az, n, v, k, 1, 2, "map", err))) return NULL;
        for (int i = 0; i < k; i++)
            v[i] = sp_az_cast(az, v[i], i % 2 ? vt : kt);
        return func(az, fn, v, k, sp_sql_map(az->arena, kt, vt, any_nullable(v, k, 1, 2)), false);
    }
    case SP_SQL_F_ARRAY_CONTAINS:
        if (v[0]->type->id != SP_SQL_ARRAY)
            return wrong_type(az, n, "first", "\"ARRAY\"", nodes[0], v[0]->type, err);
        if (v[0]->type->elem->id >= SP_SQL_ARRAY)
            return sp_az_fail(az, err, n->off, "UNSUPPORTED_FEATURE", "message",
                              "array_contains of ARRAY, MAP or STRUCT elements", NULL);
        v[1] = sp_az_cast(az, v[1], v[0]->type->elem);
        return func(az, fn, v, 2, sp_sql_prim(SP_SQL_BOOLEAN), true);
    default:
        return sp_az_fail(az, err, n->off, "INTERNAL_ERROR", "message", "not a nested function",
                          NULL);
    }
}

sp_sql_expr *sp_az_subscript(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                             sp_sql_error *err)
{
    sp_sql_expr *x = sp_az_expr(az, s, n->a, err);
    sp_sql_expr *i = x ? sp_az_expr(az, s, n->b, err) : NULL;
    return i ? extract(az, n, n->a, SP_SQL_F_SUBSCRIPT, x, i, err) : NULL;
}

/* Field name of struct x (GetStructField), or Spark's errors. */
static sp_sql_expr *get_field(sp_analyzer *az, const sp_sql_node *n, const sp_sql_node *base,
                              sp_sql_expr *x, const char *name, sp_sql_error *err)
{
    const sp_sql_type *t = x->type;
    if (t->id != SP_SQL_STRUCT)
        return sp_az_fail(az, err, n->off, "INVALID_EXTRACT_BASE_FIELD_TYPE", "base",
                          base ? sp_az_sql_expr(az, base) : sp_az_printf(az, "\"%s\"", x->name),
                          "other", sp_az_type_sql(az, t), NULL);
    for (int i = 0; i < t->nfields; i++) {
        if (!sp_az_name_eq(az, t->fields[i].name, name)) continue;
        sp_sql_expr *args[2] = {x, sp_sql_expr_lit_int(az->arena, i)}; /* i keeps fields apart */
        sp_sql_expr *e = func(az, SP_SQL_F_GET_FIELD, args, 2, t->fields[i].type,
                              x->nullable || t->fields[i].nullable);
        e->ordinal = i;
        e->name = t->fields[i].name;
        return e;
    }
    const char *fields = "";
    for (int i = 0; i < t->nfields; i++)
        fields = sp_az_printf(az, "%s%s%s", fields, i ? ", " : "",
                              sp_az_sql_id(az, &t->fields[i].name, 1));
    return sp_az_fail(az, err, n->off, "FIELD_NOT_FOUND", "fieldName", sp_az_sql_id(az, &name, 1),
                      "fields", fields, NULL);
}

sp_sql_expr *sp_az_field(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                         sp_sql_error *err)
{
    sp_sql_expr *x = sp_az_expr(az, s, n->a, err);
    return x ? get_field(az, n, n->a, x, n->str, err) : NULL;
}

sp_sql_expr *sp_az_column_path(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                               sp_sql_error *err)
{
    bool amb;
    uint32_t parts = n->list.n;
    if (parts >= 2 && sp_az_find_column(az, s->plan, &n->list, &amb) < 0) {
        for (uint32_t q = parts >= 3 ? 2 : 1; q >= 1; q--) {
            sp_sql_list prefix = {n->list.items, q};
            int i = sp_az_find_column(az, s->plan, &prefix, &amb);
            if (i < 0 || amb) continue;
            sp_sql_expr *x = sp_az_column_ref(az, s->plan, i);
            for (uint32_t f = q; x && f < parts; f++)
                x = get_field(az, n, NULL, x, n->list.items[f]->str, err);
            return x;
        }
    }
    int i = sp_az_resolve_column(az, s->plan, n, err);
    return i < 0 ? NULL : sp_az_column_ref(az, s->plan, i);
}

static bool is_nested(const sp_sql_type *t) { return t->id >= SP_SQL_ARRAY; }

/* The operation of e's subtree that would get nested values, or NULL. */
static const char *nested_misuse(const sp_sql_expr *e)
{
    bool in = false, out = is_nested(e->type);
    for (int i = 0; i < e->nchildren; i++)
        in = in || is_nested(e->children[i]->type);
    switch (e->kind) {
    case SP_SQL_E_CAST:
        if (in || (out && e->children[0]->type->id != SP_SQL_NULL)) return "CAST";
        break;
    case SP_SQL_E_CMP:
    case SP_SQL_E_IN:
        if (in) return "Comparison";
        break;
    case SP_SQL_E_ARITH:
    case SP_SQL_E_NEG:
        if (in) return "Arithmetic";
        break;
    case SP_SQL_E_CASE:
        if (in || out) return "CASE";
        break;
    case SP_SQL_E_FUNC:
        if ((e->op >= SP_SQL_F_COALESCE && e->op <= SP_SQL_F_NULLIF) ||
            e->op == SP_SQL_F_GREATEST || e->op == SP_SQL_F_LEAST)
            if (in || out) return e->name;
        break;
    default:
        break;
    }
    for (int i = 0; i < e->nchildren; i++) {
        const char *w = nested_misuse(e->children[i]);
        if (w) return w;
    }
    return NULL;
}

sp_sql_expr *sp_az_nested_guard(sp_analyzer *az, const sp_sql_node *n, sp_sql_expr *e,
                                sp_sql_error *err)
{
    const char *what = e ? nested_misuse(e) : NULL;
    if (!what) return e;
    return sp_az_fail(az, err, n->off, "UNSUPPORTED_FEATURE", "message",
                      sp_az_printf(az, "%s of ARRAY, MAP or STRUCT values", what), NULL);
}

bool sp_az_struct_star(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *star,
                       sp_sql_expr ***ex, const char ***names, int *n, int *cap, sp_sql_error *err)
{
    sp_sql_node col = *star;
    col.kind = SQL_COLUMN;
    sp_sql_expr *x = sp_az_column_path(az, s, &col, err);
    if (!x) return false;
    if (x->type->id != SP_SQL_STRUCT) {
        sp_az_fail(az, err, star->off, "INVALID_EXTRACT_BASE_FIELD_TYPE", "base",
                   sp_az_sql_expr(az, &col), "other", sp_az_type_sql(az, x->type), NULL);
        return false;
    }
    int nf = x->type->nfields;
    if (*n + nf > *cap) {
        int c = *n + nf;
        sp_sql_expr **e2 = spate_arena_alloc(az->arena, sizeof *e2 * (size_t)(c + 1));
        const char **n2 = spate_arena_alloc(az->arena, sizeof *n2 * (size_t)(c + 1));
        memcpy(e2, *ex, sizeof *e2 * (size_t)*n);
        memcpy(n2, *names, sizeof *n2 * (size_t)*n);
        *ex = e2, *names = n2, *cap = c;
    }
    for (int i = 0; i < nf; i++) {
        sp_sql_expr *f = get_field(az, star, NULL, x, x->type->fields[i].name, err);
        if (!f) return false;
        (*ex)[*n] = f;
        (*names)[(*n)++] = x->type->fields[i].name;
    }
    return true;
}

/* The generator call of item it (explode, posexplode and their _outer
 * forms), or NULL. */
static const sp_sql_node *generator(const sp_sql_node *it, bool *pos, bool *outer)
{
    const sp_sql_node *f = it->kind == SQL_ALIAS ? it->a : it;
    if (f->kind != SQL_FUNC || f->list.n != 1) return NULL;
    const char *name = f->list.items[0]->str;
    *pos = !strncasecmp(name, "pos", 3);
    if (*pos) name += 3;
    *outer = !strcasecmp(name, "explode_outer");
    return *outer || !strcasecmp(name, "explode") ? f : NULL;
}

static void gen_attr(sp_analyzer *az, sp_plan_attr *at, const char *name, const sp_sql_type *t,
                     bool nullable)
{
    *at = (sp_plan_attr){.name = name, .type = t, .nullable = nullable, .expr_id = sp_az_id(az)};
}

sp_plan *sp_az_generate(sp_analyzer *az, sp_plan *child, const sp_sql_list *items, int *item,
                        sp_sql_error *err)
{
    bool pos = false, p2, outer = false, o2;
    const sp_sql_node *f = NULL;
    *item = -1;
    for (uint32_t i = 0; i < items->n; i++) {
        const sp_sql_node *g = generator(items->items[i], &p2, &o2);
        if (!g) continue;
        if (f)
            return sp_az_fail(az, err, g->off, "UNSUPPORTED_FEATURE", "message",
                              "More than one generator in a SELECT", NULL);
        f = g, pos = p2, outer = o2, *item = (int)i;
    }
    if (!f) return child;
    const char *fname =
        pos ? (outer ? "posexplode_outer" : "posexplode") : (outer ? "explode_outer" : "explode");
    if (f->list2.n != 1)
        return sp_az_fail(az, err, f->off, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "functionName",
                          sp_az_sql_id(az, &fname, 1), "expectedNum", "1", "actualNum",
                          sp_az_printf(az, "%u", f->list2.n), NULL);
    sp_az_scope s = {.plan = child};
    sp_sql_expr *x = sp_az_expr(az, &s, f->list2.items[0], err);
    if (!x) return NULL;
    const sp_sql_type *t = x->type;
    if (t->id != SP_SQL_ARRAY && t->id != SP_SQL_MAP)
        return wrong_type(az, f, "first", "(\"ARRAY\" or \"MAP\")", f->list2.items[0], t, err);
    sp_plan *g = sp_plan_new(az->arena, SP_PLAN_GENERATE);
    g->child = child;
    g->streaming = child->streaming;
    g->nexprs = 1;
    g->exprs = spate_arena_alloc(az->arena, sizeof *g->exprs);
    g->exprs[0] = x;
    g->gen_pos = pos;
    g->gen_outer = outer;
    g->out = spate_arena_alloc(az->arena, sizeof *g->out * (size_t)(child->nout + 3));
    if (child->nout) memcpy(g->out, child->out, sizeof *g->out * (size_t)child->nout);
    int n = child->nout;
    const sp_sql_node *it = items->items[*item];
    const char *alias = it->kind == SQL_ALIAS ? it->str : NULL;
    if (pos) gen_attr(az, &g->out[n++], "pos", sp_sql_prim(SP_SQL_INT), outer);
    if (t->id == SP_SQL_ARRAY) {
        gen_attr(az, &g->out[n++], alias ? alias : "col", t->elem, t->contains_null || outer);
        sp_az_event_time_of_generated(child, x, &g->out[n - 1]);
    } else {
        gen_attr(az, &g->out[n++], "key", t->elem, outer);
        gen_attr(az, &g->out[n++], alias ? alias : "value", t->value, t->contains_null || outer);
    }
    g->nout = n;
    return g;
}
