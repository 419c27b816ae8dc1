/* kafka_orders_dashboard.c - the stock-orders dashboard (Spark in Action,
 * ch. 6) reading its orders from Kafka and writing its metrics to Kafka, as
 * the book's section 6.2 does:
 *
 *   build/spate kafka-mock --topic orders:4 &                 # or a real cluster
 *   build/spate gen orders --kafka BOOT --topic orders        # streamOrders.sh
 *   build/examples/kafka_orders_dashboard --brokers BOOT --input-topic orders \
 *       --output-topic metrics --checkpoint ckpt/
 *   kcat -C -b BOOT -t metrics -f '%k\t%s\n'
 *
 * Every batch it writes the file dashboard's three metrics, one message per
 * line, key the metric name, value the line as the file dashboard writes it:
 *
 *   BUYS         (BUYS,List(5074))
 *   SELLS        (SELLS,List(4926))
 *   TOP5CLIENTS  (TOP5CLIENTS,List(34, 69, 92, 36, 64))
 *   TOP5STOCKS   (TOP5STOCKS,List(AMD, INTC, BP, EGO, NEM))
 *
 * The graph is in kafka_dashboard_graph.h (the file dashboard's, between a
 * Kafka direct stream and a Kafka output). The context comes from
 * StreamingContext.getOrCreate(checkpoint, ...): the first start reads the
 * input topic from its beginning (auto.offset.reset=earliest); later starts
 * resume from the checkpoint, re-running unfinished batches with the same
 * offset ranges.
 *
 * Delivery: at-least-once by default, as Spark's Kafka sink: a batch re-run
 * after a crash writes its lines again. Not exactly-once by default because
 * a transactional id must be unique to one running instance (two instances
 * sharing one fence each other), it needs the broker's transaction log (a
 * one-broker dev cluster must be configured for it), and every consumer has
 * to read with isolation.level=read_committed to benefit: a choice the user
 * makes, as in Spark. With --transactional-id ID each batch's lines are one
 * Kafka transaction committed before the batch completes, so a
 * read_committed consumer sees every batch exactly once across crashes.
 *
 * A record whose value is not an order is reported ("Wrong line format at
 * orders-2 offset 17 (partition 2): <value>"), counted and skipped. One line
 * per batch on stderr gives its records, delays and processing time. SIGINT
 * or SIGTERM stops gracefully (spark.streaming.stopGracefullyOnShutdown) and
 * a summary is printed. Exit status: 0 after a stop, 1 on a failure (Kafka
 * unreachable or the input topic missing past
 * spate.streaming.kafka.metadata.timeout, a failed batch), 2 on a usage
 * error.
 *
 * Options: --batch DURATION (default 5s), --window DURATION (default 1h),
 * --master local[N] (default local[*]), --transactional-id ID, --group-id G
 * (the input's group.id, default kafka_orders_dashboard), --conf KEY=VALUE
 * (any spate option, e.g. spate.streaming.kafka.maxRatePerPartition=10000,
 * or kafka.PROPERTY for the producer; repeatable). */
#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_args.h"
#include "kafka_dashboard_graph.h"
#include "orders_dashboard_metrics.h"

#define PROG "kafka_orders_dashboard"

enum { MAX_CONF = 32 };

typedef struct args {
    const char *brokers, *input_topic, *output_topic, *checkpoint, *master;
    const char *transactional_id, *group_id;
    spate_duration batch, window;
    const char *conf[MAX_CONF];
    int nconf;
} args;

static int usage(void)
{
    fprintf(stderr,
            "Usage: " PROG " --brokers BOOTSTRAP --input-topic TOPIC --output-topic TOPIC\n"
            "       --checkpoint DIR [--batch DURATION (default 5s)] [--window DURATION "
            "(default 1h)]\n"
            "       [--master local[N]] [--transactional-id ID (exactly-once)] [--group-id G]\n"
            "       [--conf KEY=VALUE]...\n");
    return 2;
}

static int add_conf(args *a, const char *kv)
{
    if (!strchr(kv, '=') || kv[0] == '=') {
        fprintf(stderr, PROG ": --conf expects KEY=VALUE, got '%s'\n", kv);
        return 2;
    }
    if (a->nconf == MAX_CONF) {
        fprintf(stderr, PROG ": at most %d --conf options\n", MAX_CONF);
        return 2;
    }
    a->conf[a->nconf++] = kv;
    return 0;
}

