/* analyze_window.c - time windows in GROUP BY, as Spark's TimeWindowing
 * rewrites them, before the SELECT is analyzed:
 *
 *   SELECT items FROM rel WHERE w GROUP BY ..., window(ts, size[, slide[, start]]) ...
 *
 * becomes a SELECT over (SELECT *, <start> AS __window_start FROM rel WHERE
 * w [AND ts IS NOT NULL]) grouped by __window_start, where <start> is
 * __window_start(ts, slide, start) for a tumbling window (slide = size) and
 * explode(__window_starts(ts, size, slide, start)) for a sliding one (a row
 * in every window that holds it). Spark groups by the `window` struct
 * itself; spate groups by its start (the end follows from it) and makes
 * the struct, named_struct('start', s, 'end', s + size), wherever the items
 * or HAVING name the window: the window(...) call, the column `window`,
 * `window.start` / `window.end`, and window_time(window) (its end less a
 * microsecond). Durations are strings ('10 seconds', as
 * spate_duration_parse reads them) or INTERVAL literals of weeks down to
 * microseconds. The subquery keeps the alias of a FROM that is one table,
 * so qualified names still resolve. Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include <spate/core.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WINDOW_START "__window_start"

static bool is_window_call(const sp_sql_node *n)
{
    return n && n->kind == SQL_FUNC && n->list.n == 1 &&
           strcasecmp(n->list.items[0]->str, "window") == 0;
}

/* ---- durations ---- */

static const int64_t unit_us[] = {
    [UNIT_WEEK] = INT64_C(604800000000),
    [UNIT_DAY] = INT64_C(86400000000),
    [UNIT_HOUR] = INT64_C(3600000000),
    [UNIT_MINUTE] = 60000000,
    [UNIT_SECOND] = 1000000,
    [UNIT_MILLISECOND] = 1000,
    [UNIT_MICROSECOND] = 1,
};

/* INTERVAL n unit [n unit ...]: whole numbers of weeks down to
 * microseconds (each value a number or a string literal). */
static bool interval_us(const sp_sql_node *n, int64_t *out)
{
    int64_t us = 0;
    if (n->op2) return false; /* unit TO unit */
    for (uint32_t i = 0; i < n->list.n; i++) {
        const sp_sql_node *p = n->list.items[i], *v = p->a;
        if (p->op < UNIT_WEEK || p->op > UNIT_MICROSECOND || !v || !v->str) return false;
        char *end;
        long long x = strtoll(v->str, &end, 10);
        if (*end || end == v->str) return false;
        us += (int64_t)x * unit_us[p->op];
    }
    *out = us;
    return true;
}

/* A window's duration in microseconds; false with err set. */
static bool duration_us(sp_analyzer *az, const sp_sql_node *n, int64_t *out, sp_sql_error *err)
{
    const sp_sql_node *s =
        n->kind == SQL_LIT_TYPED && n->str && !strcmp(n->str, "INTERVAL") ? n->a : n;
    if (s->kind == SQL_INTERVAL && interval_us(s, out)) return true;
    if (s->kind == SQL_LIT_STRING) {
        spate_duration ms;
        char why[256];
        const char *text = s->str;
        if (strncasecmp(text, "interval ", 9) == 0) text += 9;
        if (spate_duration_parse(text, &ms, why, sizeof why) == SPATE_OK) {
            *out = ms * 1000;
            return true;
        }
    }
    sp_az_fail(az, err, n->off, "INVALID_INTERVAL_FORMAT", "input",
               s->kind == SQL_LIT_STRING ? s->str : sp_az_sql_expr(az, n), NULL);
    return false;
}

typedef struct window_args {
    const sp_sql_node *ts;
    int64_t size, slide, start;
} window_args;

static bool value_out_of_range(sp_analyzer *az, const sp_sql_node *w, const char *name, int64_t v,
                               sp_sql_error *err)
{
    sp_az_fail(az, err, w->off, "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE", "sqlExpr",
               sp_az_sql_expr(az, w), "exprName", name, "valueRange", "(0, 9223372036854775807]",
               "currentValue", sp_az_printf(az, "%lldL", (long long)v), NULL);
    return false;
}

static bool constraint(sp_analyzer *az, const sp_sql_node *w, const char *left, int64_t lv,
                       const char *op, const char *right, int64_t rv, sp_sql_error *err)
{
    sp_az_fail(az, err, w->off, "DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION", "sqlExpr",
               sp_az_sql_expr(az, w), "leftExprName", left, "leftExprValue",
               sp_az_printf(az, "%lldL", (long long)lv), "constraint", op, "rightExprName", right,
               "rightExprValue", sp_az_printf(az, "%lldL", (long long)rv), NULL);
    return false;
}

