/* entry_log.h - a directory of numbered entries, one checksummed file each
 * (Spark's HDFSMetadataLog: the offsets/N and commits/N of a query's
 * checkpoint, the checkpoint-<ms> files of a StreamingContext).
 *
 * On disk: <dir>/<prefix><N>, N a non-negative decimal number, each a
 * checkpoint file (ckpt_io.h) of the log's kind and version, so an entry is
 * written whole or not at all and a damaged one is named when read. Other
 * names in the directory (temporary files of an interrupted write, a user's
 * notes) are ignored.
 *
 * Entries are written by one thread at a time (the caller's lock); reading
 * and listing are safe from any thread, since a file is replaced only by an
 * atomic rename. The struct holds no open file: it is a name and a format. */
#ifndef SP_ENTRY_LOG_H
#define SP_ENTRY_LOG_H

#include "logs/ckpt_io.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct sp_entry_log {
    char dir[4096];
    const char *prefix; /* "" for offsets/N, "checkpoint-" for DStreams (static) */
    const char *kind;   /* the files' kind, e.g. "offsets" (static) */
    uint32_t version;
    bool nosync; /* entries atomic but not fsynced (sp_ckpt_write_file_nosync) */
} sp_entry_log;

/* Names the log (prefix and kind must outlive it: string literals). Nothing
 * is touched on disk; the directory is made by the first write. */
void sp_entry_log_init(sp_entry_log *log, const char *dir, const char *prefix, const char *kind,
                       uint32_t version);

/* The path of entry id in buf. */
void sp_entry_log_path(const sp_entry_log *log, int64_t id, char *buf, size_t size);

/* Writes entry id atomically (making the directory and its parents when
 * needed). With replace false an existing entry is left alone and
 * SPATE_ERR_STATE returned (HDFSMetadataLog.add: a batch's offsets are
 * written once); with replace true it is overwritten. SPATE_ERR_IO with the
 * path and reason in errstr. */
spate_err sp_entry_log_write(const sp_entry_log *log, int64_t id, const sp_ckpt_out *body,
                             bool replace, char *errstr, size_t errstr_size);

/* Reads and checks entry id into in (free with sp_ckpt_in_free).
 * SPATE_ERR_NOT_FOUND when it does not exist; SPATE_ERR_CORRUPT naming the
 * file when it is damaged (sp_ckpt_read_file). */
spate_err sp_entry_log_read(const sp_entry_log *log, int64_t id, sp_ckpt_in *in, char *errstr,
                            size_t errstr_size);

/* The ids present, ascending, in *ids (malloc'd; NULL when none). Returns
 * the count, or -1 when the directory cannot be read (a missing directory
 * is an empty log: 0). */
int sp_entry_log_list(const sp_entry_log *log, int64_t **ids);

/* The highest id present: SPATE_OK, or SPATE_ERR_NOT_FOUND for an empty
 * log. Because a write is atomic, the latest entry is always a committed
 * one: what the last completed write left. */
spate_err sp_entry_log_latest(const sp_entry_log *log, int64_t *id);

/* Deletes every entry with an id below `before` (HDFSMetadataLog.purge).
 * Returns how many were deleted. */
int sp_entry_log_purge(const sp_entry_log *log, int64_t before);

/* Deletes all but the newest `keep` entries. Returns how many were deleted. */
int sp_entry_log_keep_latest(const sp_entry_log *log, int keep);

#endif
