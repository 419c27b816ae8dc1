/* conf_table.c - every option spate understands, declared once. Defaults are
 * Spark's unless the doc says otherwise. Adding an option: add a row here,
 * regenerate docs/configuration.md (`spate config --markdown`), and read it
 * with the spate_conf_get_* functions. */
#include "base/conf.h"

#include "base/errbuf.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOMAX INT64_MAX

/* Row helpers: name, default, [range,] doc. */
#define STR(n, d, chk, rdoc, doc)                                                                  \
    {                                                                                              \
        n, SP_CONF_STRING, d, 0, 0, 0, 0, NULL, chk, rdoc, doc                                     \
    }
#define INT(n, d, lo, hi, doc)                                                                     \
    {                                                                                              \
        n, SP_CONF_INT, d, lo, hi, 0, 0, NULL, NULL, NULL, doc                                     \
    }
#define DBL(n, d, lo, hi, doc)                                                                     \
    {                                                                                              \
        n, SP_CONF_DOUBLE, d, 0, 0, lo, hi, NULL, NULL, NULL, doc                                  \
    }
#define BOOL(n, d, doc)                                                                            \
    {                                                                                              \
        n, SP_CONF_BOOL, d, 0, 1, 0, 0, NULL, NULL, NULL, doc                                      \
    }
#define DUR(n, d, lo, doc)                                                                         \
    {                                                                                              \
        n, SP_CONF_DURATION, d, lo, NOMAX, 0, 0, NULL, NULL, NULL, doc                             \
    }
#define SIZE(n, d, lo, doc)                                                                        \
    {                                                                                              \
        n, SP_CONF_SIZE, d, lo, NOMAX, 0, 0, NULL, NULL, NULL, doc                                 \
    }
#define ENUM(n, d, allowed, doc)                                                                   \
    {                                                                                              \
        n, SP_CONF_ENUM, d, 0, 0, 0, 0, allowed, NULL, NULL, doc                                   \
    }

/* "local", "local[N]" (N >= 1) or "local[*]". */
int sp_conf_master_threads(const char *m)
{
    if (!m || strncmp(m, "local", 5) != 0) return -1;
    m += 5;
    if (*m == '\0') return 1;
    if (*m++ != '[') return -1;
    if (strcmp(m, "*]") == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        return n > 0 ? (int)n : 1;
    }
    long n = 0;
    const char *p = m;
    for (; *p >= '0' && *p <= '9' && n <= 100000; p++)
        n = n * 10 + (*p - '0');
    if (p == m || strcmp(p, "]") != 0 || n < 1 || n > 100000) return -1;
    return (int)n;
}

static bool check_master(const char *v, char *errstr, size_t errstr_size)
{
    if (sp_conf_master_threads(v) > 0) return true;
    sp_errf(errstr, errstr_size,
            "invalid value \"%s\" for spate.master: expected local, local[N] with N >= 1, "
            "or local[*]",
            v);
    return false;
}

