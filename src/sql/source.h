/* source.h - streaming sources of Structured Streaming queries (Spark's
 * MicroBatchStream): file (csv, json, text), socket, rate, rate-micro-batch
 * and memory. Each is an adapter over a connect/ core where one exists.
 *
 * Offsets are Spark's JSON text (what offsets/N holds, one line per source):
 *   file: {"logOffset":3}   rate-micro-batch: {"offset":1000,"timestamp":0}?
 *   memory: 3               (each source's file documents its own shape)
 * A source never goes back: the query asks for the latest offset, writes it
 * to the offset log, then plans and reads (start, end], then commits end.
 *
 * Life: sp_source_resolve checks format and options and gives the schema at
 * analysis time, without I/O; sp_source_open makes the running source when
 * a query starts (sockets connect then; a file source reads its own log
 * under the query's checkpoint, sources/<i>/).
 *
 * Threads: open, latest, plan, commit and close run on the query's thread;
 * read runs on executor threads, several partitions at once. */
#ifndef SP_SQL_SOURCE_H
#define SP_SQL_SOURCE_H

#include "exec/colbatch.h"
#include "sql/tz.h"
#include "sql/types.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a source needs from the query that runs it. */
typedef struct sp_source_env {
    const char *checkpoint_dir; /* <checkpointLocation>/sources/<i> (made when needed) */
    const sp_tz *tz;            /* session time zone */
    bool ansi;
    const spate_conf *conf;
    int64_t (*now_ms)(void *clock_ud); /* the query's clock (manual in tests) */
    void *clock_ud;
    /* The checkpoint is removed at stop and never read by another run (a
     * query without checkpointLocation, a static read): nothing in it
     * needs to reach the disk, so its logs skip fsync. */
    bool temporary;
    /* A static read (SELECT over the table, read.format), not a query's
     * stream: the source reads one range, start to end. */
    bool batch;
} sp_source_env;

/* A source's validated definition: what analysis needs. */
typedef struct sp_source_def {
    char format[32];           /* lower case: "csv", "rate" */
    const sp_sql_type *schema; /* the rows it makes (STRUCT), in the def's arena */
    size_t nopts;
    const char **keys, **vals; /* copies */
    void *memory;              /* the memory stream, for format "memory" */
    spate_arena *arena;
    /* Set by the planner before open (NULL: all): the schema's fields the
     * query reads; a source may leave the others NULL (column pruning). */
    const bool *required;
} sp_source_def;

/* Checks format and options (keys[i] = vals[i], Spark's names,
 * case-insensitive) against the user's schema (STRUCT, NULL: none given) and
 * makes the definition. NULL with errstr on an unknown format (Spark's
 * "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: fmt. ..."), an
 * option the format does not take (named), a bad value (named with the
 * value), or a missing schema where one is required. */
sp_source_def *sp_source_resolve(const char *format, const sp_sql_type *user_schema,
                                 const char *const *keys, const char *const *vals, size_t n,
                                 const spate_conf *conf, char *errstr, size_t errstr_size);
void sp_source_def_free(sp_source_def *d);

typedef struct sp_source sp_source;

/* Counters a read adds to, per partition (the query sums them). */
typedef struct sp_source_counters {
    int64_t rows;      /* rows produced */
    int64_t malformed; /* malformed records met (csv, json) */
    int64_t bytes;     /* input bytes read */
} sp_source_counters;

/* Called by read for each batch it makes (the batch is in the arena the
 * read was given). Returns false to stop the read (the consumer failed).
 * Each batch emitted is a new one: the consumer may keep it (or columns of
 * it) as long as the arena lives. */
typedef bool (*sp_source_emit_fn)(sp_colbatch *b, void *ud);

typedef struct sp_source_ops {
    /* Progress' sources[].description: "FileStreamSource[file:/in]",
     * "RateStreamV2[rowsPerSecond=1, rampUpTimeSeconds=0, numPartitions=2",
     * "MemoryStream[value#1]", "TextSocketV2[host: localhost, port: 9999]". */
    const char *(*description)(sp_source *s);
    /* The latest offset to read up to from start (NULL: the beginning),
     * honouring the source's per-trigger limits (maxFilesPerTrigger...), as
     * malloc'd JSON, or *out NULL when there is no data at all yet. */
    spate_err (*latest)(sp_source *s, const char *start, char **out, char *errstr, size_t n);
    /* Trigger.AvailableNow: fixes the data to read to what exists now
     * (later latest calls never pass it). NULL: nothing to do. */
    void (*prepare_available_now)(sp_source *s);
    /* Splits (start, end] (start NULL: from the beginning) into *nparts
     * partitions, opaque, made in a. */
    spate_err (*plan)(sp_source *s, const char *start, const char *end, spate_arena *a,
                      void ***parts, int *nparts, char *errstr, size_t n);
    /* Reads one planned partition into batches made in a (an executor
     * task's arena), each handed to emit. FAILFAST parse errors and I/O
     * errors return an error with the message in errstr. */
    spate_err (*read)(sp_source *s, void *part, spate_arena *a, sp_source_emit_fn emit, void *ud,
                      sp_source_counters *c, char *errstr, size_t n);
    /* Everything up to end is processed and committed: forget it. NULL:
     * nothing to do. */
    void (*commit)(sp_source *s, const char *end);
    void (*close)(sp_source *s);
} sp_source_ops;

struct sp_source {
    const sp_source_ops *ops;
    const sp_source_def *def;
    /* Set by the query after open when its consumer copies what it keeps of
     * an emitted batch (as sp_sink_push_batch's sinks do): reads then reset
     * and refill one batch instead of making a new one per emit. */
    bool reuse_batches;
};

/* The running source of def (def must outlive it). NULL with errstr when it
 * cannot start (a socket that refuses, an unreadable path). */
sp_source *sp_source_open(const sp_source_def *def, const sp_source_env *env, char *errstr,
                          size_t errstr_size);

/* ---- memory stream (Spark's MemoryStream) ---- */

typedef struct sp_memory_stream sp_memory_stream;

/* A stream of rows of schema (STRUCT of primitive types, copied). */
sp_memory_stream *sp_memory_stream_new(const sp_sql_type *schema);
void sp_memory_stream_free(sp_memory_stream *m);
/* Adds a batch (its rows copied): the stream's next offset, which it
 * returns (0 for the first add). Any thread. */
int64_t sp_memory_stream_add(sp_memory_stream *m, const sp_colbatch *b);
/* A definition reading m (format "memory"); m must outlive it. */
sp_source_def *sp_memory_stream_def(sp_memory_stream *m);

#endif
