/* bench_kafka.c - spate's Kafka paths against a running broker
 * (bench/bench_kafka.sh starts `spate kafka-mock` and compares with kcat):
 *
 *   bench_kafka pipeline BOOTSTRAP IN_TOPIC OUT_TOPIC RECORDS PARTITIONS [BATCHES] [KEY=VALUE...]
 *     Kafka -> parse -> count by type -> Kafka: the Kafka dashboard's input
 *     (examples/kafka_dashboard_graph.h: direct stream from the beginning,
 *     orders parsed from the record values) and BUYS/SELLS counts
 *     (orders_dashboard_graph.h) written to OUT_TOPIC, over RECORDS records
 *     of a topic of PARTITIONS partitions in BATCHES batches (default 10,
 *     split by maxRatePerPartition). The figure runs from just before the
 *     context starts to the end of the batch that read the last record.
 *
 *   bench_kafka produce BOOTSTRAP OUT_TOPIC FILE [BATCHES] [KEY=VALUE...]
 *     The Kafka output alone: the lines of FILE (read and turned into
 *     in-memory RDDs first, untimed) written to OUT_TOPIC, one record per
 *     line, no key, by writeToKafka (at-least-once: every delivery report
 *     awaited), BATCHES queue-stream batches (default 10). The figure runs
 *     from the first batch's start to the last batch's end.
 *
 *   bench_kafka offsets BOOTSTRAP TOPIC
 *     The sums of the topic's low and high watermarks, to check the counts.
 *
 * KEY=VALUE: context options (spate.master, kafka.* producer settings...).
 * Both drive a manual clock, one batch at a time, on local[*]. Each prints a
 * RESULT line (seconds, records, records/s) and exits 1 when the records do
 * not add up. Not a test. */
#include <librdkafka/rdkafka.h>
#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../examples/kafka_dashboard_graph.h"
#include "../examples/orders_dashboard_graph.h"

#define PROG "bench_kafka"

