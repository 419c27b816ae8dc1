/* queue_stream.c - the queueStream example of the Spark Streaming notes
 * (seed 001): two RDDs pushed into a queue, one per batch, words counted.
 *
 *   val ssc = new StreamingContext(sc, Seconds(3))
 *   val rdd1 = sc.parallelize(List("Spark Streaming Sample ssc"))
 *   val rdd2 = sc.parallelize(List("Spark Queue Spark API"))
 *   val inputQueue = mutable.Queue(rdd1, rdd2)
 *   val lines = ssc.queueStream(inputQueue, true)
 *   val words = lines.flatMap(_.split(" "))
 *   words.countByValue().print()
 *   ssc.start()
 *   ssc.awaitTermination()
 *
 * Usage: queue_stream [--batch DURATION] [--batches N] [--master local[N]]
 * --batch is the batch interval (default 3s, e.g. 200ms); --batches N stops
 * gracefully once N batches have completed (default: run until SIGINT or
 * SIGTERM, which also stop gracefully). */
#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct args {
    spate_duration batch;
    long long batches; /* 0: until a signal */
    const char *master;
} args;

static int usage(void)
{
    fprintf(stderr, "Usage: queue_stream [--batch DURATION] [--batches N] [--master local[N]]\n");
    return 2;
}

static int parse_args(int argc, char **argv, args *a)
{
    char err[256], *end;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) {
            fprintf(stderr, "queue_stream: option '%s' needs a value\n", argv[i]);
            return usage();
        }
        const char *val = argv[i + 1];
        if (!strcmp(argv[i], "--batch")) {
            if (spate_duration_parse(val, &a->batch, err, sizeof err) != SPATE_OK) {
                fprintf(stderr, "queue_stream: --batch: %s\n", err);
                return 2;
            }
        } else if (!strcmp(argv[i], "--batches")) {
            a->batches = strtoll(val, &end, 10);
            if (!*val || *end || a->batches < 1) {
                fprintf(stderr, "queue_stream: --batches expects a number >= 1, got '%s'\n", val);
                return 2;
            }
        } else if (!strcmp(argv[i], "--master")) {
            a->master = val;
        } else {
            fprintf(stderr, "queue_stream: unknown option '%s'\n", argv[i]);
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
        fprintf(stderr, "queue_stream: %s\n", err);
        spate_conf_destroy(conf);
        return NULL;
    }
    spate_ctx *ssc = spate_ctx_new(conf, a->batch, err, sizeof err);
    if (!ssc) fprintf(stderr, "queue_stream: %s\n", err);
    return ssc;
}

/* The graph: queueStream(rdd1, rdd2).flatMap(split).countByValue().print(). */
static bool build(spate_ctx *ssc)
{
    spate_value line1 = spate_cstr("Spark Streaming Sample ssc");
    spate_value line2 = spate_cstr("Spark Queue Spark API");
    spate_stream *lines = spate_queue_stream(ssc, true, NULL);
    if (!lines) return false;
    if (spate_queue_stream_push(lines, spate_ctx_parallelize(ssc, &line1, 1, 0)) != SPATE_OK ||
        spate_queue_stream_push(lines, spate_ctx_parallelize(ssc, &line2, 1, 0)) != SPATE_OK)
        return false;
    spate_stream *words = spate_stream_flat_map(lines, spate_fn_split_words, NULL);
    spate_stream *counts = spate_stream_count_by_value(words, 0);
    return counts && spate_stream_print(counts, 10) == SPATE_OK;
}

/* Runs until N batches have completed (then stops gracefully), a signal
 * stops the context (0) or a batch fails (1). */
static int run(spate_ctx *ssc, const args *a)
{
    for (;;) {
        bool terminated = false;
        spate_err e = spate_ctx_await_termination_or_timeout(ssc, 20, &terminated);
        if (e != SPATE_OK) {
            fprintf(stderr, "queue_stream: %s\n", spate_ctx_last_error(ssc));
            spate_ctx_stop(ssc, true, false);
            return 1;
        }
        if (terminated) return 0;
        spate_ctx_stats st;
        spate_ctx_get_stats(ssc, &st);
        if (a->batches > 0 && st.batches_completed >= a->batches) break;
    }
    spate_ctx_stop(ssc, true, true);
    return 0;
}

int main(int argc, char **argv)
{
    args a = {spate_seconds(3), 0, NULL};
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) return rc;
    spate_ctx *ssc = make_context(&a);
    if (!ssc) return 1;
    if (!build(ssc) || spate_ctx_start(ssc) != SPATE_OK) {
        fprintf(stderr, "queue_stream: %s\n", spate_ctx_last_error(ssc));
        spate_ctx_destroy(ssc);
        return 1;
    }
    rc = run(ssc, &a);
    spate_ctx_destroy(ssc);
    return rc;
}
