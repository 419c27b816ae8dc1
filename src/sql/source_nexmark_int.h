/* source_nexmark_int.h - what the `nexmark` streaming source's files share
 * (source_nexmark.c: options, offsets, planning; source_nexmark_read.c:
 * events into column batches) and its entry points for the table of formats
 * (source.c) and the tests.
 *
 * Threads: as source.h says. */
#ifndef SP_SQL_SOURCE_NEXMARK_INT_H
#define SP_SQL_SOURCE_NEXMARK_INT_H

#include "connect/nexmark_gen.h"
#include "sql/source_int.h"

/* The rows a source makes: Flink's `datagen` table (every event, three
 * STRUCT columns of which two are null) or one kind's flat columns. */
typedef enum sp_nx_kind {
    SP_NX_KIND_ALL = -1,
    SP_NX_KIND_PERSON = SP_NEXMARK_PERSON,
    SP_NX_KIND_AUCTION = SP_NEXMARK_AUCTION,
    SP_NX_KIND_BID = SP_NEXMARK_BID,
} sp_nx_kind;

/* One planned partition: event numbers [start, end). */
typedef struct sp_nx_part {
    const sp_nexmark_config *cfg;
    sp_nx_kind kind;
    uint64_t start, end;
} sp_nx_part;

/* The schema of kind (made in a). */
const sp_sql_type *sp_source_nexmark_schema(spate_arena *a, sp_nx_kind kind);

/* Reads partition p into batches of def's schema made in a (reuse: one
 * batch, reset after each emit); columns that required (NULL: all) leaves
 * out are all null and cost nothing. Executor threads. */
spate_err sp_source_nexmark_read(const sp_nx_part *p, const sp_source_def *def, bool reuse,
                                 spate_arena *a, sp_source_emit_fn emit, void *ud,
                                 sp_source_counters *c);

bool sp_source_nexmark_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                               const spate_conf *conf, char *errstr, size_t n);
sp_source *sp_source_nexmark_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                                  size_t n);

#endif
