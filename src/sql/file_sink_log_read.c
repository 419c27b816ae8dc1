/* file_sink_log_read.c - the files a file sink committed, read from its
 * _spark_metadata log as Spark's FileStreamSinkLog.allFiles does: every
 * entry in batch order ("v1", then one JSON object per line), files with
 * action "add" kept until an entry deletes them. Only the fields spate
 * needs are taken (path, action); the JSON is read strictly enough to name
 * an entry that is not Spark's format.
 *
 * Threads: any thread. */
#include "sql/file_sink_log.h"

#include "base/arena.h"
#include "base/fsutil.h"
#include "sql/file_sink_log_int.h"
#include "sql/sink_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct paths {
    char **v;
    int n, cap;
} paths;

/* A JSON string at *p (after its opening quote) decoded into out; *p moves
 * past the closing quote. \uXXXX below U+0800 only (paths are ASCII here). */
static bool read_str(const char **p, const char *end, sp_sql_sbuf *out)
{
    const char *s = *p;
    while (s < end && *s != '"') {
        if (*s != '\\') {
            sp_sql_sbuf_put(out, s++, 1);
            continue;
        }
        if (++s >= end) return false;
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *q = strchr(from, *s);
        if (*s && q) {
            sp_sql_sbuf_put(out, to + (q - from), 1);
            s++;
            continue;
        }
        unsigned v;
        if (*s != 'u' || end - s < 5 || sscanf(s + 1, "%4x", &v) != 1) return false;
        char u[2] = {(char)(0xC0 | (v >> 6)), (char)(0x80 | (v & 63))};
        if (v < 0x80)
            sp_sql_sbuf_put(out, (char[]){(char)v}, 1);
        else
            sp_sql_sbuf_put(out, u, 2);
        s += 5;
    }
    if (s >= end) return false;
    *p = s + 1;
    return true;
}

/* One status line: its "path" and "action" strings (other fields skipped). */
static bool parse_status(const char *s, const char *end, sp_sql_sbuf *path, sp_sql_sbuf *action)
{
    if (s >= end || *s++ != '{') return false;
    while (s < end && *s != '}') {
        sp_sql_sbuf key = {0};
        bool ok = *s++ == '"' && read_str(&s, end, &key) && s < end && *s++ == ':';
        bool is_path = ok && !strcmp(sp_sql_sbuf_str(&key), "path");
        bool is_action = ok && !strcmp(sp_sql_sbuf_str(&key), "action");
        sp_sql_sbuf_free(&key);
        if (!ok) return false;
        if (s < end && *s == '"') {
            sp_sql_sbuf junk = {0};
            s++;
            ok = read_str(&s, end, is_path ? path : is_action ? action : &junk);
            sp_sql_sbuf_free(&junk);
            if (!ok) return false;
        } else {
            while (s < end && *s != ',' && *s != '}')
                s++;
        }
        if (s < end && *s == ',') s++;
    }
    return s < end && path->len > 0 && action->len > 0;
}

/* A local path from Spark's "file:..." form (escapes decoded). */
static char *local_path(const char *uri)
{
    const char *p = uri;
    if (!strncmp(p, "file://", 7) && p[7] == '/')
        p += 7;
    else if (!strncmp(p, "file:", 5))
        p += 5;
    char *out = sp_xmalloc(strlen(p) + 1), *o = out;
    unsigned v;
    for (; *p; p++)
        if (*p == '%' && sscanf(p + 1, "%2x", &v) == 1 && p[1] && p[2]) {
            *o++ = (char)v;
            p += 2;
        } else {
            *o++ = *p;
        }
    *o = '\0';
    return out;
}

static void apply(paths *ps, char *path, const char *action)
{
    if (!strcmp(action, "delete")) {
        for (int i = 0; i < ps->n; i++)
            if (!strcmp(ps->v[i], path)) {
                free(ps->v[i]);
                memmove(ps->v + i, ps->v + i + 1, (size_t)(ps->n - i - 1) * sizeof *ps->v);
                ps->n--;
                break;
            }
        free(path);
        return;
    }
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 64;
        ps->v = sp_xrealloc(ps->v, (size_t)ps->cap * sizeof *ps->v);
    }
    ps->v[ps->n++] = path;
}

/* Entry file into ps; false with errstr naming it. */
static bool read_entry(const char *file, paths *ps, char *errstr, size_t errstr_size)
{
    char *buf;
    size_t len;
    if (sp_read_whole(file, &buf, &len) != 0) {
        sp_sink_errf(errstr, errstr_size, "cannot read %s: %s", file, strerror(errno));
        return false;
    }
    const char *p = buf, *end = buf + len, *nl = memchr(p, '\n', len);
    const char *line_end = nl ? nl : end;
    bool ok = line_end - p == 2 && p[0] == 'v' && p[1] == '1';
    if (!ok)
        sp_sink_errf(errstr, errstr_size, "%s: expected the log version v1 on its first line",
                     file);
    for (int line = 2; ok && nl; line++) {
        p = nl + 1;
        nl = memchr(p, '\n', (size_t)(end - p));
        line_end = nl ? nl : end;
        if (line_end == p) continue;
        sp_sql_sbuf path = {0}, action = {0};
        ok = parse_status(p, line_end, &path, &action);
        if (ok)
            apply(ps, local_path(sp_sql_sbuf_str(&path)), sp_sql_sbuf_str(&action));
        else
            sp_sink_errf(errstr, errstr_size, "%s, line %d: not a SinkFileStatus JSON object", file,
                         line);
        sp_sql_sbuf_free(&path);
        sp_sql_sbuf_free(&action);
    }
    free(buf);
    return ok;
}

int sp_file_sink_committed_files(const char *sink_dir, char ***out, char *errstr,
                                 size_t errstr_size)
{
    sp_fsl_entry *e;
    *out = NULL;
    int n = sp_fsl_list(sink_dir, &e);
    if (n < 0) {
        sp_sink_errf(errstr, errstr_size, "cannot list %s/_spark_metadata: %s", sink_dir,
                     strerror(errno));
        return -1;
    }
    /* A compacted entry holds every file up to it: start there. */
    int from = 0;
    for (int i = 0; i < n; i++)
        if (e[i].compact) from = i;
    paths ps = {0};
    bool ok = true;
    for (int i = from; ok && i < n; i++) {
        char file[4400];
        snprintf(file, sizeof file, "%s/_spark_metadata/%" PRId64 "%s", sink_dir, e[i].id,
                 e[i].compact ? ".compact" : "");
        ok = read_entry(file, &ps, errstr, errstr_size);
    }
    free(e);
    if (!ok) {
        sp_file_sink_paths_free(ps.v, ps.n);
        return -1;
    }
    *out = ps.v;
    return ps.n;
}

void sp_file_sink_paths_free(char **paths, int n)
{
    for (int i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

bool sp_file_sink_has_log(const char *dir)
{
    char p[4200];
    struct stat st;
    snprintf(p, sizeof p, "%s/_spark_metadata", dir);
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}
