/* file_stream.c - textFileStream, fileStream and binaryRecordsStream
 * (Spark's FileInputDStream over TextInputFormat / FixedLengthBinaryInputFormat).
 *
 * Selecting files (generator thread, compute of batch t): the directory is
 * listed (not recursively); names starting with '.' or '_' (files being
 * written, Hadoop's hidden files) and anything but regular files are ignored;
 * then, as in Spark, a file is new when
 *     threshold < mtime <= t   and it was not taken before,
 * with threshold = max(clock time at start when newFilesOnly, else -inf;
 *                      t - remember),
 * remember = spate.streaming.fileStream.minRememberDuration rounded up to a
 * multiple of the batch interval. Taken names are remembered for that window
 * (older ones fall under the threshold anyway), so each file is taken by
 * exactly one batch. Times are milliseconds of the context clock: tests with a
 * manual clock set the files' mtimes to manual times (utimensat), as Spark's
 * tests do. New files are taken in name order. The user filter of fileStream
 * sees the full path of the files that pass the rules above.
 *
 * Reading (tasks): each file gives one partition per spate.files.maxPartitionBytes
 * split. A text split owns the lines that start inside it (Hadoop's
 * LineRecordReader rule, with [start, end) bounds): it reads its bytes (plus
 * the byte before, to see whether a line starts at its first byte) with pread
 * into the task's arena, and pushes string slices of that buffer - no copy per
 * line; only the last line, which may run past the split, is assembled in a
 * copy. A transient task (whose sink copies what it keeps: counting, map-side
 * combining) reads through a window of READ_WINDOW bytes instead, reused as
 * it slides along the split, so memory stays bounded by the window whatever
 * the split size and the bytes are parsed while still in cache; each line is
 * valid only while it is pushed. "\n" and "\r\n" are stripped. fileStream elements are
 * (byte offset of the line, line). binaryRecordsStream splits at multiples of
 * the record length and pushes SPATE_BYTES slices; a file whose size is not a
 * multiple of it is reported (sp_ctx_report_error) when it is selected and
 * not read, and the batch goes on with the other files.
 *
 * A file that cannot be read fails its task (spate_task_fail with the path and
 * the system's message): the batch fails and the context's error says so.
 *
 * Counting: the number of records is only known in the task, so a split adds
 * its count to sp_ctx_exec(ctx)->records_in and to its batch's counter for
 * this input (sp_batch_task_records: the batch's completion metrics) once,
 * the first time it is read completely (a flag per split keeps a second
 * action on the same RDD from counting again). sp_batch_add_records is not
 * used by file streams.
 *
 * Threads: constructors and destroy on the program's thread, start on the
 * thread starting the context, compute on the generator thread (the only user
 * of the remembered names), the read callbacks on executor threads (they only
 * read the per-batch split table). */
#include "stream/dstream_int.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/log.h"
#include "connect/source_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define COMPONENT "FileInputDStream"

enum { TAIL_CHUNK = 64 * 1024, READ_WINDOW = 256 * 1024 };

typedef enum { FS_TEXT, FS_PAIRS, FS_BINARY } fs_kind;

typedef struct fs_seen {
    char *name;
    int64_t batch_time; /* the batch that took it */
} fs_seen;

/* A file selected by a scan (malloc'd, for the duration of compute). */
typedef struct fs_file {
    char *name;
    char *path;
    int64_t size;
} fs_file;

/* What one batch took, for checkpoints: the files with their sizes then (a
 * file appended to later is re-read as it was) and the split size. */
typedef struct fs_batch {
    int64_t time, chunk;
    fs_file *files;
    size_t n;
} fs_batch;

typedef struct file_impl {
    spate_ctx *ctx;
    char *dir;
    fs_kind kind;
    spate_path_filter filter;
    void *filter_ud;
    bool new_files_only;
    int record_length;
    int64_t initial_threshold; /* set by start */
    int64_t remember_ms;
    int64_t max_part_bytes;
    fs_seen *seen; /* sorted by name */
    size_t nseen, capseen;
    /* Checkpoints (generator thread): what recent batches took, until
     * save_batch_input; what batches re-run after a restart must take. */
    fs_batch *taken, *restored;
    size_t ntaken, nrestored;
    bool position_loaded; /* the threshold and names come from a checkpoint */
} file_impl;

