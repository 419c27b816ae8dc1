/* cmd_config.c - `spate config --markdown`: the configuration table, as
 * docs/configuration.md holds it (generated from src/base/conf_table.c). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/conf.h"
#include "cli/cli.h"

static void config_usage(FILE *out)
{
    fprintf(out, "usage: spate config --markdown\n"
                 "  prints every configuration option (name, type, default, range, doc)\n"
                 "  as the Markdown table of docs/configuration.md\n");
}

int sp_cmd_config(int argc, char **argv)
{
    bool markdown = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--markdown")) {
            markdown = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            config_usage(stdout);
            return SP_EXIT_OK;
        } else {
            fprintf(stderr, "spate config: unknown option '%s'\n", argv[i]);
            config_usage(stderr);
            return SP_EXIT_USAGE;
        }
    }
    if (!markdown) {
        fprintf(stderr, "spate config: say which format: --markdown\n");
        config_usage(stderr);
        return SP_EXIT_USAGE;
    }
    sp_conf_write_markdown(stdout);
    if (fflush(stdout) != 0) {
        perror("spate config: stdout");
        return SP_EXIT_FAIL;
    }
    return SP_EXIT_OK;
}
