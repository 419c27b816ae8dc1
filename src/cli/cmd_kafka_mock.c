/* cmd_kafka_mock.c - `spate kafka-mock`: a Kafka-protocol broker anyone can
 * start (librdkafka's mock cluster, see kafka_mock.h). Prints the bootstrap
 * servers as its first line, optionally into a file too, and serves until
 * SIGTERM or SIGINT; fault commands on stdin (kafka_mock_ctl.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/kafka_mock.h"
#include "cli/kafka_mock_ctl.h"

enum { MAX_BROKERS = 100, MAX_PARTITIONS = 10000 };

typedef struct topic_spec {
    const char *name; /* a copy of the text before ':', owned */
    int partitions;   /* 0: --partitions */
} topic_spec;

typedef struct mock_args {
    int brokers;
    int partitions;
    bool partitions_given;
    const char *bootstrap_file;
    topic_spec *topics; /* argc entries, n_topics used */
    int n_topics;
} mock_args;

static void mock_usage(FILE *out)
{
    fprintf(out,
            "usage: spate kafka-mock [options]\n"
            "  starts a Kafka-protocol broker (librdkafka's mock cluster) on 127.0.0.1,\n"
            "  prints its bootstrap servers as the first line, e.g.\n"
            "  127.0.0.1:40123,127.0.0.1:40125,127.0.0.1:40127\n"
            "  and serves until SIGTERM or SIGINT (then exits 0). Data lives in memory;\n"
            "  each partition keeps its last 5 MB (older records are deleted).\n"
            "options:\n"
            "  --brokers N           number of brokers, ids 1..N (default 3)\n"
            "  --topic NAME[:P]      create topic NAME with P partitions (default\n"
            "                        --partitions); repeatable\n"
            "  --partitions P        partitions of --topic without :P (default %d)\n"
            "  --bootstrap-file F    also write the bootstrap line to F (atomic rename;\n"
            "                        removed on exit)\n"
            "topics a client names that do not exist are created with %d partitions\n"
            "(fixed by librdkafka's mock cluster).\n"
            "commands, one per line on stdin, each answered on stdout (ok:/error:):\n"
            "  down ID|all, up ID|all     a broker stops / takes connections again\n"
            "  rtt ID|all MS              delays every response of a broker\n"
            "  errors API COUNT ERROR...  the next COUNT requests of API fail, e.g.\n"
            "                             errors Produce 3 NOT_LEADER_FOR_PARTITION\n"
            "  clear API                  drops the errors still queued for API\n"
            "  leader TOPIC PARTITION ID  moves a partition's leader\n"
            "  create TOPIC PARTITIONS    creates a topic\n",
            SP_KAFKA_MOCK_AUTO_PARTITIONS, SP_KAFKA_MOCK_AUTO_PARTITIONS);
}

static int bad_value(const char *opt, const char *val, const char *expect)
{
    fprintf(stderr, "spate kafka-mock: %s expects %s, got '%s'\n", opt, expect, val);
    return -1;
}

/* A whole number min..max, digits only. */
static int parse_int(const char *opt, const char *val, int min, int max, int *out)
{
    char expect[64];
    snprintf(expect, sizeof expect, "a whole number from %d to %d", min, max);
    long v = 0;
    if (!*val) return bad_value(opt, val, expect);
    for (const char *p = val; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (d > 9 || v > max) return bad_value(opt, val, expect);
        v = v * 10 + d;
    }
    if (v < min || v > max) return bad_value(opt, val, expect);
    *out = (int)v;
    return 0;
}

/* NAME or NAME:P. The name is copied (the caller frees it). */
static int parse_topic(const char *val, topic_spec *t)
{
    char err[512];
    const char *colon = strrchr(val, ':');
    size_t n = colon ? (size_t)(colon - val) : strlen(val);
    char *name = strndup(val, n);
    if (!name) return bad_value("--topic", val, "NAME[:PARTITIONS] (out of memory)");
    t->name = name;
    t->partitions = 0;
    if (sp_kafka_topic_validate(name, err, sizeof err) != 0) {
        fprintf(stderr, "spate kafka-mock: --topic '%s': %s\n", val, err);
        return -1;
    }
    if (colon) return parse_int("--topic partitions", colon + 1, 1, MAX_PARTITIONS, &t->partitions);
    return 0;
}

