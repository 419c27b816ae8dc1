/* sql_dedup.c - dropDuplicates on a stream with the DataFrame API: events
 * (id, time, v) read from CSV files one file per batch, a watermark 10
 * seconds behind the latest time, each (id, time) kept once and forgotten
 * when the watermark passes it, written to CSV files with a checkpoint, so
 * that a restart goes on where the last run stopped. The Scala original:
 *
 *   spark.readStream.schema("id STRING, time TIMESTAMP, v INT")
 *     .option("maxFilesPerTrigger", 1).csv(in)
 *     .withWatermark("time", "10 seconds").dropDuplicates("id", "time")
 *     .writeStream.format("csv").option("path", out)
 *     .option("checkpointLocation", ckpt).start()
 *
 *   build/examples/sql_dedup IN_DIR OUT_DIR CHECKPOINT_DIR [--available-now]
 *
 * Runs until killed, or with --available-now until every file is read.
 * Exits 0, 1 when the query fails (the message on stderr), 2 on a usage
 * error. */
#include <spate/spate.h>

#include <stdio.h>
#include <string.h>

static int fail(spate_session *s, const char *what)
{
    fprintf(stderr, "sql_dedup: %s: %s\n", what, spate_session_last_error(s));
    spate_session_free(s);
    return 1;
}

/* The deduplicated events of directory in. */
static spate_dataframe *events(spate_session *s, const char *in)
{
    spate_stream_reader *r = spate_session_read_stream(s);
    if (spate_stream_reader_format(r, "csv") != SPATE_OK ||
        spate_stream_reader_schema(r, "id STRING, time TIMESTAMP, v INT") != SPATE_OK ||
        spate_stream_reader_option(r, "maxFilesPerTrigger", "1") != SPATE_OK)
        return NULL;
    spate_dataframe *df = spate_stream_reader_load(r, in);
    df = spate_dataframe_with_watermark(df, "time", "10 seconds");
    const char *keys[] = {"id", "time"};
    return spate_dataframe_drop_duplicates(df, keys, 2);
}

int main(int argc, char **argv)
{
    if (argc < 4 || (argc == 5 && strcmp(argv[4], "--available-now")) || argc > 5) {
        fprintf(stderr, "usage: sql_dedup IN_DIR OUT_DIR CHECKPOINT_DIR [--available-now]\n");
        return 2;
    }
    char why[256];
    spate_conf *conf = spate_conf_new();
    spate_conf_set(conf, "spate.sql.shuffle.partitions", "3", why, sizeof why);
    spate_conf_set(conf, "spate.ui.enabled", "false", why, sizeof why);
    spate_session *s = spate_session_new(conf, why, sizeof why);
    spate_conf_destroy(conf);
    if (!s) {
        fprintf(stderr, "sql_dedup: %s\n", why);
        return 1;
    }
    spate_dataframe *df = events(s, argv[1]);
    if (!df) return fail(s, "reading the events");
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    if (spate_stream_writer_format(w, "csv") != SPATE_OK ||
        spate_stream_writer_option(w, "path", argv[2]) != SPATE_OK ||
        spate_stream_writer_option(w, "checkpointLocation", argv[3]) != SPATE_OK ||
        (argc == 5 && spate_stream_writer_trigger(w, "availableNow") != SPATE_OK))
        return fail(s, "the writer");
    spate_query *q = spate_stream_writer_start(w);
    if (!q) return fail(s, "starting the query");
    if (spate_query_await_termination(q, -1) != SPATE_OK) return fail(s, "the query");
    spate_session_free(s);
    return 0;
}
