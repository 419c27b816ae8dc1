/* source_kafka_pool.c - the batches a `kafka` source's reads reuse when
 * no batch outlives its task's pipeline (sp_source.reuse_batches): each in
 * an arena of its own, taken by a read and given back at its end, so that
 * a query's reads after the first ones make no new batch. With one batch
 * per task in the task's arena, a trigger over a 64-partition topic made
 * 64 batches (about a megabyte each, with the growth of their value
 * column), more than the process's arena cache keeps between triggers:
 * their pages were faulted in again at every trigger.
 *
 * Threads: take and give from any executor thread (a mutex); init and free
 * on the query's thread, when no read runs. */
#include "sql/source_kafka_int.h"

#include "base/arena.h"

#include <stdlib.h>

void sp_kafka_batch_pool_init(sp_kafka_batch_pool *p, const sp_sql_type *schema)
{
    *p = (sp_kafka_batch_pool){.schema = schema};
    pthread_mutex_init(&p->mu, NULL);
}

void sp_kafka_batch_pool_free(sp_kafka_batch_pool *p)
{
    for (int i = 0; i < p->nfree; i++)
        spate_arena_destroy(p->free[i]->arena); /* the batch lives in its arena */
    free(p->free);
    pthread_mutex_destroy(&p->mu);
    *p = (sp_kafka_batch_pool){0};
}

sp_colbatch *sp_kafka_batch_pool_take(sp_kafka_batch_pool *p)
{
    pthread_mutex_lock(&p->mu);
    sp_colbatch *b = p->nfree ? p->free[--p->nfree] : NULL;
    pthread_mutex_unlock(&p->mu);
    return b ? b : sp_source_batch_new(p->schema, spate_arena_new(), SP_SOURCE_BATCH_ROWS);
}

void sp_kafka_batch_pool_give(sp_kafka_batch_pool *p, sp_colbatch *b)
{
    sp_colbatch_reset(b);
    pthread_mutex_lock(&p->mu);
    if (p->nfree == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->free = sp_xrealloc(p->free, sizeof *p->free * (size_t)p->cap);
    }
    p->free[p->nfree++] = b;
    pthread_mutex_unlock(&p->mu);
}
