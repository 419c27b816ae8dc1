/* wal.c - the write-ahead log's files (see wal.h). */
#include "logs/wal.h"

#include "base/arena.h"
#include "base/fsutil.h"
#include "base/errbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static const char MAGIC[8] = {'S', 'P', 'A', 'T', 'E', 'W', 'A', 'L'};
enum { VERSION = 1, FILE_HEADER = 12, RECORD_HEADER = 12 };
/* No record is this big; a length above it is damage, not an allocation. */
static const uint64_t MAX_RECORD = 1u << 30;

struct sp_wal {
    char *dir;
    pthread_mutex_t mu;      /* fd, the current file, written */
    pthread_mutex_t sync_mu; /* one fdatasync at a time; taken before mu */
    int fd;                  /* the current file, -1 when none */
    uint64_t cur_num, next_num;
    off_t cur_size;
    uint64_t written;     /* records appended */
    atomic_ullong synced; /* records known durable */
};

void sp_wal_path(const sp_wal *w, uint64_t num, char *buf, size_t size)
{
    snprintf(buf, size, "%s/log-%020" PRIu64, w->dir, num);
}

/* "log-" and 20 digits. */
static bool parse_name(const char *name, uint64_t *num)
{
    if (strncmp(name, "log-", 4) != 0 || strlen(name) != 24) return false;
    uint64_t v = 0;
    for (const char *p = name + 4; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *num = v;
    return true;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

uint64_t *sp_wal_files(sp_wal *w, int *n)
{
    *n = 0;
    int cap = 16;
    uint64_t *v = sp_xmalloc(sizeof *v * (size_t)cap);
    DIR *d = opendir(w->dir);
    if (!d) return v;
    struct dirent *de;
    uint64_t num;
    while ((de = readdir(d)))
        if (parse_name(de->d_name, &num)) {
            if (*n == cap) v = sp_xrealloc(v, sizeof *v * (size_t)(cap *= 2));
            v[(*n)++] = num;
        }
    closedir(d);
    qsort(v, (size_t)*n, sizeof *v, cmp_u64);
    return v;
}

spate_err sp_wal_open(const char *dir, sp_wal **out, char *errstr, size_t errstr_size)
{
    *out = NULL;
    if (sp_mkdirs(dir) != 0) {
        sp_errf(errstr, errstr_size, "cannot create the write-ahead log directory %s: %s", dir,
                strerror(errno));
        return SPATE_ERR_IO;
    }
    sp_wal *w = sp_xcalloc(1, sizeof *w);
    w->dir = sp_xstrdup(dir);
    w->fd = -1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_mutex_init(&w->sync_mu, NULL);
    int n;
    uint64_t *files = sp_wal_files(w, &n);
    w->next_num = n > 0 ? files[n - 1] + 1 : 1;
    free(files);
    *out = w;
    return SPATE_OK;
}

void sp_wal_close(sp_wal *w)
{
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    pthread_mutex_destroy(&w->mu);
    pthread_mutex_destroy(&w->sync_mu);
    free(w->dir);
    free(w);
}

const char *sp_wal_dir(const sp_wal *w) { return w->dir; }

uint64_t sp_wal_synced(sp_wal *w) { return atomic_load(&w->synced); }

/* ---- writing ------------------------------------------------------------- */

/* mu held: makes the next file, its header written and its name durable. */
static bool new_file_locked(sp_wal *w, char *errstr, size_t errstr_size)
{
    char path[PATH_MAX];
    sp_wal_path(w, w->next_num, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    unsigned char head[FILE_HEADER];
    memcpy(head, MAGIC, sizeof MAGIC);
    sp_put_le(head + 8, VERSION, 4);
    if (fd < 0 || !sp_write_all(fd, head, sizeof head) || sp_fsync_dir(w->dir) != 0) {
        sp_errf(errstr, errstr_size, "cannot create write-ahead log file %s: %s", path,
                strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        return false;
    }
    w->fd = fd;
    w->cur_num = w->next_num++;
    w->cur_size = FILE_HEADER;
    return true;
}

spate_err sp_wal_append(sp_wal *w, const void *payload, size_t len, uint64_t *file, uint64_t *pos,
                        char *errstr, size_t errstr_size)
{
    unsigned char *frame = sp_xmalloc(RECORD_HEADER + len);
    sp_put_le(frame, len, 4);
    sp_put_le(frame + 4, XXH64(payload, len, 0), 8);
    memcpy(frame + RECORD_HEADER, payload, len);
    spate_err err = SPATE_OK;
    pthread_mutex_lock(&w->mu);
    if (w->fd < 0 && !new_file_locked(w, errstr, errstr_size)) {
        err = SPATE_ERR_IO;
    } else if (!sp_write_all(w->fd, frame, RECORD_HEADER + len)) {
        char path[PATH_MAX];
        sp_wal_path(w, w->cur_num, path, sizeof path);
        sp_errf(errstr, errstr_size, "cannot write to write-ahead log file %s: %s", path,
                strerror(errno));
        /* Cut a partial record off, so the records after it stay readable. */
        if (ftruncate(w->fd, w->cur_size) != 0 || lseek(w->fd, w->cur_size, SEEK_SET) < 0) {
            close(w->fd);
            w->fd = -1;
        }
        err = SPATE_ERR_IO;
    } else {
        w->cur_size += (off_t)(RECORD_HEADER + len);
        *file = w->cur_num;
        *pos = ++w->written;
    }
    pthread_mutex_unlock(&w->mu);
    free(frame);
    return err;
}

spate_err sp_wal_sync(sp_wal *w, uint64_t pos, char *errstr, size_t errstr_size)
{
    spate_err err = SPATE_OK;
    pthread_mutex_lock(&w->sync_mu);
    if (atomic_load(&w->synced) < pos) {
        pthread_mutex_lock(&w->mu);
        uint64_t target = w->written;
        int fd = w->fd; /* stays open: closing takes sync_mu */
        uint64_t num = w->cur_num;
        pthread_mutex_unlock(&w->mu);
        if (fd >= 0 && fdatasync(fd) != 0) {
            char path[PATH_MAX];
            sp_wal_path(w, num, path, sizeof path);
            sp_errf(errstr, errstr_size, "cannot sync write-ahead log file %s: %s", path,
                    strerror(errno));
            err = SPATE_ERR_IO;
        } else {
            atomic_store(&w->synced, target);
        }
    }
    pthread_mutex_unlock(&w->sync_mu);
    return err;
}

spate_err sp_wal_roll(sp_wal *w, char *errstr, size_t errstr_size)
{
    spate_err err = SPATE_OK;
    pthread_mutex_lock(&w->sync_mu);
    pthread_mutex_lock(&w->mu);
    if (w->fd >= 0) {
        if (fdatasync(w->fd) != 0) {
            char path[PATH_MAX];
            sp_wal_path(w, w->cur_num, path, sizeof path);
            sp_errf(errstr, errstr_size, "cannot sync write-ahead log file %s: %s", path,
                    strerror(errno));
            err = SPATE_ERR_IO;
        } else {
            atomic_store(&w->synced, w->written);
        }
        close(w->fd);
        w->fd = -1;
    }
    pthread_mutex_unlock(&w->mu);
    pthread_mutex_unlock(&w->sync_mu);
    return err;
}

int sp_wal_delete_before(sp_wal *w, uint64_t before)
{
    pthread_mutex_lock(&w->mu);
    uint64_t cur = w->fd >= 0 ? w->cur_num : UINT64_MAX;
    pthread_mutex_unlock(&w->mu);
    int n, deleted = 0;
    uint64_t *files = sp_wal_files(w, &n);
    for (int i = 0; i < n && files[i] < before; i++) {
        if (files[i] == cur) continue;
        char path[PATH_MAX];
        sp_wal_path(w, files[i], path, sizeof path);
        if (unlink(path) == 0) deleted++;
    }
    free(files);
    return deleted;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct scan_result {
    size_t good_end; /* offset after the last good record */
    int records;
    const char *problem; /* NULL when the whole file is good */
    bool truncated;      /* the problem is a record cut short by the end of the file */
} scan_result;

/* Walks the records of one file's bytes, calling fn for each good one. */
static bool scan_file(const unsigned char *b, size_t len, uint64_t num, sp_wal_record_fn fn,
                      void *ud, scan_result *res)
{
    *res = (scan_result){.good_end = len < FILE_HEADER ? len : FILE_HEADER};
    if (len < FILE_HEADER || memcmp(b, MAGIC, sizeof MAGIC) != 0) {
        res->problem = len < FILE_HEADER ? "truncated file header" : "not a write-ahead log file";
        res->truncated =
            len < FILE_HEADER && (len == 0 || memcmp(b, MAGIC, len < 8 ? len : 8) == 0);
        return true;
    }
    if (sp_get_le(b + 8, 4) != VERSION) {
        res->problem = "unknown write-ahead log version";
        return true;
    }
    size_t off = FILE_HEADER;
    while (off < len) {
        if (len - off < RECORD_HEADER) {
            res->problem = "truncated record header", res->truncated = true;
            break;
        }
        uint64_t n = sp_get_le(b + off, 4), sum = sp_get_le(b + off + 4, 8);
        if (n > MAX_RECORD) {
            res->problem = "bad record length";
            break;
        }
        if (n > len - off - RECORD_HEADER) {
            res->problem = "truncated record", res->truncated = true;
            break;
        }
        const unsigned char *p = b + off + RECORD_HEADER;
        if (XXH64(p, (size_t)n, 0) != sum) {
            res->problem = "checksum mismatch";
            break;
        }
        off += RECORD_HEADER + (size_t)n;
        res->good_end = off;
        res->records++;
        if (!fn(num, p, (size_t)n, ud)) return false;
    }
    return true;
}

/* Cuts a torn last record off the last file (a write a crash cut short). */
static void cut_torn_tail(const char *path, size_t good_end)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (ftruncate(fd, (off_t)good_end) == 0) fsync(fd);
    close(fd);
}

spate_err sp_wal_replay(sp_wal *w, bool repair, sp_wal_record_fn fn, void *ud, char *damage,
                        size_t damage_size, bool *torn_tail)
{
    if (damage_size) damage[0] = '\0';
    if (torn_tail) *torn_tail = false;
    int n;
    uint64_t *files = sp_wal_files(w, &n);
    spate_err err = SPATE_OK;
    bool go = true;
    for (int i = 0; i < n && go; i++) {
        char path[PATH_MAX];
        sp_wal_path(w, files[i], path, sizeof path);
        unsigned char *buf;
        size_t len;
        if (sp_read_whole(path, (char **)&buf, &len) != 0) {
            sp_errf(damage, damage_size, "cannot read write-ahead log file %s: %s", path,
                    strerror(errno));
            err = SPATE_ERR_IO;
            break;
        }
        scan_result res;
        go = scan_file(buf, len, files[i], fn, ud, &res);
        free(buf);
        if (!res.problem) continue;
        bool tail = res.truncated && i == n - 1;
        if (damage_size && !damage[0]) {
            sp_errf(damage, damage_size,
                    "write-ahead log file %s: %s at offset %zu (the %d complete records before "
                    "it are kept)",
                    path, res.problem, res.good_end, res.records);
            if (torn_tail) *torn_tail = tail;
        }
        if (tail && repair && res.good_end < FILE_HEADER)
            unlink(path); /* made, never written: nothing to keep */
        else if (tail && repair)
            cut_torn_tail(path, res.good_end);
    }
    free(files);
    return err;
}
