/* vstore.c - the versioned state store (vstore.h): loading a version from its
 * snapshot and deltas, committing the live store's changes as the next
 * version, and its figures. The file listing and purging are in
 * vstore_files.c. Threads: one at a time (the partition's task). */
#include "state/vstore_int.h"

#include "base/arena.h"
#include "base/errbuf.h"
#include "base/fsutil.h"
#include "logs/ckpt_io.h"
#include "state/state_ckpt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The files are checkpoint files of this kind and format (the record inside
 * says delta or full snapshot: state_ckpt.h). */
static const char KIND[] = "state";
enum { FILE_VERSION = 1 };

struct sp_vstore {
    char *dir;
    sp_vstore_conf conf;
    sp_state_store *store;
    int64_t version; /* loaded or committed last; -1 */
    bool stale;      /* the store does not hold `version` (a failed load or commit) */
    bool committed;  /* the last step was a commit (its figures are reported) */
    bool listed;     /* files holds the directory's listing */
    bool defer_sync; /* sp_vstore_defer_sync */
    sp_vfiles files;
    int64_t num_updated, num_removed; /* of the last commit */
    int64_t commit_time_ms, files_written;
    int64_t cache_hits, cache_misses;
};

sp_vstore *sp_vstore_open(const char *dir, const sp_vstore_conf *conf)
{
    sp_vstore *v = sp_xmalloc(sizeof *v);
    *v = (sp_vstore){.dir = sp_xstrdup(dir), .conf = *conf, .version = -1};
    v->store = sp_state_store_new(false);
    return v;
}

void sp_vstore_close(sp_vstore *v)
{
    if (!v) return;
    sp_state_store_destroy(v->store);
    sp_vfiles_free(&v->files);
    free(v->dir);
    free(v);
}

sp_state_store *sp_vstore_store(sp_vstore *v) { return v->store; }

int64_t sp_vstore_version(const sp_vstore *v) { return v->version; }

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool has_changes(const sp_vstore *v)
{
    return sp_state_ndirty(v->store) > 0 || sp_state_ntombstones(v->store) > 0;
}

/* ---- loading ---- */

static int place_one(spate_value key, void *ud)
{
    (void)key;
    (void)ud;
    return 0;
}

/* Applies the file of version (its snapshot or its delta) to the store. */
static spate_err apply_file(sp_vstore *v, int64_t version, bool snapshot, char *errstr,
                            size_t errstr_size)
{
    char path[4200];
    sp_vfile_path(path, sizeof path, v->dir, version, snapshot);
    sp_ckpt_in in;
    spate_err err = sp_ckpt_read_file(path, KIND, FILE_VERSION, &in, errstr, errstr_size);
    if (err == SPATE_ERR_NOT_FOUND)
        sp_errf(errstr, errstr_size, "cannot load state version %lld: %s does not exist",
                (long long)version, path);
    if (err) return err;
    err = sp_state_load(&v->store, 1, snapshot, &in, place_one, NULL, errstr, errstr_size);
    if (!err && !sp_ckpt_in_done(&in)) {
        sp_errf(errstr, errstr_size, "corrupt checkpoint file %s: data after the state record",
                path);
        err = SPATE_ERR_CORRUPT;
    }
    sp_ckpt_in_free(&in);
    return err;
}

/* The version the deltas start from: the store as it is when it holds an
 * older version no older than the snapshot, else the snapshot (or empty). */
static int64_t load_base(sp_vstore *v, int64_t version, char *errstr, size_t errstr_size,
                         spate_err *err)
{
    int64_t snap = sp_vfiles_snapshot_at_or_below(&v->files, version);
    if (!v->stale && v->version >= snap && v->version < version && !has_changes(v))
        return v->version;
    if (snap == 0) {
        sp_state_store_clear(v->store);
        return 0;
    }
    *err = apply_file(v, snap, true, errstr, errstr_size);
    return snap;
}

spate_err sp_vstore_load(sp_vstore *v, int64_t version, char *errstr, size_t errstr_size)
{
    if (version < 0) {
        sp_errf(errstr, errstr_size, "cannot load state version %lld: versions start at 0",
                (long long)version);
        return SPATE_ERR_INVALID_ARG;
    }
    v->committed = false;
    if (!v->stale && version == v->version && !has_changes(v)) {
        v->cache_hits += version > 0;
        return SPATE_OK;
    }
    v->cache_misses += version > 0;
    sp_vfiles_list(&v->files, v->dir);
    v->listed = true;
    spate_err err = SPATE_OK;
    int64_t from = load_base(v, version, errstr, errstr_size, &err);
    for (int64_t k = from + 1; !err && k <= version; k++) {
        sp_vfile *f = sp_vfiles_find(&v->files, k);
        if (f && f->delta) {
            err = apply_file(v, k, false, errstr, errstr_size);
        } else {
            char path[4200];
            sp_vfile_path(path, sizeof path, v->dir, k, false);
            sp_errf(errstr, errstr_size, "cannot load state version %lld: %s does not exist",
                    (long long)version, path);
            err = SPATE_ERR_NOT_FOUND;
        }
    }
    sp_state_mark_clean(v->store);
    v->stale = err != SPATE_OK;
    v->version = err ? -1 : version;
    return err;
}

