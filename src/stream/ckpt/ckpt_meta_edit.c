/* ckpt_meta_edit.c - keeping the live metadata up to date between writes:
 * state chains, per-batch input records, pending times, input positions. */
#include "stream/ckpt/ckpt_meta.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

sp_ckpt_chain *sp_ckpt_meta_chain(sp_ckpt_meta *m, int stream, bool create)
{
    for (int i = 0; i < m->nchains; i++)
        if (m->chains[i].stream == stream) return &m->chains[i];
    if (!create) return NULL;
    m->chains = sp_xrealloc(m->chains, sizeof *m->chains * (size_t)(m->nchains + 1));
    m->chains[m->nchains] = (sp_ckpt_chain){.stream = stream};
    return &m->chains[m->nchains++];
}

void sp_ckpt_chain_add(sp_ckpt_chain *c, int64_t time, bool full)
{
    if (full) c->n = 0; /* a full snapshot starts a new chain */
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 8;
        c->v = sp_xrealloc(c->v, sizeof *c->v * (size_t)c->cap);
    }
    c->v[c->n++] = (sp_ckpt_file){time, full};
}

void sp_ckpt_meta_set_inputs(sp_ckpt_meta *m, int64_t t, sp_ckpt_blob *v, int n)
{
    int at = m->nbatches;
    while (at > 0 && m->batches[at - 1].time >= t)
        at--;
    if (at < m->nbatches && m->batches[at].time == t) {
        sp_ckpt_blobs_free(m->batches[at].v, m->batches[at].n);
        m->batches[at] = (sp_ckpt_inputs){t, v, n};
        return;
    }
    if (m->nbatches == m->batches_cap) {
        m->batches_cap = m->batches_cap ? 2 * m->batches_cap : 16;
        m->batches = sp_xrealloc(m->batches, sizeof *m->batches * (size_t)m->batches_cap);
    }
    memmove(m->batches + at + 1, m->batches + at, sizeof *m->batches * (size_t)(m->nbatches - at));
    m->batches[at] = (sp_ckpt_inputs){t, v, n};
    m->nbatches++;
}

void sp_ckpt_meta_drop_inputs(sp_ckpt_meta *m, int64_t t)
{
    int drop = 0;
    while (drop < m->nbatches && m->batches[drop].time <= t) {
        sp_ckpt_blobs_free(m->batches[drop].v, m->batches[drop].n);
        drop++;
    }
    memmove(m->batches, m->batches + drop, sizeof *m->batches * (size_t)(m->nbatches - drop));
    m->nbatches -= drop;
}

void sp_ckpt_meta_add_pending(sp_ckpt_meta *m, int64_t t)
{
    for (int i = 0; i < m->npending; i++)
        if (m->pending[i] == t) return;
    if (m->npending == m->pending_cap) {
        m->pending_cap = m->pending_cap ? 2 * m->pending_cap : 8;
        m->pending = sp_xrealloc(m->pending, sizeof *m->pending * (size_t)m->pending_cap);
    }
    m->pending[m->npending++] = t;
}

void sp_ckpt_meta_remove_pending(sp_ckpt_meta *m, int64_t t)
{
    int w = 0;
    for (int i = 0; i < m->npending; i++)
        if (m->pending[i] != t) m->pending[w++] = m->pending[i];
    m->npending = w;
}

void sp_ckpt_meta_set_positions(sp_ckpt_meta *m, sp_ckpt_blob *v, int n)
{
    sp_ckpt_blobs_free(m->positions, m->npositions);
    m->positions = v;
    m->npositions = n;
}