/* One partition: a byte range of one file (in the batch scope's arena). */
typedef struct fs_split {
    const char *path;
    int64_t start, end, size;
    atomic_bool counted;
} fs_split;

typedef struct fs_rdd {
    fs_kind kind;
    int record_length;
    sp_exec *exec;
    atomic_llong *batch_records; /* the batch's count for this input */
    fs_split *splits;
} fs_rdd;

/* ---- remembered names (generator thread) --------------------------------- */

static int seen_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const fs_seen *)elem)->name);
}

static bool seen_has(const file_impl *fi, const char *name)
{
    return fi->nseen && bsearch(name, fi->seen, fi->nseen, sizeof *fi->seen, seen_cmp);
}

static void seen_add(file_impl *fi, const char *name, int64_t t)
{
    size_t lo = 0, hi = fi->nseen;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(fi->seen[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (fi->nseen == fi->capseen) {
        fi->capseen = fi->capseen ? fi->capseen * 2 : 64;
        fi->seen = sp_xrealloc(fi->seen, fi->capseen * sizeof *fi->seen);
    }
    memmove(fi->seen + lo + 1, fi->seen + lo, (fi->nseen - lo) * sizeof *fi->seen);
    fi->seen[lo] = (fs_seen){.name = sp_xstrdup(name), .batch_time = t};
    fi->nseen++;
}

/* Forgets names taken before `before`: their mtimes are under the threshold. */
static void seen_prune(file_impl *fi, int64_t before)
{
    size_t w = 0;
    for (size_t i = 0; i < fi->nseen; i++) {
        if (fi->seen[i].batch_time < before)
            free(fi->seen[i].name);
        else
            fi->seen[w++] = fi->seen[i];
    }
    fi->nseen = w;
}

/* ---- scanning (generator thread) ----------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    char *p = sp_xmalloc(dl + nl + 2);
    memcpy(p, dir, dl);
    if (!slash) p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const fs_file *)a)->name, ((const fs_file *)b)->name);
}

/* Whether the directory entry `name` is a new file for batch t; fills *size. */
static bool fs_is_new(file_impl *fi, int dfd, const char *name, int64_t t, int64_t threshold,
                      int64_t *size)
{
    if (name[0] == '.' || name[0] == '_') return false;
    struct stat st;
    if (fstatat(dfd, name, &st, 0) != 0 || !S_ISREG(st.st_mode)) return false;
    int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    if (mtime <= threshold || mtime > t) return false;
    if (seen_has(fi, name)) return false;
    *size = (int64_t)st.st_size;
    return true;
}

/* Lists the new files for batch t, sorted by name. -1 when the directory
 * cannot be listed (logged; the batch gets no files, as in Spark). */
static int fs_scan(file_impl *fi, int64_t t, int64_t threshold, fs_file **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(fi->dir);
    if (!d) {
        char buf[128];
        sp_log(SP_LOG_WARN, COMPONENT, "Error finding new files under %s: %s", fi->dir,
               sp_strerror(errno, buf, sizeof buf));
        return -1;
    }
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        int64_t size;
        if (!fs_is_new(fi, dirfd(d), de->d_name, t, threshold, &size)) continue;
        char *path = path_join(fi->dir, de->d_name);
        if (fi->filter && !fi->filter(path, fi->filter_ud)) {
            free(path);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = sp_xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] = (fs_file){.name = sp_xstrdup(de->d_name), .path = path, .size = size};
    }
    closedir(d);
    if (*n > 1) qsort(*out, *n, sizeof **out, file_cmp);
    return 0;
}

static void files_free(fs_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].path);
    }
    free(files);
}

/* ---- reading (executor threads) ------------------------------------------ */

/* pread until n bytes or end of file; bytes read or -1. */
static ssize_t pread_full(int fd, char *buf, size_t n, int64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, buf + got, n - got, (off_t)(off + (int64_t)got));
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

