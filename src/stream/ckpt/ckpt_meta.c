/* ckpt_meta.c - the metadata checkpoint's body (encode, decode) and its
 * files (write, read, find the newest, delete old ones). The format is
 * described in ckpt_meta.h. */
#include "stream/ckpt/ckpt_meta.h"

#include "base/arena.h"
#include "base/errbuf.h"
#include "logs/entry_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char KIND[] = "metadata";
static const char PREFIX[] = "checkpoint-";

void sp_ckpt_blobs_free(sp_ckpt_blob *v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i].data);
    free(v);
}

void sp_ckpt_meta_free(sp_ckpt_meta *m)
{
    for (int i = 0; i < m->nconf; i++) {
        free(m->conf[i].key);
        free(m->conf[i].value);
    }
    free(m->conf);
    free(m->graph);
    for (int i = 0; i < m->nchains; i++)
        free(m->chains[i].v);
    free(m->chains);
    free(m->pending);
    for (int i = 0; i < m->nbatches; i++)
        sp_ckpt_blobs_free(m->batches[i].v, m->batches[i].n);
    free(m->batches);
    sp_ckpt_blobs_free(m->positions, m->npositions);
    *m = (sp_ckpt_meta){0};
}

/* ---- encoding ------------------------------------------------------------- */

static void put_blobs(sp_ckpt_out *w, const sp_ckpt_blob *v, int n)
{
    sp_ckpt_put_u64(w, (uint64_t)n);
    for (int i = 0; i < n; i++) {
        sp_ckpt_put_u64(w, (uint64_t)v[i].stream);
        sp_ckpt_put_bytes(w, v[i].data, v[i].len);
    }
}

static void put_chains(sp_ckpt_out *w, const sp_ckpt_meta *m)
{
    sp_ckpt_put_u64(w, (uint64_t)m->nchains);
    for (int i = 0; i < m->nchains; i++) {
        const sp_ckpt_chain *c = &m->chains[i];
        sp_ckpt_put_u64(w, (uint64_t)c->stream);
        sp_ckpt_put_u64(w, (uint64_t)c->n);
        for (int j = 0; j < c->n; j++) {
            sp_ckpt_put_i64(w, c->v[j].time);
            sp_ckpt_put_u8(w, c->v[j].full);
        }
    }
}

void sp_ckpt_meta_encode(const sp_ckpt_meta *m, sp_ckpt_out *w)
{
    sp_ckpt_put_i64(w, m->time);
    sp_ckpt_put_i64(w, m->batch);
    sp_ckpt_put_i64(w, m->zero_time);
    sp_ckpt_put_u64(w, (uint64_t)m->nconf);
    for (int i = 0; i < m->nconf; i++) {
        sp_ckpt_put_str(w, m->conf[i].key);
        sp_ckpt_put_str(w, m->conf[i].value);
    }
    sp_ckpt_put_str(w, m->graph);
    sp_ckpt_put_u64(w, m->fingerprint);
    sp_ckpt_put_i64(w, m->restart);
    sp_ckpt_put_i64(w, m->last_completed);
    put_chains(w, m);
    sp_ckpt_put_u64(w, (uint64_t)m->npending);
    for (int i = 0; i < m->npending; i++)
        sp_ckpt_put_i64(w, m->pending[i]);
    sp_ckpt_put_u64(w, (uint64_t)m->nbatches);
    for (int i = 0; i < m->nbatches; i++) {
        sp_ckpt_put_i64(w, m->batches[i].time);
        put_blobs(w, m->batches[i].v, m->batches[i].n);
    }
    put_blobs(w, m->positions, m->npositions);
}

/* ---- decoding ------------------------------------------------------------- */

/* A count of items that take at least one byte each: no more than remain,
 * so a damaged count cannot make us allocate wildly. */
static bool get_count(sp_ckpt_in *in, int *n)
{
    uint64_t v;
    if (!sp_ckpt_get_u64(in, &v)) return false;
    if (v > in->len - in->pos || v > INT32_MAX) {
        in->bad = true;
        return false;
    }
    *n = (int)v;
    return true;
}

static bool get_id(sp_ckpt_in *in, int *id)
{
    uint64_t v;
    if (!sp_ckpt_get_u64(in, &v)) return false;
    if (v > INT32_MAX) return in->bad = true, false;
    *id = (int)v;
    return true;
}

