/* session_int.h - the session's private state, shared by session*.c. */
#ifndef SP_SQL_SESSION_INT_H
#define SP_SQL_SESSION_INT_H

#include "sql/analyzer.h"
#include "sql/catalog.h"
#include "sql/physical.h"
#include "sql/session.h"

#include <pthread.h>

/* A started query and what its spec points at. */
typedef struct sp_started_query {
    sp_query *q;
    spate_arena *arena;      /* the plan, names */
    sp_source_def **sources; /* nsources */
    int nsources;
    sp_sink_def *sink;
    const sp_plan *plan; /* its table references released with the query */
} sp_started_query;

struct sp_session {
    spate_conf *conf;
    sp_catalog *catalog;
    sp_pool *pool;
    spate_clock *clock;
    const sp_tz *tz;
    spate_arena *arena; /* views' plans and other statement results kept */
    int64_t next_id;
    pthread_mutex_t mu; /* one statement at a time; the query list */
    sp_started_query *queries;
    int nq, capq;
    FILE *out;             /* the running statement's output */
    const sp_plan **views; /* views' plans, released with the session */
    int nviews, capviews;
    /* The parse trees of the statements run: plans of views and queries
     * point at their names, so they live as long as the session. */
    spate_arena *parsed;
    const sp_query_listener *listener; /* NULL: none */
    void *ui;                          /* the web UI (sql/ui_hook.h), NULL when none */
    const sp_query_listener *ui_listener;
    sp_query_listener qlisteners[2]; /* listener's and ui_listener's, nql of them */
    int nql;
};

/* Keeps a view's plan until the session ends (its tables stay referenced). */
void sp_session_keep_view(sp_session *s, const sp_plan *p);

/* session_sources.c: the source definitions of ph's inputs (ph->ninputs,
 * each with the columns the plan reads), or NULL with the message in why.
 * Free with sp_session_source_defs_free(defs, ph->ninputs). */
sp_source_def **sp_session_source_defs(sp_session *s, const sp_physical *ph, char *why, size_t n);
void sp_session_source_defs_free(sp_source_def **defs, int n);

/* An analyzer over the session's catalog and settings. */
sp_analyzer sp_session_analyzer(sp_session *s, spate_arena *a, const char *text);

/* session_stmt.c: one parsed statement. False with *err (malloc'd). */
bool sp_session_exec(sp_session *s, const sp_sql_node *stmt, const char *text, char **err);
/* session_insert.c: INSERT INTO sink query. */
bool sp_session_insert(sp_session *s, const sp_sql_node *stmt, const char *text, char **err);
/* session_show.c: prints a result's batches as show() does. */
void sp_session_print(sp_session *s, const sp_colbatch *const *batches, size_t n);

/* A malloc'd rendered SQL error (e cleared), or a copy of msg. */
char *sp_session_error(sp_sql_error *e, const char *text);
/* Whether k is a writer setting among a sink table's options (outputMode,
 * trigger, checkpointLocation, queryName, lateRowsTable). */
bool sp_session_is_writer_option(const char *k);
/* The sink definition of table name for a query's late rows (its options
 * less the writer settings), or NULL with why. */
sp_sink_def *sp_session_late_sink(sp_session *s, const char *name, char *why, size_t n);
/* session_watermark.c: CREATE TABLE's watermark clause w checked against
 * the table's schema and set in t (made in a); false with *err set. */
bool sp_session_table_watermark(sp_session *s, const sp_sql_node *w, const char *text,
                                const sp_sql_type *schema, sp_catalog_table *t, spate_arena *a,
                                char **err);
char *sp_session_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
