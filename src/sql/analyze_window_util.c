/* analyze_window_util.c - a window's durations and the parse-tree nodes
 * the time-window rewrites build (analyze_window_int.h). Threads: the
 * analyzer's. */
#include "sql/analyze_window_int.h"

#include <spate/core.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- durations ---- */

/* INTERVAL n unit [n unit ...] of weeks down to microseconds (no months:
 * a window's length is exact). */
static bool interval_us(const sp_sql_node *n, int64_t *out)
{
    sp_az_interval iv;
    if (!sp_az_interval_of(n, &iv) || iv.months) return false;
    *out = iv.us;
    return true;
}

/* A window's duration in microseconds; false with err set. */
bool sp_azw_duration_us(sp_analyzer *az, const sp_sql_node *n, int64_t *out, sp_sql_error *err)
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
bool sp_azw_check(sp_analyzer *az, const sp_sql_node *w, const sp_azw_window *a, sp_sql_error *err)
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
bool sp_azw_args_of(sp_analyzer *az, const sp_sql_node *w, sp_azw_window *a, sp_sql_error *err)
{
    uint32_t k = w->list2.n;
    if (k < 2 || k > 4) {
        sp_az_fail(az, err, w->off, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "functionName", "`window`",
                   "expectedNum", "[2, 3, 4]", "actualNum", sp_az_printf(az, "%u", k), NULL);
        return false;
    }
    a->ts = w->list2.items[0];
    a->start = 0;
    if (!sp_azw_duration_us(az, w->list2.items[1], &a->size, err)) return false;
    a->slide = a->size;
    if (k > 2 && !sp_azw_duration_us(az, w->list2.items[2], &a->slide, err)) return false;
    if (k > 3 && !sp_azw_duration_us(az, w->list2.items[3], &a->start, err)) return false;
    return sp_azw_check(az, w, a, err);
}

/* ---- nodes ---- */

const char *sp_azw_rel_alias(const sp_sql_node *rel)
{
    if (rel->kind == SQL_SUBQUERY_REL) return rel->str;
    if (rel->kind != SQL_TABLE_REF) return NULL;
    return rel->str ? rel->str : rel->list.items[rel->list.n - 1]->str;
}

sp_sql_node *sp_azw_node(sp_analyzer *az, sp_sql_kind kind, const sp_sql_node *at)
{
    sp_sql_node *n = sp_sql_node_new(az->arena, kind, at->off);
    n->end = at->end;
    return n;
}

static sp_sql_node *name_node(sp_analyzer *az, const char *name, const sp_sql_node *at)
{
    sp_sql_node *n = sp_azw_node(az, SQL_NAME, at);
    n->str = name;
    return n;
}

sp_sql_node *sp_azw_column(sp_analyzer *az, const char *name, const sp_sql_node *at)
{
    sp_sql_node *c = sp_azw_node(az, SQL_COLUMN, at);
    sp_sql_list_push(&c->list, az->arena, name_node(az, name, at));
    return c;
}

sp_sql_node *sp_azw_call(sp_analyzer *az, const char *name, sp_sql_node *const *args, int n,
                         const sp_sql_node *at)
{
    sp_sql_node *f = sp_azw_node(az, SQL_FUNC, at);
    sp_sql_list_push(&f->list, az->arena, name_node(az, name, at));
    for (int i = 0; i < n; i++)
        sp_sql_list_push(&f->list2, az->arena, args[i]);
    return f;
}

sp_sql_node *sp_azw_bigint(sp_analyzer *az, int64_t v, const sp_sql_node *at)
{
    sp_sql_node *n = sp_azw_node(az, SQL_LIT_BIGINT, at);
    n->str = sp_az_printf(az, "%lld", (long long)v);
    return n;
}

sp_sql_node *sp_azw_string(sp_analyzer *az, const char *s, const sp_sql_node *at)
{
    sp_sql_node *n = sp_azw_node(az, SQL_LIT_STRING, at);
    n->str = s;
    n->slen = (uint32_t)strlen(s);
    return n;
}

sp_sql_node *sp_azw_alias(sp_analyzer *az, sp_sql_node *e, const char *name)
{
    sp_sql_node *a = sp_azw_node(az, SQL_ALIAS, e);
    a->a = e;
    a->str = name;
    return a;
}

/* e IS NOT NULL */
sp_sql_node *sp_azw_not_null(sp_analyzer *az, const sp_sql_node *e)
{
    sp_sql_node *nn = sp_azw_node(az, SQL_IS, e);
    nn->op = IS_NULL;
    nn->flags = SQL_F_NOT;
    nn->a = (sp_sql_node *)e;
    return nn;
}

sp_sql_node *sp_azw_start(sp_analyzer *az, const sp_azw_window *w, const sp_sql_node *at)
{
    if (w->slide == w->size) {
        sp_sql_node *args[] = {(sp_sql_node *)w->ts, sp_azw_bigint(az, w->slide, at),
                               sp_azw_bigint(az, w->start, at)};
        return sp_azw_call(az, SP_AZW_WINDOW_START, args, 3, at);
    }
    sp_sql_node *args[] = {(sp_sql_node *)w->ts, sp_azw_bigint(az, w->size, at),
                           sp_azw_bigint(az, w->slide, at), sp_azw_bigint(az, w->start, at)};
    sp_sql_node *starts = sp_azw_call(az, "__window_starts", args, 4, at);
    return sp_azw_call(az, "explode", &starts, 1, at);
}
