/* shutdown.h - spate.streaming.stopGracefullyOnShutdown: SIGTERM or SIGINT
 * stops the contexts that asked for it gracefully, as Spark's shutdown hook
 * (StreamingContext.stopOnShutdown, one hook per context) does when the
 * option is true.
 *
 * A registry of contexts, process-wide: one set of handlers is installed
 * while at least one context is registered, and forwards the signal to all of
 * them. The handlers only write the signal's number to a pipe
 * (async-signal-safe); a watcher thread (one per process, started with the
 * first registration) reads it, puts the previous handlers back (a second
 * signal then acts as it did before: by default it kills) and calls
 * spate_ctx_stop(ctx, false, true) for every context registered when the
 * signal came, one after the other (Spark runs its shutdown hooks in turn).
 * Each program's awaitTermination then returns SPATE_OK.
 *
 * Without the option nothing is registered: a signal does what the program
 * set up for it (by default the process ends at once, unprocessed data is
 * lost, as with stop(stopGracefully = false)). */
#ifndef SP_SHUTDOWN_H
#define SP_SHUTDOWN_H

#include <spate/stream.h>

/* spate_ctx_start, program thread, once the context is active: when the
 * option is true, registers ctx; the first registration saves the current
 * SIGTERM and SIGINT handlers and installs spate's. */
void sp_shutdown_install(spate_ctx *ctx);

/* Unregisters ctx (nothing when it is not registered); the last one out puts
 * the saved handlers back. Called by spate_ctx_stop once ctx is STOPPED (any
 * thread, the watcher included) and by spate_ctx_destroy, where it also waits
 * until the watcher no longer uses ctx (it may still be returning from its
 * stop of ctx). Does not touch *ctx. */
void sp_shutdown_uninstall(spate_ctx *ctx);

#endif
