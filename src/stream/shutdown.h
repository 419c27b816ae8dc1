/* shutdown.h - spate.streaming.stopGracefullyOnShutdown: SIGTERM or SIGINT
 * stops the active context gracefully, as Spark's shutdown hook
 * (StreamingContext.stopOnShutdown) does when the option is true.
 *
 * The handlers only write the signal's number to a pipe (async-signal-safe);
 * a watcher thread reads it, puts the previous handlers back (a second signal
 * then acts as it did before the context started: by default it kills) and
 * calls spate_ctx_stop(ctx, false, true). The program's awaitTermination then
 * returns SPATE_OK and the program ends normally.
 *
 * Without the option nothing is installed: a signal does what the program set
 * up for it (by default the process ends at once, unprocessed data is lost,
 * as with stop(stopGracefully = false)). */
#ifndef SP_SHUTDOWN_H
#define SP_SHUTDOWN_H

#include <spate/stream.h>

/* spate_ctx_start, program thread, once the context is active: when the
 * option is true, saves the current SIGTERM and SIGINT handlers, installs
 * spate's and starts the watcher. Signal handlers belong to the process, so
 * one context at a time: while another context holds them, a warning is
 * logged and nothing is installed. */
void sp_shutdown_install(spate_ctx *ctx);

/* spate_ctx_stop, once ctx is STOPPED (any thread, the watcher included):
 * restores the saved handlers if they are still spate's and ends the
 * watcher. Does not touch *ctx (the program may free it as soon as it sees
 * the context stopped). Nothing to do when ctx installed nothing. */
void sp_shutdown_uninstall(spate_ctx *ctx);

#endif
