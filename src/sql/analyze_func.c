/* analyze_func.c - function calls: scalar functions by name to expr.h's
 * sp_sql_func with their arguments cast as Spark's ImplicitCastInputTypes
 * would (strings for string functions, DOUBLE for sqrt/pow, one wider type
 * for coalesce/greatest/...), and aggregate calls (agg.h) in an aggregate
 * scope. Errors: UNRESOLVED_ROUTINE, WRONG_NUM_ARGS, NESTED_AGGREGATE_FUNCTION,
 * DATATYPE_MISMATCH.*. Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include "sql/analyze_dt_int.h"
#include "sql/analyze_json_int.h"
#include "sql/analyze_nested_int.h"

#include <string.h>
#include <strings.h>

typedef enum arg_rule {
    A_ANY,     /* as they are */
    A_STRING,  /* every argument STRING */
    A_STR_INT, /* STRING, then INTs (substring, lpad's length) */
    A_DOUBLE,  /* every argument DOUBLE */
    A_COMMON,  /* one wider type */
    A_IF,      /* BOOLEAN, then one wider type */
    A_ROUND,   /* a number, then an INT scale */
    A_DATE,    /* DATE, then INTs (date_add's days) */
    A_DATES,   /* every argument DATE (datediff) */
    A_TS,      /* TIMESTAMP */
    A_DT,      /* analyze_datetime.c's rules (patterns, levels, defaults) */
    A_NESTED,  /* analyze_nested.c's rules (arrays, maps, structs) */
    A_JSON,    /* analyze_json.c's rules (schemas, paths) */
    A_WINDOW,  /* analyze_window.c's (the window() rewrite's functions) */
} arg_rule;

typedef struct func_def {
    const char *name;
    sp_sql_func fn;
    int min, max;         /* max -1: any number */
    const char *expected; /* WRONG_NUM_ARGS' expectedNum */
    arg_rule rule;
} func_def;

