/* cmd_gen.c - `spate gen orders`: the stock orders of the dashboard example,
 * to stdout, split into files dropped into a directory one by one (the
 * book's splitAndSend.sh), or sent to a Kafka topic (its streamOrders.sh).
 * The generator itself is gen_orders.c, the Kafka producer
 * gen_kafka_lines.c. `spate gen nexmark` is gen_nexmark.c. */
#include <spate/spate.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/gen_args.h"
#include "cli/gen_nexmark.h"
#include "cli/gen_kafka_lines.h"
#include "cli/gen_orders.h"
#include "cli/kafka_mock.h"

typedef struct gen_args {
    uint64_t count;
    uint64_t seed;
    double malformed;
    uint64_t per_second;
    const char *out; /* split mode when set */
    uint64_t files;  /* 0: not given */
    const char *interval;
    const char *kafka; /* Kafka mode when set: bootstrap servers */
    const char *topic;
    double rate; /* --rate, records per second; 0: unpaced */
    bool quiet;
} gen_args;

static void gen_usage(FILE *out)
{
    fprintf(out,
            "usage: spate gen orders [options]\n"
            "  writes stock orders, one per line: time,orderId,clientId,symbol,amount,price,B|S\n"
            "  e.g. 2016-03-22 20:25:28,1,80,EPE,710,51.00,B\n"
            "options:\n"
            "  --count N           number of orders (default 500000)\n"
            "  --seed S            random seed; the same seed gives the same bytes (default 1)\n"
            "  --malformed F       fraction 0..1 of broken lines: wrong field count, bad\n"
            "                      number, bad kind, bad date (default 0)\n"
            "  --per-second N      orders per second of event time (default 100)\n"
            "split and send (instead of stdout):\n"
            "  --out DIR           write files DIR/orders-00001.txt... (atomic renames)\n"
            "  --files K           number of files, equal line counts (default 50)\n"
            "  --interval D        pause between files, e.g. 3s, 500ms (default 3s)\n"
            "send to Kafka (instead of stdout), one record per line, no key:\n"
            "  --kafka BOOTSTRAP   bootstrap servers, e.g. 127.0.0.1:9092\n"
            "  --topic NAME        the topic (default orders); its partitions get the\n"
            "                      lines in turn\n"
            "  --rate N[/s]        records per second (default: as fast as possible)\n"
            "                      waits for every delivery; exits 1 when no broker\n"
            "                      answers within 10 s or a record is not delivered\n"
            "  --quiet             no progress lines on stderr\n");
}

static int parse_fraction(const char *opt, const char *val, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    if (!*val || *end || errno || !isfinite(v) || v < 0 || v > 1)
        return sp_gen_bad_value("spate gen orders", opt, val, "a fraction from 0 to 1");
    *out = v;
    return 0;
}

static int parse_topic(gen_args *a, const char *val)
{
    char why[512];
    if (sp_kafka_topic_validate(val, why, sizeof why) != 0) {
        fprintf(stderr, "spate gen orders: --topic: %s\n", why);
        return -1;
    }
    a->topic = val;
    return 0;
}

/* Applies option name (one of takes_value) = val. Returns 0, or -1 after a
 * message. */
static int apply_option(void *ud, const char *name, const char *val)
{
    gen_args *a = ud;
    if (!strcmp(name, "--count"))
        return sp_gen_parse_u64("spate gen orders", name, val, 0, 100000000000ULL, &a->count);
    if (!strcmp(name, "--seed"))
        return sp_gen_parse_u64("spate gen orders", name, val, 0, UINT64_MAX, &a->seed);
    if (!strcmp(name, "--malformed")) return parse_fraction(name, val, &a->malformed);
    if (!strcmp(name, "--per-second"))
        return sp_gen_parse_u64("spate gen orders", name, val, 1, 1000000000ULL, &a->per_second);
    if (!strcmp(name, "--files"))
        return sp_gen_parse_u64("spate gen orders", name, val, 1, 99999, &a->files);
    if (!strcmp(name, "--out")) {
        if (!*val) return sp_gen_bad_value("spate gen orders", name, val, "a directory");
        a->out = val;
        return 0;
    }
    if (!strcmp(name, "--kafka")) {
        if (!*val)
            return sp_gen_bad_value("spate gen orders", name, val,
                                    "bootstrap servers (host:port[,host:port...])");
        a->kafka = val;
        return 0;
    }
    if (!strcmp(name, "--topic")) return parse_topic(a, val);
    if (!strcmp(name, "--rate"))
        return sp_gen_parse_rate("spate gen orders", name, val,
                                 "records per second, e.g. 1000 or 1000/s", &a->rate);
    a->interval = val; /* --interval: parsed once the mode is known */
    return 0;
}

