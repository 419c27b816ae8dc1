/* ckpt_data.c - data checkpoints: one file per stateful stream and
 * checkpoint time, <dir>/state/<stream id>/<ms>.full or .delta, of kind
 * "state", holding what the stream's save_state hook wrote. */
#include "stream/ckpt/ckpt_int.h"

#include "base/errbuf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char KIND[] = "state";
enum { STATE_VERSION = 1 };

void sp_ckpt_state_path(char *buf, size_t size, const char *dir, int stream, int64_t t, bool full)
{
    snprintf(buf, size, "%s/state/%d/%lld.%s", dir, stream, (long long)t, full ? "full" : "delta");
}

static spate_err make_dir(const char *path, char *errstr, size_t errstr_size)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST) return SPATE_OK;
    sp_errf(errstr, errstr_size, "cannot create checkpoint directory %s: %s", path,
            strerror(errno));
    return SPATE_ERR_IO;
}

static spate_err make_stream_dir(const char *dir, int stream, char *errstr, size_t errstr_size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/state", dir);
    spate_err err = make_dir(path, errstr, errstr_size);
    if (err) return err;
    snprintf(path, sizeof path, "%s/state/%d", dir, stream);
    return make_dir(path, errstr, errstr_size);
}

spate_err sp_ckpt_state_write(const char *dir, const sp_ckpt_member *m, int64_t t, bool full,
                              char *errstr, size_t errstr_size)
{
    spate_err err = make_stream_dir(dir, m->id, errstr, errstr_size);
    if (err) return err;
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    err = m->save_state(m->self, t, full, &w);
    if (err) {
        sp_errf(errstr, errstr_size, "%s (stream %d) failed to save its state for time %lld ms: %s",
                m->name, m->id, (long long)t, spate_err_str(err));
    } else {
        char path[4096];
        sp_ckpt_state_path(path, sizeof path, dir, m->id, t, full);
        err = sp_ckpt_write_file(path, KIND, STATE_VERSION, &w, errstr, errstr_size);
    }
    sp_ckpt_out_free(&w);
    return err;
}

static spate_err load_one(const char *path, const sp_ckpt_member *m, const sp_ckpt_file *f,
                          char *errstr, size_t errstr_size)
{
    sp_ckpt_in in;
    spate_err err = sp_ckpt_read_file(path, KIND, STATE_VERSION, &in, errstr, errstr_size);
    if (err == SPATE_ERR_NOT_FOUND) {
        sp_errf(errstr, errstr_size,
                "state file %s named by the metadata checkpoint is missing: the checkpoint "
                "directory is incomplete",
                path);
        return SPATE_ERR_CORRUPT;
    }
    if (err) return err;
    err = m->load_state(m->self, f->time, f->full, &in);
    if (!err && !sp_ckpt_in_done(&in)) err = SPATE_ERR_CORRUPT;
    if (err)
        sp_errf(errstr, errstr_size,
                "corrupt checkpoint file %s: %s (stream %d) could not load it (%s, %s at byte %zu "
                "of %zu)",
                path, m->name, m->id, spate_err_str(err),
                in.bad            ? "malformed"
                : in.pos < in.len ? "bytes left over"
                                  : "rejected",
                in.pos, in.len);
    sp_ckpt_in_free(&in);
    return err ? SPATE_ERR_CORRUPT : SPATE_OK;
}

spate_err sp_ckpt_state_load(const char *dir, const sp_ckpt_member *m, const sp_ckpt_chain *chain,
                             char *errstr, size_t errstr_size)
{
    if (chain->n > 0 && !chain->v[0].full) {
        sp_errf(errstr, errstr_size,
                "corrupt metadata checkpoint in %s: the state of stream %d does not start with a "
                "full snapshot",
                dir, m->id);
        return SPATE_ERR_CORRUPT;
    }
    for (int i = 0; i < chain->n; i++) {
        char path[4096];
        sp_ckpt_state_path(path, sizeof path, dir, m->id, chain->v[i].time, chain->v[i].full);
        spate_err err = load_one(path, m, &chain->v[i], errstr, errstr_size);
        if (err) return err;
    }
    return SPATE_OK;
}

/* The time of a state file name <ms>.full|.delta, or -1. */
static int64_t state_time(const char *name)
{
    int64_t t = 0;
    const char *p = name;
    for (; *p >= '0' && *p <= '9' && t <= (INT64_MAX - 9) / 10; p++)
        t = t * 10 + (*p - '0');
    if (p == name || (strcmp(p, ".full") != 0 && strcmp(p, ".delta") != 0)) return -1;
    return t;
}

void sp_ckpt_state_prune(const char *dir, int stream, int64_t before)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/state/%d", dir, stream);
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        int64_t t = state_time(de->d_name);
        if (t < 0 || t >= before) continue;
        char file[4400];
        snprintf(file, sizeof file, "%s/%s", path, de->d_name);
        unlink(file);
    }
    closedir(d);
}
