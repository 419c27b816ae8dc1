/* kafka_word_count.c - Spark's DirectKafkaWordCount example in spate.
 *
 * Counts the words of the records of Kafka topics, every batch:
 *
 *   build/spate kafka-mock --topic words:3 &          # or a real cluster
 *   kcat -P -b 127.0.0.1:PORT -t words <<< "to be or not to be"
 *   build/examples/kafka_word_count 127.0.0.1:PORT wc words --offset-reset earliest
 *
 * The Scala original:
 *   val kafkaParams = Map[String, Object](
 *     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG -> brokers,
 *     ConsumerConfig.GROUP_ID_CONFIG -> groupId,
 *     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG -> classOf[StringDeserializer],
 *     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG -> classOf[StringDeserializer])
 *   val messages = KafkaUtils.createDirectStream[String, String](
 *     ssc, LocationStrategies.PreferConsistent,
 *     ConsumerStrategies.Subscribe[String, String](topicsSet, kafkaParams))
 *   val lines = messages.map(_.value)
 *   val words = lines.flatMap(_.split(" "))
 *   val wordCounts = words.map(x => (x, 1L)).reduceByKey(_ + _)
 *   wordCounts.print()
 *
 * Arguments: <brokers> <groupId> <topics> (comma-separated; with --pattern
 * a PCRE2 pattern instead). Options: --batch DURATION (2s), --master
 * local[N], --offset-reset earliest|latest|none (Kafka's default: latest),
 * --checkpoint DIR (offsets survive a restart: getOrCreate), --commit
 * (commitAsync of each batch's ranges to groupId), --ranges (each batch's
 * offset ranges on stderr: "ranges <ms> topic-p:from-until ..."), --conf
 * KEY=VALUE (any spate option, repeatable). SIGINT or SIGTERM stops it
 * gracefully and it exits 0; a failed batch (Kafka unreachable...) prints
 * the error and exits 1. */
#include <spate/spate.h>

#include "example_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CONF = 16, MAX_TOPICS = 64 };

typedef struct args {
    const char *brokers, *group, *topics;
    spate_duration batch;
    const char *master, *reset, *checkpoint;
    bool pattern, commit, ranges;
    const char *conf[MAX_CONF];
    int nconf;
} args;

static int usage(void)
{
    fprintf(stderr, "Usage: kafka_word_count <brokers> <groupId> <topics> [--batch DURATION] "
                    "[--master local[N]]\n"
                    "       [--offset-reset earliest|latest|none] [--checkpoint DIR] [--pattern] "
                    "[--commit] [--ranges]\n"
                    "       [--conf KEY=VALUE]...\n");
    return 2;
}

/* One option at argv[*i] (its value after it); 0, or 2 for bad usage. */
static int parse_option(int argc, char **argv, int *i, args *a)
{
    const char *opt = argv[*i];
    if (!strcmp(opt, "--pattern")) return a->pattern = true, 0;
    if (!strcmp(opt, "--commit")) return a->commit = true, 0;
    if (!strcmp(opt, "--ranges")) return a->ranges = true, 0;
    if (*i + 1 >= argc) return usage();
    const char *val = argv[++*i];
    char err[256];
    if (!strcmp(opt, "--batch")) {
        if (spate_duration_parse(val, &a->batch, err, sizeof err) == SPATE_OK) return 0;
        fprintf(stderr, "kafka_word_count: --batch: %s\n", err);
        return 2;
    }
    if (!strcmp(opt, "--master")) return a->master = val, 0;
    if (!strcmp(opt, "--offset-reset")) return a->reset = val, 0;
    if (!strcmp(opt, "--checkpoint")) return a->checkpoint = val, 0;
    if (!strcmp(opt, "--conf") && a->nconf < MAX_CONF && strchr(val, '='))
        return a->conf[a->nconf++] = val, 0;
    fprintf(stderr, "kafka_word_count: unknown option '%s'\n", opt);
    return usage();
}

static int parse_args(int argc, char **argv, args *a)
{
    if (argc < 4) return usage();
    a->brokers = argv[1];
    a->group = argv[2];
    a->topics = argv[3];
    for (int i = 4; i < argc; i++) {
        int rc = parse_option(argc, argv, &i, a);
        if (rc) return rc;
    }
    return 0;
}

static spate_conf *make_conf(const args *a)
{
    char err[256], key[128];
    spate_conf *conf = spate_conf_new();
    /* SIGINT/SIGTERM stop the context gracefully, as a Spark program asks. */
    if (spate_conf_set(conf, "spate.streaming.stopGracefullyOnShutdown", "true", err, sizeof err))
        goto bad;
    if (a->master && spate_conf_set(conf, "spate.master", a->master, err, sizeof err)) goto bad;
    for (int i = 0; i < a->nconf; i++) {
        const char *eq = strchr(a->conf[i], '=');
        snprintf(key, sizeof key, "%.*s", (int)(eq - a->conf[i]), a->conf[i]);
        if (spate_conf_set(conf, key, eq + 1, err, sizeof err)) goto bad;
    }
    return conf;
bad:
    fprintf(stderr, "kafka_word_count: %s\n", err);
    spate_conf_destroy(conf);
    return NULL;
}