static void fail_errno(spate_task *t, const char *path, int err)
{
    char buf[128];
    spate_task_fail(t, "cannot read input file %s: %s", path, sp_strerror(err, buf, sizeof buf));
}

/* Reads exactly n bytes at off or fails the task. */
static bool read_exact(spate_task *t, int fd, const char *path, char *buf, size_t n, int64_t off)
{
    ssize_t got = pread_full(fd, buf, n, off);
    if (got < 0) {
        fail_errno(t, path, errno);
        return false;
    }
    if ((size_t)got < n) {
        spate_task_fail(t, "cannot read input file %s: it shrank while being read", path);
        return false;
    }
    return true;
}

static inline void emit_line(spate_task *t, spate_sink *out, fs_kind kind, int64_t off,
                             const char *p, size_t len)
{
    if (len > 0 && p[len - 1] == '\r') len--;
    spate_value line = spate_str(p, len);
    if (kind == FS_PAIRS) line = spate_tuple2(spate_task_arena(t), spate_i64(off), line);
    out->push(out, line);
}

/* The last line of a split, which runs past its end: head (hlen bytes) plus
 * the bytes up to the next newline or the end of the file, in the arena. */
static const char *read_tail(spate_task *t, int fd, const fs_split *sp, const char *head,
                             size_t hlen, size_t *len)
{
    size_t cap = hlen + TAIL_CHUNK, n = hlen;
    char *tmp = sp_xmalloc(cap);
    memcpy(tmp, head, hlen);
    for (int64_t off = sp->end; off < sp->size;) {
        size_t want = (size_t)(sp->size - off < TAIL_CHUNK ? sp->size - off : TAIL_CHUNK);
        if (n + want > cap) tmp = sp_xrealloc(tmp, cap = 2 * (n + want));
        ssize_t got = pread_full(fd, tmp + n, want, off);
        if (got < 0) {
            fail_errno(t, sp->path, errno);
            free(tmp);
            return NULL;
        }
        const char *nl = memchr(tmp + n, '\n', (size_t)got);
        if (nl || got == 0) {
            n = nl ? (size_t)(nl - tmp) : n;
            break;
        }
        n += (size_t)got;
        off += got;
    }
    char *line = sp_arena_memdup(spate_task_arena(t), tmp, n ? n : 1);
    free(tmp);
    *len = n;
    return line;
}

/* Pushes the lines that start in the split; their count, or -1 on failure. */
static int64_t read_lines(spate_task *t, int fd, const fs_split *sp, fs_kind kind, spate_sink *out)
{
    int64_t from = sp->start > 0 ? sp->start - 1 : 0; /* the byte before tells */
    size_t blen = (size_t)(sp->end - from), pos = 0;
    char *buf = spate_arena_alloc(spate_task_arena(t), blen ? blen : 1);
    if (!read_exact(t, fd, sp->path, buf, blen, from)) return -1;
    if (sp->start > 0) {
        const char *nl = memchr(buf, '\n', blen);
        if (!nl) return 0; /* one line covers the split: its owner is before */
        pos = (size_t)(nl - buf) + 1;
    }
    int64_t count = 0;
    /* What the chain allocates per line goes back every 1024 lines in a
     * transient task; the buffer itself was allocated before the mark. */
    sp_arena_mark mark = sp_arena_get_mark(spate_task_arena(t));
    while (pos < blen && !spate_task_failed(t)) {
        if ((count & 1023) == 1023) sp_task_recycle(t, mark);
        const char *p = buf + pos;
        const char *nl = memchr(p, '\n', blen - pos);
        size_t len = nl ? (size_t)(nl - p) : blen - pos;
        if (!nl && sp->end < sp->size && !(p = read_tail(t, fd, sp, p, len, &len))) return -1;
        emit_line(t, out, kind, from + (int64_t)pos, p, len);
        count++;
        if (!nl) break;
        pos = (size_t)(nl - buf) + 1;
    }
    return spate_task_failed(t) ? -1 : count;
}

