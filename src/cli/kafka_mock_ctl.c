/* kafka_mock_ctl.c - the stdin commands of `spate kafka-mock` (see
 * kafka_mock_ctl.h): parsing, and the calls into librdkafka's mock API. */
#include "cli/kafka_mock_ctl.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum { MAX_WORDS = 16, MAX_ERRORS = MAX_WORDS - 3, MAX_COUNT = 100000 };

/* Kafka's request names and their ApiKeys (the protocol's numbering). */
static const struct {
    const char *name;
    int16_t key;
} apis[] = {
    {"Produce", 0},          {"Fetch", 1},
    {"ListOffsets", 2},      {"Metadata", 3},
    {"OffsetCommit", 8},     {"OffsetFetch", 9},
    {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},       {"LeaveGroup", 13},
    {"SyncGroup", 14},       {"ApiVersions", 18},
    {"InitProducerId", 22},  {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25}, {"EndTxn", 26},
    {"TxnOffsetCommit", 28},
};

static int reply_with(char *reply, size_t size, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = (size_t)snprintf(reply, size, "%s", rc == 0 ? "ok: " : "error: ");
    if (n < size) vsnprintf(reply + n, size - n, fmt, ap);
    va_end(ap);
    return rc;
}

/* A whole number min..max. */
static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return false;
    *out = v;
    return true;
}

/* A broker id, or "all" / -1 for every broker. */
static bool parse_broker(const char *s, int32_t *id)
{
    long v;
    if (!strcmp(s, "all")) {
        *id = -1;
        return true;
    }
    if (!parse_long(s, -1, INT32_MAX, &v)) return false;
    *id = (int32_t)v;
    return true;
}

static bool parse_api(const char *s, int16_t *key)
{
    for (size_t i = 0; i < sizeof apis / sizeof apis[0]; i++) {
        if (!strcasecmp(s, apis[i].name)) {
            *key = apis[i].key;
            return true;
        }
    }
    long v;
    if (!parse_long(s, 0, INT16_MAX, &v)) return false;
    *key = (int16_t)v;
    return true;
}

static int unknown_api(const char *name, char *reply, size_t size)
{
    char names[512] = "";
    for (size_t i = 0; i < sizeof apis / sizeof apis[0]; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                 apis[i].name);
    return reply_with(reply, size, -1, "unknown API '%s' (one of %s, or an ApiKey number)", name,
                      names);
}

/* An error by librdkafka's name (Kafka's, "_TRANSPORT" for the local ones),
 * with or without the RD_KAFKA_RESP_ERR_ prefix, or by number. */
static bool parse_error(const char *s, rd_kafka_resp_err_t *err)
{
    const struct rd_kafka_err_desc *descs;
    size_t n;
    rd_kafka_get_err_descs(&descs, &n);
    if (!strncasecmp(s, "RD_KAFKA_RESP_ERR_", 18)) s += 18;
    for (size_t i = 0; i < n; i++) {
        if (descs[i].name && !strcasecmp(s, descs[i].name)) {
            *err = descs[i].code;
            return true;
        }
    }
    long v;
    if (!parse_long(s, INT_MIN, INT_MAX, &v)) return false;
    *err = (rd_kafka_resp_err_t)v;
    return true;
}

static int broker_cmd(sp_kafka_mock *m, char **w, int n, const char *cmd, char *reply, size_t size)
{
    rd_kafka_mock_cluster_t *mc = sp_kafka_mock_cluster(m);
    int32_t id;
    long ms = 0;
    bool rtt = !strcmp(w[0], "rtt");
    if (n != (rtt ? 3 : 2) || !parse_broker(w[1], &id) ||
        (rtt && !parse_long(w[2], 0, INT_MAX, &ms)))
        return reply_with(reply, size, -1, "usage: %s", rtt ? "rtt ID|all MS" : "down|up ID|all");
    rd_kafka_resp_err_t err = !strcmp(w[0], "down") ? rd_kafka_mock_broker_set_down(mc, id)
                              : !strcmp(w[0], "up") ? rd_kafka_mock_broker_set_up(mc, id)
                                                    : rd_kafka_mock_broker_set_rtt(mc, id, (int)ms);
    if (err) return reply_with(reply, size, -1, "%s: %s", cmd, rd_kafka_err2str(err));
    return reply_with(reply, size, 0, "%s", cmd);
}

/* errors API COUNT ERROR... : COUNT errors, the ERRORs in turn, the last
 * one repeated. */
static int errors_cmd(sp_kafka_mock *m, char **w, int n, const char *cmd, char *reply, size_t size)
{
    int16_t api;
    long count;
    rd_kafka_resp_err_t errs[MAX_ERRORS];
    if (n < 4 || n > 3 + MAX_ERRORS || !parse_long(w[2], 1, MAX_COUNT, &count))
        return reply_with(reply, size, -1, "usage: errors API COUNT ERROR... (COUNT 1..%d)",
                          MAX_COUNT);
    if (!parse_api(w[1], &api)) return unknown_api(w[1], reply, size);
    for (int i = 3; i < n; i++)
        if (!parse_error(w[i], &errs[i - 3]))
            return reply_with(reply, size, -1,
                              "unknown error '%s' (a name such as "
                              "NOT_LEADER_FOR_PARTITION, or a number)",
                              w[i]);
    rd_kafka_resp_err_t *seq = malloc(sizeof *seq * (size_t)count);
    if (!seq) return reply_with(reply, size, -1, "out of memory");
    for (long i = 0; i < count; i++)
        seq[i] = errs[i < n - 3 ? i : n - 4];
    rd_kafka_mock_push_request_errors_array(sp_kafka_mock_cluster(m), api, (size_t)count, seq);
    free(seq);
    return reply_with(reply, size, 0, "%s", cmd);
}

