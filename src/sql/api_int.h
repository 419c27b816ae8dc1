/* api_int.h - the private state behind include/spate/sql.h (the public
 * DataFrame API), shared by src/sql/api_*.c.
 *
 * A spate_session wraps an sp_session (session.h) with what the API adds:
 * its lock (plans are built one at a time: the analyzer's arena and the
 * session's expression ids are not thread-safe), the last error, the
 * dataframes' memory (scopes), the query wrappers and the listeners.
 *
 * Scopes: the dataframes of a session live in its root scope (one arena,
 * freed with the session); a foreachBatch call makes a batch scope for its
 * dataframe and those made from it, freed when the call returns. A scope
 * remembers the plans that hold catalog table references (scans) to release
 * them, and the hidden tables it registered to drop them. */
#ifndef SP_SQL_API_INT_H
#define SP_SQL_API_INT_H

#include "sql/analyzer.h"
#include "sql/session_int.h"

#include <spate/sql.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct sp_api_scope {
    spate_arena *arena;
    const sp_plan **release; /* plans holding table references */
    int nrelease, caprelease;
    sp_catalog *catalog; /* where views below live */
    const char **views;  /* temp views dropped at the end (batch scopes) */
    int nviews, capviews;
    bool drop_views;
} sp_api_scope;

struct spate_dataframe {
    spate_session *ss;
    sp_api_scope *scope;
    sp_plan *plan;
    const char *ddl, *tree; /* made on first use, in the scope's arena */
};

struct spate_grouped_data {
    spate_dataframe *df;
    size_t n;
    const char **cols;
};

enum { SP_API_MAX_OPTS = 64 };

struct spate_stream_reader {
    spate_session *ss;
    bool streaming;
    const char *format;
    const sp_sql_type *schema;
    size_t nopts;
    const char *keys[SP_API_MAX_OPTS], *vals[SP_API_MAX_OPTS];
};

struct spate_stream_writer {
    spate_dataframe *df;
    const char *format, *mode, *trigger, *name, *checkpoint;
    const char *late; /* lateRowsTable */
    size_t nopts;
    const char *keys[SP_API_MAX_OPTS], *vals[SP_API_MAX_OPTS];
    spate_foreach_batch_fn fb;
    void *fb_ud;
    spate_foreach_writer fe;
    bool has_fe;
};

struct spate_query {
    spate_session *ss;
    sp_query *q;
    bool acked; /* seen ended by reset_terminated */
};

struct spate_memory_stream {
    spate_session *ss;
    sp_memory_stream *m;
    const sp_sql_type *schema;
    sp_catalog_table *table; /* referenced; not in the catalog by name */
};

/* One row of a column batch (collect's rows, foreach's row). */
struct spate_row {
    const sp_colbatch *b;
    int64_t row;
    const sp_tz *tz;
};

typedef struct sp_api_listener {
    int id;
    spate_query_listener l;
} sp_api_listener;

struct spate_session {
    sp_session *s;
    pthread_mutex_t mu; /* plans, scopes, the lists below */
    sp_api_scope root;
    int64_t next_hidden;
    spate_query **queries; /* wrappers, malloc'd */
    int nq, capq;
    spate_memory_stream **streams;
    int nstreams, capstreams;
    pthread_mutex_t lmu; /* listeners */
    sp_api_listener *listeners;
    int nl, capl, next_listener;
    sp_query_listener dispatch; /* what every API query calls */
    pthread_mutex_t emu;        /* last error */
    char *last_error;
};

/* ---- api_session.c ---- */

/* Sets the session's last error (printf format). Any thread. */
void sp_api_errorf(spate_session *ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the last error to msg and frees msg (malloc'd or NULL). */
void sp_api_error_take(spate_session *ss, char *msg);
/* An analyzer for one API call, text the user's text its errors refer to. */
sp_analyzer sp_api_analyzer(spate_session *ss, sp_api_scope *sc, const char *text);
/* A new dataframe of plan in scope sc (the caller holds ss->mu); release:
 * the plan took table references that the scope drops at its end. */
spate_dataframe *sp_api_df(spate_session *ss, sp_api_scope *sc, sp_plan *plan, bool release);
/* A unique hidden catalog name ("__spate_api_<n>") in the scope's arena. */
const char *sp_api_hidden_name(spate_session *ss, sp_api_scope *sc);
/* Where dataframes made by session-level calls (sql, table, load, a memory
 * stream's to_df) go: the calling thread's foreachBatch scope while it runs
 * a callback of this session (so they go with the batch), else the root. */
sp_api_scope *sp_api_home(spate_session *ss);
/* Sets (sc) or clears (NULL) the calling thread's foreachBatch scope. */
void sp_api_set_batch_scope(spate_session *ss, sp_api_scope *sc);
/* Frees a scope's references and memory (not the struct). */
void sp_api_scope_end(sp_api_scope *sc);
/* A string copied into the scope's arena (NULL stays NULL). */
const char *sp_api_strdup(sp_api_scope *sc, const char *s);
/* The wrapper of q (made when new). Caller holds ss->mu. */
spate_query *sp_api_wrap_query(spate_session *ss, sp_query *q);

/* ---- api_describe.c ---- */

/* Registers plan as view name, replacing one (caller holds the lock); a
 * scope that drops its views at its end (drop_views) records it. */
spate_err sp_api_put_view(spate_session *ss, sp_api_scope *sc, const char *name,
                          const sp_plan *plan);

/* ---- api_expr.c: the user's expression strings ---- */

/* n expressions parsed together: items[i] is src[i]'s tree, its offsets
 * moved to text (the sources joined by ", ") so one analyzer text serves
 * them all; an error is reported against the one source it falls in. */
typedef struct sp_api_exprs {
    const char *text;
    size_t n;
    const uint32_t *start, *len;
    const char *const *src;
    sp_sql_list items;
} sp_api_exprs;

/* Parses src[0..n) into *x; false with the last error set (the parse
 * error rendered against its own source). */
bool sp_api_parse_exprs(spate_session *ss, spate_arena *a, const char *const *src, size_t n,
                        sp_api_exprs *x);
/* Sets the last error from analysis error e (cleared) over x's text,
 * rendered against the expression it points into. */
void sp_api_expr_error(spate_session *ss, const sp_api_exprs *x, sp_sql_error *e);

/* ---- api_rows.c ---- */

/* The accessor of row row of b (foreach's process). */
spate_row sp_api_row(const sp_colbatch *b, int64_t row, const sp_tz *tz);

/* ---- api_query.c ---- */

/* The manager's listener dispatch for a new query's spec. */
const sp_query_listener *sp_api_dispatch(spate_session *ss);

#endif
