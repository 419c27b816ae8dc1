/* file_sink_log.c - writing a file sink's _spark_metadata log (Spark's
 * FileStreamSinkLog, version 1) and finding its entries; the reader of the
 * committed files is in file_sink_log_read.c. See file_sink_log.h.
 *
 * Threads: writing on the sink's thread; listing on any thread. */
#include "sql/file_sink_log.h"

#include "base/arena.h"
#include "base/fsutil.h"
#include "sql/file_sink_log_int.h"
#include "sql/sink_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sp_file_sink_path_uri(const char *abs_path, sp_sql_sbuf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    sp_sql_sbuf_puts(out, "file:");
    for (const unsigned char *p = (const unsigned char *)abs_path; *p; p++) {
        /* java.net.URI quotes what is not unreserved, punctuation or '/'. */
        if (*p <= ' ' || *p == 0x7f || strchr("\"%<>\\^`{|}#?[]", *p)) {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            sp_sql_sbuf_put(out, esc, 3);
        } else {
            sp_sql_sbuf_put(out, (const char *)p, 1);
        }
    }
}

void sp_file_sink_log_serialize(const sp_sink_file_status *files, size_t n, sp_sql_sbuf *out)
{
    sp_sql_sbuf_puts(out, "v1");
    for (size_t i = 0; i < n; i++) {
        const sp_sink_file_status *f = &files[i];
        char num[160];
        sp_sql_sbuf_puts(out, "\n{\"path\":");
        sp_sink_json_str(f->path, strlen(f->path), out);
        snprintf(num, sizeof num,
                 ",\"size\":%" PRId64 ",\"isDir\":%s,\"modificationTime\":%" PRId64
                 ",\"blockReplication\":%" PRId32 ",\"blockSize\":%" PRId64 ",\"action\":",
                 f->size, f->is_dir ? "true" : "false", f->modification_time, f->block_replication,
                 f->block_size);
        sp_sql_sbuf_puts(out, num);
        sp_sink_json_str(f->action, strlen(f->action), out);
        sp_sql_sbuf_puts(out, "}");
    }
}

/* An entry's name: decimal digits, optionally ".compact". */
static bool entry_id(const char *name, int64_t *id, bool *compact)
{
    int64_t v = 0;
    const char *p = name;
    if (*p < '0' || *p > '9') return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (INT64_MAX - 9) / 10) return false;
        v = v * 10 + (*p - '0');
    }
    *compact = !strcmp(p, ".compact");
    if (*p && !*compact) return false;
    *id = v;
    return true;
}

static int cmp_entry(const void *a, const void *b)
{
    const sp_fsl_entry *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

int sp_fsl_list(const char *sink_dir, sp_fsl_entry **entries)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/_spark_metadata", sink_dir);
    *entries = NULL;
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? 0 : -1;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        int64_t id;
        bool compact;
        if (!entry_id(e->d_name, &id, &compact)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            *entries = sp_xrealloc(*entries, cap * sizeof **entries);
        }
        (*entries)[n++] = (sp_fsl_entry){id, compact};
    }
    closedir(d);
    if (n) qsort(*entries, n, sizeof **entries, cmp_entry);
    return (int)n;
}

spate_err sp_file_sink_log_latest(const char *sink_dir, int64_t *batch_id, char *errstr,
                                  size_t errstr_size)
{
    sp_fsl_entry *e;
    int n = sp_fsl_list(sink_dir, &e);
    if (n < 0) {
        sp_sink_errf(errstr, errstr_size, "cannot list %s/_spark_metadata: %s", sink_dir,
                     strerror(errno));
        return SPATE_ERR_IO;
    }
    if (n > 0) *batch_id = e[n - 1].id;
    free(e);
    return n ? SPATE_OK : SPATE_ERR_NOT_FOUND;
}

/* Writes text to a new file at tmp and fsyncs it. */
static bool write_synced(const char *tmp, const char *text, size_t len)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    bool ok = sp_write_all(fd, text, len) && fsync(fd) == 0;
    int saved = errno;
    close(fd);
    errno = saved;
    return ok;
}

spate_err sp_file_sink_log_add(const char *sink_dir, int64_t batch_id,
                               const sp_sink_file_status *files, size_t n, char *errstr,
                               size_t errstr_size)
{
    char dir[4096], path[4200], tmp[4300];
    snprintf(dir, sizeof dir, "%s/_spark_metadata", sink_dir);
    snprintf(path, sizeof path, "%s/%" PRId64, dir, batch_id);
    snprintf(tmp, sizeof tmp, "%s/.%" PRId64 ".%ld.tmp", dir, batch_id, (long)getpid());
    if (sp_mkdirs(dir) != 0) {
        sp_sink_errf(errstr, errstr_size, "cannot create %s: %s", dir, strerror(errno));
        return SPATE_ERR_IO;
    }
    sp_sql_sbuf text = {0};
    sp_file_sink_log_serialize(files, n, &text);
    bool ok = write_synced(tmp, sp_sql_sbuf_str(&text), text.len);
    sp_sql_sbuf_free(&text);
    if (ok && link(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        if (saved == EEXIST) {
            sp_sink_errf(errstr, errstr_size, "%s exists already", path);
            return SPATE_ERR_STATE;
        }
        errno = saved;
        ok = false;
    }
    if (!ok) {
        sp_sink_errf(errstr, errstr_size, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return SPATE_ERR_IO;
    }
    unlink(tmp);
    if (sp_fsync_dir(dir) != 0) {
        sp_sink_errf(errstr, errstr_size, "cannot fsync %s: %s", dir, strerror(errno));
        return SPATE_ERR_IO;
    }
    return SPATE_OK;
}
