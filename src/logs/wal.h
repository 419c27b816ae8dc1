/* wal.h - a write-ahead log on disk: a directory of sequential files
 * "log-<20-digit number>", each an 12-byte header ("SPATEWAL", version) and
 * then records framed as
 *     u32 payload length | u64 xxh64 of the payload | payload
 * (little-endian). Records are opaque here; receiver_wal.c gives them their
 * meaning.
 *
 * Durability: sp_wal_append writes a record with one write(2) into the
 * current file (made on demand; the directory is fsync'ed when a file is
 * made, so that the file itself survives a crash); sp_wal_sync makes every
 * record appended so far durable (fdatasync). Concurrent callers share one
 * fdatasync (group commit): a sync waits for the one in progress and returns
 * at once when that one covered its record.
 *
 * Reading (sp_wal_replay): every file in order, every complete record whose
 * checksum matches. A file damaged in the middle of a record - truncated or
 * with a bad checksum - keeps the complete records before the damage; the
 * damage is described with the file's path and offset. With repair, a
 * truncated record at the end of the last file (a write a crash cut short,
 * never acknowledged) is cut off the file so it is not reported again.
 *
 * Threads: append, sync and roll from any thread (internally locked);
 * open, replay, delete and close from one thread at a time, replay before the
 * first append. */
#ifndef SP_WAL_H
#define SP_WAL_H

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_wal sp_wal;

/* Opens the log in dir, making the directory (and its parents) if needed.
 * Nothing is read yet. SPATE_ERR_IO with the path and the reason in errstr. */
spate_err sp_wal_open(const char *dir, sp_wal **out, char *errstr, size_t errstr_size);
/* Closes the current file (without a sync) and frees w. NULL is fine. */
void sp_wal_close(sp_wal *w);
const char *sp_wal_dir(const sp_wal *w);

/* Called for each good record, in log order: the number of the file that
 * holds it, and the payload (valid during the call). Return false to stop. */
typedef bool (*sp_wal_record_fn)(uint64_t file, const void *payload, size_t len, void *ud);

/* Reads every file in order (see above). damage gets the first problem found
 * ("" when none): "<path>: truncated record at offset N (...)". *torn_tail
 * (may be NULL) says whether that problem was only a truncated last record of
 * the last file. SPATE_ERR_IO when a file cannot be read at all. */
spate_err sp_wal_replay(sp_wal *w, bool repair, sp_wal_record_fn fn, void *ud, char *damage,
                        size_t damage_size, bool *torn_tail);

/* Appends one record; *file gets the number of the file it went to and *pos a
 * position to pass to sp_wal_sync. SPATE_ERR_IO (errstr says what) leaves the
 * log as it was before the call. */
spate_err sp_wal_append(sp_wal *w, const void *payload, size_t len, uint64_t *file, uint64_t *pos,
                        char *errstr, size_t errstr_size);
/* Returns once every record up to pos is on disk. */
spate_err sp_wal_sync(sp_wal *w, uint64_t pos, char *errstr, size_t errstr_size);
/* Syncs and closes the current file: the next append starts a new one. */
spate_err sp_wal_roll(sp_wal *w, char *errstr, size_t errstr_size);
/* The position of the last record synced (0 before any). For tests. */
uint64_t sp_wal_synced(sp_wal *w);

/* The log's files, oldest first (numbers; the current one included once
 * made). *n gets the count; the array is malloc'd. */
uint64_t *sp_wal_files(sp_wal *w, int *n);
/* Deletes the files numbered below `before`, never the current one. Returns
 * how many were deleted. */
int sp_wal_delete_before(sp_wal *w, uint64_t before);
/* The path of file number num in buf. */
void sp_wal_path(const sp_wal *w, uint64_t num, char *buf, size_t size);

#endif
