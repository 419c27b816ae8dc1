/* receiver_wal.c - the receivers' write-ahead log at run time (see
 * receiver_wal.h): logging stored records, allocations and completions,
 * deleting files nobody needs any more, and the checkpoint hooks. */
#include "stream/inputs/receiver_wal_int.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/log.h"
#include "stream/ckpt/ckpt.h"
#include "stream/ctx_impl.h"

#include <spate/listener.h>

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- seq ranges ------------------------------------------------------------ */

void sp_ranges_push(sp_ranges *r, sp_seq_range x)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 4;
        r->v = sp_xrealloc(r->v, sizeof *r->v * (size_t)r->cap);
    }
    r->v[r->n++] = x;
}

void sp_ranges_add(sp_ranges *r, uint64_t seq)
{
    if (r->n > 0 && r->v[r->n - 1].to == seq)
        r->v[r->n - 1].to++;
    else
        sp_ranges_push(r, (sp_seq_range){seq, seq + 1});
}

bool sp_ranges_contain(const sp_ranges *r, uint64_t seq)
{
    for (int i = 0; i < r->n; i++)
        if (seq >= r->v[i].from && seq < r->v[i].to) return true;
    return false;
}

bool sp_ranges_overlap(const sp_ranges *r, uint64_t lo, uint64_t hi)
{
    for (int i = 0; i < r->n; i++)
        if (r->v[i].from <= hi && lo < r->v[i].to) return true;
    return false;
}

uint64_t sp_ranges_count(const sp_ranges *r)
{
    uint64_t n = 0;
    for (int i = 0; i < r->n; i++)
        n += r->v[i].to - r->v[i].from;
    return n;
}

void sp_ranges_free(sp_ranges *r)
{
    free(r->v);
    *r = (sp_ranges){0};
}

void sp_ranges_put(sp_ckpt_out *w, const sp_ranges *r)
{
    sp_ckpt_put_u64(w, (uint64_t)r->n);
    for (int i = 0; i < r->n; i++) {
        sp_ckpt_put_u64(w, r->v[i].from);
        sp_ckpt_put_u64(w, r->v[i].to);
    }
}

bool sp_ranges_get(sp_ckpt_in *in, sp_ranges *r)
{
    uint64_t n;
    if (!sp_ckpt_get_u64(in, &n) || n > in->len) return false;
    for (uint64_t i = 0; i < n; i++) {
        sp_seq_range x;
        if (!sp_ckpt_get_u64(in, &x.from) || !sp_ckpt_get_u64(in, &x.to) || x.to < x.from)
            return false;
        sp_ranges_push(r, x);
    }
    return true;
}

/* ---- life cycle ---------------------------------------------------------- */

sp_rwal *sp_rwal_new(spate_stream *s)
{
    const spate_conf *conf = spate_ctx_conf(s->ctx);
    if (!sp_conf_bool(conf, "spate.streaming.receiver.writeAheadLog.enable")) return NULL;
    sp_rwal *w = sp_xcalloc(1, sizeof *w);
    w->s = s;
    w->ctx = s->ctx;
    w->next_seq = w->next_alloc = 1;
    pthread_mutex_init(&w->mu, NULL);
    sp_ckpt_out_init(&w->buf);
    return w;
}

