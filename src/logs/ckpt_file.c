/* ckpt_file.c - checkpoint files on disk: a fixed header (magic, kind,
 * version, body length, xxh64 of the body) then the body; written through a
 * temporary file, fsync and rename so a crash leaves the old file or the new
 * one, never a mix. */
#include "logs/ckpt_io.h"

#include "base/arena.h"
#include "base/errbuf.h"
#include "base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static const char MAGIC[8] = {'S', 'P', 'A', 'T', 'E', 'C', 'K', 'P'};
enum { KIND_LEN = 16, HEADER_LEN = 8 + KIND_LEN + 4 + 4 + 8 + 8 };

typedef struct header {
    char kind[KIND_LEN];
    uint32_t version;
    uint64_t body_len;
    uint64_t checksum;
} header;

/* Covers the header's first 40 bytes (every field but the checksum itself,
 * padding included) and the body. */
static uint64_t checksum_of(const unsigned char *head, const void *body, size_t len)
{
    return XXH64(body, len, XXH64(head, 40, 0));
}

static void encode_header(unsigned char *out, const char *kind, uint32_t version,
                          const sp_ckpt_out *body)
{
    memset(out, 0, HEADER_LEN);
    memcpy(out, MAGIC, sizeof MAGIC);
    strncpy((char *)out + 8, kind, KIND_LEN - 1);
    sp_put_le(out + 24, version, 4);
    sp_put_le(out + 32, body->len, 8);
    sp_put_le(out + 40, checksum_of(out, body->buf, body->len), 8);
}

static bool write_temp(const char *tmp, const unsigned char *head, const sp_ckpt_out *body,
                       bool sync)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    bool ok = sp_write_all(fd, head, HEADER_LEN) && sp_write_all(fd, body->buf, body->len) &&
              (!sync || fsync(fd) == 0);
    int saved = errno;
    close(fd);
    errno = saved;
    return ok;
}

static spate_err write_file(const char *path, const char *kind, uint32_t version,
                            const sp_ckpt_out *body, bool sync, char *errstr, size_t errstr_size)
{
    static atomic_uint counter;
    unsigned char head[HEADER_LEN];
    encode_header(head, kind, version, body);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld-%u", path, (long)getpid(), atomic_fetch_add(&counter, 1));
    if (!write_temp(tmp, head, body, sync) || rename(tmp, path) != 0 ||
        (sync && sp_fsync_parent(path) != 0)) {
        int saved = errno;
        unlink(tmp);
        sp_errf(errstr, errstr_size, "cannot write checkpoint file %s: %s", path, strerror(saved));
        return SPATE_ERR_IO;
    }
    return SPATE_OK;
}

spate_err sp_ckpt_write_file(const char *path, const char *kind, uint32_t version,
                             const sp_ckpt_out *body, char *errstr, size_t errstr_size)
{
    return write_file(path, kind, version, body, true, errstr, errstr_size);
}

spate_err sp_ckpt_write_file_nosync(const char *path, const char *kind, uint32_t version,
                                    const sp_ckpt_out *body, char *errstr, size_t errstr_size)
{
    return write_file(path, kind, version, body, false, errstr, errstr_size);
}

static spate_err read_whole(const char *path, char **buf, size_t *len, char *errstr,
                            size_t errstr_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sp_errf(errstr, errstr_size, "cannot open checkpoint file %s: %s", path, strerror(errno));
        return errno == ENOENT ? SPATE_ERR_NOT_FOUND : SPATE_ERR_IO;
    }
    size_t cap = 4096, n = 0;
    char *b = sp_xmalloc(cap);
    for (;;) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap) break;
        cap *= 2;
        b = sp_xrealloc(b, cap);
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        free(b);
        sp_errf(errstr, errstr_size, "cannot read checkpoint file %s", path);
        return SPATE_ERR_IO;
    }
    *buf = b;
    *len = n;
    return SPATE_OK;
}

/* NULL when the header is sound, else what is wrong with it. */
static const char *check_header(const unsigned char *p, size_t len, const char *kind,
                                uint32_t version, header *h)
{
    if (len < HEADER_LEN) return "truncated: shorter than its header";
    if (memcmp(p, MAGIC, sizeof MAGIC) != 0) return "not a spate checkpoint file (bad magic)";
    memcpy(h->kind, p + 8, KIND_LEN);
    h->kind[KIND_LEN - 1] = '\0';
    if (strcmp(h->kind, kind) != 0) return "a checkpoint file of another kind";
    h->version = (uint32_t)sp_get_le(p + 24, 4);
    if (h->version != version) return "an unknown format version";
    h->body_len = sp_get_le(p + 32, 8);
    if (h->body_len > len - HEADER_LEN) return "truncated: shorter than its header says";
    if (h->body_len < len - HEADER_LEN) return "longer than its header says";
    h->checksum = sp_get_le(p + 40, 8);
    if (checksum_of(p, p + HEADER_LEN, h->body_len) != h->checksum)
        return "checksum mismatch (the file is damaged)";
    return NULL;
}

spate_err sp_ckpt_read_file(const char *path, const char *kind, uint32_t version, sp_ckpt_in *in,
                            char *errstr, size_t errstr_size)
{
    char *buf;
    size_t len;
    spate_err err = read_whole(path, &buf, &len, errstr, errstr_size);
    if (err) return err;
    header h;
    const char *problem = check_header((const unsigned char *)buf, len, kind, version, &h);
    if (problem) {
        free(buf);
        sp_errf(errstr, errstr_size, "corrupt checkpoint file %s: %s", path, problem);
        return SPATE_ERR_CORRUPT;
    }
    memmove(buf, buf + HEADER_LEN, (size_t)h.body_len);
    sp_ckpt_in_init(in, buf, (size_t)h.body_len);
    snprintf(in->path, sizeof in->path, "%s", path);
    return SPATE_OK;
}
