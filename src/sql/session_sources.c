/* session_sources.c - the source definitions of a streaming query: one per
 * input of its physical plan (a stream, or each stream of a union), each
 * resolved from its scan's table with the columns the plan reads. The
 * session's thread, when a query starts. */
#include "sql/session_int.h"

#include <stdio.h>
#include <stdlib.h>

static sp_source_def *resolve(sp_session *s, const sp_phys_input *in, char *why, size_t n)
{
    const sp_catalog_table *t = in->scan->table;
    if (t->kind == SP_TABLE_MEMORY && t->memory_is_stream) return sp_memory_stream_def(t->memory);
    sp_source_def *d =
        sp_source_resolve(t->format ? t->format : "", t->schema_given ? t->schema : NULL, t->keys,
                          t->vals, t->nopts, s->conf, why, n);
    if (d) d->required = in->scan_required;
    return d;
}

sp_source_def **sp_session_source_defs(sp_session *s, const sp_physical *ph, char *why, size_t n)
{
    sp_source_def **defs = calloc((size_t)ph->ninputs + 1, sizeof *defs);
    if (!defs) abort();
    for (int i = 0; i < ph->ninputs; i++)
        if (!(defs[i] = resolve(s, &ph->inputs[i], why, n))) {
            sp_session_source_defs_free(defs, i);
            return NULL;
        }
    return defs;
}

void sp_session_source_defs_free(sp_source_def **defs, int n)
{
    for (int i = 0; defs && i < n; i++)
        sp_source_def_free(defs[i]); /* a memory stream's definition is a copy too */
    free(defs);
}
