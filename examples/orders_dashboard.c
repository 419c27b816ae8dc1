/* orders_dashboard.c - the stock-orders dashboard of Spark in Action, ch. 6,
 * spate's flagship example. Every batch it reads the new files of orders in
 * --input and writes three metrics to PREFIX-<ms>.txt/part-00000:
 *
 *   (SELLS,List(4926))                           orders per kind in the batch
 *   (BUYS,List(5074))
 *   (TOP5CLIENTS,List(34, 69, 92, 36, 64))       largest cumulative amount * price
 *   (TOP5STOCKS,List(AMD, INTC, BP, EGO, NEM))   largest volume over the window
 *
 *   build/spate gen orders --out in/ --files 50 --interval 3s &   # splitAndSend.sh
 *   build/examples/orders_dashboard --input in/ --output out/output --checkpoint ckpt/
 *
 * The graph is in orders_dashboard_graph.h, line for line the book's Scala.
 * As in Spark, the context comes from StreamingContext.getOrCreate(ckpt,
 * ...): when the checkpoint directory holds a checkpoint, the program resumes
 * where it stopped (or crashed) - the batch interval is the checkpoint's, the
 * clients' totals and the window are restored, unfinished batches run again
 * with the same files, and files that arrived meanwhile are taken.
 *
 * Malformed lines are logged ("Wrong line format (partition N): <line>"),
 * counted and skipped. One line per batch on stderr gives the batch's records,
 * scheduling delay, processing time and total delay (a StreamingListener).
 * SIGINT or SIGTERM stops gracefully (spark.streaming.stopGracefullyOnShutdown:
 * the batches already due complete) and a summary is printed. Exit status: 0
 * after a stop, 1 on a failure, 2 on a usage error.
 *
 * Options: --batch DURATION (default 5s), --window DURATION (default 1h, a
 * multiple of the batch), --master local[N] (default local[*]). */
#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_args.h"
#include "orders_dashboard_graph.h"
#include "orders_dashboard_metrics.h"
#include "orders_parse.h"

#define PROG "orders_dashboard"

typedef struct args {
    const char *input, *output, *checkpoint, *master;
    spate_duration batch, window;
} args;

static int usage(void)
{
    fprintf(stderr, "Usage: " PROG " --input DIR --output PREFIX --checkpoint DIR\n"
                    "       [--batch DURATION (default 5s)] [--window DURATION (default 1h)]\n"
                    "       [--master local[N]]\n");
    return 2;
}

/* Applies one "--name value" pair. Returns 0 or the exit status. */
static int apply_option(args *a, const char *name, const char *value)
{
    if (!strcmp(name, "--input"))
        a->input = value;
    else if (!strcmp(name, "--output"))
        a->output = value;
    else if (!strcmp(name, "--checkpoint"))
        a->checkpoint = value;
    else if (!strcmp(name, "--master"))
        a->master = value;
    else if (!strcmp(name, "--batch"))
        return ex_parse_duration(PROG, name, value, &a->batch);
    else if (!strcmp(name, "--window"))
        return ex_parse_duration(PROG, name, value, &a->window);
    else {
        fprintf(stderr, PROG ": unknown option '%s'\n", name);
        return usage();
    }
    return 0;
}

static int parse_args(int argc, char **argv, args *a)
{
    if ((argc - 1) % 2 != 0) return usage();
    for (int i = 1; i < argc; i += 2) {
        int rc = apply_option(a, argv[i], argv[i + 1]);
        if (rc != 0) return rc;
    }
    if (!a->input || !a->output || !a->checkpoint) {
        fprintf(stderr, PROG ": --input, --output and --checkpoint are required\n");
        return usage();
    }
    return 0;
}

/* The creating function of getOrCreate: runs for a new context and again on
 * every recovery, and builds the same graph each time. */
static spate_err setup(spate_ctx *ssc, void *ud)
{
    const args *a = ud;
    dash_graph_opts o = {.input = a->input, .output_prefix = a->output, .window = a->window};
    return dash_define_graph(ssc, &o);
}

/* SIGTERM and SIGINT stop gracefully through Spark's option
 * (spark.streaming.stopGracefullyOnShutdown): the batches already due
 * complete, then awaitTermination returns. */
static spate_ctx *make_context(args *a)
{
    const char *const settings[][2] = {
        {"spate.app.name", "OrdersDashboard"},
        {"spate.streaming.stopGracefullyOnShutdown", "true"},
        {"spate.master", a->master ? a->master : "local[*]"},
    };
    char err[512];
    spate_conf *conf = spate_conf_new();
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (spate_conf_set(conf, settings[i][0], settings[i][1], err, sizeof err) != SPATE_OK) {
            fprintf(stderr, PROG ": %s\n", err);
            spate_conf_destroy(conf);
            return NULL;
        }
    }
    spate_ctx *ssc =
        spate_ctx_get_or_create(a->checkpoint, conf, a->batch, setup, a, err, sizeof err);
    if (!ssc) fprintf(stderr, PROG ": %s\n", err);
    return ssc;
}

static void print_start(spate_ctx *ssc, const args *a)
{
    fprintf(stderr, PROG ": %s %s: watching %s every %lld ms, writing %s-<ms>.txt\n",
            spate_ctx_recovered(ssc) ? "resumed from checkpoint" : "new checkpoint in",
            a->checkpoint, a->input, (long long)spate_ctx_batch_interval(ssc), a->output);
}

/* The bad-record counter counts reports: the orders stream is cached
 * (orders.cache() in orders_dashboard_graph.h), so each batch's lines are
 * parsed once and a malformed line is reported and counted once, although
 * three metrics read the orders. */
static void print_summary(spate_ctx *ssc, const dash_metrics *m)
{
    spate_ctx_stats st;
    spate_ctx_get_stats(ssc, &st);
    long long proc_ms = atomic_load(&m->processing_ms), lines = atomic_load(&m->records);
    fprintf(stderr,
            PROG ": stopped after %lld batches (%lld failed): %lld lines in, %lld \"Wrong line "
                 "format\" reports; processing time %.3f s (%.0f lines/s)\n",
            (long long)atomic_load(&m->batches), (long long)atomic_load(&m->failed), lines,
            (long long)st.bad_records, proc_ms / 1000.0,
            proc_ms > 0 ? lines * 1000.0 / proc_ms : 0.0);
}

int main(int argc, char **argv)
{
    args a = {.batch = spate_seconds(5), .window = spate_hours(1)};
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
