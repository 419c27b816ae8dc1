/* source_file_read.c - reading one planned file of a file source: its
 * bytes up to the size it had when listed (a file appended to later reads as
 * it was planned; one that shrank fails), whole lines at a time, through
 * the schema-directed CSV and JSON scanners (sql/scan_csv.h, scan_json.h) or
 * as text lines, into batches of SP_SOURCE_BATCH_ROWS rows handed to emit.
 *
 * Threads: executor threads; each call has its own scanner and buffer. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "sql/source_int.h"

#include "base/log.h"
#include "connect/source_util.h"
#include "sql/scan_csv.h"
#include "sql/scan_json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { READ_CHUNK = 1 << 20 };

typedef struct file_reader {
    const sp_file_parse *fp;
    const char *path;
    sp_sql_csv_scanner *csv;
    sp_sql_json_scanner *json;
    sp_colbatch *b;
    spate_arena *a;
    bool reuse;
    int64_t size;
    sp_source_emit_fn emit;
    void *ud;
    sp_source_counters *c;
    char *errstr;
    size_t errn;
} file_reader;

/* An empty batch for the scanner in use, for the rows the file can still
 * hold (each takes at least one byte and its line break). */
static sp_colbatch *new_batch(const file_reader *r)
{
    int64_t cap = r->size + 1 < SP_SOURCE_BATCH_ROWS ? r->size + 1 : SP_SOURCE_BATCH_ROWS;
    if (r->csv) return sp_sql_csv_batch_new(r->csv, r->a, cap);
    if (r->json) return sp_sql_json_batch_new(r->json, r->a, cap);
    return sp_source_batch_new(r->fp->schema, r->a, cap);
}

/* Hands the batch on when it holds rows; the next rows go to a new one. */
static spate_err flush(file_reader *r)
{
    if (!r->b || r->b->length == 0) return SPATE_OK;
    r->c->rows += r->b->length;
    bool ok = r->emit(r->b, r->ud);
    if (r->reuse)
        sp_colbatch_reset(r->b);
    else
        r->b = NULL;
    return ok ? SPATE_OK : SPATE_ERR_USER;
}

/* Text: each line is a `value` row ("\r" before "\n" dropped). */
static int64_t scan_text(file_reader *r, const char *buf, size_t len, size_t *used)
{
    size_t pos = 0;
    int64_t rows = 0;
    while (pos < len && r->b->length < r->b->capacity) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len, n = end - pos;
        if (n && buf[end - 1] == '\r') n--;
        sp_column_append_str(r->b, 0, buf + pos, n);
        sp_colbatch_set_length(r->b, r->b->length + 1);
        rows++;
        pos = nl ? end + 1 : len;
    }
    *used = pos;
    return rows;
}

/* Scans the whole lines buf[0, len), emitting each full batch. */
static spate_err scan_lines(file_reader *r, const char *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        if (!r->b) r->b = new_batch(r);
        size_t used = 0;
        int64_t rows;
        if (r->csv)
            rows = sp_sql_csv_scan(r->csv, r->b, buf + off, len - off, &used, r->errstr, r->errn);
        else if (r->json)
            rows = sp_sql_json_scan(r->json, r->b, buf + off, len - off, &used, r->errstr, r->errn);
        else
            rows = scan_text(r, buf + off, len - off, &used);
        if (rows == SP_SQL_SCAN_ERROR) {
            size_t k = strlen(r->errstr);
            snprintf(r->errstr + k, r->errn - k, " (file %s)", r->path);
            return SPATE_ERR_PARSE;
        }
        off += used;
        if (off < len || r->b->length == r->b->capacity) {
            spate_err e = flush(r);
            if (e) return e;
        }
    }
    return SPATE_OK;
}

static char line_sep(const sp_file_parse *fp)
{
    char sep = fp->kind == SP_FILE_CSV    ? fp->csv.line_sep
               : fp->kind == SP_FILE_JSON ? fp->json.line_sep
                                          : '\0';
    return sep ? sep : '\n';
}

static spate_err io_error(file_reader *r, const char *why)
{
    snprintf(r->errstr, r->errn, "cannot read input file %s: %s", r->path, why);
    return SPATE_ERR_IO;
}

/* The offset just past the first line separator at or after off (or
 * size): where the line after the one holding byte off begins. */
