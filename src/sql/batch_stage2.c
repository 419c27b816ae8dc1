/* batch_stage2.c - stage 2 of a batch (batch_exec.h): per shuffle
 * partition, the partial groups merged into the state store, then the
 * rows of the output mode emitted through `post`, with dropDuplicates'
 * and the watermark's rules. Executor threads, one partition each. */
#include "sql/batch_exec_int.h"

#include "base/arena.h"

#include <string.h>
#include <time.h>

/* Merges the groups of partition part from every partial table into s. */
static bool merge_partials(run *r, int part, sp_state_store *s, evec *changed, char *err,
                           size_t err_size)
{
    const sp_plan *g = r->ph->agg;
    spate_arena *scratch = spate_arena_new();
    bool ok = true;
    for (int t = 0; t < r->n1 && ok; t++) {
        sp_agg_table *tab = r->tables[t];
        for (int64_t k = 0, n = sp_agg_table_ngroups(tab); k < n && ok; k++) {
            if (shuffle_part(sp_agg_table_hash(tab, k), r->n2) != part) continue;
            sp_arena_mark mark = sp_arena_get_mark(scratch);
            spate_value key = sp_agg_table_key(tab, k, scratch);
            bool inserted;
            sp_state_entry *e = sp_state_upsert(s, key, sp_state_hash(key), &inserted);
            if (g->dedup && !inserted) { /* a duplicate: the key's first row is out already */
                sp_arena_release(scratch, mark);
                continue;
            }
            spate_value merged;
            ok = sp_agg_merge(g->aggs, g->naggs, e->val, sp_agg_table_buffer(tab, k, scratch),
                              scratch, &merged, r->env->ansi, err, err_size);
            if (ok) sp_state_set(s, e, merged);
            if (ok && e->time != r->stamp) {
                sp_state_touch(s, e, r->stamp, false);
                evec_push(changed, e);
            }
            sp_arena_release(scratch, mark);
        }
    }
    spate_arena_destroy(scratch);
    return ok;
}

/* A static aggregation without GROUP BY over no row: the one row of empty
 * buffers, in partition 0. */
static void add_global_row(run *r, int part, sp_state_store *s, evec *changed)
{
    const sp_plan *g = r->ph->agg;
    if (!r->env->global_row || g->ngroups || part || sp_state_store_len(s)) return;
    spate_arena *a = spate_arena_new();
    spate_value key = spate_array_of(a, NULL, 0);
    bool inserted;
    sp_state_entry *e = sp_state_upsert(s, key, sp_state_hash(key), &inserted);
    sp_state_set(s, e, sp_agg_empty_buffer(g->aggs, g->naggs, a));
    sp_state_touch(s, e, r->stamp, false);
    evec_push(changed, e);
    spate_arena_destroy(a);
}

/* The entries of s the watermark expired (event-time key + span <= it). */
static void expired_entries(const run *r, sp_state_store *s, evec *out)
{
    bool within = r->ph->agg->dedup == SP_DEDUP_WITHIN;
    int k = r->ph->agg_wm_key;
    int64_t limit = r->env->watermark_us - (within ? 0 : r->ph->agg_wm_span_us);
    size_t it = 0;
    for (sp_state_entry *e; (e = sp_state_next(s, &it));) {
        spate_value v = within ? e->val.u.items[0] : e->key.u.items[k]; /* within: the expiry */
        if (v.type != SPATE_NULL && v.u.i <= limit) evec_push(out, e);
    }
}

/* Rows of partition part through `post`: every entry of s (all), or
 * those of rows. */
static bool emit_rows(run *r, int part, sp_state_store *s, bool all, const evec *rows, char *err,
                      size_t err_size)
{
    const sp_physical *ph = r->ph;
    const sp_plan *g = ph->agg;
    spate_arena *a = r->arenas[r->n1 + part];
    int64_t n = all ? (int64_t)sp_state_store_len(s) : (int64_t)rows->n;
    sp_colbatch *out =
        sp_agg_output_batch(a, g->ngroups, ph->key_types, ph->key_names, g->naggs, g->aggs, n);
    size_t it = 0, i = 0;
    for (sp_state_entry *e;
         (e = all ? sp_state_next(s, &it) : (i < rows->n ? rows->v[i++] : NULL));)
        if (!sp_agg_emit_row(out, g->ngroups, ph->key_types, e->key, g->naggs, g->aggs, e->val,
                             r->env->ansi, err, err_size))
            return false;
    return sp_bx_emit_post(r, part, out, err, err_size);
}

