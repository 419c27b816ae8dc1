/* analyze_watermark.c - event-time watermarks in plans (Spark's
 * EventTimeWatermark): the WATERMARK node over a stream, its delay parsed as
 * Spark parses withWatermark's delayThreshold, and the event-time mark
 * carried from a column to the attributes made from it (a reference, an
 * alias, a window's start), as Spark carries the watermark metadata.
 * Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include "base/arena.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the delay ---- */

static const int64_t DAY_MS = 86400000;

/* Milliseconds per unit; a month is 31 days, as EventTimeWatermark's
 * getDelayMs counts it. Microseconds are handled by the caller. */
static const struct {
    const char *name;
    int64_t ms;
} units[] = {
    {"year", 12 * 31 * DAY_MS}, {"month", 31 * DAY_MS}, {"week", 7 * DAY_MS}, {"day", DAY_MS},
    {"hour", 3600000},          {"minute", 60000},      {"second", 1000},     {"millisecond", 1},
    {"microsecond", 0},
};

/* The unit named by word (singular or plural), or -1. */
static int unit_of(const char *word, size_t len)
{
    if (len > 1 && (word[len - 1] == 's' || word[len - 1] == 'S')) len--;
    for (int i = 0; i < (int)(sizeof units / sizeof units[0]); i++)
        if (strlen(units[i].name) == len && strncasecmp(word, units[i].name, len) == 0) return i;
    return -1;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* "[interval] n unit [n unit ...]" in microseconds; false on bad text. */
static bool interval_text_us(const char *text, int64_t *out)
{
    const char *p = skip_space(text);
    if (strncasecmp(p, "interval", 8) == 0 && (isspace((unsigned char)p[8]) || !p[8]))
        p = skip_space(p + 8);
    int64_t us = 0;
    int parts = 0;
    while (*p) {
        char *end;
        long long n = strtoll(p, &end, 10);
        if (end == p || !isspace((unsigned char)*end)) return false;
        p = skip_space(end);
        const char *w = p;
        while (isalpha((unsigned char)*p))
            p++;
        int u = unit_of(w, (size_t)(p - w));
        if (u < 0 || (*p && !isspace((unsigned char)*p))) return false;
        us += u == 8 ? (int64_t)n : (int64_t)n * units[u].ms * 1000;
        p = skip_space(p);
        parts++;
    }
    *out = us;
    return parts > 0;
}

/* An INTERVAL literal (SQL_INTERVAL, or INTERVAL 'text') in microseconds. */
static bool interval_node_us(const sp_sql_node *n, int64_t *out)
{
    if (n->kind == SQL_LIT_TYPED && n->str && !strcmp(n->str, "INTERVAL") && n->a)
        return interval_text_us(n->a->str, out);
    if (n->kind == SQL_LIT_STRING) return interval_text_us(n->str, out);
    if (n->kind != SQL_INTERVAL || n->op2) return false;
    int64_t us = 0;
    for (uint32_t i = 0; i < n->list.n; i++) {
        const sp_sql_node *part = n->list.items[i], *v = part->a;
        if (part->op < UNIT_YEAR || part->op > UNIT_MICROSECOND || !v || !v->str) return false;
        char *end;
        long long x = strtoll(v->str, &end, 10);
        if (*end || end == v->str) return false;
        int u = part->op - UNIT_YEAR; /* units[] follows sp_sql_unit's order */
        us += u == 8 ? (int64_t)x : (int64_t)x * units[u].ms * 1000;
    }
    *out = us;
    return true;
}

bool sp_az_delay_parse(const char *text, int64_t *ms, char *why, size_t n)
{
    int64_t us;
    if (!text || !interval_text_us(text, &us)) {
        snprintf(why, n,
                 "[INVALID_INTERVAL_FORMAT] Error parsing '%s' to interval. Please ensure that "
                 "the value provided is in a valid format for defining an interval. You can "
                 "reference the documentation for the correct format. SQLSTATE: 22006",
                 text ? text : "");
        return false;
    }
    if (us < 0) {
        snprintf(why, n, "requirement failed: delay threshold (%s) should not be negative.", text);
        return false;
    }
    *ms = us / 1000;
    return true;
}

bool sp_az_delay_of_node(sp_analyzer *az, const sp_sql_node *n, int64_t *ms, const char **text,
                         sp_sql_error *err)
{
    int64_t us;
    *text = n->kind == SQL_LIT_STRING ? n->str : sp_az_sql_expr(az, n);
    if (!interval_node_us(n, &us)) {
        sp_az_fail(az, err, n->off, "INVALID_INTERVAL_FORMAT", "input", *text, NULL);
        return false;
    }
    if (us < 0) {
        sp_az_fail(az, err, n->off, "INTERNAL_ERROR", "message",
                   sp_az_printf(az, "delay threshold (%s) should not be negative", *text), NULL);
        return false;
    }
    *ms = us / 1000;
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
