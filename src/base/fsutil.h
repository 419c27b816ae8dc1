/* fsutil.h - the file-system steps durable output is made of: writing all of
 * a buffer, mkdir -p, fsync of a directory, removing a tree, reading a whole
 * file, little-endian fields. Functions returning int give 0 or -1 with errno
 * set. */
#ifndef SP_FSUTIL_H
#define SP_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* write(2) until all n bytes are out (retrying EINTR). */
bool sp_write_all(int fd, const void *p, size_t n);
/* mkdir -p dir; ENOTDIR when dir exists but is not a directory. */
int sp_mkdirs(const char *dir);
/* fsync of a directory (makes renames and new entries in it durable). */
int sp_fsync_dir(const char *dir);
/* fsync of the directory holding path. */
int sp_fsync_parent(const char *path);
/* rm -rf path (no error when it does not exist). */
void sp_remove_tree(const char *path);
/* The whole file in a malloc'd buffer (*buf, *len; free it). */
int sp_read_whole(const char *path, char **buf, size_t *len);

static inline void sp_put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t sp_get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

#endif
