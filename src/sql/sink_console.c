/* sink_console.c - the console sink (Spark's ConsoleTable / ConsoleWrite):
 * each micro-batch printed as "Batch: N" and show()'s table through
 * console_sink_format.h to the query's console (stdout by default), in
 * every output mode. A re-run batch is printed again (at least once).
 *
 * Threads: the query's thread. */
#include "sql/sink_int.h"

#include "base/arena.h"
#include "sql/console_sink_format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct console_sink {
    sp_sink base;
    sp_sql_console_opts opts;
    FILE *out;
    const sp_tz *tz;
} console_sink;

static const char *console_description(sp_sink *s)
{
    (void)s;
    return "ConsoleTable";
}

static spate_err console_add(sp_sink *s, int64_t batch_id, sp_output_mode mode,
                             const sp_colbatch *const *batches, size_t n, char *errstr,
                             size_t errstr_size)
{
    (void)mode;
    console_sink *c = (console_sink *)s;
    if (sp_sql_console_write(c->out, batch_id, batches, n, &c->opts, c->tz) != 0) {
        sp_sink_errf(errstr, errstr_size, "console sink: writing batch %lld failed: %s",
                     (long long)batch_id, strerror(errno));
        return SPATE_ERR_IO;
    }
    return SPATE_OK;
}

static void console_close(sp_sink *s) { free(s); }

static const sp_sink_ops console_ops = {
    .description = console_description, .add_batch = console_add, .close = console_close};

sp_sink *sp_sink_console_open(const sp_sink_def *d, const sp_sql_type *schema,
                              const sp_sink_env *env, char *errstr, size_t errstr_size)
{
    console_sink *c = sp_xcalloc(1, sizeof *c);
    c->opts = sp_sql_console_opts_default();
    if (!sp_sql_console_opts_parse(&c->opts, (const char *const *)d->keys,
                                   (const char *const *)d->vals, d->nopts, errstr, errstr_size)) {
        free(c);
        return NULL;
    }
    c->base.ops = &console_ops;
    c->base.def = d;
    c->base.schema = schema;
    c->out = env && env->console ? env->console : stdout;
    c->tz = env ? env->tz : NULL;
    return &c->base;
}
