/* sql_orders.c - the stock-orders dashboard (seed 002, Spark in Action 6.1)
 * with the Structured Streaming DataFrame API, on the orders' own event time:
 *
 *   1. orders per second by kind: 1-second tumbling windows on `time`, per
 *      kind, in append mode (a second is printed once, when the watermark,
 *      5 seconds behind the latest order, has passed its end);
 *   2. the top 5 clients by total amount * price, in complete mode;
 *   3. the top 5 stocks by volume over the last hour, sliding every 5
 *      seconds: windows of 1 hour starting every 5 seconds, per symbol, in
 *      append mode (each window once, when complete), and per batch the top
 *      5 of the latest window completed, picked by foreachBatch.
 *
 * Each query reads every CSV file of the directory, one file per batch, and
 * stops (Trigger.AvailableNow); they run one after the other so that their
 * console blocks do not interleave. examples/sql/orders_dashboard.sql is the
 * same dashboard in SQL.
 *
 *   build/spate gen orders --count 8000 --per-second 2 --out /tmp/orders --files 10 --interval 0
 *   build/examples/sql_orders /tmp/orders
 *
 * The Scala original of 3 (1 and 2 are the same groupBy...agg shape):
 *   val orders = spark.readStream.format("csv").schema(schema)
 *     .option("maxFilesPerTrigger", 1).load(dir).withWatermark("time", "5 seconds")
 *   orders.groupBy(window($"time", "1 hour", "5 seconds"), $"symbol")
 *     .agg(sum("amount").as("volume"))
 *     .select($"window.start".as("window_start"), $"window.end".as("window_end"),
 *             $"symbol", $"volume")
 *     .writeStream.outputMode("append").trigger(Trigger.AvailableNow())
 *     .foreachBatch { (batch: DataFrame, id: Long) =>
 *       batch.createOrReplaceTempView("closed")
 *       batch.sparkSession.sql("SELECT * FROM closed WHERE window_end = " +
 *         "(SELECT max(window_end) FROM closed) ORDER BY volume DESC, symbol LIMIT 5").show()
 *     }.start().awaitTermination()
 *
 * Exits 0, 1 when a query fails (the message on stderr), 2 on a usage error. */
#include <spate/spate.h>

#include <stdio.h>

static const char *const SCHEMA = "time TIMESTAMP, orderId BIGINT, clientId BIGINT, "
                                  "symbol STRING, amount INT, price DOUBLE, kind STRING";

static int fail(spate_session *s, const char *what)
{
    fprintf(stderr, "sql_orders: %s: %s\n", what, spate_session_last_error(s));
    spate_session_free(s);
    return 1;
}

/* Starts w (format and callback already set) with Trigger.AvailableNow in
 * mode and waits until it has read everything. */
static int run(spate_stream_writer *w, const char *mode, const char *name)
{
    if (!w || spate_stream_writer_output_mode(w, mode) != SPATE_OK ||
        spate_stream_writer_trigger(w, "availableNow") != SPATE_OK ||
        spate_stream_writer_query_name(w, name) != SPATE_OK)
        return -1;
    spate_query *q = spate_stream_writer_start(w);
    if (!q) return -1;
    return spate_query_await_termination(q, -1) == SPATE_OK ? 0 : -1;
}

static int run_to_console(spate_dataframe *df, const char *mode, const char *name)
{
    spate_stream_writer *w = df ? spate_dataframe_write_stream(df) : NULL;
    if (w && (spate_stream_writer_format(w, "console") != SPATE_OK ||
              spate_stream_writer_option(w, "numRows", "1000") != SPATE_OK))
        return -1;
    return run(w, mode, name);
}

/* foreachBatch of the hourly volumes (on the query's thread): the batch's
 * windows completed, and of the latest of them the top 5 symbols, printed
 * under the batch's number as the console sink frames a batch. */
