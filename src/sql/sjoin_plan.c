/* sjoin_plan.c - planning a join of two streams (sjoin.h): the equi-join
 * keys, the residual condition, each side's event-time column, and from
 * the time-range conditions how long each side's rows can still match
 * (Spark's StreamingJoinHelper.getStateValueWatermark).
 *
 * A conjunct `L + a op R + b` (L, R event-time columns of the left and
 * right side, a, b interval literals, op <, <=, >, >= or =) reads as
 * L - R op c with c = b - a. Rows at or below the watermark wm are dropped,
 * so a future right row has R > wm:
 *   L - R >= c  (R <= L - c): a kept left row can match no future right
 *               row once L - c <= wm, i.e. L <= wm + c;
 *   L - R <= c  (L <= R + c): a kept right row is done once R <= wm - c.
 * As Spark computes it: a non-strict comparison (<=, >=) keeps rows one
 * millisecond longer (L <= wm + c - 1 ms), an equality of the two times
 * evicts at the bound itself (Spark's key watermark), and with several
 * conjuncts the latest eviction wins (Spark's min of the state
 * watermarks), so the state counts match Spark's batch for batch.
 * Query's thread, at planning. */
#include "sql/sjoin.h"

#include "base/arena.h"
#include "sql/fold.h"
#include "sql/join.h"
#include "sql/physical.h"

#include <stdio.h>
#include <string.h>

/* An event-time column plus a constant: e = column col of side + off. */
typedef struct term {
    int side, col;
    int64_t off;
} term;

/* e as a term over the joined columns (nleft of them on the left). */
static bool as_term(const sp_plan *j, const sp_sql_expr *e, term *t)
{
    int nleft = j->child->nout;
    if (e->kind == SP_SQL_E_FUNC && e->op == SP_SQL_F_TS_ADD_INTERVAL && e->nchildren == 3) {
        const sp_sql_expr *months = e->children[1], *us = e->children[2];
        if (months->kind != SP_SQL_E_LITERAL || us->kind != SP_SQL_E_LITERAL ||
            months->lit.is_null || us->lit.is_null || months->lit.i != 0)
            return false;
        if (!as_term(j, e->children[0], t)) return false;
        t->off += us->lit.i;
        return true;
    }
    if (e->kind != SP_SQL_E_COLUMN || !j->out[e->ordinal].event_time) return false;
    t->side = e->ordinal < nleft ? SP_SJ_LEFT : SP_SJ_RIGHT;
    t->col = e->ordinal < nleft ? e->ordinal : e->ordinal - nleft;
    t->off = 0;
    return true;
}

/* Side s's rows are done once column col <= wm + us: keeps the latest
 * (smallest us) bound, on the first column found. */
static void bound(sp_sjoin_spec *s, int side, int col, int64_t us)
{
    if (s->evict_col[side] >= 0 && s->evict_col[side] != col) return;
    if (s->evict_col[side] < 0 || us < s->evict_us[side]) s->evict_us[side] = us;
    s->evict_col[side] = col;
}

static int flip(int op)
{
    switch (op) {
    case SP_SQL_CMP_LT:
        return SP_SQL_CMP_GT;
    case SP_SQL_CMP_LE:
        return SP_SQL_CMP_GE;
    case SP_SQL_CMP_GT:
        return SP_SQL_CMP_LT;
    case SP_SQL_CMP_GE:
        return SP_SQL_CMP_LE;
    default:
        return op;
    }
}

/* The bounds one conjunct gives (see the top of the file). */
static void range_conjunct(sp_sjoin_spec *s, const sp_sql_expr *e)
{
    if (e->kind == SP_SQL_E_AND) {
        range_conjunct(s, e->children[0]);
        range_conjunct(s, e->children[1]);
        return;
    }
    term x, y;
    if (e->kind != SP_SQL_E_CMP || !as_term(s->join, e->children[0], &x) ||
        !as_term(s->join, e->children[1], &y) || x.side == y.side)
        return;
    int op = e->op;
    if (x.side == SP_SJ_RIGHT) {
        term t = x;
        x = y, y = t, op = flip(op);
    }
    int64_t c = y.off - x.off; /* L - R op c */
    bool ge = op == SP_SQL_CMP_GE || op == SP_SQL_CMP_GT || op == SP_SQL_CMP_EQ;
    bool le = op == SP_SQL_CMP_LE || op == SP_SQL_CMP_LT || op == SP_SQL_CMP_EQ;
    int64_t slack = op == SP_SQL_CMP_GE || op == SP_SQL_CMP_LE ? 1000 : 0; /* 1 ms */
    if (ge) bound(s, SP_SJ_LEFT, x.col, c - slack);
    if (le) bound(s, SP_SJ_RIGHT, y.col, -c - slack);
    if (ge || le) { /* their late rows are dropped by these columns */
        s->late_col[SP_SJ_LEFT] = x.col;
        s->late_col[SP_SJ_RIGHT] = y.col;
    }
}

/* A side's first event-time column, or -1. */
static int first_event_time(const sp_plan *p)
{
    for (int i = 0; i < p->nout; i++)
        if (p->out[i].event_time) return i;
    return -1;
}

