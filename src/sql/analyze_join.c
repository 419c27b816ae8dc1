/* analyze_join.c - JOIN relations: both sides analyzed, the output the
 * left's columns then the right's (made nullable on an outer join's
 * optional side; a semi or anti join keeps the left's only), the ON
 * condition resolved over both; and USING (k, ...) as Spark rewrites it:
 * an equi-join on the named columns under a projection of the keys (the
 * left's, the right's for a right outer join, coalesce(l.k, r.k) for a
 * full one), then the left's other columns, then the right's. Threads:
 * the analyzer's. */
#include "sql/analyzer_int.h"

#include <stdlib.h>
#include <string.h>

sp_plan *sp_az_make_join(sp_analyzer *az, sp_plan *l, sp_plan *rt, sp_plan_join_kind kind)
{
    sp_plan *j = sp_plan_new(az->arena, SP_PLAN_JOIN);
    j->child = l;
    j->right = rt;
    j->join = kind;
    j->streaming = l->streaming || rt->streaming;
    j->nout = l->nout + rt->nout;
    j->out = spate_arena_alloc(az->arena, sizeof *j->out * (size_t)(j->nout ? j->nout : 1));
    if (l->nout) memcpy(j->out, l->out, sizeof *j->out * (size_t)l->nout);
    if (rt->nout) memcpy(j->out + l->nout, rt->out, sizeof *j->out * (size_t)rt->nout);
    bool left_opt = kind == SP_JOIN_RIGHT_OUTER || kind == SP_JOIN_FULL_OUTER;
    bool right_opt = kind == SP_JOIN_LEFT_OUTER || kind == SP_JOIN_FULL_OUTER;
    for (int i = 0; i < j->nout; i++)
        if (i < l->nout ? left_opt : right_opt) j->out[i].nullable = true;
    return j;
}

static int cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* UNRESOLVED_USING_COLUMN_FOR_JOIN for name on side p: its columns sorted. */
static void *using_missing(sp_analyzer *az, const sp_sql_node *at, const char *name,
                           const sp_plan *p, const char *side, sp_sql_error *err)
{
    const char **names = spate_arena_alloc(az->arena, sizeof *names * (size_t)(p->nout + 1));
    for (int i = 0; i < p->nout; i++)
        names[i] = sp_az_sql_id(az, &p->out[i].name, 1);
    qsort(names, (size_t)p->nout, sizeof *names, cmp_cstr);
    const char *list = "";
    for (int i = 0; i < p->nout; i++)
        list = sp_az_printf(az, "%s%s%s", list, i ? ", " : "", names[i]);
    return sp_az_fail(az, err, at->off, "UNRESOLVED_USING_COLUMN_FOR_JOIN", "colName",
                      sp_az_sql_id(az, &name, 1), "side", side, "suggestion", list, NULL);
}

static int find_named(sp_analyzer *az, const sp_plan *p, const char *name)
{
    for (int i = 0; i < p->nout; i++)
        if (sp_az_name_eq(az, p->out[i].name, name)) return i;
    return -1;
}

typedef struct using_keys {
    int n;
    int *l, *r; /* each key's column on the left, on the right */
} using_keys;

/* The condition l.k = r.k AND ... over j, with Spark's comparison casts. */
static sp_sql_expr *using_cond(sp_analyzer *az, const sp_plan *j, const using_keys *k,
                               const sp_sql_node *at, sp_sql_error *err)
{
    int nl = j->child->nout;
    sp_sql_expr *cond = NULL;
    for (int i = 0; i < k->n; i++) {
        sp_sql_expr *x = sp_az_column_ref(az, j, k->l[i]),
                    *y = sp_az_column_ref(az, j, nl + k->r[i]);
        const sp_sql_type *t = sp_sql_comparison_type(az->arena, x->type, y->type, az->ansi);
        if (!t)
            return sp_az_fail(az, err, at->off, "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES", "sqlExpr",
                              sp_az_printf(az, "\"(%s = %s)\"", x->name, y->name), "left",
                              sp_az_type_sql(az, x->type), "right", sp_az_type_sql(az, y->type),
                              NULL);
        sp_sql_expr *eq =
            sp_sql_expr_cmp(az->arena, SP_SQL_CMP_EQ, sp_az_cast(az, x, t), sp_az_cast(az, y, t));
        cond = cond ? sp_sql_expr_and(az->arena, cond, eq) : eq;
    }
    return cond;
}

static bool is_key(const int *keys, int n, int col)
{
    for (int i = 0; i < n; i++)
        if (keys[i] == col) return true;
    return false;
}