/* The first '\n' in [p, end), or NULL. Lines are short (tens of bytes): an
 * inline 16-byte scan beats a call to memchr, whose set-up is made for long
 * runs. */
static inline const char *find_newline(const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n');
    for (; end - p >= 32; p += 32) { /* 32 bytes a step: most lines take two */
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, nl)) |
                     (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, nl)) << 16;
        if (m) return p + __builtin_ctz(m);
    }
    for (; end - p >= 16; p += 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, nl));
        if (m) return p + __builtin_ctz(m);
    }
#endif
    return memchr(p, '\n', (size_t)(end - p));
}

/* The window of a transient read: buf[0..len) holds the file's bytes from
 * offset off; malloc'd, grown only for a line longer than it. */
typedef struct read_window {
    char *buf;
    size_t cap, len;
    int64_t off;
    bool eof; /* buf ends where the file does */
} read_window;

/* Drops buf[0..pos), keeps the rest at the front and reads more bytes after
 * it, up to the size the file had when listed (or where it ends now, if it
 * shrank after the split's end). False when the task failed. */
static bool window_slide(spate_task *t, int fd, const fs_split *sp, read_window *w, size_t pos)
{
    memmove(w->buf, w->buf + pos, w->len - pos);
    w->off += (int64_t)pos;
    w->len -= pos;
    if (w->len == w->cap) w->buf = sp_xrealloc(w->buf, w->cap *= 2); /* one long line */
    int64_t at = w->off + (int64_t)w->len, left = sp->size - at;
    size_t want = (int64_t)(w->cap - w->len) < left ? w->cap - w->len : (size_t)left;
    ssize_t got = pread_full(fd, w->buf + w->len, want, at);
    if (got < 0) {
        fail_errno(t, sp->path, errno);
        return false;
    }
    if ((size_t)got < want && at + got < sp->end) {
        spate_task_fail(t, "cannot read input file %s: it shrank while being read", sp->path);
        return false;
    }
    w->len += (size_t)got;
    w->eof = (size_t)got < want || at + got >= sp->size;
    return true;
}

/* read_lines for a transient task, through a sliding window: the same lines,
 * each valid only while it is pushed. */
static int64_t read_lines_windowed(spate_task *t, int fd, const fs_split *sp, fs_kind kind,
                                   spate_sink *out)
{
    int64_t from = sp->start > 0 ? sp->start - 1 : 0, count = 0;
    size_t cap = sp->end - from < READ_WINDOW ? (size_t)(sp->end - from) : READ_WINDOW;
    read_window w = {.buf = sp_xmalloc(cap), .cap = cap, .off = from};
    size_t pos = 0;
    bool skip = sp->start > 0; /* the line under way at from belongs to the split before */
    sp_arena_mark mark = sp_arena_get_mark(spate_task_arena(t));
    while (!t->failed && (skip || w.off + (int64_t)pos < sp->end)) {
        /* The usual case in a tight loop: whole lines in the window that
         * start in the split. What is left (no newline in the window, the
         * end of the file, the first line of a split) is handled below. */
        size_t stop = sp->end - w.off < (int64_t)w.len ? (size_t)(sp->end - w.off) : w.len;
        const char *eol;
        while (!skip && pos < stop && !t->failed &&
               (eol = find_newline(w.buf + pos, w.buf + w.len))) {
            if ((count & 1023) == 1023) sp_task_recycle(t, mark);
            emit_line(t, out, kind, w.off + (int64_t)pos, w.buf + pos, (size_t)(eol - w.buf) - pos);
            count++;
            pos = (size_t)(eol - w.buf) + 1;
        }
        if (t->failed || (!skip && w.off + (int64_t)pos >= sp->end)) break;
        const char *p = w.buf + pos, *nl = find_newline(p, w.buf + w.len);
        if (!nl && !w.eof) {
            if (skip && w.off + (int64_t)w.len >= sp->end) break; /* one line covers the split */
            if (!window_slide(t, fd, sp, &w, skip ? w.len : pos)) break;
            pos = 0;
            continue;
        }
        size_t len = nl ? (size_t)(nl - p) : w.len - pos;
        if (!skip && (nl || len > 0)) {
            if ((count & 1023) == 1023) sp_task_recycle(t, mark);
            emit_line(t, out, kind, w.off + (int64_t)pos, p, len);
            count++;
        }
        skip = false;
        if (!nl) break;
        pos += len + 1;
    }
    free(w.buf);
    return spate_task_failed(t) ? -1 : count;
}