/* Spark's checks of a window's durations (TimeWindow); w is the call. */
static bool check_window(sp_analyzer *az, const sp_sql_node *w, const window_args *a,
                         sp_sql_error *err)
{
    if (a->size <= 0) return value_out_of_range(az, w, "`window_duration`", a->size, err);
    if (a->slide <= 0) return value_out_of_range(az, w, "`slide_duration`", a->slide, err);
    if (a->slide > a->size)
        return constraint(az, w, "`slide_duration`", a->slide, "<=", "`window_duration`", a->size,
                          err);
    if (llabs(a->start) >= a->slide)
        return constraint(az, w, "`abs(start_time)`", llabs(a->start), "<", "`slide_duration`",
                          a->slide, err);
    return true;
}

/* window(ts, size[, slide[, start]]) with Spark's checks (TimeWindow). */
static bool window_args_of(sp_analyzer *az, const sp_sql_node *w, window_args *a, sp_sql_error *err)
{
    uint32_t k = w->list2.n;
    if (k < 2 || k > 4) {
        sp_az_fail(az, err, w->off, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "functionName", "`window`",
                   "expectedNum", "[2, 3, 4]", "actualNum", sp_az_printf(az, "%u", k), NULL);
        return false;
    }
    a->ts = w->list2.items[0];
    a->start = 0;
    if (!duration_us(az, w->list2.items[1], &a->size, err)) return false;
    a->slide = a->size;
    if (k > 2 && !duration_us(az, w->list2.items[2], &a->slide, err)) return false;
    if (k > 3 && !duration_us(az, w->list2.items[3], &a->start, err)) return false;
    return check_window(az, w, a, err);
}

/* ---- nodes ---- */

static sp_sql_node *node(sp_analyzer *az, sp_sql_kind kind, const sp_sql_node *at)
{
    sp_sql_node *n = sp_sql_node_new(az->arena, kind, at->off);
    n->end = at->end;
    return n;
}

static sp_sql_node *name_node(sp_analyzer *az, const char *name, const sp_sql_node *at)
{
    sp_sql_node *n = node(az, SQL_NAME, at);
    n->str = name;
    return n;
}

static sp_sql_node *column(sp_analyzer *az, const char *name, const sp_sql_node *at)
{
    sp_sql_node *c = node(az, SQL_COLUMN, at);
    sp_sql_list_push(&c->list, az->arena, name_node(az, name, at));
    return c;
}

static sp_sql_node *call(sp_analyzer *az, const char *name, sp_sql_node *const *args, int n,
                         const sp_sql_node *at)
{
    sp_sql_node *f = node(az, SQL_FUNC, at);
    sp_sql_list_push(&f->list, az->arena, name_node(az, name, at));
    for (int i = 0; i < n; i++)
        sp_sql_list_push(&f->list2, az->arena, args[i]);
    return f;
}

static sp_sql_node *bigint(sp_analyzer *az, int64_t v, const sp_sql_node *at)
{
    sp_sql_node *n = node(az, SQL_LIT_BIGINT, at);
    n->str = sp_az_printf(az, "%lld", (long long)v);
    return n;
}

static sp_sql_node *string(sp_analyzer *az, const char *s, const sp_sql_node *at)
{
    sp_sql_node *n = node(az, SQL_LIT_STRING, at);
    n->str = s;
    n->slen = (uint32_t)strlen(s);
    return n;
}

static sp_sql_node *alias(sp_analyzer *az, sp_sql_node *e, const char *name)
{
    sp_sql_node *a = node(az, SQL_ALIAS, e);
    a->a = e;
    a->str = name;
    return a;
}

/* __window_start + size + delta: the window's end (delta 0), or Spark's
 * window_time, the last microsecond inside it (delta -1). */
static sp_sql_node *window_end_plus(sp_analyzer *az, const window_args *w, int64_t delta,
                                    const sp_sql_node *at)
{
    sp_sql_node *args[] = {column(az, WINDOW_START, at), bigint(az, w->size + delta, at)};
    return call(az, "__window_end", args, 2, at);
}

static sp_sql_node *window_end(sp_analyzer *az, const window_args *w, const sp_sql_node *at)
{
    return window_end_plus(az, w, 0, at);
}

