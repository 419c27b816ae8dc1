/* analyze_session.c - session_window(ts, gap) in GROUP BY, as Spark's
 * SessionWindowing, before the SELECT is analyzed:
 *
 *   SELECT items FROM rel WHERE w GROUP BY ..., session_window(ts, gap) ...
 *
 * becomes a SELECT over (SELECT *, ts AS __session_start,
 * __session_end(ts, gap) AS __session_end FROM rel WHERE w AND ts IS NOT
 * NULL) WHERE __session_end IS NOT NULL, grouped by __session_start and
 * __session_end in the call's place. Each row is then a session of its
 * own, [ts, ts + gap); the aggregate merges the sessions of a key that
 * overlap (batch_session.c), as Spark's MergingSessionsExec. The gap is an
 * INTERVAL literal or a string, the same for every row, or an expression
 * giving a string per row; a row whose gap is not a positive duration is
 * left out, as in Spark. The items see the session as the column
 * `session_window` (STRUCT<start, end>) and its fields. Flink's legacy
 * group window, GROUP BY SESSION(ts, gap) with SESSION_START(ts, gap) and
 * SESSION_END(ts, gap) in the items, is the same (Nexmark's q11).
 * Threads: the analyzer's. */
#include "sql/analyze_window_int.h"

#include <string.h>
#include <strings.h>

static bool is_name(const sp_sql_node *n, const char *name)
{
    return n->kind == SQL_FUNC && n->list.n == 1 && strcasecmp(n->list.items[0]->str, name) == 0;
}

/* session_window(ts, gap), or Flink's legacy group window SESSION(ts, gap). */
static bool is_session_call(const sp_sql_node *n)
{
    return is_name(n, "session_window") || (is_name(n, "session") && n->list2.n == 2);
}

static bool is_session_column(const sp_sql_node *n, uint32_t parts)
{
    return n->kind == SQL_COLUMN && n->list.n == parts &&
           strcasecmp(n->list.items[0]->str, "session_window") == 0;
}

/* named_struct('start', __session_start, 'end', __session_end) */
static sp_sql_node *session_struct(sp_analyzer *az, const sp_sql_node *at)
{
    sp_sql_node *args[] = {sp_azw_string(az, "start", at),
                           sp_azw_column(az, SP_AZW_SESSION_START, at),
                           sp_azw_string(az, "end", at), sp_azw_column(az, SP_AZW_SESSION_END, at)};
    return sp_azw_call(az, "named_struct", args, 4, at);
}

/* n with the session (the call as written, the column `session_window`,
 * its fields) made from the two columns. */
static sp_sql_node *subst(sp_analyzer *az, const sp_sql_node *n, const char *call_text)
{
    if (!n) return NULL;
    if (n->kind == SQL_SUBQUERY || n->kind == SQL_EXISTS || n->kind == SQL_IN_QUERY)
        return (sp_sql_node *)n;
    if ((is_session_call(n) && !strcmp(sp_az_sql_expr(az, n), call_text)) ||
        is_session_column(n, 1))
        return session_struct(az, n);
    if (is_name(n, "session_start")) /* Flink's SESSION_START(ts, gap) */
        return sp_azw_column(az, SP_AZW_SESSION_START, n);
    if (is_name(n, "session_end")) return sp_azw_column(az, SP_AZW_SESSION_END, n);
    if (is_session_column(n, 2) && !strcasecmp(n->list.items[1]->str, "start"))
        return sp_azw_column(az, SP_AZW_SESSION_START, n);
    if (is_session_column(n, 2) && !strcasecmp(n->list.items[1]->str, "end"))
        return sp_azw_column(az, SP_AZW_SESSION_END, n);
    sp_sql_node *c = spate_arena_alloc(az->arena, sizeof *c);
    *c = *n;
    c->a = subst(az, n->a, call_text);
    c->b = subst(az, n->b, call_text);
    c->c = subst(az, n->c, call_text);
    sp_sql_list *ls[] = {&c->list, &c->list2};
    for (int k = 0; k < 2; k++) {
        if (!ls[k]->n) continue;
        sp_sql_node **v = spate_arena_alloc(az->arena, sizeof *v * ls[k]->n);
        for (uint32_t i = 0; i < ls[k]->n; i++)
            v[i] = subst(az, ls[k]->items[i], call_text);
        ls[k]->items = v;
    }
    return c;
}

/* A select item rewritten, named as Spark names it. */
static sp_sql_node *item(sp_analyzer *az, const sp_sql_node *it, const char *call_text)
{
    sp_sql_node *e = subst(az, it, call_text);
    if (it->kind == SQL_ALIAS) return e;
    if (is_session_column(it, 2)) return sp_azw_alias(az, e, it->list.items[1]->str);
    if (is_session_column(it, 1) || is_session_call(it))
        return sp_azw_alias(az, e, "session_window");
    return e;
}

/* The gap: an INTERVAL literal as µs; anything else as it is (a string,
 * read per row). */