/* Pushes the fixed-length records of the split; their count, or -1. */
static int64_t read_records(spate_task *t, int fd, const fs_split *sp, int reclen, spate_sink *out)
{
    size_t blen = (size_t)(sp->end - sp->start);
    char *buf = spate_arena_alloc(spate_task_arena(t), blen ? blen : 1);
    if (!read_exact(t, fd, sp->path, buf, blen, sp->start)) return -1;
    int64_t count = 0;
    for (size_t off = 0; off + (size_t)reclen <= blen && !spate_task_failed(t); off += reclen) {
        spate_value v = {.type = SPATE_BYTES, .len = (uint32_t)reclen};
        v.u.bytes = (const uint8_t *)buf + off;
        spate_sink_push(out, v);
        count++;
    }
    return spate_task_failed(t) ? -1 : count;
}

/* The sp_rdd_source callback: partition `part` is split `part`. */
static void fs_read_part(spate_task *t, int part, spate_sink *out, void *ud)
{
    fs_rdd *fr = ud;
    fs_split *sp = &fr->splits[part];
    int fd = open(sp->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail_errno(t, sp->path, errno);
        return;
    }
    int64_t n = fr->kind == FS_BINARY ? read_records(t, fd, sp, fr->record_length, out)
                : t->transient        ? read_lines_windowed(t, fd, sp, fr->kind, out)
                                      : read_lines(t, fd, sp, fr->kind, out);
    close(fd);
    if (n >= 0 && !atomic_exchange(&sp->counted, true)) {
        atomic_fetch_add(&fr->exec->records_in, n);
        atomic_fetch_add(fr->batch_records, n);
    }
}

/* ---- the batch's RDD (generator thread) ---------------------------------- */

/* Bytes per split: maxPartitionBytes, whole records for binary files. */
static int64_t split_bytes(const file_impl *fi)
{
    if (fi->kind != FS_BINARY) return fi->max_part_bytes;
    int64_t recs = fi->max_part_bytes / fi->record_length;
    return (recs > 0 ? recs : 1) * fi->record_length;
}

/* Drops binary files of a bad size (reported); returns how many remain. */
static size_t check_record_sizes(file_impl *fi, fs_file *files, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (files[i].size % fi->record_length != 0) {
            sp_ctx_report_error(fi->ctx, SPATE_ERR_CORRUPT, COMPONENT,
                                "%s: size %lld is not a multiple of the record length %d; its "
                                "records are not used",
                                files[i].path, (long long)files[i].size, fi->record_length);
            free(files[i].name);
            free(files[i].path);
            continue;
        }
        files[w++] = files[i];
    }
    return w;
}

static spate_rdd *fs_make_rdd(file_impl *fi, sp_scope *scope, const fs_file *files, size_t n,
                              int64_t chunk, atomic_llong *batch_records)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (size_t)((files[i].size + chunk - 1) / chunk);
    if (total == 0) return sp_rdd_empty(scope);
    spate_arena *a = sp_scope_arena(scope);
    fs_rdd *fr = spate_arena_alloc(a, sizeof *fr);
    *fr = (fs_rdd){
        .kind = fi->kind,
        .record_length = fi->record_length,
        .exec = sp_scope_exec(scope),
        .batch_records = batch_records};
    fr->splits = spate_arena_alloc(a, total * sizeof *fr->splits);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *path = sp_arena_memdup(a, files[i].path, strlen(files[i].path) + 1);
        for (int64_t off = 0; off < files[i].size; off += chunk, k++) {
            fs_split *sp = &fr->splits[k];
            sp->path = path;
            sp->start = off;
            sp->end = off + chunk < files[i].size ? off + chunk : files[i].size;
            sp->size = files[i].size;
            atomic_init(&sp->counted, false);
        }
    }
    return sp_rdd_source(scope, (int)total, fs_read_part, fr);
}

