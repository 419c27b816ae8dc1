/* unsupported_ops.c - the streaming plan checks of unsupported_ops.h. */
#include "sql/unsupported_ops.h"

#include "sql/sjoin.h"

#include <stdio.h>
#include <string.h>

static int count_streaming_aggs(const sp_plan *p)
{
    if (!p) return 0;
    int n = (p->kind == SP_PLAN_AGGREGATE && p->streaming && !p->dedup) ? 1 : 0;
    return n + count_streaming_aggs(p->child) + count_streaming_aggs(p->right);
}

/* Whether the streaming aggregate under p groups by an event-time column
 * (Spark: a grouping key with the watermark's metadata). */
static bool agg_has_watermark(const sp_plan *p)
{
    if (!p) return false;
    if (p->kind == SP_PLAN_AGGREGATE && p->streaming) {
        for (int i = 0; i < p->ngroups; i++) {
            const sp_sql_expr *g = p->groups[i];
            if (g->kind == SP_SQL_E_COLUMN && p->child->out[g->ordinal].event_time) return true;
        }
        return false;
    }
    return agg_has_watermark(p->child) || agg_has_watermark(p->right);
}

/* Whether a streaming aggregate under p groups by a session window (the
 * session rewrite's __session_end column). */
static bool agg_has_session(const sp_plan *p)
{
    if (!p) return false;
    if (p->kind == SP_PLAN_AGGREGATE && p->streaming && !p->dedup)
        for (int i = 0; i < p->ngroups; i++) {
            const sp_sql_expr *g = p->groups[i];
            if (g->kind == SP_SQL_E_COLUMN &&
                !strcmp(p->child->out[g->ordinal].name, "__session_end"))
                return true;
        }
    return agg_has_session(p->child) || agg_has_session(p->right);
}

static bool has_distinct_agg(const sp_plan *p)
{
    for (int i = 0; i < p->naggs; i++)
        if (p->aggs[i].distinct) return true;
    return false;
}

/* Spark's containsCompleteData: no stream below, or an aggregate in complete mode. */
static bool complete_data(const sp_plan *p, sp_output_mode mode)
{
    return !p->streaming || (count_streaming_aggs(p) > 0 && mode == SP_OUTPUT_COMPLETE);
}

static const char *join_type_name(sp_plan_join_kind k)
{
    static const char *const names[] = {
        [SP_JOIN_INNER] = "Inner",
        [SP_JOIN_LEFT_OUTER] = "LeftOuter",
        [SP_JOIN_RIGHT_OUTER] = "RightOuter",
        [SP_JOIN_FULL_OUTER] = "FullOuter",
        [SP_JOIN_LEFT_SEMI] = "LeftSemi",
        [SP_JOIN_LEFT_ANTI] = "LeftAnti",
        [SP_JOIN_CROSS] = "Cross",
    };
    return names[k];
}

/* Spark's refusals of a join's type for the sides that stream (its
 * UnsupportedOperationChecker); the stream-stream conditions on watermarks
 * come with event time. Writes the message into buf, or returns NULL. */
static const char *join_message(const sp_plan *p, sp_output_mode mode, char *buf, size_t n)
{
    bool ls = p->child->streaming, rs = p->right->streaming;
    const char *type = join_type_name(p->join);
    if (ls && rs && mode != SP_OUTPUT_APPEND)
        snprintf(buf, n,
                 "Join between two streaming DataFrames/Datasets is not supported in %s output "
                 "mode, only in Append output mode",
                 sp_output_mode_name(mode));
    else if (p->join == SP_JOIN_FULL_OUTER && ls != rs)
        snprintf(buf, n,
                 "FullOuter joins with streaming DataFrames/Datasets on the %s and a static "
                 "DataFrame/Dataset on the %s is not supported",
                 ls ? "left" : "right", ls ? "right" : "left");
    else if (p->join == SP_JOIN_LEFT_ANTI && rs)
        snprintf(buf, n,
                 "LeftAnti joins with a streaming DataFrame/Dataset on the right are not "
                 "supported");
    else if ((p->join == SP_JOIN_LEFT_OUTER || p->join == SP_JOIN_LEFT_SEMI) && !ls && rs)
        snprintf(buf, n,
                 "%s join with a streaming DataFrame/Dataset on the right and a static "
                 "DataFrame/Dataset on the left is not supported",
                 type);
    else if (p->join == SP_JOIN_RIGHT_OUTER && ls && !rs)
        snprintf(buf, n,
                 "RightOuter join with a streaming DataFrame/Dataset on the left and a "
                 "static DataFrame/DataSet on the right not supported");
    else if (ls && rs)
        return sp_sjoin_check(p, buf, n);
    else
        return NULL;
    return buf;
}

/* The checks on each node, bottom-up (Spark's foreachUp). */
static bool check_nodes(const sp_plan *p, sp_output_mode mode, char *err, size_t n)
{
    if (!p) return true;
    if (!check_nodes(p->child, mode, err, n) || !check_nodes(p->right, mode, err, n)) return false;
    const char *msg = NULL;
    char buf[256];
    if (p->kind == SP_PLAN_AGGREGATE && p->child && p->child->streaming && has_distinct_agg(p))
        msg = "Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider "
              "using approx_count_distinct() instead.";
    else if (p->kind == SP_PLAN_LIMIT && p->child->streaming && mode == SP_OUTPUT_UPDATE)
        msg = "Limits are not supported on streaming DataFrames/Datasets in Update output mode";
    else if (p->kind == SP_PLAN_SORT && !complete_data(p, mode))
        msg = "Sorting is not supported on streaming DataFrames/Datasets, unless it is on "
              "aggregated DataFrame/Dataset in Complete output mode";
    else if (p->kind == SP_PLAN_UNION && p->child->streaming != p->right->streaming)
        msg = "Union between streaming and batch DataFrames/Datasets is not supported";
    else if (p->kind == SP_PLAN_JOIN)
        msg = join_message(p, mode, buf, sizeof buf);
    if (!msg) return true;
    snprintf(err, n, "%s", msg);
    return false;
}

bool sp_check_streaming_plan(const sp_plan *plan, sp_output_mode mode, char *err, size_t n)
{
    const char *name = sp_output_mode_name(mode);
    if (!plan->streaming) {
        snprintf(err, n,
                 "Queries without streaming sources cannot be executed with "
                 "writeStream.start()");
        return false;
    }
    int aggs = count_streaming_aggs(plan);
    if (aggs > 1) {
        snprintf(err, n,
                 "Multiple streaming aggregations are not supported with streaming "
                 "DataFrames/Datasets");
        return false;
    }
    if (mode == SP_OUTPUT_APPEND && aggs && !agg_has_watermark(plan)) {
        snprintf(err, n,
                 "%s output mode not supported when there are streaming aggregations on "
                 "streaming DataFrames/DataSets without watermark",
                 name);
        return false;
    }
    if (mode == SP_OUTPUT_UPDATE && agg_has_session(plan)) { /* SPARK-36463 */
        snprintf(err, n,
                 "%s output mode not supported for session window on streaming "
                 "DataFrames/DataSets",
                 name);
        return false;
    }
    if (mode == SP_OUTPUT_COMPLETE && !aggs) {
        snprintf(err, n,
                 "%s output mode not supported when there are no streaming aggregations on "
                 "streaming DataFrames/Datasets",
                 name);
        return false;
    }
    return check_nodes(plan, mode, err, n);
}
