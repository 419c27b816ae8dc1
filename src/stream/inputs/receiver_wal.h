/* receiver_wal.h - the receivers' write-ahead log
 * (spate.streaming.receiver.writeAheadLog.enable; Spark's
 * WriteAheadLogBasedBlockHandler together with the part of its
 * ReceivedBlockTracker that knows which batch took which block).
 *
 * Each receiver stream logs into <checkpoint dir>/receivedData/<stream id>/
 * (wal.h) three kinds of records:
 *   DATA  (seq, value)        one per store(), durable before store returns;
 *   ALLOC (id, t, seq ranges) batch t took these records: written and synced
 *                             in compute(t), before the batch is queued and
 *                             before the metadata checkpoint names it; the
 *                             file is then closed (one file per batch);
 *   DONE  (id)                batch t completed (job thread).
 * Seq and allocation ids grow across restarts.
 *
 * At start the log is read again: records no allocation took (stored, then a
 * crash or an immediate stop) and allocations nobody will run again go to
 * the next batch, in log order; each record exactly once:
 *   - on a context recovered from a checkpoint, allocations up to the
 *     position saved in its metadata (save_position: the last allocation
 *     made when the newest batch was checkpointed) are known to the
 *     checkpoint - re-run through restore_batch_input when pending, done
 *     otherwise; later ones (a crash between the allocation and the
 *     checkpoint) go to the next batch;
 *   - on a new context over an old directory, allocations without DONE go to
 *     the next batch.
 * restore_batch_input(t) makes compute(t) take exactly the saved ranges again.
 *
 * Cleanup: a log file is deleted once every record in it belongs to a batch
 * that completed and left the retention window - the graph's remember
 * duration plus the data checkpoint interval, so that every batch a recovery
 * may run again (those after the last data checkpoint, and the window inputs
 * before them) still finds its records (Spark: cleanup after the remember
 * window).
 *
 * A log damaged in the middle of a record keeps the records before the
 * damage; a torn last record (a write a crash cut short, never acknowledged)
 * is logged as a warning, other damage is reported as the context's error
 * with the file's name.
 *
 * Threads: new/free on the program thread; save/restore hooks as
 * sp_stream_ops says; append under the receiver's lock on the storing
 * thread; sync without it; allocate and take_restored on the generator
 * thread; completion on the job thread. State is under an internal lock. */
#ifndef SP_RECEIVER_WAL_H
#define SP_RECEIVER_WAL_H

#include "logs/ckpt_io.h"
#include "exec/scope.h"
#include "stream/dstream_int.h"

typedef struct sp_rwal sp_rwal;

/* The log of receiver stream s, or NULL when the option is off. */
sp_rwal *sp_rwal_new(spate_stream *s);
void sp_rwal_free(sp_rwal *w);

/* Hands a record to be processed in the next batch to the receiver's block
 * (the value is valid during the call only). */
typedef void (*sp_rwal_load_fn)(spate_value v, void *ud);

/* ops->start, before the receiver runs: opens the log (Spark's error when
 * the context has no checkpoint directory: SPATE_ERR_INVALID_ARG, message in
 * the context's error), reads it, loads the records for the next batch with
 * load, keeps the restored batches' records for compute. */
spate_err sp_rwal_start(sp_rwal *w, sp_rwal_load_fn load, void *ud);

/* store, receiver lock held (so the log's order is the block's): logs v.
 * *pos (0 when nothing was written) goes to sp_rwal_sync. Failures are
 * reported as the context's error. */
void sp_rwal_append(sp_rwal *w, spate_value v, uint64_t *pos);
/* store, receiver lock released: returns once the record is on disk. */
void sp_rwal_sync(sp_rwal *w, uint64_t pos);

/* compute(t), receiver lock held, the block of n records just taken: logs
 * that batch t took them and makes it durable. */
void sp_rwal_allocate(sp_rwal *w, int64_t t, size_t n);
/* compute(t), before the block: when t is a restored batch, gives its records
 * (a scope owning them and a malloc'd vector, both the caller's) and true. */
bool sp_rwal_take_restored(sp_rwal *w, int64_t t, sp_scope **scope, spate_value **vals, size_t *n);

/* The checkpoint hooks (sp_stream_ops). w may be NULL (log off): then
 * nothing is taken again, but the records stay readable. */
void sp_rwal_save_batch(sp_rwal *w, int64_t t, sp_ckpt_out *out);
spate_err sp_rwal_restore_batch(sp_rwal *w, int64_t t, sp_ckpt_in *in);
void sp_rwal_save_position(sp_rwal *w, sp_ckpt_out *out);
spate_err sp_rwal_load_position(sp_rwal *w, sp_ckpt_in *in);

/* For tests: the log position of the last record stored and the position
 * known durable (synced >= logged once store has returned). */
void sp_rwal_counts(sp_rwal *w, uint64_t *logged, uint64_t *synced);

#endif
