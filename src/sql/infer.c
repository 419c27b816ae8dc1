/* infer.c - schema inference's entry and its file listing (infer.h). */
#include "sql/infer.h"

#include "base/arena.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static void push(char ***files, size_t *n, const char *path)
{
    char **v = realloc(*files, sizeof *v * (*n + 1));
    if (!v) abort();
    *files = v;
    v[(*n)++] = sp_xstrdup(path);
}

/* A directory's data files: not hidden, not Spark's metadata (_...). */
static bool list_dir(const char *dir, char ***files, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d) return false;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || e->d_name[0] == '_') continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) push(files, n, path);
    }
    closedir(d);
    return true;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

bool sp_sql_infer_list(const char *path, char ***files, size_t *n)
{
    *files = NULL;
    *n = 0;
    glob_t g;
    int rc = glob(path, 0, NULL, &g);
    if (rc == GLOB_NOMATCH) return true;
    if (rc != 0) return false;
    bool ok = true;
    for (size_t i = 0; i < g.gl_pathc && ok; i++) {
        struct stat st;
        if (stat(g.gl_pathv[i], &st) != 0) continue;
        if (S_ISDIR(st.st_mode))
            ok = list_dir(g.gl_pathv[i], files, n);
        else if (S_ISREG(st.st_mode))
            push(files, n, g.gl_pathv[i]);
    }
    globfree(&g);
    if (*n > 1) qsort(*files, *n, sizeof **files, cmp_str);
    return ok;
}

void sp_sql_infer_list_free(char **files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}

char *sp_sql_infer_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = sp_xmalloc(cap);
    for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) buf = sp_xrealloc(buf, cap *= 2);
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

static const char *option(const char *const *keys, const char *const *vals, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (!strcasecmp(keys[i], key)) return vals[i];
    return NULL;
}

const sp_sql_type *sp_sql_infer_schema(const char *format, const char *const *keys,
                                       const char *const *vals, int n, const sp_tz *tz,
                                       spate_arena *a, char *err, size_t err_size)
{
    const char *path = option(keys, vals, n, "path");
    bool csv = !strcasecmp(format, "csv");
    char **files = NULL;
    size_t nf = 0;
    if (!path) {
        snprintf(err, err_size, "'path' is not specified");
        return NULL;
    }
    if (!sp_sql_infer_list(path, &files, &nf)) {
        snprintf(err, err_size, "cannot list %s: %s", path, strerror(errno));
        return NULL;
    }
    const sp_sql_type *t = NULL;
    if (nf == 0)
        snprintf(err, err_size,
                 "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for %s. It must be specified "
                 "manually. SQLSTATE: 42KD9",
                 csv ? "CSV" : "JSON");
    else if (csv)
        t = sp_sql_infer_csv(files, nf, keys, vals, n, tz, a, err, err_size);
    else
        t = sp_sql_infer_json(files, nf, keys, vals, n, a, err, err_size);
    sp_sql_infer_list_free(files, nf);
    return t;
}
