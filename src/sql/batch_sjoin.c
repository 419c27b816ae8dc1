/* batch_sjoin.c - a join of two streams in a batch (sjoin.h): stage 1
 * keeps each side's rows with their keys and shuffle partitions; stage 2
 * joins them with the state of one shuffle partition, keeps them, and
 * evicts what the watermark passed. Executor threads, one task each.
 *
 * State, as Spark's SymmetricHashJoinStateManager lays it out: the key
 * [side, join keys...] holds the number n of that side's kept rows with
 * those keys, and [side, join keys..., i] (i < n) holds row i as
 * [matched, columns...] in the encoding of sp_agg_col_value (integers,
 * dates and timestamps as i64, decimals as 16 bytes). Adding a row is one
 * insert; removing rows moves the last ones into the holes, so the rows of
 * a key stay numbered 0..n-1. */
#include "sql/batch_exec_int.h"

#include "base/arena.h"
#include "sql/agg_int.h"
#include "sql/type_column.h"

#include <string.h>

/* ---- stage 1 ---- */

static void sj_push(sj_rows *t, sp_colbatch *b, spate_value *keys, int32_t *parts)
{
    if (t->batches.n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->keys = realloc(t->keys, sizeof *t->keys * t->cap);
        t->parts = realloc(t->parts, sizeof *t->parts * t->cap);
        if (!t->keys || !t->parts) abort();
    }
    t->keys[t->batches.n] = keys;
    t->parts[t->batches.n] = parts;
    blist_push(&t->batches, b);
}

/* The rows of b not late (their event time above the watermark; NULL
 * stays), the others counted as dropped. */
static sp_colbatch *drop_late(run *r, int task, int side, sp_colbatch *b, spate_arena *a)
{
    int col = r->ph->sjoin->late_col[side];
    if (!r->env->use_watermark || col < 0) return b;
    const sp_column *c = &b->cols[col];
    int32_t *sel = spate_arena_alloc(a, sizeof *sel * (size_t)(b->length + 1));
    int64_t m = 0;
    for (int64_t i = 0; i < b->length; i++)
        if (!sp_column_valid(c, i) || sp_column_i64(c)[i] > r->env->watermark_us)
            sel[m++] = (int32_t)i;
    r->stats[task].dropped += b->length - m;
    return m == b->length ? b : sp_colbatch_take(b, sel, m, a);
}

bool sp_bx_sjoin_batch(run *r, int task, int side, sp_colbatch *b, sp_sql_eval_ctx *ctx)
{
    const sp_sjoin_spec *j = r->ph->sjoin;
    b = drop_late(r, task, side, b, ctx->arena);
    if (!b->length) return true;
    int nk = j->nkeys;
    const sp_column **kc = spate_arena_alloc(ctx->arena, sizeof *kc * (size_t)(nk + 1));
    for (int k = 0; k < nk; k++)
        if (!(kc[k] = sp_sql_expr_eval(j->keys[side][k], b, ctx))) return false;
    spate_value *keys = spate_arena_alloc(ctx->arena, sizeof *keys * (size_t)b->length);
    int32_t *parts = spate_arena_alloc(ctx->arena, sizeof *parts * (size_t)b->length);
    for (int64_t i = 0; i < b->length; i++) {
        keys[i] = spate_array_of(ctx->arena, NULL, (size_t)nk);
        for (int k = 0; k < nk; k++)
            spate_items_mut(keys[i])[k] = sp_agg_col_value(kc[k], i, ctx->arena);
        parts[i] = shuffle_part(spate_value_hash(keys[i]), r->n2);
    }
    r->sj[task].side = side;
    sj_push(&r->sj[task], b, keys, parts);
    return true;
}

void sp_bx_sjoin_free(run *r)
{
    for (int i = 0; r->sj && i < r->n1; i++) {
        free(r->sj[i].batches.v);
        free(r->sj[i].keys);
        free(r->sj[i].parts);
    }
    free(r->sj);
}

/* ---- stage 2 ---- */

/* A new row of this partition: [matched, columns...] and its key. */
typedef struct newrow {
    spate_value row, key;
    bool joinable; /* no NULL in a key compared with `=` */
    bool matched, emitted;
} newrow;

/* A candidate pair: new row i with the other side's kept row e. */
typedef struct pair {
    size_t i;
    sp_state_entry *e;
} pair;

typedef struct vec {
    void *v;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, l->size * l->cap);
        if (!l->v) abort();
    }
    return (char *)l->v + l->size * l->n++;
}

typedef struct sj2 {
    run *r;
    int part;
    sp_state_store *s;
    spate_arena *a; /* this batch's values: rows, keys, outputs */
    vec out;        /* spate_value: the output rows (the JOIN node's columns) */
    part_stats *ps;
} sj2;