const sp_conf_opt sp_conf_options[] = {
    STR("spate.master", "local[*]", check_master, "`local`, `local[N]`, `local[*]`",
        "Where to run: `local` is one executor thread, `local[N]` is N threads, `local[*]` one "
        "thread per core."),
    STR("spate.app.name", "spate", NULL, NULL, "The application name shown in logs and the UI."),
    INT("spate.default.parallelism", "0", 0, 65536,
        "Partitions of a shuffle when the operation does not give a number; 0 means the number "
        "of executor threads."),
    ENUM("spate.streaming.clock", "system", "system|manual",
         "The clock batches are scheduled by: `system`, or `manual` for tests that advance time "
         "themselves."),
    DUR("spate.streaming.blockInterval", "200ms", 1,
        "How received data is cut into blocks; each block becomes a partition of the batch."),
    DUR("spate.streaming.receiverRestartDelay", "2s", 0,
        "How long a failed receiver waits before it restarts."),
    BOOL("spate.streaming.stopGracefullyOnShutdown", "false",
         "On SIGTERM/SIGINT, stop after the received data is processed instead of at once (the "
         "program's own handlers are restored when the context stops)."),
    BOOL("spate.streaming.stopSparkContextByDefault", "true",
         "Whether stopping the streaming context also stops its executors by default."),
    INT("spate.streaming.concurrentJobs", "1", 1, 1,
        "Output jobs run at the same time. Only 1 is supported for now (Spark's default; more "
        "breaks the ordering of batches)."),
    DUR("spate.streaming.fileStream.minRememberDuration", "60s", 0,
        "How far back a file stream remembers the files it has seen, so that none is read twice."),
    SIZE("spate.files.maxPartitionBytes", "32m", 1,
         "The largest split of a file read into one partition (Spark's default is 128m)."),
    SIZE("spate.files.openCostInBytes", "4m", 0,
         "What opening a file costs, counted in bytes, when a SQL file source splits a batch's "
         "files: splits are at least this long unless the batch is smaller (Spark's "
         "spark.sql.files.openCostInBytes)."),
    INT("spate.streaming.receiver.maxRate", "0", 0, NOMAX,
        "Records per second each receiver accepts at most; 0 means unlimited."),
    BOOL("spate.streaming.receiver.writeAheadLog.enable", "false",
         "Write received records to a log in the checkpoint directory (`receivedData/`) before "
         "`store` returns, so that a restart loses none; needs a checkpoint directory."),
    BOOL("spate.streaming.backpressure.enabled", "false",
         "Adapt the receiving rate to the processing rate of the previous batches (a PID rate "
         "estimator)."),
    INT("spate.streaming.backpressure.initialRate", "0", 0, NOMAX,
        "Records per second for the first batch when backpressure is on; 0 means unlimited."),
    ENUM("spate.streaming.backpressure.rateEstimator", "pid", "pid",
         "The backpressure rate estimator (Spark has only `pid`)."),
    DBL("spate.streaming.backpressure.pid.proportional", "1.0", 0, 1e300,
        "Weight of the current error in the backpressure rate estimator."),
    DBL("spate.streaming.backpressure.pid.integral", "0.2", 0, 1e300,
        "Weight of the accumulated error in the backpressure rate estimator."),
    DBL("spate.streaming.backpressure.pid.derived", "0.0", 0, 1e300,
        "Weight of the error's change in the backpressure rate estimator."),
    {"spate.streaming.backpressure.pid.minRate", SP_CONF_DOUBLE, "100", 0, 0, 1e-9, 1e300, NULL,
     NULL, "> 0", "The lowest rate (records per second) the backpressure estimator sets."},
    INT("spate.streaming.kafka.maxRatePerPartition", "0", 0, NOMAX,
        "Records per second read from each Kafka partition at most; 0 means unlimited."),
    INT("spate.streaming.kafka.minRatePerPartition", "1", 1, NOMAX,
        "Records per second read from each Kafka partition at least, whatever backpressure "
        "says."),
    DUR("spate.streaming.kafka.consumer.poll.ms", "30s", 1,
        "How long a task reading a Kafka partition waits for its records before it fails "
        "(Spark's default is spark.network.timeout, 120s)."),
    DUR("spate.streaming.kafka.metadata.timeout", "10s", 1,
        "How long the Kafka direct stream waits for metadata and offsets (at start, and when "
        "each batch is planned) before failing: an unreachable bootstrap server, an unknown "
        "topic."),
    INT("spate.streaming.kafka.consumer.cache.maxCapacity", "16", 1, 4096,
        "Kafka partitions each executor thread keeps open (and prefetching) between batches "
        "(Spark's is per executor, 64)."),
    ENUM("spate.log.level", "WARN", "DEBUG|INFO|WARN|ERROR|OFF",
         "A context's starting log level: the lowest level of the records its logger "
         "passes (to stderr, or to the callback set with `spate_ctx_set_log_callback`); "
         "`spate_ctx_set_log_level` changes it while running. Records logged outside any "
         "context go to the process default, whose level the environment variable "
         "`SPATE_LOG_LEVEL` sets (WARN when unset)."),
    INT("spate.streaming.checkpoint.snapshotEvery", "10", 1, NOMAX,
        "A stateful stream's data checkpoint is a delta (the keys changed since the previous "
        "one) except every this many deltas, when it is a full snapshot; recovery reads the "
        "latest snapshot and the deltas after it."),
    DUR("spate.streaming.gracefulStopTimeout", "0", 0,
        "How long a graceful stop waits for the pending batches (real time); 0 means 10 batch "
        "intervals, as Spark. Past it the stop warns and abandons the batches not begun yet "
        "(with a checkpoint, recovery runs them again)."),
    /* ---- Structured Streaming and SQL (spark.sql.* in Spark) ---- */
    BOOL("spate.sql.ansi.enabled", "true",
         "Spark 4.0's ANSI mode: invalid casts, overflow and division by zero fail the query "
         "with Spark's error instead of giving NULL (false: Spark 3.5's legacy behaviour)."),
    STR("spate.sql.session.timeZone", "UTC", NULL, NULL,
        "The session time zone: a region ID (`Asia/Seoul`) or an offset (`+09:00`), used to "
        "read and print TIMESTAMP values. Spark's default is the JVM's zone; spate's is UTC "
        "so that output does not depend on the machine."),
    BOOL("spate.sql.caseSensitive", "false",
         "Whether column and table names are matched case-sensitively, as Spark's key."),
    INT("spate.sql.shuffle.partitions", "200", 1, 100000,
        "Partitions of the exchange in front of each stateful operator: one state store per "
        "operator and partition. Fixed for a query's life: a restart with another value is "
        "refused."),
    BOOL("spate.sql.streaming.schemaInference", "false",
         "Whether a streaming file source may infer its schema instead of requiring one."),
    INT("spate.sql.streaming.stateStore.minDeltasForSnapshot", "10", 1, NOMAX,
        "A state store writes a snapshot file after this many delta files since the last one."),
    INT("spate.sql.streaming.minBatchesToRetain", "100", 1, NOMAX,
        "The minimum number of batches whose offsets, commits and state versions a query's "
        "checkpoint keeps so that it can be restarted."),
    INT("spate.sql.streaming.numRecentProgressUpdates", "100", 0, NOMAX,
        "How many progress reports a query keeps for recentProgress."),
    DUR("spate.sql.streaming.pollingDelay", "10ms", 0,
        "How long a query with no new data waits before it asks its sources again."),
    DUR("spate.sql.streaming.noDataProgressEventInterval", "10s", 0,
        "The least time between two progress events of a query that has no new data."),
    STR("spate.sql.streaming.checkpointLocation", "", NULL, NULL,
        "A directory under which queries without a checkpointLocation option get one named "
        "after the query (empty: such queries use a temporary directory)."),
    ENUM("spate.sql.streaming.multipleWatermarkPolicy", "min", "min|max",
         "How a query reading several streams with watermarks combines them: the slowest "
         "stream's (min, which drops the least data) or the fastest's (max)."),
    BOOL("spate.sql.streaming.noDataMicroBatches.enabled", "true",
         "Whether a query runs a batch without new data when its watermark has moved, so that "
         "append mode emits the windows it closed and state the watermark passed is removed."),
    /* ---- the web UI (issue 13) ---- */
    BOOL("spate.ui.enabled", "true",
         "Serve a web UI and REST API for each streaming context and each SQL session with "
         "queries."),
    INT("spate.ui.port", "4040", 0, 65535,
        "The UI's port; when taken the next ones are tried (`spate.port.maxRetries`); 0 takes "
        "any free port. The address bound is logged at INFO."),
    STR("spate.ui.host", "127.0.0.1", NULL, NULL,
        "The address the UI listens on (spate's own option: never all interfaces unless "
        "asked)."),
    INT("spate.port.maxRetries", "16", 0, 1000,
        "How many following ports a service tries when its port is taken."),
    INT("spate.streaming.ui.retainedBatches", "1000", 1, NOMAX,
        "Completed batches the Streaming tab and REST API keep."),
    INT("spate.sql.streaming.ui.retainedProgressUpdates", "100", 1, NOMAX,
        "Progress reports the UI keeps per query."),
    INT("spate.sql.streaming.ui.retainedQueries", "100", 0, NOMAX, "Ended queries the UI keeps."),
    BOOL("spate.ui.killEnabled", "false",
         "Allows stopping a running query from the UI (a POST, confirmed on its page). Spark's "
         "default is true; spate's UI is read-only unless asked."),
};

