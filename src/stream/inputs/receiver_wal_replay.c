/* receiver_wal_replay.c - reading a receiver's write-ahead log again at start
 * (see receiver_wal.h): which allocation each record belongs to, which
 * allocations are done, run again or given up, and which records go to the
 * next batch.
 *
 * Two passes over the files: the first reads only seqs, allocations and
 * completions (and repairs a torn tail); the second loads the values of the
 * records that will be used again, straight into their batch's memory. */
#include "stream/inputs/receiver_wal_int.h"

#include "base/arena.h"
#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- pass 1: the log's structure ---------------------------------------- */

static sp_alloc *find_alloc(sp_rwal *w, uint64_t id)
{
    for (int i = 0; i < w->nallocs; i++)
        if (w->allocs[i].id == id) return &w->allocs[i];
    return NULL;
}

/* An allocation that takes records of an earlier, unfinished one: that one was
 * given up and its records moved (an earlier start found it orphaned). */
static void supersede_overlapping(sp_rwal *w, const sp_ranges *r)
{
    for (int i = 0; i < w->nallocs; i++) {
        sp_alloc *a = &w->allocs[i];
        for (int j = 0; j < r->n && !a->superseded; j++)
            if (sp_ranges_overlap(&a->ranges, r->v[j].from, r->v[j].to - 1)) a->superseded = true;
    }
}

static void read_alloc(sp_rwal *w, sp_ckpt_in *in)
{
    uint64_t id;
    int64_t t;
    sp_ranges r = {0};
    if (!sp_ckpt_get_u64(in, &id) || !sp_ckpt_get_i64(in, &t) || !sp_ranges_get(in, &r)) {
        sp_ranges_free(&r);
        return;
    }
    supersede_overlapping(w, &r);
    sp_rwal_add_alloc(w, id, t)->ranges = r;
}

static bool structure_record(uint64_t file, const void *p, size_t len, void *ud)
{
    sp_rwal *w = ud;
    sp_ckpt_in in;
    sp_ckpt_in_init(&in, p, len);
    uint8_t type = 0;
    uint64_t x;
    sp_ckpt_get_u8(&in, &type);
    if (type == REC_DATA && sp_ckpt_get_u64(&in, &x)) {
        sp_rwal_note_data(w, file, x);
        if (x >= w->next_seq) w->next_seq = x + 1;
    } else if (type == REC_ALLOC) {
        read_alloc(w, &in);
    } else if (type == REC_DONE && sp_ckpt_get_u64(&in, &x)) {
        sp_alloc *a = find_alloc(w, x);
        if (a) a->done = true;
    }
    return true;
}

/* ---- deciding ------------------------------------------------------------ */

/* The newest allocation of batch t, or NULL. */
static sp_alloc *alloc_of_time(sp_rwal *w, int64_t t)
{
    for (int i = w->nallocs - 1; i >= 0; i--)
        if (w->allocs[i].t == t && !w->allocs[i].superseded) return &w->allocs[i];
    return NULL;
}

/* Restored batches run again; other allocations are done or given up (their
 * records go to the next batch). */
static void classify(sp_rwal *w)
{
    for (int i = 0; i < w->nrest; i++) {
        sp_alloc *a = alloc_of_time(w, w->rest[i].t);
        if (!a) continue;
        w->rest[i].alloc_id = a->id;
        a->done = false;
    }
    for (int i = 0; i < w->nallocs; i++) {
        sp_alloc *a = &w->allocs[i];
        bool restored = false;
        for (int j = 0; j < w->nrest; j++)
            restored = restored || w->rest[j].alloc_id == a->id;
        if (a->superseded || restored) continue;
        /* A recovered context trusts its checkpoint; a new one the DONE records. */
        bool done = w->has_mark ? a->id <= w->mark : a->done;
        a->done = a->earlier = done;
        a->superseded = !done;
    }
}

/* ---- pass 2: the values -------------------------------------------------- */

typedef struct load_pass {
    sp_rwal *w;
    sp_rwal_load_fn load;
    void *ud;
    spate_arena *scratch;
} load_pass;

