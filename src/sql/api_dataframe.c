/* api_dataframe.c - the DataFrame transformations of the public API
 * (select, selectExpr, filter/where, withWatermark, dropDuplicates[WithinWatermark],
 * withColumn, withColumnRenamed, drop, groupBy().agg() / count()), each one analyzer call making
 * the new plan over the old one in the dataframe's scope. Any thread: each takes the session's API
 * lock. */
#include "sql/analyze_window_int.h"
#include "sql/analyzer_int.h"
#include "sql/api_int.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef sp_plan *(*build_fn)(sp_analyzer *az, sp_plan *child, const sp_api_exprs *x, void *ud,
                             sp_sql_error *e);

/* Parses src, builds the new plan with fn under the lock, wraps it. */
static spate_dataframe *derive(spate_dataframe *df, const char *const *src, size_t n, build_fn fn,
                               void *ud)
{
    if (!df || (n && !src)) return NULL;
    spate_session *ss = df->ss;
    pthread_mutex_lock(&ss->mu);
    spate_dataframe *out = NULL;
    sp_api_exprs x;
    if (sp_api_parse_exprs(ss, df->scope->arena, src, n, &x)) {
        sp_analyzer az = sp_api_analyzer(ss, df->scope, x.text);
        sp_sql_error e;
        sp_sql_error_init(&e);
        sp_plan *p = fn(&az, df->plan, &x, ud, &e);
        if (p)
            out = p == df->plan ? df : sp_api_df(ss, df->scope, p, false);
        else
            sp_api_expr_error(ss, &x, &e);
    }
    pthread_mutex_unlock(&ss->mu);
    return out;
}

static sp_plan *build_project(sp_analyzer *az, sp_plan *child, const sp_api_exprs *x, void *ud,
                              sp_sql_error *e)
{
    (void)ud;
    return sp_analyze_project(az, child, &x->items, e);
}

spate_dataframe *spate_dataframe_select(spate_dataframe *df, const char *const *cols, size_t n)
{
    return derive(df, cols, n, build_project, NULL);
}

spate_dataframe *spate_dataframe_select_expr(spate_dataframe *df, const char *const *exprs,
                                             size_t n)
{
    return derive(df, exprs, n, build_project, NULL);
}

static sp_plan *build_filter(sp_analyzer *az, sp_plan *child, const sp_api_exprs *x, void *ud,
                             sp_sql_error *e)
{
    (void)ud;
    return sp_analyze_filter(az, child, x->items.items[0], e);
}

spate_dataframe *spate_dataframe_filter(spate_dataframe *df, const char *condition)
{
    return condition ? derive(df, &condition, 1, build_filter, NULL) : NULL;
}

spate_dataframe *spate_dataframe_where(spate_dataframe *df, const char *condition)
{
    return spate_dataframe_filter(df, condition);
}

typedef struct watermark_args {
    int64_t delay_ms;
    const char *delay;
} watermark_args;

/* withWatermark: a WATERMARK node on the column the expression names. */
static sp_plan *build_watermark(sp_analyzer *az, sp_plan *child, const sp_api_exprs *x, void *ud,
                                sp_sql_error *e)
{
    const watermark_args *w = ud;
    const sp_sql_node *col = x->items.items[0];
    const char *ignored = NULL;
    sp_sql_expr *ex = sp_analyze_expr(az, child, col, &ignored, e);
    if (!ex) return NULL;
    if (ex->kind != SP_SQL_E_COLUMN)
        return sp_az_fail(az, e, col->off, "INTERNAL_ERROR", "message",
                          "withWatermark takes a column name", NULL);
    return sp_az_watermark(az, child, ex->ordinal, w->delay_ms, w->delay, col->off, e);
}

spate_dataframe *spate_dataframe_with_watermark(spate_dataframe *df, const char *event_time,
                                                const char *delay)
{
    if (!df || !event_time || !delay) return NULL;
    watermark_args w = {0, delay};
    char why[512];
    if (!sp_az_delay_parse(delay, &w.delay_ms, why, sizeof why)) {
        sp_api_errorf(df->ss, "%s", why);
        return NULL;
    }
    return derive(df, &event_time, 1, build_watermark, &w);
}

