/* gen_nexmark.c - `spate gen nexmark`: the options, and the events written as
 * JSON lines to stdout, to K files in a directory (each written as a
 * dot-file, then renamed), or to a Kafka topic (gen_kafka_lines.c). The
 * generator is connect/nexmark_gen.h. Main thread. */
#include "cli/gen_nexmark.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "cli/cli.h"
#include "cli/gen_args.h"
#include "cli/gen_kafka_lines.h"
#include "cli/kafka_mock.h"
#include "connect/nexmark_gen.h"

#define CMD "spate gen nexmark"

typedef struct nx_args {
    uint64_t events, seed, files; /* files 0: not given */
    double rate;
    const char *out, *kafka, *topic;
    bool quiet;
} nx_args;

typedef struct nx_run {
    sp_nexmark_gen gen;
    sp_nexmark_fmt fmt;
} nx_run;

void sp_gen_nexmark_usage(FILE *out)
{
    fprintf(out,
            "usage: " CMD " [options]\n"
            "  writes Nexmark auction events (Person, Auction, Bid in the proportions\n"
            "  1:3:46 of the reference generator) as JSON lines in the shape of Flink\n"
            "  Nexmark's tables, e.g.\n"
            "  {\"event_type\":2,\"person\":null,\"auction\":null,\"bid\":{\"auction\":1000,...}}\n"
            "options:\n"
            "  --events N          number of events (default 1000000)\n"
            "  --rate R[/s]        events per second of event time: event n has time\n"
            "                      2015-07-15 00:00:00 UTC + n / R s (default 10000000,\n"
            "                      the Nexmark suite's tps)\n"
            "  --seed S            random seed; the same seed gives the same bytes (default 1)\n"
            "  --quiet             no progress lines on stderr\n"
            "files (instead of stdout):\n"
            "  --out DIR           write DIR/nexmark-00001.json... (atomic renames)\n"
            "  --files K           number of files, sizes differing by one event at most\n"
            "                      (default 1)\n"
            "send to Kafka (instead of stdout), one record per event, no key:\n"
            "  --kafka BOOTSTRAP   bootstrap servers, e.g. 127.0.0.1:9092\n"
            "  --topic NAME        the topic (default nexmark); its partitions get the\n"
            "                      events in turn; waits for every delivery; exits 1 when\n"
            "                      no broker answers within 10 s or an event is not\n"
            "                      delivered\n");
}

static int apply_option(void *ud, const char *name, const char *val)
{
    nx_args *a = ud;
    if (!strcmp(name, "--events"))
        return sp_gen_parse_u64(CMD, name, val, 0, 100000000000ULL, &a->events);
    if (!strcmp(name, "--seed")) return sp_gen_parse_u64(CMD, name, val, 0, UINT64_MAX, &a->seed);
    if (!strcmp(name, "--files")) return sp_gen_parse_u64(CMD, name, val, 1, 99999, &a->files);
    if (!strcmp(name, "--rate"))
        return sp_gen_parse_rate(CMD, name, val,
                                 "events per second above 0 and at most 1e9, e.g. 10000 or 10000/s",
                                 &a->rate);
    if (!strcmp(name, "--out")) {
        if (!*val) return sp_gen_bad_value(CMD, name, val, "a directory");
        a->out = val;
        return 0;
    }
    if (!strcmp(name, "--kafka")) {
        if (!*val)
            return sp_gen_bad_value(CMD, name, val, "bootstrap servers (host:port[,host:port...])");
        a->kafka = val;
        return 0;
    }
    char why[512]; /* --topic */
    if (sp_kafka_topic_validate(val, why, sizeof why) != 0) {
        fprintf(stderr, CMD ": --topic: %s\n", why);
        return -1;
    }
    a->topic = val;
    return 0;
}

/* --name VALUE or --name=VALUE. 0, 1 for --help, or -1 after a message. */
static int parse_args(nx_args *a, int argc, char **argv)
{
    static const char *const with_value[] = {"--events", "--rate",  "--seed",  "--out",
                                             "--files",  "--kafka", "--topic", NULL};
    return sp_gen_parse_args(CMD, with_value, argc, argv, &a->quiet, apply_option, a);
}

static int check_modes(const nx_args *a)
{
    if (a->out && a->kafka) {
        fprintf(stderr, CMD ": --out and --kafka cannot be used together\n");
        return -1;
    }
    if (!a->out && a->files) {
        fprintf(stderr, CMD ": --files needs --out DIR\n");
        return -1;
    }
    if (!a->kafka && a->topic) {
        fprintf(stderr, CMD ": --topic needs --kafka BOOTSTRAP\n");
        return -1;
    }
    return 0;
}

/* ---- output ------------------------------------------------------------- */