void sp_rwal_free(sp_rwal *w)
{
    if (!w) return;
    sp_wal_close(w->log);
    sp_ranges_free(&w->live);
    for (int i = 0; i < w->nallocs; i++)
        sp_ranges_free(&w->allocs[i].ranges);
    free(w->allocs);
    for (int i = 0; i < w->nrest; i++) {
        sp_ranges_free(&w->rest[i].ranges);
        if (w->rest[i].scope) sp_scope_destroy(w->rest[i].scope);
        free(w->rest[i].vals);
    }
    free(w->rest);
    free(w->files);
    sp_ckpt_out_free(&w->buf);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

void sp_rwal_fail(sp_rwal *w, spate_err err, const char *msg)
{
    sp_ctx_report_error(w->ctx, err, WAL_COMPONENT, "%s", msg);
}

sp_alloc *sp_rwal_add_alloc(sp_rwal *w, uint64_t id, int64_t t)
{
    if (w->nallocs == w->allocs_cap) {
        w->allocs_cap = w->allocs_cap ? w->allocs_cap * 2 : 16;
        w->allocs = sp_xrealloc(w->allocs, sizeof *w->allocs * (size_t)w->allocs_cap);
    }
    sp_alloc *a = &w->allocs[w->nallocs++];
    *a = (sp_alloc){.id = id, .t = t};
    if (id >= w->next_alloc) w->next_alloc = id + 1;
    return a;
}

void sp_rwal_note_data(sp_rwal *w, uint64_t num, uint64_t seq)
{
    sp_wal_file_info *f = w->nfiles ? &w->files[w->nfiles - 1] : NULL;
    if (!f || f->num != num) {
        if (w->nfiles == w->files_cap) {
            w->files_cap = w->files_cap ? w->files_cap * 2 : 16;
            w->files = sp_xrealloc(w->files, sizeof *w->files * (size_t)w->files_cap);
        }
        f = &w->files[w->nfiles++];
        *f = (sp_wal_file_info){.num = num, .lo = seq, .hi = seq};
    }
    if (!f->has_data || seq < f->lo) f->lo = seq;
    if (!f->has_data || seq > f->hi) f->hi = seq;
    f->has_data = true;
}

static void on_batch_completed(const spate_batch_info *b, void *ud);

spate_err sp_rwal_start(sp_rwal *w, sp_rwal_load_fn load, void *ud)
{
    const char *ckpt_dir = sp_ckpt_dir(w->ctx->ckpt);
    if (!ckpt_dir) {
        sp_ctx_set_error(w->ctx,
                         "Cannot enable receiver write-ahead log without checkpoint directory "
                         "set. Please use spate_ctx_checkpoint() to set the checkpoint directory. "
                         "See documentation for more details.");
        return SPATE_ERR_INVALID_ARG;
    }
    char dir[PATH_MAX], err[WAL_MSG];
    snprintf(dir, sizeof dir, "%s/receivedData/%d", ckpt_dir, w->s->id);
    spate_err e = sp_wal_open(dir, &w->log, err, sizeof err);
    if (e) {
        sp_ctx_set_error(w->ctx, "%s", err);
        return e;
    }
    w->keep_ms = sp_ckpt_replay_span(w->ctx->ckpt); /* what recovery may run again */
    pthread_mutex_lock(&w->mu);
    e = sp_rwal_replay(w, load, ud);
    if (!e) sp_rwal_cleanup(w, INT64_MIN); /* what earlier runs finished */
    pthread_mutex_unlock(&w->mu);
    if (e) return e;
    spate_listener l = {.on_batch_completed = on_batch_completed, .ud = w};
    return spate_ctx_add_listener(w->ctx, &l);
}

/* ---- logging ------------------------------------------------------------- */

/* mu held: appends w->buf as a record; false (reported) on failure. */
static bool append_buf(sp_rwal *w, uint64_t *num, uint64_t *pos)
{
    char err[WAL_MSG];
    if (sp_wal_append(w->log, w->buf.buf, w->buf.len, num, pos, err, sizeof err) == SPATE_OK)
        return true;
    sp_rwal_fail(w, SPATE_ERR_IO, err);
    return false;
}

void sp_rwal_append(sp_rwal *w, spate_value v, uint64_t *pos)
{
    *pos = 0;
    pthread_mutex_lock(&w->mu);
    w->buf.len = 0;
    sp_ckpt_put_u8(&w->buf, REC_DATA);
    sp_ckpt_put_u64(&w->buf, w->next_seq);
    sp_ckpt_put_value(&w->buf, v);
    uint64_t num;
    /* A record that could not be logged is still processed: the failure is
     * the context's error, as Spark's store() throws it to the receiver. */
    if (append_buf(w, &num, pos)) {
        sp_rwal_note_data(w, num, w->next_seq);
        w->last_pos = *pos;
    }
    sp_ranges_add(&w->live, w->next_seq++);
    pthread_mutex_unlock(&w->mu);
}

void sp_rwal_sync(sp_rwal *w, uint64_t pos)
{
    if (!pos) return;
    char err[WAL_MSG];
    if (sp_wal_sync(w->log, pos, err, sizeof err) != SPATE_OK) sp_rwal_fail(w, SPATE_ERR_IO, err);
}

void sp_rwal_counts(sp_rwal *w, uint64_t *logged, uint64_t *synced)
{
    pthread_mutex_lock(&w->mu);
    *logged = w->last_pos;
    pthread_mutex_unlock(&w->mu);
    *synced = w->log ? sp_wal_synced(w->log) : 0;
}

void sp_rwal_allocate(sp_rwal *w, int64_t t, size_t n)
{
    pthread_mutex_lock(&w->mu);
    if (n > 0 && w->live.n > 0) {
        sp_alloc *a = sp_rwal_add_alloc(w, w->next_alloc, t);
        a->ranges = w->live;
        w->live = (sp_ranges){0};
        w->buf.len = 0;
        sp_ckpt_put_u8(&w->buf, REC_ALLOC);
        sp_ckpt_put_u64(&w->buf, a->id);
        sp_ckpt_put_i64(&w->buf, t);
        sp_ranges_put(&w->buf, &a->ranges);
        uint64_t num, pos;
        char err[WAL_MSG];
        /* The roll syncs: the batch's records and its allocation are durable
         * before the batch is queued and checkpointed. */
        if (append_buf(w, &num, &pos) && sp_wal_roll(w->log, err, sizeof err) != SPATE_OK)
            sp_rwal_fail(w, SPATE_ERR_IO, err);
    }
    pthread_mutex_unlock(&w->mu);
}

bool sp_rwal_take_restored(sp_rwal *w, int64_t t, sp_scope **scope, spate_value **vals, size_t *n)
{
    bool found = false;
    pthread_mutex_lock(&w->mu);
    for (int i = 0; i < w->nrest && !found; i++) {
        sp_restored *r = &w->rest[i];
        if (r->t != t || r->taken) continue;
        found = true;
        r->taken = true;
        *scope = r->scope;
        *vals = r->vals;
        *n = r->n;
        r->scope = NULL;
        r->vals = NULL;
    }
    pthread_mutex_unlock(&w->mu);
    return found;
}

/* ---- completion and cleanup --------------------------------------------- */

/* mu held: true when every record of [lo, hi] belongs to a batch that is done
 * and out of the window (or done before this run). */
static bool range_unused(sp_rwal *w, uint64_t lo, uint64_t hi, int64_t horizon)
{
    if (sp_ranges_overlap(&w->live, lo, hi)) return false;
    for (int i = 0; i < w->nrest; i++)
        if (!w->rest[i].taken && sp_ranges_overlap(&w->rest[i].ranges, lo, hi)) return false;
    for (int i = 0; i < w->nallocs; i++) {
        const sp_alloc *a = &w->allocs[i];
        if (a->superseded || (a->done && (a->earlier || a->t <= horizon))) continue;
        if (sp_ranges_overlap(&a->ranges, lo, hi)) return false;
    }
    return true;
}

/* mu held: forgets allocations whose records are all in deleted files. */
static void forget_allocs(sp_rwal *w, uint64_t first_kept_seq)
{
    int kept = 0;
    for (int i = 0; i < w->nallocs; i++) {
        sp_alloc *a = &w->allocs[i];
        bool gone = a->done || a->superseded;
        for (int j = 0; j < a->ranges.n && gone; j++)
            if (a->ranges.v[j].to > first_kept_seq) gone = false;
        if (gone)
            sp_ranges_free(&a->ranges);
        else
            w->allocs[kept++] = *a;
    }
    w->nallocs = kept;
}

void sp_rwal_cleanup(sp_rwal *w, int64_t horizon)
{
    int unused = 0;
    while (unused < w->nfiles) {
        const sp_wal_file_info *f = &w->files[unused];
        if (f->has_data && !range_unused(w, f->lo, f->hi, horizon)) break;
        unused++;
    }
    /* The last file may still be written to: it stays. */
    if (unused == w->nfiles && unused > 0) unused--;
    if (unused == 0) return;
    sp_wal_delete_before(w->log, w->files[unused].num);
    uint64_t first_kept_seq = w->files[unused].has_data ? w->files[unused].lo : w->next_seq;
    memmove(w->files, w->files + unused, sizeof *w->files * (size_t)(w->nfiles - unused));
    w->nfiles -= unused;
    forget_allocs(w, first_kept_seq);
}

/* mu held: restored batches up to t that no batch asked for (a window's
 * older inputs that were not needed after all) are over too. */
static void drop_unused_restored(sp_rwal *w, int64_t t)
{
    for (int i = 0; i < w->nrest; i++) {
        sp_restored *r = &w->rest[i];
        if (r->taken || r->t > t) continue;
        r->taken = true;
        if (r->scope) sp_scope_destroy(r->scope);
        free(r->vals);
        r->scope = NULL;
        r->vals = NULL;
    }
}

/* Job thread: batch b completed. Batches complete in time order, so every
 * allocation up to its time is done (restored ones included); then the files
 * that left the retention window are deleted. */
static void on_batch_completed(const spate_batch_info *b, void *ud)
{
    sp_rwal *w = ud;
    pthread_mutex_lock(&w->mu);
    drop_unused_restored(w, b->batch_time_ms);
    for (int i = 0; i < w->nallocs; i++) {
        sp_alloc *a = &w->allocs[i];
        if (a->t > b->batch_time_ms || a->done || a->superseded) continue;
        a->done = true;
        w->buf.len = 0;
        sp_ckpt_put_u8(&w->buf, REC_DONE);
        sp_ckpt_put_u64(&w->buf, a->id);
        uint64_t num, pos;
        append_buf(w, &num, &pos); /* durable with the next allocation's sync */
    }
    sp_rwal_cleanup(w, b->batch_time_ms - w->keep_ms);
    pthread_mutex_unlock(&w->mu);
}

/* ---- checkpoint hooks ---------------------------------------------------- */

void sp_rwal_save_batch(sp_rwal *w, int64_t t, sp_ckpt_out *out)
{
    sp_ranges none = {0};
    const sp_ranges *r = &none;
    if (w) pthread_mutex_lock(&w->mu);
    for (int i = 0; w && i < w->nrest; i++) /* a batch run again takes the same */
        if (w->rest[i].t == t) r = &w->rest[i].ranges;
    for (int i = w ? w->nallocs - 1 : -1; i >= 0 && r == &none; i--)
        if (w->allocs[i].t == t && !w->allocs[i].superseded) r = &w->allocs[i].ranges;
    sp_ranges_put(out, r);
    /* Every allocation made so far is now named by a checkpoint (the one
     * being written, or an earlier one). */
    if (w) w->saved_mark = w->next_alloc - 1;
    if (w) pthread_mutex_unlock(&w->mu);
}

spate_err sp_rwal_restore_batch(sp_rwal *w, int64_t t, sp_ckpt_in *in)
{
    sp_ranges r = {0};
    if (!sp_ranges_get(in, &r)) {
        sp_ranges_free(&r);
        return SPATE_ERR_CORRUPT;
    }
    if (!w) { /* the log is off: received data is not kept across restarts */
        sp_ranges_free(&r);
        return SPATE_OK;
    }
    pthread_mutex_lock(&w->mu);
    if (w->nrest == w->rest_cap) {
        w->rest_cap = w->rest_cap ? w->rest_cap * 2 : 8;
        w->rest = sp_xrealloc(w->rest, sizeof *w->rest * (size_t)w->rest_cap);
    }
    w->rest[w->nrest++] = (sp_restored){.t = t, .ranges = r};
    pthread_mutex_unlock(&w->mu);
    return SPATE_OK;
}

void sp_rwal_save_position(sp_rwal *w, sp_ckpt_out *out)
{
    if (w) pthread_mutex_lock(&w->mu);
    sp_ckpt_put_u64(out, w ? w->saved_mark : 0);
    if (w) pthread_mutex_unlock(&w->mu);
}

spate_err sp_rwal_load_position(sp_rwal *w, sp_ckpt_in *in)
{
    uint64_t mark;
    if (!sp_ckpt_get_u64(in, &mark)) return SPATE_ERR_CORRUPT;
    if (w) {
        w->has_mark = true;
        w->mark = mark;
    }
    return SPATE_OK;
}