static sp_restored *restored_of(sp_rwal *w, uint64_t seq)
{
    for (int i = 0; i < w->nrest; i++)
        if (sp_ranges_contain(&w->rest[i].ranges, seq)) return &w->rest[i];
    return NULL;
}

/* Taken by a batch that is done or runs again (not the next batch's). */
static bool owned(sp_rwal *w, uint64_t seq)
{
    for (int i = 0; i < w->nallocs; i++)
        if (!w->allocs[i].superseded && sp_ranges_contain(&w->allocs[i].ranges, seq)) return true;
    return false;
}

static void keep_restored(sp_rwal *w, sp_restored *r, sp_ckpt_in *in)
{
    if (!r->scope) r->scope = sp_scope_new(sp_ctx_exec(w->ctx));
    spate_value v;
    if (!sp_ckpt_get_value(in, sp_scope_arena(r->scope), &v)) return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->vals = sp_xrealloc(r->vals, sizeof *r->vals * r->cap);
    }
    r->vals[r->n++] = v;
}

static bool value_record(uint64_t file, const void *p, size_t len, void *ud)
{
    (void)file;
    load_pass *lp = ud;
    sp_rwal *w = lp->w;
    sp_ckpt_in in;
    sp_ckpt_in_init(&in, p, len);
    uint8_t type = 0;
    uint64_t seq;
    if (!sp_ckpt_get_u8(&in, &type) || type != REC_DATA || !sp_ckpt_get_u64(&in, &seq)) return true;
    sp_restored *r = restored_of(w, seq);
    if (r) {
        keep_restored(w, r, &in);
        return true;
    }
    if (owned(w, seq)) return true;
    sp_arena_mark m = sp_arena_get_mark(lp->scratch);
    spate_value v;
    if (sp_ckpt_get_value(&in, lp->scratch, &v)) {
        lp->load(v, lp->ud);
        sp_ranges_add(&w->live, seq);
    }
    sp_arena_release(lp->scratch, m);
    return true;
}

/* A restored batch must find all it took. */
static void check_restored(sp_rwal *w)
{
    for (int i = 0; i < w->nrest; i++) {
        const sp_restored *r = &w->rest[i];
        uint64_t want = sp_ranges_count(&r->ranges);
        if (r->n == want) continue;
        char msg[WAL_MSG];
        snprintf(msg, sizeof msg,
                 "write-ahead log %s: batch %lld ms took %llu records, only %zu are left to run "
                 "it again",
                 sp_wal_dir(w->log), (long long)r->t, (unsigned long long)want, r->n);
        sp_rwal_fail(w, SPATE_ERR_CORRUPT, msg);
    }
}

/* Damage: a torn last record is what a crash leaves (never acknowledged);
 * anything else lost acknowledged records. */
static void report_damage(sp_rwal *w, const char *damage, bool torn_tail)
{
    if (!damage[0]) return;
    if (torn_tail)
        sp_log(SP_LOG_WARN, WAL_COMPONENT, "%s; it was never acknowledged and is dropped", damage);
    else
        sp_rwal_fail(w, SPATE_ERR_CORRUPT, damage);
}

spate_err sp_rwal_replay(sp_rwal *w, sp_rwal_load_fn load, void *ud)
{
    char damage[WAL_MSG];
    bool torn;
    spate_err err = sp_wal_replay(w->log, true, structure_record, w, damage, sizeof damage, &torn);
    if (err) {
        sp_ctx_set_error(w->ctx, "%s", damage);
        return err;
    }
    report_damage(w, damage, torn);
    classify(w);
    load_pass lp = {w, load, ud, spate_arena_new()};
    err = sp_wal_replay(w->log, false, value_record, &lp, damage, sizeof damage, NULL);
    spate_arena_destroy(lp.scratch);
    if (err) {
        sp_ctx_set_error(w->ctx, "%s", damage);
        return err;
    }
    check_restored(w);
    uint64_t n = sp_ranges_count(&w->live);
    if (n > 0 || w->nrest > 0)
        sp_log(SP_LOG_INFO, WAL_COMPONENT,
               "Recovered %llu records from the write-ahead log %s for the next batch, %d "
               "batches to run again",
               (unsigned long long)n, sp_wal_dir(w->log), w->nrest);
    return SPATE_OK;
}