/* window_time(window) */
static bool is_window_time(const sp_sql_node *n)
{
    return n->kind == SQL_FUNC && n->list.n == 1 &&
           strcasecmp(n->list.items[0]->str, "window_time") == 0 && n->list2.n == 1 &&
           n->list2.items[0]->kind == SQL_COLUMN && n->list2.items[0]->list.n == 1 &&
           strcasecmp(n->list2.items[0]->list.items[0]->str, "window") == 0;
}

/* named_struct('start', __window_start, 'end', __window_end(...)) */
static sp_sql_node *window_struct(sp_analyzer *az, const window_args *w, const sp_sql_node *at)
{
    sp_sql_node *args[] = {string(az, "start", at), column(az, WINDOW_START, at),
                           string(az, "end", at), window_end(az, w, at)};
    return call(az, "named_struct", args, 4, at);
}

/* ---- the rewrite ---- */

static bool is_window_column(const sp_sql_node *n, uint32_t parts)
{
    return n->kind == SQL_COLUMN && n->list.n == parts &&
           strcasecmp(n->list.items[0]->str, "window") == 0;
}

/* n with the window (the call as written in GROUP BY, the column `window`,
 * `window.start`, `window.end`) made from __window_start. */
static sp_sql_node *subst(sp_analyzer *az, const sp_sql_node *n, const char *call_text,
                          const window_args *w)
{
    if (!n) return NULL;
    if (n->kind == SQL_SUBQUERY || n->kind == SQL_EXISTS || n->kind == SQL_IN_QUERY)
        return (sp_sql_node *)n;
    if ((is_window_call(n) && !strcmp(sp_az_sql_expr(az, n), call_text)) || is_window_column(n, 1))
        return window_struct(az, w, n);
    if (is_window_column(n, 2) && !strcasecmp(n->list.items[1]->str, "start"))
        return column(az, WINDOW_START, n);
    if (is_window_column(n, 2) && !strcasecmp(n->list.items[1]->str, "end"))
        return window_end(az, w, n);
    if (is_window_time(n)) return window_end_plus(az, w, -1, n);
    sp_sql_node *c = spate_arena_alloc(az->arena, sizeof *c);
    *c = *n;
    c->a = subst(az, n->a, call_text, w);
    c->b = subst(az, n->b, call_text, w);
    c->c = subst(az, n->c, call_text, w);
    sp_sql_list *ls[] = {&c->list, &c->list2};
    for (int k = 0; k < 2; k++) {
        if (!ls[k]->n) continue;
        sp_sql_node **v = spate_arena_alloc(az->arena, sizeof *v * ls[k]->n);
        for (uint32_t i = 0; i < ls[k]->n; i++)
            v[i] = subst(az, ls[k]->items[i], call_text, w);
        ls[k]->items = v;
    }
    return c;
}

/* A select item rewritten, keeping the name Spark gives it: `window` for
 * the window, `start` / `end` for its fields. */
static sp_sql_node *item(sp_analyzer *az, const sp_sql_node *it, const char *call_text,
                         const window_args *w)
{
    sp_sql_node *e = subst(az, it, call_text, w);
    if (it->kind == SQL_ALIAS) return e;
    if (is_window_column(it, 2)) return alias(az, e, it->list.items[1]->str);
    if (is_window_time(it)) return alias(az, e, "window_time(window)");
    if (is_window_column(it, 1) || is_window_call(it)) return alias(az, e, "window");
    return e;
}

/* e IS NOT NULL */
static sp_sql_node *not_null(sp_analyzer *az, const sp_sql_node *e)
{
    sp_sql_node *nn = node(az, SQL_IS, e);
    nn->op = IS_NULL;
    nn->flags = SQL_F_NOT;
    nn->a = (sp_sql_node *)e;
    return nn;
}