static void log_new_files(int64_t t, const fs_file *files, size_t n)
{
    if (n == 0) return;
    sp_log(SP_LOG_INFO, COMPONENT, "New files at time %lld ms: %zu", (long long)t, n);
    for (size_t i = 0; i < n; i++)
        sp_log(SP_LOG_DEBUG, COMPONENT, "  %s", files[i].path);
}

/* The new files of batch t; false when the directory cannot be listed. */
static bool fs_select_new(file_impl *fi, int64_t t, fs_file **files, size_t *n)
{
    int64_t threshold = t - fi->remember_ms;
    if (fi->initial_threshold > threshold) threshold = fi->initial_threshold;
    seen_prune(fi, t - fi->remember_ms);
    if (fs_scan(fi, t, threshold, files, n) != 0) return false;
    for (size_t i = 0; i < *n; i++)
        seen_add(fi, (*files)[i].name, t);
    if (fi->kind == FS_BINARY) *n = check_record_sizes(fi, *files, *n);
    return true;
}

static bool fs_take_restored(file_impl *fi, int64_t t, fs_file **files, size_t *n,
                             int64_t *chunk);
static void fs_note_taken(file_impl *fi, int64_t t, int64_t chunk, const fs_file *files, size_t n);

static spate_rdd *fs_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    file_impl *fi = s->impl;
    int64_t chunk = split_bytes(fi);
    fs_file *files;
    size_t n;
    /* A batch re-run after a restart takes what it took before the crash. */
    if (!fs_take_restored(fi, t, &files, &n, &chunk) && !fs_select_new(fi, t, &files, &n))
        return sp_rdd_empty(sp_batch_scope(b));
    fs_note_taken(fi, t, chunk, files, n);
    log_new_files(t, files, n);
    spate_rdd *r = fs_make_rdd(fi, sp_batch_scope(b), files, n, chunk, sp_batch_task_records(b, s));
    files_free(files, n);
    return r;
}

/* ---- checkpoints (generator thread, or before start) ---------------------- */

static void batch_free(fs_batch *b)
{
    files_free(b->files, b->n);
    *b = (fs_batch){0};
}

static void batches_free(fs_batch *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        batch_free(&v[i]);
    free(v);
}

/* Appends a copy of what batch t took; forgets records older than the
 * remember window (save_batch_input normally takes them first). */
static void fs_note_taken(file_impl *fi, int64_t t, int64_t chunk, const fs_file *files, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < fi->ntaken; i++) {
        if (fi->taken[i].time < t - fi->remember_ms || fi->taken[i].time == t)
            batch_free(&fi->taken[i]);
        else
            fi->taken[w++] = fi->taken[i];
    }
    fi->taken = sp_xrealloc(fi->taken, sizeof *fi->taken * (w + 1));
    fs_batch *b = &fi->taken[w];
    *b = (fs_batch){.time = t, .chunk = chunk, .n = n};
    b->files = sp_xcalloc(n + 1, sizeof *b->files);
    for (size_t i = 0; i < n; i++)
        b->files[i] = (fs_file){sp_xstrdup(files[i].name), NULL, files[i].size};
    fi->ntaken = w + 1;
}

/* The files batch t took before a restart, if it is one to re-run. */
static bool fs_take_restored(file_impl *fi, int64_t t, fs_file **files, size_t *n, int64_t *chunk)
{
    size_t i = 0;
    while (i < fi->nrestored && fi->restored[i].time != t)
        i++;
    if (i == fi->nrestored) return false;
    fs_batch b = fi->restored[i];
    fi->restored[i] = fi->restored[--fi->nrestored];
    for (size_t k = 0; k < b.n; k++) {
        b.files[k].path = path_join(fi->dir, b.files[k].name);
        if (!seen_has(fi, b.files[k].name)) seen_add(fi, b.files[k].name, t);
    }
    *files = b.files;
    *n = b.n;
    *chunk = b.chunk;
    sp_log(SP_LOG_INFO, COMPONENT, "Restoring files for time %lld ms: %zu", (long long)t, b.n);
    return true;
}

