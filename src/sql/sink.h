/* sink.h - streaming sinks of Structured Streaming queries (Spark's Sink /
 * StreamingWrite): console, memory, csv / json / text files, foreachBatch,
 * foreach and noop.
 *
 * A query hands each micro-batch's output to add_batch once its batches are
 * computed, then writes commits/N. A batch may be handed again after a
 * crash between the two: a sink that can tell (file sinks through their
 * _spark_metadata log, the memory sink through its last batch id) must not
 * write it twice; the others write it again (at least once, as Spark).
 *
 * Life: sp_sink_resolve checks format and options at analysis time;
 * sp_sink_open makes the running sink when the query starts.
 *
 * Threads: everything runs on the query's thread, except the memory sink's
 * table (sp_memory_table_*), which any thread may read. */
#ifndef SP_SQL_SINK_H
#define SP_SQL_SINK_H

#include "exec/colbatch.h"
#include "sql/tz.h"
#include "sql/types.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum sp_output_mode {
    SP_OUTPUT_APPEND,
    SP_OUTPUT_COMPLETE,
    SP_OUTPUT_UPDATE,
} sp_output_mode;

/* "append" / "complete" / "update", case-insensitive; false otherwise. */
bool sp_output_mode_parse(const char *s, sp_output_mode *m);
/* Spark's names as InternalOutputModes print them: "Append", "Complete", "Update". */
const char *sp_output_mode_name(sp_output_mode m);

/* What a sink needs from its query. */
typedef struct sp_sink_env {
    const char *query_name; /* queryName or NULL */
    const sp_tz *tz;
    FILE *console; /* where the console sink prints (stdout by default) */
} sp_sink_env;

/* C callbacks behind foreachBatch and foreach (the DataFrame API wraps its
 * own types around them). */
typedef spate_err (*sp_foreach_batch_fn)(const sp_colbatch *const *batches, size_t n,
                                         const sp_sql_type *schema, int64_t batch_id, void *ud);
typedef struct sp_foreach_writer {
    /* Per partition and batch: false skips the partition's rows. */
    bool (*open)(int64_t partition, int64_t epoch, void *ud);
    void (*process)(const sp_colbatch *b, int64_t row, void *ud);
    /* err NULL when the partition's rows were all processed. */
    void (*close)(const char *err, void *ud);
    void *ud;
} sp_foreach_writer;

/* A sink's validated definition. */
typedef struct sp_sink_def {
    char format[32];
    size_t nopts;
    const char **keys, **vals;
    sp_foreach_batch_fn foreach_batch; /* format "foreachBatch" */
    sp_foreach_writer foreach;         /* format "foreach" */
    void *foreach_batch_ud;
    spate_arena *arena;
} sp_sink_def;

/* Checks format and options; NULL with errstr on an unknown format or
 * option, or a bad value (named). path is required for file sinks. */
sp_sink_def *sp_sink_resolve(const char *format, const char *const *keys, const char *const *vals,
                             size_t n, char *errstr, size_t errstr_size);
sp_sink_def *sp_sink_def_foreach_batch(sp_foreach_batch_fn fn, void *ud);
sp_sink_def *sp_sink_def_foreach(const sp_foreach_writer *w);
void sp_sink_def_free(sp_sink_def *d);

/* Spark's refusals for a sink and an output mode (file sinks are append
 * only: "Data source csv does not support Complete output mode."). NULL
 * when the mode is fine, else the message (static). */
const char *sp_sink_check_mode(const sp_sink_def *d, sp_output_mode m);

typedef struct sp_sink sp_sink;

typedef struct sp_sink_ops {
    /* Progress' sink.description: "org.apache.spark.sql.execution.streaming.
     * ConsoleTable$@..." in Spark; spate: "ConsoleTable", "MemorySink",
     * "FileSink[/out]", "ForeachBatchSink", "NoopTable". */
    const char *(*description)(sp_sink *s);
    /* Writes batch batch_id: batches[0..n) hold its rows in order, with
     * schema's columns (n >= 1; an empty batch is one batch of length 0).
     * SPATE_ERR_IO (or the callback's error) with the message in errstr. */
    spate_err (*add_batch)(sp_sink *s, int64_t batch_id, sp_output_mode mode,
                           const sp_colbatch *const *batches, size_t n, char *errstr,
                           size_t errstr_size);
    void (*close)(sp_sink *s);
    /* Optional: a sink that needs no batch's rows on the query's thread
     * (noop) takes them here, one output batch at a time in the executor
     * task that made it (several partitions at once), so the query keeps
     * none; add_batch then gets one empty batch to commit the micro-batch.
     * SPATE_OK, or an error with the message in errstr. */
    spate_err (*write_rows)(sp_sink *s, int64_t batch_id, int part, const sp_colbatch *b,
                            char *errstr, size_t errstr_size);
} sp_sink_ops;

struct sp_sink {
    const sp_sink_ops *ops;
    const sp_sink_def *def;
    const sp_sql_type *schema; /* the query's output */
    int64_t rows_written;      /* progress' sink.numOutputRows */
};

/* The running sink of def for rows of schema (both must outlive it). */
sp_sink *sp_sink_open(const sp_sink_def *def, const sp_sql_type *schema, const sp_sink_env *env,
                      char *errstr, size_t errstr_size);

/* ---- the memory sink's table (queryName), readable while the query runs ---- */

typedef struct sp_memory_table sp_memory_table;

/* The table of a running memory sink (lives as long as the sink, and longer
 * with a reference: sp_memory_table_ref/unref). */
sp_memory_table *sp_memory_sink_table(sp_sink *s);
void sp_memory_table_ref(sp_memory_table *t);
void sp_memory_table_unref(sp_memory_table *t);
/* Copies of the table's current rows as batches made in a (*n of them). */
sp_colbatch **sp_memory_table_snapshot(sp_memory_table *t, spate_arena *a, size_t *n);
const sp_sql_type *sp_memory_table_schema(const sp_memory_table *t);

#endif
