/* api_expr.c - the user's expression strings of the DataFrame API (select,
 * selectExpr, agg, groupBy): each parsed as Spark's singleExpression, moved
 * into one joined text so that one analyzer call serves them all, and
 * errors mapped back to the expression they point into, so the message's
 * position and "== SQL ==" block are the expression's own, as Spark shows
 * them. Caller's thread (under the session's API lock). */
#include "sql/api_int.h"

#include "base/arena.h"
#include "sql/parser.h"

#include <stdlib.h>
#include <string.h>

/* Moves n and its subtree by d bytes. */
static void shift(sp_sql_node *n, uint32_t d)
{
    if (!n) return;
    n->off += d;
    n->end += d;
    shift(n->a, d);
    shift(n->b, d);
    shift(n->c, d);
    const sp_sql_list *ls[3] = {&n->list, &n->list2, &n->list3};
    for (int k = 0; k < 3; k++)
        for (uint32_t i = 0; i < ls[k]->n; i++)
            shift(ls[k]->items[i], d);
}

bool sp_api_parse_exprs(spate_session *ss, spate_arena *a, const char *const *src, size_t n,
                        sp_api_exprs *x)
{
    memset(x, 0, sizeof *x);
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        if (!src[i]) {
            sp_api_errorf(ss, "expression %zu is NULL", i);
            return false;
        }
        total += strlen(src[i]) + 2;
    }
    char *text = spate_arena_alloc(a, total);
    uint32_t *start = spate_arena_alloc(a, sizeof *start * (n + 1));
    uint32_t *len = spate_arena_alloc(a, sizeof *len * (n + 1));
    size_t at = 0;
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(src[i]);
        sp_sql_node *node = NULL;
        sp_sql_error e;
        sp_sql_error_init(&e);
        if (!sp_sql_parse_expression(src[i], l, a, &node, &e)) {
            sp_api_error_take(ss, sp_session_error(&e, src[i]));
            return false;
        }
        if (i) memcpy(text + at, ", ", 2), at += 2;
        start[i] = (uint32_t)at;
        len[i] = (uint32_t)l;
        memcpy(text + at, src[i], l);
        at += l;
        shift(node, start[i]);
        sp_sql_list_push(&x->items, a, node);
    }
    text[at] = '\0';
    *x = (sp_api_exprs){text, n, start, len, src, x->items};
    return true;
}

void sp_api_expr_error(spate_session *ss, const sp_api_exprs *x, sp_sql_error *e)
{
    size_t off = e->offset;
    for (size_t i = 0; i < x->n; i++) {
        if (off < x->start[i] || off > (size_t)x->start[i] + x->len[i]) continue;
        sp_sql_error_at(e, x->src[i], x->len[i], off - x->start[i]);
        sp_api_error_take(ss, sp_session_error(e, x->src[i]));
        return;
    }
    sp_api_error_take(ss, sp_session_error(e, x->n == 1 ? x->src[0] : NULL));
}