enum { BATCH_MS = 1000, WAIT_MS = 600000 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* KEY=VALUE options given after the positional arguments. */
static char **extra_conf;
static int n_extra_conf;

static bool set_conf(spate_conf *conf, const char *key, const char *value)
{
    char err[512];
    if (spate_conf_set(conf, key, value, err, sizeof err) == SPATE_OK) return true;
    fprintf(stderr, PROG ": %s\n", err);
    return false;
}

static spate_ctx *manual_ctx(const char *max_rate)
{
    const char *kv[] = {"spate.streaming.clock",
                        "manual",
                        "spate.log.level",
                        "WARN",
                        "spate.streaming.kafka.maxRatePerPartition",
                        max_rate,
                        NULL};
    spate_conf *conf = spate_conf_new();
    bool ok = true;
    for (int i = 0; ok && kv[i]; i += 2)
        ok = !kv[i + 1] || set_conf(conf, kv[i], kv[i + 1]);
    for (int i = 0; ok && i < n_extra_conf; i++) {
        char *eq = strchr(extra_conf[i], '=');
        *eq = '\0';
        ok = set_conf(conf, extra_conf[i], eq + 1);
        *eq = '=';
    }
    if (!ok) {
        spate_conf_destroy(conf);
        return NULL;
    }
    char err[512];
    spate_ctx *ssc = spate_ctx_new(conf, BATCH_MS, err, sizeof err);
    if (!ssc) fprintf(stderr, PROG ": %s\n", err);
    return ssc;
}

/* Records read, summed from the batches' input info (job thread). */
static void count_records(const spate_batch_info *b, void *ud) { *(long long *)ud += b->records; }

/* Batches completed (a queue stream's batch info has no record count). */
static void count_batches(const spate_batch_info *b, void *ud)
{
    (void)b;
    *(long long *)ud += 1;
}

/* Runs batches until *read (a listener's count) reaches want or a batch
 * fails; the seconds from t0 to the end of the last batch, -1 on failure. */
static double run_batches(spate_ctx *ssc, int max_batches, long long want, const long long *read,
                          double t0)
{
    spate_clock *c = spate_ctx_clock(ssc);
    for (int b = 1; b <= max_batches; b++) {
        spate_clock_set(c, (int64_t)b * BATCH_MS);
        if (spate_ctx_await_batch(ssc, (int64_t)b * BATCH_MS, WAIT_MS) != SPATE_OK) break;
        spate_ctx_stats st;
        spate_ctx_get_stats(ssc, &st);
        if (st.batches_failed > 0) break;
        if (*read >= want) return now_s() - t0;
    }
    fprintf(stderr, PROG ": %lld of %lld: %s\n", *read, want, spate_ctx_last_error(ssc));
    return -1;
}

static void print_result(const char *name, double s, long long records)
{
    printf("RESULT name=%s seconds=%.3f records=%lld rate=%.0f\n", name, s, records, records / s);
}

/* ---- pipeline ------------------------------------------------------------------- */

static int pipeline(int argc, char **argv)
{
    if (argc < 7) return 2;
    long long records = atoll(argv[5]), partitions = atoll(argv[6]);
    int batches = argc > 7 ? atoi(argv[7]) : 10;
    if (records <= 0 || partitions <= 0 || batches <= 0) return 2;
    char rate[32];
    snprintf(rate, sizeof rate, "%lld",
             (records + partitions * batches - 1) / (partitions * batches));
    spate_ctx *ssc = manual_ctx(rate);
    if (!ssc) return 1;
    kdash_graph_opts o = {.brokers = argv[2],
                          .input_topic = argv[3],
                          .output_topic = argv[4],
                          .group_id = "bench_kafka"};
    long long read = 0;
    spate_listener l = {.on_batch_completed = count_records, .ud = &read};
    spate_stream *orders = kdash_orders(ssc, &o);
    if (!orders || kdash_write_metrics(dash_buy_sell_list(orders), &o) != SPATE_OK ||
        spate_ctx_add_listener(ssc, &l) != SPATE_OK) {
        fprintf(stderr, PROG ": %s\n", spate_ctx_last_error(ssc));
        spate_ctx_destroy(ssc);
        return 1;
    }
    double t0 = now_s(), s = -1;
    if (spate_ctx_start(ssc) == SPATE_OK)
        s = run_batches(ssc, batches + 5, records, &read, t0);
    else
        fprintf(stderr, PROG ": %s\n", spate_ctx_last_error(ssc));
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    spate_ctx_destroy(ssc);
    if (s < 0 || read != records) return 1;
    print_result("spate_kafka_pipeline", s, records);
    printf("spate pipeline: %lld records (%lld not orders) in %lld batches\n", read,
           (long long)st.bad_records, (long long)st.batches_completed);
    return 0;
}

/* ---- produce -------------------------------------------------------------------- */

/* The file's bytes (NUL-terminated, malloc'd) and its lines as values
 * borrowing them. */
static char *read_lines(const char *path, spate_value **lines, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[size] = '\0';
    size_t cap = 1024;
    *lines = malloc(cap * sizeof **lines);
    *n = 0;
    for (char *p = buf, *nl; p < buf + size; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(buf + size - p));
        if (!nl) nl = buf + size;
        if (*n == cap) *lines = realloc(*lines, (cap *= 2) * sizeof **lines);
        (*lines)[(*n)++] = spate_str(p, (size_t)(nl - p));
    }
    return buf;
}

/* The lines as `batches` RDDs pushed onto a queue stream. */
static spate_stream *queue_of_lines(spate_ctx *ssc, const spate_value *lines, size_t n, int batches)
{
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    size_t per = (n + (size_t)batches - 1) / (size_t)batches;
    for (size_t from = 0; q && from < n; from += per) {
        size_t k = n - from < per ? n - from : per;
        if (spate_queue_stream_push(q, spate_ctx_parallelize(ssc, lines + from, k, 0)) != SPATE_OK)
            return NULL;
    }
    return q;
}

