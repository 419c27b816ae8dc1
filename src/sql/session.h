/* session.h - a SQL session (Spark's SparkSession for SQL text): its
 * configuration (SET), catalog, executor pool, clock and time zone, the
 * statements of a script run in order, and its streaming queries (Spark's
 * StreamingQueryManager: active queries, waiting for them, stopping them).
 *
 * Statements: CREATE TABLE ... USING fmt OPTIONS (...) declares a source or
 * a sink; CREATE [TEMPORARY] VIEW; INSERT INTO sink SELECT ... FROM STREAM(t)
 * starts a streaming query (the sink table's options outputMode, trigger,
 * checkpointLocation and queryName set up its writer); SELECT on static
 * tables (a memory sink's table too) prints show()'s table; SET, SHOW
 * TABLES, DESCRIBE, EXPLAIN. docs/sql.md has the grammar.
 *
 * Threads: statements run on the caller's thread, one at a time per
 * session (a lock); queries run on their own threads. */
#ifndef SP_SQL_SESSION_H
#define SP_SQL_SESSION_H

#include "sql/query.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sp_session sp_session;

/* A session with a copy of conf (NULL: defaults); spate.master sizes its
 * executor pool; "spate.streaming.clock" = "manual" gives it a manual clock. */
sp_session *sp_session_new(const spate_conf *conf, char *errstr, size_t errstr_size);
/* Stops every query, then frees everything. */
void sp_session_free(sp_session *s);
/* Listeners every query started by a statement (INSERT INTO) reports to:
 * l (which must outlive the session), or NULL. Set before the first
 * statement runs. */
void sp_session_set_listener(sp_session *s, const sp_query_listener *l);
/* What every query the session starts reports to: the listener set above
 * and the web UI's (sql/ui_hook.h); *n of them. Any thread. */
const sp_query_listener *sp_session_query_listeners(sp_session *s, int *n);

/* Runs the ';'-separated statements of text in order, printing results to
 * out (and console sinks to out too). Stops at the first failing statement:
 * false with its rendered error (Spark's message with the caret under the
 * statement), malloc'd, in *err. */
bool sp_session_run(sp_session *s, const char *text, FILE *out, char **err);

/* The queries started so far (active or not). */
int sp_session_nqueries(sp_session *s);
sp_query *sp_session_query(sp_session *s, int i);
/* Waits until every query has ended, at most timeout_ms (< 0: forever).
 * True when all have. */
bool sp_session_await_all(sp_session *s, int64_t timeout_ms);
/* Stops every active query gracefully (their running batches finish). */
void sp_session_stop_all(sp_session *s);
spate_clock *sp_session_clock(sp_session *s);
const spate_conf *sp_session_conf(sp_session *s);

#endif
