/* sink_file.c - the csv, json and text file sinks (Spark's FileStreamSink
 * with ManifestFileCommitProtocol): append mode only. Batch N is written
 * as part files "part-<partition>-<uuid>.c000.<ext>" straight into the
 * sink's path, the partition being a batch's index in the micro-batch: one
 * file per non-empty batch, and always one for partition 0 (Spark's
 * FileFormatWriter leaves an empty partition without a file except the
 * first, so an empty micro-batch still writes one file: a CSV header, or
 * nothing); the part files and the directory are fsynced, then entry N of
 * <path>/_spark_metadata lists them
 * (file_sink_log.h). A batch id the log has already (N <= its latest) is
 * skipped, as FileStreamSink.addBatch does; part files of a batch killed
 * before its entry are never listed, and its re-run writes new files with
 * new uuids.
 *
 * Threads: the query's thread. */
#include "sql/sink_int.h"

#include "base/arena.h"
#include "base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

enum { FLUSH_BYTES = 1 << 20, HADOOP_LOCAL_BLOCK_SIZE = 33554432 };

typedef struct file_sink {
    sp_sink base;
    sp_sink_writer *writer;
    char dir[PATH_MAX]; /* absolute */
    char desc[PATH_MAX + 16];
    sp_sql_sbuf buf; /* reused for every part file */
} file_sink;

static void uuid4(char out[37])
{
    unsigned char r[16];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)getpid();
        for (int i = 0; i < 16; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
            r[i] = (unsigned char)(x >> 56);
    }
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0, o = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[r[i] >> 4];
        out[o++] = hex[r[i] & 15];
    }
    out[36] = '\0';
}

/* Writes batch b as the file at path, fsynced; false with errno. */
static bool write_part(file_sink *f, const char *path, const sp_colbatch *b)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    bool ok = true;
    sp_sql_sbuf_clear(&f->buf);
    sp_sink_writer_begin(f->writer, b, &f->buf);
    sp_sink_writer_rows(f->writer, b, &f->buf);
    ok = sp_write_all(fd, f->buf.p ? f->buf.p : "", f->buf.len) && fsync(fd) == 0;
    if (f->buf.cap > FLUSH_BYTES * 8)
        sp_sql_sbuf_free(&f->buf); /* do not keep a huge batch's buffer */
    int saved = errno;
    close(fd);
    errno = saved;
    return ok;
}

spate_err sp_sink_file_write_parts(sp_sink *s, const sp_colbatch *const *batches, size_t n,
                                   spate_arena *a, sp_sink_file_status **files, size_t *nfiles,
                                   char *errstr, size_t errstr_size)
{
    file_sink *f = (file_sink *)s;
    *files = spate_arena_alloc(a, sizeof **files * (n ? n : 1));
    *nfiles = 0;
    for (size_t i = 0; i < n; i++) {
        if (batches[i]->length == 0 && i > 0) continue;
        char uuid[37], path[PATH_MAX + 128];
        uuid4(uuid);
        snprintf(path, sizeof path, "%s/part-%05zu-%s.c000%s", f->dir, i, uuid,
                 sp_sink_writer_ext(f->writer));
        struct stat st;
        if (!write_part(f, path, batches[i]) || stat(path, &st) != 0) {
            sp_sink_errf(errstr, errstr_size, "cannot write %s: %s", path, strerror(errno));
            return SPATE_ERR_IO;
        }
        sp_sql_sbuf uri = {0};
        sp_file_sink_path_uri(path, &uri);
        (*files)[(*nfiles)++] = (sp_sink_file_status){
            .path = sp_arena_memdup(a, sp_sql_sbuf_str(&uri), uri.len + 1),
            .size = (int64_t)st.st_size,
            .modification_time = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000,
            .block_replication = 1,
            .block_size = HADOOP_LOCAL_BLOCK_SIZE,
            .action = "add",
        };
        sp_sql_sbuf_free(&uri);
    }
    if (*nfiles && sp_fsync_dir(f->dir) != 0) {
        sp_sink_errf(errstr, errstr_size, "cannot fsync %s: %s", f->dir, strerror(errno));
        return SPATE_ERR_IO;
    }
    return SPATE_OK;
}

static spate_err file_add(sp_sink *s, int64_t batch_id, sp_output_mode mode,
                          const sp_colbatch *const *batches, size_t n, char *errstr,
                          size_t errstr_size)
{
    (void)mode; /* append only: sp_sink_check_mode refused the others */
    file_sink *f = (file_sink *)s;
    int64_t latest;
    spate_err err = sp_file_sink_log_latest(f->dir, &latest, errstr, errstr_size);
    if (err == SPATE_ERR_IO) return err;
    if (err == SPATE_OK && batch_id <= latest)
        return SPATE_OK; /* committed before a crash: skipped */
    spate_arena *a = spate_arena_new();
    sp_sink_file_status *files;
    size_t nfiles;
    err = sp_sink_file_write_parts(s, batches, n, a, &files, &nfiles, errstr, errstr_size);
    if (err == SPATE_OK)
        err = sp_file_sink_log_add(f->dir, batch_id, files, nfiles, errstr, errstr_size);
    spate_arena_destroy(a);
    if (err == SPATE_ERR_STATE)
        return SPATE_OK; /* the entry appeared meanwhile: the batch is committed */
    return err;
}

static const char *file_description(sp_sink *s) { return ((file_sink *)s)->desc; }

static void file_close(sp_sink *s)
{
    file_sink *f = (file_sink *)s;
    sp_sink_writer_free(f->writer);
    sp_sql_sbuf_free(&f->buf);
    free(f);
}

static const sp_sink_ops file_ops = {
    .description = file_description, .add_batch = file_add, .close = file_close};

const char *sp_sink_file_dir(const sp_sink *s) { return ((const file_sink *)s)->dir; }

sp_sink *sp_sink_file_open(const sp_sink_def *d, const sp_sql_type *schema, const sp_sink_env *env,
                           char *errstr, size_t errstr_size)
{
    const char *path = sp_sink_opt(d, "path");
    if (!path || !path[0]) {
        sp_sink_errf(errstr, errstr_size, "'path' is not specified.");
        return NULL;
    }
    sp_sink_writer *w = sp_sink_writer_new(
        sp_sink_writer_fmt_of(sp_sink_kind_of(d->format)), (const char *const *)d->keys,
        (const char *const *)d->vals, d->nopts, schema, env ? env->tz : NULL, errstr, errstr_size);
    if (!w) return NULL;
    file_sink *f = sp_xcalloc(1, sizeof *f);
    f->writer = w;
    if (sp_mkdirs(path) != 0 || !realpath(path, f->dir)) {
        sp_sink_errf(errstr, errstr_size, "cannot create the sink directory %s: %s", path,
                     strerror(errno));
        file_close(&f->base);
        return NULL;
    }
    snprintf(f->desc, sizeof f->desc, "FileSink[%s]", path);
    f->base.ops = &file_ops;
    f->base.def = d;
    f->base.schema = schema;
    return &f->base;
}