static sp_sql_node *gap_node(sp_analyzer *az, const sp_sql_node *g)
{
    bool interval = g->kind == SQL_INTERVAL ||
                    (g->kind == SQL_LIT_TYPED && g->str && !strcmp(g->str, "INTERVAL"));
    sp_sql_error ignored;
    sp_sql_error_init(&ignored);
    int64_t us;
    if (interval && sp_azw_duration_us(az, g, &us, &ignored)) return sp_azw_bigint(az, us, g);
    sp_sql_error_clear(&ignored);
    return (sp_sql_node *)g;
}

static sp_sql_node *and_(sp_analyzer *az, sp_sql_node *x, sp_sql_node *y)
{
    if (!x) return y;
    sp_sql_node *a = sp_azw_node(az, SQL_BINARY, x);
    a->op = BIN_AND;
    a->a = x;
    a->b = y;
    return a;
}

/* SELECT *, ts AS __session_start, __session_end(ts, gap) AS __session_end
 * FROM rel WHERE w AND ts IS NOT NULL */
static sp_sql_node *inner_select(sp_analyzer *az, const sp_sql_node *sel, const sp_sql_node *call)
{
    const sp_sql_node *ts = call->list2.items[0];
    sp_sql_node *in = sp_azw_node(az, SQL_SELECT, sel);
    sp_sql_list_push(&in->list, az->arena, sp_azw_node(az, SQL_STAR, sel));
    /* __window_start(ts, 1, 0) is ts as a TIMESTAMP (a string or date cast) */
    sp_sql_node *start_args[] = {(sp_sql_node *)ts, sp_azw_bigint(az, 1, call),
                                 sp_azw_bigint(az, 0, call)};
    sp_sql_node *start = sp_azw_call(az, SP_AZW_WINDOW_START, start_args, 3, call);
    sp_sql_list_push(&in->list, az->arena, sp_azw_alias(az, start, SP_AZW_SESSION_START));
    sp_sql_node *end_args[] = {(sp_sql_node *)ts, gap_node(az, call->list2.items[1])};
    sp_sql_node *end = sp_azw_call(az, "__session_end", end_args, 2, call);
    sp_sql_list_push(&in->list, az->arena, sp_azw_alias(az, end, SP_AZW_SESSION_END));
    in->a = sel->a;
    in->b = and_(az, sel->b, sp_azw_not_null(az, ts));
    return in;
}

static int find_call(const sp_sql_node *sel, const char *name)
{
    for (uint32_t i = 0; i < sel->list2.n; i++)
        if (name ? is_name(sel->list2.items[i], name) : is_session_call(sel->list2.items[i]))
            return (int)i;
    return -1;
}

const sp_sql_node *sp_az_session_rewrite(sp_analyzer *az, const sp_sql_node *sel, sp_sql_error *err)
{
    int si = find_call(sel, NULL);
    if (si < 0 || !sel->a) return sel;
    const sp_sql_node *call = sel->list2.items[si];
    int windows = 0;
    for (uint32_t i = 0; i < sel->list2.n; i++)
        windows += is_session_call(sel->list2.items[i]) || is_name(sel->list2.items[i], "window");
    if (windows > 1)
        return sp_az_fail(az, err, call->off, "UNSUPPORTED_FEATURE", "message",
                          "Multiple time/session window expressions would result in a cartesian "
                          "product of rows",
                          NULL);
    if (call->list2.n != 2)
        return sp_az_fail(az, err, call->off, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "functionName",
                          "`session_window`", "expectedNum", "2", "actualNum",
                          sp_az_printf(az, "%u", call->list2.n), NULL);
    const char *call_text = sp_az_sql_expr(az, call);
    sp_sql_node *rel = sp_azw_node(az, SQL_SUBQUERY_REL, sel->a);
    rel->a = inner_select(az, sel, call);
    rel->str = sp_azw_rel_alias(sel->a);
    sp_sql_node *out = spate_arena_alloc(az->arena, sizeof *out);
    *out = *sel;
    out->a = rel;
    out->b = sp_azw_not_null(az, sp_azw_column(az, SP_AZW_SESSION_END, call));
    out->list = (sp_sql_list){0};
    for (uint32_t i = 0; i < sel->list.n; i++)
        sp_sql_list_push(&out->list, az->arena, item(az, sel->list.items[i], call_text));
    out->list2 = (sp_sql_list){0};
    for (uint32_t i = 0; i < sel->list2.n; i++) {
        if ((int)i != si) {
            sp_sql_list_push(&out->list2, az->arena, subst(az, sel->list2.items[i], call_text));
            continue;
        }
        sp_sql_list_push(&out->list2, az->arena, sp_azw_column(az, SP_AZW_SESSION_START, call));
        sp_sql_list_push(&out->list2, az->arena, sp_azw_column(az, SP_AZW_SESSION_END, call));
    }
    out->c = subst(az, sel->c, call_text);
    return out;
}
