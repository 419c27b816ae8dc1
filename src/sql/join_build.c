/* join_build.c - the join tables of one batch (static_exec.h): each
 * join's build side is a static plan, run whole once per batch as Spark
 * re-reads the static side of a stream-static join for every micro-batch
 * (so a table that changes between batches, such as a memory sink's, is
 * seen as it is now). Caller's thread; the runs use the executor pool. */
#include "sql/join.h"
#include "sql/static_exec.h"

#include "base/arena.h"
#include "base/conf.h"

#include <stdio.h>
#include <stdlib.h>

sp_join_table **sp_join_tables_build(const sp_physical *ph, sp_pool *pool, const spate_conf *conf,
                                     const sp_tz *tz, char *err, size_t n)
{
    sp_join_table **tables = calloc((size_t)ph->njoins + 1, sizeof *tables);
    if (!tables) abort();
    bool ansi = sp_conf_bool(conf, "spate.sql.ansi.enabled");
    for (int i = 0; i < ph->njoins; i++) {
        sp_batch_result r;
        spate_err e = sp_static_run(ph->joins[i]->build, pool, conf, tz, &r);
        if (e == SPATE_OK) {
            spate_arena *a = spate_arena_new();
            sp_sql_eval_ctx ctx;
            sp_sql_eval_ctx_init(&ctx, a, tz, ansi);
            tables[i] = sp_join_table_build(ph->joins[i], r.batches, r.nbatches, &ctx);
            if (!tables[i]) snprintf(err, n, "%s", ctx.error);
            spate_arena_destroy(a);
        } else {
            snprintf(err, n, "%s", r.error);
        }
        sp_batch_result_free(&r);
        if (!tables[i]) {
            sp_join_tables_free(tables, ph->njoins);
            return NULL;
        }
    }
    return tables;
}

void sp_join_tables_free(sp_join_table **tables, int n)
{
    for (int i = 0; tables && i < n; i++)
        sp_join_table_free(tables[i]);
    free(tables);
}