static spate_kafka_params *make_params(const args *a)
{
    char err[256];
    spate_kafka_params *p = spate_kafka_params_new();
    const char *kv[] = {"bootstrap.servers",
                        a->brokers,
                        "group.id",
                        a->group,
                        "key.deserializer",
                        "org.apache.kafka.common.serialization.StringDeserializer",
                        "value.deserializer",
                        "org.apache.kafka.common.serialization.StringDeserializer",
                        "auto.offset.reset",
                        a->reset,
                        NULL};
    for (int i = 0; kv[i]; i += 2) {
        if (kv[i + 1] && spate_kafka_params_set(p, kv[i], kv[i + 1], err, sizeof err)) {
            fprintf(stderr, "kafka_word_count: %s\n", err);
            spate_kafka_params_destroy(p);
            return NULL;
        }
    }
    return p;
}

/* Subscribe to the comma-separated topics, or SubscribePattern. */
static spate_consumer_strategy *make_strategy(const args *a)
{
    if (a->pattern) return spate_kafka_subscribe_pattern(a->topics, NULL, 0);
    char *copy = strdup(a->topics), *save = NULL;
    const char *topics[MAX_TOPICS];
    int n = 0;
    for (char *t = strtok_r(copy, ",", &save); t && n < MAX_TOPICS; t = strtok_r(NULL, ",", &save))
        topics[n++] = t;
    spate_consumer_strategy *s = spate_kafka_subscribe(topics, n, NULL, 0);
    free(copy);
    return s;
}

/* ---- the graph ----------------------------------------------------------------- */

static spate_value record_value(spate_task *t, spate_value rec, void *ud)
{
    (void)t, (void)ud;
    return spate_kafka_record_value(rec);
}

/* HasOffsetRanges and CanCommitOffsets, as the Spark docs show them. */
typedef struct ranges_out {
    spate_stream *direct;
    bool print, commit;
} ranges_out;

static spate_err on_ranges(spate_rdd *rdd, int64_t time, void *ud)
{
    ranges_out *o = ud;
    const spate_offset_range *r;
    int n;
    spate_err err = spate_kafka_offset_ranges(rdd, &r, &n);
    if (err) return err;
    if (o->print) {
        fprintf(stderr, "ranges %lld", (long long)time);
        for (int i = 0; i < n; i++)
            fprintf(stderr, " %s-%d:%lld-%lld", r[i].topic, (int)r[i].partition,
                    (long long)r[i].from_offset, (long long)r[i].until_offset);
        fprintf(stderr, "\n");
    }
    return o->commit ? spate_kafka_commit_async(o->direct, r, n) : SPATE_OK;
}

static spate_err setup(spate_ctx *ssc, void *ud)
{
    const args *a = ud;
    static ranges_out out;
    spate_kafka_params *p = make_params(a);
    if (!p) return SPATE_ERR_INVALID_ARG;
    spate_stream *messages = spate_kafka_direct_stream(ssc, p, make_strategy(a));
    spate_stream *lines = spate_stream_map(messages, record_value, NULL);
    spate_stream *words = spate_stream_flat_map(lines, spate_fn_split_words, NULL);
    spate_stream *pairs = spate_stream_map(words, spate_fn_pair_with_one, NULL);
    spate_stream *counts = spate_stream_reduce_by_key(pairs, spate_fn_sum, NULL, 0);
    if (!counts) return SPATE_ERR_INVALID_ARG;
    out = (ranges_out){messages, a->ranges, a->commit};
    if ((a->ranges || a->commit) && spate_stream_foreach_rdd(messages, on_ranges, &out))
        return SPATE_ERR_INVALID_ARG;
    return spate_stream_print(counts, 10);
}

static spate_ctx *make_context(args *a)
{
    char err[512];
    spate_conf *conf = make_conf(a);
    if (!conf) return NULL;
    spate_ctx *ssc;
    if (a->checkpoint) {
        ssc = spate_ctx_get_or_create(a->checkpoint, conf, a->batch, setup, a, err, sizeof err);
        if (!ssc) fprintf(stderr, "kafka_word_count: %s\n", err);
        return ssc;
    }
    ssc = spate_ctx_new(conf, a->batch, err, sizeof err);
    if (!ssc) {
        fprintf(stderr, "kafka_word_count: %s\n", err);
        return NULL;
    }
    if (setup(ssc, a) != SPATE_OK) {
        fprintf(stderr, "kafka_word_count: %s\n", spate_ctx_last_error(ssc));
        spate_ctx_destroy(ssc);
        return NULL;
    }
    return ssc;
}

int main(int argc, char **argv)
{
    args a = {.batch = spate_seconds(2)};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) return rc;
    spate_ctx *ssc = make_context(&a);
    if (!ssc) return 1;
    if (spate_ctx_start(ssc) != SPATE_OK) {
        fprintf(stderr, "kafka_word_count: %s\n", spate_ctx_last_error(ssc));
        spate_ctx_destroy(ssc);
        return 1;
    }
    rc = ex_run_until_stopped("kafka_word_count", ssc);
    spate_ctx_destroy(ssc);
    return rc;
}
