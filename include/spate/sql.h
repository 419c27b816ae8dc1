/* spate/sql.h - Structured Streaming's C API: SparkSession, DataFrame,
 * DataStreamReader / DataFrameReader, DataStreamWriter, StreamingQuery and
 * StreamingQueryManager, with Spark's names (prefix spate_, snake case).
 *
 *   spate_session *s = spate_session_new(NULL, err, sizeof err);
 *   spate_dataframe *in = spate_session_read_stream(s) -> format "csv",
 *       schema "time TIMESTAMP, kind STRING", load "/in";
 *   spate_dataframe *counts = spate_grouped_count(
 *       spate_dataframe_group_by(in, (const char *[]){"kind"}, 1));
 *   spate_stream_writer *w = spate_dataframe_write_stream(counts);
 *   spate_stream_writer_format(w, "console");
 *   spate_stream_writer_output_mode(w, "complete");
 *   spate_query *q = spate_stream_writer_start(w);
 *
 * Expressions and conditions are Spark SQL text ("sum(amount * price) AS
 * total", "price > 100"), parsed as Spark's selectExpr / expr parse them.
 *
 * Ownership: a session owns everything made from it (readers, dataframes,
 * grouped data, writers, queries, memory streams); they stay valid until
 * spate_session_free and are never freed by the caller. The exception: the
 * dataframe a foreachBatch callback gets, every dataframe made from it, and
 * those that spate_session_sql / _table / a reader's load / a memory
 * stream's to_df make during the call on its thread, are valid only during
 * that call (and cannot start a streaming query). Strings returned as char * are malloc'd
 * and the caller frees them with free(); const char * ones belong to their
 * object.
 *
 * Errors (core.h's convention): constructors and transformations return
 * NULL, setters and actions a negative spate_err; the reason is in
 * spate_session_last_error, Spark's rendered message (an expression's error
 * names its position: "(line 1, pos 6)" and the "== SQL ==" block with a
 * caret under the expression's text). A NULL argument object gives NULL or
 * SPATE_ERR_INVALID_ARG with no new message, so a chain is checked once.
 *
 * Threads: any thread may call these functions (a session serializes the
 * ones that build plans). Callbacks (foreachBatch, foreach, listeners) run
 * on the query's thread; a foreachBatch callback may use the session (its
 * dataframe, spate_session_sql) but must not stop or await its own query. */
#ifndef SPATE_SQL_H
#define SPATE_SQL_H

#include <spate/export.h>

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spate_session spate_session;
typedef struct spate_dataframe spate_dataframe;
typedef struct spate_grouped_data spate_grouped_data;
typedef struct spate_stream_reader spate_stream_reader;
typedef struct spate_stream_writer spate_stream_writer;
typedef struct spate_query spate_query;
typedef struct spate_memory_stream spate_memory_stream;
typedef struct spate_row spate_row;
typedef struct spate_rows spate_rows;

/* ---- the session ----------------------------------------------------------- */
/* A session with a copy of conf (NULL: the defaults; spate.master sizes its
 * executors, spate.sql.* its SQL settings). NULL with the reason in errstr on
 * a bad conf. */
SPATE_API spate_session *spate_session_new(const spate_conf *conf, char *errstr,
                                           size_t errstr_size);
/* Stops every query, then frees the session and everything made from it. */
SPATE_API void spate_session_free(spate_session *s);
/* The most recent failure of a call on s or its objects ("" before one), as
 * a copy owned by the calling thread, valid until that thread calls it
 * again. */
SPATE_API const char *spate_session_last_error(spate_session *s);
/* Where console sinks started from now on and statements' results print
 * (stdout by default). The caller keeps out open while they run. */
SPATE_API void spate_session_set_output(spate_session *s, FILE *out);
/* One statement. A query (SELECT ..., FROM STREAM(t) for a streaming one)
 * gives its dataframe, run later by an action or a writer; any other
 * statement (CREATE TABLE / VIEW, INSERT INTO, SET, SHOW TABLES, DESCRIBE,
 * EXPLAIN, several separated by ';') runs now, printing to the session's
 * output, and gives an empty dataframe. NULL on an error. */
