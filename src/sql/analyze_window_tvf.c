/* analyze_window_tvf.c - Flink's window table functions in FROM:
 * TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size[, offset])) and
 * TABLE(HOP(TABLE t, DESCRIPTOR(ts), slide, size[, offset])) (the TABLE(...)
 * around them optional) as a subquery over t that adds window_start (a HOP
 * row once per window holding it), window_end and window_time (the end less a
 * microsecond), with the functions window() in GROUP BY uses. Threads: the
 * analyzer's. */
#include "sql/analyze_window_int.h"

#include <string.h>
#include <strings.h>

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
    sp_sql_node *s = sp_azw_node(az, SQL_SELECT, at), *rel = from;
    sp_sql_list_push(&s->list, az->arena, sp_azw_node(az, SQL_STAR, at));
    sp_sql_list_push(&s->list, az->arena, sp_azw_alias(az, e, name));
    if (e2) sp_sql_list_push(&s->list, az->arena, sp_azw_alias(az, e2, name2));
    if (rel->kind == SQL_SELECT) {
        rel = sp_azw_node(az, SQL_SUBQUERY_REL, at);
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
    sp_azw_window w = {.ts = d->list2.items[0], .start = 0};
    if (!sp_azw_duration_us(az, f->list2.items[2], hop ? &w.slide : &w.size, err)) return NULL;
    if (hop && !sp_azw_duration_us(az, f->list2.items[3], &w.size, err)) return NULL;
    if (!hop) w.slide = w.size;
    if (k == 3 + nsize && !sp_azw_duration_us(az, f->list2.items[2 + nsize], &w.start, err))
        return NULL;
    if (!sp_azw_check(az, f, &w, err)) return NULL;
    sp_sql_node *src = t->a, *start = sp_azw_start(az, &w, f);
    sp_sql_node *in = select_star_plus(az, src, start, "window_start", NULL, NULL, f);
    if (!hop) in->b = sp_azw_not_null(az, w.ts); /* rows without a time in no window, as HOP's */
    sp_sql_node *end_args[] = {sp_azw_column(az, "window_start", f), sp_azw_bigint(az, w.size, f)};
    sp_sql_node *time_args[] = {sp_azw_column(az, "window_start", f),
                                sp_azw_bigint(az, w.size - 1, f)};
    sp_sql_node *out =
        select_star_plus(az, in, sp_azw_call(az, "__window_end", end_args, 2, f), "window_end",
                         sp_azw_call(az, "__window_end", time_args, 2, f), "window_time", f);
    sp_sql_node *rel = sp_azw_node(az, SQL_SUBQUERY_REL, r);
    rel->a = out;
    rel->str = r->str;
    return rel;
}