const size_t sp_conf_noptions = sizeof sp_conf_options / sizeof sp_conf_options[0];

/* ---- docs/configuration.md ------------------------------------------------ */

static const char *type_name(sp_conf_type t)
{
    static const char *const names[] = {"string",   "int",  "double", "bool",
                                        "duration", "size", "enum"};
    return names[t];
}

/* Writes s with '|' escaped for a Markdown table cell. */
static void put_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputc('\\', out);
        fputc(*s, out);
    }
}

static void put_range(FILE *out, const sp_conf_opt *o)
{
    static const char *const units[] = {"", "", "", "", " ms", " bytes", ""};
    if (o->range_doc) {
        put_cell(out, o->range_doc);
    } else if (o->type == SP_CONF_ENUM) {
        for (const char *p = o->allowed; *p;) {
            size_t n = strcspn(p, "|");
            fprintf(out, "%s`%.*s`", p == o->allowed ? "" : ", ", (int)n, p);
            p += n + (p[n] == '|');
        }
    } else if (o->type == SP_CONF_DOUBLE) {
        fprintf(out, o->dmax >= 1e300 ? ">= %g" : "%g .. %g", o->dmin, o->dmax);
    } else if (o->type == SP_CONF_INT || o->type == SP_CONF_DURATION || o->type == SP_CONF_SIZE) {
        if (o->max == INT64_MAX)
            fprintf(out, ">= %" PRId64 "%s", o->min, units[o->type]);
        else if (o->min == o->max)
            fprintf(out, "%" PRId64 " only", o->min);
        else
            fprintf(out, "%" PRId64 " .. %" PRId64 "%s", o->min, o->max, units[o->type]);
    } else if (o->type == SP_CONF_BOOL) {
        fputs("`true`, `false`", out);
    } else {
        fputs("any", out);
    }
}