SPATE_API spate_dataframe *spate_session_sql(spate_session *s, const char *text);
/* The table or view called name, read once (spark.table). */
SPATE_API spate_dataframe *spate_session_table(spate_session *s, const char *name);

/* ---- readers (DataStreamReader, DataFrameReader) --------------------------- */
/* A reader whose load gives a streaming dataframe (readStream) or a static
 * one read once (read). */
SPATE_API spate_stream_reader *spate_session_read_stream(spate_session *s);
SPATE_API spate_stream_reader *spate_session_read(spate_session *s);
/* "csv", "json", "text", "socket", "rate", "rate-micro-batch". */
SPATE_API spate_err spate_stream_reader_format(spate_stream_reader *r, const char *format);
/* Spark's option names (path, header, sep, maxFilesPerTrigger...); checked
 * at load. */
SPATE_API spate_err spate_stream_reader_option(spate_stream_reader *r, const char *key,
                                               const char *value);
/* A DDL schema, "time TIMESTAMP, amount INT"; a bad one is refused now with
 * Spark's message naming the position. */
SPATE_API spate_err spate_stream_reader_schema(spate_stream_reader *r, const char *ddl);
/* The dataframe reading path (NULL: the path option or none), or NULL with
 * the source's refusal (an unknown format or option, a missing schema). */
SPATE_API spate_dataframe *spate_stream_reader_load(spate_stream_reader *r, const char *path);
/* The table or view called name (readStream.table: it must read a stream). */
SPATE_API spate_dataframe *spate_stream_reader_table(spate_stream_reader *r, const char *name);

/* ---- memory streams (Spark's MemoryStream) --------------------------------- */
/* A stream of rows of a DDL schema of primitive types ("k STRING, v INT"). */
SPATE_API spate_memory_stream *spate_memory_stream_new(spate_session *s, const char *ddl);
/* Adds the rows of csv, one per line as CSV text in the schema's column
 * order ("a,1\nb,2"; an empty field is null, quotes as CSV's), all as the
 * stream's next offset, written to *offset when not NULL (0 for the first
 * add). A line that does not parse refuses the whole add (SPATE_ERR_PARSE,
 * the line named). Any thread. */
SPATE_API spate_err spate_memory_stream_add_csv(spate_memory_stream *m, const char *csv,
                                                int64_t *offset);
/* A streaming dataframe reading the stream (each call a new one). */
SPATE_API spate_dataframe *spate_memory_stream_to_df(spate_memory_stream *m);

/* ---- dataframes --------------------------------------------------------------- */
/* The columns named (Spark's select(String...): a name, "t.name", "*"). */
SPATE_API spate_dataframe *spate_dataframe_select(spate_dataframe *df, const char *const *cols,
                                                  size_t n);
/* SQL expressions with optional aliases ("amount * price AS total"). */
SPATE_API spate_dataframe *spate_dataframe_select_expr(spate_dataframe *df,
                                                       const char *const *exprs, size_t n);
/* The rows where the SQL condition is true. where is the same. */
SPATE_API spate_dataframe *spate_dataframe_filter(spate_dataframe *df, const char *condition);
SPATE_API spate_dataframe *spate_dataframe_where(spate_dataframe *df, const char *condition);
/* Spark's withWatermark: event_time (a TIMESTAMP column) is the event time,
 * and the watermark trails the largest event time seen by delay ("10
 * seconds", "1 minute", "2 years 5 months"; a month counts 31 days). A
 * stateful operator grouping by the column, or by a window over it, drops
 * rows older than the watermark and, in append mode, emits a group once
 * the watermark passes it. Ignored in a batch query. NULL on a bad column
 * or delay (spate_session_last_error). */