typedef struct dedup_args {
    const char *const *cols;
    size_t n;
    bool within;
} dedup_args;

static sp_plan *build_dedup(sp_analyzer *az, sp_plan *child, const sp_api_exprs *x, void *ud,
                            sp_sql_error *e)
{
    (void)x;
    const dedup_args *d = ud;
    return sp_az_drop_duplicates(az, child, d->cols, d->n, d->within, e);
}

spate_dataframe *spate_dataframe_drop_duplicates(spate_dataframe *df, const char *const *cols,
                                                 size_t n)
{
    if (n && !cols) return NULL;
    dedup_args d = {cols, n, false};
    return derive(df, NULL, 0, build_dedup, &d);
}

spate_dataframe *spate_dataframe_drop_duplicates_within_watermark(spate_dataframe *df,
                                                                  const char *const *cols, size_t n)
{
    if (n && !cols) return NULL;
    dedup_args d = {cols, n, true};
    return derive(df, NULL, 0, build_dedup, &d);
}

/* withColumn: the child's columns, name's replaced in place or appended. */
static sp_plan *build_with_column(sp_analyzer *az, sp_plan *child, const sp_api_exprs *x, void *ud,
                                  sp_sql_error *e)
{
    const char *name = ud, *ignored = NULL;
    sp_sql_expr *ex = sp_analyze_expr(az, child, x->items.items[0], &ignored, e);
    if (!ex) return NULL;
    int n = child->nout;
    sp_sql_expr **exprs = spate_arena_alloc(az->arena, sizeof *exprs * (size_t)(n + 1));
    const char **names = spate_arena_alloc(az->arena, sizeof *names * (size_t)(n + 1));
    bool replaced = false;
    for (int i = 0; i < n; i++) {
        bool same = sp_az_name_eq(az, child->out[i].name, name);
        exprs[i] = same ? ex : sp_az_column_ref(az, child, i);
        names[i] = same ? sp_az_strdup(az, name) : child->out[i].name;
        replaced = replaced || same;
    }
    if (!replaced) exprs[n] = ex, names[n++] = sp_az_strdup(az, name);
    return sp_az_make_project(az, child, exprs, names, n);
}

spate_dataframe *spate_dataframe_with_column(spate_dataframe *df, const char *name,
                                             const char *expr)
{
    if (!name || !expr) return NULL;
    return derive(df, &expr, 1, build_with_column, (void *)name);
}

typedef struct rename_args {
    const char *from, *to;
    const char *const *drop;
    size_t ndrop;
} rename_args;

/* withColumnRenamed and drop: the child's columns by reference, some renamed
 * or left out; the child itself when nothing changes (as Spark). */
static sp_plan *build_rename(sp_analyzer *az, sp_plan *child, const sp_api_exprs *x, void *ud,
                             sp_sql_error *e)
{
    (void)x, (void)e;
    const rename_args *r = ud;
    int n = child->nout, k = 0;
    sp_sql_expr **exprs = spate_arena_alloc(az->arena, sizeof *exprs * (size_t)(n + 1));
    const char **names = spate_arena_alloc(az->arena, sizeof *names * (size_t)(n + 1));
    bool changed = false;
    for (int i = 0; i < n; i++) {
        const char *name = child->out[i].name;
        bool dropped = false;
        for (size_t j = 0; j < r->ndrop; j++)
            dropped = dropped || (r->drop[j] && sp_az_name_eq(az, name, r->drop[j]));
        if (dropped) {
            changed = true;
            continue;
        }
        if (r->from && sp_az_name_eq(az, name, r->from))
            name = sp_az_strdup(az, r->to), changed = true;
        exprs[k] = sp_az_column_ref(az, child, i);
        names[k++] = name;
    }
    return changed ? sp_az_make_project(az, child, exprs, names, k) : child;
}