static int clear_cmd(sp_kafka_mock *m, char **w, int n, const char *cmd, char *reply, size_t size)
{
    int16_t api;
    if (n != 2) return reply_with(reply, size, -1, "usage: clear API");
    if (!parse_api(w[1], &api)) return unknown_api(w[1], reply, size);
    rd_kafka_mock_clear_request_errors(sp_kafka_mock_cluster(m), api);
    return reply_with(reply, size, 0, "%s", cmd);
}

static int leader_cmd(sp_kafka_mock *m, char **w, int n, const char *cmd, char *reply, size_t size)
{
    long partition;
    int32_t id;
    if (n != 4 || !parse_long(w[2], 0, INT32_MAX, &partition) || !parse_broker(w[3], &id))
        return reply_with(reply, size, -1, "usage: leader TOPIC PARTITION ID");
    rd_kafka_resp_err_t err =
        rd_kafka_mock_partition_set_leader(sp_kafka_mock_cluster(m), w[1], (int32_t)partition, id);
    if (err) return reply_with(reply, size, -1, "%s: %s", cmd, rd_kafka_err2str(err));
    return reply_with(reply, size, 0, "%s", cmd);
}

/* create TOPIC PARTITIONS: as --topic does at start. */
static int create_cmd(sp_kafka_mock *m, char **w, int n, const char *cmd, char *reply, size_t size)
{
    long partitions;
    char err[512];
    if (n != 3 || !parse_long(w[2], 1, 10000, &partitions))
        return reply_with(reply, size, -1, "usage: create TOPIC PARTITIONS (1..10000)");
    if (sp_kafka_topic_validate(w[1], err, sizeof err) != 0 ||
        sp_kafka_mock_create_topic(m, w[1], (int)partitions, err, sizeof err) != 0)
        return reply_with(reply, size, -1, "%s", err);
    return reply_with(reply, size, 0, "%s", cmd);
}

static const char help_text[] =
    "commands: down ID|all; up ID|all; rtt ID|all MS; errors API COUNT ERROR...; clear API; "
    "leader TOPIC PARTITION ID; create TOPIC PARTITIONS; help";

/* Splits s (modified) on blanks into at most max words. */
static int split_words(char *s, char **w, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
        if (n == max) return -1;
        w[n++] = t;
    }
    return n;
}

int sp_kafka_mock_command(sp_kafka_mock *m, const char *line, char *reply, size_t reply_size)
{
    char copy[1024], cmd[1024], *w[MAX_WORDS];
    snprintf(copy, sizeof copy, "%s", line);
    int n = split_words(copy, w, MAX_WORDS);
    if (n < 0) return reply_with(reply, reply_size, -1, "too many words");
    /* The command as echoed: its words joined by single spaces. */
    cmd[0] = '\0';
    for (int i = 0; i < n; i++)
        snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), "%s%s", i ? " " : "", w[i]);
    if (n == 0) return reply_with(reply, reply_size, -1, "empty command");
    if (!strcmp(w[0], "down") || !strcmp(w[0], "up") || !strcmp(w[0], "rtt"))
        return broker_cmd(m, w, n, cmd, reply, reply_size);
    if (!strcmp(w[0], "errors")) return errors_cmd(m, w, n, cmd, reply, reply_size);
    if (!strcmp(w[0], "clear")) return clear_cmd(m, w, n, cmd, reply, reply_size);
    if (!strcmp(w[0], "leader")) return leader_cmd(m, w, n, cmd, reply, reply_size);
    if (!strcmp(w[0], "create")) return create_cmd(m, w, n, cmd, reply, reply_size);
    if (!strcmp(w[0], "help")) return reply_with(reply, reply_size, 0, "%s", help_text);
    return reply_with(reply, reply_size, -1, "unknown command '%s' (%s)", w[0], help_text);
}

static bool ignorable(const char *line)
{
    line += strspn(line, " \t\r");
    return *line == '\0' || *line == '#';
}

/* Runs the complete lines at the start of the buffer and keeps the rest. */
static void run_lines(sp_kafka_mock_ctl *c, sp_kafka_mock *m, FILE *out)
{
    char reply[1200];
    size_t start = 0;
    for (char *nl; (nl = memchr(c->buf + start, '\n', c->len - start)) != NULL;) {
        *nl = '\0';
        const char *line = c->buf + start;
        start = (size_t)(nl - c->buf) + 1;
        if (ignorable(line)) continue;
        sp_kafka_mock_command(m, line, reply, sizeof reply);
        fprintf(out, "%s\n", reply);
        fflush(out);
    }
    memmove(c->buf, c->buf + start, c->len - start);
    c->len -= start;
}

int sp_kafka_mock_ctl_feed(sp_kafka_mock_ctl *c, sp_kafka_mock *m, int fd, FILE *out)
{
    ssize_t got = read(fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
    if (got <= 0) return -1;
    c->len += (size_t)got;
    run_lines(c, m, out);
    if (c->len == sizeof c->buf - 1) { /* no newline in a full buffer */
        fprintf(out, "error: command longer than %zu bytes\n", sizeof c->buf - 2);
        fflush(out);
        c->len = 0;
    }
    return 0;
}
