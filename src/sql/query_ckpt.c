/* query_ckpt.c - a query's checkpoint location: metadata, offsets/N,
 * commits/N, and what a restart must keep (query_int.h). Query thread. */
#include "sql/query_int.h"

#include "base/arena.h"
#include "base/conf.h"
#include "base/fsutil.h"
#include "base/log.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

enum { LOG_VERSION = 1 };

/* A random (version 4) UUID, lower case. */
static void make_uuid(char out[37])
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (unsigned char)rand();
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* The value of "key":"value" in JSON text we wrote ourselves, into out. */
static bool json_string_field(const char *json, const char *key, char *out, size_t size)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(json, pat);
    if (!p) return false;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= size) return false;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = '\0';
    return true;
}

static spate_err choose_dir(sp_query *q, char *errstr, size_t n)
{
    const sp_query_spec *s = &q->spec;
    const char *root = spate_conf_get(s->conf, "spate.sql.streaming.checkpointLocation");
    if (s->checkpoint && *s->checkpoint) {
        snprintf(q->checkpoint, sizeof q->checkpoint, "%s", s->checkpoint);
    } else if (root && *root) {
        snprintf(q->checkpoint, sizeof q->checkpoint, "%s/%s", root, s->name ? s->name : q->id);
    } else {
        const char *tmp = getenv("TMPDIR"); /* as mkstemp's users do; /tmp otherwise */
        snprintf(q->checkpoint, sizeof q->checkpoint, "%s/temporary-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(q->checkpoint)) {
            snprintf(errstr, n, "cannot make a temporary checkpoint directory: %m");
            return SPATE_ERR_IO;
        }
        q->temp_checkpoint = true;
    }
    if (sp_mkdirs(q->checkpoint) != 0) {
        snprintf(errstr, n, "cannot make the checkpoint directory %s: %m", q->checkpoint);
        return SPATE_ERR_IO;
    }
    return SPATE_OK;
}

/* Reads the query id from <checkpoint>/metadata, or writes a new one. */
static spate_err metadata(sp_query *q, char *errstr, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/metadata", q->checkpoint);
    sp_ckpt_in in;
    spate_err e = sp_ckpt_read_file(path, "metadata", LOG_VERSION, &in, errstr, n);
    if (e == SPATE_OK) {
        spate_arena *a = spate_arena_new();
        const char *json = NULL;
        bool ok =
            sp_ckpt_get_str(&in, a, &json) && json_string_field(json, "id", q->id, sizeof q->id);
        spate_arena_destroy(a);
        sp_ckpt_in_free(&in);
        if (ok) return SPATE_OK;
        snprintf(errstr, n, "%s: the query metadata is damaged (no query id)", path);
        return SPATE_ERR_CORRUPT;
    }
    if (e != SPATE_ERR_NOT_FOUND) return e;
    make_uuid(q->id);
    char json[128];
    snprintf(json, sizeof json, "{\"id\":\"%s\"}", q->id);
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_put_str(&w, json);
    e = sp_ckpt_write_file(path, "metadata", LOG_VERSION, &w, errstr, n);
    sp_ckpt_out_free(&w);
    return e;
}

/* The shuffle partition count: the conf's, unless the checkpoint's latest
 * batch used another, which a query with state cannot change. */
static spate_err shuffle_partitions(sp_query *q, char *errstr, size_t n)
{
    q->nshuffle = (int)sp_conf_i64(q->spec.conf, "spate.sql.shuffle.partitions");
    int64_t latest;
    if (sp_entry_log_latest(&q->offsets, &latest) != SPATE_OK) return SPATE_OK;
    sp_ckpt_in in;
    spate_err e = sp_entry_log_read(&q->offsets, latest, &in, errstr, n);
    if (e != SPATE_OK) return e;
    spate_arena *a = spate_arena_new();
    const char *v = NULL, *meta = NULL;
    char saved[32] = "";
    if (sp_ckpt_get_str(&in, a, &v) && sp_ckpt_get_str(&in, a, &meta))
        json_string_field(meta, "spate.sql.shuffle.partitions", saved, sizeof saved);
    spate_arena_destroy(a);
    sp_ckpt_in_free(&in);
    int old = atoi(saved);
    if (old <= 0 || old == q->nshuffle) return SPATE_OK;
    if (sp_physical_stateful(&q->ph)) {
        snprintf(errstr, n,
                 "Cannot restart the query from checkpoint %s with spate.sql.shuffle.partitions = "
                 "%d: its state was partitioned into %d partitions, a number that cannot change "
                 "for the life of the query's checkpoint.",
                 q->checkpoint, q->nshuffle, old);
        return SPATE_ERR_STATE;
    }
    q->nshuffle = old;
    return SPATE_OK;
}

spate_err sp_query_open_checkpoint(sp_query *q, char *errstr, size_t n)
{
    spate_err e = choose_dir(q, errstr, n);
    if (e == SPATE_OK) e = metadata(q, errstr, n);
    if (e != SPATE_OK) return e;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/offsets", q->checkpoint);
    sp_entry_log_init(&q->offsets, dir, "", "offsets", LOG_VERSION);
    snprintf(dir, sizeof dir, "%s/commits", q->checkpoint);
    sp_entry_log_init(&q->commits, dir, "", "commits", LOG_VERSION);
    /* A commit lost to a power failure only makes the batch run again with
     * the offsets already written (durably): it need not wait for the disk. */
    q->commits.nosync = true;
    /* A temporary checkpoint is removed at stop and never read again. */
    if (q->temp_checkpoint) q->offsets.nosync = true;
    make_uuid(q->run_id);
    return shuffle_partitions(q, errstr, n);
}