static void fs_save_batch_input(spate_stream *s, int64_t t, sp_ckpt_out *w)
{
    file_impl *fi = s->impl;
    const fs_batch *b = NULL;
    for (size_t i = 0; i < fi->ntaken; i++)
        if (fi->taken[i].time == t) b = &fi->taken[i];
    sp_ckpt_put_u64(w, (uint64_t)(b ? b->chunk : split_bytes(fi)));
    sp_ckpt_put_u64(w, b ? b->n : 0);
    for (size_t i = 0; b && i < b->n; i++) {
        sp_ckpt_put_str(w, b->files[i].name);
        sp_ckpt_put_i64(w, b->files[i].size);
    }
    size_t kept = 0; /* the records up to t are saved or never will be */
    for (size_t i = 0; i < fi->ntaken; i++) {
        if (fi->taken[i].time <= t)
            batch_free(&fi->taken[i]);
        else
            fi->taken[kept++] = fi->taken[i];
    }
    fi->ntaken = kept;
}

/* A file name as saved: not empty, no '/', no NUL (malloc'd), or NULL. */
static char *get_name(sp_ckpt_in *in)
{
    const void *p;
    size_t n;
    if (!sp_ckpt_get_bytes(in, &p, &n) || n == 0 || memchr(p, '/', n) || memchr(p, '\0', n))
        return in->bad = true, NULL;
    char *name = sp_xmalloc(n + 1);
    memcpy(name, p, n);
    name[n] = '\0';
    return name;
}

static spate_err fs_restore_batch_input(spate_stream *s, int64_t t, sp_ckpt_in *in)
{
    file_impl *fi = s->impl;
    uint64_t chunk, n;
    if (!sp_ckpt_get_u64(in, &chunk) || !sp_ckpt_get_u64(in, &n) || chunk == 0 ||
        chunk > INT64_MAX || n > in->len - in->pos)
        return SPATE_ERR_CORRUPT;
    fs_batch b = {.time = t, .chunk = (int64_t)chunk};
    b.files = sp_xcalloc(n + 1, sizeof *b.files);
    for (; b.n < n; b.n++) {
        fs_file *f = &b.files[b.n];
        if (!(f->name = get_name(in)) || !sp_ckpt_get_i64(in, &f->size) || f->size < 0) {
            b.n += f->name != NULL;
            batch_free(&b);
            return SPATE_ERR_CORRUPT;
        }
    }
    fi->restored = sp_xrealloc(fi->restored, sizeof *fi->restored * (fi->nrestored + 1));
    fi->restored[fi->nrestored++] = b;
    return SPATE_OK;
}

/* The position: the modification-time threshold set at the first start and
 * the names already taken, so a restart takes none of them again. */
static void fs_save_position(spate_stream *s, sp_ckpt_out *w)
{
    file_impl *fi = s->impl;
    sp_ckpt_put_i64(w, fi->initial_threshold);
    sp_ckpt_put_u64(w, fi->nseen);
    for (size_t i = 0; i < fi->nseen; i++) {
        sp_ckpt_put_str(w, fi->seen[i].name);
        sp_ckpt_put_i64(w, fi->seen[i].batch_time);
    }
}

static spate_err fs_load_position(spate_stream *s, sp_ckpt_in *in)
{
    file_impl *fi = s->impl;
    int64_t threshold;
    uint64_t n;
    if (!sp_ckpt_get_i64(in, &threshold) || !sp_ckpt_get_u64(in, &n) || n > in->len - in->pos)
        return SPATE_ERR_CORRUPT;
    seen_prune(fi, INT64_MAX);
    for (uint64_t i = 0; i < n; i++) {
        int64_t t;
        char *name = get_name(in);
        if (!name || !sp_ckpt_get_i64(in, &t)) {
            free(name);
            return SPATE_ERR_CORRUPT;
        }
        if (!seen_has(fi, name)) seen_add(fi, name, t);
        free(name);
    }
    fi->initial_threshold = threshold;
    fi->position_loaded = true;
    return SPATE_OK;
}

