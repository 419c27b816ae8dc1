/* static_exec.h - running a non-streaming plan once (a SELECT in the shell,
 * a static DataFrame, a view over a memory sink's table): its table read
 * whole, the same physical operators as a micro-batch, an aggregation into
 * fresh stores in complete mode. Caller's thread (tasks on the pool). */
#ifndef SP_SQL_STATIC_EXEC_H
#define SP_SQL_STATIC_EXEC_H

#include "sql/batch_exec.h"
#include "sql/plan.h"

/* Runs plan; the output in *r (free it with sp_batch_result_free) or an
 * error with the message in r->error. conf: the session's. */
spate_err sp_static_run(const sp_plan *plan, sp_pool *pool, const spate_conf *conf, const sp_tz *tz,
                        sp_batch_result *r);

/* The join tables of ph for one batch (join.h): each join's build plan
 * run once with sp_static_run and its table built. NULL with the message in
 * err on failure. Free with sp_join_tables_free(tables, ph->njoins).
 * Caller's thread. */
sp_join_table **sp_join_tables_build(const sp_physical *ph, sp_pool *pool, const spate_conf *conf,
                                     const sp_tz *tz, char *err, size_t n);
void sp_join_tables_free(sp_join_table **tables, int n);

#endif
