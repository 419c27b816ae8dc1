/* file_listing.c - new files of a directory and the names taken (see
 * file_listing.h). */
#include "connect/file_listing.h"

#include "base/arena.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void sp_file_listing_init(sp_file_listing *l, const char *dir, sp_file_filter_fn filter, void *ud)
{
    *l = (sp_file_listing){.dir = sp_xstrdup(dir), .filter = filter, .filter_ud = ud};
}

void sp_file_listing_free(sp_file_listing *l)
{
    sp_file_listing_forget_before(l, INT64_MAX);
    free(l->taken);
    free(l->dir);
    *l = (sp_file_listing){0};
}

/* ---- taken names ----------------------------------------------------------- */

static int taken_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const sp_taken_name *)elem)->name);
}

bool sp_file_listing_was_taken(const sp_file_listing *l, const char *name)
{
    return l->ntaken && bsearch(name, l->taken, l->ntaken, sizeof *l->taken, taken_cmp);
}

void sp_file_listing_take(sp_file_listing *l, const char *name, int64_t t)
{
    size_t lo = 0, hi = l->ntaken;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(l->taken[mid].name, name);
        if (c == 0) return;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (l->ntaken == l->captaken) {
        l->captaken = l->captaken ? l->captaken * 2 : 64;
        l->taken = sp_xrealloc(l->taken, l->captaken * sizeof *l->taken);
    }
    memmove(l->taken + lo + 1, l->taken + lo, (l->ntaken - lo) * sizeof *l->taken);
    l->taken[lo] = (sp_taken_name){.name = sp_xstrdup(name), .time = t};
    l->ntaken++;
}

void sp_file_listing_forget_before(sp_file_listing *l, int64_t before)
{
    size_t w = 0;
    for (size_t i = 0; i < l->ntaken; i++) {
        if (l->taken[i].time < before || before == INT64_MAX)
            free(l->taken[i].name);
        else
            l->taken[w++] = l->taken[i];
    }
    l->ntaken = w;
}

/* ---- listing ---------------------------------------------------------------- */

char *sp_file_path_join(const char *dir, const char *name)
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
    return strcmp(((const sp_listed_file *)a)->name, ((const sp_listed_file *)b)->name);
}

/* Whether the entry `name` of dfd is new: visible, regular, in the time
 * range, not taken. Fills *f's size and mtime. */
static bool is_new(const sp_file_listing *l, int dfd, const char *name, int64_t after,
                   int64_t until, sp_listed_file *f)
{
    if (name[0] == '.' || name[0] == '_') return false;
    if (sp_file_listing_was_taken(l, name)) return false; /* before a stat: it is never new */
    struct stat st;
    if (fstatat(dfd, name, &st, 0) != 0 || !S_ISREG(st.st_mode)) return false;
    int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    if (mtime <= after || mtime > until) return false;
    f->size = (int64_t)st.st_size;
    f->mtime_ms = mtime;
    return true;
}

int sp_file_listing_new_files(const sp_file_listing *l, int64_t after, int64_t until,
                              sp_listed_file **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(l->dir);
    if (!d) return -1;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        sp_listed_file f;
        if (!is_new(l, dirfd(d), de->d_name, after, until, &f)) continue;
        f.path = sp_file_path_join(l->dir, de->d_name);
        if (l->filter && !l->filter(f.path, l->filter_ud)) {
            free(f.path);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = sp_xrealloc(*out, cap * sizeof **out);
        }
        f.name = sp_xstrdup(de->d_name);
        (*out)[(*n)++] = f;
    }
    closedir(d);
    if (*n > 1) qsort(*out, *n, sizeof **out, file_cmp);
    return 0;
}

void sp_listed_files_free(sp_listed_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].path);
    }
    free(files);
}

/* ---- position ------------------------------------------------------------- */

void sp_file_listing_save(const sp_file_listing *l, sp_ckpt_out *w)
{
    sp_ckpt_put_u64(w, l->ntaken);
    for (size_t i = 0; i < l->ntaken; i++) {
        sp_ckpt_put_str(w, l->taken[i].name);
        sp_ckpt_put_i64(w, l->taken[i].time);
    }
}

char *sp_file_name_get(sp_ckpt_in *in) { return sp_ckpt_get_name(in, SIZE_MAX, "/"); }

bool sp_file_listing_load(sp_file_listing *l, sp_ckpt_in *in)
{
    uint64_t n;
    if (!sp_ckpt_get_u64(in, &n) || n > in->len - in->pos) return false;
    sp_file_listing_forget_before(l, INT64_MAX);
    for (uint64_t i = 0; i < n; i++) {
        int64_t t;
        char *name = sp_file_name_get(in);
        if (!name || !sp_ckpt_get_i64(in, &t)) {
            free(name);
            return false;
        }
        sp_file_listing_take(l, name, t);
        free(name);
    }
    return true;
}
