/* analyze_watermark.c - event-time watermarks in plans (Spark's
 * EventTimeWatermark): the WATERMARK node over a stream, its delay parsed as
 * Spark parses withWatermark's delayThreshold, and the event-time mark
 * carried from a column to the attributes made from it (a reference, an
 * alias, a window's start), as Spark carries the watermark metadata.
 * Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include "base/arena.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- the delay ---- */

static const int64_t DAY_US = INT64_C(86400000000);

/* An interval in microseconds with a month counted as 31 days, as
 * EventTimeWatermark's getDelayMs counts it. */
static int64_t delay_us(sp_az_interval iv) { return (int64_t)iv.months * 31 * DAY_US + iv.us; }

bool sp_az_delay_parse(const char *text, int64_t *ms, char *why, size_t n)
{
    sp_az_interval iv;
    if (!text || !sp_az_interval_text(text, &iv)) {
        snprintf(why, n,
                 "[INVALID_INTERVAL_FORMAT] Error parsing '%s' to interval. Please ensure that "
                 "the value provided is in a valid format for defining an interval. You can "
                 "reference the documentation for the correct format. SQLSTATE: 22006",
                 text ? text : "");
        return false;
    }
    if (delay_us(iv) < 0) {
        snprintf(why, n, "requirement failed: delay threshold (%s) should not be negative.", text);
        return false;
    }
    *ms = delay_us(iv) / 1000;
    return true;
}

bool sp_az_delay_of_node(sp_analyzer *az, const sp_sql_node *n, int64_t *ms, const char **text,
                         sp_sql_error *err)
{
    sp_az_interval iv;
    *text = n->kind == SQL_LIT_STRING ? n->str : sp_az_sql_expr(az, n);
    if (!sp_az_interval_of(n, &iv)) {
        sp_az_fail(az, err, n->off, "INVALID_INTERVAL_FORMAT", "input", *text, NULL);
        return false;
    }
    if (delay_us(iv) < 0) {
        sp_az_fail(az, err, n->off, "INTERNAL_ERROR", "message",
                   sp_az_printf(az, "delay threshold (%s) should not be negative", *text), NULL);
        return false;
    }
    *ms = delay_us(iv) / 1000;
    return true;
}

/* ---- the node ---- */

sp_plan *sp_az_watermark(sp_analyzer *az, sp_plan *child, int col, int64_t delay_ms,
                         const char *delay_text, uint32_t off, sp_sql_error *err)
{
    const sp_plan_attr *c = &child->out[col];
    if (c->type->id != SP_SQL_TIMESTAMP) {
        const char *name = c->name;
        return sp_az_fail(az, err, off, "EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE", "eventName",
                          sp_az_sql_id(az, &name, 1), "eventType", sp_az_type_sql(az, c->type),
                          NULL);
    }
    if (!child->streaming) return child; /* ignored in a batch query, as Spark */
    sp_plan *w = sp_plan_new(az->arena, SP_PLAN_WATERMARK);
    w->child = child;
    w->streaming = true;
    w->wm_col = col;
    w->wm_delay_ms = delay_ms;
    w->wm_delay_text = sp_az_strdup(az, delay_text);
    w->nout = child->nout;
    w->out = spate_arena_alloc(az->arena, sizeof *w->out * (size_t)(w->nout + 1));
    for (int i = 0; i < w->nout; i++) { /* a new watermark replaces an older one */
        w->out[i] = child->out[i];
        w->out[i].event_time = i == col;
        w->out[i].wm_delay_ms = i == col ? delay_ms : 0;
        w->out[i].wm_span_us = 0;
    }
    return w;
}

sp_plan *sp_az_table_watermark(sp_analyzer *az, sp_plan *scan, const sp_catalog_table *t,
                               sp_sql_error *err)
{
    if (!t->wm_col || !scan->streaming) return scan;
    for (int i = 0; i < scan->nout; i++)
        if (!strcasecmp(scan->out[i].name, t->wm_col))
            return sp_az_watermark(az, scan, i, t->wm_delay_ms, t->wm_delay_text, 0, err);
    return sp_az_fail(
        az, err, 0, "INTERNAL_ERROR", "message",
        sp_az_printf(az, "the watermark column %s of %s is not in its schema", t->wm_col, t->name),
        NULL);
}

/* ---- the event-time mark ---- */

void sp_az_event_time_of(const sp_plan *child, const sp_sql_expr *e, sp_plan_attr *at)
{
    const sp_sql_expr *col = e;
    int64_t span = -1;
    if (e->kind == SP_SQL_E_FUNC && e->op == SP_SQL_F_WINDOW_START && e->nchildren >= 2 &&
        e->children[1]->kind == SP_SQL_E_LITERAL) { /* a tumbling window: slide = size */
        col = e->children[0];
        span = e->children[1]->lit.i;
    }
    if (e->kind == SP_SQL_E_FUNC && e->op == SP_SQL_F_SESSION_END) { /* a session's end */
        col = e->children[0];
        span = 0;
    }
    if (col->kind != SP_SQL_E_COLUMN || col->ordinal < 0 || col->ordinal >= child->nout) return;
    const sp_plan_attr *src = &child->out[col->ordinal];
    if (!src->event_time) return;
    at->event_time = true;
    at->wm_delay_ms = src->wm_delay_ms;
    at->wm_span_us = span >= 0 ? span : src->wm_span_us;
}

void sp_az_event_time_of_generated(const sp_plan *child, const sp_sql_expr *x, sp_plan_attr *at)
{
    /* explode(__window_starts(ts, size, slide, start)): a sliding window's start */
    if (x->kind != SP_SQL_E_FUNC || x->op != SP_SQL_F_WINDOW_STARTS || x->nchildren < 2 ||
        x->children[1]->kind != SP_SQL_E_LITERAL)
        return;
    const sp_sql_expr *col = x->children[0];
    if (col->kind != SP_SQL_E_COLUMN || col->ordinal < 0 || col->ordinal >= child->nout) return;
    const sp_plan_attr *src = &child->out[col->ordinal];
    if (!src->event_time) return;
    at->event_time = true;
    at->wm_delay_ms = src->wm_delay_ms;
    at->wm_span_us = x->children[1]->lit.i;
}
