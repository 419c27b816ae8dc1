/* example_args.h - command-line helpers shared by the example programs. */
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

#endif
