/* save_text.c - saveAsTextFiles: prefix-<ms>[.suffix]/part-NNNNN and _SUCCESS.
 * Each partition is written by its own task into a hidden temporary directory
 * beside the target, synced, then the directory is renamed into place, so a
 * reader sees the whole batch or nothing, and a batch re-run after a crash
 * replaces its earlier output instead of duplicating it. */
#include "stream/ctx_impl.h"
#include "exec/rdd.h"

#include "base/arena.h"
#include "base/log.h"
#include "base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct write_job {
    spate_rdd *rdd;
    const char *dir;
} write_job;

typedef struct line_sink {
    spate_sink base;
    FILE *f;
    char *buf;
    size_t cap;
} line_sink;

static void write_line(spate_sink *self, spate_value v)
{
    line_sink *s = (line_sink *)self;
    size_t n = spate_value_format(v, s->buf, s->cap);
    if (n >= s->cap) {
        s->cap = n + 1;
        s->buf = sp_xrealloc(s->buf, s->cap);
        spate_value_format(v, s->buf, s->cap);
    }
    s->buf[n] = '\n';
    fwrite(s->buf, 1, n + 1, s->f);
}

static void write_part(spate_task *t, int part, void *ud)
{
    write_job *j = ud;
    char path[2 * PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/part-%05d", j->dir, part);
    FILE *f = fopen(path, "w");
    if (!f) {
        spate_task_fail(t, "cannot write %s: %s", path, strerror(errno));
        return;
    }
    line_sink s = {.base = {.push = write_line, .task = t}, .f = f, .cap = 256};
    s.buf = sp_xmalloc(s.cap);
    sp_rdd_compute(j->rdd, part, &s.base);
    free(s.buf);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0) ok = false;
    if (!ok && !t->failed) spate_task_fail(t, "cannot write %s: %s", path, strerror(errno));
}

static spate_err write_success(const char *dir)
{
    char path[2 * PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/_SUCCESS", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return SPATE_ERR_IO;
    fsync(fd);
    close(fd);
    sp_fsync_dir(dir);
    return SPATE_OK;
}

/* Moves tmp to final. A re-run batch replaces its earlier output: the two
 * directories are swapped in one step (renameat2 RENAME_EXCHANGE), so at no
 * moment is the batch's directory missing; where the file system cannot
 * swap, the old one is moved aside first. */
static spate_err publish(const char *tmp, const char *final, const char *parent, const char *old)
{
    struct stat st;
    bool replace = stat(final, &st) == 0;
    if (replace && renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE) == 0) {
        sp_fsync_dir(parent);
        sp_remove_tree(tmp); /* now the earlier output */
        return SPATE_OK;
    }
    if (replace && rename(final, old) != 0) return SPATE_ERR_IO;
    if (rename(tmp, final) != 0) return SPATE_ERR_IO;
    sp_fsync_dir(parent);
    if (replace) sp_remove_tree(old);
    return SPATE_OK;
}

static spate_err fail_io(spate_rdd *rdd, const char *what, const char *path)
{
    sp_scope_fail(sp_rdd_scope(rdd), SPATE_ERR_IO, "saveAsTextFiles: cannot %s %s: %s", what, path,
                  strerror(errno));
    return SPATE_ERR_IO;
}

spate_err sp_save_text_files(spate_rdd *rdd, const char *prefix, const char *suffix, int64_t time)
{
    char final[PATH_MAX], parent[PATH_MAX], tmp[2 * PATH_MAX + 32], old[2 * PATH_MAX + 32];
    snprintf(final, sizeof final, "%s-%lld%s%s", prefix, (long long)time, *suffix ? "." : "",
             suffix);
    snprintf(parent, sizeof parent, "%s", final);
    char *slash = strrchr(parent, '/');
    const char *base = slash ? slash + 1 : final;
    if (slash)
        *slash = '\0';
    else
        snprintf(parent, sizeof parent, ".");
    /* Fixed names (one writer per output prefix): what a killed process left
     * behind is removed when the batch runs again after recovery. */
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", parent, base);
    snprintf(old, sizeof old, "%s/.%s.old", parent, base);
    if (sp_mkdirs(parent) != 0) return fail_io(rdd, "create directory", parent);
    sp_remove_tree(tmp);
    sp_remove_tree(old);
    if (mkdir(tmp, 0755) != 0) return fail_io(rdd, "create directory", tmp);
    sp_exec *e = sp_scope_exec(sp_rdd_scope(rdd));
    pthread_mutex_lock(&e->run_lock);
    spate_err err = sp_rdd_prepare(rdd);
    write_job j = {.rdd = rdd, .dir = tmp};
    if (!err) err = sp_job_run(sp_rdd_scope(rdd), spate_rdd_num_partitions(rdd), write_part, &j);
    pthread_mutex_unlock(&e->run_lock);
    if (!err && write_success(tmp) != SPATE_OK) err = fail_io(rdd, "write", "_SUCCESS");
    if (!err && publish(tmp, final, parent, old) != SPATE_OK)
        err = fail_io(rdd, "rename to", final);
    if (err) sp_remove_tree(tmp);
    return err;
}
