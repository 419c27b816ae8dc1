/* example_args.h - command-line and run helpers shared by the example programs. */
#ifndef EXAMPLE_ARGS_H
#define EXAMPLE_ARGS_H

#include <spate/spate.h>

#include <stdio.h>

/* Parses a positive duration given to option opt ("--batch"). Returns 0, or
 * 2 (the usage exit status) after printing why to stderr. */
static inline int ex_parse_duration(const char *prog, const char *opt, const char *text,
                                    spate_duration *out)
{
    char err[256];
    if (spate_duration_parse(text, out, err, sizeof err) != SPATE_OK) {
        fprintf(stderr, "%s: %s: %s\n", prog, opt, err);
        return 2;
    }
    if (*out <= 0) {
        fprintf(stderr, "%s: %s must be positive, got '%s'\n", prog, opt, text);
        return 2;
    }
    return 0;
}

/* Waits until a signal stops the context (spate.streaming.stopGracefullyOnShutdown):
 * 0, or until a batch fails: 1, after printing why and stopping. */
static inline int ex_run_until_stopped(const char *prog, spate_ctx *ssc)
{
    if (spate_ctx_await_termination(ssc) == SPATE_OK) return 0;
    fprintf(stderr, "%s: %s\n", prog, spate_ctx_last_error(ssc));
    spate_ctx_stop(ssc, true, false);
    return 1;
}

#endif