void sp_conf_write_markdown(FILE *out)
{
    fputs("# Configuration\n\n"
          "<!-- Generated from src/base/conf_table.c by `spate config --markdown`; do not edit. "
          "-->\n\n"
          "Options are set with `spate_conf_set(conf, key, value, ...)`. Spark's `spark.*` names "
          "are accepted\nfor the `spate.*` ones. Unknown keys are an error, except under the "
          "`kafka.` and `user.`\nprefixes, which are kept as given.\n\n"
          "Durations take Spark's forms: `200ms`, `2s`, `5 seconds`, `1min`, `1 hour`, "
          "`Seconds(5)`;\na plain number is milliseconds. Sizes take the units `b`, `k`, `m`, "
          "`g`, `t`, `p`\n(powers of 1024, optionally followed by `b`); a plain number is "
          "bytes.\n\n"
          "| Name | Type | Default | Range | Description |\n"
          "|---|---|---|---|---|\n",
          out);
    for (size_t i = 0; i < sp_conf_noptions; i++) {
        const sp_conf_opt *o = &sp_conf_options[i];
        fprintf(out, "| `%s` | %s | `", o->name, type_name(o->type));
        put_cell(out, o->def);
        fputs("` | ", out);
        put_range(out, o);
        fputs(" | ", out);
        put_cell(out, o->doc);
        fputs(" |\n", out);
    }
}
