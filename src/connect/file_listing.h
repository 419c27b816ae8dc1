/* file_listing.h - which files of a directory are new: the planning half of
 * the file sources (the DStream's textFileStream today, the SQL file source
 * next), with no DStream or SQL types.
 *
 * Rules (Spark's FileInputDStream and FileStreamSource agree on them): the
 * directory is listed, not recursively; names starting with '.' or '_' (files
 * being written, Hadoop's hidden and metadata files) and anything but a
 * regular file are ignored; a file is new when after < mtime <= until and
 * its name was not taken before. Each listing remembers the names it handed
 * out with the time that took them, forgets them when told (once their
 * mtimes are under the caller's threshold anyway), and saves and loads them
 * as its position, so a restarted source takes none of them again.
 *
 * Not thread-safe: one planning thread (the DStream generator, a query's
 * trigger) owns a listing. */
#ifndef SP_FILE_LISTING_H
#define SP_FILE_LISTING_H

#include "logs/ckpt_io.h"

#include <spate/core.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Asked for each candidate's full path after the rules above; true keeps it. */
typedef bool (*sp_file_filter_fn)(const char *path, void *ud);

/* A file a listing found (name and path malloc'd). */
typedef struct sp_listed_file {
    char *name, *path;
    int64_t size;
    int64_t mtime_ms;
} sp_listed_file;

typedef struct sp_taken_name {
    char *name;
    int64_t time; /* the batch that took it */
} sp_taken_name;

typedef struct sp_file_listing {
    char *dir;
    sp_file_filter_fn filter; /* NULL: every file */
    void *filter_ud;
    sp_taken_name *taken; /* sorted by name */
    size_t ntaken, captaken;
} sp_file_listing;

void sp_file_listing_init(sp_file_listing *l, const char *dir, sp_file_filter_fn filter, void *ud);
void sp_file_listing_free(sp_file_listing *l);

/* The new files with after < mtime <= until, sorted by name (*out malloc'd;
 * free with sp_listed_files_free). They are not marked taken: call
 * sp_file_listing_take for those the caller uses. Returns 0, or -1 with errno
 * set when the directory cannot be listed. */
int sp_file_listing_new_files(const sp_file_listing *l, int64_t after, int64_t until,
                              sp_listed_file **out, size_t *n);
/* Remembers name as taken at time t (no effect when already taken). */
void sp_file_listing_take(sp_file_listing *l, const char *name, int64_t t);
bool sp_file_listing_was_taken(const sp_file_listing *l, const char *name);
/* Forgets the names taken before `before` (INT64_MAX: all of them). */
void sp_file_listing_forget_before(sp_file_listing *l, int64_t before);

/* The position: u64 count, then (str name, i64 time) per taken name. */
void sp_file_listing_save(const sp_file_listing *l, sp_ckpt_out *w);
/* Replaces the taken names by the saved ones; false when the record is
 * malformed (a name empty or holding '/' or NUL). */
bool sp_file_listing_load(sp_file_listing *l, sp_ckpt_in *in);

/* A saved file name: not empty, no '/', no NUL (malloc'd); NULL (and
 * in->bad) otherwise. */
char *sp_file_name_get(sp_ckpt_in *in);
/* dir + "/" + name (malloc'd). */
char *sp_file_path_join(const char *dir, const char *name);
void sp_listed_files_free(sp_listed_file *files, size_t n);

#endif