SPATE_API spate_dataframe *
spate_dataframe_with_watermark(spate_dataframe *df, const char *event_time, const char *delay);
/* Spark's dropDuplicates: the rows whose cols[0..n) (all columns when n is
 * 0) have not been seen before; a stream remembers every key seen, or, with
 * a watermark on one of the key columns, until the watermark passes it
 * (rows older than the watermark are dropped). Append and update modes. */
SPATE_API spate_dataframe *spate_dataframe_drop_duplicates(spate_dataframe *df,
                                                           const char *const *cols, size_t n);
/* dropDuplicatesWithinWatermark: the same with the key remembered until the
 * watermark passes its first row's event time plus the watermark's delay
 * (the event-time column is never part of the key); a stream must have a
 * watermark. */
SPATE_API spate_dataframe *spate_dataframe_drop_duplicates_within_watermark(spate_dataframe *df,
                                                                            const char *const *cols,
                                                                            size_t n);
/* Every column, with name replaced by (or, when new, appended as) expr. */
SPATE_API spate_dataframe *spate_dataframe_with_column(spate_dataframe *df, const char *name,
                                                       const char *expr);
/* Column existing renamed to new_name (no column by that name: unchanged). */
SPATE_API spate_dataframe *spate_dataframe_with_column_renamed(spate_dataframe *df,
                                                               const char *existing,
                                                               const char *new_name);
/* Without the columns named (names not found are ignored, as Spark). */
SPATE_API spate_dataframe *spate_dataframe_drop(spate_dataframe *df, const char *const *cols,
                                                size_t n);
/* Grouping by columns (SQL expressions too); n 0: one global group. */
SPATE_API spate_grouped_data *spate_dataframe_group_by(spate_dataframe *df, const char *const *cols,
                                                       size_t n);
/* The grouping columns then one column per aggregate expression ("count(*)
 * AS n", "sum(amount * price) AS total"). */
SPATE_API spate_dataframe *spate_grouped_agg(spate_grouped_data *g, const char *const *exprs,
                                             size_t n);
/* The grouping columns and "count" (count(1) AS count). */
SPATE_API spate_dataframe *spate_grouped_count(spate_grouped_data *g);
/* A join with other: on is a SQL condition where the left side is `l` and
 * the right `r` ("l.clientId = r.id"); how is Spark's join type ("inner" or
 * NULL, "left_outer", "right_outer", "full_outer", "left_semi", "left_anti",
 * "cross", and Spark's other spellings). A stream joins a static dataframe
 * (the static side read again for each batch) with the types Spark allows,
 * and two streams join in append mode (inner, outer and left semi; state
 * kept per side, evicted by the watermark and a time-range condition in
 * on, as Spark's stream-stream joins). */
SPATE_API spate_dataframe *spate_dataframe_join(spate_dataframe *df, spate_dataframe *other,
                                                const char *on, const char *how);
/* The same joined on the column called using (Spark's join(right, usingColumn)). */
SPATE_API spate_dataframe *spate_dataframe_join_using(spate_dataframe *df, spate_dataframe *other,
                                                      const char *using_column, const char *how);
/* Sorted by SQL sort specifications ("total DESC", "kind ASC NULLS LAST",
 * an expression too): Spark's orderBy / sort. A streaming dataframe sorts
 * only after an aggregation in complete mode (refused at start otherwise). */
SPATE_API spate_dataframe *spate_dataframe_order_by(spate_dataframe *df, const char *const *specs,
                                                    size_t n);
/* The first n rows (n >= 0). */
SPATE_API spate_dataframe *spate_dataframe_limit(spate_dataframe *df, int64_t n);
/* Registers df as a temporary view for spate_session_sql. */
SPATE_API spate_err spate_dataframe_create_or_replace_temp_view(spate_dataframe *df,
                                                                const char *name);
SPATE_API bool spate_dataframe_is_streaming(const spate_dataframe *df);
/* Spark's explain(true)'s "== Analyzed Logical Plan ==" block, to out. */
SPATE_API spate_err spate_dataframe_explain(spate_dataframe *df, FILE *out);
/* The plan's text alone (what explain prints under the header); owned by df. */
SPATE_API const char *spate_dataframe_plan_string(spate_dataframe *df);
/* The schema as DDL (StructType.toDDL: "kind STRING,n BIGINT"), owned by df;
 * NULL for NULL df. */
