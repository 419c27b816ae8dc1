/* sql_kafka_seed004.c - seed 004's Structured Streaming examples with
 * Kafka, through the DataFrame API: the three subscriptions (one topic, a
 * list, a pattern) and the two sink forms (a topic column, the topic
 * option).
 *
 *   build/spate kafka-mock --topic t-topic1 --topic t-topic2   # prints B
 *   build/examples/sql_kafka_seed004 B t /tmp/ckpt
 *
 * The PySpark original (seed 004):
 *   df1 = spark.readStream.format("kafka")
 *       .option("kafka.bootstrap.servers", "host1:port1, host2:port2")
 *       .option("subscribe", "topic1").load()                # also "topic1, topic2",
 *                                                            # subscribePattern "topic.*"
 *   df1.selectExpr("topic", "CAST(key AS STRING)", "CAST(value AS STRING)")
 *       .writeStream.format("kafka").option("kafka.bootstrap.servers", ...)
 *       .option("checkpointLocation", "/to/HDFS-compatible/dir").start()
 *   df1.selectExpr("CAST(key AS STRING)", "CAST(value AS STRING)")
 *       .writeStream.format("kafka").option("kafka.bootstrap.servers", ...)
 *       .option("checkpointLocation", ...).option("topic", "topic1").start()
 *
 * Here, with the topics <prefix>-topic1 and <prefix>-topic2 (read from the
 * earliest offset, each query with Trigger.AvailableNow):
 *   1. subscribe <prefix>-topic1 -> the topic option: <prefix>-out1;
 *   2. subscribe "<prefix>-topic1, <prefix>-topic2" -> a topic column:
 *      each record to <its topic>-copy;
 *   3. subscribePattern "<prefix>-topic[0-9]+" -> records per topic to the
 *      console (complete mode).
 * The casts are named (AS key, AS value): Spark names CAST(key AS STRING)
 * after its column, spate (for now) after the expression.
 * Exits 0, 1 when a query fails (the message on stderr), 2 on a usage error. */
#include <spate/spate.h>

#include <stdio.h>

static int fail(spate_session *s, const char *what)
{
    fprintf(stderr, "sql_kafka_seed004: %s: %s\n", what, spate_session_last_error(s));
    spate_session_free(s);
    return 1;
}

/* readStream.format("kafka") with strategy = value, from the earliest offset. */
static spate_dataframe *kafka_stream(spate_session *s, const char *boot, const char *strategy,
                                     const char *value)
{
    spate_stream_reader *r = spate_session_read_stream(s);
    spate_stream_reader_format(r, "kafka");
    spate_stream_reader_option(r, "kafka.bootstrap.servers", boot);
    spate_stream_reader_option(r, strategy, value);
    spate_stream_reader_option(r, "startingOffsets", "earliest");
    return spate_stream_reader_load(r, NULL);
}

/* Starts df into format with the options (key, value pairs, NULL-ended)
 * under Trigger.AvailableNow and waits until it has read everything. */
static int run(spate_dataframe *df, const char *format, const char *mode, const char *const *opts)
{
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    if (!w || spate_stream_writer_format(w, format) != SPATE_OK ||
        spate_stream_writer_output_mode(w, mode) != SPATE_OK ||
        spate_stream_writer_trigger(w, "availableNow") != SPATE_OK)
        return -1;
    for (; opts && opts[0]; opts += 2)
        if (spate_stream_writer_option(w, opts[0], opts[1]) != SPATE_OK) return -1;
    spate_query *q = spate_stream_writer_start(w);
    if (!q) return -1;
    return spate_query_await_termination(q, -1) == SPATE_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: sql_kafka_seed004 <bootstrap servers> <topic prefix> "
                        "<checkpoint directory>\n");
        return 2;
    }
    const char *boot = argv[1], *p = argv[2], *dir = argv[3];
    char err[512], t1[256], both[512], pattern[300], out1[300], ck[3][4200];
    spate_session *s = spate_session_new(NULL, err, sizeof err);
    if (!s) {
        fprintf(stderr, "sql_kafka_seed004: %s\n", err);
        return 1;
    }
    snprintf(t1, sizeof t1, "%s-topic1", p);
    snprintf(both, sizeof both, "%s-topic1, %s-topic2", p, p);
    snprintf(pattern, sizeof pattern, "%s-topic[0-9]+", p);
    snprintf(out1, sizeof out1, "%s-out1", p);
    for (int i = 0; i < 3; i++)
        snprintf(ck[i], sizeof ck[i], "%s/q%d", dir, i + 1);

    spate_dataframe *df1 = kafka_stream(s, boot, "subscribe", t1);
    spate_dataframe *kv = spate_dataframe_select_expr(
        df1, (const char *[]){"CAST(key AS STRING) AS key", "CAST(value AS STRING) AS value"}, 2);
    const char *o1[] = {
        "kafka.bootstrap.servers", boot, "checkpointLocation", ck[0], "topic", out1, NULL};
    if (!kv || run(kv, "kafka", "append", o1) != 0) return fail(s, "subscribe -> topic option");

    spate_dataframe *df2 = kafka_stream(s, boot, "subscribe", both);
    spate_dataframe *copy = spate_dataframe_select_expr(
        df2,
        (const char *[]){"concat(topic, '-copy') AS topic", "CAST(key AS STRING) AS key",
                         "CAST(value AS STRING) AS value"},
        3);
    const char *o2[] = {"kafka.bootstrap.servers", boot, "checkpointLocation", ck[1], NULL};
    if (!copy || run(copy, "kafka", "append", o2) != 0) return fail(s, "subscribe list -> topic");

    spate_dataframe *df3 = kafka_stream(s, boot, "subscribePattern", pattern);
    spate_dataframe *counts =
        spate_grouped_count(spate_dataframe_group_by(df3, (const char *[]){"topic"}, 1));
    const char *o3[] = {"checkpointLocation", ck[2], NULL};
    if (!counts || run(counts, "console", "complete", o3) != 0)
        return fail(s, "subscribePattern -> console");
    spate_session_free(s);
    return 0;
}
