/* receiver_wal_int.h - the receiver write-ahead log's state, shared by
 * receiver_wal.c (logging, allocation, cleanup, checkpoint hooks) and
 * receiver_wal_replay.c (reading the log again at start). */
#ifndef SP_RECEIVER_WAL_INT_H
#define SP_RECEIVER_WAL_INT_H

#include "stream/inputs/receiver_wal.h"
#include "logs/wal.h"

#include <pthread.h>

#define WAL_COMPONENT "WriteAheadLogBasedBlockHandler"

enum { REC_DATA = 1, REC_ALLOC = 2, REC_DONE = 3 };
enum { WAL_MSG = 4096 + 512 }; /* room for a path and what happened to it */

/* Records [from, to) by seq. */
typedef struct sp_seq_range {
    uint64_t from, to;
} sp_seq_range;

typedef struct sp_ranges {
    sp_seq_range *v;
    int n, cap;
} sp_ranges;

/* Adds seq, extending the last range when it follows it. */
void sp_ranges_add(sp_ranges *r, uint64_t seq);
void sp_ranges_push(sp_ranges *r, sp_seq_range x);
bool sp_ranges_contain(const sp_ranges *r, uint64_t seq);
bool sp_ranges_overlap(const sp_ranges *r, uint64_t lo, uint64_t hi); /* [lo, hi] */
uint64_t sp_ranges_count(const sp_ranges *r);
void sp_ranges_free(sp_ranges *r);
void sp_ranges_put(sp_ckpt_out *w, const sp_ranges *r);
bool sp_ranges_get(sp_ckpt_in *in, sp_ranges *r);

/* One batch's allocation. */
typedef struct sp_alloc {
    uint64_t id;
    int64_t t;
    sp_ranges ranges;
    bool done;       /* the batch completed (now or in an earlier run) */
    bool earlier;    /* completed in an earlier run: nothing keeps its records */
    bool superseded; /* its records went to a later allocation */
} sp_alloc;

/* A batch recovery runs again, and the records it takes. */
typedef struct sp_restored {
    int64_t t;
    sp_ranges ranges;
    uint64_t alloc_id; /* its allocation in the log, 0 when not found */
    sp_scope *scope;   /* owns the values (NULL once taken) */
    spate_value *vals;
    size_t n, cap;
    bool taken;
} sp_restored;

/* What one log file holds: data records with seq in [lo, hi]. */
typedef struct sp_wal_file_info {
    uint64_t num;
    uint64_t lo, hi;
    bool has_data;
} sp_wal_file_info;

struct sp_rwal {
    spate_stream *s;
    spate_ctx *ctx;
    sp_wal *log;
    pthread_mutex_t mu;
    uint64_t next_seq, next_alloc;
    sp_ranges live; /* stored, not yet taken by a batch */
    sp_alloc *allocs;
    int nallocs, allocs_cap;
    sp_restored *rest;
    int nrest, rest_cap;
    sp_wal_file_info *files;
    int nfiles, files_cap;
    bool has_mark;       /* load_position was called */
    uint64_t mark;       /* allocations <= mark are known to the checkpoint */
    uint64_t saved_mark; /* the last allocation when the last batch was saved */
    uint64_t last_pos;   /* log position of the last data record */
    int64_t keep_ms;     /* retention window */
    sp_ckpt_out buf;     /* record encoding, under mu */
};

/* mu held: a new allocation entry (zeroed but for id and t). */
sp_alloc *sp_rwal_add_alloc(sp_rwal *w, uint64_t id, int64_t t);
/* mu held: notes that file num holds data record seq. */
void sp_rwal_note_data(sp_rwal *w, uint64_t num, uint64_t seq);
/* mu held: deletes the oldest files whose records are all out of use. */
void sp_rwal_cleanup(sp_rwal *w, int64_t horizon);
/* Reports a log failure as the context's error. */
void sp_rwal_fail(sp_rwal *w, spate_err err, const char *msg);

/* receiver_wal_replay.c: reads the log at start (mu held). */
spate_err sp_rwal_replay(sp_rwal *w, sp_rwal_load_fn load, void *ud);

#endif