static char *get_strdup(sp_ckpt_in *in)
{
    const void *p;
    size_t n;
    if (!sp_ckpt_get_bytes(in, &p, &n)) return NULL;
    char *s = sp_xmalloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static bool get_blobs(sp_ckpt_in *in, sp_ckpt_blob **out, int *nout)
{
    int n;
    if (!get_count(in, &n)) return false;
    sp_ckpt_blob *v = sp_xcalloc((size_t)n + 1, sizeof *v);
    *out = v;
    *nout = 0;
    for (int i = 0; i < n; i++) {
        const void *p;
        size_t len;
        if (!get_id(in, &v[i].stream) || !sp_ckpt_get_bytes(in, &p, &len)) return false;
        v[i].data = sp_xmalloc(len ? len : 1);
        memcpy(v[i].data, p, len);
        v[i].len = len;
        *nout = i + 1;
    }
    return true;
}

static bool get_conf(sp_ckpt_in *in, sp_ckpt_meta *m)
{
    int n;
    if (!get_count(in, &n)) return false;
    m->conf = sp_xcalloc((size_t)n + 1, sizeof *m->conf);
    for (int i = 0; i < n; i++) {
        m->conf[i].key = get_strdup(in);
        m->conf[i].value = get_strdup(in);
        m->nconf = i + 1;
        if (!m->conf[i].key || !m->conf[i].value) return false;
    }
    return true;
}

static bool get_chains(sp_ckpt_in *in, sp_ckpt_meta *m)
{
    int n;
    if (!get_count(in, &n)) return false;
    m->chains = sp_xcalloc((size_t)n + 1, sizeof *m->chains);
    for (int i = 0; i < n; i++) {
        sp_ckpt_chain *c = &m->chains[i];
        m->nchains = i + 1;
        int nfiles;
        if (!get_id(in, &c->stream) || !get_count(in, &nfiles)) return false;
        c->v = sp_xcalloc((size_t)nfiles + 1, sizeof *c->v);
        c->cap = nfiles + 1;
        for (int j = 0; j < nfiles; j++) {
            uint8_t full;
            if (!sp_ckpt_get_i64(in, &c->v[j].time) || !sp_ckpt_get_u8(in, &full)) return false;
            c->v[j].full = full != 0;
            c->n = j + 1;
        }
    }
    return true;
}

static bool get_pending(sp_ckpt_in *in, sp_ckpt_meta *m)
{
    int n;
    if (!get_count(in, &n)) return false;
    m->pending = sp_xcalloc((size_t)n + 1, sizeof *m->pending);
    m->pending_cap = n + 1;
    for (int i = 0; i < n; i++) {
        if (!sp_ckpt_get_i64(in, &m->pending[i])) return false;
        m->npending = i + 1;
    }
    return true;
}

static bool get_batches(sp_ckpt_in *in, sp_ckpt_meta *m)
{
    int n;
    if (!get_count(in, &n)) return false;
    m->batches = sp_xcalloc((size_t)n + 1, sizeof *m->batches);
    m->batches_cap = n + 1;
    for (int i = 0; i < n; i++) {
        sp_ckpt_inputs *b = &m->batches[i];
        m->nbatches = i + 1;
        if (!sp_ckpt_get_i64(in, &b->time) || !get_blobs(in, &b->v, &b->n)) return false;
    }
    return true;
}

static bool get_body(sp_ckpt_in *in, sp_ckpt_meta *m)
{
    if (!sp_ckpt_get_i64(in, &m->time) || !sp_ckpt_get_i64(in, &m->batch) ||
        !sp_ckpt_get_i64(in, &m->zero_time) || !get_conf(in, m))
        return false;
    if (!(m->graph = get_strdup(in)) || !sp_ckpt_get_u64(in, &m->fingerprint) ||
        !sp_ckpt_get_i64(in, &m->restart) || !sp_ckpt_get_i64(in, &m->last_completed))
        return false;
    return get_chains(in, m) && get_pending(in, m) && get_batches(in, m) &&
           get_blobs(in, &m->positions, &m->npositions);
}

spate_err sp_ckpt_meta_decode(sp_ckpt_in *in, sp_ckpt_meta *m, char *errstr, size_t errstr_size)
{
    *m = (sp_ckpt_meta){0};
    if (!get_body(in, m) || !sp_ckpt_in_done(in)) {
        sp_errf(errstr, errstr_size,
                "corrupt checkpoint file %s: malformed metadata (at byte %zu of %zu)", in->path,
                in->pos, in->len);
        return SPATE_ERR_CORRUPT;
    }
    if (m->batch <= 0) {
        sp_errf(errstr, errstr_size, "corrupt checkpoint file %s: batch interval %lld ms", in->path,
                (long long)m->batch);
        return SPATE_ERR_CORRUPT;
    }
    return SPATE_OK;
}

/* ---- files ---------------------------------------------------------------- */

/* The metadata files as an entry log numbered by batch time. */
static sp_entry_log meta_log(const char *dir)
{
    sp_entry_log log;
    sp_entry_log_init(&log, dir, PREFIX, KIND, SP_CKPT_META_VERSION);
    return log;
}

void sp_ckpt_meta_path(char *buf, size_t size, const char *dir, int64_t time)
{
    sp_entry_log log = meta_log(dir);
    sp_entry_log_path(&log, time, buf, size);
}

spate_err sp_ckpt_meta_write(const char *dir, const sp_ckpt_meta *m, char *errstr,
                             size_t errstr_size)
{
    sp_entry_log log = meta_log(dir);
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_meta_encode(m, &w);
    /* The file of a batch time is rewritten when the batch completes. */
    spate_err err = sp_entry_log_write(&log, m->time, &w, true, errstr, errstr_size);
    sp_ckpt_out_free(&w);
    return err;
}

spate_err sp_ckpt_meta_read(const char *path, sp_ckpt_meta *m, char *errstr, size_t errstr_size)
{
    *m = (sp_ckpt_meta){0};
    sp_ckpt_in in;
    spate_err err = sp_ckpt_read_file(path, KIND, SP_CKPT_META_VERSION, &in, errstr, errstr_size);
    if (err) return err;
    err = sp_ckpt_meta_decode(&in, m, errstr, errstr_size);
    sp_ckpt_in_free(&in);
    return err;
}

int sp_ckpt_meta_list(const char *dir, int64_t **out)
{
    sp_entry_log log = meta_log(dir);
    return sp_entry_log_list(&log, out);
}

spate_err sp_ckpt_meta_latest(const char *dir, int64_t *time)
{
    sp_entry_log log = meta_log(dir);
    return sp_entry_log_latest(&log, time);
}

void sp_ckpt_meta_prune(const char *dir, int keep)
{
    sp_entry_log log = meta_log(dir);
    sp_entry_log_keep_latest(&log, keep);
}
