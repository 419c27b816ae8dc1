/* join_plan.c - planning a JOIN node into a probe step (join.h): which side
 * probes, the equi-join keys taken out of the condition's conjuncts
 * (`l.x = r.y` with each side over one input), and what is left as the
 * residual condition. Query's (or caller's) thread, at planning. */
#include "sql/join.h"

#include "base/arena.h"
#include "sql/fold.h"

#include <stdio.h>
#include <string.h>

const sp_plan *sp_join_probe_child(const sp_plan *j, char *err, size_t err_size)
{
    const sp_plan *l = j->child, *r = j->right;
    if (l->streaming && r->streaming) {
        snprintf(err, err_size,
                 "[UNSUPPORTED_FEATURE] The feature is not supported: a join of two streams with "
                 "another stateful operator, or below a join, in spate (yet). SQLSTATE: 0A000");
        return NULL;
    }
    if (r->streaming) {
        if (j->join == SP_JOIN_INNER || j->join == SP_JOIN_CROSS || j->join == SP_JOIN_RIGHT_OUTER)
            return r;
    } else if (j->join == SP_JOIN_RIGHT_OUTER && !l->streaming) {
        return r;
    } else if (j->join != SP_JOIN_RIGHT_OUTER && j->join != SP_JOIN_FULL_OUTER) {
        return l;
    }
    snprintf(err, err_size,
             "[UNSUPPORTED_FEATURE] The feature is not supported: %s in spate (yet). SQLSTATE: "
             "0A000",
             j->join == SP_JOIN_FULL_OUTER ? "a full outer join" : "this join type");
    return NULL;
}

int sp_join_expr_sides(const sp_sql_expr *e, int nleft)
{
    if (e->kind == SP_SQL_E_COLUMN) return e->ordinal < nleft ? 1 : 2;
    int s = 0;
    for (int i = 0; i < e->nchildren; i++)
        s |= sp_join_expr_sides(e->children[i], nleft);
    return s;
}

sp_sql_expr *sp_join_remap(spate_arena *a, const sp_sql_expr *e, int nleft, int left_shift,
                           int right_shift)
{
    sp_sql_expr *c = spate_arena_alloc(a, sizeof *c);
    *c = *e;
    if (e->kind == SP_SQL_E_COLUMN) c->ordinal += e->ordinal < nleft ? left_shift : right_shift;
    if (e->nchildren) {
        c->children = spate_arena_alloc(a, sizeof *c->children * (size_t)e->nchildren);
        for (int i = 0; i < e->nchildren; i++)
            c->children[i] = sp_join_remap(a, e->children[i], nleft, left_shift, right_shift);
    }
    return c;
}

typedef struct conjuncts {
    sp_sql_expr **left_keys, **right_keys;
    bool *null_safe;
    int nkeys;
    sp_sql_expr *residual;
} conjuncts;

/* Sorts the conjuncts of cond into equi-join keys and the residual. */
static void split(spate_arena *a, sp_sql_expr *cond, int nleft, conjuncts *c)
{
    if (cond->kind == SP_SQL_E_AND) {
        split(a, cond->children[0], nleft, c);
        split(a, cond->children[1], nleft, c);
        return;
    }
    bool eq = cond->kind == SP_SQL_E_CMP &&
              (cond->op == SP_SQL_CMP_EQ || cond->op == SP_SQL_CMP_EQ_NULL_SAFE);
    if (eq) {
        sp_sql_expr *x = cond->children[0], *y = cond->children[1];
        int sx = sp_join_expr_sides(x, nleft), sy = sp_join_expr_sides(y, nleft);
        if ((sx == 1 && sy == 2) || (sx == 2 && sy == 1)) {
            c->null_safe[c->nkeys] = cond->op == SP_SQL_CMP_EQ_NULL_SAFE;
            c->left_keys[c->nkeys] = sx == 1 ? x : y;
            c->right_keys[c->nkeys++] = sx == 1 ? y : x;
            return;
        }
    }
    c->residual = c->residual ? sp_sql_expr_and(a, c->residual, cond) : cond;
}

static int count_conjuncts(const sp_sql_expr *e)
{
    return e->kind == SP_SQL_E_AND
               ? count_conjuncts(e->children[0]) + count_conjuncts(e->children[1])
               : 1;
}

static sp_plan_join_kind probe_kind(sp_plan_join_kind k)
{
    switch (k) {
    case SP_JOIN_CROSS:
        return SP_JOIN_INNER;
    case SP_JOIN_RIGHT_OUTER:
        return SP_JOIN_LEFT_OUTER;
    default:
        return k;
    }
}

int sp_join_equi_keys(spate_arena *a, const sp_plan *j, sp_sql_expr ***left_keys,
                      sp_sql_expr ***right_keys, bool **null_safe, sp_sql_expr **residual)
{
    int nleft = j->child->nout;
    sp_sql_expr *cond = sp_sql_fold(a, j->cond);
    int n = count_conjuncts(cond);
    conjuncts c = {spate_arena_alloc(a, sizeof(sp_sql_expr *) * (size_t)n),
                   spate_arena_alloc(a, sizeof(sp_sql_expr *) * (size_t)n),
                   spate_arena_alloc(a, sizeof(bool) * (size_t)n), 0, NULL};
    split(a, cond, nleft, &c);
    for (int k = 0; k < c.nkeys; k++)
        c.right_keys[k] = sp_join_remap(a, c.right_keys[k], nleft, 0, -nleft);
    *left_keys = c.left_keys;
    *right_keys = c.right_keys;
    *null_safe = c.null_safe;
    *residual = c.residual;
    return c.nkeys;
}

sp_join_spec *sp_join_plan(const sp_plan *j, int index, spate_arena *a)
{
    char unused[8];
    const sp_plan *l = j->child, *r = j->right;
    sp_join_spec *s = spate_arena_alloc(a, sizeof *s);
    memset(s, 0, sizeof *s);
    s->index = index;
    s->kind = probe_kind(j->join);
    s->single_row = j->single_row;
    s->probe_is_left = sp_join_probe_child(j, unused, sizeof unused) == l;
    s->build = s->probe_is_left ? r : l;
    s->nprobe = s->probe_is_left ? l->nout : r->nout;
    s->nbuild = s->probe_is_left ? r->nout : l->nout;
    s->names = spate_arena_alloc(a, sizeof *s->names * (size_t)(l->nout + r->nout + 1));
    for (int i = 0; i < l->nout + r->nout; i++)
        s->names[i] = i < l->nout ? l->out[i].name : r->out[i - l->nout].name;
    if (!j->cond) return s;
    sp_sql_expr **left_keys, **right_keys;
    s->nkeys = sp_join_equi_keys(a, j, &left_keys, &right_keys, &s->null_safe, &s->residual);
    s->probe_keys = s->probe_is_left ? left_keys : right_keys;
    s->build_keys = s->probe_is_left ? right_keys : left_keys;
    return s;
}