/* The options that take a string, and where it goes. */
static const char **string_option(args *a, const char *name)
{
    const struct {
        const char *name;
        const char **slot;
    } opts[] = {
        {"--brokers", &a->brokers},
        {"--input-topic", &a->input_topic},
        {"--output-topic", &a->output_topic},
        {"--checkpoint", &a->checkpoint},
        {"--master", &a->master},
        {"--transactional-id", &a->transactional_id},
        {"--group-id", &a->group_id},
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        if (!strcmp(name, opts[i].name)) return opts[i].slot;
    return NULL;
}

/* Applies one "--name value" pair. Returns 0 or the exit status. */
static int apply_option(args *a, const char *name, const char *value)
{
    const char **slot = string_option(a, name);
    if (slot) {
        if (!*value) {
            fprintf(stderr, PROG ": %s must not be empty\n", name);
            return 2;
        }
        *slot = value;
        return 0;
    }
    if (!strcmp(name, "--batch")) return ex_parse_duration(PROG, name, value, &a->batch);
    if (!strcmp(name, "--window")) return ex_parse_duration(PROG, name, value, &a->window);
    if (!strcmp(name, "--conf")) return add_conf(a, value);
    fprintf(stderr, PROG ": unknown option '%s'\n", name);
    return usage();
}

static int parse_args(int argc, char **argv, args *a)
{
    if ((argc - 1) % 2 != 0) return usage();
    for (int i = 1; i < argc; i += 2) {
        int rc = apply_option(a, argv[i], argv[i + 1]);
        if (rc != 0) return rc;
    }
    if (!a->brokers || !a->input_topic || !a->output_topic || !a->checkpoint) {
        fprintf(stderr,
                PROG ": --brokers, --input-topic, --output-topic and --checkpoint are required\n");
        return usage();
    }
    return 0;
}

/* The creating function of getOrCreate: runs for a new context and again on
 * every recovery, and builds the same graph each time. */
static spate_err setup(spate_ctx *ssc, void *ud)
{
    const args *a = ud;
    kdash_graph_opts o = {.brokers = a->brokers,
                          .input_topic = a->input_topic,
                          .output_topic = a->output_topic,
                          .group_id = a->group_id,
                          .transactional_id = a->transactional_id,
                          .window = a->window};
    return kdash_define_graph(ssc, &o);
}

static bool conf_set(spate_conf *conf, const char *key, const char *value)
{
    char err[512];
    if (spate_conf_set(conf, key, value, err, sizeof err) == SPATE_OK) return true;
    fprintf(stderr, PROG ": %s\n", err);
    return false;
}

/* The app's settings, then the --conf options (which may override them).
 * SIGTERM and SIGINT stop gracefully through Spark's option
 * (spark.streaming.stopGracefullyOnShutdown). */
static spate_conf *make_conf(const args *a)
{
    spate_conf *conf = spate_conf_new();
    bool ok = conf_set(conf, "spate.app.name", "KafkaOrdersDashboard") &&
              conf_set(conf, "spate.streaming.stopGracefullyOnShutdown", "true") &&
              conf_set(conf, "spate.master", a->master ? a->master : "local[*]");
    for (int i = 0; ok && i < a->nconf; i++) {
        const char *eq = strchr(a->conf[i], '=');
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(eq - a->conf[i]), a->conf[i]);
        ok = conf_set(conf, key, eq + 1);
    }
    if (ok) return conf;
    spate_conf_destroy(conf);
    return NULL;
}

static spate_ctx *make_context(args *a)
{
    spate_conf *conf = make_conf(a);
    if (!conf) return NULL;
    char err[1024];
    spate_ctx *ssc =
        spate_ctx_get_or_create(a->checkpoint, conf, a->batch, setup, a, err, sizeof err);
    if (!ssc) fprintf(stderr, PROG ": %s\n", err);
    return ssc;
}

static void print_start(spate_ctx *ssc, const args *a)
{
    fprintf(stderr,
            PROG ": %s %s: reading topic %s at %s every %lld ms%s, writing topic %s (%s%s)\n",
            spate_ctx_recovered(ssc) ? "resumed from checkpoint" : "new checkpoint in",
            a->checkpoint, a->input_topic, a->brokers, (long long)spate_ctx_batch_interval(ssc),
            spate_ctx_recovered(ssc) ? "" : " from its beginning", a->output_topic,
            a->transactional_id ? "exactly-once, transactional.id " : "at-least-once",
            a->transactional_id ? a->transactional_id : "");
}

static void print_summary(spate_ctx *ssc, const dash_metrics *m)
{
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    long long proc_ms = atomic_load(&m->processing_ms), records = atomic_load(&m->records);
    fprintf(stderr,
            PROG ": stopped after %lld batches (%lld failed): %lld records in, %lld \"Wrong line "
                 "format\" reports; processing time %.3f s (%.0f records/s)\n",
            (long long)atomic_load(&m->batches), (long long)atomic_load(&m->failed), records,
            (long long)st.bad_records, proc_ms / 1000.0,
            proc_ms > 0 ? records * 1000.0 / proc_ms : 0.0);
}

int main(int argc, char **argv)
{
    args a = {
        .batch = spate_seconds(5), .window = spate_hours(1), .group_id = "kafka_orders_dashboard"};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) return rc;
    spate_ctx *ssc = make_context(&a);
    if (!ssc) return 1;
    dash_metrics metrics;
    dash_metrics_init(&metrics, ssc, stderr);
    if (dash_metrics_listen(ssc, &metrics) != SPATE_OK || spate_ctx_start(ssc) != SPATE_OK) {
        fprintf(stderr, PROG ": %s\n", spate_ctx_last_error(ssc));
        spate_ctx_destroy(ssc);
        return 1;
    }
    print_start(ssc, &a);
    rc = ex_run_until_stopped(PROG, ssc);
    print_summary(ssc, &metrics);
    spate_ctx_destroy(ssc);
    return rc;
}
