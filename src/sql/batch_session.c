/* batch_session.c - the aggregate of a session window (analyze_session.c
 * makes each row a session [ts, ts + gap) of its own, grouped by the other
 * keys and the session's bounds): per key, the state keeps the key's
 * sessions in start order, each [start, end, the aggregate buffers], and
 * stage 2 merges every new session into the ones it overlaps or touches
 * (Spark's MergingSessionsExec: a row within the gap of a session extends
 * it, and a session bridging two makes them one). Complete mode emits
 * every session; append mode emits a session once the watermark passes
 * its end, and forgets it. Executor threads, one partition each. */
#include "sql/batch_exec_int.h"

#include "base/arena.h"

#include <string.h>

/* The group key without the session's bounds (the state's key), in a. */
static spate_value key_of(const sp_physical *ph, spate_value full, spate_arena *a)
{
    int n = ph->agg->ngroups, k = 0;
    spate_value key = spate_array_of(a, NULL, (size_t)(n - 2));
    for (int i = 0; i < n; i++)
        if (i != ph->session_start_key && i != ph->session_end_key)
            spate_items_mut(key)[k++] = full.u.items[i];
    return key;
}

/* The group key of a session of key: key's values with the bounds put
 * back in their places, in a. */
static spate_value full_key(const sp_physical *ph, spate_value key, spate_value session,
                            spate_arena *a)
{
    int n = ph->agg->ngroups, k = 0;
    spate_value full = spate_array_of(a, NULL, (size_t)n);
    for (int i = 0; i < n; i++)
        spate_items_mut(full)[i] = i == ph->session_start_key ? session.u.items[0]
                                   : i == ph->session_end_key ? session.u.items[1]
                                                              : key.u.items[k++];
    return full;
}

void sp_bx_session_parts(run *r, int task)
{
    sp_agg_table *t = r->tables[task];
    int64_t n = sp_agg_table_ngroups(t);
    int *parts = malloc(sizeof *parts * (size_t)(n + 1));
    if (!parts) abort();
    spate_arena *a = spate_arena_new();
    for (int64_t g = 0; g < n; g++) {
        sp_arena_mark mark = sp_arena_get_mark(a);
        spate_value key = key_of(r->ph, sp_agg_table_key(t, g, a), a);
        parts[g] = shuffle_part(spate_value_hash(key), r->n2);
        sp_arena_release(a, mark);
    }
    spate_arena_destroy(a);
    r->gparts[task] = parts;
}

static spate_value session(spate_arena *a, int64_t start, int64_t end, spate_value buf)
{
    spate_value v[3] = {spate_i64(start), spate_i64(end), buf};
    return spate_array_of(a, v, 3);
}

/* list (sessions in start order, none overlapping) with [start, end) of
 * buffer buf merged in, in *out (made in a). */
static bool merge_session(run *r, spate_value list, int64_t start, int64_t end, spate_value buf,
                          spate_arena *a, spate_value *out, char *err, size_t n)
{
    const sp_plan *g = r->ph->agg;
    spate_value *v = spate_arena_alloc(a, sizeof *v * (list.len + 1));
    uint32_t m = 0;
    bool placed = false;
    for (uint32_t i = 0; i < list.len; i++) {
        spate_value s = list.u.items[i];
        int64_t ss = s.u.items[0].u.i, se = s.u.items[1].u.i;
        if (se < start || ss > end) { /* apart (a session that only touches joins it) */
            if (!placed && ss > end) v[m++] = session(a, start, end, buf), placed = true;
            v[m++] = s;
            continue;
        }
        spate_value merged;
        if (!sp_agg_merge(g->aggs, g->naggs, s.u.items[2], buf, a, &merged, r->env->ansi, err, n))
            return false;
        buf = merged;
        start = ss < start ? ss : start;
        end = se > end ? se : end;
    }
    if (!placed) v[m++] = session(a, start, end, buf);
    *out = spate_array_of(a, v, m);
    return true;
}