static int add_topic(mock_args *a, const char *val)
{
    topic_spec *t = &a->topics[a->n_topics++];
    if (parse_topic(val, t) != 0) return -1;
    for (int i = 0; i < a->n_topics - 1; i++) {
        if (!strcmp(a->topics[i].name, t->name)) {
            fprintf(stderr, "spate kafka-mock: --topic %s given twice\n", t->name);
            return -1;
        }
    }
    return 0;
}

static int apply_option(mock_args *a, const char *name, const char *val)
{
    if (!strcmp(name, "--brokers")) return parse_int(name, val, 1, MAX_BROKERS, &a->brokers);
    if (!strcmp(name, "--partitions")) {
        a->partitions_given = true;
        return parse_int(name, val, 1, MAX_PARTITIONS, &a->partitions);
    }
    if (!strcmp(name, "--topic")) return add_topic(a, val);
    if (!*val) return bad_value(name, val, "a file name");
    a->bootstrap_file = val; /* --bootstrap-file */
    return 0;
}

static bool takes_value(const char *name)
{
    static const char *const names[] = {"--brokers", "--partitions", "--topic", "--bootstrap-file"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i])) return true;
    return false;
}

/* Parses argv[1..]: --name VALUE or --name=VALUE. Returns 0, 1 for --help,
 * or -1 after a message. */
static int parse_args(mock_args *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *arg = argv[i], *eq = strchr(arg, '=');
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) return 1;
        size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), arg);
        if (strncmp(arg, "--", 2) != 0 || !takes_value(name)) {
            fprintf(stderr, "spate kafka-mock: unknown %s '%s' (try 'spate kafka-mock --help')\n",
                    strncmp(arg, "--", 2) ? "argument" : "option", arg);
            return -1;
        }
        if (!eq && i + 1 >= argc) {
            fprintf(stderr, "spate kafka-mock: option '%s' needs a value\n", name);
            return -1;
        }
        if (apply_option(a, name, eq ? eq + 1 : argv[++i]) != 0) return -1;
    }
    return 0;
}

/* Writes line + '\n' to a temporary file beside path, then renames it into
 * place: a reader polling path sees no file or the whole line. */