static spate_err after_line(file_reader *r, int fd, int64_t off, int64_t size, int64_t *out)
{
    char buf[4096], sep = line_sep(r->fp), why[128];
    while (off < size) {
        size_t want = (size_t)(size - off) < sizeof buf ? (size_t)(size - off) : sizeof buf;
        ssize_t k = pread(fd, buf, want, off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return io_error(r, k < 0 ? sp_strerror(errno, why, sizeof why) : "it shrank");
        const char *nl = memchr(buf, sep, (size_t)k);
        if (nl) {
            *out = off + (nl - buf) + 1;
            return SPATE_OK;
        }
        off += k;
    }
    *out = size;
    return SPATE_OK;
}

/* Reads [pos, size) of the file in chunks, scanning whole lines as they
 * arrive. */
static spate_err read_file(file_reader *r, int fd, int64_t pos, int64_t size)
{
    size_t cap = READ_CHUNK, len = 0;
    char *buf = sp_xmalloc(cap), sep = line_sep(r->fp), why[128];
    spate_err e = SPATE_OK;
    while (e == SPATE_OK && (pos < size || len > 0)) {
        if (len == cap) buf = sp_xrealloc(buf, cap *= 2);
        size_t want = cap - len;
        if ((int64_t)want > size - pos) want = (size_t)(size - pos);
        ssize_t k = want ? pread(fd, buf + len, want, pos) : 0;
        if (k < 0 && errno == EINTR) continue;
        if (k < 0)
            e = io_error(r, sp_strerror(errno, why, sizeof why));
        else if (k == 0 && want)
            e = io_error(r, "it shrank while being read");
        if (e) break;
        pos += k, len += (size_t)k;
        size_t whole = len;
        if (pos < size) {
            const char *nl = memrchr(buf, sep, len);
            whole = nl ? (size_t)(nl - buf) + 1 : 0;
        }
        e = scan_lines(r, buf, whole);
        memmove(buf, buf + whole, len - whole);
        len -= whole;
    }
    free(buf);
    return e;
}

/* The scanner of r's format; mid_file: the split does not start the file
 * (so its first line is no CSV header). */
static bool make_scanner(file_reader *r, bool mid_file)
{
    const sp_file_parse *fp = r->fp;
    if (fp->kind == SP_FILE_CSV) {
        r->csv = sp_sql_csv_scanner_new(fp->schema, &fp->csv, r->errstr, r->errn);
        if (!r->csv) return false;
        if (fp->required) sp_sql_csv_scanner_require(r->csv, fp->required);
        if (mid_file)
            sp_sql_csv_continue_file(r->csv);
        else
            sp_sql_csv_start_file(r->csv);
    } else if (fp->kind == SP_FILE_JSON) {
        r->json = sp_sql_json_scanner_new(fp->schema, &fp->json, r->errstr, r->errn);
        if (!r->json) return false;
    }
    return true;
}

/* The bytes [*from, *to) that split s reads (its whole lines). */
static spate_err split_bounds(file_reader *r, int fd, const sp_file_split *s, int64_t *from,
                              int64_t *to)
{
    int64_t size = s->file->size, end = s->end < size ? s->end : size;
    *from = 0;
    *to = size;
    spate_err e = s->start > 0 ? after_line(r, fd, s->start - 1, size, from) : SPATE_OK;
    if (!e && end < size) e = after_line(r, fd, end - 1, size, to);
    return e;
}

spate_err sp_source_file_read(const sp_file_parse *fp, const sp_file_split *s, bool reuse,
                              spate_arena *a, sp_source_emit_fn emit, void *ud,
                              sp_source_counters *c, char *errstr, size_t n)
{
    const sp_file_entry *f = s->file;
    file_reader r = {fp, f->path, NULL, NULL, NULL, a, reuse, f->size, emit, ud, c, errstr, n};
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    char why[128];
    if (fd < 0 && errno == ENOENT && fp->ignore_missing_files) {
        sp_log(SP_LOG_WARN, "FileScanRDD", "Skipped missing file: %s", f->path);
        return SPATE_OK;
    }
    if (fd < 0) return io_error(&r, sp_strerror(errno, why, sizeof why));
    int64_t from = 0, to = 0;
    spate_err e = make_scanner(&r, s->start > 0) ? split_bounds(&r, fd, s, &from, &to)
                                                 : SPATE_ERR_INVALID_ARG;
    if (e == SPATE_OK && from < to) e = read_file(&r, fd, from, to);
    close(fd);
    if (e == SPATE_OK) e = flush(&r);
    c->bytes += to - from;
    if (r.csv) c->malformed += sp_sql_csv_malformed(r.csv);
    if (r.json) c->malformed += sp_sql_json_malformed(r.json);
    sp_sql_csv_scanner_free(r.csv);
    sp_sql_json_scanner_free(r.json);
    return e;
}