static bool joinable(const sp_sjoin_spec *j, spate_value key)
{
    for (int k = 0; k < j->nkeys; k++)
        if (!j->null_safe[k] && key.u.items[k].type == SPATE_NULL) return false;
    return true;
}

/* The new rows of side in this partition, from every stage-1 task; their
 * strings point into stage 1's batches, which outlive the batch's stage 2
 * (the store and the output copy what they keep). */
static void new_rows(sj2 *w, int side, vec *rows)
{
    run *r = w->r;
    const sp_sjoin_spec *j = r->ph->sjoin;
    int nc = j->ncols[side];
    for (int t = 0; t < r->n1; t++) {
        const sj_rows *tr = &r->sj[t];
        if (tr->side != side) continue;
        for (size_t bi = 0; bi < tr->batches.n; bi++) {
            const sp_colbatch *b = tr->batches.v[bi];
            for (int64_t i = 0; i < b->length; i++) {
                if (tr->parts[bi][i] != w->part) continue;
                spate_value row = spate_array_of(w->a, NULL, (size_t)nc + 1);
                spate_items_mut(row)[0] = spate_bool(false);
                for (int c = 0; c < nc; c++)
                    spate_items_mut(row)[c + 1] = sp_agg_col_value(&b->cols[c], i, NULL);
                newrow *n = vec_push(rows);
                *n = (newrow){row, tr->keys[bi][i], joinable(j, tr->keys[bi][i]), false, false};
            }
        }
    }
}

/* The state key of side's row count for key ([side, key...], idx < 0)
 * or of its row idx ([side, key..., idx]). */
static spate_value state_key(spate_arena *a, int side, spate_value key, int64_t idx)
{
    spate_value k = spate_array_of(a, NULL, key.len + 1 + (idx >= 0));
    spate_items_mut(k)[0] = spate_i64(side);
    for (uint32_t i = 0; i < key.len; i++)
        spate_items_mut(k)[i + 1] = key.u.items[i];
    if (idx >= 0) spate_items_mut(k)[key.len + 1] = spate_i64(idx);
    return k;
}

static sp_state_entry *find(sj2 *w, spate_value key)
{
    return sp_state_find(w->s, key, sp_state_hash(key));
}

/* Kept row idx of side's key (with keys key). */
static sp_state_entry *kept_row(sj2 *w, int side, spate_value key, int64_t idx)
{
    sp_arena_mark m = sp_arena_get_mark(w->a);
    sp_state_entry *e = find(w, state_key(w->a, side, key, idx));
    sp_arena_release(w->a, m);
    return e;
}

/* A joined row (left's columns then right's) of kept rows l and r (either
 * may be missing: NULLs), or for a semi join the left's columns only;
 * copied into the batch's arena, as a kept row's memory goes with the
 * next change to its entry. */
static spate_value joined(sj2 *w, const spate_value *l, const spate_value *r)
{
    const sp_sjoin_spec *j = w->r->ph->sjoin;
    int nl = j->ncols[SP_SJ_LEFT], nr = j->kind == SP_JOIN_LEFT_SEMI ? 0 : j->ncols[SP_SJ_RIGHT];
    spate_value v = spate_array_of(w->a, NULL, (size_t)(nl + nr));
    for (int c = 0; c < nl; c++)
        spate_items_mut(v)[c] = l ? spate_value_copy(w->a, l->u.items[c + 1]) : spate_null();
    for (int c = 0; c < nr; c++)
        spate_items_mut(v)[nl + c] = r ? spate_value_copy(w->a, r->u.items[c + 1]) : spate_null();
    return v;
}

/* Rows (arrays of t's fields) as a batch of type t in a. */
static sp_colbatch *rows_batch(spate_arena *a, const sp_sql_type *t, const spate_value *rows,
                               size_t n)
{
    sp_colbatch *b = sp_sql_batch_new(a, t, (int64_t)n + 1);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < b->ncols; c++)
            sp_agg_put_value(b, c, (int64_t)i, rows[i].u.items[c]);
    sp_colbatch_set_length(b, (int64_t)n);
    return b;
}