/* --name VALUE or --name=VALUE. 0, 1 for --help, or -1 after a message. */
static int parse_args(gen_args *a, int argc, char **argv)
{
    static const char *const with_value[] = {"--count", "--seed",  "--malformed", "--per-second",
                                             "--out",   "--files", "--interval",  "--kafka",
                                             "--topic", "--rate",  NULL};
    return sp_gen_parse_args("spate gen orders", with_value, argc, argv, &a->quiet, apply_option,
                             a);
}

static int run_split(const gen_args *a, sp_gen_orders *g)
{
    char err[512];
    spate_duration interval = 3000;
    uint64_t files = a->files ? a->files : 50;
    if (a->interval && spate_duration_parse(a->interval, &interval, err, sizeof err) != SPATE_OK) {
        fprintf(stderr, "spate gen orders: --interval: %s\n", err);
        return SP_EXIT_USAGE;
    }
    if (interval < 0) {
        fprintf(stderr, "spate gen orders: --interval must not be negative\n");
        return SP_EXIT_USAGE;
    }
    if (a->count % files != 0) {
        fprintf(stderr,
                "spate gen orders: --count %llu does not split into %llu files of equal size\n",
                (unsigned long long)a->count, (unsigned long long)files);
        return SP_EXIT_USAGE;
    }
    if (sp_gen_orders_split(g, a->out, files, a->count / files, interval, a->quiet ? NULL : stderr,
                            err, sizeof err) != 0) {
        fprintf(stderr, "spate gen orders: %s\n", err);
        return SP_EXIT_USAGE;
    }
    return SP_EXIT_OK;
}

/* sp_gen_line_fn over the orders generator: the next line, without its
 * newline (lines come in order, so i is not needed). */
static size_t order_line(void *ctx, uint64_t i, char *buf)
{
    (void)i;
    return sp_gen_orders_line(ctx, buf) - 1;
}

static int run_kafka(const gen_args *a, sp_gen_orders *g)
{
    char err[1024];
    sp_gen_lines_kafka opts = {.bootstrap = a->kafka,
                               .topic = a->topic ? a->topic : "orders",
                               .noun = "orders",
                               .rate = a->rate,
                               .connect_timeout_ms = 10000,
                               .progress = a->quiet ? NULL : stderr,
                               .line = order_line,
                               .ctx = g,
                               .line_max = SP_GEN_LINE_MAX};
    if (sp_gen_lines_kafka_send(&opts, a->count, err, sizeof err) != 0) {
        fprintf(stderr, "spate gen orders: %s\n", err);
        return SP_EXIT_FAIL;
    }
    return SP_EXIT_OK;
}

/* Options that belong to one output mode. Returns 0, or -1 after a message. */
static int check_modes(const gen_args *a)
{
    if (a->out && a->kafka) {
        fprintf(stderr, "spate gen orders: --out and --kafka cannot be used together\n");
        return -1;
    }
    if (!a->out && (a->files || a->interval)) {
        fprintf(stderr, "spate gen orders: --files and --interval need --out DIR\n");
        return -1;
    }
    if (!a->kafka && (a->topic || a->rate > 0)) {
        fprintf(stderr, "spate gen orders: --topic and --rate need --kafka BOOTSTRAP\n");
        return -1;
    }
    return 0;
}

static int gen_orders(int argc, char **argv)
{
    gen_args a = {.count = 500000, .seed = 1, .per_second = 100};
    int rc = parse_args(&a, argc, argv);
    if (rc == 1) {
        gen_usage(stdout);
        return SP_EXIT_OK;
    }
    if (rc < 0 || check_modes(&a) != 0) return SP_EXIT_USAGE;
    sp_gen_orders_opts opts = {
        .seed = a.seed, .malformed = a.malformed, .per_second = a.per_second};
    sp_gen_orders g;
    sp_gen_orders_init(&g, &opts);
    if (a.out) return run_split(&a, &g);
    if (a.kafka) return run_kafka(&a, &g);
    if (sp_gen_orders_write(&g, STDOUT_FILENO, a.count) != 0) {
        fprintf(stderr, "spate gen orders: writing stdout: %s\n", strerror(errno));
        return SP_EXIT_USAGE;
    }
    return SP_EXIT_OK;
}

int sp_cmd_gen(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "usage: spate gen <dataset> [options]\ndatasets:\n"
                     "  orders   the stock orders of the dashboard example\n"
                     "  nexmark  the Nexmark benchmark's auction events ("
                     "'spate gen nexmark --help')\n\n");
        gen_usage(out);
        return argc < 2 ? SP_EXIT_USAGE : SP_EXIT_OK;
    }
    if (!strcmp(argv[1], "orders")) return gen_orders(argc - 1, argv + 1);
    if (!strcmp(argv[1], "nexmark")) return sp_gen_nexmark_main(argc - 1, argv + 1);
    fprintf(stderr, "spate gen: unknown dataset '%s' (known: orders, nexmark)\n", argv[1]);
    return SP_EXIT_USAGE;
}