/* Events [from, to) as JSON lines to fd. 0, or -1 with errno. */
static int write_events(nx_run *r, int fd, uint64_t from, uint64_t to)
{
    enum { BUF = 1 << 20 };
    char *buf = malloc(BUF);
    if (!buf) return -1;
    size_t len = 0;
    int rc = 0;
    sp_nexmark_event ev;
    for (uint64_t n = from; n < to && rc == 0; n++) {
        if (BUF - len < SP_NEXMARK_JSON_MAX) {
            rc = sp_write_all(fd, buf, len) ? 0 : -1;
            len = 0;
        }
        sp_nexmark_gen_event(&r->gen, n, &ev);
        len += sp_nexmark_json(&r->fmt, &ev, buf + len);
    }
    if (rc == 0) rc = sp_write_all(fd, buf, len) ? 0 : -1;
    int saved = errno;
    free(buf);
    errno = saved;
    return rc;
}

/* File index (1-based) with events [from, to): a dot-file, then renamed. */
static int write_file(nx_run *r, const char *dir, uint64_t index, uint64_t from, uint64_t to,
                      bool quiet)
{
    char tmp[4200], path[4200];
    snprintf(tmp, sizeof tmp, "%s/.nexmark-%05llu.json.tmp", dir, (unsigned long long)index);
    snprintf(path, sizeof path, "%s/nexmark-%05llu.json", dir, (unsigned long long)index);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, CMD ": cannot create %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    int rc = write_events(r, fd, from, to), saved = errno;
    if (close(fd) != 0 && rc == 0) rc = -1, saved = errno;
    if (rc == 0 && rename(tmp, path) != 0) rc = -1, saved = errno;
    if (rc != 0) {
        fprintf(stderr, CMD ": cannot write %s: %s\n", path, strerror(saved));
        unlink(tmp);
        return -1;
    }
    if (!quiet) {
        fprintf(stderr, "spate gen: wrote %s (%llu events)\n", path,
                (unsigned long long)(to - from));
        fflush(stderr);
    }
    return 0;
}

static int run_files(const nx_args *a, nx_run *r)
{
    if (sp_mkdirs(a->out) != 0) {
        fprintf(stderr, CMD ": cannot create directory %s: %s\n", a->out, strerror(errno));
        return SP_EXIT_FAIL;
    }
    uint64_t k = a->files ? a->files : 1;
    for (uint64_t i = 0; i < k; i++) {
        /* file i gets [i*N/K, (i+1)*N/K): sizes differ by one at most */
        uint64_t from = (uint64_t)((unsigned __int128)a->events * i / k);
        uint64_t to = (uint64_t)((unsigned __int128)a->events * (i + 1) / k);
        if (write_file(r, a->out, i + 1, from, to, a->quiet) != 0) return SP_EXIT_FAIL;
    }
    return SP_EXIT_OK;
}

static size_t kafka_line(void *ctx, uint64_t i, char *buf)
{
    nx_run *r = ctx;
    sp_nexmark_event ev;
    sp_nexmark_gen_event(&r->gen, i, &ev);
    return sp_nexmark_json(&r->fmt, &ev, buf) - 1; /* the value has no newline */
}

static int run_kafka(const nx_args *a, nx_run *r)
{
    char err[1024];
    sp_gen_lines_kafka opts = {.bootstrap = a->kafka,
                               .topic = a->topic ? a->topic : "nexmark",
                               .noun = "events",
                               .connect_timeout_ms = 10000,
                               .progress = a->quiet ? NULL : stderr,
                               .line = kafka_line,
                               .ctx = r,
                               .line_max = SP_NEXMARK_JSON_MAX};
    if (sp_gen_lines_kafka_send(&opts, a->events, err, sizeof err) != 0) {
        fprintf(stderr, CMD ": %s\n", err);
        return SP_EXIT_FAIL;
    }
    return SP_EXIT_OK;
}

int sp_gen_nexmark_main(int argc, char **argv)
{
    nx_args a = {.events = 1000000, .seed = 1, .rate = SP_NEXMARK_DEFAULT_RATE};
    int rc = parse_args(&a, argc, argv);
    if (rc == 1) {
        sp_gen_nexmark_usage(stdout);
        return SP_EXIT_OK;
    }
    if (rc < 0 || check_modes(&a) != 0) return SP_EXIT_USAGE;
    sp_nexmark_config cfg;
    sp_nexmark_config_default(&cfg);
    cfg.seed = a.seed;
    cfg.rate = a.rate;
    nx_run *r = malloc(sizeof *r);
    if (!r) {
        fprintf(stderr, CMD ": out of memory\n");
        return SP_EXIT_FAIL;
    }
    sp_nexmark_gen_init(&r->gen, &cfg);
    sp_nexmark_fmt_init(&r->fmt);
    if (a.out)
        rc = run_files(&a, r);
    else if (a.kafka)
        rc = run_kafka(&a, r);
    else if (write_events(r, STDOUT_FILENO, 0, a.events) != 0) {
        fprintf(stderr, CMD ": writing stdout: %s\n", strerror(errno));
        rc = SP_EXIT_FAIL;
    } else
        rc = SP_EXIT_OK;
    free(r);
    return rc;
}