/* ---- life cycle ----------------------------------------------------------- */

static spate_err fs_start(spate_stream *s, int64_t zero_time)
{
    (void)zero_time;
    file_impl *fi = s->impl;
    if (fi->position_loaded) return SPATE_OK; /* restarted: keep the first start's threshold */
    fi->initial_threshold = fi->new_files_only ? spate_clock_now(sp_ctx_clock(fi->ctx)) : INT64_MIN;
    return SPATE_OK;
}

static void fs_stop(spate_stream *s, bool graceful)
{
    (void)s;
    (void)graceful;
}

static bool fs_has_pending(spate_stream *s)
{
    (void)s;
    return false;
}

static void fs_free(file_impl *fi)
{
    seen_prune(fi, INT64_MAX);
    free(fi->seen);
    batches_free(fi->taken, fi->ntaken);
    batches_free(fi->restored, fi->nrestored);
    free(fi->dir);
    free(fi);
}

static void fs_destroy(spate_stream *s)
{
    if (s->impl) fs_free(s->impl);
    s->impl = NULL;
}

static const sp_stream_ops file_ops = {
    .name = COMPONENT,
    .compute = fs_compute,
    .start = fs_start,
    .stop = fs_stop,
    .has_pending = fs_has_pending,
    .destroy = fs_destroy,
    .save_batch_input = fs_save_batch_input,
    .restore_batch_input = fs_restore_batch_input,
    .save_position = fs_save_position,
    .load_position = fs_load_position,
};

static void fs_configure(file_impl *fi, spate_ctx *ctx)
{
    const spate_conf *conf = spate_ctx_conf(ctx);
    int64_t slide = spate_ctx_batch_interval(ctx);
    int64_t min_remember = sp_conf_duration(conf, "spate.streaming.fileStream.minRememberDuration");
    int64_t batches = slide > 0 ? (min_remember + slide - 1) / slide : 1;
    fi->remember_ms = (batches > 0 ? batches : 1) * slide;
    fi->max_part_bytes = sp_conf_i64(conf, "spate.files.maxPartitionBytes");
}

static spate_stream *fs_new(spate_ctx *ctx, const char *dir, fs_kind kind, spate_path_filter filter,
                            void *ud, bool new_files_only, int record_length)
{
    if (!ctx) return NULL;
    if (!dir || !*dir) {
        sp_ctx_set_error(ctx, "fileStream: no directory given");
        return NULL;
    }
    file_impl *fi = sp_xcalloc(1, sizeof *fi);
    fi->ctx = ctx;
    fi->dir = sp_xstrdup(dir);
    fi->kind = kind;
    fi->filter = filter;
    fi->filter_ud = ud;
    fi->new_files_only = new_files_only;
    fi->record_length = record_length;
    fi->initial_threshold = INT64_MIN;
    fs_configure(fi, ctx);
    spate_stream *s = sp_input_stream_new(ctx, &file_ops, fi);
    if (!s) fs_free(fi);
    return s;
}

spate_stream *spate_text_file_stream(spate_ctx *ssc, const char *dir)
{
    return fs_new(ssc, dir, FS_TEXT, NULL, NULL, true, 0);
}

spate_stream *spate_file_stream(spate_ctx *ssc, const char *dir, spate_path_filter filter, void *ud,
                                bool new_files_only)
{
    return fs_new(ssc, dir, FS_PAIRS, filter, ud, new_files_only, 0);
}

spate_stream *spate_binary_records_stream(spate_ctx *ssc, const char *dir, int record_length)
{
    if (ssc && record_length <= 0) {
        sp_ctx_set_error(ssc, "binaryRecordsStream: record length %d must be positive",
                         record_length);
        return NULL;
    }
    return fs_new(ssc, dir, FS_BINARY, NULL, NULL, true, record_length);
}