/* Which candidate pairs pass the residual condition (all without one). */
static bool residual(sj2 *w, int side, const vec *rows, const vec *pairs, bool *pass, char *err,
                     size_t err_size)
{
    const sp_sjoin_spec *j = w->r->ph->sjoin;
    memset(pass, 1, pairs->n);
    if (!j->residual || !pairs->n) return true;
    spate_arena *scratch = spate_arena_new();
    spate_value *jr = spate_arena_alloc(scratch, sizeof *jr * pairs->n);
    const pair *p = pairs->v;
    const newrow *nr = rows->v;
    for (size_t i = 0; i < pairs->n; i++) {
        spate_value other = p[i].e->val;
        const spate_value *mine = &nr[p[i].i].row;
        int nl = j->ncols[SP_SJ_LEFT], nrc = j->ncols[SP_SJ_RIGHT];
        jr[i] = spate_array_of(scratch, NULL, (size_t)(nl + nrc));
        const spate_value *l = side == SP_SJ_LEFT ? mine : &other;
        const spate_value *r = side == SP_SJ_LEFT ? &other : mine;
        for (int c = 0; c < nl; c++)
            spate_items_mut(jr[i])[c] = l->u.items[c + 1];
        for (int c = 0; c < nrc; c++)
            spate_items_mut(jr[i])[nl + c] = r->u.items[c + 1];
    }
    sp_colbatch *b = rows_batch(scratch, j->type, jr, pairs->n);
    sp_sql_eval_ctx ctx = eval_ctx(w->r, scratch);
    const sp_column *c = sp_sql_expr_eval(j->residual, b, &ctx);
    if (!c) snprintf(err, err_size, "%s", ctx.error);
    for (size_t i = 0; c && i < pairs->n; i++)
        pass[i] = sp_column_valid(c, (int64_t)i) && sp_column_get_bool(c, (int64_t)i);
    spate_arena_destroy(scratch);
    return c != NULL;
}

/* Sets kept row e matched. */
static void mark_matched(sj2 *w, sp_state_entry *e)
{
    sp_arena_mark m = sp_arena_get_mark(w->a);
    spate_value row = spate_array_of(w->a, e->val.u.items, e->val.len);
    spate_items_mut(row)[0] = spate_bool(true);
    sp_state_set(w->s, e, row);
    sp_arena_release(w->a, m);
}

/* The output of the pairs that passed: joined rows, or for a semi join
 * each left row once. */
static void emit_pairs(sj2 *w, int side, vec *rows, const vec *pairs, const bool *pass)
{
    const sp_sjoin_spec *j = w->r->ph->sjoin;
    bool semi = j->kind == SP_JOIN_LEFT_SEMI;
    pair *p = pairs->v;
    newrow *nr = rows->v;
    for (size_t i = 0; i < pairs->n; i++) {
        if (!pass[i]) continue;
        newrow *n = &nr[p[i].i];
        spate_value other = p[i].e->val;
        bool other_matched = other.u.items[0].u.b;
        n->matched = true;
        if (!semi) {
            *(spate_value *)vec_push(&w->out) =
                side == SP_SJ_LEFT ? joined(w, &n->row, &other) : joined(w, &other, &n->row);
        } else if (side == SP_SJ_LEFT && !n->emitted) {
            n->emitted = true;
            *(spate_value *)vec_push(&w->out) = joined(w, &n->row, NULL);
        } else if (side == SP_SJ_RIGHT && !other_matched) {
            *(spate_value *)vec_push(&w->out) = joined(w, &other, NULL);
        }
        if (!other_matched) mark_matched(w, p[i].e);
    }
}

/* Whether kept row v of side can no longer match (the watermark passed
 * it by the time-range condition). */
static bool done(const sj2 *w, int side, spate_value row)
{
    const sp_sjoin_spec *j = w->r->ph->sjoin;
    int col = j->evict_col[side];
    if (!w->r->env->use_watermark || col < 0) return false;
    spate_value t = row.u.items[col + 1];
    return t.type != SPATE_NULL && t.u.i <= w->r->env->watermark_us + j->evict_us[side];
}

/* An unmatched row of an outer side, with NULLs for the other. */
static void emit_outer(sj2 *w, int side, const spate_value *row)
{
    *(spate_value *)vec_push(&w->out) =
        side == SP_SJ_LEFT ? joined(w, row, NULL) : joined(w, NULL, row);
}

/* Keeps the new rows that can still match (a semi join's matched left
 * rows are out already); the others, unmatched on an outer side, are
 * output now. */
static void keep_rows(sj2 *w, int side, vec *rows)
{
    const sp_sjoin_spec *j = w->r->ph->sjoin;
    newrow *nr = rows->v;
    for (size_t i = 0; i < rows->n; i++) {
        newrow *n = &nr[i];
        bool semi_done = j->kind == SP_JOIN_LEFT_SEMI && side == SP_SJ_LEFT && n->matched;
        if (!n->joinable || semi_done || done(w, side, n->row)) {
            if (!n->matched && sp_sjoin_outer(j, side)) emit_outer(w, side, &n->row);
            continue;
        }
        spate_items_mut(n->row)[0] = spate_bool(n->matched);
        spate_value count_key = state_key(w->a, side, n->key, -1);
        bool inserted;
        sp_state_entry *c = sp_state_upsert(w->s, count_key, sp_state_hash(count_key), &inserted);
        int64_t idx = inserted ? 0 : c->val.u.i;
        sp_state_set(w->s, c, spate_i64(idx + 1));
        spate_value row_key = state_key(w->a, side, n->key, idx);
        sp_state_entry *e = sp_state_upsert(w->s, row_key, sp_state_hash(row_key), &inserted);
        sp_state_set(w->s, e, n->row);
        w->ps->state_updated++;
    }
}

