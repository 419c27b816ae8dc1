/* ckpt_int.h - the checkpoint writer's state and the pieces shared by the
 * files of src/ckpt/ (ckpt_writer.c, ckpt_data.c, ckpt_recover.c,
 * fingerprint.c). */
#ifndef SP_CKPT_INT_H
#define SP_CKPT_INT_H

#include "stream/ckpt/ckpt.h"
#include "stream/ckpt/ckpt_meta.h"
#include "stream/ctx_impl.h"

/* A metadata file written by this process and the oldest state file it
 * names: state files older than every kept metadata file's are deleted. */
typedef struct sp_ckpt_written {
    int64_t time, oldest_state;
} sp_ckpt_written;

struct sp_ckpt {
    char *dir;
    /* Guards meta and the writes: metadata is written by the generator and
     * the job thread. */
    pthread_mutex_t mu;
    sp_ckpt_meta meta; /* what the next metadata file holds */
    bool recovered;    /* restored by spate_ctx_get_or_create */
    bool started;
    int64_t data_interval; /* 0 without stateful streams */
    int64_t snapshot_every;
    spate_duration remember; /* the graph's longest remember duration */
    sp_ckpt_written written[SP_CKPT_KEEP_METADATA];
    int nwritten;
    int64_t state_pruned_before;
    /* What is checkpointed (sp_graph_ckpt_members), taken at recovery and
     * again at start; never changes after start. */
    sp_ckpt_member *members;
    int nmembers;
};

/* Members whose state is checkpointed: those with a save_state hook (state
 * stores, inverse windows, and plain windows, whose slices of the batches
 * before the restart point are not recomputed). needs_directory only says
 * that a checkpoint directory is required. */
static inline bool sp_ckpt_is_stateful(const sp_ckpt_member *m) { return m->save_state != NULL; }
/* (Re)reads the graph's members into c (program thread). */
void sp_ckpt_take_members(sp_ckpt *c, spate_ctx *ctx);
/* The member with that id, or NULL. */
sp_ckpt_member *sp_ckpt_member_by_id(sp_ckpt *c, int id);
/* Spark's default checkpoint interval: the smallest multiple of slide >= 10 s. */
spate_duration sp_ckpt_default_interval(spate_duration slide);

/* ---- ckpt_data.c: state files <dir>/state/<stream id>/<ms>.full|.delta ---- */
void sp_ckpt_state_path(char *buf, size_t size, const char *dir, int stream, int64_t t, bool full);
/* save_state(m, t, full) into its file. */
spate_err sp_ckpt_state_write(const char *dir, const sp_ckpt_member *m, int64_t t, bool full,
                              char *errstr, size_t errstr_size);
/* load_state for each file of the chain, in order; a missing or damaged file
 * is SPATE_ERR_CORRUPT naming it. */
spate_err sp_ckpt_state_load(const char *dir, const sp_ckpt_member *m, const sp_ckpt_chain *chain,
                             char *errstr, size_t errstr_size);
/* Deletes the state files of stream older than before. */
void sp_ckpt_state_prune(const char *dir, int stream, int64_t before);

/* ---- fingerprint.c -------------------------------------------------------- */
uint64_t sp_ckpt_fingerprint(const char *description);
/* Writes where two descriptions first differ ("stream 2: checkpoint has
 * ..., setup defined ..."). */
void sp_ckpt_graph_diff(const char *ckpt, const char *now, char *buf, size_t size);

/* ---- ckpt_writer.c -------------------------------------------------------- */
sp_ckpt *sp_ckpt_new(const char *dir);
/* The oldest state file m names (INT64_MAX when none). */
int64_t sp_ckpt_oldest_state(const sp_ckpt_meta *m);
/* Records that the metadata file of `time` names state files from `oldest`
 * on: state files are kept while a kept metadata file names them. */
void sp_ckpt_note_written(sp_ckpt *c, int64_t time, int64_t oldest);
/* The conf keys whose value differs from the default, and the free-form ones. */
void sp_ckpt_capture_conf(const spate_conf *conf, sp_ckpt_meta *m);

#endif
