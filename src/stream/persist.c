/* persist.c - DStream.persist / cache: the level is kept on the stream, and
 * sp_stream_get_or_compute (graph.c) caches each batch's RDD at it
 * (exec/cache.c), so the batch is computed once however many outputs and
 * streams read it, and freed with the batch's scope. */
#include "stream/ctx_impl.h"

spate_err spate_stream_persist(spate_stream *s, spate_storage_level level)
{
    if (!s) return SPATE_ERR_INVALID_ARG;
    if (spate_storage_level_name(level)[0] == '\0') {
        sp_ctx_set_error(s->ctx, "persist: unknown storage level %d", (int)level);
        return SPATE_ERR_INVALID_ARG;
    }
    if (spate_ctx_get_state(s->ctx) != SPATE_CTX_INITIALIZED) {
        sp_ctx_set_error(s->ctx,
                         "Cannot change storage level of a DStream after streaming context has "
                         "started");
        return SPATE_ERR_STATE;
    }
    s->storage_level = level;
    return SPATE_OK;
}

/* Spark's DStream.persist() default keeps batches serialized in memory; spate
 * keeps values either way (see spate_storage_level). */
spate_err spate_stream_cache(spate_stream *s)
{
    return spate_stream_persist(s, SPATE_STORAGE_MEMORY_ONLY_SER);
}

spate_storage_level spate_stream_get_storage_level(const spate_stream *s)
{
    return s ? s->storage_level : SPATE_STORAGE_NONE;
}