/* ---- committing ---- */

/* Writes the store's changes (snapshot: all of it) as version's file. */
static spate_err write_file(sp_vstore *v, int64_t version, bool snapshot, char *errstr,
                            size_t errstr_size)
{
    char path[4200];
    sp_vfile_path(path, sizeof path, v->dir, version, snapshot);
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_state_save(&v->store, 1, snapshot, &w);
    spate_err err =
        v->defer_sync ? sp_ckpt_write_file_nosync(path, KIND, FILE_VERSION, &w, errstr, errstr_size)
                      : sp_ckpt_write_file(path, KIND, FILE_VERSION, &w, errstr, errstr_size);
    sp_ckpt_out_free(&w);
    if (err) return err;
    sp_vfile *f = sp_vfiles_add(&v->files, version);
    if (snapshot)
        f->snapshot = true;
    else
        f->delta = true;
    v->files_written++;
    return SPATE_OK;
}

/* Spark's doSnapshot: due when more than min_deltas_for_snapshot deltas
 * follow the last snapshot. A snapshot of a re-run version is rewritten so
 * it never holds the state of the earlier run. */
static bool snapshot_due(sp_vstore *v, int64_t version)
{
    sp_vfile *f = sp_vfiles_find(&v->files, version);
    if (f && f->snapshot) return true;
    int64_t deltas = version - sp_vfiles_snapshot_at_or_below(&v->files, version - 1);
    return deltas > v->conf.min_deltas_for_snapshot;
}

static spate_err commit_files(sp_vstore *v, int64_t next, char *errstr, size_t errstr_size)
{
    if (sp_mkdirs(v->dir) != 0) {
        sp_errf(errstr, errstr_size, "cannot create state directory %s: %s", v->dir,
                strerror(errno));
        return SPATE_ERR_IO;
    }
    if (!v->listed) {
        sp_vfiles_list(&v->files, v->dir);
        v->listed = true;
    }
    spate_err err = write_file(v, next, false, errstr, errstr_size);
    if (!err && snapshot_due(v, next)) err = write_file(v, next, true, errstr, errstr_size);
    return err;
}

spate_err sp_vstore_commit(sp_vstore *v, char *errstr, size_t errstr_size)
{
    if (v->version < 0 || v->stale) {
        sp_errf(errstr, errstr_size, "cannot commit the state in %s: no version is loaded", v->dir);
        return SPATE_ERR_STATE;
    }
    int64_t start = now_ms();
    int64_t updated = (int64_t)sp_state_ndirty(v->store);
    int64_t removed = (int64_t)sp_state_ntombstones(v->store);
    v->files_written = 0;
    spate_err err = commit_files(v, v->version + 1, errstr, errstr_size);
    if (err) {
        v->stale = true; /* the changes are no longer tracked: reload */
        return err;
    }
    v->version++;
    /* Deferred: the new files may not be durable yet, so the files of the
     * version before them stay. */
    sp_vfiles_purge(&v->files, v->dir, v->conf.min_versions_to_retain + v->defer_sync);
    v->committed = true;
    v->num_updated = updated;
    v->num_removed = removed;
    v->commit_time_ms = now_ms() - start;
    return SPATE_OK;
}

void sp_vstore_defer_sync(sp_vstore *v, bool defer) { v->defer_sync = defer; }

sp_vstore_metrics sp_vstore_get_metrics(const sp_vstore *v)
{
    sp_vstore_metrics m = {
        .num_keys = (int64_t)sp_state_store_len(v->store),
        .memory_bytes = (int64_t)sp_state_store_bytes(v->store),
        .commit_time_ms = v->commit_time_ms,
        .files_written = v->files_written,
        .cache_hits = v->cache_hits,
        .cache_misses = v->cache_misses,
    };
    if (v->committed && !has_changes(v)) {
        m.num_updated = v->num_updated;
        m.num_removed = v->num_removed;
    } else {
        m.num_updated = (int64_t)sp_state_ndirty(v->store);
        m.num_removed = (int64_t)sp_state_ntombstones(v->store);
    }
    return m;
}