bool sp_bx_emit_post(run *r, int part, sp_colbatch *out, char *err, size_t err_size)
{
    sp_sql_eval_ctx ctx = eval_ctx(r, r->arenas[r->n1 + part]);
    sp_colbatch *res = sp_pipeline_run(&r->ph->post, out, &ctx);
    if (!res) {
        snprintf(err, err_size, "%s", ctx.error);
        return false;
    }
    blist_push(&r->out[part], res);
    return true;
}

/* dropDuplicates keeps no row in its state once the row is out: nothing
 * for a key (an empty value), or within the watermark the time it expires,
 * its first row's event time plus the delay. */
static void compact_dedup(run *r, sp_state_store *s, const evec *inserted)
{
    const sp_plan *g = r->ph->agg;
    spate_value none = {SPATE_ARRAY, 0, {.items = NULL}};
    for (size_t i = 0; i < inserted->n; i++) {
        sp_state_entry *e = inserted->v[i];
        if (g->dedup == SP_DEDUP_ALL) {
            sp_state_set(s, e, none);
            continue;
        }
        spate_value t = e->val.u.items[g->dedup_time].u.items[0]; /* first()'s [value, set] */
        spate_value expiry[1] = {
            t.type == SPATE_NULL ? t : spate_i64(t.u.i + g->dedup_delay_ms * 1000)};
        sp_state_set(s, e, (spate_value){SPATE_ARRAY, 1, {.items = expiry}});
    }
}

/* Stage 2 of dropDuplicates: the keys new in this batch are emitted, then
 * compacted; the expired ones are listed in *expired. */
static bool dedup_stage2(run *r, int part, sp_state_store *s, const evec *inserted, evec *expired,
                         char *err, size_t err_size)
{
    if (!emit_rows(r, part, s, false, inserted, err, err_size)) return false;
    compact_dedup(r, s, inserted);
    if (r->env->use_watermark) expired_entries(r, s, expired);
    return true;
}

/* Stage 2 of an aggregation: the expired keys listed, then the rows of the
 * output mode emitted (append: the expired ones). */
static bool agg_stage2(run *r, int part, sp_state_store *s, const evec *changed, evec *expired,
                       char *err, size_t err_size)
{
    if (r->env->use_watermark) expired_entries(r, s, expired);
    bool append = r->env->mode == SP_OUTPUT_APPEND;
    return emit_rows(r, part, s, r->env->mode == SP_OUTPUT_COMPLETE, append ? expired : changed,
                     err, err_size);
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void sp_bx_stage2_task(void *arg, int part, int thread)
{
    (void)thread;
    run *r = arg;
    const sp_batch_state *st = r->env->state;
    part_stats *ps = &r->stats[r->n1 + part];
    char err[1024] = "";
    sp_state_store *s = NULL;
    evec changed = {0}, expired = {0};
    bool ok = st->begin(st->ud, part, &s, err, sizeof err) == SPATE_OK;
    int64_t t0 = now_us();
    if (ok && r->ph->sjoin) { /* sets its own figures */
        ok = sp_bx_sjoin_stage2(r, part, s, &expired, err, sizeof err);
    } else if (ok && r->ph->session) { /* merges, emits and evicts sessions itself */
        ok = sp_bx_session_stage2(r, part, s, &changed, &expired, err, sizeof err);
    } else if (ok) {
        ok = merge_partials(r, part, s, &changed, err, sizeof err);
        if (ok) add_global_row(r, part, s, &changed);
        if (ok && r->ph->agg->dedup)
            ok = dedup_stage2(r, part, s, &changed, &expired, err, sizeof err);
        else if (ok)
            ok = agg_stage2(r, part, s, &changed, &expired, err, sizeof err);
    }
    int64_t t1 = now_us();
    for (size_t i = 0; ok && i < expired.n; i++) /* emitted in append mode, else dropped */
        sp_state_remove(s, expired.v[i]);
    int64_t t2 = now_us();
    if (ok) {
        ps->update_us = t1 - t0;
        ps->removal_us = t2 - t1;
        if (!r->ph->sjoin) {
            ps->state_total =
                r->ph->session ? sp_bx_session_count(s) : (int64_t)sp_state_store_len(s);
            ps->state_updated = (int64_t)changed.n;
            ps->state_removed = (int64_t)expired.n;
        }
        ps->state_bytes = (int64_t)sp_state_store_bytes(s);
    }
    free(changed.v);
    free(expired.v);
    if (s && st->end(st->ud, part, ok, err, sizeof err) != SPATE_OK) ok = false;
    ps->commit_us = now_us() - t2;
    if (!ok) fail(r, err[0] ? err : "the state store failed");
}
