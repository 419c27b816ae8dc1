/* vstore_files.c - the files of a versioned state store: listing the
 * directory, naming the files and purging the ones no retained version needs
 * (layout in vstore.h). Threads: the store's (one at a time). */
#include "state/vstore_int.h"

#include "base/arena.h"
#include "base/log.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sp_vfile_path(char *buf, size_t size, const char *dir, int64_t version, bool snapshot)
{
    snprintf(buf, size, "%s/%lld.%s", dir, (long long)version, snapshot ? "snapshot" : "delta");
}

/* "<digits>.delta" / "<digits>.snapshot": the version and kind, or false. */
static bool parse_name(const char *name, int64_t *version, bool *snapshot)
{
    int64_t n = 0;
    const char *p = name;
    if (*p < '0' || *p > '9') return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (INT64_MAX - 9) / 10) return false;
        n = n * 10 + (*p - '0');
    }
    if (strcmp(p, ".delta") == 0)
        *snapshot = false;
    else if (strcmp(p, ".snapshot") == 0)
        *snapshot = true;
    else
        return false;
    *version = n;
    return n > 0;
}

/* Owns f's array; the store's thread. */
void sp_vfiles_list(sp_vfiles *f, const char *dir)
{
    f->len = 0;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        int64_t version;
        bool snapshot;
        if (!parse_name(de->d_name, &version, &snapshot)) continue;
        sp_vfile *e = sp_vfiles_add(f, version);
        if (snapshot)
            e->snapshot = true;
        else
            e->delta = true;
    }
    closedir(d);
}

void sp_vfiles_free(sp_vfiles *f)
{
    free(f->v);
    *f = (sp_vfiles){0};
}

/* Linear: the list holds the retained versions only (a few dozen). */
sp_vfile *sp_vfiles_find(sp_vfiles *f, int64_t version)
{
    for (size_t i = 0; i < f->len; i++)
        if (f->v[i].version == version) return &f->v[i];
    return NULL;
}

sp_vfile *sp_vfiles_add(sp_vfiles *f, int64_t version)
{
    sp_vfile *e = sp_vfiles_find(f, version);
    if (e) return e;
    if (f->len == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->v = sp_xrealloc(f->v, f->cap * sizeof *f->v);
    }
    size_t i = f->len;
    while (i > 0 && f->v[i - 1].version > version) {
        f->v[i] = f->v[i - 1];
        i--;
    }
    f->v[i] = (sp_vfile){version, false, false};
    f->len++;
    return &f->v[i];
}

int64_t sp_vfiles_snapshot_at_or_below(const sp_vfiles *f, int64_t version)
{
    for (size_t i = f->len; i > 0; i--)
        if (f->v[i - 1].snapshot && f->v[i - 1].version <= version) return f->v[i - 1].version;
    return 0;
}

int64_t sp_vfiles_latest(const sp_vfiles *f) { return f->len ? f->v[f->len - 1].version : 0; }

static void remove_file(const char *dir, int64_t version, bool snapshot)
{
    char path[4200];
    sp_vfile_path(path, sizeof path, dir, version, snapshot);
    if (unlink(path) != 0 && errno != ENOENT)
        sp_log(SP_LOG_WARN, "StateStore", "cannot delete old state file %s: %s", path,
               strerror(errno));
}

void sp_vfiles_purge(sp_vfiles *f, const char *dir, int retain)
{
    if (retain < 1) retain = 1;
    int64_t earliest = sp_vfiles_latest(f) - retain + 1;
    if (earliest <= 0) return;
    int64_t first = sp_vfiles_snapshot_at_or_below(f, earliest);
    if (first == 0) return; /* every delta from version 1 on is still needed */
    size_t keep = 0;
    for (size_t i = 0; i < f->len; i++) {
        sp_vfile *e = &f->v[i];
        if (e->version >= first) {
            f->v[keep++] = *e;
            continue;
        }
        if (e->delta) remove_file(dir, e->version, false);
        if (e->snapshot) remove_file(dir, e->version, true);
    }
    f->len = keep;
}
