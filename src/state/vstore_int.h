/* vstore_int.h - the state module's view of a versioned store's files
 * (vstore.c loads and commits, vstore_files.c lists, names and purges).
 * Threads: those of the store (one at a time). */
#ifndef SP_STATE_VSTORE_INT_H
#define SP_STATE_VSTORE_INT_H

#include "state/vstore.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The files of one version in the store's directory. */
typedef struct sp_vfile {
    int64_t version;
    bool delta, snapshot;
} sp_vfile;

/* The files on disk, by version (ascending): listed on a load, kept up to
 * date by the commits. */
typedef struct sp_vfiles {
    sp_vfile *v;
    size_t len, cap;
} sp_vfiles;

/* Rereads the listing of dir ("<v>.delta", "<v>.snapshot"; anything else is
 * ignored). A missing directory lists nothing. */
void sp_vfiles_list(sp_vfiles *f, const char *dir);
void sp_vfiles_free(sp_vfiles *f);
/* The entry of version, or NULL; sp_vfiles_add makes it when absent. */
sp_vfile *sp_vfiles_find(sp_vfiles *f, int64_t version);
sp_vfile *sp_vfiles_add(sp_vfiles *f, int64_t version);
/* The newest snapshot at or below version, 0 when there is none. */
int64_t sp_vfiles_snapshot_at_or_below(const sp_vfiles *f, int64_t version);
/* The newest version on disk, 0 when there is none. */
int64_t sp_vfiles_latest(const sp_vfiles *f);

/* "<dir>/<version>.delta" or ".snapshot" in buf. */
void sp_vfile_path(char *buf, size_t size, const char *dir, int64_t version, bool snapshot);

/* Deletes the files no version at or above latest - retain + 1 needs
 * (Spark's HDFSBackedStateStoreProvider.cleanup): everything older than the
 * newest snapshot at or below that version. */
void sp_vfiles_purge(sp_vfiles *f, const char *dir, int retain);

#endif