spate_dataframe *spate_dataframe_with_column_renamed(spate_dataframe *df, const char *existing,
                                                     const char *new_name)
{
    if (!existing || !new_name) return NULL;
    rename_args r = {existing, new_name, NULL, 0};
    return derive(df, NULL, 0, build_rename, &r);
}

spate_dataframe *spate_dataframe_drop(spate_dataframe *df, const char *const *cols, size_t n)
{
    if (n && !cols) return NULL;
    rename_args r = {NULL, NULL, cols, n};
    return derive(df, NULL, 0, build_rename, &r);
}

spate_grouped_data *spate_dataframe_group_by(spate_dataframe *df, const char *const *cols, size_t n)
{
    if (!df || (n && !cols)) return NULL;
    pthread_mutex_lock(&df->ss->mu);
    spate_grouped_data *g = spate_arena_alloc(df->scope->arena, sizeof *g);
    g->df = df;
    g->n = n;
    g->cols = spate_arena_alloc(df->scope->arena, sizeof *g->cols * (n + 1));
    for (size_t i = 0; i < n; i++)
        g->cols[i] = sp_api_strdup(df->scope, cols[i] ? cols[i] : "");
    pthread_mutex_unlock(&df->ss->mu);
    return g;
}

/* The sources are the grouping columns then the aggregates: groups are
 * items [0, ngroups), the select list all of them. */
/* Whether a group is a time or session window (window(...),
 * session_window(...)), which the SELECT rewrites handle. */
static bool is_window_group(const sp_sql_node *n)
{
    if (n->kind == SQL_ALIAS) n = n->a;
    if (n->kind != SQL_FUNC || n->list.n != 1) return false;
    const char *f = n->list.items[0]->str;
    return !strcasecmp(f, "window") || !strcasecmp(f, "session_window");
}

/* groupBy(window(...), ...).agg(...): SELECT items FROM df GROUP BY groups,
 * the dataframe's plan as a named subquery, so that the window rewrites
 * apply as they do to SQL. */
static sp_plan *windowed_agg(sp_analyzer *az, sp_plan *child, const sp_api_exprs *x,
                             uint32_t ngroups, sp_sql_error *e)
{
    const sp_sql_node *at = x->items.items[0];
    sp_sql_node *sel = sp_azw_node(az, SQL_SELECT, at);
    sel->list = x->items;
    for (uint32_t i = 0; i < ngroups; i++) /* a group's alias names its item only */
        sp_sql_list_push(&sel->list2, az->arena,
                         x->items.items[i]->kind == SQL_ALIAS ? x->items.items[i]->a
                                                              : x->items.items[i]);
    sp_sql_node *from = sp_azw_column(az, "__spate_dataframe", at);
    from->kind = SQL_TABLE_REF;
    sel->a = from;
    sp_az_cte df = {"__spate_dataframe", child, NULL};
    return sp_az_query(az, sel, &df, e);
}

static sp_plan *build_agg(sp_analyzer *az, sp_plan *child, const sp_api_exprs *x, void *ud,
                          sp_sql_error *e)
{
    uint32_t ngroups = (uint32_t)(size_t)ud;
    for (uint32_t i = 0; i < ngroups; i++)
        if (is_window_group(x->items.items[i])) return windowed_agg(az, child, x, ngroups, e);
    sp_sql_list groups = {x->items.items, ngroups};
    return sp_analyze_aggregate(az, child, &groups, &x->items, NULL, e);
}

spate_dataframe *spate_grouped_agg(spate_grouped_data *g, const char *const *exprs, size_t n)
{
    if (!g || (n && !exprs)) return NULL;
    const char **src = malloc(sizeof *src * (g->n + n + 1));
    if (!src) abort();
    for (size_t i = 0; i < g->n; i++)
        src[i] = g->cols[i];
    for (size_t i = 0; i < n; i++)
        src[g->n + i] = exprs[i];
    spate_dataframe *df = derive(g->df, src, g->n + n, build_agg, (void *)g->n);
    free(src);
    return df;
}

spate_dataframe *spate_grouped_count(spate_grouped_data *g)
{
    const char *count = "count(1) AS count";
    return spate_grouped_agg(g, &count, 1);
}
