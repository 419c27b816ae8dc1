/* catalog.h - a session's named relations: tables declared with CREATE TABLE
 * ... USING fmt OPTIONS (...) (a source, a sink, or both), temporary views
 * (an analyzed plan), the tables of memory sinks, and memory streams made
 * from C. Names are matched case-insensitively unless
 * spate.sql.caseSensitive is set (the caller says which).
 *
 * A table owns copies of everything it is given (its own arena), so a
 * statement's parse tree can go once it is registered. Dropping or replacing
 * a table that a running query reads is safe: the query holds a reference
 * (sp_catalog_table_ref/unref).
 *
 * Threads: a catalog has a lock; lookups return a referenced table that the
 * caller unrefs. */
#ifndef SP_SQL_CATALOG_H
#define SP_SQL_CATALOG_H

#include "sql/types.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>

typedef struct sp_plan sp_plan;

typedef enum sp_table_kind {
    SP_TABLE_DATASOURCE, /* CREATE TABLE t (cols) USING fmt OPTIONS (...) */
    SP_TABLE_VIEW,       /* CREATE [TEMPORARY] VIEW, createOrReplaceTempView */
    SP_TABLE_MEMORY,     /* a memory sink's results (queryName) or a memory stream */
} sp_table_kind;

typedef struct sp_catalog_table {
    sp_table_kind kind;
    const char *name;
    const sp_sql_type *schema; /* STRUCT; NULL for a datasource without one */
    /* DATASOURCE: the provider ("csv", "rate", "console"...) and its options
     * in the order written, keys as written. */
    const char *format;
    bool schema_given; /* the schema is the user's (else the source's own) */
    size_t nopts;
    const char **keys, **vals;
    /* DATASOURCE: its watermark (CREATE TABLE ... WATERMARK), or wm_col
     * NULL: a streaming scan of the table reads under it. */
    const char *wm_col, *wm_delay_text;
    int64_t wm_delay_ms;
    /* VIEW: the analyzed plan (its streaming flag says whether the view
     * reads a stream) and the view's text for DESCRIBE / SHOW. */
    const sp_plan *plan;
    const char *text;
    /* MEMORY: the object behind it (a memory sink's table or a memory
     * stream: source.h / sink.h say which) and whether it is a stream. */
    void *memory;
    bool memory_is_stream;
    /* private */
    spate_arena *arena;
    int refs;
} sp_catalog_table;

typedef struct sp_catalog sp_catalog;

sp_catalog *sp_catalog_new(bool case_sensitive);
void sp_catalog_free(sp_catalog *c);

/* Registers a copy of t (name, schema, options, text copied; plan and memory
 * taken as they are: they must outlive the catalog or be owned by the
 * caller until it drops the table). replace false and the name taken:
 * SPATE_ERR_STATE (the caller reports Spark's TABLE_OR_VIEW_ALREADY_EXISTS). */
spate_err sp_catalog_put(sp_catalog *c, const sp_catalog_table *t, bool replace);
/* The table called name with a reference (unref it), or NULL. */
sp_catalog_table *sp_catalog_get(sp_catalog *c, const char *name);
void sp_catalog_table_ref(sp_catalog_table *t);
void sp_catalog_table_unref(sp_catalog_table *t);
/* Removes name; false when there was none. */
bool sp_catalog_drop(sp_catalog *c, const char *name);
/* The names, sorted (malloc'd array of malloc'd strings; free both), *n. */
char **sp_catalog_names(sp_catalog *c, size_t *n);

/* The value of option key (case-insensitive, the last one written wins) of a
 * datasource table, or NULL. */
const char *sp_catalog_option(const sp_catalog_table *t, const char *key);

#endif