static const func_def funcs[] = {
    {"coalesce", SP_SQL_F_COALESCE, 1, -1, "> 0", A_COMMON},
    {"if", SP_SQL_F_IF, 3, 3, "3", A_IF},
    {"nvl", SP_SQL_F_NVL, 2, 2, "2", A_COMMON},
    {"ifnull", SP_SQL_F_NVL, 2, 2, "2", A_COMMON},
    {"nullif", SP_SQL_F_NULLIF, 2, 2, "2", A_COMMON},
    {"length", SP_SQL_F_LENGTH, 1, 1, "1", A_STRING},
    {"char_length", SP_SQL_F_LENGTH, 1, 1, "1", A_STRING},
    {"character_length", SP_SQL_F_LENGTH, 1, 1, "1", A_STRING},
    {"upper", SP_SQL_F_UPPER, 1, 1, "1", A_STRING},
    {"ucase", SP_SQL_F_UPPER, 1, 1, "1", A_STRING},
    {"lower", SP_SQL_F_LOWER, 1, 1, "1", A_STRING},
    {"lcase", SP_SQL_F_LOWER, 1, 1, "1", A_STRING},
    {"trim", SP_SQL_F_TRIM, 1, 2, "[1, 2]", A_STRING},
    {"ltrim", SP_SQL_F_LTRIM, 1, 2, "[1, 2]", A_STRING},
    {"rtrim", SP_SQL_F_RTRIM, 1, 2, "[1, 2]", A_STRING},
    {"substring", SP_SQL_F_SUBSTRING, 2, 3, "[2, 3]", A_STR_INT},
    {"substr", SP_SQL_F_SUBSTRING, 2, 3, "[2, 3]", A_STR_INT},
    {"concat", SP_SQL_F_CONCAT, 0, -1, "> 0", A_STRING},
    {"concat_ws", SP_SQL_F_CONCAT_WS, 1, -1, "> 0", A_STRING},
    {"instr", SP_SQL_F_INSTR, 2, 2, "2", A_STRING},
    {"replace", SP_SQL_F_REPLACE, 2, 3, "[2, 3]", A_STRING},
    {"lpad", SP_SQL_F_LPAD, 2, 3, "[2, 3]", A_STR_INT},
    {"rpad", SP_SQL_F_RPAD, 2, 3, "[2, 3]", A_STR_INT},
    {"regexp_extract", SP_SQL_F_REGEXP_EXTRACT, 2, 3, "[2, 3]", A_STR_INT},
    {"regexp_replace", SP_SQL_F_REGEXP_REPLACE, 3, 3, "3", A_STRING},
    {"abs", SP_SQL_F_ABS, 1, 1, "1", A_ANY},
    {"round", SP_SQL_F_ROUND, 1, 2, "[1, 2]", A_ROUND},
    {"bround", SP_SQL_F_BROUND, 1, 2, "[1, 2]", A_ROUND},
    {"floor", SP_SQL_F_FLOOR, 1, 1, "1", A_ROUND},
    {"ceil", SP_SQL_F_CEIL, 1, 1, "1", A_ROUND},
    {"ceiling", SP_SQL_F_CEIL, 1, 1, "1", A_ROUND},
    {"sqrt", SP_SQL_F_SQRT, 1, 1, "1", A_DOUBLE},
    {"pow", SP_SQL_F_POW, 2, 2, "2", A_DOUBLE},
    {"power", SP_SQL_F_POW, 2, 2, "2", A_DOUBLE},
    {"greatest", SP_SQL_F_GREATEST, 2, -1, "> 1", A_COMMON},
    {"least", SP_SQL_F_LEAST, 2, -1, "> 1", A_COMMON},
    {"year", SP_SQL_F_YEAR, 1, 1, "1", A_DATE},
    {"month", SP_SQL_F_MONTH, 1, 1, "1", A_DATE},
    {"dayofmonth", SP_SQL_F_DAYOFMONTH, 1, 1, "1", A_DATE},
    {"day", SP_SQL_F_DAYOFMONTH, 1, 1, "1", A_DATE},
    {"hour", SP_SQL_F_HOUR, 1, 1, "1", A_TS},
    {"minute", SP_SQL_F_MINUTE, 1, 1, "1", A_TS},
    {"second", SP_SQL_F_SECOND, 1, 1, "1", A_TS},
    {"date_add", SP_SQL_F_DATE_ADD, 2, 2, "2", A_DATE},
    {"dateadd", SP_SQL_F_DATE_ADD, 2, 2, "2", A_DATE},
    {"date_sub", SP_SQL_F_DATE_SUB, 2, 2, "2", A_DATE},
    {"datediff", SP_SQL_F_DATEDIFF, 2, 2, "2", A_DATES},
    {"quarter", SP_SQL_F_QUARTER, 1, 1, "1", A_DATE},
    {"dayofyear", SP_SQL_F_DAYOFYEAR, 1, 1, "1", A_DATE},
    {"dayofweek", SP_SQL_F_DAYOFWEEK, 1, 1, "1", A_DATE},
    {"weekday", SP_SQL_F_WEEKDAY, 1, 1, "1", A_DATE},
    {"add_months", SP_SQL_F_ADD_MONTHS, 2, 2, "2", A_DATE},
    {"last_day", SP_SQL_F_LAST_DAY, 1, 1, "1", A_DATE},
    {"date_trunc", SP_SQL_F_DATE_TRUNC, 2, 2, "2", A_DT},
    {"trunc", SP_SQL_F_TRUNC, 2, 2, "2", A_DT},
    {"current_timestamp", SP_SQL_F_CURRENT_TIMESTAMP, 0, 0, "0", A_DT},
    {"now", SP_SQL_F_CURRENT_TIMESTAMP, 0, 0, "0", A_DT},
    {"current_date", SP_SQL_F_CURRENT_DATE, 0, 0, "0", A_DT},
    {"to_timestamp", SP_SQL_F_TO_TIMESTAMP, 1, 2, "[1, 2]", A_DT},
    {"try_to_timestamp", SP_SQL_F_TRY_TO_TIMESTAMP, 1, 2, "[1, 2]", A_DT},
    {"to_date", SP_SQL_F_TO_DATE, 1, 2, "[1, 2]", A_DT},
    {"unix_timestamp", SP_SQL_F_UNIX_TIMESTAMP, 0, 2, "[0, 1, 2]", A_DT},
    {"to_unix_timestamp", SP_SQL_F_UNIX_TIMESTAMP, 1, 2, "[1, 2]", A_DT},
    {"from_unixtime", SP_SQL_F_FROM_UNIXTIME, 1, 2, "[1, 2]", A_DT},
    {"date_format", SP_SQL_F_DATE_FORMAT, 2, 2, "2", A_DT},
    {"from_utc_timestamp", SP_SQL_F_FROM_UTC_TS, 2, 2, "2", A_DT},
    {"to_utc_timestamp", SP_SQL_F_TO_UTC_TS, 2, 2, "2", A_DT},
    {"from_json", SP_SQL_F_FROM_JSON, 2, 3, "[2, 3]", A_JSON},
    {"to_json", SP_SQL_F_TO_JSON, 1, 2, "[1, 2]", A_JSON},
    {"get_json_object", SP_SQL_F_GET_JSON_OBJECT, 2, 2, "2", A_JSON},
    {"split", SP_SQL_F_SPLIT, 2, 3, "[2, 3]", A_NESTED},
    {"size", SP_SQL_F_SIZE, 1, 1, "1", A_NESTED},
    {"cardinality", SP_SQL_F_SIZE, 1, 1, "1", A_NESTED},
    {"element_at", SP_SQL_F_ELEMENT_AT, 2, 2, "2", A_NESTED},
    {"array", SP_SQL_F_ARRAY, 0, -1, "> 0", A_NESTED},
    {"struct", SP_SQL_F_NAMED_STRUCT, 0, -1, "> 0", A_NESTED},
    {"named_struct", SP_SQL_F_NAMED_STRUCT, 0, -1, "> 0", A_NESTED},
    {"map", SP_SQL_F_MAP, 0, -1, "> 0", A_NESTED},
    {"array_contains", SP_SQL_F_ARRAY_CONTAINS, 2, 2, "2", A_NESTED},
    {"__window_start", SP_SQL_F_WINDOW_START, 3, 3, "3", A_WINDOW},
    {"__window_end", SP_SQL_F_WINDOW_END, 2, 2, "2", A_WINDOW},
    {"__window_starts", SP_SQL_F_WINDOW_STARTS, 4, 4, "4", A_WINDOW},
    {"__session_end", SP_SQL_F_SESSION_END, 2, 2, "2", A_WINDOW},
};

