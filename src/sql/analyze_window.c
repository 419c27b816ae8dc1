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
#include "sql/analyze_window_int.h"

#include <string.h>
#include <strings.h>

static bool is_window_call(const sp_sql_node *n)
{
    return n && n->kind == SQL_FUNC && n->list.n == 1 &&
           strcasecmp(n->list.items[0]->str, "window") == 0;
}

/* __window_start + size + delta: the window's end (delta 0), or Spark's
 * window_time, the last microsecond inside it (delta -1). */
static sp_sql_node *window_end_plus(sp_analyzer *az, const sp_azw_window *w, int64_t delta,
                                    const sp_sql_node *at)
{
    sp_sql_node *args[] = {sp_azw_column(az, SP_AZW_WINDOW_START, at),
                           sp_azw_bigint(az, w->size + delta, at)};
    return sp_azw_call(az, "__window_end", args, 2, at);
}

static sp_sql_node *window_end(sp_analyzer *az, const sp_azw_window *w, const sp_sql_node *at)
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
static sp_sql_node *window_struct(sp_analyzer *az, const sp_azw_window *w, const sp_sql_node *at)
{
    sp_sql_node *args[] = {sp_azw_string(az, "start", at),
                           sp_azw_column(az, SP_AZW_WINDOW_START, at), sp_azw_string(az, "end", at),
                           window_end(az, w, at)};
    return sp_azw_call(az, "named_struct", args, 4, at);
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
                          const sp_azw_window *w)
{
    if (!n) return NULL;
    if (n->kind == SQL_SUBQUERY || n->kind == SQL_EXISTS || n->kind == SQL_IN_QUERY)
        return (sp_sql_node *)n;
    if ((is_window_call(n) && !strcmp(sp_az_sql_expr(az, n), call_text)) || is_window_column(n, 1))
        return window_struct(az, w, n);
    if (is_window_column(n, 2) && !strcasecmp(n->list.items[1]->str, "start"))
        return sp_azw_column(az, SP_AZW_WINDOW_START, n);
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
                         const sp_azw_window *w)
{
    sp_sql_node *e = subst(az, it, call_text, w);
    if (it->kind == SQL_ALIAS) return e;
    if (is_window_column(it, 2)) return sp_azw_alias(az, e, it->list.items[1]->str);
    if (is_window_time(it)) return sp_azw_alias(az, e, "window_time(window)");
    if (is_window_column(it, 1) || is_window_call(it)) return sp_azw_alias(az, e, "window");
    return e;
}

/* SELECT *, <the window's start> AS __window_start FROM rel WHERE ... */
static sp_sql_node *inner_select(sp_analyzer *az, const sp_sql_node *sel, const sp_azw_window *w)
{
    sp_sql_node *in = sp_azw_node(az, SQL_SELECT, sel);
    sp_sql_list_push(&in->list, az->arena, sp_azw_node(az, SQL_STAR, sel));
    sp_sql_node *start = sp_azw_start(az, w, sel);
    sp_sql_list_push(&in->list, az->arena, sp_azw_alias(az, start, SP_AZW_WINDOW_START));
    in->a = sel->a;
    in->b = sel->b;
    if (w->slide == w->size) { /* Spark drops rows without a time (explode does for sliding) */
        sp_sql_node *nn = sp_azw_not_null(az, w->ts);
        if (sel->b) {
            sp_sql_node *and = sp_azw_node(az, SQL_BINARY, sel->b);
            and->op = BIN_AND;
            and->a = sel->b;
            and->b = nn;
            nn = and;
        }
        in->b = nn;
    }
    return in;
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
    sp_azw_window w;
    if (!sp_azw_args_of(az, wn, &w, err)) return NULL;
    const char *call_text = sp_az_sql_expr(az, wn);
    sp_sql_node *rel = sp_azw_node(az, SQL_SUBQUERY_REL, sel->a);
    rel->a = inner_select(az, sel, &w);
    rel->str = sp_azw_rel_alias(sel->a);
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
                         (int)i == wi ? sp_azw_column(az, SP_AZW_WINDOW_START, wn)
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
    for (int i = 1; i < k; i++) /* a session's gap may be a string per row */
        if (fn != SP_SQL_F_SESSION_END || v[i]->type->id != SP_SQL_STRING)
            v[i] = sp_az_cast(az, v[i], big);
    const sp_sql_type *t = fn == SP_SQL_F_WINDOW_STARTS ? sp_sql_array(az->arena, ts, false) : ts;
    return sp_sql_expr_func(az->arena, fn, v, k, t);
}