static int write_bootstrap_file(const char *path, const char *line)
{
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp) return -1;
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int rc = f ? 0 : -1;
    if (f && fprintf(f, "%s\n", line) < 0) rc = -1;
    if (f && fclose(f) != 0) rc = -1;
    if (rc == 0 && rename(tmp, path) != 0) rc = -1;
    if (rc != 0) {
        fprintf(stderr, "spate kafka-mock: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

static int create_topics(sp_kafka_mock *m, const mock_args *a)
{
    char err[512];
    for (int i = 0; i < a->n_topics; i++) {
        const topic_spec *t = &a->topics[i];
        int partitions = t->partitions ? t->partitions : a->partitions;
        if (sp_kafka_mock_create_topic(m, t->name, partitions, err, sizeof err) != 0) {
            fprintf(stderr, "spate kafka-mock: %s\n", err);
            return -1;
        }
    }
    return 0;
}

/* Waits for SIGTERM or SIGINT, which every thread blocks (see run_mock). */
static void wait_for_stop_signal(const sigset_t *stop)
{
    int sig;
    while (sigwait(stop, &sig) != 0) {
    }
}

/* Serves the control commands of stdin (kafka_mock_ctl.h) until SIGTERM or
 * SIGINT. At stdin's end (or a read error) only the signal is awaited. A
 * mock started in the background of an interactive shell would be stopped
 * by SIGTTIN when reading the terminal: ignored, the read fails with EIO and
 * the control channel is simply off. */
static void serve(sp_kafka_mock *m, const sigset_t *stop)
{
    int sfd = signalfd(-1, stop, SFD_CLOEXEC);
    if (sfd < 0) {
        wait_for_stop_signal(stop);
        return;
    }
    signal(SIGTTIN, SIG_IGN);
    sp_kafka_mock_ctl ctl = {.len = 0};
    bool stdin_open = true;
    for (;;) {
        struct pollfd fds[2] = {{.fd = sfd, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
        if (poll(fds, stdin_open ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            close(sfd);
            wait_for_stop_signal(stop);
            return;
        }
        if (fds[0].revents & POLLIN) break;
        if (stdin_open && fds[1].revents)
            stdin_open = sp_kafka_mock_ctl_feed(&ctl, m, 0, stdout) == 0;
    }
    close(sfd);
}

/* Tells the world where the brokers are: the file first, so whoever has read
 * the line on stdout finds the file. Returns 0, or -1 after a message (and
 * with no file left behind). */
static int announce(const mock_args *a, const char *boot)
{
    if (a->bootstrap_file && write_bootstrap_file(a->bootstrap_file, boot) != 0) return -1;
    if (printf("%s\n", boot) < 0 || fflush(stdout) != 0) {
        perror("spate kafka-mock: stdout");
        if (a->bootstrap_file) unlink(a->bootstrap_file);
        return -1;
    }
    fprintf(stderr, "spate kafka-mock: %d broker%s, %d topic%s created; SIGTERM or Ctrl-C stops\n",
            a->brokers, a->brokers == 1 ? "" : "s", a->n_topics, a->n_topics == 1 ? "" : "s");
    return 0;
}

static int run_mock(const mock_args *a)
{
    char err[512];
    /* Blocked before librdkafka starts its threads, which inherit the mask,
     * so the signal is taken only by sigwait below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    sp_kafka_mock *m = sp_kafka_mock_start(a->brokers, err, sizeof err);
    if (!m) {
        fprintf(stderr, "spate kafka-mock: %s\n", err);
        return SP_EXIT_FAIL;
    }
    int rc = SP_EXIT_FAIL;
    if (create_topics(m, a) == 0 && announce(a, sp_kafka_mock_bootstraps(m)) == 0) {
        serve(m, &stop);
        /* Its addresses die with the cluster. */
        if (a->bootstrap_file) unlink(a->bootstrap_file);
        rc = SP_EXIT_OK;
    }
    /* Can take up to a second: librdkafka 2.0.2 joins an internal thread
     * that waits on a 1 s timer. */
    sp_kafka_mock_stop(m);
    return rc;
}

int sp_cmd_kafka_mock(int argc, char **argv)
{
    mock_args a = {.brokers = 3, .partitions = SP_KAFKA_MOCK_AUTO_PARTITIONS};
    a.topics = calloc((size_t)argc, sizeof *a.topics);
    if (!a.topics) {
        fprintf(stderr, "spate kafka-mock: out of memory\n");
        return SP_EXIT_FAIL;
    }
    int prc = parse_args(&a, argc, argv), rc;
    if (prc == 1) {
        mock_usage(stdout);
        rc = SP_EXIT_OK;
    } else if (prc < 0) {
        rc = SP_EXIT_USAGE;
    } else {
        if (a.partitions_given && a.partitions != SP_KAFKA_MOCK_AUTO_PARTITIONS)
            fprintf(stderr,
                    "spate kafka-mock: note: --partitions applies to --topic; topics clients "
                    "auto-create get %d partitions (librdkafka's mock has no setting for it)\n",
                    SP_KAFKA_MOCK_AUTO_PARTITIONS);
        rc = run_mock(&a);
    }
    for (int i = 0; i < a.n_topics; i++)
        free((char *)a.topics[i].name);
    free(a.topics);
    return rc;
}