const char *sp_az_func_pretty_name(const char *name)
{
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        const char *canon = sp_sql_func_name(funcs[i].fn);
        if (strcasecmp(funcs[i].name, name) == 0 && strcasecmp(canon, name) == 0) return canon;
    }
    return NULL;
}

static const char *fname(const sp_sql_node *n) { return n->list.items[n->list.n - 1]->str; }

bool sp_az_is_agg_call(const sp_sql_node *n)
{
    sp_agg_fn fn;
    return n->kind == SQL_FUNC && n->list.n == 1 && sp_agg_lookup(fname(n), &fn);
}

const sp_sql_node *sp_az_find_agg(const sp_sql_node *n)
{
    if (!n || n->kind == SQL_SUBQUERY || n->kind == SQL_EXISTS || n->kind == SQL_IN_QUERY)
        return NULL;
    if (sp_az_is_agg_call(n)) return n;
    const sp_sql_node *kids[] = {n->a, n->b, n->c}, *f;
    for (int i = 0; i < 3; i++)
        if ((f = sp_az_find_agg(kids[i]))) return f;
    const sp_sql_list *ls[] = {&n->list, &n->list2};
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < ls[k]->n; i++)
            if ((f = sp_az_find_agg(ls[k]->items[i]))) return f;
    return NULL;
}