SPATE_API const char *spate_dataframe_schema(spate_dataframe *df);

/* ---- static actions ---------------------------------------------------------- */
/* Runs a static dataframe once: its rows, or NULL (a streaming dataframe:
 * Spark's "Queries with streaming sources must be executed with
 * writeStream.start()"). Free with spate_rows_free. */
SPATE_API spate_rows *spate_dataframe_collect(spate_dataframe *df);
/* Prints show(num_rows, truncate)'s table (truncate: cut cells at 20
 * characters) to out. */
SPATE_API spate_err spate_dataframe_show(spate_dataframe *df, int num_rows, bool truncate,
                                         FILE *out);
SPATE_API int64_t spate_rows_count(const spate_rows *r);
/* Row i (0 <= i < count), valid as long as r. */
SPATE_API const spate_row *spate_rows_get(const spate_rows *r, int64_t i);
SPATE_API void spate_rows_free(spate_rows *r);

/* A row's columns (a collected row, or foreach's row during process). */
SPATE_API int spate_row_ncols(const spate_row *row);
SPATE_API const char *spate_row_col_name(const spate_row *row, int col);
SPATE_API bool spate_row_is_null(const spate_row *row, int col);
/* The value (numbers as I64/F64/BOOL; strings point into the row's memory). */
SPATE_API spate_value spate_row_get(const spate_row *row, int col);
SPATE_API int64_t spate_row_get_long(const spate_row *row, int col);
SPATE_API double spate_row_get_double(const spate_row *row, int col);
/* The value as show() prints it (Spark's cast to STRING; "NULL" for null)
 * into buf, always terminated; returns the full length. */
SPATE_API size_t spate_row_format(const spate_row *row, int col, char *buf, size_t size);

/* ---- the writer (DataStreamWriter) ------------------------------------------- */
typedef spate_err (*spate_foreach_batch_fn)(spate_dataframe *batch, int64_t batch_id, void *ud);

/* Spark's ForeachWriter: per partition and batch open (false skips the
 * partition), process per row, close (error NULL when all went well). */
typedef struct spate_foreach_writer {
    bool (*open)(int64_t partition_id, int64_t epoch_id, void *ud);
    void (*process)(const spate_row *row, void *ud);
    void (*close)(const char *error, void *ud);
    void *ud;
} spate_foreach_writer;

/* A writer of a streaming dataframe (NULL for a static one). */
SPATE_API spate_stream_writer *spate_dataframe_write_stream(spate_dataframe *df);
/* "console" (default), "memory", "csv", "json", "text", "noop". */
SPATE_API spate_err spate_stream_writer_format(spate_stream_writer *w, const char *format);
/* "append" (default), "complete", "update". */
SPATE_API spate_err spate_stream_writer_output_mode(spate_stream_writer *w, const char *mode);
/* "5 seconds" (processing time), "once", "availableNow". */
SPATE_API spate_err spate_stream_writer_trigger(spate_stream_writer *w, const char *trigger);
/* The sink's options (path, numRows, truncate...), checkpointLocation, and
 * lateRowsTable (beyond Spark): the name of a session table made with CREATE
 * TABLE ... USING a sink format (json, csv, console...) that receives the
 * rows the query's aggregation or dropDuplicates drops as older than the
 * watermark, each batch's before the batch commits. */
SPATE_API spate_err spate_stream_writer_option(spate_stream_writer *w, const char *key,
                                               const char *value);
SPATE_API spate_err spate_stream_writer_query_name(spate_stream_writer *w, const char *name);
/* Each batch's output as a static dataframe, with its batch id. A non-OK
 * return fails the query: "foreachBatch function failed on batch N: <what
 * the code means>" (its exception). */
