/* sink_noop.c - the noop sink (Spark's NoopTable): takes each batch and
 * writes nothing, for benchmarks (the query runtime counts the rows); it
 * costs one call per batch, nothing per row. Every output mode.
 *
 * Threads: the query's thread. */
#include "sql/sink_int.h"

#include "base/arena.h"

#include <stdlib.h>

static const char *noop_description(sp_sink *s)
{
    (void)s;
    return "NoopTable";
}

static spate_err noop_add(sp_sink *s, int64_t batch_id, sp_output_mode mode,
                          const sp_colbatch *const *batches, size_t n, char *errstr,
                          size_t errstr_size)
{
    (void)s, (void)batch_id, (void)mode, (void)batches, (void)n, (void)errstr, (void)errstr_size;
    return SPATE_OK;
}

static void noop_close(sp_sink *s) { free(s); }

/* Rows are dropped where they are made: the query keeps none (sink.h). */
static spate_err noop_write_rows(sp_sink *s, int64_t batch_id, int part, const sp_colbatch *b,
                                 char *errstr, size_t errstr_size)
{
    (void)s, (void)batch_id, (void)part, (void)b, (void)errstr, (void)errstr_size;
    return SPATE_OK;
}

static const sp_sink_ops noop_ops = {.description = noop_description,
                                     .add_batch = noop_add,
                                     .close = noop_close,
                                     .write_rows = noop_write_rows};

sp_sink *sp_sink_noop_open(const sp_sink_def *d, const sp_sql_type *schema)
{
    sp_sink *s = sp_xcalloc(1, sizeof *s);
    s->ops = &noop_ops;
    s->def = d;
    s->schema = schema;
    return s;
}
