/* file_read.h - reading byte ranges of files: the task half of the file
 * sources, with no DStream or SQL types.
 *
 * A file is read as splits of at most maxPartitionBytes. A text split owns
 * the lines that start inside it (Hadoop's LineRecordReader rule, with
 * [start, end) bounds): it reads its bytes plus the byte before (to see
 * whether a line starts at its first byte) and hands each line to a callback
 * as a slice of its buffer, "\n" and "\r\n" stripped - no copy per line; only
 * the last line, which may run past the split, is assembled in a copy. A
 * transient task (whose sink copies what it keeps: counting, map-side
 * combining) reads through a window of READ_WINDOW bytes instead, reused as
 * it slides along the split, so memory stays bounded whatever the split size
 * and the bytes are parsed while still in cache; a line is then valid only
 * during its callback. Fixed-length records split at multiples of the record
 * length.
 *
 * Reading is bounded by the size the file had when it was listed, so a file
 * appended to later reads as it was planned. A file that cannot be read, or
 * that shrank, fails the task (spate_task_fail with the path and the reason).
 *
 * Threads: executor threads; a split is read by one task at a time. */
#ifndef SP_FILE_READ_H
#define SP_FILE_READ_H

#include "exec/task.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stdint.h>

/* One byte range of one file. */
typedef struct sp_file_split {
    const char *path;
    int64_t start, end; /* [start, end) */
    int64_t size;       /* the file's size when listed */
} sp_file_split;

/* A line: its byte offset in the file and its text (not NUL-terminated). */
typedef void (*sp_line_fn)(spate_task *t, int64_t offset, const char *p, size_t len, void *ud);
/* A fixed-length record (len bytes). */
typedef void (*sp_record_fn)(spate_task *t, const uint8_t *p, size_t len, void *ud);

/* Splits of chunk bytes for a file of size bytes: how many there are. */
static inline int64_t sp_file_split_count(int64_t size, int64_t chunk)
{
    return (size + chunk - 1) / chunk;
}

/* Calls fn for each line that starts in sp (through the sliding window when
 * the task is transient); returns how many, or -1 when the task failed. */
int64_t sp_file_read_lines(spate_task *t, const sp_file_split *sp, sp_line_fn fn, void *ud);
/* Calls fn for each whole record of record_length bytes in sp; the count, or
 * -1 when the task failed. */
int64_t sp_file_read_records(spate_task *t, const sp_file_split *sp, int record_length,
                             sp_record_fn fn, void *ud);

#endif