/* SELECT *, <the window's start> AS __window_start FROM rel WHERE ... */
static sp_sql_node *inner_select(sp_analyzer *az, const sp_sql_node *sel, const window_args *w)
{
    sp_sql_node *in = node(az, SQL_SELECT, sel), *start;
    sp_sql_list_push(&in->list, az->arena, node(az, SQL_STAR, sel));
    if (w->slide == w->size) {
        sp_sql_node *args[] = {(sp_sql_node *)w->ts, bigint(az, w->slide, sel),
                               bigint(az, w->start, sel)};
        start = call(az, WINDOW_START, args, 3, sel);
    } else {
        sp_sql_node *args[] = {(sp_sql_node *)w->ts, bigint(az, w->size, sel),
                               bigint(az, w->slide, sel), bigint(az, w->start, sel)};
        sp_sql_node *starts = call(az, "__window_starts", args, 4, sel);
        start = call(az, "explode", &starts, 1, sel);
    }
    sp_sql_list_push(&in->list, az->arena, alias(az, start, WINDOW_START));
    in->a = sel->a;
    in->b = sel->b;
    if (w->slide == w->size) { /* Spark drops rows without a time (explode does for sliding) */
        sp_sql_node *nn = not_null(az, w->ts);
        if (sel->b) {
            sp_sql_node *and = node(az, SQL_BINARY, sel->b);
            and->op = BIN_AND;
            and->a = sel->b;
            and->b = nn;
            nn = and;
        }
        in->b = nn;
    }
    return in;
}

/* The alias the FROM's one table goes by, so that t.col still resolves. */
static const char *rel_alias(const sp_sql_node *rel)
{
    if (rel->kind == SQL_SUBQUERY_REL) return rel->str;
    if (rel->kind != SQL_TABLE_REF) return NULL;
    return rel->str ? rel->str : rel->list.items[rel->list.n - 1]->str;
}

const sp_sql_node *sp_az_window_rewrite(sp_analyzer *az, const sp_sql_node *sel, sp_sql_error *err)
{
    int wi = -1;
    for (uint32_t i = 0; i < sel->list2.n; i++) {
        if (!is_window_call(sel->list2.items[i])) continue;
        if (wi >= 0)
            return sp_az_fail(az, err, sel->list2.items[i]->off, "UNSUPPORTED_FEATURE", "message",
                              "Multiple time/session window expressions would result in a "
                              "cartesian product of rows",
                              NULL);
        wi = (int)i;
    }
    if (wi < 0 || !sel->a) return sel;
    const sp_sql_node *wn = sel->list2.items[wi];
    window_args w;
    if (!window_args_of(az, wn, &w, err)) return NULL;
    const char *call_text = sp_az_sql_expr(az, wn);
    sp_sql_node *rel = node(az, SQL_SUBQUERY_REL, sel->a);
    rel->a = inner_select(az, sel, &w);
    rel->str = rel_alias(sel->a);
    sp_sql_node *out = spate_arena_alloc(az->arena, sizeof *out);
    *out = *sel;
    out->a = rel;
    out->b = NULL;
    out->list = (sp_sql_list){0};
    for (uint32_t i = 0; i < sel->list.n; i++)
        sp_sql_list_push(&out->list, az->arena, item(az, sel->list.items[i], call_text, &w));
    out->list2 = (sp_sql_list){0};
    for (uint32_t i = 0; i < sel->list2.n; i++)
        sp_sql_list_push(&out->list2, az->arena,
                         (int)i == wi ? column(az, WINDOW_START, wn)
                                      : subst(az, sel->list2.items[i], call_text, &w));
    out->c = subst(az, sel->c, call_text, &w);
    return out;
}

/* ---- the functions the rewrite calls ---- */

sp_sql_expr *sp_az_window_call(sp_analyzer *az, const sp_sql_node *n, sp_sql_func fn,
                               sp_sql_expr **v, int k, sp_sql_error *err)
{
    const sp_sql_type *ts = sp_sql_prim(SP_SQL_TIMESTAMP), *big = sp_sql_prim(SP_SQL_BIGINT);
    if (v[0]->type->id != SP_SQL_TIMESTAMP && v[0]->type->id != SP_SQL_TIMESTAMP_NTZ &&
        v[0]->type->id != SP_SQL_DATE && v[0]->type->id != SP_SQL_STRING &&
        v[0]->type->id != SP_SQL_NULL)
        return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "sqlExpr",
                          sp_az_sql_expr(az, n), "paramIndex", "first", "requiredType",
                          "(\"TIMESTAMP\" or \"TIMESTAMP_NTZ\")", "inputSql",
                          sp_az_sql_expr(az, n->list2.items[0]), "inputType",
                          sp_az_type_sql(az, v[0]->type), NULL);
    v[0] = sp_az_cast(az, v[0], ts);
    for (int i = 1; i < k; i++)
        v[i] = sp_az_cast(az, v[i], big);
    const sp_sql_type *t = fn == SP_SQL_F_WINDOW_STARTS ? sp_sql_array(az->arena, ts, false) : ts;
    return sp_sql_expr_func(az->arena, fn, v, k, t);
}

/* ---- Flink's window table functions ---- */

