/* gen_nexmark.h - `spate gen nexmark`: Nexmark events (connect/nexmark_gen.h)
 * as JSON lines to stdout, to files dropped into a directory, or to a Kafka
 * topic. */
#ifndef SP_GEN_NEXMARK_H
#define SP_GEN_NEXMARK_H

#include <stdio.h>

/* Runs `spate gen nexmark ...`: argv[0] is "nexmark". Returns the exit
 * status (cli.h: 0 ok, 1 failed while running, 2 usage), with a message on
 * stderr when not 0. Main thread. */
int sp_gen_nexmark_main(int argc, char **argv);
/* The usage text of `spate gen nexmark`. */
void sp_gen_nexmark_usage(FILE *out);

#endif