/* Merges the partition's new sessions into the state. */
static bool merge_groups(run *r, int part, sp_state_store *s, evec *changed, char *err, size_t n)
{
    const sp_physical *ph = r->ph;
    spate_arena *a = spate_arena_new();
    bool ok = true;
    for (int t = 0; t < r->n1 && ok; t++) {
        sp_agg_table *tab = r->tables[t];
        for (int64_t k = 0, ng = sp_agg_table_ngroups(tab); k < ng && ok; k++) {
            if (r->gparts[t][k] != part) continue;
            sp_arena_mark mark = sp_arena_get_mark(a);
            spate_value full = sp_agg_table_key(tab, k, a), key = key_of(ph, full, a), list;
            bool inserted;
            sp_state_entry *e = sp_state_upsert(s, key, sp_state_hash(key), &inserted);
            ok = merge_session(r, inserted ? spate_array_of(a, NULL, 0) : e->val,
                               full.u.items[ph->session_start_key].u.i,
                               full.u.items[ph->session_end_key].u.i,
                               sp_agg_table_buffer(tab, k, a), a, &list, err, n);
            if (ok) sp_state_set(s, e, list);
            if (ok && e->time != r->stamp) {
                sp_state_touch(s, e, r->stamp, false);
                evec_push(changed, e);
            }
            sp_arena_release(a, mark);
        }
    }
    spate_arena_destroy(a);
    return ok;
}

static bool ended(const run *r, spate_value session)
{
    return r->env->use_watermark && session.u.items[1].u.i <= r->env->watermark_us;
}

/* The rows to emit: every session (complete), or those the watermark
 * passed (append). */
static int64_t count_rows(const run *r, sp_state_store *s, bool all)
{
    int64_t n = 0;
    size_t it = 0;
    for (sp_state_entry *e; (e = sp_state_next(s, &it));)
        for (uint32_t i = 0; i < e->val.len; i++)
            n += all || ended(r, e->val.u.items[i]);
    return n;
}

/* Emits an entry's sessions (all, or the ended ones, which it then
 * forgets: *empty when none is left). */
static bool emit_entry(run *r, sp_state_store *s, sp_state_entry *e, bool all, sp_colbatch *out,
                       spate_arena *a, bool *empty, char *err, size_t n)
{
    const sp_physical *ph = r->ph;
    const sp_plan *g = ph->agg;
    spate_value *keep = spate_arena_alloc(a, sizeof *keep * (e->val.len + 1));
    uint32_t m = 0;
    for (uint32_t i = 0; i < e->val.len; i++) {
        spate_value sess = e->val.u.items[i];
        bool done = ended(r, sess);
        if (!all && !done) {
            keep[m++] = sess;
            continue;
        }
        if (!sp_agg_emit_row(out, g->ngroups, ph->key_types, full_key(ph, e->key, sess, a),
                             g->naggs, g->aggs, sess.u.items[2], r->env->ansi, err, n))
            return false;
        if (all) keep[m++] = sess;
    }
    *empty = m == 0;
    if (m != e->val.len && m) sp_state_set(s, e, spate_array_of(a, keep, m));
    return true;
}

int64_t sp_bx_session_count(const sp_state_store *s)
{
    int64_t n = 0;
    size_t it = 0;
    for (sp_state_entry *e; (e = sp_state_next(s, &it));)
        n += e->val.len;
    return n;
}

bool sp_bx_session_stage2(run *r, int part, sp_state_store *s, evec *changed, evec *expired,
                          char *err, size_t err_size)
{
    const sp_physical *ph = r->ph;
    if (!merge_groups(r, part, s, changed, err, err_size)) return false;
    bool all = r->env->mode == SP_OUTPUT_COMPLETE;
    spate_arena *out_arena = r->arenas[r->n1 + part];
    sp_colbatch *out =
        sp_agg_output_batch(out_arena, ph->agg->ngroups, ph->key_types, ph->key_names,
                            ph->agg->naggs, ph->agg->aggs, count_rows(r, s, all));
    spate_arena *a = spate_arena_new();
    bool ok = true;
    size_t it = 0;
    for (sp_state_entry *e; ok && (e = sp_state_next(s, &it));) {
        bool empty = false;
        ok = emit_entry(r, s, e, all, out, a, &empty, err, err_size);
        if (ok && empty) evec_push(expired, e);
    }
    spate_arena_destroy(a);
    return ok && sp_bx_emit_post(r, part, out, err, err_size);
}