static spate_err top_stocks(spate_dataframe *batch, int64_t batch_id, void *ud)
{
    spate_session *s = ud;
    if (spate_dataframe_create_or_replace_temp_view(batch, "closed") != SPATE_OK) {
        fprintf(stderr, "sql_orders: view: %s\n", spate_session_last_error(s));
        return SPATE_ERR_STATE;
    }
    spate_dataframe *top =
        spate_session_sql(s, "SELECT window_start, window_end, symbol, volume FROM closed "
                             "WHERE window_end = (SELECT max(window_end) FROM closed) "
                             "ORDER BY volume DESC, symbol LIMIT 5");
    if (!top) {
        fprintf(stderr, "sql_orders: top stocks: %s\n", spate_session_last_error(s));
        return SPATE_ERR_STATE;
    }
    printf("-------------------------------------------\n"
           "Top 5 stocks: batch %lld\n"
           "-------------------------------------------\n",
           (long long)batch_id);
    return spate_dataframe_show(top, 5, true, stdout);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sql_orders <input directory>\n");
        return 2;
    }
    char err[512];
    spate_conf *conf = spate_conf_new(); /* 4 partitions, not 200: a small dashboard */
    spate_conf_set(conf, "spate.sql.shuffle.partitions", "4", err, sizeof err);
    spate_session *s = spate_session_new(conf, err, sizeof err);
    spate_conf_destroy(conf);
    if (!s) {
        fprintf(stderr, "sql_orders: %s\n", err);
        return 1;
    }
    spate_stream_reader *r = spate_session_read_stream(s);
    spate_stream_reader_format(r, "csv");
    spate_stream_reader_schema(r, SCHEMA);
    spate_stream_reader_option(r, "maxFilesPerTrigger", "1");
    spate_stream_reader_option(r, "timestampFormat", "yyyy-MM-dd HH:mm:ss");
    spate_dataframe *orders =
        spate_dataframe_with_watermark(spate_stream_reader_load(r, argv[1]), "time", "5 seconds");
    if (!orders) return fail(s, "readStream");

    /* 1. Orders per second by kind. groupBy(window(...)) is not in the
     * DataFrame API yet: the windowed aggregations go through SQL on a view,
     * and selectExpr names their columns (an alias written in that SQL text
     * comes out garbled at the sink for now). */
    if (spate_dataframe_create_or_replace_temp_view(orders, "orders") != SPATE_OK)
        return fail(s, "createOrReplaceTempView");
    spate_dataframe *per_second = spate_dataframe_select_expr(
        spate_session_sql(s, "SELECT window, kind, count(*) FROM orders "
                             "GROUP BY window(time, '1 second'), kind"),
        (const char *[]){"window.start AS second", "kind", "`count(1)` AS orders"}, 3);
    if (run_to_console(per_second, "append", "orders_per_second") != 0)
        return fail(s, "orders per second");

    /* 2. The top 5 clients. */
    spate_dataframe *clients = spate_dataframe_limit(
        spate_dataframe_order_by(
            spate_grouped_agg(spate_dataframe_group_by(orders, (const char *[]){"clientId"}, 1),
                              (const char *[]){"sum(amount * price) AS total"}, 1),
            (const char *[]){"total DESC", "clientId"}, 2),
        5);
    if (run_to_console(clients, "complete", "top_clients") != 0) return fail(s, "top clients");

    /* 3. The top 5 stocks of the last hour. */
    spate_dataframe *hourly = spate_dataframe_select_expr(
        spate_session_sql(s, "SELECT window, symbol, sum(amount) FROM orders "
                             "GROUP BY window(time, '1 hour', '5 seconds'), symbol"),
        (const char *[]){"window.start AS window_start", "window.end AS window_end", "symbol",
                         "`sum(amount)` AS volume"},
        4);
    spate_stream_writer *w = hourly ? spate_dataframe_write_stream(hourly) : NULL;
    if (w && spate_stream_writer_foreach_batch(w, top_stocks, s) != SPATE_OK) w = NULL;
    if (run(w, "append", "top_stocks") != 0) return fail(s, "top stocks");
    spate_session_free(s);
    return 0;
}
