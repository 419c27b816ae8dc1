/* gen_args.h - option values of the `spate gen` commands. A bad value is
 * reported on stderr as "<cmd>: <opt> expects <what>, got '<value>'" and
 * the parser returns -1; 0 otherwise. */
#ifndef SP_GEN_ARGS_H
#define SP_GEN_ARGS_H

#include <stdint.h>

int sp_gen_bad_value(const char *cmd, const char *opt, const char *val, const char *expect);
/* A whole number from min to max, digits only. */
int sp_gen_parse_u64(const char *cmd, const char *opt, const char *val, uint64_t min, uint64_t max,
                     uint64_t *out);
/* "N" or "N/s": per second, above 0 and at most 1e9; expect is the message's
 * "expects ..." part. */
int sp_gen_parse_rate(const char *cmd, const char *opt, const char *val, const char *expect,
                      double *out);

#endif
