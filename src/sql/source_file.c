/* source_file.c - Spark's FileStreamSource for csv, json and text: each
 * trigger lists the source directory (connect/file_listing.h: Spark's name
 * rules, files not taken before), takes the new files oldest first (newest
 * with latestFirst) up to maxFilesPerTrigger or maxBytesPerTrigger, and
 * records them as the next entry of its own log (source_file_log.c); the
 * offset is {"logOffset":N}, the last entry. A batch (start, end] reads the
 * files of entries start+1..end, one partition per file, so a re-run batch
 * reads the same files and a restart never takes a committed one again.
 * Files older than maxFileAge behind the newest seen are ignored (Spark's
 * SeenFilesMap). After a commit, cleanSource deletes or archives the files
 * of committed batches.
 *
 * path is a directory, or a directory and a glob over file names
 * (its last part, such as *.csv); globs over directories are not supported yet.
 *
 * Threads: as source.h says; reads only use the log's file entries, which
 * never move once added. */
#include "sql/source_int.h"

#include "base/arena.h"
#include "base/conf.h"
#include "base/log.h"
#include "connect/file_listing.h"
#include "exec/pool.h"
#include "sql/sql_error.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct file_source {
    sp_source base;
    sp_file_opts o;
    char *dir, *pattern; /* pattern: over names, NULL: every file */
    sp_file_listing listing;
    sp_file_log log;
    int64_t latest_mtime, purge_ts; /* SeenFilesMap */
    int64_t cleaned;                /* batches [0, cleaned) cleaned */
    sp_listed_file *avail;          /* Trigger.AvailableNow: the files listed when it began */
    size_t navail;
    bool available_now;
    sp_listed_file *unread; /* listed, not taken yet: the next trigger's (Spark's unreadFiles) */
    size_t nunread;
    int parallelism;              /* executor threads: splits aim at one each */
    int64_t max_split, open_cost; /* spate.files.maxPartitionBytes, openCostInBytes */
    char desc[PATH_MAX + 64];
} file_source;

static bool has_glob(const char *s) { return strpbrk(s, "*?[{") != NULL; }

/* The file's name passes path's glob and pathGlobFilter. */
static bool name_filter(const char *path, void *ud)
{
    file_source *f = ud;
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    if (f->pattern && fnmatch(f->pattern, name, 0) != 0) return false;
    return !f->o.glob_filter || fnmatch(f->o.glob_filter, name, 0) == 0;
}

/* A path naming one regular file reads that file alone, as Spark's file
 * index lists a file path as itself: its directory, and its name as a
 * pattern with fnmatch's special characters escaped. */
static void single_file(file_source *f, char *abs)
{
    char *slash = strrchr(abs, '/'), *pat = sp_xmalloc(2 * strlen(slash + 1) + 1), *w = pat;
    for (const char *c = slash + 1; *c; c++) {
        if (strchr("*?[]\\", *c)) *w++ = '\\';
        *w++ = *c;
    }
    *w = '\0';
    f->pattern = pat;
    *slash = '\0';
    free(f->dir);
    f->dir = sp_xstrdup(abs[0] ? abs : "/");
}