bool sp_az_has_agg(const sp_sql_node *n) { return sp_az_find_agg(n) != NULL; }

static void *wrong_num(sp_analyzer *az, const sp_sql_node *n, const char *name,
                       const char *expected, int actual, sp_sql_error *err)
{
    return sp_az_fail(az, err, n->off, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "functionName",
                      sp_az_sql_id(az, &name, 1), "expectedNum", expected, "actualNum",
                      sp_az_printf(az, "%d", actual), NULL);
}

/* Casts the arguments v[0..k) of d as its rule says; false with err set. */
static bool cast_args(sp_analyzer *az, const func_def *d, const sp_sql_node *n, sp_sql_expr **v,
                      int k, sp_sql_error *err)
{
    const sp_sql_type *str = sp_sql_prim(SP_SQL_STRING), *dbl = sp_sql_prim(SP_SQL_DOUBLE);
    const sp_sql_type *in = sp_sql_prim(SP_SQL_INT);
    int from = d->rule == A_IF ? 1 : 0;
    const sp_sql_type *t = NULL;
    if (d->rule == A_COMMON || d->rule == A_IF) {
        const sp_sql_type **ts = spate_arena_alloc(az->arena, sizeof *ts * (size_t)(k + 1));
        for (int i = from; i < k; i++)
            ts[i - from] = v[i]->type;
        t = sp_sql_wider_common_type(az->arena, ts, k - from, az->ansi);
        if (!t) {
            const char *l = "";
            for (int i = from; i < k; i++)
                l = sp_az_printf(az, "%s%s%s", l, i > from ? ", " : "",
                                 sp_az_type_sql(az, v[i]->type));
            sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.DATA_DIFF_TYPES", "sqlExpr",
                       sp_az_sql_expr(az, n), "functionName", sp_az_sql_id(az, &d->name, 1),
                       "dataType", sp_az_printf(az, "[%s]", l), NULL);
            return false;
        }
    }
    for (int i = 0; i < k; i++) {
        switch (d->rule) {
        case A_STRING:
            v[i] = sp_az_cast(az, v[i], str);
            break;
        case A_STR_INT:
            v[i] = sp_az_cast(
                az, v[i],
                (i == 0 ||
                 (i == 2 && d->fn != SP_SQL_F_SUBSTRING && d->fn != SP_SQL_F_REGEXP_EXTRACT) ||
                 (i == 1 && d->fn == SP_SQL_F_REGEXP_EXTRACT))
                    ? str
                    : in);
            break;
        case A_DOUBLE:
            v[i] = sp_az_cast(az, v[i], dbl);
            break;
        case A_IF:
            v[i] = sp_az_cast(az, v[i], i == 0 ? sp_sql_prim(SP_SQL_BOOLEAN) : t);
            break;
        case A_COMMON:
            v[i] = sp_az_cast(az, v[i], t);
            break;
        case A_ROUND:
            if (i == 0 && !sp_sql_type_is_numeric(v[i]->type)) v[i] = sp_az_cast(az, v[i], dbl);
            if (i == 1) v[i] = sp_az_cast(az, v[i], in);
            break;
        case A_DATE:
            v[i] = sp_az_cast(az, v[i], i == 0 ? sp_sql_prim(SP_SQL_DATE) : in);
            break;
        case A_DATES:
            v[i] = sp_az_cast(az, v[i], sp_sql_prim(SP_SQL_DATE));
            break;
        case A_TS:
            v[i] = sp_az_cast(az, v[i], sp_sql_prim(SP_SQL_TIMESTAMP));
            break;
        case A_ANY:
        case A_DT:
        case A_NESTED:
        case A_JSON:
        case A_WINDOW:
            break;
        }
    }
    return true;
}

