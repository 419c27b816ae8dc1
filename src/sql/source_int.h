/* source_int.h - what the streaming sources' files (source*.c) share: the
 * table of formats, option lookup and checking, offsets as Spark's JSON
 * longs, and the batch-copy helper of the memory stream.
 *
 * Threads: the helpers are pure functions of their arguments (any thread). */
#ifndef SP_SQL_SOURCE_INT_H
#define SP_SQL_SOURCE_INT_H

#include "logs/entry_log.h"
#include "sql/scan_options.h"
#include "sql/source.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Rows per batch a read hands to emit at most (a new batch each time, or
 * one refilled when sp_source.reuse_batches is set). */
enum { SP_SOURCE_BATCH_ROWS = 8192 };

/* One format: resolve fills d->schema (in d->arena) after checking the
 * options; open makes the running source. */
typedef struct sp_source_format {
    const char *name;
    bool (*resolve)(sp_source_def *d, const sp_sql_type *user_schema, const spate_conf *conf,
                    char *errstr, size_t n);
    sp_source *(*open)(const sp_source_def *d, const sp_source_env *env, char *errstr, size_t n);
} sp_source_format;

bool sp_source_rate_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                            const spate_conf *conf, char *errstr, size_t n);
sp_source *sp_source_rate_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                               size_t n);
bool sp_source_rmb_resolve(sp_source_def *d, const sp_sql_type *user_schema, const spate_conf *conf,
                           char *errstr, size_t n);
sp_source *sp_source_rmb_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                              size_t n);
bool sp_source_socket_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                              const spate_conf *conf, char *errstr, size_t n);
sp_source *sp_source_socket_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                                 size_t n);
bool sp_source_file_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                            const spate_conf *conf, char *errstr, size_t n);
sp_source *sp_source_file_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                               size_t n);
bool sp_source_kafka_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                             const spate_conf *conf, char *errstr, size_t n);
sp_source *sp_source_kafka_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                                size_t n);
sp_source *sp_source_memory_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                                 size_t n);

/* RateStreamProvider.valueAtSecond: the rows a rate stream has made in its
 * first `seconds` seconds. */
int64_t sp_source_rate_value_at_second(int64_t seconds, int64_t rows_per_second,
                                       int64_t ramp_up_seconds);
/* timestamp TIMESTAMP, value BIGINT (both rate sources), made in a. */
const sp_sql_type *sp_source_rate_schema(spate_arena *a);

/* The value of option key (case-insensitive), NULL when not given. */
const char *sp_source_opt(const sp_source_def *d, const char *key);
/* False with "Unknown option 'k' for the <what> source: it takes a, b, c"
 * when d has a key not in allowed (NULL-terminated, case-insensitive). */
bool sp_source_check_keys(const sp_source_def *d, const char *const *allowed, const char *what,
                          char *errstr, size_t n);
/* A long option (Java's Long.parseLong): dflt when absent; false with
 * "Invalid value 'v' for option 'key': expected a long" otherwise. */
bool sp_source_opt_long(const sp_source_def *d, const char *key, int64_t dflt, int64_t *out,
                        char *errstr, size_t n);
/* A boolean option ("true"/"false", any case). */
bool sp_source_opt_bool(const sp_source_def *d, const char *key, bool dflt, bool *out, char *errstr,
                        size_t n);
/* numPartitions' default: spate.master's threads (Spark's defaultParallelism). */
int sp_source_default_partitions(const spate_conf *conf);

/* A long as JSON text (LongOffset), malloc'd. */
char *sp_source_long_json(int64_t v);
/* Parses a LongOffset's JSON; false when it is not one. */
bool sp_source_parse_long(const char *json, int64_t *out);

/* A copy of b (columns, validity, strings) made in a. */
sp_colbatch *sp_source_batch_copy(const sp_colbatch *b, spate_arena *a);
/* An empty batch of schema's columns for capacity rows in a; NULL when a
 * field's type has no column. */
sp_colbatch *sp_source_batch_new(const sp_sql_type *schema, spate_arena *a, int64_t capacity);

/* ---- the file source's pieces (source_file*.c) ---- */

/* A file a batch reads: its path and what it was when listed. */
typedef struct sp_file_entry {
    char *path; /* malloc'd */
    int64_t size, mtime_ms;
} sp_file_entry;

typedef struct sp_file_batch {
    sp_file_entry *files;
    size_t n;
} sp_file_batch;

/* Spark's FileStreamSourceLog: entry N lists the files of batch N, kept on
 * disk under the source's checkpoint directory (none: in memory only) and
 * all in memory. The query's thread only. */
typedef struct sp_file_log {
    sp_entry_log log;
    bool on_disk;
    sp_file_batch *batches; /* ids 0 .. n - 1 */
    int64_t n, cap;
} sp_file_log;

/* Loads every entry of dir (NULL: no disk); an error names a damaged or
 * missing entry. temporary: entries are written without fsync
 * (sp_source_env.temporary). */
spate_err sp_file_log_open(sp_file_log *l, const char *dir, bool temporary, char *errstr, size_t n);
/* Writes entry l->n listing files (copied) and keeps it. */
spate_err sp_file_log_add(sp_file_log *l, const sp_file_entry *files, size_t nfiles, char *errstr,
                          size_t n);
void sp_file_log_free(sp_file_log *l);

typedef enum sp_file_kind { SP_FILE_CSV, SP_FILE_JSON, SP_FILE_TEXT } sp_file_kind;

/* How the files of a file source are parsed. */
typedef struct sp_file_parse {
    sp_file_kind kind;
    const sp_sql_type *schema;
    sp_sql_csv_options csv;
    sp_sql_json_options json;
    const bool *required;      /* sp_source_def.required: csv converts only those */
    bool ignore_missing_files; /* ignoreMissingFiles: a vanished file reads empty */
} sp_file_parse;

typedef enum sp_file_clean { SP_CLEAN_OFF, SP_CLEAN_DELETE, SP_CLEAN_ARCHIVE } sp_file_clean;

/* A file source's options (FileStreamOptions), checked. Strings point into
 * the definition. */
typedef struct sp_file_opts {
    const char *path;
    int64_t max_files, max_bytes; /* per trigger; 0: no limit */
    bool latest_first, file_name_only;
    int64_t max_file_age_ms; /* INT64_MAX: no limit */
    sp_file_clean clean;
    const char *archive_dir;
    const char *glob_filter; /* pathGlobFilter, NULL: none */
    sp_file_parse parse;
} sp_file_opts;

/* Checks d's options and schema (d->schema set) into *o. */
bool sp_source_file_opts(const sp_source_def *d, const spate_conf *conf, sp_file_opts *o,
                         char *errstr, size_t n);

/* A planned partition of a file: the lines that start in [start, end)
 * (Hadoop's LineRecordReader rule: a split after the first skips the line
 * it begins inside, and every split reads through the line that crosses
 * its end), so that the splits of a file read each line once. */
typedef struct sp_file_split {
    const sp_file_entry *file;
    int64_t start, end;
} sp_file_split;

/* Reads split s of a file (up to the size the file was listed with) into
 * batches of SP_SOURCE_BATCH_ROWS rows made in a, handed to emit (reuse:
 * one batch, reset after each emit). FAILFAST and I/O errors name the file.
 * Executor threads. */
spate_err sp_source_file_read(const sp_file_parse *fp, const sp_file_split *s, bool reuse,
                              spate_arena *a, sp_source_emit_fn emit, void *ud,
                              sp_source_counters *c, char *errstr, size_t n);

#endif