static bool flat_columns(const sp_plan *j, char *err, size_t err_size)
{
    const sp_plan *sides[2] = {j->child, j->right};
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < sides[s]->nout; i++) {
            sp_sql_type_id id = sides[s]->out[i].type->id;
            if (id != SP_SQL_ARRAY && id != SP_SQL_MAP && id != SP_SQL_STRUCT) continue;
            snprintf(err, err_size,
                     "[UNSUPPORTED_FEATURE] The feature is not supported: a join of two streams "
                     "keeping the nested column `%s` in its state in spate (yet). SQLSTATE: 0A000",
                     sides[s]->out[i].name);
            return false;
        }
    return true;
}

/* The joined rows' type: the left's columns, then the right's. */
static const sp_sql_type *joined_type(const sp_plan *j, spate_arena *a)
{
    const sp_plan *l = j->child, *r = j->right;
    int n = l->nout + r->nout;
    sp_sql_field *f = spate_arena_alloc(a, sizeof *f * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const sp_plan_attr *at = i < l->nout ? &l->out[i] : &r->out[i - l->nout];
        f[i] = (sp_sql_field){at->name, at->type, true, NULL};
    }
    return sp_sql_struct(a, f, n);
}

sp_sjoin_spec *sp_sjoin_plan(const sp_plan *j, spate_arena *a, char *err, size_t err_size)
{
    if (!flat_columns(j, err, err_size)) return NULL;
    sp_sjoin_spec *s = spate_arena_alloc(a, sizeof *s);
    memset(s, 0, sizeof *s);
    s->join = j;
    s->kind = j->join == SP_JOIN_CROSS ? SP_JOIN_INNER : j->join;
    s->ncols[SP_SJ_LEFT] = j->child->nout;
    s->ncols[SP_SJ_RIGHT] = j->right->nout;
    s->type = joined_type(j, a);
    s->late_col[SP_SJ_LEFT] = first_event_time(j->child);
    s->late_col[SP_SJ_RIGHT] = first_event_time(j->right);
    s->evict_col[SP_SJ_LEFT] = s->evict_col[SP_SJ_RIGHT] = -1;
    if (!j->cond) return s;
    s->nkeys = sp_join_equi_keys(a, j, &s->keys[SP_SJ_LEFT], &s->keys[SP_SJ_RIGHT], &s->null_safe,
                                 &s->residual);
    range_conjunct(s, sp_sql_fold(a, j->cond));
    return s;
}

const char *sp_sjoin_check(const sp_plan *j, char *buf, size_t n)
{
    static const char *const names[] = {[SP_JOIN_LEFT_OUTER] = "LeftOuter",
                                        [SP_JOIN_RIGHT_OUTER] = "RightOuter",
                                        [SP_JOIN_FULL_OUTER] = "FullOuter",
                                        [SP_JOIN_LEFT_SEMI] = "LeftSemi"};
    sp_plan_join_kind k = j->join;
    if (k != SP_JOIN_LEFT_OUTER && k != SP_JOIN_RIGHT_OUTER && k != SP_JOIN_FULL_OUTER &&
        k != SP_JOIN_LEFT_SEMI)
        return NULL;
    spate_arena *a = spate_arena_new();
    char err[256];
    sp_sjoin_spec *s = sp_sjoin_plan(j, a, err, sizeof err);
    bool left = s && s->evict_col[SP_SJ_LEFT] >= 0, right = s && s->evict_col[SP_SJ_RIGHT] >= 0;
    bool ok =
        !s || (k == SP_JOIN_FULL_OUTER ? left && right : (k == SP_JOIN_RIGHT_OUTER ? right : left));
    spate_arena_destroy(a);
    if (ok) return NULL;
    snprintf(buf, n,
             "Stream-stream %s join between two streaming DataFrame/Datasets is not supported "
             "without a watermark in the join keys, or a watermark on the nullable side and an "
             "appropriate range condition",
             names[k]);
    return buf;
}

/* Adds conjunct e to *to (AND). */
static void and_into(spate_arena *a, sp_sql_expr **to, sp_sql_expr *e)
{
    *to = *to ? sp_sql_expr_and(a, *to, e) : e;
}

static void split_side_filters(const sp_sjoin_spec *s, sp_sql_expr *e, spate_arena *a,
                               sp_sql_expr **pushed)
{
    if (e->kind == SP_SQL_E_AND) {
        split_side_filters(s, e->children[0], a, pushed);
        split_side_filters(s, e->children[1], a, pushed);
        return;
    }
    int nleft = s->ncols[SP_SJ_LEFT], from = sp_join_expr_sides(e, nleft);
    bool inner = s->kind == SP_JOIN_INNER;
    if (from == 1 && (inner || s->kind == SP_JOIN_LEFT_OUTER || s->kind == SP_JOIN_LEFT_SEMI))
        and_into(a, &pushed[SP_SJ_LEFT], e);
    else if (from == 2 && (inner || s->kind == SP_JOIN_RIGHT_OUTER))
        and_into(a, &pushed[SP_SJ_RIGHT], sp_join_remap(a, e, nleft, 0, -nleft));
}

void sp_sjoin_side_filters(const sp_sjoin_spec *s, const sp_sql_expr *cond, spate_arena *a,
                           sp_sql_expr **pushed)
{
    pushed[SP_SJ_LEFT] = pushed[SP_SJ_RIGHT] = NULL;
    split_side_filters(s, sp_sql_fold(a, (sp_sql_expr *)cond), a, pushed);
}
