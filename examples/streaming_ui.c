/* streaming_ui.c - a socket word count whose web UI (issue 13) shows the
 * four figures of seed 002 section 6.3.1; it prints each completed batch's
 * figures as its listener receives them, so they can be checked against
 * the UI's REST API and Prometheus metrics.
 *
 *   val lines = ssc.socketTextStream(host, port)
 *   lines.count().foreachRDD(...)
 *   ssc.addStreamingListener(...)   // prints each onBatchCompleted
 *
 * Usage: streaming_ui --port N [--host H] [--batch DURATION]
 *                     [--conf key=value]...
 * Prints "batch <time ms> records=<n> sched=<ms> proc=<ms> total=<ms>" per
 * completed batch; runs until SIGINT or SIGTERM (a graceful stop). Open
 * the UI at the address logged at INFO (--conf spate.log.level=INFO), by
 * default http://127.0.0.1:4040. */
#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_completed(const spate_batch_info *b, void *ud)
{
    (void)ud;
    printf("batch %lld records=%lld sched=%lld proc=%lld total=%lld\n", (long long)b->batch_time_ms,
           (long long)b->records, (long long)b->scheduling_delay_ms,
           (long long)b->processing_time_ms, (long long)b->total_delay_ms);
    fflush(stdout);
}

static spate_err count_rdd(spate_rdd *rdd, int64_t time_ms, void *ud)
{
    (void)time_ms;
    (void)ud;
    int64_t n;
    return spate_rdd_count(rdd, &n);
}

static int usage(void)
{
    fprintf(stderr, "Usage: streaming_ui --port N [--host H] [--batch DURATION] "
                    "[--conf key=value]...\n");
    return 2;
}

int main(int argc, char **argv)
{
    char err[256];
    const char *host = "127.0.0.1";
    int port = 0;
    spate_duration batch = spate_milliseconds(200);
    spate_conf *conf = spate_conf_new();
    spate_conf_set(conf, "spate.streaming.stopGracefullyOnShutdown", "true", err, sizeof err);
    for (int i = 1; i < argc; i += 2) {
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        const char *eq = val ? strchr(val, '=') : NULL;
        char key[128];
        if (!val) {
            spate_conf_destroy(conf);
            return usage();
        } else if (!strcmp(argv[i], "--port")) {
            port = atoi(val);
        } else if (!strcmp(argv[i], "--host")) {
            host = val;
        } else if (!strcmp(argv[i], "--batch")) {
            if (spate_duration_parse(val, &batch, err, sizeof err) != SPATE_OK) {
                fprintf(stderr, "streaming_ui: --batch: %s\n", err);
                spate_conf_destroy(conf);
                return 2;
            }
        } else if (!strcmp(argv[i], "--conf") && eq && (size_t)(eq - val) < sizeof key) {
            snprintf(key, sizeof key, "%.*s", (int)(eq - val), val);
            if (spate_conf_set(conf, key, eq + 1, err, sizeof err) != SPATE_OK) {
                fprintf(stderr, "streaming_ui: --conf: %s\n", err);
                spate_conf_destroy(conf);
                return 2;
            }
        } else {
            spate_conf_destroy(conf);
            return usage();
        }
    }
    if (port <= 0) {
        spate_conf_destroy(conf);
        return usage();
    }
    spate_ctx *ssc = spate_ctx_new(conf, batch, err, sizeof err);
    if (!ssc) {
        fprintf(stderr, "streaming_ui: %s\n", err);
        return 1;
    }
    spate_listener l = {.on_batch_completed = on_completed};
    spate_stream *lines = spate_socket_text_stream(ssc, host, port);
    if (!lines || spate_stream_foreach_rdd(lines, count_rdd, NULL) != SPATE_OK ||
        spate_ctx_add_listener(ssc, &l) != SPATE_OK || spate_ctx_start(ssc) != SPATE_OK) {
        fprintf(stderr, "streaming_ui: %s\n", spate_ctx_last_error(ssc));
        spate_ctx_destroy(ssc);
        return 1;
    }
    int rc = 0;
    if (spate_ctx_await_termination(ssc) != SPATE_OK) {
        fprintf(stderr, "streaming_ui: %s\n", spate_ctx_last_error(ssc));
        rc = 1;
    }
    spate_ctx_destroy(ssc);
    return rc;
}
