/* entry_log.c - numbered entries in a directory (see entry_log.h). */
#include "logs/entry_log.h"

#include "base/arena.h"
#include "base/errbuf.h"
#include "base/fsutil.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sp_entry_log_init(sp_entry_log *log, const char *dir, const char *prefix, const char *kind,
                       uint32_t version)
{
    snprintf(log->dir, sizeof log->dir, "%s", dir);
    log->prefix = prefix;
    log->kind = kind;
    log->version = version;
    log->nosync = false;
}

void sp_entry_log_path(const sp_entry_log *log, int64_t id, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s%lld", log->dir, log->prefix, (long long)id);
}

spate_err sp_entry_log_write(const sp_entry_log *log, int64_t id, const sp_ckpt_out *body,
                             bool replace, char *errstr, size_t errstr_size)
{
    assert(id >= 0);
    char path[4200];
    sp_entry_log_path(log, id, path, sizeof path);
    if (sp_mkdirs(log->dir) != 0) {
        sp_errf(errstr, errstr_size, "%s: cannot make the directory: %s", log->dir,
                strerror(errno));
        return SPATE_ERR_IO;
    }
    struct stat st;
    if (!replace && stat(path, &st) == 0) {
        sp_errf(errstr, errstr_size, "%s: entry %lld was already written", path, (long long)id);
        return SPATE_ERR_STATE;
    }
    return log->nosync
               ? sp_ckpt_write_file_nosync(path, log->kind, log->version, body, errstr, errstr_size)
               : sp_ckpt_write_file(path, log->kind, log->version, body, errstr, errstr_size);
}

spate_err sp_entry_log_read(const sp_entry_log *log, int64_t id, sp_ckpt_in *in, char *errstr,
                            size_t errstr_size)
{
    char path[4200];
    sp_entry_log_path(log, id, path, sizeof path);
    return sp_ckpt_read_file(path, log->kind, log->version, in, errstr, errstr_size);
}

/* The id in a name <prefix><digits>, or -1 for any other name. */
static int64_t name_id(const sp_entry_log *log, const char *name)
{
    size_t pl = strlen(log->prefix);
    if (strncmp(name, log->prefix, pl) != 0 || !name[pl]) return -1;
    int64_t id = 0;
    for (const char *p = name + pl; *p; p++) {
        if (*p < '0' || *p > '9' || id > (INT64_MAX - 9) / 10) return -1;
        id = id * 10 + (*p - '0');
    }
    return id;
}

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int sp_entry_log_list(const sp_entry_log *log, int64_t **ids)
{
    *ids = NULL;
    DIR *d = opendir(log->dir);
    if (!d) return errno == ENOENT ? 0 : -1;
    int n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        int64_t id = name_id(log, de->d_name);
        if (id < 0) continue;
        if (n == cap) *ids = sp_xrealloc(*ids, sizeof **ids * (size_t)(cap = cap ? 2 * cap : 16));
        (*ids)[n++] = id;
    }
    closedir(d);
    if (n > 1) qsort(*ids, (size_t)n, sizeof **ids, id_cmp);
    return n;
}

spate_err sp_entry_log_latest(const sp_entry_log *log, int64_t *id)
{
    int64_t *ids;
    int n = sp_entry_log_list(log, &ids);
    if (n > 0) *id = ids[n - 1];
    free(ids);
    return n > 0 ? SPATE_OK : SPATE_ERR_NOT_FOUND;
}

/* Deletes the entries ids[0..n). */
static int delete_ids(const sp_entry_log *log, const int64_t *ids, int n)
{
    int deleted = 0;
    for (int i = 0; i < n; i++) {
        char path[4200];
        sp_entry_log_path(log, ids[i], path, sizeof path);
        if (unlink(path) == 0) deleted++;
    }
    return deleted;
}

int sp_entry_log_purge(const sp_entry_log *log, int64_t before)
{
    int64_t *ids;
    int n = sp_entry_log_list(log, &ids);
    int below = 0;
    while (below < n && ids[below] < before)
        below++;
    int deleted = delete_ids(log, ids, below);
    free(ids);
    return deleted;
}

int sp_entry_log_keep_latest(const sp_entry_log *log, int keep)
{
    int64_t *ids;
    int n = sp_entry_log_list(log, &ids);
    int deleted = n > keep ? delete_ids(log, ids, n - keep) : 0;
    free(ids);
    return deleted;
}