/* Joins side's new rows with the other side's kept rows, then keeps them. */
static bool join_side(sj2 *w, int side, char *err, size_t err_size)
{
    vec rows = {.size = sizeof(newrow)}, pairs = {.size = sizeof(pair)};
    new_rows(w, side, &rows);
    newrow *nr = rows.v;
    for (size_t i = 0; i < rows.n; i++) {
        if (!nr[i].joinable) continue;
        sp_state_entry *c = find(w, state_key(w->a, 1 - side, nr[i].key, -1));
        for (int64_t k = 0; c && k < c->val.u.i; k++)
            *(pair *)vec_push(&pairs) = (pair){i, kept_row(w, 1 - side, nr[i].key, k)};
    }
    bool *pass = malloc(pairs.n + 1);
    if (!pass) abort();
    bool ok = residual(w, side, &rows, &pairs, pass, err, err_size);
    if (ok) emit_pairs(w, side, &rows, &pairs, pass);
    if (ok) keep_rows(w, side, &rows);
    free(pass);
    free(rows.v);
    free(pairs.v);
    return ok;
}

/* The kept rows of count entry c (side, keys key): those the watermark
 * passed removed (an outer side's unmatched ones output), the others moved
 * down to 0..m-1. Returns m. */
static int64_t evict_key(sj2 *w, int side, spate_value key, sp_state_entry *c)
{
    const sp_sjoin_spec *j = w->r->ph->sjoin;
    int64_t n = c->val.u.i, m = 0;
    for (int64_t i = 0; i < n; i++) {
        sp_state_entry *e = kept_row(w, side, key, i);
        if (!done(w, side, e->val)) {
            if (m != i) sp_state_set(w->s, kept_row(w, side, key, m), e->val);
            m++;
            continue;
        }
        if (!e->val.u.items[0].u.b && sp_sjoin_outer(j, side)) emit_outer(w, side, &e->val);
        w->ps->state_removed++;
    }
    for (int64_t i = m; i < n; i++)
        sp_state_remove(w->s, kept_row(w, side, key, i));
    return m;
}

/* Removes the kept rows the watermark passed, outputting an outer side's
 * unmatched ones; counts what is left. The count entries are listed
 * first: removing entries other than the one just returned would upset
 * the iteration. */
static void evict(sj2 *w, evec *expired)
{
    int nk = w->r->ph->sjoin->nkeys;
    vec counts = {.size = sizeof(spate_value)};
    size_t it = 0;
    for (sp_state_entry *e; (e = sp_state_next(w->s, &it));)
        if (e->key.len == (uint32_t)nk + 1)
            *(spate_value *)vec_push(&counts) = spate_value_copy(w->a, e->key);
    int64_t total = 0;
    const spate_value *ck = counts.v;
    for (size_t i = 0; i < counts.n; i++) {
        sp_state_entry *c = find(w, ck[i]);
        int side = (int)ck[i].u.items[0].u.i;
        spate_value key = {SPATE_ARRAY, (uint32_t)nk, {.items = ck[i].u.items + 1}};
        int64_t m = w->r->ph->sjoin->evict_col[side] >= 0 && w->r->env->use_watermark
                        ? evict_key(w, side, key, c)
                        : c->val.u.i;
        total += m;
        if (m == 0)
            evec_push(expired, c);
        else if (m != c->val.u.i)
            sp_state_set(w->s, c, spate_i64(m));
    }
    free(counts.v);
    w->ps->state_total = total;
}

bool sp_bx_sjoin_stage2(run *r, int part, sp_state_store *s, evec *expired, char *err,
                        size_t err_size)
{
    sj2 w = {r,
             part,
             s,
             r->arenas[r->n1 + part],
             {.size = sizeof(spate_value)},
             &r->stats[r->n1 + part]};
    bool ok = join_side(&w, SP_SJ_LEFT, err, err_size) && join_side(&w, SP_SJ_RIGHT, err, err_size);
    if (ok) evict(&w, expired);
    if (ok) {
        const sp_plan *jn = r->ph->sjoin->join;
        sp_colbatch *b = rows_batch(w.a, sp_plan_schema(w.a, jn), w.out.v, w.out.n);
        ok = sp_bx_emit_post(r, part, b, err, err_size);
    }
    free(w.out.v);
    return ok;
}