static sp_sql_expr *scalar(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                           const func_def *d, sp_sql_error *err)
{
    int k = (int)n->list2.n;
    if (k < d->min || (d->max >= 0 && k > d->max))
        return wrong_num(az, n, d->name, d->expected, k, err);
    sp_sql_expr **v = spate_arena_alloc(az->arena, sizeof *v * (size_t)(k ? k : 1));
    sp_az_scope inner = *s;
    for (int i = 0; i < k; i++)
        if (!(v[i] = sp_az_expr(az, &inner, n->list2.items[i], err))) return NULL;
    if (d->rule == A_DT) return sp_az_datetime_call(az, n, d->fn, v, k, err);
    if (d->rule == A_NESTED) return sp_az_nested_call(az, n, d->fn, v, k, err);
    if (d->rule == A_JSON) return sp_az_json_call(az, n, d->fn, v, k, err);
    if (d->rule == A_WINDOW) return sp_az_window_call(az, n, d->fn, v, k, err);
    if (!cast_args(az, d, n, v, k, err)) return NULL;
    return sp_sql_expr_func(az->arena, d->fn, v, k, NULL);
}

static sp_sql_expr *agg_call(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                             sp_agg_fn fn, sp_sql_error *err);

/* mod(a, b) (Spark's Remainder under its function name: the `%`
 * operator) and pmod(a, b) (Pmod: the remainder made non-negative for a
 * positive b), typed as arithmetic. */
static sp_sql_expr *mod_call(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                             sp_sql_arith_op op, sp_sql_error *err)
{
    const char *name = op == SP_SQL_OP_PMOD ? "pmod" : "mod";
    if (n->list2.n != 2) return wrong_num(az, n, name, "2", (int)n->list2.n, err);
    sp_sql_expr *x = sp_az_expr(az, s, n->list2.items[0], err);
    sp_sql_expr *y = x ? sp_az_expr(az, s, n->list2.items[1], err) : NULL;
    return y ? sp_az_arith(az, n, op, x, y, err) : NULL;
}

sp_sql_expr *sp_az_func(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                        sp_sql_error *err)
{
    const char *name = fname(n);
    sp_agg_fn afn;
    if (n->list.n == 1 && strcasecmp(name, "mod") == 0)
        return mod_call(az, s, n, SP_SQL_OP_MOD, err);
    if (n->list.n == 1 && strcasecmp(name, "pmod") == 0)
        return mod_call(az, s, n, SP_SQL_OP_PMOD, err);
    if (n->list.n == 1 && sp_agg_lookup(name, &afn)) return agg_call(az, s, n, afn, err);
    for (size_t i = 0; n->list.n == 1 && i < sizeof funcs / sizeof funcs[0]; i++)
        if (strcasecmp(funcs[i].name, name) == 0) return scalar(az, s, n, &funcs[i], err);
    const char **parts = spate_arena_alloc(az->arena, sizeof *parts * n->list.n);
    for (uint32_t i = 0; i < n->list.n; i++)
        parts[i] = n->list.items[i]->str;
    return sp_az_fail(az, err, n->off, "UNRESOLVED_ROUTINE", "routineName",
                      sp_az_sql_id(az, parts, (int)n->list.n), "searchPath",
                      "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]", NULL);
}

/* The argument's type error as Spark reports it for fn. */
static void *agg_type_error(sp_analyzer *az, const sp_sql_node *n, sp_agg_fn fn,
                            const sp_sql_type *t, sp_sql_error *err)
{
    const char *call = sp_az_sql_expr(az, n), *ts = sp_az_type_sql(az, t);
    if (fn == SP_AGG_MIN || fn == SP_AGG_MAX) {
        const char *name = sp_agg_fn_name(fn);
        return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.INVALID_ORDERING_TYPE", "sqlExpr",
                          call, "functionName", sp_az_sql_id(az, &name, 1), "dataType", ts, NULL);
    }
    bool moment = fn >= SP_AGG_STDDEV_SAMP && fn <= SP_AGG_VAR_POP;
    return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "sqlExpr", call,
                      "paramIndex", "first", "requiredType",
                      moment ? "\"DOUBLE\"" : "(\"NUMERIC\" or \"ANSI INTERVAL\")", "inputSql",
                      sp_az_sql_expr(az, n->list2.items[0]), "inputType", ts, NULL);
}