static const sp_sql_node *tvf_call(const sp_sql_node *r)
{
    const char *name = r->list.items[r->list.n - 1]->str;
    if (r->list.n == 1 && strcasecmp(name, "TABLE") == 0 && r->list2.n == 1 &&
        r->list2.items[0]->kind == SQL_FUNC)
        return r->list2.items[0]; /* TABLE(TUMBLE(...)) */
    return r;
}

static sp_sql_node *select_star_plus(sp_analyzer *az, sp_sql_node *from, sp_sql_node *e,
                                     const char *name, sp_sql_node *e2, const char *name2,
                                     const sp_sql_node *at)
{
    sp_sql_node *s = node(az, SQL_SELECT, at), *rel = from;
    sp_sql_list_push(&s->list, az->arena, node(az, SQL_STAR, at));
    sp_sql_list_push(&s->list, az->arena, alias(az, e, name));
    if (e2) sp_sql_list_push(&s->list, az->arena, alias(az, e2, name2));
    if (rel->kind == SQL_SELECT) {
        rel = node(az, SQL_SUBQUERY_REL, at);
        rel->a = from;
    }
    s->a = rel;
    return s;
}

const sp_sql_node *sp_az_window_tvf(sp_analyzer *az, const sp_sql_node *r, sp_sql_error *err)
{
    const sp_sql_node *f = tvf_call(r);
    const char *name = f->list.items[f->list.n - 1]->str;
    bool hop = strcasecmp(name, "HOP") == 0;
    if (!hop && strcasecmp(name, "TUMBLE") != 0) return NULL;
    uint32_t k = f->list2.n, nsize = hop ? 2 : 1;
    const sp_sql_node *t = k ? f->list2.items[0] : NULL, *d = k > 1 ? f->list2.items[1] : NULL;
    if (k < 2 + nsize || k > 3 + nsize)
        return sp_az_fail(az, err, f->off, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "functionName",
                          hop ? "`HOP`" : "`TUMBLE`", "expectedNum", hop ? "[4, 5]" : "[3, 4]",
                          "actualNum", sp_az_printf(az, "%u", k), NULL);
    if (t->kind != SQL_TABLE_ARG || d->kind != SQL_FUNC ||
        strcasecmp(d->list.items[d->list.n - 1]->str, "DESCRIPTOR") || d->list2.n != 1)
        return sp_az_fail(
            az, err, f->off, "UNSUPPORTED_FEATURE", "message",
            hop ? "HOP other than HOP(TABLE t, DESCRIPTOR(col), slide, size[, offset])"
                : "TUMBLE other than TUMBLE(TABLE t, DESCRIPTOR(col), size[, offset])",
            NULL);
    window_args w = {.ts = d->list2.items[0], .start = 0};
    if (!duration_us(az, f->list2.items[2], hop ? &w.slide : &w.size, err)) return NULL;
    if (hop && !duration_us(az, f->list2.items[3], &w.size, err)) return NULL;
    if (!hop) w.slide = w.size;
    if (k == 3 + nsize && !duration_us(az, f->list2.items[2 + nsize], &w.start, err)) return NULL;
    if (!check_window(az, f, &w, err)) return NULL;
    sp_sql_node *src = t->a, *start;
    if (hop) {
        sp_sql_node *args[] = {(sp_sql_node *)w.ts, bigint(az, w.size, f), bigint(az, w.slide, f),
                               bigint(az, w.start, f)};
        sp_sql_node *starts = call(az, "__window_starts", args, 4, f);
        start = call(az, "explode", &starts, 1, f);
    } else {
        sp_sql_node *args[] = {(sp_sql_node *)w.ts, bigint(az, w.slide, f), bigint(az, w.start, f)};
        start = call(az, WINDOW_START, args, 3, f);
    }
    sp_sql_node *in = select_star_plus(az, src, start, "window_start", NULL, NULL, f);
    if (!hop) in->b = not_null(az, w.ts); /* rows without a time in no window, as HOP's */
    sp_sql_node *end_args[] = {column(az, "window_start", f), bigint(az, w.size, f)};
    sp_sql_node *time_args[] = {column(az, "window_start", f), bigint(az, w.size - 1, f)};
    sp_sql_node *out =
        select_star_plus(az, in, call(az, "__window_end", end_args, 2, f), "window_end",
                         call(az, "__window_end", time_args, 2, f), "window_time", f);
    sp_sql_node *rel = node(az, SQL_SUBQUERY_REL, r);
    rel->a = out;
    rel->str = r->str;
    return rel;
}