/* The key column i of the USING output over j. */
static sp_sql_expr *using_key(sp_analyzer *az, const sp_plan *j, const using_keys *k, int i)
{
    int nl = j->child->nout;
    sp_sql_expr *x = sp_az_column_ref(az, j, k->l[i]), *y = sp_az_column_ref(az, j, nl + k->r[i]);
    if (j->join == SP_JOIN_RIGHT_OUTER) return y;
    if (j->join != SP_JOIN_FULL_OUTER) return x;
    const sp_sql_type *t = sp_sql_comparison_type(az->arena, x->type, y->type, az->ansi);
    sp_sql_expr *args[2] = {sp_az_cast(az, x, t), sp_az_cast(az, y, t)};
    return sp_sql_expr_func(az->arena, SP_SQL_F_COALESCE, args, 2, t);
}

/* The projection over j: keys, the left's others, the right's others. */
static sp_plan *using_project(sp_analyzer *az, sp_plan *j, const using_keys *k)
{
    int nl = j->child->nout, nr = j->right->nout;
    bool semi = j->join == SP_JOIN_LEFT_SEMI || j->join == SP_JOIN_LEFT_ANTI;
    int cap = nl + nr + 1, n = 0;
    sp_sql_expr **ex = spate_arena_alloc(az->arena, sizeof *ex * (size_t)cap);
    const char **nm = spate_arena_alloc(az->arena, sizeof *nm * (size_t)cap);
    for (int i = 0; i < k->n; i++) {
        ex[n] = using_key(az, j, k, i);
        nm[n++] = j->child->out[k->l[i]].name;
    }
    for (int i = 0; i < nl; i++)
        if (!is_key(k->l, k->n, i)) {
            ex[n] = sp_az_column_ref(az, j, i);
            nm[n++] = j->out[i].name;
        }
    for (int i = 0; i < nr && !semi; i++)
        if (!is_key(k->r, k->n, i)) {
            ex[n] = sp_az_column_ref(az, j, nl + i);
            nm[n++] = j->out[nl + i].name;
        }
    return sp_az_make_project(az, j, ex, nm, n);
}

static sp_plan *join_using(sp_analyzer *az, sp_plan *j, const sp_sql_node *r, sp_sql_error *err)
{
    using_keys k = {(int)r->list.n, spate_arena_alloc(az->arena, sizeof(int) * (r->list.n + 1)),
                    spate_arena_alloc(az->arena, sizeof(int) * (r->list.n + 1))};
    for (int i = 0; i < k.n; i++) {
        const sp_sql_node *id = r->list.items[i];
        if ((k.l[i] = find_named(az, j->child, id->str)) < 0)
            return using_missing(az, id, id->str, j->child, "left", err);
        if ((k.r[i] = find_named(az, j->right, id->str)) < 0)
            return using_missing(az, id, id->str, j->right, "right", err);
    }
    if (!(j->cond = using_cond(az, j, &k, r, err))) return NULL;
    bool semi = j->join == SP_JOIN_LEFT_SEMI || j->join == SP_JOIN_LEFT_ANTI;
    sp_plan *p = using_project(az, j, &k);
    if (semi) j->nout = j->child->nout;
    return p;
}

sp_plan *sp_az_join(sp_analyzer *az, const sp_sql_node *r, const sp_az_cte *ctes, sp_sql_error *err)
{
    static const sp_plan_join_kind kinds[] = {
        [JOIN_INNER] = SP_JOIN_INNER,         [JOIN_LEFT] = SP_JOIN_LEFT_OUTER,
        [JOIN_RIGHT] = SP_JOIN_RIGHT_OUTER,   [JOIN_FULL] = SP_JOIN_FULL_OUTER,
        [JOIN_CROSS] = SP_JOIN_CROSS,         [JOIN_LEFT_SEMI] = SP_JOIN_LEFT_SEMI,
        [JOIN_LEFT_ANTI] = SP_JOIN_LEFT_ANTI, [JOIN_COMMA] = SP_JOIN_INNER,
    };
    sp_plan *l = sp_az_relation(az, r->a, ctes, err), *rt;
    if (!l) return NULL;
    if (!(rt = sp_az_relation(az, r->b, ctes, err))) {
        sp_analyze_release(l);
        return NULL;
    }
    sp_plan *j = sp_az_make_join(az, l, rt, kinds[r->op]), *out = j;
    if (r->list.n) {
        out = join_using(az, j, r, err);
    } else if (r->c) {
        sp_az_scope s = {.plan = j};
        if (!(j->cond = sp_az_expr(az, &s, r->c, err))) out = NULL;
    }
    if (!out) {
        sp_analyze_release(j);
        return NULL;
    }
    if (j->join == SP_JOIN_LEFT_SEMI || j->join == SP_JOIN_LEFT_ANTI) j->nout = l->nout;
    return out;
}
