/* source_file_log.c - the file source's own log (Spark's
 * FileStreamSourceLog): entry N under the source's checkpoint directory
 * lists the files batch N reads (path, size, mtime), so a re-run batch reads
 * the same files and a restarted source never takes a committed file again.
 * Entries are checkpoint files (logs/entry_log.h) of kind "filesource".
 *
 * Threads: the query's thread. */
#include "sql/source_int.h"

#include "base/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void keep(sp_file_log *l, sp_file_entry *files, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->batches = sp_xrealloc(l->batches, (size_t)l->cap * sizeof *l->batches);
    }
    l->batches[l->n++] = (sp_file_batch){files, n};
}

static void free_files(sp_file_entry *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i].path);
    free(files);
}

/* Entry id's files, or false with the reason. */
static bool load_entry(sp_file_log *l, int64_t id, char *errstr, size_t n)
{
    sp_ckpt_in in;
    if (sp_entry_log_read(&l->log, id, &in, errstr, n) != SPATE_OK) return false;
    uint64_t count = 0;
    bool ok = sp_ckpt_get_u64(&in, &count) && count < (1u << 30);
    sp_file_entry *files = sp_xcalloc(ok && count ? count : 1, sizeof *files);
    size_t got = 0;
    for (; ok && got < count; got++) {
        spate_arena *a = spate_arena_new();
        const char *path;
        ok = sp_ckpt_get_str(&in, a, &path) && sp_ckpt_get_i64(&in, &files[got].size) &&
             sp_ckpt_get_i64(&in, &files[got].mtime_ms);
        files[got].path = ok ? sp_xstrdup(path) : NULL;
        spate_arena_destroy(a);
    }
    sp_ckpt_in_free(&in);
    if (!ok) {
        char path[4200];
        sp_entry_log_path(&l->log, id, path, sizeof path);
        snprintf(errstr, n, "file source log: entry %s is damaged", path);
        free_files(files, got);
        return false;
    }
    keep(l, files, got);
    return true;
}

spate_err sp_file_log_open(sp_file_log *l, const char *dir, bool temporary, char *errstr, size_t n)
{
    memset(l, 0, sizeof *l);
    if (!dir) return SPATE_OK;
    l->on_disk = true;
    sp_entry_log_init(&l->log, dir, "", "filesource", 1);
    l->log.nosync = temporary;
    int64_t *ids = NULL;
    int count = sp_entry_log_list(&l->log, &ids);
    if (count < 0) {
        snprintf(errstr, n, "file source log: cannot list %s", dir);
        return SPATE_ERR_IO;
    }
    for (int i = 0; i < count; i++) {
        if (ids[i] != i) {
            snprintf(errstr, n, "file source log: entry %d is missing in %s", i, dir);
            free(ids);
            return SPATE_ERR_CORRUPT;
        }
        if (!load_entry(l, i, errstr, n)) {
            free(ids);
            return SPATE_ERR_CORRUPT;
        }
    }
    free(ids);
    return SPATE_OK;
}

spate_err sp_file_log_add(sp_file_log *l, const sp_file_entry *files, size_t nfiles, char *errstr,
                          size_t n)
{
    if (l->on_disk) {
        sp_ckpt_out w;
        sp_ckpt_out_init(&w);
        sp_ckpt_put_u64(&w, nfiles);
        for (size_t i = 0; i < nfiles; i++) {
            sp_ckpt_put_str(&w, files[i].path);
            sp_ckpt_put_i64(&w, files[i].size);
            sp_ckpt_put_i64(&w, files[i].mtime_ms);
        }
        spate_err e = sp_entry_log_write(&l->log, l->n, &w, false, errstr, n);
        sp_ckpt_out_free(&w);
        if (e != SPATE_OK) return e;
    }
    sp_file_entry *copy = sp_xcalloc(nfiles ? nfiles : 1, sizeof *copy);
    for (size_t i = 0; i < nfiles; i++) {
        copy[i] = files[i];
        copy[i].path = sp_xstrdup(files[i].path);
    }
    keep(l, copy, nfiles);
    return SPATE_OK;
}

void sp_file_log_free(sp_file_log *l)
{
    for (int64_t i = 0; i < l->n; i++)
        free_files(l->batches[i].files, l->batches[i].n);
    free(l->batches);
    memset(l, 0, sizeof *l);
}
