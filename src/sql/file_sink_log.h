/* file_sink_log.h - a file sink's _spark_metadata log (Spark's
 * FileStreamSinkLog), and the reader that lists the files a sink committed.
 *
 * On disk: <sink dir>/_spark_metadata/<batchId>, one text file per batch as
 * Spark writes it: "v1", then for each file of the batch a newline and one
 * JSON object (no newline after the last):
 *   v1
 *   {"path":"file:/out/part-00000-<uuid>.c000.csv","size":12,"isDir":false,
 *    "modificationTime":1700000000000,"blockReplication":1,
 *    "blockSize":33554432,"action":"add"}
 * (each object on one line). An entry is written to a temporary file,
 * fsynced, then linked into place, which fails when the entry exists
 * (HDFSMetadataLog.add writes a batch once), and the directory is fsynced:
 * a reader sees a whole entry or none. Spark's compacted entries
 * (<batchId>.compact) are read too; spate does not compact.
 *
 * A file is committed when an entry lists it with action "add" and no later
 * entry lists it with "delete". Part files of a batch whose entry was never
 * written (a crash between the two) are not committed: a reader that
 * honours the log never sees them.
 *
 * Threads: writing on the sink's (query's) thread; reading on any thread. */
#ifndef SP_SQL_FILE_SINK_LOG_H
#define SP_SQL_FILE_SINK_LOG_H

#include "sql/show_buf.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_sink_file_status {
    const char *path; /* Spark's form: "file:/abs/part-...", percent-encoded */
    int64_t size;
    bool is_dir;
    int64_t modification_time; /* ms since the epoch */
    int32_t block_replication;
    int64_t block_size;
    const char *action; /* "add" or "delete" */
} sp_sink_file_status;

/* Spark's serialization of one entry (FileStreamSinkLogSuite's
 * "serialize"): "v1" and "\n{...}" per file, appended to out. */
void sp_file_sink_log_serialize(const sp_sink_file_status *files, size_t n, sp_sql_sbuf *out);

/* The highest batch id in <sink_dir>/_spark_metadata: SPATE_OK, or
 * SPATE_ERR_NOT_FOUND when there is none (no directory, or empty);
 * SPATE_ERR_IO when the directory cannot be read. */
spate_err sp_file_sink_log_latest(const char *sink_dir, int64_t *batch_id, char *errstr,
                                  size_t errstr_size);

/* Writes entry batch_id listing files[0..n) atomically. SPATE_ERR_STATE
 * when the entry exists already (left as it is); SPATE_ERR_IO naming the
 * path and the reason. */
spate_err sp_file_sink_log_add(const char *sink_dir, int64_t batch_id,
                               const sp_sink_file_status *files, size_t n, char *errstr,
                               size_t errstr_size);

/* True when <dir>/_spark_metadata exists: dir is a file sink's output,
 * whose readers should list it through the log (Spark's
 * FileStreamSink.hasMetadata, which FileStreamSource and batch reads use
 * to read only committed files). */
bool sp_file_sink_has_log(const char *dir);

/* The files committed to the sink in sink_dir, as local paths (the "file:"
 * scheme dropped, percent escapes decoded), in batch order then the order
 * each entry lists them: *paths is a malloc'd array of malloc'd strings
 * (free with sp_file_sink_paths_free). Returns the count (0 with *paths
 * NULL when there is no log), or -1 with errstr when an entry cannot be
 * read or is not Spark's format (named). */
int sp_file_sink_committed_files(const char *sink_dir, char ***paths, char *errstr,
                                 size_t errstr_size);
void sp_file_sink_paths_free(char **paths, int n);

/* Spark's form of an absolute local path: "file:" + the path with the
 * characters java.net.URI does not take in a path percent-encoded. */
void sp_file_sink_path_uri(const char *abs_path, sp_sql_sbuf *out);

#endif
