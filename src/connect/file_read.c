/* file_read.c - lines and records of file splits (see file_read.h). */
#include "connect/file_read.h"

#include "base/arena.h"
#include "connect/source_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum { TAIL_CHUNK = 64 * 1024, READ_WINDOW = 256 * 1024 };

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

static inline void emit_line(spate_task *t, sp_line_fn fn, void *ud, int64_t off, const char *p,
                             size_t len)
{
    if (len > 0 && p[len - 1] == '\r') len--;
    fn(t, off, p, len, ud);
}

/* The last line of a split, which runs past its end: head (hlen bytes) plus
 * the bytes up to the next newline or the end of the file, in the arena. */
static const char *read_tail(spate_task *t, int fd, const sp_file_split *sp, const char *head,
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
static int64_t read_lines(spate_task *t, int fd, const sp_file_split *sp, sp_line_fn fn, void *ud)
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
        emit_line(t, fn, ud, from + (int64_t)pos, p, len);
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
static bool window_slide(spate_task *t, int fd, const sp_file_split *sp, read_window *w, size_t pos)
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
static int64_t read_lines_windowed(spate_task *t, int fd, const sp_file_split *sp, sp_line_fn fn,
                                   void *ud)
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
            emit_line(t, fn, ud, w.off + (int64_t)pos, w.buf + pos, (size_t)(eol - w.buf) - pos);
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
            emit_line(t, fn, ud, w.off + (int64_t)pos, p, len);
            count++;
        }
        skip = false;
        if (!nl) break;
        pos += len + 1;
    }
    free(w.buf);
    return spate_task_failed(t) ? -1 : count;
}

/* The fixed-length records of the split; their count, or -1. */
static int64_t read_records(spate_task *t, int fd, const sp_file_split *sp, int reclen,
                            sp_record_fn fn, void *ud)
{
    size_t blen = (size_t)(sp->end - sp->start);
    uint8_t *buf = spate_arena_alloc(spate_task_arena(t), blen ? blen : 1);
    if (!read_exact(t, fd, sp->path, (char *)buf, blen, sp->start)) return -1;
    int64_t count = 0;
    for (size_t off = 0; off + (size_t)reclen <= blen && !spate_task_failed(t); off += reclen) {
        fn(t, buf + off, (size_t)reclen, ud);
        count++;
    }
    return spate_task_failed(t) ? -1 : count;
}

static int open_split(spate_task *t, const sp_file_split *sp)
{
    int fd = open(sp->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_errno(t, sp->path, errno);
    return fd;
}

int64_t sp_file_read_lines(spate_task *t, const sp_file_split *sp, sp_line_fn fn, void *ud)
{
    int fd = open_split(t, sp);
    if (fd < 0) return -1;
    int64_t n =
        t->transient ? read_lines_windowed(t, fd, sp, fn, ud) : read_lines(t, fd, sp, fn, ud);
    close(fd);
    return n;
}

int64_t sp_file_read_records(spate_task *t, const sp_file_split *sp, int record_length,
                             sp_record_fn fn, void *ud)
{
    int fd = open_split(t, sp);
    if (fd < 0) return -1;
    int64_t n = read_records(t, fd, sp, record_length, fn, ud);
    close(fd);
    return n;
}