SPATE_API spate_err spate_stream_writer_foreach_batch(spate_stream_writer *w,
                                                      spate_foreach_batch_fn fn, void *ud);
SPATE_API spate_err spate_stream_writer_foreach(spate_stream_writer *w,
                                                const spate_foreach_writer *writer);
/* Starts the query (a memory sink's table is then queryable by its
 * queryName), or NULL with Spark's refusal. */
SPATE_API spate_query *spate_stream_writer_start(spate_stream_writer *w);

/* ---- queries (StreamingQuery) -------------------------------------------------- */
SPATE_API const char *spate_query_id(const spate_query *q);
SPATE_API const char *spate_query_run_id(const spate_query *q);
/* The queryName, or NULL. */
SPATE_API const char *spate_query_name(const spate_query *q);
SPATE_API bool spate_query_is_active(spate_query *q);
/* Stops the query (its running batch finishes) and waits for it. Idempotent. */
SPATE_API spate_err spate_query_stop(spate_query *q);
/* Waits until the query ends, at most timeout_ms (< 0: forever): SPATE_OK
 * when it stopped, SPATE_ERR_TIMEOUT when still running, SPATE_ERR_STATE
 * when it ended with an exception (spate_query_exception, last error). */
SPATE_API spate_err spate_query_await_termination(spate_query *q, int64_t timeout_ms);
/* Blocks until all data available now is processed and committed; the
 * query's exception as an error when it ended with one. */
SPATE_API spate_err spate_query_process_all_available(spate_query *q);
/* The exception the query ended with (malloc'd) or NULL. */
SPATE_API char *spate_query_exception(spate_query *q);
/* StreamingQueryStatus as JSON, malloc'd. */
SPATE_API char *spate_query_status(spate_query *q);
/* lastProgress (prettyJson) or NULL before the first; recentProgress as a
 * JSON array. malloc'd. */
SPATE_API char *spate_query_last_progress(spate_query *q);
SPATE_API char *spate_query_recent_progress(spate_query *q);
/* The analyzed plan, as spate_dataframe_explain prints it. */
SPATE_API spate_err spate_query_explain(spate_query *q, FILE *out);

/* ---- the query manager (StreamingQueryManager) ---------------------------------- */
/* The active queries (those started by SQL INSERT too): up to max of them
 * into out; returns how many are active. */
SPATE_API int spate_session_active_queries(spate_session *s, spate_query **out, int max);
/* The query with id (active or not), or NULL. */
SPATE_API spate_query *spate_session_get_query(spate_session *s, const char *id);
/* Waits until a query terminates (one that ended since the last reset counts
 * at once), at most timeout_ms (< 0: forever): SPATE_OK, SPATE_ERR_TIMEOUT,
 * or SPATE_ERR_STATE when that query failed (its exception as last error). */
SPATE_API spate_err spate_session_await_any_termination(spate_session *s, int64_t timeout_ms);
/* Forgets the queries that ended so far for await_any_termination. */
SPATE_API void spate_session_reset_terminated(spate_session *s);

/* StreamingQueryListener: each callback may be NULL; strings are valid during
 * the call; called on the query's thread. progress gets the progress JSON
 * (compact, as Spark's json). */
typedef struct spate_query_listener {
    void (*on_started)(const char *id, const char *run_id, const char *name, void *ud);
    void (*on_progress)(const char *progress_json, void *ud);
    void (*on_idle)(const char *id, const char *run_id, int64_t timestamp_ms, void *ud);
    void (*on_terminated)(const char *id, const char *run_id, const char *exception, void *ud);
    void *ud;
} spate_query_listener;

/* Adds a listener (copied) for the session's queries started from now on,
 * with a writer or by SQL INSERT. Returns its id (> 0) or a negative
 * spate_err. */
SPATE_API int spate_session_add_listener(spate_session *s, const spate_query_listener *l);
SPATE_API spate_err spate_session_remove_listener(spate_session *s, int id);

#ifdef __cplusplus
}
#endif

#endif
