/* gen_args.h - option values of the `spate gen` commands. A bad value is
 * reported on stderr as "<cmd>: <opt> expects <what>, got '<value>'" and
 * the parser returns -1; 0 otherwise. */
#ifndef SP_GEN_ARGS_H
#define SP_GEN_ARGS_H

#include <stdint.h>

#include <stdbool.h>

/* Applies option name (one of those that take a value) = val; 0 or -1
 * after a message. */
typedef int (*sp_gen_apply_fn)(void *ud, const char *name, const char *val);

/* Parses argv[1..]: --help / -h (returns 1), --quiet (sets *quiet), and
 * --name VALUE or --name=VALUE for the names in with_value (NULL-ended),
 * each handed to apply. Anything else is an error naming it. Returns 0, 1,
 * or -1 after a message. */
int sp_gen_parse_args(const char *cmd, const char *const *with_value, int argc, char **argv,
                      bool *quiet, sp_gen_apply_fn apply, void *ud);
int sp_gen_bad_value(const char *cmd, const char *opt, const char *val, const char *expect);
/* A whole number from min to max, digits only. */
int sp_gen_parse_u64(const char *cmd, const char *opt, const char *val, uint64_t min, uint64_t max,
                     uint64_t *out);
/* "N" or "N/s": per second, above 0 and at most 1e9; expect is the message's
 * "expects ..." part. */
int sp_gen_parse_rate(const char *cmd, const char *opt, const char *val, const char *expect,
                      double *out);

#endif