/* writeToKafka(topic) of q, no key, the line as the value. */
static spate_err write_lines(spate_stream *q, const char *bootstrap, const char *topic)
{
    char err[256];
    spate_kafka_params *p = spate_kafka_params_new();
    if (spate_kafka_params_set(p, "bootstrap.servers", bootstrap, err, sizeof err) != SPATE_OK) {
        fprintf(stderr, PROG ": %s\n", err);
        spate_kafka_params_destroy(p);
        return SPATE_ERR_INVALID_ARG;
    }
    return spate_stream_write_to_kafka(q, p, topic, NULL, NULL, NULL);
}

static int produce(int argc, char **argv)
{
    if (argc < 5) return 2;
    int batches = argc > 5 ? atoi(argv[5]) : 10;
    spate_value *lines = NULL;
    size_t n = 0;
    char *buf = batches > 0 ? read_lines(argv[4], &lines, &n) : NULL;
    spate_ctx *ssc = buf ? manual_ctx(NULL) : NULL;
    if (!ssc) {
        if (!buf) fprintf(stderr, PROG ": cannot read %s\n", argv[4]);
        free(lines);
        free(buf);
        return 1;
    }
    long long done = 0;
    spate_listener l = {.on_batch_completed = count_batches, .ud = &done};
    spate_stream *q = queue_of_lines(ssc, lines, n, batches);
    double s = -1;
    if (q && write_lines(q, argv[2], argv[3]) == SPATE_OK &&
        spate_ctx_add_listener(ssc, &l) == SPATE_OK && spate_ctx_start(ssc) == SPATE_OK)
        s = run_batches(ssc, batches, batches, &done, now_s());
    else
        fprintf(stderr, PROG ": %s\n", spate_ctx_last_error(ssc));
    if (s > 0) print_result("spate_kafka_produce", s, (long long)n);
    spate_ctx_destroy(ssc);
    free(lines);
    free(buf);
    return s > 0 ? 0 : 1;
}

/* ---- offsets -------------------------------------------------------------------- */

/* The sums of the low and high watermarks of a topic's partitions. */
static int offsets(int argc, char **argv)
{
    if (argc < 4) return 2;
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[2], err, sizeof err) !=
        RD_KAFKA_CONF_OK) {
        fprintf(stderr, PROG ": %s\n", err);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) {
        fprintf(stderr, PROG ": %s\n", err);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, argv[3], NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    long long low = 0, high = 0;
    int n = e || md->topic_cnt != 1 ? 0 : md->topics[0].partition_cnt;
    for (int p = 0; !e && p < n; p++) {
        int64_t lo, hi;
        e = rd_kafka_query_watermark_offsets(rk, argv[3], p, &lo, &hi, 10000);
        low += lo, high += hi;
    }
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    if (e || n == 0) {
        fprintf(stderr, PROG ": %s: %s\n", argv[3], e ? rd_kafka_err2str(e) : "no partitions");
        return 1;
    }
    printf("OFFSETS topic=%s partitions=%d low=%lld high=%lld\n", argv[3], n, low, high);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    /* Trailing KEY=VALUE arguments are context options. */
    while (argc > 2 && strchr(argv[argc - 1], '='))
        argc--;
    extra_conf = argv + argc;
    for (char **a = extra_conf; *a; a++)
        n_extra_conf++;
    if (argc > 1 && !strcmp(argv[1], "pipeline")) rc = pipeline(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "produce")) rc = produce(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "offsets")) rc = offsets(argc, argv);
    if (rc == 2)
        fprintf(stderr, "usage: " PROG " pipeline BOOTSTRAP IN_TOPIC OUT_TOPIC RECORDS PARTITIONS "
                        "[BATCHES]\n"
                        "       " PROG " produce BOOTSTRAP OUT_TOPIC FILE [BATCHES]\n"
                        "       " PROG " offsets BOOTSTRAP TOPIC\n");
    return rc;
}
