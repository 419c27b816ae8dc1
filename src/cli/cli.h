/* cli.h - the subcommands of the spate command. Each takes the arguments
 * from its own name on (argv[0] is "gen", "config"...) and returns the
 * process exit status: 0 ok, 1 a failure while running, 2 a usage error
 * (unknown command or option, a bad value), always with a message on stderr. */
#ifndef SP_CLI_H
#define SP_CLI_H

enum { SP_EXIT_OK = 0, SP_EXIT_FAIL = 1, SP_EXIT_USAGE = 2 };

/* spate gen orders [--count N] [--seed S] [--malformed F] [--out DIR ...] */
int sp_cmd_gen(int argc, char **argv);
/* spate config --markdown */
int sp_cmd_config(int argc, char **argv);
/* spate kafka-mock [--brokers N] [--topic NAME[:P]] ... [--bootstrap-file F]:
 * serves until SIGTERM/SIGINT. */
int sp_cmd_kafka_mock(int argc, char **argv);

/* spate sql [--conf k=v]... [-d name=value]... [-e STATEMENTS | FILE]: runs
 * SQL statements (${name} replaced by -d's value), then
 * waits for the streaming queries they started; no statement: a shell. */
int sp_cmd_sql(int argc, char **argv);

#endif
