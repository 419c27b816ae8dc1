/* file_stream.c - textFileStream, fileStream and binaryRecordsStream
 * (Spark's FileInputDStream over TextInputFormat / FixedLengthBinaryInputFormat):
 * the DStream adapter over the file connector's cores, connect/file_listing.h
 * (which files are new, the names taken) and connect/file_read.h (reading a
 * split's lines or records).
 *
 * Selecting files (generator thread, compute of batch t): a file is new when
 *     threshold < mtime <= t   and it was not taken before,
 * with threshold = max(clock time at start when newFilesOnly, else -inf;
 *                      t - remember),
 * remember = spate.streaming.fileStream.minRememberDuration rounded up to a
 * multiple of the batch interval. Taken names are remembered for that window
 * (older ones fall under the threshold anyway), so each file is taken by
 * exactly one batch. Times are milliseconds of the context clock: tests with a
 * manual clock set the files' mtimes to manual times (utimensat), as Spark's
 * tests do. New files are taken in name order. The user filter of fileStream
 * sees the full path of the files that pass the listing's rules.
 *
 * Reading (tasks): each file gives one partition per spate.files.maxPartitionBytes
 * split (whole records for binary files). fileStream elements are (byte offset
 * of the line, line); binaryRecordsStream pushes SPATE_BYTES slices; a file
 * whose size is not a multiple of the record length is reported
 * (sp_ctx_report_error) when it is selected and not read, and the batch goes
 * on with the other files. A file that cannot be read fails its task: the
 * batch fails and the context's error says so.
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
 * of the listing), the read callbacks on executor threads (they only read the
 * per-batch split table). */
#include "stream/dstream_int.h"

#include "base/conf.h"
#include "base/arena.h"
#include "base/log.h"
#include "connect/file_listing.h"
#include "connect/file_read.h"
#include "connect/source_util.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMPONENT "FileInputDStream"

typedef enum { FS_TEXT, FS_PAIRS, FS_BINARY } fs_kind;

typedef sp_listed_file fs_file;

/* What one batch took, for checkpoints: the files with their sizes then (a
 * file appended to later is re-read as it was) and the split size. */
typedef struct fs_batch {
    int64_t time, chunk;
    fs_file *files;
    size_t n;
} fs_batch;

typedef struct file_impl {
    spate_ctx *ctx;
    sp_file_listing listing; /* the directory, the filter, the names taken */
    fs_kind kind;
    bool new_files_only;
    int record_length;
    int64_t initial_threshold; /* set by start */
    int64_t remember_ms;
    int64_t max_part_bytes;
    /* Checkpoints (generator thread): what recent batches took, until
     * save_batch_input; what batches re-run after a restart must take. */
    fs_batch *taken, *restored;
    size_t ntaken, nrestored;
    bool position_loaded; /* the threshold and names come from a checkpoint */
} file_impl;

/* One partition: a byte range of one file (in the batch scope's arena). */
typedef struct fs_split {
    sp_file_split range;
    atomic_bool counted;
} fs_split;

typedef struct fs_rdd {
    fs_kind kind;
    int record_length;
    sp_exec *exec;
    atomic_llong *batch_records; /* the batch's count for this input */
    fs_split *splits;
} fs_rdd;

/* ---- reading (executor threads) ------------------------------------------ */

typedef struct line_out {
    spate_sink *out;
    bool pairs; /* fileStream: (offset, line) */
} line_out;

static void push_line(spate_task *t, int64_t offset, const char *p, size_t len, void *ud)
{
    line_out *lo = ud;
    spate_value line = spate_str(p, len);
    if (lo->pairs) line = spate_tuple2(spate_task_arena(t), spate_i64(offset), line);
    lo->out->push(lo->out, line);
}

static void push_record(spate_task *t, const uint8_t *p, size_t len, void *ud)
{
    (void)t;
    spate_value v = {.type = SPATE_BYTES, .len = (uint32_t)len};
    v.u.bytes = p;
    spate_sink_push(ud, v);
}

/* The sp_rdd_source callback: partition `part` is split `part`. */
static void fs_read_part(spate_task *t, int part, spate_sink *out, void *ud)
{
    fs_rdd *fr = ud;
    fs_split *sp = &fr->splits[part];
    line_out lo = {.out = out, .pairs = fr->kind == FS_PAIRS};
    int64_t n = fr->kind == FS_BINARY
                    ? sp_file_read_records(t, &sp->range, fr->record_length, push_record, out)
                    : sp_file_read_lines(t, &sp->range, push_line, &lo);
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
        total += (size_t)sp_file_split_count(files[i].size, chunk);
    if (total == 0) return sp_rdd_empty(scope);
    spate_arena *a = sp_scope_arena(scope);
    fs_rdd *fr = spate_arena_alloc(a, sizeof *fr);
    *fr = (fs_rdd){.kind = fi->kind,
                   .record_length = fi->record_length,
                   .exec = sp_scope_exec(scope),
                   .batch_records = batch_records};
    fr->splits = spate_arena_alloc(a, total * sizeof *fr->splits);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *path = sp_arena_memdup(a, files[i].path, strlen(files[i].path) + 1);
        for (int64_t off = 0; off < files[i].size; off += chunk, k++) {
            fs_split *sp = &fr->splits[k];
            sp->range =
                (sp_file_split){.path = path,
                                .start = off,
                                .end = off + chunk < files[i].size ? off + chunk : files[i].size,
                                .size = files[i].size};
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
    sp_file_listing_forget_before(&fi->listing, t - fi->remember_ms);
    if (sp_file_listing_new_files(&fi->listing, threshold, t, files, n) != 0) {
        char buf[128];
        sp_log(SP_LOG_WARN, COMPONENT, "Error finding new files under %s: %s", fi->listing.dir,
               sp_strerror(errno, buf, sizeof buf));
        return false; /* the batch gets no files, as in Spark */
    }
    for (size_t i = 0; i < *n; i++)
        sp_file_listing_take(&fi->listing, (*files)[i].name, t);
    if (fi->kind == FS_BINARY) *n = check_record_sizes(fi, *files, *n);
    return true;
}

static bool fs_take_restored(file_impl *fi, int64_t t, fs_file **files, size_t *n, int64_t *chunk);
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
    sp_listed_files_free(files, n);
    return r;
}

/* ---- checkpoints (generator thread, or before start) ---------------------- */

static void batch_free(fs_batch *b)
{
    sp_listed_files_free(b->files, b->n);
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
        b->files[i] = (fs_file){.name = sp_xstrdup(files[i].name), .size = files[i].size};
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
        b.files[k].path = sp_file_path_join(fi->listing.dir, b.files[k].name);
        sp_file_listing_take(&fi->listing, b.files[k].name, t);
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
        if (!(f->name = sp_file_name_get(in)) || !sp_ckpt_get_i64(in, &f->size) || f->size < 0) {
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
    sp_file_listing_save(&fi->listing, w);
}

static spate_err fs_load_position(spate_stream *s, sp_ckpt_in *in)
{
    file_impl *fi = s->impl;
    int64_t threshold;
    if (!sp_ckpt_get_i64(in, &threshold) || !sp_file_listing_load(&fi->listing, in))
        return SPATE_ERR_CORRUPT;
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
    sp_file_listing_free(&fi->listing);
    batches_free(fi->taken, fi->ntaken);
    batches_free(fi->restored, fi->nrestored);
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
    sp_file_listing_init(&fi->listing, dir, filter, ud);
    fi->kind = kind;
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
