/* kafka_mock.c - librdkafka's mock cluster behind `spate kafka-mock`.
 * The protocol is all librdkafka's; this file only owns the handles. */
#include "cli/kafka_mock.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sp_kafka_mock {
    rd_kafka_t *rk; /* the client handle the cluster is attached to */
    rd_kafka_mock_cluster_t *cluster;
    int brokers;
};

static int legal_topic_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

int sp_kafka_topic_validate(const char *name, char *errstr, size_t errstr_size)
{
    size_t len = strlen(name);
    if (len == 0) {
        snprintf(errstr, errstr_size, "Topic name is illegal, it can't be empty");
        return -1;
    }
    if (!strcmp(name, ".") || !strcmp(name, "..")) {
        snprintf(errstr, errstr_size, "Topic name cannot be \".\" or \"..\"");
        return -1;
    }
    if (len > SP_KAFKA_TOPIC_MAX) {
        snprintf(errstr, errstr_size,
                 "Topic name is illegal, it can't be longer than %d characters, Topic name: %s",
                 SP_KAFKA_TOPIC_MAX, name);
        return -1;
    }
    for (const char *p = name; *p; p++) {
        if (!legal_topic_char(*p)) {
            snprintf(errstr, errstr_size,
                     "Topic name \"%s\" is illegal, it contains a character other than ASCII "
                     "alphanumerics, '.', '_' and '-'",
                     name);
            return -1;
        }
    }
    return 0;
}

/* librdkafka logs "No bootstrap.servers configured" for the holder handle,
 * which never connects anywhere: only errors are worth a line. */
static void log_errors_only(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    if (level <= 3) fprintf(stderr, "spate kafka-mock: librdkafka %s: %s\n", fac, buf);
}

sp_kafka_mock *sp_kafka_mock_start(int brokers, char *errstr, size_t errstr_size)
{
    sp_kafka_mock *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    m->brokers = brokers;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, log_errors_only);
    /* The cluster needs a client handle for its bookkeeping; a producer
     * with no bootstrap servers opens no connection of its own. */
    m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
    if (!m->rk) {
        rd_kafka_conf_destroy(conf);
        free(m);
        return NULL;
    }
    m->cluster = rd_kafka_mock_cluster_new(m->rk, brokers);
    if (!m->cluster) {
        snprintf(errstr, errstr_size, "cannot start a mock cluster of %d brokers", brokers);
        sp_kafka_mock_stop(m);
        return NULL;
    }
    return m;
}

int sp_kafka_mock_create_topic(sp_kafka_mock *m, const char *name, int partitions, char *errstr,
                               size_t errstr_size)
{
    int replication = m->brokers < 3 ? m->brokers : 3;
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(m->cluster, name, partitions, replication);
    if (err) {
        snprintf(errstr, errstr_size, "cannot create topic %s: %s", name, rd_kafka_err2str(err));
        return -1;
    }
    return 0;
}

const char *sp_kafka_mock_bootstraps(const sp_kafka_mock *m)
{
    return rd_kafka_mock_cluster_bootstraps(m->cluster);
}

rd_kafka_mock_cluster_t *sp_kafka_mock_cluster(sp_kafka_mock *m) { return m->cluster; }

void sp_kafka_mock_stop(sp_kafka_mock *m)
{
    if (!m) return;
    if (m->cluster) rd_kafka_mock_cluster_destroy(m->cluster);
    if (m->rk) rd_kafka_destroy(m->rk);
    free(m);
}
