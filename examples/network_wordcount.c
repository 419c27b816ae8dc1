/* network_wordcount.c - Spark's NetworkWordCount example in spate.
 *
 * Counts words in UTF-8 text received from the network every second:
 *
 *   nc -lk 9999                                  # in one terminal, then type
 *   build/examples/network_wordcount localhost 9999
 *
 * The Scala original:
 *   val ssc = new StreamingContext(sparkConf, Seconds(1))
 *   val lines = ssc.socketTextStream(args(0), args(1).toInt)
 *   val words = lines.flatMap(_.split(" "))
 *   val wordCounts = words.map(x => (x, 1)).reduceByKey(_ + _)
 *   wordCounts.print()
 *   ssc.start()
 *   ssc.awaitTermination()
 *
 * SIGINT or SIGTERM stops it gracefully (the data received so far is
 * processed) and it exits 0. Options: --batch DURATION (default 1s),
 * --master local[N]. */
#include <spate/spate.h>

#include "example_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "Usage: network_wordcount <hostname> <port> [--batch DURATION] "
                    "[--master local[N]]\n");
    return 2;
}

typedef struct args {
    const char *host;
    int port;
    spate_duration batch;
    const char *master;
} args;

static int parse_args(int argc, char **argv, args *a)
{
    char err[256], *end;
    if (argc < 3 || (argc - 3) % 2 != 0) return usage();
    a->host = argv[1];
    long port = strtol(argv[2], &end, 10);
    if (!*argv[2] || *end || port < 1 || port > 65535) {
        fprintf(stderr, "network_wordcount: bad port '%s' (1..65535)\n", argv[2]);
        return 2;
    }
    a->port = (int)port;
    for (int i = 3; i < argc; i += 2) {
        if (!strcmp(argv[i], "--batch")) {
            if (spate_duration_parse(argv[i + 1], &a->batch, err, sizeof err) != SPATE_OK) {
                fprintf(stderr, "network_wordcount: --batch: %s\n", err);
                return 2;
            }
        } else if (!strcmp(argv[i], "--master")) {
            a->master = argv[i + 1];
        } else {
            fprintf(stderr, "network_wordcount: unknown option '%s'\n", argv[i]);
            return usage();
        }
    }
    return 0;
}

static spate_ctx *make_context(const args *a)
{
    char err[256];
    spate_conf *conf = spate_conf_new();
    /* SIGINT/SIGTERM stop the context gracefully, as a Spark program asks. */
    if (spate_conf_set(conf, "spate.streaming.stopGracefullyOnShutdown", "true", err, sizeof err) !=
            0 ||
        (a->master && spate_conf_set(conf, "spate.master", a->master, err, sizeof err) != 0)) {
        fprintf(stderr, "network_wordcount: %s\n", err);
        spate_conf_destroy(conf);
        return NULL;
    }
    spate_ctx *ssc = spate_ctx_new(conf, a->batch, err, sizeof err);
    if (!ssc) fprintf(stderr, "network_wordcount: %s\n", err);
    return ssc;
}

int main(int argc, char **argv)
{
    args a = {NULL, 0, spate_seconds(1), NULL};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) return rc;
    spate_ctx *ssc = make_context(&a);
    if (!ssc) return 1;
    spate_stream *lines = spate_socket_text_stream(ssc, a.host, a.port);
    spate_stream *words = spate_stream_flat_map(lines, spate_fn_split_words, NULL);
    spate_stream *pairs = spate_stream_map(words, spate_fn_pair_with_one, NULL);
    spate_stream *counts = spate_stream_reduce_by_key(pairs, spate_fn_sum, NULL, 0);
    if (!counts || spate_stream_print(counts, 10) != SPATE_OK || spate_ctx_start(ssc) != SPATE_OK) {
        fprintf(stderr, "network_wordcount: %s\n", spate_ctx_last_error(ssc));
        spate_ctx_destroy(ssc);
        return 1;
    }
    rc = ex_run_until_stopped("network_wordcount", ssc);
    spate_ctx_destroy(ssc);
    return rc;
}
