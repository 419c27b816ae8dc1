/* state_ckpt.h - the checkpoint record of a stateful stream's stores.
 *
 * Body (sp_ckpt_* records):
 *   u8  format version (1)
 *   u8  1 = full snapshot, 0 = delta
 *   u64 number of removed keys, then each key          (deltas only; 0 in full)
 *   u64 number of entries, then each (key, state, i64 update time)
 * A full snapshot holds every live entry; a delta the entries inserted or
 * changed and the keys removed since the previous save. Loading places each
 * key by the stream's partitioner (not by the partition it was saved from),
 * applies the removals first, then the entries.
 *
 * Job thread (or before start), with no task using the stores. */
#ifndef SP_STATE_CKPT_H
#define SP_STATE_CKPT_H

#include <spate/core.h>

#include "logs/ckpt_io.h"
#include "state/state_store.h"

/* Writes stores[0..n) (everything when full, else the changes) and marks
 * them clean. */
void sp_state_save(sp_state_store **stores, int n, bool full, sp_ckpt_out *w);

/* The partition of key in [0, n), or -1 when the partitioner gives none. */
typedef int (*sp_state_place_fn)(spate_value key, void *ud);

/* Applies one saved record: a full one replaces the stores' contents, a
 * delta changes them. The stores are clean afterwards (their contents are in
 * the checkpoint) and time-ordered stores relinked. SPATE_ERR_CORRUPT with a
 * message in errstr when the record is damaged or is not the kind asked for;
 * the stores may then hold part of it. */
spate_err sp_state_load(sp_state_store **stores, int n, bool full, sp_ckpt_in *r,
                        sp_state_place_fn place, void *ud, char *errstr, size_t errstr_size);

#endif
