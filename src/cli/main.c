/* main.c - the spate command: finds the subcommand and hands it its arguments.
 * The subcommands live in cmd_<name>.c; this file only dispatches. */
#include <spate/spate.h>

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const command commands[] = {
    {"gen", sp_cmd_gen, "generate test data: spate gen orders [--count N] [--seed S] ..."},
    {"kafka-mock", sp_cmd_kafka_mock,
     "a Kafka-protocol broker for tests: spate kafka-mock [--brokers N] [--topic T:P] ..."},
    {"sql", sp_cmd_sql,
     "run Spark SQL statements and streaming queries: spate sql [--conf k=v] [-e SQL | FILE]"},
    {"config", sp_cmd_config, "print the configuration options: spate config --markdown"},
    {"version", cmd_version, "print the version"},
    {"help", cmd_help, "print this help"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: spate <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'spate <command> --help' describes a command's options.\n");
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "spate version: unexpected argument '%s'\n", argv[1]);
        return SP_EXIT_USAGE;
    }
    printf("spate %s\n", SPATE_VERSION_STRING);
    return SP_EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    usage(stdout);
    return SP_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SP_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h")) name = "help";
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) name = "version";
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(name, commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "spate: unknown command '%s' (try 'spate help')\n", argv[1]);
    return SP_EXIT_USAGE;
}
