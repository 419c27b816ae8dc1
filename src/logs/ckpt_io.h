/* ckpt_io.h - checkpoint files: a body of typed records (integers, strings,
 * spate_values) written atomically behind a header that names the file's
 * kind and format version and carries the body's length and xxh64 checksum.
 *
 * Writing: fill an sp_ckpt_out with sp_ckpt_put_*, then sp_ckpt_write_file,
 * which writes a temporary file in the same directory, fsyncs it, renames it
 * into place and fsyncs the directory: a reader sees the old file or the new
 * one, never half of one.
 *
 * Reading: sp_ckpt_read_file checks magic, kind, version, length and checksum
 * and names the file and what is wrong (SPATE_ERR_CORRUPT) - a truncated or
 * bit-flipped file is never loaded. The sp_ckpt_get_* readers return false
 * once the body runs out or holds something else than asked; the failure is
 * sticky (in->bad), so a loader may read a whole record and check once.
 */
#ifndef SP_CKPT_IO_H
#define SP_CKPT_IO_H

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_ckpt_out {
    char *buf;
    size_t len, cap;
} sp_ckpt_out;

void sp_ckpt_out_init(sp_ckpt_out *w);
void sp_ckpt_out_free(sp_ckpt_out *w);
void sp_ckpt_put_u8(sp_ckpt_out *w, uint8_t v);
void sp_ckpt_put_u64(sp_ckpt_out *w, uint64_t v);                /* varint */
void sp_ckpt_put_i64(sp_ckpt_out *w, int64_t v);                 /* zigzag varint */
void sp_ckpt_put_bytes(sp_ckpt_out *w, const void *p, size_t n); /* length-prefixed */
void sp_ckpt_put_str(sp_ckpt_out *w, const char *s);
/* Any value, recursively (tuples, lists, options...). */
void sp_ckpt_put_value(sp_ckpt_out *w, spate_value v);

typedef struct sp_ckpt_in {
    char *buf; /* owned (malloc'd) when read from a file */
    size_t len, pos;
    bool bad;
    char path[512]; /* for messages */
} sp_ckpt_in;

/* Reads from memory (not owned). */
void sp_ckpt_in_init(sp_ckpt_in *in, const void *buf, size_t len);
void sp_ckpt_in_free(sp_ckpt_in *in);
bool sp_ckpt_get_u8(sp_ckpt_in *in, uint8_t *v);
bool sp_ckpt_get_u64(sp_ckpt_in *in, uint64_t *v);
bool sp_ckpt_get_i64(sp_ckpt_in *in, int64_t *v);
/* *p points into the body (valid until sp_ckpt_in_free). */
bool sp_ckpt_get_bytes(sp_ckpt_in *in, const void **p, size_t *n);
/* A copy in a (NUL-terminated). */
bool sp_ckpt_get_str(sp_ckpt_in *in, spate_arena *a, const char **s);
/* A saved name (a file name, a topic): 1..max_len bytes with no NUL and
 * none of the bytes in `forbidden`, as a malloc'd C string; NULL (and the
 * sticky in->bad) otherwise, so a damaged checkpoint never names a path
 * outside its directory. */
char *sp_ckpt_get_name(sp_ckpt_in *in, size_t max_len, const char *forbidden);
/* A deep copy in a. */
bool sp_ckpt_get_value(sp_ckpt_in *in, spate_arena *a, spate_value *v);
/* True when the whole body was read and nothing failed. */
bool sp_ckpt_in_done(const sp_ckpt_in *in);

/* Writes body as a checkpoint file of the given kind (a short name such as
 * "metadata" or "state") and version. SPATE_ERR_IO with the path and errno's
 * text in errstr on failure. */
spate_err sp_ckpt_write_file(const char *path, const char *kind, uint32_t version,
                             const sp_ckpt_out *body, char *errstr, size_t errstr_size);
/* The same, atomic (a crash of the process leaves the old file or the new
 * one) but not durable: no fsync, so a power failure may lose it. For
 * files whose loss only repeats work, such as a query's commits/N (the
 * batch then runs again with the same offsets). */
spate_err sp_ckpt_write_file_nosync(const char *path, const char *kind, uint32_t version,
                                    const sp_ckpt_out *body, char *errstr, size_t errstr_size);
/* Reads and checks a checkpoint file into in (free with sp_ckpt_in_free).
 * SPATE_ERR_NOT_FOUND when it does not exist, SPATE_ERR_IO when it cannot be
 * read, SPATE_ERR_CORRUPT when it is not a valid file of this kind (bad
 * magic, other kind, unknown version, truncated, checksum mismatch); errstr
 * names the file and the reason. */
spate_err sp_ckpt_read_file(const char *path, const char *kind, uint32_t version, sp_ckpt_in *in,
                            char *errstr, size_t errstr_size);

#endif
