/* gen_args.c - option values of the `spate gen` commands (gen_args.h). */
#include "cli/gen_args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sp_gen_bad_value(const char *cmd, const char *opt, const char *val, const char *expect)
{
    fprintf(stderr, "%s: %s expects %s, got '%s'\n", cmd, opt, expect, val);
    return -1;
}

int sp_gen_parse_u64(const char *cmd, const char *opt, const char *val, uint64_t min, uint64_t max,
                     uint64_t *out)
{
    char expect[96];
    snprintf(expect, sizeof expect, "a whole number from %llu to %llu", (unsigned long long)min,
             (unsigned long long)max);
    uint64_t v = 0;
    if (!*val) return sp_gen_bad_value(cmd, opt, val, expect);
    for (const char *p = val; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (d > 9 || v > (UINT64_MAX - d) / 10) return sp_gen_bad_value(cmd, opt, val, expect);
        v = v * 10 + d;
    }
    if (v < min || v > max) return sp_gen_bad_value(cmd, opt, val, expect);
    *out = v;
    return 0;
}

int sp_gen_parse_rate(const char *cmd, const char *opt, const char *val, const char *expect,
                      double *out)
{
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    if (end != val && !strcmp(end, "/s")) end += 2;
    if (!*val || *end || errno || !isfinite(v) || v <= 0 || v > 1e9)
        return sp_gen_bad_value(cmd, opt, val, expect);
    *out = v;
    return 0;
}

static bool takes_value(const char *const *names, const char *name)
{
    for (; *names; names++)
        if (!strcmp(name, *names)) return true;
    return false;
}

int sp_gen_parse_args(const char *cmd, const char *const *with_value, int argc, char **argv,
                      bool *quiet, sp_gen_apply_fn apply, void *ud)
{
    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *arg = argv[i], *eq = strchr(arg, '=');
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) return 1;
        if (!strcmp(arg, "--quiet")) {
            *quiet = true;
            continue;
        }
        size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), arg);
        if (strncmp(arg, "--", 2) != 0 || !takes_value(with_value, name)) {
            fprintf(stderr, "%s: unknown %s '%s' (try '%s --help')\n", cmd,
                    strncmp(arg, "--", 2) ? "argument" : "option", arg, cmd);
            return -1;
        }
        if (!eq && i + 1 >= argc) {
            fprintf(stderr, "%s: option '%s' needs a value\n", cmd, name);
            return -1;
        }
        if (apply(ud, name, eq ? eq + 1 : argv[++i]) != 0) return -1;
    }
    return 0;
}