spate_err sp_query_write_offsets(sp_query *q, int64_t batch, char *const *end, char *errstr,
                                 size_t n)
{
    char meta[512];
    snprintf(meta, sizeof meta,
             "{\"batchWatermarkMs\":%" PRId64 ",\"batchTimestampMs\":%" PRId64
             ",\"conf\":{\"spate.sql.shuffle.partitions\":\"%d\"}}",
             q->batch_wm_ms, q->batch_time_ms, q->nshuffle);
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_put_str(&w, "v1");
    sp_ckpt_put_str(&w, meta);
    sp_ckpt_put_u64(&w, (uint64_t)q->nsources);
    for (int i = 0; i < q->nsources; i++) {
        sp_ckpt_put_u8(&w, end[i] != NULL);
        sp_ckpt_put_str(&w, end[i] ? end[i] : "");
    }
    /* A batch's offsets are written once; a re-run batch keeps them. */
    spate_err e = sp_entry_log_write(&q->offsets, batch, &w, false, errstr, n);
    sp_ckpt_out_free(&w);
    return e == SPATE_ERR_STATE ? SPATE_OK : e;
}

void sp_query_offsets_clear(char **v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i]);
        v[i] = NULL;
    }
}

spate_err sp_query_read_offsets(sp_query *q, int64_t batch, char **end, char *errstr, size_t n)
{
    for (int i = 0; i < q->nsources; i++)
        end[i] = NULL;
    sp_ckpt_in in;
    spate_err e = sp_entry_log_read(&q->offsets, batch, &in, errstr, n);
    if (e != SPATE_OK) return e;
    spate_arena *a = spate_arena_new();
    const char *v = NULL, *meta = NULL;
    uint64_t nsrc = 0;
    bool ok = sp_ckpt_get_str(&in, a, &v) && sp_ckpt_get_str(&in, a, &meta) &&
              sp_ckpt_get_u64(&in, &nsrc);
    bool same = ok && nsrc == (uint64_t)q->nsources;
    for (int i = 0; same && ok && i < q->nsources; i++) {
        uint8_t present = 0;
        const char *off = NULL;
        ok = sp_ckpt_get_u8(&in, &present) && sp_ckpt_get_str(&in, a, &off);
        if (ok && present) end[i] = sp_xstrdup(off);
    }
    spate_arena_destroy(a);
    sp_ckpt_in_free(&in);
    if (ok && same) return SPATE_OK;
    sp_query_offsets_clear(end, q->nsources);
    sp_entry_log_path(&q->offsets, batch, errstr, n);
    size_t len = strlen(errstr);
    if (ok)
        snprintf(errstr + len, n - len,
                 " has %" PRIu64 " sources but the query reads %d: the checkpoint belongs to "
                 "another query",
                 nsrc, q->nsources);
    else
        snprintf(errstr + len, n - len, ": the offsets entry is damaged");
    return ok ? SPATE_ERR_STATE : SPATE_ERR_CORRUPT;
}

/* The number after "key": in the metadata of entry batch of log l, or -1. */
static int64_t metadata_number(sp_entry_log *l, int64_t batch, const char *key)
{
    sp_ckpt_in in;
    char err[256];
    if (sp_entry_log_read(l, batch, &in, err, sizeof err) != SPATE_OK) return -1;
    spate_arena *a = spate_arena_new();
    const char *v = NULL, *meta = NULL, *p = NULL;
    int64_t x = -1;
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\":", key);
    if (sp_ckpt_get_str(&in, a, &v) && sp_ckpt_get_str(&in, a, &meta) && (p = strstr(meta, quoted)))
        x = strtoll(p + strlen(quoted), NULL, 10);
    spate_arena_destroy(a);
    sp_ckpt_in_free(&in);
    return x;
}

int64_t sp_query_offsets_timestamp(sp_query *q, int64_t batch)
{
    return metadata_number(&q->offsets, batch, "batchTimestampMs");
}

int64_t sp_query_offsets_watermark(sp_query *q, int64_t batch)
{
    int64_t w = metadata_number(&q->offsets, batch, "batchWatermarkMs");
    return w > 0 ? w : 0;
}

int64_t sp_query_commit_watermark(sp_query *q, int64_t batch)
{
    int64_t w = metadata_number(&q->commits, batch, "nextBatchWatermarkMs");
    return w > 0 ? w : 0;
}

spate_err sp_query_write_commit(sp_query *q, int64_t batch, char *errstr, size_t n)
{
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_put_str(&w, "v1");
    char meta[64];
    snprintf(meta, sizeof meta, "{\"nextBatchWatermarkMs\":%" PRId64 "}", q->wm.global_ms);
    sp_ckpt_put_str(&w, meta);
    spate_err e = sp_entry_log_write(&q->commits, batch, &w, true, errstr, n);
    sp_ckpt_out_free(&w);
    return e;
}

void sp_query_purge(sp_query *q)
{
    int64_t keep = sp_conf_i64(q->spec.conf, "spate.sql.streaming.minBatchesToRetain");
    int64_t below = q->next_batch - keep;
    if (below <= 0) return;
    sp_entry_log_purge(&q->offsets, below);
    sp_entry_log_purge(&q->commits, below);
}