/* Splits path into an absolute directory and a name pattern. */
static bool split_path(file_source *f, char *errstr, size_t n)
{
    char abs[PATH_MAX * 2 + 2], cwd[PATH_MAX];
    const char *p = f->o.path;
    if (p[0] != '/' && getcwd(cwd, sizeof cwd))
        snprintf(abs, sizeof abs, "%s/%s", cwd, p);
    else
        snprintf(abs, sizeof abs, "%s", p);
    size_t len = strlen(abs);
    while (len > 1 && abs[len - 1] == '/')
        abs[--len] = '\0';
    snprintf(f->desc, sizeof f->desc, "FileStreamSource[file:%.*s]", PATH_MAX, abs);
    char *slash = strrchr(abs, '/');
    if (has_glob(slash + 1)) {
        f->pattern = sp_xstrdup(slash + 1);
        *slash = '\0';
        if (!abs[0]) strcpy(abs, "/");
    }
    if (has_glob(abs)) {
        snprintf(errstr, n, "path %s: globs over directories are not supported yet", p);
        return false;
    }
    f->dir = sp_xstrdup(abs);
    struct stat st;
    bool found = f->pattern || stat(abs, &st) == 0;
    if (!f->pattern && found && S_ISREG(st.st_mode)) single_file(f, abs);
    if (!f->pattern && (!found || !S_ISDIR(st.st_mode))) {
        char file[PATH_MAX + 8];
        snprintf(file, sizeof file, "file:%.*s", PATH_MAX, abs);
        sp_sql_error e;
        sp_sql_error_init(&e);
        sp_sql_error_set(&e, "PATH_NOT_FOUND", "path", file, NULL);
        char *msg = sp_sql_error_message(&e);
        snprintf(errstr, n, "%s", msg);
        free(msg);
        sp_sql_error_clear(&e);
        return false;
    }
    return true;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* SeenFilesMap.purge: names older than maxFileAge behind the newest go. */
static void purge(file_source *f)
{
    if (f->o.max_file_age_ms == INT64_MAX || f->latest_mtime == INT64_MIN) return;
    f->purge_ts = f->latest_mtime - f->o.max_file_age_ms;
    sp_file_listing_forget_before(&f->listing, f->purge_ts);
}

static void seen(file_source *f, const sp_file_entry *e)
{
    sp_file_listing_take(&f->listing, base_name(e->path), e->mtime_ms);
    if (e->mtime_ms > f->latest_mtime) f->latest_mtime = e->mtime_ms;
}

static const char *file_description(sp_source *s) { return ((file_source *)s)->desc; }

static char *log_offset_json(int64_t id)
{
    char buf[48];
    snprintf(buf, sizeof buf, "{\"logOffset\":%" PRId64 "}", id);
    return sp_xstrdup(buf);
}

/* {"logOffset":N}, or a plain LongOffset N (Spark reads both). */
static bool parse_log_offset(const char *json, int64_t *id)
{
    const char *k = strstr(json, "\"logOffset\"");
    if (!k) return sp_source_parse_long(json, id);
    const char *colon = strchr(k + 11, ':');
    char *end;
    if (!colon) return false;
    *id = strtoll(colon + 1, &end, 10);
    return end != colon + 1;
}

static int by_time(const void *x, const void *y)
{
    const sp_listed_file *a = x, *b = y;
    if (a->mtime_ms != b->mtime_ms) return a->mtime_ms < b->mtime_ms ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Newest first; equal times keep name order (Spark's stable sortBy). */
static int by_time_desc(const void *x, const void *y)
{
    const sp_listed_file *a = x, *b = y;
    if (a->mtime_ms != b->mtime_ms) return a->mtime_ms > b->mtime_ms ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* The files of the AvailableNow listing still new (not taken, not aged
 * out): what Spark filters its pre-fetched list by. */
static void available_now_files(const file_source *f, int64_t after, sp_listed_file **out,
                                size_t *n)
{
    *out = sp_xcalloc(f->navail ? f->navail : 1, sizeof **out);
    *n = 0;
    for (size_t i = 0; i < f->navail; i++) {
        const sp_listed_file *a = &f->avail[i];
        if (a->mtime_ms <= after || sp_file_listing_was_taken(&f->listing, a->name)) continue;
        (*out)[(*n)++] =
            (sp_listed_file){sp_xstrdup(a->name), sp_xstrdup(a->path), a->size, a->mtime_ms};
    }
}

/* How many of the sorted files this trigger takes. */
static size_t take_count(const file_source *f, const sp_listed_file *files, size_t n)
{
    if (f->o.max_files) return n < (size_t)f->o.max_files ? n : (size_t)f->o.max_files;
    if (!f->o.max_bytes) return n;
    size_t k = 0;
    int64_t bytes = 0;
    while (k < n && (k == 0 || bytes + files[k].size <= f->o.max_bytes))
        bytes += files[k++].size;
    return k;
}

/* The new files, sorted in the order they are taken: the previous
 * trigger's unread ones when it left some, else the AvailableNow listing or
 * a new listing, without the files taken or aged out (Spark's
 * fetchMaxOffset). */
static spate_err list_new(file_source *f, sp_listed_file **files, size_t *n, char *errstr,
                          size_t en)
{
    if (f->unread) { /* already new and in order */
        *files = f->unread, *n = f->nunread;
        f->unread = NULL, f->nunread = 0;
        return SPATE_OK;
    }
    int64_t after = f->purge_ts == INT64_MIN ? INT64_MIN : f->purge_ts - 1;
    if (f->available_now) {
        available_now_files(f, after, files, n);
    } else if (sp_file_listing_new_files(&f->listing, after, INT64_MAX, files, n) != 0) {
        if (errno == ENOENT) return SPATE_OK; /* a glob's directory not made yet */
        snprintf(errstr, en, "cannot list %s: %s", f->dir, strerror(errno));
        return SPATE_ERR_IO;
    }
    if (*n > 1) qsort(*files, *n, sizeof **files, f->o.latest_first ? by_time_desc : by_time);
    return SPATE_OK;
}

/* Spark keeps the files a maxFilesPerTrigger trigger left for the next
 * ones (unless latestFirst wants a fresh listing each time), at most
 * 10000, and not when fewer than a fifth of maxFilesPerTrigger are left
 * (the next trigger would be short while new files may be waiting). Takes
 * files[k, n) into f->unread or frees them; frees files. */
static void keep_unread(file_source *f, sp_listed_file *files, size_t k, size_t n)
{
    size_t left = n - k, keep = left < 10000 ? left : 10000;
    if (!f->o.max_files || f->o.latest_first || left == 0 ||
        (double)left < (double)f->o.max_files * 0.2)
        keep = 0;
    if (keep) {
        f->unread = sp_xcalloc(keep, sizeof *f->unread);
        memcpy(f->unread, files + k, keep * sizeof *files);
        f->nunread = keep;
    }
    for (size_t i = k; i < k + keep; i++)
        files[i] = (sp_listed_file){0}; /* moved */
    sp_listed_files_free(files, n);
}

/* The entry after start when the log already holds it: a run killed after
 * logging a trigger's files and before its offsets entry left it. Handing
 * it out alone keeps batch boundaries what they would have been without
 * the kill (Spark would list new files and read both entries in one
 * batch), so what a watermark drops does not depend on where a crash hit.
 * -1: no such entry. */
static int64_t logged_not_planned(const file_source *f, const char *start)
{
    int64_t last = -1;
    if (start && !parse_log_offset(start, &last)) return -1;
    return last + 1 < (int64_t)f->log.n ? last + 1 : -1;
}

static spate_err file_latest(sp_source *s, const char *start, char **out, char *errstr, size_t en)
{
    file_source *f = (file_source *)s;
    int64_t pending = logged_not_planned(f, start);
    if (pending >= 0) {
        *out = log_offset_json(pending);
        return SPATE_OK;
    }
    sp_listed_file *files = NULL;
    size_t n = 0;
    spate_err e = list_new(f, &files, &n, errstr, en);
    size_t k = e ? 0 : take_count(f, files, n);
    if (k > 0) {
        sp_file_entry *entries = sp_xcalloc(k, sizeof *entries);
        for (size_t i = 0; i < k; i++)
            entries[i] = (sp_file_entry){files[i].path, files[i].size, files[i].mtime_ms};
        e = sp_file_log_add(&f->log, entries, k, errstr, en);
        for (size_t i = 0; i < k && e == SPATE_OK; i++)
            seen(f, &entries[i]);
        free(entries);
        if (e == SPATE_OK) purge(f);
    }
    if (e == SPATE_OK)
        keep_unread(f, files, k, n);
    else
        sp_listed_files_free(files, n);
    *out = e == SPATE_OK && f->log.n > 0 ? log_offset_json(f->log.n - 1) : NULL;
    return e;
}

static void file_prepare_available_now(sp_source *s)
{
    file_source *f = (file_source *)s;
    char err[256];
    sp_listed_files_free(f->unread, f->nunread); /* Spark lists everything afresh */
    f->unread = NULL, f->nunread = 0;
    sp_listed_files_free(f->avail, f->navail);
    f->avail = NULL, f->navail = 0;
    f->available_now = false;
    if (list_new(f, &f->avail, &f->navail, err, sizeof err) != SPATE_OK) f->navail = 0;
    f->available_now = true;
}

/* Spark's FilePartition.maxSplitBytes: splits of at most maxPartitionBytes,
 * about a core's share of the batch, but not below the cost of opening a
 * file. */
static int64_t split_bytes(const file_source *f, int64_t bytes)
{
    int64_t per_core = bytes / (f->parallelism > 0 ? f->parallelism : 1);
    int64_t s = per_core > f->open_cost ? per_core : f->open_cost;
    s = s < f->max_split ? s : f->max_split;
    return s > 0 ? s : 1;
}

static size_t nsplits(int64_t size, int64_t split)
{
    return size <= split ? 1 : (size_t)((size + split - 1) / split);
}

/* Splits file e into out[0..k) (k returned), of nearly equal lengths. */
static size_t plan_file(const sp_file_entry *e, int64_t split, spate_arena *a, void **out)
{
    size_t k = nsplits(e->size, split);
    for (size_t i = 0; i < k; i++) {
        sp_file_split *s = spate_arena_alloc(a, sizeof *s);
        *s = (sp_file_split){e, e->size * (int64_t)i / (int64_t)k,
                             e->size * (int64_t)(i + 1) / (int64_t)k};
        out[i] = s;
    }
    return k;
}

static spate_err file_plan(sp_source *s, const char *start, const char *end, spate_arena *a,
                           void ***parts, int *nparts, char *errstr, size_t n)
{
    file_source *f = (file_source *)s;
    int64_t so = -1, eo;
    if ((start && !parse_log_offset(start, &so)) || !parse_log_offset(end, &eo) || so > eo ||
        so < -1) {
        snprintf(errstr, n, "file source: bad offsets (%s, %s]", start ? start : "", end);
        return SPATE_ERR_INVALID_ARG;
    }
    if (eo >= f->log.n) {
        snprintf(errstr, n,
                 "file source: batch %" PRId64 " is not in the source's log (%" PRId64 " entries)",
                 eo, f->log.n);
        return SPATE_ERR_STATE;
    }
    int64_t bytes = 0, split = 0;
    size_t total = 0;
    for (int64_t id = so + 1; id <= eo; id++)
        for (size_t i = 0; i < f->log.batches[id].n; i++)
            bytes += f->log.batches[id].files[i].size;
    split = split_bytes(f, bytes);
    for (int64_t id = so + 1; id <= eo; id++)
        for (size_t i = 0; i < f->log.batches[id].n; i++)
            total += nsplits(f->log.batches[id].files[i].size, split);
    *parts = spate_arena_alloc(a, (total ? total : 1) * sizeof **parts);
    size_t k = 0;
    for (int64_t id = so + 1; id <= eo; id++)
        for (size_t i = 0; i < f->log.batches[id].n; i++)
            k += plan_file(&f->log.batches[id].files[i], split, a, *parts + k);
    *nparts = (int)k;
    return SPATE_OK;
}

static spate_err file_read(sp_source *s, void *part, spate_arena *a, sp_source_emit_fn emit,
                           void *ud, sp_source_counters *c, char *errstr, size_t n)
{
    return sp_source_file_read(&((file_source *)s)->o.parse, part, s->reuse_batches, a, emit, ud, c,
                               errstr, n);
}

/* mkdir -p of path's parent directories. */
static void make_parents(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        mkdir(path, 0777);
        *p = '/';
    }
}

/* Deletes or archives (to sourceArchiveDir + the file's path) one file. */
static void clean_file(const file_source *f, const char *path)
{
    char why[128];
    if (f->o.clean == SP_CLEAN_DELETE) {
        if (unlink(path) != 0 && errno != ENOENT)
            sp_log(SP_LOG_WARN, "FileStreamSource", "Fail to remove %s / skip removing file: %s",
                   path, strerror_r(errno, why, sizeof why));
        return;
    }
    char dest[PATH_MAX * 2];
    snprintf(dest, sizeof dest, "%s%s", f->o.archive_dir, path);
    make_parents(dest);
    if (rename(path, dest) != 0 && errno != ENOENT)
        sp_log(SP_LOG_WARN, "FileStreamSource", "Fail to move %s to %s / skip moving file: %s",
               path, dest, strerror_r(errno, why, sizeof why));
}

static void file_commit(sp_source *s, const char *end)
{
    file_source *f = (file_source *)s;
    int64_t eo;
    if (f->o.clean == SP_CLEAN_OFF || !parse_log_offset(end, &eo)) return;
    for (; f->cleaned <= eo && f->cleaned < f->log.n; f->cleaned++) {
        const sp_file_batch *b = &f->log.batches[f->cleaned];
        for (size_t i = 0; i < b->n; i++)
            clean_file(f, b->files[i].path);
    }
}

static void file_close(sp_source *s)
{
    file_source *f = (file_source *)s;
    sp_file_listing_free(&f->listing);
    sp_file_log_free(&f->log);
    sp_listed_files_free(f->avail, f->navail);
    sp_listed_files_free(f->unread, f->nunread);
    free(f->dir);
    free(f->pattern);
    free(f);
}

static const sp_source_ops file_ops = {
    .description = file_description,
    .latest = file_latest,
    .prepare_available_now = file_prepare_available_now,
    .plan = file_plan,
    .read = file_read,
    .commit = file_commit,
    .close = file_close,
};

sp_source *sp_source_file_open(const sp_source_def *d, const sp_source_env *env, char *errstr,
                               size_t n)
{
    file_source *f = sp_xcalloc(1, sizeof *f);
    f->base.ops = &file_ops;
    f->base.def = d;
    f->latest_mtime = f->purge_ts = INT64_MIN;
    const char *master = env->conf ? spate_conf_get(env->conf, "spate.master") : NULL;
    f->parallelism = master ? sp_master_threads(master) : 1;
    f->max_split = sp_conf_i64(env->conf, "spate.files.maxPartitionBytes");
    f->open_cost = sp_conf_i64(env->conf, "spate.files.openCostInBytes");
    if (!sp_source_file_opts(d, env->conf, &f->o, errstr, n) || !split_path(f, errstr, n)) {
        free(f->dir), free(f->pattern), free(f);
        return NULL;
    }
    f->o.parse.required = d->required;
    sp_file_listing_init(&f->listing, f->dir, name_filter, f);
    if (sp_file_log_open(&f->log, env->checkpoint_dir, env->temporary, errstr, n) != SPATE_OK) {
        file_close(&f->base);
        return NULL;
    }
    for (int64_t id = 0; id < f->log.n; id++)
        for (size_t i = 0; i < f->log.batches[id].n; i++)
            seen(f, &f->log.batches[id].files[i]);
    purge(f);
    return &f->base;
}
