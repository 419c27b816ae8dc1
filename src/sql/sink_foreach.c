/* sink_foreach.c - foreachBatch (Spark's ForeachBatchSink: the callback gets
 * the micro-batch and its id, its error fails the query) and foreach
 * (Spark's ForeachWriter: per partition open(partitionId, epochId), then
 * process for each row when open returned true, then close(error) in every
 * case). A partition here is one batch of the micro-batch: batches[i] is
 * partition i. Both write a re-run batch again (at least once, as Spark).
 *
 * Threads: the query's thread; callbacks run on it, one at a time. */
#include "sql/sink_int.h"

#include "base/arena.h"

#include <stdlib.h>

static const char *fb_description(sp_sink *s)
{
    (void)s;
    return "ForeachBatchSink";
}

static spate_err fb_add(sp_sink *s, int64_t batch_id, sp_output_mode mode,
                        const sp_colbatch *const *batches, size_t n, char *errstr,
                        size_t errstr_size)
{
    (void)mode;
    spate_err err =
        s->def->foreach_batch(batches, n, s->schema, batch_id, s->def->foreach_batch_ud);
    if (err != SPATE_OK) {
        sp_sink_errf(errstr, errstr_size, "foreachBatch function failed on batch %lld: %s",
                     (long long)batch_id, spate_err_str(err));
        return err;
    }
    return SPATE_OK;
}

static const char *fe_description(sp_sink *s)
{
    (void)s;
    return "ForeachWriterTable";
}

static spate_err fe_add(sp_sink *s, int64_t batch_id, sp_output_mode mode,
                        const sp_colbatch *const *batches, size_t n, char *errstr,
                        size_t errstr_size)
{
    (void)mode, (void)errstr, (void)errstr_size;
    const sp_foreach_writer *w = &s->def->foreach;
    for (size_t p = 0; p < n; p++) {
        bool open = w->open ? w->open((int64_t)p, batch_id, w->ud) : true;
        for (int64_t r = 0; open && w->process && r < batches[p]->length; r++)
            w->process(batches[p], r, w->ud);
        if (w->close) w->close(NULL, w->ud);
    }
    return SPATE_OK;
}

static void plain_close(sp_sink *s) { free(s); }

static const sp_sink_ops fb_ops = {
    .description = fb_description, .add_batch = fb_add, .close = plain_close};
static const sp_sink_ops fe_ops = {
    .description = fe_description, .add_batch = fe_add, .close = plain_close};

static sp_sink *plain_open(const sp_sink_ops *ops, const sp_sink_def *d, const sp_sql_type *schema)
{
    sp_sink *s = sp_xcalloc(1, sizeof *s);
    s->ops = ops;
    s->def = d;
    s->schema = schema;
    return s;
}

sp_sink *sp_sink_foreach_batch_open(const sp_sink_def *d, const sp_sql_type *schema)
{
    return plain_open(&fb_ops, d, schema);
}

sp_sink *sp_sink_foreach_open(const sp_sink_def *d, const sp_sql_type *schema)
{
    return plain_open(&fe_ops, d, schema);
}