static bool same_call(const sp_agg_call *x, const sp_agg_call *y)
{
    if (x->fn != y->fn || x->distinct != y->distinct || x->ignore_nulls != y->ignore_nulls)
        return false;
    if (!x->arg || !y->arg) return x->arg == y->arg;
    return sp_az_expr_equal(x->arg, y->arg);
}

static sp_sql_expr *agg_call(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                             sp_agg_fn fn, sp_sql_error *err)
{
    if (!s->aggs) return sp_az_fail(az, err, n->off, "NESTED_AGGREGATE_FUNCTION", NULL);
    bool star = (n->flags & SQL_F_STAR) != 0;
    int k = (int)n->list2.n;
    int max = (fn == SP_AGG_FIRST || fn == SP_AGG_LAST) ? 2 : 1;
    if (!star && (k < 1 || k > max))
        return wrong_num(az, n, sp_agg_fn_name(fn), max == 2 ? "[1, 2]" : "1", k, err);
    sp_az_scope inner = {.plan = s->plan, .aggs = NULL};
    sp_agg_call c = {.fn = fn, .distinct = (n->flags & SQL_F_DISTINCT) != 0};
    if (!star) {
        sp_sql_expr *arg = sp_az_expr(az, &inner, n->list2.items[0], err);
        if (!arg) return NULL;
        /* count(1) and count(literal) count rows, as Spark prints count(1) */
        bool lit = arg->kind == SP_SQL_E_LITERAL && !arg->lit.is_null;
        if (!(fn == SP_AGG_COUNT && lit && !c.distinct)) {
            const sp_sql_type *in = sp_agg_input_type(fn, arg->type);
            if (!in) return agg_type_error(az, n, fn, arg->type, err);
            if (in->id >= SP_SQL_ARRAY) /* the buffers hold atomic values */
                return sp_az_fail(az, err, n->off, "UNSUPPORTED_FEATURE", "message",
                                  "Aggregating ARRAY, MAP or STRUCT values", NULL);
            c.arg = sp_az_cast(az, arg, in);
        }
        if (k == 2) {
            const sp_sql_node *b = n->list2.items[1];
            c.ignore_nulls = b->kind == SQL_LIT_BOOL && b->op;
        }
    }
    char msg[512];
    c.type =
        sp_agg_result_type(az->arena, fn, c.arg ? c.arg->type : NULL, az->ansi, msg, sizeof msg);
    if (!c.type) return agg_type_error(az, n, fn, c.arg->type, err);
    c.nullable = fn != SP_AGG_COUNT && fn != SP_AGG_APPROX_COUNT_DISTINCT;
    c.name = sp_az_pretty(az, n);
    c.expr_id = -1; /* set when the aggregate node is made */
    sp_az_aggs *g = s->aggs;
    for (int j = 0; j < g->n; j++) /* one call per distinct aggregate, as Spark */
        if (same_call(&g->calls[j], &c))
            return sp_sql_expr_column(az->arena, SP_AZ_AGG_REF(j), g->calls[j].name, -1,
                                      g->calls[j].type, g->calls[j].nullable);
    if (g->n == g->cap) {
        int cap = g->cap ? g->cap * 2 : 8;
        sp_agg_call *nc = spate_arena_alloc(az->arena, sizeof *nc * (size_t)cap);
        if (g->n) memcpy(nc, g->calls, sizeof *nc * (size_t)g->n);
        g->calls = nc;
        g->cap = cap;
    }
    g->calls[g->n] = c;
    return sp_sql_expr_column(az->arena, SP_AZ_AGG_REF(g->n++), c.name, -1, c.type, c.nullable);
}
